"""Plotly figures: the monthly trend and the linked-families network (the journey timeline
is plain HTML: dashboard.timeline_html).

Pure functions from plain data to figures, so each can be tested without a
browser and every page draws the same thing the same way. Plotly reads `<a>`,
`<b>` and the like in text as markup, so every value from the data is passed
through `_plain` (HTML-escaped; plotly shows the entities as their characters).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from domain.codes import RELATIONSHIP_LABELS
from domain.vocabulary import code_words, counted

_MARGIN = {"l": 10, "r": 10, "t": 30, "b": 10}


def _plain(value: object) -> str:
    """Data as plotly text that is never markup (a link or tag in an id stays text)."""
    return escape(str(value), quote=False)


# Chart text in Streamlit's body colour on white: 12.6:1, where plotly's and Streamlit's
# grey tick labels were 3.7:1 (WCAG AA asks 4.5:1 for text).
TEXT_COLOUR = "#31333F"
BACKGROUND = "#FFFFFF"
_FONT = {"color": TEXT_COLOUR, "size": 13}
_AXIS = {"tickfont": _FONT, "title": {"font": _FONT}, "linecolor": TEXT_COLOUR, "showline": True}
REFERENCE_DASHES = {"target": "dash", "england": "dot"}  # told apart without colour


@dataclass(frozen=True)
class Reference:
    """A level drawn across the trend: the target, or England's figure (percent)."""

    kind: str  # "target" or "england"
    label: str
    value: float


def trend_figure(
    frame: pd.DataFrame,
    title: str,
    percent: bool,
    references: Sequence[Reference] = (),
    y_title: str = "",
) -> dict[str, Any]:
    """Months along the bottom: the rate as a line (or the count as bars) per month, with
    labelled axes and each reference (target, England) as a labelled horizontal line.

    `frame` holds columns month, value and optionally numerator/denominator,
    shown on hover so nobody has to trust a percentage without its counts.
    A plain plotly spec, not a `go.Figure`: building validated figure objects cost
    more than the queries behind them.
    """
    hover = "%{x|%b %Y}: %{y" + (":.1f}%" if percent else "}")
    months = [m.strftime("%Y-%m-%d") for m in frame["month"]]
    trace: dict[str, Any] = {
        "type": "scatter" if percent else "bar",
        "x": months,
        "y": [None if pd.isna(v) else (v * 100 if percent else v) for v in frame["value"]],
        "name": title,
        "marker": {"color": "#1f5fa8"},
    }
    if percent:
        trace["mode"] = "lines+markers"
    if {"numerator", "denominator"} <= set(frame.columns):
        trace["customdata"] = [
            [_count(n), _count(d)]
            for n, d in zip(frame["numerator"], frame["denominator"], strict=True)
        ]
        hover += " (%{customdata[0]} of %{customdata[1]})"
    trace["hovertemplate"] = hover + "<extra></extra>"
    lines = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": [months[0], months[-1]] if months else [],
            "y": [r.value, r.value] if months else [],
            "name": f"{_plain(r.label)} {r.value:.1f}%",
            "line": {"dash": REFERENCE_DASHES[r.kind], "color": TEXT_COLOUR, "width": 1.5},
            "hovertemplate": f"{_plain(r.label)}: {r.value:.1f}%<extra></extra>",
        }
        for r in references
    ]
    return {
        "data": [trace, *lines],
        "layout": {
            "title": {"text": _plain(title), "font": {**_FONT, "size": 15}},
            "height": 340,
            "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
            "font": _FONT,
            "paper_bgcolor": BACKGROUND,
            "plot_bgcolor": BACKGROUND,
            "xaxis": {**_AXIS, "type": "date", "title": {"text": "Month", "font": _FONT}},
            "yaxis": {
                **_AXIS,
                "ticksuffix": "%" if percent else "",
                "rangemode": "tozero",
                "title": {"text": _plain(y_title), "font": _FONT},
                "gridcolor": "#E6E6E6",
            },
            "showlegend": bool(lines),
            "legend": {"orientation": "h", "y": -0.25, "font": _FONT},
        },
    }


def _count(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _node_label(attrs: dict[str, object], node: object) -> str:
    return str(attrs.get("family_id") or attrs.get("person_id") or node)


def _relationships(graph: nx.Graph, person: object) -> str:
    """What a shared person is to the families linked ("father", "father / step-parent")."""
    found = sorted(
        {
            code_words(RELATIONSHIP_LABELS, attrs.get("relationship"))
            for _, _, attrs in graph.edges(person, data=True)
        }
        - {""}
    )
    return " / ".join(found)


def _link_traces(graph: nx.Graph, positions: dict[Any, Any]) -> list[go.Scatter]:
    """The links as lines: current ones solid, ended ones dotted."""
    traces = []
    for current in (True, False):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for a, b, attrs in graph.edges(data=True):
            if bool(attrs.get("current", True)) is current:
                xs += [positions[a][0], positions[b][0], None]
                ys += [positions[a][1], positions[b][1], None]
        if xs:
            line = {"color": "#999" if current else "#ccc", "width": 1.5}
            if not current:
                line["dash"] = "dot"
            traces.append(go.Scatter(x=xs, y=ys, mode="lines", line=line, hoverinfo="skip"))
    return traces


def network_figure(graph: nx.Graph, focus: str) -> go.Figure:
    """Families as large dots, shared people as small ones labelled with what they are
    to the families (father, step-parent...); the chosen family in red.

    Each family dot carries its id in `customdata`, so a click (a plotly
    selection event) can open that family. Links a later `PersonUnlinked` ended
    are drawn dotted: the tie was real, and may matter again.
    """
    positions = nx.spring_layout(graph, seed=7) if len(graph) > 1 else {n: (0, 0) for n in graph}
    fig = go.Figure(data=_link_traces(graph, positions))
    labels = {n: _node_label(graph.nodes[n], n) for n in graph}
    families = [n for n in graph if graph.nodes[n].get("kind", "family") == "family"]
    people = [n for n in graph if graph.nodes[n].get("kind") == "person"]
    if people:
        roles = {n: _relationships(graph, n) for n in people}
        fig.add_trace(
            go.Scatter(
                x=[positions[n][0] for n in people],
                y=[positions[n][1] for n in people],
                mode="markers+text",
                text=[_plain(roles[n] or "linked person") for n in people],
                textposition="bottom center",
                marker={"size": 9, "color": "#fff", "line": {"width": 1.5, "color": "#666"}},
                hovertext=[
                    _plain(
                        f"{roles[n] or 'linked person'} ({labels[n]}), in "
                        f"{counted(graph.degree(n), 'family', 'families')}"
                    )
                    for n in people
                ],
                hoverinfo="text",
                name="shared person",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[positions[n][0] for n in families],
            y=[positions[n][1] for n in families],
            mode="markers+text",
            text=[_plain(labels[n]) for n in families],
            hovertext=[_plain(labels[n]) for n in families],
            textposition="top center",
            customdata=[labels[n] for n in families],
            marker={
                "size": [24 if labels[n] == focus else 18 for n in families],
                "color": ["#d62728" if labels[n] == focus else "#1f77b4" for n in families],
                "line": {"width": 1, "color": "#333"},
            },
            hovertemplate="family %{hovertext}<br>click to open<extra></extra>",
            name="family",
        )
    )
    fig.update_layout(
        height=340,
        margin=_MARGIN,
        font=_FONT,
        paper_bgcolor=BACKGROUND,
        plot_bgcolor=BACKGROUND,
        showlegend=False,
        clickmode="event+select",
        dragmode=False,
        xaxis={"visible": False, "range": _padded(positions, 0)},
        yaxis={"visible": False, "range": _padded(positions, 1)},
    )
    return fig


def _padded(positions: dict[object, object], axis: int) -> list[float]:
    """The layout's extent plus room for the labels, which would otherwise be cut off."""
    values = [float(p[axis]) for p in positions.values()]  # type: ignore[index]
    low, high = min(values, default=0.0), max(values, default=0.0)
    room = max(0.25, (high - low) * 0.15)
    return [low - room, high + room]
