"""The synthetic extracts look like what the source systems send (docs/extract-contract.md).

These tests read the files back with plain pandas/pyarrow/calamine, not with
the project's ingestion, so they check the generator on its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook

from bansos.synthetic import ExtractFile, generate

SCALE = 0.002
SEED = 7

REQUIRED = {
    "keluarga": {"nokk", "kodewilayah", "tanggaldata"},
    "penyaluran": {"nokk", "program", "kodewilayah", "nominal", "statussalur"},
}
HEADER_ALIASES = {"nomorkk": "nokk"}


def _norm(header: str) -> str:
    key = re.sub(r"[\s._\-]", "", str(header).lstrip("\ufeff").lower())
    return HEADER_ALIASES.get(key, key)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def _xlsx_rows(path: Path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def _xlsx_header_row(rows: list[list]) -> int:
    for i, row in enumerate(rows[:10]):
        if {"nokk", "program"} <= {_norm(v) for v in row if isinstance(v, str)}:
            return i
    raise AssertionError("no header row in the first 10 rows")


def read_extract(path: Path) -> pd.DataFrame:
    """Any extract as text columns with normalised headers (no validation)."""
    if path.suffix == ".parquet":
        df = pq.read_table(path).to_pandas()
        df = df.astype(dict.fromkeys(df.columns, "object"))
    elif path.suffix == ".xlsx":
        rows = _xlsx_rows(path)
        h = _xlsx_header_row(rows)
        df = pd.DataFrame(rows[h + 1:], columns=rows[h])
    else:
        text = _decode(path.read_bytes())
        first = text.split("\n", 1)[0]
        sep = ";" if first.count(";") > first.count(",") else ","
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    df.columns = [_norm(c) for c in df.columns]
    if "periode" in df.columns:
        df["tahun"] = df["periode"].str[:4]
        df["tahap"] = df["periode"].str[-1:]
    return df


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic")
    files = generate(out, scale=SCALE, seed=SEED)
    manifest = json.loads((out / "MANIFEST.json").read_text(encoding="utf-8"))
    frames = {f.path.name: read_extract(f.path) for f in files}
    return {"dir": out, "files": files, "manifest": manifest, "frames": frames}


def _valid_id(s: pd.Series) -> pd.Series:
    return s.astype(str).str.fullmatch(r"\d{16}")


def _keluarga(demo) -> pd.DataFrame:
    parts = []
    for f in demo["files"]:
        if f.kind == "keluarga":
            df = demo["frames"][f.path.name].copy()
            df["file"] = f.path.name
            parts.append(df)
    df = pd.concat(parts, ignore_index=True)
    df = df[_valid_id(df["nokk"])].copy()
    df["region"] = df["nokk"].str[:2] + "." + df["nokk"].str[2:4]
    df["snapshot"] = pd.to_datetime(df["tanggaldata"], format="mixed", dayfirst=True, errors="coerce")
    return df[df["snapshot"].notna()]


def _penyaluran(demo) -> pd.DataFrame:
    parts = []
    for f in demo["files"]:
        if f.kind == "penyaluran":
            df = demo["frames"][f.path.name].copy()
            df["as_of"] = f.as_of
            df["file"] = f.path.name
            parts.append(df)
    df = pd.concat(parts, ignore_index=True)
    df = df[_valid_id(df["nokk"])].copy()
    df["program"] = df["program"].astype(str).str.upper().replace({"BPNT": "SEMBAKO"})
    df["tahun"] = pd.to_numeric(df["tahun"], errors="coerce")
    df["tahap"] = pd.to_numeric(df["tahap"], errors="coerce")
    df["region"] = df["nokk"].str[:2] + "." + df["nokk"].str[2:4]
    # A later extract replaces the earlier row with the same key.
    return df.sort_values("as_of", kind="stable").drop_duplicates(["nokk", "program", "tahun", "tahap"], keep="last")


# ---------------------------------------------------------------------------


def test_files_exist_with_required_columns(demo):
    files = demo["files"]
    assert files and all(isinstance(f, ExtractFile) for f in files)
    kinds = [f.kind for f in files]
    assert set(kinds) == {"keluarga", "penyaluran"}
    # Registers first, so allocations can be judged against them.
    assert kinds == sorted(kinds)
    for f in files:
        assert f.path.exists() and f.path.stat().st_size > 0, f.path
        assert f.description and "\n" not in f.description
        if f.kind == "keluarga":
            assert f.as_of is None
        else:
            dt.date.fromisoformat(f.as_of)
        cols = set(demo["frames"][f.path.name].columns)
        missing = REQUIRED[f.kind] - cols
        assert not missing, (f.path.name, missing)
        if f.kind == "penyaluran":
            assert {"tahun", "tahap"} <= cols
    suffixes = {f.path.suffix for f in files}
    assert suffixes == {".csv", ".parquet", ".xlsx"}
    assert sum(f.path.suffix == ".xlsx" for f in files) == 1


def test_csv_flavours(demo):
    raw = {f.path.name: f.path.read_bytes() for f in demo["files"] if f.path.suffix == ".csv"}
    semicolon = [n for n, b in raw.items() if b.startswith(b"\xef\xbb\xbf") and b.split(b"\n", 1)[0].count(b";") > 3]
    assert semicolon, "one keluarga CSV is semicolon-separated with a BOM"
    head = raw[semicolon[0]].decode("utf-8-sig").split("\r\n", 1)[0].split(";")
    assert {"No KK", "NIK Kepala", "Kode Wilayah", "Tanggal Data"} <= set(head)
    assert re.search(r";\d\d/\d\d/2026\r\n", raw[semicolon[0]].decode("utf-8-sig"))

    cp1252 = []
    for name, b in raw.items():
        try:
            b.decode("utf-8")
        except UnicodeDecodeError:
            cp1252.append(name)
    assert len(cp1252) == 1
    assert "–" in raw[cp1252[0]].decode("cp1252")
    assert any("Jum'at" in b.decode("utf-8-sig", errors="replace") for b in raw.values())

    pos = [n for n in raw if n.startswith("pos_")]
    assert pos
    for name in pos:
        df = demo["frames"][name]
        assert "periode" in df.columns
        assert df["nominal"].str.startswith("Rp ").mean() > 0.9
        assert df["periode"].str.fullmatch(r"20\d\d-T[1-4]").mean() > 0.9


def test_parquet_ids_are_text(demo):
    for f in demo["files"]:
        if f.path.suffix == ".parquet":
            schema = pq.read_schema(f.path)
            types = {_norm(n): str(t) for n, t in zip(schema.names, schema.types)}
            assert types["nokk"] == "string" and types["nik"] == "string", f.path.name
            assert types["nominal"] == "int64"


def test_deterministic(demo, tmp_path):
    again = generate(tmp_path / "again", scale=SCALE, seed=SEED)
    assert [f.path.name for f in again] == [f.path.name for f in demo["files"]]
    for a, b in zip(demo["files"], again):
        assert hashlib.sha256(a.path.read_bytes()).digest() == hashlib.sha256(b.path.read_bytes()).digest(), a.path.name
    other = generate(tmp_path / "other", scale=SCALE, seed=SEED + 1)
    assert any(a.path.read_bytes() != b.path.read_bytes() for a, b in zip(demo["files"], other))


def test_register_size_and_snapshots(demo):
    regions = {r["code"]: r for r in demo["manifest"]["regions"]}
    pilots = {c for c, r in regions.items() if r["is_pilot"]}
    comparisons = set(regions) - pilots
    assert len(pilots) >= 1 and len(comparisons) >= 1
    # Comparison regions: non-pilot kab/kota of a pilot province.
    pilot_provinces = {regions[c]["province_code"] for c in pilots}
    assert {regions[c]["province_code"] for c in comparisons} <= pilot_provinces

    kel = _keluarga(demo)
    snapshots = kel.groupby("region")["snapshot"].nunique()
    assert set(snapshots.index) == set(regions)
    assert (snapshots[sorted(pilots)] == 2).all()
    assert (snapshots[sorted(comparisons)] == 1).all()

    before = kel[kel["snapshot"] == kel["snapshot"].min()]
    assert abs(len(before) - 6_500_000 * SCALE) < 0.05 * 6_500_000 * SCALE
    # A family appears once per snapshot; only the deliberate exact duplicates repeat a key.
    assert before.duplicated("nokk").sum() == before.duplicated().sum() > 0
    after = kel[kel["snapshot"] == kel["snapshot"].max()]
    assert set(after["region"]) == pilots
    channels = after["kanalregistrasi"].str.lower()
    new = channels[channels != "dtsen"]
    assert len(new) > 0 and set(new) <= {"agen", "mandiri", "musdes", "dinsos"}
    assert 0.5 < (new == "agen").mean() < 0.85
    assert set(after["statuskelayakan"].str.lower()) <= {"layak", "tidak_layak", ""}
    assert set(after["sanggah"].str.lower()) <= {"", "tidak", "diajukan", "diterima", "ditolak"}
    members = pd.to_numeric(kel["jumlahanggota"], errors="coerce")
    assert members.between(1, 8).all() and 2.5 < members.mean() < 3.5


def test_xlsx_title_rows_and_text_ids(demo):
    (xlsx,) = [f for f in demo["files"] if f.path.suffix == ".xlsx"]
    rows = _xlsx_rows(xlsx.path)
    h = _xlsx_header_row(rows)
    assert 2 <= h <= 4, "title rows sit above the header"
    assert isinstance(rows[0][0], str) and rows[0][0]
    header = [_norm(v) for v in rows[h]]
    data = rows[h + 1:]
    assert 0 < len(data) <= 5_000 + 10
    col = {name: header.index(name) for name in ("idtransaksi", "nokk", "nik", "nominal", "tanggalsalur")}
    kk = [r[col["nokk"]] for r in data]
    assert sum(isinstance(v, str) for v in kk) >= len(kk) - 10
    assert any(isinstance(v, float) for v in kk), "one no_kk was typed as a number (a bad row)"
    assert all(isinstance(r[col["nik"]], str) and re.fullmatch(r"\d{16}", r[col["nik"]]) for r in data)
    assert all(isinstance(r[col["idtransaksi"]], str) for r in data)
    assert all(isinstance(r[col["nominal"]], (int, float)) for r in data)
    dates = [r[col["tanggalsalur"]] for r in data if r[col["tanggalsalur"]] not in ("", None)]
    assert dates and all(isinstance(d, (dt.date, dt.datetime)) for d in dates)


def test_bad_rows_are_few_and_spread(demo):
    files = demo["manifest"]["files"]
    total_rows = sum(f["rows"] for f in files)
    bad = {}
    for f in files:
        for reason, n in f["expected_quarantine"].items():
            bad[reason] = bad.get(reason, 0) + n
    n_bad = sum(bad.values())
    assert 0.0005 < n_bad / total_rows < 0.01
    assert sum(1 for f in files if f["expected_quarantine"]) >= 5
    assert set(bad) >= {
        "no_kk_invalid", "nik_invalid", "kode_wilayah_unknown", "desil_out_of_range", "nominal_invalid",
        "tanggal_invalid", "program_unknown", "tahap_invalid", "status_unknown", "missing_required",
        "duplicate_in_file",
    }
    # Recount a few kinds straight from the files.
    for f in files:
        df = demo["frames"][f["file"]]
        expected = f["expected_quarantine"]
        assert len(df) == f["rows"], f["file"]
        assert int(df.duplicated(keep="first").sum()) == expected.get("duplicate_in_file", 0), f["file"]
        if f["kind"] == "penyaluran":
            assert int((df["program"].astype(str).str.upper() == "XYZ").sum()) == expected.get("program_unknown", 0)
            assert int((df["statussalur"].astype(str).str.lower() == "unknown").sum()) == expected.get("status_unknown", 0)
            assert int((pd.to_numeric(df["tahap"], errors="coerce") == 5).sum()) == expected.get("tahap_invalid", 0)
        else:
            assert int(pd.to_numeric(df["desil"], errors="coerce").gt(10).sum()) == expected.get("desil_out_of_range", 0)
        kk = df["nokk"]
        broken_kk = kk.notna() & (kk.astype(str) != "") & ~_valid_id(kk)
        assert int(broken_kk.sum()) == expected.get("no_kk_invalid", 0), f["file"]
    sci = [f for f in demo["files"] if f.path.suffix == ".csv" and re.search(rb"\d\.\d+E\+15", f.path.read_bytes())]
    assert sci, "an Excel-mangled no_kk like 3.51001E+15 is present"


def test_pilots_improve_targeting_in_2026(demo):
    regions = {r["code"]: r for r in demo["manifest"]["regions"]}
    pilots = {c for c, r in regions.items() if r["is_pilot"]}
    kel = _keluarga(demo)
    latest = kel[kel["snapshot"] == kel.groupby("region")["snapshot"].transform("max")]
    desil = pd.to_numeric(latest["desil"], errors="coerce")
    pen = _penyaluran(demo)
    register = set(kel["nokk"])

    def errors(program, threshold, year, tranche, group):
        eligible = latest[(desil <= threshold) & latest["region"].isin(group)]
        everyone_eligible = set(latest.loc[desil <= threshold, "nokk"])
        rec = pen[(pen["program"] == program) & (pen["tahun"] == year) & (pen["tahap"] == tranche)]
        rec_r = rec[rec["region"].isin(group)]
        exclusion = 1 - eligible["nokk"].isin(set(rec["nokk"])).mean()
        inclusion = 1 - rec_r["nokk"].isin(everyone_eligible).mean()
        not_in_register = (~rec_r["nokk"].isin(register)).mean()
        return exclusion, inclusion, not_in_register

    comparisons = set(regions) - pilots
    for program, threshold in (("PKH", 1), ("SEMBAKO", 2)):
        ex25, in25, nir25 = errors(program, threshold, 2025, 4, pilots)
        ex26, in26, _ = errors(program, threshold, 2026, 2, pilots)
        assert ex25 > 0.6 and in25 > 0.3, (program, ex25, in25)
        assert ex26 < ex25 - 0.3, (program, ex25, ex26)
        assert in26 < in25
        assert 0.0 < nir25 < 0.06
        cx25, _, _ = errors(program, threshold, 2025, 4, comparisons)
        cx26, _, _ = errors(program, threshold, 2026, 2, comparisons)
        assert abs(cx26 - cx25) < 0.1, "comparison regions do not improve"


def test_later_extract_updates_tranche_2(demo):
    pen_files = [f for f in demo["files"] if f.kind == "penyaluran"]
    as_ofs = sorted({f.as_of for f in pen_files})
    early = [f for f in pen_files if f.as_of == "2026-04-20"]
    later = [f for f in pen_files if f.as_of == as_ofs[-1]]
    assert early and later and as_ofs[-1] > "2026-04-20"

    def t2(files):
        df = pd.concat([demo["frames"][f.path.name] for f in files], ignore_index=True)
        df = df[(pd.to_numeric(df["tahun"], errors="coerce") == 2026) & (pd.to_numeric(df["tahap"], errors="coerce") == 2)]
        return df.drop_duplicates("idtransaksi").set_index("idtransaksi")["statussalur"].str.lower()

    first, second = t2(early), t2(later)
    common = first.index.intersection(second.index)
    assert len(common) > 0.95 * len(second)
    assert (first[common] == "proses").mean() > 0.25
    assert (second[common] == "proses").mean() < 0.1
    assert (second[common] == "tersalur").mean() > 0.8


def test_payments_look_real(demo):
    pen = _penyaluran(demo)
    assert not (pen["program"] == "PBI").any()
    blt = pen[pen["program"] == "BLT"]
    assert set(zip(blt["tahun"], blt["tahap"])) <= {(2025, 4), (2025, 5)}  # 5: a deliberately bad row
    paid = pen[pen["statussalur"].astype(str).str.lower() == "tersalur"]
    assert 0.85 < len(paid) / len(pen) < 0.97
    inst = pen["lembagapenyalur"].astype(str).str.upper()
    assert 0.05 < (inst == "POS").mean() < 0.2
    assert not ((inst == "BSI") & (pen["tahun"] == 2025)).any()
    ids = pd.concat([demo["frames"][f.path.name]["idtransaksi"] for f in demo["files"]
                     if f.kind == "penyaluran" and f.as_of != "2026-05-31"], ignore_index=True)
    assert ids.duplicated().sum() <= sum(f["expected_quarantine"].get("duplicate_in_file", 0)
                                         for f in demo["manifest"]["files"])


def test_every_demo_file_quarantines_exactly_what_its_manifest_expects(demo, warehouse):
    """Nothing lost, file by file: the generator writes down which bad rows
    it put in each file (MANIFEST.json); ingestion must read every row and
    quarantine exactly those, for the right reasons."""
    _quarantines_as_its_manifest_says(demo, warehouse)


def _quarantines_as_its_manifest_says(demo, warehouse) -> None:
    from bansos.ingest import LoadRequest, ingest

    results = ingest(warehouse, [LoadRequest(f.path, f.kind, f.as_of) for f in demo["files"]])

    expected = {f["file"]: f for f in demo["manifest"]["files"]}
    assert len(results) == len(expected) >= 40
    for result in results:
        name = Path(result.file).name
        assert result.status == "loaded", result.message
        assert result.rows_read == expected[name]["rows"], name
        assert result.reasons == expected[name]["expected_quarantine"], name
        assert result.rows_quarantined == sum(expected[name]["expected_quarantine"].values()), name
        assert result.rows_loaded + result.rows_quarantined == result.rows_read, name


def test_the_demo_shows_exactly_the_signals_the_generator_put_in(demo, warehouse):
    """The generator writes down the leakage signals it put in (MANIFEST.json,
    "signals": injected double allocations, reroutes, amount mismatches and
    early payments, and what follows from the story: late payments, paid
    recipients in no register, three programmes in one tranche). Loaded by the
    real ingestion, the warehouse must show exactly those counts at the
    latest snapshot, region by region for the double allocations."""
    from bansos.ingest import LoadRequest, ingest

    ingest(warehouse, [LoadRequest(f.path, f.kind, f.as_of) for f in demo["files"]])
    _shows_the_signals_of_its_manifest(demo, warehouse)


def _shows_the_signals_of_its_manifest(demo, warehouse) -> None:
    import duckdb

    manifest = demo["manifest"]["signals"]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        shown = {(r[0], r[1], r[2], r[3]): r[4] for r in con.execute(
            "SELECT signal, program, year, tranche, sum(families)::BIGINT FROM mart_signal "
            "WHERE as_of = $as_of::DATE AND basis = 'desil' GROUP BY ALL", {"as_of": manifest["as_of"]}).fetchall()}
        doubles = {(r[0], r[1], r[2], r[3]): r[4] for r in con.execute(
            "SELECT region_code, program, year, tranche, families FROM mart_signal WHERE as_of = $as_of::DATE "
            "AND basis = 'desil' AND signal = 'double_allocation' AND families > 0", {"as_of": manifest["as_of"]}).fetchall()}
        reroutes = {(r[0], r[1], r[2]): r[3] for r in con.execute(
            "SELECT program, year, tranche, sum(rerouted_payments)::BIGINT FROM mart_allocation GROUP BY ALL").fetchall()}
    finally:
        con.close()
    expected = {(e["signal"], e["program"], e["year"], e["tranche"]): e["families"] for e in manifest["expected"]}
    assert shown == expected
    assert doubles == {(e["region"], e["program"], e["year"], e["tranche"]): e["families"]
                       for e in manifest["double_allocation_by_region"]}
    assert reroutes == {(e["program"], e["year"], e["tranche"]): e["rows"] for e in manifest["reroutes"]}
    # Every kind is there, and the injected ones stay a small share of the recipients.
    totals = {}
    for (signal, *_), n in expected.items():
        totals[signal] = totals.get(signal, 0) + n
    assert all(totals[s] > 0 for s in ("double_allocation", "paid_not_registered", "paid_off_window",
                                       "amount_mismatch", "concentration"))
    assert sum(e["rows"] for e in manifest["reroutes"]) > 0
    recipients = sum(f["rows"] for f in demo["manifest"]["files"] if f["kind"] == "penyaluran")
    assert totals["double_allocation"] < 0.01 * recipients and totals["amount_mismatch"] < 0.01 * recipients
    # PKH has no benefit amount in the programme table: no amount signal at all.
    assert not any(signal == "amount_mismatch" and program == "PKH" for signal, program, *_ in expected)


def test_a_widened_world_adds_kab_kota_of_their_usual_size_and_its_files_load_as_their_manifest_says(
        demo, warehouse, tmp_path):
    """`region_scale`: the data grows as the national rollout does, by more
    kab/kota of the same size rather than by larger ones (the routine-load
    benchmark's national shape). Four times the families: the usual study
    regions keep exactly the families they have at SCALE, the others are
    comparison kab/kota of the pilot provinces, the register is four times
    as large, and the files still hold exactly the bad rows and signals their
    manifest lists."""
    out = tmp_path / "wide"
    files = generate(out, scale=4 * SCALE, seed=SEED, region_scale=SCALE)
    manifest = json.loads((out / "MANIFEST.json").read_text(encoding="utf-8"))
    usual = {r["code"]: r for r in demo["manifest"]["regions"]}
    wide = {r["code"]: r for r in manifest["regions"]}
    assert manifest["region_scale"] == SCALE and manifest["scale"] == 4 * SCALE
    assert set(usual) < set(wide) and len(wide) > 3 * len(usual)
    assert all(wide[code]["families_2025"] == region["families_2025"] for code, region in usual.items())
    assert {c for c, r in wide.items() if r["is_pilot"]} == {c for c, r in usual.items() if r["is_pilot"]}
    assert {r["province_code"] for r in wide.values()} == {r["province_code"] for r in usual.values()}
    families = sum(r["families_2025"] for r in wide.values())
    assert abs(families - 4 * 6_500_000 * SCALE) < 0.05 * 4 * 6_500_000 * SCALE
    widened = {"files": files, "manifest": manifest}
    _quarantines_as_its_manifest_says(widened, warehouse)
    _shows_the_signals_of_its_manifest(widened, warehouse)
    # The pilot provinces hold about 4.2 times the usual regions' population: no further.
    with pytest.raises(ValueError, match="can be at most that"):
        generate(tmp_path / "too-wide", scale=5 * SCALE, seed=SEED, region_scale=SCALE)
    # region_scale equal to scale is the usual data, manifest and all.
    same = generate(tmp_path / "same", scale=SCALE, seed=SEED, region_scale=SCALE)
    assert [f.path.read_bytes() for f in same] == [f.path.read_bytes() for f in demo["files"]]
    assert (tmp_path / "same" / "MANIFEST.json").read_text(encoding="utf-8") == (
        demo["dir"] / "MANIFEST.json").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="at most scale"):
        generate(tmp_path / "inverted", scale=SCALE, seed=SEED, region_scale=2 * SCALE)
