"""Cakupan & Penyaluran (coverage and disbursement): of the families who
should get a programme, how many do; of the money allocated, how much was
paid, on time, by which channel; and down to the kecamatan of one region."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bansos import fmt, narrative, settings, ui
from bansos.charts import coverage
from bansos.ui import kecamatan, tables

STATUSES = ("tersalur", "gagal", "retur", "proses")
AMOUNTS = ("allocated_amount", "disbursed_amount")


def tiles(row: pd.Series, lang: str, days: int) -> None:
    if fmt.is_missing(row.get("coverage")):
        coverage_caption = ui.tr("cakupan.tile.no_register" if fmt.is_missing(row.get("eligible_families")) else "cakupan.tile.no_eligible")
    else:
        coverage_caption = ui.ratio_caption(row["eligible_covered"], row["eligible_families"])
    amounts = ui.tr("cakupan.tile.amounts", paid=fmt.rupiah(row["disbursed_amount"], lang, compact=True),
                    allocated=fmt.rupiah(row["allocated_amount"], lang, compact=True))
    columns = st.columns(4)
    with columns[0]:
        ui.rate_tile("coverage", row, coverage_caption, small=bool(row.get("coverage_small")))
    with columns[1]:
        ui.rate_tile("disbursement_rate", row, amounts, label=ui.tr("cakupan.tile.paid_amount"))
    with columns[2]:
        ui.rate_tile("disbursement_rate_families", row, ui.ratio_caption(row["paid_families"], row["recipients"]),
                     label=ui.tr("cakupan.tile.paid_families"))
    with columns[3]:
        ui.rate_tile("timeliness", row, ui.ratio_caption(row["timely_families"], row["recipients"]),
                     label=ui.tr("cakupan.tile.timeliness", days=days), help=ui.tr("cakupan.tile.timeliness.help", days=days))


def pick_compared(f: ui.Filters) -> bool:
    """The region section's heading, and whether the comparison regions of
    the pilots in view are shown beside them (pilots only)."""
    st.subheader(ui.tr("cakupan.region.heading"))
    return f.group == "pilot" and ui.toggle("cakupan.region.with_comparison", "ck_compare",
                                            help=ui.tr("cakupan.region.with_comparison.help"))


def regions_compared(f: ui.Filters, extra: pd.DataFrame | None) -> list[str]:
    codes = list(f.regions)
    if extra is not None:
        codes += [c for c in dict.fromkeys(extra.get("comparison_code", [])) if c not in codes]
    return codes


def region_chart(f: ui.Filters, frame: pd.DataFrame, row: pd.Series, lang: str) -> None:
    min_n = settings.get_int("min_families")
    if not frame["coverage"].notna().any():
        ui.empty_state("empty.no_register")
        return
    ui.chart(coverage.coverage_by_region(
        frame, lang,
        title=ui.tr("cakupan.region.title", program=f.program, period=ui.period_label(f.year, f.tranche, short=True)),
        x_title=ui.tr("cakupan.region.x"), pilot_label=ui.tr("word.pilot"), comparison_label=ui.tr("word.comparison"),
        ratio_word=ui.tr("cakupan.region.ratio"), small_label=ui.tr("word.small_n", n=min_n),
        reference=row.get("coverage"),
        reference_label=ui.tr("cakupan.region.reference.pilots" if f.group == "pilot" else "cakupan.region.reference",
                              value=fmt.pct(row.get("coverage"), lang)),
    ), key="ck_region_chart", data=frame[["region_code", "region_name", "is_pilot", "eligible_covered", "eligible_families",
                                           "coverage", "coverage_small"]])
    st.caption(ui.tr("cakupan.region.note", n=min_n))
    names = list(frame.loc[frame["coverage"].isna(), "region_name"])
    if names:
        shown = ", ".join(names[:5]) + (ui.tr("cakupan.more", n=len(names) - 5) if len(names) > 5 else "")
        st.caption(ui.tr("cakupan.region.missing", names=shown))


def region_table(f: ui.Filters, frame: pd.DataFrame) -> None:
    ui.table(tables.with_group(frame), [
        tables.region(), tables.text("group", "cakupan.col.group"),
        *[tables.indicator(m) for m in ("eligible_families", "eligible_covered", "coverage", "recipients",
                                       "eligible_recipients", "not_in_register", *AMOUNTS, "disbursement_rate")],
    ], key="ck_region_table", download=f"{ui.tr('cakupan.region.heading')} · {f.program} · {ui.period_label(f.year, f.tranche, short=True)}")


def program_chart(f: ui.Filters, codes: list[str], lang: str) -> None:
    by_program = ui.q("region_indicators", as_of=f.as_of, basis=f.basis, program=None, year=f.year, tranche=f.tranche,
                      province=None, regions=codes)
    if ui.nothing(by_program, "empty.no_match"):
        return
    ui.chart(coverage.coverage_by_program(
        by_program, lang, title=ui.tr("cakupan.program.title", period=ui.period_label(f.year, f.tranche, short=True)),
        x_title=ui.tr("cakupan.program.x"), colour_title=ui.tr("cakupan.program.colour"),
        ratio_word=ui.tr("cakupan.region.ratio"), empty_text=fmt.EMPTY,
    ), key="ck_program_chart", data=by_program[["region_code", "region_name", "program", "eligible_covered",
                                                "eligible_families", "coverage"]])
    st.caption(ui.tr("cakupan.program.note"))


def region_section(f: ui.Filters, frame: pd.DataFrame, codes: list[str], row: pd.Series, lang: str) -> None:
    """The regions in view, with the comparison regions when asked for
    (`frame`: their rows), under `pick_compared`'s heading. The note on
    register dates is here, not above the tiles: it counts the regions drawn,
    comparison regions included, and the tiles sum the regions in view only."""
    ui.registers_note(f, frame)
    # Only the open tab's content runs (switching tabs reruns the page).
    chart_tab, table_tab, program_tab = st.tabs([
        ui.tr("cakupan.region.tab.chart"), ui.tr("cakupan.region.tab.table"), ui.tr("cakupan.region.tab.program"),
    ], key="ck_region_tab", on_change="rerun")
    with chart_tab:
        if chart_tab.open:
            region_chart(f, frame, row, lang)
    with table_tab:
        if table_tab.open:
            region_table(f, frame)
    with program_tab:
        if program_tab.open:
            program_chart(f, codes, lang)


def disbursement_section(f: ui.Filters, frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    st.subheader(ui.tr("cakupan.disb.heading"))
    if ui.nothing(frame, "empty.no_allocations"):
        return frame
    ui.chart(coverage.allocated_vs_paid(
        frame, lang, title=ui.tr("cakupan.disb.title", program=f.program), x_title=ui.tr("word.period"),
        y_title=ui.tr("cakupan.disb.y"), y2_title=ui.tr("cakupan.disb.y2"),
        allocated_label=ui.label("allocated_amount"), paid_label=ui.label("disbursed_amount"),
        rate_label=ui.label("disbursement_rate"), selected=(f.year, f.tranche),
    ), key="ck_disb_chart", data=frame)
    chosen = f.shown_tranche(frame)
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
            table = frame.assign(period=[ui.period_label(y, t, short=True) for y, t in zip(frame["year"], frame["tranche"])])
            ui.table(table, [
                tables.text("period", "word.period", pinned=True), tables.indicator("recipients", small=False),
                ui.Col("paid_families", ui.tr("cakupan.col.paid_families"), "int"),
                tables.indicator("disbursement_rate_families", small=False),
                *[tables.indicator(m, small=False) for m in (*AMOUNTS, "disbursement_rate")],
            ], key="ck_disb_table_grid", download=f"{ui.tr('cakupan.disb.table')} · {f.program}")
    return frame


def status_section(f: ui.Filters, frame: pd.DataFrame, lang: str) -> None:
    st.subheader(ui.tr("cakupan.status.heading"))
    if ui.nothing(frame, "empty.no_allocations"):
        return
    labels = {s: ui.tr(f"cakupan.status.{s}") for s in STATUSES}
    ui.chart(coverage.payment_status(
        frame, lang, title=ui.tr("cakupan.status.title", program=f.program), x_title=ui.tr("word.period"),
        y_title=ui.tr("cakupan.status.y"), status_labels=labels, ratio_word=ui.tr("cakupan.status.ratio"),
    ), key="ck_status_chart", data=frame)
    chosen = f.shown_tranche(frame).sort_values("status_order")
    if not chosen.empty:
        parts = "; ".join(
            ui.tr("cakupan.status.part", label=labels.get(s, s), share=fmt.pct(v, lang), n=fmt.number(n, lang))
            for s, v, n in zip(chosen["status"], chosen["share"], chosen["families"])
        )
        st.caption(ui.tr("cakupan.status.caption", period=ui.period_label(f.year, f.tranche),
                         recipients=fmt.number(chosen["recipients"].iloc[0], lang), parts=parts))


def channel_section(f: ui.Filters, frame: pd.DataFrame, lang: str) -> None:
    st.subheader(ui.tr("cakupan.channel.heading"))
    paid = frame[frame["disbursed_amount"].fillna(0) > 0] if not frame.empty else frame
    if ui.nothing(paid, "cakupan.channel.none"):
        return
    ui.chart(coverage.channel_mix(
        paid, lang, title=ui.tr("cakupan.channel.title", period=ui.period_label(f.year, f.tranche, short=True)),
        x_title=ui.tr("cakupan.channel.x"), unknown_label=ui.tr("cakupan.channel.unknown"),
        ratio_word=ui.tr("cakupan.channel.ratio"),
    ), key="ck_channel_chart", data=paid)
    st.caption(ui.tr("cakupan.channel.caption"))


def timeliness_section(f: ui.Filters, frame: pd.DataFrame, lang: str, days: int) -> None:
    st.subheader(ui.tr("cakupan.time.heading"))
    if ui.nothing(frame, "empty.no_allocations"):
        return
    ui.chart(coverage.timeliness(
        frame, lang, title=ui.tr("cakupan.time.title", program=f.program), x_title=ui.tr("word.period"),
        y_title=ui.tr("cakupan.time.y"), timely_label=ui.tr("cakupan.time.timely", days=days),
        paid_label=ui.tr("cakupan.time.paid"), ratio_word=ui.tr("cakupan.time.ratio"),
    ), key="ck_time_chart", data=frame[["year", "tranche", "recipients", "paid_families", "timely_families", "timeliness"]])
    st.caption(ui.tr("cakupan.time.note", days=days))


def render(f: ui.Filters) -> None:
    lang = ui.lang()
    days = settings.get_int("timely_days")
    # The pickers are drawn first, each in its section's place, and the
    # page's queries then run at once (ui.q_many). The region section reads
    # every region's row (the comparison regions are known only with them):
    # a region's row does not depend on which others are asked for, so the
    # same rows also name the view in the context line.
    context = st.empty()
    tiles_box = st.container()
    region_slot = st.empty()
    region_box = region_slot.container()
    with region_box:
        compare = pick_compared(f)
    rest_box = st.container()
    kec_slot = st.empty()
    kec_box = kec_slot.container()
    with kec_box:
        picked = kecamatan.pick(f)
    try:
        totals, by_tranche, status, channels, all_rows, by_kecamatan, *extra = ui.q_many(
            ui.totals_query(f),
            ("disbursement_by_tranche", dict(program=f.program, province=None, regions=list(f.regions))),
            ("cakupan_payment_status", dict(program=f.program, regions=list(f.regions))),
            ("channel_mix", dict(program=f.program, year=f.year, tranche=f.tranche, province=None, regions=list(f.regions))),
            ("region_indicators", dict(as_of=f.as_of, basis=f.basis, program=f.program, year=f.year, tranche=f.tranche,
                                       province=None, regions=None)),
            kecamatan.query(f, picked),
            *([("cakupan_comparison_regions", dict(pilots=list(f.regions)))] if compare else []),
        )
    except ui.PageDataError:  # the page's message alone (ui.guard), without pickers for what cannot be shown
        region_slot.empty()
        kec_slot.empty()
        raise
    if (found := ui.tranche_totals(f, totals)) is None:
        region_slot.empty()
        kec_slot.empty()
        return
    row = found[1].iloc[0]
    codes = regions_compared(f, extra[0] if extra else None)
    compared = all_rows[all_rows.region_code.isin(codes)].reset_index(drop=True) if not all_rows.empty else all_rows
    in_view = compared[compared.region_code.isin(f.regions)] if not compared.empty else compared
    context.markdown(ui.tr("cakupan.context", program=f.program, period=ui.period_label(f.year, f.tranche),
                           scope=narrative.scope_label(row, in_view, lang)))
    with tiles_box:
        tiles(row, lang, days)
    with region_box:
        region_section(f, compared, codes, row, lang)
    with rest_box:
        by_tranche = disbursement_section(f, by_tranche, lang)
        left, right = st.columns(2, gap="medium")
        with left:
            status_section(f, status, lang)
        with right:
            channel_section(f, channels, lang)
        timeliness_section(f, by_tranche, lang, days)
    with kec_box:
        kecamatan.section(f, lang, picked, by_kecamatan)
    ui.small_n_note()


if (filters := ui.start("nav.cakupan", "cakupan.intro")) is not None:
    render(filters)
