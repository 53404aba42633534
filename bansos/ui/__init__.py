"""Streamlit glue shared by the pages, so that each page file reads as
layout: warehouse access and words (core), the shared filters kept in the
link (filters, widgets; the link itself is bansos.urlstate), page furniture
and the query-error guard (page), tiles, the one table component (tables)
and charts (figures).

Numbers come from queries/, formats from bansos/fmt.py, words from
bansos/translations/.
"""

from bansos.ui.core import (
    PageDataError,
    app_db_path,
    both,
    lang,
    period_key,
    period_label,
    q,
    runner,
    safe_query,
    split_period,
    tr,
    warehouse_meta,
)
from bansos.ui.figures import chart
from bansos.ui.filters import GROUPS, Filters, allowed_regions, filters, region_options, sidebar_filters
from bansos.ui.page import (
    empty_state,
    folded,
    guard,
    has_data,
    nothing,
    page_header,
    rule_statement,
    show_link_notices,
    show_rule,
    small_n_note,
    start,
    tranche_totals,
)
from bansos.ui.tables import Col, table
from bansos.ui.tiles import count_tile, rate_tile, ratio_caption, tile
from bansos.ui.widgets import choice, period_pair, region, regions, toggle
from bansos.ui.words import label

__all__ = [
    "Col", "Filters", "GROUPS", "PageDataError", "allowed_regions", "app_db_path", "both", "chart", "choice",
    "count_tile", "empty_state", "filters", "folded", "guard", "has_data", "label", "lang", "nothing", "page_header", "period_key",
    "period_label", "period_pair", "q", "rate_tile", "region", "region_options", "ratio_caption", "regions", "rule_statement", "runner",
    "safe_query", "show_link_notices", "show_rule", "sidebar_filters", "small_n_note", "split_period", "start",
    "table", "tile", "toggle", "tr", "tranche_totals", "warehouse_meta",
]
