"""The page questions answered in polars, from facts held in memory: what a
careful Streamlit author would write with the facts loaded once
(`st.cache_data`) and every request filtered and grouped from them.

The second in-memory baseline of the benchmark, beside pandas
(benchmarks/pandas_pages.py): the same questions, method by method, with the
same parameters, columns and numbers (tests/test_polars_baseline.py checks
them against the app's SQL). It reads the same Parquet export
(`export_page_parquet`), once. Like the pandas baseline it is independent of
the SQL marts: it rebuilds what a page needs from the facts on every request,
sharing intermediate results between the queries of one request only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from benchmarks.pandas_pages import BASES, NEW_CHANNELS, STATUS_RANK, PageQuestions

SIGNALS = ("double_allocation", "paid_not_registered", "paid_off_window", "amount_mismatch", "concentration")
COUNTS = ("eligible_families", "eligible_covered", "recipients", "eligible_recipients", "not_in_register")
PERIOD = ("family_key", "program", "year", "tranche")
# A date asked for that no register snapshot has: nothing is computed at it
# (the SQL joins the marts on it and finds no rows). None, by contrast, is
# "no register loaded at all": the allocation-only figures remain.
ABSENT = "absent"


@dataclass
class PolarsData:
    family: pl.DataFrame
    allocation: pl.DataFrame
    programs: pl.DataFrame
    regions: pl.DataFrame
    pilots: pl.DataFrame
    calendar: pl.DataFrame
    provinces: pl.DataFrame
    kecamatan: pl.DataFrame
    comparison: pl.DataFrame
    ledger: pl.DataFrame
    quarantine: pl.DataFrame
    meta: pl.DataFrame
    rejections: pl.DataFrame


# PolarsData field -> Parquet file of export_page_parquet
FILES = {"family": "family", "allocation": "allocation", "programs": "ref_program", "regions": "ref_region",
         "pilots": "ref_pilot", "calendar": "ref_tranche_calendar", "provinces": "ref_province",
         "kecamatan": "ref_kecamatan", "comparison": "ref_comparison", "ledger": "load_ledger",
         "quarantine": "quarantine", "meta": "meta", "rejections": "rejections"}


def load_page_polars(folder: Path) -> PolarsData:
    """The Parquet export read once into memory (what `st.cache_data` keeps),
    with the allocation rules applied once."""
    frames = {field: pl.read_parquet(folder / f"{name}.parquet") for field, name in FILES.items()}
    frames["allocation"] = allocation_flags(frames["allocation"])
    frames["calendar"] = frames["calendar"].cast({"tranche": frames["allocation"].schema["tranche"]})
    return PolarsData(**frames)


def allocation_flags(a: pl.DataFrame) -> pl.DataFrame:
    """The allocation rules (docs/indicators.md): `is_reroute`, a failed or
    returned row of a family with another paid or pending row of the same
    programme and tranche; `is_primary`, the one row per family, programme,
    tranche and kab/kota that counts the family there; `is_first`, one row
    per family, programme and tranche. The first row of each is the paid one,
    then pending, failed, returned; the earliest payment; then the order the
    rules give (institution and kecamatan, or kab/kota and institution)."""
    reroute = pl.col("status").is_in(["gagal", "retur"]) & pl.col("status").is_in(["tersalur", "proses"]).any().over(PERIOD)
    a = a.with_row_index("_row").with_columns(is_reroute=reroute.fill_null(False))
    rank = [pl.col("is_reroute"), pl.col("status").replace_strict(STATUS_RANK, default=4), pl.col("paid_date")]

    def first(partition: list[str], order: list) -> pl.Expr:
        chosen = pl.col("_row").sort_by([*rank, *order], nulls_last=True).first().over(partition)
        return ~pl.col("is_reroute") & (pl.col("_row") == chosen)

    return a.with_columns(
        is_primary=first([*PERIOD, "region_code"], [pl.col("institution"), pl.col("kecamatan_code")]),
        is_first=first(list(PERIOD), [pl.col("region_code"), pl.col("institution")]),
    ).drop("_row")


# -- expressions for SQL's NULL rules ----------------------------------------------------


def _div(numerator, denominator) -> pl.Expr:
    """`a / NULLIF(b, 0)`: NULL when b is 0 or NULL."""
    numerator, denominator = _expr(numerator), _expr(denominator)
    return pl.when(denominator != 0).then(numerator.cast(pl.Float64) / denominator)


def _expr(value) -> pl.Expr:
    return pl.col(value) if isinstance(value, str) else value


def _sum(value) -> pl.Expr:
    """SQL sum(): NULL when there is no non-NULL value (polars says 0)."""
    value = _expr(value)
    return pl.when(value.count() > 0).then(value.sum())


def _count(condition: pl.Expr) -> pl.Expr:
    """count(*) FILTER (WHERE condition), as BIGINT (signed: differences of counts may be negative)."""
    return condition.sum().cast(pl.Int64)


def _in_list(column: str, values) -> pl.Expr:
    """`($list IS NULL OR list_contains($list, column))`."""
    return pl.lit(True) if values is None else pl.col(column).is_in([str(v) for v in values])


def _equals(column: str, value) -> pl.Expr:
    """`column = $value`: a NULL value matches nothing."""
    return pl.lit(False) if value is None else pl.col(column) == value


def _optional(column: str, value) -> pl.Expr:
    """`($value IS NULL OR column = $value)`."""
    return pl.lit(True) if value is None else pl.col(column) == value


def _is_date(as_of) -> bool:
    return isinstance(as_of, dt.date)


def _signal_order() -> pl.Expr:
    return pl.col("signal").replace_strict({s: i + 1 for i, s in enumerate(SIGNALS)}, default=5, return_dtype=pl.Int32)


def _desil_group(column: str) -> pl.Expr:
    return pl.when(pl.col(column).is_null()).then(pl.lit("unranked")).otherwise(
        pl.col(column).cast(pl.String).str.pad_start(2, "0"))


def _eligible(basis: str, threshold, desil: str, layak: str) -> pl.Expr:
    """Eligibility of a register row or family on one basis (NULL counts as not eligible)."""
    if basis == "desil":
        return (pl.col(desil) <= threshold).fill_null(False) if threshold is not None else pl.lit(False)
    return pl.col(layak).fill_null(False)


def _rates(prefix: str = "", recipients: str = "recipients") -> dict[str, pl.Expr]:
    """The indicators' rates (bansos/indicators.py) over count columns."""
    return {
        f"coverage{prefix}": _div("eligible_covered", "eligible_families"),
        f"exclusion_error{prefix}": _div(pl.col("eligible_families") - pl.col("eligible_covered"), "eligible_families"),
        f"inclusion_error{prefix}": _div(pl.col(recipients) - pl.col("eligible_recipients"), recipients),
        f"disbursement_rate{prefix}": _div("disbursed_amount", "allocated_amount"),
    }


class PolarsPages(PageQuestions):
    """One request's worth of polars: the facts in memory (PolarsData), the page
    questions answered from them, one method per query file (named after it).
    `PolarsPages(data).run(name, **params)` mirrors `QueryRunner.run(name,
    **params)`; answers are polars DataFrames with the query's columns."""

    ENGINE = "polars"

    def _scoped(self, column: str = "region_code") -> pl.Expr:
        return _in_list(column, self.scope)

    # -- the register at a snapshot date (docs/indicators.md) ---------------------------

    def _dates(self) -> list:
        return self._once("dates", lambda: self.d.family.get_column("snapshot_date").unique().drop_nulls().sort().to_list())

    def _chosen(self, as_of):
        """coalesce($as_of, latest snapshot); ABSENT for a date without one."""
        dates = self._dates()
        if as_of is None:
            return dates[-1] if dates else None
        day = dt.date.fromisoformat(str(as_of)[:10])
        return day if day in dates else ABSENT

    def _slices(self) -> pl.DataFrame:
        """Each region's snapshots: families, and whether decisions are in it."""
        return self._once("slices", lambda: self.d.family.group_by("region_code", "snapshot_date").agg(
            families=pl.len().cast(pl.Int64), has_decisions=pl.col("decision").is_not_null().any()))

    def _snapshot(self, as_of) -> pl.DataFrame:
        """Each region's latest snapshot on or before as_of."""
        def build():
            slices = self._slices()
            if not _is_date(as_of):
                return slices.clear()
            usable = slices.filter(pl.col("snapshot_date") <= as_of)
            return usable.filter(pl.col("snapshot_date") == pl.col("snapshot_date").max().over("region_code"))
        return self._once(("snapshot", as_of), build)

    def _register(self, as_of) -> pl.DataFrame:
        """The register rows in use at as_of, with `layak` (only where decisions exist)."""
        def build():
            snap = self._snapshot(as_of).select("region_code", "snapshot_date", "has_decisions")
            layak = (pl.col("decision") == "layak").fill_null(False) | (pl.col("appeal") == "diterima").fill_null(False)
            return self.d.family.join(snap, on=["region_code", "snapshot_date"]).with_columns(
                layak=layak & pl.col("has_decisions"))
        return self._once(("register", as_of), build)

    def _families(self, as_of) -> pl.DataFrame:
        """Membership by family key across all regions: min_desil, layak."""
        return self._once(("families", as_of), lambda: self._register(as_of).group_by("family_key").agg(
            min_desil=pl.col("desil").min(), layak=pl.col("layak").any()))

    def _threshold(self, program):
        row = self.d.programs.filter(pl.col("code") == program)
        return row.item(0, "max_desil") if len(row) else None

    # -- allocations --------------------------------------------------------------------

    def _periods(self) -> pl.DataFrame:
        return self._once("periods", lambda: self.d.allocation.filter(~pl.col("is_reroute"))
                          .select("program", "year", "tranche").unique().sort("program", "year", "tranche"))

    def _regions_of(self, frame: pl.DataFrame) -> set:
        return set(frame.get_column("region_code").unique().to_list())

    def _family_regions(self) -> set:
        return self._once("family_regions", lambda: self._regions_of(self.d.family))

    def _allocation_regions(self) -> set:
        return self._once("allocation_regions", lambda: self._regions_of(self.d.allocation))

    def _present(self) -> list:
        """Regions with register rows or allocations, sorted."""
        return self._once("present", lambda: sorted(self._family_regions() | self._allocation_regions()))

    def _allocation_mart(self) -> pl.DataFrame:
        """Region × kecamatan × programme × tranche × institution: families
        counted on their primary row, amounts on every allocation row."""
        def build():
            start = pl.date(pl.col("year"), pl.col("start_month"), pl.col("start_day"))
            primary, paid = pl.col("is_primary"), pl.col("status") == "tersalur"
            timely = pl.col("paid_date") <= start + pl.duration(days=self.timely_days)
            return (
                self.d.allocation.lazy().join(self.d.calendar.lazy(), on="tranche", how="left")
                .group_by("region_code", "kecamatan_code", "program", "year", "tranche", "institution")
                .agg(
                    recipients=_count(primary),
                    allocated_amount=pl.col("amount").filter(~pl.col("is_reroute")).sum(),
                    paid_families=_count(primary & paid),
                    disbursed_amount=pl.col("amount").filter(paid).sum(),
                    timely_families=_count(primary & paid & timely),
                    failed_families=_count(primary & (pl.col("status") == "gagal")),
                    returned_families=_count(primary & (pl.col("status") == "retur")),
                    pending_families=_count(primary & (pl.col("status") == "proses")),
                )
                .collect()
            )
        return self._once("allocation_mart", build)

    def _alloc_by_region(self, program=None) -> pl.DataFrame:
        def build():
            a = self._allocation_mart()
            if program is not None:
                a = a.filter(pl.col("program") == program)
            return a.group_by("region_code", "program", "year", "tranche").agg(
                pl.col("allocated_amount", "disbursed_amount", "paid_families", "timely_families").sum())
        return self._once(("alloc_by_region", program), build)

    def _allocation_in(self, program, year=None, tranche=None, province=None, regions=None, *, each_tranche=True):
        """The allocation mart of one programme (`program = $program`), and
        with each_tranche False of one tranche, in the regions asked for."""
        keep = _equals("program", program) & _in_list("region_code", regions) & self._scoped()
        if not each_tranche:
            keep &= _equals("year", year) & _equals("tranche", tranche)
        a = self._allocation_mart().filter(keep)
        return a.join(self.d.regions.select(region_code="code", province_code="province_code"), on="region_code").filter(
            _optional("province_code", province))

    # -- targeting counts (coverage, exclusion and inclusion inputs) --------------------

    def _targeting_area(self, as_of, basis: str, program: str) -> pl.DataFrame:
        """Counts per region × kecamatan × tranche of one programme: the
        eligible families of the register, those of them allocated (any
        region), the recipients, those eligible anywhere, those in no register."""
        def build():
            area, threshold = ["region_code", "kecamatan_code"], self._threshold(program)
            keys = [*area, "year", "tranche"]
            reg = self._register(as_of).lazy().with_columns(e=_eligible(basis, threshold, "desil", "layak"))
            alloc = self.d.allocation.lazy().filter(pl.col("program") == program)
            periods = self._periods().lazy().filter(pl.col("program") == program).select("year", "tranche")
            eligible = reg.group_by(area).agg(eligible_families=_count(pl.col("e"))).join(periods, how="cross")
            covered = (reg.filter("e").select(*area, "family_key")
                       .join(alloc.filter("is_first").select("family_key", "year", "tranche"), on="family_key")
                       .group_by(keys).agg(eligible_covered=pl.len().cast(pl.Int64)))
            families = self._families(as_of).lazy().select(
                "family_key", er=_eligible(basis, threshold, "min_desil", "layak"), known=pl.lit(True))
            recipients = (alloc.filter("is_primary").select("family_key", *keys)
                          .join(families, on="family_key", how="left")
                          .group_by(keys).agg(recipients=pl.len().cast(pl.Int64), eligible_recipients=_count(pl.col("er")),
                                              not_in_register=_count(pl.col("known").is_null())))
            return (pl.concat([eligible, covered, recipients], how="diagonal").group_by(keys)
                    .agg(pl.col(*COUNTS).sum()).collect())
        return self._once(("area", as_of, basis, program), build)

    def _targeting(self, as_of, basis: str, program=None) -> pl.DataFrame:
        """The targeting grid at one as_of and basis: every region with data ×
        every tranche allocated (of one programme, or all), with the NULL rules:
        register-based counts only where the region has a register (and, on
        the layak basis, decisions)."""
        def build():
            periods = self._periods().filter(_optional("program", program))
            if as_of == ABSENT or basis not in BASES:
                periods = periods.clear()
            counts = [self._slot_frame(dict.fromkeys(COUNTS, pl.Int64))]
            for code in periods.get_column("program").unique().sort().to_list():
                area = self._targeting_area(as_of, basis, code)
                counts.append(area.group_by("region_code", "year", "tranche").agg(pl.col(*COUNTS).sum())
                              .with_columns(program=pl.lit(code)))
            snap = self._snapshot(as_of).select("region_code", register_snapshot="snapshot_date", has_decisions="has_decisions",
                                                has_register=pl.lit(True))
            grid = pl.DataFrame({"region_code": self._present()}, schema={"region_code": pl.String}).join(periods, how="cross")
            t = (grid.join(pl.concat(counts, how="diagonal"), on=["program", "region_code", "year", "tranche"], how="left")
                 .join(snap, on="region_code", how="left")
                 .with_columns(pl.col("has_register", "has_decisions").fill_null(False)))
            defined = pl.col("has_register") & (pl.lit(basis == "desil") | pl.col("has_decisions"))
            return t.select(
                as_of=pl.lit(as_of if _is_date(as_of) else None, dtype=pl.Date), basis=pl.lit(basis),
                program="program", year="year", tranche="tranche", region_code="region_code",
                register_snapshot="register_snapshot", has_register="has_register", has_decisions="has_decisions",
                eligible_families=pl.when(defined).then(pl.col("eligible_families").fill_null(0)),
                eligible_covered=pl.when(defined).then(pl.col("eligible_covered").fill_null(0)),
                recipients=pl.col("recipients").fill_null(0),
                eligible_recipients=pl.when(defined).then(pl.col("eligible_recipients").fill_null(0)),
                not_in_register=pl.when(pl.col("has_register")).then(pl.col("not_in_register").fill_null(0)),
            )
        return self._once(("targeting", as_of, basis, program), build)

    def _slot_frame(self, values: dict) -> pl.DataFrame:
        """An empty frame of program × year × tranche × region_code and `values`."""
        schema = self.d.allocation.schema
        return pl.DataFrame(schema={"program": pl.String, "year": schema["year"], "tranche": schema["tranche"],
                                    "region_code": pl.String, **values})

    def _targeting_of(self, as_of, basis: str, program) -> pl.DataFrame:
        """`t.program = $program`: a NULL programme matches nothing."""
        t = self._targeting(as_of, basis, program)
        return t.clear() if program is None else t

    def _comparison(self) -> pl.DataFrame:
        """pilot_code, comparison_code, source: the listed comparison regions
        of a pilot, else the non-pilot kab/kota of its province with data."""
        def build():
            present = self._present()
            pilots = (self.d.pilots.select("region_code").filter(pl.col("region_code").is_in(present))
                      .join(self.d.regions.select(region_code="code", province_code="province_code"), on="region_code"))
            table = self.d.comparison
            listed = table.filter(pl.col("pilot_code").is_in(pilots.get_column("region_code").to_list())).with_columns(
                source=pl.lit("table"))
            candidates = self.d.regions.filter(pl.col("code").is_in(present)
                                               & ~pl.col("code").is_in(self.d.pilots.get_column("region_code").to_list()))
            default = (pilots.filter(~pl.col("region_code").is_in(table.get_column("pilot_code").to_list()))
                       .join(candidates.select(comparison_code="code", province_code="province_code"), on="province_code")
                       .select(pilot_code="region_code", comparison_code="comparison_code", source=pl.lit("default")))
            return pl.concat([listed.select("pilot_code", "comparison_code", "source"), default])
        return self._once("comparison", build)

    def _region_names(self) -> pl.DataFrame:
        return self.d.regions.select(region_code="code", region_name="name", province_code="province_code")

    def _province_names(self) -> pl.DataFrame:
        return self.d.provinces.select(province_code="code", province_name="name")

    def _pilot_flags(self) -> pl.DataFrame:
        """region_code, is_pilot, pilot_status, cohort: join it left and fill is_pilot."""
        return self.d.pilots.select("region_code", is_pilot=pl.lit(True), pilot_status="status", cohort="cohort")

    def _with_pilots(self, frame: pl.DataFrame, on: str = "region_code") -> pl.DataFrame:
        flags = self._pilot_flags().rename({"region_code": on})
        return frame.join(flags, on=on, how="left").with_columns(pl.col("is_pilot").fill_null(False))

    # -- reference, ledger and quarantine ----------------------------------------------
    # (The ledger and quarantine questions read no scope, as in the pandas baseline:
    # the benchmark and the tests ask them for every region.)

    def programs(self) -> pl.DataFrame:
        return self.d.programs.select("code", "aliases", "name_id", "name_en", "max_desil", "benefit_per_tranche",
                                      "tranches_per_year", "source").sort("code")

    def options_periods(self) -> pl.DataFrame:
        names = self.d.programs.select(program="code", name_id="name_id", name_en="name_en", max_desil="max_desil")
        return (self._allocation_mart().group_by("program", "year", "tranche").agg(families=pl.col("recipients").sum())
                .join(names, on="program", how="left")
                .sort("max_desil", "program", "year", "tranche", nulls_last=True)
                .select("program", "name_id", "name_en", "max_desil", "year", "tranche", "families"))

    def options_snapshots(self) -> pl.DataFrame:
        # a region is in the snapshot of as_of once its first snapshot is on or before it
        first = self._slices().group_by("region_code").agg(first=pl.col("snapshot_date").min())
        dates = pl.DataFrame({"as_of": self._dates()}, schema={"as_of": pl.Date})
        return (dates.join(first, how="cross").filter(pl.col("first") <= pl.col("as_of"))
                .group_by("as_of").agg(regions=pl.len().cast(pl.Int64)).sort("as_of"))

    def warehouse_meta(self) -> pl.DataFrame:
        meta = dict(zip(self.d.meta.get_column("key").to_list(), self.d.meta.get_column("value").to_list()))
        return pl.DataFrame([{
            "is_demo": meta.get("is_demo") == "true", "created_at": meta.get("created_at"),
            "marts_built_at": meta.get("marts_built_at"), "last_load_at": self.d.ledger.get_column("loaded_at").max(),
            "loads": len(self.d.ledger), "families_rows": len(self.d.family), "allocation_rows": len(self.d.allocation),
            "quarantined_rows": len(self.d.quarantine),
        }])

    def loads(self) -> pl.DataFrame:
        return self.d.ledger.sort("load_id", descending=True).select(
            "load_id", "file_name", "kind", "loaded_at", "as_of", "extract_date", "replace_mode", "rows_read", "rows_loaded",
            "rows_quarantined", "rows_superseded", "rows_removed", "message", "warnings", "content_hash", "loaded_by",
            "unloaded_at")

    def rejections(self, who, limit) -> pl.DataFrame:
        r = self.d.rejections
        if self.scope is not None:
            r = r.filter(_equals("rejected_by", who))
        return (r.sort("rejected_at", descending=True)
                .select("rejected_at", "file_name", "kind", "message", "rejected_by", total=pl.len().cast(pl.Int64))
                .head(int(limit)))

    def region_names(self, regions) -> pl.DataFrame:
        # list_contains(NULL, code) is NULL: no regions asked, no rows
        keep = pl.lit(False) if regions is None else _in_list("code", regions)
        return self.d.regions.filter(keep).sort("code").select(region_code="code", region_name="name")

    def kualitas_totals(self) -> pl.DataFrame:
        ledger = self.d.ledger
        return ledger.select(
            files=pl.len().cast(pl.Int64),
            files_keluarga=_count(pl.col("kind") == "keluarga"),
            files_penyaluran=_count(pl.col("kind") == "penyaluran"),
            files_with_quarantine=_count(pl.col("rows_quarantined") > 0),
            files_with_warnings=_count(pl.col("warnings").fill_null("") != ""),
            **{c: pl.col(c).sum() for c in ("rows_read", "rows_loaded", "rows_quarantined", "rows_superseded", "rows_removed")},
            quarantine_rate=_div(_sum("rows_quarantined"), _sum("rows_read")),
            first_load_at=pl.col("loaded_at").min(), last_load_at=pl.col("loaded_at").max(),
            quarantined_rows=pl.lit(len(self.d.quarantine), dtype=pl.Int64),
        )

    def _quarantine_reasons(self) -> pl.DataFrame:
        return (self.d.quarantine.select("load_id", "file_name", "line", reason="reasons")
                .explode("reason").drop_nulls("reason"))

    def kualitas_reasons(self) -> pl.DataFrame:
        tagged = self._quarantine_reasons().join(self.d.ledger.select("load_id", "kind"), on="load_id")
        total = len(self.d.quarantine)
        return (tagged.group_by("reason", "kind").agg(rows=pl.len().cast(pl.Int64), files=pl.col("load_id").n_unique())
                .with_columns(reason_rows=pl.col("rows").sum().over("reason"))
                .with_columns(share=_div("reason_rows", pl.lit(total)))
                .sort(["reason_rows", "reason", "kind"], descending=[True, False, False]))

    def quarantine_by_reason(self) -> pl.DataFrame:
        return (self._quarantine_reasons().group_by("load_id", "file_name", "reason")
                .agg(rows=pl.len().cast(pl.Int64), first_line=pl.col("line").min())
                .sort(["load_id", "rows"], descending=True))

    def quarantine_rows(self, load_id, reason, limit) -> pl.DataFrame:
        keep = _optional("load_id", None if load_id is None else int(load_id))
        if reason is not None:
            keep &= pl.col("reasons").list.contains(reason)
        return (self.d.quarantine.filter(keep).sort(["load_id", "line"], descending=[True, False]).head(int(limit))
                .select("load_id", "file_name", "line", pl.col("reasons").list.join(", "), "row_values", "no_kk_masked",
                        "nik_masked"))

    def quarantine_export(self) -> pl.DataFrame:
        return self.d.quarantine.sort("load_id", "line").select(
            "load_id", "file_name", "line", pl.col("reasons").list.join(";"), "row_values", "no_kk_masked", "no_kk_key",
            "nik_masked", "nik_key")

    # -- regions and the comparison groups ----------------------------------------------

    def reference_regions(self) -> pl.DataFrame:
        return (self._region_names().join(self._province_names(), on="province_code", how="left")
                .sort("region_code").select("region_code", "region_name", "province_code", "province_name"))

    def _present_flags(self) -> pl.DataFrame:
        """Per region of the targeting grid (none when nothing is allocated):
        any register snapshot, any recipient."""
        if self._periods().is_empty():
            return pl.DataFrame(schema={"region_code": pl.String, "has_register": pl.Boolean, "has_allocations": pl.Boolean})
        allocated = self._regions_of(self.d.allocation.filter("is_primary"))
        return pl.DataFrame({"region_code": self._present()}, schema={"region_code": pl.String}).with_columns(
            has_register=pl.col("region_code").is_in(list(self._family_regions())),
            has_allocations=pl.col("region_code").is_in(list(allocated)))

    def options_regions(self) -> pl.DataFrame:
        present = self._present_flags()
        if present.is_empty():  # registers without any allocation loaded yet
            present = pl.DataFrame({"region_code": sorted(self._family_regions())},
                                   schema={"region_code": pl.String}).with_columns(
                has_register=pl.lit(True), has_allocations=pl.lit(False))
        regions = self.d.regions.select("code", "name", "type", "province_code", "population", "lat", "lon")
        out = (present.join(regions.rename({"code": "region_code", "name": "region_name"}), on="region_code")
               .join(self._province_names(), on="province_code", how="left"))
        return (self._with_pilots(out).filter(self._scoped()).sort("province_code", "region_code")
                .select("region_code", "region_name", "type", "province_code", "province_name", "is_pilot", "pilot_status",
                        "cohort", "has_register", "has_allocations", "population", "lat", "lon"))

    def _comparison_in(self, pilots) -> pl.DataFrame:
        return self._comparison().filter(_in_list("pilot_code", pilots) & self._scoped("comparison_code"))

    def cakupan_comparison_regions(self, pilots) -> pl.DataFrame:
        return self._comparison_in(pilots).sort("pilot_code", "comparison_code")

    def perbandingan_comparison_group(self, pilots) -> pl.DataFrame:
        names = self._region_names().rename({"region_code": "comparison_code", "region_name": "comparison_name"})
        flags = self._present_flags().rename({"region_code": "comparison_code"})
        return (self._comparison_in(pilots).join(names, on="comparison_code")
                .join(self._province_names(), on="province_code", how="left")
                .join(flags, on="comparison_code", how="left")
                .with_columns(pl.col("has_register", "has_allocations").fill_null(False))
                .sort("pilot_code", "comparison_code")
                .select("pilot_code", "comparison_code", "comparison_name", "province_code", "province_name", "source",
                        "has_register", "has_allocations"))

    # -- allocation-only questions ------------------------------------------------------

    def disbursement_by_tranche(self, program, province, regions) -> pl.DataFrame:
        sums = ["recipients", "allocated_amount", "disbursed_amount", "paid_families", "timely_families",
                "failed_families", "returned_families", "pending_families"]
        g = self._allocation_in(program, province=province, regions=regions).group_by("year", "tranche").agg(
            pl.col(*sums).sum())
        return g.sort("year", "tranche").select(
            "year", "tranche", "recipients", "allocated_amount", "disbursed_amount",
            disbursement_rate=_div("disbursed_amount", "allocated_amount"), paid_families="paid_families",
            disbursement_rate_families=_div("paid_families", "recipients"), timely_families="timely_families",
            timeliness=_div("timely_families", "recipients"), failed_families="failed_families",
            returned_families="returned_families", pending_families="pending_families")

    def cakupan_payment_status(self, program, regions) -> pl.DataFrame:
        statuses = {"tersalur": "paid_families", "gagal": "failed_families", "retur": "returned_families",
                    "proses": "pending_families"}
        a = self._allocation_mart().filter(_equals("program", program) & _in_list("region_code", regions) & self._scoped())
        g = a.group_by("year", "tranche").agg(pl.col("recipients", *statuses.values()).sum())
        long = pl.concat([
            g.select("year", "tranche", status=pl.lit(status), status_order=pl.lit(order, dtype=pl.Int32),
                     families=pl.col(column), recipients="recipients")
            for order, (status, column) in enumerate(statuses.items(), start=1)
        ])
        return long.with_columns(share=_div("families", "recipients")).sort("year", "tranche", "status_order")

    def channel_mix(self, program, year, tranche, province, regions) -> pl.DataFrame:
        a = self._allocation_in(program, year, tranche, province, regions, each_tranche=False)
        g = a.group_by("institution").agg(pl.col("recipients", "paid_families", "disbursed_amount").sum())
        return g.with_columns(share=_div("disbursed_amount", pl.col("disbursed_amount").sum())).sort(
            "disbursed_amount", descending=True)

    # -- register-based indicators ------------------------------------------------------

    def region_indicators(self, as_of, basis, program, year, tranche, province, regions) -> pl.DataFrame:
        t = self._targeting(self._chosen(as_of), basis, program).filter(
            _optional("year", year) & _optional("tranche", tranche))
        regions_ref = self.d.regions.select(region_code="code", region_name="name", province_code="province_code",
                                            lat="lat", lon="lon")
        t = (t.join(regions_ref, on="region_code")
             .join(self._province_names(), on="province_code", how="left")
             .join(self._alloc_by_region(program), on=["region_code", "program", "year", "tranche"], how="left"))
        t = self._with_pilots(t)
        out = t.select(
            "region_code", "region_name", "province_code", "province_name", "is_pilot", "pilot_status", "program", "year",
            "tranche", "as_of", "register_snapshot", "eligible_families", "eligible_covered", "recipients",
            "eligible_recipients", ineligible_recipients=pl.col("recipients") - pl.col("eligible_recipients"),
            not_in_register="not_in_register",
            coverage=_rates()["coverage"], exclusion_error=_rates()["exclusion_error"],
            inclusion_error=_rates()["inclusion_error"],
            allocated_amount=pl.col("allocated_amount").fill_null(0), disbursed_amount=pl.col("disbursed_amount").fill_null(0),
            disbursement_rate=_rates()["disbursement_rate"], paid_families=pl.col("paid_families").fill_null(0),
            disbursement_rate_families=_div("paid_families", "recipients"),
            timely_families=pl.col("timely_families").fill_null(0), timeliness=_div("timely_families", "recipients"),
            coverage_small=(pl.col("eligible_families") < self.min_families).fill_null(False),
            inclusion_small=pl.col("recipients") < self.min_families, lat="lat", lon="lon",
        )
        slot = ["program", "year", "tranche"]
        ranks = {}
        for name, value, small, descending in (
            ("rank_coverage", "coverage", "coverage_small", True),
            ("rank_exclusion_error", "exclusion_error", "coverage_small", False),
            ("rank_inclusion_error", "inclusion_error", "inclusion_small", False),
            ("rank_disbursement", "disbursement_rate", "inclusion_small", True),
        ):
            ranked = pl.col("is_pilot") & ~pl.col(small) & pl.col(value).is_not_null()
            ranks[name] = pl.when(ranked).then(pl.col(value).rank("min", descending=descending).over([*slot, ranked]))
        # Ranks are among all pilots: the province, region and scope filters choose rows after ranking.
        return (out.with_columns(**ranks)
                .filter(_optional("province_code", province) & _in_list("region_code", regions) & self._scoped())
                .sort(*slot, "province_code", "region_code"))

    def totals_by_period(self, as_of, basis, program, regions) -> pl.DataFrame:
        picked = self._targeting_of(self._chosen(as_of), basis, program).filter(
            _in_list("region_code", regions) & self._scoped())
        picked = self._with_pilots(picked)
        amounts = ["allocated_amount", "disbursed_amount", "paid_families", "timely_families"]
        alloc = (self._allocation_mart()
                 .filter(_equals("program", program) & pl.col("region_code").is_in(list(self._regions_of(picked))))
                 .group_by("year", "tranche").agg(pl.col(*amounts).sum()))
        s = picked.group_by("program", "year", "tranche").agg(
            regions=pl.len().cast(pl.Int64), pilot_regions=_count(pl.col("is_pilot")),
            comparison_regions=_count(~pl.col("is_pilot")),
            regions_with_register=pl.col("eligible_families").count().cast(pl.Int64),
            **{c: _sum(c) for c in ("eligible_families", "eligible_covered", "recipients", "eligible_recipients")},
            recipients_assessed=_sum(pl.col("recipients").filter(pl.col("eligible_recipients").is_not_null())),
            not_in_register=_sum("not_in_register"),
        ).join(alloc, on=["year", "tranche"], how="left").sort("year", "tranche")
        rated = s.select(
            pl.all().exclude(amounts),
            excluded_families=pl.col("eligible_families") - pl.col("eligible_covered"),
            ineligible_recipients=pl.col("recipients_assessed") - pl.col("eligible_recipients"),
            **{c: pl.col(c).fill_null(0) for c in amounts},
            **_rates(recipients="recipients_assessed"),
            disbursement_rate_families=_div("paid_families", "recipients"),
            timeliness=_div("timely_families", "recipients"),
            coverage_small=(pl.col("eligible_families") < self.min_families).fill_null(False),
            inclusion_small=(pl.col("recipients_assessed") < self.min_families).fill_null(True),
            period_index=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
        )
        lagged = ["year", "tranche", "coverage", "exclusion_error", "inclusion_error", "disbursement_rate",
                  "disbursement_rate_families", "timeliness", "eligible_families", "recipients", "disbursed_amount",
                  "coverage_small", "inclusion_small"]
        changed = [*lagged[2:8], "eligible_families", "recipients", "disbursed_amount"]
        rated = rated.with_columns(**{f"prev_{c}": pl.col(c).shift(1) for c in lagged})
        return rated.with_columns(**{f"{c}_change": pl.col(c) - pl.col(f"prev_{c}") for c in changed})

    def period_change(self, as_of, basis, program, year1, tranche1, year2, tranche2, province, regions) -> pl.DataFrame:
        amounts = self._alloc_by_region(program).select("region_code", "year", "tranche", "allocated_amount",
                                                        "disbursed_amount")
        t = (self._targeting_of(self._chosen(as_of), basis, program).filter(self._scoped())
             .join(amounts, on=["region_code", "year", "tranche"], how="left").with_columns(**_rates()))
        columns = ["eligible_families", "eligible_covered", "recipients", "eligible_recipients", "allocated_amount",
                   "disbursed_amount", "coverage", "exclusion_error", "inclusion_error", "disbursement_rate"]
        small = ((pl.col("eligible_families") < self.min_families) | (pl.col("recipients") < self.min_families)).fill_null(True)
        sides = [
            t.filter(_equals("year", year) & _equals("tranche", tranche)).select(
                "region_code", *[pl.col(c).alias(f"{c}_{n}") for c in columns], small.alias(f"small_{n}"))
            for n, year, tranche in ((1, year1, tranche1), (2, year2, tranche2))
        ]
        j = sides[0].join(sides[1], on="region_code", how="full", coalesce=True).with_columns(
            pl.col("small_1", "small_2").fill_null(True))
        j = self._with_pilots(j.join(self._region_names(), on="region_code")).filter(
            _optional("province_code", province) & _in_list("region_code", regions))
        order = [f"{c}_{n}" for n in (1, 2) for c in columns] + ["small_1", "small_2"]
        metrics = ("coverage", "exclusion_error", "inclusion_error", "disbursement_rate")
        return j.sort("province_code", "region_code").select(
            "region_code", "region_name", "province_code", "is_pilot", *order,
            **{f"{m}_change": pl.col(f"{m}_2") - pl.col(f"{m}_1") for m in metrics})

    def kecamatan_indicators(self, region, as_of, basis, program, year, tranche) -> pl.DataFrame:
        chosen = self._chosen(as_of)
        allowed = self.scope is None or region in self.scope
        if chosen == ABSENT or basis not in BASES or program is None or not allowed:
            t = pl.DataFrame(schema={"kecamatan_code": pl.String, **dict.fromkeys(COUNTS, pl.Int64)})
        else:
            t = self._targeting_area(chosen, basis, program).filter(
                (pl.col("region_code") == region) & _equals("year", year) & _equals("tranche", tranche))
        snap = self._snapshot(chosen).filter(pl.col("region_code") == region)
        has_register = len(snap) > 0
        defined = has_register and (basis == "desil" or bool(snap.get_column("has_decisions").any()))
        unknown = [c for c, known in (("eligible_families", defined), ("eligible_covered", defined),
                                      ("eligible_recipients", defined), ("not_in_register", has_register)) if not known]
        t = t.group_by("kecamatan_code").agg(pl.col(*COUNTS).sum()).with_columns(
            **{c: pl.lit(None, dtype=pl.Int64) for c in unknown})
        a = (self._allocation_mart().filter((pl.col("region_code") == region) & _equals("program", program)
                                            & _equals("year", year) & _equals("tranche", tranche))
             .group_by("kecamatan_code").agg(pl.col("allocated_amount", "disbursed_amount").sum()))
        names = self.d.kecamatan.select(kecamatan_code="code", kecamatan_name="name")
        t = t.join(a, on="kecamatan_code", how="left", nulls_equal=True).join(names, on="kecamatan_code", how="left")
        rates = _rates()
        return t.sort("kecamatan_code", nulls_last=True).select(
            "kecamatan_code", "kecamatan_name", *COUNTS, coverage=rates["coverage"],
            exclusion_error=rates["exclusion_error"], inclusion_error=rates["inclusion_error"],
            allocated_amount=pl.col("allocated_amount").fill_null(0), disbursed_amount=pl.col("disbursed_amount").fill_null(0),
            disbursement_rate=rates["disbursement_rate"],
            coverage_small=(pl.col("eligible_families") < self.min_families).fill_null(False),
            inclusion_small=pl.col("recipients") < self.min_families)

    def _in_regions(self, frame: pl.LazyFrame, province, regions) -> pl.LazyFrame:
        return (frame.join(self.d.regions.lazy().select(region_code="code", province_code="province_code"), on="region_code")
                .filter(_optional("province_code", province) & _in_list("region_code", regions) & self._scoped()))

    def _shares(self, frame: pl.LazyFrame, column: str) -> pl.DataFrame:
        g = frame.group_by("desil_group").agg(pl.col(column).sum())
        return g.with_columns(share=_div(column, pl.col(column).sum())).sort("desil_group").collect()

    # The two decile questions are lazy: the region filter, applied last as the
    # SQL words it, is pushed down to the facts by polars' optimiser.

    def decile_distribution(self, as_of, program, year, tranche, province, regions) -> pl.DataFrame:
        chosen = self._chosen(as_of)
        a = self.d.allocation.lazy().filter(
            pl.col("is_primary") & _equals("program", program) & _equals("year", year) & _equals("tranche", tranche)
            & pl.col("program").is_in(self.d.programs.get_column("code").to_list()) & pl.lit(chosen != ABSENT))
        families = self._families(chosen).lazy().select("family_key", "min_desil", known=pl.lit(True))
        group = pl.when(pl.col("known").is_null()).then(pl.lit("not_in_register")).otherwise(_desil_group("min_desil"))
        d = (a.select("family_key", "region_code").join(families, on="family_key", how="left")
             .group_by("region_code", desil_group=group).agg(recipients=pl.len().cast(pl.Int64)))
        return self._shares(self._in_regions(d, province, regions), "recipients")

    def register_decile(self, as_of, province, regions) -> pl.DataFrame:
        d = self._register(self._chosen(as_of)).lazy().group_by("region_code", desil_group=_desil_group("desil")).agg(
            families=pl.len().cast(pl.Int64))
        return self._shares(self._in_regions(d, province, regions), "families")

    # -- pilots against their comparison regions ----------------------------------------

    def _members(self, with_lone_pilots: bool) -> pl.DataFrame:
        """pilot_code, region_code, grp: each pilot (alone when it has no
        comparison group and with_lone_pilots) and its comparison regions."""
        c = self._comparison()
        parts = [c.select("pilot_code", region_code="pilot_code", grp=pl.lit("pilot")).unique()]
        if with_lone_pilots and not self._periods().is_empty():
            lone = self.d.pilots.filter(~pl.col("region_code").is_in(c.get_column("pilot_code").to_list())
                                        & pl.col("region_code").is_in(self._present()))
            parts.append(lone.select(pilot_code="region_code", region_code="region_code", grp=pl.lit("pilot")))
        parts.append(c.select("pilot_code", region_code="comparison_code", grp=pl.lit("comparison")))
        return pl.concat(parts)

    def _group_sums(self, as_of, basis, program, pilots, with_lone_pilots: bool) -> pl.DataFrame:
        """pilot × group × tranche: regions, the counts and amounts summed."""
        amounts = self._alloc_by_region(program).select("region_code", "year", "tranche", "allocated_amount",
                                                        "disbursed_amount")
        m = self._members(with_lone_pilots).filter(_in_list("pilot_code", pilots) & self._scoped())
        j = (m.join(self._targeting_of(self._chosen(as_of), basis, program), on="region_code")
             .join(amounts, on=["region_code", "year", "tranche"], how="left"))
        return j.group_by("pilot_code", "grp", "year", "tranche").agg(
            regions=pl.len().cast(pl.Int64),
            **{c: _sum(c) for c in ("eligible_families", "eligible_covered", "recipients", "eligible_recipients")},
            recipients_assessed=_sum(pl.col("recipients").filter(pl.col("eligible_recipients").is_not_null())),
            allocated_amount=pl.col("allocated_amount").sum(), disbursed_amount=pl.col("disbursed_amount").sum(),
        )

    def comparison_trend(self, as_of, basis, program, pilots) -> pl.DataFrame:
        g = self._group_sums(as_of, basis, program, pilots, with_lone_pilots=True)
        g = g.join(self._region_names().select(pilot_code="region_code", pilot_name="region_name"), on="pilot_code")
        small = ((pl.col("eligible_families") < self.min_families)
                 | (pl.col("recipients_assessed") < self.min_families)).fill_null(True)
        return g.sort(["pilot_code", "grp", "year", "tranche"], descending=[False, True, False, False]).select(
            "pilot_code", "pilot_name", "grp", "regions", "year", "tranche", "eligible_families", "eligible_covered",
            "recipients", "eligible_recipients", "recipients_assessed", "allocated_amount", "disbursed_amount",
            **_rates(recipients="recipients_assessed"), small=small)

    def comparison_did(self, as_of, basis, program, year1, tranche1, year2, tranche2, pilots) -> pl.DataFrame:
        first = _equals("year", year1) & _equals("tranche", tranche1)
        g = (self._group_sums(as_of, basis, program, pilots, with_lone_pilots=False)
             .filter(first | (_equals("year", year2) & _equals("tranche", tranche2)))
             .with_columns(period=pl.when(first).then(1).otherwise(2)))
        metrics = {
            "coverage": (pl.col("eligible_covered"), pl.col("eligible_families")),
            "exclusion_error": (pl.col("eligible_families") - pl.col("eligible_covered"), pl.col("eligible_families")),
            "inclusion_error": (pl.col("recipients_assessed") - pl.col("eligible_recipients"), pl.col("recipients_assessed")),
            "disbursement_rate": (pl.col("disbursed_amount"), pl.col("allocated_amount")),
        }
        long = pl.concat([g.select("pilot_code", "grp", "period", metric=pl.lit(metric), num=num.cast(pl.Float64),
                                   den=den.cast(pl.Float64)) for metric, (num, den) in metrics.items()])
        sides = {f"{prefix}_{part}_{period}": pl.col(part).filter((pl.col("grp") == grp) & (pl.col("period") == period)).max()
                 for period in (1, 2) for prefix, grp in (("pilot", "pilot"), ("comp", "comparison")) for part in ("num", "den")}
        w = long.group_by("pilot_code", "metric").agg(**sides).with_columns(
            **{f"{p}_rate_{n}": _div(f"{p}_num_{n}", f"{p}_den_{n}") for p in ("pilot", "comp") for n in (1, 2)})
        w = w.with_columns(pilot_change=pl.col("pilot_rate_2") - pl.col("pilot_rate_1"),
                           comp_change=pl.col("comp_rate_2") - pl.col("comp_rate_1"))
        least = pl.min_horizontal("pilot_den_1", "pilot_den_2", "comp_den_1", "comp_den_2")
        codes = self._comparison().sort("comparison_code").group_by("pilot_code", maintain_order=True).agg(
            comparison_codes="comparison_code")
        w = (w.with_columns(did=pl.col("pilot_change") - pl.col("comp_change"),
                            small=(pl.col("metric") != "disbursement_rate") & (least < self.min_families).fill_null(True))
             .join(self._region_names().select(pilot_code="region_code", pilot_name="region_name"), on="pilot_code")
             .join(codes, on="pilot_code", how="left"))
        return w.sort("pilot_code", "metric").select(
            "pilot_code", "pilot_name", "comparison_codes", "metric", *[f"{p}_{x}_{n}" for p in ("pilot", "comp") for n in (1, 2)
                                                                         for x in ("num", "den")],
            "pilot_rate_1", "pilot_rate_2", "comp_rate_1", "comp_rate_2", "pilot_change", "comp_change", "did", "small")

    # -- registration funnel ------------------------------------------------------------

    FUNNEL_COUNTS = ("families", "new_registrations", "channel_mandiri", "channel_agen", "channel_musdes",
                     "channel_dinsos", "channel_dtsen", "channel_blank", "decided", "layak", "tidak_layak",
                     "appealed", "upheld", "appeal_rejected", "final_layak")

    def _funnel(self, as_of) -> pl.DataFrame:
        """Per region of the register in use: families by channel and by decision."""
        def build():
            channel, decision, appeal = pl.col("channel"), pl.col("decision"), pl.col("appeal")
            new = channel.is_in(list(NEW_CHANNELS))
            tidak = new & (decision == "tidak_layak")
            return self._register(as_of).group_by("region_code").agg(
                families=pl.len().cast(pl.Int64), new_registrations=_count(new),
                **{f"channel_{c}": _count(channel == c) for c in ("mandiri", "agen", "musdes", "dinsos", "dtsen")},
                channel_blank=_count(channel.is_null()), decided=_count(new & decision.is_not_null()),
                layak=_count(new & (decision == "layak")), tidak_layak=_count(tidak),
                appealed=_count(tidak & appeal.is_in(["diajukan", "diterima", "ditolak"])),
                upheld=_count(tidak & (appeal == "diterima")), appeal_rejected=_count(tidak & (appeal == "ditolak")),
                final_layak=_count(new & ((decision == "layak") | ((decision == "tidak_layak") & (appeal == "diterima")))),
            )
        return self._once(("funnel", as_of), build)

    def _funnel_recipients(self, as_of, program, year, tranche) -> pl.DataFrame:
        """Per region: the final-layak new registrants allocated in the tranche, and paid."""
        decision, appeal = pl.col("decision"), pl.col("appeal")
        final = self._register(as_of).filter(
            pl.col("channel").is_in(list(NEW_CHANNELS))
            & ((decision == "layak") | ((decision == "tidak_layak") & (appeal == "diterima"))))
        a = self.d.allocation.filter(_equals("program", program) & _equals("year", year) & _equals("tranche", tranche)
                                     & ~pl.col("is_reroute"))
        joined = final.select("region_code", "family_key").join(a.select("family_key", "status"), on="family_key")
        return joined.group_by("region_code").agg(
            recipients=pl.col("family_key").n_unique().cast(pl.Int64),
            paid=pl.col("family_key").filter(pl.col("status") == "tersalur").n_unique().cast(pl.Int64))

    def _funnel_base(self, as_of, province, regions, *, registration_only: bool, recipients_of=None) -> pl.DataFrame:
        chosen = self._chosen(as_of)
        snap = self._snapshot(chosen).select("region_code", "snapshot_date", "has_decisions")
        f = self._funnel(chosen).join(snap, on="region_code").join(self._region_names(), on="region_code")
        keep = _optional("province_code", province) & _in_list("region_code", regions) & self._scoped()
        if registration_only:
            keep &= pl.col("new_registrations") > 0
        f = self._with_pilots(f.filter(keep))
        if recipients_of is not None:
            f = f.join(self._funnel_recipients(chosen, *recipients_of), on="region_code", how="left").with_columns(
                pl.col("recipients", "paid").fill_null(0))
        return f

    def funnel(self, as_of, program, year, tranche, province, regions) -> pl.DataFrame:
        f = self._funnel_base(as_of, province, regions, registration_only=False, recipients_of=(program, year, tranche))
        return f.sort("province_code", "region_code").select(
            "region_code", "region_name", "is_pilot", pl.col("snapshot_date").alias("register_snapshot"),
            *self.FUNNEL_COUNTS, "recipients", "paid",
            self_registered_share=_div("channel_mandiri", "new_registrations"),
            layak_rate=_div("layak", "decided"), upheld_rate=_div("upheld", "appealed"))

    def pendaftaran_steps(self, as_of, program, year, tranche, province, regions) -> pl.DataFrame:
        f = self._funnel_base(as_of, province, regions, registration_only=True, recipients_of=(program, year, tranche))
        total = f.select(pl.col("new_registrations", "decided", "layak", "tidak_layak", "appealed", "upheld", "final_layak",
                                "recipients", "paid").sum()).row(0, named=True)
        steps = [(1, "new_registrations", "main", None), (2, "decided", "main", "new_registrations"),
                 (3, "layak", "decision", "decided"), (4, "tidak_layak", "appeal", "decided"),
                 (5, "appealed", "appeal", "tidak_layak"), (6, "upheld", "appeal", "appealed"),
                 (7, "final_layak", "main", "decided"), (8, "recipients", "main", "final_layak"),
                 (9, "paid", "main", "recipients")]
        out = pl.DataFrame(
            [{"step_order": order, "step": step, "branch": branch, "families": total[step], "base_step": base,
              "base_families": total[base] if base else None} for order, step, branch, base in steps],
            schema={"step_order": pl.Int32, "step": pl.String, "branch": pl.String, "families": pl.Int64,
                    "base_step": pl.String, "base_families": pl.Int64})
        return out.with_columns(rate=_div("families", "base_families"),
                                small=(pl.col("base_families") < self.min_families).fill_null(False),
                                regions=pl.lit(len(f), dtype=pl.Int64))

    def pendaftaran_channels(self, as_of, province, regions) -> pl.DataFrame:
        counts = ["new_registrations", "channel_mandiri", "channel_agen", "channel_musdes", "channel_dinsos",
                  "channel_dtsen", "channel_blank"]
        f = self._funnel_base(as_of, province, regions, registration_only=True)
        parts = [f.select(pl.lit(False).alias("is_total"), "region_code", "region_name", "is_pilot", *counts)]
        if len(f):
            parts.append(f.select(pl.lit(True).alias("is_total"), pl.lit(None, dtype=pl.String).alias("region_code"),
                                  pl.lit(None, dtype=pl.String).alias("region_name"),
                                  pl.lit(None, dtype=pl.Boolean).alias("is_pilot"), *[pl.col(c).sum() for c in counts]))
        w = pl.concat(parts)
        long = pl.concat([
            w.with_columns(channel=pl.lit(channel), channel_order=pl.lit(order, dtype=pl.Int32),
                           families=pl.col(f"channel_{channel}"))
            for order, channel in enumerate(("mandiri", "agen", "musdes", "dinsos"), start=1)
        ])
        long = long.with_columns(share=_div("families", "new_registrations"),
                                 self_registered_share=_div("channel_mandiri", "new_registrations"),
                                 small=pl.col("new_registrations") < self.min_families)
        return long.sort(["is_total", "self_registered_share", "region_code", "channel_order"],
                         descending=[True, True, False, False], nulls_last=True).select(
            "is_total", "region_code", "region_name", "is_pilot", "channel", "channel_order", "families",
            "new_registrations", "share", "channel_mandiri", "self_registered_share", "small", "channel_dtsen",
            "channel_blank")

    def ringkasan_registration_totals(self, as_of, regions) -> pl.DataFrame:
        chosen = self._chosen(as_of)
        snap = self._snapshot(chosen).select("region_code", "snapshot_date")
        f = self._funnel(chosen).join(snap, on="region_code").filter(_in_list("region_code", regions) & self._scoped())
        summed = ("families", "new_registrations", "channel_mandiri", "channel_agen", "channel_musdes", "channel_dinsos",
                  "channel_dtsen", "decided", "layak", "final_layak")
        return f.select(
            regions=pl.len().cast(pl.Int64), regions_with_registration=_count(pl.col("new_registrations") > 0),
            **{c: _sum(c) for c in summed},
            self_registered_share=_div(_sum("channel_mandiri"), _sum("new_registrations")),
            first_snapshot=pl.col("snapshot_date").min(), last_snapshot=pl.col("snapshot_date").max())

    # -- freshness and the pilot list ---------------------------------------------------

    def _freshness(self) -> pl.DataFrame:
        """Per region with data: latest snapshot and how many, latest
        tranche allocated (year * 10 + tranche) and its programmes."""
        def build():
            # every snapshot of a region is in use at its own date, so the
            # snapshots in use over all dates are the region's snapshots
            reg = self._slices().group_by("region_code").agg(
                latest_snapshot=pl.col("snapshot_date").max(), snapshots=pl.col("snapshot_date").n_unique().cast(pl.Int64))
            a = self._allocation_mart().with_columns(period=pl.col("year").cast(pl.Int32) * 10 + pl.col("tranche"))
            latest = a.filter(pl.col("period") == pl.col("period").max().over("region_code"))
            alloc = latest.group_by("region_code").agg(
                latest_period=pl.col("period").first(),
                programs=pl.col("program").unique().sort().str.join(", "))
            regions = pl.DataFrame({"region_code": sorted(self._regions_of(reg) | self._regions_of(alloc))},
                                   schema={"region_code": pl.String})
            return (regions.join(reg, on="region_code", how="left").join(alloc, on="region_code", how="left")
                    .with_columns(pl.col("snapshots").fill_null(0)))
        return self._once("freshness", build)

    def freshness(self) -> pl.DataFrame:
        a = self._allocation_mart().select("region_code", "program", period=pl.col("year").cast(pl.Int32) * 10 + pl.col("tranche"))
        overall = a.get_column("period").max()
        at_latest = a.filter(_equals("period", overall))
        latest_programs = sorted(set(at_latest.get_column("program").to_list()))
        fresh = self._freshness()
        missing = (fresh.filter(_equals("latest_period", overall)).select("region_code")
                   .join(pl.DataFrame({"program": latest_programs}, schema={"program": pl.String}), how="cross")
                   .join(at_latest.select("region_code", "program").unique(), on=["region_code", "program"], how="anti")
                   .group_by("region_code").agg(missing_programs=pl.col("program").sort().str.join(", ")))
        pilots = pl.DataFrame({"region_code": self.d.pilots.get_column("region_code")})
        x = (pl.concat([fresh.select("region_code"), pilots]).unique()
             .join(fresh, on="region_code", how="left").with_columns(pl.col("snapshots").fill_null(0))
             .join(self._region_names(), on="region_code").join(missing, on="region_code", how="left"))
        x = self._with_pilots(x).filter(self._scoped())
        group_latest = pl.col("latest_snapshot").max().over("is_pilot")
        register_behind = (pl.col("latest_snapshot") < pl.col("group_latest_snapshot")).fill_null(False)
        tranche_behind = (pl.col("latest_period") < overall).fill_null(False) if overall is not None else pl.lit(False)
        x = x.with_columns(group_latest_snapshot=group_latest).select(
            "region_code", "region_name", "province_code", "is_pilot", "pilot_status", "latest_snapshot", "snapshots",
            latest_year=pl.col("latest_period") // 10, latest_tranche=pl.col("latest_period") % 10,
            programs="programs", missing_programs="missing_programs", group_latest_snapshot="group_latest_snapshot",
            latest_year_all=pl.lit(None if overall is None else overall // 10, dtype=pl.Int32),
            latest_tranche_all=pl.lit(None if overall is None else overall % 10, dtype=pl.Int32),
            no_register=pl.col("latest_snapshot").is_null(), no_allocations=pl.col("latest_period").is_null(),
            register_behind=register_behind, tranche_behind=tranche_behind)
        needs = (pl.col("no_register") | pl.col("no_allocations") | pl.col("register_behind") | pl.col("tranche_behind")
                 | pl.col("missing_programs").is_not_null())
        return x.with_columns(needs_attention=needs).sort("province_code", "region_code")

    def kualitas_pilots(self) -> pl.DataFrame:
        p = self.d.pilots.filter(self._scoped())
        names = self.d.regions.select(region_code="code", name="name")
        provinces = self.d.provinces.select(province_code="code", province="name")
        order = pl.col("status").replace_strict({"confirmed": 1, "reported": 2}, default=3)
        return (p.join(names, on="region_code", how="left").join(provinces, on="province_code", how="left")
                .sort(order, "province_code", "region_code")
                .select("region_code", region_name=pl.coalesce("name", "region_name"), province_code="province_code",
                        province_name=pl.coalesce("province", "province_name"), cohort="cohort", status="status",
                        source="source",
                        has_register=pl.col("region_code").is_in(list(self._family_regions())),
                        has_allocations=pl.col("region_code").is_in(list(self._allocation_regions())),
                        pilots=pl.len().cast(pl.Int64), status_pilots=pl.len().over("status").cast(pl.Int64)))

    def warehouse_status(self) -> pl.DataFrame:
        names = self.d.regions.select(region_code="code", region_name="name")
        snapshots = (self._slices().filter(self._scoped()).join(names, on="region_code")
                     .select(kind=pl.lit("keluarga"), region_code="region_code", region_name="region_name",
                             period=pl.col("snapshot_date").dt.strftime("%Y-%m-%d"), snapshot_date="snapshot_date",
                             program=pl.lit(None, pl.String), year=pl.lit(None, pl.Int64),
                             tranche=pl.lit(None, pl.Int64), rows="families"))
        allocations = (self._allocation_mart().filter(self._scoped()).join(names, on="region_code")
                       .group_by("region_code", "region_name", "program", "year", "tranche")
                       .agg(rows=pl.col("recipients").sum())
                       .select(kind=pl.lit("penyaluran"), region_code="region_code", region_name="region_name",
                               period=pl.format("{} {}-T{}", "program", "year", "tranche"),
                               snapshot_date=pl.lit(None, pl.Date), program="program",
                               year=pl.col("year").cast(pl.Int64), tranche=pl.col("tranche").cast(pl.Int64), rows="rows"))
        return pl.concat([snapshots, allocations]).sort("kind", "region_code", "period")

    # -- leakage signals (docs/signals.md) ----------------------------------------------

    def _signal_families(self, as_of) -> pl.DataFrame:
        """Who has each signal: signal, as_of (paid_not_registered only, at
        as_of when it is a snapshot date), program, year, tranche, region_code, family_key."""
        def build():
            live = self.d.allocation.filter(~pl.col("is_reroute"))
            paid = live.filter(pl.col("status") == "tersalur")
            keys = ["program", "year", "tranche", "region_code", "family_key"]
            start = pl.date(pl.col("year"), pl.col("start_month"), pl.col("start_day"))
            benefit = self.d.programs.select(program="code", benefit="benefit_per_tranche")
            parts = {
                "double_allocation": live.filter(pl.len().over(PERIOD) > 1),
                "paid_off_window": paid.join(self.d.calendar, on="tranche").filter(
                    pl.col("paid_date").is_not_null()
                    & ((pl.col("paid_date") < start) | (pl.col("paid_date") > start + pl.duration(days=self.timely_days)))),
                "amount_mismatch": live.join(benefit, on="program").filter(
                    pl.col("benefit").is_not_null() & (pl.col("amount") != pl.col("benefit"))),
                "concentration": live.filter(pl.col("program").n_unique().over("family_key", "year", "tranche") >= 3),
            }
            if _is_date(as_of):
                registered = self._families(as_of).get_column("family_key")
                with_register = self._snapshot(as_of).get_column("region_code")
                parts["paid_not_registered"] = paid.filter(pl.col("region_code").is_in(with_register.to_list())
                                                           & ~pl.col("family_key").is_in(registered.implode()))
            return pl.concat([
                rows.select(keys).unique().select(
                    pl.lit(signal).alias("signal"),
                    pl.lit(as_of if signal == "paid_not_registered" else None, dtype=pl.Date).alias("as_of"), *keys)
                for signal, rows in parts.items()
            ])
        return self._once(("signal_families", as_of), build)

    def _signals(self, as_of, basis) -> pl.DataFrame:
        """Every row of the targeting grid × each signal that applies: the
        families with it, the recipients, and (concentration) the eligible
        families of the region's register holding no programme in the tranche."""
        def build():
            t = self._targeting(as_of, basis).join(
                self.d.programs.select(program="code", benefit="benefit_per_tranche"), on="program")
            kinds = pl.DataFrame({"signal": list(SIGNALS)})
            grid = t.join(kinds, how="cross").filter(
                (pl.col("signal") != "amount_mismatch") | pl.col("benefit").is_not_null())
            slot = ["signal", "program", "year", "tranche", "region_code"]
            counted = self._signal_families(as_of if _is_date(as_of) else None).group_by(slot).agg(
                counted=pl.len().cast(pl.Int64))
            grid = grid.join(counted, on=slot, how="left").join(self._held(as_of, basis), on=slot[1:], how="left")
            no_register = (pl.col("signal") == "paid_not_registered") & ~pl.col("has_register")
            return grid.with_columns(
                families=pl.when(~no_register).then(pl.col("counted").fill_null(0)),
                eligible_without_any=pl.when(pl.col("signal") == "concentration").then(
                    pl.col("eligible_families") - pl.col("held").fill_null(0)))
        return self._once(("signals", as_of, basis), build)

    def _held(self, as_of, basis) -> pl.DataFrame:
        """program, year, tranche, region_code, held: eligible families of the
        region's register (this programme, basis) holding any programme in the tranche."""
        holders = self.d.allocation.filter(~pl.col("is_reroute")).select("family_key", "year", "tranche").unique()
        reg = self._register(as_of) if _is_date(as_of) else self.d.family.clear().with_columns(layak=pl.lit(False))
        # grouped by what eligibility reads before the programmes are joined
        held = reg.join(holders, on="family_key").group_by("region_code", "desil", "layak", "year", "tranche").agg(
            families=pl.len().cast(pl.Int64))
        parts = [self._slot_frame({"held": pl.Int64})]
        for program in self._periods().get_column("program").unique().to_list():
            flag = _eligible(basis, self._threshold(program), "desil", "layak")
            parts.append(held.filter(flag).group_by("year", "tranche", "region_code").agg(held=pl.col("families").sum())
                         .select(program=pl.lit(program), year="year", tranche="tranche", region_code="region_code",
                                 held="held"))
        return pl.concat(parts, how="diagonal")

    def _signal_columns(self, s: pl.DataFrame) -> pl.DataFrame:
        return s.with_columns(signal_order=_signal_order(), per_1000=1000.0 * _div("families", "recipients"))

    def signals_by_region(self, as_of, basis, program, year, tranche, province, regions) -> pl.DataFrame:
        s = self._signals(self._chosen(as_of), basis).filter(
            _optional("program", program) & _optional("year", year) & _optional("tranche", tranche))
        s = (s.join(self._region_names(), on="region_code").join(self._province_names(), on="province_code", how="left")
             .filter(_optional("province_code", province) & _in_list("region_code", regions) & self._scoped()))
        s = self._signal_columns(self._with_pilots(s)).with_columns(small=pl.col("recipients") < self.min_families)
        ranked = ~pl.col("small") & pl.col("per_1000").is_not_null()
        rank = pl.when(ranked).then(pl.col("per_1000").rank("min", descending=True).over(
            "program", "year", "tranche", "signal", ranked))
        return s.sort("program", "year", "tranche", "signal_order", "province_code", "region_code").select(
            "region_code", "region_name", "province_code", "province_name", "is_pilot", "pilot_status", "program", "year",
            "tranche", "as_of", "signal", "signal_order", count="families", recipients="recipients", per_1000="per_1000",
            eligible_without_any="eligible_without_any", small="small", rank=rank)

    def signals_by_period(self, as_of, basis, program, regions) -> pl.DataFrame:
        s = self._signals(self._chosen(as_of), basis).filter(
            _equals("program", program) & _in_list("region_code", regions) & self._scoped())
        g = s.group_by("program", "year", "tranche", "signal").agg(
            regions=pl.len().cast(pl.Int64), families=_sum("families"),
            recipients=_sum(pl.col("recipients").filter(pl.col("families").is_not_null())),
            eligible_without_any=_sum("eligible_without_any"))
        g = self._signal_columns(g).with_columns(period_index=pl.struct("year", "tranche").rank("dense").cast(pl.Int64))
        previous = {f"prev_{c}": pl.col(c).shift(1).over("signal") for c in ("year", "tranche", "families", "per_1000")}
        g = g.sort("signal", "year", "tranche").with_columns(**previous)
        return g.sort("year", "tranche", "signal_order").select(
            "program", "year", "tranche", "signal", "signal_order", "regions", count="families", recipients="recipients",
            eligible_without_any="eligible_without_any", per_1000="per_1000", period_index="period_index",
            prev_year="prev_year", prev_tranche="prev_tranche", prev_count="prev_families", prev_per_1000="prev_per_1000",
            count_change=pl.col("families") - pl.col("prev_families"))

    def signal_families(self, as_of, signal, program, year, tranche, province, regions) -> pl.DataFrame:
        chosen = self._chosen(as_of)
        f = self._signal_families(chosen if _is_date(chosen) else None)
        f = f.join(self._region_names(), on="region_code").filter(
            _optional("signal", signal) & _optional("program", program) & _optional("year", year) & _optional("tranche", tranche)
            & _optional("province_code", province) & _in_list("region_code", regions) & self._scoped())
        return f.with_columns(signal_order=_signal_order(), family_key=pl.col("family_key").str.pad_start(32, "0")).select("signal", "signal_order", "region_code", "region_name", "province_code", "program", "year", "tranche",
                 "as_of", "family_key").sort("program", "year", "tranche", "signal_order", "region_code", "family_key")
