"""Chart builders of the registration funnel and data-quality pages, fed
small hand-made frames: traces, titles, axis titles, colours, texts."""

from __future__ import annotations

import pandas as pd
import pytest

from bansos.charts import quality, registration, theme


def _steps() -> pd.DataFrame:
    return pd.DataFrame({
        "label": ["New registrations", "Decided", "Tidak layak", "Appealed", "Final layak"],
        "families": [1000, 850, 400, 20, 470],
        "rate": [None, 0.85, 400 / 850, 0.05, 470 / 850],
        "base_label": [None, "new registrations", "decided", "tidak layak", "decided"],
        "branch": ["main", "main", "appeal", "appeal", "main"],
        "small": [False, False, False, False, False],
    })


def test_funnel_has_one_bar_per_step_with_counts_and_rates():
    fig = registration.funnel_chart(_steps(), "en", "Registration funnel", "Families (count)", "of")
    (trace,) = fig.data
    assert trace.type == "funnel"
    assert list(trace.x) == [1000, 850, 400, 20, 470]
    assert trace.text[0] == "1,000"  # the first step has no base
    assert trace.text[1] == "850 · 85.0%"
    assert trace.text[3] == "20 · 5.0%"
    # the base of each rate is named under the step
    assert "% of decided" in trace.y[2] and trace.y[0] == "New registrations"
    assert fig.layout.title.text == "Registration funnel"
    assert fig.layout.xaxis.title.text == "Families (count)"
    assert list(trace.marker.color) == [
        registration.BRANCH_COLOURS["main"], registration.BRANCH_COLOURS["main"],
        registration.BRANCH_COLOURS["appeal"], registration.BRANCH_COLOURS["appeal"],
        registration.BRANCH_COLOURS["main"],
    ]
    # The steps branch (tidak layak is not a part of layak; final layak is not a part of
    # appeals upheld), so no connector draws one flowing into the next.
    assert trace.connector.visible is False


def test_funnel_formats_in_indonesian_and_flags_small_bases():
    steps = _steps()
    steps.loc[3, "small"] = True
    fig = registration.funnel_chart(steps, "id", "Corong", "Keluarga (jumlah)", "dari")
    (trace,) = fig.data
    assert trace.text[0] == "1.000"
    assert trace.text[1] == "850 · 85,0%"
    assert trace.text[3].endswith("⚠")
    assert "dari tidak layak" in trace.y[3]
    assert fig.layout.separators == ",."


def test_funnel_keeps_an_empty_rate_empty():
    steps = _steps()
    steps.loc[1, ["families", "rate"]] = [0, None]
    fig = registration.funnel_chart(steps, "en", "t", "x", "of")
    assert fig.data[0].text[1] == "0 · –"


def _channels() -> pd.DataFrame:
    rows = []
    for label, total, shares in (
        ("All regions chosen", 300, (0.3, 0.6, 0.07, 0.03)),
        ("Kota Metro", 100, (0.35, 0.55, 0.05, 0.05)),
        ("Kota Padang ⚠", 20, (0.25, 0.75, 0.0, 0.0)),
    ):
        for channel, share in zip(("mandiri", "agen", "musdes", "dinsos"), shares):
            rows.append({"label": label, "channel": channel, "share": share, "families": round(share * total),
                         "new_registrations": total})
    return pd.DataFrame(rows)


def test_channel_chart_stacks_shares_per_region_with_a_reference_line():
    labels = {"mandiri": "Self (app)", "agen": "Field agent", "musdes": "Village", "dinsos": "Office"}
    fig = registration.channel_share_chart(
        _channels(), "en", "New registrations by channel", "Share of new registrations (%)", labels,
        "{channel}: {share} ({families} of {total})", reference=(0.30, "Banyuwangi 2025 (reported): ~30% self"),
    )
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in bars] == ["Self (app)", "Field agent", "Village", "Office"]
    assert [t.marker.color for t in bars] == [registration.CHANNEL_COLOURS[c] for c in labels]
    assert fig.layout.barmode == "stack"
    assert fig.layout.xaxis.tickformat == ".0%" and list(fig.layout.xaxis.tickvals) == [0, 0.25, 0.5, 0.75, 1.0]
    assert fig.layout.xaxis.title.text == "Share of new registrations (%)"
    # first row of the frame on top
    assert list(fig.layout.yaxis.categoryarray) == ["Kota Padang ⚠", "Kota Metro", "All regions chosen"]
    assert "Self (app): 35.0% (35 of 100)" in bars[0].hovertext[1]
    (line,) = [t for t in fig.data if t.type == "scatter"]
    assert list(line.x) == [0.30, 0.30] and line.name.startswith("Banyuwangi")
    # neither pilot blue nor comparison orange: those mean region groups
    assert not {theme.PILOT, theme.COMPARISON} & {t.marker.color for t in bars}


def test_appeals_chart_draws_outcomes_over_all_appeals():
    frame = pd.DataFrame({
        "label": ["Kota Surabaya", "Kota Metro ⚠"], "appealed": [45, 5], "upheld": [6, 0],
        "appeal_rejected": [23, 4], "upheld_rate": [6 / 45, 0.0],
    })
    outcomes = {"appealed": "Lodged (all)", "upheld": "Upheld", "appeal_rejected": "Rejected"}
    fig = registration.appeals_chart(frame, "en", "Appeals", "Appeals (families)", outcomes,
                                     "Upheld {upheld} of {appealed} appeals ({rate})")
    assert [t.name for t in fig.data] == ["Lodged (all)", "Upheld", "Rejected"]
    assert [list(t.x) for t in fig.data] == [[45, 5], [6, 0], [23, 4]]
    # rejected starts where upheld ends; what is left of the light bar is pending
    assert list(fig.data[2].base) == [6, 0] and fig.data[1].base is None
    assert fig.layout.barmode == "overlay"
    assert fig.layout.title.text == "Appeals"
    assert fig.layout.xaxis.title.text == "Appeals (families)"
    assert "Upheld 6 of 45 appeals (13.3%)" in fig.data[0].hovertext[0]
    assert fig.data[1].marker.color == theme.GOOD and fig.data[2].marker.color == theme.BAD
    assert list(fig.layout.yaxis.categoryarray) == ["Kota Metro ⚠", "Kota Surabaya"]


def test_reasons_chart_puts_the_most_frequent_reason_on_top():
    frame = pd.DataFrame({
        "label": ["Duplicate", "Duplicate", "Bad KK", "Bad amount"],
        "kind": ["keluarga", "penyaluran", "keluarga", "penyaluran"],
        "rows": [50, 36, 46, 30], "files": [20, 17, 20, 15], "reason_rows": [86, 86, 46, 30],
    })
    fig = quality.reasons_chart(frame, "id", "Baris dikarantina menurut alasan", "Baris (jumlah)", "Alasan",
                                {"keluarga": "Register", "penyaluran": "Penyaluran"}, "{rows} baris di {files} file")
    assert [t.name for t in fig.data] == ["Register", "Penyaluran"]
    assert list(fig.data[0].y) == ["Duplicate", "Bad KK"] and list(fig.data[0].x) == [50, 46]
    assert list(fig.layout.yaxis.categoryarray) == ["Bad amount", "Bad KK", "Duplicate"]
    assert fig.layout.xaxis.title.text == "Baris (jumlah)" and fig.layout.yaxis.title.text == "Alasan"
    assert fig.layout.title.text == "Baris dikarantina menurut alasan"
    assert "36 baris di 17 file" in fig.data[1].hovertext[0]


@pytest.mark.parametrize("colour, expected", [("#FFFFFF", "#1F2937"), ("#000000", "white"), ("#F0E442", "#1F2937")])
def test_bar_text_stays_readable(colour, expected):
    assert theme.text_on(colour) == expected


def test_loaded_matrix_leaves_gaps_blank_and_colours_pilots_apart():
    frame = pd.DataFrame({
        "kind": ["keluarga", "keluarga", "penyaluran", "keluarga", "penyaluran", "penyaluran"],
        "region_code": ["18.72", "18.72", "18.72", "18.71", "18.71", "18.72"],
        "label": ["Kota Metro", "Kota Metro", "Kota Metro", "Kota Bandar Lampung", "Kota Bandar Lampung", "Kota Metro"],
        "period": ["2025-06-30", "2026-01-31", "PKH 2026-T1", "2025-06-30", "PKH 2026-T1", "PKH 2026-T2"],
        "rows": [1200, 1247, 300, 6891, 900, 310],
    })
    fig = quality.loaded_matrix_chart(
        frame, "en", "Data loaded", "Period", "Region", {"18.72"}, {True: "Pilot", False: "Comparison"},
        {"keluarga": "Register", "penyaluran": ""}, "{region} · {period}: {rows} families",
    )
    pilot, comparison = fig.data
    columns = ["Register 2025-06-30", "Register 2026-01-31", "PKH 2026-T1", "PKH 2026-T2"]
    assert list(pilot.x) == columns
    assert [list(r) for r in pilot.z] == [[1, 1, 1, 1]]
    # the comparison region has no 2026 register and no T2: blank cells
    assert [list(r) for r in comparison.z] == [[1, None, 1, None]]
    assert pilot.colorscale[0][1] == theme.PILOT and comparison.colorscale[0][1] == theme.COMPARISON
    assert pilot.name == "Pilot" and comparison.name == "Comparison"
    assert "Kota Metro · PKH 2026-T2: 310 families" in pilot.hovertext[0][3]
    assert fig.layout.title.text == "Data loaded"
    assert fig.layout.xaxis.title.text == "Period" and fig.layout.yaxis.title.text == "Region"
    # shown as the tables write periods, still in the sortable period's order
    labelled = frame.assign(period_label=["30 Jun 2025", "31 Jan 2026", "PKH T1 2026", "30 Jun 2025", "PKH T1 2026",
                                          "PKH T2 2026"])
    fig = quality.loaded_matrix_chart(
        labelled, "en", "Data loaded", "Period", "Region", {"18.72"}, {True: "Pilot", False: "Comparison"},
        {"keluarga": "Register", "penyaluran": ""}, "{region} · {period}: {rows} families",
    )
    assert list(fig.data[0].x) == ["Register 30 Jun 2025", "Register 31 Jan 2026", "PKH T1 2026", "PKH T2 2026"]
