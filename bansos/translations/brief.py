"""Strings of the leaders' brief (bansos/brief.py, bansos/briefpdf.py) and of
its download on Ringkasan. Numbers, tiles and sentences come from the same
words as Ringkasan (ringkasan.*, narrative)."""

STRINGS = {
    "brief.title": ("Ringkasan Pemantauan Bansos", "Bansos Monitoring Brief"),
    "brief.subject.region": ("{name} ({code})", "{name} ({code})"),
    "brief.subject.province": ("Provinsi {name} ({code})", "{name} Province ({code})"),
    "brief.context": ("{program} · {period} · {scope} · register per {snapshot} · basis {basis}",
                      "{program} · {period} · {scope} · register as of {snapshot} · {basis} basis"),
    "brief.context.no_register": ("{program} · {period} · {scope} · belum ada register keluarga",
                                  "{program} · {period} · {scope} · no family register loaded"),
    "brief.basis.desil": ("desil DTSEN", "DTSEN decile"),
    "brief.basis.layak": ("keputusan layak", "eligibility decision"),
    "brief.demo": ("DATA DEMO — sintetis, bukan data penyaluran yang sebenarnya",
                   "DEMO DATA — synthetic, not real disbursement data"),
    "brief.public": ("Tampilan publik: jumlah di bawah {k} keluarga ditulis «< {k}», angka yang dapat membukanya ditulis «—».",
                     "Public view: counts below {k} families are shown as “< {k}”, figures that would reveal them as “—”."),
    "brief.headline": ("Indikator utama", "Headline indicators"),
    "brief.change": ("{change} vs {period}", "{change} vs {period}"),
    "brief.change.none": ("belum ada perubahan untuk dibandingkan", "no change to compare yet"),
    "brief.trend.heading": ("Tren per tahap", "Trend by tranche"),
    "brief.trend.note": (
        "Garis putus-putus: target 2026 (< {target}); garis titik-titik: target berikutnya (< {next}). Area abu-abu: tahap ini. "
        "Kedua error punya penyebut berbeda dan tidak dijumlahkan.",
        "Dashed line: the 2026 target (< {target}); dotted line: the next target (< {next}). Grey band: this tranche. "
        "The two errors have different denominators and do not add up.",
    ),
    "brief.rank.heading": ("Peringkat di antara pilot", "Rank among pilots"),
    "brief.rank.value": ("{rank} dari {n}", "{rank} of {n}"),
    "brief.rank.unranked": ("tanpa peringkat", "not ranked"),
    "brief.rank.not_pilot": ("{name} bukan wilayah pilot, jadi tidak diperingkat.", "{name} is not a pilot, so it is not ranked."),
    "brief.rank.note": ("Peringkat 1 = terbaik, di antara pilot dengan angka dari sedikitnya {n} keluarga.",
                        "Rank 1 = best, among pilots whose figure rests on at least {n} families."),
    "brief.rank.col.metric": ("Indikator", "Indicator"),
    "brief.rank.col.value": ("Nilai", "Value"),
    "brief.rank.col.rank": ("Peringkat", "Rank"),
    "brief.rank.col.region": ("Wilayah pilot", "Pilot region"),
    "brief.comparison.heading": ("Dibanding wilayah pembanding", "Against the comparison regions"),
    "brief.comparison.members": ("Pembanding: {names}.", "Comparison regions: {names}."),
    "brief.comparison.period": ("Perubahan {t1} → {t2}, poin persentase. DiD = perubahan pilot − perubahan pembanding.",
                                "Change {t1} → {t2}, percentage points. DiD = the pilot's change − the comparison group's."),
    "brief.comparison.col.metric": ("Indikator", "Indicator"),
    "brief.comparison.col.pilot": ("{name}", "{name}"),
    "brief.comparison.col.group": ("Pembanding", "Comparison"),
    "brief.comparison.col.did": ("DiD", "DiD"),
    "brief.comparison.col.region": ("Wilayah pilot", "Pilot region"),
    "brief.comparison.col.did_metric": ("DiD {metric}", "DiD {metric}"),
    "brief.comparison.none": ("{name} tidak punya wilayah pembanding di data.", "{name} has no comparison regions in the data."),
    "brief.comparison.one_period": ("Baru satu tahap {program} dimuat: perubahan belum dapat dibandingkan.",
                                    "Only one {program} tranche is loaded: there is no change to compare yet."),
    "brief.comparison.public": ("Perbandingan dengan wilayah non-pilot tidak termasuk tampilan publik.",
                                "The comparison with non-pilot regions is not part of the public view."),
    "brief.sentences.heading": ("Sorotan", "Highlights"),
    "brief.version": ("Versi data: {loads} file dimuat, terakhir {last}; mart dibangun {built}.",
                      "Data version: {loads} {loads|file|files} loaded, the last on {last}; marts built {built}."),
    "brief.generated": ("Dibuat {when}", "Made {when}"),
    "brief.generated.for": ("Dibuat {when} untuk {who}", "Made {when} for {who}"),
    "brief.page": ("Halaman 1 dari 1", "Page 1 of 1"),
    "brief.empty": ("Tidak ada data untuk periode ini", "No data for this period"),
    "brief.empty.detail": (
        "Gudang data belum memuat penyaluran {program} untuk {subject} pada {period}, jadi ringkasan ini tidak berisi angka. "
        "Pilih tahap atau program lain, atau muat ekstrak penyaluran dan register untuk wilayah ini.",
        "The warehouse holds no {program} allocations for {subject} in {period}, so this brief has no figures. Choose "
        "another tranche or programme, or load the allocation and register extracts for this region.",
    ),
    "brief.empty.no_program": ("belum ada program", "no programme yet"),
    "brief.empty.no_period": ("tahap mana pun", "any tranche"),
    # a sentence on a rate the public view withholds (bansos/narrative.py)
    "ringkasan.narrative.hidden": (
        "Pada {period}, {metric} {program} {where} tidak ditampilkan di tampilan publik: angkanya bertumpu pada terlalu sedikit keluarga.",
        "In {period}, {metric} of {program} {where} is not shown in the public view: it rests on too few families.",
    ),
    # the download on Ringkasan
    "brief.download": ("Unduh ringkasan (PDF)", "Download brief (PDF)"),
    "brief.download.help": (
        "Satu halaman A4 untuk {subject}: indikator utama, tren, peringkat, pembanding dan sorotan, dengan angka yang sama "
        "seperti halaman ini. Dibuat saat diklik (beberapa detik) dan dicatat di log audit.",
        "One A4 page for {subject}: headline indicators, trend, rank, comparison and highlights, with the same figures as "
        "this page. Made when clicked (a few seconds) and written to the audit log.",
    ),
    "brief.download.choose": ("Pilih satu provinsi atau satu kabupaten/kota di panel kiri untuk mengunduh ringkasan PDF-nya.",
                              "Choose one province or one regency/city in the left panel to download its PDF brief."),
}
