"""Ketepatan Sasaran (targeting accuracy): who is left out and who should
not be there, per region, with every numerator and denominator; whether it
moved between two tranches; who receives by DTSEN decile; and the two
errors against each other and the targets.

Numbers come from queries/ (region_indicators, totals_by_period,
period_change, decile_distribution, register_decile, programs).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bansos import fmt, settings, ui
from bansos.charts import targeting
from bansos.indicators import BY_ID
from bansos.ui import tables, words



def _common_labels() -> dict:
    return {**words.target_labels(), "pilot": ui.tr("word.pilot"), "comparison": ui.tr("word.comparison"),
            "small_flag": ui.tr("word.small_n", n=settings.get_int("min_families"))}


def _with_group(frame: pd.DataFrame) -> pd.DataFrame:
    """Pilots first, then by province and region; the group in words."""
    return tables.with_group(frame.sort_values(["is_pilot", "province_code", "region_code"], ascending=[False, True, True]))


# -- sections -----------------------------------------------------------------------


def summary(f: ui.Filters, lang: str, regions: pd.DataFrame, totals: pd.DataFrame | None) -> None:
    """Headline tiles: the regions in view summed (numerators and
    denominators added, then divided, by the query)."""
    if ui.failed(totals):
        return
    now = f.shown_tranche(totals)
    if now.empty:
        return
    row = now.iloc[0]
    st.caption(ui.tr("sasaran.tiles.scope", regions=fmt.number(row.regions, lang),
                     with_register=fmt.number(int(regions.eligible_families.notna().sum()), lang)))
    cols = st.columns(4)
    with cols[0]:
        ui.rate_tile("exclusion_error", row, ui.tr("sasaran.tile.exclusion.caption", left_out=fmt.number(row.excluded_families, lang),
                     eligible=fmt.number(row.eligible_families, lang)), small=bool(row.coverage_small))
    with cols[1]:
        ui.rate_tile("inclusion_error", row, ui.tr(
            "sasaran.tile.inclusion.caption", ineligible=fmt.number(row.ineligible_recipients, lang),
            recipients=fmt.number(row.recipients_assessed, lang)), small=bool(row.inclusion_small))
    with cols[2]:
        ui.tile(ui.label("not_in_register"), fmt.number(row.not_in_register, lang), help=BY_ID["not_in_register"].description(lang),
                caption=ui.tr("sasaran.tile.not_in_register.caption", recipients=fmt.number(row.recipients, lang)))
    with cols[3]:
        ui.tile(ui.label("eligible_families"), fmt.number(row.eligible_families, lang),
                help=BY_ID["eligible_families"].description(lang),
                caption=ui.tr("sasaran.tile.eligible.caption", covered=fmt.number(row.eligible_covered, lang)))


def layak_note(f: ui.Filters, regions: pd.DataFrame) -> None:
    if f.basis != "layak":
        return
    without = regions[regions.eligible_families.isna()]
    if without.empty:
        st.caption(ui.tr("sasaran.layak.all_have"))
        return
    names = ", ".join(fmt.region_short(n) for n in without.region_name)
    st.warning(ui.tr("sasaran.layak.missing", n=len(without), names=names), icon=":material/info:")


def scatter(regions: pd.DataFrame, lang: str) -> None:
    st.subheader(ui.tr("sasaran.scatter.heading"))
    plotted = regions.dropna(subset=["exclusion_error", "inclusion_error"])
    if plotted.empty:
        ui.empty_state("sasaran.scatter.empty")
        return
    labels = {
        **_common_labels(), "title": ui.tr("sasaran.scatter.title"), "x": ui.tr("sasaran.scatter.x"),
        "y": ui.tr("sasaran.scatter.y"), "target_zone": ui.tr("sasaran.scatter.zone"), "hover": ui.tr("sasaran.scatter.hover"),
    }
    ui.chart(targeting.error_scatter(regions, lang, labels, *words.targets()), key="ss_scatter",
             data=regions[["region_code", "region_name", "is_pilot", "eligible_covered", "eligible_families", "exclusion_error",
                           "ineligible_recipients", "recipients", "not_in_register", "inclusion_error"]])
    st.caption(ui.tr("sasaran.scatter.read", n=settings.get_int("min_families")))
    if plotted.is_pilot.nunique() < 2:
        st.caption(ui.tr("sasaran.hint.groups"))


def region_table(f: ui.Filters, regions: pd.DataFrame) -> None:
    st.subheader(ui.tr("sasaran.table.heading"))
    st.caption(ui.tr("sasaran.table.read"))
    view = _with_group(regions).assign(snapshot=lambda v: pd.to_datetime(v.register_snapshot).dt.date)
    ui.table(view, [
        tables.region(), tables.text("region_code", "sasaran.col.code"),
        tables.text("group", "sasaran.col.group"),
        *[tables.indicator(m) for m in ("eligible_families", "eligible_covered", "exclusion_error", "recipients",
                                       "eligible_recipients", "not_in_register", "inclusion_error")],
        ui.Col("snapshot", ui.tr("sasaran.col.snapshot"), "date", ui.tr("filter.snapshot.help")),
    ], key="ss_region_table",
       download=f"{ui.tr('sasaran.table.heading')} · {f.program} · {ui.period_label(f.year, f.tranche, short=True)}")
    ui.small_n_note()


def pick_periods(f: ui.Filters) -> tuple[tuple[int, int], tuple[int, int]] | None:
    st.subheader(ui.tr("sasaran.change.heading"))
    return ui.period_pair("ss", f.periods, "sasaran.change.t1", "sasaran.change.t2", "sasaran.change.one_period",
                          "sasaran.change.same")


def change_query(f: ui.Filters, pair) -> tuple[str, dict]:
    (y1, t1), (y2, t2) = pair
    return "period_change", dict(year1=y1, tranche1=t1, year2=y2, tranche2=t2,
                                 **f.params("as_of", "basis", "program", "province", "regions"))


def before_after(f: ui.Filters, lang: str, pair, change: pd.DataFrame | None) -> None:
    if pair is None:
        return
    (y1, t1), (y2, t2) = pair
    if ui.failed(change) or ui.nothing(change, "empty.no_match"):
        return
    t1_label, t2_label = ui.period_label(y1, t1, short=True), ui.period_label(y2, t2, short=True)
    common = {**_common_labels(), "t1": t1_label, "t2": t2_label, "x": ui.tr("sasaran.change.x")}
    charts = (("exclusion_error", "eligible_covered", "eligible_families", "sasaran.change.hover.exclusion"),
              ("inclusion_error", "eligible_recipients", "recipients", "sasaran.change.hover.inclusion"))
    for column, (metric, numerator, denominator, hover_key) in zip(st.columns(2), charts):
        labels = {**common, "title": ui.tr("sasaran.change.title", metric=ui.label(metric)), "hover": ui.tr(hover_key)}
        ui.chart(targeting.dumbbell(change, lang, metric, numerator, denominator, labels, *words.targets()),
                 key=f"ss_change_{metric}", container=column, data=change)
    st.caption(ui.tr("sasaran.change.read", t1=t1_label, t2=t2_label))
    if change.is_pilot.nunique() < 2:
        st.caption(ui.tr("sasaran.hint.groups"))
    with (folded := ui.folded(ui.tr("sasaran.change.table"), "ss_change_table")):
        if folded.open:
            change_table(change, f.program, t1_label, t2_label, lang)


def change_table(change: pd.DataFrame, program: str | None, t1_label: str, t2_label: str, lang: str) -> None:
    view = _with_group(change).assign(
        ee_ratio_1=lambda v: tables.ratio(v, "eligible_covered_1", "eligible_families_1"),
        ee_ratio_2=lambda v: tables.ratio(v, "eligible_covered_2", "eligible_families_2"),
        ie_ratio_1=lambda v: tables.ratio(v, "eligible_recipients_1", "recipients_1"),
        ie_ratio_2=lambda v: tables.ratio(v, "eligible_recipients_2", "recipients_2"),
    )
    columns = [tables.region(), tables.text("group", "sasaran.col.group")]
    for prefix, metric, ratio_key in (("ee", "exclusion_error", "sasaran.col.covered_of_eligible"),
                                      ("ie", "inclusion_error", "sasaran.col.eligible_of_recipients")):
        name = ui.label(metric)
        for period, label in (("1", t1_label), ("2", t2_label)):
            columns.append(ui.Col(f"{metric}_{period}", f"{name} {label}", "pct", small=f"small_{period}"))
            columns.append(tables.text(f"{prefix}_ratio_{period}", ratio_key, period=label))
        columns.append(ui.Col(f"{metric}_change", ui.tr("sasaran.col.change", metric=name), "pp"))
    ui.table(view, columns, key="ss_change_grid",
             download=f"{ui.tr('sasaran.change.table')} · {program} · {t1_label} - {t2_label}")


def deciles(f: ui.Filters, lang: str, frame: pd.DataFrame | None, register: pd.DataFrame | None) -> None:
    st.subheader(ui.tr("sasaran.decile.heading"))
    if ui.failed(frame, register):  # the chart shows both
        return
    if frame.empty or frame.recipients.fillna(0).eq(0).all():
        ui.empty_state("sasaran.decile.empty")
        return
    programs = ui.q("programs")
    mine = programs[programs.code == f.program]
    threshold = None if mine.empty or pd.isna(mine.iloc[0].max_desil) else int(mine.iloc[0].max_desil)
    labels = {key: ui.tr(f"sasaran.decile.{key}") for key in
              ("x", "y", "ineligible", "unranked", "not_in_register", "hover", "register")}
    labels.update(
        title=ui.tr("sasaran.decile.title", program=f.program, period=ui.period_label(f.year, f.tranche, short=True)),
        eligible=ui.tr("sasaran.decile.eligible", max_desil=threshold if threshold is not None else fmt.EMPTY),
        threshold=ui.tr("sasaran.decile.threshold", program=f.program), register_hover=ui.tr("sasaran.decile.register.hover"),
    )
    ui.chart(targeting.decile_bars(frame, lang, threshold, labels, register), key="ss_decile_chart", data=frame)
    if threshold is None:
        st.caption(ui.tr("sasaran.decile.no_threshold", program=f.program))
    else:
        st.caption(ui.tr("sasaran.decile.read", program=f.program, max_desil=threshold))
    if not register.empty:
        st.caption(ui.tr("sasaran.decile.register.read"))
    if f.basis == "layak":
        st.caption(ui.tr("sasaran.decile.layak"))
    with (folded := ui.folded(ui.tr("sasaran.decile.table"), "ss_decile_table")):
        if folded.open:
            decile_table(frame, labels)


def decile_table(frame: pd.DataFrame, labels: dict) -> None:
    names = {"unranked": labels["unranked"], "not_in_register": labels["not_in_register"]}
    order = {group: index for index, group in enumerate(targeting.DECILE_GROUPS)}
    view = frame.assign(_order=frame.desil_group.map(order)).sort_values("_order")
    view = view.assign(group=[names.get(g, ui.tr("sasaran.decile.desil", desil=int(g)) if str(g).isdigit() else g)
                              for g in view.desil_group])
    ui.table(view, [tables.text("group", "sasaran.decile.x"), tables.indicator("recipients", small=False),
                    ui.Col("share", ui.tr("sasaran.decile.y"), "pct")], key="ss_decile_grid", rows_shown=None)


# -- page ---------------------------------------------------------------------------


def render(f: ui.Filters) -> None:
    lang = ui.lang()
    st.markdown(ui.tr("sasaran.context", program=f.program, period=ui.period_label(f.year, f.tranche),
                      snapshot=fmt.day(f.as_of, lang), basis=ui.tr(f"filter.basis.{f.basis}")))
    # The sections below the scatter take their places now: the tranche
    # pickers of the before/after section are drawn first, so that its query
    # runs with the others (ui.safe_many); the rest is drawn once they end, each
    # section in its place, with its query's failure if it failed.
    top = st.container()
    change_slot = st.empty()
    change_box = change_slot.container()
    with change_box:
        pair = pick_periods(f)
    regions, totals, by_decile, register, *change = ui.safe_many(
        ("region_indicators", f.params("as_of", "basis", "program", "year", "tranche", "province", "regions")),
        ui.totals_query(f),
        ("decile_distribution", f.params("as_of", "program", "year", "tranche", "province", "regions")),
        ("register_decile", f.params("as_of", "province", "regions")),
        *([change_query(f, pair)] if pair is not None else []),
        show=False,  # each section says in its place that its query failed
    )
    with top:
        shown = regions_part(f, lang, regions, totals)
    if not shown:
        change_slot.empty()  # nothing to compare: no pickers either
        return
    with change_box:
        before_after(f, lang, pair, change[0] if change else None)
    deciles(f, lang, by_decile, register)


def regions_part(f: ui.Filters, lang: str, regions: pd.DataFrame | None, totals: pd.DataFrame | None) -> bool:
    """Tiles, notes, scatter and table; False when there is nothing to show
    (the page then ends)."""
    if ui.failed(regions):
        return False
    if regions.empty:
        ui.empty_state("empty.no_match")
        return False
    ui.registers_note(f, regions)
    summary(f, lang, regions, totals)
    st.info(ui.tr("sasaran.denominators"), icon=":material/functions:")
    layak_note(f, regions)
    if regions.eligible_families.isna().all() and regions.recipients.fillna(0).eq(0).all():
        ui.empty_state("empty.no_register")
        return False
    scatter(regions, lang)
    region_table(f, regions)
    return True


if (filters := ui.start("nav.sasaran", "sasaran.intro")) is not None:
    render(filters)
