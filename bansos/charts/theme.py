"""The one plotly template and palette of the app, and the helpers every
chart uses (titles, percent axes, target lines) on a `figure.Fig`."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from bansos import fmt
from bansos.charts.figure import Fig

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
PILOT = "#0072B2"        # blue: pilot regions, everywhere
COMPARISON = "#E69F00"   # orange: comparison regions, everywhere
GOOD = "#009E73"
BAD = "#D55E00"
NEUTRAL = "#7F7F7F"
TARGET = "#D55E00"       # the 2026 target line (vermillion: "red-orange" in captions)
TARGET_NEXT = "#CC79A7"  # the next, stricter target line
SEQUENTIAL = ("#F7FBFF", "#C6DBEF", "#6BAED6", "#2171B5", "#08306B")

TEMPLATE_NAME = "bansos"
# Room above the title for the chart's toolbar (download image, full
# screen), which otherwise sits on top of a long title on a phone.
TOOLBAR_ROOM = 36

pio.templates[TEMPLATE_NAME] = go.layout.Template(
    layout=go.Layout(
        font=dict(family="Source Sans Pro, Arial, sans-serif", size=14, color="#1F2937"),
        # The title at the top of the figure, under the toolbar's room; its
        # height (one line or two) is added to the top margin by plotly.
        title=dict(font=dict(size=17), x=0, xanchor="left", yref="container", y=1, yanchor="top",
                   pad=dict(t=TOOLBAR_ROOM), automargin=True),
        colorway=list(OKABE_ITO),
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=10, r=10, t=20, b=10),
        xaxis=dict(gridcolor="#E5E7EB", zerolinecolor="#9CA3AF", automargin=True, title=dict(standoff=8)),
        yaxis=dict(gridcolor="#E5E7EB", zerolinecolor="#9CA3AF", automargin=True, title=dict(standoff=8)),
        # The legend at the foot of the figure, under the axis title: on a
        # phone it wraps to several rows, and there it pushes the plot up
        # instead of covering the title or the axis title.
        legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", xanchor="left", x=0, title=None,
                    traceorder="normal"),
        hoverlabel=dict(font_size=13),
    )
)


def apply(fig: Fig, lang: str, title: str, x_title: str | None = None, y_title: str | None = None, height: int = 380) -> Fig:
    """Title, axis titles, language-correct number separators, the template."""
    fig.update_layout(template=TEMPLATE_NAME, title=dict(text=title), separators=fmt.plotly_separators(lang), height=height)
    if x_title is not None:
        fig.update_xaxes(title=dict(text=x_title))
    if y_title is not None:
        fig.update_yaxes(title=dict(text=y_title))
    return fig


def percent_axis(fig: Fig, axis: str = "y", max_value: float | None = 1.0) -> Fig:
    update: dict[str, Any] = dict(tickformat=".0%", rangemode="tozero")  # Plotly axis settings
    if max_value is not None:
        update["range"] = [0, max_value * 1.02]
    (fig.update_yaxes if axis == "y" else fig.update_xaxes)(**update)
    return fig


# Where plotly's add_hline / add_vline put a line's label for each
# annotation_position: (xanchor, yanchor, place along the line: 0 start, 1 end).
_RULE_LABEL = {
    ("y", "top left"): ("left", "bottom", 0), ("y", "bottom left"): ("left", "top", 0),
    ("y", "top right"): ("right", "bottom", 1), ("y", "bottom right"): ("right", "top", 1),
    ("x", "top left"): ("right", "top", 1), ("x", "top right"): ("left", "top", 1),
    ("x", "bottom left"): ("right", "bottom", 0), ("x", "bottom right"): ("left", "bottom", 0),
    ("x", "top"): ("center", "bottom", 1),
}


def add_rule(
    fig: Fig, value: float, axis: str = "y", line: dict | None = None, label: str | None = None,
    label_position: str = "top left", row: int | None = None, col: int | None = None, layer: str = "above",
) -> Fig:
    """A line across the plot (or one subplot) at `value` on `axis` ("y":
    horizontal, "x": vertical), optionally labelled: what plotly's add_hline /
    add_vline draw."""
    xref, yref = fig.axis_refs(row, col)
    if axis == "y":
        shape = dict(type="line", xref=f"{xref} domain", x0=0, x1=1, yref=yref, y0=value, y1=value)
    else:
        shape = dict(type="line", xref=xref, x0=value, x1=value, yref=f"{yref} domain", y0=0, y1=1)
    fig.add_shape(dict(shape, line=line or {}, layer=layer))
    if label:
        xanchor, yanchor, end = _RULE_LABEL[(axis, label_position)]
        if axis == "y":
            at = dict(xref=f"{xref} domain", x=end, yref=yref, y=value)
        else:
            at = dict(xref=xref, x=value, yref=f"{yref} domain", y=end)
        fig.add_annotation(dict(text=label, showarrow=False, xanchor=xanchor, yanchor=yanchor, **at))
    return fig


def text_on(hex_colour: str) -> str:
    """Black or white text, whichever reads better on the bar colour."""
    value = hex_colour.lstrip("#")
    red, green, blue = (int(value[i:i + 2], 16) for i in (0, 2, 4))
    return "#1F2937" if (0.299 * red + 0.587 * green + 0.114 * blue) > 150 else "white"


def add_band(fig: Fig, x0: float, x1: float) -> Fig:
    """A light grey band from x0 to x1 behind the data (the selected tranche);
    what plotly's add_vrect draws."""
    return fig.add_shape(dict(type="rect", xref="x", x0=x0, x1=x1, yref="y domain", y0=0, y1=1,
                              fillcolor="#9CA3AF", opacity=0.15, line=dict(width=0), layer="below"))


def add_targets(fig: Fig, target: float, target_next: float, label_now: str, label_next: str, axis: str = "y") -> Fig:
    """Both error targets drawn (the settings target_2026 and target_next)."""
    add_rule(fig, target, axis, dict(color=TARGET, dash="dash", width=1.5), label_now, "top left")
    add_rule(fig, target_next, axis, dict(color=TARGET_NEXT, dash="dot", width=1.5), label_next, "bottom left")
    return fig


def colour_scale(reverse: bool = False) -> list[list]:
    """The sequential scale as plotly wants it: [[0, colour], ..., [1, colour]]."""
    positions = [i / (len(SEQUENTIAL) - 1) for i in range(len(SEQUENTIAL))]
    if reverse:
        return [[1 - p, c] for p, c in zip(reversed(positions), reversed(SEQUENTIAL))]
    return [[p, c] for p, c in zip(positions, SEQUENTIAL)]
