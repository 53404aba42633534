"""Ringkasan (overview): the regions in view at a glance, for a governor on a
projector. Headline tiles with their change against the previous tranche,
sentences generated from the numbers, a trend with both error targets, a map,
and the region or province in view as a one-page PDF brief."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bansos import fmt, headline, i18n, narrative, settings, ui
from bansos.charts import maps, overview
from bansos.indicators import BY_ID
from bansos.ui import briefs, tables, words

MAP_METRICS = ("exclusion_error", "coverage", "inclusion_error", "disbursement_rate")
TREND_METRICS = ("coverage", "exclusion_error", "inclusion_error")



def targeting_tiles(row: pd.Series, history: pd.DataFrame, lang: str) -> None:
    # The captions are the brief's too (bansos/headline.py): one text for both.
    lines = headline.headlines(row, lang, min_families=settings.get_int("min_families"),
                               target=settings.get_float("target_2026"), target_next=settings.get_float("target_next"))
    st.markdown(f"**{ui.tr('ringkasan.tiles.targeting')}**")
    for column, line in zip(st.columns(len(lines)), lines):
        with column:
            ui.rate_tile(line.indicator, row, line.caption, small=line.small, history=history)


def volume_tiles(f: ui.Filters, row: pd.Series, registration: pd.DataFrame, lang: str) -> None:
    st.markdown(f"**{ui.tr('ringkasan.tiles.volume')}**")
    columns = st.columns(4)
    no_register = ui.tr("ringkasan.tile.no_register")
    with columns[0]:
        ui.count_tile(ui.tr("ringkasan.tile.regions"), row["regions"], None, row, ui.tr(
            "ringkasan.tile.regions.caption", pilots=int(row["pilot_regions"]), comparison=int(row["comparison_regions"])))
    with columns[1]:
        reg = registration.iloc[0] if not registration.empty else pd.Series(dtype=object)
        registered = reg.get("new_registrations")
        if fmt.is_missing(registered) or registered == 0:
            caption, registered = ui.tr("ringkasan.tile.registered.none"), None
        else:
            caption = ui.tr("ringkasan.tile.registered.caption", share=fmt.pct(reg.get("self_registered_share"), lang),
                            num=fmt.number(reg.get("channel_mandiri"), lang), den=fmt.number(registered, lang))
        help_text = ui.tr("ringkasan.tile.registered.help", snapshot=fmt.day(f.as_of, lang),
                          regions=int(reg.get("regions_with_registration", 0) or 0))
        ui.count_tile(ui.tr("ringkasan.tile.registered"), registered, None, row, caption, help_text)
    with columns[2]:
        with_register = int(row["regions_with_register"])
        ui.count_tile(ui.label("eligible_families"), row["eligible_families"], row.get("eligible_families_change"), row,
                      ui.tr("ringkasan.tile.eligible.caption", regions=with_register) if with_register else no_register,
                      BY_ID["eligible_families"].description(lang))
    with columns[3]:
        outside = row.get("not_in_register")
        ui.count_tile(ui.label("recipients"), row["recipients"], row.get("recipients_change"), row,
                      no_register if fmt.is_missing(outside) else ui.tr("ringkasan.tile.recipients.caption",
                                                                        n=fmt.number(outside, lang)),
                      BY_ID["recipients"].description(lang))


def highlights(f: ui.Filters, current: pd.DataFrame, regions: pd.DataFrame, lang: str) -> None:
    with st.container(border=True):
        st.markdown(f"**{ui.tr('ringkasan.highlights')}**")
        sentences = narrative.overview(
            current, regions, lang, program=f.program, basis=f.basis,
            target=settings.get_float("target_2026"), target_next=settings.get_float("target_next"),
            min_families=settings.get_int("min_families"),
        )
        st.markdown("\n".join(f"- {sentence}" for sentence in sentences))


def trend_chart(f: ui.Filters, totals: pd.DataFrame, lang: str) -> None:
    target, target_next = words.targets()
    labels = words.target_labels()
    fig = overview.trend(
        totals, lang,
        title=ui.tr("ringkasan.trend.title", program=f.program),
        x_title=ui.tr("word.period"), y_title=ui.tr("ringkasan.trend.y"),
        labels={m: ui.label(m) for m in TREND_METRICS},
        ratio_words={m: ui.tr(f"ringkasan.trend.ratio.{m}") for m in TREND_METRICS},
        target=target, target_next=target_next,
        target_label=labels["target_now"], target_next_label=labels["target_next"],
        small_label=ui.tr("word.small_n", n=settings.get_int("min_families")),
        selected=(f.year, f.tranche),
    )
    ui.chart(fig, key="rk_trend_chart", data=totals)
    st.caption(ui.tr("ringkasan.trend.note", target=fmt.pct(target, lang, 0), next=fmt.pct(target_next, lang, 0)))


def region_map(f: ui.Filters, regions: pd.DataFrame, lang: str) -> None:
    metric = ui.choice(st.segmented_control, "ringkasan.map.metric", MAP_METRICS, "rk_map",
                       lambda m, language: i18n.t(f"ringkasan.map.short.{m}", language))
    if regions.empty or regions[metric].isna().all():
        ui.empty_state("empty.no_register" if metric != "disbursement_rate" else "empty.no_allocations")
        return
    label = ui.label(metric)
    fig, used_boundaries = maps.region_map(
        regions, metric, label,
        ui.tr("ringkasan.map.title", metric=label, program=f.program, period=ui.period_label(f.year, f.tranche, short=True)),
        lang, geo_dir=settings.get("geo_dir"), value_format="pct",
    )
    ui.chart(overview.readable_map(fig, regions), key="rk_map_chart", data=regions[["region_code", "region_name", metric]])
    if used_boundaries:
        st.caption(ui.tr("ringkasan.map.choropleth"))
    elif f.province is None and regions["province_code"].nunique() > 1:
        st.caption(ui.tr("ringkasan.map.points_national"))
    else:
        st.caption(ui.tr("ringkasan.map.points_no_boundaries"))


def region_table(f: ui.Filters, regions: pd.DataFrame) -> None:
    ui.table(tables.with_group(regions), [
        tables.region(),
        tables.text("group", "filter.group"),
        tables.indicator("eligible_families"), tables.indicator("eligible_covered"),
        tables.indicator("coverage"), tables.indicator("exclusion_error"),
        tables.indicator("recipients"),
        ui.Col("ineligible_recipients", ui.tr("ringkasan.col.ineligible"), "int"),
        tables.indicator("inclusion_error"), tables.indicator("disbursement_rate"),
    ], key="rk_region_table", download=f"{ui.tr('ringkasan.table.heading')} · {f.program} · {ui.period_label(f.year, f.tranche, short=True)}")


def render(f: ui.Filters) -> None:
    lang = ui.lang()
    totals, regions, registration = ui.q_many(
        ui.totals_query(f),
        ("region_indicators", f.params("as_of", "basis", "program", "year", "tranche", "province", "regions")),
        ("ringkasan_registration_totals", f.params("as_of", "regions")),
    )
    if (found := ui.tranche_totals(f, totals)) is None:
        return
    totals, current = found
    row = current.iloc[0]
    context = dict(program=f.program, period=ui.period_label(f.year, f.tranche), scope=narrative.scope_label(row, regions, lang))
    if f.as_of:
        st.markdown(ui.tr("ringkasan.context", snapshot=fmt.day(f.as_of, lang), **context))
    else:
        st.markdown(ui.tr("ringkasan.context.no_register", **context))
    ui.registers_note(f, regions)
    targeting_tiles(row, totals[totals["period_index"] <= row["period_index"]], lang)
    volume_tiles(f, row, registration, lang)
    highlights(f, current, regions, lang)
    names = {**dict(zip(regions.region_code, regions.region_name)), **dict(zip(regions.province_code, regions.province_name))}
    briefs.download(f, names)  # the region or province in view as a one-page PDF
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
            region_table(f, regions)
    ui.small_n_note()


if (filters := ui.start("nav.ringkasan", "ringkasan.intro")) is not None:
    render(filters)
