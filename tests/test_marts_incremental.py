"""Incremental marts: after every load, the marts a load refreshed for the
regions it touched, or by difference over the families it touched
(bansos/marts.py `refresh`), equal a full rebuild of the same facts.

A property test over random sequences of real loads (register snapshots of
random regions and dates, bank tranche files, re-sent rows with later
extract dates, --replace re-issues, families moving between regions and
allocated in two regions, two files in one call) into a small warehouse;
after each load every mart_* table is compared with the mart files run
again over all current facts (EXCEPT ALL both ways, and row counts). Then
the hand-computed fixture (tests/test_indicators_fixture.py) loaded file by
file, and the rules for when a load falls back to a full rebuild.
"""

from __future__ import annotations

import random
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from bansos import marts, marts_difference, settings
from bansos.ingest import LoadRequest, ingest
from bansos.queries import load_query

# Region (kab/kota) → codes a row may carry (the kab/kota itself or one of its kecamatan).
REGIONS = {
    "18.72": ["18.72", "18.72.01", "18.72.02"],  # Kota Metro, pilot
    "18.71": ["18.71", "18.71.01"],  # Bandar Lampung, its default comparison region
    "18.02": ["18.02", "18.02.01"],
    "35.10": ["35.10", "35.10.01"],  # Banyuwangi, pilot
    "35.09": ["35.09", "35.09.02"],
    "13.71": ["13.71"],  # Kota Padang, pilot
}
# The first call brings two; later loads may add one before them (a full
# rebuild), between them or after them (the untouched regions' rows extended;
# after every other, the new snapshot's regions refreshed at that date alone).
SNAPSHOTS = ["2025-11-30", "2025-12-31", "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"]
BASE_SNAPSHOTS = ["2025-12-31", "2026-03-31"]
PERIODS = [("PKH", 2026, 1), ("PKH", 2026, 2), ("SEMBAKO", 2026, 1)]
FAMILIES = [f"F{i}" for i in range(36)]
# Each family lives in one region (index modulo the regions); now and then a
# row puts it in another: a family that moved, or was paid elsewhere.
HOME = {family: list(REGIONS)[i % len(REGIONS)] for i, family in enumerate(FAMILIES)}
AWAY = 0.12
STATUSES = ["tersalur", "tersalur", "tersalur", "proses", "gagal", "retur"]
INSTITUTIONS = ["BRI", "BNI", "POS", ""]
DECISIONS = ["layak", "tidak_layak", "", ""]
APPEALS = ["", "", "diajukan", "diterima", "ditolak"]
CHANNELS = ["dtsen", "mandiri", "agen", "musdes", "dinsos", ""]
REGISTER_HEADER = "no_kk,kode_wilayah,desil,status_kelayakan,sanggah,kanal_registrasi,tanggal_data"
ALLOCATION_HEADER = "no_kk,program,tahun,tahap,kode_wilayah,nominal,status_salur,lembaga_penyalur,tanggal_salur"


def kk(name: str) -> str:
    return f"18720100{int(name[1:]) + 1000:08d}"


def full_rebuild_differences(db: Path) -> dict[str, tuple[int, int, int]]:
    """Every mart whose stored rows differ from the mart files run again over
    all current facts: {mart: (rows stored, rows rebuilt, rows in either but not both)}."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{db}' AS w (READ_ONLY)")
        con.execute("SET search_path = 'memory.main,w.main'")
        params = {"timely_days": settings.get_int("timely_days")}
        for path in marts.mart_files():
            for statement in marts._statements(path.read_text()):
                con.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement})
        differing = {}
        for table in marts.mart_names():
            stored, rebuilt, diff = con.execute(
                f"SELECT (SELECT count(*) FROM w.{table}), (SELECT count(*) FROM memory.main.{table}), "
                f"(SELECT count(*) FROM (SELECT * FROM memory.main.{table} EXCEPT ALL SELECT * FROM w.{table})) "
                f"+ (SELECT count(*) FROM (SELECT * FROM w.{table} EXCEPT ALL SELECT * FROM memory.main.{table}))"
            ).fetchone()
            if diff or stored != rebuilt:
                differing[table] = (stored, rebuilt, diff)
        return differing
    finally:
        con.close()


def current_row_counts(db: Path, from_marts: bool = False) -> tuple[int, int]:
    """The current register and allocation rows: counted in the facts, or as
    the pages count them (queries/warehouse_meta.sql, from the marts)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        if from_marts:
            row = con.execute(load_query("warehouse_meta").sql).df().iloc[0]
            return int(row.families_rows), int(row.allocation_rows)
        return con.execute("SELECT (SELECT count(*) FROM current_family), (SELECT count(*) FROM current_allocation)"
                           ).fetchone()
    finally:
        con.close()


def marts_mode(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT value FROM meta WHERE key = 'marts_mode'").fetchone()[0]
    finally:
        con.close()


class Sequence:
    """One random sequence of extract files, written as real CSV files."""

    def __init__(self, seed: int, folder: Path):
        self.rng = random.Random(seed)
        self.folder = folder
        self.files = 0
        self.extract = date(2026, 7, 1)
        self.sent: list[list[str]] = []  # allocation rows sent so far (for re-sends)
        self.latest: dict[str, tuple[str, list[str]]] = {}  # region → its latest snapshot's date and rows sent

    def _write(self, header: str, rows: list[str], stem: str) -> Path:
        self.files += 1
        path = self.folder / f"{self.files:03d}_{stem}.csv"
        path.write_text("\n".join([header, *rows]) + "\n")
        return path

    def _later(self) -> str:
        self.extract += timedelta(days=self.rng.randint(1, 5))
        return self.extract.isoformat()

    def register(self) -> LoadRequest:
        """A region's snapshot; some of its families may sit in other regions
        at other dates, or at the same date in an earlier file (moved)."""
        rng = self.rng
        region = rng.choice(list(REGIONS))
        snapshot = rng.choice(SNAPSHOTS)
        rows = []
        for family in self._families(region, rng.randint(2, 6)):
            decision = rng.choice(DECISIONS)
            rows.append(",".join([
                kk(family), rng.choice(REGIONS[region]), rng.choice(["", *map(str, range(1, 6))]), decision,
                rng.choice(APPEALS) if decision == "tidak_layak" else "", rng.choice(CHANNELS), snapshot,
            ]))
        # Without an extract date the snapshot date is the rows' extract date; a
        # later one makes them win over rows of the same family and date.
        as_of = self._later() if rng.random() < 0.4 else None
        self._sent_register(region, snapshot, rows)
        return LoadRequest(self._write(REGISTER_HEADER, rows, f"keluarga_{region}"), as_of=as_of)

    def _sent_register(self, region: str, snapshot: str, rows: list[str]) -> None:
        if snapshot >= self.latest.get(region, ("",))[0]:
            self.latest[region] = (snapshot, rows)

    def month(self) -> LoadRequest:
        """A region's next monthly snapshot as a real one is: its latest
        register again, dated the month after every date sent so far, with a
        family or two changed (desil), added or left out; now and then a
        corrected re-send of its latest snapshot instead (the same date)."""
        rng = self.rng
        region, (latest, rows) = rng.choice(sorted(self.latest.items()))
        last = date.fromisoformat(max(snapshot for snapshot, _ in self.latest.values()))
        following = (last.replace(day=1) + timedelta(days=62)).replace(day=1) - timedelta(days=1)
        snapshot = latest if rng.random() < 0.3 else following.isoformat()
        fields = [row.split(",")[:-1] for row in rows]
        for _ in range(rng.randint(0, 2)):
            change = rng.random()
            if change < 0.4:
                rng.choice(fields)[2] = str(rng.randint(1, 5))
            elif change < 0.7 and len(fields) > 1:
                fields.pop(rng.randrange(len(fields)))
            else:
                known = {f[0] for f in fields}
                new = [f for f in self._families(region, 6) if kk(f) not in known]
                if new:  # no decision: the snapshot holds decisions as the one before did, or not
                    fields.append([kk(new[0]), rng.choice(REGIONS[region]), str(rng.randint(1, 5)), "", "",
                                   rng.choice(CHANNELS)])
        rows = [",".join([*f, snapshot]) for f in fields]
        self._sent_register(region, snapshot, rows)
        return LoadRequest(self._write(REGISTER_HEADER, rows, f"keluarga_{region}_bulanan"))

    def _families(self, region: str, count: int) -> list[str]:
        """Families of a region's file: mostly its own, sometimes one from elsewhere."""
        home = [f for f in FAMILIES if HOME[f] == region]
        chosen = self.rng.sample(home, min(count, len(home)))
        if self.rng.random() < 2 * AWAY:
            chosen.append(self.rng.choice([f for f in FAMILIES if f not in home]))
        return chosen

    def allocations(self) -> LoadRequest:
        """A bank's tranche file: one or two periods, some families twice
        (two regions or two institutions)."""
        rng = self.rng
        rows = []
        for program, year, tranche in rng.sample(PERIODS, rng.randint(1, 2)):
            for family in self._families(rng.choice(list(REGIONS)), rng.randint(2, 6)):
                for _ in range(2 if rng.random() < 0.25 else 1):
                    rows.append(self._allocation_row(family, program, year, tranche))
        self.sent.append(rows)
        return LoadRequest(self._write(ALLOCATION_HEADER, rows, "penyaluran"), as_of=self._later())

    def _allocation_row(self, family: str, program: str, year: int, tranche: int) -> str:
        rng = self.rng
        status = rng.choice(STATUSES)
        paid = f"2026-0{rng.randint(1, 6)}-{rng.randint(1, 28):02d}" if status == "tersalur" else ""
        amount = rng.choice([600000, 600000, 400000])
        code = rng.choice(REGIONS[rng.choice(list(REGIONS)) if rng.random() < AWAY else HOME[family]])
        return ",".join(map(str, [kk(family), program, year, tranche, code, amount, status, rng.choice(INSTITUTIONS), paid]))

    def resend(self) -> LoadRequest:
        """Rows sent before, some with a new status or amount, with a later
        extract date: they supersede what is stored."""
        rng = self.rng
        earlier = rng.choice(self.sent)
        rows = []
        for row in rng.sample(earlier, max(1, len(earlier) // 2)):
            fields = row.split(",")
            if rng.random() < 0.6:
                fields[6] = rng.choice(STATUSES)
                fields[8] = "2026-05-02" if fields[6] == "tersalur" else ""
                fields[5] = str(rng.choice([600000, 500000]))
            rows.append(",".join(fields))
        rows = list(dict.fromkeys(rows))
        return LoadRequest(self._write(ALLOCATION_HEADER, rows, "penyaluran_ulang"), as_of=self._later())

    def base(self) -> list[LoadRequest]:
        """A first call: registers at two of the snapshot dates and
        allocations of all periods but the last, so that most later loads
        add no date or period (the increment) and some do."""
        rng = self.rng
        registers = []
        for snapshot in BASE_SNAPSHOTS:
            for region in rng.sample(list(REGIONS), 4):
                rows = [",".join([kk(f), rng.choice(REGIONS[region]), str(rng.randint(1, 5)), rng.choice(DECISIONS), "",
                                  rng.choice(CHANNELS), snapshot]) for f in self._families(region, 5)]
                self._sent_register(region, snapshot, rows)
                registers.append(LoadRequest(self._write(REGISTER_HEADER, rows, f"keluarga_{region}")))
        rows = [self._allocation_row(f, *period) for period in PERIODS[:-1] for f in rng.sample(FAMILIES, 18)]
        rows = list({",".join(r.split(",")[:5] + r.split(",")[7:8]): r for r in rows}.values())  # one row per key
        self.sent.append(rows)
        return [*registers, LoadRequest(self._write(ALLOCATION_HEADER, rows, "penyaluran"), as_of=self._later())]

    def next_call(self) -> tuple[list[LoadRequest], bool]:
        """The next ingest call: its files and whether it is a --replace."""
        rng = self.rng
        makers = [self.register, self.allocations] + ([self.resend] if self.sent else []) + [self.month]
        files = [rng.choice(makers)() for _ in range(2 if rng.random() < 0.15 else 1)]
        return files, rng.random() < 0.2


SEEDS = range(20)
NEXT_SHARE = 0.4  # see increment_however_many_regions
LOADS = 5  # after the first call


@pytest.fixture(autouse=True)
def increment_however_many_regions(monkeypatch):
    """Loads here touch several of a few regions and many of few families:
    refresh them incrementally however many (the share rules save time on
    large warehouses only; their own test sets them back)."""
    monkeypatch.setattr(marts, "INCREMENTAL_MAX_SHARE", 1.0)
    monkeypatch.setattr(marts, "DIFFERENCE_MAX_SHARE", 1.0)
    # Here a next snapshot changes most of its region's few families; at 1.0
    # every one that keeps its structure would go by difference, and the
    # sequences would no longer reach the refresh at the new date alone.
    monkeypatch.setattr(marts, "NEXT_MAX_SHARE", NEXT_SHARE)


def test_marts_after_every_load_equal_a_full_rebuild(empty_warehouse_template, tmp_path, monkeypatch):
    template_db, template_key = empty_warehouse_template
    monkeypatch.delenv("BANSOS_KEY", raising=False)
    monkeypatch.setenv("BANSOS_KEY_FILE", str(template_key))
    modes = []
    register_difference = 0
    for seed in SEEDS:
        folder = tmp_path / f"seed-{seed}"
        (folder / "files").mkdir(parents=True)
        db = folder / "warehouse.duckdb"
        shutil.copyfile(template_db, db)
        sequence = Sequence(seed, folder / "files")
        assert {r.status for r in ingest(db, sequence.base())} == {"loaded"}
        for step in range(LOADS):
            requests, replace = sequence.next_call()
            results = ingest(db, requests, replace=replace)
            assert all(r.status in ("loaded", "unchanged") for r in results), [r.message for r in results]
            mode = marts_mode(db)
            modes.append(mode)
            if (mode.startswith(marts.DIFFERENCE) and "next snapshot" not in mode
                    and any("keluarga" in Path(r.path).name for r in requests)):
                register_difference += 1
            differing = full_rebuild_differences(db)
            assert not differing, (f"seed {seed}, load {step + 1} ({[Path(r.path).name for r in requests]}, "
                                   f"replace={replace}, marts {mode}): {differing}")
            assert current_row_counts(db) == current_row_counts(db, from_marts=True), (seed, step)
    # The sequences must exercise the increment, not only its fall-back.
    incremental = sum(mode.startswith(marts.INCREMENTAL) for mode in modes)
    latest_only = sum(" only; " in mode for mode in modes)  # a region's next snapshot: refreshed at it alone
    next_difference = sum("the next snapshot of" in mode for mode in modes)  # ... or by difference
    difference = sum(mode.startswith(marts.DIFFERENCE) for mode in modes)
    split = sum(f"elsewhere {marts.DIFFERENCE}" in mode for mode in modes)  # register loads: by region, then by difference
    assert incremental >= len(modes) // 5, (incremental, len(modes), sorted(set(modes)))
    assert difference >= len(modes) // 5, (difference, len(modes), sorted(set(modes)))
    assert split >= len(modes) // 10, (split, len(modes), sorted(set(modes)))
    assert latest_only >= len(modes) // 20, (latest_only, len(modes), sorted(set(modes)))
    assert next_difference >= len(modes) // 20, (next_difference, latest_only, len(modes), sorted(set(modes)))
    # register loads into snapshots that keep their place and decisions (most
    # register loads here pick a slice that is new: 6 of the 100 loads)
    assert register_difference >= len(modes) // 20, (register_difference, len(modes))


# -- the cases the increment must widen its scope for, by hand ------------------

METRO, BANYUWANGI, BANDAR_LAMPUNG = "18.72", "35.10", "18.71"


def write(folder: Path, name: str, header: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def load(db: Path, path: Path, as_of: str | None = None, replace: bool = False) -> str:
    results = ingest(db, [LoadRequest(path, as_of=as_of)], replace=replace)
    assert [(r.status, r.rows_quarantined) for r in results] == [("loaded", 0)], [r.message for r in results]
    return marts_mode(db)


def targeting(db: Path, region: str, as_of: str, basis: str = "desil") -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT recipients, eligible_recipients, not_in_register FROM mart_targeting WHERE region_code = $r "
            "AND as_of = $a::DATE AND basis = $b AND program = 'PKH' AND year = 2026 AND tranche = 1",
            {"r": region, "a": as_of, "b": basis},
        ).fetchone()
    finally:
        con.close()


def test_a_family_left_out_of_its_regions_new_snapshot_changes_the_region_it_is_paid_in(warehouse, tmp_path):
    """G is registered only in Kota Metro's 2025-12-31 snapshot and paid in
    Banyuwangi. Metro's next snapshot (2026-01-31, a date Bandar Lampung
    already has) leaves G out: from that as_of G is in no register in use, so
    Banyuwangi's numbers change although the load touched no family there
    (the difference over G, marts_difference.py)."""
    register = [f"{kk('F1')},{METRO},1,,,,2025-12-31", f"{kk('F2')},{METRO},1,,,,2025-12-31",  # A and G
                f"{kk('F3')},{BANDAR_LAMPUNG},1,,,,2026-01-31",  # B: makes 2026-01-31 an as_of
                f"{kk('F4')},{BANYUWANGI},1,,,,2025-12-31"]  # C: Banyuwangi's own register
    paid = [f"{kk('F2')},PKH,2026,1,{BANYUWANGI},600000,tersalur,POS,2026-01-20",
            f"{kk('F3')},PKH,2026,1,{BANDAR_LAMPUNG},600000,tersalur,BRI,2026-01-20"]
    assert load(warehouse, write(tmp_path, "k1.csv", REGISTER_HEADER, register)).startswith("full")
    assert load(warehouse, write(tmp_path, "p1.csv", ALLOCATION_HEADER, paid), as_of="2026-06-01").startswith("full")
    # Banyuwangi at 2026-01-31: R = {G}; G in Metro's 2025-12-31 register in use, desil 1 ≤ PKH's 1.
    assert targeting(warehouse, BANYUWANGI, "2026-01-31") == (1, 1, 0)

    mode = load(warehouse, write(tmp_path, "k2.csv", REGISTER_HEADER, [f"{kk('F1')},{METRO},1,,,,2026-01-31"]))
    # Metro is refreshed by region; Banyuwangi, where G is paid, by difference over G.
    assert mode == "incremental: 1 kab/kota; elsewhere difference: 1 family", mode
    # Metro now uses its 2026-01-31 snapshot {A} at 2026-01-31: G is in no
    # register in use there, so R ∩ E = {} and R \ register = {G}.
    assert targeting(warehouse, BANYUWANGI, "2026-01-31") == (1, 0, 1)
    # At 2025-12-31 Metro still uses the snapshot with G.
    assert targeting(warehouse, BANYUWANGI, "2025-12-31") == (1, 1, 0)
    assert not full_rebuild_differences(warehouse)


def test_a_family_layak_by_appeal_in_another_regions_register_keeps_counting(warehouse, tmp_path):
    """G sits in Bandar Lampung's register with no decision but an upheld
    appeal: layak, because that register has decisions (H's). G is paid in
    Banyuwangi. A load that touches only another Banyuwangi family must still
    count G as layak there, though Bandar Lampung is not refreshed."""
    register = [f"{kk('F1')},{BANDAR_LAMPUNG},5,layak,,,2025-12-31",  # H
                f"{kk('F2')},{BANDAR_LAMPUNG},9,,diterima,,2025-12-31",  # G
                f"{kk('F3')},{BANYUWANGI},1,layak,,,2025-12-31"]  # J: Banyuwangi's register, with decisions
    paid = [f"{kk('F2')},PKH,2026,1,{BANYUWANGI},600000,tersalur,POS,2026-01-20",
            f"{kk('F4')},PKH,2026,1,{BANYUWANGI},600000,proses,POS,"]  # K, in no register
    load(warehouse, write(tmp_path, "k1.csv", REGISTER_HEADER, register))
    load(warehouse, write(tmp_path, "p1.csv", ALLOCATION_HEADER, paid), as_of="2026-06-01")
    # Layak basis: R = {G, K}; G layak (upheld appeal, decisions present); K not registered.
    assert targeting(warehouse, BANYUWANGI, "2025-12-31", "layak") == (2, 1, 1)

    resent = [f"{kk('F4')},PKH,2026,1,{BANYUWANGI},600000,tersalur,POS,2026-02-02"]  # K paid after all
    mode = load(warehouse, write(tmp_path, "p2.csv", ALLOCATION_HEADER, resent), as_of="2026-06-02")
    assert mode == f"{marts.DIFFERENCE}: 1 family", mode
    assert targeting(warehouse, BANYUWANGI, "2025-12-31", "layak") == (2, 1, 1)
    # Desil basis: G's desil 9 is above PKH's 1.
    assert targeting(warehouse, BANYUWANGI, "2025-12-31") == (2, 0, 1)
    assert not full_rebuild_differences(warehouse)


def kecamatan_row(db: Path, kecamatan: str) -> tuple | None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT eligible_families, eligible_covered, recipients FROM mart_targeting_kecamatan "
            "WHERE kecamatan_code = $k AND as_of = '2025-12-31' AND basis = 'desil' AND program = 'PKH' "
            "AND year = 2026 AND tranche = 1", {"k": kecamatan}).fetchone()
    finally:
        con.close()


def test_by_difference_a_kecamatan_row_goes_with_its_last_recipient_unless_its_register_has_families(
        warehouse, tmp_path):
    """mart_targeting_kecamatan is sparse: a kecamatan has a row while it has
    recipients or families in the register in use (whose eligible count may
    be 0). A difference that takes the last recipient away must drop the row
    of a kecamatan with no register families, and keep, all zero, the row of
    one that has them."""
    register = [f"{kk('F1')},18.72.01,9,,,,2025-12-31", f"{kk('F5')},18.72.01,9,,,,2025-12-31"]  # desil 9: not PKH-eligible
    paid = [f"{kk('F1')},PKH,2026,1,18.72.01,600000,proses,BRI,", f"{kk('F2')},PKH,2026,1,18.72.02,600000,proses,BRI,",
            f"{kk('F3')},PKH,2026,1,{METRO},600000,proses,POS,", f"{kk('F4')},PKH,2026,1,{METRO},600000,proses,POS,"]
    load(warehouse, write(tmp_path, "k1.csv", REGISTER_HEADER, register))
    load(warehouse, write(tmp_path, "p1.csv", ALLOCATION_HEADER, paid), as_of="2026-06-01")
    assert kecamatan_row(warehouse, "18.72.01") == (0, 0, 1)
    assert kecamatan_row(warehouse, "18.72.02") == (0, 0, 1)  # no register families: there for its recipient

    # F2's row re-sent from the other kecamatan (same key: family, tranche, kab/kota, institution).
    moved = [f"{kk('F2')},PKH,2026,1,18.72.01,600000,tersalur,BRI,2026-01-20"]
    assert load(warehouse, write(tmp_path, "p2.csv", ALLOCATION_HEADER, moved), as_of="2026-06-02") == (
        "difference: 1 family")
    assert kecamatan_row(warehouse, "18.72.02") is None
    assert kecamatan_row(warehouse, "18.72.01") == (0, 0, 2)

    # Both paid at kab/kota level now: 18.72.01 keeps its row for its register families.
    to_region = [f"{kk(f)},PKH,2026,1,{METRO},600000,tersalur,BRI,2026-01-20" for f in ("F1", "F2")]
    assert load(warehouse, write(tmp_path, "p3.csv", ALLOCATION_HEADER, to_region), as_of="2026-06-03") == (
        "difference: 2 families")
    assert kecamatan_row(warehouse, "18.72.01") == (0, 0, 0)
    assert not full_rebuild_differences(warehouse)


def test_by_difference_a_register_family_in_a_new_kecamatan_brings_a_row_of_zeros(warehouse, tmp_path):
    """A register load into a snapshot already in use goes by difference. A
    family in a kecamatan the register had no family in gives that kecamatan
    a targeting row even when it is eligible for nothing (all counts 0), as a
    full rebuild does; taking it away again drops the row."""
    load(warehouse, write(tmp_path, "k1.csv", REGISTER_HEADER, [f"{kk('F1')},18.72.01,1,,,,2025-12-31"]))
    paid = [f"{kk(f)},PKH,2026,1,18.72.01,600000,proses,BRI," for f in ("F1", "F2")]
    load(warehouse, write(tmp_path, "p1.csv", ALLOCATION_HEADER, paid), as_of="2026-06-01")
    assert kecamatan_row(warehouse, "18.72.02") is None

    # F5: desil 9 (PKH takes 1), no decision: eligible for nothing.
    assert load(warehouse, write(tmp_path, "k2.csv", REGISTER_HEADER, [f"{kk('F5')},18.72.02,9,,,,2025-12-31"])) == (
        "difference: 1 family")
    assert kecamatan_row(warehouse, "18.72.02") == (0, 0, 0)
    assert not full_rebuild_differences(warehouse)

    # The snapshot re-issued without F5 (--replace): F5's row is retired (F1's
    # is replaced by its re-issued row), and the kecamatan row goes.
    assert load(warehouse, write(tmp_path, "k3.csv", REGISTER_HEADER, [f"{kk('F1')},18.72.01,1,,,,2025-12-31"]),
                as_of="2026-06-02", replace=True) == "difference: 2 families"
    assert kecamatan_row(warehouse, "18.72.02") is None
    assert not full_rebuild_differences(warehouse)


def test_the_first_decisions_in_a_snapshot_make_its_families_count_on_the_layak_basis(warehouse, tmp_path):
    """A snapshot without decisions has no layak counts (NULL). A load that
    adds the first decided family changes that for every family in it, not
    only the loaded one: it cannot go by difference over the loaded family."""
    load(warehouse, write(tmp_path, "k1.csv", REGISTER_HEADER,
                          [f"{kk('F1')},{METRO},1,,,,2025-12-31", f"{kk('F2')},{METRO},1,,,,2025-12-31"]))
    paid = [f"{kk(f)},PKH,2026,1,{METRO},600000,tersalur,BRI,2026-01-20" for f in ("F1", "F2")]
    load(warehouse, write(tmp_path, "p1.csv", ALLOCATION_HEADER, paid), as_of="2026-06-01")
    assert targeting(warehouse, METRO, "2025-12-31", "layak") == (2, None, 0)

    mode = load(warehouse, write(tmp_path, "k2.csv", REGISTER_HEADER, [f"{kk('F3')},{METRO},1,layak,,,2025-12-31"]))
    # F1 and F2 are recipients with no decision in a register that now has decisions: not layak.
    assert targeting(warehouse, METRO, "2025-12-31", "layak") == (2, 0, 0)
    assert mode == "incremental: 1 kab/kota", mode
    assert not full_rebuild_differences(warehouse)


def test_a_regions_next_snapshot_is_refreshed_at_its_date_alone(warehouse, tmp_path):
    """Kota Metro's next monthly snapshot (a date after every other, nothing
    else in the call) changes the marts at that as_of only: Metro is rebuilt
    there alone, and the families it gains or leaves out change other kab/kota
    by difference. Counted by hand: (recipients, eligible recipients, paid but
    in no register in use) for PKH 2026 tranche 1 (desil <= 1)."""
    # F4's December row in Bandar Lampung has an upheld appeal, but that
    # register has no decisions, so F4 is not layak there.
    register = [f"{kk('F1')},{METRO},1,,,,2025-12-31", f"{kk('F2')},{METRO},1,,,,2025-12-31",
                f"{kk('F3')},{BANYUWANGI},1,,,,2025-12-31", f"{kk('F4')},{BANDAR_LAMPUNG},1,,diterima,,2025-12-31",
                f"{kk('F7')},{METRO},1,,,,2025-12-31"]
    paid = [f"{kk('F1')},PKH,2026,1,{METRO},600000,tersalur,BRI,2026-01-20",
            f"{kk('F7')},PKH,2026,1,{METRO},600000,tersalur,BRI,2026-01-20",
            f"{kk('F2')},PKH,2026,1,{BANYUWANGI},600000,tersalur,BRI,2026-01-20",  # registered in Metro
            f"{kk('F3')},PKH,2026,1,{BANYUWANGI},600000,tersalur,BRI,2026-01-20",
            f"{kk('F4')},PKH,2026,1,{METRO},600000,tersalur,BRI,2026-01-20"]  # registered in Bandar Lampung
    # Bandar Lampung's November register had F4 at desil 5, layak: its
    # December one, without decisions, is in use from then on.
    load(warehouse, write(tmp_path, "k0.csv", REGISTER_HEADER, [f"{kk('F4')},{BANDAR_LAMPUNG},5,layak,,,2025-11-30"]))
    load(warehouse, write(tmp_path, "k1.csv", REGISTER_HEADER, register))
    load(warehouse, write(tmp_path, "p1.csv", ALLOCATION_HEADER, paid), as_of="2026-06-01")
    assert targeting(warehouse, METRO, "2025-12-31") == (3, 3, 0)
    assert targeting(warehouse, BANYUWANGI, "2025-12-31") == (2, 2, 0)

    # January: F1 now desil 3, F4 moved in at desil 5 (still desil 1 in
    # Bandar Lampung's December register, in use there: eligible), F5 new and the first decision, F2 left out
    # (paid in Banyuwangi, so from January in no register in use) and F7 too
    # (paid in Metro).
    january = [f"{kk('F1')},{METRO},3,,,,2026-01-31", f"{kk('F4')},{METRO},5,,,,2026-01-31",
               f"{kk('F5')},{METRO},1,layak,,,2026-01-31"]
    mode = load(warehouse, write(tmp_path, "k2.csv", REGISTER_HEADER, january))
    assert mode == ("incremental: 1 kab/kota at 2026-01-31 only; the others' rows at 2026-01-31 from 2025-12-31; "
                    "elsewhere difference: 2 families"), mode  # F2 and F4 have rows outside Metro
    assert targeting(warehouse, METRO, "2026-01-31") == (3, 1, 1)  # F1 desil 3: not eligible; F7 left out
    # Decisions now, none for F1 or F4 (nor in Bandar Lampung's register in use: not its November one's).
    assert targeting(warehouse, METRO, "2026-01-31", "layak") == (3, 0, 1)
    assert targeting(warehouse, BANYUWANGI, "2026-01-31") == (2, 1, 1)  # F2 in no register in use
    # The dates before keep their numbers.
    assert targeting(warehouse, METRO, "2025-12-31") == (3, 3, 0)
    assert targeting(warehouse, METRO, "2025-12-31", "layak") == (3, None, 0)
    assert targeting(warehouse, BANYUWANGI, "2025-12-31") == (2, 2, 0)
    assert not full_rebuild_differences(warehouse)

    # Not a next snapshot alone, so every as_of of the region is refreshed:
    # rows at a new date and at one the region has, in one file;
    both = [f"{kk('F1')},{METRO},1,,,,2026-02-28", f"{kk('F6')},{METRO},1,,,,2026-01-31"]
    mode = load(warehouse, write(tmp_path, "k3.csv", REGISTER_HEADER, both))
    assert mode.startswith("incremental: 1 kab/kota; the others' rows at 2026-02-28 from 2026-01-31"), mode
    assert not full_rebuild_differences(warehouse)
    # a new date with an allocation file in the same call;
    results = ingest(warehouse, [
        LoadRequest(write(tmp_path, "k4.csv", REGISTER_HEADER, [f"{kk('F3')},{BANYUWANGI},1,,,,2026-03-31"])),
        LoadRequest(write(tmp_path, "p2.csv", ALLOCATION_HEADER,
                          [f"{kk('F3')},PKH,2026,1,{BANYUWANGI},600000,retur,BRI,"]), as_of="2026-06-02")])
    assert [r.status for r in results] == ["loaded", "loaded"], [r.message for r in results]
    assert " only" not in marts_mode(warehouse) and marts_mode(warehouse).startswith("incremental"), marts_mode(warehouse)
    assert not full_rebuild_differences(warehouse)
    # a new date before the latest (an as_of after it may change too).
    mode = load(warehouse, write(tmp_path, "k5.csv", REGISTER_HEADER, [f"{kk('F2')},{METRO},1,,,,2026-02-15"]))
    assert mode.startswith("incremental") and " only" not in mode, mode
    assert not full_rebuild_differences(warehouse)


def snapshot_in_use(db: Path, region: str, as_of: str) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT m.snapshot_date::VARCHAR, m.families, t.register_snapshot::VARCHAR FROM mart_snapshot m "
            "JOIN mart_targeting t ON t.region_code = m.region_code AND t.as_of = m.as_of "
            "WHERE m.region_code = $r AND m.as_of = $a::DATE AND t.basis = 'desil' AND t.program = 'PKH' "
            "AND t.year = 2026 AND t.tranche = 1", {"r": region, "a": as_of}).fetchone()
    finally:
        con.close()


def test_a_regions_next_month_goes_by_difference_over_the_families_that_changed(warehouse, tmp_path, monkeypatch):
    """Kota Metro's January register is its December one with three families
    changed: F2 now desil 3, F7 left out, F9 new; eight others as they were.
    Only those three change a number at the new date, so the marts there are
    December's plus the difference over them. Counted by hand: (recipients,
    eligible recipients, paid but in no register in use) for PKH 2026
    tranche 1 (desil <= 1)."""
    monkeypatch.setattr(marts, "NEXT_MAX_SHARE", 0.5)  # the rule's own value: 3 of 11 families changed
    unchanged = [f"{kk('F1')},{METRO},1,,,,", f"{kk('F8')},{METRO},3,,,,",
                 *(f"{kk(f'F{i}')},{METRO},4,,,," for i in range(10, 17))]
    december = [row + "2025-12-31" for row in unchanged] + [
        f"{kk('F2')},{METRO},1,,,,2025-12-31", f"{kk('F7')},{METRO},1,,,,2025-12-31"]
    # F2 is in Banyuwangi's register in use too (November's), at desil 3: its
    # desil 1 in Metro makes it eligible.
    banyuwangi = [f"{kk('F2')},{BANYUWANGI},3,,,,2025-11-30", f"{kk('F3')},{BANYUWANGI},1,,,,2025-11-30"]
    paid = [f"{kk('F1')},PKH,2026,1,{METRO},600000,tersalur,BRI,2026-01-20",
            f"{kk('F7')},PKH,2026,1,{METRO},600000,tersalur,BRI,2026-01-20",
            f"{kk('F8')},PKH,2026,1,{METRO},600000,tersalur,BRI,2026-01-20",
            f"{kk('F9')},PKH,2026,1,{METRO},600000,tersalur,BRI,2026-01-20",  # in no register until January
            f"{kk('F2')},PKH,2026,1,{BANYUWANGI},600000,tersalur,BRI,2026-01-20",
            f"{kk('F3')},PKH,2026,1,{BANYUWANGI},600000,tersalur,BRI,2026-01-20"]
    load(warehouse, write(tmp_path, "k0.csv", REGISTER_HEADER, banyuwangi))
    load(warehouse, write(tmp_path, "k1.csv", REGISTER_HEADER, december))
    load(warehouse, write(tmp_path, "p1.csv", ALLOCATION_HEADER, paid), as_of="2026-06-01")
    assert targeting(warehouse, METRO, "2025-12-31") == (4, 2, 1)  # F1, F7 eligible; F8 desil 3; F9 unregistered
    assert targeting(warehouse, BANYUWANGI, "2025-12-31") == (2, 2, 0)  # F2 through Metro, F3

    january = [row + "2026-01-31" for row in unchanged] + [
        f"{kk('F2')},{METRO},3,,,,2026-01-31", f"{kk('F9')},{METRO},2,,,,2026-01-31"]
    mode = load(warehouse, write(tmp_path, "k2.csv", REGISTER_HEADER, january))
    assert mode == ("difference: the next snapshot of 1 kab/kota at 2026-01-31, the others' rows from 2025-12-31; "
                    "3 families changed"), mode
    # F7 is in no register in use now; F8 desil 3, F9 desil 2.
    assert targeting(warehouse, METRO, "2026-01-31") == (4, 1, 1)
    # F2 at desil 3 in both registers in use: no longer eligible.
    assert targeting(warehouse, BANYUWANGI, "2026-01-31") == (2, 1, 0)
    # Metro uses its January register (11 families) and its rows name it; Banyuwangi keeps November's.
    assert snapshot_in_use(warehouse, METRO, "2026-01-31") == ("2026-01-31", 11, "2026-01-31")
    assert snapshot_in_use(warehouse, BANYUWANGI, "2026-01-31") == ("2025-11-30", 2, "2025-11-30")
    # December keeps its numbers, and F9's signal there (paid, in no register).
    assert targeting(warehouse, METRO, "2025-12-31") == (4, 2, 1)
    assert snapshot_in_use(warehouse, METRO, "2025-12-31") == ("2025-12-31", 11, "2025-12-31")
    assert not full_rebuild_differences(warehouse)

    # The same register again a month later: nothing changed but the register it names.
    february = [row.replace("2026-01-31", "2026-02-28") for row in january]
    mode = load(warehouse, write(tmp_path, "k3.csv", REGISTER_HEADER, february))
    assert mode.startswith("difference: the next snapshot") and mode.endswith("; 0 families changed"), mode
    assert targeting(warehouse, METRO, "2026-02-28") == (4, 1, 1)
    assert snapshot_in_use(warehouse, METRO, "2026-02-28") == ("2026-02-28", 11, "2026-02-28")
    assert not full_rebuild_differences(warehouse)

    # A register mostly replaced (more than NEXT_MAX_SHARE of its families
    # changed) is refreshed at its date alone, by region.
    march = [f"{kk('F1')},{METRO},1,,,,2026-03-31", f"{kk('F20')},{METRO},1,,,,2026-03-31"]
    mode = load(warehouse, write(tmp_path, "k4.csv", REGISTER_HEADER, march))
    assert mode.startswith("incremental: 1 kab/kota at 2026-03-31 only"), mode
    assert targeting(warehouse, METRO, "2026-03-31") == (4, 1, 3)  # F7, F8 and F9 now in no register
    assert not full_rebuild_differences(warehouse)

    # A first decision in the next snapshot changes which families can count
    # as layak: by region too, however few families changed.
    april = [row.replace("2026-03-31", "2026-04-30") for row in march[:1]] + [f"{kk('F20')},{METRO},1,layak,,,2026-04-30"]
    mode = load(warehouse, write(tmp_path, "k5.csv", REGISTER_HEADER, april))
    assert mode.startswith("incremental: 1 kab/kota at 2026-04-30 only"), mode
    assert not full_rebuild_differences(warehouse)


# -- when a load rebuilds everything -------------------------------------------


def test_which_loads_rebuild_every_mart(warehouse, tmp_path):
    register = [f"{kk('F1')},{METRO},1,,,,2025-12-31", f"{kk('F2')},{BANYUWANGI},1,,,,2025-12-31"]
    paid = [f"{kk('F1')},PKH,2026,1,{METRO},600000,tersalur,BRI,2026-01-20"]
    # The first snapshot date (the template warehouse is empty): all built.
    assert load(warehouse, write(tmp_path, "k1.csv", REGISTER_HEADER, register)) == (
        "full: a new snapshot date before every other")
    # Every region gets rows for a new tranche (the dense grids): all rebuilt.
    assert load(warehouse, write(tmp_path, "p1.csv", ALLOCATION_HEADER, paid), as_of="2026-06-01") == (
        "full: a programme tranche was added, or a snapshot date or tranche removed")
    # A new date after the others: Metro refreshed at that as_of only (its
    # rows at 2025-12-31 use the slice they used), Banyuwangi's rows at it
    # are its rows at 2025-12-31 (its register in use at both).
    assert load(warehouse, write(tmp_path, "k2.csv", REGISTER_HEADER, [f"{kk('F1')},{METRO},2,,,,2026-01-31"])) == (
        "incremental: 1 kab/kota at 2026-01-31 only; the others' rows at 2026-01-31 from 2025-12-31")
    assert not full_rebuild_differences(warehouse)
    # A new date before every other: no earlier rows to extend, all rebuilt.
    assert load(warehouse, write(tmp_path, "k3.csv", REGISTER_HEADER, [f"{kk('F5')},{METRO},2,,,,2025-11-30"])) == (
        "full: a new snapshot date before every other")
    # The same dates and tranche again, into a snapshot Metro has, which stays
    # without decisions: every kab/kota's structure as it was, by difference.
    assert load(warehouse, write(tmp_path, "k4.csv", REGISTER_HEADER, [f"{kk('F3')},{METRO},3,,,,2026-01-31"])) == (
        "difference: 1 family")
    # Its first decision: whether its families can count as layak changes, so Metro goes by region.
    assert load(warehouse, write(tmp_path, "k5.csv", REGISTER_HEADER,
                                 [f"{kk('F7')},{METRO},3,layak,,,2026-01-31"])) == "incremental: 1 kab/kota"
    # Banyuwangi's first snapshot at a date others have: its register in use changes, by region.
    assert load(warehouse, write(tmp_path, "k6.csv", REGISTER_HEADER,
                                 [f"{kk('F8')},{BANYUWANGI},3,,,,2026-01-31"])) == "incremental: 1 kab/kota"
    assert not full_rebuild_differences(warehouse)
    # Allocations only, in a tranche and kab/kota present: by difference.
    assert load(warehouse, write(tmp_path, "p2.csv", ALLOCATION_HEADER,
                                 [f"{kk('F2')},PKH,2026,1,{BANYUWANGI},600000,proses,POS,"]), as_of="2026-06-02") == (
        "difference: 1 family")
    # --replace of Metro's tranche without F1: the tranche keeps Banyuwangi's row, no tranche is lost.
    assert load(warehouse, write(tmp_path, "p3.csv", ALLOCATION_HEADER,
                                 [f"{kk('F3')},PKH,2026,1,{METRO},600000,proses,BRI,"]), as_of="2026-06-03",
                replace=True) == "difference: 2 families"
    # A payment in a kab/kota with no rows yet adds it to the grids: by region.
    assert load(warehouse, write(tmp_path, "p4.csv", ALLOCATION_HEADER,
                                 [f"{kk('F6')},PKH,2026,1,{BANDAR_LAMPUNG},600000,proses,POS,"]), as_of="2026-06-04") == (
        "incremental: 1 kab/kota")
    assert not full_rebuild_differences(warehouse)


def test_a_changed_setting_or_a_rebuild_on_another_engine_means_a_full_rebuild(warehouse, tmp_path, monkeypatch):
    register = [f"{kk('F1')},{METRO},1,,,,2025-12-31"]
    load(warehouse, write(tmp_path, "k1.csv", REGISTER_HEADER, register))
    monkeypatch.setenv("BANSOS_TIMELY_DAYS", "45")  # the marts were built with 30
    assert load(warehouse, write(tmp_path, "k2.csv", REGISTER_HEADER, [f"{kk('F2')},{METRO},1,,,,2025-12-31"])) == (
        "full: the mart definitions, settings or reference tables changed")
    assert load(warehouse, write(tmp_path, "k3.csv", REGISTER_HEADER, [f"{kk('F3')},{METRO},1,,,,2025-12-31"])) == (
        "incremental: 1 kab/kota")
    con = duckdb.connect(str(warehouse))
    con.execute("UPDATE meta SET value = 'spark' WHERE key = 'marts_engine'")  # as `rebuild --engine spark` leaves it
    con.close()
    assert load(warehouse, write(tmp_path, "k4.csv", REGISTER_HEADER, [f"{kk('F4')},{METRO},1,,,,2025-12-31"])) == (
        "full: the marts were built by another engine")
    assert not full_rebuild_differences(warehouse)


def test_a_load_touching_most_regions_rebuilds_everything(warehouse, tmp_path, monkeypatch):
    monkeypatch.setattr(marts, "INCREMENTAL_MAX_SHARE", 0.5)
    monkeypatch.setattr(marts, "DIFFERENCE_MAX_SHARE", 0.3)
    register = [f"{kk('F1')},{METRO},1,,,,2025-12-31", f"{kk('F2')},{BANYUWANGI},1,,,,2025-12-31",
                f"{kk('F3')},{BANDAR_LAMPUNG},1,,,,2025-12-31"]
    load(warehouse, write(tmp_path, "k1.csv", REGISTER_HEADER, register))
    load(warehouse, write(tmp_path, "p1.csv", ALLOCATION_HEADER,
                          [f"{kk('F1')},PKH,2026,1,{METRO},600000,proses,BRI,"]), as_of="2026-06-01")
    # One bank file paying in two of the three kab/kota: more than half.
    paid = [f"{kk('F1')},PKH,2026,1,{METRO},600000,tersalur,BRI,2026-01-20",
            f"{kk('F2')},PKH,2026,1,{BANYUWANGI},600000,tersalur,BRI,2026-01-20"]
    # Its 2 families are more than 0.3 of the 2 allocation rows (no difference),
    # its 2 kab/kota more than half of 3 (no increment by region).
    assert load(warehouse, write(tmp_path, "p2.csv", ALLOCATION_HEADER, paid), as_of="2026-06-02") == (
        "full: the load touched 2 of 3 kab/kota")
    assert not full_rebuild_differences(warehouse)


def test_every_mart_is_either_keyed_by_region_or_rebuilt_whole(warehouse):
    """refresh replaces region-keyed marts by region_code and reruns the files
    of the global ones on the warehouse: that needs every mart outside
    GLOBAL_MARTS to have a region_code, and the global ones' files to read
    only the facts and reference tables (no intermediate of another file)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for table in marts.mart_names():
            columns = {row[0] for row in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = $t", {"t": table}).fetchall()}
            assert columns, table
            assert (table in marts.GLOBAL_MARTS) != ("region_code" in columns), table
    finally:
        con.close()
    for path in marts.mart_files():
        needs, makes = marts.declared(path)
        if set(makes) & marts.GLOBAL_MARTS:
            assert set(makes) <= marts.GLOBAL_MARTS, path.name
            assert all(n in ("current_family", "current_allocation") or n.startswith("ref_") for n in needs), path.name
        else:
            assert not needs & marts.GLOBAL_MARTS, path.name


def test_every_mart_has_its_rule_for_a_difference(warehouse):
    """marts_difference.py: every mart is summed, replaced by family, or
    unchanged by an allocation load, and exactly one of them; a summed
    mart's sum columns are its integer counts and amounts, so that a count
    added to a mart must be declared, or its rows would stop matching; and
    every column that names a register slice is declared as such."""
    groups = [set(marts_difference.SUMS), set(marts_difference.FAMILY_ROWS), set(marts_difference.UNCHANGED)]
    assert sorted(set().union(*groups)) == sorted(marts.mart_names())
    assert sum(len(g) for g in groups) == len(marts.mart_names())
    assert set(marts_difference.KEEP_ROW) == set(marts_difference.SUMS)
    # what still keeps a row is asked only of a mart whose rule drops rows
    assert all(marts_difference.KEEP_ROW[table] is not None for table in marts_difference.STILL_KEPT)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for table, sums in marts_difference.SUMS.items():
            types = dict(con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = $t", {"t": table}).fetchall())
            assert {c for c, t in types.items() if t in ("BIGINT", "HUGEINT")} == set(sums), table
        # A date other than as_of names the register in use: a next snapshot
        # by difference renames it (SLICE_DATES), or its rows would not match.
        dates = con.execute("SELECT table_name, column_name FROM duckdb_columns() WHERE table_name LIKE 'mart_%' "
                            "AND data_type = 'DATE' AND column_name <> 'as_of'").fetchall()
        assert sorted(dates) == sorted(marts_difference.SLICE_DATES.items())
    finally:
        con.close()


def test_the_increments_copies_leave_out_only_columns_no_mart_file_reads(warehouse):
    """queries/increment/ copies the facts (30_inputs.sql, 40_difference.sql,
    45_next_difference.sql) and compares slices (13_next_family.sql) without
    the columns the mart files do not read (marts.UNREAD); a mart file that
    starts reading one must have it put back (else the refresh fails on a
    missing column): this names it. Every copy of a fact table leaves out
    the list itself, not a list of its own."""
    code = "\n".join(line.split("--", 1)[0] for path in marts.mart_files() for line in path.read_text().splitlines())
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        columns = {table: {row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()}
                   for table in ("fact_family", "fact_allocation")}
    finally:
        con.close()
    for table, placeholder in (("fact_family", "unread_family"), ("fact_allocation", "unread_allocation")):
        names = set(marts.UNREAD[placeholder])
        assert names <= columns[table], (table, names - columns[table])
        read = {c for c in names if re.search(rf"\b{c}\b", code)}
        assert not read, f"the mart files read {sorted(read)} of {table}, which queries/increment/ leaves out"
    copies = []
    for name in ("13_next_family.sql", "30_inputs.sql", "40_difference.sql", "45_next_difference.sql"):
        sql = "\n".join(line.split("--", 1)[0] for line in (marts.INCREMENT_DIR / name).read_text().splitlines())
        for listed, source in re.findall(r"EXCLUDE \(([^)]*)\)[^;]*?FROM (current_family|current_allocation|"
                                         r"fact_family|fact_allocation)\b", sql):
            placeholder = "{{unread_" + source.split("_")[1] + "}}"
            assert placeholder in listed, f"{name} copies {source} leaving out ({listed}), not {placeholder}"
            copies.append((name, source))
    assert {source for _, source in copies} == {"current_family", "current_allocation", "fact_family",
                                                 "fact_allocation"}, copies
    for path in marts.increment_files():
        assert "{{" not in "".join(marts._statements(path.read_text())), path.name
