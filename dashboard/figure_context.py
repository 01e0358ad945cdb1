"""Each headline figure in context: what it counts, which way is good, the council's
target, England's, the region's and the statistical neighbours' figures, and its RAG.

The counting is projections.figures'; the national figures are DfE's, from the
dated file domain.national_figures reads; the council's own come from its file
(domain.local_figures, handed in by the source). Nothing here reads data.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.local_figures import LocalFigures
from domain.national_figures import NationalFigure, national_figures
from domain.rag import BETTER, RATING_WORDS, Better, Rating, rag
from domain.rules.thresholds import Thresholds


def definitions(th: Thresholds) -> dict[str, str]:
    """What each figure counts, as numerator ÷ denominator, in the thresholds in force."""
    window = f"{th.referral_window_years * 12} months"
    third = f"{th.third_referral_count}"
    return {
        "referrals": "Count of referrals received in the period (by the day received).",
        "re_referral_rate": (
            f"Referrals received in the period for a child referred in the {window} before "
            "÷ referrals received in the period (DfE's re-referral rate)."
        ),
        "children_3plus_referrals": (
            f"Children with a referral in the period that made {third} or more in {window} "
            "÷ children referred in the period."
        ),
        "repeat_cp_plan_share": (
            "CP plans started in the period for a child who had an earlier CP plan (seen here "
            "or stated by a return) ÷ CP plans started in the period."
        ),
        "cp_plans_2y": (
            f"CP plans ending in the period that had lasted {th.long_plan_years} years or more "
            "÷ CP plans ending in the period."
        ),
        "assessment_timeliness": (
            f"Assessments completed in the period within {th.assessment_working_days} working "
            "days of the referral ÷ assessments completed in the period."
        ),
        "icpc_timeliness": (
            f"Initial child protection conferences held in the period within "
            f"{th.icpc_working_days} working days of the strategy discussion ÷ ICPCs held in the "
            "period."
        ),
        "cp_review_timeliness": (
            f"CP reviews held in the period on time (the first within {th.cp_first_review_months}"
            f" months of the ICPC, later ones within {th.cp_review_months} months of the last) "
            "÷ CP reviews held in the period."
        ),
        "open_pre_proceedings": (
            "Count of families in pre-proceedings (PLO) open on the last day of the period."
        ),
        "pre_proceedings_beyond_target": (
            f"Pre-proceedings open on the period's last day for more than {th.plo_target_weeks} "
            "weeks (the local target) ÷ pre-proceedings open that day."
        ),
        "unqualified_decisions": (
            "Decisions recorded in the period by someone not recorded as a qualified social "
            "worker ÷ decisions recorded in the period."
        ),
        "children_allocated_unqualified": (
            "Children now allocated to a worker who is not qualified ÷ children now allocated "
            "to a worker whose qualification is known (as things stand, whatever the period)."
        ),
    }


def timescales(th: Thresholds) -> dict[str, str]:
    """The statutory timescale or local target behind a figure, in words: a timeliness
    share is measured against it (its own target, a percentage, is the council's)."""
    return {
        "assessment_timeliness": (
            f"Statutory timescale {th.assessment_working_days} working days (Working Together)"
        ),
        "icpc_timeliness": f"Statutory timescale {th.icpc_working_days} working days",
        "cp_review_timeliness": (
            f"Statutory: first review within {th.cp_first_review_months} months, then every "
            f"{th.cp_review_months}"
        ),
        "pre_proceedings_beyond_target": f"Local target {th.plo_target_weeks} weeks",
    }


@dataclass(frozen=True)
class FigureContext:
    key: str
    definition: str
    better: Better | None
    target: float | None  # the council's, in percent
    national: NationalFigure | None
    region: tuple[str, float] | None  # (region, its figure)
    neighbours: tuple[str, float] | None  # (label, their figure)
    amber_points: float
    timescale: str | None = None  # the statutory timescale or local target, in words

    @property
    def reference(self) -> tuple[str, float] | None:
        """What RAG compares with: the council's target, or else England's figure."""
        if self.target is not None:
            return "target", self.target
        if self.national is not None:
            return f"England {self.national.year}", self.national.england
        return None

    def levels(self) -> list[tuple[str, str, float]]:
        """(kind, label, percent) of each level a trend chart draws across its months."""
        out = []
        if self.target is not None:
            out.append(("target", "Target", self.target))
        if self.national is not None:
            out.append(("england", f"England {self.national.year}", self.national.england))
        return out

    def rating(self, percent: float | None) -> Rating | None:
        reference = self.reference
        if percent is None or reference is None or self.better is None:
            return None
        return rag(percent, reference[1], self.better, self.amber_points)

    def help(self) -> str:
        """The definition, which way is good, and what England's figure is."""
        text = f"{self.definition} {self.direction()}"
        if self.national is not None:
            text += f" England and regions: DfE, {self.national.dataset}"
            text += f" ({self.national.derived})." if self.national.derived else "."
        return text

    def direction(self) -> str:
        return {"lower": "Lower is better.", "higher": "Higher is better."}.get(
            self.better or "", "Neither higher nor lower is better in itself."
        )

    def comparators(self) -> list[str]:
        """The other figures beside this one, each saying whose it is."""
        out = [self.timescale] if self.timescale else []
        if self.target is not None:
            out.append(f"Target {self.target:.1f}%")
        if self.national is not None:
            england = f"England {self.national.england:.1f}% ({self.national.year})"
            if self.national.child_level is not None:
                england += f", child level {self.national.child_level:.1f}%"
            out.append(england)
        if self.region is not None:
            out.append(f"{self.region[0]} {self.region[1]:.1f}%")
        if self.neighbours is not None:
            out.append(f"{self.neighbours[0]} {self.neighbours[1]:.1f}%")
        if self.reference is None and self.better is not None:
            out.append("No target set, and no England figure to set beside it")
        return out

    def verdict(self, percent: float | None) -> str:
        """The RAG in words (colour is never the only signal)."""
        rating, reference = self.rating(percent), self.reference
        if rating is None or reference is None:
            return ""
        return f"{rating.capitalize()}: {RATING_WORDS[rating]} {reference[0]}"


def _comparable(key: str, th: Thresholds) -> bool:
    """DfE counts with the statutory windows: a council that counts with others has no
    national figure to set beside its own."""
    same = {
        "re_referral_rate": th.referral_window_years == 1,
        "cp_plans_2y": th.long_plan_years == 2,
        "assessment_timeliness": th.assessment_working_days == 45,
    }
    return same.get(key, True)


def contexts(th: Thresholds, local: LocalFigures) -> dict[str, FigureContext]:
    """Every headline figure's context, by its key."""
    release = national_figures()
    words = timescales(th)
    out = {}
    for key, definition in definitions(th).items():
        national = release.figures.get(key) if _comparable(key, th) else None
        region = None
        if national is not None and local.region in national.regions:
            region = (str(local.region), national.regions[str(local.region)])
        neighbours = local.neighbours.get(key)
        out[key] = FigureContext(
            key=key,
            definition=definition,
            better=BETTER[key],
            target=local.targets.get(key),
            national=national,
            region=region,
            neighbours=None if neighbours is None else (local.neighbours_label, neighbours),
            amber_points=local.amber_points,
            timescale=words.get(key),
        )
    return out
