"""Seed 003: Almaty city akimat resolution No 2/512 of 19 June 2013 (electronic service regulation).

The counts below were taken from the seed by hand, independently of the YAML files.
"""

from collections import Counter
from datetime import date

import pytest

SEED = "003_6865e030d98c1b75.txt"
SERVICE = "almaty-city-housing-registration-2013"
LANGS = ["kk", "ru"]
PSC_BRANCHES = [
    "almaty-psc-alatau",
    "almaty-psc-almaly",
    "almaty-psc-auezov",
    "almaty-psc-bostandyk",
    "almaty-psc-zhetysu",
    "almaty-psc-medeu",
    "almaty-psc-turksib",
]


def seed_bodies(content, lang):
    return [b for b in content[lang].bodies_in("almaty-city") if SEED in b.seeds]


def service(content, lang):
    return content[lang].services[SERVICE]


@pytest.mark.parametrize("lang", LANGS)
def test_seed_003_lists_seven_psc_branches_one_housing_department_and_one_akimat(content, lang):
    kinds = Counter(body.kind for body in seed_bodies(content, lang))
    assert kinds == {"psc_branch": 7, "department": 1, "akimat": 1}
    assert {b.id for b in seed_bodies(content, lang) if b.kind == "psc_branch"} == set(PSC_BRANCHES)


@pytest.mark.parametrize("lang", LANGS)
def test_seed_003_reuses_the_seed_004_akimat_and_housing_department(content, lang):
    akimat = content[lang].bodies["almaty-city-akimat"]
    assert akimat.code == "ALA"
    assert SEED in akimat.seeds
    assert SEED in content[lang].bodies["almaty-housing-department"].seeds
    assert any("2/512" in note and "А. Есімов" in note for note in akimat.notes)


@pytest.mark.parametrize("lang", LANGS)
def test_seed_003_branch_phones_and_addresses_are_as_printed(content, lang):
    bodies = content[lang].bodies
    assert bodies["almaty-psc-medeu"].phones == ["386-90-18", "239-65-52"]
    assert bodies["almaty-psc-alatau"].phones == ["395 36 11"]
    assert bodies["almaty-psc-bostandyk"].phones == ["330-98-22", "396 21 99"]
    assert bodies["almaty-psc-almaly"].address.endswith("221")
    assert (
        "Шаңырақ-2" in bodies["almaty-psc-alatau"].address
        or "Шанырак-2" in bodies["almaty-psc-alatau"].address
    )
    assert "20.00" in bodies["almaty-psc-turksib"].hours.note


@pytest.mark.parametrize("lang", LANGS)
def test_seed_003_gives_the_housing_department_its_2013_contacts_as_fields(content, lang):
    department = content[lang].bodies["almaty-housing-department"]
    assert department.kind == "department"
    # Appendix 1 (address, phone, hours) and paragraph 11, 5) (the enquiry office's phones).
    assert department.phones == ["380-04-99", "380-04-85", "380-05-10", "380-05-30"]
    assert "215" in department.address
    # No weekdays in the act: the hours are words only, never rules.
    assert department.hours.rules == [] and "18.00" in department.hours.note
    assert "13.00" in department.hours.note
    assert any("2013" in note and "2/512" in note for note in department.notes)


@pytest.mark.parametrize("lang", LANGS)
def test_seed_003_source_is_resolution_2_512_repealed_by_1_80(content, lang):
    source = service(content, lang).source
    assert source.seed == SEED
    assert (source.kind, source.number, source.date) == ("resolution", "2/512", date(2013, 6, 19))
    assert source.justice_registration.number == "985"
    assert source.justice_registration.date == date(2013, 7, 2)
    assert source.status == "repealed"
    assert (source.repealed_by.number, source.repealed_by.date) == ("1/80", date(2014, 2, 6))


@pytest.mark.parametrize("lang", LANGS)
def test_seed_003_service_has_provider_psc_and_portal_channels(content, lang):
    svc = service(content, lang)
    assert [c.kind for c in svc.channels] == ["provider", "psc", "portal"]
    assert svc.channel("psc").bodies == PSC_BRANCHES
    assert svc.channel("provider").bodies == ["almaty-housing-department"]
    assert svc.form == "partly_automated"
    assert len(svc.legal_basis) == 5


@pytest.mark.parametrize("lang", LANGS)
def test_seed_003_lists_two_documents_per_channel(content, lang):
    svc = service(content, lang)
    for channel in ("provider", "psc", "portal"):
        assert sum(len(g.items) for g in svc.documents_for(channel)) == 2


@pytest.mark.parametrize("lang", LANGS)
def test_seed_003_process_has_eight_units_and_36_steps_in_seven_paths(content, lang):
    process = service(content, lang).process
    assert len(process.actors) == 8
    steps = {path.id: [step.number for step in path.steps] for path in process.paths}
    assert steps == {
        "provider-main": [str(n) for n in range(1, 10)],
        "provider-incomplete": ["10", "11", "12"],
        "psc-main": [str(n) for n in range(1, 12)],
        "psc-incomplete": ["12", "13", "14", "15"],
        "portal-main": ["1", "3", "4", "5", "7", "8", "9"],
        "portal-signature-refused": ["2"],
        "portal-incomplete": ["6"],
    }
    assert [p.kind for p in process.paths].count("main") == 3


@pytest.mark.parametrize("lang", LANGS)
def test_seed_003_housing_commission_reviews_within_30_days(content, lang):
    paths = {p.id: p for p in service(content, lang).process.paths}
    for path_id, number in (("provider-main", "6"), ("psc-main", "7"), ("portal-main", "8")):
        step = next(s for s in paths[path_id].steps if s.number == number)
        assert (step.duration.value, step.duration.unit) == (30, "days")


@pytest.mark.parametrize("lang", LANGS)
def test_seed_003_has_three_refusal_grounds_and_four_eligible_categories(content, lang):
    svc = service(content, lang)
    assert len(svc.refusal_grounds.items) == 3
    assert len(svc.eligibility.items) == 4
    assert svc.need_criteria is None and svc.income_rule is None


@pytest.mark.parametrize("lang", LANGS)
def test_seed_003_has_one_form_a_two_question_survey_and_19_definitions(content, lang):
    svc = service(content, lang)
    assert [f.id for f in svc.forms] == ["application"]
    assert len(svc.survey.questions) == 2
    assert all(len(q.options) == 3 for q in svc.survey.questions)
    assert svc.quality_indicators is None
    assert len(svc.definitions) == 19


@pytest.mark.parametrize("lang", LANGS)
def test_seed_003_complaints_go_to_the_almaty_city_akimat(content, lang):
    svc = service(content, lang)
    assert svc.complaints.akimats == ["almaty-city-akimat"]
    # The act sets no complaint procedure; the page says so and nothing else in its name.
    assert len(svc.complaints.paragraphs) == 1
    assert svc.cost.free is None  # the act says nothing about cost
    information = next(s for s in svc.sections if s.id == "information")
    assert len(information.items) == 5
    assert "1414" in information.items[3].text
    assert "380-05-30" in information.items[4].text
