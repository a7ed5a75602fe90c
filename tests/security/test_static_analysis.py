"""bandit finds no unexplained weakness in our code, pip-audit no known-vulnerable dependency.

An accepted finding is suppressed where it is, precisely: `# nosec BXXX  # reason` on the line
bandit reports (never a bare `# nosec`), and listed with the same reason in docs/security.md.
A vulnerability pip-audit reports may only be accepted in ACCEPTED_VULNERABILITIES below, with
its reason, and in docs/security.md too.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
import requests

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("qyzmet", "guide", "complaints")
SECURITY_DOC = PROJECT_ROOT / "docs" / "security.md"
# Vulnerability id (PYSEC-…, GHSA-…, CVE-…) -> why it does not affect Qyzmet. Keep in step
# with docs/security.md.
ACCEPTED_VULNERABILITIES: dict[str, str] = {}
# pip-audit asks PyPI's JSON API about each installed version; this is one such question.
PYPI_PROBE = f"https://pypi.org/pypi/flask/{version('flask')}/json"
AUDIT_SECONDS = 600

_NOSEC = re.compile(r"#\s*nosec\b(?P<rest>.*)$")
# `# nosec B603  # reason`: bandit reads the ids up to the next `#`, the reason after it.
_PRECISE_NOSEC = re.compile(r"^(?P<ids>B\d{3}(?:\s*,\s*B\d{3})*)\s*#\s*\S.*$")


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=AUDIT_SECONDS
    )


def suppressions() -> list[tuple[str, int, str, str]]:
    """(path, line, test ids, comment) of every `# nosec` in the scanned code."""
    found = []
    for package in SCANNED:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            lines = path.read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(lines, start=1):
                if match := _NOSEC.search(line):
                    found.append(
                        (str(path.relative_to(PROJECT_ROOT)), number, match["rest"], line.strip())
                    )
    return found


def test_bandit_finds_nothing_that_is_not_explained():
    result = run(
        sys.executable, "-m", "bandit", "-r", *SCANNED, "-c", "pyproject.toml", "-f", "json", "-q"
    )
    assert result.stdout, result.stderr
    report = json.loads(result.stdout)
    assert report["errors"] == [], report["errors"]
    findings = [
        f"{issue['filename']}:{issue['line_number']} {issue['test_id']} "
        f"({issue['issue_severity']}): {issue['issue_text']}"
        for issue in report["results"]
    ]
    assert findings == [], "bandit findings with no `# nosec BXXX  # reason`:\n" + "\n".join(
        findings
    )


def test_every_bandit_suppression_names_its_test_and_gives_a_reason():
    vague = [
        f"{path}:{line}: {comment}"
        for path, line, rest, comment in suppressions()
        if not _PRECISE_NOSEC.match(rest.strip())
    ]
    assert vague == [], "write `# nosec BXXX  # reason`:\n" + "\n".join(vague)


def test_every_bandit_suppression_is_listed_in_the_security_document():
    document = SECURITY_DOC.read_text(encoding="utf-8")
    missing = []
    for path, line, rest, _comment in suppressions():
        match = _PRECISE_NOSEC.match(rest.strip())
        for test_id in re.findall(r"B\d{3}", match["ids"] if match else ""):
            if not re.search(rf"`{re.escape(path)}`.*{test_id}", document):
                missing.append(f"{path}:{line} {test_id}")
    assert missing == [], "explain these in docs/security.md:\n" + "\n".join(missing)


def _pypi_answers() -> str | None:
    """None when PyPI answers pip-audit's kind of question, else what went wrong."""
    try:
        response = requests.get(PYPI_PROBE, timeout=30)
    except requests.RequestException as error:
        return f"{PYPI_PROBE} could not be reached: {error}"
    if response.status_code != 200:
        return f"{PYPI_PROBE} answered HTTP {response.status_code}"
    return None


@pytest.mark.slow
def test_pip_audit_finds_no_known_vulnerability_that_is_not_accepted():
    ignored = [option for vuln in ACCEPTED_VULNERABILITIES for option in ("--ignore-vuln", vuln)]
    result = run(
        sys.executable,
        "-m",
        "pip_audit",
        "--local",
        "--skip-editable",  # Qyzmet itself is not on PyPI
        "--progress-spinner",
        "off",
        "--format",
        "json",
        *ignored,
    )
    try:
        report = json.loads(result.stdout)
    except ValueError:
        pytest.fail(f"pip-audit gave no report ({result.returncode}):\n{result.stderr}")
    dependencies = report["dependencies"]
    audited = [dependency for dependency in dependencies if "skip_reason" not in dependency]
    unaudited = [
        f"{dependency['name']}: {dependency['skip_reason']}"
        for dependency in dependencies
        if "skip_reason" in dependency and dependency["name"] != "qyzmet"
    ]
    if not audited:
        # Nothing was checked: the vulnerability service did not answer. Say so; never pass.
        problem = _pypi_answers() or "PyPI answers, yet pip-audit could check no package"
        pytest.skip(
            f"pip-audit cannot reach its vulnerability service (PyPI's JSON API): {problem}; "
            f"it skipped all {len(unaudited)} installed packages, e.g. {unaudited[0]}"
        )
    assert unaudited == [], "pip-audit could not check:\n" + "\n".join(unaudited)
    vulnerable = [
        f"{dependency['name']} {dependency['version']}: {vuln['id']} "
        f"(fixed in {', '.join(vuln['fix_versions']) or 'no release yet'})"
        for dependency in dependencies
        for vuln in dependency.get("vulns", [])
    ]
    assert vulnerable == [], "known vulnerabilities:\n" + "\n".join(vulnerable)
