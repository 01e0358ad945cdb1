"""The national figures shipped with the product, a council's own figures, and RAG."""

from __future__ import annotations

import json
from datetime import date

import pytest

from domain.local_figures import ENGLISH_REGIONS, parse_local_figures
from domain.national_figures import national_figures, parse
from domain.rag import BETTER, rag

KEYS = [k for k, better in BETTER.items() if better]


def test_the_shipped_release_names_its_source_and_date() -> None:
    release = national_figures()
    assert release.publisher == "Department for Education"
    assert date.fromisoformat(release.published) >= date(2025, 10, 1)
    assert release.url.startswith("https://explore-education-statistics.service.gov.uk/")
    assert release.year == "2024-25"
    for figure in release.figures.values():
        assert figure.url.startswith("https://explore-education-statistics.service.gov.uk/")
        assert figure.dataset and figure.measure


def test_the_shipped_figures_are_guide_section_10s() -> None:
    figures = national_figures().figures
    re_referrals = figures["re_referral_rate"]
    assert (re_referrals.england, re_referrals.child_level) == (22.6, 21.0)
    assert re_referrals.counts == (142_900, 632_830)
    assert re_referrals.previous == ("2023-24", 22.0)
    assert re_referrals.regions == {
        "North East": 20.7,
        "North West": 21.7,
        "Yorkshire and The Humber": 21.7,
        "East Midlands": 24.7,
    }
    assert figures["cp_plans_2y"].england == 4.4


def test_each_shipped_figure_agrees_with_its_own_counts_and_names_real_regions() -> None:
    for key, figure in national_figures().figures.items():
        assert BETTER[key] is not None, key  # a figure with context says which way is good
        assert set(figure.regions) <= ENGLISH_REGIONS, key
        if figure.counts:
            numerator, denominator = figure.counts
            # DfE rounds counts to the nearest 10, so the share may differ in the last place.
            assert abs(100 * numerator / denominator - figure.england) <= 0.1, key


def test_a_release_missing_a_field_is_refused_naming_it() -> None:
    raw = json.loads(json.dumps({"publisher": "x", "figures": {}}))
    with pytest.raises(KeyError, match="year"):
        parse(json.dumps(raw))


@pytest.mark.parametrize(
    ("value", "reference", "better", "expected"),
    [
        (22.6, 22.6, "lower", "green"),  # at the reference is green
        (20.0, 22.6, "lower", "green"),
        (24.6, 22.6, "lower", "amber"),  # worse by exactly the band: still amber
        (24.7, 22.6, "lower", "red"),
        (85.7, 85.7, "higher", "green"),
        (90.0, 85.7, "higher", "green"),
        (83.7, 85.7, "higher", "amber"),
        (83.6, 85.7, "higher", "red"),
    ],
)
def test_rag_follows_which_way_is_good(
    value: float, reference: float, better: str, expected: str
) -> None:
    assert rag(value, reference, better, 2.0) == expected  # type: ignore[arg-type]


def test_rag_with_no_amber_band_is_green_or_red() -> None:
    assert rag(20.1, 20.0, "lower", 0.0) == "red"
    assert rag(20.0, 20.0, "lower", 0.0) == "green"


def test_a_councils_file_sets_its_region_targets_and_neighbours() -> None:
    text = json.dumps(
        {
            "region": "North West",
            "amber_points": 1.5,
            "targets": {"re_referral_rate": 20, "assessment_timeliness": 90.0},
            "neighbours": {"re_referral_rate": 21.3},
            "neighbours_label": "Statistical neighbours 2024-25",
        }
    )
    local = parse_local_figures(text, "local.json", KEYS)
    assert local.region == "North West"
    assert local.targets == {"re_referral_rate": 20.0, "assessment_timeliness": 90.0}
    assert local.neighbours == {"re_referral_rate": 21.3}
    assert (local.neighbours_label, local.amber_points) == ("Statistical neighbours 2024-25", 1.5)


def test_an_empty_councils_file_sets_nothing() -> None:
    local = parse_local_figures("{}", "local.json", KEYS)
    assert (local.region, local.targets, local.neighbours, local.amber_points) == (
        None,
        {},
        {},
        2.0,
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ({"targets": {"re_referral_rate": 100.5}}, "targets.re_referral_rate must be a percentage"),
        ({"targets": {"re_referral_rate": -0.5}}, "targets.re_referral_rate must be a percentage"),
        ({"targets": {"re_referral_rate": True}}, "targets.re_referral_rate must be a percentage"),
        ({"neighbours": {"re_referral_rate": "21"}}, "neighbours.re_referral_rate must be"),
        ({"targets": {"referrals": 10}}, "not a headline percentage: 'referrals'"),
        ({"targets": [31.5]}, "targets must be an object"),
        ({"region": "Narnia 31.5"}, "region must be one of England's nine regions"),
        ({"amber_points": 131.5}, "amber_points must be"),
        ({"colour": "31.5"}, "unknown field 'colour'"),
        ([31.5], "must be a JSON object"),
    ],
)
def test_a_mistake_in_a_councils_file_names_file_field_and_reason_not_value(
    content: object, reason: str
) -> None:
    with pytest.raises(ValueError, match=r"^local\.json: ") as refused:
        parse_local_figures(json.dumps(content), "local.json", KEYS)
    assert reason in str(refused.value)
    assert "31.5" not in str(refused.value) and "100.5" not in str(refused.value)


def test_a_councils_file_that_is_not_json_says_where() -> None:
    with pytest.raises(ValueError, match=r"^local\.json: not JSON \(line 2\)$"):
        parse_local_figures('{\n"region": North West}', "local.json", KEYS)
