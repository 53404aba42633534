"""Everything a page says, gathered from an AppTest run: headings, text,
notices, tiles, widget labels and options, table headers and cells (as
shown), expander and tab labels, and the words inside charts (titles, axis
titles, legend entries, annotations, hover texts). For tests that check
what a reader sees, e.g. that no Indonesian is left on an English page."""

from __future__ import annotations

import json
import re

from tests.app_fixtures import shown

TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error")
WIDGETS = ("selectbox", "radio", "multiselect", "toggle", "button_group", "text_input")


def _chart_texts(spec: dict) -> list[str]:
    layout = spec.get("layout", {})
    texts = [str((layout.get("title") or {}).get("text", ""))]
    for name, axis in layout.items():
        if name.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            texts.append(str((axis.get("title") or {}).get("text", "")))
    texts += [str(a.get("text", "")) for a in layout.get("annotations", [])]
    for trace in spec.get("data", []):
        texts.append(str(trace.get("name", "")))
        template = trace.get("hovertemplate")
        if isinstance(template, str):
            texts.append(template)
        elif isinstance(template, list):
            texts += [str(t) for t in template]
        custom = trace.get("text")
        if isinstance(custom, list):
            texts += [str(t) for t in custom if isinstance(t, str)]
        colorbar = (trace.get("colorbar") or (trace.get("marker") or {}).get("colorbar") or {})
        texts.append(str((colorbar.get("title") or {}).get("text", "")))
    return [re.sub(r"<[^>]+>", " ", t) for t in texts if t]


def page_texts(at, skip_tables: tuple[str, ...] = ()) -> list[str]:
    """What the page shows, one string per piece. Tables whose key is in
    `skip_tables` (raw data shown as given, e.g. quarantined rows) are left
    out; their headers are kept."""
    texts: list[str] = []
    for kind in TEXT_ELEMENTS:
        texts += [str(e.value) for e in getattr(at, kind)]
    for m in at.metric:
        texts += [m.label, str(m.value), str(m.delta or ""), m.proto.help, m.proto.delta_description]
    for kind in WIDGETS:
        for w in at.get(kind):
            texts.append(str(getattr(w, "label", "")))
            texts.append(str(getattr(w.proto, "help", "")))
            options = getattr(w.proto, "options", None)
            if options is not None:
                texts += [str(o) for o in options]
    for e in at.expander:
        texts.append(e.label)
    for t in at.tabs:
        texts.append(t.label)
    for element in at.dataframe:
        config = json.loads(element.proto.columns or "{}")
        texts += [str(c.get("label", "")) + " " + str(c.get("help", "")) for c in config.values()]
        key = element.proto.id
        if any(name in key for name in skip_tables):
            continue
        frame = shown(element, by="name")
        for column in frame.columns:
            texts += [str(v) for v in frame[column].tolist() if isinstance(v, str)]
    for chart in at.get("plotly_chart"):
        texts += _chart_texts(json.loads(chart.proto.spec))
    return [t for t in texts if t and t.strip()]
