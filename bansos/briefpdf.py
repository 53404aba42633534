"""The leaders' brief laid out on one A4 page (bansos/brief.py says what).

ReportLab lays it out: a maintained, pure-Python PDF library (no system
libraries beyond the fonts), fast (a page in tens of milliseconds, which
matters for `brief --all`), with exact control of a fixed one-page layout,
and TrueType fonts embedded as subsets. The whole page sits in one frame
that shrinks its content to fit, so a brief is always one page.

Fonts: DejaVu Sans (Debian's fonts-dejavu-core, which Chromium pulls in),
else Bitstream Vera as shipped with ReportLab; both are embedded.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (BaseDocTemplate, Frame, Image, KeepInFrame, PageTemplate, Paragraph, Spacer, Table,
                                TableStyle)

from bansos import i18n
from bansos.brief import Content
from bansos.charts.static import for_print

MARGIN = 13 * mm
WIDTH, HEIGHT = A4
INNER = WIDTH - 2 * MARGIN
# CSS pixels of the trend image (drawn at twice that): a province brief has
# a row per pilot in its tables below, so its chart is lower.
TREND_PX = {"region": (900, 400), "province": (900, 330)}
INK = colors.HexColor("#1F2937")
GREY = colors.HexColor("#4B5563")
RULE = colors.HexColor("#9CA3AF")
FILL = colors.HexColor("#F3F4F6")

FONT_FILES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
)


@lru_cache(maxsize=1)
def fonts() -> tuple[str, str]:
    """(regular, bold) font names, registered for embedding."""
    import reportlab

    vera = Path(reportlab.__file__).parent / "fonts"
    for regular, bold in (*FONT_FILES, (str(vera / "Vera.ttf"), str(vera / "VeraBd.ttf"))):
        if Path(regular).exists() and Path(bold).exists():
            pdfmetrics.registerFont(TTFont("BriefSans", regular))
            pdfmetrics.registerFont(TTFont("BriefSans-Bold", bold))
            pdfmetrics.registerFontFamily("BriefSans", normal="BriefSans", bold="BriefSans-Bold",
                                          italic="BriefSans", boldItalic="BriefSans-Bold")
            return "BriefSans", "BriefSans-Bold"
    raise RuntimeError("no TrueType font for the brief: install Debian's fonts-dejavu-core")


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()

    def style(name, size, font=regular, colour=INK, leading=None, **more):
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.25, textColor=colour,
                              bulletFontName=regular, alignment=TA_LEFT, **more)

    return {
        "kicker": style("kicker", 8.5, bold, GREY),
        "subject": style("subject", 19, bold, leading=23),
        "context": style("context", 9.5, colour=GREY),
        "badge": style("badge", 8.5, bold, leading=10.5),
        "heading": style("heading", 11, bold, spaceBefore=2, spaceAfter=3),
        "tile_label": style("tile_label", 8.8, bold, GREY, leading=10.5),
        "tile_value": style("tile_value", 21, bold, leading=24),
        "tile_change": style("tile_change", 8.8, bold, leading=10.5),
        "tile_caption": style("tile_caption", 8, colour=GREY, leading=9.8),
        "body": style("body", 9.6, leading=12.6),
        "small": style("small", 7.8, colour=GREY, leading=9.6),
        "cell": style("cell", 8.4, leading=10.2),
        "cell_bold": style("cell_bold", 8.4, bold, leading=10.2),
        "empty": style("empty", 18, bold, leading=22, spaceBefore=40, spaceAfter=10),
    }


def _table_style(commands: list) -> TableStyle:
    # A table sets its cells' font even when they hold paragraphs: ReportLab's
    # default, Helvetica, would then sit in the file unembedded.
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts()[0]), *commands])


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _header(content: Content, s: dict) -> list:
    left = [_p(content.title.upper(), s["kicker"]), _p(content.subject, s["subject"]), _p(content.context, s["context"])]
    if not content.is_demo:
        return [*left, Spacer(1, 3 * mm)]
    lang = content.request.lang
    badge = Table([[_p(i18n.t("brief.demo", lang), s["badge"])]], colWidths=[52 * mm])
    badge.setStyle(_table_style([("BOX", (0, 0), (-1, -1), 1.2, INK), ("BACKGROUND", (0, 0), (-1, -1), FILL),
                               ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5)]))
    table = Table([[left, badge]], colWidths=[INNER - 54 * mm, 54 * mm])
    table.setStyle(_table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    return [table, Spacer(1, 3 * mm)]


def _tiles(content: Content, s: dict) -> list:
    """The four headline indicators side by side, their parts aligned row by row."""
    lang = content.request.lang
    lines = content.headlines
    changes = [i18n.t("brief.change", lang, change=line.change, period=line.previous) if line.change
               else i18n.t("brief.change.none", lang) for line in lines]
    rows = [[_p(line.label, s["tile_label"]) for line in lines],
            [_p(line.value, s["tile_value"]) for line in lines],
            [_p(change, s["tile_change"]) for change in changes],
            [_p(line.caption, s["tile_caption"]) for line in lines]]
    width = INNER / max(1, len(lines))
    table = Table(rows, colWidths=[width] * len(lines))
    commands: list[tuple] = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 7),
                ("RIGHTPADDING", (0, 0), (-1, -1), 7), ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1), ("TOPPADDING", (0, 0), (-1, 0), 6),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 7), ("VALIGN", (0, 0), (-1, 0), "BOTTOM")]
    commands += [("BOX", (i, 0), (i, -1), 0.7, RULE) for i in range(len(lines))]
    table.setStyle(_table_style(commands))
    return [_p(i18n.t("brief.headline", lang), s["heading"]), table, Spacer(1, 4 * mm)]


def _trend(content: Content, s: dict, images) -> list:
    if content.trend is None:
        return []
    width_px, height_px = TREND_PX[content.request.kind]
    png = images.png(for_print(content.trend), width_px, height_px, scale=2)
    height = INNER * height_px / width_px
    return [Image(io.BytesIO(png), width=INNER, height=height), _p(content.trend_note, s["small"]), Spacer(1, 2.5 * mm)]


def _grid(table, s: dict, widths: list[float]) -> Table:
    rows = [[_p(h, s["cell_bold"]) for h in table.header]] + [[_p(c, s["cell"]) for c in row] for row in table.rows]
    out = Table(rows, colWidths=widths, repeatRows=1)
    out.setStyle(_table_style([
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK), ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    return out


def _widths(columns: int, total: float, first: float) -> list[float]:
    rest = (total - first) / max(1, columns - 1)
    return [first] + [rest] * (columns - 1)


def _rank_and_comparison(content: Content, s: dict) -> list:
    """A region: rank and comparison side by side. A province: one table
    each, full width (a row per pilot)."""
    lang = content.request.lang
    side_by_side = content.request.kind == "region"
    width = (INNER - 6 * mm) / 2 if side_by_side else INNER
    left = [_p(i18n.t("brief.rank.heading", lang), s["heading"])]
    if content.rank is not None:
        left.append(_grid(content.rank, s, _widths(len(content.rank.header), width, width * (0.42 if side_by_side else 0.28))))
    left.append(_p(content.rank_note, s["small"]))
    right = [_p(i18n.t("brief.comparison.heading", lang), s["heading"])]
    right += [_p(note, s["small"]) for note in content.comparison_notes[:1]]
    if content.comparison is not None:
        right.append(Spacer(1, 1.5 * mm))
        # A region's table: indicator, the pilot, its comparison group, DiD ("Pembanding" needs the room).
        shares = (0.30, 0.22, 0.26, 0.22) if side_by_side and len(content.comparison.header) == 4 else None
        right.append(_grid(content.comparison, s, [width * share for share in shares] if shares else
                           _widths(len(content.comparison.header), width, width * 0.28)))
    right += [_p(note, s["small"]) for note in content.comparison_notes[1:]]
    if not side_by_side:
        return [*left, Spacer(1, 3.5 * mm), *right, Spacer(1, 4 * mm)]
    table = Table([[left, right]], colWidths=[width + 3 * mm, width + 3 * mm])
    table.setStyle(_table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                 ("RIGHTPADDING", (0, 0), (0, 0), 6 * mm), ("RIGHTPADDING", (1, 0), (1, 0), 0)]))
    return [table, Spacer(1, 4 * mm)]


def _sentences(content: Content, s: dict) -> list:
    lang = content.request.lang
    out = [_p(i18n.t("brief.sentences.heading", lang), s["heading"])]
    out += [Paragraph(escape(sentence), s["body"], bulletText="•") for sentence in content.sentences]
    return [*out, Spacer(1, 3 * mm)]


def _closing(content: Content, s: dict) -> list:
    lines = [content.rule]
    if content.public_note:
        lines.append(content.public_note)
    lines += [content.version, f"{content.generated} · {i18n.t('brief.page', content.request.lang)}"]
    return [_p(line, s["small"]) for line in lines]


def render(content: Content, images) -> bytes:
    """The brief as a one-page A4 PDF."""
    s = _styles()
    story = _header(content, s)
    if content.empty:
        story += [_p(i18n.t("brief.empty", content.request.lang), s["empty"]), _p(content.empty_text, s["body"]),
                  Spacer(1, 8 * mm)]
    else:
        story += _tiles(content, s) + _trend(content, s, images) + _rank_and_comparison(content, s) + _sentences(content, s)
    story += _closing(content, s)
    buffer = io.BytesIO()
    frame = Frame(MARGIN, MARGIN, INNER, HEIGHT - 2 * MARGIN, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc = BaseDocTemplate(buffer, pagesize=A4, title=f"{content.title} · {content.subject}", author="bansos",
                          initialFontName=s["body"].fontName, initialFontSize=8,
                          subject=content.context, pageTemplates=[PageTemplate("brief", [frame])])
    # One page, always: whatever does not fit is scaled down, never carried over.
    doc.build([KeepInFrame(INNER, HEIGHT - 2 * MARGIN, story, mode="shrink")])
    return buffer.getvalue()
