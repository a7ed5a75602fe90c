"""Guide markup written in Python must be what the Jinja macros it replaced wrote, exactly.

Each reference below is the macro as it stood in `guide/templates/guide/_macros.html`.
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import render_template_string

from guide.schema import ActRef
from qyzmet.templating import act_name

ACT_NAME_MACROS = """
{% macro act_name(act) -%}
  {{ _("%(kind)s of %(issuer)s No %(number)s of %(date)s", kind=act_kind(act.kind), issuer=act.issuer, number=act.number, date=act.date | long_date) }}
{%- endmacro %}

{% macro act_kind(kind) -%}
  {%- if kind == "standard" -%}{{ _("standard") }}
  {%- elif kind == "regulation" -%}{{ _("regulation") }}
  {%- elif kind == "resolution" -%}{{ _("resolution") }}
  {%- elif kind == "decision" -%}{{ _("decision") }}
  {%- elif kind == "order" -%}{{ _("order") }}
  {%- elif kind == "law" -%}{{ _("law") }}
  {%- else -%}{{ _("code") }}{%- endif -%}
{%- endmacro %}
"""  # noqa: E501


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize(
    "kind", ["standard", "regulation", "resolution", "decision", "order", "law", "code"]
)
def test_act_name_matches_the_macro(fixture_app, lang, kind):
    act = ActRef(
        kind=kind,
        issuer='Akimat of "Taraz" & <district>',
        number="12/3",
        date=date(2020, 5, 1),
    )
    with fixture_app.test_request_context(f"/{lang}/"):
        fixture_app.preprocess_request()
        expected = render_template_string(
            ACT_NAME_MACROS + '[{{ act_name(act) }}] {{ _("by %(act)s", act=act_name(act)) }}',
            act=act,
        )
        written = render_template_string(
            '[{{ act | act_name }}] {{ _("by %(act)s", act=act | act_name) }}', act=act
        )
        assert act_name(act) is act_name(act)  # made once per language
    assert written == expected.strip()
    assert "&lt;district&gt;" in written


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
