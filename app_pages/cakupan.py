"""Cakupan & Penyaluran (coverage and disbursement): of the families who
should get a programme, how many do; of the money allocated, how much was
paid, on time, by which channel; and down to the kecamatan of one region."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bansos import fmt, narrative, settings, ui
from bansos.charts import coverage, theme
from bansos.indicators import BY_ID

STATUSES = ("tersalur", "gagal", "retur", "proses")
KECAMATAN_METRICS = ("coverage", "disbursement_rate")
SAME = 0.0005  # a change that rounds to 0.0 pp shows grey, without an arrow




def _label(metric: str, lang: str) -> str:
    return BY_ID[metric].label(lang)


def _rate_tile(label: str, metric: str, row: pd.Series, lang: str, caption: str, help_text: str) -> None:
    change = row.get(f"{metric}_change")
    flat = not fmt.is_missing(change) and abs(change) < SAME
    previous = None
    if not fmt.is_missing(change) and not fmt.is_missing(row.get("prev_year")):
        previous = ui.tr("cakupan.tile.vs", period=ui.period_label(row["prev_year"], row["prev_tranche"], short=True))
    st.metric(
        label, fmt.pct(row.get(metric), lang),
        delta=None if fmt.is_missing(change) else fmt.pp(change, lang),
        delta_color="off" if flat else "normal", delta_arrow="off" if flat else "auto",
        delta_description=previous, help=help_text, border=True,
    )
    st.caption(caption)


def tiles(row: pd.Series, lang: str, days: int) -> None:
    columns = st.columns(4)
    with columns[0]:
        small = " ⚠" if bool(row.get("coverage_small")) and not fmt.is_missing(row.get("coverage")) else ""
        caption = ui.ratio_caption(row["eligible_covered"], row["eligible_families"]) + small
        if fmt.is_missing(row.get("coverage")):
            caption = ui.tr("cakupan.tile.no_register" if fmt.is_missing(row.get("eligible_families")) else "cakupan.tile.no_eligible")
        _rate_tile(_label("coverage", lang), "coverage", row, lang, caption, BY_ID["coverage"].description(lang))
    with columns[1]:
        _rate_tile(
            ui.tr("cakupan.tile.paid_amount"), "disbursement_rate", row, lang,
            ui.tr("cakupan.tile.amounts", paid=fmt.rupiah(row["disbursed_amount"], lang, compact=True),
                  allocated=fmt.rupiah(row["allocated_amount"], lang, compact=True)),
            BY_ID["disbursement_rate"].description(lang),
        )
    with columns[2]:
        _rate_tile(ui.tr("cakupan.tile.paid_families"), "disbursement_rate_families", row, lang,
                   ui.ratio_caption(row["paid_families"], row["recipients"]), BY_ID["disbursement_rate_families"].description(lang))
    with columns[3]:
        _rate_tile(ui.tr("cakupan.tile.timeliness", days=days), "timeliness", row, lang,
                   ui.ratio_caption(row["timely_families"], row["recipients"]), ui.tr("cakupan.tile.timeliness.help", days=days))


def _styled(table: pd.DataFrame, lang: str, rates=(), counts=(), money=()):
    return table.style.format({
        **{c: (lambda v: fmt.pct(v, lang)) for c in rates},
        **{c: (lambda v: fmt.number(v, lang)) for c in counts},
        **{c: (lambda v: fmt.rupiah(v, lang)) for c in money},
    })


def region_section(f: ui.Filters, row: pd.Series, lang: str) -> None:
    st.subheader(ui.tr("cakupan.region.heading"))
    codes = list(f.regions)
    if f.group == "pilot":
        with_comparison = st.toggle(
            ui.tr("cakupan.region.with_comparison"), value=True, key="ck_compare", bind="query-params",
            help=ui.tr("cakupan.region.with_comparison.help"),
        )
        if with_comparison:
            extra = ui.q("cakupan_comparison_regions", pilots=codes)
            codes += [c for c in dict.fromkeys(extra.get("comparison_code", [])) if c not in codes]
    period = ui.period_label(f.year, f.tranche, short=True)
    frame = ui.q("region_indicators", as_of=f.as_of, basis=f.basis, program=f.program, year=f.year, tranche=f.tranche,
                 province=None, regions=codes)
    min_n = settings.get_int("min_families")
    # Only the open tab's content runs (switching tabs reruns the page): the
    # table and the per-programme heatmap cost as much as the chart.
    chart_tab, table_tab, program_tab = st.tabs([
        ui.tr("cakupan.region.tab.chart"), ui.tr("cakupan.region.tab.table"), ui.tr("cakupan.region.tab.program"),
    ], key="ck_region_tab", on_change="rerun")
    with chart_tab:
        if chart_tab.open:
            if frame["coverage"].notna().any():
                fig = coverage.coverage_by_region(
                    frame, lang,
                    title=ui.tr("cakupan.region.title", program=f.program, period=period),
                    x_title=ui.tr("cakupan.region.x"),
                    pilot_label=ui.tr("word.pilot"), comparison_label=ui.tr("word.comparison"),
                    ratio_word=ui.tr("cakupan.region.ratio"), small_label=ui.tr("word.small_n", n=min_n),
                    reference=row.get("coverage"),
                    reference_label=ui.tr("cakupan.region.reference", value=fmt.pct(row.get("coverage"), lang)),
                )
                st.plotly_chart(fig, width="stretch", key="ck_region_chart")
                st.caption(ui.tr("cakupan.region.note", n=min_n))
            else:
                ui.empty_state("empty.no_register")
            missing = frame[frame["coverage"].isna()]
            if len(missing) and frame["coverage"].notna().any():
                names = list(missing["region_name"])
                shown = ", ".join(names[:5]) + (ui.tr("cakupan.more", n=len(names) - 5) if len(names) > 5 else "")
                st.caption(ui.tr("cakupan.region.missing", names=shown))
    with table_tab:
        if table_tab.open:
            small_word = ui.tr("word.small_n", n=min_n)
            table = pd.DataFrame({
                ui.tr("word.region"): frame["region_name"],
                ui.tr("cakupan.col.group"): [ui.tr("word.pilot") if p else ui.tr("word.comparison") for p in frame["is_pilot"]],
                _label("eligible_families", lang): frame["eligible_families"],
                _label("eligible_covered", lang): frame["eligible_covered"],
                _label("coverage", lang): frame["coverage"],
                _label("recipients", lang): frame["recipients"],
                _label("eligible_recipients", lang): frame["eligible_recipients"],
                _label("not_in_register", lang): frame["not_in_register"],
                _label("allocated_amount", lang): frame["allocated_amount"],
                _label("disbursed_amount", lang): frame["disbursed_amount"],
                _label("disbursement_rate", lang): frame["disbursement_rate"],
                ui.tr("cakupan.col.flag"): [small_word if s else "" for s in frame["coverage_small"].fillna(False)],
            })
            st.dataframe(
                _styled(table, lang,
                        rates=[_label("coverage", lang), _label("disbursement_rate", lang)],
                        counts=[_label(m, lang) for m in ("eligible_families", "eligible_covered", "recipients", "eligible_recipients", "not_in_register")],
                        money=[_label("allocated_amount", lang), _label("disbursed_amount", lang)]),
                hide_index=True, width="stretch",
            )
    with program_tab:
        if program_tab.open:
            by_program = ui.q("region_indicators", as_of=f.as_of, basis=f.basis, program=None, year=f.year, tranche=f.tranche,
                              province=None, regions=codes)
            if by_program.empty:
                ui.empty_state("empty.no_match")
            else:
                fig = coverage.coverage_by_program(
                    by_program, lang,
                    title=ui.tr("cakupan.program.title", period=period), x_title=ui.tr("cakupan.program.x"),
                    colour_title=ui.tr("cakupan.program.colour"), ratio_word=ui.tr("cakupan.region.ratio"),
                    empty_text=fmt.EMPTY,
                )
                st.plotly_chart(fig, width="stretch", key="ck_program_chart")
                st.caption(ui.tr("cakupan.program.note"))


def disbursement_section(f: ui.Filters, lang: str) -> pd.DataFrame:
    st.subheader(ui.tr("cakupan.disb.heading"))
    frame = ui.q("disbursement_by_tranche", program=f.program, province=None, regions=list(f.regions))
    if frame.empty:
        ui.empty_state("empty.no_allocations")
        return frame
    fig = coverage.allocated_vs_paid(
        frame, lang,
        title=ui.tr("cakupan.disb.title", program=f.program), x_title=ui.tr("word.period"),
        y_title=ui.tr("cakupan.disb.y"), y2_title=ui.tr("cakupan.disb.y2"),
        allocated_label=_label("allocated_amount", lang), paid_label=_label("disbursed_amount", lang),
        rate_label=_label("disbursement_rate", lang), selected=(f.year, f.tranche),
    )
    st.plotly_chart(fig, width="stretch", key="ck_disb_chart")
    chosen = frame[(frame["year"] == f.year) & (frame["tranche"] == f.tranche)]
    if not chosen.empty:
        item = chosen.iloc[0]
        st.caption(ui.tr(
            "cakupan.disb.caption", period=ui.period_label(f.year, f.tranche),
            paid=fmt.rupiah(item["disbursed_amount"], lang), allocated=fmt.rupiah(item["allocated_amount"], lang),
            rate=fmt.pct(item["disbursement_rate"], lang), families=fmt.number(item["paid_families"], lang),
            recipients=fmt.number(item["recipients"], lang), families_rate=fmt.pct(item["disbursement_rate_families"], lang),
        ))
    with (folded := ui.folded(ui.tr("cakupan.disb.table"), "ck_disb_table")):
        if folded.open:
            table = pd.DataFrame({
                ui.tr("word.period"): [ui.period_label(y, t, short=True) for y, t in zip(frame["year"], frame["tranche"])],
                _label("recipients", lang): frame["recipients"],
                ui.tr("cakupan.col.paid_families"): frame["paid_families"],
                _label("disbursement_rate_families", lang): frame["disbursement_rate_families"],
                _label("allocated_amount", lang): frame["allocated_amount"],
                _label("disbursed_amount", lang): frame["disbursed_amount"],
                _label("disbursement_rate", lang): frame["disbursement_rate"],
            })
            st.dataframe(
                _styled(table, lang, rates=[_label("disbursement_rate_families", lang), _label("disbursement_rate", lang)],
                        counts=[_label("recipients", lang), ui.tr("cakupan.col.paid_families")],
                        money=[_label("allocated_amount", lang), _label("disbursed_amount", lang)]),
                hide_index=True, width="stretch",
            )
    return frame


def status_section(f: ui.Filters, lang: str) -> None:
    st.subheader(ui.tr("cakupan.status.heading"))
    frame = ui.q("cakupan_payment_status", program=f.program, regions=list(f.regions))
    if frame.empty:
        ui.empty_state("empty.no_allocations")
        return
    labels = {s: ui.tr(f"cakupan.status.{s}") for s in STATUSES}
    fig = coverage.payment_status(
        frame, lang, title=ui.tr("cakupan.status.title", program=f.program), x_title=ui.tr("word.period"),
        y_title=ui.tr("cakupan.status.y"), status_labels=labels, ratio_word=ui.tr("cakupan.status.ratio"),
    )
    st.plotly_chart(fig, width="stretch", key="ck_status_chart")
    chosen = frame[(frame["year"] == f.year) & (frame["tranche"] == f.tranche)].sort_values("status_order")
    if not chosen.empty:
        parts = "; ".join(
            ui.tr("cakupan.status.part", label=labels.get(s, s), share=fmt.pct(v, lang), n=fmt.number(n, lang))
            for s, v, n in zip(chosen["status"], chosen["share"], chosen["families"])
        )
        st.caption(ui.tr("cakupan.status.caption", period=ui.period_label(f.year, f.tranche),
                         recipients=fmt.number(chosen["recipients"].iloc[0], lang), parts=parts))


def channel_section(f: ui.Filters, lang: str) -> None:
    st.subheader(ui.tr("cakupan.channel.heading"))
    frame = ui.q("channel_mix", program=f.program, year=f.year, tranche=f.tranche, province=None, regions=list(f.regions))
    paid = frame[frame["disbursed_amount"].fillna(0) > 0] if not frame.empty else frame
    if paid.empty:
        ui.empty_state("cakupan.channel.none")
        return
    fig = coverage.channel_mix(
        paid, lang, title=ui.tr("cakupan.channel.title", period=ui.period_label(f.year, f.tranche, short=True)),
        x_title=ui.tr("cakupan.channel.x"), unknown_label=ui.tr("cakupan.channel.unknown"),
        ratio_word=ui.tr("cakupan.channel.ratio"),
    )
    st.plotly_chart(fig, width="stretch", key="ck_channel_chart")
    st.caption(ui.tr("cakupan.channel.caption"))


def timeliness_section(f: ui.Filters, frame: pd.DataFrame, lang: str, days: int) -> None:
    st.subheader(ui.tr("cakupan.time.heading"))
    if frame.empty:
        ui.empty_state("empty.no_allocations")
        return
    fig = coverage.timeliness(
        frame, lang, title=ui.tr("cakupan.time.title", program=f.program), x_title=ui.tr("word.period"),
        y_title=ui.tr("cakupan.time.y"), timely_label=ui.tr("cakupan.time.timely", days=days),
        paid_label=ui.tr("cakupan.time.paid"), ratio_word=ui.tr("cakupan.time.ratio"),
    )
    st.plotly_chart(fig, width="stretch", key="ck_time_chart")
    st.caption(ui.tr("cakupan.time.note", days=days))


def kecamatan_section(f: ui.Filters, lang: str) -> None:
    st.subheader(ui.tr("cakupan.kec.heading"))
    options = ui.q("options_regions")
    names = dict(zip(options["region_code"], options["region_name"])) if not options.empty else {}
    pilots = set(options.loc[options["is_pilot"].astype(bool), "region_code"]) if not options.empty else set()
    left, right = st.columns([2, 1])
    with left:
        region = st.selectbox(
            ui.tr("cakupan.kec.region"), list(f.regions), key="ck_region", bind="query-params",
            format_func=lambda code: f"{names.get(code, code)} ({code})",
        )
    with right:
        chosen = st.segmented_control(
            ui.tr("cakupan.kec.metric"), KECAMATAN_METRICS, key="ck_kmetric", bind="query-params",
            default=KECAMATAN_METRICS[0], format_func=lambda m: BY_ID[m].label(lang),
        )
    metric = chosen if chosen in KECAMATAN_METRICS else KECAMATAN_METRICS[0]
    if region is None:
        return
    frame = ui.q("kecamatan_indicators", region=region, as_of=f.as_of, basis=f.basis, program=f.program,
                 year=f.year, tranche=f.tranche)
    if frame.empty:
        ui.empty_state("cakupan.kec.empty")
        return
    min_n = settings.get_int("min_families")
    null_label = ui.tr("cakupan.kec.null")
    region_name = names.get(region, region)
    if frame[metric].notna().any():
        fig = coverage.kecamatan_bars(
            frame, lang, metric=metric,
            title=ui.tr("cakupan.kec.title", metric=_label(metric, lang), region=region_name,
                        period=ui.period_label(f.year, f.tranche, short=True)),
            x_title=_label(metric, lang) + " (%)", null_label=null_label,
            ratio_word=ui.tr(f"cakupan.kec.ratio.{metric}"), small_label=ui.tr("word.small_n", n=min_n),
            colour=theme.PILOT if region in pilots else theme.COMPARISON,
        )
        st.plotly_chart(fig, width="stretch", key="ck_kec_chart")
    else:
        ui.empty_state("empty.no_register" if metric == "coverage" else "empty.no_allocations")
    if frame["kecamatan_code"].isna().any():
        st.caption(ui.tr("cakupan.kec.null_note"))
    small_word = ui.tr("word.small_n", n=min_n)
    table = pd.DataFrame({
        ui.tr("word.kecamatan"): [null_label if pd.isna(c) else (n if isinstance(n, str) and n else c)
                                  for c, n in zip(frame["kecamatan_code"], frame["kecamatan_name"])],
        ui.tr("cakupan.kec.code"): frame["kecamatan_code"].fillna(fmt.EMPTY),
        _label("eligible_families", lang): frame["eligible_families"],
        _label("eligible_covered", lang): frame["eligible_covered"],
        _label("coverage", lang): frame["coverage"],
        _label("recipients", lang): frame["recipients"],
        _label("eligible_recipients", lang): frame["eligible_recipients"],
        _label("inclusion_error", lang): frame["inclusion_error"],
        _label("allocated_amount", lang): frame["allocated_amount"],
        _label("disbursed_amount", lang): frame["disbursed_amount"],
        _label("disbursement_rate", lang): frame["disbursement_rate"],
        ui.tr("cakupan.col.flag"): [
            small_word if (c or i) else "" for c, i in zip(frame["coverage_small"].fillna(False), frame["inclusion_small"].fillna(False))
        ],
    })
    st.dataframe(
        _styled(table, lang,
                rates=[_label(m, lang) for m in ("coverage", "inclusion_error", "disbursement_rate")],
                counts=[_label(m, lang) for m in ("eligible_families", "eligible_covered", "recipients", "eligible_recipients")],
                money=[_label("allocated_amount", lang), _label("disbursed_amount", lang)]),
        hide_index=True, width="stretch",
    )


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
    days = settings.get_int("timely_days")
    regions_in_view = ui.q("region_indicators", **f.params("as_of", "basis", "program", "year", "tranche", "province", "regions"))
    st.markdown(ui.tr("cakupan.context", program=f.program, period=ui.period_label(f.year, f.tranche),
                      scope=narrative.scope_label(row, regions_in_view, lang)))
    ui.show_rule(f)
    tiles(row, lang, days)
    region_section(f, row, lang)
    by_tranche = disbursement_section(f, lang)
    left, right = st.columns(2, gap="medium")
    with left:
        status_section(f, lang)
    with right:
        channel_section(f, lang)
    timeliness_section(f, by_tranche, lang, days)
    kecamatan_section(f, lang)
    ui.small_n_note()


meta = ui.page_header("nav.cakupan", "cakupan.intro")
if ui.has_data(meta):
    render()
