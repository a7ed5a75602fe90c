"""Kazakh words folded as a keyboard without Kazakh letters types them, for the search index."""

import re
from pathlib import Path

import pytest

from guide.search_fold import add_folded_fields, fold_kazakh, folded_words

SEARCH_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "search.js"


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("Қордай", "кордай"),
        ("тұрғын үй", "тургын уй"),
        ("кезекке қою", "кезекке кою"),
        ("әкімдік", "акимдик"),
        ("аудандық", "аудандык"),
        ("ӨҢІРЛІК ҰЙЫМ", "онирлик уйым"),
        ("Жаңаөзен, Шаһар", "жанаозен, шахар"),
    ],
)
def test_each_kazakh_letter_folds_to_the_russian_letter_typed_for_it(written, typed):
    assert fold_kazakh(written) == typed


def test_russian_and_latin_text_only_loses_its_capitals():
    assert fold_kazakh("Жилищная очередь, ЦОН 2024, eGov") == "жилищная очередь, цон 2024, egov"


def test_the_folded_words_are_those_folding_changes_once_each_in_order():
    text = "Тұрғын үй кезекке қою. Тұрғын үйге кезекке 2018 жылы қою"
    assert folded_words(text) == "тургын уй кою уйге"


def test_words_already_folded_for_the_title_are_left_out():
    assert folded_words("Қордай ауданы, Қордай ауылы", leave_out="кордай") == ""


def page(main: str) -> str:
    return (
        '<!doctype html><html lang="kk"><body><header><nav>Қазақша</nav></header>'
        f'<main class="govuk-main-wrapper" id="main-content" data-pagefind-body>{main}</main>'
        "<footer>Құқықтық ақпарат</footer></body></html>"
    )


def meta_attributes(text: str) -> dict[str, str]:
    element = re.search(r"<span hidden data-pagefind-meta=[^>]*></span>", text)
    assert element, text
    return dict(re.findall(r'\s(data-[a-z-]+)="([^"]*)"', element.group(0)))


def test_a_kazakh_page_carries_its_folded_title_and_words_as_hidden_pagefind_metadata():
    text = add_folded_fields(
        page("<h1>Тұрғын үй кезегі</h1><p>Қордай ауданының әкімдігі кезекке қояды.</p>")
    )
    assert meta_attributes(text) == {
        "data-pagefind-meta": "folded_title[data-folded-title], folded[data-folded]",
        "data-folded-title": "тургын уй кезеги",
        "data-folded": "кордай ауданынын акимдиги кояды",
    }
    # First in the indexed element, so the page's own text and markup are as they were.
    assert text.replace(re.search(r"<span hidden.*?</span>", text).group(0), "") == page(
        "<h1>Тұрғын үй кезегі</h1><p>Қордай ауданының әкімдігі кезекке қояды.</p>"
    )


def test_words_pagefind_does_not_index_are_not_folded_into_the_page():
    text = add_folded_fields(
        page(
            "<h1>Анықтама</h1>"
            '<nav data-pagefind-ignore="all"><ul><li>Мазмұны</li></ul></nav>'
            '<div data-pagefind-ignore="all"><div>Мекенжайы: Қордай ауылы</div></div>'
            "<form><label>Іздеу</label></form>"
            "<p>Құжаттар тізімі</p>"
        )
    )
    assert meta_attributes(text)["data-folded"] == "кужаттар тизими"


def test_only_the_title_field_is_given_when_the_rest_needs_no_folding():
    text = add_folded_fields(page("<h1>Қордай</h1><p>Тараз, 2018</p>"))
    assert meta_attributes(text) == {
        "data-pagefind-meta": "folded_title[data-folded-title]",
        "data-folded-title": "кордай",
    }


@pytest.mark.parametrize(
    "text",
    [
        page("<h1>Жер</h1><p>Мекенжайы Тараз, 2018</p>"),
        "<html><body><main>Қордай ауданы</main></body></html>",
    ],
    ids=["nothing-to-fold", "not-indexed"],
)
def test_a_page_with_nothing_to_fold_or_no_indexed_element_is_left_as_it_is(text):
    assert add_folded_fields(text) == text


def test_search_js_folds_a_query_with_the_same_letters_as_the_index():
    script = SEARCH_JS.read_text(encoding="utf-8")
    table = re.search(r"const KAZAKH_TO_RUSSIAN = \{([^}]*)\}", script).group(1)
    pairs = dict(re.findall(r'(\w): "(\w)"', table))
    assert "".join(pairs) == "әғқңөұүһі"
    assert "".join(pairs.values()) == fold_kazakh("".join(pairs))
