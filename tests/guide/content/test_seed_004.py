"""Seed 004: Almaty city akimat resolution No 1/47 of 2018-02-08 and its three regulations.

The counts below were taken from the seed by hand, independently of the YAML files.
"""

from collections import Counter
from datetime import date

import pytest

from guide.checks import numbers_in

SEED = "004_6e2fdb06047f15cf.txt"
REGISTRATION = "almaty-city-housing-registration-2018"
CERTIFICATE = "almaty-city-housing-certificate-2018"
PRIVATISATION = "almaty-city-housing-privatisation-2018"
SERVICES = (REGISTRATION, CERTIFICATE, PRIVATISATION)

LANGS = pytest.mark.parametrize("lang", ["kk", "ru"])


def _seed_bodies(content, lang):
    return [b for b in content[lang].bodies_in("almaty-city") if SEED in b.seeds]


def _document_count(service):
    return sum(len(group.items) for group in service.documents)


def _path(service, path_id):
    return next(p for p in service.process.paths if p.id == path_id)


@LANGS
def test_seed_004_lists_one_department_one_state_corporation_and_one_akimat(content, lang):
    kinds = Counter(body.kind for body in _seed_bodies(content, lang))
    assert kinds == {"department": 1, "psc": 1, "akimat": 1}


@LANGS
def test_seed_004_bodies_carry_no_contacts_because_the_act_gives_none(content, lang):
    for body in _seed_bodies(content, lang):
        if body.id == "almaty-housing-department":
            # Its contacts are the 2013 ones of seed 003, and a note says so.
            assert "003_6865e030d98c1b75.txt" in body.seeds
            assert any("2013" in note and "2018" in note for note in body.notes)
            continue
        assert body.address is None
        assert body.phones == [] and body.emails == [] and body.websites == []
        assert body.hours is None


@LANGS
def test_almaty_city_akimat_has_code_ala_and_is_headed_by_baibek(content, lang):
    akimat = content[lang].bodies["almaty-city-akimat"]
    assert akimat in content[lang].akimats
    assert akimat.code == "ALA"
    assert akimat.head == "Б. Байбек"


@LANGS
@pytest.mark.parametrize("service_id", SERVICES)
def test_each_regulation_comes_from_resolution_1_47_repealed_by_4_634(content, lang, service_id):
    source = content[lang].services[service_id].source
    assert source.seed == SEED
    assert source.kind == "resolution"
    assert source.number == "1/47"
    assert source.date == date(2018, 2, 8)
    assert source.justice_registration.number == "1455"
    assert source.justice_registration.date == date(2018, 2, 23)
    assert source.status == "repealed"
    assert source.repealed_by.number == "4/634"
    assert source.repealed_by.date == date(2020, 12, 30)
    assert source.approved_document


@LANGS
@pytest.mark.parametrize("service_id", SERVICES)
def test_each_service_is_provided_by_the_housing_department_and_complaints_go_to_the_akimat(
    content, lang, service_id
):
    service = content[lang].services[service_id]
    assert service.region == "almaty-city"
    assert service.provider_bodies == ["almaty-housing-department"]
    assert service.complaints.akimats == ["almaty-city-akimat"]
    assert len(service.complaints.paragraphs) == 1
    assert service.cost.free is None  # the regulations say nothing about cost
    assert {path.kind for path in service.process.paths} == {"main"}
    assert service.forms == []
    assert service.quality_indicators is None
    assert service.survey is None
    assert service.eligibility.items == []


@LANGS
def test_registration_has_two_channels_three_documents_and_two_refusal_grounds(content, lang):
    service = content[lang].services[REGISTRATION]
    assert [c.kind for c in service.channels] == ["psc", "portal"]
    assert _document_count(service) == 3
    assert len(service.documents_for("psc")[0].items) == 1
    assert len(service.documents_for("portal")[0].items) == 2
    assert len(service.refusal_grounds.items) == 2
    assert len(service.definitions) == 11
    assert service.result_forms == ["electronic"]
    assert "www.egov.kz" in service.channel("portal").name
    assert numbers_in(service.receipts[0].items[0]) == Counter({"3": 1})


@LANGS
def test_registration_has_five_provider_steps_fourteen_psc_steps_and_twelve_portal_steps(
    content, lang
):
    service = content[lang].services[REGISTRATION]
    assert len(service.process.actors) == 6
    assert [len(p.steps) for p in service.process.paths] == [5, 14, 12]
    step = _path(service, "main").steps[2]
    assert (step.duration.value, step.duration.unit) == (27, "calendar_days")
    first = _path(service, "main").steps[0]
    assert (first.duration.value, first.duration.unit) == (20, "minutes")


@LANGS
def test_certificate_is_paper_through_the_state_corporation_in_three_working_days(content, lang):
    service = content[lang].services[CERTIFICATE]
    assert [c.kind for c in service.channels] == ["psc"]
    assert service.form == "paper"
    assert _document_count(service) == 1
    assert len(service.refusal_grounds.items) == 1
    assert len(service.definitions) == 5
    assert len(service.process.actors) == 7
    assert [len(p.steps) for p in service.process.paths] == [5, 14]
    step = _path(service, "main").steps[2]
    assert (step.duration.value, step.duration.unit) == (3, "working_days")
    last = _path(service, "main").steps[4]
    assert (last.duration.value, last.duration.unit) == (1, "working_days")


@LANGS
def test_privatisation_is_applied_for_at_the_office_or_the_state_corporation(content, lang):
    service = content[lang].services[PRIVATISATION]
    assert [c.kind for c in service.channels] == ["provider", "psc"]
    assert _document_count(service) == 1
    assert service.documents[0].channels == ["provider", "psc"]
    assert len(service.refusal_grounds.items) == 1
    assert len(service.definitions) == 4
    assert len(service.legal_basis) == 3
    assert "616" in service.legal_basis[1]
    assert [len(p.steps) for p in service.process.paths] == [5, 14]
    head_step = _path(service, "main").steps[1]
    assert (head_step.duration.value, head_step.duration.unit) == (1, "calendar_days")
    # The refusal receipt follows appendix 1 to this Standard (appendix 3 in the other two).
    assert numbers_in(service.receipts[0].items[0]) == Counter({"1": 1})
