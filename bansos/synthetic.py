"""Synthetic extract files for the demo: what the source systems would deliver.

`generate()` writes register extracts (keluarga) and allocation/disbursement
extracts (penyaluran) in the formats and with the flaws real offices send
(docs/extract-contract.md), so that the demo goes through the same ingestion as real data.
Nothing here writes to a warehouse.

The story the data tells:
- Study regions: every pilot in ``pilots.csv`` plus, for each pilot province,
  two non-pilot kab/kota of that province (chosen by the seed) as comparison
  regions. Families per region are proportional to population, scaled so the
  register holds ``6.5 million x scale`` families.
- Every region has a DTSEN register snapshot of 2025-06-30; pilots also have
  one of 2026-01-31, after their digital registration, with the new families
  and the registration fields (channel, date, decision, reason, appeal).
- Allocations for PKH and SEMBAKO (2025 tranches 1-4, 2026 tranches 1-2) and
  a one-off BLT (2025 tranche 4). Recipient lists are drawn per region and
  tranche so that the exclusion and inclusion errors on the decile basis
  (against each region's latest snapshot) hit rates drawn around those
  reported for Banyuwangi: large "before" errors everywhere in 2025 and in
  the comparison regions in 2026, much smaller exclusion errors in the
  pilots in 2026. Because R = E x (1 - exclusion) / (1 - inclusion), the
  2025 lists are smaller than the eligible sets (fewer rows than the real
  programme sizes would give); the rates win over the volume.
- 2026 tranche 2 is delivered twice: an early extract with many payments
  still ``proses`` and a later one where most are paid.
- Leakage signals (docs/signals.md), a small share of each tranche's rows:
  families allocated by a second kab/kota of the province or by a second
  institution (double allocation), failed bank payments paid again through
  PT Pos (reroutes, which are not double allocations), SEMBAKO and BLT
  amounts of two tranches at once or half a benefit (amount mismatch), and
  payments a few days before the tranche started. Late payments (more than
  30 days after the tranche start), paid "ghosts" in no register and
  families holding PKH, SEMBAKO and BLT in 2025 tranche 4 follow from the
  story above. Rows a signal count depends on are never broken.
- About 0.15% of rows are deliberately broken (one reason code each); a few
  files always carry every kind their format allows. ``MANIFEST.json`` in
  the output folder lists every file with its rows and the expected
  quarantine reasons, and the signal counts the warehouse will show, for
  tests and for the curious.

Everything is vectorised with numpy/pyarrow; the only Python loops run over
regions, programmes, tranches, files and the handful of bad rows (and the
at most 5,000 rows of the one XLSX, which xlsxwriter writes cell by cell).
Same seed and scale give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["ExtractFile", "generate"]

# ---------------------------------------------------------------------------
# Settings of the synthetic world (editable here, documented in the report)

FAMILIES_AT_SCALE_1 = 6_500_000
MIN_FAMILIES_PER_REGION = 40
COMPARISONS_PER_PILOT_PROVINCE = 2

BEFORE_SNAPSHOT = "2025-06-30"
AFTER_SNAPSHOT = "2026-01-31"
AS_OF_2025 = "2026-01-15"          # year-end extract of the 2025 payments
AS_OF_2026_FIRST = "2026-04-20"    # 2026 T1 (final) and T2 (early)
AS_OF_2026_T2_LATER = "2026-05-31"  # 2026 T2 again, mostly paid
AS_OF_XLSX = "2026-04-10"          # one post office's own spreadsheet

TRANCHES = ((2025, 1), (2025, 2), (2025, 3), (2025, 4), (2026, 1), (2026, 2))
PROGRAM_TRANCHES = {
    "PKH": TRANCHES,
    "SEMBAKO": TRANCHES,
    "BLT": ((2025, 4),),
}
PROGRAM_NAMES = ("PKH", "SEMBAKO", "BLT")   # allocation rows carry their index
DEFAULT_THRESHOLDS = {"PKH": 1, "SEMBAKO": 2, "BLT": 4}
DEFAULT_BENEFITS = {"SEMBAKO": 600_000, "BLT": 900_000}

# (mean exclusion, mean inclusion) per programme and regime, and the band
# each drawn value is clipped to. "old": 2025 everywhere and 2026 in the
# comparison regions (Banyuwangi "before": PKH 77.7/46.5, Sembako 70.0/37.7);
# "pilot": 2026 in the pilots (Banyuwangi "after": 28.2/39.8, 17.6/29.6).
RATES = {
    "old": {"PKH": (0.755, 0.445), "SEMBAKO": (0.715, 0.395), "BLT": (0.74, 0.42)},
    "pilot": {"PKH": (0.245, 0.365), "SEMBAKO": (0.205, 0.315)},
}
RATE_BANDS = {"old": ((0.70, 0.78), (0.38, 0.47)), "pilot": ((0.18, 0.28), (0.30, 0.40))}
RATE_SD = 0.015
GHOST_SHARE = {"old": (0.015, 0.03), "pilot": (0.008, 0.015)}  # of recipients

# PKH components, annual rupiah (ANTARA, Sept 2025), paid in 4 tranches:
# pregnant/postpartum, child 0-6, SD, SMP, SMA, elderly/severe disability.
PKH_COMPONENTS_PER_YEAR = np.array([3_000_000, 3_000_000, 900_000, 1_500_000, 2_000_000, 2_400_000])
PKH_COMPONENT_P = np.array([0.05, 0.20, 0.32, 0.20, 0.13, 0.10])

INSTITUTIONS = ("BRI", "BNI", "MANDIRI", "BTN", "BSI", "POS")
BRI, BNI, MANDIRI, BTN, BSI, POS = range(6)
INSTITUTION_SHARES = np.array([0.43, 0.22, 0.18, 0.09, 0.0, 0.08])

STATUS_NAMES = ("tersalur", "gagal", "retur", "proses")
TERSALUR, GAGAL, RETUR, PROSES = range(4)

KANAL_NAMES = ("", "dtsen", "agen", "mandiri", "musdes", "dinsos")
KELAYAKAN_NAMES = ("", "layak", "tidak_layak")
SANGGAH_NAMES = ("", "tidak", "diajukan", "diterima", "ditolak")
# P(layak) by decile (index 0 = not ranked).
P_LAYAK_BY_DESIL = np.array([0.25, 0.95, 0.93, 0.90, 0.82, 0.45, 0.15, 0.06, 0.03, 0.02, 0.01])

# Reasons for tidak_layak, as a verifier would type them. One has an
# apostrophe, one a comma, one an en dash (non-ASCII, also in the cp1252 file).
ALASAN = (
    "Memiliki aset di atas batas",                               # 0  welfare
    "Penghasilan di atas UMK",                                   # 1
    "Memiliki kendaraan roda empat",                             # 2
    "Daya listrik rumah di atas 1.300 VA",                       # 3
    "Anggota keluarga ASN/TNI/Polri",                            # 4
    "Memiliki aset di atas batas (rumah, tanah, kendaraan)",     # 5
    "Terdaftar di Jum'at Berkah",                                # 6
    "Desil di atas batas kelayakan – hasil pemeringkatan DTSEN",  # 7
    "Gagal verifikasi wajah",                                    # 8  verification
    "NIK tidak padan dengan data Dukcapil",                      # 9
    "Tidak ditemukan saat verifikasi lapangan",                  # 10
    "Pindah domisili ke luar kabupaten/kota",                    # 11
    "Kepala keluarga meninggal dunia",                           # 12
    "Terindikasi KK ganda",                                      # 13
    "Belum masuk pemeringkatan DTSEN",                           # 14 data
    "Dokumen kependudukan tidak lengkap",                        # 15
)
ALASAN_WELFARE = (np.arange(0, 8), np.array([0.22, 0.20, 0.12, 0.12, 0.06, 0.08, 0.06, 0.14]))
ALASAN_VERIFICATION = (np.arange(8, 14), np.array([0.25, 0.25, 0.20, 0.12, 0.08, 0.10]))
ALASAN_DATA = (np.array([14, 9, 15]), np.array([0.5, 0.3, 0.2]))
ALASAN_APOSTROPHE, ALASAN_EN_DASH = 6, 7

# Leakage signals the demo carries on purpose (docs/signals.md), as shares of a
# tranche's allocation rows (at least one of each per tranche), shaped like
# what monitoring finds in real extracts:
DOUBLE_REGION_SHARE = 0.0006       # a second kab/kota of the province lists the family too
DOUBLE_INSTITUTION_SHARE = 0.0006  # a second institution pays the family in the same kab/kota
REROUTE_SHARE = 0.003              # a failed bank payment paid again through PT Pos: not a signal
MISMATCH_SHARE = 0.002             # of SEMBAKO and BLT rows: two tranches at once, or half a benefit
EARLY_SHARE = 0.0008               # paid a few days before the tranche started
TIMELY_DAYS = 30                   # the timeliness setting's default (BANSOS_TIMELY_DAYS)
# The other signals are not injected but follow from the story: payments more
# than TIMELY_DAYS after the tranche start (the late tail of the delays above),
# paid recipients absent from every register (the "ghosts"), and families holding
# PKH, SEMBAKO and BLT in 2025 tranche 4 (BLT went mostly to SEMBAKO families).

BAD_ROW_RATE = 0.0015
XLSX_MAX_ROWS = 5_000
XLSX_PREFERRED_PROVINCE = "52"  # Nusa Tenggara Barat: two pilots, a few hundred post-office rows in the demo
CP1252_PREFERRED_REGION = "35.76"  # Kota Mojokerto: the smallest pilot
SEMICOLON_PREFERRED_REGION = "18.72"  # Kota Metro

KELUARGA_BEFORE_COLUMNS = ("no_kk", "nik_kepala", "kode_wilayah", "desil", "jumlah_anggota", "tanggal_data")
KELUARGA_AFTER_COLUMNS = (
    "no_kk", "nik_kepala", "kode_wilayah", "desil", "jumlah_anggota", "kanal_registrasi",
    "tanggal_registrasi", "status_kelayakan", "alasan", "sanggah", "tanggal_data",
)


@dataclass(frozen=True)
class ExtractFile:
    path: Path
    kind: str            # "keluarga" or "penyaluran"
    as_of: str | None    # ISO date passed to ingest as --as-of; None for registers (they carry tanggal_data)
    description: str     # one line, English, what this file is


def generate(out_dir: Path, scale: float = 0.02, seed: int = 7, reference_dir: Path | None = None,
             region_seed: int | None = None, region_scale: float | None = None) -> list[ExtractFile]:
    """Write synthetic extracts to out_dir, return them in the order to ingest.
    `region_seed` (default: `seed`) chooses the comparison kab/kota: new data
    for the same kab/kota as an earlier warehouse is another seed with that
    warehouse's region seed (benchmarks/routine_load.py).

    `region_scale` (default: `scale`) is the size of each kab/kota. Below
    `scale`, the data grows the way the national rollout does: every kab/kota
    keeps its size at `region_scale`, and more comparison kab/kota of the
    pilot provinces are added (after the usual ones, in an order drawn from
    the seed) until the register holds `6.5 million x scale` families. So
    `scale / region_scale` can be at most the pilot provinces' population
    over the usual study regions' (which the region seed chooses): 4.24 for
    the benchmark's seed, 3.6-4.4 for others; more is refused."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    if region_scale is not None and not 0 < region_scale <= scale:
        raise ValueError("region_scale must be positive and at most scale")
    if region_scale == scale:
        region_scale = None  # the usual data, manifest and all
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ref = _Reference.load(Path(reference_dir) if reference_dir else _default_reference_dir())
    study = _study_regions(ref, seed if region_seed is None else region_seed, scale, region_scale)
    fam = _make_families(study, ref, seed)
    alloc = _make_allocations(study, fam, ref, seed)
    # Register rows of every family allocated anywhere stay intact (signal counts depend on them).
    allocated = np.zeros(len(fam), bool)
    for part in alloc.rows.values():
        allocated[part["fam"]] = True
    writer = _Writer(out_dir, study, fam, ref, seed, allocated)
    writer.write_registers()
    writer.write_payments(alloc)
    writer.write_manifest(scale, _signal_truth(alloc, fam, study, ref), region_scale)
    return [w.extract for w in writer.written]


def _default_reference_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "reference"


def _rng(seed: int, *tags: object) -> np.random.Generator:
    """An independent stream per purpose, so adding one draw does not shift the others."""
    words = [seed & 0xFFFFFFFF] + [zlib.crc32(str(t).encode()) for t in tags]
    return np.random.default_rng(np.random.SeedSequence(words))


# ---------------------------------------------------------------------------
# Reference data


class _Reference:
    def __init__(self, regions, pilots, programs, desa_codes, desa_region, desa_kec6):
        self.regions = regions
        self.pilots = pilots
        self.thresholds = dict(DEFAULT_THRESHOLDS)
        self.benefits = dict(DEFAULT_BENEFITS)
        for row in programs.itertuples():
            code = str(row.code).strip().upper()
            if code in self.thresholds and str(row.max_desil).strip().isdigit():
                self.thresholds[code] = int(row.max_desil)
            benefit = str(getattr(row, "benefit_per_tranche", "") or "").strip()
            if code in self.benefits and benefit.isdigit():
                self.benefits[code] = int(benefit)
        self.desa_codes = desa_codes          # numpy str array, dotted
        self.desa_region = desa_region        # kab/kota code per desa
        self.desa_kec6 = desa_kec6            # int64 PPKKCC per desa

    @classmethod
    def load(cls, ref_dir: Path) -> _Reference:
        def read(name: str) -> pd.DataFrame:
            return pd.read_csv(ref_dir / name, dtype=str, keep_default_na=False)

        regions = read("regions.csv")
        pilots = read("pilots.csv")
        programs = read("programs.csv")
        kecamatan = read("kecamatan.csv")
        desa = read("desa.csv.gz")
        kec_region = dict(zip(kecamatan["code"], kecamatan["region_code"]))
        desa_codes = desa["code"].to_numpy(dtype=object)
        desa_region = desa["kecamatan_code"].map(kec_region).fillna(desa["code"].str[:5]).to_numpy(dtype=object)
        order = np.argsort(desa_codes, kind="stable")
        desa_codes, desa_region = desa_codes[order], desa_region[order]
        kec6 = pd.Series(desa_codes).str[:8].str.replace(".", "", regex=False).astype("int64").to_numpy()
        return cls(regions, pilots, programs, desa_codes.astype(str), desa_region.astype(str), kec6)


def _study_regions(ref: _Reference, seed: int, scale: float, region_scale: float | None = None) -> pd.DataFrame:
    regions = ref.regions.copy()
    regions["population"] = pd.to_numeric(regions["population"], errors="coerce")
    median_pop = float(regions["population"].median()) if regions["population"].notna().any() else 500_000.0
    regions["population"] = regions["population"].fillna(median_pop)
    by_code = regions.set_index("code")

    pilots = ref.pilots.copy()
    pilot_codes = set(pilots["region_code"])
    rows = []
    for p in pilots.sort_values("region_code").itertuples():
        info = by_code.loc[p.region_code] if p.region_code in by_code.index else None
        rows.append({
            "code": p.region_code,
            "name": info["name"] if info is not None else p.region_name,
            "type": info["type"] if info is not None else ("kota" if p.region_name.startswith("Kota") else "kabupaten"),
            "province_code": p.province_code,
            "province_name": p.province_name,
            "population": float(info["population"]) if info is not None else median_pop,
            "is_pilot": True,
            "cohort": int(p.cohort) if str(p.cohort).isdigit() else 2026,
        })
    province_names = dict(zip(pilots["province_code"], pilots["province_name"]))
    rng = _rng(seed, "comparison")
    for prov in sorted(province_names):
        candidates = regions[(regions["province_code"] == prov) & ~regions["code"].isin(pilot_codes)].sort_values("code")
        k = min(COMPARISONS_PER_PILOT_PROVINCE, len(candidates))
        picked = np.sort(rng.choice(len(candidates), size=k, replace=False)) if k else np.array([], dtype=int)
        for i in picked:
            rows.append(_comparison_row(candidates.iloc[int(i)], province_names))
    if region_scale is None:
        study = pd.DataFrame(rows).sort_values("code", kind="stable").reset_index(drop=True)
        share = study["population"] / study["population"].sum()
        study["families"] = np.maximum(MIN_FAMILIES_PER_REGION, np.round(share * FAMILIES_AT_SCALE_1 * scale)).astype(int)
    else:
        study = _widened(rows, regions, province_names, seed, scale, region_scale)
    study["is_kota"] = study["type"].str.lower().str.startswith("kota") | study["name"].str.startswith("Kota")
    # Welfare shift of the region's families on the latent scale: cities richer.
    shift = np.array([
        _rng(seed, "shift", c).normal(0.30, 0.15) if kota else _rng(seed, "shift", c).normal(-0.15, 0.22)
        for c, kota in zip(study["code"], study["is_kota"])
    ])
    study["shift"] = shift
    return study


def _comparison_row(c: pd.Series, province_names: dict) -> dict:
    """A non-pilot kab/kota of a pilot province, as a study region."""
    return {
        "code": c["code"], "name": c["name"], "type": c["type"], "province_code": c["province_code"],
        "province_name": province_names[c["province_code"]], "population": float(c["population"]),
        "is_pilot": False, "cohort": 0,
    }


def _widened(rows: list[dict], regions: pd.DataFrame, province_names: dict, seed: int, scale: float,
             region_scale: float) -> pd.DataFrame:
    """The usual study regions at `region_scale` (each kab/kota the size it
    has there), with comparison kab/kota of the pilot provinces added until
    the families reach `scale` (generate's `region_scale`)."""
    # Sizes are shares of the usual study regions' population, so that a
    # kab/kota has the same number of families as in a warehouse at region_scale.
    per_person = FAMILIES_AT_SCALE_1 * region_scale / sum(row["population"] for row in rows)
    target = FAMILIES_AT_SCALE_1 * scale
    chosen = {row["code"] for row in rows}
    spare = regions[regions["province_code"].isin(list(province_names)) & ~regions["code"].isin(chosen)].sort_values("code")
    rows = list(rows)
    families = FAMILIES_AT_SCALE_1 * region_scale  # the usual regions'
    for i in _rng(seed, "widened").permutation(len(spare)):
        if families >= target:
            break
        rows.append(_comparison_row(spare.iloc[int(i)], province_names))
        families += rows[-1]["population"] * per_person
    if families < target * 0.99:
        raise ValueError(
            f"the pilot provinces' kab/kota hold {families / (FAMILIES_AT_SCALE_1 * region_scale):.2f} times the usual "
            f"study regions' population: scale / region_scale can be at most that (asked {scale / region_scale:.2f})"
        )
    study = pd.DataFrame(rows).sort_values("code", kind="stable").reset_index(drop=True)
    study["families"] = np.maximum(MIN_FAMILIES_PER_REGION, np.round(study["population"] * per_person)).astype(int)
    return study


# ---------------------------------------------------------------------------
# Families

ROLE_STAYS, ROLE_LEAVES, ROLE_NEW, ROLE_GHOST = range(4)


class _Families:
    """Column arrays over every family of the synthetic world, region-major.

    role: in the 2025 register and still there (0), in 2025 but gone by the
    pilot's 2026 snapshot (1), new registrant in the pilot's 2026 snapshot (2),
    or a recipient absent from every register (3, "ghost").
    desil 0 means not ranked (blank).
    """

    fields = (
        "region", "role", "desa", "kk", "nik", "age", "female", "members", "desil_before", "desil_after",
        "kanal", "tgl_reg", "kelayakan", "alasan", "sanggah", "pkh_2025", "pkh_2026", "inst_2025", "inst_2026",
    )
    # One array per field, set in __init__ (declared here for the type checker).
    region: np.ndarray
    role: np.ndarray
    desa: np.ndarray
    kk: np.ndarray
    nik: np.ndarray
    age: np.ndarray
    female: np.ndarray
    members: np.ndarray
    desil_before: np.ndarray
    desil_after: np.ndarray
    kanal: np.ndarray
    tgl_reg: np.ndarray
    kelayakan: np.ndarray
    alasan: np.ndarray
    sanggah: np.ndarray
    pkh_2025: np.ndarray
    pkh_2026: np.ndarray
    inst_2025: np.ndarray
    inst_2026: np.ndarray

    def __init__(self, parts: list[dict]):
        for f in self.fields:
            setattr(self, f, np.concatenate([p[f] for p in parts]))
        self.bounds = np.cumsum([0] + [len(p["role"]) for p in parts])

    def __len__(self) -> int:
        return len(self.role)


def _ddmmyy(days: np.ndarray, female: np.ndarray | None = None) -> np.ndarray:
    """NIK/KK date part: DDMMYY, with 40 added to the day for women."""
    y = days.astype("datetime64[Y]")
    m = days.astype("datetime64[M]")
    day = (days - m.astype("datetime64[D]")).astype(np.int64) + 1
    month = (m - y.astype("datetime64[M]")).astype(np.int64) + 1
    yy = (y.astype(np.int64) + 1970) % 100
    if female is not None:
        day = day + 40 * female
    return day * 10_000 + month * 100 + yy


def _random_days(rng, n, start: str, end: str) -> np.ndarray:
    lo, hi = np.datetime64(start), np.datetime64(end)
    return lo + rng.integers(0, int((hi - lo).astype(int)) + 1, n).astype("timedelta64[D]")


def _make_families(study: pd.DataFrame, ref: _Reference, seed: int) -> _Families:
    parts = []
    for reg_idx, reg in enumerate(study.itertuples()):
        parts.append(_region_families(reg_idx, reg, ref, seed))
    fam = _Families(parts)
    rng = _rng(seed, "dedupe")
    _make_unique(fam.kk, rng)
    _make_unique(fam.nik, rng)
    _force_special_reasons(study, fam)
    return fam


def _region_families(reg_idx: int, reg, ref: _Reference, seed: int) -> dict:
    rng = _rng(seed, "families", reg.code)
    n = int(reg.families)
    is_pilot = bool(reg.is_pilot)
    if is_pilot:
        n_new = int(round(n * (rng.uniform(0.10, 0.14) if reg.cohort == 2025 else rng.uniform(0.06, 0.10))))
    else:
        n_new = 0
    n_ghost = max(5, int(round(n * 0.02)))
    total = n + n_new + n_ghost

    role = np.concatenate([np.zeros(n, np.int8), np.full(n_new, ROLE_NEW, np.int8), np.full(n_ghost, ROLE_GHOST, np.int8)])
    if is_pilot:
        role[:n][rng.random(n) < 0.015] = ROLE_LEAVES
    existing = role <= ROLE_LEAVES
    new = role == ROLE_NEW

    desa_ids = np.flatnonzero(ref.desa_region == reg.code)
    if len(desa_ids) == 0:
        raise ValueError(f"no desa/kelurahan for region {reg.code} in the reference data")
    w = rng.lognormal(0.0, 0.8, len(desa_ids))
    desa = desa_ids[rng.choice(len(desa_ids), size=total, p=w / w.sum())].astype(np.int32)

    age = np.clip(np.round(rng.normal(47, 13, total)), 20, 90).astype(np.int16)
    female = rng.random(total) < (0.12 + 0.22 * (age >= 60))
    members = rng.choice(np.arange(1, 9), size=total, p=[0.14, 0.25, 0.27, 0.19, 0.09, 0.035, 0.015, 0.01])

    # Latent welfare on a standard-normal scale; decile = where it falls in the
    # national distribution. New registrants are poorer on average.
    latent = rng.standard_normal(total) + reg.shift - 0.5 * new
    cdf = 1.0 / (1.0 + np.exp(-1.702 * latent))
    desil_latent = np.clip(np.floor(cdf * 10).astype(np.int8) + 1, 1, 10)
    members = np.clip(members + ((desil_latent <= 3) & (rng.random(total) < 0.25)), 1, 8)
    members = np.where((age >= 65) & (rng.random(total) < 0.5), np.minimum(members, 2), members).astype(np.int8)

    desil_before = np.where(existing & (rng.random(total) >= 0.03), desil_latent, 0).astype(np.int8)
    if is_pilot:
        # DTSEN is updated between snapshots: a few families move a decile,
        # some unranked ones get ranked; new registrants are ranked mostly.
        moved = rng.random(total) < 0.04
        desil_after = np.where(moved & (desil_before > 0), np.clip(desil_before + rng.choice([-1, 1], total), 1, 10), desil_before)
        ranked_now = (desil_before == 0) & existing & (rng.random(total) < 0.2)
        desil_after = np.where(ranked_now, desil_latent, desil_after)
        desil_after = np.where(new, np.where(rng.random(total) >= 0.12, desil_latent, 0), desil_after)
        desil_after = np.where((role == ROLE_STAYS) | new, desil_after, 0).astype(np.int8)
    else:
        desil_after = np.where(role == ROLE_STAYS, desil_before, 0).astype(np.int8)

    birth = (np.datetime64("2025-07-01") - (age.astype(np.int64) * 365 + rng.integers(0, 365, total)).astype("timedelta64[D]"))
    kec6 = ref.desa_kec6[desa]
    nik = kec6 * 10**10 + _ddmmyy(birth, female) * 10**4 + rng.integers(1, 10_000, total)
    issued = np.where(new, _random_days(rng, total, "2005-01-01", "2025-10-31"), _random_days(rng, total, "2000-01-01", "2025-05-31"))
    kk = kec6 * 10**10 + _ddmmyy(issued) * 10**4 + rng.integers(1, 10_000, total)

    kanal = np.zeros(total, np.int8)
    tgl_reg = np.full(total, np.datetime64("NaT"), dtype="datetime64[D]")
    kelayakan = np.zeros(total, np.int8)
    alasan = np.full(total, -1, np.int16)
    sanggah = np.zeros(total, np.int8)
    if is_pilot:
        in_after = (role == ROLE_STAYS) | new
        kanal[role == ROLE_STAYS] = 1
        # Agents reach the elderly; the young register themselves in the app.
        u = rng.random(total)
        p_mandiri = np.where(age < 45, 0.40, 0.22)
        kanal_new = np.where(u < 0.025, 4, np.where(u < 0.035, 5, np.where(u < 0.035 + p_mandiri, 3, 2)))
        kanal[new] = kanal_new[new]
        window = ("2025-09-01", "2026-01-20") if reg.cohort == 2025 else ("2025-10-01", "2025-12-31")
        lo = np.datetime64(window[0])
        span = int((np.datetime64(window[1]) - lo).astype(int))
        offsets = np.floor(rng.beta(2.0, 2.2, total) * span).astype(np.int64)
        tgl_reg[new] = (lo + offsets.astype("timedelta64[D]"))[new]

        p_undecided = np.where(new, np.where(desil_after == 0, 0.6, 0.08 + 0.12 * (offsets > 0.8 * span)), 0.01)
        decided = rng.random(total) >= p_undecided
        layak = rng.random(total) < P_LAYAK_BY_DESIL[desil_after]
        kelayakan = np.where(in_after & decided, np.where(layak, 1, 2), 0).astype(np.int8)

        tl = kelayakan == 2
        for (ids, p), mask in (
            (ALASAN_WELFARE, tl & (desil_after >= 5)),
            (ALASAN_VERIFICATION, tl & (desil_after >= 1) & (desil_after <= 4)),
            (ALASAN_DATA, tl & (desil_after == 0)),
        ):
            alasan[mask] = rng.choice(ids, size=int(mask.sum()), p=p)

        # Appeals: mostly from poor families wrongly turned down; upheld more
        # often for them.
        poor = (desil_after >= 1) & (desil_after <= 4)
        appealed = tl & (rng.random(total) < np.where(poor, 0.25, 0.06))
        v = rng.random(total)
        p_upheld = np.where(poor, 0.45, 0.12)
        outcome = np.where(v < 0.30, 2, np.where(v < 0.30 + 0.70 * p_upheld, 3, 4))
        sanggah = np.where(tl, np.where(appealed, outcome, 1), 0).astype(np.int8)

    # PKH benefit per tranche: sum of up to four components (annual / 4).
    k = np.minimum(rng.choice([1, 2, 3, 4], size=total, p=[0.42, 0.33, 0.17, 0.08]), np.maximum(1, members - 1))
    comps = rng.choice(len(PKH_COMPONENTS_PER_YEAR), size=(total, 4), p=PKH_COMPONENT_P)
    comps[:, 0] = np.where((age >= 60) & (rng.random(total) < 0.8), 5, comps[:, 0])
    per_tranche = PKH_COMPONENTS_PER_YEAR[comps] // 4
    pkh_2025 = (per_tranche * (np.arange(4) < k[:, None])).sum(axis=1).astype(np.int64)
    redraw = rng.random(total) < 0.08  # children move up a school level
    pkh_2026 = np.where(redraw, pkh_2025 + rng.choice([-225_000, 150_000, 125_000, 375_000], total), pkh_2025)
    pkh_2026 = np.maximum(pkh_2026, 225_000)

    # Paying institution: a family keeps its account; post office more for the elderly.
    shares = rng.dirichlet(INSTITUTION_SHARES[[BRI, BNI, MANDIRI, BTN, POS]] * 80)
    inst_2025 = np.array([BRI, BNI, MANDIRI, BTN, POS], np.int8)[rng.choice(5, size=total, p=shares)]
    inst_2025 = np.where((age >= 65) & (rng.random(total) < 0.25), POS, inst_2025).astype(np.int8)
    to_bsi = (inst_2025 != POS) & (rng.random(total) < rng.uniform(0.03, 0.07))
    inst_2026 = np.where(to_bsi, BSI, inst_2025).astype(np.int8)

    return {
        "region": np.full(total, reg_idx, np.int16), "role": role, "desa": desa, "kk": kk, "nik": nik,
        "age": age, "female": female, "members": members, "desil_before": desil_before,
        "desil_after": desil_after, "kanal": kanal, "tgl_reg": tgl_reg, "kelayakan": kelayakan,
        "alasan": alasan, "sanggah": sanggah, "pkh_2025": pkh_2025, "pkh_2026": pkh_2026,
        "inst_2025": inst_2025, "inst_2026": inst_2026,
    }


def _make_unique(ids: np.ndarray, rng: np.random.Generator) -> None:
    """Redraw the 4-digit serial of repeated ids until all are unique (in place)."""
    while True:
        _, first = np.unique(ids, return_index=True)
        dup = np.ones(len(ids), bool)
        dup[first] = False
        n_dup = int(dup.sum())
        if n_dup == 0:
            return
        ids[dup] = ids[dup] // 10_000 * 10_000 + rng.integers(1, 10_000, n_dup)


def _force_special_reasons(study: pd.DataFrame, fam: _Families) -> None:
    """Make sure the en dash reaches the cp1252 file and the apostrophe some file."""
    pilots = study[study["is_pilot"]]
    if pilots.empty:
        return
    targets = {_pick_region(study, CP1252_PREFERRED_REGION): ALASAN_EN_DASH,
               _pick_region(study, SEMICOLON_PREFERRED_REGION): ALASAN_APOSTROPHE}
    for reg_idx, reason in targets.items():
        lo, hi = fam.bounds[reg_idx], fam.bounds[reg_idx + 1]
        cand = np.flatnonzero((fam.kelayakan[lo:hi] == 2) & (fam.desil_after[lo:hi] >= 5)) + lo
        if len(cand) == 0:
            cand = np.flatnonzero((fam.role[lo:hi] == ROLE_STAYS) & (fam.desil_after[lo:hi] >= 5)) + lo
            fam.kelayakan[cand[:1]] = 2
            fam.sanggah[cand[:1]] = 1
        fam.alasan[cand[:1]] = reason


def _pick_region(study: pd.DataFrame, preferred: str) -> int:
    """Index of the preferred pilot, else of the pilot with the fewest families."""
    hit = np.flatnonzero((study["code"] == preferred) & study["is_pilot"])
    if len(hit):
        return int(hit[0])
    pilots = study[study["is_pilot"]]
    return int(pilots["families"].idxmin())


# ---------------------------------------------------------------------------
# Allocations


@dataclass
class _Allocations:
    # (year, tranche) -> arrays over that tranche's rows
    rows: dict


def _weighted_sample(rng, candidates: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """k distinct candidates, probability proportional to weight (exponential keys)."""
    if k <= 0 or len(candidates) == 0:
        return candidates[:0]
    ok = weights > 0
    candidates, weights = candidates[ok], weights[ok]
    k = min(k, len(candidates))
    keys = rng.exponential(size=len(candidates)) / weights
    if k < len(candidates):
        idx = np.argpartition(keys, k - 1)[:k]
    else:
        idx = np.arange(len(candidates))
    return np.sort(candidates[idx])


def _select(rng, prev_member: np.ndarray | None, pool: np.ndarray, weights: np.ndarray, target: int, keep_p: float) -> np.ndarray:
    """Recipients of one class: keep most of the previous list, top up from the pool."""
    target = min(target, int((weights > 0).sum()))
    if prev_member is not None:
        in_prev = prev_member[pool]
        kept = pool[in_prev & (rng.random(len(pool)) < keep_p)]
    else:
        kept = pool[:0]
    if len(kept) > target:
        kept = np.sort(rng.choice(kept, size=target, replace=False))
    rest = np.ones(len(pool), bool)
    if len(kept):
        rest[np.searchsorted(pool, kept)] = False
    added = _weighted_sample(rng, pool[rest], weights[rest], target - len(kept))
    return np.sort(np.concatenate([kept, added]))


def _draw_rates(rng, regime: str, program: str) -> tuple[float, float, float]:
    (e_lo, e_hi), (i_lo, i_hi) = RATE_BANDS[regime]
    e_mu, i_mu = RATES[regime][program]
    e = float(np.clip(rng.normal(e_mu, RATE_SD), e_lo, e_hi))
    i = float(np.clip(rng.normal(i_mu, RATE_SD), i_lo, i_hi))
    g = float(rng.uniform(*GHOST_SHARE[regime]))
    return e, i, g


def _make_allocations(study: pd.DataFrame, fam: _Families, ref: _Reference, seed: int) -> _Allocations:
    n_fam = len(fam)
    chosen: dict[tuple, list[np.ndarray]] = {}
    for reg_idx, reg in enumerate(study.itertuples()):
        lo, hi = fam.bounds[reg_idx], fam.bounds[reg_idx + 1]
        idx = np.arange(lo, hi)
        role = fam.role[lo:hi]
        d = fam.desil_after[lo:hi]
        in_latest = (role == ROLE_STAYS) | (role == ROLE_NEW)
        pilot = bool(reg.is_pilot)
        layak_final = (fam.kelayakan[lo:hi] == 1) | (fam.sanggah[lo:hi] == 3)
        rejected = (fam.kelayakan[lo:hi] == 2) & ~layak_final
        last: dict[str, np.ndarray] = {}
        for program in ("PKH", "SEMBAKO", "BLT"):
            thr = ref.thresholds[program]
            eligible = in_latest & (d >= 1) & (d <= thr)
            n_eligible = int(eligible.sum())
            distance = np.where(d == 0, 0, d - thr)
            w_non = np.select([d == 0, distance == 1, distance == 2, distance == 3], [0.4, 6.0, 2.5, 1.0], 0.25)
            rates = {}
            for year in (2025, 2026):
                regime = "pilot" if (pilot and year == 2026) else "old"
                if program in RATES[regime]:
                    rates[year] = _draw_rates(_rng(seed, "rates", reg.code, program, year), regime, program)
            prev_member = None
            if program == "BLT" and "SEMBAKO" in last:
                prev_member = np.zeros(n_fam, bool)
                prev_member[last["SEMBAKO"]] = True
            for year, tranche in PROGRAM_TRANCHES[program]:
                rng = _rng(seed, "select", reg.code, program, year, tranche)
                e, i, g = rates[year]
                regime = "pilot" if (pilot and year == 2026) else "old"
                # Small tranche-to-tranche movement; the pilots keep improving.
                drift = -0.012 * (tranche - 1) if regime == "pilot" else 0.0
                e_t = float(np.clip(e + drift + rng.normal(0, 0.006), 0.0, 0.99))
                i_t = float(np.clip(i + rng.normal(0, 0.006), 0.0, 0.99))
                # Before its registration a pilot's new families are not on any list.
                base_pool = (role == ROLE_STAYS) | ((role == ROLE_NEW) & (year == 2026))
                elig_pool = base_pool & eligible
                non_pool = base_pool & ~eligible
                w_e = np.ones(hi - lo)
                w_n = w_non.copy()
                if regime == "pilot":
                    w_e = np.where(layak_final, 3.0, np.where(rejected, 0.4, 1.0))
                    w_n = w_n * np.where(rejected, 0.35, 1.0)
                n_elig = int(round((1 - e_t) * n_eligible))
                n_rec = int(round(n_elig / (1 - i_t))) if n_elig else int(round(0.05 * (hi - lo) * i_t))
                n_ghost = int(round(g * n_rec))
                n_non = max(0, n_rec - n_elig - n_ghost)
                if prev_member is None:
                    keep = (0.0, 0.0, 0.0)
                elif tranche == 1 and program != "BLT":
                    keep = (0.95, 0.5, 0.3) if regime == "pilot" else (0.92, 0.92, 0.9)
                else:
                    keep = (0.97, 0.97, 0.97) if program != "BLT" else (0.6, 0.6, 0.6)
                ghost_pool = idx[role == ROLE_GHOST]
                parts = [
                    _select(rng, prev_member, idx[elig_pool], w_e[elig_pool], n_elig, keep[0]),
                    _select(rng, prev_member, idx[non_pool], w_n[non_pool], n_non, keep[1]),
                    _select(rng, prev_member, ghost_pool, np.ones(len(ghost_pool)), n_ghost, keep[2]),
                ]
                sel = np.sort(np.concatenate(parts))
                chosen.setdefault((year, tranche, program), []).append(sel)
                if program != "BLT":
                    prev_member = np.zeros(n_fam, bool)
                    prev_member[sel] = True
                last[program] = sel

    rows = {}
    for year, tranche in TRANCHES:
        fams, progs = [], []
        for program in ("PKH", "SEMBAKO", "BLT"):
            for sel in chosen.get((year, tranche, program), []):
                fams.append(sel)
                progs.append(np.full(len(sel), PROGRAM_NAMES.index(program), np.int8))
        if fams:
            rows[(year, tranche)] = _payments(study, fam, ref, np.concatenate(fams).astype(np.int32),
                                              np.concatenate(progs), year, tranche, seed)
    return _Allocations(rows)


def _tranche_start(year: int, tranche: int) -> np.datetime64:
    return np.datetime64(f"{year}-{3 * (tranche - 1) + 1:02d}-01")


def _payments(study, fam: _Families, ref: _Reference, f: np.ndarray, prog: np.ndarray, year: int, tranche: int, seed: int) -> dict:
    """Amount, institution, status and payment date of one tranche's rows."""
    rng = _rng(seed, "payments", year, tranche)
    n = len(f)
    region = fam.region[f]
    n_regions = len(study)
    inst = (fam.inst_2025 if year == 2025 else fam.inst_2026)[f]
    pkh = (fam.pkh_2025 if year == 2025 else fam.pkh_2026)[f]
    nominal = np.select([prog == 0, prog == 1], [pkh, ref.benefits["SEMBAKO"]], ref.benefits["BLT"]).astype(np.int64)

    latest = (year, tranche) == TRANCHES[-1]
    as_of = np.datetime64(AS_OF_2026_T2_LATER if latest else (AS_OF_2025 if year == 2025 else AS_OF_2026_FIRST))
    start = _tranche_start(year, tranche)
    p_ok_region = rng.uniform(0.86, 0.92, n_regions) if latest else rng.uniform(0.885, 0.95, n_regions)
    # Pending payments: a few at year end and in the fresh tranche, hardly any later.
    if latest:
        p_proses = 0.04
    elif tranche == 4 or year == 2026:
        p_proses = 0.02
    else:
        p_proses = 0.003
    p_ok = p_ok_region[region] - 0.02 * (inst == POS)
    u = rng.random(n)
    status = np.where(u < p_ok, TERSALUR, np.where(u < p_ok + p_proses, PROSES, np.where(rng.random(n) < 0.6, GAGAL, RETUR))).astype(np.int8)

    offset = rng.uniform(2, 14, n_regions)[region]
    delay = offset + rng.gamma(1.8, 6.0, n) + 5.0 * (inst == POS)
    max_delay = int((as_of - start).astype(int)) - 1
    delay = np.minimum(np.floor(delay).astype(np.int64), 100)
    late = delay > max_delay
    status = np.where((status == TERSALUR) & late, PROSES, status).astype(np.int8)
    paid_on = start + np.minimum(delay, max_delay).astype("timedelta64[D]")

    rows = {"fam": f, "prog": prog, "region": region, "inst": inst, "nominal": nominal, "status": status,
            "paid_on": paid_on, "desa": fam.desa[f]}
    rows = _with_signals(rows, study, fam, ref, _rng(seed, "signals", year, tranche), start, max_delay)
    inst, status, paid_on = rows["inst"], rows["status"], rows["paid_on"]
    n = len(inst)

    # Transaction ids: institution, year, tranche, running number.
    order = np.argsort(inst, kind="stable")
    group_start = np.searchsorted(inst[order], inst[order], side="left")
    seq = np.empty(n, np.int64)
    seq[order] = np.arange(n) - group_start + 1

    out = {**rows, "seq": seq, "year": year, "tranche": tranche}
    if latest:
        # The early extract: paid only if paid before its date; a failure may
        # already be known; everything else is still in process.
        early_as_of = np.datetime64(AS_OF_2026_FIRST)
        early = np.where((status == TERSALUR) & (paid_on < early_as_of), TERSALUR,
                         np.where((status == GAGAL) & (rng.random(n) < 0.4), GAGAL, PROSES)).astype(np.int8)
        out["status_early"] = early
    return out


def _share(share: float, n: int) -> int:
    return max(1, int(round(share * n))) if n else 0


def _with_signals(rows: dict, study, fam: _Families, ref: _Reference, rng, start: np.datetime64, last_day: int) -> dict:
    """One tranche's rows with the injected signals (extra rows appended), a
    `reroute` mask (the failed rows paid again) and a `protect` mask: every
    row a signal count depends on, which the bad-row injection leaves intact
    so that MANIFEST.json can state the counts exactly."""
    n = len(rows["fam"])
    status, inst, prog = rows["status"], rows["inst"], rows["prog"]
    region_of = rows["region"]
    not_ghost = fam.role[rows["fam"]] != ROLE_GHOST
    paid = (status == TERSALUR) & not_ghost
    order = rng.permutation(n)
    used = np.zeros(n, bool)

    def take(mask: np.ndarray, k: int) -> np.ndarray:
        candidates = order[mask[order] & ~used[order]][:k]
        used[candidates] = True
        return np.sort(candidates)

    doubles_region = take(paid, _share(DOUBLE_REGION_SHARE, n))
    doubles_inst = take(paid, _share(DOUBLE_INSTITUTION_SHARE, n))
    reroutes = take(paid & (inst != POS), _share(REROUTE_SHARE, n))
    with_benefit = np.isin(prog, [PROGRAM_NAMES.index(p) for p in ref.benefits]) & not_ghost
    mismatches = take(with_benefit, _share(MISMATCH_SHARE, int(with_benefit.sum())))
    early = take(paid, _share(EARLY_SHARE, n))

    def later(index: np.ndarray, lo: int, hi: int) -> np.ndarray:
        days = (rows["paid_on"][index] - start).astype(np.int64) + rng.integers(lo, hi, len(index))
        return start + np.minimum(days, last_day).astype("timedelta64[D]")

    # A second kab/kota of the same province (another study region).
    provinces = study["province_code"].to_numpy()
    other_region = np.array([
        rng.choice([int(r) for r in np.flatnonzero(provinces == provinces[region_of[i]]) if r != region_of[i]]
                   or [r for r in range(len(study)) if r != region_of[i]])
        for i in doubles_region
    ], dtype=region_of.dtype)
    other_desa = np.array([
        rng.choice(np.flatnonzero(ref.desa_region == study.at[int(r), "code"])) for r in other_region
    ], dtype=rows["desa"].dtype)
    extra = {
        "fam": np.concatenate([rows["fam"][doubles_region], rows["fam"][doubles_inst], rows["fam"][reroutes]]),
        "prog": np.concatenate([prog[doubles_region], prog[doubles_inst], prog[reroutes]]),
        "region": np.concatenate([other_region, region_of[doubles_inst], region_of[reroutes]]),
        "inst": np.concatenate([inst[doubles_region], np.where(inst[doubles_inst] == POS, BRI, POS),
                                np.full(len(reroutes), POS)]).astype(inst.dtype),
        "nominal": np.concatenate([rows["nominal"][doubles_region], rows["nominal"][doubles_inst], rows["nominal"][reroutes]]),
        "status": np.full(len(doubles_region) + len(doubles_inst) + len(reroutes), TERSALUR, status.dtype),
        "paid_on": np.concatenate([later(doubles_region, 0, 10), later(doubles_inst, 0, 10), later(reroutes, 5, 20)]),
        "desa": np.concatenate([other_desa, rows["desa"][doubles_inst], rows["desa"][reroutes]]),
    }
    out = {k: v.copy() for k, v in rows.items()}
    # The bank payment failed (mostly) or came back (a few); PT Pos paid it.
    out["status"][reroutes] = np.where(rng.random(len(reroutes)) < 0.7, GAGAL, RETUR)
    benefit = np.array([ref.benefits.get(name, 0) for name in PROGRAM_NAMES], np.int64)[prog[mismatches]]
    out["nominal"][mismatches] = np.where(rng.random(len(mismatches)) < 0.6, 2 * benefit, benefit // 2)
    out["paid_on"][early] = start - rng.integers(1, 8, len(early)).astype("timedelta64[D]")
    out = {k: np.concatenate([out[k], extra[k]]) for k in out}
    total = len(out["fam"])
    out["reroute"] = np.zeros(total, bool)
    out["reroute"][reroutes] = True

    # Rows a signal count depends on: never broken by the bad-row injection.
    live = ~out["reroute"]
    offset = (out["paid_on"] - start).astype(np.int64)
    off_window = (out["status"] == TERSALUR) & ((offset < 0) | (offset > TIMELY_DAYS))
    programmes = pd.DataFrame({"fam": out["fam"][live], "prog": out["prog"][live]}).groupby("fam")["prog"].nunique()
    concentrated = np.isin(out["fam"], programmes.index[programmes >= 3].to_numpy())
    out["protect"] = (np.concatenate([used, np.ones(total - n, bool)]) | (fam.role[out["fam"]] == ROLE_GHOST)
                      | off_window | concentrated)
    return out


def _signal_truth(alloc: _Allocations, fam: _Families, study: pd.DataFrame, ref: _Reference) -> dict:
    """The signal counts the demo warehouse must show at the latest register
    snapshot (AFTER_SNAPSHOT), worked out from the generator's own rows: per
    signal, programme and tranche (regions added up), the double allocations
    per region, and the reroutes. See docs/signals.md for the definitions."""
    is_pilot = study["is_pilot"].to_numpy()
    home_pilot = is_pilot[fam.region]
    registered = np.where(home_pilot, (fam.role == ROLE_STAYS) | (fam.role == ROLE_NEW),
                          (fam.role == ROLE_STAYS) | (fam.role == ROLE_LEAVES))
    codes = study["code"].to_numpy()
    benefit = np.array([ref.benefits.get(name, -1) for name in PROGRAM_NAMES], np.int64)
    expected, by_region, reroutes = [], [], []
    for (year, tranche), part in sorted(alloc.rows.items()):
        live = ~part["reroute"]
        f, prog, region = part["fam"][live], part["prog"][live], part["region"][live]
        status, nominal = part["status"][live], part["nominal"][live]
        offset = (part["paid_on"][live] - _tranche_start(year, tranche)).astype(np.int64)
        frame = pd.DataFrame({"fam": f, "prog": prog, "region": region})
        rows_per_family = frame.groupby(["fam", "prog"])["region"].transform("size").to_numpy()
        programmes = frame.groupby("fam")["prog"].transform("nunique").to_numpy()
        paid = status == TERSALUR
        flags = {
            "double_allocation": rows_per_family > 1,
            "paid_not_registered": paid & ~registered[f],
            "paid_off_window": paid & ((offset < 0) | (offset > TIMELY_DAYS)),
            "amount_mismatch": (benefit[prog] >= 0) & (nominal != benefit[prog]),
            "concentration": programmes >= 3,
        }
        for signal, flag in flags.items():
            hits = frame[flag].drop_duplicates()
            for p in sorted(set(prog.tolist())):
                name = PROGRAM_NAMES[p]
                if signal == "amount_mismatch" and name not in ref.benefits:
                    continue
                mine = hits[hits["prog"] == p]
                expected.append({"signal": signal, "program": name, "year": year, "tranche": tranche, "families": len(mine)})
                if signal == "double_allocation":
                    for r, k in sorted(mine.groupby("region").size().items()):
                        by_region.append({"region": codes[r], "program": name, "year": year, "tranche": tranche, "families": int(k)})
        for p in sorted(set(part["prog"].tolist())):
            reroutes.append({"program": PROGRAM_NAMES[p], "year": year, "tranche": tranche,
                             "rows": int((part["reroute"] & (part["prog"] == p)).sum())})
    return {"expected": expected, "double_allocation_by_region": by_region, "reroutes": reroutes}


# ---------------------------------------------------------------------------
# Writing files


def _string(values: np.ndarray) -> pa.Array:
    return pa.array(values).cast(pa.string())


def _lookup(names, codes: np.ndarray, blank_code: int | None = None) -> pa.Array:
    table = pa.array(list(names), pa.string())
    arr = table.take(pa.array(codes.astype(np.int64)))
    if blank_code is not None:
        arr = pc.if_else(pa.array(codes == blank_code), pa.scalar(None, pa.string()), arr)
    return arr


def _dates(days: np.ndarray, style: str) -> pa.Array:
    """Dates as text: iso (2026-02-03), dmy (03/02/2026) or dmy-dash (03-02-2026); NaT → null."""
    arr = pa.array(days.astype("datetime64[D]"), type=pa.date32(), from_pandas=True)
    if style == "iso":
        return arr.cast(pa.string())
    fmt = {"dmy": "%d/%m/%Y", "dmy-dash": "%d-%m-%Y"}[style]
    return pc.strftime(arr.cast(pa.timestamp("s")), format=fmt)


def _rupiah(values: np.ndarray) -> pa.Array:
    """600000 → 'Rp 600.000' (formatted once per distinct amount)."""
    uniq, inv = np.unique(values, return_inverse=True)
    labels = pa.array([f"Rp {v:,}".replace(",", ".") for v in uniq.tolist()], pa.string())
    return labels.take(pa.array(inv.astype(np.int64)))


def _write_delimited(path: Path, header: list[str], columns: list[pa.Array], *, delimiter: str = ",",
                     eol: str = "\n", bom: bool = False, encoding: str = "utf-8", quote_all: bool = False,
                     trailing_blank_line: bool = False) -> None:
    """Write CSV quickly and exactly: minimal quoting (or all strings), any delimiter and line end."""
    special = f'[{"".join(sorted(set(delimiter + chr(34) + chr(10) + chr(13))))}]'

    def quoted(col: pa.Array) -> pa.Array:
        col = col.cast(pa.string())
        wrapped = pc.binary_join_element_wise(pa.scalar('"'), pc.replace_substring(col, '"', '""'), pa.scalar('"'), "")
        if quote_all:
            return pc.fill_null(wrapped, "")
        needs = pc.fill_null(pc.match_substring_regex(col, special), False)
        return pc.fill_null(pc.if_else(needs, wrapped, col), "")

    def chunks():
        yield (delimiter.join(quoted(pa.array([h])).to_pylist()[0] for h in header) + eol).encode()
        cols = [quoted(c) for c in columns]
        n = len(cols[0]) if cols else 0
        step = 500_000
        for startrow in range(0, n, step):
            parts = [c.slice(startrow, step) for c in cols]
            lines = pc.binary_join_element_wise(*parts, delimiter) if len(parts) > 1 else parts[0]
            lines = pc.binary_join_element_wise(lines, pa.scalar(""), eol)
            lines = pa.concat_arrays([lines]) if lines.offset else lines
            offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=len(lines) + 1)
            yield memoryview(lines.buffers()[2])[offsets[0]:offsets[-1]].tobytes()
        if trailing_blank_line:
            yield eol.encode()

    with open(path, "wb") as fh:
        if encoding.lower().replace("-", "") in ("utf8",):
            if bom:
                fh.write(b"\xef\xbb\xbf")
            for piece in chunks():
                fh.write(piece)
        else:
            text = b"".join(chunks()).decode("utf-8")
            fh.write(text.encode(encoding))


@dataclass
class _Written:
    extract: ExtractFile
    fmt: str
    rows: int
    bad: dict


class _Writer:
    def __init__(self, out_dir: Path, study: pd.DataFrame, fam: _Families, ref: _Reference, seed: int,
                 allocated: np.ndarray):
        self.out_dir = out_dir
        self.allocated = allocated
        self.study = study
        self.fam = fam
        self.ref = ref
        self.seed = seed
        self.written: list[_Written] = []
        self.kk_str = _string(fam.kk)
        self.nik_str = _string(fam.nik)
        self.desa_str = pa.array(ref.desa_codes, pa.string())
        self.always_bad: set[str] = set()

    # -- registers -----------------------------------------------------------

    def write_registers(self) -> None:
        fam, study = self.fam, self.study
        provinces = sorted(study["province_code"].unique())
        sizes = {p: int(study.loc[study["province_code"] == p, "families"].sum()) for p in provinces}
        biggest_province = max(provinces, key=lambda p: (sizes[p], p))
        self.always_bad.add(f"dtsen_{biggest_province}_{BEFORE_SNAPSHOT.replace('-', '')}.csv")
        for prov in provinces:
            regs = np.flatnonzero(study["province_code"].to_numpy() == prov)
            sel = np.concatenate([np.arange(fam.bounds[r], fam.bounds[r + 1]) for r in regs])
            sel = sel[fam.role[sel] <= ROLE_LEAVES]
            names = ", ".join(study.loc[regs, "name"])
            upper = prov == "35"          # one office shouts its headers
            quote_all = prov == "73"      # one exporter quotes every text value
            self._write_register(
                sel, f"dtsen_{prov}_{BEFORE_SNAPSHOT.replace('-', '')}.csv", after=False,
                description=f"DTSEN register snapshot {BEFORE_SNAPSHOT} of the study regions of {study.loc[regs[0], 'province_name']} ({names}); UTF-8 CSV"
                + (", upper-case headers" if upper else "") + (", every text value quoted" if quote_all else ""),
                style="upper" if upper else "plain", quote_all=quote_all,
            )
        semi = _pick_region(study, SEMICOLON_PREFERRED_REGION)
        cp = _pick_region(study, CP1252_PREFERRED_REGION)
        if cp == semi:
            cp = -1
        for r in np.flatnonzero(study["is_pilot"].to_numpy()):
            code, name = study.at[r, "code"], study.at[r, "name"]
            sel = np.arange(fam.bounds[r], fam.bounds[r + 1])
            sel = sel[(fam.role[sel] == ROLE_STAYS) | (fam.role[sel] == ROLE_NEW)]
            fname = f"registrasi_{code.replace('.', '')}_{AFTER_SNAPSHOT.replace('-', '')}.csv"
            if r == semi:
                self.always_bad.add(fname)
                self._write_register(sel, fname, after=True, style="indonesian", delimiter=";", bom=True, eol="\r\n",
                                     date_style="dmy", upper_enums=True, trailing_blank_line=True,
                                     description=f"Pilot register after digital registration, {name} ({code}), {AFTER_SNAPSHOT}; "
                                     "semicolon CSV with BOM, Indonesian headers, day-first dates, CRLF")
            elif r == cp:
                self._write_register(sel, fname, after=True, style="plain", eol="\r\n", encoding="cp1252",
                                     description=f"Pilot register after digital registration, {name} ({code}), {AFTER_SNAPSHOT}; "
                                     "CSV saved by Excel on Windows (cp1252, CRLF)")
            else:
                self._write_register(sel, fname, after=True, style="plain",
                                     description=f"Pilot register after digital registration, {name} ({code}), {AFTER_SNAPSHOT}; UTF-8 CSV")

    def _write_register(self, sel: np.ndarray, fname: str, *, after: bool, description: str, style: str,
                        delimiter: str = ",", bom: bool = False, eol: str = "\n", encoding: str = "utf-8",
                        date_style: str = "iso", upper_enums: bool = False, quote_all: bool = False,
                        trailing_blank_line: bool = False) -> None:
        fam = self.fam
        sel = sel[np.lexsort((fam.kk[sel], fam.desa[sel]))]
        desil = fam.desil_after[sel] if after else fam.desil_before[sel]
        snapshot = np.datetime64(AFTER_SNAPSHOT if after else BEFORE_SNAPSHOT)
        cols = {
            "no_kk": self.kk_str.take(pa.array(sel)),
            "nik_kepala": self.nik_str.take(pa.array(sel)),
            "kode_wilayah": self.desa_str.take(pa.array(fam.desa[sel])),
            "desil": pa.array(desil.astype(np.int64), mask=desil == 0).cast(pa.string()),
            "jumlah_anggota": _string(fam.members[sel].astype(np.int64)),
        }
        if after:
            def enum(names, codes):
                arr = _lookup(names, codes, blank_code=0)
                return pc.utf8_upper(arr) if upper_enums else arr
            alasan_codes = fam.alasan[sel].astype(np.int64)
            cols.update({
                "kanal_registrasi": enum(KANAL_NAMES, fam.kanal[sel]),
                "tanggal_registrasi": _dates(fam.tgl_reg[sel], date_style),
                "status_kelayakan": enum(KELAYAKAN_NAMES, fam.kelayakan[sel]),
                "alasan": pc.if_else(pa.array(alasan_codes < 0), pa.scalar(None, pa.string()),
                                     _lookup(ALASAN, np.maximum(alasan_codes, 0))),
                "sanggah": enum(SANGGAH_NAMES, fam.sanggah[sel]),
            })
        cols["tanggal_data"] = _dates(np.full(len(sel), snapshot), date_style)
        kind_cols = KELUARGA_AFTER_COLUMNS if after else KELUARGA_BEFORE_COLUMNS
        cols = {k: cols[k] for k in kind_cols}
        table = pa.table(cols)
        table, bad = self._inject(table, fname, "keluarga", {"date_style": date_style, "date_col": "tanggal_registrasi" if after else "tanggal_data",
                                                              "year": int(str(snapshot)[:4])}, protect=self.allocated[sel])
        header = [_header(c, style) for c in table.column_names]
        path = self.out_dir / fname
        _write_delimited(path, header, [table.column(c).combine_chunks() for c in table.column_names],
                         delimiter=delimiter, eol=eol, bom=bom, encoding=encoding, quote_all=quote_all,
                         trailing_blank_line=trailing_blank_line)
        fmt = "csv" + (" semicolon" if delimiter == ";" else "") + (" cp1252" if encoding != "utf-8" else "") + (" bom" if bom else "")
        self.written.append(_Written(ExtractFile(path, "keluarga", None, description), fmt, table.num_rows, bad))

    # -- payments ------------------------------------------------------------

    def write_payments(self, alloc: _Allocations) -> None:
        rows = alloc.rows
        y2025 = [rows[k] for k in TRANCHES if k[0] == 2025 and k in rows]
        t1_2026 = rows.get((2026, 1))
        t2_2026 = rows.get((2026, 2))
        xlsx_province = XLSX_PREFERRED_PROVINCE
        if xlsx_province not in set(self.study["province_code"]):
            xlsx_province = self.study.at[_pick_region(self.study, ""), "province_code"]
        xlsx_regions = np.flatnonzero(self.study["province_code"].to_numpy() == xlsx_province)

        self.always_bad.update({"salur_BRI_2025.parquet", "pos_salur_2025.csv", "pos_salur_2026_20260420.csv",
                                "salur_BNI_2026T2_20260531.parquet"})
        # 2025, year-end extracts
        for inst in (BRI, BNI, MANDIRI, BTN):
            self._bank_file(y2025, inst, f"salur_{INSTITUTIONS[inst]}_2025.parquet", AS_OF_2025,
                            f"{INSTITUTIONS[inst]} disbursement extract, all 2025 tranches (PKH, SEMBAKO, BLT), as of {AS_OF_2025}")
        self._pos_file(y2025, "pos_salur_2025.csv", AS_OF_2025, None,
                       f"PT Pos disbursement extract, all 2025 tranches, as of {AS_OF_2025}; CSV with 'Rp 600.000' amounts and a combined periode column")

        # 2026, first extracts: T1 final, T2 early
        tranches = [t1_2026, {**t2_2026, "status": t2_2026["status_early"]}] if t2_2026 else [t1_2026]
        first: list[dict] = [p for p in tranches if p is not None]
        for inst in (BRI, BNI, MANDIRI, BTN, BSI):
            self._bank_file(first, inst, f"salur_{INSTITUTIONS[inst]}_2026_{AS_OF_2026_FIRST.replace('-', '')}.parquet",
                            AS_OF_2026_FIRST, f"{INSTITUTIONS[inst]} disbursement extract 2026 tranches 1-2 as of {AS_OF_2026_FIRST} (tranche 2 mostly still in process)")
        xlsx_mask = None
        if t1_2026 is not None:
            in_region = np.isin(t1_2026["region"], xlsx_regions) & (t1_2026["inst"] == POS)
            pick = np.flatnonzero(in_region)[:XLSX_MAX_ROWS]
            xlsx_mask = np.zeros(len(t1_2026["fam"]), bool)
            xlsx_mask[pick] = True
        excluded = [xlsx_mask if p is t1_2026 else None for p in first]
        self._pos_file(first, f"pos_salur_2026_{AS_OF_2026_FIRST.replace('-', '')}.csv", AS_OF_2026_FIRST, excluded,
                       f"PT Pos disbursement extract 2026 tranches 1-2 as of {AS_OF_2026_FIRST}; CSV with 'Rp' amounts and periode (the tranche 1 rows of the XLSX are not repeated here)")
        if t1_2026 is not None and xlsx_mask is not None and xlsx_mask.any():
            self._xlsx_file(t1_2026, xlsx_mask, xlsx_province)

        # 2026 tranche 2 again, later: most payments done
        if t2_2026:
            for inst in (BRI, BNI, MANDIRI, BTN, BSI):
                self._bank_file([t2_2026], inst, f"salur_{INSTITUTIONS[inst]}_2026T2_{AS_OF_2026_T2_LATER.replace('-', '')}.parquet",
                                AS_OF_2026_T2_LATER, f"{INSTITUTIONS[inst]} later extract of 2026 tranche 2 as of {AS_OF_2026_T2_LATER}: same rows, updated status")
            self._pos_file([t2_2026], f"pos_salur_2026T2_{AS_OF_2026_T2_LATER.replace('-', '')}.csv", AS_OF_2026_T2_LATER, None,
                           f"PT Pos later extract of 2026 tranche 2 as of {AS_OF_2026_T2_LATER}: same rows, updated status")

    def _payment_columns(self, parts: list[dict], masks: list[np.ndarray]) -> dict:
        """Row arrays of several tranches, filtered, in file order."""
        out: dict[str, list] = {k: [] for k in ("fam", "prog", "year", "tranche", "inst", "nominal", "status", "paid_on", "seq", "region",
                               "desa", "protect")}
        for part, mask in zip(parts, masks):
            for k in out:
                v = part[k]
                if k in ("year", "tranche"):
                    v = np.full(len(part["fam"]), v, np.int16)
                out[k].append(v[mask])
        cols = {k: np.concatenate(v) if v else np.array([]) for k, v in out.items()}
        return cols

    def _id_strings(self, c: dict) -> pa.Array:
        prefix = pa.array([f"{INSTITUTIONS[i]}{y % 100:02d}T{t}" for i in range(len(INSTITUTIONS)) for y in (2025, 2026) for t in range(1, 5)])
        code = c["inst"].astype(np.int64) * 8 + (c["year"].astype(np.int64) - 2025) * 4 + (c["tranche"].astype(np.int64) - 1)
        return pc.binary_join_element_wise(prefix.take(pa.array(code)), pc.utf8_lpad(_string(c["seq"]), 9, "0"), "")

    def _bank_file(self, parts: list[dict], inst: int, fname: str, as_of: str, description: str) -> None:
        masks = [p["inst"] == inst for p in parts]
        if not any(m.any() for m in masks):
            return
        c = self._payment_columns(parts, masks)
        program_names = ("PKH", "BPNT", "BLT") if inst == MANDIRI else PROGRAM_NAMES
        status_names = tuple(s.upper() for s in STATUS_NAMES) if inst == BNI else STATUS_NAMES
        kode = self.desa_str.take(pa.array(c["desa"]))
        if inst == MANDIRI:       # codes without dots
            kode = pc.replace_substring(kode, ".", "")
        elif inst == BTN:         # only down to kecamatan
            kode = pc.utf8_slice_codeunits(kode, 0, 8)
        paid = c["status"] == TERSALUR
        nik = self.nik_str.take(pa.array(c["fam"]))
        if inst == BTN:           # BTN leaves the NIK out now and then
            drop = _rng(self.seed, "nik-blank", fname).random(len(nik)) < 0.01
            nik = pc.if_else(pa.array(drop), pa.scalar(None, pa.string()), nik)
        table = pa.table({
            "id_transaksi": self._id_strings(c),
            "no_kk": self.kk_str.take(pa.array(c["fam"])),
            "nik": nik,
            "program": _lookup(program_names, c["prog"]),
            "tahun": pa.array(c["year"], pa.int16()),
            "tahap": pa.array(c["tranche"], pa.int16()),
            "kode_wilayah": kode,
            "nominal": pa.array(c["nominal"], pa.int64()),
            "status_salur": _lookup(status_names, c["status"]),
            "lembaga_penyalur": _lookup(INSTITUTIONS, c["inst"]),
            "tanggal_salur": pa.array(c["paid_on"].astype("datetime64[D]"), pa.date32(), mask=~paid),
        })
        table, bad = self._inject(table, fname, "penyaluran", {"parquet": True}, protect=c["protect"])
        style = {BNI: "bni", BTN: "btn"}.get(inst, "plain")
        description += "; Parquet" + _BANK_QUIRKS.get(inst, "")
        table = table.rename_columns([_header(n, style) for n in table.column_names])
        path = self.out_dir / fname
        pq.write_table(table, path, compression="zstd")
        self.written.append(_Written(ExtractFile(path, "penyaluran", as_of, description), "parquet", table.num_rows, bad))

    def _pos_file(self, parts: list[dict], fname: str, as_of: str, excluded, description: str) -> None:
        masks = []
        for i, p in enumerate(parts):
            m = p["inst"] == POS
            if excluded is not None and excluded[i] is not None:
                m = m & ~excluded[i]
            masks.append(m)
        if not any(m.any() for m in masks):
            return
        c = self._payment_columns(parts, masks)
        paid = c["status"] == TERSALUR
        periode_labels = pa.array([f"{y}-T{t}" for y in (2025, 2026) for t in range(1, 5)])
        periode = periode_labels.take(pa.array((c["year"].astype(np.int64) - 2025) * 4 + c["tranche"].astype(np.int64) - 1))
        paid_on = np.where(paid, c["paid_on"].astype("datetime64[D]"), np.datetime64("NaT"))
        table = pa.table({
            "id_transaksi": self._id_strings(c),
            "no_kk": self.kk_str.take(pa.array(c["fam"])),
            "nik": self.nik_str.take(pa.array(c["fam"])),
            "program": _lookup(PROGRAM_NAMES, c["prog"]),
            "periode": periode,
            "kode_wilayah": self.desa_str.take(pa.array(c["desa"])),
            "nominal": _rupiah(c["nominal"]),
            "status_salur": _lookup(STATUS_NAMES, c["status"]),
            "lembaga_penyalur": _lookup(INSTITUTIONS, c["inst"]),
            "tanggal_salur": _dates(paid_on, "dmy-dash"),
        })
        year = int(c["year"].max())
        table, bad = self._inject(table, fname, "penyaluran", {"date_style": "dmy-dash", "date_col": "tanggal_salur",
                                                                "year": year, "rupiah": True}, protect=c["protect"])
        path = self.out_dir / fname
        _write_delimited(path, [_header(n, "indonesian") for n in table.column_names],
                         [table.column(n).combine_chunks() for n in table.column_names])
        self.written.append(_Written(ExtractFile(path, "penyaluran", as_of, description), "csv", table.num_rows, bad))

    def _xlsx_file(self, part: dict, mask: np.ndarray, province: str) -> None:
        import xlsxwriter

        c = self._payment_columns([part], [mask])
        n = len(c["fam"])
        name = "Provinsi " + self.study.loc[self.study["province_code"] == province, "province_name"].iloc[0]
        code = province
        fname = f"pos_prov{province}_2026T1.xlsx"
        path = self.out_dir / fname
        ids = self._id_strings(c).to_pylist()
        kk = self.kk_str.take(pa.array(c["fam"])).to_pylist()
        nik = self.nik_str.take(pa.array(c["fam"])).to_pylist()
        kode = self.desa_str.take(pa.array(c["desa"])).to_pylist()
        programs = [PROGRAM_NAMES[p] for p in c["prog"].tolist()]
        statuses = [STATUS_NAMES[s] for s in c["status"].tolist()]
        paid = (c["status"] == TERSALUR).tolist()
        dates = [d if p else None for d, p in zip(c["paid_on"].astype("datetime64[D]").astype(object).tolist(), paid)]

        # Bad rows: a no_kk typed as a number (Excel turned it into one), and a duplicated row.
        rng = _rng(self.seed, "bad", fname)
        n_bad = max(2, int(round(BAD_ROW_RATE * n)))
        pool = np.flatnonzero(~c["protect"])  # rows a signal count depends on stay intact
        picks = rng.choice(pool, size=min(len(pool), n_bad), replace=False) if len(pool) else np.array([], int)
        number_rows = set(picks[0::2].tolist())
        dup_rows = sorted(picks[1::2].tolist())
        order = list(range(n))
        for r in dup_rows:  # the copy lands a few rows further down
            order.insert(min(len(order), order.index(r) + 1 + int(rng.integers(0, 20))), r)
        bad = {"no_kk_invalid": len(number_rows), "duplicate_in_file": len(dup_rows)}

        wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
        wb.set_properties({"title": f"Penyaluran {name} 2026 tahap 1", "author": "PT Pos Indonesia", "created": dt.datetime(2026, 4, 10, 8, 0, 0)})
        ws = wb.add_worksheet("Tahap 1")
        bold = wb.add_format({"bold": True})
        head = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
        date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
        money = wb.add_format({"num_format": "#,##0"})
        ws.write_string(0, 0, "DAFTAR PENYALURAN BANTUAN SOSIAL MELALUI PT POS INDONESIA", bold)
        ws.write_string(1, 0, f"{name} – Tahap 1 Tahun 2026 (PKH dan Sembako), keadaan per 10/04/2026")
        header = ["No", "ID Transaksi", "No KK", "NIK", "Program", "Tahun", "Tahap", "Kode Wilayah", "Nominal",
                  "Status Salur", "Lembaga Penyalur", "Tanggal Salur"]
        hr = 3
        for j, h in enumerate(header):
            ws.write_string(hr, j, h, head)
        # A copied row is copied whole, its running number too.
        numbers: dict[int, int] = {}
        for out_i, i in enumerate(order, start=1):
            r = hr + out_i
            ws.write_number(r, 0, numbers.setdefault(i, len(numbers) + 1))
            ws.write_string(r, 1, ids[i])
            if i in number_rows:
                ws.write_number(r, 2, float(kk[i]))
            else:
                ws.write_string(r, 2, kk[i])
            ws.write_string(r, 3, nik[i])
            ws.write_string(r, 4, programs[i])
            ws.write_number(r, 5, 2026)
            ws.write_number(r, 6, 1)
            ws.write_string(r, 7, kode[i])
            ws.write_number(r, 8, int(c["nominal"][i]), money)
            ws.write_string(r, 9, statuses[i])
            ws.write_string(r, 10, "POS")
            day = dates[i]
            if day is not None:
                ws.write_datetime(r, 11, dt.datetime.combine(day, dt.time()), date_fmt)
        ws.set_column(0, 0, 6)
        ws.set_column(1, 4, 20)
        ws.set_column(7, 11, 15)
        ws.freeze_panes(hr + 1, 0)
        wb.close()
        self.written.append(_Written(
            ExtractFile(path, "penyaluran", AS_OF_XLSX,
                        f"Post office spreadsheet: PT Pos payments of 2026 tranche 1 in {name} ({code}; at most {XLSX_MAX_ROWS} rows), as of {AS_OF_XLSX}; "
                        "XLSX with title rows, ids as text cells, dates as date cells"),
            "xlsx", len(order), bad))

    # -- bad rows -------------------------------------------------------------

    def _inject(self, table: pa.Table, fname: str, kind: str, opts: dict, protect: np.ndarray) -> tuple[pa.Table, dict]:
        """Break a few rows, one reason each, and insert exact duplicates;
        `protect`ed rows (those a signal count depends on) are never broken."""
        n = table.num_rows
        if kind == "keluarga":
            types = ["no_kk_invalid", "nik_invalid", "kode_wilayah_unknown", "desil_out_of_range", "tanggal_invalid",
                     "missing_required", "duplicate_in_file"]
        else:
            types = ["no_kk_invalid", "nik_invalid", "kode_wilayah_unknown", "nominal_invalid", "program_unknown",
                     "tahap_invalid", "status_unknown", "missing_required", "duplicate_in_file"]
            if not opts.get("parquet"):
                types.append("tanggal_invalid")
        rng = _rng(self.seed, "bad", fname)
        n_bad = int(round(BAD_ROW_RATE * n))
        if fname in self.always_bad:
            n_bad = max(n_bad, len(types))
        n_bad = min(n_bad, n // 3)
        if n_bad == 0:
            return table, {}
        types = [types[i] for i in rng.permutation(len(types))]

        valid = {name: np.asarray(table.column(name).is_valid()) for name in table.column_names}
        requirement = {
            "nik_invalid": "nik_kepala" if kind == "keluarga" else "nik",
            "desil_out_of_range": "desil",
            "tanggal_invalid": opts.get("date_col"),
        }
        candidates = rng.permutation(n)
        used = np.zeros(n, bool)
        changes: dict[str, dict[int, object]] = {}
        dups = []
        counts: dict[str, int] = {}
        cursor = 0
        sci_done = False
        for k in range(n_bad):
            t = types[k % len(types)]
            need = requirement.get(t)
            row = None
            while cursor < n:
                cand = int(candidates[cursor])
                cursor += 1
                if used[cand] or protect[cand] or (need and not valid[need][cand]) or not valid["no_kk"][cand]:
                    continue
                row = cand
                break
            if row is None:
                break
            used[row] = True
            counts[t] = counts.get(t, 0) + 1
            if t == "duplicate_in_file":
                dups.append(row)
                continue
            col, value = self._bad_value(t, table, row, kind, opts, sci_done, counts[t])
            if t == "no_kk_invalid" and "E+" in str(value):
                sci_done = True
            changes.setdefault(col, {})[row] = value

        for col, edits in changes.items():
            arr = table.column(col).combine_chunks()
            rows = np.array(sorted(edits))
            mask = np.zeros(n, bool)
            mask[rows] = True
            values = [edits[r] for r in rows.tolist()]
            non_null = [v for v in values if v is not None]
            repl = pa.array(non_null, arr.type)
            if len(non_null) != len(values):
                # replace_with_mask cannot take nulls from replacements directly: mask them in two steps.
                null_rows = np.array([r for r in rows.tolist() if edits[r] is None])
                set_rows = np.array([r for r in rows.tolist() if edits[r] is not None], dtype=np.int64)
                mset = np.zeros(n, bool)
                mset[set_rows] = True
                arr = pc.replace_with_mask(arr, pa.array(mset), repl) if len(set_rows) else arr
                mnull = np.zeros(n, bool)
                mnull[null_rows] = True
                arr = pc.if_else(pa.array(mnull), pa.scalar(None, arr.type), arr)
            else:
                arr = pc.replace_with_mask(arr, pa.array(mask), repl)
            table = table.set_column(table.column_names.index(col), col, arr)

        if dups:
            take = np.arange(n)
            positions = np.array([min(n, r + 1 + int(rng.integers(0, 50))) for r in dups])
            take = np.insert(take, positions, np.array(dups))
            table = table.take(pa.array(take))
        return table, counts

    @staticmethod
    def _bad_value(t: str, table: pa.Table, row: int, kind: str, opts: dict, sci_done: bool, nth: int):
        def cell(col):
            return table.column(col)[row].as_py()

        if t == "no_kk_invalid":
            kk = cell("no_kk")
            if not sci_done:
                mantissa = int(kk[:6]) / 100_000
                return "no_kk", f"{mantissa:.5f}".rstrip("0").rstrip(".") + "E+15"
            return "no_kk", kk[:-1] if nth % 2 else kk[1:]  # 15 digits
        if t == "nik_invalid":
            col = "nik_kepala" if kind == "keluarga" else "nik"
            nik = cell(col)
            return col, nik[:-1] if nth % 2 else nik + "0"
        if t == "kode_wilayah_unknown":
            code = cell("kode_wilayah")
            return "kode_wilayah", "".join("9" if ch.isdigit() else ch for ch in code)
        if t == "desil_out_of_range":
            return "desil", "11" if nth % 2 else "12"
        if t == "tanggal_invalid":
            style, year = opts["date_style"], opts["year"]
            if opts["date_col"] == "tanggal_registrasi":
                year = int(cell("tanggal_registrasi")[-4:] if style != "iso" else cell("tanggal_registrasi")[:4])
            text = {"iso": f"{year}-02-31", "dmy": f"31/02/{year}", "dmy-dash": f"31-02-{year}"}[style]
            if nth % 2 == 0:
                text = {"iso": f"{year}-13-01", "dmy": f"31/06/{year}", "dmy-dash": f"00-01-{year}"}[style]
            return opts["date_col"], text
        if t == "nominal_invalid":
            if opts.get("rupiah"):
                return "nominal", "abc" if nth % 2 else "Rp -600.000"
            return "nominal", -int(cell("nominal"))
        if t == "program_unknown":
            return "program", "XYZ"
        if t == "tahap_invalid":
            if "periode" in table.column_names:
                return "periode", cell("periode")[:5] + "T5"
            return "tahap", 5
        if t == "status_unknown":
            return "status_salur", "unknown"
        if t == "missing_required":
            if kind == "keluarga":
                return ("kode_wilayah" if nth % 2 else "no_kk"), None
            return ("program" if nth % 2 else "kode_wilayah"), None
        raise ValueError(t)

    # -- manifest -------------------------------------------------------------

    def write_manifest(self, scale: float, signals: dict, region_scale: float | None = None) -> None:
        study = self.study
        manifest = {
            "scale": scale,
            **({} if region_scale is None else {"region_scale": region_scale}),
            "seed": self.seed,
            "regions": [
                {"code": r.code, "name": r.name, "province_code": r.province_code, "is_pilot": bool(r.is_pilot),
                 "families_2025": int(r.families)}
                for r in study.itertuples()
            ],
            "files": [
                {"file": w.extract.path.name, "kind": w.extract.kind, "as_of": w.extract.as_of, "format": w.fmt,
                 "rows": w.rows, "expected_quarantine": dict(sorted(w.bad.items())),
                 "description": w.extract.description}
                for w in self.written
            ],
            # The leakage signals the demo warehouse shows at the latest register snapshot
            # (basis and filters as the app's defaults; docs/signals.md): what was injected,
            # and the resulting counts per signal, programme and tranche (regions added up).
            "signals": {
                "as_of": AFTER_SNAPSHOT,
                "timely_days": TIMELY_DAYS,
                "shares": {"double_allocation_other_region": DOUBLE_REGION_SHARE,
                           "double_allocation_other_institution": DOUBLE_INSTITUTION_SHARE,
                           "reroute": REROUTE_SHARE, "amount_mismatch": MISMATCH_SHARE, "paid_before_start": EARLY_SHARE},
                **signals,
            },
        }
        (self.out_dir / "MANIFEST.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


_BANK_QUIRKS = {
    BNI: ", upper-case headers (NOMOR_KK) and statuses",
    MANDIRI: ", programme BPNT for SEMBAKO, region codes without dots",
    BTN: ", headers No_KK and Kode-Wilayah, kecamatan-level region codes, a few NIKs blank",
}

_HEADER_STYLES = {
    "indonesian": {
        "no_kk": "No KK", "nik_kepala": "NIK Kepala", "kode_wilayah": "Kode Wilayah", "desil": "Desil",
        "jumlah_anggota": "Jumlah Anggota", "kanal_registrasi": "Kanal Registrasi",
        "tanggal_registrasi": "Tanggal Registrasi", "status_kelayakan": "Status Kelayakan", "alasan": "Alasan",
        "sanggah": "Sanggah", "tanggal_data": "Tanggal Data", "id_transaksi": "ID Transaksi", "nik": "NIK",
        "program": "Program", "periode": "Periode", "nominal": "Nominal", "status_salur": "Status Salur",
        "lembaga_penyalur": "Lembaga Penyalur", "tanggal_salur": "Tanggal Salur",
    },
    "bni": {"no_kk": "NOMOR_KK"},
    "btn": {"no_kk": "No_KK", "kode_wilayah": "Kode-Wilayah"},
}


def _header(name: str, style: str) -> str:
    if style == "upper":
        return name.upper()
    if style == "bni":
        return _HEADER_STYLES["bni"].get(name, name.upper())
    return _HEADER_STYLES.get(style, {}).get(name, name)
