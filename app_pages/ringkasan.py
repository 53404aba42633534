"""Ringkasan (overview): the regions in view at a glance, for a governor on a
projector. Headline tiles with their change against the previous tranche,
sentences generated from the numbers, a trend with both error targets, a map."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bansos import fmt, i18n, narrative, settings, ui
from bansos.charts import maps, overview
from bansos.indicators import BY_ID

MAP_METRICS = ("exclusion_error", "coverage", "inclusion_error", "disbursement_rate")
TREND_METRICS = ("coverage", "exclusion_error", "inclusion_error")
SAME = 0.0005  # a change that rounds to 0.0 pp shows grey, without an arrow




def _label(metric: str, lang: str) -> str:
    return BY_ID[metric].label(lang)


def _short(metric: str, lang: str) -> str:
    """Short metric names for the map switch (the long ones overflow a phone)."""
    return i18n.t(f"ringkasan.map.short.{metric}", lang)


def _prev_text(row: pd.Series) -> str | None:
    if fmt.is_missing(row.get("prev_year")):
        return None
    return ui.tr("ringkasan.tile.vs", period=ui.period_label(row["prev_year"], row["prev_tranche"], short=True))


def _rate_tile(metric: str, row: pd.Series, history: pd.DataFrame, lang: str, caption: str, small: bool) -> None:
    indicator = BY_ID[metric]
    change = row.get(f"{metric}_change")
    value = fmt.pct(row.get(metric), lang) + (" ⚠" if small and not fmt.is_missing(row.get(metric)) else "")
    flat = not fmt.is_missing(change) and abs(change) < SAME
    st.metric(
        indicator.label(lang), value,
        delta=None if fmt.is_missing(change) else fmt.pp(change, lang),
        delta_color="off" if flat else ("inverse" if indicator.lower_is_better else "normal"),
        delta_arrow="off" if flat else "auto",
        delta_description=None if fmt.is_missing(change) else _prev_text(row),
        help=indicator.description(lang), border=True,
        chart_data=history[metric].dropna().tolist() or None, chart_type="line",
    )
    st.caption(caption)


def _count_tile(label: str, value, change, row: pd.Series, lang: str, caption: str, help_text: str | None = None) -> None:
    delta = None
    if not fmt.is_missing(change):
        delta = ("+" if change > 0 else "") + fmt.number(change, lang)
    st.metric(
        label, fmt.number(value, lang), delta=delta, delta_color="off",
        delta_arrow="off" if delta is None or change == 0 else "auto",
        delta_description=None if delta is None else _prev_text(row), help=help_text, border=True,
    )
    st.caption(caption)


def tiles(f: ui.Filters, row: pd.Series, history: pd.DataFrame, registration: pd.DataFrame, lang: str) -> None:
    targets = ui.tr(
        "ringkasan.tile.targets",
        target=fmt.pct(settings.get_float("target_2026"), lang, 0), next=fmt.pct(settings.get_float("target_next"), lang, 0),
    )
    small_word = ui.tr("ringkasan.tile.small", n=settings.get_int("min_families"))
    coverage_small = bool(row.get("coverage_small")) and not fmt.is_missing(row.get("coverage"))
    inclusion_small = bool(row.get("inclusion_small")) and not fmt.is_missing(row.get("inclusion_error"))

    st.markdown(f"**{ui.tr('ringkasan.tiles.targeting')}**")
    columns = st.columns(4)
    no_register = ui.tr("ringkasan.tile.no_register")
    no_eligible = ui.tr("ringkasan.tile.no_eligible")
    if fmt.is_missing(row.get("coverage")):
        coverage_caption = exclusion_caption = no_register if fmt.is_missing(row.get("eligible_families")) else no_eligible
    else:
        small = f" · {small_word}" if coverage_small else ""
        coverage_caption = ui.ratio_caption(row["eligible_covered"], row["eligible_families"]) + small
        exclusion_caption = ui.ratio_caption(row["excluded_families"], row["eligible_families"]) + f" · {targets}" + small
    if fmt.is_missing(row.get("inclusion_error")):
        inclusion_caption = ui.tr("ringkasan.tile.no_recipients") if not row.get("recipients") else no_register
    else:
        inclusion_caption = ui.ratio_caption(row["ineligible_recipients"], row["recipients_assessed"]) + f" · {targets}" + (
            f" · {small_word}" if inclusion_small else "")
    with columns[0]:
        _rate_tile("coverage", row, history, lang, coverage_caption, coverage_small)
    with columns[1]:
        _rate_tile("exclusion_error", row, history, lang, exclusion_caption, coverage_small)
    with columns[2]:
        _rate_tile("inclusion_error", row, history, lang, inclusion_caption, inclusion_small)
    with columns[3]:
        caption = ui.tr(
            "ringkasan.tile.amounts",
            paid=fmt.rupiah(row["disbursed_amount"], lang, compact=True),
            allocated=fmt.rupiah(row["allocated_amount"], lang, compact=True),
        )
        _rate_tile("disbursement_rate", row, history, lang, caption, False)

    st.markdown(f"**{ui.tr('ringkasan.tiles.volume')}**")
    columns = st.columns(4)
    with columns[0]:
        _count_tile(
            ui.tr("ringkasan.tile.regions"), row["pilot_regions"], None, row, lang,
            ui.tr("ringkasan.tile.regions.caption", total=int(row["regions"]), pilots=int(row["pilot_regions"]),
                  comparison=int(row["comparison_regions"])),
        )
    with columns[1]:
        reg = registration.iloc[0] if not registration.empty else pd.Series(dtype=object)
        registered = reg.get("new_registrations")
        if fmt.is_missing(registered) or registered == 0:
            caption = ui.tr("ringkasan.tile.registered.none")
            registered = None
        else:
            caption = ui.tr(
                "ringkasan.tile.registered.caption", share=fmt.pct(reg.get("self_registered_share"), lang),
                num=fmt.number(reg.get("channel_mandiri"), lang), den=fmt.number(registered, lang),
            )
        help_text = ui.tr(
            "ringkasan.tile.registered.help", snapshot=fmt.day(f.as_of, lang) if f.as_of else fmt.EMPTY,
            regions=int(reg.get("regions_with_registration", 0) or 0),
        )
        _count_tile(ui.tr("ringkasan.tile.registered"), registered, None, row, lang, caption, help_text)
    with columns[2]:
        with_register = int(row["regions_with_register"])
        _count_tile(
            _label("eligible_families", lang), row["eligible_families"], row.get("eligible_families_change"), row, lang,
            ui.tr("ringkasan.tile.eligible.caption", regions=with_register) if with_register else no_register,
            BY_ID["eligible_families"].description(lang),
        )
    with columns[3]:
        outside = row.get("not_in_register")
        _count_tile(
            _label("recipients", lang), row["recipients"], row.get("recipients_change"), row, lang,
            no_register if fmt.is_missing(outside) else ui.tr("ringkasan.tile.recipients.caption", n=fmt.number(outside, lang)),
            BY_ID["recipients"].description(lang),
        )


def trend_chart(f: ui.Filters, totals: pd.DataFrame, lang: str) -> None:
    target, target_next = settings.get_float("target_2026"), settings.get_float("target_next")
    fig = overview.trend(
        totals, lang,
        title=ui.tr("ringkasan.trend.title", program=f.program),
        x_title=ui.tr("word.period"), y_title=ui.tr("ringkasan.trend.y"),
        labels={m: _label(m, lang) for m in TREND_METRICS},
        ratio_words={m: ui.tr(f"ringkasan.trend.ratio.{m}") for m in TREND_METRICS},
        target=target, target_next=target_next,
        target_label=ui.tr("target.line", year=2026, value=fmt.pct(target, lang, 0)),
        target_next_label=ui.tr("target.next", value=fmt.pct(target_next, lang, 0)),
        small_label=ui.tr("word.small_n", n=settings.get_int("min_families")),
        selected=(f.year, f.tranche),
    )
    st.plotly_chart(fig, width="stretch", key="rk_trend_chart")
    st.caption(ui.tr("ringkasan.trend.note", target=fmt.pct(target, lang, 0), next=fmt.pct(target_next, lang, 0)))


def region_map(f: ui.Filters, regions: pd.DataFrame, lang: str) -> None:
    chosen = st.segmented_control(
        ui.tr("ringkasan.map.metric"), MAP_METRICS, key="rk_map", bind="query-params", default=MAP_METRICS[0],
        format_func=lambda metric: _short(metric, lang),
    )
    metric = chosen if chosen in MAP_METRICS else MAP_METRICS[0]
    label = _label(metric, lang)
    fig, used_boundaries = maps.region_map(
        regions, metric, label,
        ui.tr("ringkasan.map.title", metric=label, program=f.program, period=ui.period_label(f.year, f.tranche, short=True)),
        lang, geo_dir=settings.get("geo_dir"), value_format="pct",
    )
    if regions.empty or regions[metric].isna().all():
        ui.empty_state("empty.no_register" if metric != "disbursement_rate" else "empty.no_allocations")
        return
    st.plotly_chart(overview.readable_map(fig, regions), width="stretch", key="rk_map_chart")
    if used_boundaries:
        st.caption(ui.tr("ringkasan.map.choropleth"))
    elif f.province is None and regions["province_code"].nunique() > 1:
        st.caption(ui.tr("ringkasan.map.points_national"))
    else:
        st.caption(ui.tr("ringkasan.map.points_no_boundaries"))


def region_table(regions: pd.DataFrame, lang: str) -> None:
    min_n = settings.get_int("min_families")
    small_word = ui.tr("word.small_n", n=min_n)
    table = pd.DataFrame({
        ui.tr("word.region"): regions["region_name"],
        ui.tr("filter.group"): [ui.tr("word.pilot") if p else ui.tr("word.comparison") for p in regions["is_pilot"]],
        _label("eligible_families", lang): regions["eligible_families"],
        _label("eligible_covered", lang): regions["eligible_covered"],
        _label("coverage", lang): regions["coverage"],
        _label("exclusion_error", lang): regions["exclusion_error"],
        _label("recipients", lang): regions["recipients"],
        ui.tr("ringkasan.col.ineligible"): regions["ineligible_recipients"],
        _label("inclusion_error", lang): regions["inclusion_error"],
        _label("disbursement_rate", lang): regions["disbursement_rate"],
        ui.tr("ringkasan.col.flag"): [
            small_word if (c or i) else "" for c, i in zip(regions["coverage_small"].fillna(False), regions["inclusion_small"].fillna(False))
        ],
    })
    rates = [_label(m, lang) for m in ("coverage", "exclusion_error", "inclusion_error", "disbursement_rate")]
    counts = [_label(m, lang) for m in ("eligible_families", "eligible_covered", "recipients")] + [ui.tr("ringkasan.col.ineligible")]
    styled = table.style.format({
        **{c: (lambda v: fmt.pct(v, lang)) for c in rates},
        **{c: (lambda v: fmt.number(v, lang)) for c in counts},
    })
    st.dataframe(styled, hide_index=True, width="stretch")


def render() -> None:
    f = ui.filters()
    lang = ui.lang()
    if not f.has_period:
        ui.show_rule(f)
        ui.empty_state("empty.no_allocations")
        return
    if not f.regions:
        ui.empty_state("empty.no_match")
        return
    totals = ui.q("ringkasan_totals", **f.params("as_of", "basis", "program", "regions"))
    current = totals[(totals["year"] == f.year) & (totals["tranche"] == f.tranche)] if not totals.empty else totals
    if current.empty:
        ui.empty_state("empty.no_match")
        return
    row = current.iloc[0]
    regions = ui.q("region_indicators", **f.params("as_of", "basis", "program", "year", "tranche", "province", "regions"))
    registration = ui.q("ringkasan_registration_totals", **f.params("as_of", "regions"))
    history = totals[totals["period_index"] <= row["period_index"]]

    context = dict(program=f.program, period=ui.period_label(f.year, f.tranche), scope=narrative.scope_label(row, regions, lang))
    if f.as_of:
        st.markdown(ui.tr("ringkasan.context", snapshot=fmt.day(f.as_of, lang), **context))
    else:
        st.markdown(ui.tr("ringkasan.context.no_register", **context))
    ui.show_rule(f)
    tiles(f, row, history, registration, lang)

    with st.container(border=True):
        st.markdown(f"**{ui.tr('ringkasan.highlights')}**")
        sentences = narrative.overview(
            current, regions, lang, program=f.program, basis=f.basis,
            target=settings.get_float("target_2026"), target_next=settings.get_float("target_next"),
            min_families=settings.get_int("min_families"),
        )
        st.markdown("\n".join(f"- {sentence}" for sentence in sentences))

    left, right = st.columns(2, gap="medium")
    with left:
        st.subheader(ui.tr("ringkasan.trend.heading"))
        trend_chart(f, totals, lang)
    with right:
        st.subheader(ui.tr("ringkasan.map.heading"))
        region_map(f, regions, lang)

    # Content of a folded section runs only once it is opened (see ui.folded).
    with (table := ui.folded(ui.tr("ringkasan.table.heading"), "rk_table")):
        if table.open:
            region_table(regions, lang)
    ui.small_n_note()


meta = ui.page_header("nav.ringkasan", "ringkasan.intro")
if ui.has_data(meta):
    render()
