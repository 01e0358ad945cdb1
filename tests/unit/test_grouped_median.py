"""The timeliness figures' median comes from counts per working day, not from every
row: it must equal the median of the rows written out, odd and even."""

from __future__ import annotations

import random
import statistics

from projections.queries import grouped_median


def test_nothing_has_no_median() -> None:
    assert grouped_median({}) is None


def test_odd_and_even_counts_match_the_median_of_the_values_written_out() -> None:
    assert grouped_median({33: 1}) == 33
    assert grouped_median({10: 1, 20: 1}) == 15.0
    assert grouped_median({10: 2, 20: 2}) == 15.0
    assert grouped_median({10: 3, 20: 1}) == 10.0


def test_random_histograms_agree_with_statistics_median() -> None:
    rng = random.Random(5)
    for _ in range(500):
        values = [rng.randint(0, 60) for _ in range(rng.randint(1, 40))]
        counts: dict[int, int] = {}
        for value in values:
            counts[value] = counts.get(value, 0) + 1
        got, want = grouped_median(counts), statistics.median(values)
        assert got == want and type(got) is type(want), (values, got, want)
