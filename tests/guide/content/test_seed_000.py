"""Seed 000: Zhambyl oblast akimat resolution N 197 of 2008-05-29 and the standard it approves.

The counts below were taken from the seed text by hand (not from the YAML) and are asserted for
both languages, so a Kazakh file and its Russian twin cannot drift from the act or each other.
"""

from datetime import date

import pytest

SERVICE = "zhambyl-housing-registration-2008"
REGION = "zhambyl-oblast"
LANGS = ["kk", "ru"]

OFFICES = [  # appendix 1, rows 1-12, in the act's order
    "taraz-housing-department",
    "taraz-turgyn-ui-enterprise",
    "baizak-housing-department",
    "merki-housing-department",
    "ryskulov-housing-department",
    "korday-housing-department",
    "shu-housing-department",
    "talas-housing-department",
    "sarysu-housing-department",
    "zhualy-housing-department",
    "zhambyl-housing-department",
    "moiynkum-housing-department",
]
AKIMATS = {  # appendix 3, rows 1-11, with their complaint codes
    "taraz-city-akimat": "TRZ",
    "baizak-district-akimat": "BZK",
    "merki-district-akimat": "MRK",
    "ryskulov-district-akimat": "RSK",
    "korday-district-akimat": "KRD",
    "shu-district-akimat": "SHU",
    "talas-district-akimat": "TLS",
    "sarysu-district-akimat": "SRS",
    "zhualy-district-akimat": "ZHU",
    "zhambyl-district-akimat": "ZHM",
    "moiynkum-district-akimat": "MNK",
}


def _service(content, lang):
    return content[lang].services[SERVICE]


def _seed_bodies(content, lang):
    return [b for b in content[lang].bodies_in(REGION) if "000_dfc63f0c0c4287f1.txt" in b.seeds]


# ---- bodies (appendices 1 and 3) -------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_seed_000_lists_twelve_offices_and_eleven_akimats(content, lang):
    bodies = _seed_bodies(content, lang)
    kinds = [b.kind for b in bodies]
    assert len(bodies) == 23
    assert kinds.count("department") == 11
    assert kinds.count("enterprise") == 1
    assert kinds.count("akimat") == 11
    assert [b.id for b in bodies if b.kind != "akimat"] == OFFICES
    assert [b.id for b in bodies if b.kind == "akimat"] == list(AKIMATS)


@pytest.mark.parametrize("lang", LANGS)
def test_seed_000_akimats_carry_their_complaint_codes_and_taraz_is_trz(content, lang):
    bodies = content[lang].bodies
    assert {body_id: bodies[body_id].code for body_id in AKIMATS} == AKIMATS
    assert bodies["taraz-city-akimat"].code == "TRZ"


@pytest.mark.parametrize("lang", LANGS)
def test_seed_000_every_office_has_a_head_and_the_weekday_hours_with_a_lunch_break(content, lang):
    for body_id in OFFICES:
        body = content[lang].bodies[body_id]
        assert body.head, body_id
        (rule,) = body.hours.rules
        assert rule.days == ["mon", "tue", "wed", "thu", "fri"]
        assert (str(rule.open), str(rule.close)) == ("09:00:00", "18:00:00")
        assert [(str(b.start), str(b.end)) for b in rule.breaks] == [("13:00:00", "14:00:00")]


@pytest.mark.parametrize("lang", LANGS)
def test_seed_000_offices_keep_phones_emails_and_heads_as_printed(content, lang):
    bodies = content[lang].bodies
    assert bodies["taraz-housing-department"].phones == ["8-7262-560496", "560472"]
    assert bodies["taraz-turgyn-ui-enterprise"].head == "Улыкпанов Ермурат Бошкаұлы"
    assert bodies["taraz-turgyn-ui-enterprise"].parent == "taraz-housing-department"
    assert bodies["shu-housing-department"].phones == ["8-72643-2-37-57", "21131"]
    assert bodies["talas-housing-department"].emails == ["ekonomkaratay@mail.ru"]
    assert bodies["zhualy-housing-department"].emails == ["Jua_fin@tamet.kz"]
    assert bodies["korday-housing-department"].phones == ["8-72636-21448"]


@pytest.mark.parametrize("lang", LANGS)
def test_seed_000_akimats_keep_addresses_phones_and_odd_websites_as_printed(content, lang):
    bodies = content[lang].bodies
    assert bodies["taraz-city-akimat"].phones == ["8-7262-454814", "430846"]
    assert bodies["taraz-city-akimat"].websites == ["www.gorakim.kz"]
    assert "3" in bodies["taraz-city-akimat"].address
    assert bodies["sarysu-district-akimat"].phones == ["87263461437", "63281"]
    assert bodies["sarysu-district-akimat"].websites == ["www.sarysu.ku"]
    assert bodies["zhambyl-district-akimat"].phones == ["8-72633-22328", "211535"]
    assert bodies["moiynkum-district-akimat"].emails == ["Moinkum_akimat@mail.ru"]
    assert bodies["zhualy-district-akimat"].emails == ["Jua_fin@tarnet.kz"]


# ---- the service -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_seed_000_source_is_resolution_197_repealed_by_resolution_62(content, lang):
    source = _service(content, lang).source
    assert (source.kind, source.number, source.date) == ("resolution", "197", date(2008, 5, 29))
    assert (source.justice_registration.number, source.justice_registration.date) == (
        "1705",
        date(2008, 6, 9),
    )
    assert source.status == "repealed"
    assert (source.repealed_by.number, source.repealed_by.date) == ("62", date(2010, 2, 25))
    assert [(a.act.number, a.act.date) for a in source.amendments] == [
        ("305", date(2008, 9, 25)),
        ("305", date(2008, 9, 25)),
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_seed_000_service_is_applied_for_only_at_the_twelve_offices(content, lang):
    service = _service(content, lang)
    assert [c.id for c in service.channels] == ["provider"]
    assert service.channels[0].bodies == OFFICES
    assert service.provider_bodies == OFFICES
    assert service.form == "partly_automated"
    assert service.cost.free is True


@pytest.mark.parametrize("lang", LANGS)
def test_seed_000_takes_thirty_days_with_thirty_and_ten_minute_queues(content, lang):
    channel = _service(content, lang).channel("provider")
    assert (channel.processing_time.value, channel.processing_time.unit) == (30, "days")
    assert (channel.max_wait_submit.value, channel.max_wait_submit.unit) == (30, "minutes")
    assert (channel.max_wait_collect.value, channel.max_wait_collect.unit) == (10, "minutes")


@pytest.mark.parametrize("lang", LANGS)
def test_seed_000_asks_for_seven_documents_four_of_them_conditional(content, lang):
    groups = _service(content, lang).documents_for("provider")
    items = [item for group in groups for item in group.items]
    assert len(items) == 7
    assert sum(1 for item in items if item.condition) == 4
    # Paragraph 12 numbers five subparagraphs; 2) and 4) each name two documents.
    assert [item.number for item in items] == ["1)", "2)", "2)", "3)", "4)", "4)", "5)"]
    assert all(item.form is None for item in items)  # the act never says original or copy


@pytest.mark.parametrize("lang", LANGS)
def test_seed_000_hours_say_nothing_about_holidays_because_the_act_does_not(content, lang):
    assert _service(content, lang).channel("provider").hours.closed_on_holidays is None
    for body in _seed_bodies(content, lang):
        assert body.hours is None or body.hours.closed_on_holidays is None, body.id


@pytest.mark.parametrize("lang", LANGS)
def test_seed_000_names_three_applicant_groups_the_first_with_eleven_categories(content, lang):
    eligibility = _service(content, lang).eligibility
    assert [item.number for item in eligibility.items] == ["1)", "2)", "3)"]
    assert len(eligibility.items[0].items) == 11
    assert _service(content, lang).income_rule is None


@pytest.mark.parametrize("lang", LANGS)
def test_seed_000_has_five_refusal_grounds_and_no_process_forms_or_survey(content, lang):
    service = _service(content, lang)
    assert len(service.refusal_grounds.items) == 5
    assert service.process is None
    assert service.forms == []
    assert service.survey is None
    assert service.definitions == []


@pytest.mark.parametrize("lang", LANGS)
def test_seed_000_quality_table_has_five_groups_and_twelve_rows(content, lang):
    table = _service(content, lang).quality_indicators
    assert [len(group.indicators) for group in table.groups] == [2, 2, 3, 4, 1]
    indicators = [i for group in table.groups for i in group.indicators]
    rows = {i.number: (i.normative, i.target, i.current) for i in indicators}
    assert len(rows) == 12
    assert table.columns is not None
    if lang == "kk":  # the act's own three column headings, word for word
        assert (table.columns.normative, table.columns.target, table.columns.current) == (
            "Көрсеткіштің нормативтік мәні",
            "Көрсеткіштің келесі жылдағы нысаналы мәні",
            "Көрсеткіштің есепті жылдағы ағымдағы мәні",
        )
    assert rows["3.2"] == (5, 10, 5)
    assert rows["4.1"] == (2, 0, 2)
    assert rows["4.2"] == (100, 100, 90)


@pytest.mark.parametrize("lang", LANGS)
def test_seed_000_complaints_go_to_all_eleven_akimats(content, lang):
    complaints = _service(content, lang).complaints
    assert complaints.akimats == list(AKIMATS)
    assert complaints.bodies == list(AKIMATS)
    assert complaints.review_time is None
    assert complaints.receipt


@pytest.mark.parametrize("lang", LANGS)
def test_seed_000_keeps_principles_and_the_other_unfielded_parts_as_sections(content, lang):
    sections = {s.id: s for s in _service(content, lang).sections}
    assert list(sections) == [
        "general",
        "information",
        "place-conditions",
        "principles",
        "contacts",
    ]
    assert len(sections["principles"].items) == 4
