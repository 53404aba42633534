"""Strings of the Pendaftaran & Sanggah (registration funnel) page."""

STRINGS = {
    "pendaftaran.intro": (
        "Dari pendaftaran baru sampai pembayaran: lewat kanal apa keluarga mendaftar, berapa yang diputus layak, berapa "
        "yang menyanggah dan diterima, dan berapa yang akhirnya menerima dan dibayar.",
        "From new registration to payment: through which channel families register, how many are found eligible, how "
        "many appeal and win, and how many finally receive the programme and are paid.",
    ),
    "pendaftaran.scope": (
        "Register: snapshot terakhir tiap wilayah pada atau sebelum {snapshot}. Penerima dan pembayaran: {program}, {period}. "
        "Halaman ini tidak memakai basis kelayakan: ia mengikuti keputusan layak / tidak layak dan sanggahan yang tercatat.",
        "Register: each region's latest snapshot on or before {snapshot}. Recipients and payments: {program}, {period}. "
        "This page does not use the eligibility basis: it follows the eligibility decisions (layak / tidak layak) and appeals recorded.",
    ),
    "pendaftaran.none": (
        "Tidak ada data pendaftaran untuk wilayah yang dipilih pada snapshot ini. Data pendaftaran (kanal, keputusan, "
        "sanggah) hanya ada di register wilayah pilot; wilayah pembanding hanya punya data DTSEN.",
        "No registration data for the regions chosen at this snapshot. Registration data (channel, decision, appeal) "
        "exists only in the pilot regions' registers; comparison regions have DTSEN data only.",
    ),
    # What may show some, said only where it can (words.no_registration_data).
    "pendaftaran.none.pilots": ("Pilih kelompok **Pilot** di panel kiri.", "Choose the **Pilots** group in the left panel."),
    "pendaftaran.none.later": ("Pilih snapshot register yang lebih baru di panel kiri.",
                               "Choose a later register snapshot in the left panel."),
    "pendaftaran.none.both": ("Pilih kelompok **Pilot** atau snapshot register yang lebih baru di panel kiri.",
                              "Choose the **Pilots** group or a later register snapshot in the left panel."),
    "pendaftaran.without": (
        "Tanpa data pendaftaran (tidak ditampilkan, bukan nol): {regions}.",
        "No registration data (left out, not zero): {regions}.",
    ),
    "pendaftaran.regions_used": (
        "Dihitung dari {n} wilayah dengan data pendaftaran; angka dijumlahkan antarwilayah lalu dibagi.",
        "Computed over {n} {n|region|regions} with registration data; counts are added over regions, then divided.",
    ),
    "pendaftaran.region_used": (
        "Dihitung dari data pendaftaran {region}.",
        "Computed from the registration data of {region}.",
    ),
    # No final-layak new registrant allocated the programme in the tranche: said in words,
    # since the funnel draws a step of 0 as an empty bar.
    "pendaftaran.none_received": (
        "Tidak ada pendaftar baru yang layak akhir yang dialokasikan {program} pada {period}. Pendaftar di register "
        "{snapshot} hanya dapat menerima tahap yang disalurkan sesudah mereka terdaftar: untuk tahap yang lebih awal, "
        "0 bukan tanda kegagalan.",
        "No new registrant eligible in the end was allocated {program} in {period}. Registrants in the {snapshot} register can "
        "only receive tranches paid after they registered: for an earlier tranche, 0 is not a failure.",
    ),
    "pendaftaran.none_received.later": ("Pilih tahap yang lebih baru di panel kiri.", "Choose a later tranche in the left panel."),
    # tiles
    "pendaftaran.tile.new": ("Pendaftaran baru", "New registrations"),
    "pendaftaran.tile.new.caption": ("keluarga, lewat mandiri, agen, musdes atau dinsos", "families, via self, agent, village or office"),
    "pendaftaran.tile.self": ("Daftar mandiri", "Self-registered"),
    "pendaftaran.tile.layak": ("Diputus layak", "Decided eligible"),
    "pendaftaran.tile.upheld": ("Sanggahan diterima", "Appeals upheld"),
    "pendaftaran.tile.received": ("Menerima {program}", "Receiving {program}"),
    "pendaftaran.tile.received.help": (
        "Pendaftar baru yang layak akhir (layak + sanggahan diterima) dan dialokasikan {program} pada {period}, dibagi "
        "semua pendaftar baru yang layak akhir. Tidak semua yang layak memenuhi syarat setiap program.",
        "New registrants eligible in the end (decided eligible, or appeal upheld) and allocated {program} in {period}, "
        "divided by all new registrants eligible in the end. Not every eligible family qualifies for every programme.",
    ),
    # funnel
    "pendaftaran.funnel.title": ("Corong pendaftaran · {program} {period}", "Registration funnel · {program} {period}"),
    "pendaftaran.funnel.x": ("Keluarga (jumlah)", "Families (count)"),
    "pendaftaran.funnel.read": (
        "Setiap batang: jumlah keluarga · persentase dari langkah yang disebut di bawah namanya. Biru = jalur utama (setiap langkah bagian "
        "dari langkah sebelumnya); hijau = layak pada keputusan pertama; merah-jingga = cabang tidak layak dan sanggahan. "
        "Layak akhir = layak + sanggahan diterima.",
        "Each bar: families · share of the step named under it. Blue = main path (each step a subset of the one before); green = "
        "eligible at the first decision; red-orange = the not-eligible branch and appeals. Eligible in the end = eligible + appeal upheld.",
    ),
    "pendaftaran.step.new_registrations": ("Pendaftaran baru", "New registrations"),
    "pendaftaran.step.decided": ("Sudah diputus", "Decided"),
    "pendaftaran.step.layak": ("Layak (keputusan awal)", "Eligible (first decision)"),
    "pendaftaran.step.tidak_layak": ("Tidak layak", "Not eligible"),
    "pendaftaran.step.appealed": ("Mengajukan sanggah", "Appealed"),
    "pendaftaran.step.upheld": ("Sanggahan diterima", "Appeal upheld"),
    "pendaftaran.step.final_layak": ("Layak akhir", "Eligible in the end"),
    "pendaftaran.step.recipients": ("Penerima {program}", "{program} recipients"),
    "pendaftaran.step.paid": ("Sudah dibayar", "Paid"),
    "pendaftaran.base.new_registrations": ("pendaftaran baru", "new registrations"),
    "pendaftaran.base.decided": ("yang diputus", "decided"),
    "pendaftaran.base.tidak_layak": ("tidak layak", "not eligible"),
    "pendaftaran.base.appealed": ("sanggahan", "appeals"),
    "pendaftaran.base.final_layak": ("layak akhir", "eligible in the end"),
    "pendaftaran.base.recipients": ("penerima", "recipients"),
    "pendaftaran.register_apart": (
        "Tidak dihitung sebagai pendaftaran baru: {dtsen} keluarga yang sudah ada di DTSEN (kanal dtsen) dan {blank} "
        "keluarga tanpa kanal tercatat.",
        "Not counted as new registrations: {dtsen} {dtsen|family|families} already in DTSEN (channel dtsen) and {blank} "
        "{blank|family|families} with no channel recorded.",
    ),
    "pendaftaran.register_apart.dtsen": (
        "Tidak dihitung sebagai pendaftaran baru: {dtsen} keluarga yang sudah ada di DTSEN (kanal dtsen).",
        "Not counted as new registrations: {dtsen} {dtsen|family|families} already in DTSEN (channel dtsen).",
    ),
    # channels
    "pendaftaran.channels.heading": ("Kanal pendaftaran", "Registration channels"),
    "pendaftaran.channels.title": ("Pendaftaran baru menurut kanal", "New registrations by channel"),
    "pendaftaran.channels.x": ("Bagian dari pendaftaran baru (%)", "Share of new registrations (%)"),
    "pendaftaran.channels.all": ("Semua wilayah terpilih", "All regions chosen"),
    "pendaftaran.channels.hover": (
        "{channel}: {share} ({families} dari {total} pendaftaran baru)",
        "{channel}: {share} ({families} of {total} new registrations)",
    ),
    "pendaftaran.channels.reference": ("Banyuwangi 2025 (dilaporkan): ±30% mandiri", "Banyuwangi 2025 (reported): ~30% self"),
    "pendaftaran.channels.read": (
        "Apakah keluarga mendaftar sendiri di aplikasi, atau didaftarkan agen? Uji coba Banyuwangi 2025 dilaporkan sekitar "
        "30% mandiri dan 70% lewat agen (garis titik-titik). Diurutkan menurut bagian mandiri.",
        "Do families register themselves in the app, or do agents register them? Banyuwangi's 2025 trial reportedly had "
        "about 30% self-registration and 70% through agents (dotted line). Sorted by self-registered share.",
    ),
    "pendaftaran.channel.mandiri": ("Mandiri (aplikasi)", "Self (app)"),
    "pendaftaran.channel.agen": ("Agen / pendamping", "Field agent"),
    "pendaftaran.channel.musdes": ("Musyawarah desa", "Village meeting (musdes)"),
    "pendaftaran.channel.dinsos": ("Dinas sosial", "Social affairs office (dinsos)"),
    # appeals
    "pendaftaran.appeals.heading": ("Sanggahan", "Appeals"),
    "pendaftaran.appeals.title": ("Sanggahan per wilayah", "Appeals by region"),
    "pendaftaran.appeals.x": ("Sanggahan (jumlah keluarga)", "Appeals (families)"),
    "pendaftaran.appeals.upheld": ("Diterima", "Upheld"),
    "pendaftaran.appeals.rejected": ("Ditolak", "Rejected"),
    "pendaftaran.appeals.appealed": ("Diajukan (semua)", "Lodged (all)"),
    "pendaftaran.appeals.read": (
        "Batang abu-abu = semua sanggahan yang diajukan; hijau = diterima, merah-jingga = ditolak; sisa abu-abu = masih "
        "diproses. ⚠ pada nama wilayah: kurang dari {n} sanggahan, sehingga bagian yang diterima belum stabil.",
        "Grey bar = all appeals lodged; green = upheld, red-orange = rejected; the grey left over = still pending. ⚠ by a "
        "region's name: fewer than {n} appeals, so its share upheld is unstable.",
    ),
    "pendaftaran.appeals.hover": (
        "Diterima {upheld} dari {appealed} sanggahan ({rate})",
        "Upheld {upheld} of {appealed} appeals ({rate})",
    ),
    "pendaftaran.appeals.none": (
        "Belum ada sanggahan tercatat di wilayah yang dipilih.",
        "No appeals recorded in the regions chosen.",
    ),
    # table
    "pendaftaran.table.heading": ("Per wilayah", "By region"),
    "pendaftaran.table.caption": (
        "Persentase dengan jumlah di sampingnya: mandiri dari pendaftaran baru, layak dari yang diputus, diterima dari "
        "sanggahan. Penerima dan dibayar: pendaftar baru yang layak akhir.",
        "Rates with their counts: self from new registrations, eligible from decided, upheld from appeals. Recipients and "
        "paid: new registrants eligible in the end.",
    ),
    "pendaftaran.col.region": ("Wilayah", "Region"),
    "pendaftaran.col.snapshot": ("Snapshot", "Snapshot"),
    "pendaftaran.col.new": ("Pendaftaran baru", "New registrations"),
    "pendaftaran.col.self": ("Mandiri (% pendaftaran)", "Self (% of registrations)"),
    "pendaftaran.col.self_n": ("Mandiri", "Self"),
    "pendaftaran.col.decided": ("Diputus", "Decided"),
    "pendaftaran.col.layak": ("Layak (% diputus)", "Eligible (% of decided)"),
    "pendaftaran.col.layak_n": ("Layak", "Eligible"),
    "pendaftaran.col.tidak_layak": ("Tidak layak", "Not eligible"),
    "pendaftaran.col.appealed": ("Sanggah", "Appealed"),
    "pendaftaran.col.upheld": ("Sanggahan diterima (% sanggah)", "Upheld (% of appeals)"),
    "pendaftaran.col.upheld_n": ("Sanggahan diterima", "Upheld"),
    "pendaftaran.col.rejected": ("Ditolak", "Rejected"),
    "pendaftaran.col.final_layak": ("Layak akhir", "Eligible in the end"),
    "pendaftaran.col.recipients": ("Penerima {program}", "{program} recipients"),
    "pendaftaran.col.paid": ("Dibayar", "Paid"),
}
