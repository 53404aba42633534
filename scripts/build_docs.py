#!/usr/bin/env python
"""Write docs/indicators.md from the definition records.

The page is generated, never edited by hand: the indicators come from
`bansos/indicators.py` (INDICATORS), the signals from `bansos/signals.py`
(SIGNALS, with the SQL each reads from queries/marts/60_signals.sql), and the
rules from the same words the Metodologi page shows
(bansos/translations/metodologi.py, in English), with the settings' defaults
filled in. Every field of a record is written, so a field added to a record
shows up here without changing this script.

Usage::

    .venv/bin/python scripts/build_docs.py           # rewrite docs/indicators.md
    .venv/bin/python scripts/build_docs.py --check   # exit 1 when the file is not current

tests/test_docs_generated.py fails when the committed file differs from what
this script writes now.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bansos import i18n, indicators, settings, signals  # noqa: E402
from bansos.ui import words  # noqa: E402

OUT = ROOT / "docs" / "indicators.md"
COMMAND = ".venv/bin/python scripts/build_docs.py"
LANG = "en"

# The Metodologi page's rules, in the order its translation file holds them.
RULE_PREFIX = "metodologi.rule."

NOTATION = """\
The symbols the formulas use, for a programme p, a tranche t (year and
tranche number), a register snapshot date s and an eligibility basis
(`desil` or `layak`):

- **register**: the register in use, each region's latest snapshot on or
  before s ("Register snapshot" below).
- **E**: the eligible families of the register in use ("Who is eligible");
  **E_r**: those registered in region r. A family in a register with a blank
  decile is not eligible on the `desil` basis.
- **R**: the families allocated p in t, whatever the payment status;
  **R_r**: those allocated in region r. A rerouted payment (a failed or
  returned row paid again through another row) is not a second allocation.
- **N**: the timeliness window in days (`BANSOS_TIMELY_DAYS`).
"""

FIELD_TITLES = {
    # Indicator
    "label_id": "Label (Bahasa Indonesia)",
    "label_en": "Label (English)",
    "description_en": "Definition",
    "description_id": "Definisi (Bahasa Indonesia)",
    "sql": "Formula",
    "numerator": "Numerator",
    "denominator": "Denominator",
    "format": "Format",
    "lower_is_better": "Direction",
    "neutral": None,  # said in the Direction row
    "small": "Small-number flag (query column)",
    "source": "Source of the rule",
    # Signal
    "formula": "Rule",
    "decision_en": "Decisions where the rule is silent",
    "decision_id": "Keputusan (Bahasa Indonesia)",
    "register_based": "Reads the register",
    "needs_benefit": "Needs a benefit amount",
    "companion": "Companion count",
}
# The order fields are written in; any other field follows, under its own name.
FIELD_ORDER = ("label_id", "label_en", "description_en", "description_id", "sql", "formula", "numerator",
               "denominator", "format", "lower_is_better", "small", "decision_en", "decision_id", "register_based",
               "needs_benefit", "companion", "source")


def setting_default(name: str) -> str:
    """A setting's documented default (not the environment's value: the page
    must not depend on who generates it)."""
    return settings.SETTINGS[name].default


def pct_text(value: str) -> str:
    return f"{float(value) * 100:g}%"


def rules() -> list[str]:
    values = {
        "small": {"n": setting_default("min_families")},
        "targets": {"now": pct_text(setting_default("target_2026")), "next": pct_text(setting_default("target_next"))},
        "did": {"reading": words.did_reading(language=LANG)},
    }
    keys = [key for key in i18n.STRINGS if key.startswith(RULE_PREFIX)]
    return [f"- {i18n.t(key, LANG, **values.get(key.removeprefix(RULE_PREFIX), {}))}" for key in keys]


def cell(text: str) -> str:
    """Text safe inside one Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def code(text: str) -> str:
    """Inline code inside a table cell (a `|` escaped, or it would end the cell)."""
    text = cell(text)
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def value_text(record, name: str, value) -> str | None:
    """How one field reads in the table; None leaves the row out."""
    if value is None or value == "":
        return None
    if name in ("sql", "formula", "numerator", "denominator", "small"):
        return code(value)
    if name == "format":
        return cell(i18n.t(f"metodologi.format.{value}", LANG) + f" (`{value}`)")
    if name == "lower_is_better":
        if getattr(record, "format", None) not in ("pct", "pp"):
            return None
        return cell(words.direction(record.id, LANG))
    if name == "source":
        if value != indicators.PROJECT:
            return cell(value)
        return ("this project's own monitoring rule ([signals.md](signals.md))" if isinstance(record, signals.Signal)
                else "this project's own definition (the rules above)")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name.startswith("description_"):
        return cell(indicators.with_days(value, setting_default("timely_days")))
    return cell(value)


def record_section(record, extra: list[str] | None = None) -> list[str]:
    names = [f.name for f in dataclasses.fields(record) if f.name != "id"]
    ordered = [n for n in FIELD_ORDER if n in names] + [n for n in names if n not in FIELD_ORDER]
    lines = [f"### {record.label(LANG)} · `{record.id}`", "", "| | |", "|---|---|"]
    for name in ordered:
        if name in FIELD_TITLES and FIELD_TITLES[name] is None:
            continue
        text = value_text(record, name, getattr(record, name))
        if text is not None:
            lines.append(f"| {FIELD_TITLES.get(name, f'`{name}`')} | {text} |")
    return lines + [""] + (extra or [])


def render() -> str:
    lines = [
        "# Indicators and signals",
        "",
        f"<!-- Generated by scripts/build_docs.py from bansos/indicators.py, bansos/signals.py and the Metodologi "
        f"rules (bansos/translations/metodologi.py). Do not edit by hand: change the records, then run "
        f"`{COMMAND}`. -->",
        "",
        "Every figure the dashboard shows or exports is defined once, in a record: the",
        "indicators in `bansos/indicators.py`, the leakage signals in `bansos/signals.py`.",
        "The Metodologi page, the exports' data dictionary and this page are all made",
        "from those records. How signals are counted and where they show is in",
        "[signals.md](signals.md); how the pieces fit, in [architecture.md](architecture.md).",
        "",
        "## Notation",
        "",
        NOTATION,
        "## Rules",
        "",
        "The rules every indicator follows, as the Metodologi page states them (with",
        "the settings' defaults; the page shows the values in use). The programme",
        "thresholds are the `max_desil` column of `data/reference/programs.csv`.",
        "",
        *rules(),
        "",
        "## Indicators",
        "",
        "`sql` is the formula over the columns the queries return; a rate's",
        "numerator and denominator are always returned beside it.",
        "",
    ]
    for indicator in indicators.INDICATORS:
        lines += record_section(indicator)
    lines += [
        "## Signals",
        "",
        "Each signal counts families per region × programme × year × tranche, with a",
        "rate per 1,000 recipients (see [signals.md](signals.md)). The statement below",
        "each table is the one the numbers come from, read from",
        "`queries/marts/60_signals.sql` between the markers `-- signal: <id>` and",
        "`-- end: <id>`.",
        "",
    ]
    for signal in signals.SIGNALS:
        lines += record_section(signal, ["```sql", signal.sql, "```", ""])
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/indicators.md is not current")
    parser.add_argument("--out", type=Path, default=OUT, help="file to write (default: docs/indicators.md)")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is not current: run {COMMAND}", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
