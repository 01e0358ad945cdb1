"""Alerts read for triage: a plain-English line per kind, a configured severity per
kind, and the settings that set it (never quoting a bad value)."""

from __future__ import annotations

import dataclasses

import pytest

from casejourney.settings import Settings
from domain.rules import ALERT_KINDS
from domain.rules.alert_text import TEXTS, describe, label
from domain.rules.severity import LEVELS, Severities, rank


def test_every_alert_kind_has_a_line_a_label_and_a_severity() -> None:
    assert set(TEXTS) == set(ALERT_KINDS)
    assert {f.name for f in dataclasses.fields(Severities)} == set(ALERT_KINDS)
    assert all(label(kind) and "_" not in label(kind) for kind in ALERT_KINDS)


def test_a_run_of_third_referrals_reads_as_the_count_and_the_latest() -> None:
    line = describe(
        "third_referral_child",
        {"count": 5, "referral_id": "R9", "referral_ids": ["R3", "R4", "R9"], "basis": "observed"},
    )
    assert line == "5 referrals in 12 months, latest R9; raised again by 2 later referrals"
    single = describe(
        "third_referral_child", {"count": 3, "referral_id": "R3", "basis": "observed"}
    )
    assert single == "3 referrals in 12 months, latest R3"


def test_a_stated_count_says_where_it_was_stated() -> None:
    line = describe(
        "third_referral_child",
        {"count": 4, "referral_id": "R1", "basis": "stated in Annex A List 3 of 2025-03-31"},
    )
    assert line.endswith("(count stated in Annex A List 3 of 2025-03-31)")


def test_deadline_lines_use_uk_dates_and_no_codes() -> None:
    drift = describe(
        "pre_proceedings_drift",
        {"plo_id": "PLO1", "reason": "no_meeting", "due_on": "2024-05-06", "since": "2024-03-25"},
    )
    assert drift == "No PLO meeting since 25 Mar 2024: the next was due by 6 May 2024"
    breach = describe(
        "reg24_deadline",
        {"placement_id": "P1", "phase": "breach", "expires_on": "2024-04-22", "extended": True},
    )
    assert "expired on 22 Apr 2024 (after the Regulation 25 extension)" in breach
    assert "_" not in drift + breach


def test_an_unqualified_decision_names_the_decision_in_words() -> None:
    line = describe(
        "unqualified_decision",
        {"event_type": "StrategyDiscussionHeld", "worker_id": "SW-1", "role": "family_support"},
    )
    assert line == "Strategy discussion held by SW-1 (family support), not a qualified worker"


def test_a_contradicted_alert_says_so_in_words() -> None:
    line = describe(
        "overdue_action", {"action_id": "A1", "due_on": "2024-05-01", "contradicted": ["FN-1"]}
    )
    assert line.endswith("see the data-quality findings.") and "FN-1" not in line


def test_severity_defaults_rank_third_referrals_and_drift_high() -> None:
    s = Severities()
    assert (
        s.of("third_referral_child"),
        s.of("pre_proceedings_drift"),
        s.of("overdue_action"),
    ) == (
        "high",
        "high",
        "medium",
    )
    assert sorted(["low", "high", "medium"], key=rank) == list(LEVELS)


def test_severity_is_set_per_kind_from_the_environment() -> None:
    settings = Settings.from_env({"CASEJOURNEY_ALERT_SEVERITY_OVERDUE_ACTION": " High "})
    assert settings.severity.of("overdue_action") == "high"
    assert settings.severity.of("repeat_cp_plan") == "medium"  # the rest keep their defaults


def test_a_bad_severity_names_the_variable_not_the_value() -> None:
    with pytest.raises(ValueError) as caught:
        Settings.from_env({"CASEJOURNEY_ALERT_SEVERITY_REG24_DEADLINE": "urgent!!"})
    assert "CASEJOURNEY_ALERT_SEVERITY_REG24_DEADLINE" in str(caught.value)
    assert "urgent" not in str(caught.value)
    with pytest.raises(ValueError):
        Severities(reg24_deadline="critical")
