"""The page questions answered the way a typical Streamlit dashboard does it:
facts loaded into pandas DataFrames (from Parquet), filtered and grouped per
request. Independent of the SQL marts on purpose: the tests use it to check
that marts equal the facts, and the benchmark uses it as the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

TIMELY_DAYS = 30


@dataclass
class Facts:
    family: pd.DataFrame
    allocation: pd.DataFrame
    programs: pd.DataFrame
    regions: pd.DataFrame
    pilots: pd.DataFrame
    calendar: pd.DataFrame


FAMILY_COLUMNS = "lower(hex(family_key)) AS family_key, snapshot_date, region_code, kecamatan_code, desil, channel, decision, appeal"
ALLOCATION_COLUMNS = (
    "lower(hex(family_key)) AS family_key, program, year, tranche, region_code, kecamatan_code, amount, status, institution, paid_date"
)


def export_parquet(db: Path, folder: Path) -> None:
    """What such a dashboard keeps on disk: the facts as Parquet files."""
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute(f"COPY (SELECT {FAMILY_COLUMNS} FROM fact_family) TO '{folder / 'family.parquet'}' (FORMAT parquet)")
        con.execute(f"COPY (SELECT {ALLOCATION_COLUMNS} FROM fact_allocation) TO '{folder / 'allocation.parquet'}' (FORMAT parquet)")
        for table in ("ref_program", "ref_region", "ref_pilot", "ref_tranche_calendar"):
            con.execute(f"COPY (SELECT * FROM {table}) TO '{folder / (table + '.parquet')}' (FORMAT parquet)")
    finally:
        con.close()


def load_parquet(folder: Path) -> Facts:
    family = pd.read_parquet(folder / "family.parquet")
    allocation = pd.read_parquet(folder / "allocation.parquet")
    return Facts(
        family=family,
        allocation=allocation,
        programs=pd.read_parquet(folder / "ref_program.parquet"),
        regions=pd.read_parquet(folder / "ref_region.parquet"),
        pilots=pd.read_parquet(folder / "ref_pilot.parquet"),
        calendar=pd.read_parquet(folder / "ref_tranche_calendar.parquet"),
    )


def load_facts(db: Path) -> Facts:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return Facts(
            family=con.execute(f"SELECT {FAMILY_COLUMNS} FROM fact_family").df(),
            allocation=con.execute(f"SELECT {ALLOCATION_COLUMNS} FROM fact_allocation").df(),
            programs=con.execute("SELECT * FROM ref_program").df(),
            regions=con.execute("SELECT * FROM ref_region").df(),
            pilots=con.execute("SELECT * FROM ref_pilot").df(),
            calendar=con.execute("SELECT * FROM ref_tranche_calendar").df(),
        )
    finally:
        con.close()


def latest_as_of(facts: Facts):
    return facts.family.snapshot_date.max() if len(facts.family) else None


def register_at(facts: Facts, as_of) -> pd.DataFrame:
    """Each region's latest snapshot on or before as_of, with a `layak` flag
    that counts only where the snapshot has decisions."""
    family = facts.family
    if as_of is None or family.empty:
        return family.iloc[0:0].assign(layak=pd.Series(dtype=bool))
    as_of = pd.Timestamp(as_of)
    dates = pd.to_datetime(family.snapshot_date)
    eligible_dates = family[dates <= as_of]
    chosen = eligible_dates.groupby("region_code").snapshot_date.max().rename("chosen")
    reg = family.merge(chosen, left_on="region_code", right_index=True)
    reg = reg[reg.snapshot_date == reg.chosen].drop(columns="chosen")
    has_decisions = reg.groupby("region_code").decision.apply(lambda s: s.notna().any()).rename("has_decisions")
    reg = reg.merge(has_decisions, left_on="region_code", right_index=True)
    reg["layak"] = ((reg.decision == "layak") | (reg.appeal == "diterima")) & reg.has_decisions
    return reg


def region_indicators(facts: Facts, program: str, year: int, tranche: int, basis: str = "desil", as_of=None) -> pd.DataFrame:
    """Region indicators for one programme and tranche (DESIGN §5), in pandas."""
    as_of = as_of if as_of is not None else latest_as_of(facts)
    reg = register_at(facts, as_of)
    threshold = facts.programs.set_index("code").max_desil.get(program)
    if basis == "desil":
        eligible_flag = reg.desil.notna() & (reg.desil <= threshold)
    else:
        eligible_flag = reg.layak.fillna(False).astype(bool)
    alloc = facts.allocation
    r = alloc[(alloc.program == program) & (alloc.year == year) & (alloc.tranche == tranche)]
    recipients_set = set(r.family_key)
    eligible_set = set(reg.family_key[eligible_flag])
    register_set = set(reg.family_key)

    eligible = reg[eligible_flag].groupby("region_code").size()
    covered = reg[eligible_flag & reg.family_key.isin(recipients_set)].groupby("region_code").size()
    recipients = r.groupby("region_code").size()
    eligible_recipients = r[r.family_key.isin(eligible_set)].groupby("region_code").size()
    not_in_register = r[~r.family_key.isin(register_set)].groupby("region_code").size()
    paid = r[r.status == "tersalur"]
    start = pd.Timestamp(year=year, month=int(facts.calendar.set_index("tranche").start_month[tranche]), day=1)
    timely = paid[pd.to_datetime(paid.paid_date) <= start + pd.Timedelta(days=TIMELY_DAYS)]

    regions = sorted(set(facts.family.region_code) | set(alloc.region_code))
    out = pd.DataFrame({"region_code": regions}).set_index("region_code")
    has_register = pd.Series(True, index=reg.region_code.unique())
    has_decisions = reg.groupby("region_code").has_decisions.first() if len(reg) else pd.Series(dtype=bool)
    out["has_register"] = has_register.reindex(out.index).fillna(False).astype(bool)
    defined = out.has_register if basis == "desil" else out.has_register & has_decisions.reindex(out.index).fillna(False).astype(bool)
    out["eligible_families"] = eligible.reindex(out.index).fillna(0).where(defined)
    out["eligible_covered"] = covered.reindex(out.index).fillna(0).where(defined)
    out["recipients"] = recipients.reindex(out.index).fillna(0)
    out["eligible_recipients"] = eligible_recipients.reindex(out.index).fillna(0).where(defined)
    out["not_in_register"] = not_in_register.reindex(out.index).fillna(0).where(out.has_register)
    out["allocated_amount"] = r.groupby("region_code").amount.sum().reindex(out.index).fillna(0)
    out["disbursed_amount"] = paid.groupby("region_code").amount.sum().reindex(out.index).fillna(0)
    out["paid_families"] = paid.groupby("region_code").size().reindex(out.index).fillna(0)
    out["timely_families"] = timely.groupby("region_code").size().reindex(out.index).fillna(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["coverage"] = out.eligible_covered / out.eligible_families.replace(0, np.nan)
        out["exclusion_error"] = 1 - out.coverage
        out["inclusion_error"] = (out.recipients - out.eligible_recipients) / out.recipients.replace(0, np.nan)
        out["disbursement_rate"] = out.disbursed_amount / out.allocated_amount.replace(0, np.nan)
    return out.reset_index()
