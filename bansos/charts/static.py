"""Charts as images for print (the leaders' brief): kaleido with the
system's Chromium (Debian's `chromium`; kaleido finds it, or BROWSER_PATH).

Starting Chromium takes seconds; drawing one more chart with it open, a
fraction of one. `Images` keeps one kaleido server open while it is in use
(a `with` block for `brief --all`, or the app's whole life for its downloads:
`shared()`), and serialises the drawing: kaleido's server is one browser.
"""

from __future__ import annotations

import atexit
import threading
import warnings

import plotly.graph_objects as go
import plotly.io as pio


class Images:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open = False

    def png(self, fig: go.Figure, width: int, height: int, scale: float = 2.0) -> bytes:
        """The figure as a PNG of width × height CSS pixels, drawn at `scale`."""
        import kaleido

        with self._lock:
            if not self._open:
                kaleido.start_sync_server(silence_warnings=True)
                self._open = True
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "kopts is ignored if using a server": expected
                return pio.to_image(fig, format="png", width=width, height=height, scale=scale)

    def close(self) -> None:
        import kaleido

        with self._lock:
            if self._open:
                kaleido.stop_sync_server(silence_warnings=True)
                self._open = False

    def __enter__(self) -> Images:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_SHARED: Images | None = None
_SHARED_LOCK = threading.Lock()


def shared() -> Images:
    """One image maker for the whole process (the app's brief downloads),
    closed when the process ends."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = Images()
            atexit.register(_SHARED.close)
        return _SHARED


# Each metric line of a chart told apart without colour: dash and marker.
PRINT_LINES = (("solid", "circle"), ("longdash", "square"), ("dashdot", "diamond"), ("dot", "triangle-up"))


def for_print(fig: go.Figure, font_size: int = 15) -> go.Figure:
    """A copy of a page's chart made for paper, in grey too: each data line
    its own dash and marker (targets keep theirs: thin, dashed and dotted),
    no room for the app's toolbar above the title, larger text."""
    out = go.Figure(fig)
    lines = [trace for trace in out.data if trace.type == "scatter" and "lines" in (trace.mode or "")]
    for trace, (dash, symbol) in zip(lines, PRINT_LINES):
        trace.line.dash = dash
        symbols = trace.marker.symbol
        if isinstance(symbols, (list, tuple)):
            trace.marker.symbol = [symbol + "-open" if str(s).endswith("-open") else symbol for s in symbols]
        else:
            trace.marker.symbol = symbol
    # Lines at a value (the targets) are named in the legend, drawn as on the
    # chart, instead of by labels on the lines: on paper two targets a few
    # points apart left their labels no room.
    marks = [a for a in out.layout.annotations if a.yref == "y"]
    for mark in marks:
        rule = next((shape for shape in out.layout.shapes if shape.type == "line" and shape.yref == "y"
                     and shape.y0 == mark.y == shape.y1), None)
        if rule is not None:
            out.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=mark.text, hoverinfo="skip",
                                     line=dict(color=rule.line.color, dash=rule.line.dash, width=2)))
    out.layout.annotations = [a for a in out.layout.annotations if a.yref != "y"]
    out.update_layout(font=dict(size=font_size), title=dict(pad=dict(t=4), font=dict(size=font_size + 2)),
                      margin=dict(t=12, l=10, r=16, b=10))
    return out
