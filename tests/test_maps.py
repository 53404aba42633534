"""Maps from boundary files (bansos/charts/maps.py), mostly on a tiny
hand-made GeoJSON written per test; the last tests use the boundaries shipped
in data/geo/ (the default BANSOS_GEO_DIR) and the fallback when the setting
points at a folder without them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import plotly.io as pio
import pytest

from bansos import i18n, settings
from bansos.charts import maps
from tests.app_fixtures import app_key_file, demo_db  # noqa: F401
from tests.test_pages_ringkasan_cakupan import caption_text, open_page, set_filter

REPO = Path(__file__).resolve().parent.parent


def square(lon: float, lat: float, size: float) -> list:
    return [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]]


def collection(features: list[tuple[str, str, dict]]) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"kode": kode, "nama": nama}, "geometry": geometry}
        for kode, nama, geometry in features
    ]}


@pytest.fixture()
def geo_dir(tmp_path):
    provinces = collection([
        # Lampung: a 1°×1° mainland and a 0.01°×0.01° islet (1e-4 square degrees)
        ("18", "Lampung", {"type": "MultiPolygon", "coordinates": [square(105.0, -6.0, 1.0), square(106.5, -6.0, 0.01)]}),
        # a province made only of a small island (4e-4 square degrees) keeps it
        ("35", "Jawa Timur", {"type": "Polygon", "coordinates": square(112.0, -7.0, 0.02)}),
    ])
    regions = collection([
        ("18.71", "Kota Bandar Lampung", {"type": "Polygon", "coordinates": square(105.0, -6.0, 0.5)}),
        ("18.72", "Kota Metro", {"type": "Polygon", "coordinates": square(105.5, -6.0, 0.5)}),
        ("18.01", "Lampung Barat", {"type": "Polygon", "coordinates": square(105.0, -5.5, 0.5)}),
        ("35.10", "Banyuwangi", {"type": "Polygon", "coordinates": square(112.0, -7.0, 0.5)}),
    ])
    (tmp_path / maps.PROVINSI_FILE).write_text(json.dumps(provinces))
    (tmp_path / maps.KABKOTA_FILE).write_text(json.dumps(regions))
    return tmp_path


def regions_frame(codes: list[str], province: list[str]) -> pd.DataFrame:
    return pd.DataFrame({
        "region_code": codes, "region_name": [f"R {c}" for c in codes], "province_code": province,
        "is_pilot": [True] * len(codes), "lat": [-5.7] * len(codes), "lon": [105.7] * len(codes),
        "coverage": [0.5 + 0.1 * i for i in range(len(codes))],
    })


def spec_traces(fig) -> list[dict]:
    """The traces as the browser receives them (the JSON Streamlit sends)."""
    return json.loads(pio.to_json(fig.figure(), validate=False))["data"]


def rings(geometry: dict) -> list:
    return geometry["coordinates"] if geometry["type"] == "Polygon" else [r for part in geometry["coordinates"] for r in part]


def test_national_outlines_leave_out_islets_but_every_province_keeps_its_largest_part(geo_dir):
    maps._read_geojson.cache_clear()
    outlines = maps.province_outlines(geo_dir)
    by_code = {f["properties"]["kode"]: f for f in outlines["features"]}
    assert set(by_code) == {"18", "35"}
    assert len(rings(by_code["18"]["geometry"])) == 1  # the islet is gone
    assert len(rings(by_code["35"]["geometry"])) == 1  # the only part stays, though small
    fig, used = maps.region_map(regions_frame(["18.72", "35.10"], ["18", "35"]), "coverage", "Cakupan", "T", "id", geo_dir=geo_dir)
    assert used is False  # two provinces: points over outlines
    outline = spec_traces(fig)[0]
    assert outline["type"] == "choroplethmap" and outline["locations"] == ["18", "35"]
    # plain GeoJSON in the spec: lists of [lon, lat] pairs, closed rings
    ring = rings(outline["geojson"]["features"][0]["geometry"])[0]
    assert isinstance(ring, list) and isinstance(ring[0], list) and ring[0] == ring[-1]
    lons = sorted({point[0] for point in ring})
    assert lons[0] == pytest.approx(105.0) and lons[-1] == pytest.approx(106.0)


def test_one_province_is_a_choropleth_and_each_shape_is_sent_once(geo_dir):
    maps._read_geojson.cache_clear()
    frame = regions_frame(["18.71", "18.72"], ["18", "18"])
    fig, used = maps.region_map(frame, "coverage", "Cakupan", "T", "id", geo_dir=geo_dir)
    assert used is True
    grey, values = spec_traces(fig)
    # Lampung Barat has no data: drawn grey, alone in its trace
    assert grey["locations"] == ["18.01"]
    assert [f["properties"]["kode"] for f in grey["geojson"]["features"]] == ["18.01"]
    assert values["locations"] == ["18.71", "18.72"] and fig.data[1]["z"] == pytest.approx([0.5, 0.6])
    assert sorted(f["properties"]["kode"] for f in values["geojson"]["features"]) == ["18.71", "18.72"]
    # Banyuwangi (another province) is not sent at all
    assert "35.10" not in json.dumps([grey["geojson"], values["geojson"]])
    # the view is centred on the province's shapes (105.0-106.0, -6.0 to -5.0)
    center = fig.figure().layout.map.center
    assert (center.lon, center.lat) == (pytest.approx(105.5), pytest.approx(-5.5))


def test_without_boundary_files_the_map_shows_points_only(tmp_path, monkeypatch):
    monkeypatch.setenv("BANSOS_GEO_DIR", str(tmp_path))  # an empty folder
    fig, used = maps.region_map(regions_frame(["18.72"], ["18"]), "coverage", "Cakupan", "T", "id",
                                geo_dir=settings.get("geo_dir"))
    assert used is False
    assert [t["type"] for t in spec_traces(fig)] == ["scattermap"]


def test_without_the_kabkota_file_a_province_is_points_over_outlines(geo_dir):
    maps._read_geojson.cache_clear()
    (geo_dir / maps.KABKOTA_FILE).unlink()
    fig, used = maps.region_map(regions_frame(["18.71", "18.72"], ["18", "18"]), "coverage", "Cakupan", "T", "id",
                                geo_dir=geo_dir)
    assert used is False
    assert [t["type"] for t in spec_traces(fig)] == ["choroplethmap", "scattermap"]


def lampung_codes() -> list[str]:
    with (REPO / "data" / "reference" / "regions.csv").open(encoding="utf-8", newline="") as fh:
        return [row["code"] for row in csv.DictReader(fh) if row["province_code"] == "18"]


def test_by_default_the_shipped_boundaries_draw_every_kabkota_of_a_province(monkeypatch):
    monkeypatch.delenv("BANSOS_GEO_DIR", raising=False)
    assert Path(settings.get("geo_dir")) == REPO / "data" / "geo"
    fig, used = maps.region_map(regions_frame(["18.71", "18.72"], ["18", "18"]), "coverage", "Cakupan", "T", "id",
                                geo_dir=settings.get("geo_dir"))
    assert used is True
    grey, values = spec_traces(fig)
    assert sorted(values["locations"]) == ["18.71", "18.72"]
    # the rest of Lampung in grey: every kab/kota of the reference list is drawn once
    drawn = [f["properties"]["kode"] for t in (grey, values) for f in t["geojson"]["features"]]
    assert sorted(drawn) == sorted(lampung_codes()) and len(drawn) == 15


def map_traces(at) -> list[str]:
    charts = [c for c in at.get("plotly_chart") if "rk_map_chart" in c.proto.id]
    return [t["type"] for t in json.loads(charts[0].proto.spec)["data"]]


def test_ringkasan_province_map_is_a_choropleth_by_default_and_points_without_boundaries(
        demo_db, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.delenv("BANSOS_GEO_DIR", raising=False)
    at = set_filter(open_page(demo_db, "app_pages/ringkasan.py"), "prov", "18")
    assert "choroplethmap" in map_traces(at)
    assert i18n.t("ringkasan.map.choropleth", "id") in caption_text(at)
    assert i18n.t("ringkasan.map.points_no_boundaries", "id") not in caption_text(at)

    monkeypatch.setenv("BANSOS_GEO_DIR", str(tmp_path))  # an empty folder
    at = set_filter(open_page(demo_db, "app_pages/ringkasan.py"), "prov", "18")
    assert "choroplethmap" not in map_traces(at) and "scattermap" in map_traces(at)
    assert i18n.t("ringkasan.map.points_no_boundaries", "id") in caption_text(at)
    assert i18n.t("ringkasan.map.choropleth", "id") not in caption_text(at)
