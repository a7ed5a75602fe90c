"""The coupon PDF prints every character of the complaint, visibly, even ones the font lacks."""

from __future__ import annotations

import re
import zlib

from complaints.coupon import build_coupon_pdf

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes]]:
    """Each object's dictionary and its stream, inflated when it was compressed."""
    objects = {}
    for match in _OBJECT.finditer(pdf):
        body = match.group(2)
        stream = _STREAM.search(body)
        data = b""
        if stream:
            data = stream.group(1)
            if b"/FlateDecode" in body[: stream.start()]:
                data = zlib.decompress(data)
        objects[int(match.group(1))] = (body[: stream.start()] if stream else body, data)
    return objects


def _unescape(literal: bytes) -> bytes:
    """A PDF literal string's bytes (the part between the parentheses)."""
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

    def replace(match: re.Match) -> bytes:
        escaped = match.group(1)
        if escaped[:1].isdigit():
            return bytes([int(escaped, 8)])
        return escapes.get(escaped, escaped)

    return re.sub(rb"\\([0-7]{1,3}|.)", replace, literal, flags=re.S)


def pdf_text(pdf: bytes) -> str:
    """The text a PDF reader would copy: each shown string decoded through its font's
    ToUnicode map, one line per string. Enough for fpdf2's output; no PDF library needed."""
    objects = _objects(pdf)
    to_unicode = {}
    for number, (head, _) in objects.items():
        cmap = re.search(rb"/ToUnicode (\d+) 0 R", head)
        if cmap:
            pairs = re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", objects[int(cmap[1])][1])
            to_unicode[number] = {
                int(glyph, 16): bytes.fromhex(text.decode()).decode("utf-16-be")
                for glyph, text in pairs
            }
    fonts = {}
    for head, _ in objects.values():
        for resources in re.findall(rb"/Font\s*<<(.*?)>>", head, re.S):
            for name, number in re.findall(rb"/(\w+) (\d+) 0 R", resources):
                fonts[name] = to_unicode.get(int(number), {})
    lines = []
    for head, data in objects.values():
        if b"/Contents" in head or not data or b" Tj" not in data:
            continue
        font: dict[int, str] = {}
        tokens = re.finditer(rb"/(\w+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", data, re.S)
        for token in tokens:
            if token.group(1):
                font = fonts[token.group(1)]
                continue
            raw = _unescape(token.group(2))
            glyphs = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
            lines.append("".join(font.get(glyph, "") for glyph in glyphs))
    return "\n".join(lines)


def coupon(name: str = "Асанов Асан", text: str = "Бөлім өтінішті қабылдамады.") -> str:
    pdf = build_coupon_pdf(
        "Талон TRZ-2026-000042",
        [("Өтініш беруші", name), ("Тақырыбы", "Құжаттар")],
        [("Шағымның мәтіні", text)],
        "Qyzmet",
    )
    return pdf_text(pdf)


def test_the_text_reader_reads_kazakh_and_russian_text_back():
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
