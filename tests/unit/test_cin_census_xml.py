"""CIN census XML to records and facts, and unsafe XML refused (no store needed).

The builder writes synthetic returns in the DfE layout (Message -> Header ->
CollectionDetails -> ReferenceDate; Children -> Child -> ChildIdentifiers,
ChildCharacteristics, CINdetails -> Assessments, Section47, ChildProtectionPlans).
The integration tests import it too.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from consumers.returns.cin_census.census import read_cin_census
from tests.unit.test_annex_a_lists import by_id, facts_of, payload


def _leaf(parent: Element, name: str, value: Any) -> None:
    if value is not None:
        SubElement(parent, name).text = str(value)


def census_xml(children: list[dict[str, Any]], reference: str | None = "2024-03-31") -> bytes:
    message = Element("Message")
    details = SubElement(SubElement(message, "Header"), "CollectionDetails")
    _leaf(details, "Collection", "CIN")
    _leaf(details, "ReferenceDate", reference)
    kids = SubElement(message, "Children")
    for spec in children:
        child = SubElement(kids, "Child")
        ids = SubElement(child, "ChildIdentifiers")
        _leaf(ids, "LAchildID", spec.get("id"))
        _leaf(ids, "UPN", "A123456789012")
        _leaf(ids, "PersonBirthDate", spec.get("dob"))
        _leaf(ids, "Sex", spec.get("sex"))
        traits = SubElement(child, "ChildCharacteristics")
        _leaf(traits, "Ethnicity", "WBRI")
        for ep in spec.get("episodes", []):
            cin = SubElement(child, "CINdetails")
            _leaf(cin, "CINreferralDate", ep.get("referral"))
            _leaf(cin, "ReferralSource", ep.get("source", "1A"))
            _leaf(cin, "PrimaryNeedCode", ep.get("need"))
            _leaf(cin, "CINclosureDate", ep.get("closure"))
            _leaf(cin, "ReasonForClosure", ep.get("reason"))
            _leaf(cin, "DateOfInitialCPC", ep.get("episode_icpc"))
            for a in ep.get("assessments", []):
                el = SubElement(cin, "Assessments")
                _leaf(el, "AssessmentActualStartDate", a.get("start"))
                _leaf(el, "AssessmentAuthorisationDate", a.get("auth"))
                if "factors" in a:
                    factors = SubElement(el, "FactorsIdentifiedAtAssessment")
                    for code in a["factors"]:
                        _leaf(factors, "AssessmentFactors", code)
            if ep.get("cin_plan"):
                plan_dates = SubElement(cin, "CINPlanDates")
                _leaf(plan_dates, "CINPlanStartDate", ep["cin_plan"])
            for s in ep.get("s47", []):
                el = SubElement(cin, "Section47")
                _leaf(el, "S47ActualStartDate", s.get("start"))
                _leaf(el, "InitialCPCtarget", s.get("target"))
                _leaf(el, "DateOfInitialCPC", s.get("icpc"))
                _leaf(el, "ICPCnotRequired", s.get("not_required", "false"))
            _leaf(cin, "ReferralNFA", ep.get("nfa", "0"))
            for p in ep.get("plans", []):
                el = SubElement(cin, "ChildProtectionPlans")
                _leaf(el, "CPPstartDate", p.get("start"))
                _leaf(el, "CPPendDate", p.get("end"))
                _leaf(el, "InitialCategoryOfAbuse", p.get("category", "NEG"))
                _leaf(el, "LatestCategoryOfAbuse", p.get("category", "NEG"))
                _leaf(el, "NumberOfPreviousCPP", p.get("previous", 0))
                reviews = SubElement(el, "Reviews")
                for day in p.get("reviews", []):
                    _leaf(reviews, "CPPreviewDate", day)
            for plo in ep.get("plo", []):
                _pre_proceedings(SubElement(cin, "PreProceedingsandFGDM"), plo)
    return tostring(message, encoding="utf-8", xml_declaration=True)


def _pre_proceedings(block: Element, plo: dict[str, Any]) -> None:
    """The 2026-27 block: pre-proceedings start, letter, FGDMs, review meetings,
    decision and outcome, court application (element names as the reader declares)."""
    _leaf(block, "PreProceedingsStartDate", plo.get("start"))
    _leaf(block, "LetterBeforeProceedingsDate", plo.get("letter"))
    for day in plo.get("fgdm", []):
        _leaf(block, "FGDMDate", day)
    for day in plo.get("reviews", []):
        _leaf(block, "PreProceedingsReviewMeetingDate", day)
    _leaf(block, "PreProceedingsDecisionDate", plo.get("decision"))
    _leaf(block, "PreProceedingsOutcome", plo.get("outcome"))
    _leaf(block, "CourtApplicationDate", plo.get("court"))


def write_census(path: Path, children: list[dict[str, Any]], **kwargs: Any) -> Path:
    path.write_bytes(census_xml(children, **kwargs))
    return path


FULL_CHILD: dict[str, Any] = {
    "id": " 2001 ",
    "dob": "2015-03-27",
    "sex": "2",
    "episodes": [
        {
            "referral": "2023-06-05",
            "source": "3A",
            "need": "N1",
            "closure": "2024-02-27",
            "reason": "RC7",
            "episode_icpc": "2023-07-20",
            "cin_plan": "2023-08-01",
            "assessments": [{"start": "2023-06-06", "auth": "2023-07-03", "factors": ["6B", "1C"]}],
            "s47": [{"start": "2023-06-30", "target": "2023-07-21", "icpc": "2023-07-20"}],
            "plans": [
                {
                    "start": "2023-07-20",
                    "end": "2024-02-27",
                    "category": "PHY",
                    "reviews": ["2023-10-19", "2024-02-27"],
                }
            ],
        },
        {"referral": "2024-03-10", "source": "6", "nfa": "true"},
    ],
}


def test_a_census_child_becomes_its_journey(tmp_path: Path) -> None:
    source = read_cin_census(write_census(tmp_path / "cin.xml", [FULL_CHILD]))
    assert source.error is None and source.rejects == []
    assert source.as_of == date(2024, 3, 31)
    assert source.coverage["CINdetails"] == (date(2023, 4, 1), date(2024, 3, 31))
    facts = by_id(facts_of(source))
    ref = "ref:2001:2023-06-05"
    assert payload(facts["imp:child:2001:added"]) == {"birth_date": "2015-03-27", "sex": "F"}
    assert payload(facts[f"imp:{ref}:received"]) == {
        "referral_id": ref,
        "source": "3A",
        "primary_need": "N1",
    }
    assert payload(facts[f"imp:{ref}:closed"]) == {"referral_id": ref, "reason": "RC7"}
    started = facts["imp:asm:2001:2023-06-06:started"]
    assert payload(started)["referral_id"] == ref and started.inferred == frozenset()
    completed = facts["imp:asm:2001:2023-06-06:completed"]
    assert payload(completed) == {
        "assessment_id": "asm:2001:2023-06-06",
        "factors": ["1C", "6B"],
        "outcome": "cin_plan",
    }
    assert completed.inferred == {"outcome"}  # the census records no outcome
    assert payload(facts["imp:s47:2001:2023-06-30:strategy"])["referral_id"] == ref
    assert payload(facts["imp:s47:2001:2023-06-30:icpc"])["plan_required"] is True
    plan = "cpp:2001:2023-07-20"
    assert payload(facts[f"imp:{plan}:started"]) == {"plan_id": plan, "category": "PHY"}
    assert payload(facts[f"imp:{plan}:review:2023-10-19"])["plan_continues"] is True
    assert payload(facts[f"imp:{plan}:review:2024-02-27"])["plan_continues"] is False
    # The plan ended the day the episode closed: no step down to a CIN plan.
    assert payload(facts[f"imp:{plan}:ended"])["step_down"] == "none"
    assert payload(facts["imp:ref:2001:2024-03-10:decided"]) == {
        "referral_id": "ref:2001:2024-03-10",
        "outcome": "nfa",
    }


def test_read_and_ignored_elements_are_reported(tmp_path: Path) -> None:
    source = read_cin_census(write_census(tmp_path / "cin.xml", [FULL_CHILD]))
    ignored = source.recognition["elements_ignored"]
    assert ignored["ChildIdentifiers/UPN"] == "not in the event contract"
    assert ignored["ChildCharacteristics/Ethnicity"] == "not in the event contract"
    assert "CINdetails/CINPlanDates/CINPlanStartDate" in ignored
    assert "CINdetails/DateOfInitialCPC" not in ignored  # read for its Section47
    assert "calendar" in ignored["CINdetails/Section47/InitialCPCtarget"]
    assert source.recognition["elements_read"]["CINdetails/CINreferralDate"] == 2


def test_bad_anchors_reject_their_element_and_bad_optional_values_are_dropped(
    tmp_path: Path,
) -> None:
    children = [
        {"id": "3001", "episodes": [{"referral": "2023-05-01", "source": "ZZ"}]},
        {"id": None, "episodes": [{"referral": "2023-05-01"}]},
        {
            "id": "3003",
            "episodes": [
                {
                    "referral": "2023-05-01",
                    "assessments": [
                        {"start": "2023-05-02", "auth": "2023-06-01", "factors": ["1A", "99Z"]}
                    ],
                    "plans": [{"start": "2023-13-01"}],
                }
            ],
        },
    ]
    source = read_cin_census(write_census(tmp_path / "cin.xml", children))
    rejects = [(r.where.sheet, r.reason) for r in source.rejects]
    assert rejects == [
        ("Child[2]", "LAchildID is blank"),
        ("Child[3]/CINdetails[1]/ChildProtectionPlans[1]", "CPPstartDate is not a date"),
    ]
    kept = {r.where.sheet: r for r in source.records if r.dropped}
    assert kept["Child[1]/CINdetails[1]"].dropped == [
        ("ReferralSource", "is not a known CIN census referral source code")
    ]
    assessment = kept["Child[3]/CINdetails[1]/Assessments[1]"]
    assert assessment.dropped == [
        ("AssessmentFactors", "is not a known CIN census assessment factor code")
    ]
    assert assessment.values["authorised"].isoformat() == "2023-06-01"  # dates kept
    assert assessment.values["factors"] is None  # inferred, as when none are given
    assert {r.section for r in source.records} == {"ChildIdentifiers", "CINdetails", "Assessments"}


def test_a_namespaced_return_reads_the_same(tmp_path: Path) -> None:
    plain = census_xml([FULL_CHILD]).decode()
    spaced = plain.replace("<Message>", '<Message xmlns="http://www.example.invalid/cin">')
    path = tmp_path / "ns.xml"
    path.write_text(spaced, encoding="utf-8")
    source = read_cin_census(path)
    assert source.error is None
    assert len(source.records) == len(
        read_cin_census(write_census(tmp_path / "p.xml", [FULL_CHILD])).records
    )


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&lol9;</LAchildID>
</ChildIdentifiers></Child></Children></Message>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&secret;</LAchildID>
</ChildIdentifiers></Child></Children></Message>"""


def test_entity_expansion_is_refused_before_it_expands(tmp_path: Path) -> None:
    path = tmp_path / "laughs.xml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    source = read_cin_census(path)
    assert source.error is not None and source.error.startswith("unsafe XML refused")
    assert "DTDForbidden" in source.error
    assert source.records == [] and source.rejects == []


def test_external_entities_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "xxe.xml"
    path.write_text(EXTERNAL_ENTITY, encoding="utf-8")
    source = read_cin_census(path)
    assert source.error is not None and source.error.startswith("unsafe XML refused")
    assert source.records == []


def test_a_broken_file_is_refused_whole_with_where_it_broke(tmp_path: Path) -> None:
    text = census_xml([FULL_CHILD, {"id": "2002", "episodes": []}]).decode()
    path = tmp_path / "broken.xml"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    source = read_cin_census(path)
    assert source.error is not None and source.error.startswith("not well-formed XML at line")
    assert source.records == []  # no half census: its absences would read as retractions


def test_a_50000_deep_file_is_refused_cleanly_not_by_recursion(tmp_path: Path) -> None:
    depth = 50_000
    body = "<Child><ChildIdentifiers>" + "<x>" * depth + "</x>" * depth
    path = tmp_path / "deep.xml"
    path.write_text(
        f"<Message><Children>{body}</ChildIdentifiers></Child></Children></Message>",
        encoding="utf-8",
    )
    source = read_cin_census(path)
    assert source.error == "elements nested deeper than 32 levels: not a CIN census return"
    assert source.records == []


def test_an_episode_level_icpc_date_serves_a_section47_without_its_own(tmp_path: Path) -> None:
    child = {
        "id": "2101",
        "episodes": [
            {
                "referral": "2023-05-01",
                "episode_icpc": "2023-05-20",
                "s47": [{"start": "2023-05-03"}],
            }
        ],
    }
    source = read_cin_census(write_census(tmp_path / "cin.xml", [child]))
    (s47,) = [r for r in source.records if r.section == "Section47"]
    assert s47.values["icpc"].isoformat() == "2023-05-20"


def test_cin_plan_dates_are_reported_with_the_reason_they_make_no_event(tmp_path: Path) -> None:
    source = read_cin_census(write_census(tmp_path / "cin.xml", [FULL_CHILD]))
    ignored = source.recognition["elements_ignored"]
    assert ignored["CINdetails/CINPlanDates/CINPlanStartDate"].startswith("no CIN plan event")


def test_an_unknown_sex_code_is_dropped_with_a_finding_and_the_child_kept(tmp_path: Path) -> None:
    child = {
        "id": "2301",
        "dob": "2016-05-01",
        "sex": "7",
        "episodes": [{"referral": "2023-06-01"}],
    }
    source = read_cin_census(write_census(tmp_path / "cin.xml", [child]))
    (ident,) = [r for r in source.records if r.section == "ChildIdentifiers"]
    assert ident.values["sex"] is None and ident.values["birth_date"] == date(2016, 5, 1)
    assert [name for name, _ in ident.dropped] == ["Sex"]
