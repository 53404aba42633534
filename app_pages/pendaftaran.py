"""Pendaftaran & Sanggah: the registration funnel of DESIGN §5.

New registrations → by channel → decided → layak / tidak layak → appeals →
final layak → recipient of the chosen programme in the tranche → paid.
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

STEP_BASES = ("new_registrations", "decided", "tidak_layak", "appealed", "final_layak", "recipients")


def _flag(text: str, small) -> str:
    return f"{text} ⚠" if bool(small) else text


def _rate_with_count(rate, count, lang: str, small=False) -> str:
    """`28,9% (168)`: a rate never stands without its numerator."""
    return _flag(f"{fmt.pct(rate, lang)} ({fmt.number(count, lang)})", small)


def _tiles(steps: pd.DataFrame, channels_total: pd.DataFrame, program: str, period: str, lang: str) -> None:
    by_step = steps.set_index("step")
    new = by_step.loc["new_registrations"]
    layak = by_step.loc["layak"]
    upheld = by_step.loc["upheld"]
    received = by_step.loc["recipients"]
    self_row = channels_total[channels_total["channel"] == "mandiri"]
    columns = st.columns(5)
    with columns[0]:
        ui.tile(ui.tr("pendaftaran.tile.new"), fmt.number(new.families, lang), caption=ui.tr("pendaftaran.tile.new.caption"))
    with columns[1]:
        if self_row.empty:
            ui.tile(ui.tr("pendaftaran.tile.self"), fmt.EMPTY)
        else:
            row = self_row.iloc[0]
            ui.tile(
                ui.tr("pendaftaran.tile.self"), _flag(fmt.pct(row.share, lang), row.small),
                help=BY_ID["self_registered_share"].description(lang),
                caption=ui.ratio_caption(row.families, row.new_registrations),
            )
    with columns[2]:
        ui.tile(
            ui.tr("pendaftaran.tile.layak"), _flag(fmt.pct(layak.rate, lang), layak.small),
            help=BY_ID["layak_rate"].description(lang),
            caption=ui.ratio_caption(layak.families, layak.base_families),
        )
    with columns[3]:
        ui.tile(
            ui.tr("pendaftaran.tile.upheld"), _flag(fmt.pct(upheld.rate, lang), upheld.small),
            help=BY_ID["upheld_rate"].description(lang),
            caption=ui.ratio_caption(upheld.families, upheld.base_families),
        )
    with columns[4]:
        ui.tile(
            ui.tr("pendaftaran.tile.received", program=program), _flag(fmt.pct(received.rate, lang), received.small),
            help=ui.tr("pendaftaran.tile.received.help", program=program, period=period),
            caption=ui.ratio_caption(received.families, received.base_families),
        )


def _funnel(steps: pd.DataFrame, program: str, period: str, lang: str) -> None:
    frame = steps.copy()
    frame["label"] = [
        ui.tr(f"pendaftaran.step.{step}", program=program) if step == "recipients" else ui.tr(f"pendaftaran.step.{step}")
        for step in frame["step"]
    ]
    frame["base_label"] = [ui.tr(f"pendaftaran.base.{base}") if base in STEP_BASES else None for base in frame["base_step"]]
    figure = registration.funnel_chart(
        frame, lang, ui.tr("pendaftaran.funnel.title", program=program, period=period),
        ui.tr("pendaftaran.funnel.x"), ui.tr("word.of"),
    )
    st.plotly_chart(figure, width="stretch", config={"displayModeBar": False})
    st.caption(ui.tr("pendaftaran.funnel.read"))


def _channels(channels: pd.DataFrame, lang: str) -> None:
    st.subheader(ui.tr("pendaftaran.channels.heading"))
    frame = channels.copy()
    all_label = ui.tr("pendaftaran.channels.all")
    frame["label"] = [
        _flag(all_label if bool(total) else registration.short_region_name(name), small)
        for total, name, small in zip(frame["is_total"], frame["region_name"], frame["small"])
    ]
    figure = registration.channel_share_chart(
        frame, lang, ui.tr("pendaftaran.channels.title"), ui.tr("pendaftaran.channels.x"),
        {c: ui.tr(f"pendaftaran.channel.{c}") for c in registration.CHANNEL_COLOURS},
        ui.tr("pendaftaran.channels.hover"),
        reference=(0.30, ui.tr("pendaftaran.channels.reference")),
    )
    st.plotly_chart(figure, width="stretch", config={"displayModeBar": False})
    st.caption(ui.tr("pendaftaran.channels.read"))
    total = frame[frame["is_total"].astype(bool)]
    if not total.empty:
        row = total.iloc[0]
        key = "pendaftaran.register_apart" if row.channel_blank else "pendaftaran.register_apart.dtsen"
        st.caption(ui.tr(key, dtsen=fmt.number(row.channel_dtsen, lang), blank=fmt.number(row.channel_blank, lang)))


def _small(count, min_families: int) -> bool:
    return bool(count < min_families)


def _appeals(with_data: pd.DataFrame, lang: str, min_families: int) -> None:
    st.subheader(ui.tr("pendaftaran.appeals.heading"))
    appealing = with_data[with_data["appealed"] > 0].sort_values("appealed", ascending=False)
    if appealing.empty:
        ui.empty_state("pendaftaran.appeals.none")
        return
    frame = appealing.copy()
    frame["label"] = [
        _flag(registration.short_region_name(name), _small(n, min_families))
        for name, n in zip(frame["region_name"], frame["appealed"])
    ]
    figure = registration.appeals_chart(
        frame, lang, ui.tr("pendaftaran.appeals.title"), ui.tr("pendaftaran.appeals.x"),
        {
            "appealed": ui.tr("pendaftaran.appeals.appealed"),
            "upheld": ui.tr("pendaftaran.appeals.upheld"),
            "appeal_rejected": ui.tr("pendaftaran.appeals.rejected"),
        },
        ui.tr("pendaftaran.appeals.hover"),
    )
    st.plotly_chart(figure, width="stretch", config={"displayModeBar": False})
    st.caption(ui.tr("pendaftaran.appeals.read"))


def _table(with_data: pd.DataFrame, program: str, lang: str, min_families: int) -> None:
    st.subheader(ui.tr("pendaftaran.table.heading"))
    rows = []
    for row in with_data.itertuples():
        rows.append({
            ui.tr("pendaftaran.col.region"): _flag(row.region_name, _small(row.new_registrations, min_families)),
            ui.tr("pendaftaran.col.snapshot"): fmt.day(row.register_snapshot, lang),
            ui.tr("pendaftaran.col.new"): fmt.number(row.new_registrations, lang),
            ui.tr("pendaftaran.col.self"): _rate_with_count(
                row.self_registered_share, row.channel_mandiri, lang, _small(row.new_registrations, min_families)
            ),
            ui.tr("pendaftaran.col.decided"): fmt.number(row.decided, lang),
            ui.tr("pendaftaran.col.layak"): _rate_with_count(row.layak_rate, row.layak, lang, _small(row.decided, min_families)),
            ui.tr("pendaftaran.col.tidak_layak"): fmt.number(row.tidak_layak, lang),
            ui.tr("pendaftaran.col.appealed"): fmt.number(row.appealed, lang),
            ui.tr("pendaftaran.col.upheld"): _rate_with_count(row.upheld_rate, row.upheld, lang, _small(row.appealed, min_families)),
            ui.tr("pendaftaran.col.rejected"): fmt.number(row.appeal_rejected, lang),
            ui.tr("pendaftaran.col.final_layak"): fmt.number(row.final_layak, lang),
            ui.tr("pendaftaran.col.recipients", program=program): fmt.number(row.recipients, lang),
            ui.tr("pendaftaran.col.paid"): fmt.number(row.paid, lang),
        })
    region = ui.tr("pendaftaran.col.region")
    st.dataframe(
        pd.DataFrame(rows), hide_index=True, width="stretch", height="content",
        column_config={region: st.column_config.TextColumn(region, pinned=True)},
    )
    st.caption(ui.tr("pendaftaran.table.caption"))


def main() -> None:
    meta = ui.page_header("nav.pendaftaran", "pendaftaran.intro")
    if not ui.has_data(meta):
        return
    f = ui.filters()
    lang = ui.lang()
    if not f.regions:
        ui.empty_state("empty.no_regions")
        return
    period = ui.period_label(f.year, f.tranche) if f.has_period else fmt.EMPTY
    program = f.program or fmt.EMPTY
    snapshot = fmt.day(f.as_of, lang) if f.as_of else fmt.EMPTY
    st.caption(ui.tr("pendaftaran.scope", snapshot=snapshot, program=program, period=period))

    params = f.params("as_of", "program", "year", "tranche", "province", "regions")
    regions = ui.safe_query("funnel", **params)
    steps = ui.safe_query("pendaftaran_steps", **params)
    channels = ui.safe_query("pendaftaran_channels", **f.params("as_of", "province", "regions"))
    if regions is None or steps is None or channels is None:
        return
    if regions.empty:
        ui.empty_state("empty.no_register")
        return
    # A register without any new registration holds no registration data
    # (a DTSEN-only snapshot): such regions are named, never shown as zeros.
    with_data = regions[regions["new_registrations"] > 0]
    without = regions[regions["new_registrations"] == 0]
    if with_data.empty:
        ui.empty_state("pendaftaran.none")
        st.caption(ui.tr("pendaftaran.without", regions=", ".join(without["region_name"])))
        return

    _tiles(steps, channels[channels["is_total"].astype(bool)], program, period, lang)
    st.caption(ui.tr("pendaftaran.regions_used", n=fmt.number(steps["regions"].iloc[0], lang)))
    _funnel(steps, program, period, lang)
    _channels(channels, lang)
    min_families = settings.get_int("min_families")
    _appeals(with_data, lang, min_families)
    _table(with_data, program, lang, min_families)
    if not without.empty:
        st.caption(ui.tr("pendaftaran.without", regions=", ".join(without["region_name"])))
    ui.small_n_note()


main()
