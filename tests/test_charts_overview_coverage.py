"""Chart builders of the Ringkasan and Cakupan pages, on small hand-made frames."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from bansos.charts import coverage, overview, theme

NAN = math.nan


def trend_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "year": [2025, 2026, 2026], "tranche": [4, 1, 2],
        "coverage": [0.25, 0.75, NAN], "exclusion_error": [0.75, 0.25, NAN], "inclusion_error": [0.40, 0.30, 0.35],
        "eligible_covered": [25, 75, NAN], "eligible_families": [100, 100, NAN], "excluded_families": [75, 25, NAN],
        "ineligible_recipients": [20, 12, 7], "recipients": [50, 40, 20],
        "coverage_small": [False, False, False], "inclusion_small": [False, False, True],
    })


def build_trend(lang="id", selected=(2026, 1)):
    return overview.trend(
        trend_frame(), lang, title="Judul", x_title="Tahap", y_title="Persentase (%)",
        labels={"coverage": "Cakupan", "exclusion_error": "Exclusion", "inclusion_error": "Inclusion"},
        ratio_words=dict.fromkeys(("coverage", "exclusion_error", "inclusion_error"), "{num} dari {den}"),
        target=0.10, target_next=0.05, target_label="Target 2026: < 10%", target_next_label="Berikutnya: < 5%",
        small_label="⚠ kecil", selected=selected,
    )


def test_trend_has_three_metrics_both_targets_titles_and_percent_axis():
    fig = build_trend()
    assert [t.name for t in fig.data] == ["Cakupan", "Exclusion", "Inclusion"]
    assert fig.layout.title.text == "Judul"
    assert fig.layout.xaxis.title.text == "Tahap" and fig.layout.yaxis.title.text == "Persentase (%)"
    assert fig.layout.yaxis.tickformat == ".0%"
    assert list(fig.data[0].x) == ["T4 2025", "T1 2026", "T2 2026"]
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert sorted(round(s.y0, 2) for s in lines) == [0.05, 0.10]
    assert {s.line.color for s in lines} == {theme.TARGET, theme.TARGET_NEXT}
    notes = {a.text for a in fig.layout.annotations}
    assert {"Target 2026: < 10%", "Berikutnya: < 5%"} <= notes
    assert fig.layout.separators == ",."  # Indonesian decimal comma


def test_trend_hover_carries_numerator_denominator_and_small_flag():
    fig = build_trend()
    coverage_hover = fig.data[0].customdata
    assert coverage_hover[1] == "75,0%<br>75 dari 100"
    assert coverage_hover[2].startswith("–")  # an empty rate stays empty, not 0
    inclusion = fig.data[2]
    assert "⚠ kecil" in inclusion.customdata[2] and "7 dari 20" in inclusion.customdata[2]
    assert list(inclusion.marker.symbol) == ["circle", "circle", "circle-open"]


def test_trend_marks_the_selected_tranche_and_uses_english_separators():
    fig = build_trend(lang="en")
    bands = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(bands) == 1 and (bands[0].x0, bands[0].x1) == (0.5, 1.5)
    assert fig.layout.separators == ".,"
    assert not [s for s in build_trend(selected=(2024, 1)).layout.shapes if s.type == "rect"]


def region_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "region_code": ["18.72", "18.71", "18.09", "35.76"],
        "region_name": ["Kota Metro", "Kota Bandar Lampung", "Kabupaten Pesawaran", "Kota Mojokerto"],
        "is_pilot": [True, False, False, True],
        "coverage": [0.8, 0.3, NAN, 0.75], "eligible_covered": [80, 30, NAN, 21], "eligible_families": [100, 100, NAN, 28],
        "coverage_small": [False, False, False, True],
    })


def test_coverage_by_region_colours_pilots_and_comparison_and_drops_empty_rates():
    fig = coverage.coverage_by_region(
        region_frame(), "id", title="Cakupan per wilayah", x_title="Cakupan (%)", pilot_label="Pilot",
        comparison_label="Pembanding", ratio_word="{num} dari {den} keluarga layak", small_label="⚠ kecil",
        reference=0.6, reference_label="Total: 60,0%",
    )
    pilots, comparison, total = fig.data
    assert (pilots.name, pilots.marker.color) == ("Pilot", theme.PILOT)
    # the total's line is named in the legend, not by a label beside it that crossed the bars' values
    assert (total.name, total.line.dash, total.x) == ("Total: 60,0%", "dash", (None,))
    assert not fig.layout.annotations
    assert (comparison.name, comparison.marker.color) == ("Pembanding", theme.COMPARISON)
    assert list(pilots.y) == ["Kota Mojokerto", "Kota Metro"]  # ascending: the highest is drawn on top
    assert list(comparison.y) == ["Kota Bandar Lampung"]  # Pesawaran has no rate
    assert list(pilots.text) == ["75,0% ⚠", "80,0%"]
    assert "21 dari 28 keluarga layak" in pilots.customdata[0] and "⚠ kecil" in pilots.customdata[0]
    assert list(pilots.marker.opacity) == [0.45, 1.0]
    assert fig.layout.xaxis.title.text == "Cakupan (%)" and fig.layout.xaxis.tickformat == ".0%"
    assert [s.x0 for s in fig.layout.shapes] == [0.6]
    assert fig.layout.title.text == "Cakupan per wilayah"
    # Values sit inside the end of a bar long enough to hold them, where the
    # total's line (under the bars) cannot cross them: dark on the faint ⚠
    # bar and on orange, white on blue.
    assert list(pilots.textposition) == ["inside", "inside"] and pilots.insidetextanchor == "end"
    assert list(pilots.insidetextfont.color) == ["#1F2937", "white"]
    assert list(comparison.textposition) == ["inside"] and list(comparison.insidetextfont.color) == ["#1F2937"]
    assert [s.layer for s in fig.layout.shapes] == ["below"]
    short = coverage.coverage_by_region(region_frame().assign(coverage=[0.2, 0.3, NAN, 0.75]), "id", title="T", x_title="X",
                                        pilot_label="Pilot", comparison_label="Pembanding", ratio_word="{num}/{den}",
                                        small_label="⚠")
    assert list(short.data[0].textposition) == ["outside", "inside"]  # 20 %: written after the bar


def test_coverage_by_program_is_a_region_by_programme_grid():
    frame = pd.DataFrame({
        "region_name": ["A", "A", "B"], "program": ["PKH", "SEMBAKO", "PKH"],
        "coverage": [0.5, 0.25, 0.8], "eligible_covered": [5, 5, 8], "eligible_families": [10, 20, 10],
        "coverage_small": [True, False, False],
    })
    fig = coverage.coverage_by_program(frame, "en", title="T", x_title="Programme", colour_title="Coverage",
                                       ratio_word="{num} of {den}", empty_text="–")
    heat = fig.data[0]
    assert list(heat.x) == ["PKH", "SEMBAKO"] and list(heat.y) == ["A", "B"]
    assert [list(r) for r in heat.z] == [[0.5, 0.25], [0.8, None]]
    assert [list(r) for r in heat.text] == [["50.0% ⚠", "25.0%"], ["80.0%", "–"]]
    assert "5 of 20" in heat.customdata[0][1]
    assert (heat.zmin, heat.zmax) == (0, 1)


def tranche_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "year": [2026, 2026], "tranche": [1, 2], "recipients": [100, 80],
        "allocated_amount": [60_000_000, 48_000_000], "disbursed_amount": [54_000_000, 24_000_000],
        "disbursement_rate": [0.9, 0.5], "paid_families": [90, 40], "disbursement_rate_families": [0.9, 0.5],
        "timely_families": [70, 20], "timeliness": [0.7, 0.25],
    })


def test_allocated_vs_paid_groups_rupiah_bars_and_a_rate_line_on_a_second_axis():
    fig = coverage.allocated_vs_paid(
        tranche_frame(), "id", title="Alokasi", x_title="Tahap", y_title="Nilai (Rp)", y2_title="Realisasi (%)",
        allocated_label="Dialokasikan", paid_label="Tersalur", rate_label="Realisasi", selected=(2026, 2),
    )
    allocated, paid, rate = fig.data
    assert (allocated.type, paid.type, rate.type) == ("bar", "bar", "scatter")
    assert fig.layout.barmode == "group" and rate.yaxis == "y2"
    assert fig.layout.yaxis2.tickformat == ".0%" and fig.layout.yaxis2.title.text == "Realisasi (%)"
    assert fig.layout.yaxis.title.text == "Nilai (Rp)"
    assert "Rp 20,0 jt" in fig.layout.yaxis.ticktext  # rupiah ticks, Indonesian units
    assert paid.customdata[0] == "Rp 54.000.000"
    assert rate.customdata[1] == "50,0% (Rp 24,0 jt / Rp 48,0 jt)"
    assert paid.marker.color == coverage.PAID_COLOUR


def test_rupiah_axis_ticks():
    axis = coverage.rupiah_axis(7_700_000_000, "id")
    assert axis["tickvals"] == [0, 2e9, 4e9, 6e9, 8e9]
    assert axis["ticktext"] == ["0", "Rp 2,0 M", "Rp 4,0 M", "Rp 6,0 M", "Rp 8,0 M"]
    assert coverage.rupiah_axis(0, "id") == {"rangemode": "tozero"}


def test_payment_status_stacks_shares_in_status_order():
    frame = pd.DataFrame({
        "year": [2026] * 4, "tranche": [1] * 4, "status": ["proses", "tersalur", "gagal", "retur"],
        "status_order": [4, 1, 2, 3], "families": [5, 80, 10, 5], "recipients": [100] * 4,
        "share": [0.05, 0.8, 0.1, 0.05],
    })
    labels = {"tersalur": "Paid", "gagal": "Failed", "retur": "Returned", "proses": "Pending"}
    fig = coverage.payment_status(frame, "en", title="Status", x_title="Tranche", y_title="% of families",
                                  status_labels=labels, ratio_word="{num} of {den} families")
    assert [t.name for t in fig.data] == ["Paid", "Failed", "Returned", "Pending"]
    assert fig.layout.barmode == "stack" and fig.layout.yaxis.tickformat == ".0%"
    assert fig.data[1].customdata[0] == "10.0% · 10 of 100 families"
    assert fig.data[0].marker.color == coverage.STATUS_COLOURS["tersalur"]
    assert effective(fig, "legend")["traceorder"] == "normal"


def test_channel_mix_labels_amount_and_share_and_names_a_missing_institution():
    frame = pd.DataFrame({
        "institution": ["BRI", None], "recipients": [10, 5], "paid_families": [9, 4],
        "disbursed_amount": [3_000_000, 1_000_000], "share": [0.75, 0.25],
    })
    fig = coverage.channel_mix(frame, "id", title="Lembaga", x_title="Nilai tersalur (Rp)",
                               unknown_label="Tidak disebutkan", ratio_word="{num} dari {den} dibayar")
    bar = fig.data[0]
    assert list(bar.y) == ["Tidak disebutkan", "BRI"]
    assert list(bar.text) == ["Rp 1,0 jt · 25,0%", "Rp 3,0 jt · 75,0%"]
    assert "4 dari 5 dibayar" in bar.customdata[0]
    assert fig.layout.xaxis.title.text == "Nilai tersalur (Rp)"


def test_timeliness_draws_on_time_and_paid_with_their_counts():
    fig = coverage.timeliness(tranche_frame(), "en", title="On time", x_title="Tranche", y_title="% of families",
                              timely_label="Paid within 30 days", paid_label="Paid (any time)", ratio_word="{num} of {den}")
    timely, paid = fig.data
    assert (timely.name, paid.name) == ("Paid within 30 days", "Paid (any time)")
    assert list(timely.y) == [0.7, 0.25]
    assert timely.customdata[1] == "25.0% · 20 of 80"
    assert list(timely.text) == ["70%", "25%"]
    assert fig.layout.yaxis.tickformat == ".0%" and fig.layout.title.text == "On time"


def test_kecamatan_bars_name_the_rows_without_a_kecamatan_code():
    frame = pd.DataFrame({
        "kecamatan_code": ["18.72.01", None], "kecamatan_name": ["Metro Pusat", None],
        "eligible_families": [40, 10], "eligible_covered": [30, 2], "coverage": [0.75, 0.2],
        "coverage_small": [False, True], "allocated_amount": [1_000_000, 500_000],
        "disbursed_amount": [900_000, 250_000], "disbursement_rate": [0.9, 0.5],
    })
    fig = coverage.kecamatan_bars(frame, "id", metric="coverage", title="Per kecamatan", x_title="Cakupan (%)",
                                  null_label="(tanpa kode kecamatan)", ratio_word="{num} dari {den}", small_label="⚠")
    bar = fig.data[0]
    assert list(bar.y) == ["(tanpa kode kecamatan)", "Metro Pusat"]
    assert list(bar.text) == ["20,0% ⚠", "75,0%"]
    assert "2 dari 10" in bar.customdata[0]
    money = coverage.kecamatan_bars(frame, "id", metric="disbursement_rate", title="T", x_title="Realisasi (%)",
                                    null_label="(tanpa kode)", ratio_word="{num} dari {den}", small_label="⚠",
                                    colour=theme.COMPARISON)
    assert money.data[0].customdata[1] == "<b>Metro Pusat</b> (18.72.01)<br>90,0% · Rp 900.000 dari Rp 1,0 jt"
    assert money.data[0].marker.color == theme.COMPARISON


def test_readable_map_adds_halos_and_a_horizontal_colour_bar():
    from bansos.charts import maps

    frame = region_frame().assign(province_code=["18", "18", "18", "35"], lat=[-5.1, -5.4, -5.4, -7.5],
                                  lon=[105.3, 105.3, 105.1, 112.4], exclusion_error=[0.2, 0.7, NAN, 0.25])
    fig, used = maps.region_map(frame, "exclusion_error", "Exclusion", "Peta", "id", geo_dir=None)
    assert used is False
    fig = overview.readable_map(fig, frame)
    points = [t for t in fig.data if t.type == "scattermap"]
    halo, dots = points[-2], points[-1]
    assert halo.hoverinfo == "skip" and dots.marker.showscale
    assert list(dots.marker.size) == [18, 12, 12, 18]  # pilots larger
    assert list(halo.marker.size) == [22, 16, 16, 22]
    assert dots.marker.colorbar.orientation == "h"


def effective(fig, part: str) -> dict:
    """A layout part as plotly draws it: the template's, then the figure's own."""
    merged = fig.layout.template.layout[part].to_plotly_json()
    merged.update(fig.layout[part].to_plotly_json())
    return merged


@pytest.mark.parametrize("builder", ["trend", "coverage_by_region"])
def test_legend_sits_under_the_plot_and_the_title_under_the_toolbar(builder):
    # On a phone a legend above the plot wrapped into the title, and the
    # chart's toolbar covered the title: the legend goes to the foot of the
    # figure (plotly then pushes the plot up), the title leaves the toolbar room.
    fig = build_trend() if builder == "trend" else coverage.coverage_by_region(
        region_frame(), "id", title="T", x_title="X", pilot_label="P", comparison_label="C", ratio_word="{num}/{den}",
        small_label="⚠")
    legend, title = effective(fig, "legend"), effective(fig, "title")
    assert (legend["yref"], legend["y"], legend["yanchor"]) == ("container", 0, "bottom")
    assert (title["yref"], title["y"], title["yanchor"]) == ("container", 1, "top")
    assert title["pad"]["t"] == theme.TOOLBAR_ROOM and title["automargin"] is True
