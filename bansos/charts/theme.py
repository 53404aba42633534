"""The one plotly template and palette of the app."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from bansos import fmt

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
PILOT = "#0072B2"        # blue: pilot regions, everywhere
COMPARISON = "#E69F00"   # orange: comparison regions, everywhere
GOOD = "#009E73"
BAD = "#D55E00"
NEUTRAL = "#7F7F7F"
TARGET = "#D55E00"       # the 2026 target line
TARGET_NEXT = "#CC79A7"  # the next, stricter target line
SEQUENTIAL = ("#F7FBFF", "#C6DBEF", "#6BAED6", "#2171B5", "#08306B")

TEMPLATE_NAME = "bansos"

pio.templates[TEMPLATE_NAME] = go.layout.Template(
    layout=go.Layout(
        font=dict(family="Source Sans Pro, Arial, sans-serif", size=14, color="#1F2937"),
        title=dict(font=dict(size=17), x=0, xanchor="left"),
        colorway=list(OKABE_ITO),
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=10, r=10, t=60, b=10),
        xaxis=dict(gridcolor="#E5E7EB", zerolinecolor="#9CA3AF", automargin=True, title=dict(standoff=8)),
        yaxis=dict(gridcolor="#E5E7EB", zerolinecolor="#9CA3AF", automargin=True, title=dict(standoff=8)),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0, title=None),
        hoverlabel=dict(font_size=13),
    )
)


def apply(fig: go.Figure, lang: str, title: str, x_title: str | None = None, y_title: str | None = None, height: int = 380) -> go.Figure:
    """Title, axis titles, language-correct number separators, the template."""
    fig.update_layout(
        template=TEMPLATE_NAME,
        title=dict(text=title),
        separators=fmt.plotly_separators(lang),
        height=height,
    )
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    return fig


def percent_axis(fig: go.Figure, axis: str = "y", max_value: float | None = 1.0) -> go.Figure:
    update = dict(tickformat=".0%", rangemode="tozero")
    if max_value is not None:
        update["range"] = [0, max_value * 1.02]
    (fig.update_yaxes if axis == "y" else fig.update_xaxes)(**update)
    return fig


def add_targets(fig: go.Figure, target: float, target_next: float, label_now: str, label_next: str, axis: str = "y") -> go.Figure:
    """Both error targets drawn (DESIGN §5: below 10% in 2026, then below 5%)."""
    adder = fig.add_hline if axis == "y" else fig.add_vline
    adder(target, line=dict(color=TARGET, dash="dash", width=1.5), annotation_text=label_now, annotation_position="top left")
    adder(target_next, line=dict(color=TARGET_NEXT, dash="dot", width=1.5), annotation_text=label_next, annotation_position="bottom left")
    return fig
