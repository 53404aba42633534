"""Strings of the Akuntabilitas (accountability: leakage signals) page and of
the signal section of Metodologi.
The signals' own names and definitions live in their records (bansos/signals.py)."""

STRINGS = {
    "nav.akuntabilitas": ("Akuntabilitas", "Accountability"),
    "akuntabilitas.intro": (
        "Sinyal kebocoran: keluarga yang perlu diperiksa satu per satu — dialokasikan dua kali, dibayar tanpa ada di "
        "register, dibayar di luar jendela tahap, nominal tidak sesuai, atau memegang tiga program sementara tetangga "
        "yang layak tidak mendapat apa pun.",
        "Leakage signals: families to check one by one — allocated twice, paid while in no register, paid outside the "
        "tranche window, paid an unexpected amount, or holding three programmes while eligible neighbours get nothing.",
    ),
    "akuntabilitas.context": ("**{program}** · {period} · {scope} · register per {snapshot}",
                              "**{program}** · {period} · {scope} · register as of {snapshot}"),
    "akuntabilitas.context.no_register": ("**{program}** · {period} · {scope} · belum ada register keluarga",
                                          "**{program}** · {period} · {scope} · no family register loaded"),
    "akuntabilitas.tiles": ("Keluarga dengan sinyal pada tahap ini", "Families with a signal in this tranche"),
    "akuntabilitas.tile.rate": ("{rate} per 1.000 penerima ({recipients} penerima)",
                                "{rate} per 1,000 recipients ({recipients} {recipients|recipient|recipients})"),
    "akuntabilitas.tile.no_register": ("tidak tersedia: belum ada register keluarga",
                                       "not available: no family register loaded"),
    "akuntabilitas.tile.no_benefit": ("tidak berlaku: {program} tidak punya satu nilai manfaat di tabel program",
                                      "not applicable: {program} has no single benefit amount in the programme table"),
    "akuntabilitas.tile.companion": ("{n} keluarga layak {program} tidak memegang program apa pun",
                                     "{n} {n|family|families} eligible for {program} {n|holds|hold} no programme at all"),
    "akuntabilitas.tile.companion.none": ("keluarga layak tanpa program: tidak tersedia (belum ada register)",
                                          "eligible families holding none: not available (no register)"),
    "akuntabilitas.read": (
        "Setiap angka adalah jumlah keluarga; keluarga yang dialokasikan di dua wilayah dihitung di keduanya. Per 1.000 "
        "penerima program di wilayah dan tahap yang sama. Sinyal bukan vonis: ini daftar untuk diperiksa.",
        "Each figure is a number of families; a family allocated in two regions counts in both. Per 1,000 recipients of "
        "the programme in the same regions and tranche. A signal is not a verdict: it is a list to check.",
    ),
    # trend
    "akuntabilitas.trend.heading": ("Tren per tahap", "Trend by tranche"),
    "akuntabilitas.trend.title": ("Sinyal per 1.000 penerima · {program}", "Signals per 1,000 recipients · {program}"),
    "akuntabilitas.trend.y": ("Per 1.000 penerima", "Per 1,000 recipients"),
    "akuntabilitas.trend.hover": ("{signal}: {rate} per 1.000 ({count} dari {recipients} penerima)",
                                  "{signal}: {rate} per 1,000 ({count} of {recipients} recipients)"),
    # ranking
    "akuntabilitas.rank.heading": ("Peringkat wilayah", "Region ranking"),
    "akuntabilitas.rank.signal": ("Sinyal", "Signal"),
    "akuntabilitas.rank.title": ("{signal} per 1.000 penerima · {period}", "{signal} per 1,000 recipients · {period}"),
    "akuntabilitas.rank.x": ("Per 1.000 penerima (jumlah keluarga)", "Per 1,000 recipients (families)"),
    "akuntabilitas.rank.hover": ("{region}<br>Peringkat {rank}: {rate} per 1.000<br>{count} dari {recipients} penerima",
                                 "{region}<br>Rank {rank}: {rate} per 1,000<br>{count} of {recipients} recipients"),
    "akuntabilitas.rank.unranked": ("tanpa peringkat", "unranked"),
    "akuntabilitas.rank.read": (
        "Biru: pilot · oranye: pembanding. Peringkat 1 = sinyal terbanyak per 1.000 penerima. Batang pudar dan ⚠: "
        "kurang dari {n} penerima, tidak diberi peringkat.",
        "Blue: pilots · orange: comparison. Rank 1 = most signals per 1,000 recipients. Faded bars and ⚠: fewer than "
        "{n} recipients, not ranked.",
    ),
    "akuntabilitas.rank.none": ("Tidak ada angka untuk sinyal ini pada tahap ini.", "No figures for this signal in this tranche."),
    "akuntabilitas.rank.zero": ("Tidak ada keluarga dengan sinyal «{signal}» di wilayah mana pun dalam tampilan pada tahap ini: "
                                "tidak ada yang perlu diperingkat.",
                                "No family has the signal “{signal}” in any region in view in this tranche: nothing to rank."),
    "akuntabilitas.rank.not_applicable": ("Sinyal ini tidak berlaku untuk {program}: tidak ada satu nilai manfaat di tabel program.",
                                          "This signal does not apply to {program}: no single benefit amount in the programme table."),
    "akuntabilitas.col.rank": ("Peringkat", "Rank"),
    "akuntabilitas.col.count": ("Keluarga", "Families"),
    "akuntabilitas.col.per_1000": ("Per 1.000 penerima", "Per 1,000 recipients"),
    "akuntabilitas.col.companion": ("Layak tanpa program", "Eligible, holding none"),
    "akuntabilitas.col.group": ("Kelompok", "Group"),
    # family keys
    "akuntabilitas.keys.heading": ("Keluarga di balik angka", "The families behind the figures"),
    "akuntabilitas.keys.about": (
        "Kunci keluarga adalah hash berkunci dari No KK (pseudonim, bukan No KK). Cocokkan dengan data sumber di kantor "
        "yang memegang kuncinya. Setiap unduhan dicatat di log audit.",
        "A family key is the keyed hash of the KK number (a pseudonym, not the KK number). Match it with the source data "
        "at the office that holds the key. Every download is written to the audit log.",
    ),
    "akuntabilitas.keys.count": ("{n} keluarga dengan sinyal «{signal}» di {regions} wilayah dalam tampilan, {period}.",
                                 "{n} {n|family|families} with the signal “{signal}” in {regions} {regions|region|regions} in view, {period}."),
    "akuntabilitas.keys.count.twice": (
        "{rows} baris: keluarga dengan sinyal di dua wilayah tercantum di keduanya, seperti dihitung di ubin.",
        "{rows} {rows|row|rows}: a family with the signal in two regions is listed in both, as the tiles count it.",
    ),
    "akuntabilitas.keys.none": ("Tidak ada keluarga dengan sinyal ini di wilayah dalam tampilan pada tahap ini.",
                                "No family with this signal in the regions in view in this tranche."),
    "akuntabilitas.keys.shown": ("Ditampilkan {shown} pertama; unduhan memuat semuanya.",
                                 "The first {shown} are shown; the download holds them all."),
    "akuntabilitas.keys.download": ("Unduhan memuat semua sinyal tahap ini untuk wilayah dalam tampilan.",
                                    "The download holds every signal of this tranche for the regions in view."),
    "akuntabilitas.keys.only_analysts": (
        "Daftar kunci keluarga hanya untuk peran analis (dalam wilayah aksesnya) dan pengguna lokal; peran lain melihat "
        "jumlahnya saja.",
        "Family key lists are for the analyst role (within its regions) and the local user only; other roles see the "
        "counts.",
    ),
    "akuntabilitas.col.family_key": ("Kunci keluarga", "Family key"),
    # Metodologi's signal section
    "metodologi.signals.heading": ("Sinyal akuntabilitas", "Accountability signals"),
    "metodologi.signals.caption": (
        "Dihasilkan dari catatan definisi setiap sinyal. Semua sinyal menghitung keluarga per wilayah, program dan tahap, "
        "juga per 1.000 penerima; untuk provinsi atau semua pilot, jumlah wilayah dan penerimanya dijumlahkan.",
        "Generated from each signal's definition record. Every signal counts families per region, programme and tranche, "
        "and per 1,000 recipients; for a province or all pilots, the region counts and their recipients are added up.",
    ),
    "metodologi.sig.rule": ("Aturan", "Rule"),
    "metodologi.sig.decision": ("Keputusan untuk kasus yang tidak diatur aturan", "Decided where the rule is silent"),
    "metodologi.sig.register": ("Bergantung pada snapshot register yang dipilih.", "Depends on the register snapshot chosen."),
    "metodologi.sig.benefit": ("Hanya untuk program yang punya nilai manfaat per tahap.",
                               "Only for programmes with a benefit amount per tranche."),
    "metodologi.sig.sql": ("Pernyataan SQL yang menghitungnya (komentar kode dalam bahasa Inggris, seperti seluruh kode sumber)",
                           "The SQL statement that computes it"),
}
