"""Metodologi: the rules in plain words, the indicator dictionary generated
from bansos.indicators.INDICATORS, the signal dictionary generated from
bansos.signals.SIGNALS, the programme table and settings in use,
where the pilot list comes from, and the glossary.

The static parts (rules, indicators, glossary) show even without a
warehouse; the programme table and pilot list are read from it. This is
the page for technical detail (formulas, file and setting names), phrased
for a reader who is not an engineer.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bansos import fmt, indicators, settings, signals, ui
from bansos.translations import glossary
from bansos.ui import tables, words

SETTINGS_SHOWN = ("timely_days", "target_2026", "target_next", "min_families", "export_max_rows")
RULES = ("snapshot", "eligible", "membership", "sums", "periods", "empty", "small", "targets", "did", "funnel")


def rules(lang: str) -> None:
    st.header(ui.tr("metodologi.rules.heading"))
    values = {
        "small": {"n": fmt.number(settings.get_int("min_families"), lang)},
        "targets": {"now": fmt.pct(settings.get_float("target_2026"), lang, 0),
                    "next": fmt.pct(settings.get_float("target_next"), lang, 0)},
        "did": {"reading": words.did_reading()},
    }
    st.markdown("\n".join(f"- {ui.tr(f'metodologi.rule.{rule}', **values.get(rule, {}))}" for rule in RULES))


def _source(record: indicators.Indicator | signals.Signal) -> str:
    return ui.tr("metodologi.source.project") if record.source == indicators.PROJECT else record.source


def indicator_dictionary(lang: str) -> None:
    st.header(ui.tr("metodologi.indicators.heading"))
    st.caption(ui.tr("metodologi.indicators.caption"))
    for indicator in indicators.INDICATORS:
        with st.expander(f"**{indicator.label(lang)}** · `{indicator.id}`"):
            lines = [indicator.description(lang), "", f"- {ui.tr('metodologi.ind.formula')}: `{indicator.sql}`"]
            if indicator.numerator or indicator.denominator:
                lines.append(f"- {ui.tr('metodologi.ind.numerator')}: `{indicator.numerator or fmt.EMPTY}` · "
                             f"{ui.tr('metodologi.ind.denominator')}: `{indicator.denominator or fmt.EMPTY}`")
            format_text = ui.tr(f"metodologi.format.{indicator.format}")
            if indicator.format in ("pct", "pp"):
                format_text += " · " + words.direction(indicator.id)
            lines.append(f"- {ui.tr('metodologi.ind.format')}: {format_text}")
            lines.append(f"- {ui.tr('metodologi.ind.source')}: {_source(indicator)}")
            st.markdown("\n".join(lines))


def signal_dictionary(lang: str) -> None:
    st.header(ui.tr("metodologi.signals.heading"))
    st.caption(ui.tr("metodologi.signals.caption"))
    for signal in signals.SIGNALS:
        with st.expander(f"**{signal.label(lang)}** · `{signal.id}`"):
            lines = [signal.description(lang), "", f"- {ui.tr('metodologi.sig.rule')}: `{signal.formula}`"]
            if signal.register_based:
                lines.append(f"- {ui.tr('metodologi.sig.register')}")
            if signal.needs_benefit:
                lines.append(f"- {ui.tr('metodologi.sig.benefit')}")
            lines.append(f"- {ui.tr('metodologi.sig.decision')}: {signal.decision(lang)}")
            lines.append(f"- {ui.tr('metodologi.ind.format')}: {ui.tr('metodologi.format.int')}")
            lines.append(f"- {ui.tr('metodologi.ind.source')}: {_source(signal)}")
            st.markdown("\n".join(lines))
            st.caption(ui.tr("metodologi.sig.sql"))
            st.code(signal.sql, language="sql")


def programs_table(lang: str) -> None:
    st.header(ui.tr("metodologi.programs.heading"))
    programs = ui.safe_query("programs")
    if ui.nothing(programs, "metodologi.no_warehouse"):
        return
    # The rule (threshold) next to the code: on a phone the columns on the
    # right scroll out of view.
    frame = programs.assign(
        threshold=[ui.tr("metodologi.threshold", n=int(v)) if not pd.isna(v) else fmt.EMPTY for v in programs["max_desil"]],
        name=programs["name_en" if lang == "en" else "name_id"],
        other=[v if isinstance(v, str) else "" for v in programs["aliases"]],
    )
    ui.table(frame, [
        tables.text("code", "metodologi.col.code", pinned=True), tables.text("threshold", "metodologi.col.threshold"),
        ui.Col("benefit_per_tranche", ui.tr("metodologi.col.benefit"), "rp"),
        ui.Col("tranches_per_year", ui.tr("metodologi.col.tranches"), "int"),
        tables.text("name", "metodologi.col.name"), tables.text("other", "metodologi.col.aliases"),
    ], key="md_programs", rows_shown=None)
    if programs["benefit_per_tranche"].isna().any():
        st.caption(ui.tr("metodologi.benefit.note"))
    # Sources are long sentences: as a list they wrap instead of being cut off.
    st.markdown(f"**{ui.tr('metodologi.col.source')}**\n\n" + "\n".join(
        f"- **{row.code}**: {row.source.replace('$', chr(92) + '$')}" for row in programs.itertuples() if isinstance(row.source, str)))
    st.caption(ui.tr("metodologi.programs.caption"))
    st.caption(ui.rule_statement(ui.filters()))  # the rule in use (no "see Methodology" here)


def settings_table(lang: str) -> None:
    st.header(ui.tr("metodologi.settings.heading"))
    values = {
        "timely_days": ui.tr("metodologi.setting.timely_days.value", n=fmt.number(settings.get_int("timely_days"), lang)),
        "target_2026": ui.tr("metodologi.setting.target.value", value=fmt.pct(settings.get_float("target_2026"), lang, 0)),
        "target_next": ui.tr("metodologi.setting.target.value", value=fmt.pct(settings.get_float("target_next"), lang, 0)),
        "min_families": ui.tr("metodologi.setting.min_families.value", n=fmt.number(settings.get_int("min_families"), lang)),
        "export_max_rows": ui.tr("metodologi.setting.export_max_rows.value", n=fmt.number(settings.get_int("export_max_rows"), lang)),
    }
    frame = pd.DataFrame({"setting": [ui.tr(f"metodologi.setting.{name}") for name in SETTINGS_SHOWN],
                          "value": [values[name] for name in SETTINGS_SHOWN],
                          "env": [settings.SETTINGS[name].env for name in SETTINGS_SHOWN]})
    ui.table(frame, [tables.text("setting", "metodologi.col.setting"), tables.text("value", "metodologi.col.value"),
                     tables.text("env", "metodologi.col.env")], key="md_settings", rows_shown=None)
    st.caption(ui.tr("metodologi.settings.caption"))


def pilots_table(lang: str) -> None:
    st.header(ui.tr("metodologi.pilots.heading"))
    pilots = ui.safe_query("kualitas_pilots")
    if ui.nothing(pilots, "metodologi.pilots.empty"):
        return
    counts = pilots.drop_duplicates("status").set_index("status")["status_pilots"]
    statuses = "; ".join(ui.tr(f"metodologi.pilots.status.{status}", n=fmt.number(counts[status], lang),
                               word=words.pilot_status(status))
                         for status in words.PILOT_STATUSES if status in counts.index)
    st.markdown(ui.tr("metodologi.pilots.text", n=fmt.number(pilots["pilots"].iloc[0], lang), statuses=statuses))
    loaded = {(True, True): "both", (True, False): "register", (False, True): "allocations", (False, False): "none"}
    frame = pilots.assign(
        region=[f"{row.region_name} ({row.region_code})" for row in pilots.itertuples()],
        status_word=[words.pilot_status(s) for s in pilots["status"]],
        data=[ui.tr(f"metodologi.data.{loaded[(bool(r), bool(a))]}") for r, a in zip(pilots["has_register"], pilots["has_allocations"])],
    )
    ui.table(frame, [
        tables.text("region", "metodologi.col.region", pinned=True), tables.text("province_name", "metodologi.col.province"),
        tables.text("status_word", "metodologi.col.status"), ui.Col("cohort", ui.tr("metodologi.col.cohort"), "plain"),
        tables.text("data", "metodologi.col.data"), ui.Col("source", ui.tr("metodologi.col.source"), "link"),
    ], key="md_pilots", rows_shown=None)


def glossary_section() -> None:
    st.header(ui.tr("metodologi.glossary.heading"))
    # the timeliness entry names the setting's value, as the tiles do
    entries = [f"**{ui.tr(f'glossary.{term}.term')}** — {indicators.with_days(ui.tr(f'glossary.{term}.def'))}"
               for term in glossary.TERMS]
    half = (len(entries) + 1) // 2
    left, right = st.columns(2)
    left.markdown("\n\n".join(entries[:half]))
    right.markdown("\n\n".join(entries[half:]))


def render(meta: dict | None) -> None:
    lang = ui.lang()
    if meta is not None:
        ui.has_data(meta)  # says how to load data when the warehouse is empty; the page goes on
    rules(lang)
    indicator_dictionary(lang)
    signal_dictionary(lang)
    if meta is None:
        ui.empty_state("metodologi.no_warehouse")
    else:
        programs_table(lang)
    settings_table(lang)
    if meta is not None:
        pilots_table(lang)
    glossary_section()


render(ui.page_header("nav.metodologi", "metodologi.intro"))
