"""Streamlit glue shared by the pages, so that each page file reads as
layout: warehouse access and words (core), who is looking and what they
may see (session, account, navigation), the shared filters kept in the link
(filters, widgets; the link itself is bansos.urlstate), page furniture and
the query-error guard (page), tiles, the one table component (tables),
charts (figures), every file handed out (downloads) and the public view
(public).

Numbers come from queries/, formats from bansos/fmt.py, words from
bansos/translations/.

Access control for a page, in short (docs/access-control.md):
- its line in dashboard.py's page table names the right it stands on;
  `ui.q(...)` (`ui.q_many(...)` for several at once) then runs every query
  within that right's regions;
- `ui.can(right)` hides a section or button the session may not have;
  `ui.q(name, right=..., ...)` / `ui.runner(right)` read under another right
  (e.g. `family_export` for family-level lists);
- `ui.scope(right)` gives the regions themselves (None = every region), e.g.
  for a load limited to the operator's regions;
- every file goes out through `ui.download(...)`, `ui.download_frame(...)` or
  `ui.chart(..., data=frame)`: scope, public-view suppression and audit log.
"""

from bansos import allocator
from bansos.ui.account import account_box, record_link_denials, sign_in
from bansos.ui.core import (
    Call,
    PageDataError,
    app_db_path,
    both,
    lang,
    period_key,
    period_label,
    q,
    q_many,
    runner,
    safe_many,
    safe_query,
    split_period,
    tr,
    warehouse_meta,
)
from bansos.ui.downloads import button_row, download, download_frame, view_filters
from bansos.ui.figures import chart
from bansos.ui.filters import GROUPS, Filters, allowed_regions, filters, language, region_options, sidebar_filters
from bansos.ui.navigation import Entry
from bansos.ui.navigation import run as run_pages
from bansos.ui.page import (
    empty_state,
    failed,
    folded,
    guard,
    has_data,
    nothing,
    notice,
    page_header,
    rule_statement,
    show_link_notices,
    show_rule,
    registers_note,
    small_n_note,
    start,
    totals_query,
    tranche_totals,
)
from bansos.ui.session import can, scope, who
from bansos.ui.session import public as public_view
from bansos.ui.session import current as access
from bansos.ui.tables import Col, table
from bansos.ui.tiles import count_tile, rate_tile, ratio_caption, tile
from bansos.ui.widgets import choice, period_pair, region, regions, toggle
from bansos.ui.words import label

__all__ = [
    "Call", "Col", "Entry", "Filters", "GROUPS", "PageDataError", "access", "account_box", "allowed_regions", "app_db_path", "both",
    "button_row",
    "can", "chart", "choice", "count_tile", "download", "download_frame", "empty_state", "failed", "filters", "folded", "guard",
    "has_data", "label", "lang", "language", "nothing", "notice", "page_header", "period_key", "period_label", "period_pair", "public_view",
    "q", "q_many", "rate_tile", "record_link_denials", "region", "region_options", "ratio_caption", "regions", "rule_statement",
    "run_pages", "runner", "safe_many", "safe_query", "scope", "show_link_notices", "show_rule", "sign_in", "sidebar_filters",
    "registers_note", "small_n_note", "split_period", "start", "table", "tile", "toggle", "totals_query", "tr", "tranche_totals", "view_filters",
    "warehouse_meta", "who",
]

# The app server's process: two malloc arenas, large blocks mapped on their own
# (bansos/allocator.py says why). Once per process; a no-op off glibc.
allocator.tune()
