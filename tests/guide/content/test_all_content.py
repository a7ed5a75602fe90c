"""Rules every seed's content must keep, checked across all files at once.

The per-seed modules (test_seed_000 … test_seed_004) check each act's own facts; this one checks
what issue 3 asks of all of them together: provenance, complaint destinations, channels that say
who serves them, kk/ru twins, and one table of the counts a reader can compare with the seeds.
The counts were made by hand on the seed texts (see docs/content-decisions.md for how the
ambiguous rows and tables were read), not read back from the YAML.
"""

from collections import Counter
from pathlib import Path

import pytest

from guide.loader import DEFAULT_CONTENT_ROOT

LANGS = ("kk", "ru")

SEEDS = {
    "000_dfc63f0c0c4287f1.txt": ["zhambyl-housing-registration-2008"],
    "001_e3a2c635579333ed.txt": ["almaty-oblast-housing-assistance-2012"],
    "002_19452eea19345dda.txt": ["aktogay-housing-registration-2013"],
    "003_6865e030d98c1b75.txt": ["almaty-city-housing-registration-2013"],
    "004_6e2fdb06047f15cf.txt": [
        "almaty-city-housing-registration-2018",
        "almaty-city-housing-certificate-2018",
        "almaty-city-housing-privatisation-2018",
    ],
}

# Bodies that list the seed in `seeds`, by kind.
BODIES_BY_KIND = {
    # appendix 1: 11 district/city departments + the «Тұрғын үй» enterprise; appendix 3: 11 akimats
    "000_dfc63f0c0c4287f1.txt": {"department": 11, "enterprise": 1, "akimat": 11},
    # appendix 1: 20 rows, row 10 repeating row 6 → 19 departments, + the oblast administration
    # of paragraph 8; appendix 2: the oblast branch and its 32 numbered offices; the issuing akimat
    "001_e3a2c635579333ed.txt": {"akimat": 1, "department": 20, "psc": 1, "psc_branch": 32},
    # appendix 1: the department and the two centre offices; the issuing akimat
    "002_19452eea19345dda.txt": {"akimat": 1, "department": 1, "psc_branch": 2},
    # appendix 1: the department; appendix 2: seven district branches; the issuing akimat
    "003_6865e030d98c1b75.txt": {"akimat": 1, "department": 1, "psc_branch": 7},
    # the department, the State Corporation (named as a whole) and the issuing akimat
    "004_6e2fdb06047f15cf.txt": {"akimat": 1, "department": 1, "psc": 1},
}

# service: (documents, process steps over all paths, refusal grounds)
COUNTS = {
    # paragraph 12: five subparagraphs naming seven documents; no process; paragraph 17: 5 grounds
    "zhambyl-housing-registration-2008": (7, 0, 5),
    # the regulation lists no documents (application + "those of paragraph 11 of the Standard"),
    # paragraph 11: 6 + 10 stages, appendix 6: 3 + 11 actions; grounds only by reference
    "almaty-oblast-housing-assistance-2012": (2, 30, 0),
    # paragraph 15: 13 documents (office/centre) + 2 (portal); appendix 3: three tables of 8
    "aktogay-housing-registration-2013": (15, 24, 5),
    # application + "Standard p. 11" for office/centre and for the portal; paragraphs 6–8: 12 + 15
    # + 9 processes; grounds: Standard p. 16, incomplete documents, portal data/signature
    "almaty-city-housing-registration-2013": (4, 36, 3),
    # appendix 1: Standard p. 9 (centre) + request and copies (portal); 5 + 14 + 12 steps
    "almaty-city-housing-registration-2018": (3, 31, 2),
    # appendix 2: Standard p. 9; 5 + 14 steps
    "almaty-city-housing-certificate-2018": (1, 19, 1),
    # appendix 3: Standard p. 9; 5 + 14 steps
    "almaty-city-housing-privatisation-2018": (1, 19, 1),
}


@pytest.fixture(params=LANGS)
def lang(request):
    return request.param


def test_every_service_comes_from_one_of_the_five_seeds(content, lang):
    expected = {service_id for ids in SEEDS.values() for service_id in ids}
    assert set(content[lang].services) == expected
    for seed, service_ids in SEEDS.items():
        for service_id in service_ids:
            assert content[lang].services[service_id].source.seed == seed


def test_every_service_shows_that_its_source_was_repealed_and_by_what(content, lang):
    for service in content[lang].services.values():
        source = service.source
        assert source.status == "repealed", service.id
        assert source.repealed_by is not None, service.id
        assert source.repealed_by.number and source.repealed_by.date > source.date, service.id
        assert source.repeal_note, service.id
        assert source.justice_registration is not None, service.id


def test_every_akimat_has_a_unique_code_and_receives_complaints_about_some_service(content, lang):
    akimats = content[lang].akimats
    assert akimats
    codes = [akimat.code for akimat in akimats]
    assert all(codes) and len(set(codes)) == len(codes)
    destinations = {
        akimat_id
        for service in content[lang].services.values()
        for akimat_id in service.complaints.akimats
    }
    for akimat in akimats:
        assert akimat.id in destinations, f"{akimat.id} is no service's complaint destination"


def test_every_service_has_a_complaint_destination_and_only_akimats_are_destinations(content, lang):
    bodies = content[lang].bodies
    for service in content[lang].services.values():
        assert service.complaints.akimats, service.id
        assert all(bodies[i].kind == "akimat" for i in service.complaints.akimats), service.id


def test_complaint_paragraphs_are_the_acts_words_not_the_products(content, lang):
    for service in content[lang].services.values():
        for paragraph in service.complaints.paragraphs:
            assert "Qyzmet" not in paragraph, service.id


def test_every_channel_names_its_bodies_or_explains_itself(content, lang):
    for service in content[lang].services.values():
        for channel in service.channels:
            assert channel.bodies or channel.description or channel.notes, (
                f"{service.id}: channel {channel.id} has no bodies and no explanation"
            )
            if channel.kind in ("provider", "psc"):
                assert channel.bodies, f"{service.id}: {channel.id} names no office"


def test_cost_is_free_only_where_the_act_says_so(content):
    # kk is the act's language: "тегін" is how the seeds say "free of charge".
    for service_id, kk in content["kk"].services.items():
        ru = content["ru"].services[service_id]
        says_free = kk.cost is not None and "тегін" in kk.cost.text
        if says_free:
            assert kk.cost.free is True and ru.cost.free is True, service_id
        else:
            assert kk.cost is None or kk.cost.free is None, service_id
            assert ru.cost is None or ru.cost.free is None, service_id


@pytest.mark.parametrize("seed", sorted(BODIES_BY_KIND))
def test_bodies_by_kind_per_seed(content, lang, seed):
    bodies = [body for body in content[lang].bodies.values() if seed in body.seeds]
    assert Counter(body.kind for body in bodies) == BODIES_BY_KIND[seed]


@pytest.mark.parametrize("service_id", sorted(COUNTS))
def test_documents_steps_and_refusal_grounds_per_service(content, lang, service_id):
    service = content[lang].services[service_id]
    documents = sum(len(group.items) for group in service.documents)
    steps = sum(len(path.steps) for path in service.process.paths) if service.process else 0
    refusal_grounds = len(service.refusal_grounds.items)
    assert (documents, steps, refusal_grounds) == COUNTS[service_id]


def test_kk_and_ru_files_exist_for_every_file():
    root = Path(DEFAULT_CONTENT_ROOT)
    kk = {path.relative_to(root / "kk") for path in (root / "kk").rglob("*.yaml")}
    ru = {path.relative_to(root / "ru") for path in (root / "ru").rglob("*.yaml")}
    assert kk == ru
    assert Path("catalogue.yaml") in kk
    assert {p.parent.name for p in kk} == {"", "services", "bodies"}


def test_every_service_and_body_has_a_twin_with_the_same_id(content):
    assert content["kk"].services.keys() == content["ru"].services.keys()
    assert content["kk"].bodies.keys() == content["ru"].bodies.keys()
    for body_id, body in content["kk"].bodies.items():
        twin = content["ru"].bodies[body_id]
        assert (twin.kind, twin.code, twin.phones, twin.emails) == (
            body.kind,
            body.code,
            body.phones,
            body.emails,
        )
