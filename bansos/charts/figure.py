"""Figures assembled as plain dicts and made into a plotly Figure once.

Plotly's graph objects validate and re-walk the figure on every call:
building one chart with `go.Scatter(...)`, `add_trace`, `update_layout`,
`update_xaxes` and `add_hline` took 10-15 ms, and a page with a dozen charts
spent most of its run there. With ten sessions on two cores that was the
difference between a page in 0.2 s and a page in 2 s. A `Fig` collects the
same information as dicts (traces are `dict(type="bar", ...)`) and
`figure()` validates it once (~2 ms), so plotly still rejects a wrong
property name.

Only what the chart builders use is here: traces, layout updates (nested
dicts, no "magic underscore" names), axis updates for every axis or one
subplot, and a subplot grid taken from plotly's own `make_subplots`.
"""

from __future__ import annotations

import copy
from functools import lru_cache

import plotly.graph_objects as go


def merge(target: dict, updates: dict) -> dict:
    """Merge `updates` into `target`, nested dicts key by key (like
    `update_layout`); other values replace. Returns `target`."""
    for key, value in updates.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value) if isinstance(value, dict) else value
    return target


@lru_cache(maxsize=32)
def _grid(rows: int, cols: int, titles: tuple[str, ...] | None, vertical_spacing: float | None,
          shared_xaxes: bool) -> dict:
    from plotly.subplots import make_subplots

    kwargs: dict[str, object] = {"rows": rows, "cols": cols, "shared_xaxes": shared_xaxes}
    if titles is not None:
        kwargs["subplot_titles"] = list(titles)
    if vertical_spacing is not None:
        kwargs["vertical_spacing"] = vertical_spacing
    layout = make_subplots(**kwargs).to_dict()["layout"]
    layout.pop("template", None)
    return layout


class Fig:
    """A figure under construction: `data` is a list of trace dicts, `layout` a dict."""

    def __init__(self, data: list[dict] | None = None, layout: dict | None = None):
        self.data: list[dict] = list(data or [])
        self.layout: dict = dict(layout or {})
        self._cols = 1

    @classmethod
    def subplots(cls, rows: int, cols: int = 1, subplot_titles: list[str] | None = None,
                 vertical_spacing: float | None = None, shared_xaxes: bool = False) -> Fig:
        """Axes domains and panel titles exactly as `make_subplots` makes them
        (computed once per grid shape)."""
        titles = tuple(subplot_titles) if subplot_titles is not None else None
        fig = cls(layout=copy.deepcopy(_grid(rows, cols, titles, vertical_spacing, shared_xaxes)))
        fig._cols = cols
        return fig

    def _refs(self, row: int | None, col: int | None) -> tuple[str, str]:
        if row is None:
            return "x", "y"
        index = (row - 1) * self._cols + (col or 1)
        suffix = "" if index == 1 else str(index)
        return f"x{suffix}", f"y{suffix}"

    def axis_refs(self, row: int | None = None, col: int | None = None) -> tuple[str, str]:
        """("x", "y") of the plot, or ("x3", "y3") of a subplot."""
        return self._refs(row, col)

    def add_trace(self, trace: dict, row: int | None = None, col: int | None = None) -> Fig:
        if row is not None:
            xref, yref = self._refs(row, col)
            trace = {**trace, "xaxis": xref, "yaxis": yref}
        self.data.append(trace)
        return self

    def update_layout(self, **updates) -> Fig:
        merge(self.layout, updates)
        return self

    def _update_axes(self, letter: str, row: int | None, col: int | None, updates: dict) -> Fig:
        if row is not None:
            ref = self._refs(row, col)[0 if letter == "x" else 1]
            names = [f"{letter}axis{ref[1:]}"]
        else:
            names = [k for k in self.layout if k.startswith(f"{letter}axis")] or [f"{letter}axis"]
        for name in names:
            merge(self.layout.setdefault(name, {}), updates)
        return self

    def update_xaxes(self, row: int | None = None, col: int | None = None, **updates) -> Fig:
        """Every x axis (like plotly's update_xaxes), or the one of a subplot."""
        return self._update_axes("x", row, col, updates)

    def update_yaxes(self, row: int | None = None, col: int | None = None, **updates) -> Fig:
        return self._update_axes("y", row, col, updates)

    def add_shape(self, shape: dict) -> Fig:
        self.layout.setdefault("shapes", []).append(shape)
        return self

    def add_annotation(self, annotation: dict) -> Fig:
        self.layout.setdefault("annotations", []).append(annotation)
        return self

    def figure(self) -> go.Figure:
        """The plotly Figure, validated once."""
        return go.Figure({"data": self.data, "layout": self.layout})
