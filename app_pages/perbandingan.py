"""Perbandingan Wilayah (region comparison): a league table of the pilots,
2-5 regions side by side and over time, and each pilot against the
comparison regions of its province (trend and difference-in-differences,
with every input shown). Every choice on this page is kept in the link.

Numbers come from queries/ (region_indicators, comparison_trend,
comparison_did, perbandingan_comparison_group, options_regions).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bansos import fmt, i18n, settings, ui
from bansos.charts import comparison
from bansos.indicators import BY_ID, DID_METRICS
from bansos.ui import did, tables, words

METRICS = DID_METRICS
# Counts of region_indicators shown in the league table, after the chosen metric's own.
COUNTS = ("eligible_covered", "eligible_families", "ineligible_recipients", "recipients", "not_in_register",
          "disbursed_amount", "allocated_amount")


def _labels(**more) -> dict:
    return {**words.target_labels(), "small_flag": "⚠", **more}


def _count_column(name: str) -> ui.Col:
    if name in BY_ID:
        return tables.indicator(name, small=False)
    return ui.Col(name, ui.tr("perbandingan.col.ineligible"), "int")


# -- league ---------------------------------------------------------------------------


def league(f: ui.Filters, lang: str, metric_id: str, frame: pd.DataFrame | None) -> None:
    st.subheader(ui.tr("perbandingan.league.heading"))
    if ui.failed(frame):  # said here once: the sections below read the same rows
        return
    pilots = frame[frame.is_pilot.astype(bool)] if not frame.empty else frame
    if pilots.empty:
        ui.empty_state("perbandingan.league.no_pilots")
        return
    rank = comparison.RANK[metric_id]
    ordered = pilots.assign(ranked=pilots[rank].notna(),
                            status=[words.pilot_status(s) for s in pilots.pilot_status])
    ordered = ordered.sort_values(["ranked", rank, metric_id], ascending=[False, True, BY_ID[metric_id].lower_is_better],
                                  na_position="last")
    min_n = settings.get_int("min_families")
    st.caption(ui.tr("perbandingan.league.read", metric=ui.label(metric_id), n=min_n,
                     period=ui.period_label(f.year, f.tranche)))
    num, den, _, _ = comparison.COUNTS["region"][metric_id]
    # The chosen metric's rank, rate and counts come right after the region.
    first = [ui.Col(rank, ui.tr("perbandingan.col.rank"), "num", ui.tr("perbandingan.col.rank.help",
                    metric=ui.label(metric_id), n=min_n), pinned=True),
             tables.region(), tables.indicator(metric_id),
             _count_column(num), _count_column(den)]
    rest = [tables.text("province_name", "word.province"),
            tables.text("status", "perbandingan.col.status", help_key="perbandingan.col.status.help"),
            *[tables.indicator(m) for m in METRICS if m != metric_id],
            *[_count_column(c) for c in COUNTS if c not in (num, den)],
            *[ui.Col(comparison.RANK[m], ui.tr("perbandingan.col.rank_of", metric=ui.label(m)), "num") for m in METRICS if m != metric_id]]
    tab_table, tab_chart = st.tabs([ui.tr("perbandingan.tab.table"), ui.tr("perbandingan.tab.chart")],
                                   key="pb_league_tab", on_change="rerun")
    with tab_table:
        if tab_table.open:
            ui.table(ordered, first + rest, key="pb_league_grid",
                     download=f"{ui.tr('perbandingan.league.heading')} · {f.program} · {ui.period_label(f.year, f.tranche, short=True)}")
    with tab_chart:
        if tab_chart.open:
            labels = _labels(title=ui.tr("perbandingan.league.title", metric=ui.label(metric_id)),
                             x=ui.tr("perbandingan.axis.rate", metric=ui.label(metric_id)),
                             unranked=ui.tr("perbandingan.unranked"), hover=ui.tr("perbandingan.league.hover"))
            metric = comparison.metric(metric_id, lang)
            ui.chart(comparison.league_bars(pilots, lang, metric, labels, *words.targets()), key="pb_league_chart",
                     data=pilots[["region_code", "region_name", metric_id, num, den, rank]])
    ui.small_n_note()


# -- side by side and small multiples ------------------------------------------------------


def pick_regions(f: ui.Filters, lang: str) -> list[str]:
    st.subheader(ui.tr("perbandingan.pick.heading"))
    options = ui.region_options()
    if options.empty:
        return []
    names = dict(zip(options.region_code, options.region_name))
    pilot = dict(zip(options.region_code, options.is_pilot.astype(bool)))
    province = dict(zip(options.region_code, options.province_code))
    # Default: up to three regions of the view, pilots first; when the view
    # holds fewer than two, neighbours from the same province fill in.
    in_view = [c for c in f.regions if c in names]
    provinces = {province[c] for c in in_view}
    candidates = ([c for c in in_view if pilot.get(c)] + [c for c in in_view if not pilot.get(c)]
                  + [c for c in options.region_code if province[c] in provinces and c not in in_view])
    pilot_word = i18n.t("word.pilot", lang)

    def name_of(code: str) -> str:
        label = f"{fmt.region_short(names.get(code, code))} ({code})"
        return f"{label} · {pilot_word}" if pilot.get(code) else label

    return ui.regions("perbandingan.pick.label", list(options.region_code), "pb_regions", names,
                      default=list(dict.fromkeys(candidates))[:3], none_key="perbandingan.pick.placeholder",
                      allowed=ui.allowed_regions(), max_selections=5, format_func=name_of,
                      placeholder=ui.tr("perbandingan.pick.placeholder"), help=ui.tr("perbandingan.pick.help"))


def page_rows(f: ui.Filters, chosen: list[str]) -> tuple[str, dict]:
    """Every region_indicators row this page shows, in one query: the
    regions in view (league) and the chosen regions (side by side, small
    multiples), for the tranche shown, or for every tranche when the small
    multiples are drawn. A region's row for a tranche does not depend on
    which regions and tranches are asked for (ranks are among all pilots of
    the tranche), so each section takes its own rows from these (`_rows`)."""
    regions = list(dict.fromkeys([*f.regions, *chosen]))
    if len(chosen) >= 2 and len(f.periods) >= 2:
        return "region_indicators", dict(regions=regions, year=None, tranche=None,
                                         **f.params("as_of", "basis", "program", "province"))
    return "region_indicators", dict(regions=regions, **f.params("as_of", "basis", "program", "year", "tranche", "province"))


def _rows(rows: pd.DataFrame | None, regions, f: ui.Filters | None = None) -> pd.DataFrame | None:
    """The rows of `regions` among the page's rows; of the tranche shown when `f` is given."""
    if rows is None or rows.empty:
        return rows
    keep = rows.region_code.isin(list(regions))
    if f is not None and f.year is not None:
        keep &= rows.year == f.year
    if f is not None and f.tranche is not None:
        keep &= rows.tranche == f.tranche
    return rows[keep].reset_index(drop=True)


def side_by_side(f: ui.Filters, lang: str, chosen: list[str], frame: pd.DataFrame | None) -> None:
    if len(chosen) < 2:
        ui.empty_state("perbandingan.pick.too_few")
        return
    if ui.nothing(frame, "empty.no_match"):
        return
    frame = frame.assign(pick_order=frame.region_code.map({c: i for i, c in enumerate(chosen)})).sort_values("pick_order")
    metrics = [comparison.metric(m, lang) for m in METRICS]
    labels = _labels(title=ui.tr("perbandingan.side.title", period=ui.period_label(f.year, f.tranche, short=True),
                                       program=f.program),
                     pilot=ui.tr("word.pilot"), comparison=ui.tr("word.comparison"), x=ui.tr("perbandingan.side.x"),
                     hover=ui.tr("perbandingan.side.hover"))
    ui.chart(comparison.compare_bars(frame, lang, metrics, labels, *words.targets()), key="pb_side_chart",
             data=frame[["region_code", "region_name", *METRICS, *COUNTS]])
    missing = [c for c in chosen if c not in set(frame.region_code)]
    if missing:
        st.caption(ui.tr("perbandingan.side.missing", regions=", ".join(missing)))
    # exact figures: one row per region, each rate beside its inputs
    view = frame.assign(group=[words.group(p) for p in frame.is_pilot],
                        **{f"{m['id']}_ratio": [comparison.ratio_text(m, row, lang) for _, row in frame.iterrows()]
                           for m in metrics})
    columns = [tables.region(), tables.text("region_code", "word.code"),
               tables.text("group", "perbandingan.col.group")]
    for m in metrics:
        columns += [tables.indicator(m["id"]), ui.Col(f"{m['id']}_ratio", ui.tr("perbandingan.col.inputs", metric=m["label"]))]
    ui.table(view, columns, key="pb_side_grid", download=labels["title"])
    ui.small_n_note()


def small_multiples(f: ui.Filters, lang: str, chosen: list[str], metric_id: str, frame: pd.DataFrame | None) -> None:
    if len(chosen) < 2:
        return
    st.subheader(ui.tr("perbandingan.multiples.heading", metric=ui.label(metric_id)))
    if len(f.periods) < 2:
        ui.empty_state("perbandingan.trend.one_period")
        return
    if ui.nothing(frame, "empty.no_match"):
        return
    metric = comparison.metric(metric_id, lang)
    labels = _labels(period=i18n.t("period.short", lang, year="{year}", tranche="{tranche}"),
                     y=ui.tr("perbandingan.axis.percent"), hover=ui.tr("perbandingan.multiples.hover"))
    present = [c for c in chosen if c in set(frame.region_code)]
    for start in range(0, len(present), 3):
        for cell, code in zip(st.columns(3), present[start:start + 3]):
            mine = frame[frame.region_code == code]
            figure = comparison.small_trend(mine, lang, metric, fmt.region_short(mine.region_name.iloc[0]),
                                            bool(mine.is_pilot.iloc[0]), labels, *words.targets())
            ui.chart(figure, key=f"pb_small_{code}", container=cell,
                     data=mine[["region_code", "region_name", "year", "tranche", metric_id, metric["num"], metric["den"]]])
    st.caption(ui.tr("perbandingan.multiples.read", program=f.program, n=settings.get_int("min_families")))


# -- pilot against its comparison regions --------------------------------------------------


def pick_pilot(f: ui.Filters) -> str | None:
    pilots = ui.region_options(pilots_only=True)
    if pilots.empty:
        return None
    names = dict(zip(pilots.region_code, pilots.region_name))
    in_view = [c for c in f.regions if c in names]
    left, _ = st.columns([1, 1])
    return ui.region("perbandingan.pilot.label", list(pilots.region_code), "pb_pilot", names,
                     default=in_view[0] if in_view else None, allowed=ui.allowed_regions(), container=left)


def comparison_group_note(group: pd.DataFrame | None) -> pd.DataFrame | None:
    if ui.failed(group) or ui.nothing(group, "perbandingan.group.none"):
        return group
    names = ", ".join(f"{fmt.region_short(n)} ({c})" for n, c in zip(group.comparison_name, group.comparison_code))
    sources = set(group.source)
    kind = sources.pop() if len(sources) == 1 else "mixed"  # table, default or mixed
    source = ui.tr(f"perbandingan.group.source.{kind}")
    st.markdown(ui.tr("perbandingan.group.members", n=len(group), names=names, source=source))
    absent = [fmt.region_short(n) for n, has in zip(group.comparison_name, group.has_register) if not fmt.is_set(has)]
    if absent:
        st.caption(ui.tr("perbandingan.group.no_register", names=", ".join(absent)))
    return group


def pilot_trend(f: ui.Filters, lang: str, frame: pd.DataFrame | None, metric_id: str) -> None:
    if len(f.periods) < 2:
        ui.empty_state("perbandingan.trend.one_period")
        return
    if ui.failed(frame) or ui.nothing(frame, "empty.no_match"):
        return
    pilot_name = fmt.region_short(frame.pilot_name.iloc[0])
    labels = _labels(title=ui.tr("perbandingan.trend.title", metric=ui.label(metric_id), pilot=pilot_name),
                     x=ui.tr("perbandingan.axis.period"), y=ui.tr("perbandingan.axis.rate", metric=ui.label(metric_id)),
                     pilot=pilot_name, comparison=ui.tr("perbandingan.trend.comparison"),
                     period=i18n.t("period.short", lang, year="{year}", tranche="{tranche}"), hover=ui.tr("perbandingan.trend.hover"))
    metric = comparison.metric(metric_id, lang, "trend", small="small")
    ui.chart(comparison.group_trend(frame, lang, metric, labels, *words.targets()), key="pb_trend_chart", data=frame)
    st.caption(ui.tr("perbandingan.trend.read" if (frame.grp == "comparison").any() else "perbandingan.trend.no_comparison"))
    if f.basis == "layak":
        st.caption(ui.tr("perbandingan.layak"))


# -- page ----------------------------------------------------------------------------------


def render(f: ui.Filters) -> None:
    lang = ui.lang()
    st.markdown(ui.tr("perbandingan.context", program=f.program, period=ui.period_label(f.year, f.tranche),
                      snapshot=fmt.day(f.as_of, lang), basis=ui.tr(f"filter.basis.{f.basis}")))
    left, _ = st.columns([1, 1])
    metric_id = ui.choice(left.selectbox, "perbandingan.metric.label", METRICS, "pb_metric",
                          lambda m, language: BY_ID[m].label(language), help=ui.tr("perbandingan.metric.help"))
    # Every picker is drawn first, in its place, and every section's
    # container with it; the page's queries then run at once (ui.safe_many)
    # and the sections are drawn into their places. The league stands above
    # the region picker and shares its query with the sections below it
    # (page_rows).
    league_box = st.container()
    chosen = pick_regions(f, lang)
    regions_box = st.container()
    st.subheader(ui.tr("perbandingan.pilot.heading"))
    pilot = pick_pilot(f)
    pilot_box = st.container()
    did_slot = st.empty()
    did_box = did_slot.container()
    calls = [page_rows(f, chosen)]
    pair = None
    if pilot is not None:
        with did_box:
            pair = did.pick(f)
        calls.append(("perbandingan_comparison_group", dict(pilots=[pilot])))
        if len(f.periods) >= 2:
            calls.append(("comparison_trend", dict(pilots=[pilot], **f.params("as_of", "basis", "program"))))
        if pair is not None:
            calls.append(did.query(f, pilot, pair))
    # Each section says in its place that its query failed (show=False).
    found = dict(zip((name for name, _ in calls), ui.safe_many(*calls, show=False)))
    rows = found["region_indicators"]
    with league_box:
        ui.registers_note(f, rows)
        league(f, lang, metric_id, _rows(rows, f.regions, f))
    with regions_box:
        side_by_side(f, lang, chosen, _rows(rows, chosen, f))
        small_multiples(f, lang, chosen, metric_id, _rows(rows, chosen))
    with pilot_box:
        if pilot is None:
            ui.empty_state("perbandingan.pilot.none")
            return
        group = comparison_group_note(found["perbandingan_comparison_group"])
        if group is None or group.empty:
            did_slot.empty()  # no comparison group: nothing to compare either
            return
        pilot_trend(f, lang, found.get("comparison_trend"), metric_id)
    with did_box:
        did.section(f, lang, pair, found.get("comparison_did"))


if (filters := ui.start("nav.perbandingan", "perbandingan.intro")) is not None:
    render(filters)
