"""The allocation-side queries (disbursement by tranche, payment status,
channel mix) on a hand-built fixture, against numbers worked out by hand.

Until now these were only compared with the benchmark's pandas twins, which
share the code's reading of the rules. The fixture exercises each rule that
makes the counts differ from a plain count of rows:
  - a reroute (F2: a failed BRI payment paid again through PT Pos) is not an
    allocation: not in the allocated amount, not a recipient;
  - a reroute may sit in another kab/kota (F8: paid in 18.71, failed in 35.10);
  - a family allocated twice in one kab/kota by two institutions (F6) is one
    recipient there (its primary row: the earliest payment, BRI), while both
    amounts count as allocated and disbursed;
  - timeliness: paid on or before tranche start + the window (the boundary
    day F3 counts), with the default 30 days, with 10 days after a rebuild,
    and with a tranche that starts in mid-month.
Tranche starts (data/reference/tranche_calendar.csv): T1 1 January, T2 1 April.
A second fixture ranks pilots with more than 30 families each, with a tie.
Nothing here was produced by running the code.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from bansos.ingest import LoadRequest, ingest
from bansos.queries import QueryRunner
from tests.ingest_files import kk

# family, region code, amount, status, institution, paid date (PKH 2026 tranche 1 unless said)
T1 = [
    ("F1", "18.72.01", 600000, "tersalur", "BRI", "2026-01-05"),
    ("F2", "18.72.01", 600000, "gagal", "BRI", ""),
    ("F2", "18.72.01", 600000, "tersalur", "POS", "2026-01-20"),
    ("F3", "18.72.01", 600000, "tersalur", "BRI", "2026-01-11"),
    ("F4", "18.72.01", 600000, "proses", "BNI", ""),
    ("F5", "18.72.01", 600000, "retur", "BNI", ""),
    ("F6", "18.72.01", 600000, "tersalur", "BRI", "2026-01-08"),
    ("F6", "18.72.01", 600000, "tersalur", "BNI", "2026-01-09"),
    ("F7", "18.71", 400000, "tersalur", "BRI", "2026-01-02"),
    ("F8", "18.71", 400000, "tersalur", "BRI", "2026-01-03"),
    ("F8", "35.10", 500000, "gagal", "POS", ""),
    ("F9", "35.10", 500000, "tersalur", "POS", "2026-02-01"),
]
T2 = [
    ("F1", "18.72.01", 600000, "tersalur", "BRI", "2026-04-05"),
    ("F3", "18.72.01", 600000, "proses", "BRI", ""),
]
NUMBER = {f"F{n}": n for n in range(1, 10)}
REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"


@pytest.fixture
def db(warehouse, tmp_path):
    lines = ["no_kk,program,tahun,tahap,kode_wilayah,nominal,status_salur,lembaga_penyalur,tanggal_salur"]
    for tranche, rows in ((1, T1), (2, T2)):
        lines += [f"{kk(NUMBER[f])},PKH,2026,{tranche},{code},{amount},{status},{institution},{paid}"
                  for f, code, amount, status, institution, paid in rows]
    extract = tmp_path / "penyaluran.csv"
    extract.write_text("\n".join(lines) + "\n")
    results = ingest(warehouse, [LoadRequest(extract, as_of="2026-06-01")])
    assert [(r.status, r.rows_loaded, r.rows_quarantined) for r in results] == [("loaded", 14, 0)], results[0].message
    return warehouse


def by_tranche(db, **filters):
    frame = QueryRunner(db, cache=False).run("disbursement_by_tranche", program="PKH", province=filters.get("province"),
                                             regions=filters.get("regions"))
    return {int(row.tranche): row for row in frame.itertuples()}


def test_disbursement_by_tranche(db):
    t1, t2 = by_tranche(db)[1], by_tranche(db)[2]
    # Recipients: F1..F9 once each = 9 (F2's BRI row and F8's 35.10 row are reroutes, F6 is one family).
    assert t1.recipients == 9
    # Allocated: 18.72 F1 + F2(POS) + F3 + F4 + F5 + F6×2 = 7 × 600,000 = 4,200,000; 18.71 F7 + F8 = 800,000;
    # 35.10 F9 = 500,000 (F8's failed row is a reroute) → 5,500,000.
    assert t1.allocated_amount == 5_500_000
    # Disbursed (every tersalur row): 18.72 F1, F2(POS), F3, F6×2 = 3,000,000; 18.71 800,000; 35.10 F9 500,000.
    assert t1.disbursed_amount == 4_300_000
    assert math.isclose(t1.disbursement_rate, 4_300_000 / 5_500_000, rel_tol=1e-12)
    # Paid families (primary row tersalur): F1, F2, F3, F6, F7, F8, F9 = 7 of 9.
    assert t1.paid_families == 7 and math.isclose(t1.disbursement_rate_families, 7 / 9, rel_tol=1e-12)
    # Within 30 days of 1 January (≤ 31 January): all paid but F9 (1 February) = 6.
    assert t1.timely_families == 6 and math.isclose(t1.timeliness, 6 / 9, rel_tol=1e-12)
    # Statuses of primary rows: F5 retur, F4 proses; no failed family (F2's and F8's failures were paid again).
    assert (t1.failed_families, t1.returned_families, t1.pending_families) == (0, 1, 1)
    # T2: F1 paid 5 April (timely), F3 pending.
    assert (t2.recipients, t2.allocated_amount, t2.disbursed_amount, t2.paid_families, t2.timely_families,
            t2.pending_families) == (2, 1_200_000, 600_000, 1, 1, 1)
    # Province 18 (18.72 and 18.71): 35.10's F9 (500,000 paid late) and F8's reroute leave.
    lampung = by_tranche(db, province="18")[1]
    assert (lampung.recipients, lampung.allocated_amount, lampung.disbursed_amount, lampung.paid_families,
            lampung.timely_families) == (8, 5_000_000, 3_800_000, 6, 6)


def test_timeliness_follows_the_window_after_a_rebuild(db, cli, monkeypatch):
    monkeypatch.setenv("BANSOS_TIMELY_DAYS", "10")
    run = cli("rebuild", "--db", db)
    assert run.returncode == 0, run.stderr
    t1, t2 = by_tranche(db)[1], by_tranche(db)[2]
    # ≤ 11 January: F1 (5th), F3 (11th, the boundary day counts), F6 (8th, its primary row), F7 (2nd), F8 (3rd) = 5;
    # F2 (20th) and F9 (1 February) are late.
    assert t1.timely_families == 5 and math.isclose(t1.timeliness, 5 / 9, rel_tol=1e-12)
    assert t2.timely_families == 1  # 5 April ≤ 11 April


def test_payment_status_shares_add_up_to_the_recipients(db):
    frame = QueryRunner(db, cache=False).run("cakupan_payment_status", program="PKH", regions=None)
    t1 = frame[(frame.year == 2026) & (frame.tranche == 1)]
    assert list(t1.status) == ["tersalur", "gagal", "retur", "proses"]
    assert list(t1.families) == [7, 0, 1, 1] and set(t1.recipients) == {9}
    assert [round(v, 12) for v in t1.share] == [round(7 / 9, 12), 0.0, round(1 / 9, 12), round(1 / 9, 12)]
    # One region: 18.72 has F1..F6 = 6 recipients; paid F1, F2, F3, F6; F5 retur; F4 proses.
    metro = QueryRunner(db, cache=False).run("cakupan_payment_status", program="PKH", regions=["18.72"])
    metro_t1 = metro[(metro.year == 2026) & (metro.tranche == 1)]
    assert list(metro_t1.families) == [4, 0, 1, 1] and set(metro_t1.recipients) == {6}


def test_channel_mix_by_paying_institution(db):
    frame = QueryRunner(db, cache=False).run("channel_mix", program="PKH", year=2026, tranche=1, province=None, regions=None)
    rows = {row.institution: row for row in frame.itertuples()}
    assert list(frame.institution) == ["BRI", "POS", "BNI"]  # by amount paid, most first
    # BRI: F1, F3, F6 (600,000 each; F6's primary row) in 18.72, F7 and F8 (400,000) in 18.71; F2's BRI row is a reroute.
    assert (rows["BRI"].recipients, rows["BRI"].paid_families, rows["BRI"].disbursed_amount) == (5, 5, 2_600_000)
    # POS: F2's second payment (600,000) and F9 (500,000); F8's failed 35.10 row is a reroute.
    assert (rows["POS"].recipients, rows["POS"].paid_families, rows["POS"].disbursed_amount) == (2, 2, 1_100_000)
    # BNI: F4 (proses) and F5 (retur) are its recipients; F6's second payment (600,000) is paid money but F6 counts
    # once, under BRI.
    assert (rows["BNI"].recipients, rows["BNI"].paid_families, rows["BNI"].disbursed_amount) == (2, 0, 600_000)
    for name, paid in (("BRI", 2_600_000), ("POS", 1_100_000), ("BNI", 600_000)):
        assert math.isclose(rows[name].share, paid / 4_300_000, rel_tol=1e-12)


# -- ranks among pilots: more than 30 families, ties, the small and the non-pilot left out --------------

# region: (eligible families (desil 1), of which allocated PKH 2026 T1). Every recipient is eligible.
RANKED = {
    "35.73": (50, 45),  # coverage 0.9, exclusion error 0.1: first
    "18.72": (40, 32),  # coverage 0.8, exclusion 0.2
    "35.10": (30, 24),  # coverage 0.8, exclusion 0.2: tied with 18.72 (30 eligible: not small)
    "35.76": (10, 10),  # coverage 1.0 but 10 < 30 eligible families: flagged, not ranked
    "18.71": (40, 40),  # coverage 1.0 but not a pilot: not ranked among pilots
}


@pytest.fixture
def ranked_db(warehouse, tmp_path):
    register = ["no_kk,kode_wilayah,desil,tanggal_data"]
    allocations = ["no_kk,program,tahun,tahap,kode_wilayah,nominal,status_salur,lembaga_penyalur,tanggal_salur"]
    serial = 0
    for region, (eligible, allocated) in RANKED.items():
        for n in range(eligible):
            serial += 1
            register.append(f"{kk(serial)},{region},1,2026-01-31")
            if n < allocated:
                allocations.append(f"{kk(serial)},PKH,2026,1,{region},600000,tersalur,BRI,2026-01-10")
    (tmp_path / "keluarga.csv").write_text("\n".join(register) + "\n")
    (tmp_path / "penyaluran.csv").write_text("\n".join(allocations) + "\n")
    results = ingest(warehouse, [LoadRequest(tmp_path / "keluarga.csv"), LoadRequest(tmp_path / "penyaluran.csv")])
    assert [(r.status, r.rows_quarantined) for r in results] == [("loaded", 0), ("loaded", 0)], [r.message for r in results]
    return warehouse


def indicators(db, regions=None):
    frame = QueryRunner(db, cache=False).run("region_indicators", as_of=None, basis="desil", program="PKH", year=2026,
                                             tranche=1, province=None, regions=regions)
    return {row.region_code: row for row in frame.itertuples()}


def test_ranks_among_pilots_with_ties_and_the_small_and_the_non_pilot_unranked(ranked_db):
    rows = indicators(ranked_db)
    assert math.isclose(rows["18.72"].coverage, 32 / 40) and math.isclose(rows["35.10"].coverage, 24 / 30)
    # Coverage, most first: 35.73 (0.9) first; 18.72 and 35.10 tie at 0.8 and share second place.
    assert {code: rows[code].rank_coverage for code in ("35.73", "18.72", "35.10")} == {"35.73": 1, "18.72": 2, "35.10": 2}
    # Exclusion error, least first: the same order (0.1, then 0.2 twice).
    assert {code: rows[code].rank_exclusion_error for code in ("35.73", "18.72", "35.10")} == {
        "35.73": 1, "18.72": 2, "35.10": 2}
    # 35.76's 100 % rests on 10 families: flagged, no rank; 18.71 is not a pilot: no rank among pilots.
    assert rows["35.76"].coverage_small and not rows["18.72"].coverage_small and not rows["35.10"].coverage_small
    for code in ("35.76", "18.71"):
        assert pd.isna(rows[code].rank_coverage), code
    # A view of one region keeps its place among all pilots.
    assert indicators(ranked_db, regions=["35.10"])["35.10"].rank_coverage == 2


def test_timeliness_counts_from_a_tranche_start_in_mid_month(warehouse, tmp_path, monkeypatch):
    # The tranche calendar is reference data: here tranche 1 starts on 15 January, and the window is 10 days,
    # so a payment is timely up to 25 January.
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE, reference)
    (reference / "tranche_calendar.csv").write_text("tranche,start_month,start_day\n1,1,15\n2,4,1\n3,7,1\n4,10,1\n")
    monkeypatch.setenv("BANSOS_TIMELY_DAYS", "10")
    lines = ["no_kk,program,tahun,tahap,kode_wilayah,nominal,status_salur,lembaga_penyalur,tanggal_salur"]
    lines += [f"{kk(NUMBER[f])},PKH,2026,1,{code},{amount},{status},{institution},{paid}"
              for f, code, amount, status, institution, paid in T1]
    (tmp_path / "penyaluran.csv").write_text("\n".join(lines) + "\n")
    # A new warehouse takes its reference tables from the folder it is made with (the key: the fixture's).
    fresh = tmp_path / "fresh" / "w.duckdb"
    results = ingest(fresh, [LoadRequest(tmp_path / "penyaluran.csv")], reference_dir=reference)
    assert [r.status for r in results] == ["loaded"], results[0].message
    t1 = by_tranche(fresh)[1]
    # ≤ 25 January: F1 (5th), F2's second payment (20th: late when the tranche starts on the 1st), F3 (11th),
    # F6 (8th), F7 (2nd), F8 (3rd) = 6 of 9; F9 (1 February) is late.
    assert t1.timely_families == 6 and math.isclose(t1.timeliness, 6 / 9, rel_tol=1e-12)
