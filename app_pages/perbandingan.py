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
from bansos.charts.targeting import short_name
from bansos.indicators import BY_ID, DID_METRICS
from bansos.ui import tables, words

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


def league(f: ui.Filters, lang: str, metric_id: str) -> None:
    st.subheader(ui.tr("perbandingan.league.heading"))
    frame = ui.safe_query("region_indicators", **f.params("as_of", "basis", "program", "year", "tranche", "province", "regions"))
    if frame is None:
        return
    pilots = frame[frame.is_pilot.astype(bool)] if not frame.empty else frame
    if pilots.empty:
        ui.empty_state("perbandingan.league.no_pilots")
        return
    rank = comparison.RANK[metric_id]
    ordered = pilots.assign(ranked=pilots[rank].notna(), region=[short_name(n) for n in pilots.region_name],
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
             tables.text("region", "word.region", pinned=True), tables.indicator(metric_id),
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
        label = f"{short_name(names.get(code, code))} ({code})"
        return f"{label} · {pilot_word}" if pilot.get(code) else label

    return ui.regions("perbandingan.pick.label", list(options.region_code), "pb_regions", names,
                      default=list(dict.fromkeys(candidates))[:3], none_key="perbandingan.pick.placeholder",
                      allowed=ui.allowed_regions(), max_selections=5, format_func=name_of,
                      placeholder=ui.tr("perbandingan.pick.placeholder"), help=ui.tr("perbandingan.pick.help"))


def side_by_side(f: ui.Filters, lang: str, chosen: list[str]) -> None:
    if len(chosen) < 2:
        ui.empty_state("perbandingan.pick.too_few")
        return
    frame = ui.safe_query("region_indicators", regions=chosen,
                          **f.params("as_of", "basis", "program", "year", "tranche", "province"))
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
    view = frame.assign(region=[short_name(n) for n in frame.region_name], group=[words.group(p) for p in frame.is_pilot],
                        **{f"{m['id']}_ratio": [comparison.ratio_text(m, row, lang) for _, row in frame.iterrows()]
                           for m in metrics})
    columns = [tables.text("region", "word.region", pinned=True), tables.text("region_code", "word.code"),
               tables.text("group", "perbandingan.col.group")]
    for m in metrics:
        columns += [tables.indicator(m["id"]), ui.Col(f"{m['id']}_ratio", ui.tr("perbandingan.col.inputs", metric=m["label"]))]
    ui.table(view, columns, key="pb_side_grid", download=labels["title"])
    ui.small_n_note()


def small_multiples(f: ui.Filters, lang: str, chosen: list[str], metric_id: str) -> None:
    if len(chosen) < 2:
        return
    st.subheader(ui.tr("perbandingan.multiples.heading", metric=ui.label(metric_id)))
    if len(f.periods) < 2:
        ui.empty_state("perbandingan.trend.one_period")
        return
    frame = ui.safe_query("region_indicators", regions=chosen, year=None, tranche=None,
                          **f.params("as_of", "basis", "program", "province"))
    if ui.nothing(frame, "empty.no_match"):
        return
    metric = comparison.metric(metric_id, lang)
    labels = _labels(period=i18n.t("period.short", lang, year="{year}", tranche="{tranche}"),
                     y=ui.tr("perbandingan.axis.percent"), hover=ui.tr("perbandingan.multiples.hover"))
    present = [c for c in chosen if c in set(frame.region_code)]
    for start in range(0, len(present), 3):
        for cell, code in zip(st.columns(3), present[start:start + 3]):
            mine = frame[frame.region_code == code]
            figure = comparison.small_trend(mine, lang, metric, short_name(mine.region_name.iloc[0]),
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


def comparison_group_note(pilot: str) -> pd.DataFrame | None:
    group = ui.safe_query("perbandingan_comparison_group", pilots=[pilot])
    if ui.nothing(group, "perbandingan.group.none"):
        return group
    names = ", ".join(f"{short_name(n)} ({c})" for n, c in zip(group.comparison_name, group.comparison_code))
    sources = set(group.source)
    kind = sources.pop() if len(sources) == 1 else "mixed"  # table, default or mixed
    source = ui.tr(f"perbandingan.group.source.{kind}")
    st.markdown(ui.tr("perbandingan.group.members", n=len(group), names=names, source=source))
    absent = [short_name(n) for n, has in zip(group.comparison_name, group.has_register) if not fmt.is_set(has)]
    if absent:
        st.caption(ui.tr("perbandingan.group.no_register", names=", ".join(absent)))
    return group


def pilot_trend(f: ui.Filters, lang: str, pilot: str, metric_id: str) -> None:
    if len(f.periods) < 2:
        ui.empty_state("perbandingan.trend.one_period")
        return
    frame = ui.safe_query("comparison_trend", pilots=[pilot], **f.params("as_of", "basis", "program"))
    if ui.nothing(frame, "empty.no_match"):
        return
    pilot_name = short_name(frame.pilot_name.iloc[0])
    labels = _labels(title=ui.tr("perbandingan.trend.title", metric=ui.label(metric_id), pilot=pilot_name),
                     x=ui.tr("perbandingan.axis.period"), y=ui.tr("perbandingan.axis.rate", metric=ui.label(metric_id)),
                     pilot=pilot_name, comparison=ui.tr("perbandingan.trend.comparison"),
                     period=i18n.t("period.short", lang, year="{year}", tranche="{tranche}"), hover=ui.tr("perbandingan.trend.hover"))
    metric = comparison.metric(metric_id, lang, "trend", small="small")
    ui.chart(comparison.group_trend(frame, lang, metric, labels, *words.targets()), key="pb_trend_chart", data=frame)
    st.caption(ui.tr("perbandingan.trend.read" if (frame.grp == "comparison").any() else "perbandingan.trend.no_comparison"))
    if f.basis == "layak":
        st.caption(ui.tr("perbandingan.layak"))


def did(f: ui.Filters, lang: str, pilot: str) -> None:
    st.markdown(f"#### {ui.tr('perbandingan.did.heading')}")
    pair = ui.period_pair("pb", f.periods, "perbandingan.did.t1", "perbandingan.did.t2", "perbandingan.did.one_period",
                          "perbandingan.did.same")
    if pair is None:
        return
    (y1, t1), (y2, t2) = pair
    frame = ui.safe_query("comparison_did", pilots=[pilot], year1=y1, tranche1=t1, year2=y2, tranche2=t2,
                          **f.params("as_of", "basis", "program"))
    if ui.nothing(frame, "perbandingan.did.empty"):
        return
    t1_label, t2_label = ui.period_label(y1, t1, short=True), ui.period_label(y2, t2, short=True)
    by_metric = frame.set_index("metric")
    present = [m for m in METRICS if m in by_metric.index]
    for col, metric_id in zip(st.columns(len(present)), present):
        row = by_metric.loc[metric_id]
        with col:
            ui.tile(ui.tr("perbandingan.did.tile", metric=ui.label(metric_id)),
                    fmt.pp(row.did, lang) + (" ⚠" if fmt.is_set(row.small) else ""), help=words.did_help(metric_id),
                    caption=ui.tr("perbandingan.did.tile.caption", pilot_change=fmt.pp(row.pilot_change, lang),
                                  comp_change=fmt.pp(row.comp_change, lang)))
    did_table(frame, present, t1_label, t2_label, lang)
    st.caption(ui.tr("perbandingan.did.read", t1=t1_label, t2=t2_label, reading=words.did_reading(present)))
    st.caption(ui.tr("perbandingan.did.numerators"))
    if frame.small.map(fmt.is_set).any():
        ui.small_n_note()
    st.caption(ui.tr("perbandingan.did.caveat"))


def did_table(frame: pd.DataFrame, present: list[str], t1_label: str, t2_label: str, lang: str) -> None:
    """Every input of the DiD: for each metric, the pilot's and the
    comparison group's numerator, denominator and rate at t1 and t2, and
    the DiD."""
    by_metric = frame.set_index("metric")
    codes = frame.comparison_codes.iloc[0]
    n_comp = len(codes) if codes is not None and hasattr(codes, "__len__") and not isinstance(codes, str) else 0
    pilot_name = short_name(frame.pilot_name.iloc[0])
    rows = []
    for metric_id in present:
        row = by_metric.loc[metric_id]
        base = {"metric": ui.label(metric_id) + (" ⚠" if fmt.is_set(row.small) else ""),
                "unit": "rp" if metric_id == "disbursement_rate" else "int"}
        for who, group in (("pilot", ui.tr("perbandingan.did.row.pilot", name=pilot_name)),
                           ("comp", ui.tr("perbandingan.did.row.comparison", n=n_comp))):
            rows.append({**base, "group": group, "change": row[f"{who}_change"],
                         **{f"{part}_{p}": row[f"{who}_{part}_{p}"] for part in ("num", "den", "rate") for p in ("1", "2")}})
        rows.append({**base, "group": ui.tr("perbandingan.did.row.did"), "change": row.did})
    table = pd.DataFrame(rows).reindex(columns=["metric", "group", "rate_1", "rate_2", "change", "num_1", "den_1",
                                                "num_2", "den_2", "unit"])
    # rates and changes first, so the DiD row's value is visible without scrolling
    ui.table(table, [
        tables.text("metric", "perbandingan.col.metric", pinned=True), tables.text("group", "perbandingan.col.group"),
        ui.Col("rate_1", ui.tr("perbandingan.col.rate", period=t1_label), "pct"),
        ui.Col("rate_2", ui.tr("perbandingan.col.rate", period=t2_label), "pct"),
        ui.Col("change", ui.tr("perbandingan.col.change", t1=t1_label, t2=t2_label), "pp"),
        *[ui.Col(f"{part}_{p}", ui.tr(f"perbandingan.col.{part}", period=label), "int", row_kind="unit")
          for p, label in (("1", t1_label), ("2", t2_label)) for part in ("num", "den")],
    ], key="pb_did_grid", rows_shown=12, download=f"DiD · {pilot_name} · {t1_label} - {t2_label}")


# -- page ----------------------------------------------------------------------------------


def render(f: ui.Filters) -> None:
    lang = ui.lang()
    st.markdown(ui.tr("perbandingan.context", program=f.program, period=ui.period_label(f.year, f.tranche),
                      snapshot=fmt.day(f.as_of, lang), basis=ui.tr(f"filter.basis.{f.basis}")))
    left, _ = st.columns([1, 1])
    metric_id = ui.choice(left.selectbox, "perbandingan.metric.label", METRICS, "pb_metric",
                          lambda m, language: BY_ID[m].label(language), help=ui.tr("perbandingan.metric.help"))
    league(f, lang, metric_id)
    chosen = pick_regions(f, lang)
    side_by_side(f, lang, chosen)
    small_multiples(f, lang, chosen, metric_id)
    st.subheader(ui.tr("perbandingan.pilot.heading"))
    pilot = pick_pilot(f)
    if pilot is None:
        ui.empty_state("perbandingan.pilot.none")
        return
    group = comparison_group_note(pilot)
    if group is None or group.empty:
        return
    pilot_trend(f, lang, pilot, metric_id)
    did(f, lang, pilot)


if (filters := ui.start("nav.perbandingan", "perbandingan.intro")) is not None:
    render(filters)
