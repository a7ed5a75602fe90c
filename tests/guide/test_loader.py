import gc
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
import yaml_rs

from guide.loader import DEFAULT_CONTENT_ROOT, ContentError, load_content, load_file
from guide.schema import BodyDirectory, Service

FIXTURE = Path(__file__).parent / "fixtures" / "content"
SERVICE = "services/test-housing-registration-2008.yaml"


@pytest.fixture
def content_copy(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE, root)
    return root


def problems_after(root: Path, relative: str, old: str, new: str) -> list[str]:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_content(root)
    return [str(problem) for problem in error.value.problems]


def test_the_fixture_content_loads(content_copy):
    content = load_content(content_copy)
    assert set(content.languages) == {"kk", "ru"}
    assert "test-housing-registration-2008" in content["kk"].services


def test_a_missing_field_names_the_file_the_line_and_the_field(content_copy):
    problems = problems_after(
        content_copy, f"kk/{SERVICE}", "result: Есепке қою туралы хабарлама.\n", ""
    )
    assert len(problems) == 1
    assert "kk/services/test-housing-registration-2008.yaml:" in problems[0]
    assert problems[0].endswith("result: required field is missing")


def test_a_wrong_type_names_the_nested_field_path_and_its_line(content_copy):
    problems = problems_after(content_copy, f"kk/{SERVICE}", 'open: "09:00"', "open: 900")
    assert len(problems) == 1
    problem = problems[0]
    assert "channels[0].hours.rules[0].open" in problem
    assert 'write the time in quotes as "HH:MM"' in problem
    line = int(problem.split(".yaml:")[1].split(":")[0])
    assert "open: 900" in (content_copy / "kk" / SERVICE).read_text().splitlines()[line - 1]


def test_broken_yaml_gives_one_line_with_file_and_line(content_copy):
    problems = problems_after(
        content_copy, f"ru/{SERVICE}", "title: Учёт граждан", "title: [Учёт граждан"
    )
    assert len(problems) == 1
    assert "ru/services/test-housing-registration-2008.yaml:" in problems[0]
    assert "broken YAML" in problems[0]
    assert "\n" not in problems[0]


def test_an_impossible_date_is_the_field_s_error_on_its_line_not_a_traceback(content_copy):
    # PyYAML itself fails on 2026-02-30 with a bare ValueError, not a YAMLError.
    problems = problems_after(
        content_copy, f"kk/{SERVICE}", "updated: 2026-11-21", "updated: 2026-02-30"
    )
    (problem,) = problems
    assert "kk/services/test-housing-registration-2008.yaml:113: updated:" in problem


def test_a_file_nested_beyond_reason_is_one_line_not_a_crash(tmp_path):
    # libyaml, through PyYAML, overflowed its C stack on this: a segmentation fault.
    path = tmp_path / "deep.yaml"
    path.write_text("id: x\nnotes: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    script = (
        "import sys; from pathlib import Path; from guide.loader import load_file, ContentError\n"
        "from guide.schema import Service\n"
        "try: load_file(Path(sys.argv[1]), Service, 'kk')\n"
        "except ContentError as error: print(*error.problems, sep='\\n')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr[-500:]
    assert run.stdout.strip().endswith(":2: broken YAML: recursion limit exceeded")


def test_a_control_character_is_named_with_its_line_not_cut_out_of_the_value(content_copy):
    # yaml-rs alone would read "title: Учёт\x00 граждан" as "Учёт", and say nothing.
    problems = problems_after(
        content_copy, f"ru/{SERVICE}", "title: Учёт граждан", "title: Учёт\x00 граждан"
    )
    (problem,) = problems
    line = int(problem.split(".yaml:")[1].split(":")[0])
    source = (content_copy / "ru" / SERVICE).read_text(encoding="utf-8").splitlines()
    assert "\x00" in source[line - 1]
    assert problem.endswith("the character #x0000 is not allowed in YAML; remove it")


def test_a_byte_order_mark_from_a_windows_editor_is_not_part_of_the_first_field(content_copy):
    path = content_copy / "kk" / SERVICE
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_content(content_copy)["kk"].services["test-housing-registration-2008"]


def test_a_list_used_as_a_key_is_one_line_not_a_traceback(tmp_path):
    path = tmp_path / "region.yaml"
    path.write_text("region: region\nbodies:\n  ? {a: [1]}\n  : 1\n", encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_file(path, BodyDirectory, "kk")
    (problem,) = error.value.problems
    assert str(problem) == (
        f"{path}:3: broken YAML: a key must be a plain value, not a list or a mapping"
    )


def test_loading_leaves_the_cyclic_garbage_collector_as_it_found_it(content_copy):
    assert gc.isenabled()
    load_content(content_copy)
    assert gc.isenabled()
    (content_copy / "kk" / SERVICE).write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError):
        load_content(content_copy)
    assert gc.isenabled()
    gc.disable()
    try:
        with pytest.raises(ContentError):
            load_content(content_copy)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_every_content_file_reads_the_same_with_yaml_rs_and_with_pyyaml():
    """The guide reads its files with yaml-rs (YAML 1.2); editors' tools mostly use PyYAML
    (YAML 1.1), which reads an unquoted yes, on, 010 or 9:30 otherwise. Quote such values."""
    files = sorted(DEFAULT_CONTENT_ROOT.glob("*/**/*.yaml")) + sorted(FIXTURE.glob("*/**/*.yaml"))
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yaml_rs.loads(text) == yaml.load(text, Loader=yaml.CSafeLoader), path  # nosec B506


def test_an_unknown_field_is_reported_as_a_probable_misspelling(content_copy):
    problems = problems_after(content_copy, f"kk/{SERVICE}", "summary:", "sumary:")
    assert any("sumary: unknown field (check the spelling)" in p for p in problems)


def test_a_duplicate_key_is_an_error_not_a_silent_override(content_copy):
    problems = problems_after(
        content_copy,
        f"kk/{SERVICE}",
        "form: partly_automated\n",
        "form: partly_automated\nform: paper\n",
    )
    (problem,) = [p for p in problems if "duplicate key 'form'" in p]
    lines = (content_copy / "kk" / SERVICE).read_text(encoding="utf-8").splitlines()
    line = int(problem.split(".yaml:")[1].split(":")[0])
    assert lines[line - 1] == "form: paper"


def test_every_problem_in_every_file_is_reported_at_once(content_copy):
    (content_copy / "ru" / "bodies" / "test-district.yaml").write_text(
        "region: [", encoding="utf-8"
    )
    problems = problems_after(content_copy, f"kk/{SERVICE}", "summary:", "resume:")
    assert any("ru/bodies/test-district.yaml" in p for p in problems)
    assert any("kk/services" in p and "summary: required field is missing" in p for p in problems)


def test_a_file_named_differently_from_its_id_is_an_error(content_copy):
    source = content_copy / "kk" / SERVICE
    source.rename(source.with_name("other-name.yaml"))
    with pytest.raises(ContentError) as error:
        load_content(content_copy)
    assert any("id: must match the file name" in str(p) for p in error.value.problems)


def test_load_file_validates_a_single_bodies_file(tmp_path):
    path = tmp_path / "region.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            region: region
            bodies:
              - id: Bad Id
                kind: akimat
                code: TST
                name: Әкімдік
                seeds: [000_dfc63f0c0c4287f1.txt]
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as error:
        load_file(path, BodyDirectory, "kk")
    (problem,) = error.value.problems
    assert problem.path == "bodies[0].id"
    assert problem.line == 3


def test_a_service_file_that_is_not_a_mapping_is_refused(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(ContentError, match="must hold a mapping"):
        load_file(path, Service, "kk")


def test_the_akimat_over_an_office_is_found_through_its_parents_in_the_real_content():
    content = load_content()["kk"]
    # enterprise → Taraz's housing department → Taraz's akimat
    assert content.akimat_over("taraz-turgyn-ui-enterprise").id == "taraz-city-akimat"
    assert content.akimat_over("taraz-housing-department").id == "taraz-city-akimat"
    # A public service centre's branch belongs to the State Corporation, not to an akimat.
    assert content.akimat_over("aksu-psc") is None
    assert content.akimat_over("taraz-city-akimat") is None


def test_parents_that_go_round_in_a_circle_give_no_akimat_rather_than_hang(content_copy):
    content = load_content(content_copy)["kk"]
    department = content.bodies["test-department"]
    akimat = content.bodies["test-akimat"]
    content.bodies["test-akimat"] = akimat.model_copy(
        update={"kind": "department", "code": None, "parent": "test-department"}
    )
    assert department.parent == "test-akimat"
    assert content.akimat_over("test-department") is None
