"""Strings of the public view (app_pages/publik/)."""

STRINGS = {
    "publik.building": ("Menyiapkan tampilan publik…", "Preparing the public view…"),
    "publik.context": (
        "**{program}** · {period} · semua wilayah pilot · snapshot register terbaru ({snapshot}) · basis desil",
        "**{program}** · {period} · all pilot regions · latest register snapshot ({snapshot}) · decile basis",
    ),
    "publik.amounts": ("{paid} dari {allocated} tersalur", "{paid} of {allocated} paid"),
    "publik.all_pilots": ("Semua wilayah pilot", "All pilot regions"),
    "publik.tiles.note": (
        "Angka di kotak adalah total semua wilayah pilot. «< {k}»: kurang dari {k} keluarga; «—»: disembunyikan agar "
        "angka kecil tidak dapat dihitung dari angka lain.",
        "The tiles are totals of all pilot regions. “< {k}”: fewer than {k} families; “—”: hidden so that a small "
        "number cannot be worked out from the others.",
    ),
    "publik.table.heading": ("Per wilayah pilot", "By pilot region"),
    "publik.table.note": (
        "Baris yang ditampilkan mengikuti filter wilayah; total selalu untuk semua wilayah pilot (total sebagian "
        "wilayah tidak diterbitkan, karena dapat membuka angka yang disembunyikan).",
        "The rows follow the region filter; totals are always of all pilot regions (totals of some regions are not "
        "published, as they could reveal hidden numbers).",
    ),
    "publik.none": (
        "Belum ada angka yang dapat diterbitkan untuk program dan tahap ini.",
        "No figures can be published yet for this programme and tranche.",
    ),
    "publik.hidden_regions": (
        "Tidak digambar (angkanya disembunyikan): {names}.",
        "Not drawn (their figure is hidden): {names}.",
    ),
    "publik.col.year": ("Tahun", "Year"),
    "publik.col.excluded_families": ("Keluarga layak yang tidak menerima", "Eligible families not receiving"),
    "publik.col.ineligible_recipients": ("Penerima tidak layak", "Recipients not eligible"),
    "publik.col.paid_families": ("Keluarga dibayar", "Families paid"),
    "publik.col.timely_families": ("Keluarga dibayar tepat waktu", "Families paid on time"),
    # pages
    "publik.ringkasan.intro": (
        "Indikator utama wilayah pilot digitalisasi bansos: cakupan, kesalahan sasaran dan realisasi penyaluran, "
        "dengan angka kecil disamarkan.",
        "The headline indicators of the bansos digitalisation pilot regions: coverage, targeting errors and "
        "disbursement, with small numbers suppressed.",
    ),
    "publik.cakupan.intro": (
        "Dari keluarga yang layak, berapa yang menerima; dari dana yang dialokasikan, berapa yang tersalur dan tepat "
        "waktu, per wilayah pilot.",
        "Of the families who are eligible, how many receive; of the money allocated, how much was paid, and on time, "
        "per pilot region.",
    ),
    "publik.sasaran.intro": (
        "Keluarga layak yang tidak menerima (exclusion error) dan penerima yang tidak layak (inclusion error), per "
        "wilayah pilot.",
        "Eligible families who do not receive (exclusion error) and recipients who are not eligible (inclusion "
        "error), per pilot region.",
    ),
    "publik.perbandingan.intro": (
        "Wilayah pilot diurutkan menurut satu indikator. Hanya angka yang diterbitkan yang diurutkan; wilayah yang "
        "angkanya disembunyikan disebut di bawah grafik.",
        "The pilot regions ordered by one indicator. Only published figures are ordered; regions whose figure is "
        "hidden are named under the chart.",
    ),
    "publik.perbandingan.order": ("Urutan", "Order"),
    "publik.perbandingan.order.help": (
        "1 = terbaik di antara wilayah pilot yang angkanya diterbitkan untuk indikator ini.",
        "1 = best among the pilot regions whose figure is published for this indicator.",
    ),
    "publik.perbandingan.unranked": ("tidak diurutkan", "not ordered"),
    "publik.ekspor.intro": (
        "Indikator wilayah pilot tampilan publik, untuk diolah sendiri: angka yang disamarkan dikosongkan dan "
        "disebut di kolom `withheld`. Total semua wilayah pilot ada di baris «ALL».",
        "The public view's pilot region indicators, to work with yourself: withheld figures are left empty and "
        "named in the column `withheld`. The total of all pilot regions is the row “ALL”.",
    ),
    "publik.ekspor.rows": ("{rows} baris", "{rows} {rows|row|rows}"),
    "publik.pendaftaran.intro": (
        "Pendaftaran baru di wilayah pilot, keputusan kelayakan dan sanggahan, dengan angka kecil disamarkan. Siapa "
        "yang kemudian menerima program ada di halaman Cakupan & Penyaluran.",
        "New registrations in the pilot regions, eligibility decisions and appeals, with small numbers suppressed. "
        "Who then receives a programme is on the Coverage & Disbursement page.",
    ),
    "publik.pendaftaran.context": (
        "Semua wilayah pilot dengan data pendaftaran · snapshot register terbaru ({snapshot})",
        "All pilot regions with registration data · latest register snapshot ({snapshot})",
    ),
    "publik.pendaftaran.funnel.heading": ("Alur pendaftaran", "Registration funnel"),
    "publik.pendaftaran.funnel.title": ("Alur pendaftaran · semua wilayah pilot", "Registration funnel · all pilot regions"),
    "publik.hidden_steps": ("Tidak digambar (angkanya disembunyikan): {names}.", "Not drawn (their figure is hidden): {names}."),
    "publik.funnel.new_registrations": ("Pendaftaran baru", "New registrations"),
    "publik.funnel.channel_mandiri": ("Daftar mandiri (keluarga)", "Self-registered (families)"),
    "publik.funnel.self_registered_share": ("Daftar mandiri", "Self-registered"),
    "publik.funnel.decided": ("Sudah diputus", "Decided"),
    "publik.funnel.layak": ("Layak", "Eligible"),
    "publik.funnel.layak_rate": ("Diputus layak", "Decided eligible"),
    "publik.funnel.tidak_layak": ("Tidak layak", "Not eligible"),
    "publik.funnel.appealed": ("Mengajukan sanggah", "Appealed"),
    "publik.funnel.upheld": ("Sanggahan diterima", "Appeals upheld"),
    "publik.funnel.upheld_rate": ("Sanggahan diterima (%)", "Appeals upheld (%)"),
    "publik.funnel.final_layak": ("Layak akhir", "Eligible in the end"),
}
