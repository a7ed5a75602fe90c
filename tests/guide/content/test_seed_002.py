"""Seed 002: the 2013 regulation of the Aktogay district akimat (Karaganda oblast) on registering
citizens in need of housing. The counts below were taken from the seed itself, not from the YAML."""

from collections import Counter
from datetime import date

import pytest

LANGS = ("kk", "ru")
SERVICE = "aktogay-housing-registration-2013"
REGION = "aktogay-district"


@pytest.fixture(params=LANGS)
def lang(request):
    return request.param


@pytest.fixture
def service(content, lang):
    return content[lang].services[SERVICE]


def test_seed_002_lists_one_department_two_psc_offices_and_one_akimat(content, lang):
    bodies = content[lang].bodies_in(REGION)
    assert Counter(body.kind for body in bodies) == {"department": 1, "psc_branch": 2, "akimat": 1}
    akimats = [body for body in content[lang].akimats if body in bodies]
    assert [body.id for body in akimats] == ["aktogay-district-akimat"]


def test_seed_002_akimat_has_a_code_and_the_signing_akim_but_no_contacts(content, lang):
    akimat = content[lang].bodies["aktogay-district-akimat"]
    assert akimat.code == "AKTG"
    # Printed "C. Әбеуова" with a Latin "C"; written with the Cyrillic "С" (same glyph).
    assert akimat.head == "\u0421. Әбеуова"
    assert akimat.address is None and akimat.phones == [] and akimat.emails == []


def test_seed_002_department_has_its_phone_and_both_emails(content, lang):
    department = content[lang].bodies["aktogay-housing-department"]
    assert department.phones == ["8 (71037) 21190"]
    assert department.emails == ["aktogaijkh@mail.ru", "Janaidar2312@mail.ru"]
    assert department.address.endswith(", 4")


def test_seed_002_psc_offices_have_their_phones_and_addresses(content, lang):
    first = content[lang].bodies["aktogay-psc-1"]
    second = content[lang].bodies["aktogay-psc-2"]
    assert first.phones == ["8 (71037) 21394"]
    assert first.emails == ["aktogaycon@mail.ru"]
    assert second.phones == ["8 (71038) 22339"]
    assert second.emails == []
    assert second.address.endswith(", 12")
    assert "Сарыша" in second.address


def test_seed_002_source_is_resolution_06_02_repealed_by_12_02(service):
    source = service.source
    assert (source.kind, source.number, source.date) == ("resolution", "06/02", date(2013, 2, 26))
    assert source.justice_registration.number == "2273"
    assert source.justice_registration.date == date(2013, 3, 29)
    assert source.status == "repealed"
    assert (source.repealed_by.number, source.repealed_by.date) == ("12/02", date(2013, 5, 2))


def test_seed_002_has_six_legal_acts_and_four_channels(service):
    assert len(service.legal_basis) == 6
    assert [channel.kind for channel in service.channels] == ["provider", "psc", "portal", "mobile"]
    assert service.form == "partly_automated"
    assert service.cost.free is True  # paragraph 10: "тегін көрсетіледі"


def test_seed_002_deadline_is_thirty_calendar_days_with_waits_of_15_and_20_minutes(service):
    for channel_id in ("provider", "psc", "portal"):
        time = service.channel(channel_id).processing_time
        assert (time.value, time.unit) == (30, "calendar_days")
    provider, psc = service.channel("provider"), service.channel("psc")
    assert (provider.max_wait_submit.value, provider.max_wait_submit.unit) == (15, "minutes")
    assert (provider.max_wait_collect.value, provider.max_wait_collect.unit) == (15, "minutes")
    assert (psc.max_wait_submit.value, psc.max_wait_collect.value) == (20, 20)


def test_seed_002_hours_are_nine_to_six_at_the_department_and_nine_to_eight_at_the_centre(service):
    provider = service.channel("provider").hours.rules
    assert len(provider) == 1 and len(provider[0].days) == 5
    assert (provider[0].open.hour, provider[0].close.hour) == (9, 18)
    assert (provider[0].breaks[0].start.hour, provider[0].breaks[0].end.hour) == (13, 14)
    psc = service.channel("psc").hours.rules
    assert len(psc) == 1 and psc[0].days[-1] == "sat" and psc[0].breaks == []
    assert (psc[0].open.hour, psc[0].close.hour) == (9, 20)
    portal = service.channel("portal").hours
    assert portal.around_the_clock
    # Paragraph 11 excludes holidays at the department and the centre; for the portal it says
    # only "тәулік бойы", so nothing is claimed about holidays there.
    assert service.channel("provider").hours.closed_on_holidays is True
    assert service.channel("psc").hours.closed_on_holidays is True
    assert portal.closed_on_holidays is None


def test_seed_002_lists_thirteen_documents_for_the_offices_and_two_on_the_portal(service):
    assert sum(len(group.items) for group in service.documents) == 15
    assert sum(len(g.items) for g in service.documents_for("provider")) == 13
    assert sum(len(g.items) for g in service.documents_for("psc")) == 13
    assert sum(len(g.items) for g in service.documents_for("portal")) == 2


def test_seed_002_has_four_eligibility_categories_six_need_criteria_and_the_income_rule(service):
    assert len(service.eligibility.items) == 4
    assert len(service.need_criteria.items) == 6
    assert (service.income_rule.multiplier, service.income_rule.period_months) == (3.1, 12)


def test_seed_002_lists_twelve_vulnerable_groups(service):
    groups = next(section for section in service.sections if section.id == "vulnerable-groups")
    assert len(groups.items) == 12


def test_seed_002_has_five_refusal_grounds(service):
    assert len(service.refusal_grounds.items) == 5


def test_seed_002_process_has_four_actors_and_three_tables_of_eight_actions(service):
    process = service.process
    assert len(process.actors) == 4
    assert [(path.id, path.kind, len(path.steps)) for path in process.paths] == [
        ("actions", "main", 8),
        ("main", "main", 8),
        ("alternative", "alternative", 8),
    ]
    steps = process.paths[0].steps
    assert (steps[0].duration.value, steps[0].duration.unit) == (20, "minutes")
    assert (steps[3].duration.value, steps[3].duration.unit) == (1, "hours")
    assert (steps[4].duration.value, steps[4].duration.unit) == (25, "calendar_days")
    assert [(s.duration.value, s.duration.unit) for s in steps[5:]] == [(1, "working_days")] * 3
    # Actions 2 and 3 are printed with how often, not how long ("1 жұмыс күнінде 3 рет", ...).
    assert [s.duration for s in steps[1:3]] == [None, None]
    assert all("1" in s.frequency for s in steps[1:3])
    # "Келесі іс-әрекеттің нөмірі": 2 3 4 5 and (one cell lost) 6 7 9; 7 and 8 left open.
    assert [s.next for s in steps] == [["2"], ["3"], ["4"], ["5"], ["6"], ["7"], [], []]


def test_seed_002_receipts_results_and_stages(service):
    assert [len(group.items) for group in service.receipts] == [6, 1]
    assert len(service.result_delivery) == 3
    stages = next(section for section in service.sections if section.id == "stages")
    assert len(stages.items) == 5


def test_seed_002_has_one_form_five_definitions_and_no_quality_tables_or_survey(service):
    assert [form.id for form in service.forms] == ["application"]
    assert len(service.definitions) == 5
    assert service.quality_indicators is None
    assert service.survey is None


def test_seed_002_complaints_go_to_the_aktogay_district_akimat(service):
    assert service.complaints.akimats == ["aktogay-district-akimat"]
    assert service.complaints.review_time is None
