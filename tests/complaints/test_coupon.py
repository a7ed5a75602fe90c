"""The coupon PDF prints every character of the complaint, visibly, even ones the font lacks."""

from __future__ import annotations

import re

from helpers import pdf_text

from complaints.coupon import build_coupon_pdf


def coupon(name: str = "Асанов Асан", text: str = "Бөлім өтінішті қабылдамады.") -> str:
    pdf = build_coupon_pdf(
        "Талон TRZ-2026-000042",
        [("Өтініш беруші", name), ("Тақырыбы", "Құжаттар")],
        [("Шағымның мәтіні", text)],
        "Qyzmet",
        lang="kk",
    )
    return pdf_text(pdf)


def test_kazakh_and_russian_text_reads_back_from_the_pdf():
    text = coupon(name="Әлімғали Қоңыр Өтеғұлұлы", text="Отдел не принял заявление.")
    assert "Талон TRZ-2026-000042" in text
    assert "Әлімғали Қоңыр Өтеғұлұлы" in text
    assert "Отдел не принял заявление." in text


def test_a_tab_prints_as_spaces_not_as_nothing():
    text = coupon(text="a\tb\t\tc")
    assert re.search(r"a +b +c", text), text
    assert "abc" not in text


def test_characters_the_font_lacks_print_as_a_replacement_mark():
    # DejaVu Sans has no Chinese or Korean script and not every emoji (it has "😀", not "🧾").
    lines = coupon(name="🧾🧾", text="漢字 и 한국어 😀🧾").splitlines()
    assert lines[lines.index("Өтініш беруші") + 1] == "\ufffd\ufffd"
    assert "\ufffd\ufffd и \ufffd\ufffd\ufffd 😀\ufffd" in lines


def test_characters_the_font_has_are_printed_as_they_are():
    text = coupon(text="Ерме\u0301к — «тест» № 5 ½ €")
    assert "Ерме\u0301к — «тест» № 5 ½ €" in text
    assert "\ufffd" not in text
