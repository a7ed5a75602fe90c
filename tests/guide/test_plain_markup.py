"""Guide markup written in Python: what the Jinja macros it replaced wrote, and act names as
each language cites them."""

from __future__ import annotations

from datetime import date

import pytest
from flask import render_template_string

from guide.schema import ActRef, JusticeRegistration
from qyzmet.templating import act_name


def cited(app, lang: str, act: ActRef, template: str = "{{ act | act_name }}") -> str:
    with app.test_request_context(f"/{lang}/"):
        app.preprocess_request()
        written = render_template_string(template, act=act)
        assert act_name(act) is act_name(act)  # made once per language
    return written


@pytest.mark.parametrize(
    ("kind", "kazakh", "russian"),
    [
        ("standard", "стандарты", "стандарт"),
        ("regulation", "регламенті", "регламент"),
        ("resolution", "қаулысы", "постановление"),
        ("decision", "шешімі", "решение"),
        ("order", "бұйрығы", "приказ"),
        ("law", "Заңы", "закон"),
        ("code", "кодексі", "кодекс"),
    ],
)
def test_an_act_is_cited_as_documents_of_each_language_cite_it(fixture_app, kind, kazakh, russian):
    day = date(2020, 12, 30)
    in_kazakh = ActRef(kind=kind, issuer="Алматы қаласының әкімдігі", number="4/634", date=day)
    in_russian = ActRef(kind=kind, issuer="акимат города Алматы", number="4/634", date=day)
    assert cited(fixture_app, "kk", in_kazakh) == (
        f"Алматы қаласының әкімдігінің 2020\u00a0жылғы 30\u00a0желтоқсандағы № 4/634 {kazakh}"
    )
    assert cited(fixture_app, "ru", in_russian) == (
        f"акимат города Алматы, {russian} от 30 декабря 2020\u202fг. № 4/634"
    )


@pytest.mark.parametrize(
    ("lang", "body", "written"),
    [
        (
            "kk",
            "Алматы қаласы Әділет департаменті",
            "Алматы қаласы Әділет департаментінде 2018\u00a0жылғы 23\u00a0ақпанда № 1455 "
            "болып тіркелген",
        ),
        (
            "ru",
            "Департамент юстиции города Алматы",
            "Департамент юстиции города Алматы, № 1455 от 23 февраля 2018\u202fг.",
        ),
    ],
)
def test_an_acts_state_registration_reads_as_the_act_itself_states_it(
    fixture_app, lang, body, written
):
    registration = JusticeRegistration(body=body, number="1455", date=date(2018, 2, 23))
    template = "{{ registration | state_registration }}"
    with fixture_app.test_request_context(f"/{lang}/"):
        fixture_app.preprocess_request()
        assert render_template_string(template, registration=registration) == written


def test_a_state_registration_is_escaped_once(fixture_app):
    registration = JusticeRegistration(body="<b>Body</b> & co", number="1", date=date(2018, 2, 23))
    with fixture_app.test_request_context("/kk/"):
        fixture_app.preprocess_request()
        written = render_template_string("{{ r | state_registration }}", r=registration)
    assert written.startswith("&lt;b&gt;Body&lt;/b&gt; &amp; co 2018")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_an_acts_name_is_escaped_once_as_a_template_escapes(fixture_app, lang):
    act = ActRef(
        kind="standard",
        issuer='Akimat of "Taraz" & <district>',
        number="12/3",
        date=date(2020, 5, 1),
    )
    written = cited(
        fixture_app, lang, act, '[{{ act | act_name }}] {{ _("by %(act)s", act=act | act_name) }}'
    )
    assert written.count("Akimat of &#34;Taraz&#34; &amp; &lt;district&gt;") == 2
    assert "&amp;amp;" not in written and "&amp;lt;" not in written


def test_remember_writes_what_the_macro_writes_once_per_item_and_language(fixture_app):
    from qyzmet.templating import remember

    calls = []

    def write(item):
        return render_template_string('{{ _("Address") }}: {{ item.address }}', item=item)

    def macro(item):
        calls.append(item)
        return write(item)

    class Item:
        def __init__(self, address):
            self.address = address

    first, second = Item("<Abai 1>"), Item("Abai 2")
    written = {}
    for lang in ("kk", "ru", "kk"):
        with fixture_app.test_request_context(f"/{lang}/"):
            fixture_app.preprocess_request()
            for item in (first, second, first):
                text = remember("test-address", macro, item)
                assert text == write(item)
                written.setdefault((lang, item.address), text)
    assert calls == [first, second, first, second]  # kk, then ru; kk again from memory
    assert written[("kk", "<Abai 1>")] != written[("ru", "<Abai 1>")]
    assert "&lt;Abai 1&gt;" in written[("kk", "<Abai 1>")]
