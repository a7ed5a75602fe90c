"""Seed 001: Almaty oblast akimat resolution N 421 of 2012-12-24, the regulation «Тұрғын үй көмегін
тағайындау» (housing assistance), and the bodies of its appendices 1 and 2.

The counts below were made by hand on the seed, not read back from the YAML:
appendix 1 has 20 rows, row 10 repeating row 6 (Жамбыл), so 19 district and city departments;
appendix 2 has the oblast branch and 32 numbered offices. Paragraph 11 gives 6 stages via the
local executive body and 10 via the public service centre; the appendix 6 tables have 3 actions
and 11 filled actions (column 12 is empty). Three forms (appendices 3–5), nine definitions.
"""

from collections import Counter
from datetime import date

import pytest

SERVICE = "almaty-oblast-housing-assistance-2012"
LANGS = ["kk", "ru"]


@pytest.fixture(params=LANGS)
def lang(request):
    return request.param


def service(content, lang):
    return content[lang].services[SERVICE]


def test_seed_001_lists_54_bodies_in_almaty_oblast(content, lang):
    assert len(content[lang].bodies_in("almaty-oblast")) == 54


def test_seed_001_counts_bodies_by_kind(content, lang):
    kinds = Counter(body.kind for body in content[lang].bodies_in("almaty-oblast"))
    # 19 district/city departments + the oblast administration named in paragraph 8.
    assert kinds == {"akimat": 1, "department": 20, "psc": 1, "psc_branch": 32}


def test_seed_001_lists_nineteen_employment_departments_once_each(content, lang):
    departments = [
        body
        for body in content[lang].bodies_in("almaty-oblast")
        if body.id.endswith("-employment-department")
    ]
    assert len(departments) == 19
    assert len({body.phones[0] for body in departments}) == 19  # row 10 (Жамбыл again) kept once
    assert sum(1 for body in departments if body.emails) == 15


def test_seed_001_hangs_all_thirty_two_centre_offices_under_the_oblast_branch(content, lang):
    branches = [b for b in content[lang].bodies_in("almaty-oblast") if b.kind == "psc_branch"]
    assert len(branches) == 32
    assert {b.parent for b in branches} == {"almaty-oblast-psc"}
    assert (
        sum(len(b.phones) for b in branches) == 49
    )  # 51 phones in appendix 2, 2 of them the branch's


def test_seed_001_almaty_oblast_akimat_has_its_code_and_signing_akim(content, lang):
    akimat = content[lang].bodies["almaty-oblast-akimat"]
    assert akimat in content[lang].akimats
    assert akimat.code == "ALMOBL"
    assert akimat.head == "А. Мұсаханов"
    assert akimat.phones == [] and akimat.address is None


def test_seed_001_keeps_department_and_centre_contacts_as_printed(content, lang):
    bodies = content[lang].bodies
    assert bodies["aksu-employment-department"].phones == ["8-72832 2-11-43"]
    assert bodies["aksu-employment-department"].emails == ["korgan-53@mail.ru"]
    assert bodies["taldykorgan-employment-department"].phones == ["8-7282 210491"]
    assert bodies["zhambyl-employment-department"].emails == ["zhambyl.rotzszn@mail.online.kz"]
    assert bodies["almaty-oblast-psc"].phones == ["8(7282)24-15-06", "8(7282) 24-41-33"]
    assert bodies["uigur-psc"].phones == [
        "8 (72778) 2-43-35",
        "8(72778) 2-43-31",
        "8(72778) 2-43-32",
    ]
    assert bodies["akshi-psc"].phones == []
    assert "67Б" in bodies["almaty-oblast-psc"].address
    assert bodies["almaty-oblast-employment-administration"].websites == ["www.almoblsobes.kz"]


def test_seed_001_departments_open_nine_to_six_with_a_lunch_hour(content, lang):
    hours = content[lang].bodies["tekeli-employment-department"].hours
    # Appendix 1 says "демалыс және мереке күндерін қоспағанда": closed on holidays is stated.
    assert hours.closed_on_holidays is True
    assert service(content, lang).channel("provider").hours.closed_on_holidays is True
    rule = hours.rule_for(0)
    assert [r.days for r in hours.rules] == [["mon", "tue", "wed", "thu", "fri"]]
    assert (rule.open.isoformat("minutes"), rule.close.isoformat("minutes")) == ("09:00", "18:00")
    assert [(b.start.hour, b.end.hour) for b in rule.breaks] == [(13, 14)]
    assert hours.rule_for(5) is None


def test_seed_001_source_is_resolution_421_repealed_by_196(content, lang):
    source = service(content, lang).source
    assert (source.kind, source.number, source.date) == ("resolution", "421", date(2012, 12, 24))
    assert source.justice_registration.number == "2285"
    assert source.justice_registration.date == date(2013, 1, 21)
    assert source.status == "repealed"
    assert (source.repealed_by.number, source.repealed_by.date) == ("196", date(2014, 6, 2))


def test_seed_001_service_has_two_channels_served_by_19_departments_and_33_centres(content, lang):
    s = service(content, lang)
    assert [c.id for c in s.channels] == ["provider", "psc"]
    assert len(s.channel("provider").bodies) == 19
    assert len(s.channel("psc").bodies) == 33
    assert s.provider_bodies == s.channel("provider").bodies
    assert s.form == "paper" and s.cost.free is True  # paragraph 5: "тегін көрсетіледі"
    assert s.complaints.akimats == ["almaty-oblast-akimat"]


def test_seed_001_complaint_paragraphs_hold_only_what_the_act_says(content, lang):
    complaints = service(content, lang).complaints
    # One paragraph: the act sets no procedure, and its paragraph 18 on responsibility. The
    # routing to the oblast akimat is Qyzmet's (the akimats list), not a sentence of the act.
    assert len(complaints.paragraphs) == 1
    assert "18" in complaints.paragraphs[0]
    assert not any("Qyzmet" in paragraph for paragraph in complaints.paragraphs)
    assert complaints.review_time is None and complaints.receipt is None


def test_seed_001_lists_two_documents_per_channel(content, lang):
    s = service(content, lang)
    for channel in ("provider", "psc"):
        assert sum(len(g.items) for g in s.documents_for(channel)) == 2


def test_seed_001_names_no_refusal_grounds_eligibility_categories_or_income_rule(content, lang):
    s = service(content, lang)
    assert s.refusal_grounds.items == []
    assert s.eligibility.items == []
    assert s.need_criteria is None and s.income_rule is None
    assert s.quality_indicators is None and s.survey is None


def test_seed_001_counts_process_steps_per_path(content, lang):
    s = service(content, lang)
    steps = {path.id: len(path.steps) for path in s.process.paths}
    assert steps == {"provider": 6, "psc": 10, "provider-table": 3, "psc-table": 11}
    assert {path.kind for path in s.process.paths} == {"main"}
    assert len(s.process.actors) == 6


def test_seed_001_keeps_the_appendix_6_durations(content, lang):
    paths = {path.id: path for path in service(content, lang).process.paths}
    check = paths["provider-table"].steps[2].duration
    assert (check.value, check.unit) == (8, "working_days")
    right = paths["psc-table"].steps[5].duration
    assert (right.value, right.unit) == (7, "working_days")
    assert [s.duration.value for s in paths["psc-table"].steps if s.duration] == [
        20,
        15,
        30,
        30,
        7,
        1,
        20,
        15,
        15,
        20,
    ]


def test_seed_001_has_three_forms_nine_definitions_and_a_receipt_per_channel(content, lang):
    s = service(content, lang)
    assert [f.id for f in s.forms] == ["notification", "coupon", "receipt"]
    assert len(s.definitions) == 9
    assert "1414" in s.definitions[-1].meaning
    assert [r.channels for r in s.receipts] == [["provider"], ["psc"]]
    assert [len(d.items) for d in s.result_delivery] == [1, 3]
