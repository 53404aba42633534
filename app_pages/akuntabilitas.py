"""Akuntabilitas (accountability): the leakage signals of the regions in view
for the chosen tranche — tiles with the change against the previous tranche,
a trend per 1,000 recipients, a region ranking, and for the roles allowed
(analysts within their regions, the local user) the pseudonymised family keys
behind each count, downloadable through the export path.

Numbers come from queries/ (signals_by_period, signals_by_region,
signal_families); what each signal means from bansos/signals.py.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bansos import export, fmt, narrative, settings, signals, ui
from bansos.charts import signals as signal_charts
from bansos.ui import tables

KEYS_SHOWN = 500
TILES_PER_ROW = 3
DOWNLOADS = (("download.csv", "csv", "text/csv"),
             ("download.xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))


def _label(signal_id: str, language: str | None = None) -> str:
    return signals.BY_ID[signal_id].label(language or ui.lang())


def _benefit(program: str):
    programs = ui.q("programs")
    row = programs[programs.code == program]
    return None if row.empty else row.benefit_per_tranche.iloc[0]


def context(f: ui.Filters, by_region: pd.DataFrame, totals: pd.DataFrame, lang: str) -> None:
    current = f.shown_tranche(totals)
    regions = by_region.drop_duplicates("region_code")
    scope = narrative.scope_label(current.iloc[0], regions, lang) if not current.empty else fmt.EMPTY
    values = dict(program=f.program, period=ui.period_label(f.year, f.tranche), scope=scope)
    if f.as_of:
        st.markdown(ui.tr("akuntabilitas.context", snapshot=fmt.day(f.as_of, lang), **values))
    else:
        st.markdown(ui.tr("akuntabilitas.context.no_register", **values))


def tiles(f: ui.Filters, current: pd.DataFrame, lang: str) -> None:
    st.markdown(f"**{ui.tr('akuntabilitas.tiles')}**")
    by_signal = {row.signal: row for _, row in current.iterrows()}
    # Three to a row: five in one row cut the signals' names off.
    columns = [column for _ in range(0, len(signals.IDS), TILES_PER_ROW) for column in st.columns(TILES_PER_ROW)]
    for column, signal_id in zip(columns, signals.IDS):
        record = signals.BY_ID[signal_id]
        with column:
            row = by_signal.get(signal_id)
            if row is None:  # amount_mismatch for a programme without a benefit amount
                ui.tile(record.label(lang), fmt.EMPTY, help=record.description(lang),
                        caption=ui.tr("akuntabilitas.tile.no_benefit", program=f.program))
                continue
            if fmt.is_missing(row["count"]):
                caption = ui.tr("akuntabilitas.tile.no_register")
            else:
                caption = ui.tr("akuntabilitas.tile.rate", rate=signal_charts.per_1000(row["per_1000"], lang),
                                recipients=fmt.number(row["recipients"], lang))
            if record.companion:
                companion = row.get(signals.COMPANION)
                caption += " · " + (ui.tr("akuntabilitas.tile.companion.none") if fmt.is_missing(companion) else
                                    ui.tr("akuntabilitas.tile.companion", n=fmt.number(companion, lang), program=f.program))
            ui.count_tile(record.label(lang), row["count"], row.get("count_change"), row, caption, record.description(lang))
    st.caption(ui.tr("akuntabilitas.read"))


def trend(f: ui.Filters, by_period: pd.DataFrame, lang: str) -> None:
    st.subheader(ui.tr("akuntabilitas.trend.heading"))
    fig = signal_charts.trend(
        by_period, lang, title=ui.tr("akuntabilitas.trend.title", program=f.program), x_title=ui.tr("word.period"),
        y_title=ui.tr("akuntabilitas.trend.y"), labels={s: _label(s, lang) for s in signals.IDS},
        hover=ui.tr("akuntabilitas.trend.hover"), selected=(f.year, f.tranche),
    )
    ui.chart(fig, key="ak_trend_chart",
             data=by_period[["program", "year", "tranche", "signal", "count", "recipients", "per_1000"]])


def pick_signal() -> str:
    return ui.choice(st.segmented_control, "akuntabilitas.rank.signal", signals.IDS, "ak_signal",
                     lambda code, language: _label(code, language))


def ranking(f: ui.Filters, by_region: pd.DataFrame, signal_id: str, lang: str) -> None:
    st.subheader(ui.tr("akuntabilitas.rank.heading"))
    mine = by_region[by_region.signal == signal_id]
    if not signals.applies(signal_id, _benefit(f.program)):
        ui.empty_state("akuntabilitas.rank.not_applicable", program=f.program)
        return
    if mine.empty or mine["per_1000"].isna().all():
        ui.empty_state("akuntabilitas.rank.none")
        return
    if mine["count"].fillna(0).eq(0).all():  # a ranking of zeros says nothing
        ui.empty_state("akuntabilitas.rank.zero", signal=_label(signal_id, lang))
        return
    min_n = settings.get_int("min_families")
    labels = {"small_flag": "⚠", "hover": ui.tr("akuntabilitas.rank.hover"), "unranked": ui.tr("akuntabilitas.rank.unranked")}
    title = ui.tr("akuntabilitas.rank.title", signal=_label(signal_id, lang), period=ui.period_label(f.year, f.tranche, short=True))
    ui.chart(signal_charts.ranking(mine, lang, title=title, x_title=ui.tr("akuntabilitas.rank.x"), labels=labels),
             key="ak_rank_chart", data=mine[["region_code", "region_name", "program", "year", "tranche", "signal", "count",
                                             "recipients", "per_1000", "rank"]])
    st.caption(ui.tr("akuntabilitas.rank.read", n=min_n))
    ordered = mine.assign(ranked=mine["rank"].notna()).sort_values(["ranked", "rank", "per_1000"], ascending=[False, True, False])
    columns = [ui.Col("rank", ui.tr("akuntabilitas.col.rank"), "num", pinned=True),
               tables.region(), tables.text("group", "akuntabilitas.col.group"),
               ui.Col("count", ui.tr("akuntabilitas.col.count"), "int"), tables.indicator("recipients", small=False),
               ui.Col("per_1000", ui.tr("akuntabilitas.col.per_1000"), "dec1", small="small")]
    if signals.BY_ID[signal_id].companion:
        columns.append(ui.Col(signals.COMPANION, ui.tr("akuntabilitas.col.companion"), "int"))
    ui.table(tables.with_group(ordered), columns, key="ak_rank_table")


def _build(filters: export.ExportFilters, file_format: str, lang: str):
    # Runs on click with the runner of the family_export right (its regions only).
    def build(runner) -> tuple[bytes, int]:
        collected = export.collect("signal-families", filters, runner)
        return export.render(collected, file_format, lang), len(collected.frame)

    return build


def keys_call(f: ui.Filters, signal_id: str) -> ui.Call | None:
    """The family list's query, under the family_export right (its regions
    only); None for a role without the right."""
    if not ui.can("family_export"):
        return None
    return ("signal_families", {"as_of": f.as_of, "signal": signal_id, "program": f.program, "year": f.year,
                                "tranche": f.tranche, "province": None, "regions": _allowed(f)}, "family_export")


def _allowed(f: ui.Filters) -> list[str]:
    reach = ui.scope("family_export")
    return [code for code in f.regions if reach is None or code in reach]


def family_keys(f: ui.Filters, signal_id: str, lang: str, mine: pd.DataFrame | None) -> None:
    st.subheader(ui.tr("akuntabilitas.keys.heading"))
    if not ui.can("family_export"):
        st.caption(ui.tr("akuntabilitas.keys.only_analysts"))
        return
    allowed = _allowed(f)
    st.caption(ui.tr("akuntabilitas.keys.about"))
    if ui.failed(mine):
        return
    if not signals.applies(signal_id, _benefit(f.program)):
        ui.empty_state("akuntabilitas.rank.not_applicable", program=f.program)  # not "no family"
    elif mine.empty:
        ui.empty_state("akuntabilitas.keys.none")
    else:
        families = mine.family_key.nunique()
        text = ui.tr("akuntabilitas.keys.count", n=fmt.number(families, lang), signal=_label(signal_id, lang),
                     regions=fmt.number(mine.region_code.nunique(), lang), period=ui.period_label(f.year, f.tranche))
        if families < len(mine):
            text += " " + ui.tr("akuntabilitas.keys.count.twice", rows=fmt.number(len(mine), lang))
        st.markdown(text)
        ui.table(mine.head(KEYS_SHOWN), [tables.region(),
                                         tables.text("family_key", "akuntabilitas.col.family_key")], key="ak_keys_table")
        if len(mine) > KEYS_SHOWN:
            st.caption(ui.tr("akuntabilitas.keys.shown", shown=fmt.number(KEYS_SHOWN, lang)))
    filters = export.ExportFilters(regions=allowed, program=f.program, year=f.year, tranche=f.tranche, snapshot=f.as_of,
                                   basis=f.basis)
    for column, (label, file_format, mime) in zip(st.columns(len(DOWNLOADS) + 2), DOWNLOADS):
        ui.download(ui.tr(label), _build(filters, file_format, lang), key=f"ak_dl_{file_format}",
                    file_name=export.file_name("signal-families", filters, file_format), table="signal-families",
                    file_format=file_format, filters=export.export_filter_dict(filters), right="family_export",
                    mime=mime, container=column, width="stretch")
    st.caption(ui.tr("akuntabilitas.keys.download"))


def render(f: ui.Filters) -> None:
    lang = ui.lang()
    # The signal picker (above the ranking) is drawn first, so that the family
    # list it chooses is asked with the page's other queries, at once.
    top = st.container()
    rest_slot = st.empty()
    rest = rest_slot.container()
    with rest:
        signal_id = pick_signal()
    keys = keys_call(f, signal_id)
    by_region, by_period, totals, *mine = ui.safe_many(
        ("signals_by_region", f.params("as_of", "basis", "program", "year", "tranche", "province", "regions")),
        ("signals_by_period", f.params("as_of", "basis", "program", "regions")),
        ui.totals_query(f),
        *([keys] if keys is not None else []),
        show=False,
    )
    with top:
        if ui.failed(by_region, by_period, totals):
            rest_slot.empty()
            return
        context(f, by_region, totals, lang)
        current = f.shown_tranche(by_period)
        if ui.nothing(current, "empty.no_match"):
            rest_slot.empty()  # nothing to rank: no picker either
            return
        tiles(f, current, lang)
        trend(f, by_period, lang)
    with rest:
        ranking(f, by_region, signal_id, lang)
        family_keys(f, signal_id, lang, mine[0] if mine else None)
        ui.small_n_note(of="recipients")


if (filters := ui.start("nav.akuntabilitas", "akuntabilitas.intro")) is not None:
    render(filters)
