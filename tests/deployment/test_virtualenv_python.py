"""`make` builds the virtualenv with the interpreter production runs (scripts/venv-python.sh)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "venv-python.sh"
DEBIAN_PYTHON = Path("/usr/bin/python3")


def chosen_interpreter() -> str:
    return subprocess.run(
        ["bash", str(SCRIPT)], capture_output=True, text=True, check=True
    ).stdout.strip()


def can_make_a_virtualenv(interpreter: str) -> bool:
    check = "import ensurepip, sys; sys.exit(sys.version_info < (3, 11))"
    return subprocess.run([interpreter, "-c", check], check=False).returncode == 0


def test_the_chosen_interpreter_is_python_3_11_or_newer_and_can_make_a_virtualenv():
    assert can_make_a_virtualenv(chosen_interpreter())


@pytest.mark.skipif(
    not (DEBIAN_PYTHON.exists() and can_make_a_virtualenv(str(DEBIAN_PYTHON))),
    reason="no usable distribution python3 on this machine",
)
def test_the_distributions_python_is_preferred_to_the_first_python_on_path():
    # Debian's build has PGO and LTO; a pyenv build first on PATH usually has neither.
    assert chosen_interpreter() == str(DEBIAN_PYTHON)
