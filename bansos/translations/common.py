"""Strings shared by every page: navigation, filters, banners, empty states."""

STRINGS = {
    "app.title": ("Dasbor Pemantauan Digitalisasi Bansos", "Bansos Digitalisation Monitoring Dashboard"),
    "app.subtitle": (
        "Pilot 2026: cakupan, ketepatan sasaran dan perbandingan wilayah",
        "2026 pilot: coverage, targeting accuracy and region comparison",
    ),
    # navigation
    "nav.ringkasan": ("Ringkasan", "Overview"),
    "nav.cakupan": ("Cakupan & Penyaluran", "Coverage & Disbursement"),
    "nav.sasaran": ("Ketepatan Sasaran", "Targeting Accuracy"),
    "nav.perbandingan": ("Perbandingan Wilayah", "Region Comparison"),
    "nav.pendaftaran": ("Pendaftaran & Sanggah", "Registration & Appeals"),
    "nav.ekspor": ("Ekspor Data", "Data Export"),
    "nav.kualitas": ("Kualitas Data", "Data Quality"),
    "nav.metodologi": ("Metodologi", "Methodology"),
    "nav.section.monitor": ("Pemantauan", "Monitoring"),
    "nav.section.data": ("Data", "Data"),
    # filters
    "filter.language": ("Bahasa / Language", "Bahasa / Language"),
    "filter.language.what": ("bahasa", "language"),
    "filter.heading": ("Filter", "Filters"),
    "filter.unused": (
        "Halaman ini tidak memakai filter di bawah: isinya mencakup semua wilayah dalam hak akses Anda. "
        "Filter tetap tersimpan untuk halaman lain.",
        "This page does not use the filters below: it covers every region within your access. "
        "The filters are kept for the other pages.",
    ),
    "filter.province": ("Provinsi", "Province"),
    "filter.province.all": ("Semua provinsi", "All provinces"),
    "filter.group": ("Kelompok wilayah", "Region group"),
    "filter.group.pilot": ("Pilot", "Pilots"),
    "filter.group.comparison": ("Pembanding", "Comparison"),
    "filter.group.all": ("Semua", "All"),
    "filter.regions": ("Kabupaten/kota", "Regencies/cities"),
    "filter.regions.placeholder": ("Semua dalam kelompok", "All in the group"),
    "filter.regions.all": ("semua wilayah dalam kelompok", "every region of the group"),
    "filter.program": ("Program", "Programme"),
    "filter.period": ("Tahap", "Tranche"),
    "filter.snapshot": ("Snapshot register", "Register snapshot"),
    "filter.snapshot.help": (
        "Setiap wilayah memakai snapshot register terakhirnya pada atau sebelum tanggal ini.",
        "Each region uses its latest register snapshot on or before this date.",
    ),
    "filter.basis": ("Basis kelayakan", "Eligibility basis"),
    "filter.basis.desil": ("Desil DTSEN", "DTSEN decile"),
    "filter.basis.layak": ("Keputusan layak", "Eligibility decision"),
    "filter.basis.help": (
        "Desil: layak bila desil ≤ ambang program. Keputusan: layak bila diputus layak atau sanggahan diterima (hanya wilayah dengan data pendaftaran).",
        "Decile: eligible when decile ≤ the programme threshold. Decision: eligible when decided eligible (layak) or appeal upheld (only regions with registration data).",
    ),
    "filter.share": (
        "Tautan di bilah alamat menyimpan semua filter, termasuk tahap dan snapshot: salin untuk berbagi tampilan dengan "
        "angka yang sama, dalam bahasa apa pun.",
        "The link in the address bar keeps every filter, tranche and snapshot included: copy it to share this view with "
        "the same figures, in either language.",
    ),
    # links that ask for something the app cannot show
    "url.notice.unknown": (
        "Tautan ini meminta {what} «{value}», yang tidak dikenal atau tidak ada di data. Ditampilkan: {instead}.",
        "This link asks for {what} “{value}”, which is unknown or not in the data. Shown instead: {instead}.",
    ),
    "url.notice.not_in_view": (
        "Tautan ini meminta {what} «{value}», yang tidak termasuk provinsi atau kelompok wilayah terpilih. "
        "Ditampilkan: {instead}.",
        "This link asks for {what} “{value}”, which is not in the chosen province or region group. Shown instead: "
        "{instead}.",
    ),
    "url.notice.outside": (
        "Tautan ini meminta {what} «{value}», yang di luar akses Anda: angkanya tidak ditampilkan. Ditampilkan: {instead}.",
        "This link asks for {what} “{value}”, which is outside your access: its figures are not shown. Shown instead: "
        "{instead}.",
    ),
    "url.instead.none": ("tidak ada pilihan", "no choice"),
    "error.query": (
        "Sebagian data halaman ini tidak dapat dibaca dari gudang data. Muat ulang halaman; bila masih terjadi, hubungi "
        "pengelola data (rinciannya tercatat di log server).",
        "Part of this page's data could not be read from the warehouse. Reload the page; if it happens again, contact "
        "the data team (the details are in the server log).",
    ),
    "period.label": ("Tahap {tranche} {year}", "Tranche {tranche} {year}"),
    "period.short": ("T{tranche} {year}", "T{tranche} {year}"),
    # banners
    "banner.demo": (
        "**Data sintetis (demo)** — angka di halaman ini dibuat oleh generator data contoh, bukan data penyaluran yang sebenarnya.",
        "**Synthetic (demo) data** — the figures on this page come from the sample-data generator, not real disbursement data.",
    ),
    "banner.source": ("Sumber: {source} · dimuat terakhir {when}", "Source: {source} · last load {when}"),
    "banner.source.demo": ("gudang data demo", "the demo warehouse"),
    "banner.source.real": ("gudang data", "the warehouse"),
    "banner.rule": ("Aturan kelayakan: {rule}", "Eligibility rule: {rule}"),
    "rule.desil": ("basis desil DTSEN — {items}", "DTSEN decile basis — {items}"),
    "rule.desil.item": ("{program}: desil ≤ {max_desil}", "{program}: decile ≤ {max_desil}"),
    "rule.layak": (
        "basis keputusan — layak atau sanggahan diterima; wilayah tanpa data pendaftaran tidak punya indikator pada basis ini",
        "decision basis — decided eligible (layak) or appeal upheld; regions without registration data have no indicators on this basis",
    ),
    "rule.source": ("Ambang setiap program dan sumbernya: lihat Metodologi.",
                    "Each programme's threshold and its source: see Methodology."),
    # empty states
    "empty.no_warehouse": (
        "Belum ada gudang data. Jalankan `make run` untuk data demo, atau muat ekstrak dengan `python -m bansos ingest FILE…`.",
        "No warehouse yet. Run `make run` for demo data, or load extracts with `python -m bansos ingest FILE…`.",
    ),
    # Said to everyone; then what to do: the upload page to those who may load
    # (the command line after it, for operators), else who does it.
    "empty.no_data": (
        "Gudang data masih kosong: belum ada ekstrak keluarga atau penyaluran yang dimuat.",
        "The warehouse is empty: no register or disbursement extract has been loaded yet.",
    ),
    "empty.no_data.upload": (
        "Muat ekstrak di halaman **Unggah Data** (tautan di bawah), atau dari baris perintah dengan "
        "`python -m bansos ingest FILE…`; halaman ini terisi sesudah muat pertama.",
        "Load extracts on the **Upload Data** page (link below), or from the command line with "
        "`python -m bansos ingest FILE…`; this page fills after the first load.",
    ),
    "empty.no_data.wait": (  # also the public view's words: no "your office"
        "Ekstrak dimuat oleh operator data; halaman ini terisi sesudah muat pertama.",
        "Extracts are loaded by the data operators; this page fills after the first load.",
    ),
    "empty.no_data.link": ("Buka Unggah Data", "Open Upload Data"),
    "empty.no_allocations": (
        "Belum ada data penyaluran. Muat ekstrak penyaluran (bank / PT Pos) untuk melihat indikator ini.",
        "No disbursement data yet. Load allocation extracts (banks / PT Pos) to see this indicator.",
    ),
    "empty.no_register": (
        "Belum ada register keluarga untuk tanggal ini, jadi indikator berbasis register kosong. Muat ekstrak keluarga atau pilih snapshot lain.",
        "No family register for this date, so register-based indicators are empty. Load register extracts or pick another snapshot.",
    ),
    "empty.no_match": (
        "Tidak ada data untuk filter ini. Ubah provinsi, kelompok wilayah atau tahap di panel kiri.",
        "No data for these filters. Change the province, region group or tranche in the left panel.",
    ),
    "empty.no_regions": ("Tidak ada wilayah dalam pilihan ini.", "No regions in this selection."),
    # shared words
    "word.pilot": ("Pilot", "Pilot"),
    "word.comparison": ("Pembanding", "Comparison"),
    "word.region": ("Wilayah", "Region"),
    "word.code": ("Kode", "Code"),
    "word.province": ("Provinsi", "Province"),
    "word.kecamatan": ("Kecamatan", "District (kecamatan)"),
    "word.program": ("Program", "Programme"),
    "word.period": ("Tahap", "Tranche"),
    "word.families": ("keluarga", "families"),
    "word.of": ("dari", "of"),
    "word.ratio": ("{num} / {den}", "{num} / {den}"),
    "word.target": ("Target", "Target"),
    "word.previous": ("tahap sebelumnya", "previous tranche"),
    "word.small_n": ("⚠ kurang dari {n} keluarga", "⚠ fewer than {n} families"),
    # Regions of one view can use registers of different dates (each its latest
    # on or before the snapshot chosen): said wherever regions are compared.
    "word.registers_differ": (
        "Register yang dipakai berbeda tanggal: {dates}. Setiap wilayah memakai snapshot registernya yang terakhir "
        "pada atau sebelum {as_of}; perbandingan antarwilayah membandingkan register tanggal berbeda.",
        "The registers in use differ in date: {dates}. Each region uses its latest register snapshot on or before "
        "{as_of}, so regions are compared on registers of different dates.",
    ),
    "word.registers_differ.part": ("{date} untuk {n} wilayah", "{date} for {n} {n|region|regions}"),
    "word.small_n.note.recipients": (
        "⚠ = angka dihitung dari kurang dari {n} penerima: tidak stabil dan tidak dimasukkan dalam peringkat.",
        "⚠ = rate computed on fewer than {n} recipients: unstable and left out of rankings.",
    ),
    "word.small_n.note": (
        "⚠ = angka dihitung dari kurang dari {n} keluarga: tidak stabil dan tidak dimasukkan dalam peringkat.",
        "⚠ = rate computed on fewer than {n} families: unstable and left out of rankings.",
    ),
    "word.list": ("{items} dan {last}", "{items} and {last}"),
    "word.lower_better": ("semakin rendah semakin baik", "lower is better"),
    "word.higher_better": ("semakin tinggi semakin baik", "higher is better"),
    "word.no_better": ("tidak ada arah yang lebih baik (gambaran keadaan, bukan target)",
                       "neither higher nor lower is better (a description, not a target)"),
    # pilot-list statuses: one word each, on every page
    "word.status.confirmed": ("terkonfirmasi", "confirmed"),
    "word.status.reported": ("diberitakan", "reported"),
    "word.status.uncertain": ("belum pasti", "uncertain"),
    # how a difference in differences reads (from the indicator records)
    "did.better.negative": ("DiD negatif lebih baik untuk {metrics} (galat pilot turun lebih banyak)",
                            "a negative DiD is better for {metrics} (the pilot's error fell more)"),
    "did.better.positive": ("DiD positif lebih baik untuk {metrics} (pilot naik lebih banyak)",
                            "a positive DiD is better for {metrics} (the pilot rose more)"),
    "did.help.negative": (
        "Perubahan {metric} di pilot dikurangi perubahannya di pembanding. Negatif: pilot membaik lebih banyak (lebih baik).",
        "The change of {metric} in the pilot minus its change in the comparison group. Negative: the pilot improved "
        "more (better).",
    ),
    "did.help.positive": (
        "Perubahan {metric} di pilot dikurangi perubahannya di pembanding. Positif: pilot naik lebih banyak (lebih baik).",
        "The change of {metric} in the pilot minus its change in the comparison group. Positive: the pilot rose more "
        "(better).",
    ),
    "word.unknown": ("tidak diketahui", "unknown"),
    "word.none": ("tidak ada", "none"),
    "word.yes": ("ya", "yes"),
    "word.no": ("tidak", "no"),
    "tile.vs.period": ("vs {period}", "vs {period}"),
    "target.line": ("Target {year}: < {value}", "Target {year}: < {value}"),
    "target.next": ("Target berikutnya: < {value}", "Next target: < {value}"),
    "download.csv": ("Unduh CSV", "Download CSV"),
    "download.csv_id": ("Unduh CSV untuk Excel (Indonesia)", "Download CSV for Excel (Indonesia)"),
    "download.xlsx": ("Unduh Excel (.xlsx)", "Download Excel (.xlsx)"),
    "download.parquet": ("Unduh Parquet", "Download Parquet"),
    "download.note": (
        "File dibuat saat tombol diklik dan memuat filter, versi data serta definisi kolom.",
        "Files are built when clicked and carry the filters, data version and column definitions.",
    ),
}
