"""Leakage signals on a hand-built fixture, against numbers worked out by hand.

The fixture (real CSV extracts, loaded by the real ingestion) has three regions:
  A = 18.72 Kota Metro (pilot), B = 18.71 Kota Bandar Lampung (not a pilot),
  C = 35.10 Banyuwangi (pilot, allocations but no register).
Programme table (data/reference/programs.csv): PKH desil ≤ 1 and no benefit
amount; SEMBAKO desil ≤ 2, Rp600.000 a tranche; BLT desil ≤ 4, Rp900.000.
Tranche calendar: tranche 1 starts 1 Jan, tranche 4 on 1 Oct. Timeliness
setting N = 30 days.

Registers:
  2025-06-30  A: A1 d1, A2 d1, A3 d2, A4 d5, M d1        B: B1 d1, B2 d3
  2026-01-31  A: A1 d1, A2 d1, A3 d2, A4 d5, A5 d1, E1 d1, E2 d2
              B: B1 d1, B2 d3, M d1
M is the family that moved from A to B between the two snapshots.

Every expected number below was worked out by hand from these rows; the
reasoning is written beside it. Nothing here was produced by running the code.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from bansos import signals
from bansos.ingest import LoadRequest, ingest
from bansos.queries import QueryRunner

A, B, C = "18.72", "18.71", "35.10"
LATEST, EARLIER = "2026-01-31", "2025-06-30"


def kk(name: str) -> str:
    number = sum(ord(ch) * 37 ** i for i, ch in enumerate(name)) % 10**8
    return f"18720200{number:08d}"


# family, region code, desil, snapshot
REGISTER = [
    ("A1", "18.72.01", 1, EARLIER), ("A2", "18.72.01", 1, EARLIER), ("A3", "18.72.01", 2, EARLIER),
    ("A4", "18.72.01", 5, EARLIER), ("M", "18.72.01", 1, EARLIER),
    ("B1", "18.71", 1, EARLIER), ("B2", "18.71", 3, EARLIER),
    ("A1", "18.72.01", 1, LATEST), ("A2", "18.72.01", 1, LATEST), ("A3", "18.72.01", 2, LATEST),
    ("A4", "18.72.01", 5, LATEST), ("A5", "18.72.01", 1, LATEST), ("E1", "18.72.01", 1, LATEST),
    ("E2", "18.72.01", 2, LATEST),
    ("B1", "18.71", 1, LATEST), ("B2", "18.71", 3, LATEST), ("M", "18.71", 1, LATEST),
]

# family, program, year, tranche, region code, nominal, status, institution, paid date
ALLOCATIONS = [
    # 2025 tranche 4 (starts 1 Oct): the moved family M still allocated by A.
    ("M", "PKH", 2025, 4, "18.72.01", 500000, "tersalur", "BRI", "2025-10-10"),
    ("A1", "PKH", 2025, 4, "18.72.01", 500000, "tersalur", "BRI", "2025-10-05"),
    # 2026 tranche 1 (starts 1 Jan; on time up to 31 Jan)
    ("M", "PKH", 2026, 1, "18.71", 500000, "tersalur", "BRI", "2026-01-15"),       # moved: now allocated by B
    ("M", "SEMBAKO", 2026, 1, "18.72.01", 300000, "gagal", "BRI", ""),             # reroute: failed in A ...
    ("M", "SEMBAKO", 2026, 1, "18.71", 600000, "tersalur", "POS", "2026-01-20"),   # ... paid again through PT Pos in B
    ("A1", "PKH", 2026, 1, "18.72.01", 500000, "tersalur", "BRI", "2026-01-05"),
    ("A1", "SEMBAKO", 2026, 1, "18.72.01", 600000, "tersalur", "BRI", "2026-01-05"),  # two institutions,
    ("A1", "SEMBAKO", 2026, 1, "18.72.01", 600000, "proses", "POS", ""),              # both live
    ("A1", "BLT", 2026, 1, "18.72.01", 900000, "tersalur", "BRI", "2026-01-06"),
    ("A2", "PKH", 2026, 1, "18.72.01", 500000, "tersalur", "BRI", "2026-01-10"),   # two kab/kota
    ("A2", "PKH", 2026, 1, "18.71", 500000, "tersalur", "BNI", "2026-01-12"),
    ("A3", "BLT", 2026, 1, "18.72.01", 900000, "gagal", "BRI", ""),                # two rows, both failed:
    ("A3", "BLT", 2026, 1, "18.72.01", 900000, "retur", "POS", ""),                # no reroute (nothing live)
    ("A4", "SEMBAKO", 2026, 1, "18.72.01", 1200000, "tersalur", "BRI", "2026-01-10"),  # two tranches at once
    ("A5", "PKH", 2026, 1, "18.72.01", 500000, "tersalur", "BRI", "2026-03-15"),   # day 73: late
    ("G", "PKH", 2026, 1, "18.72.01", 500000, "tersalur", "BRI", "2026-01-20"),    # in no register, paid
    ("G2", "PKH", 2026, 1, "18.72.01", 500000, "proses", "BRI", ""),               # in no register, not paid
    ("B1", "PKH", 2026, 1, "18.71", 500000, "tersalur", "BRI", "2025-12-28"),      # before the tranche started
    ("B2", "SEMBAKO", 2026, 1, "18.71", 600000, "tersalur", "BRI", "2026-02-01"),  # day 31: late
    ("C1", "PKH", 2026, 1, "35.10", 500000, "tersalur", "POS", "2026-01-31"),      # day 30: on time
    ("C2", "PKH", 2026, 1, "35.10", 500000, "tersalur", "POS", "2026-03-02"),      # day 60: late
]


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    import os

    folder = tmp_path_factory.mktemp("signals")
    os.environ["BANSOS_KEY_FILE"] = str(folder / "keys" / "key")
    register = ["no_kk,kode_wilayah,desil,tanggal_data"]
    register += [f"{kk(f)},{code},{desil},{snapshot}" for f, code, desil, snapshot in REGISTER]
    allocations = ["no_kk,program,tahun,tahap,kode_wilayah,nominal,status_salur,lembaga_penyalur,tanggal_salur"]
    allocations += [",".join(map(str, (kk(f), p, y, t, code, n, s, i, d))) for f, p, y, t, code, n, s, i, d in ALLOCATIONS]
    (folder / "keluarga.csv").write_text("\n".join(register) + "\n")
    (folder / "penyaluran.csv").write_text("\n".join(allocations) + "\n")
    db = folder / "w.duckdb"
    results = ingest(db, [LoadRequest(folder / "keluarga.csv"), LoadRequest(folder / "penyaluran.csv", as_of="2026-06-01")])
    assert [r.status for r in results] == ["loaded", "loaded"], [r.message for r in results]
    assert [r.rows_quarantined for r in results] == [0, 0]
    query_runner = QueryRunner(db, cache=False)
    yield query_runner
    query_runner.close()


def by_region(runner, as_of=None, basis="desil", program=None, year=2026, tranche=1) -> dict:
    frame = runner.run("signals_by_region", as_of=as_of, basis=basis, program=program, year=year, tranche=tranche,
                       province=None, regions=None)
    return {(r.region_code, r.program, r.signal): r for r in frame.itertuples()}


def count(rows, region, program, signal):
    value = rows[(region, program, signal)].count
    return None if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA else int(value)


def test_double_allocation_counts_each_region_and_skips_reroutes_and_moves(runner):
    rows = by_region(runner)
    # PKH T1: A2 allocated by A (BRI) and by B (BNI): counted in both regions.
    # M: PKH by A in 2025 T4 and by B in 2026 T1 — a move between snapshots, different tranches: not double.
    assert count(rows, A, "PKH", "double_allocation") == 1
    assert count(rows, B, "PKH", "double_allocation") == 1
    assert count(rows, C, "PKH", "double_allocation") == 0
    # SEMBAKO T1: A1 twice in A (BRI paid, POS pending): 1. M's failed row in A is a reroute (paid
    # again in B), so M holds one SEMBAKO allocation: not double, in A nor B.
    assert count(rows, A, "SEMBAKO", "double_allocation") == 1
    assert count(rows, B, "SEMBAKO", "double_allocation") == 0
    # BLT T1: A3's two rows both failed: no live row, so neither is a reroute; allocated twice: 1.
    assert count(rows, A, "BLT", "double_allocation") == 1
    # Rate per 1,000 recipients: R_A(PKH, T1) = {A1, A2, A5, G, G2} = 5 → 1 / 5 × 1000 = 200.
    assert rows[(A, "PKH", "double_allocation")].recipients == 5
    assert rows[(A, "PKH", "double_allocation")].per_1000 == pytest.approx(200.0)
    # R_B(PKH, T1) = {M, A2, B1} = 3 → 333.3…
    assert rows[(B, "PKH", "double_allocation")].per_1000 == pytest.approx(1000 / 3)
    # 2025 T4: M and A1 once each.
    earlier = by_region(runner, year=2025, tranche=4)
    assert count(earlier, A, "PKH", "double_allocation") == 0


def test_paid_not_registered_follows_the_snapshot(runner):
    latest = by_region(runner)
    # At 2026-01-31 A uses its 2026 register, B its 2026 register (with M). PKH T1 paid in A:
    # A1, A2, A5 (registered), G (in no register) → 1; G2 is not paid. B: M, A2, B1 all registered → 0.
    assert count(latest, A, "PKH", "paid_not_registered") == 1
    assert count(latest, B, "PKH", "paid_not_registered") == 0
    # C has no register at all: no figure (empty, not 0).
    assert count(latest, C, "PKH", "paid_not_registered") is None
    # 2025 T4 at 2026-01-31: M is no longer in A's register but is in B's: registered (any region) → 0.
    assert count(by_region(runner, year=2025, tranche=4), A, "PKH", "paid_not_registered") == 0
    # At 2025-06-30 A uses its 2025 register (A1-A4, M), B its 2025 register (B1, B2): A5 joined later,
    # so A's paid PKH recipients not registered are G and A5 → 2.
    earlier = by_region(runner, as_of=EARLIER)
    assert count(earlier, A, "PKH", "paid_not_registered") == 2
    assert count(earlier, B, "PKH", "paid_not_registered") == 0


def test_paid_off_window_before_start_or_after_n_days(runner):
    rows = by_region(runner)
    # PKH T1 (start 1 Jan, N = 30): A — A1 day 4, A2 day 9, G day 19, A5 15 Mar (day 73) → 1.
    assert count(rows, A, "PKH", "paid_off_window") == 1
    # B — M day 14, A2 day 11, B1 paid 28 Dec, before the tranche started → 1.
    assert count(rows, B, "PKH", "paid_off_window") == 1
    # C — C1 paid 31 Jan, day 30 exactly: on time; C2 paid 2 Mar, day 60: late → 1.
    assert count(rows, C, "PKH", "paid_off_window") == 1
    # SEMBAKO T1: B2 paid 1 Feb, day 31 → 1 in B; M (day 19) not. A: A1 day 4, A4 day 9 → 0.
    assert count(rows, B, "SEMBAKO", "paid_off_window") == 1
    assert count(rows, A, "SEMBAKO", "paid_off_window") == 0


def test_amount_mismatch_only_where_the_programme_has_a_benefit(runner):
    rows = by_region(runner)
    # SEMBAKO (Rp600.000): A4 allocated Rp1.200.000 → 1 in A; M's Rp300.000 row is a reroute, not judged.
    assert count(rows, A, "SEMBAKO", "amount_mismatch") == 1
    assert count(rows, B, "SEMBAKO", "amount_mismatch") == 0
    # R_A(SEMBAKO, T1) = {A1, A4} = 2 (M's reroute is no allocation) → 1 / 2 × 1000 = 500.
    assert rows[(A, "SEMBAKO", "amount_mismatch")].per_1000 == pytest.approx(500.0)
    # BLT (Rp900.000): every row 900.000 → 0.
    assert count(rows, A, "BLT", "amount_mismatch") == 0
    # PKH has no benefit amount in the programme table: no signal 4 at all (no row, not 0),
    # although its amounts differ (400.000 and 500.000 would both be "wrong" against anything).
    assert not any(key[1] == "PKH" and key[2] == "amount_mismatch" for key in rows)
    assert not any(key[1] == "PKH" and key[2] == "amount_mismatch" for key in by_region(runner, year=2025, tranche=4))


def test_concentration_beside_eligible_families_holding_none(runner):
    rows = by_region(runner)
    # A1 holds PKH, SEMBAKO and BLT in 2026 T1 → counted under each of its programmes in A.
    # A2 holds PKH only (twice), M holds PKH and SEMBAKO: 2 programmes, not counted.
    for program in ("PKH", "SEMBAKO", "BLT"):
        assert count(rows, A, program, "concentration") == 1
        assert count(rows, B, program, "concentration") == 0
    # Companion: eligible in A's 2026 register and holding no programme in 2026 T1 (any region).
    # Holding something: A1, A2, A3 (BLT, failed but allocated), A4, A5. Not: E1 (d1), E2 (d2).
    # PKH (d ≤ 1): A1, A2, A5, E1 → E1 → 1.  SEMBAKO (d ≤ 2): + A3, E2 → E1, E2 → 2.  BLT (d ≤ 4): 2.
    assert rows[(A, "PKH", "concentration")].eligible_without_any == 1
    assert rows[(A, "SEMBAKO", "concentration")].eligible_without_any == 2
    assert rows[(A, "BLT", "concentration")].eligible_without_any == 2
    # B's 2026 register: B1 (PKH), B2 (SEMBAKO), M (PKH + SEMBAKO) all hold something → 0.
    assert rows[(B, "BLT", "concentration")].eligible_without_any == 0
    # C has no register: no companion count; the companion is only on concentration rows.
    assert pd.isna(rows[(C, "PKH", "concentration")].eligible_without_any)
    assert pd.isna(rows[(A, "PKH", "double_allocation")].eligible_without_any)
    # Per 1,000: R_A(BLT, T1) = {A1, A3} = 2 → 500.
    assert rows[(A, "BLT", "concentration")].per_1000 == pytest.approx(500.0)


def test_regions_add_up_in_the_trend(runner):
    trend = runner.run("signals_by_period", as_of=None, basis="desil", program="PKH", regions=[A, B, C])
    by = {(r.year, r.tranche, r.signal): r for r in trend.itertuples()}
    t1 = by[(2026, 1, "double_allocation")]
    # A2 counts in A and in B: 1 + 1 + 0 = 2 over recipients 5 + 3 + 2 (C1, C2) = 10.
    assert (t1.count, t1.recipients) == (2, 10) and t1.per_1000 == pytest.approx(200.0)
    # Previous tranche (2025 T4) had none: change +2.
    assert (t1.prev_year, t1.prev_tranche, t1.prev_count, t1.count_change) == (2025, 4, 0, 2)
    # paid_not_registered: C has no register, so its recipients are not in the denominator: 1 / (5 + 3).
    pnr = by[(2026, 1, "paid_not_registered")]
    assert (pnr.count, pnr.recipients) == (1, 8) and pnr.per_1000 == pytest.approx(125.0)
    assert not any(key[2] == "amount_mismatch" for key in by)


def test_family_keys_behind_each_count(runner):
    families = runner.run("signal_families", as_of=None, signal=None, program=None, year=2026, tranche=1, province=None,
                          regions=None)
    assert families.family_key.str.fullmatch(r"[0-9a-f]{32}").all()
    assert not families.family_key.isin([kk(name) for name, *_ in REGISTER + ALLOCATIONS]).any()
    counts = by_region(runner)
    listed = families.groupby(["region_code", "program", "signal"]).size()
    for (region, program, signal), row in counts.items():
        expected = 0 if pd.isna(row.count) else int(row.count)
        assert listed.get((region, program, signal), 0) == expected, (region, program, signal)
    # A2's double allocation: the same key listed in A and in B.
    double = families[(families.signal == "double_allocation") & (families.program == "PKH")]
    assert set(double.region_code) == {A, B} and double.family_key.nunique() == 1
    # One signal's list (the Akuntabilitas page's) is that signal's rows of the whole list, in the same order.
    for signal in families.signal.unique():
        one = runner.run("signal_families", as_of=None, signal=signal, program=None, year=2026, tranche=1,
                         province=None, regions=None)
        assert one.equals(families[families.signal == signal].reset_index(drop=True)), signal


def test_every_signal_has_a_record_and_its_sql_in_the_mart():
    assert [s.id for s in signals.SIGNALS] == ["double_allocation", "paid_not_registered", "paid_off_window",
                                               "amount_mismatch", "concentration"]
    for signal in signals.SIGNALS:
        assert signal.label_id and signal.label_en and signal.description_id and signal.description_en
        assert signal.decision_id and signal.decision_en and signal.formula and signal.source
        assert f"'{signal.id}'" in signal.sql and "FROM" in signal.sql
    assert signals.applies("amount_mismatch", 600000) and not signals.applies("amount_mismatch", None)
    assert not signals.applies("amount_mismatch", float("nan")) and signals.applies("concentration", None)


# -- exports -----------------------------------------------------------------------------------

REPO = __import__("pathlib").Path(__file__).resolve().parents[1]


def export_cli(db, *args, access=None):
    import os
    import subprocess
    import sys

    env = {**os.environ, **({"BANSOS_ACCESS": str(access)} if access else {})}
    return subprocess.run([sys.executable, "-m", "bansos", "export", *args, "--db", str(db)], cwd=REPO, env=env,
                          capture_output=True, timeout=120)


def csv_rows(result) -> list[dict]:
    import csv
    import io

    assert result.returncode == 0, result.stderr.decode()
    return list(csv.DictReader(io.StringIO(result.stdout.decode("utf-8-sig"))))


def test_export_signals_one_row_per_region_programme_tranche_signal(runner, tmp_path):
    rows = csv_rows(export_cli(runner.db_path, "signals", "--year", "2026", "--tranche", "1"))
    assert {"signal", "count", "recipients", "per_1000", "region_code", "region_name", "province_code"} <= set(rows[0])
    keys = [(r["region_code"], r["program"], r["year"], r["tranche"], r["signal"]) for r in rows]
    assert len(keys) == len(set(keys))
    # 3 regions × (PKH 4 signals + SEMBAKO 5 + BLT 5): amount_mismatch has no PKH row.
    assert len(rows) == 3 * (4 + 5 + 5)
    by = {(r["region_code"], r["program"], r["signal"]): r for r in rows}
    double_a = by[(A, "PKH", "double_allocation")]
    assert (double_a["count"], double_a["recipients"], float(double_a["per_1000"])) == ("1", "5", 200.0)
    assert by[(C, "PKH", "paid_not_registered")]["count"] == ""          # no register: empty, not 0
    assert by[(A, "SEMBAKO", "concentration")]["eligible_without_any"] == "2"
    assert by[(A, "SEMBAKO", "double_allocation")]["eligible_without_any"] == ""
    out = tmp_path / "signals.xlsx"
    assert export_cli(runner.db_path, "signals", "--format", "xlsx", "--out", str(out), "--program", "PKH").returncode == 0
    from openpyxl import load_workbook

    sheet = load_workbook(out).worksheets[0]
    header = [c.value for c in sheet[1]]
    per_1000 = header.index("Per 1.000 penerima")
    values = [r[per_1000] for r in sheet.iter_rows(min_row=2, values_only=True) if r[per_1000] is not None]
    assert values and all(isinstance(v, (int, float)) for v in values) and max(values) > 1  # a rate per 1,000, not a fraction


def test_export_signal_families_is_for_analysts_and_local_mode(runner, tmp_path):
    # Local (no --as): the operator at the console has every right.
    everything = csv_rows(export_cli(runner.db_path, "signal-families", "--year", "2026", "--tranche", "1"))
    assert everything and all(len(r["family_key"]) == 32 for r in everything)
    assert {r["region_code"] for r in everything} == {A, B, C}
    out = tmp_path / "sf.csv"
    assert export_cli(runner.db_path, "signal-families", "--out", str(out)).returncode == 0
    meta = __import__("json").loads((tmp_path / "sf.csv.meta.json").read_text())
    assert meta["table"] == "signal-families" and meta["settings"]["timely_days"] == 30
    access = REPO / "data" / "access.example.toml"
    # An analyst of Jawa Timur gets Jawa Timur's families only (C2, paid late in Banyuwangi).
    analyst = csv_rows(export_cli(runner.db_path, "signal-families", "--as", "analis.jatim@example.go.id", access=access))
    assert analyst and {r["region_code"] for r in analyst} == {C}
    # Any other role is refused, exit 1, nothing written.
    for email in ("pimpinan.lampung@example.go.id", "evaluator@example.go.id", "operator.metro@example.go.id"):
        refused = export_cli(runner.db_path, "signal-families", "--as", email, access=access)
        assert refused.returncode == 1 and refused.stdout == b"" and b"family_export" in refused.stderr
    # The aggregate table is open to leadership within its scope.
    lampung = csv_rows(export_cli(runner.db_path, "signals", "--as", "pimpinan.lampung@example.go.id", access=access))
    assert {r["region_code"] for r in lampung} == {A, B}
