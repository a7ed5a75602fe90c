"""Every word a reader meets is written in one alphabet: no Latin look-alike letters inside a
Cyrillic word («әкiмдiк» with a Latin i), and no Kazakh letters in the Russian catalogue.

Such a word looks right on screen, but a search for it finds nothing, a screen reader spells
it out letter by letter, and the next translator copies it. The scan covers what the
interface shows: both catalogues, the templates (pages, emails, the coupon) and the Python
and JavaScript sources whose strings reach the page. The guide's content files keep the acts'
own spelling and are checked by `flask guide check`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# A run of letters, as a reader sees a word: a hyphen or a digit ends it (`МБ-тан`, `TRZ-2026`).
WORD = re.compile(r"[^\W\d_]+")
KAZAKH_ONLY = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")

SOURCES = [
    *sorted((ROOT / "qyzmet").rglob("*.py")),
    *sorted((ROOT / "complaints").rglob("*.py")),
    *sorted((ROOT / "guide").glob("*.py")),
    *sorted((ROOT / "qyzmet" / "templates").rglob("*.html")),
    *sorted((ROOT / "complaints" / "templates").rglob("*.html")),
    *sorted((ROOT / "complaints" / "templates").rglob("*.txt")),
    *sorted((ROOT / "guide" / "templates").rglob("*.html")),
    *sorted((ROOT / "static" / "js").glob("*.js")),
]

# search.js explains, in a comment, the very mistake it forgives in a query.
EXPLAINED_EXAMPLES = {("static/js/search.js", "әкiмдiк")}


def mixed_script_words(text: str) -> list[str]:
    return [word for word in WORD.findall(text) if CYRILLIC.search(word) and LATIN.search(word)]


def catalogue(lang: str):
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=lang)


def translations(lang: str) -> list[tuple[str, str]]:
    """(msgid, each translated form) of a catalogue."""
    found = []
    for message in catalogue(lang):
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        found.extend((msgid, form) for form in forms if form)
    return found


def test_the_scan_finds_a_latin_letter_inside_a_cyrillic_word():
    assert mixed_script_words("әкімдік әкiмдiк Qyzmet-тегі TRZ-2026 Oблыс") == [
        "әкiмдiк",
        "Oблыс",
    ]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_translation_mixes_latin_and_cyrillic_letters_in_a_word(lang):
    found = [
        (msgid, word) for msgid, text in translations(lang) for word in mixed_script_words(text)
    ]
    assert found == []


def test_no_template_or_source_mixes_latin_and_cyrillic_letters_in_a_word():
    assert len(SOURCES) > 50  # the globs found the code and templates
    found = [
        (str(path.relative_to(ROOT)), word)
        for path in SOURCES
        for word in mixed_script_words(path.read_text(encoding="utf-8"))
        if (str(path.relative_to(ROOT)), word) not in EXPLAINED_EXAMPLES
    ]
    assert found == []


def test_the_russian_catalogue_uses_no_kazakh_letters():
    found = [(msgid, text) for msgid, text in translations("ru") if KAZAKH_ONLY.search(text)]
    assert found == []
