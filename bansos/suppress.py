"""Small-cell suppression for the public view.

One pure function, `suppress(frame, spec, k)`, over a table whose columns
have declared roles. The rules (k = `BANSOS_SUPPRESS_K`, default 10):

1. **Counts** (families, recipients, ...): a count from 1 to k−1 is a *small*
   cell, shown as "< k". Zero is shown: it is not a small group of people.
2. **Rates**: shown only when numerator and denominator are both shown and
   the denominator is at least k (a numerator below k is a small cell, so
   the rate goes with it; a numerator of 0 is shown as 0 %).
3. **Amounts**: shown only where their count (recipients for the amount
   allocated, families paid for the amount paid) is shown and at least k:
   a fixed benefit turns an amount into a count, so an amount and its
   count are hidden together.
4. **Complementary suppression**: the table's linear relations (a row's
   total = its parts, e.g. eligible = covered + excluded, so coverage =
   1 − exclusion error; a total row = the rows it adds up) would let a
   reader subtract their way to a small cell. More cells are hidden
   ("hidden", shown as "—") until, for every small cell, a reader who
   knows every shown value, that small cells lie in 1..k−1 and that hidden
   cells are at least k can neither compute it exactly (checked by linear
   algebra over all relations together) nor narrow its range beyond what
   the layout alone implies (which cells are 0, "< k" or "—"; e.g. two
   small parts make a total of at least 2 whatever is shown), checked by
   propagating bounds through the relations with and without the values.

Previous periods: suppress every period of a table in one call (periods
as rows), so a value hidden in one period is hidden wherever it appears;
a change between periods is shown only where both ends are shown
(`change()`), so it tells nothing the two ends do not. Totals over periods
are total rows like any other (`TotalRows`).

Limits: the bound propagation is not a full integer programme, so a
narrowing that needs several relations combined at once could in principle
pass; the tests attack small tables exhaustively. Totals shown anywhere in
the public view must come from this table (sums of its rows), not from a
separate distinct-family query, or the relations above do not describe
what a reader sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Iterable

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from bansos import settings

SHOWN, SMALL, HIDDEN, MISSING = "shown", "small", "hidden", "missing"
INF = float("inf")


@dataclass(frozen=True)
class Rate:
    name: str
    numerator: str
    denominator: str


@dataclass(frozen=True)
class Amount:
    name: str
    count: str      # the count column whose families the amount was paid to


@dataclass(frozen=True)
class RowSum:
    """In every row: total = sum(parts)."""
    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class TotalRows:
    """Rows whose `by` column equals `label` are the sums of the other rows
    with the same values of `within`, for every count and amount column."""
    by: str
    label: str
    within: tuple[str, ...] = ()


@dataclass(frozen=True)
class Spec:
    counts: tuple[str, ...]
    rates: tuple[Rate, ...] = ()
    amounts: tuple[Amount, ...] = ()
    row_sums: tuple[RowSum, ...] = ()
    total_rows: tuple[TotalRows, ...] = ()


@dataclass
class Suppressed:
    values: pd.DataFrame     # hidden and small cells as NA
    status: pd.DataFrame     # shown / small / hidden / missing, for every count, rate and amount column
    k: int
    spec: Spec = field(repr=False)

    def text(self, row, column: str, formatted: str) -> str:
        """What to print in a cell: the formatted value, "< k" or "—"."""
        status = self.status.at[row, column]
        if status == SMALL:
            return f"< {self.k}"
        if status in (HIDDEN, MISSING):
            return "—"
        return formatted


def k_setting() -> int:
    return settings.get_int("suppress_k")


# -- the linear system --------------------------------------------------------------


def _relations(frame: pd.DataFrame, spec: Spec) -> list[list[tuple[tuple, int]]]:
    """Every relation as [(cell, coefficient)], summing to 0. Cells are
    (row label, column)."""
    relations = []
    for rel in spec.row_sums:
        for row in frame.index:
            relations.append([((row, rel.total), 1)] + [((row, p), -1) for p in rel.parts])
    linear = list(spec.counts) + [a.name for a in spec.amounts]
    for totals in spec.total_rows:
        is_total = frame[totals.by] == totals.label
        keys = list(totals.within)
        groups = frame.groupby(keys, dropna=False, sort=False).groups if keys else {(): frame.index}
        for _, rows in groups.items():
            rows = list(rows)
            total_rows = [r for r in rows if is_total.loc[r]]
            parts = [r for r in rows if not is_total.loc[r]]
            for t in total_rows:
                for column in linear:
                    relations.append([((t, column), 1)] + [((p, column), -1) for p in parts])
    return relations


def _initial_status(frame: pd.DataFrame, spec: Spec, k: int) -> dict:
    status = {}
    for column in spec.counts:
        for row, value in frame[column].items():
            if pd.isna(value):
                status[(row, column)] = MISSING
            elif 1 <= value <= k - 1:
                status[(row, column)] = SMALL
            else:
                status[(row, column)] = SHOWN
    for amount in spec.amounts:
        for row, value in frame[amount.name].items():
            status[(row, amount.name)] = MISSING if pd.isna(value) else SHOWN
    return status


def _bounds(values: dict, status: dict, cells: Iterable, k: int, layout_only: bool = False) -> dict:
    bounds = {}
    for cell in cells:
        s = status[cell]
        if s == SHOWN:
            v = float(values[cell])
            bounds[cell] = (v, v) if (v == 0 or not layout_only) else (float(k), INF)
        elif s == SMALL:
            bounds[cell] = (1.0, float(k - 1))
        else:   # hidden: never a small cell and never zero (zero cells are not chosen to hide)
            bounds[cell] = (float(k), INF)
    return bounds


def _term(a: float, bound: tuple[float, float]) -> tuple[float, float]:
    """Bounds of -a * x for x in `bound`."""
    lo, hi = bound
    return (-a * lo, -a * hi) if -a > 0 else (-a * hi, -a * lo)


def _propagate(relations, bounds: dict, rounds: int = 50) -> dict:
    """Tighten every cell's interval through every relation until nothing
    changes: the reader's subtraction, repeated.

    A relation sum(a_i x_i) = 0 gives x_j = sum_{i != j} (-a_i x_i) / a_j.
    The sum over every term is kept (finite part, and how many terms are
    unbounded) and the cell's own term taken out, so a relation costs its
    length rather than its length squared; a tightened cell updates the
    sum at once, so cells later in the same relation see it (the order of
    updates is that of a term-by-term sum)."""
    for _ in range(rounds):
        changed = False
        for rel in relations:
            terms = [_term(a, bounds[cell]) for cell, a in rel]
            sum_lo = sum(t[0] for t in terms if t[0] != -INF)
            sum_hi = sum(t[1] for t in terms if t[1] != INF)
            open_lo = sum(1 for t in terms if t[0] == -INF)
            open_hi = sum(1 for t in terms if t[1] == INF)
            for j, (cell_j, a_j) in enumerate(rel):
                t_lo, t_hi = terms[j]
                rest_lo = -INF if open_lo - (t_lo == -INF) > 0 else sum_lo - (0.0 if t_lo == -INF else t_lo)
                rest_hi = INF if open_hi - (t_hi == INF) > 0 else sum_hi - (0.0 if t_hi == INF else t_hi)
                cand_lo, cand_hi = (rest_lo / a_j, rest_hi / a_j) if a_j > 0 else (rest_hi / a_j, rest_lo / a_j)
                old_lo, old_hi = bounds[cell_j]
                new_lo, new_hi = max(old_lo, cand_lo), min(old_hi, cand_hi)
                if new_lo > old_lo + 1e-9 or new_hi < old_hi - 1e-9:
                    bounds[cell_j] = (new_lo, new_hi)
                    changed = True
                    new_t = _term(a_j, (new_lo, new_hi))
                    for old, new, sign in ((t_lo, new_t[0], -1), (t_hi, new_t[1], 1)):
                        if sign < 0:
                            open_lo += (new == -INF) - (old == -INF)
                            sum_lo += (0.0 if new == -INF else new) - (0.0 if old == -INF else old)
                        else:
                            open_hi += (new == INF) - (old == INF)
                            sum_hi += (0.0 if new == INF else new) - (0.0 if old == INF else old)
                    terms[j] = new_t
        if not changed:
            break
    return bounds


def _determined(relations, status: dict) -> set:
    """Unknown cells the relations pin to one value whatever the other
    unknowns are: those with a zero component in every direction of the null
    space of the relations over the unknown cells (one SVD per component)."""
    unknown = sorted({c for rel in relations for c, _ in rel if status[c] in (SMALL, HIDDEN)}, key=repr)
    if not unknown:
        return set()
    index = {c: i for i, c in enumerate(unknown)}
    rows = []
    for rel in relations:
        row = np.zeros(len(unknown))
        for cell, coef in rel:
            if cell in index:
                row[index[cell]] += coef
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9 * max(matrix.shape) * (singular[0] if len(singular) else 1)).sum())
    null = vt[rank:]                      # rows span the null space
    if null.shape[0] == 0:
        return set(unknown)
    free = np.abs(null).max(axis=0) > 1e-9
    return {c for c, i in index.items() if not free[i]}


def _exposed(relations, values, status, k) -> tuple[list, list]:
    """Small cells a reader could compute or narrow, and the relations that were usable."""
    usable = [rel for rel in relations if all(status[c] != MISSING for c, _ in rel)]
    cells = {c for rel in usable for c, _ in rel}
    bounds = _propagate(usable, _bounds(values, status, cells, k))
    # What the layout alone tells (which cells are 0, "< k" or large), without
    # the shown values: narrowing beyond it is what publishing the values gave away.
    layout = _propagate(usable, _bounds(values, status, cells, k, layout_only=True))
    exposed = []
    for cell in sorted(cells, key=repr):
        if status[cell] != SMALL:
            continue
        lo, hi = bounds[cell]
        base_lo, base_hi = layout[cell]
        if lo > base_lo + 1e-9 or hi < base_hi - 1e-9 or hi - lo < 1e-9:
            exposed.append(cell)
            continue
    determined = _determined(usable, status)
    exposed += [cell for cell in sorted(cells, key=repr) if status[cell] == SMALL and cell in determined and cell not in exposed]
    return exposed, usable


def _pick(cell, usable, values, status, k, total_cells: set):
    """A shown cell to hide that protects `cell`: from a relation holding it,
    or else a relation reachable through unknown cells. Prefers parts over
    totals, then the smallest value of at least 2k−2 (enough to hide a small
    cell whatever it is), else the largest."""
    seen_cells, frontier, seen_rel = {cell}, [cell], set()
    while frontier:
        candidates = []
        next_frontier = []
        for current in frontier:
            for n, rel in enumerate(usable):
                if n in seen_rel or not any(c == current for c, _ in rel):
                    continue
                seen_rel.add(n)
                for c, _ in rel:
                    if status[c] == SHOWN and values[c] >= k:
                        candidates.append(c)
                    elif status[c] in (SMALL, HIDDEN) and c not in seen_cells:
                        seen_cells.add(c)
                        next_frontier.append(c)
        if candidates:
            def rank(c):
                v = float(values[c])
                return (c in total_cells, 0 if v >= 2 * k - 2 else 1, v if v >= 2 * k - 2 else -v, repr(c))
            return min(set(candidates), key=rank)
        frontier = next_frontier
    return None


def _components(relations, couplings):
    """Split the relations into independent groups (no shared cell): each is
    suppressed on its own, which keeps every step small."""
    parent: dict = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb

    for rel in relations:
        first = rel[0][0]
        for cell, _ in rel[1:]:
            union(first, cell)
    for a, c in couplings:
        union(a, c)
    groups: dict = {}
    for rel in relations:
        groups.setdefault(find(rel[0][0]), ([], []))[0].append(rel)
    for a, c in couplings:
        groups.setdefault(find(a), ([], []))[1].append((a, c))
    return list(groups.values())


def _settle(relations, couplings, values, status, k, total_cells) -> None:
    """Hide cells of one component until no small cell is exposed."""
    cells = {c for rel in relations for c, _ in rel} | {c for pair in couplings for c in pair}
    if not any(status[c] == SMALL for c in cells) and all(status[c] in (SHOWN, MISSING) for c in cells):
        return
    for _ in range(10 * len(cells) + 10):
        changed = False
        for a, c in couplings:   # an amount and its count are shown together or not at all
            if status[a] == MISSING:
                continue
            if status[c] != SHOWN and status[a] == SHOWN:
                status[a] = HIDDEN
                changed = True
            if status[a] == HIDDEN and status[c] == SHOWN:
                status[c] = HIDDEN
                changed = True
        # A relation with exactly one unknown cell gives it away: hide one more.
        for rel in relations:
            rel_cells = [c for c, _ in rel]
            if any(status[c] == MISSING for c in rel_cells):
                continue
            unknown = [c for c in rel_cells if status[c] in (SMALL, HIDDEN)]
            if len(unknown) == 1:
                choice = _pick(unknown[0], [rel], values, status, k, total_cells)
                if choice is not None:
                    status[choice] = HIDDEN
                    changed = True
        if changed:
            continue
        exposed, usable = _exposed(relations, values, status, k)
        if not exposed:
            return
        choice = _pick(exposed[0], usable, values, status, k, total_cells)
        if choice is not None:
            status[choice] = HIDDEN
            continue
        # Nothing left to hide around it: hide every shown cell of its relations.
        for rel in usable:
            if any(c == exposed[0] for c, _ in rel):
                for c, _ in rel:
                    if status[c] == SHOWN and values[c] != 0:
                        status[c] = HIDDEN
        again, _ = _exposed(relations, values, status, k)
        if exposed[0] in again:
            raise RuntimeError(f"cannot protect cell {exposed[0]!r}")
    raise RuntimeError("suppression did not settle")


def suppress(frame: pd.DataFrame, spec: Spec, k: int | None = None) -> Suppressed:
    """Suppress `frame` (not changed) for the public view. Returns the values
    with small and hidden cells as NA, and each cell's status."""
    k = k_setting() if k is None else int(k)
    if k < 2:
        raise ValueError("k must be at least 2")
    for column in [*spec.counts, *(a.name for a in spec.amounts), *(a.count for a in spec.amounts),
                   *(r.numerator for r in spec.rates), *(r.denominator for r in spec.rates)]:
        if column not in frame.columns:
            raise KeyError(f"column {column!r} named in the suppression spec is not in the table")
    if not frame.index.is_unique:
        raise ValueError("the table's index must be unique")
    values = {}
    for column in [*spec.counts, *(a.name for a in spec.amounts)]:
        for row, value in frame[column].items():
            values[(row, column)] = value
    status = _initial_status(frame, spec, k)
    relations = _relations(frame, spec)
    total_cells = set()
    for rel in spec.row_sums:
        total_cells |= {(row, rel.total) for row in frame.index}
    for totals in spec.total_rows:
        total_cells |= {(row, c) for row in frame.index[frame[totals.by] == totals.label]
                        for c in [*spec.counts, *(a.name for a in spec.amounts)]}
    couplings = [((row, a.name), (row, a.count)) for a in spec.amounts for row in frame.index]
    # The matrices are small: one BLAS thread is far faster than a pool
    # spinning for cores that other processes (the app server) are using.
    with threadpool_limits(limits=1, user_api="blas"):
        for component_relations, component_couplings in _components(relations, couplings):
            _settle(component_relations, component_couplings, values, status, k, total_cells)

    out = frame.copy()
    status_frame = pd.DataFrame(index=frame.index)
    for column in [*spec.counts, *(a.name for a in spec.amounts)]:
        col_status = pd.Series([status[(row, column)] for row in frame.index], index=frame.index, dtype=object)
        status_frame[column] = col_status
        out[column] = frame[column].astype("Float64").where(col_status == SHOWN)
    for rate in spec.rates:
        num_status = status_frame[rate.numerator] if rate.numerator in status_frame else pd.Series(SHOWN, index=frame.index)
        den_status = status_frame[rate.denominator] if rate.denominator in status_frame else pd.Series(SHOWN, index=frame.index)
        den = frame[rate.denominator]
        ok = (num_status == SHOWN) & (den_status == SHOWN) & (den >= k) & frame[rate.name].notna()
        status_frame[rate.name] = np.where(frame[rate.name].isna(), MISSING, np.where(ok, SHOWN, HIDDEN))
        out[rate.name] = frame[rate.name].astype("Float64").where(ok)
    return Suppressed(out, status_frame, k, spec)


def change(current: pd.Series, previous: pd.Series) -> pd.Series:
    """A change between two suppressed values: shown only where both are."""
    return (current - previous).where(current.notna() & previous.notna())


# -- the public region indicators ---------------------------------------------------------

TOTAL_LABEL = "ALL"

REGION_INDICATORS = Spec(
    counts=("eligible_families", "eligible_covered", "excluded_families", "recipients", "eligible_recipients",
            "ineligible_recipients", "not_in_register", "ineligible_in_register", "paid_families", "unpaid_families",
            "timely_families", "late_families"),
    rates=(
        Rate("coverage", "eligible_covered", "eligible_families"),
        Rate("exclusion_error", "excluded_families", "eligible_families"),
        Rate("inclusion_error", "ineligible_recipients", "recipients"),
        Rate("disbursement_rate_families", "paid_families", "recipients"),
        Rate("timeliness", "timely_families", "recipients"),
        Rate("disbursement_rate", "disbursed_amount", "allocated_amount"),
    ),
    amounts=(Amount("allocated_amount", "recipients"), Amount("disbursed_amount", "paid_families")),
    row_sums=(
        RowSum("eligible_families", ("eligible_covered", "excluded_families")),
        RowSum("recipients", ("eligible_recipients", "ineligible_recipients")),
        RowSum("ineligible_recipients", ("not_in_register", "ineligible_in_register")),
        RowSum("recipients", ("paid_families", "unpaid_families")),
        RowSum("paid_families", ("timely_families", "late_families")),
    ),
    total_rows=(TotalRows("region_code", TOTAL_LABEL, ("program", "year", "tranche")),),
)


def public_region_indicators(frame: pd.DataFrame, k: int | None = None) -> Suppressed:
    """The region-indicators table (one row per region × programme × year ×
    tranche, every period in one call) for the public view: the differences
    a reader can form (excluded, ineligible, unpaid, late) are added as
    counts of their own, a total row per programme and tranche
    (region_code "ALL") is added, and everything is suppressed together.
    Rates are recomputed from the counts, so totals' rates are exact."""
    from bansos.indicators import BY_ID  # noqa: F401  (the definitions these formulas follow)

    data = frame.copy()
    data["excluded_families"] = data["eligible_families"] - data["eligible_covered"]
    data["ineligible_recipients"] = data["recipients"] - data["eligible_recipients"]
    data["ineligible_in_register"] = data["ineligible_recipients"] - data["not_in_register"]
    data["unpaid_families"] = data["recipients"] - data["paid_families"]
    data["late_families"] = data["paid_families"] - data["timely_families"]
    linear = [*REGION_INDICATORS.counts, *(a.name for a in REGION_INDICATORS.amounts)]
    keys = ["program", "year", "tranche"]
    totals = data.groupby(keys, dropna=False)[linear].sum(min_count=1).reset_index()
    totals["region_code"] = TOTAL_LABEL
    data = pd.concat([data, totals], ignore_index=True)
    # Rates from the counts (the definitions of bansos/indicators.py).
    def ratio(num, den):
        return (data[num] / data[den]).where(data[den] > 0)
    data["coverage"] = ratio("eligible_covered", "eligible_families")
    data["exclusion_error"] = ratio("excluded_families", "eligible_families")
    data["inclusion_error"] = ratio("ineligible_recipients", "recipients")
    data["disbursement_rate_families"] = ratio("paid_families", "recipients")
    data["timeliness"] = ratio("timely_families", "recipients")
    data["disbursement_rate"] = ratio("disbursed_amount", "allocated_amount")
    return suppress(data, REGION_INDICATORS, k)


# -- the public registration funnel -------------------------------------------------------------

FUNNEL = Spec(
    counts=("new_registrations", "channel_mandiri", "channel_agen", "channel_musdes", "channel_dinsos", "decided",
            "undecided", "layak", "tidak_layak", "decided_other", "appealed", "not_appealed", "upheld",
            "appeal_rejected", "appeal_pending", "final_layak"),
    rates=(
        Rate("self_registered_share", "channel_mandiri", "new_registrations"),
        Rate("decided_rate", "decided", "new_registrations"),
        Rate("layak_rate", "layak", "decided"),
        Rate("tidak_layak_rate", "tidak_layak", "decided"),
        Rate("appealed_rate", "appealed", "tidak_layak"),
        Rate("upheld_rate", "upheld", "appealed"),
        Rate("final_layak_rate", "final_layak", "decided"),
    ),
    row_sums=(
        RowSum("new_registrations", ("channel_mandiri", "channel_agen", "channel_musdes", "channel_dinsos")),
        RowSum("new_registrations", ("decided", "undecided")),
        RowSum("decided", ("layak", "tidak_layak", "decided_other")),
        RowSum("tidak_layak", ("appealed", "not_appealed")),
        RowSum("appealed", ("upheld", "appeal_rejected", "appeal_pending")),
        RowSum("final_layak", ("layak", "upheld")),
    ),
    total_rows=(TotalRows("region_code", TOTAL_LABEL),),
)


def public_funnel(frame: pd.DataFrame, k: int | None = None) -> Suppressed:
    """The registration funnel (one row per region with registration data,
    at one register snapshot; the columns of queries/funnel.sql) for the
    public view: the differences a reader can form (undecided, decided
    otherwise, not appealed, appeals pending) are added as counts of their
    own, a total row (region_code "ALL") is added, and everything is
    suppressed together. Who then received a programme is left out: it
    differs by programme and tranche, and is shown on the coverage pages
    from the region table instead."""
    data = frame.copy()
    data["undecided"] = data["new_registrations"] - data["decided"]
    data["decided_other"] = data["decided"] - data["layak"] - data["tidak_layak"]
    data["not_appealed"] = data["tidak_layak"] - data["appealed"]
    data["appeal_pending"] = data["appealed"] - data["upheld"] - data["appeal_rejected"]
    total = data[list(FUNNEL.counts)].sum().to_frame().T
    total["region_code"] = TOTAL_LABEL
    data = pd.concat([data, total], ignore_index=True)

    def ratio(num, den):
        return (data[num] / data[den]).where(data[den] > 0)

    for rate in FUNNEL.rates:
        data[rate.name] = ratio(rate.numerator, rate.denominator)
    return suppress(data, FUNNEL, k)
