"""Name badges for an event as a PDF (staff): one badge per active participant, ten per A4 sheet.

A badge shows the person's name, their organisation, what they look for and offer at this
event (the skills of their registration, in the badge language) and a QR code of their profile
address, so people who meet can find each other on the platform afterwards. The page is cut along
the thin grey lines; 90 × 55 mm fits the usual badge holders.

The text font is the TrueType file the caller passes (`KIM_BADGE_FONT`), else DejaVu Sans when
the system has it (Debian: fonts-dejavu-core, which the browser packages pull in), else
reportlab's bundled Vera.
Characters the font cannot draw are written without their accents, or as "?", never as an
empty box, so every name prints.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from kim_network.core.errors import NotAllowed
from kim_network.core.messages import msg
from kim_network.core.model import Label, display_name
from kim_network.core.text import strip_accents
from kim_network.core.visibility import Viewer
from kim_network.services import events as ev
from kim_network.store import GraphStore

BADGE_W, BADGE_H = 90 * mm, 55 * mm
COLUMNS, ROWS = 2, 5
PER_PAGE = COLUMNS * ROWS
PAD = 5 * mm
QR_SIZE = 20 * mm
MAX_SKILLS = 3  # per line: what fits on a badge and is worth asking about

SYSTEM_FONTS = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
)
LOOKS_FOR = msg("Looks for")
OFFERS = msg("Offers")
NOBODY = msg("Nobody is registered for this event yet.")


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    glyphs: frozenset[int]

    def printable(self, text: str) -> str:
        """`text` with every character the font lacks folded to its base letter, or "?"."""
        out = []
        for ch in text:
            if ord(ch) in self.glyphs or ch in " \n":
                out.append(ch)
                continue
            base = strip_accents(ch)
            out.append(base if base and all(ord(c) in self.glyphs for c in base) else "?")
        return "".join(out)


def _font_files(configured: tuple[str, str] | None) -> tuple[Path, Path]:
    if configured and configured[0]:
        return Path(configured[0]), Path(configured[1] or configured[0])
    for regular, bold in SYSTEM_FONTS:
        if Path(regular).is_file() and Path(bold).is_file():
            return Path(regular), Path(bold)
    import reportlab

    bundled = Path(reportlab.__file__).parent / "fonts"
    return bundled / "Vera.ttf", bundled / "VeraBd.ttf"


@lru_cache(maxsize=4)
def _fonts(regular: Path, bold: Path) -> Fonts:
    names = []
    for path, name in ((regular, "KimBadge"), (bold, "KimBadgeBold")):
        font = TTFont(f"{name}-{path.stem}", str(path))
        pdfmetrics.registerFont(font)
        names.append(font)
    glyphs = frozenset(names[0].face.charToGlyph) & frozenset(names[1].face.charToGlyph)
    return Fonts(names[0].fontName, names[1].fontName, glyphs)


def fonts(files: tuple[str, str] | None = None) -> Fonts:
    """The badge fonts: `files` (regular, bold) or the default (see the module docstring)."""
    return _fonts(*_font_files(files))


@dataclass(frozen=True)
class Badge:
    name: str
    organisation: str
    looks_for: tuple[str, ...]
    offers: tuple[str, ...]
    profile_url: str


def badges(store: GraphStore, viewer: Viewer, event: ev.Event, lang: str, base_url: str) -> list[Badge]:
    """The badges of an event's active participants, in name order (staff only)."""
    if not viewer.is_staff:
        raise NotAllowed("Only KI.M staff print name badges.")
    regs = ev.participants(store, viewer, event)
    skill_ids = sorted({s for r in regs for s in (*r.looks_for[:MAX_SKILLS], *r.offers[:MAX_SKILLS])})
    skills = store.get_nodes(Label.SKILL, skill_ids) if skill_ids else {}

    def labels(ids):
        return tuple(display_name(Label.SKILL, skills[i], lang) for i in ids[:MAX_SKILLS] if i in skills)

    root = base_url.rstrip("/")
    return [Badge(r.name, display_name(Label.ORGANIZATION, r.organization) if r.organization else "",
                  labels(r.looks_for), labels(r.offers), f"{root}/people/{r.person_id}")
            for r in regs]


def badges_pdf(store: GraphStore, viewer: Viewer, event: ev.Event, lang: str, base_url: str,
               font_files: tuple[str, str] | None = None) -> bytes:
    """The PDF file: A4 sheets of ten badges, or one sheet saying nobody is registered."""
    items = badges(store, viewer, event, lang, base_url)
    f = fonts(font_files)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=True)
    pdf.setTitle(f.printable(event.title(lang)))
    pdf.setAuthor("KI.M Netzwerk")
    heading = _heading(event, lang, f)
    if not items:
        pdf.setFont(f.regular, 12)
        pdf.drawString(20 * mm, A4[1] - 30 * mm, " · ".join(x for x in heading if x))
        pdf.drawString(20 * mm, A4[1] - 40 * mm, f.printable(NOBODY.render(lang)))
        pdf.showPage()
    for start in range(0, len(items), PER_PAGE):
        _sheet(pdf, f, heading, items[start:start + PER_PAGE], lang)
    pdf.save()
    return out.getvalue()


def _heading(event: ev.Event, lang: str, f: Fonts) -> tuple[str, str]:
    """(event title, its date) as the top line of every badge shows them."""
    day = event.day
    when = (day.strftime("%d.%m.%Y") if lang == "de" else day.isoformat()) if day else ""
    return f.printable(event.title(lang)), when


def _sheet(pdf: canvas.Canvas, f: Fonts, heading: tuple[str, str], items: list[Badge], lang: str) -> None:
    page_w, page_h = A4
    left = (page_w - COLUMNS * BADGE_W) / 2
    top = page_h - (page_h - ROWS * BADGE_H) / 2
    pdf.setStrokeGray(0.75)
    pdf.setLineWidth(0.3)
    for row in range(ROWS + 1):  # cut lines across the whole sheet
        pdf.line(left, top - row * BADGE_H, left + COLUMNS * BADGE_W, top - row * BADGE_H)
    for col in range(COLUMNS + 1):
        pdf.line(left + col * BADGE_W, top, left + col * BADGE_W, top - ROWS * BADGE_H)
    for i, badge in enumerate(items):
        x = left + (i % COLUMNS) * BADGE_W
        y = top - (i // COLUMNS + 1) * BADGE_H
        _badge(pdf, f, heading, badge, x, y, lang)
    pdf.showPage()


def _badge(pdf: canvas.Canvas, f: Fonts, heading: tuple[str, str], badge: Badge, x: float, y: float, lang: str) -> None:
    width = BADGE_W - 2 * PAD
    title, when = heading
    top = y + BADGE_H - PAD - 6
    pdf.setFillGray(0.35)
    pdf.setFont(f.regular, 7.5)
    pdf.drawRightString(x + BADGE_W - PAD, top, when)
    room = width - pdfmetrics.stringWidth(when, f.regular, 7.5) - 3 * mm
    pdf.drawString(x + PAD, top, _fit(f.regular, title, 7.5, room))
    pdf.setFillGray(0)
    name_lines = _lines(f.bold, f.printable(badge.name), width, 17, 11, 2)
    cursor = top - 24
    for line, size in name_lines:
        pdf.setFont(f.bold, size)
        pdf.drawString(x + PAD, cursor, line)
        cursor -= size + 2
    cursor -= 2
    if badge.organisation:
        for line, size in _lines(f.regular, f.printable(badge.organisation), width, 10, 8, 2):
            pdf.setFont(f.regular, size)
            pdf.drawString(x + PAD, cursor, line)
            cursor -= size + 2
    text_w = width - QR_SIZE - 2 * mm
    blocks = [_lines(f.regular, f"{label.render(lang)}: {', '.join(f.printable(s) for s in skills)}", text_w, 7, 7, 2)
              for label, skills in ((LOOKS_FOR, badge.looks_for), (OFFERS, badge.offers)) if skills]
    pdf.setFont(f.regular, 7)
    pdf.setFillGray(0.2)
    low = y + PAD + 2
    for block in reversed(blocks):  # from the bottom edge up: needs above offers
        for line, _size in reversed(block):
            pdf.drawString(x + PAD, low, line)
            low += 8.5
        low += 2
    pdf.setFillGray(0)
    _qr(pdf, badge.profile_url, x + BADGE_W - PAD - QR_SIZE, y + PAD - 1.5 * mm)


def _qr(pdf: canvas.Canvas, url: str, x: float, y: float) -> None:
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, x, y)
    pdf.linkURL(url, (x, y, x + QR_SIZE, y + QR_SIZE), relative=0)


def _fit(font: str, text: str, size: float, width: float) -> str:
    """`text` cut with "…" to fit `width` at `size` (the ellipsis only when the font has it)."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "...", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "..."


def _lines(font: str, text: str, width: float, largest: float, smallest: float, most: int) -> list[tuple[str, float]]:
    """`text` on at most `most` lines in the largest size from `largest` down to `smallest` where
    it fits whole (broken at spaces); at the smallest size the last line is cut with "..."."""
    size = largest
    while True:
        lines = simpleSplit(text, font, size, width) or [""]  # broken at spaces
        if len(lines) <= most or size <= smallest:
            break
        size -= 1
    if len(lines) > most:
        lines = lines[:most - 1] + [" ".join(lines[most - 1:])]
    return [(_fit(font, line, size, width), size) for line in lines]
