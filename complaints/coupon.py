"""The coupon (талон): a PDF copy of the complaint with its registration details.

The Administrative Procedural Code (art. 63) gives the applicant a coupon with the unique
number, the date and time, and who accepted the appeal. The labels arrive already translated,
so this module only lays out text; the font carries the Kazakh letters.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).parent / "fonts"


def build_coupon_pdf(
    title: str,
    rows: list[tuple[str, str]],
    sections: list[tuple[str, str]],
    footer: str,
) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator("Qyzmet")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVuMono", "", str(FONTS / "DejaVuSansMono.ttf"))
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for label, value in rows:
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(width, 5, label, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 11)
        pdf.multi_cell(width, 6, value or "—", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    for heading, text in sections:
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(width, 6, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 10.5)
        pdf.multi_cell(width, 5.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(width, 4.5, footer, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
