"""Pendaftaran & Sanggah: the registration funnel.

New registrations → by channel → decided → layak / tidak layak → appeals →
eligible in the end (final layak) → recipient of the chosen programme in the tranche → paid.
Every count and rate comes from queries/funnel.sql (per region) and
queries/pendaftaran_*.sql (totals, channels); regions without
registration data are named and left out, never shown as zeros.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bansos import fmt, settings, ui
from bansos.charts import registration
from bansos.indicators import BY_ID
from bansos.ui import tables, words

STEP_BASES = ("new_registrations", "decided", "tidak_layak", "appealed", "final_layak", "recipients")


def _flag(text: str, small) -> str:
    return f"{text} ⚠" if bool(small) else text


def _step_tile(label: str, row, indicator_id: str | None = None, help: str | None = None) -> None:
    lang = ui.lang()
    ui.tile(label, _flag(fmt.pct(row.rate, lang), row.small),
            help=help or BY_ID[indicator_id].description(lang), caption=ui.ratio_caption(row.families, row.base_families))


def tiles(by_step: pd.DataFrame, channels_total: pd.DataFrame, program: str, period: str, lang: str) -> None:
    """The five tiles; `by_step`: pendaftaran_steps indexed by step."""
    self_row = channels_total[channels_total["channel"] == "mandiri"]
    columns = st.columns(5)
    with columns[0]:
        ui.tile(ui.tr("pendaftaran.tile.new"), fmt.number(by_step.loc["new_registrations"].families, lang),
                caption=ui.tr("pendaftaran.tile.new.caption"))
    with columns[1]:
        if self_row.empty:
            ui.tile(ui.tr("pendaftaran.tile.self"), fmt.EMPTY)
        else:
            row = self_row.iloc[0]
            ui.tile(ui.tr("pendaftaran.tile.self"), _flag(fmt.pct(row.share, lang), row.small),
                    help=BY_ID["self_registered_share"].description(lang), caption=ui.ratio_caption(row.families, row.new_registrations))
    with columns[2]:
        _step_tile(ui.tr("pendaftaran.tile.layak"), by_step.loc["layak"], "layak_rate")
    with columns[3]:
        _step_tile(ui.tr("pendaftaran.tile.upheld"), by_step.loc["upheld"], "upheld_rate")
    with columns[4]:
        _step_tile(ui.tr("pendaftaran.tile.received", program=program), by_step.loc["recipients"],
                   help=ui.tr("pendaftaran.tile.received.help", program=program, period=period))


def funnel(steps: pd.DataFrame, program: str, period: str, lang: str) -> None:
    frame = steps.assign(
        label=[ui.tr(f"pendaftaran.step.{step}", program=program) if step == "recipients" else ui.tr(f"pendaftaran.step.{step}")
               for step in steps["step"]],
        base_label=[ui.tr(f"pendaftaran.base.{base}") if base in STEP_BASES else None for base in steps["base_step"]],
    )
    ui.chart(registration.funnel_chart(frame, lang, ui.tr("pendaftaran.funnel.title", program=program, period=period),
                                       ui.tr("pendaftaran.funnel.x"), ui.tr("word.of")), key="pd_funnel_chart", data=steps)
    st.caption(ui.tr("pendaftaran.funnel.read"))


def channels_section(channels: pd.DataFrame, lang: str) -> None:
    st.subheader(ui.tr("pendaftaran.channels.heading"))
    all_label = ui.tr("pendaftaran.channels.all")
    frame = channels.assign(label=[
        _flag(all_label if bool(total) else fmt.region_short(name), small)
        for total, name, small in zip(channels["is_total"], channels["region_name"], channels["small"])
    ])
    ui.chart(registration.channel_share_chart(
        frame, lang, ui.tr("pendaftaran.channels.title"), ui.tr("pendaftaran.channels.x"),
        {c: ui.tr(f"pendaftaran.channel.{c}") for c in registration.CHANNEL_COLOURS}, ui.tr("pendaftaran.channels.hover"),
        reference=(0.30, ui.tr("pendaftaran.channels.reference")),
    ), key="pd_channel_chart", data=channels)
    st.caption(ui.tr("pendaftaran.channels.read"))
    total = frame[frame["is_total"].astype(bool)]
    if not total.empty:
        row = total.iloc[0]
        key = "pendaftaran.register_apart" if row.channel_blank else "pendaftaran.register_apart.dtsen"
        st.caption(ui.tr(key, dtsen=fmt.number(row.channel_dtsen, lang), blank=fmt.number(row.channel_blank, lang)))


def appeals(with_data: pd.DataFrame, lang: str, min_families: int) -> None:
    st.subheader(ui.tr("pendaftaran.appeals.heading"))
    appealing = with_data[with_data["appealed"] > 0].sort_values("appealed", ascending=False)
    if appealing.empty:
        ui.empty_state("pendaftaran.appeals.none")
        return
    frame = appealing.assign(label=[_flag(fmt.region_short(name), n < min_families)
                                    for name, n in zip(appealing["region_name"], appealing["appealed"])])
    ui.chart(registration.appeals_chart(
        frame, lang, ui.tr("pendaftaran.appeals.title"), ui.tr("pendaftaran.appeals.x"),
        {"appealed": ui.tr("pendaftaran.appeals.appealed"), "upheld": ui.tr("pendaftaran.appeals.upheld"),
         "appeal_rejected": ui.tr("pendaftaran.appeals.rejected")},
        ui.tr("pendaftaran.appeals.hover"),
    ), key="pd_appeals_chart", data=appealing[["region_code", "region_name", "appealed", "upheld", "appeal_rejected"]])
    st.caption(ui.tr("pendaftaran.appeals.read", n=min_families))


def region_table(with_data: pd.DataFrame, program: str, period: str, min_families: int) -> None:
    """One row per region: every step's count, and each rate beside the
    count it rests on (⚠ when its base is under the small-number threshold)."""
    st.subheader(ui.tr("pendaftaran.table.heading"))
    frame = with_data.assign(
        region=[_flag(fmt.region_short(n), c < min_families) for n, c in zip(with_data.region_name, with_data.new_registrations)],
        snapshot=pd.to_datetime(with_data.register_snapshot).dt.date,
        small_new=with_data.new_registrations < min_families, small_decided=with_data.decided < min_families,
        small_appealed=with_data.appealed < min_families,
    )

    def count(name: str, key: str, **values) -> ui.Col:
        return ui.Col(name, ui.tr(key, **values), "int")

    ui.table(frame, [
        tables.text("region", "pendaftaran.col.region", pinned=True),
        ui.Col("snapshot", ui.tr("pendaftaran.col.snapshot"), "date"),
        count("new_registrations", "pendaftaran.col.new"),
        ui.Col("self_registered_share", ui.tr("pendaftaran.col.self"), "pct", small="small_new"),
        count("channel_mandiri", "pendaftaran.col.self_n"), count("decided", "pendaftaran.col.decided"),
        ui.Col("layak_rate", ui.tr("pendaftaran.col.layak"), "pct", small="small_decided"),
        count("layak", "pendaftaran.col.layak_n"), count("tidak_layak", "pendaftaran.col.tidak_layak"),
        count("appealed", "pendaftaran.col.appealed"),
        ui.Col("upheld_rate", ui.tr("pendaftaran.col.upheld"), "pct", small="small_appealed"),
        count("upheld", "pendaftaran.col.upheld_n"), count("appeal_rejected", "pendaftaran.col.rejected"),
        count("final_layak", "pendaftaran.col.final_layak"), count("recipients", "pendaftaran.col.recipients", program=program),
        count("paid", "pendaftaran.col.paid"),
    ], key="pd_region_table", download=f"{ui.tr('nav.pendaftaran')} · {program} · {period}")
    st.caption(ui.tr("pendaftaran.table.caption"))


def render(f: ui.Filters) -> None:
    lang = ui.lang()
    period = ui.period_label(f.year, f.tranche) if f.has_period else fmt.EMPTY
    program = f.program or fmt.EMPTY
    st.caption(ui.tr("pendaftaran.scope", snapshot=fmt.day(f.as_of, lang), program=program, period=period))
    params = f.params("as_of", "program", "year", "tranche", "province", "regions")
    regions, steps, channels = ui.safe_many(
        ("funnel", params), ("pendaftaran_steps", params),
        ("pendaftaran_channels", f.params("as_of", "province", "regions")),
    )
    if regions is None or steps is None or channels is None or ui.nothing(regions, "empty.no_register"):
        return
    # A register without any new registration holds no registration data
    # (a DTSEN-only snapshot): such regions are named, never shown as zeros.
    with_data = regions[regions["new_registrations"] > 0]
    without = regions[regions["new_registrations"] == 0]
    if with_data.empty:
        ui.notice(words.no_registration_data(f))
        st.caption(ui.tr("pendaftaran.without", regions=", ".join(without["region_name"])))
        return
    by_step = steps.set_index("step")
    tiles(by_step, channels[channels["is_total"].astype(bool)], program, period, lang)
    if len(with_data) == 1:
        st.caption(ui.tr("pendaftaran.region_used", region=with_data["region_name"].iloc[0]))
    else:
        st.caption(ui.tr("pendaftaran.regions_used", n=fmt.number(steps["regions"].iloc[0], lang)))
    if f.has_period and by_step.loc["recipients"].families == 0:
        later = [p for p in f.periods if p > (f.year, f.tranche)]
        st.caption(ui.tr("pendaftaran.none_received", program=program, period=period, snapshot=fmt.day(f.as_of, lang))
                   + (" " + ui.tr("pendaftaran.none_received.later") if later else ""))
    funnel(steps, program, period, lang)
    channels_section(channels, lang)
    min_families = settings.get_int("min_families")
    appeals(with_data, lang, min_families)
    region_table(with_data, program, period, min_families)
    if not without.empty:
        st.caption(ui.tr("pendaftaran.without", regions=", ".join(without["region_name"])))
    ui.small_n_note()


if (filters := ui.start("nav.pendaftaran", "pendaftaran.intro", rule=False, period=False)) is not None:
    render(filters)
