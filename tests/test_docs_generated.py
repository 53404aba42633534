"""docs/indicators.md is generated from the definition records
(scripts/build_docs.py): the committed file must be what the script writes
now, so a record changed without regenerating the page fails here."""

from __future__ import annotations

import dataclasses
import importlib.util
import subprocess
import sys
from pathlib import Path

from bansos import indicators, signals

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "build_docs.py"
DOC = REPO / "docs" / "indicators.md"


def load_script():
    spec = importlib.util.spec_from_file_location("build_docs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_page_is_current():
    build_docs = load_script()
    assert DOC.read_text(encoding="utf-8") == build_docs.render(), (
        f"docs/indicators.md is not what the records give now: run {build_docs.COMMAND} and commit the result")


def test_page_holds_every_record_and_its_fields():
    text = DOC.read_text(encoding="utf-8")
    days = load_script().setting_default("timely_days")  # the page fills definitions with the default
    missing = []
    for record in (*indicators.INDICATORS, *signals.SIGNALS):
        definition = " ".join(indicators.with_days(record.description_en, days).split())
        for needle in (f"· `{record.id}`", record.label_id, record.label_en, definition):
            if needle.replace("|", "\\|") not in text:  # a | is escaped inside a table cell
                missing.append((record.id, needle[:60]))
    for indicator in indicators.INDICATORS:
        for field in ("sql", "numerator", "denominator"):
            value = getattr(indicator, field)
            if value and f"`{' '.join(value.split())}`".replace("|", "\\|") not in text:
                missing.append((indicator.id, field))
    for signal in signals.SIGNALS:
        if signal.sql not in text:
            missing.append((signal.id, "sql"))
    assert missing == []


def test_a_changed_record_makes_the_page_stale(monkeypatch):
    build_docs = load_script()
    changed = dataclasses.replace(indicators.INDICATORS[0], label_en="A label nobody wrote")
    monkeypatch.setattr(indicators, "INDICATORS", (changed, *indicators.INDICATORS[1:]))
    page = build_docs.render()
    assert "A label nobody wrote" in page and page != DOC.read_text(encoding="utf-8")


def test_check_option_says_how_to_regenerate(tmp_path):
    stale = tmp_path / "indicators.md"
    stale.write_text("old\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(SCRIPT), "--check", "--out", str(stale)],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "scripts/build_docs.py" in result.stderr
    current = subprocess.run([sys.executable, str(SCRIPT), "--check"], cwd=REPO, capture_output=True, text=True,
                             timeout=120)
    assert current.returncode == 0, current.stderr
