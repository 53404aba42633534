"""Strings of the targeting-accuracy page (Ketepatan Sasaran)."""

STRINGS = {
    "sasaran.intro": (
        "Seberapa banyak keluarga layak yang tertinggal (exclusion error) dan seberapa banyak penerima yang tidak layak "
        "(inclusion error), per wilayah, dengan pembilang dan penyebutnya.",
        "How many eligible families are left out (exclusion error) and how many recipients are not eligible "
        "(inclusion error), per region, with their numerators and denominators.",
    ),
    "sasaran.context": (
        "**{program}** · {period} · snapshot register {snapshot} · basis: {basis}",
        "**{program}** · {period} · register snapshot {snapshot} · basis: {basis}",
    ),
    # tiles
    "sasaran.tiles.scope": (
        "Semua wilayah dalam filter dijumlahkan ({regions} wilayah, {with_register} dengan indikator berbasis "
        "register): pembilang dan penyebut dijumlahkan, lalu dibagi.",
        "All regions in the filter summed ({regions} {regions|region|regions}, {with_register} with register-based indicators): "
        "numerators and denominators are added, then divided.",
    ),
    # The error's own numerator, as Ringkasan's tiles give it (its complement
    # read as the figure under a 23.7 % tile looked like another number).
    "sasaran.tile.exclusion.caption": (
        "{left_out} dari {eligible} keluarga layak tidak menerima",
        "{left_out} of {eligible} eligible families left out",
    ),
    "sasaran.tile.inclusion.caption": (
        "{ineligible} dari {recipients} penerima tidak layak",
        "{ineligible} of {recipients} recipients not eligible",
    ),
    "sasaran.tile.not_in_register.caption": (
        "dari {recipients} penerima; dihitung tidak layak",
        "of {recipients} {recipients|recipient|recipients}; counted as not eligible",
    ),
    "sasaran.tile.eligible.caption": (
        "{covered} di antaranya menerima program",
        "{covered} of them receive the programme",
    ),
    "sasaran.tile.previous": ("Tahap sebelumnya ({period}): {value}", "Previous tranche ({period}): {value}"),
    "sasaran.denominators": (
        "**Dua galat, dua penyebut.** Exclusion error dihitung dari **keluarga layak** di register wilayah "
        "(berapa yang tidak menerima); inclusion error dihitung dari **penerima** (berapa yang tidak layak, termasuk "
        "yang tidak ada di register). Karena penyebutnya berbeda, kedua angka **tidak dijumlahkan** dan tidak saling "
        "melengkapi menjadi 100%. Keluarga layak yang menerima dihitung di wilayah register-nya, penerima yang layak di "
        "wilayah pembayarannya: keluarga yang terdaftar di satu wilayah dan dibayar di wilayah lain membuat kedua "
        "jumlah itu bisa berbeda sedikit.",
        "**Two errors, two denominators.** The exclusion error is computed over **eligible families** in the region's "
        "register (how many do not receive); the inclusion error over **recipients** (how many are not eligible, "
        "including those absent from the register). The denominators differ, so the two figures **do not add up** and "
        "do not complement each other to 100%. Eligible families receiving are counted in the region of their "
        "register, eligible recipients in the region that pays them: a family registered in one region and paid in "
        "another can make the two counts differ slightly.",
    ),
    "sasaran.layak.missing": (
        "Basis keputusan layak: {n} wilayah tanpa data pendaftaran tidak punya indikator berbasis register pada basis "
        "ini (ditampilkan sebagai –): {names}. Pilih basis desil DTSEN di panel kiri untuk melihatnya.",
        "Decision basis: {n} {n|region|regions} without registration data {n|has|have} no register-based indicators on this basis "
        "(shown as –): {names}. Choose the DTSEN decile basis in the left panel to see them.",
    ),
    "sasaran.layak.all_have": (
        "Basis keputusan layak: semua wilayah dalam filter punya data pendaftaran.",
        "Decision basis: every region in the filter has registration data.",
    ),
    # scatter
    "sasaran.scatter.heading": ("Exclusion dan inclusion error per wilayah", "Exclusion and inclusion error by region"),
    "sasaran.scatter.title": ("Exclusion vs inclusion error", "Exclusion vs inclusion error"),
    "sasaran.scatter.x": ("Exclusion error (% keluarga layak)", "Exclusion error (% of eligible families)"),
    "sasaran.scatter.y": ("Inclusion error (% penerima)", "Inclusion error (% of recipients)"),
    "sasaran.scatter.zone": ("Kedua target tercapai", "Both targets met"),
    "sasaran.scatter.hover": (
        "<b>{region}</b><br>Exclusion error: {exclusion} — {covered} dari {eligible} keluarga layak menerima"
        "<br>Inclusion error: {inclusion} — {ineligible} dari {recipients} penerima tidak layak"
        "<br>Di luar register: {not_in_register} penerima",
        "<b>{region}</b><br>Exclusion error: {exclusion} — {covered} of {eligible} eligible families receive"
        "<br>Inclusion error: {inclusion} — {ineligible} of {recipients} recipients not eligible"
        "<br>Not in the register: {not_in_register} recipients",
    ),
    "sasaran.scatter.read": (
        "Satu titik per wilayah; makin dekat ke pojok kiri bawah makin tepat sasaran. Garis putus-putus: target 2026 "
        "dan target berikutnya, pada kedua sumbu. Titik berlubang: dihitung dari kurang dari {n} keluarga.",
        "One point per region; the closer to the bottom-left corner, the better the targeting. Dashed lines: the 2026 "
        "target and the next one, on both axes. Open points: computed on fewer than {n} families.",
    ),
    "sasaran.scatter.empty": (
        "Belum ada wilayah dengan kedua galat untuk filter ini (perlu register dan penyaluran pada tahap yang sama).",
        "No region has both errors for these filters yet (it needs a register and allocations in the same tranche).",
    ),
    "sasaran.hint.groups": (
        "Hanya satu kelompok wilayah yang tampil. Pilih kelompok wilayah **Semua** di panel kiri untuk membandingkan "
        "pilot dengan wilayah pembanding.",
        "Only one region group is shown. Choose the region group **All** in the left panel to compare pilots with "
        "comparison regions.",
    ),
    # region table
    "sasaran.table.heading": ("Pembilang dan penyebut per wilayah", "Numerators and denominators by region"),
    "sasaran.table.read": (
        "Exclusion error = 1 − (layak yang menerima ÷ keluarga layak). Inclusion error = (penerima − penerima layak) ÷ "
        "penerima; penerima di luar register termasuk tidak layak. Klik judul kolom untuk mengurutkan.",
        "Exclusion error = 1 − (eligible receiving ÷ eligible families). Inclusion error = (recipients − eligible "
        "recipients) ÷ recipients; recipients not in the register count as not eligible. Click a column header to sort.",
    ),
    "sasaran.col.code": ("Kode", "Code"),
    "sasaran.col.group": ("Kelompok", "Group"),
    "sasaran.col.snapshot": ("Snapshot register", "Register snapshot"),
    "sasaran.col.covered_of_eligible": ("Layak yang menerima / layak {period}", "Eligible receiving / eligible {period}"),
    "sasaran.col.eligible_of_recipients": ("Penerima layak / penerima {period}", "Eligible recipients / recipients {period}"),
    "sasaran.col.change": ("Perubahan {metric}", "Change in {metric}"),
    "sasaran.ratio": ("{num} / {den}", "{num} / {den}"),
    # before / after
    "sasaran.change.heading": ("Sebelum dan sesudah", "Before and after"),
    "sasaran.change.t1": ("Tahap awal", "From tranche"),
    "sasaran.change.t2": ("Tahap akhir", "To tranche"),
    "sasaran.change.one_period": (
        "Program ini baru punya satu tahap penyaluran, jadi belum ada perbandingan sebelum–sesudah. Pilih program lain "
        "di panel kiri atau muat tahap berikutnya.",
        "This programme has only one tranche loaded, so there is no before/after yet. Choose another programme in the "
        "left panel or load a later tranche.",
    ),
    "sasaran.change.same": (
        "Tahap awal dan akhir sama. Pilih dua tahap yang berbeda untuk melihat perubahannya.",
        "The two tranches are the same. Choose two different tranches to see the change.",
    ),
    "sasaran.change.title": ("{metric}: sebelum → sesudah", "{metric}: before → after"),
    "sasaran.change.x": ("% (lebih rendah lebih baik)", "% (lower is better)"),
    "sasaran.change.hover.exclusion": (
        "<b>{region}</b><br>{t1}: {rate_1} ({num_1} dari {den_1} layak menerima)"
        "<br>{t2}: {rate_2} ({num_2} dari {den_2} layak menerima)<br>Perubahan: {change}",
        "<b>{region}</b><br>{t1}: {rate_1} ({num_1} of {den_1} eligible receive)"
        "<br>{t2}: {rate_2} ({num_2} of {den_2} eligible receive)<br>Change: {change}",
    ),
    "sasaran.change.hover.inclusion": (
        "<b>{region}</b><br>{t1}: {rate_1} ({num_1} dari {den_1} penerima layak)"
        "<br>{t2}: {rate_2} ({num_2} dari {den_2} penerima layak)<br>Perubahan: {change}",
        "<b>{region}</b><br>{t1}: {rate_1} ({num_1} of {den_1} recipients eligible)"
        "<br>{t2}: {rate_2} ({num_2} of {den_2} recipients eligible)<br>Change: {change}",
    ),
    "sasaran.change.read": (
        "Lingkaran kosong: {t1}; lingkaran penuh: {t2}. Biru: pilot, oranye: pembanding. Snapshot register yang sama "
        "dipakai untuk kedua tahap, jadi perubahan berasal dari penyaluran, bukan dari register.",
        "Open circle: {t1}; filled circle: {t2}. Blue: pilots, orange: comparison regions. The same register snapshot "
        "is used for both tranches, so a change comes from the allocations, not from the register.",
    ),
    "sasaran.change.table": ("Angka sebelum–sesudah per wilayah", "Before/after figures by region"),
    # deciles
    "sasaran.decile.heading": ("Penerima menurut desil DTSEN", "Recipients by DTSEN decile"),
    "sasaran.decile.title": ("Penerima {program} {period} menurut desil", "{program} recipients {period} by decile"),
    "sasaran.decile.x": ("Desil DTSEN (1 = termiskin)", "DTSEN decile (1 = poorest)"),
    "sasaran.decile.y": ("% penerima", "% of recipients"),
    "sasaran.decile.eligible": ("Layak (desil ≤ {max_desil})", "Eligible (decile ≤ {max_desil})"),
    "sasaran.decile.ineligible": ("Di atas ambang", "Above the threshold"),
    "sasaran.decile.unranked": ("Tanpa desil", "No decile"),
    "sasaran.decile.not_in_register": ("Di luar register", "Not in register"),
    "sasaran.decile.threshold": ("Ambang {program}", "{program} threshold"),
    "sasaran.decile.hover": ("<b>{group}</b><br>{recipients} penerima ({share})", "<b>{group}</b><br>{recipients} recipients ({share})"),
    "sasaran.decile.desil": ("Desil {desil}", "Decile {desil}"),
    "sasaran.decile.read": (
        "Hijau: desil yang memenuhi syarat {program} (desil ≤ {max_desil}); abu-abu: di atas ambang. \"Tanpa desil\": "
        "ada di register tetapi belum diperingkat; \"Di luar register\": tidak ada di register wilayah mana pun. "
        "Keduanya dihitung tidak layak. Persentase dari semua penerima wilayah dalam filter.",
        "Green: deciles eligible for {program} (decile ≤ {max_desil}); grey: above the threshold. \"No decile\": in the "
        "register but not ranked; \"Not in register\": absent from every region's register. Both count as not "
        "eligible. Shares of all recipients of the regions in the filter.",
    ),
    "sasaran.decile.no_threshold": (
        "Program {program} tidak punya ambang desil di tabel program, jadi tidak ada desil yang ditandai layak.",
        "Programme {program} has no decile threshold in the programme table, so no decile is marked eligible.",
    ),
    "sasaran.decile.layak": (
        "Basis keputusan layak dipilih: kelayakan mengikuti keputusan, bukan desil. Ambang desil ditampilkan sebagai "
        "acuan.",
        "The decision basis is selected: eligibility follows the decision, not the decile. The decile threshold "
        "is shown for reference.",
    ),
    "sasaran.decile.empty": (
        "Belum ada penerima untuk program dan tahap ini di wilayah dalam filter.",
        "No recipients for this programme and tranche in the regions of the filter.",
    ),
    "sasaran.decile.table": ("Angka per desil", "Figures by decile"),
    "sasaran.decile.register": ("Keluarga di register", "Families in the register"),
    "sasaran.decile.register.hover": (
        "<b>{group}</b><br>{families} keluarga di register ({share})",
        "<b>{group}</b><br>{families} families in the register ({share})",
    ),
    "sasaran.decile.register.read": (
        "Belah ketupat hitam: sebaran semua keluarga di register wilayah yang sama menurut desil. Batang yang jauh di "
        "atasnya di desil bawah berarti penerima terkonsentrasi pada keluarga termiskin.",
        "Black diamonds: all families in the same regions' register by decile. Bars well above them in the lowest "
        "deciles mean recipients are concentrated among the poorest families.",
    ),
}
