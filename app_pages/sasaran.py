"""Ketepatan Sasaran (targeting accuracy): who is left out and who should
not be there, per region, with every numerator and denominator; whether it
moved between two tranches; who receives by DTSEN decile; and the two
errors against each other and the targets.

Numbers come from queries/ (region_indicators, totals_by_period,
period_change, decile_distribution, programs); this file lays them out.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bansos import fmt, i18n, settings, ui
from bansos.charts import targeting
from bansos.indicators import BY_ID


def _label(indicator: str, lang: str) -> str:
    return BY_ID[indicator].label(lang)


def _help(indicator: str, lang: str) -> str:
    return BY_ID[indicator].description(lang)


def _targets() -> tuple[float, float]:
    return settings.get_float("target_2026"), settings.get_float("target_next")


def _target_labels(lang: str) -> dict:
    target, target_next = _targets()
    return {
        "target_now": ui.tr("target.line", year=2026, value=fmt.pct(target, lang, 0)),
        "target_next": ui.tr("target.next", value=fmt.pct(target_next, lang, 0)),
    }


def _group_word(is_pilot) -> str:
    return ui.tr("word.pilot") if bool(is_pilot) else ui.tr("word.comparison")


def _ratios(numerators, denominators, lang: str) -> list[str]:
    """"a of b" for each pair, numbers in the page's language."""
    return [ui.tr("sasaran.ratio", num=fmt.number(n, lang), den=fmt.number(d, lang))
            for n, d in zip(numerators, denominators)]


def _flag(small) -> str:
    return "⚠" if (small is True or (not pd.isna(small) and bool(small))) else ""


def _table_height(rows: int) -> int:
    # every row visible up to ~16 rows, then scroll inside the table
    return min(rows, 16) * 35 + 38


# -- sections -----------------------------------------------------------------------


def summary(f: ui.Filters, lang: str, regions: pd.DataFrame) -> None:
    """Headline tiles: the regions in view summed (numerators and
    denominators added, then divided, by the query)."""
    totals = ui.safe_query("totals_by_period", **f.params("as_of", "basis", "program", "province", "regions"))
    if totals is None or totals.empty:
        return
    now = totals[(totals.year == f.year) & (totals.tranche == f.tranche)]
    if now.empty:
        return
    row = now.iloc[0]
    has_prev = not pd.isna(row.get("prev_year"))
    prev_label = ui.period_label(row.prev_year, row.prev_tranche, short=True) if has_prev else None

    def previous(value) -> str:
        # a second line of the tile's caption (markdown line break)
        if not has_prev:
            return ""
        return "  \n" + ui.tr("sasaran.tile.previous", period=prev_label, value=fmt.pct(value, lang))

    # regions with register-based indicators on this basis (on the layak
    # basis, only those with registration data)
    with_indicators = int(regions.eligible_families.notna().sum())
    st.caption(ui.tr("sasaran.tiles.scope", regions=fmt.number(row.regions, lang),
                     with_register=fmt.number(with_indicators, lang)))
    cols = st.columns(4)
    flag = " " + ui.tr("word.small_n", n=settings.get_int("min_families"))
    with cols[0]:
        caption = ui.tr("sasaran.tile.exclusion.caption", covered=fmt.number(row.eligible_covered, lang),
                        eligible=fmt.number(row.eligible_families, lang))
        caption += (flag if bool(row.coverage_small) else "") + previous(row.prev_exclusion_error)
        ui.tile(_label("exclusion_error", lang), fmt.pct(row.exclusion_error, lang), help=_help("exclusion_error", lang),
                caption=caption)
    with cols[1]:
        caption = ui.tr("sasaran.tile.inclusion.caption", eligible=fmt.number(row.eligible_recipients, lang),
                        recipients=fmt.number(row.recipients_assessed, lang))
        caption += (flag if bool(row.inclusion_small) else "") + previous(row.prev_inclusion_error)
        ui.tile(_label("inclusion_error", lang), fmt.pct(row.inclusion_error, lang), help=_help("inclusion_error", lang),
                caption=caption)
    with cols[2]:
        ui.tile(
            _label("not_in_register", lang), fmt.number(row.not_in_register, lang), help=_help("not_in_register", lang),
            caption=ui.tr("sasaran.tile.not_in_register.caption", recipients=fmt.number(row.recipients, lang)),
        )
    with cols[3]:
        ui.tile(
            _label("eligible_families", lang), fmt.number(row.eligible_families, lang), help=_help("eligible_families", lang),
            caption=ui.tr("sasaran.tile.eligible.caption", covered=fmt.number(row.eligible_covered, lang)),
        )


def denominators_note() -> None:
    st.info(ui.tr("sasaran.denominators"), icon=":material/functions:")


def layak_note(f: ui.Filters, regions: pd.DataFrame) -> None:
    if f.basis != "layak":
        return
    without = regions[regions.eligible_families.isna()]
    if without.empty:
        st.caption(ui.tr("sasaran.layak.all_have"))
        return
    names = ", ".join(targeting.short_name(n) for n in without.region_name)
    st.warning(ui.tr("sasaran.layak.missing", n=len(without), names=names), icon=":material/info:")


def scatter(regions: pd.DataFrame, lang: str) -> None:
    st.subheader(ui.tr("sasaran.scatter.heading"))
    target, target_next = _targets()
    labels = {
        "title": ui.tr("sasaran.scatter.title"),
        "x": ui.tr("sasaran.scatter.x"),
        "y": ui.tr("sasaran.scatter.y"),
        "pilot": ui.tr("word.pilot"),
        "comparison": ui.tr("word.comparison"),
        "target_zone": ui.tr("sasaran.scatter.zone"),
        "small_flag": ui.tr("word.small_n", n=settings.get_int("min_families")),
        "hover": ui.tr("sasaran.scatter.hover"),
        **_target_labels(lang),
    }
    plotted = regions.dropna(subset=["exclusion_error", "inclusion_error"])
    if plotted.empty:
        ui.empty_state("sasaran.scatter.empty")
        return
    st.plotly_chart(targeting.error_scatter(regions, lang, labels, target, target_next), width="stretch")
    st.caption(ui.tr("sasaran.scatter.read", n=settings.get_int("min_families")))
    if plotted.is_pilot.nunique() < 2:
        st.caption(ui.tr("sasaran.hint.groups"))


def region_table(regions: pd.DataFrame, lang: str) -> None:
    st.subheader(ui.tr("sasaran.table.heading"))
    st.caption(ui.tr("sasaran.table.read"))
    view = regions.sort_values(["is_pilot", "province_code", "region_code"], ascending=[False, True, True])
    table = pd.DataFrame({
        "region": view.region_name,
        "code": view.region_code,
        "group": [_group_word(p) for p in view.is_pilot],
        "eligible_families": view.eligible_families,
        "eligible_covered": view.eligible_covered,
        "exclusion_error": view.exclusion_error,
        "exclusion_small": [_flag(s) for s in view.coverage_small],
        "recipients": view.recipients,
        "eligible_recipients": view.eligible_recipients,
        "not_in_register": view.not_in_register,
        "inclusion_error": view.inclusion_error,
        "inclusion_small": [_flag(s) for s in view.inclusion_small],
        "register_snapshot": pd.to_datetime(view.register_snapshot).dt.date,
    })
    count = st.column_config.NumberColumn
    flag_help = ui.tr("word.small_n.note", n=settings.get_int("min_families"))
    st.dataframe(
        table,
        hide_index=True, placeholder=fmt.EMPTY,
        height=_table_height(len(table)),
        column_config={
            "region": st.column_config.TextColumn(ui.tr("word.region"), pinned=True),
            "code": st.column_config.TextColumn(ui.tr("sasaran.col.code")),
            "group": st.column_config.TextColumn(ui.tr("sasaran.col.group")),
            "eligible_families": count(_label("eligible_families", lang), help=_help("eligible_families", lang), format="localized"),
            "eligible_covered": count(_label("eligible_covered", lang), help=_help("eligible_covered", lang), format="localized"),
            "exclusion_error": count(_label("exclusion_error", lang), help=_help("exclusion_error", lang), format="percent"),
            "exclusion_small": st.column_config.TextColumn("⚠", help=flag_help, width="small"),
            "recipients": count(_label("recipients", lang), help=_help("recipients", lang), format="localized"),
            "eligible_recipients": count(_label("eligible_recipients", lang), help=_help("eligible_recipients", lang), format="localized"),
            "not_in_register": count(_label("not_in_register", lang), help=_help("not_in_register", lang), format="localized"),
            "inclusion_error": count(_label("inclusion_error", lang), help=_help("inclusion_error", lang), format="percent"),
            "inclusion_small": st.column_config.TextColumn("⚠ ", help=flag_help, width="small"),
            "register_snapshot": st.column_config.DateColumn(ui.tr("sasaran.col.snapshot"), help=ui.tr("filter.snapshot.help")),
        },
    )
    ui.small_n_note()


def before_after(f: ui.Filters, lang: str) -> None:
    st.subheader(ui.tr("sasaran.change.heading"))
    if len(f.periods) < 2:
        ui.empty_state("sasaran.change.one_period")
        return
    keys = [f"{y}-{t}" for y, t in f.periods]

    def period_name(key: str) -> str:
        year, tranche = key.split("-")
        return i18n.t("period.label", lang, year=int(year), tranche=int(tranche))

    left, right = st.columns(2)
    first = left.selectbox(ui.tr("sasaran.change.t1"), keys, index=0, key="ss_t1", bind="query-params", format_func=period_name)
    second = right.selectbox(ui.tr("sasaran.change.t2"), keys, index=len(keys) - 1, key="ss_t2", bind="query-params",
                             format_func=period_name)
    first = first if first in keys else keys[0]
    second = second if second in keys else keys[-1]
    if first == second:
        ui.empty_state("sasaran.change.same")
        return
    (y1, t1), (y2, t2) = (tuple(int(x) for x in k.split("-")) for k in (first, second))
    change = ui.safe_query(
        "period_change", year1=y1, tranche1=t1, year2=y2, tranche2=t2,
        **f.params("as_of", "basis", "program", "province", "regions"),
    )
    if change is None:
        return
    if change.empty:
        ui.empty_state("empty.no_match")
        return
    t1_label, t2_label = ui.period_label(y1, t1, short=True), ui.period_label(y2, t2, short=True)
    target, target_next = _targets()
    common = {
        "pilot": ui.tr("word.pilot"),
        "comparison": ui.tr("word.comparison"),
        "t1": t1_label,
        "t2": t2_label,
        "x": ui.tr("sasaran.change.x"),
        "small_flag": ui.tr("word.small_n", n=settings.get_int("min_families")),
        **_target_labels(lang),
    }
    charts = (
        ("exclusion_error", "eligible_covered", "eligible_families", "sasaran.change.hover.exclusion"),
        ("inclusion_error", "eligible_recipients", "recipients", "sasaran.change.hover.inclusion"),
    )
    columns = st.columns(2)
    for column, (metric, numerator, denominator, hover_key) in zip(columns, charts):
        labels = {**common, "title": ui.tr("sasaran.change.title", metric=_label(metric, lang)), "hover": ui.tr(hover_key)}
        figure = targeting.dumbbell(change, lang, metric, numerator, denominator, labels, target, target_next)
        column.plotly_chart(figure, width="stretch")
    st.caption(ui.tr("sasaran.change.read", t1=t1_label, t2=t2_label))
    if change.is_pilot.nunique() < 2:
        st.caption(ui.tr("sasaran.hint.groups"))
    with (folded := ui.folded(ui.tr("sasaran.change.table"), "ss_change_table")):
        if folded.open:
            view = change.sort_values(["is_pilot", "province_code", "region_code"], ascending=[False, True, True])
            table = pd.DataFrame({
                "region": view.region_name,
                "group": [_group_word(p) for p in view.is_pilot],
                "ee_1": [fmt.pct(v, lang) for v in view.exclusion_error_1],
                "ee_ratio_1": _ratios(view.eligible_covered_1, view.eligible_families_1, lang),
                "ee_2": [fmt.pct(v, lang) for v in view.exclusion_error_2],
                "ee_ratio_2": _ratios(view.eligible_covered_2, view.eligible_families_2, lang),
                "ee_change": [fmt.pp(v, lang) for v in view.exclusion_error_change],
                "ie_1": [fmt.pct(v, lang) for v in view.inclusion_error_1],
                "ie_ratio_1": _ratios(view.eligible_recipients_1, view.recipients_1, lang),
                "ie_2": [fmt.pct(v, lang) for v in view.inclusion_error_2],
                "ie_ratio_2": _ratios(view.eligible_recipients_2, view.recipients_2, lang),
                "ie_change": [fmt.pp(v, lang) for v in view.inclusion_error_change],
                "small": [_flag(a) or _flag(b) for a, b in zip(view.small_1, view.small_2)],
            })
            text = st.column_config.TextColumn
            ee, ie = _label("exclusion_error", lang), _label("inclusion_error", lang)
            st.dataframe(
                table, hide_index=True, placeholder=fmt.EMPTY, height=_table_height(len(table)),
                column_config={
                    "region": text(ui.tr("word.region"), pinned=True),
                    "group": text(ui.tr("sasaran.col.group")),
                    "ee_1": text(f"{ee} {t1_label}"),
                    "ee_ratio_1": text(ui.tr("sasaran.col.covered_of_eligible", period=t1_label)),
                    "ee_2": text(f"{ee} {t2_label}"),
                    "ee_ratio_2": text(ui.tr("sasaran.col.covered_of_eligible", period=t2_label)),
                    "ee_change": text(ui.tr("sasaran.col.change", metric=ee)),
                    "ie_1": text(f"{ie} {t1_label}"),
                    "ie_ratio_1": text(ui.tr("sasaran.col.eligible_of_recipients", period=t1_label)),
                    "ie_2": text(f"{ie} {t2_label}"),
                    "ie_ratio_2": text(ui.tr("sasaran.col.eligible_of_recipients", period=t2_label)),
                    "ie_change": text(ui.tr("sasaran.col.change", metric=ie)),
                    "small": text("⚠", help=ui.tr("word.small_n.note", n=settings.get_int("min_families"))),
                },
            )


def deciles(f: ui.Filters, lang: str) -> None:
    st.subheader(ui.tr("sasaran.decile.heading"))
    frame = ui.safe_query("decile_distribution", **f.params("as_of", "program", "year", "tranche", "province", "regions"))
    if frame is None:
        return
    if frame.empty or frame.recipients.fillna(0).eq(0).all():
        ui.empty_state("sasaran.decile.empty")
        return
    programs = ui.q("programs")
    mine = programs[programs.code == f.program]
    threshold = None if mine.empty or pd.isna(mine.iloc[0].max_desil) else int(mine.iloc[0].max_desil)
    labels = {
        "title": ui.tr("sasaran.decile.title", program=f.program, period=ui.period_label(f.year, f.tranche, short=True)),
        "x": ui.tr("sasaran.decile.x"),
        "y": ui.tr("sasaran.decile.y"),
        "eligible": ui.tr("sasaran.decile.eligible", max_desil=threshold if threshold is not None else "–"),
        "ineligible": ui.tr("sasaran.decile.ineligible"),
        "unranked": ui.tr("sasaran.decile.unranked"),
        "not_in_register": ui.tr("sasaran.decile.not_in_register"),
        "threshold": ui.tr("sasaran.decile.threshold", program=f.program),
        "hover": ui.tr("sasaran.decile.hover"),
    }
    register = ui.safe_query("register_decile", **f.params("as_of", "province", "regions"))
    labels["register"] = ui.tr("sasaran.decile.register")
    labels["register_hover"] = ui.tr("sasaran.decile.register.hover")
    st.plotly_chart(targeting.decile_bars(frame, lang, threshold, labels, register), width="stretch")
    if threshold is None:
        st.caption(ui.tr("sasaran.decile.no_threshold", program=f.program))
    else:
        st.caption(ui.tr("sasaran.decile.read", program=f.program, max_desil=threshold))
    if register is not None and not register.empty:
        st.caption(ui.tr("sasaran.decile.register.read"))
    if f.basis == "layak":
        st.caption(ui.tr("sasaran.decile.layak"))
    with (folded := ui.folded(ui.tr("sasaran.decile.table"), "ss_decile_table")):
        if folded.open:
            names = {
                "unranked": labels["unranked"],
                "not_in_register": labels["not_in_register"],
            }
            order = {group: index for index, group in enumerate(targeting.DECILE_GROUPS)}
            view = frame.assign(_order=frame.desil_group.map(order)).sort_values("_order")
            st.dataframe(
                pd.DataFrame({
                    "group": [names.get(g, ui.tr("sasaran.decile.desil", desil=int(g)) if str(g).isdigit() else g)
                              for g in view.desil_group],
                    "recipients": view.recipients,
                    "share": view.share,
                }),
                hide_index=True, placeholder=fmt.EMPTY,
                column_config={
                    "group": st.column_config.TextColumn(ui.tr("sasaran.decile.x")),
                    "recipients": st.column_config.NumberColumn(_label("recipients", lang), format="localized"),
                    "share": st.column_config.NumberColumn(ui.tr("sasaran.decile.y"), format="percent"),
                },
            )


# -- page ---------------------------------------------------------------------------


def main() -> None:
    meta = ui.page_header("nav.sasaran", intro_key="sasaran.intro")
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
    basis = ui.tr(f"filter.basis.{f.basis}")
    st.markdown(ui.tr(
        "sasaran.context", program=f.program, period=ui.period_label(f.year, f.tranche),
        snapshot=fmt.day(f.as_of, lang), basis=basis,
    ))
    regions = ui.safe_query("region_indicators", **f.params("as_of", "basis", "program", "year", "tranche", "province", "regions"))
    if regions is None:
        return
    if regions.empty:
        ui.empty_state("empty.no_match")
        return
    summary(f, lang, regions)
    denominators_note()
    layak_note(f, regions)
    if regions.eligible_families.isna().all() and regions.recipients.fillna(0).eq(0).all():
        ui.empty_state("empty.no_register")
        return
    scatter(regions, lang)
    region_table(regions, lang)
    before_after(f, lang)
    deciles(f, lang)


main()
