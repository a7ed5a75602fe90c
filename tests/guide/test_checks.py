from pathlib import Path

from guide.checks import check_content, main, numbers_in

SERVICE = "services/test-housing-registration-2008.yaml"
BODIES = "bodies/test-district.yaml"


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def messages(root: Path) -> list[str]:
    return [str(problem) for problem in check_content(root)]


def test_the_fixture_content_passes_every_check(content_copy):
    assert messages(content_copy) == []


def test_a_phone_changed_in_the_russian_copy_breaks_parity(content_copy):
    edit(content_copy, f"ru/{BODIES}", '"8-72633-21217"', '"8-72633-21299"')
    (problem,) = messages(content_copy)
    assert "ru/bodies/test-district.yaml" in problem
    assert "bodies[test-akimat].phones[0]" in problem
    assert "kk has '8-72633-21217' but ru has '8-72633-21299'" in problem


def test_a_duration_changed_in_one_language_breaks_parity(content_copy):
    edit(
        content_copy,
        f"kk/{SERVICE}",
        "processing_time: {value: 30, unit: days}",
        "processing_time: {value: 30, unit: calendar_days}",
    )
    (problem,) = messages(content_copy)
    assert "channels[0].processing_time.unit" in problem


def test_a_list_of_different_length_breaks_parity(content_copy):
    edit(
        content_copy,
        f"ru/{SERVICE}",
        '    - {number: "2)", text: разрушение жилища по вине заявителя}\n',
        "",
    )
    (problem,) = messages(content_copy)
    assert "refusal_grounds.items: kk/ru parity: 2 entries in kk but 1 in ru" in problem


def test_a_number_in_the_prose_that_differs_between_languages_breaks_parity(content_copy):
    edit(content_copy, f"ru/{SERVICE}", "Статьи 67-75 Закона", "Статьи 67-76 Закона")
    (problem,) = messages(content_copy)
    assert (
        "legal_basis[0]: kk/ru parity: numbers differ: kk alone has 75; ru alone has 76" in problem
    )


def test_numbers_in_prose_treat_decimal_comma_and_point_alike():
    assert numbers_in("3,1 еселенген") == numbers_in("3.1-кратного")


def test_a_service_missing_its_twin_is_reported(content_copy):
    (content_copy / "ru" / SERVICE).unlink()
    problems = messages(content_copy)
    assert any("service 'test-housing-registration-2008' has no ru twin" in p for p in problems)


def test_an_unknown_body_id_names_the_field_that_refers_to_it(content_copy):
    edit(
        content_copy,
        f"kk/{SERVICE}",
        "provider_bodies: [test-department]",
        "provider_bodies: [no-such-body]",
    )
    problems = messages(content_copy)
    assert any("provider_bodies[0]: unknown body id 'no-such-body'" in p for p in problems)


def test_a_body_must_come_from_an_act_that_a_service_is_taken_from(content_copy):
    # The body's page names the act by its services' source; a seed no service cites has none.
    other_seed = "001_e3a2c635579333ed.txt"
    for lang in ("kk", "ru"):
        edit(
            content_copy,
            f"{lang}/{BODIES}",
            "    seeds: [000_dfc63f0c0c4287f1.txt]\n  - id: test-department",
            f"    seeds: [{other_seed}]\n  - id: test-department",
        )
    problems = messages(content_copy)
    assert len(problems) == 2, problems
    for lang, problem in zip(("kk", "ru"), problems, strict=True):
        assert f"{lang}/bodies/test-district.yaml" in problem
        assert "bodies[test-akimat].seeds[0]" in problem
        assert f"no service is taken from {other_seed}" in problem


def test_a_complaint_destination_must_be_an_akimat(content_copy):
    for lang in ("kk", "ru"):
        edit(
            content_copy,
            f"{lang}/{SERVICE}",
            "akimats: [test-akimat]",
            "akimats: [test-department]",
        )
    problems = messages(content_copy)
    assert any(
        "complaints.akimats[0]: 'test-department' is a department, not akimat" in p
        for p in problems
    )


def test_a_document_group_must_name_existing_channels(content_copy):
    for lang in ("kk", "ru"):
        edit(
            content_copy,
            f"{lang}/{SERVICE}",
            "channels: [provider, portal]",
            "channels: [provider, post]",
        )
    problems = messages(content_copy)
    assert any("documents[0].channels[1]: unknown channel 'post'" in p for p in problems)
    assert any("no documents listed for channel 'portal'" in p for p in problems)


def test_letter_spaced_scan_text_is_flagged(content_copy):
    edit(content_copy, f"kk/{SERVICE}", "Құжаттарды қабылдайды", "Құжаттарды б е к і т і л с і н")
    problems = messages(content_copy)
    assert any("letter-spaced words" in p for p in problems)


def test_guide_check_exits_non_zero_and_prints_one_line_per_problem(fixture_app, content_copy):
    edit(content_copy, f"ru/{BODIES}", '"8-72633-21217"', '"8-72633-21299"')
    fixture_app.config["GUIDE_CONTENT_ROOT"] = str(content_copy)
    result = fixture_app.test_cli_runner().invoke(args=["guide", "check"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    assert "phones[0]" in lines[0]
    assert lines[1] == "1 problem(s) in the guide content."
    assert "Traceback" not in result.output


def test_guide_check_passes_on_good_content(fixture_app):
    result = fixture_app.test_cli_runner().invoke(args=["guide", "check"])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_guide_check_reports_broken_yaml_in_one_line_without_a_traceback(fixture_app, content_copy):
    (content_copy / "kk" / SERVICE).write_text("id: [broken", encoding="utf-8")
    fixture_app.config["GUIDE_CONTENT_ROOT"] = str(content_copy)
    result = fixture_app.test_cli_runner().invoke(args=["guide", "check"])
    assert result.exit_code == 1
    assert "broken YAML" in result.output
    assert "Traceback" not in result.output


def test_the_check_without_flask_reads_the_configured_content_root(content_copy, monkeypatch):
    edit(content_copy, f"ru/{BODIES}", '"8-72633-21217"', '"8-72633-21299"')
    monkeypatch.setenv("GUIDE_CONTENT_ROOT", str(content_copy))
    assert main() == 1
