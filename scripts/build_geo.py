#!/usr/bin/env python3
"""Build the simplified boundary files shipped in data/geo/ from a source folder.

The source folder holds `provinsi.geojson` and `kabkota.geojson` (WGS84,
lon/lat, one feature per area, properties `kode` = Kemendagri code and
`nama`), as derived from the MIT-licensed repository
`cahyadsn/wilayah_boundaries`. This script writes the app's own, smaller copy:

1. every geometry is made valid and only its polygonal parts are kept;
2. islets are dropped: a part smaller than MIN_PART square degrees goes,
   unless it is at least SHARE of its area's total (an area made only of
   small islands, like Kepulauan Seribu, keeps its islands) or is the area's
   largest part (no area ever disappears);
3. outlines are simplified (Douglas-Peucker, topology preserved) with the
   level's tolerance, then snapped to a GRID-degree grid (GEOS keeps the
   result valid) and exterior rings oriented counter-clockwise (RFC 7946);
4. only `kode` and `nama` are kept (all the maps read);
5. the codes are checked against data/reference/ (provinces.csv,
   regions.csv): every code exactly once, nothing else, or no file is written.

Output is deterministic: features sorted by code, one feature per line,
coordinates on the 0.001° grid, so the same source gives the
same bytes (with the same GEOS version).

Usage:
    .venv/bin/python scripts/build_geo.py --source DIR [--out data/geo] [--check]

--source defaults to the environment variable BANSOS_GEO_SOURCE. --check
builds in memory and compares with the files in --out instead of writing
(exit 1 when they differ).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "data" / "geo"
DEFAULT_REFERENCE = ROOT / "data" / "reference"

# Shared by both levels. 1e-3 degree is about 110 m: under a pixel at the
# most zoomed-in province view the app draws (DI Yogyakarta).
GRID = 0.001
# Square degrees (about 0.25 km² near the equator; a square of 0.0045°, about
# a pixel across at the closest province view). Areas in degrees on purpose,
# as in bansos/charts/maps.py: the question is what the map can show.
MIN_PART = 2e-5
SHARE = 0.01


@dataclass(frozen=True)
class Level:
    file: str
    tolerance: float  # degrees
    reference: str  # CSV in data/reference/ listing every code of this level


LEVELS = (
    # National context outlines (the app simplifies them further at 0.05°).
    Level("provinsi.geojson", 0.01, "provinces.csv"),
    # Province choropleths: 0.004° is 1.3 px at the closest view (DI Yogyakarta).
    Level("kabkota.geojson", 0.004, "regions.csv"),
)


class BuildError(Exception):
    pass


def polygons_of(geom) -> list[Polygon]:
    """The polygonal parts of any geometry (make_valid may return a collection)."""
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [p for part in geom.geoms for p in polygons_of(part)]
    return []


def without_islets(parts: list[Polygon]) -> list[Polygon]:
    areas = [p.area for p in parts]
    total, largest = sum(areas), max(areas)
    return [p for p, a in zip(parts, areas) if a >= MIN_PART or a >= SHARE * total or a == largest]


def simplify(geom, tolerance: float):
    """One area's geometry, simplified, snapped and valid; raises when nothing is left."""
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    parts = polygons_of(geom)
    if not parts:
        raise BuildError("no polygon in the source geometry")
    kept = without_islets(parts)
    geom = kept[0] if len(kept) == 1 else MultiPolygon(kept)
    geom = shapely.simplify(geom, tolerance, preserve_topology=True)
    geom = shapely.set_precision(geom, GRID)  # mode "valid_output": the result is valid
    parts = polygons_of(geom)  # snapping may collapse a sliver into a line
    if not parts:
        raise BuildError("nothing left after simplification")
    geom = parts[0] if len(parts) == 1 else MultiPolygon(parts)
    geom = shapely.orient_polygons(geom, exterior_cw=False)
    if not geom.is_valid:
        raise BuildError(f"invalid after simplification: {shapely.is_valid_reason(geom)}")
    return geom


def _ring(ring) -> list:
    # set_precision already gives the nearest double to each 0.001° step, so
    # the coordinates print with at most 3 decimals.
    return [[x, y] for x, y in ring.coords]


def _geometry(geom) -> dict:
    def rings(polygon: Polygon) -> list:
        return [_ring(polygon.exterior), *(_ring(r) for r in polygon.interiors)]

    if geom.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": rings(geom)}
    return {"type": "MultiPolygon", "coordinates": [rings(p) for p in geom.geoms]}


def reference_codes(reference: Path) -> dict[str, str]:
    with reference.open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row["name"] for row in csv.DictReader(fh)}


def build_level(source: Path, level: Level, reference_dir: Path) -> bytes:
    path = source / level.file
    if not path.exists():
        raise BuildError(f"{path} not found")
    collection = json.loads(path.read_text(encoding="utf-8"))
    expected = reference_codes(reference_dir / level.reference)
    features: dict[str, dict] = {}
    for feature in collection["features"]:
        props = feature["properties"]
        kode, nama = str(props["kode"]), str(props["nama"])
        if kode in features:
            raise BuildError(f"{level.file}: code {kode} appears twice")
        try:
            geom = simplify(shape(feature["geometry"]), level.tolerance)
        except BuildError as error:
            raise BuildError(f"{level.file}: {kode} {nama}: {error}") from None
        features[kode] = {"type": "Feature", "properties": {"kode": kode, "nama": nama}, "geometry": _geometry(geom)}
    missing, unknown = sorted(set(expected) - set(features)), sorted(set(features) - set(expected))
    if missing or unknown:
        raise BuildError(f"{level.file}: codes missing {missing[:10]} ({len(missing)}), "
                         f"not in {level.reference} {unknown[:10]} ({len(unknown)})")
    # One feature per line: a rebuild's diff shows which areas changed.
    lines = [json.dumps(features[k], ensure_ascii=False, separators=(",", ":")) for k in sorted(features)]
    return ('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n").encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=os.environ.get("BANSOS_GEO_SOURCE") or None,
                        help="folder with provinsi.geojson and kabkota.geojson (default: $BANSOS_GEO_SOURCE)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: data/geo)")
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE,
                        help="folder with provinces.csv and regions.csv (default: data/reference)")
    parser.add_argument("--check", action="store_true", help="compare with the files in --out instead of writing")
    args = parser.parse_args(argv)
    if args.source is None:
        parser.error("no source folder: pass --source DIR or set BANSOS_GEO_SOURCE "
                     "(a folder with provinsi.geojson and kabkota.geojson)")
    try:
        built = {level.file: build_level(args.source, level, args.reference) for level in LEVELS}
    except BuildError as error:
        print(f"build_geo: {error}", file=sys.stderr)
        return 2
    if args.check:
        differ = [name for name, data in built.items()
                  if not (args.out / name).exists() or (args.out / name).read_bytes() != data]
        for name in differ:
            print(f"build_geo: {args.out / name} differs from a fresh build", file=sys.stderr)
        return 1 if differ else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in built.items():
        (args.out / name).write_bytes(data)
        print(f"{args.out / name}: {len(data):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
