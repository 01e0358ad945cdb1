"""The long-running services' garbage collector: what is loaded is frozen, and full
collections are rare (each walked the whole heap, freed nothing, and held an alert up)."""

from __future__ import annotations

import json
import subprocess
import sys

from casejourney import collector

PROBE = """
import gc, json
from casejourney import collector
before = gc.get_threshold()
collector.for_a_service()
once = gc.get_threshold()
gc.set_threshold(*before)
collector.for_a_service()  # once per process: a second call changes nothing
print(json.dumps([before, once, gc.get_threshold(), gc.get_freeze_count()]))
"""


def test_a_service_freezes_what_it_loaded_and_makes_full_collections_rare() -> None:
    # In a process of its own: the test runner's collector is left as it is.
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    before, once, again, frozen = json.loads(done.stdout)
    assert once == [collector.YOUNG, collector.MIDDLE, collector.OLD] != before
    assert again == before, "tuned once per process"
    assert frozen > 1000, "the libraries loaded at start are frozen"
