"""Perbandingan Wilayah (region comparison): a league table of the pilots,
2-5 regions side by side and over time, and each pilot against the
comparison regions of its province (trend and difference-in-differences,
with every input shown).

Numbers come from queries/ (region_indicators, comparison_trend,
comparison_did, perbandingan_comparison_group, options_regions); this file
lays them out. Every view-changing widget is bound to the URL, so a link
reopens exactly this view.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bansos import fmt, i18n, settings, ui
from bansos.charts import comparison
from bansos.charts.targeting import short_name
from bansos.indicators import BY_ID

METRICS = ("exclusion_error", "inclusion_error", "coverage", "disbursement_rate")
ERRORS = ("exclusion_error", "inclusion_error")
RANK = {
    "exclusion_error": "rank_exclusion_error",
    "inclusion_error": "rank_inclusion_error",
    "coverage": "rank_coverage",
    "disbursement_rate": "rank_disbursement",
}
# The small-n flag that governs each rate's rank (as region_indicators ranks).
SMALL = {
    "exclusion_error": "coverage_small",
    "coverage": "coverage_small",
    "inclusion_error": "inclusion_small",
    "disbursement_rate": "inclusion_small",
}
# Counts shown beside each rate, per query: (numerator, denominator, words, format).
COUNTS_REGION = {
    "exclusion_error": ("eligible_covered", "eligible_families", "perbandingan.ratio.covered", "int"),
    "coverage": ("eligible_covered", "eligible_families", "perbandingan.ratio.covered", "int"),
    "inclusion_error": ("ineligible_recipients", "recipients", "perbandingan.ratio.ineligible", "int"),
    "disbursement_rate": ("disbursed_amount", "allocated_amount", "perbandingan.ratio.disbursed", "rp"),
}
COUNTS_TREND = {
    "exclusion_error": ("eligible_covered", "eligible_families", "perbandingan.ratio.covered", "int"),
    "coverage": ("eligible_covered", "eligible_families", "perbandingan.ratio.covered", "int"),
    "inclusion_error": ("eligible_recipients", "recipients", "perbandingan.ratio.eligible", "int"),
    "disbursement_rate": ("disbursed_amount", "allocated_amount", "perbandingan.ratio.disbursed", "rp"),
}


def _label(indicator: str, lang: str) -> str:
    return BY_ID[indicator].label(lang)


def _metric(indicator: str, lang: str, counts: dict, small: str | None) -> dict:
    num, den, words, kind = counts[indicator]
    return {
        "id": indicator, "label": _label(indicator, lang), "num": num, "den": den,
        "ratio": ui.tr(words), "count_format": kind, "small": small, "rank": RANK[indicator],
        "error": indicator in ERRORS,
    }


def _targets() -> tuple[float, float]:
    return settings.get_float("target_2026"), settings.get_float("target_next")


def _target_labels(lang: str) -> dict:
    target, target_next = _targets()
    return {
        "target_now": ui.tr("target.line", year=2026, value=fmt.pct(target, lang, 0)),
        "target_next": ui.tr("target.next", value=fmt.pct(target_next, lang, 0)),
    }


def _small_flag() -> str:
    return ui.tr("word.small_n", n=settings.get_int("min_families"))


def _is_true(value) -> bool:
    try:
        return bool(value) and not pd.isna(value)
    except (TypeError, ValueError):
        return bool(value)


def _count(value, kind: str, lang: str, compact: bool = False) -> str:
    return fmt.rupiah(value, lang, compact=compact) if kind == "rp" else fmt.number(value, lang)


def _table_height(rows: int, cap: int = 16) -> int:
    return min(rows, cap) * 35 + 38


def _period_keys(f: ui.Filters) -> list[str]:
    return [f"{y}-{t}" for y, t in f.periods]


def _split(key: str) -> tuple[int, int]:
    year, tranche = key.split("-")
    return int(year), int(tranche)


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
    rank_col, small_col = RANK[metric_id], SMALL[metric_id]
    ordered = pilots.assign(ranked=pilots[rank_col].notna()).sort_values(
        ["ranked", rank_col, metric_id], ascending=[False, True, metric_id in ERRORS], na_position="last",
    )
    st.caption(ui.tr("perbandingan.league.read", metric=_label(metric_id, lang), n=settings.get_int("min_families"),
                     period=ui.period_label(f.year, f.tranche)))
    table = pd.DataFrame({
        "rank": ordered[rank_col].astype("Int64"),
        "flag": [ui.tr("perbandingan.flag.small") if _is_true(s) else "" for s in ordered[small_col]],
        "region": [short_name(n) for n in ordered.region_name],
        "province": ordered.province_name,
        "status": [ui.tr(f"perbandingan.status.{s}") if isinstance(s, str) and f"perbandingan.status.{s}" in i18n.STRINGS
                   else (s if isinstance(s, str) else "") for s in ordered.pilot_status],
        "exclusion_error": ordered.exclusion_error,
        "eligible_covered": ordered.eligible_covered,
        "eligible_families": ordered.eligible_families,
        "inclusion_error": ordered.inclusion_error,
        "ineligible_recipients": ordered.ineligible_recipients,
        "recipients": ordered.recipients,
        "not_in_register": ordered.not_in_register,
        "coverage": ordered.coverage,
        "disbursement_rate": ordered.disbursement_rate,
        "disbursed_amount": ordered.disbursed_amount,
        "allocated_amount": ordered.allocated_amount,
        "rank_exclusion_error": ordered.rank_exclusion_error.astype("Int64"),
        "rank_inclusion_error": ordered.rank_inclusion_error.astype("Int64"),
        "rank_coverage": ordered.rank_coverage.astype("Int64"),
        "rank_disbursement": ordered.rank_disbursement.astype("Int64"),
    })
    number = st.column_config.NumberColumn
    text = st.column_config.TextColumn

    def rate(indicator: str) -> st.column_config.NumberColumn:
        return number(_label(indicator, lang), help=BY_ID[indicator].description(lang), format="percent")

    def rank(indicator: str) -> st.column_config.NumberColumn:
        return number(ui.tr("perbandingan.col.rank_of", metric=_label(indicator, lang)), format="%d")

    config = {
        "rank": number(ui.tr("perbandingan.col.rank"), format="%d", pinned=True,
                       help=ui.tr("perbandingan.col.rank.help", metric=_label(metric_id, lang),
                                  n=settings.get_int("min_families"))),
        "flag": text("⚠", help=ui.tr("word.small_n.note", n=settings.get_int("min_families")), width="small"),
        "region": text(ui.tr("word.region"), pinned=True),
        "province": text(ui.tr("word.province")),
        "status": text(ui.tr("perbandingan.col.status"), help=ui.tr("perbandingan.col.status.help")),
        "exclusion_error": rate("exclusion_error"),
        "eligible_covered": number(_label("eligible_covered", lang), format="localized"),
        "eligible_families": number(_label("eligible_families", lang), format="localized"),
        "inclusion_error": rate("inclusion_error"),
        "ineligible_recipients": number(ui.tr("perbandingan.col.ineligible"), format="localized"),
        "recipients": number(_label("recipients", lang), format="localized"),
        "not_in_register": number(_label("not_in_register", lang), format="localized"),
        "coverage": rate("coverage"),
        "disbursement_rate": rate("disbursement_rate"),
        "disbursed_amount": number(_label("disbursed_amount", lang) + " (Rp)", format="localized"),
        "allocated_amount": number(_label("allocated_amount", lang) + " (Rp)", format="localized"),
        "rank_exclusion_error": rank("exclusion_error"),
        "rank_inclusion_error": rank("inclusion_error"),
        "rank_coverage": rank("coverage"),
        "rank_disbursement": rank("disbursement_rate"),
    }
    # The chosen metric's rate and its counts come right after the region.
    num, den, _, _ = COUNTS_REGION[metric_id]
    first = ["rank", "region", metric_id, "flag", num, den]
    order = first + [c for c in table.columns if c not in first and c != RANK[metric_id]]
    # Only the open tab's content runs (switching tabs reruns the page).
    tab_table, tab_chart = st.tabs([ui.tr("perbandingan.tab.table"), ui.tr("perbandingan.tab.chart")],
                                   key="pb_league_tab", on_change="rerun")
    with tab_table:
        if tab_table.open:
            st.dataframe(table, hide_index=True, column_order=order, column_config=config, height=_table_height(len(table)),
                         placeholder=fmt.EMPTY)
    with tab_chart:
        if tab_chart.open:
            target, target_next = _targets()
            labels = {
                "title": ui.tr("perbandingan.league.title", metric=_label(metric_id, lang)),
                "x": ui.tr("perbandingan.axis.rate", metric=_label(metric_id, lang)),
                "small_flag": "⚠",
                "unranked": ui.tr("perbandingan.unranked"),
                "hover": ui.tr("perbandingan.league.hover"),
                **_target_labels(lang),
            }
            metric = _metric(metric_id, lang, COUNTS_REGION, small_col)
            st.plotly_chart(comparison.league_bars(pilots, lang, metric, labels, target, target_next), width="stretch")
    ui.small_n_note()


# -- side by side and small multiples ------------------------------------------------------


def pick_regions(f: ui.Filters, lang: str) -> list[str]:
    st.subheader(ui.tr("perbandingan.pick.heading"))
    options = ui.q("options_regions")
    if options.empty:
        return []
    names = dict(zip(options.region_code, options.region_name))
    pilot = dict(zip(options.region_code, options.is_pilot.astype(bool)))
    pilot_word = i18n.t("word.pilot", lang)
    # Default: up to three regions of the view, pilots first; when the view
    # holds fewer than two, neighbours from the same province fill in.
    province = dict(zip(options.region_code, options.province_code))
    in_view = [c for c in f.regions if c in names]
    provinces = {province[c] for c in in_view}
    candidates = (
        [c for c in in_view if pilot.get(c)]
        + [c for c in in_view if not pilot.get(c)]
        + [c for c in options.region_code if province[c] in provinces and c not in in_view]
    )
    default = list(dict.fromkeys(candidates))[:3]

    def name_of(code: str) -> str:
        # The label is also the value in the link: "Pilot" reads the same in
        # both languages, so a shared link works whatever the language.
        label = f"{short_name(names.get(code, code))} ({code})"
        return f"{label} · {pilot_word}" if pilot.get(code) else label

    chosen = st.multiselect(
        ui.tr("perbandingan.pick.label"), list(options.region_code), default=default, key="pb_regions",
        bind="query-params", max_selections=5, format_func=name_of, placeholder=ui.tr("perbandingan.pick.placeholder"),
        help=ui.tr("perbandingan.pick.help"),
    )
    return [c for c in chosen if c in names]


def side_by_side(f: ui.Filters, lang: str, chosen: list[str]) -> None:
    if len(chosen) < 2:
        ui.empty_state("perbandingan.pick.too_few")
        return
    frame = ui.safe_query(
        "region_indicators", regions=chosen, **f.params("as_of", "basis", "program", "year", "tranche", "province"),
    )
    if frame is None:
        return
    if frame.empty:
        ui.empty_state("empty.no_match")
        return
    position = {code: index for index, code in enumerate(chosen)}
    frame = frame.assign(pick_order=frame.region_code.map(position)).sort_values("pick_order")
    metrics = [_metric(m, lang, COUNTS_REGION, SMALL[m]) for m in METRICS]
    target, target_next = _targets()
    labels = {
        "title": ui.tr("perbandingan.side.title", period=ui.period_label(f.year, f.tranche, short=True), program=f.program),
        "pilot": ui.tr("word.pilot"),
        "comparison": ui.tr("word.comparison"),
        "x": ui.tr("perbandingan.side.x"),
        "small_flag": "⚠",
        "hover": ui.tr("perbandingan.side.hover"),
        **_target_labels(lang),
    }
    st.plotly_chart(comparison.compare_bars(frame, lang, metrics, labels, target, target_next), width="stretch")
    missing = [c for c in chosen if c not in set(frame.region_code)]
    if missing:
        st.caption(ui.tr("perbandingan.side.missing", regions=", ".join(missing)))
    # exact figures: one row per metric, one column per region
    table = {"metric": [m["label"] for m in metrics]}
    columns = {"metric": st.column_config.TextColumn(ui.tr("perbandingan.col.metric"), pinned=True)}
    for index, row in enumerate(frame.itertuples()):
        cells = []
        for m in metrics:
            value = getattr(row, m["id"])
            ratio = m["ratio"].format(
                num=_count(getattr(row, m["num"]), m["count_format"], lang, compact=True),
                den=_count(getattr(row, m["den"]), m["count_format"], lang, compact=True),
            )
            flag = " ⚠" if _is_true(getattr(row, m["small"])) else ""
            cells.append(f"{fmt.pct(value, lang)}{flag} · {ratio}")
        table[f"r{index}"] = cells
        columns[f"r{index}"] = st.column_config.TextColumn(short_name(row.region_name))
    st.dataframe(pd.DataFrame(table), hide_index=True, placeholder=fmt.EMPTY, column_config=columns)
    if any(_is_true(getattr(row, m["small"])) for row in frame.itertuples() for m in metrics):
        ui.small_n_note()


def small_multiples(f: ui.Filters, lang: str, chosen: list[str], metric_id: str) -> None:
    if len(chosen) < 2:
        return
    st.subheader(ui.tr("perbandingan.multiples.heading", metric=_label(metric_id, lang)))
    if len(f.periods) < 2:
        ui.empty_state("perbandingan.trend.one_period")
        return
    frame = ui.safe_query(
        "region_indicators", regions=chosen, year=None, tranche=None,
        **f.params("as_of", "basis", "program", "province"),
    )
    if frame is None:
        return
    if frame.empty:
        ui.empty_state("empty.no_match")
        return
    metric = _metric(metric_id, lang, COUNTS_REGION, SMALL[metric_id])
    target, target_next = _targets()
    labels = {
        "period": i18n.t("period.short", lang, year="{year}", tranche="{tranche}"),
        "y": ui.tr("perbandingan.axis.percent"),
        "small_flag": "⚠",
        "hover": ui.tr("perbandingan.multiples.hover"),
        **_target_labels(lang),
    }
    present = [c for c in chosen if c in set(frame.region_code)]
    per_row = 3
    for start in range(0, len(present), per_row):
        cells = st.columns(per_row)
        for cell, code in zip(cells, present[start:start + per_row]):
            mine = frame[frame.region_code == code]
            title = short_name(mine.region_name.iloc[0])
            figure = comparison.small_trend(mine, lang, metric, title, bool(mine.is_pilot.iloc[0]), labels, target, target_next)
            cell.plotly_chart(figure, width="stretch")
    st.caption(ui.tr("perbandingan.multiples.read", program=f.program, n=settings.get_int("min_families")))


# -- pilot against its comparison regions --------------------------------------------------


def pick_pilot(f: ui.Filters, lang: str) -> str | None:
    options = ui.q("options_regions")
    pilots = options[options.is_pilot.astype(bool)] if not options.empty else options
    if pilots.empty:
        return None
    names = dict(zip(pilots.region_code, pilots.region_name))
    codes = list(pilots.region_code)
    in_view = [c for c in f.regions if c in names]
    default = codes.index(in_view[0]) if in_view else 0
    left, _ = st.columns([1, 1])
    chosen = left.selectbox(
        ui.tr("perbandingan.pilot.label"), codes, index=default, key="pb_pilot", bind="query-params",
        format_func=lambda code: f"{names.get(code, code)} ({code})",
    )
    return chosen if chosen in names else codes[default]


def comparison_group_note(pilot: str, lang: str) -> pd.DataFrame | None:
    group = ui.safe_query("perbandingan_comparison_group", pilots=[pilot])
    if group is None:
        return None
    if group.empty:
        ui.empty_state("perbandingan.group.none")
        return group
    names = ", ".join(f"{short_name(n)} ({c})" for n, c in zip(group.comparison_name, group.comparison_code))
    sources = set(group.source)
    if sources == {"table"}:
        source = ui.tr("perbandingan.group.source.table")
    elif sources == {"default"}:
        source = ui.tr("perbandingan.group.source.default")
    else:
        source = ui.tr("perbandingan.group.source.mixed")
    st.markdown(ui.tr("perbandingan.group.members", n=len(group), names=names, source=source))
    absent = [short_name(n) for n, has in zip(group.comparison_name, group.has_register) if not _is_true(has)]
    if absent:
        st.caption(ui.tr("perbandingan.group.no_register", names=", ".join(absent)))
    return group


def pilot_trend(f: ui.Filters, lang: str, pilot: str, metric_id: str) -> None:
    if len(f.periods) < 2:
        ui.empty_state("perbandingan.trend.one_period")
        return
    frame = ui.safe_query("comparison_trend", pilots=[pilot], **f.params("as_of", "basis", "program"))
    if frame is None:
        return
    if frame.empty:
        ui.empty_state("empty.no_match")
        return
    metric = _metric(metric_id, lang, COUNTS_TREND, "small")
    target, target_next = _targets()
    pilot_name = frame.pilot_name.iloc[0]
    labels = {
        "title": ui.tr("perbandingan.trend.title", metric=_label(metric_id, lang), pilot=short_name(pilot_name)),
        "x": ui.tr("perbandingan.axis.period"),
        "y": ui.tr("perbandingan.axis.rate", metric=_label(metric_id, lang)),
        "pilot": short_name(pilot_name),
        "comparison": ui.tr("perbandingan.trend.comparison"),
        "period": i18n.t("period.short", lang, year="{year}", tranche="{tranche}"),
        "small_flag": "⚠",
        "hover": ui.tr("perbandingan.trend.hover"),
        **_target_labels(lang),
    }
    st.plotly_chart(comparison.group_trend(frame, lang, metric, labels, target, target_next), width="stretch")
    if not (frame.grp == "comparison").any():
        st.caption(ui.tr("perbandingan.trend.no_comparison"))
    else:
        st.caption(ui.tr("perbandingan.trend.read"))
    if f.basis == "layak":
        st.caption(ui.tr("perbandingan.layak"))


def did(f: ui.Filters, lang: str, pilot: str) -> None:
    st.markdown(f"#### {ui.tr('perbandingan.did.heading')}")
    if len(f.periods) < 2:
        ui.empty_state("perbandingan.did.one_period")
        return
    keys = _period_keys(f)

    def period_name(key: str) -> str:
        year, tranche = _split(key)
        return i18n.t("period.label", lang, year=year, tranche=tranche)

    left, right = st.columns(2)
    first = left.selectbox(ui.tr("perbandingan.did.t1"), keys, index=0, key="pb_t1", bind="query-params", format_func=period_name)
    second = right.selectbox(ui.tr("perbandingan.did.t2"), keys, index=len(keys) - 1, key="pb_t2", bind="query-params",
                             format_func=period_name)
    first = first if first in keys else keys[0]
    second = second if second in keys else keys[-1]
    if first == second:
        ui.empty_state("perbandingan.did.same")
        return
    (y1, t1), (y2, t2) = _split(first), _split(second)
    frame = ui.safe_query(
        "comparison_did", pilots=[pilot], year1=y1, tranche1=t1, year2=y2, tranche2=t2,
        **f.params("as_of", "basis", "program"),
    )
    if frame is None:
        return
    if frame.empty:
        ui.empty_state("perbandingan.did.empty")
        return
    t1_label, t2_label = ui.period_label(y1, t1, short=True), ui.period_label(y2, t2, short=True)
    by_metric = frame.set_index("metric")
    present = [m for m in METRICS if m in by_metric.index]
    cols = st.columns(len(present))
    for col, metric_id in zip(cols, present):
        row = by_metric.loc[metric_id]
        flag = " ⚠" if _is_true(row.small) else ""
        with col:
            ui.tile(
                ui.tr("perbandingan.did.tile", metric=_label(metric_id, lang)),
                fmt.pp(row.did, lang) + flag,
                help=ui.tr("perbandingan.did.tile.help.error" if metric_id in ERRORS else "perbandingan.did.tile.help.up"),
                caption=ui.tr(
                    "perbandingan.did.tile.caption",
                    pilot_change=fmt.pp(row.pilot_change, lang), comp_change=fmt.pp(row.comp_change, lang),
                ),
            )
    # every input, one block of three rows per metric
    pilot_name = short_name(frame.pilot_name.iloc[0])
    codes = frame.comparison_codes.iloc[0]
    n_comp = len(codes) if codes is not None and hasattr(codes, "__len__") and not isinstance(codes, str) else 0
    kinds = {m: ("rp" if m == "disbursement_rate" else "int") for m in METRICS}
    rows = []
    for metric_id in present:
        row = by_metric.loc[metric_id]
        kind = kinds[metric_id]
        label = _label(metric_id, lang) + (" ⚠" if _is_true(row.small) else "")
        rows.append({
            "metric": label, "group": ui.tr("perbandingan.did.row.pilot", name=pilot_name),
            "num_1": _count(row.pilot_num_1, kind, lang), "den_1": _count(row.pilot_den_1, kind, lang),
            "rate_1": fmt.pct(row.pilot_rate_1, lang),
            "num_2": _count(row.pilot_num_2, kind, lang), "den_2": _count(row.pilot_den_2, kind, lang),
            "rate_2": fmt.pct(row.pilot_rate_2, lang), "change": fmt.pp(row.pilot_change, lang),
        })
        rows.append({
            "metric": label, "group": ui.tr("perbandingan.did.row.comparison", n=n_comp),
            "num_1": _count(row.comp_num_1, kind, lang), "den_1": _count(row.comp_den_1, kind, lang),
            "rate_1": fmt.pct(row.comp_rate_1, lang),
            "num_2": _count(row.comp_num_2, kind, lang), "den_2": _count(row.comp_den_2, kind, lang),
            "rate_2": fmt.pct(row.comp_rate_2, lang), "change": fmt.pp(row.comp_change, lang),
        })
        rows.append({
            "metric": label, "group": ui.tr("perbandingan.did.row.did"),
            "num_1": "", "den_1": "", "rate_1": "", "num_2": "", "den_2": "", "rate_2": "",
            "change": fmt.pp(row.did, lang),
        })
    text = st.column_config.TextColumn

    def figure(label: str) -> st.column_config.TextColumn:
        return text(label, alignment="right")

    st.dataframe(
        pd.DataFrame(rows), hide_index=True, placeholder=fmt.EMPTY, height=_table_height(len(rows), cap=12),
        # rates and changes first, so the DiD row's value is visible without scrolling
        column_order=["metric", "group", "rate_1", "rate_2", "change", "num_1", "den_1", "num_2", "den_2"],
        column_config={
            "metric": text(ui.tr("perbandingan.col.metric"), pinned=True),
            "group": text(ui.tr("perbandingan.col.group")),
            "num_1": figure(ui.tr("perbandingan.col.num", period=t1_label)),
            "den_1": figure(ui.tr("perbandingan.col.den", period=t1_label)),
            "rate_1": figure(ui.tr("perbandingan.col.rate", period=t1_label)),
            "num_2": figure(ui.tr("perbandingan.col.num", period=t2_label)),
            "den_2": figure(ui.tr("perbandingan.col.den", period=t2_label)),
            "rate_2": figure(ui.tr("perbandingan.col.rate", period=t2_label)),
            "change": figure(ui.tr("perbandingan.col.change", t1=t1_label, t2=t2_label)),
        },
    )
    st.caption(ui.tr("perbandingan.did.read", t1=t1_label, t2=t2_label))
    st.caption(ui.tr("perbandingan.did.numerators"))
    if frame.small.map(_is_true).any():
        ui.small_n_note()
    st.caption(ui.tr("perbandingan.did.caveat"))


# -- page ----------------------------------------------------------------------------------


def main() -> None:
    meta = ui.page_header("nav.perbandingan", intro_key="perbandingan.intro")
    if not ui.has_data(meta):
        return
    f = ui.filters()
    lang = ui.lang()
    ui.show_rule(f)
    if not f.has_period:
        ui.empty_state("empty.no_allocations")
        return
    if not f.regions:
        ui.empty_state("empty.no_regions")
        return
    st.markdown(ui.tr(
        "perbandingan.context", program=f.program, period=ui.period_label(f.year, f.tranche),
        snapshot=fmt.day(f.as_of, lang), basis=ui.tr(f"filter.basis.{f.basis}"),
    ))
    left, _ = st.columns([1, 1])
    metric_id = left.selectbox(
        ui.tr("perbandingan.metric.label"), METRICS, key="pb_metric", bind="query-params",
        format_func=lambda m: BY_ID[m].label(lang), help=ui.tr("perbandingan.metric.help"),
    )
    metric_id = metric_id if metric_id in METRICS else METRICS[0]
    league(f, lang, metric_id)
    chosen = pick_regions(f, lang)
    side_by_side(f, lang, chosen)
    small_multiples(f, lang, chosen, metric_id)
    st.subheader(ui.tr("perbandingan.pilot.heading"))
    pilot = pick_pilot(f, lang)
    if pilot is None:
        ui.empty_state("perbandingan.pilot.none")
        return
    group = comparison_group_note(pilot, lang)
    if group is None or group.empty:
        return
    pilot_trend(f, lang, pilot, metric_id)
    did(f, lang, pilot)


main()
