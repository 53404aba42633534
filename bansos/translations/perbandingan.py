"""Strings of the region-comparison page (Perbandingan Wilayah)."""

STRINGS = {
    "perbandingan.intro": (
        "Peringkat wilayah pilot, perbandingan berdampingan dan dari waktu ke waktu, serta setiap pilot terhadap "
        "wilayah pembanding di provinsinya. Salin tautan di bilah alamat untuk membagikan tampilan ini.",
        "The pilots ranked, regions side by side and over time, and each pilot against the comparison regions of its "
        "province. Copy the link in the address bar to share exactly this view.",
    ),
    "perbandingan.context": (
        "**{program}** · {period} · snapshot register {snapshot} · basis: {basis}",
        "**{program}** · {period} · register snapshot {snapshot} · basis: {basis}",
    ),
    "perbandingan.metric.label": ("Indikator untuk peringkat dan tren", "Metric to rank and trend by"),
    "perbandingan.metric.help": (
        "Mengurutkan tabel peringkat dan dipakai pada grafik tren di bawah.",
        "Sorts the league table and is used by the trend charts below.",
    ),
    # league
    "perbandingan.league.heading": ("Peringkat wilayah pilot", "Pilot league table"),
    "perbandingan.league.read": (
        "Diurutkan menurut peringkat {metric}, {period}. Peringkat di antara semua wilayah pilot, apa pun filternya; angka dari "
        "kurang dari {n} keluarga ditandai ⚠, tidak diberi peringkat dan diletakkan di bawah. Klik judul kolom untuk "
        "mengurutkan ulang.",
        "Sorted by the {metric} rank, {period}. Ranks are among all pilot regions, whatever the filter; rates on fewer than {n} "
        "families are flagged ⚠, not ranked and placed at the bottom. Click a column header to re-sort.",
    ),
    "perbandingan.league.no_pilots": (
        "Tidak ada wilayah pilot dalam filter ini. Pilih kelompok wilayah **Pilot** atau **Semua** di panel kiri.",
        "No pilot regions in these filters. Choose the region group **Pilots** or **All** in the left panel.",
    ),
    "perbandingan.league.title": ("Pilot menurut {metric}", "Pilots by {metric}"),
    "perbandingan.league.hover": (
        "<b>{region}</b><br>Peringkat: {rank}<br>{rate} — {ratio}",
        "<b>{region}</b><br>Rank: {rank}<br>{rate} — {ratio}",
    ),
    "perbandingan.unranked": ("tidak diperingkat", "not ranked"),
    "perbandingan.flag.small": ("⚠", "⚠"),
    "perbandingan.tab.table": ("Tabel", "Table"),
    "perbandingan.tab.chart": ("Grafik", "Chart"),
    "perbandingan.col.rank": ("Peringkat", "Rank"),
    "perbandingan.col.rank.help": (
        "Peringkat {metric}: 1 = terbaik di antara semua wilayah pilot. – : angka dari kurang dari {n} keluarga atau "
        "tidak tersedia.",
        "{metric} rank: 1 = best among all pilot regions. – : rate on fewer than {n} families, or not "
        "available.",
    ),
    "perbandingan.col.rank_of": ("Peringkat {metric}", "{metric} rank"),
    "perbandingan.col.status": ("Status pilot", "Pilot status"),
    "perbandingan.col.status.help": (
        "Dari daftar pilot (lihat Metodologi): terkonfirmasi, diberitakan, atau belum pasti.",
        "From the pilot list (see Methodology): confirmed, reported, or uncertain.",
    ),
    "perbandingan.col.ineligible": ("Penerima tidak layak", "Recipients not eligible"),
    "perbandingan.col.metric": ("Indikator", "Metric"),
    "perbandingan.col.inputs": ("{metric}: rincian", "{metric}: inputs"),
    "perbandingan.col.group": ("Kelompok", "Group"),
    "perbandingan.col.num": ("Pembilang {period}", "Numerator {period}"),
    "perbandingan.col.den": ("Penyebut {period}", "Denominator {period}"),
    "perbandingan.col.rate": ("Angka {period}", "Rate {period}"),
    "perbandingan.col.change": ("Perubahan {t1} → {t2}", "Change {t1} → {t2}"),
    "perbandingan.axis.rate": ("{metric} (%)", "{metric} (%)"),
    "perbandingan.axis.percent": ("%", "%"),
    "perbandingan.axis.period": ("Tahap", "Tranche"),
    "perbandingan.ratio.covered": ("{num} dari {den} keluarga layak menerima", "{num} of {den} eligible families receive"),
    "perbandingan.ratio.ineligible": ("{num} dari {den} penerima tidak layak", "{num} of {den} recipients not eligible"),
    "perbandingan.ratio.eligible": ("{num} dari {den} penerima layak", "{num} of {den} recipients eligible"),
    "perbandingan.ratio.disbursed": ("{num} dari {den} tersalur", "{num} of {den} paid"),
    # side by side
    "perbandingan.pick.heading": ("Bandingkan wilayah berdampingan", "Compare regions side by side"),
    "perbandingan.pick.label": ("Wilayah yang dibandingkan (2–5)", "Regions to compare (2–5)"),
    "perbandingan.pick.placeholder": ("Pilih 2 sampai 5 wilayah", "Choose 2 to 5 regions"),
    "perbandingan.pick.help": (
        "Pilot maupun wilayah pembanding, dari provinsi mana pun. Pilihan tersimpan di tautan.",
        "Pilots or comparison regions, from any province. The choice is kept in the link.",
    ),
    "perbandingan.pick.too_few": (
        "Pilih paling sedikit dua wilayah untuk membandingkannya berdampingan.",
        "Choose at least two regions to compare them side by side.",
    ),
    "perbandingan.side.title": ("{program} {period}: wilayah terpilih", "{program} {period}: chosen regions"),
    "perbandingan.side.x": ("% (garis putus-putus: target galat)", "% (dashed lines: error targets)"),
    "perbandingan.side.hover": ("<b>{region}</b><br>{metric}: {rate}<br>{ratio}", "<b>{region}</b><br>{metric}: {rate}<br>{ratio}"),
    "perbandingan.side.missing": (
        "Tanpa data untuk program dan tahap ini: {regions}.",
        "No data for this programme and tranche: {regions}.",
    ),
    # small multiples
    "perbandingan.multiples.heading": ("{metric} dari tahap ke tahap", "{metric} tranche by tranche"),
    "perbandingan.multiples.hover": ("<b>{period}</b><br>{rate}<br>{ratio}", "<b>{period}</b><br>{rate}<br>{ratio}"),
    "perbandingan.multiples.read": (
        "Satu grafik per wilayah, skala 0–100% yang sama, semua tahap {program} yang dimuat. Biru: pilot, oranye: "
        "pembanding; titik berlubang: kurang dari {n} keluarga.",
        "One chart per region, the same 0–100% scale, every {program} tranche loaded. Blue: pilot, orange: comparison "
        "region; open points: fewer than {n} families.",
    ),
    # pilot vs comparison
    "perbandingan.pilot.heading": ("Pilot terhadap wilayah pembandingnya", "A pilot against its comparison regions"),
    "perbandingan.pilot.label": ("Wilayah pilot", "Pilot region"),
    "perbandingan.pilot.none": (
        "Belum ada wilayah pilot dalam data. Asal daftar pilot dijelaskan di Metodologi.",
        "No pilot region in the data yet. Where the pilot list comes from is explained in Methodology.",
    ),
    "perbandingan.group.members": (
        "**Kelompok pembanding ({n} wilayah):** {names}. {source}",
        "**Comparison group ({n} {n|region|regions}):** {names}. {source}",
    ),
    "perbandingan.group.source.table": (
        "Sumber: tabel wilayah pembanding, yang dapat diubah pengelola data.",
        "Source: the comparison table, which the data team can edit.",
    ),
    "perbandingan.group.source.default": (
        "Sumber: aturan bawaan — kab/kota bukan pilot di provinsi yang sama yang ada dalam data (pilot ini tidak "
        "tercantum di tabel wilayah pembanding).",
        "Source: the default rule — the non-pilot kab/kota of the same province present in the data (this pilot is "
        "not listed in the comparison table).",
    ),
    "perbandingan.group.source.mixed": (
        "Sumber: sebagian dari tabel wilayah pembanding, sebagian dari aturan bawaan.",
        "Source: partly the comparison table, partly the default rule.",
    ),
    "perbandingan.group.none": (
        "Pilot ini belum punya wilayah pembanding: tidak ada kab/kota bukan pilot di provinsinya dalam data, dan "
        "tabel wilayah pembanding tidak mencantumkannya. Pengelola data dapat menambahkannya ke tabel itu.",
        "This pilot has no comparison regions: no non-pilot kab/kota of its province is in the data, and the "
        "comparison table does not list it. The data team can add them to that table.",
    ),
    "perbandingan.group.no_register": (
        "Tanpa register keluarga (tidak ada indikator berbasis register): {names}.",
        "Without a family register (no register-based indicators): {names}.",
    ),
    "perbandingan.trend.title": ("{metric}: {pilot} vs pembanding", "{metric}: {pilot} vs comparison"),
    "perbandingan.trend.comparison": ("Kelompok pembanding", "Comparison group"),
    "perbandingan.trend.hover": ("<b>{group}</b> · {period}<br>{rate}<br>{ratio}", "<b>{group}</b> · {period}<br>{rate}<br>{ratio}"),
    "perbandingan.trend.read": (
        "Angka kelompok pembanding dihitung dari jumlah pembilang dan penyebut semua wilayahnya, bukan rata-rata "
        "angkanya.",
        "The comparison group's rate comes from its regions' summed numerators and denominators, not an average of "
        "their rates.",
    ),
    "perbandingan.trend.no_comparison": (
        "Wilayah pembanding belum punya angka untuk program ini.",
        "The comparison regions have no figures for this programme yet.",
    ),
    "perbandingan.trend.one_period": (
        "Program ini baru punya satu tahap penyaluran, jadi belum ada tren. Pilih program lain di panel kiri atau muat "
        "tahap berikutnya.",
        "This programme has only one tranche loaded, so there is no trend yet. Choose another programme in the left "
        "panel or load a later tranche.",
    ),
    "perbandingan.layak": (
        "Basis keputusan layak: wilayah tanpa data pendaftaran (biasanya wilayah pembanding) tidak punya indikator "
        "berbasis register pada basis ini. Pilih basis desil DTSEN untuk membandingkan cakupan dan galat.",
        "Decision basis: regions without registration data (usually the comparison regions) have no "
        "register-based indicators on this basis. Choose the DTSEN decile basis to compare coverage and errors.",
    ),
    # difference in differences
    "perbandingan.did.heading": ("Selisih perubahan (difference-in-differences)", "Difference in differences"),
    "perbandingan.did.t1": ("Tahap awal (t1)", "From tranche (t1)"),
    "perbandingan.did.t2": ("Tahap akhir (t2)", "To tranche (t2)"),
    "perbandingan.did.one_period": (
        "Program ini baru punya satu tahap penyaluran; selisih perubahan perlu dua tahap. Pilih program lain di panel "
        "kiri.",
        "This programme has only one tranche loaded; a difference in differences needs two. Choose another programme "
        "in the left panel.",
    ),
    "perbandingan.did.same": (
        "Tahap awal dan akhir sama. Pilih dua tahap yang berbeda.",
        "The two tranches are the same. Choose two different tranches.",
    ),
    "perbandingan.did.empty": (
        "Belum ada angka pilot dan pembanding untuk kedua tahap ini.",
        "No pilot and comparison figures for these two tranches yet.",
    ),
    # The section's heading says difference-in-differences: a "DiD " prefix cut
    # "Disbursement rate (amount)" off in a quarter-width tile.
    "perbandingan.did.tile": ("{metric}", "{metric}"),
    "perbandingan.did.tile.caption": (
        "pilot {pilot_change} · pembanding {comp_change}",
        "pilot {pilot_change} · comparison {comp_change}",
    ),
    "perbandingan.did.row.pilot": ("Pilot: {name}", "Pilot: {name}"),
    "perbandingan.did.row.comparison": ("Pembanding ({n} wilayah, dijumlahkan)", "Comparison ({n} {n|region|regions}, summed)"),
    "perbandingan.did.row.did": ("DiD = Δ pilot − Δ pembanding", "DiD = Δ pilot − Δ comparison"),
    "perbandingan.did.read": (
        "Δ = angka {t2} − angka {t1}; DiD = Δ pilot − Δ pembanding: {reading}.",
        "Δ = rate at {t2} − rate at {t1}; DiD = Δ pilot − Δ comparison: {reading}.",
    ),
    "perbandingan.did.numerators": (
        "Pembilang / penyebut: exclusion error = keluarga layak yang tidak menerima / keluarga layak; inclusion error "
        "= penerima tidak layak / penerima; cakupan = keluarga layak yang menerima / keluarga layak; realisasi = "
        "nilai tersalur / nilai dialokasikan (rupiah).",
        "Numerator / denominator: exclusion error = eligible families not receiving / eligible families; inclusion "
        "error = recipients not eligible / recipients; coverage = eligible families receiving / eligible families; "
        "disbursement = amount paid / amount allocated (rupiah).",
    ),
    "perbandingan.did.caveat": (
        "DiD bersifat deskriptif: wilayah pilot tidak dipilih secara acak, jadi selisih ini bukan bukti sebab-akibat.",
        "The DiD is descriptive: pilots were not chosen at random, so the difference is not proof of cause and effect.",
    ),
}
