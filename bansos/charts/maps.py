"""Maps that work offline and without boundary files.

- Within one province, when boundaries are available: a kab/kota choropleth.
- Nationally, or whenever boundaries are missing: points at the regions'
  coordinates (pilot cities are specks at national scale), over light
  province outlines when those are available.
Uses `choropleth_map` / `scatter_map` with the blank `white-bg` style and an
explicit centre and zoom, which need no tile server.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from bansos import fmt
from bansos.charts import theme
from bansos.charts.figure import Fig

KABKOTA_FILE = "kabkota.geojson"
PROVINSI_FILE = "provinsi.geojson"


# National context outlines: parts smaller than this (in square degrees, about
# 25 km² near the equator) are left out. Indonesia's province files hold some
# 16,000 islands; below this size they are under a pixel at national zoom and
# made up 90% of the coordinates the server copied and sent on every run.
OUTLINE_MIN_PART = 0.002


def _rings(polygon) -> list[np.ndarray]:
    return [np.asarray(ring.coords)[:, :2].round(4) for ring in (polygon.exterior, *polygon.interiors)]


def _geometry(geom) -> dict:
    """A shapely (Multi)Polygon as a GeoJSON geometry whose rings are numpy
    arrays. Plotly copies every figure it is given (deep copies, several
    times per page run); a ring held as one array is copied in one step
    instead of one Python list per vertex. Plotly's JSON encoder writes the
    arrays out as ordinary coordinate lists, so the browser gets plain GeoJSON."""
    if geom.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": _rings(geom)}
    return {"type": "MultiPolygon", "coordinates": [_rings(part) for part in geom.geoms]}


@lru_cache(maxsize=4)
def _read_geojson(path: str, tolerance: float, min_part: float = 0.0) -> dict | None:
    file = Path(path)
    if not file.exists():
        return None
    import geopandas as gpd
    import shapely

    frame = gpd.read_file(file)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if min_part:
        parts = frame.explode(index_parts=False)
        # Areas in square degrees on purpose: "too small to see at national
        # zoom" is a question about the map, not about km².
        area = shapely.area(parts.geometry.values)
        largest = parts.assign(_area=area).groupby(level=0)["_area"].transform("max")
        parts = parts[(area >= min_part) | (area == largest)]  # every province keeps its largest part
        frame = parts.dissolve(by="kode", as_index=False, aggfunc="first")
    if tolerance:
        frame["geometry"] = frame.geometry.simplify(tolerance, preserve_topology=True)
    features = [
        {"type": "Feature", "properties": {"kode": str(kode), "nama": nama}, "geometry": _geometry(geom)}
        for kode, nama, geom in zip(frame["kode"], frame["nama"], frame.geometry)
        if geom is not None and not geom.is_empty and geom.geom_type in ("Polygon", "MultiPolygon")
    ]
    return {"type": "FeatureCollection", "features": features}


def boundaries(geo_dir: str | Path | None) -> dict | None:
    """kab/kota boundaries as GeoJSON (feature property `kode` = `35.10`,
    rings as numpy arrays), or None."""
    if not geo_dir:
        return None
    return _read_geojson(str(Path(geo_dir) / KABKOTA_FILE), 0.002)


def province_outlines(geo_dir: str | Path | None) -> dict | None:
    """Light province outlines for national context (small islands left out), or None."""
    if not geo_dir:
        return None
    return _read_geojson(str(Path(geo_dir) / PROVINSI_FILE), 0.05, OUTLINE_MIN_PART)


def _bounds_of(features: list[dict]) -> tuple[float, float, float, float]:
    geometries = [f["geometry"] for f in features]
    rings = [ring for g in geometries for ring in (g["coordinates"] if g["type"] == "Polygon" else
                                                 [r for part in g["coordinates"] for r in part])]
    points = np.concatenate([np.asarray(ring) for ring in rings])
    return points[:, 0].min(), points[:, 1].min(), points[:, 0].max(), points[:, 1].max()


def _view(min_lon, min_lat, max_lon, max_lat) -> tuple[dict, float]:
    span = max(max_lon - min_lon, (max_lat - min_lat) * 1.6, 0.05)
    zoom = max(2.8, min(10.5, math.log2(360 / span) - 0.6))
    return {"lon": (min_lon + max_lon) / 2, "lat": (min_lat + max_lat) / 2}, zoom


def region_map(
    frame: pd.DataFrame,
    value: str,
    value_label: str,
    title: str,
    lang: str,
    geo_dir: str | Path | None = None,
    value_format: str = "pct",
    reverse_scale: bool = False,
    height: int = 460,
) -> tuple[Fig, bool]:
    """A map of `value` per region. `frame` needs region_code, region_name,
    province_code, is_pilot, lat, lon and the value column.
    Returns (figure under construction, used_boundaries); `overview.readable_map`
    finishes it."""
    scale = theme.colour_scale(reverse_scale)
    labels = [fmt.by_format(v, value_format, lang) for v in frame[value]]
    hover = [f"<b>{name}</b> ({code})<br>{value_label}: {text}" for name, code, text in zip(frame.region_name, frame.region_code, labels)]
    colorbar = dict(title=dict(text=value_label), tickformat=".0%" if value_format == "pct" else None)
    provinces = frame.province_code.dropna().unique()
    shapes = boundaries(geo_dir)
    fig = Fig()
    used = False
    if shapes is not None and len(provinces) == 1:
        features = [f for f in shapes["features"] if f["properties"]["kode"].startswith(f"{provinces[0]}.")]
        if features:
            present = set(frame.region_code)
            # Regions of the province without data: drawn grey, for context.
            # Each trace gets only its own shapes, so no shape is sent twice.
            others = [f for f in features if f["properties"]["kode"] not in present]
            if others:
                fig.add_trace(dict(
                    type="choroplethmap", geojson={"type": "FeatureCollection", "features": others},
                    locations=[f["properties"]["kode"] for f in others], z=[0] * len(others), featureidkey="properties.kode",
                    colorscale=[[0, "#EEEEEE"], [1, "#EEEEEE"]], showscale=False, marker=dict(line=dict(color="white")),
                    hovertext=[f["properties"]["nama"] for f in others], hoverinfo="text", name="",
                ))
            fig.add_trace(dict(
                type="choroplethmap",
                geojson={"type": "FeatureCollection", "features": [f for f in features if f["properties"]["kode"] in present]},
                locations=list(frame.region_code), z=list(frame[value]), featureidkey="properties.kode",
                colorscale=scale, marker=dict(line=dict(color="white", width=1)),
                zmin=0, zmax=1 if value_format == "pct" else None, colorbar=colorbar,
                hovertext=hover, hoverinfo="text", name=value_label,
            ))
            center, zoom = _view(*_bounds_of(features))
            used = True
    if not used:
        outlines = province_outlines(geo_dir)
        if outlines is not None:
            codes = [f["properties"]["kode"] for f in outlines["features"]]
            fig.add_trace(dict(
                type="choroplethmap", geojson=outlines, locations=codes, z=[0] * len(codes), featureidkey="properties.kode",
                colorscale=[[0, "#F1F1F1"], [1, "#F1F1F1"]], showscale=False,
                marker=dict(line=dict(color="#BDBDBD", width=0.5)), hoverinfo="skip", name="",
            ))
        placed = (frame.lat.notna() & frame.lon.notna()).tolist()
        points = frame[placed]
        fig.add_trace(dict(
            type="scattermap", lat=list(points.lat), lon=list(points.lon), mode="markers",
            marker=dict(size=[16 if p else 11 for p in points.is_pilot], color=list(points[value]), colorscale=scale,
                        cmin=0, cmax=1 if value_format == "pct" else None, showscale=True, colorbar=colorbar),
            hovertext=[h for h, ok in zip(hover, placed) if ok], hoverinfo="text", name=value_label,
        ))
        if len(points):
            pad = 1.0
            center, zoom = _view(points.lon.min() - pad, points.lat.min() - pad, points.lon.max() + pad, points.lat.max() + pad)
        else:
            center, zoom = {"lon": 118.0, "lat": -2.5}, 3.5
    fig.update_layout(map=dict(style="white-bg", center=center, zoom=zoom), showlegend=False)
    theme.apply(fig, lang, title, height=height)
    fig.update_layout(margin=dict(l=0, r=0, t=50, b=0))
    return fig, used
