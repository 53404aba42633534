"""The boundary files shipped in data/geo/ and the script that builds them
(scripts/build_geo.py). The shipped files are checked as committed; the
script runs on a tiny hand-made source written by each test, so these tests
need no outside data."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, shape

from bansos.charts import maps

REPO = Path(__file__).resolve().parent.parent
GEO = REPO / "data" / "geo"
REFERENCE = REPO / "data" / "reference"
SCRIPT = REPO / "scripts" / "build_geo.py"
LEVELS = [("provinsi.geojson", "provinces.csv", 38), ("kabkota.geojson", "regions.csv", 514)]
# Both shipped files together; they were 1,700,812 bytes when built.
SIZE_BOUND = 2_000_000


def features(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def reference(name: str, folder: Path = REFERENCE) -> dict[str, str]:
    with (folder / name).open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row["name"] for row in csv.DictReader(fh)}


def parts(geom) -> list[Polygon]:
    return list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]


def coordinates(geometry: dict) -> list[list[float]]:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [point for polygon in polygons for ring in polygon for point in ring]


# -- the shipped files ----------------------------------------------------------


@pytest.mark.parametrize("file, reference_csv, count", LEVELS)
def test_every_reference_code_is_shipped_exactly_once_with_its_name(file, reference_csv, count):
    shipped = features(GEO / file)
    expected = reference(reference_csv)
    codes = [f["properties"]["kode"] for f in shipped]
    assert len(expected) == count
    assert len(codes) == len(set(codes)) == count
    assert set(codes) == set(expected)
    assert codes == sorted(codes)  # the build's order, which keeps rebuild diffs small
    renamed = [(f["properties"]["kode"], f["properties"]["nama"]) for f in shipped
               if f["properties"]["nama"] != expected[f["properties"]["kode"]]]
    assert renamed == []
    assert {tuple(sorted(f["properties"])) for f in shipped} == {("kode", "nama")}


@pytest.mark.parametrize("file, reference_csv, count", LEVELS)
def test_shipped_geometries_are_valid_polygons_inside_indonesia(file, reference_csv, count):
    for feature in features(GEO / file):
        geom = shape(feature["geometry"])
        kode = feature["properties"]["kode"]
        assert geom.geom_type in ("Polygon", "MultiPolygon") and not geom.is_empty, kode
        assert geom.is_valid, (kode, shapely.is_valid_reason(geom))
        lon_min, lat_min, lon_max, lat_max = geom.bounds
        assert 94.5 < lon_min and lon_max < 141.5 and -11.5 < lat_min and lat_max < 6.5, (kode, geom.bounds)
        # snapped to the 0.001° grid and written with at most 3 decimals
        assert all(round(x, 3) == x and round(y, 3) == y for x, y in coordinates(feature["geometry"])), kode


def test_each_kabkota_lies_in_its_province():
    provinces = {f["properties"]["kode"]: shape(f["geometry"]) for f in features(GEO / "provinsi.geojson")}
    for feature in features(GEO / "kabkota.geojson"):
        kode = feature["properties"]["kode"]
        inside = shape(feature["geometry"]).representative_point()
        # 0.01° of slack: the two levels are simplified separately
        assert provinces[kode.split(".")[0]].buffer(0.01).contains(inside), kode


def test_shipped_files_stay_small():
    total = sum((GEO / file).stat().st_size for file, _, _ in LEVELS)
    assert total < SIZE_BOUND, f"data/geo holds {total:,} bytes of boundaries"


# -- the build script, on a hand-made source --------------------------------------


def square(lon: float, lat: float, size: float) -> list:
    return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]


def zigzag_square(lon: float, lat: float, size: float) -> list:
    """A square whose bottom edge wobbles by 0.001° (under the 0.004° kab/kota
    tolerance) through 49 extra vertices written with 6 decimals."""
    bottom = [[round(lon + size * i / 50, 6), round(lat + (0.001 if i % 2 else 0.0), 6)] for i in range(50)]
    return [*bottom, [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]


def collection(rows: list[tuple[str, str, dict]]) -> dict:
    return {"type": "FeatureCollection", "features": [
        # lat/lng as in the source: not needed by the app, so not kept
        {"type": "Feature", "properties": {"kode": kode, "nama": nama, "lat": -5.0, "lng": 105.0}, "geometry": geometry}
        for kode, nama, geometry in rows
    ]}


PROVINCES = [("18", "Lampung"), ("31", "Daerah Khusus Ibukota Jakarta"), ("35", "Jawa Timur")]
REGIONS = [("18.01", "Kabupaten Lampung Barat"), ("18.71", "Kota Bandar Lampung"), ("18.72", "Kota Metro"),
           ("31.01", "Kabupaten Administrasi Kepulauan Seribu"), ("35.29", "Kabupaten Sumenep")]


@pytest.fixture()
def source(tmp_path) -> Path:
    folder = tmp_path / "source"
    folder.mkdir()
    provinces = collection([
        # written out of order and clockwise, with a spike 0.0004° wide down from
        # its top edge: rounding alone would make the ring cross itself
        ("35", "Jawa Timur", {"type": "Polygon", "coordinates": [[
            [112.0, -7.0], [112.0, -6.0], [112.5, -6.0], [112.5002, -6.3], [112.5004, -6.0], [113.0, -6.0], [113.0, -7.0],
            [112.0, -7.0]]]}),
        ("18", "Lampung", {"type": "Polygon", "coordinates": [zigzag_square(105.0, -6.0, 1.0)]}),
        ("31", "Daerah Khusus Ibukota Jakarta", {"type": "Polygon", "coordinates": [square(106.5, -6.0, 0.5)]}),
    ])
    regions = collection([
        # mainland 0.25 sq° (off the 0.001° grid by 4e-7), an island of 1e-4 sq°
        # (kept: over 2e-5) and an islet of 1.6e-5 sq° (dropped: under 2e-5 and
        # under 1% of the total)
        ("18.01", "Kabupaten Lampung Barat", {"type": "MultiPolygon", "coordinates": [
            [square(105.0000004, -5.4999996, 0.5)], [square(104.8, -5.5, 0.01)], [square(104.9, -5.3, 0.004)]]}),
        ("18.71", "Kota Bandar Lampung", {"type": "Polygon", "coordinates": [zigzag_square(105.0, -6.0, 0.5)]}),
        # a bow tie: self-intersecting, invalid in the source
        ("18.72", "Kota Metro", {"type": "Polygon", "coordinates": [
            [[105.5, -6.0], [106.0, -5.5], [106.0, -6.0], [105.5, -5.5], [105.5, -6.0]]]}),
        # 150 islets of 9e-6 sq° and one of 1.225e-5 sq° (0.9% of the total
        # 1.362e-3): all under 2e-5 and under 1%, so only the largest stays
        ("31.01", "Kabupaten Administrasi Kepulauan Seribu", {"type": "MultiPolygon", "coordinates": [
            [square(106.5 + (i % 16) * 0.01, -5.9 + (i // 16) * 0.01, 0.0035 if i == 150 else 0.003)] for i in range(151)]}),
        # made only of islets under 2e-5 sq° (9e-6, 1.2e-5, 1.6e-5): all kept,
        # each is over 1% of the area
        ("35.29", "Kabupaten Sumenep", {"type": "MultiPolygon", "coordinates": [
            [square(113.0, -7.0, 0.003)], [square(113.1, -7.0, 0.0035)], [square(113.2, -7.0, 0.004)]]}),
    ])
    (folder / "provinsi.geojson").write_text(json.dumps(provinces))
    (folder / "kabkota.geojson").write_text(json.dumps(regions))
    return folder


def write_reference(folder: Path, provinces=PROVINCES, regions=REGIONS) -> Path:
    folder.mkdir(exist_ok=True)
    pd.DataFrame(provinces, columns=["code", "name"]).to_csv(folder / "provinces.csv", index=False)
    pd.DataFrame(regions, columns=["code", "name"]).to_csv(folder / "regions.csv", index=False)
    return folder


def build(*args, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "BANSOS_GEO_SOURCE"}
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], cwd=REPO, capture_output=True, text=True,
                          env={**environment, **(env or {})})


def test_the_script_simplifies_keeps_validity_and_the_properties(source, tmp_path):
    ref = write_reference(tmp_path / "reference")
    result = build("--source", source, "--out", tmp_path / "out", "--reference", ref)
    assert result.returncode == 0, result.stderr
    provinces = features(tmp_path / "out" / "provinsi.geojson")
    regions = features(tmp_path / "out" / "kabkota.geojson")
    assert [f["properties"] for f in provinces] == [{"kode": k, "nama": n} for k, n in PROVINCES]  # sorted, lat/lng gone
    assert [f["properties"] for f in regions] == [{"kode": k, "nama": n} for k, n in REGIONS]
    shapes = {f["properties"]["kode"]: shape(f["geometry"]) for f in provinces + regions}
    assert all(g.is_valid and not g.is_empty for g in shapes.values())
    # the wobble (0.001°) is under both tolerances: back to the 4 corners
    for kode, corners in (("18", {(105.0, -6.0), (106.0, -6.0), (106.0, -5.0), (105.0, -5.0)}),
                          ("18.71", {(105.0, -6.0), (105.5, -6.0), (105.5, -5.5), (105.0, -5.5)})):
        ring = list(shapes[kode].exterior.coords)
        assert len(ring) == 5 and set(ring) == corners, (kode, ring)
    assert all(p.exterior.is_ccw for g in shapes.values() for p in parts(g))  # RFC 7946, though 35 came clockwise
    # the bow tie becomes two valid triangles of 0.0625 sq° each (0.5 × 0.25 / 2)
    assert len(parts(shapes["18.72"])) == 2 and shapes["18.72"].area == pytest.approx(0.125)
    # mainland and island kept, islet dropped
    assert sorted(round(p.area, 6) for p in parts(shapes["18.01"])) == [0.0001, 0.25]
    # no area disappears: its largest part stays
    assert len(parts(shapes["31.01"])) == 1 and shapes["31.01"].bounds[0] == pytest.approx(106.5 + 6 * 0.01)
    # an area of islets keeps them all
    assert len(parts(shapes["35.29"])) == 3
    # the spike is gone, the rest of the square stays
    assert shapes["35"].area == pytest.approx(1.0) and shapes["35"].bounds == (112.0, -7.0, 113.0, -6.0)
    # at most 3 decimals, though the source had 6
    assert all(round(x, 3) == x and round(y, 3) == y for f in regions for x, y in coordinates(f["geometry"]))
    # and the app draws a choropleth from them
    maps._read_geojson.cache_clear()
    frame = pd.DataFrame({"region_code": ["18.71", "18.72"], "region_name": ["A", "B"], "province_code": ["18", "18"],
                          "is_pilot": [True, False], "lat": [-5.7, -5.7], "lon": [105.2, 105.7], "coverage": [0.5, 0.6]})
    _fig, used = maps.region_map(frame, "coverage", "Cakupan", "T", "id", geo_dir=tmp_path / "out")
    assert used is True


def test_the_script_is_deterministic_and_check_finds_a_changed_file(source, tmp_path):
    ref = write_reference(tmp_path / "reference")
    first, second = tmp_path / "first", tmp_path / "second"
    assert build("--source", source, "--out", first, "--reference", ref).returncode == 0
    # the source from the environment variable, as documented
    assert build("--out", second, "--reference", ref, env={"BANSOS_GEO_SOURCE": str(source)}).returncode == 0
    for name in ("provinsi.geojson", "kabkota.geojson"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert build("--source", source, "--out", first, "--reference", ref, "--check").returncode == 0
    changed = (first / "kabkota.geojson").read_text().replace("Kota Metro", "Kota Metro ")
    (first / "kabkota.geojson").write_text(changed)
    result = build("--source", source, "--out", first, "--reference", ref, "--check")
    assert result.returncode == 1 and "kabkota.geojson differs" in result.stderr
    assert (first / "kabkota.geojson").read_text() == changed  # --check writes nothing


def test_the_script_refuses_a_source_that_misses_a_code(source, tmp_path):
    ref = write_reference(tmp_path / "reference", regions=[*REGIONS, ("18.02", "Kabupaten Tanggamus")])
    result = build("--source", source, "--out", tmp_path / "out", "--reference", ref)
    assert result.returncode == 2
    assert "18.02" in result.stderr and "missing" in result.stderr
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_the_script_says_where_the_source_comes_from(tmp_path):
    result = build("--out", tmp_path / "out")
    assert result.returncode == 2
    assert "--source" in result.stderr and "BANSOS_GEO_SOURCE" in result.stderr
