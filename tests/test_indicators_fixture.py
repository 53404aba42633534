"""Indicators on a hand-built fixture, against numbers computed by hand.

The fixture (written below as real CSV extracts and loaded with the real
ingestion) has three regions:
  A = 18.72 Kota Metro (pilot, province 18) — register with decisions,
      plus an older snapshot;
  B = 18.71 Kota Bandar Lampung (not a pilot, province 18) — register
      without decisions, snapshot 2025-12-31 (so at 2026-01-31 each region
      uses its own latest snapshot); it is A's default comparison region;
  C = 35.10 Banyuwangi (pilot, province 35) — allocations, no register.
Programme thresholds (data/reference/programs.csv): PKH desil ≤ 1,
SEMBAKO desil ≤ 2.

Every expected number below was worked out by hand from these rows; the
reasoning is written beside each one. Nothing here was produced by running
the code.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from bansos import marts
from bansos.ingest import LoadRequest, ingest
from bansos.queries import QueryRunner

A, B, C = "18.72", "18.71", "35.10"


def kk(name: str) -> str:
    """A 16-digit KK per family name, stable and unique."""
    number = sum(ord(ch) * 31 ** i for i, ch in enumerate(name)) % 10**8
    return f"18720100{number:08d}"


# family, region code, desil, decision, appeal, channel
REGISTER_2026 = [
    ("A1", "18.72.01", "1", "layak", "", "dtsen"),
    ("A2", "18.72.01", "1", "layak", "", "mandiri"),
    ("A3", "18.72.01", "1", "tidak_layak", "diterima", "agen"),
    ("A4", "18.72.01", "2", "layak", "", "agen"),
    ("A5", "18.72.01", "2", "tidak_layak", "ditolak", "mandiri"),
    ("A6", "18.72.01", "3", "tidak_layak", "tidak", "musdes"),
    ("A7", "18.72.01", "5", "", "", "dinsos"),
    ("A8", "18.72.01", "", "layak", "", "mandiri"),
    ("A9", "18.72.01", "1", "", "", ""),
    ("A10", "18.72", "4", "tidak_layak", "", "dtsen"),
    ("B1", "18.71", "1", "", "", ""),
    ("B2", "18.71", "1", "", "", ""),
    ("B3", "18.71", "2", "", "", ""),
    ("B4", "18.71", "3", "", "", ""),
    ("B5", "18.71", "9", "", "", ""),
    ("A9", "18.71", "3", "", "", ""),  # A9 also sits in B's register (moved family)
]
SNAPSHOT = {"18.72": "2026-01-31", "18.71": "2025-12-31"}
REGISTER_2025 = [("A1", "18.72.01", "2"), ("A2", "18.72.01", "1"), ("X1", "18.72.01", "1")]

# family, program, year, tranche, region code, nominal, status, institution, paid date
ALLOCATIONS = [
    ("A1", "PKH", 2026, 1, "18.72.01", 600000, "tersalur", "BRI", "2026-01-20"),
    ("A2", "PKH", 2026, 1, "18.72.01", 600000, "gagal", "BRI", ""),
    ("A7", "PKH", 2026, 1, "18.72.01", 600000, "tersalur", "POS", "2026-02-15"),
    ("N1", "PKH", 2026, 1, "18.72", 600000, "proses", "", ""),
    ("B1", "PKH", 2026, 1, "18.72.01", 600000, "tersalur", "BNI", "2026-01-10"),
    ("B2", "PKH", 2026, 1, "18.71", 400000, "tersalur", "BRI", "2026-01-05"),
    ("B5", "PKH", 2026, 1, "18.71", 400000, "tersalur", "BRI", "2026-03-01"),
    ("A9", "PKH", 2026, 1, "18.71", 400000, "retur", "BNI", ""),
    ("C1", "PKH", 2026, 1, "35.10", 500000, "tersalur", "POS", "2026-01-31"),
    ("C2", "PKH", 2026, 1, "35.10", 500000, "tersalur", "POS", "2026-01-31"),
    ("A1", "PKH", 2026, 2, "18.72.01", 600000, "tersalur", "BRI", "2026-04-10"),
    ("A3", "PKH", 2026, 2, "18.72.01", 600000, "tersalur", "BRI", "2026-04-12"),
    ("A9", "PKH", 2026, 2, "18.72.01", 600000, "tersalur", "BRI", "2026-05-30"),
    ("C1", "PKH", 2026, 2, "35.10", 500000, "proses", "POS", ""),
    ("A4", "SEMBAKO", 2026, 1, "18.72.01", 600000, "tersalur", "BRI", "2026-01-15"),
    ("A6", "SEMBAKO", 2026, 1, "18.72.01", 600000, "tersalur", "BRI", "2026-01-15"),
]


REGISTER_HEADER = "no_kk,kode_wilayah,desil,status_kelayakan,sanggah,kanal_registrasi,tanggal_data"
ALLOCATION_HEADER = "no_kk,program,tahun,tahap,kode_wilayah,nominal,status_salur,lembaga_penyalur,tanggal_salur"


def _register_lines(rows_2026, rows_2025=()) -> list[str]:
    return [
        f"{kk(f)},{code},{desil},{decision},{appeal},{channel},{SNAPSHOT[code[:5]]}"
        for f, code, desil, decision, appeal, channel in rows_2026
    ] + [f"{kk(f)},{code},{desil},,,,2025-06-30" for f, code, desil in rows_2025]


def _allocation_lines(rows) -> list[str]:
    return [",".join(map(str, (kk(f), p, y, t, code, n, s, i, d))) for f, p, y, t, code, n, s, i, d in rows]


def build_warehouse(folder):
    """The fixture's extracts written into `folder` and loaded with the real
    ingestion into `folder`/w.duckdb (the key: BANSOS_KEY_FILE). Also used by
    tests/test_spark_marts.py."""
    register = [REGISTER_HEADER, *_register_lines(REGISTER_2026, REGISTER_2025)]
    allocations = [ALLOCATION_HEADER, *_allocation_lines(ALLOCATIONS)]
    (folder / "keluarga.csv").write_text("\n".join(register) + "\n")
    (folder / "penyaluran.csv").write_text("\n".join(allocations) + "\n")
    db = folder / "w.duckdb"
    results = ingest(db, [LoadRequest(folder / "keluarga.csv"), LoadRequest(folder / "penyaluran.csv", as_of="2026-06-01")])
    assert [r.status for r in results] == ["loaded", "loaded"], [r.message for r in results]
    assert [r.rows_quarantined for r in results] == [0, 0]
    return db


def build_warehouse_file_by_file(folder):
    """The same rows in seven files, one ingest call each, ordered so that
    the first calls bring every snapshot date and every programme tranche
    and the others refresh the marts by region or by difference
    (bansos/marts.py `refresh`): the numbers below must not depend on how
    the rows arrived."""
    def a_register(region):  # a region's 2026 rows, without A9's row in B's register
        return [r for r in REGISTER_2026 if r[1].startswith(region) and r[:2] != ("A9", B)]

    first_a = [r for r in a_register(A) if r[0] in ("A7", "A9")]  # no decisions among them
    calls = [
        # every snapshot date: A's 2025 snapshot, part of A's 2026 one, B's without A9
        ("register", [*_register_lines(first_a, REGISTER_2025), *_register_lines(a_register(B))], "full"),
        # every programme tranche: A's allocations
        ("allocation", _allocation_lines([r for r in ALLOCATIONS if r[4].startswith(A)]), "full"),
        # the rest of A's 2026 snapshot brings its first decisions, which change
        # whether all its families can count as layak: by region
        ("register", _register_lines([r for r in a_register(A) if r not in first_a]), "incremental"),
        # B's allocations, in a kab/kota and tranches present: by difference
        ("allocation", _allocation_lines([r for r in ALLOCATIONS if r[4].startswith(B)]), "difference"),
        # C's: the first rows of kab/kota C, by region
        ("allocation", _allocation_lines([r for r in ALLOCATIONS if r[4].startswith(C)]), "incremental"),
        # A9 also in B's register: a family in two regions' registers, loaded
        # last, into B's snapshot, which keeps its place and (no) decisions: by difference
        ("register", _register_lines([r for r in REGISTER_2026 if r[:2] == ("A9", B)]), "difference"),
    ]
    db = folder / "w.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        # Three regions and a few families: every load touches more than half
        # of them, which would rebuild all marts (cost rules for large warehouses).
        patch.setattr(marts, "INCREMENTAL_MAX_SHARE", 1.0)
        patch.setattr(marts, "DIFFERENCE_MAX_SHARE", 1.0)
        _load_calls(folder, db, calls)
    return db


def _load_calls(folder, db, calls) -> None:
    import duckdb

    for number, (kind, lines, mode) in enumerate(calls):
        path = folder / f"{number}_{kind}.csv"
        path.write_text("\n".join([REGISTER_HEADER if kind == "register" else ALLOCATION_HEADER, *lines]) + "\n")
        results = ingest(db, [LoadRequest(path, as_of="2026-06-01" if kind == "allocation" else None)])
        assert [(r.status, r.rows_quarantined) for r in results] == [("loaded", 0)], [r.message for r in results]
        con = duckdb.connect(str(db), read_only=True)
        got = con.execute("SELECT value FROM meta WHERE key = 'marts_mode'").fetchone()[0]
        con.close()
        assert got.startswith(mode), (number, got)


@pytest.fixture(scope="module", params=["one call", "file by file"])
def runner(tmp_path_factory, request):
    import os

    folder = tmp_path_factory.mktemp("indicators")
    os.environ["BANSOS_KEY_FILE"] = str(folder / "keys" / "key")  # never beside the warehouse
    db = build_warehouse(folder) if request.param == "one call" else build_warehouse_file_by_file(folder)
    query_runner = QueryRunner(db, cache=False)
    yield query_runner
    query_runner.close()


def regions(runner, basis="desil", as_of=None, program=None, year=None, tranche=None):
    frame = runner.run(
        "region_indicators", as_of=as_of, basis=basis, program=program, year=year, tranche=tranche,
        province=None, regions=None,
    )
    return {(r.region_code, r.program, r.year, r.tranche): r for r in frame.itertuples()}


def is_empty(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def test_grid_has_every_region_programme_and_tranche(runner):
    rows = regions(runner)
    # 3 regions × (PKH 2026-1, PKH 2026-2, SEMBAKO 2026-1)
    assert len(rows) == 9
    assert {k[0] for k in rows} == {A, B, C}


def test_pkh_tranche_1_decile_basis(runner):
    rows = regions(runner, program="PKH", year=2026, tranche=1)
    a, b, c = rows[(A, "PKH", 2026, 1)], rows[(B, "PKH", 2026, 1)], rows[(C, "PKH", 2026, 1)]
    # A: E_A = {A1, A2, A3, A9} (desil 1 in A's register); R ∩ E_A = {A1, A2, A9} (A9 paid in B counts).
    assert (a.eligible_families, a.eligible_covered) == (4, 3)
    assert a.coverage == pytest.approx(0.75) and a.exclusion_error == pytest.approx(0.25)
    # R_A = {A1, A2, A7, N1, B1}; eligible anywhere: A1, A2, B1 (B1 via B's register); N1 in no register.
    assert (a.recipients, a.eligible_recipients, a.not_in_register) == (5, 3, 1)
    assert a.inclusion_error == pytest.approx(0.4)
    # B: E_B = {B1, B2} (A9's desil in B is 3); both allocated (B1 in A) → coverage 1.
    assert (b.eligible_families, b.eligible_covered, b.coverage) == (2, 2, 1.0)
    # R_B = {B2, B5, A9}: B2 and A9 (desil 1 in A's register) eligible, B5 desil 9 not.
    assert (b.recipients, b.eligible_recipients, b.not_in_register) == (3, 2, 0)
    assert b.inclusion_error == pytest.approx(1 / 3)
    # C has no register: register-based indicators are empty, recipients still counted.
    assert c.recipients == 2
    for value in (c.eligible_families, c.eligible_covered, c.eligible_recipients, c.not_in_register, c.coverage, c.inclusion_error):
        assert is_empty(value)


def test_disbursement_and_timeliness(runner):
    rows = regions(runner, program="PKH", year=2026, tranche=1)
    a, b, c = rows[(A, "PKH", 2026, 1)], rows[(B, "PKH", 2026, 1)], rows[(C, "PKH", 2026, 1)]
    # A: 5 × 600.000 allocated; paid A1, A7, B1 (A2 gagal, N1 proses).
    assert (a.allocated_amount, a.disbursed_amount, a.paid_families) == (3_000_000, 1_800_000, 3)
    assert a.disbursement_rate == pytest.approx(0.6) and a.disbursement_rate_families == pytest.approx(0.6)
    # Timely = paid by 1 Jan + 30 days = 31 Jan: A1 (20 Jan), B1 (10 Jan); A7 paid 15 Feb is late.
    assert a.timely_families == 2 and a.timeliness == pytest.approx(0.4)
    # B: 3 × 400.000; B2 and B5 paid (A9 retur); only B2 (5 Jan) on time.
    assert (b.allocated_amount, b.disbursed_amount) == (1_200_000, 800_000)
    assert b.disbursement_rate == pytest.approx(2 / 3) and b.timeliness == pytest.approx(1 / 3)
    # C: both paid on 31 Jan, exactly day 30: timely.
    assert (c.disbursement_rate, c.timeliness) == (1.0, 1.0)


def test_zero_denominators_are_empty_not_zero(runner):
    rows = regions(runner, program="PKH", year=2026, tranche=2)
    a, b, c = rows[(A, "PKH", 2026, 2)], rows[(B, "PKH", 2026, 2)], rows[(C, "PKH", 2026, 2)]
    # A: R = {A1, A3, A9}, all eligible; coverage 3/4; timely by 1 May: A1, A3 (A9 30 May late).
    assert (a.eligible_covered, a.coverage, a.recipients, a.inclusion_error) == (3, 0.75, 3, 0.0)
    assert a.timeliness == pytest.approx(2 / 3)
    # B: nobody allocated in T2: coverage 0/2 = 0, inclusion has denominator 0 → empty,
    # nothing allocated → disbursement rate empty.
    assert (b.eligible_families, b.eligible_covered, b.coverage, b.exclusion_error) == (2, 0, 0.0, 1.0)
    assert b.recipients == 0 and is_empty(b.inclusion_error) and is_empty(b.disbursement_rate)
    # C: 500.000 allocated, nothing paid yet → 0, not empty.
    assert (c.allocated_amount, c.disbursed_amount, c.disbursement_rate) == (500_000, 0, 0.0)


def test_sembako_uses_its_own_threshold(runner):
    rows = regions(runner, program="SEMBAKO", year=2026, tranche=1)
    a, b, c = rows[(A, "SEMBAKO", 2026, 1)], rows[(B, "SEMBAKO", 2026, 1)], rows[(C, "SEMBAKO", 2026, 1)]
    # desil ≤ 2: E_A = {A1, A2, A3, A4, A5, A9}; R = {A4, A6}: A4 covered; A6 (desil 3) not eligible.
    assert (a.eligible_families, a.eligible_covered, a.recipients, a.eligible_recipients) == (6, 1, 2, 1)
    assert a.coverage == pytest.approx(1 / 6) and a.inclusion_error == pytest.approx(0.5)
    assert (b.eligible_families, b.eligible_covered, b.recipients) == (3, 0, 0)
    assert c.recipients == 0 and is_empty(c.eligible_families)


def test_layak_basis(runner):
    rows = regions(runner, basis="layak", program="PKH", year=2026, tranche=1)
    a, b = rows[(A, "PKH", 2026, 1)], rows[(B, "PKH", 2026, 1)]
    # A's layak set: A1, A2, A4, A8 (decided layak) + A3 (appeal upheld) = 5; R ∩ = A1, A2.
    assert (a.eligible_families, a.eligible_covered) == (5, 2)
    assert a.coverage == pytest.approx(0.4)
    # R_A = {A1, A2, A7, N1, B1}: only A1, A2 layak (B has no decisions, so B1 is not layak).
    assert (a.recipients, a.eligible_recipients) == (5, 2) and a.inclusion_error == pytest.approx(0.6)
    # B has no registration data: no indicators on this basis.
    assert is_empty(b.eligible_families) and is_empty(b.inclusion_error) and b.recipients == 3


def test_snapshot_rule_uses_each_regions_latest_snapshot_on_or_before(runner):
    rows = regions(runner, as_of="2025-06-30", program="PKH", year=2026, tranche=1)
    a, b = rows[(A, "PKH", 2026, 1)], rows[(B, "PKH", 2026, 1)]
    # A's 2025-06-30 snapshot: A1 desil 2, A2 desil 1, X1 desil 1 → E_A = {A2, X1}; A2 allocated.
    assert (a.eligible_families, a.eligible_covered, a.coverage) == (2, 1, 0.5)
    # R_A: A2 eligible; A1 in register but desil 2; A7, N1, B1 in no register at that date.
    assert (a.recipients, a.eligible_recipients, a.not_in_register) == (5, 1, 3)
    assert a.inclusion_error == pytest.approx(0.8)
    # B has no snapshot on or before 2025-06-30.
    assert is_empty(b.eligible_families) and str(b.register_snapshot) in ("NaT", "None")


def test_sums_over_regions_add_numerators_and_denominators(runner):
    totals = runner.run("totals_by_period", as_of=None, basis="desil", program="PKH", regions=[A, B, C])
    t1 = totals[(totals.year == 2026) & (totals.tranche == 1)].iloc[0]
    # eligible 4 + 2 = 6, covered 3 + 2 = 5; C has no register and adds nothing.
    assert (t1.eligible_families, t1.eligible_covered) == (6, 5)
    assert t1.coverage == pytest.approx(5 / 6)
    # Inclusion over regions where it is defined: recipients 5 + 3 = 8, eligible 3 + 2 = 5 → 3/8.
    # C's two recipients (no register) are not counted as errors.
    assert (t1.recipients, t1.recipients_assessed, t1.eligible_recipients) == (10, 8, 5)
    assert t1.inclusion_error == pytest.approx(3 / 8)
    t2 = totals[(totals.year == 2026) & (totals.tranche == 2)].iloc[0]
    # T2: covered A 3 + B 0 = 3 of 6; previous tranche's coverage carried for the tile delta.
    assert t2.coverage == pytest.approx(0.5) and t2.prev_coverage == pytest.approx(5 / 6)
    assert (t2.prev_year, t2.prev_tranche) == (2026, 1)


def test_overview_totals_count_inclusion_only_where_it_is_defined(runner):
    totals = runner.run("totals_by_period", as_of=None, basis="desil", program="PKH", regions=[A, B, C])
    t1 = totals[(totals.year == 2026) & (totals.tranche == 1)].iloc[0]
    # Same sums as totals_by_period: C's 2 recipients have no register and are not errors.
    assert (t1.recipients, t1.recipients_assessed, t1.eligible_recipients, t1.ineligible_recipients) == (10, 8, 5, 3)
    assert t1.inclusion_error == pytest.approx(3 / 8) and t1.regions_with_register == 2
    layak = runner.run("totals_by_period", as_of=None, basis="layak", program="PKH", regions=[A, B, C])
    l1 = layak[(layak.year == 2026) & (layak.tranche == 1)].iloc[0]
    # Layak basis: only A has decisions → inclusion over A's 5 recipients, 2 of them layak.
    assert (l1.recipients_assessed, l1.eligible_recipients, l1.regions_with_register) == (5, 2, 1)
    assert l1.inclusion_error == pytest.approx(0.6)


def test_kecamatan_drill_down(runner):
    frame = runner.run("kecamatan_indicators", region=A, as_of=None, basis="desil", program="PKH", year=2026, tranche=1)
    rows = {r.kecamatan_code: r for r in frame.itertuples()}
    kec = rows["18.72.01"]
    # Metro Pusat: E = {A1, A2, A3, A9}, covered {A1, A2, A9}; recipients coded there: A1, A2, A7, B1.
    assert (kec.kecamatan_name, kec.eligible_families, kec.eligible_covered, kec.recipients, kec.eligible_recipients) == (
        "Metro Pusat", 4, 3, 4, 3,
    )
    # N1 was coded at kab/kota level only: a NULL kecamatan row, 1 recipient, none eligible.
    unknown = frame[frame.kecamatan_code.isna()].iloc[0]
    assert (unknown.recipients, unknown.eligible_recipients, unknown.not_in_register) == (1, 0, 1)
    assert is_empty(unknown.coverage) and unknown.inclusion_error == 1.0


def test_registration_funnel(runner):
    frame = runner.run("funnel", as_of=None, program="PKH", year=2026, tranche=2, province=None, regions=[A])
    f = frame.iloc[0]
    # New registrations: A2, A3, A4, A5, A6, A7, A8 (dtsen A1, A10 and blank A9 are not new).
    assert f.new_registrations == 7
    assert (f.channel_mandiri, f.channel_agen, f.channel_musdes, f.channel_dinsos, f.channel_dtsen, f.channel_blank) == (3, 2, 1, 1, 2, 1)
    # Decided: all new but A7 → 6; layak A2, A4, A8; tidak_layak A3, A5, A6; appealed A3 (upheld), A5 (rejected).
    assert (f.decided, f.layak, f.tidak_layak, f.appealed, f.upheld, f.appeal_rejected, f.final_layak) == (6, 3, 3, 2, 1, 1, 4)
    # PKH 2026 T2 among final-layak new registrants: A3, paid.
    assert (f.recipients, f.paid) == (1, 1)
    assert f.self_registered_share == pytest.approx(3 / 7) and f.layak_rate == pytest.approx(0.5) and f.upheld_rate == pytest.approx(0.5)


def test_decile_distribution_of_recipients(runner):
    frame = runner.run("decile_distribution", as_of=None, program="PKH", year=2026, tranche=1, province=None, regions=[A])
    got = dict(zip(frame.desil_group, frame.recipients))
    # R_A: A1 (1), A2 (1), B1 (1 in B), A7 (5), N1 (no register).
    assert got == {"01": 3, "05": 1, "not_in_register": 1}
    assert frame.share.sum() == pytest.approx(1.0)


def test_difference_in_differences_shows_inputs(runner):
    frame = runner.run(
        "comparison_did", as_of=None, basis="desil", program="PKH", year1=2026, tranche1=1, year2=2026, tranche2=2, pilots=None,
    )
    rows = {(r.pilot_code, r.metric): r for r in frame.itertuples()}
    # Banyuwangi (C) has no non-pilot neighbour with data in province 35: no comparison group.
    assert {p for p, _ in rows} == {A}
    coverage = rows[(A, "coverage")]
    assert list(coverage.comparison_codes) == [B]
    # Pilot A: 3/4 then 3/4 → Δ 0; comparison B: 2/2 then 0/2 → Δ −1; DiD = 0 − (−1) = +1.
    assert (coverage.pilot_num_1, coverage.pilot_den_1, coverage.pilot_num_2, coverage.pilot_den_2) == (3, 4, 3, 4)
    assert (coverage.comp_num_1, coverage.comp_den_1, coverage.comp_num_2, coverage.comp_den_2) == (2, 2, 0, 2)
    assert coverage.pilot_change == pytest.approx(0.0) and coverage.comp_change == pytest.approx(-1.0)
    assert coverage.did == pytest.approx(1.0)
    # Inclusion: B has no recipients in T2 → its rate is empty, so the DiD is empty, not 0.
    inclusion = rows[(A, "inclusion_error")]
    assert inclusion.pilot_rate_1 == pytest.approx(0.4) and inclusion.pilot_rate_2 == pytest.approx(0.0)
    assert is_empty(inclusion.did)


def test_ranks_leave_out_small_numbers(runner):
    rows = regions(runner, program="PKH", year=2026, tranche=1)
    # Every region has fewer than 30 families: flagged, and no pilot is ranked.
    for row in rows.values():
        assert row.coverage_small or is_empty(row.eligible_families)
        assert is_empty(row.rank_coverage)
