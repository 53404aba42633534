"""Metodologi: the rules of DESIGN §5 in plain words, the indicator
dictionary generated from bansos.indicators.INDICATORS, the programme table
and settings in use, where the pilot list comes from, and the glossary.

The static parts (rules, indicators, glossary) show even without a
warehouse; the programme table and pilot list are read from it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bansos import fmt, indicators, settings, ui
from bansos.translations import glossary

SETTINGS_SHOWN = ("timely_days", "target_2026", "target_next", "min_families", "export_max_rows")
PILOT_STATUSES = ("confirmed", "reported", "uncertain")


def _rules(lang: str) -> None:
    st.header(ui.tr("metodologi.rules.heading"))
    target_now = fmt.pct(settings.get_float("target_2026"), lang, 0)
    target_next = fmt.pct(settings.get_float("target_next"), lang, 0)
    rules = [
        ui.tr("metodologi.rule.snapshot"),
        ui.tr("metodologi.rule.eligible"),
        ui.tr("metodologi.rule.membership"),
        ui.tr("metodologi.rule.sums"),
        ui.tr("metodologi.rule.periods"),
        ui.tr("metodologi.rule.empty"),
        ui.tr("metodologi.rule.small", n=fmt.number(settings.get_int("min_families"), lang)),
        ui.tr("metodologi.rule.targets", now=target_now, next=target_next),
        ui.tr("metodologi.rule.did"),
        ui.tr("metodologi.rule.funnel"),
    ]
    st.markdown("\n".join(f"- {rule}" for rule in rules))


def _source(indicator: indicators.Indicator) -> str:
    return ui.tr("metodologi.source.design") if indicator.source == indicators.DESIGN else indicator.source


def _indicators(lang: str) -> None:
    st.header(ui.tr("metodologi.indicators.heading"))
    st.caption(ui.tr("metodologi.indicators.caption"))
    for indicator in indicators.INDICATORS:
        with st.expander(f"**{indicator.label(lang)}** · `{indicator.id}`"):
            lines = [indicator.description(lang), ""]
            lines.append(f"- {ui.tr('metodologi.ind.formula')}: `{indicator.sql}`")
            if indicator.numerator or indicator.denominator:
                lines.append(
                    f"- {ui.tr('metodologi.ind.numerator')}: `{indicator.numerator or fmt.EMPTY}` · "
                    f"{ui.tr('metodologi.ind.denominator')}: `{indicator.denominator or fmt.EMPTY}`"
                )
            format_text = ui.tr(f"metodologi.format.{indicator.format}")
            if indicator.format in ("pct", "pp"):
                format_text += " · " + ui.tr("metodologi.ind.lower" if indicator.lower_is_better else "metodologi.ind.higher")
            lines.append(f"- {ui.tr('metodologi.ind.format')}: {format_text}")
            lines.append(f"- {ui.tr('metodologi.ind.source')}: {_source(indicator)}")
            st.markdown("\n".join(lines))


def _escape_dollars(text: str) -> str:
    # Streamlit markdown reads $...$ as LaTeX.
    return text.replace("$", "\\$")


def _programs(lang: str) -> None:
    st.header(ui.tr("metodologi.programs.heading"))
    programs = ui.safe_query("programs")
    if programs is None or programs.empty:
        ui.empty_state("metodologi.no_warehouse")
        return
    # The rule (threshold) next to the code: on a phone the columns on the
    # right scroll out of view.
    table = pd.DataFrame({
        ui.tr("metodologi.col.code"): programs["code"],
        ui.tr("metodologi.col.threshold"): [
            ui.tr("metodologi.threshold", n=int(v)) if not pd.isna(v) else fmt.EMPTY for v in programs["max_desil"]
        ],
        ui.tr("metodologi.col.benefit"): [
            fmt.rupiah(v, lang) if not pd.isna(v) else ui.tr("metodologi.benefit.varies") for v in programs["benefit_per_tranche"]
        ],
        ui.tr("metodologi.col.tranches"): [
            fmt.EMPTY if pd.isna(v) else fmt.number(int(v), lang) for v in programs["tranches_per_year"]
        ],
        ui.tr("metodologi.col.name"): programs["name_en" if lang == "en" else "name_id"],
        ui.tr("metodologi.col.aliases"): [v if isinstance(v, str) else "" for v in programs["aliases"]],
    })
    st.dataframe(table, hide_index=True, width="stretch", height="content")
    # Sources are long sentences: as a list they wrap instead of being cut off.
    st.markdown(
        f"**{ui.tr('metodologi.col.source')}**\n\n"
        + "\n".join(f"- **{row.code}**: {_escape_dollars(row.source)}" for row in programs.itertuples() if isinstance(row.source, str))
    )
    st.caption(ui.tr("metodologi.programs.caption"))
    f = ui.filters()
    ui.show_rule(f)


def _settings(lang: str) -> None:
    st.header(ui.tr("metodologi.settings.heading"))
    values = {
        "timely_days": ui.tr("metodologi.setting.timely_days.value", n=fmt.number(settings.get_int("timely_days"), lang)),
        "target_2026": ui.tr("metodologi.setting.target.value", value=fmt.pct(settings.get_float("target_2026"), lang, 0)),
        "target_next": ui.tr("metodologi.setting.target.value", value=fmt.pct(settings.get_float("target_next"), lang, 0)),
        "min_families": ui.tr("metodologi.setting.min_families.value", n=fmt.number(settings.get_int("min_families"), lang)),
        "export_max_rows": ui.tr(
            "metodologi.setting.export_max_rows.value", n=fmt.number(settings.get_int("export_max_rows"), lang)
        ),
    }
    table = pd.DataFrame({
        ui.tr("metodologi.col.setting"): [ui.tr(f"metodologi.setting.{name}") for name in SETTINGS_SHOWN],
        ui.tr("metodologi.col.value"): [values[name] for name in SETTINGS_SHOWN],
        ui.tr("metodologi.col.env"): [settings.SETTINGS[name].env for name in SETTINGS_SHOWN],
    })
    st.dataframe(table, hide_index=True, width="stretch", height="content")
    st.caption(ui.tr("metodologi.settings.caption"))


def _pilots(lang: str) -> None:
    st.header(ui.tr("metodologi.pilots.heading"))
    pilots = ui.safe_query("kualitas_pilots")
    if pilots is None:
        return
    if pilots.empty:
        ui.empty_state("metodologi.pilots.empty")
        return
    counts = pilots.drop_duplicates("status").set_index("status")["status_pilots"]
    statuses = "; ".join(
        ui.tr(f"metodologi.pilots.status.{status}", n=fmt.number(counts[status], lang))
        for status in PILOT_STATUSES if status in counts.index
    )
    st.markdown(ui.tr("metodologi.pilots.text", n=fmt.number(pilots["pilots"].iloc[0], lang), statuses=statuses))

    def data_loaded(register: bool, allocations: bool) -> str:
        key = "both" if register and allocations else "register" if register else "allocations" if allocations else "none"
        return ui.tr(f"metodologi.data.{key}")

    table = pd.DataFrame({
        ui.tr("metodologi.col.region"): [f"{row.region_name} ({row.region_code})" for row in pilots.itertuples()],
        ui.tr("metodologi.col.province"): pilots["province_name"],
        ui.tr("metodologi.col.status"): pilots["status"],
        ui.tr("metodologi.col.cohort"): [str(int(v)) if not pd.isna(v) else "" for v in pilots["cohort"]],
        ui.tr("metodologi.col.data"): [
            data_loaded(bool(r), bool(a)) for r, a in zip(pilots["has_register"], pilots["has_allocations"])
        ],
        ui.tr("metodologi.col.source"): pilots["source"],
    })
    st.dataframe(
        table, hide_index=True, width="stretch", height="content",
        column_config={ui.tr("metodologi.col.source"): st.column_config.LinkColumn(display_text=r"https?://(?:www\.)?([^/]+)")},
    )


def _glossary() -> None:
    st.header(ui.tr("metodologi.glossary.heading"))
    entries = [
        f"**{ui.tr(f'glossary.{term}.term')}** — {ui.tr(f'glossary.{term}.def')}" for term in glossary.TERMS
    ]
    half = (len(entries) + 1) // 2
    left, right = st.columns(2)
    left.markdown("\n\n".join(entries[:half]))
    right.markdown("\n\n".join(entries[half:]))


def main() -> None:
    meta = ui.page_header("nav.metodologi", "metodologi.intro")
    lang = ui.lang()
    if meta is not None:
        ui.has_data(meta)  # says how to load data when the warehouse is empty; the page goes on
    _rules(lang)
    _indicators(lang)
    if meta is None:
        ui.empty_state("metodologi.no_warehouse")
    else:
        _programs(lang)
    _settings(lang)
    if meta is not None:
        _pilots(lang)
    _glossary()


main()
