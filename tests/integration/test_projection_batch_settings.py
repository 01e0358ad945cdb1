"""The projection batch's and cache's bounds come from the environment and reach the projector."""

from __future__ import annotations

from pathlib import Path

from casejourney.container import Container
from casejourney.settings import Settings


def test_the_batch_bounds_are_read_from_the_environment_and_reach_the_projector(
    tmp_path: Path,
) -> None:
    env = {
        "CASEJOURNEY_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
        "CASEJOURNEY_PROJECT_BATCH": "1234",
        "CASEJOURNEY_PROJECT_BATCH_FAMILIES": "56",
        "CASEJOURNEY_PROJECT_CACHE_FAMILIES": "78",
        "CASEJOURNEY_PROJECT_CACHE_EVENTS": "9012",
    }
    with Container(Settings.from_env(env)) as container:
        projector = container.projector
        assert (projector.batch_size, projector.batch_families) == (1234, 56)
        cache = projector._cache
        assert (cache.max_entries, cache.max_weight) == (78, 9012)
