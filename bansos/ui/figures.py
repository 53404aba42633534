"""Showing a chart: one toolbar button (download the image), an image file
named after what the chart shows, in the language shown, and under it
"download chart data" (its figures, through bansos.ui.downloads: the
session's scope, the audit log)."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import streamlit as st

# Plotly's toolbar, less everything but "download as image": zooming and
# panning a bar chart on a phone only gets in the way of scrolling.
_REMOVED = ["zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d", "resetScale2d",
            "hoverClosestCartesian", "hoverCompareCartesian", "toggleSpikelines", "zoomInMap", "zoomOutMap",
            "resetViewMap", "resetViews"]


def file_name(title: str) -> str:
    """`Cakupan PKH per wilayah · T2 2026` → `bansos_cakupan-pkh-per-wilayah_t2-2026`."""
    # Split at the separators before the text is made ASCII, which drops "·".
    parts = [unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode()
             for part in re.split(r"[·:|]", re.sub(r"<[^>]+>", " ", title))]
    parts = [re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") for part in parts]
    return "_".join(["bansos", *[p for p in parts if p]])[:120]


def config(fig) -> dict:
    title = title_of(fig)
    return {
        "displaylogo": False,
        "modeBarButtonsToRemove": _REMOVED,
        "toImageButtonOptions": {"format": "png", "filename": file_name(title), "scale": 2},
    }


# Columns that only place a chart's marks (map coordinates, sort order), left out of its data.
_PLACING = ("lat", "lon", "order", "pick_order", "ranked")


def title_of(fig) -> str:
    return (fig.layout.title.text if hasattr(fig, "layout") else fig["layout"]["title"]["text"]) or "chart"


def chart(fig, key: str | None = None, container=None, data: pd.DataFrame | None = None) -> None:
    """Show a plotly figure full width, its image downloadable under a
    meaningful name, and `data` (the frame it was drawn from) as "download
    chart data" under the same name."""
    where = container or st
    where.plotly_chart(fig, width="stretch", key=key, config=config(fig))
    if data is not None and key:
        from bansos.ui import downloads

        downloads.chart_data(data.drop(columns=[c for c in _PLACING if c in data.columns]),
                             name=file_name(title_of(fig)), key=key, container=where)
