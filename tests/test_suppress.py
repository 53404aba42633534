"""Small-cell suppression: hand-computed tables, a table where naive
suppression leaks, and attacks that try to get every suppressed count back."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from bansos import access, settings
from tests.app_fixtures import app_key_file, demo_db  # noqa: F401
from bansos.suppress import (
    HIDDEN, SHOWN, SMALL, Amount, Rate, RowSum, Spec, TotalRows, change, public_region_indicators, suppress,
)

K = 10


def test_k_is_a_documented_setting(monkeypatch):
    assert settings.get_int("suppress_k") == 10
    monkeypatch.setenv("BANSOS_SUPPRESS_K", "5")
    frame = pd.DataFrame({"n": [4, 5]})
    assert list(suppress(frame, Spec(counts=("n",))).status["n"]) == [SMALL, SHOWN]


def test_counts_from_1_to_k_minus_1_are_small_and_zero_is_shown():
    frame = pd.DataFrame({"n": [0, 1, 9, 10, 250, None]})
    result = suppress(frame, Spec(counts=("n",)), K)
    assert list(result.status["n"]) == [SHOWN, SMALL, SMALL, SHOWN, SHOWN, "missing"]
    assert result.values["n"].tolist()[:5] == [0, pd.NA, pd.NA, 10, 250]
    assert result.text(1, "n", "1") == "< 10" and result.text(3, "n", "10") == "10"


def test_rates_need_numerator_and_denominator_shown_and_denominator_at_least_k():
    frame = pd.DataFrame({"num": [5, 0, 12, 3], "den": [50, 40, 12, 9]})
    frame["rate"] = frame.num / frame.den
    result = suppress(frame, Spec(counts=("num", "den"), rates=(Rate("rate", "num", "den"),)), K)
    # row 0: numerator 5 is small → hidden; row 1: 0 / 40 → 0 % shown; row 2: 12 / 12 shown;
    # row 3: denominator 9 small → hidden.
    assert list(result.status["rate"]) == [HIDDEN, SHOWN, SHOWN, HIDDEN]
    assert result.values["rate"].tolist()[1:3] == [0.0, 1.0]


def test_amounts_go_with_their_count():
    # Fixed benefit Rp 600,000: an amount of 4,200,000 is 7 families.
    frame = pd.DataFrame({"recipients": [7, 40], "amount": [4_200_000, 24_000_000]})
    result = suppress(frame, Spec(counts=("recipients",), amounts=(Amount("amount", "recipients"),)), K)
    assert list(result.status["amount"]) == [HIDDEN, SHOWN]
    assert result.values["amount"].isna().tolist() == [True, False]


def test_naive_suppression_leaks_and_complementary_suppression_does_not():
    # Three regions and their total: A = 3 is small.
    frame = pd.DataFrame({"region": ["A", "B", "C", "ALL"], "n": [3, 40, 57, 100]})
    spec = Spec(counts=("n",), total_rows=(TotalRows("region", "ALL"),))
    # Naive: hide A only → 100 − 40 − 57 = 3. The leak:
    naive = frame.n.where(frame.n >= K)
    assert naive[3] - naive[1] - naive[2] == 3
    result = suppress(frame, spec, K)
    # One more cell is hidden: the smallest part of at least 2k−2 = 18 (B = 40),
    # leaving A + B = 43 with A in 1..9 and B ≥ 10: A can be anything from 1 to 9.
    assert list(result.status["n"]) == [SMALL, HIDDEN, SHOWN, SHOWN]


def test_the_complement_must_be_large_enough():
    # A = 3, B = 12: hiding B would leave A + B = 15, B ≥ 10 → A ≤ 5 (narrowed).
    # So C = 85 is hidden instead: A + C = 88, C ≥ 10 → A in 1..9.
    frame = pd.DataFrame({"region": ["A", "B", "C", "ALL"], "n": [3, 12, 85, 100]})
    result = suppress(frame, Spec(counts=("n",), total_rows=(TotalRows("region", "ALL"),)), K)
    assert list(result.status["n"]) == [SMALL, SHOWN, HIDDEN, SHOWN]


def test_complement_rates_coverage_and_exclusion_error():
    # E = 200 eligible, C = 195 covered, X = 5 excluded (small). Coverage 97.5 %
    # and E would give X = 200 × (1 − 0.975) = 5, so C and both rates are hidden.
    frame = pd.DataFrame({"E": [200], "C": [195], "X": [5]})
    frame["coverage"], frame["exclusion"] = frame.C / frame.E, frame.X / frame.E
    spec = Spec(counts=("E", "C", "X"), rates=(Rate("coverage", "C", "E"), Rate("exclusion", "X", "E")),
                row_sums=(RowSum("E", ("C", "X")),))
    result = suppress(frame, spec, K)
    assert result.status.iloc[0].to_dict() == {"E": SHOWN, "C": HIDDEN, "X": SMALL, "coverage": HIDDEN, "exclusion": HIDDEN}


def test_two_small_cells_summing_high_are_protected():
    # Total 18 over two small parts: both would have to be 9. 9 + 9 = 18 is pinned,
    # so another cell (or the total) must go.
    frame = pd.DataFrame({"region": ["A", "B", "C", "ALL"], "n": [9, 9, 30, 48]})
    result = suppress(frame, Spec(counts=("n",), total_rows=(TotalRows("region", "ALL"),)), K)
    assert result.status["n"].tolist()[:2] == [SMALL, SMALL]
    assert (result.status["n"] == HIDDEN).sum() >= 1
    assert_unbreakable(frame, result, Spec(counts=("n",), total_rows=(TotalRows("region", "ALL"),)))


def test_change_is_shown_only_where_both_ends_are():
    now = pd.Series([20.0, None, 30.0])
    before = pd.Series([15.0, 40.0, None])
    assert change(now, before).tolist()[0] == 5.0 and change(now, before).isna().tolist() == [False, True, True]


# -- the attacker -------------------------------------------------------------------------


def published(frame, result, spec):
    """What a reader sees: exact values, '< k' cells and '—' cells."""
    seen = {}
    for column in [*spec.counts, *(a.name for a in spec.amounts)]:
        for row in frame.index:
            seen[(row, column)] = result.status.at[row, column], (frame.at[row, column] if result.status.at[row, column] == SHOWN else None)
    return seen


def relations_of(frame, spec):
    rels = []
    for rel in spec.row_sums:
        for row in frame.index:
            rels.append({(row, rel.total): 1, **{(row, p): -1 for p in rel.parts}})
    for totals in spec.total_rows:
        keys = list(totals.within)
        grouped = frame.groupby(keys).groups.values() if keys else [frame.index]
        for rows in grouped:
            tot = [r for r in rows if frame.at[r, totals.by] == totals.label]
            parts = [r for r in rows if frame.at[r, totals.by] != totals.label]
            for t in tot:
                for column in [*spec.counts, *(a.name for a in spec.amounts)]:
                    rels.append({(t, column): 1, **{(p, column): -1 for p in parts}})
    return rels


def attack(frame, result, spec, benefit=None):
    """The reader's tactics, repeated until nothing new comes out: subtraction
    in any relation with one unknown, rate × denominator and numerator ÷
    rate (complements: exclusion error = 1 − coverage, so both), amount ÷
    benefit. Returns every cell it pinned to one value."""
    known = {cell: value for cell, (status, value) in published(frame, result, spec).items() if status == SHOWN}
    rels = relations_of(frame, spec)
    for _ in range(200):
        before = len(known)
        for rel in rels:
            missing = [c for c in rel if c not in known]
            if len(missing) == 1:
                m = missing[0]
                known[m] = -sum(coef * known[c] for c, coef in rel.items() if c != m) / rel[m]
        for rate in spec.rates:
            for row in frame.index:
                if result.status.at[row, rate.name] != SHOWN:
                    continue
                r = frame.at[row, rate.name]
                num, den = (row, rate.numerator), (row, rate.denominator)
                if den in known and num not in known:
                    known[num] = round(r * known[den])
                if num in known and den not in known and r:
                    known[den] = round(known[num] / r)
        for amount in spec.amounts:
            for row in frame.index:
                a, c = (row, amount.name), (row, amount.count)
                per_family = benefit(row) if callable(benefit) else benefit
                if a in known and c not in known and per_family:
                    known[c] = round(known[a] / per_family)
        if len(known) == before:
            break
    return known


def exact_ranges(frame, result, spec, bound):
    """Every small cell's possible values, by exhaustive search over the
    unknown cells (small: 1..k−1; hidden: k..bound): depth-first, small
    cells first, each relation left with one unknown cell solved at once."""
    view = published(frame, result, spec)
    known = {c: v for c, (s, v) in view.items() if s == SHOWN}
    unknown = sorted((c for c, (s, _) in view.items() if s in (SMALL, HIDDEN)), key=lambda c: (view[c][0] != SMALL, repr(c)))
    domain = {c: (1, K - 1) if view[c][0] == SMALL else (K, bound) for c in unknown}
    rels = relations_of(frame, spec)
    possible = {c: set() for c in unknown if view[c][0] == SMALL}

    def settle(values):
        values = dict(values)
        while True:
            progress = False
            for rel in rels:
                missing = [c for c in rel if c not in values]
                if not missing:
                    if abs(sum(coef * values[c] for c, coef in rel.items())) > 1e-9:
                        return None
                elif len(missing) == 1:
                    m = missing[0]
                    v = -sum(coef * values[c] for c, coef in rel.items() if c != m) / rel[m]
                    lo, hi = domain[m]
                    if v != int(v) or not lo <= v <= hi:
                        return None
                    values[m] = int(v)
                    progress = True
            if not progress:
                return values

    def search(values):
        values = settle(values)
        if values is None:
            return
        free = [c for c in unknown if c not in values]
        if not free:
            for c in possible:
                possible[c].add(values[c])
            return
        c = free[0]
        lo, hi = domain[c]
        for v in range(lo, hi + 1):
            search({**values, c: v})

    search(known)
    return possible


def assert_unbreakable(frame, result, spec, benefit=None):
    known = attack(frame, result, spec, benefit)
    for cell, (status, _) in published(frame, result, spec).items():
        if status == SMALL:
            assert cell not in known, f"small cell {cell} derived as {known[cell]}"
    # The linear-algebra attacker: no small cell is a fixed combination of what is
    # shown. A cell is pinned when every solution of the relations over the unknown
    # cells leaves it unchanged: a zero in every null-space direction. Relations that
    # share no unknown cell are independent, so each connected group is solved alone.
    view = published(frame, result, spec)
    unknown_cells = {c for c, (s, _) in view.items() if s in (SMALL, HIDDEN)}
    rels = [{c: coef for c, coef in rel.items() if c in unknown_cells} for rel in relations_of(frame, spec)]
    rels = [rel for rel in rels if rel]
    group_of: dict = {}
    groups: list[set] = []
    for n, rel in enumerate(rels):
        joined = {group_of[c] for c in rel if c in group_of}
        merged = {n}
        for g in joined:
            merged |= groups[g]
            groups[g] = set()
        groups.append(merged)
        for m in merged:
            for c in rels[m]:
                group_of[c] = len(groups) - 1
    for members in groups:
        if not members:
            continue
        cells = sorted({c for m in members for c in rels[m]}, key=repr)
        index = {c: i for i, c in enumerate(cells)}
        matrix = np.zeros((len(members), len(cells)))
        for r, m in enumerate(sorted(members)):
            for c, coef in rels[m].items():
                matrix[r, index[c]] += coef
        _, singular, vt = np.linalg.svd(matrix)
        rank = int((singular > 1e-8).sum())
        null = vt[rank:]
        for c, i in index.items():
            if view[c][0] == SMALL:
                assert null.shape[0] and np.abs(null[:, i]).max() > 1e-8, f"{c} is a fixed combination of shown values"


def test_attack_on_the_hand_tables_recovers_nothing_and_the_full_range_stays_open():
    frame = pd.DataFrame({"region": ["A", "B", "C", "ALL"], "n": [3, 12, 85, 100]})
    spec = Spec(counts=("n",), total_rows=(TotalRows("region", "ALL"),))
    result = suppress(frame, spec, K)
    assert_unbreakable(frame, result, spec)
    assert exact_ranges(frame, result, spec, bound=100) == {(0, "n"): set(range(1, 10))}


def test_two_way_table_with_row_and_column_totals_exhaustive():
    # Two regions × (covered, excluded) with eligible as the row total and an ALL row.
    frame = pd.DataFrame({
        "region": ["A", "B", "ALL"],
        "E": [30, 25, 55], "C": [26, 11, 37], "X": [4, 14, 18],
    })
    spec = Spec(counts=("E", "C", "X"), row_sums=(RowSum("E", ("C", "X")),), total_rows=(TotalRows("region", "ALL"),))
    result = suppress(frame, spec, K)
    assert result.status.at[0, "X"] == SMALL
    assert_unbreakable(frame, result, spec)
    ranges = exact_ranges(frame, result, spec, bound=60)
    assert ranges[(0, "X")] == set(range(1, 10)), ranges


@pytest.mark.parametrize("seed", range(25))
def test_random_small_tables_resist_the_exhaustive_attack(seed):
    rng = random.Random(seed)
    regions = ["A", "B", "C"]
    covered = [rng.choice([0, 2, 5, 9, 12, 20, 35]) for _ in regions]
    excluded = [rng.choice([0, 1, 4, 8, 11, 19, 30]) for _ in regions]
    frame = pd.DataFrame({"region": regions, "C": covered, "X": excluded})
    frame["E"] = frame.C + frame.X
    frame = pd.concat([frame, pd.DataFrame([{"region": "ALL", "C": sum(covered), "X": sum(excluded), "E": sum(covered) + sum(excluded)}])],
                      ignore_index=True)
    spec = Spec(counts=("E", "C", "X"), row_sums=(RowSum("E", ("C", "X")),), total_rows=(TotalRows("region", "ALL"),))
    result = suppress(frame, spec, K)
    assert_unbreakable(frame, result, spec)
    unknown = (result.status[["E", "C", "X"]] != SHOWN).sum().sum()
    if unknown <= 6:
        bound = int(frame[["E", "C", "X"]].to_numpy().max())
        for cell, values in exact_ranges(frame, result, spec, bound=max(bound, K)).items():
            assert values == set(range(1, 10)) or len(values) > 1, f"seed {seed}: {cell} narrowed to {sorted(values)}"
            assert len(values) > 1, f"seed {seed}: {cell} pinned to {values}"


# -- the public region indicators: everything a reader sees for a region and tranche ----------


def region_frame():
    """Two pilot regions, one programme, two tranches (previous period).
    Benefit Rp 600,000 per family and tranche."""
    rows = []
    for tranche, (a, b) in {1: ((120, 114, 118, 112, 3, 110, 100), (45, 40, 41, 38, 2, 30, 28)),
                             2: ((121, 118, 125, 116, 6, 124, 120), (46, 44, 44, 43, 1, 44, 44))}.items():
        for code, (E, C, R, ER, N, P, T) in (("18.72", a), ("35.76", b)):
            rows.append({"region_code": code, "program": "PKH", "year": 2026, "tranche": tranche,
                         "eligible_families": E, "eligible_covered": C, "recipients": R, "eligible_recipients": ER,
                         "not_in_register": N, "paid_families": P, "timely_families": T,
                         "allocated_amount": R * 600_000, "disbursed_amount": P * 600_000})
    return pd.DataFrame(rows)


def test_public_region_indicators_hand_computed():
    result = public_region_indicators(region_frame(), K)
    v, s = result.values, result.status
    # Tranche 1, 18.72: excluded = 120 − 114 = 6 (small); ineligible = 118 − 112 = 6 (small);
    # not in register 3 (small); in register but ineligible 6 − 3 = 3 (small).
    row = v.index[(v.region_code == "18.72") & (v.tranche == 1)][0]
    assert s.at[row, "excluded_families"] == SMALL and s.at[row, "ineligible_recipients"] == SMALL
    assert s.at[row, "not_in_register"] == SMALL
    assert s.at[row, "exclusion_error"] == HIDDEN and s.at[row, "inclusion_error"] == HIDDEN
    # Coverage 114/120 would give the excluded 6 back with the eligible count: one of them goes.
    assert not (s.at[row, "eligible_covered"] == SHOWN and s.at[row, "eligible_families"] == SHOWN)
    # A total row per programme and tranche.
    assert (v.region_code == "ALL").sum() == 2


def test_attack_on_the_public_region_indicators():
    from bansos.suppress import REGION_INDICATORS as spec

    result = public_region_indicators(region_frame(), K)
    data = result.values
    assert (result.status == SMALL).to_numpy().sum() >= 8
    # The reader has every shown value (all columns, the totals, both tranches), the
    # formulas and the benefit. published() reads only shown cells, so the suppressed
    # table itself is the reader's whole knowledge.
    assert_unbreakable(data, result, spec, benefit=600_000)
    # Previous period: a change is shown only where both tranches are, so
    # current = previous + change adds nothing.
    t1 = data[data.tranche == 1].set_index("region_code")
    t2 = data[data.tranche == 2].set_index("region_code")
    for column in spec.counts:
        delta = change(t2[column].astype(float), t1[column].astype(float))
        assert (delta.notna() <= (t1[column].notna() & t2[column].notna())).all()


def test_attack_on_the_demo_public_view(demo_db):
    """Every pilot, programme and tranche of the demo warehouse in one table, as
    the public view would show it: no small cell comes back by subtraction,
    complements, rate × denominator, amount ÷ benefit or any linear combination."""
    from bansos.queries import QueryRunner
    from bansos.suppress import REGION_INDICATORS as spec

    runner = QueryRunner(demo_db, scope=tuple(sorted(access.pilot_regions())), cache=False)
    frame = runner.run("region_indicators", as_of=None, basis="desil", program=None, year=None, tranche=None,
                       province=None, regions=None)
    programs = runner.run("programs")
    runner.close()
    benefit = dict(zip(programs.code, programs.benefit_per_tranche)) if "benefit_per_tranche" in programs else {}
    result = public_region_indicators(frame, K)
    data = result.values
    assert (result.status == SMALL).to_numpy().sum() > 0   # the demo has small cells to protect
    assert set(data.region_code) - {"ALL"} <= set(access.pilot_regions())
    assert_unbreakable(data, result, spec, benefit=lambda row: benefit.get(data.at[row, "program"]))


# -- the public registration funnel ------------------------------------------------------------


def funnel_frame():
    """Three regions' registration funnels, worked by hand:
    A: 40 new (mandiri 25, agen 10, musdes 5, dinsos 0); 36 decided (so 4 undecided, small):
       layak 30, tidak layak 6 (small); 4 appealed (small): 3 upheld, 1 rejected; final layak 33.
    B: 120 new (60, 30, 20, 10); 110 decided, 10 undecided: layak 80, tidak layak 30;
       25 appealed: 20 upheld, 3 rejected, 2 pending (small); final layak 100.
    C: 15 new (15, 0, 0, 0), all decided: layak 15; final layak 15."""
    rows = [("A", 40, 25, 10, 5, 0, 36, 30, 6, 4, 3, 1, 33),
            ("B", 120, 60, 30, 20, 10, 110, 80, 30, 25, 20, 3, 100),
            ("C", 15, 15, 0, 0, 0, 15, 15, 0, 0, 0, 0, 15)]
    columns = ["region_code", "new_registrations", "channel_mandiri", "channel_agen", "channel_musdes", "channel_dinsos",
               "decided", "layak", "tidak_layak", "appealed", "upheld", "appeal_rejected", "final_layak"]
    return pd.DataFrame(rows, columns=columns)


def test_public_funnel_hand_computed_and_unbreakable():
    from bansos.suppress import FUNNEL, public_funnel

    result = public_funnel(funnel_frame(), K)
    v, s = result.values, result.status
    a = v.index[v.region_code == "A"][0]
    b = v.index[v.region_code == "B"][0]
    total = v.index[v.region_code == "ALL"][0]
    # the total row adds the regions: 40 + 120 + 15 = 175 new registrations (shown, or hidden as a large cell)
    assert s.at[total, "new_registrations"] in (SHOWN, HIDDEN)
    if s.at[total, "new_registrations"] == SHOWN:
        assert v.at[total, "new_registrations"] == 175
    # A: undecided 40 − 36 = 4, tidak layak 6, appealed 4, upheld 3 and rejected 1 are small
    for column in ("undecided", "tidak_layak", "appealed", "upheld", "appeal_rejected", "channel_musdes"):
        assert s.at[a, column] == SMALL, column
    # B: pending 25 − 20 − 3 = 2 is small; not appealed 30 − 25 = 5 is small
    assert s.at[b, "appeal_pending"] == SMALL and s.at[b, "not_appealed"] == SMALL
    # a rate on a small numerator or denominator is not shown: A's upheld rate (3 of 4)
    assert s.at[a, "upheld_rate"] != SHOWN
    # A's final layak 33 = layak 30 + upheld 3: both of layak and final layak shown would give upheld back
    assert not (s.at[a, "layak"] == SHOWN and s.at[a, "final_layak"] == SHOWN)
    assert_unbreakable(v, result, FUNNEL)


def test_attack_on_the_demo_public_funnel(demo_db):
    from bansos.queries import QueryRunner
    from bansos.suppress import FUNNEL, public_funnel

    runner = QueryRunner(demo_db, scope=tuple(sorted(access.pilot_regions())), cache=False)
    frame = runner.run("funnel", as_of=None, program="PKH", year=2026, tranche=1, province=None, regions=None)
    runner.close()
    frame = frame[frame.new_registrations > 0].reset_index(drop=True)
    result = public_funnel(frame, K)
    assert (result.status == SMALL).to_numpy().sum() >= 5  # the demo has small cells to protect
    assert_unbreakable(result.values, result, FUNNEL)
