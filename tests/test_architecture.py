"""House rules that keep the core free of the web framework."""

import subprocess
import sys

import pytest

FRAMEWORKS = ("flask", "sqlalchemy", "wtforms", "flask_babel", "werkzeug", "jinja2")


@pytest.mark.parametrize(
    "module",
    [
        "guide.schema",
        "guide.loader",
        "guide.checks",
        "complaints.domain.workflow",
        "complaints.domain.numbering",
        "complaints.domain.calendar",
        "complaints.domain.deadlines",
        "complaints.domain.iin",
        "complaints.domain.phone",
        "complaints.domain.access_code",
    ],
)
def test_core_modules_import_no_web_framework(module):
    code = f"import sys, {module}; print(','.join(m for m in {FRAMEWORKS!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"{module} imports {result.stdout.strip()}"
