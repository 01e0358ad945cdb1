"""A headline figure as a card: its title in full, its value and counts, and beside them
the context a reader needs to judge it (target, England, region, neighbours, RAG).

The title is drawn as text that wraps (a metric's own label is cut off when long);
the help beside it states the definition, numerator ÷ denominator. RAG is said in
words on a coloured badge, never by colour alone.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.data import Indicator
from dashboard.figure_context import FigureContext
from domain.national_figures import Publication

BADGE = {"green": "green", "amber": "orange", "red": "red"}


def percent_of(indicator: Indicator) -> float | None:
    if not indicator.percent or indicator.value is None:
        return None
    return float(indicator.value) * 100


def figure_card(indicator: Indicator, context: FigureContext) -> None:
    with st.container(border=True, height="stretch"):  # a row of cards, one height
        st.markdown(f"**{indicator.title}**", help=context.help())
        st.metric(
            indicator.title,
            indicator.display,
            indicator.counts if indicator.percent else None,
            label_visibility="collapsed",
            delta_color="off",
            delta_arrow="off",
        )
        rating = context.rating(percent_of(indicator))
        if rating is not None:
            st.markdown(f":{BADGE[rating]}-badge[{context.verdict(percent_of(indicator))}]")
        st.caption(" · ".join([context.direction(), *context.comparators()]))


def source_line(release: Publication) -> str:
    """Where the England and regional figures come from, dated as the pickers date."""
    published = date.fromisoformat(release.published)
    return (
        f"England and regional figures: {release.publisher}, [{release.publication}]"
        f"({release.url}), published {published:%d/%m/%Y}. RAG compares each figure with "
        "the council's target where it has set one, otherwise with England's."
    )
