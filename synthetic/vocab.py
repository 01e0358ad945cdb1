"""Fixed vocabulary of the synthetic data: codes with realistic weights, the
workforce, and bland free text.

Kept apart from the journey logic so that calibration (how often each code or
path occurs) can be read and tuned in one place. Weights follow the published
shape of the DfE children-in-need census where one exists; free text is
deliberately generic so that no generated record could be mistaken for a real
child's, and never contains a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate
from random import Random
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """A weighted choice with cumulative weights computed once (it is drawn a lot)."""

    def __init__(self, weights: dict[T, float]) -> None:
        self.values = list(weights)
        self.cumulative = list(accumulate(weights.values()))

    def draw(self, rng: Random) -> T:
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


# Referral source, roughly the national mix (police, schools and health lead).
SOURCES = Weighted(
    {
        "6": 29, "2A": 19, "2B": 2, "3A": 3, "3B": 2, "3C": 1, "3D": 3, "3E": 2, "3F": 3,
        "5A": 6, "5B": 2, "5C": 2, "5D": 3, "1A": 3, "1B": 1, "1C": 2, "1D": 1,
        "4": 2, "7": 3, "8": 7, "9": 2, "10": 1,
    }
)  # fmt: skip

# Primary need (N1 abuse or neglect dominates); None = not recorded on the referral.
PRIMARY_NEEDS = Weighted(
    {
        "N1": 50, "N2": 3, "N3": 3, "N4": 8, "N5": 14, "N6": 1, "N7": 1,
        "N8": 3, "N9": 4, "N0": 2, None: 11,
    }
)  # fmt: skip

# Factors identified at assessment (domestic abuse and parental mental health lead).
FACTORS = Weighted(
    {
        "3A": 10, "3B": 14, "3C": 3, "4A": 5, "4B": 14, "4C": 2, "1B": 6, "2B": 7,
        "1A": 1, "2A": 1, "5B": 2, "6B": 3, "6A": 2, "16A": 9, "17A": 11, "18B": 4,
        "19B": 2, "18C": 1, "19C": 1, "7A": 1, "10A": 2, "11A": 1, "13A": 1,
        "14A": 2, "15A": 3, "20": 5, "22A": 0.2, "23A": 0.2, "24A": 1, "12A": 0.2,
        "9A": 0.5, "8B": 0.2,
    }
)  # fmt: skip
NO_FACTORS = "21"

CATEGORIES = Weighted({"NEG": 48, "EMO": 38, "PHY": 7, "SAB": 4, "MUL": 3})
SEXES = Weighted({"M": 49, "F": 49, "U": 2})
SIBLINGS = Weighted({1: 38, 2: 30, 3: 20, 4: 12})
PLO_OUTCOMES = Weighted({"step_down": 50, "proceedings_issued": 38, "other": 12})
ORDERS = Weighted(
    {
        "care_order": 35,
        "supervision_order": 14,
        "special_guardianship": 20,
        "child_arrangements": 15,
        "no_order": 10,
        "withdrawn": 6,
    }
)

POSITIVE_NOTES = (
    "Attendance improved",
    "Engaging with support",
    "Home conditions improved",
    "Attending health appointments",
    "Routine more settled",
    "Working well with the plan",
)
NEGATIVE_NOTES = (
    "Attendance declined",
    "Missed appointments",
    "Home conditions worsened",
    "Not engaging with the plan",
    "New worries raised by school",
    "Plan actions not progressed",
)
ACTION_SUMMARIES = (
    "Arrange family meeting",
    "Update chronology",
    "Complete home visit",
    "Request school report",
    "Book health review",
    "Review safety plan",
    "Hold core group",
    "Update assessment",
    "Refer to parenting support",
)
CORRECTION_REASONS = (
    "Wrong code selected",
    "Date entered incorrectly",
    "Typing error",
    "Updated after checking records",
)
RETRACTION_REASONS = ("Entered on wrong record", "Duplicate entry", "Entered in error")

UNQUALIFIED_ROLES = frozenset({"family_support_worker", "student_social_worker"})

# Team -> (role, headcount). Worker ids are numbered in this order, so the roster
# is the same for every seed and data sets can be compared worker by worker.
TEAMS: dict[str, tuple[tuple[str, int], ...]] = {
    "Front Door": (
        ("team_manager", 1),
        ("senior_practitioner", 2),
        ("social_worker", 6),
        ("family_support_worker", 2),
    ),
    "Assessment Team 1": (
        ("team_manager", 1),
        ("senior_practitioner", 1),
        ("social_worker", 7),
        ("student_social_worker", 1),
    ),
    "Assessment Team 2": (
        ("team_manager", 1),
        ("senior_practitioner", 1),
        ("social_worker", 7),
        ("student_social_worker", 1),
    ),
    "Child Protection": (
        ("team_manager", 1),
        ("senior_practitioner", 2),
        ("social_worker", 8),
        ("student_social_worker", 1),
    ),
    "Children in Care": (
        ("team_manager", 1),
        ("senior_practitioner", 1),
        ("social_worker", 7),
    ),
    "Family Support": (("team_manager", 1), ("family_support_worker", 7)),
}


@dataclass(frozen=True)
class Worker:
    worker_id: str
    team: str
    role: str

    @property
    def qualified(self) -> bool:
        return self.role not in UNQUALIFIED_ROLES

    def as_recorded_by(self) -> dict[str, Any]:
        return {
            "worker_id": self.worker_id,
            "role": self.role,
            "qualified": self.qualified,
            "team": self.team,
        }

    def as_allocation(self) -> dict[str, Any]:
        return {
            "worker_id": self.worker_id,
            "team": self.team,
            "role": self.role,
            "qualified": self.qualified,
        }


class Roster:
    """The authority's workforce, and who signs what.

    A small share of decisions is recorded by an unqualified worker (Ofsted
    finding D): that share is a parameter here, not an accident of the paths.
    """

    def __init__(self, unqualified_decisions: float = 0.04) -> None:
        self.unqualified_decisions = unqualified_decisions
        self.qualified: dict[str, list[Worker]] = {}
        self.unqualified: dict[str, list[Worker]] = {}
        self.managers: dict[str, Worker] = {}
        number = 0
        for team, roles in TEAMS.items():
            for role, count in roles:
                for _ in range(count):
                    number += 1
                    worker = Worker(f"SW-{number:03d}", team, role)
                    pool = self.qualified if worker.qualified else self.unqualified
                    pool.setdefault(team, []).append(worker)
                    if role == "team_manager":
                        self.managers[team] = worker
        self.all_unqualified = [w for ws in self.unqualified.values() for w in ws]
        self._by_cache: dict[str, dict[str, Any]] = {}

    def worker(self, rng: Random, team: str, qualified: bool = True) -> Worker:
        if qualified:
            return rng.choice(self.qualified[team])
        return rng.choice(self.unqualified.get(team) or self.all_unqualified)

    def decider(self, rng: Random, team: str) -> dict[str, Any]:
        """`recorded_by` for a decision made in `team` (occasionally by the unqualified)."""
        qualified = rng.random() >= self.unqualified_decisions
        worker = self.worker(rng, team, qualified)
        cached = self._by_cache.get(worker.worker_id)
        if cached is None:
            cached = self._by_cache[worker.worker_id] = worker.as_recorded_by()
        return dict(cached)
