"""The coupon (талон): a PDF copy of the complaint with its registration details.

The Administrative Procedural Code (art. 63) gives the applicant a coupon with the unique
number, the date and time, and who accepted the appeal. The labels arrive already translated,
so this module only lays out text; the font carries the Kazakh letters.

The font has no glyph for some characters an applicant may type (most emoji, Chinese or
Korean script) and the PDF library drops those, and tabs, without a word. A coupon is a copy
of what was filed, so a character that cannot be drawn prints as the replacement mark �
rather than vanish, and a tab prints as spaces.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).parent / "fonts"


TAB = "    "
REPLACEMENT = "\ufffd"


def printable(text: str, cmap) -> str:
    """`text` with tabs as spaces and what the font (`cmap`) cannot draw as a visible mark."""
    mark = REPLACEMENT if ord(REPLACEMENT) in cmap else "?"
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", TAB)
    return "".join(ch if ch == "\n" or ord(ch) in cmap else mark for ch in text)


def _write(pdf: FPDF, width: float, height: float, text: str) -> None:
    text = printable(text, pdf.current_font.cmap)
    pdf.multi_cell(width, height, text, new_x="LMARGIN", new_y="NEXT")


def build_coupon_pdf(
    title: str,
    rows: list[tuple[str, str]],
    sections: list[tuple[str, str]],
    footer: str,
    lang: str,
) -> bytes:
    """The coupon as PDF, its language (`kk`, `ru`) declared for screen readers to read it
    in."""
    pdf = FPDF(format="A4")
    pdf.set_lang(lang)
    pdf.set_title(title)
    pdf.set_creator("Qyzmet")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVuMono", "", str(FONTS / "DejaVuSansMono.ttf"))
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    _write(pdf, 0, 8, title)
    pdf.ln(3)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for label, value in rows:
        pdf.set_font("DejaVu", "B", 10)
        _write(pdf, width, 5, label)
        pdf.set_font("DejaVu", "", 11)
        _write(pdf, width, 6, value or "—")
        pdf.ln(1.5)
    for heading, text in sections:
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", 12)
        _write(pdf, width, 6, heading)
        pdf.set_font("DejaVu", "", 10.5)
        _write(pdf, width, 5.5, text)
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 9)
    _write(pdf, width, 4.5, footer)
    return bytes(pdf.output())
