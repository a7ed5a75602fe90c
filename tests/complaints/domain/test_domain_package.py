"""The domain core stays plain Python: nothing from the web stack is imported, directly or not."""

import ast
import subprocess
import sys
from pathlib import Path

import complaints.domain

DOMAIN = Path(complaints.domain.__file__).parent
MODULES = sorted(path.stem for path in DOMAIN.glob("*.py") if path.stem != "__init__")
WEB = (
    "flask",
    "flask_babel",
    "flask_login",
    "flask_wtf",
    "sqlalchemy",
    "wtforms",
    "werkzeug",
    "jinja2",
    "alembic",
)


def test_every_domain_module_is_checked():
    assert {"workflow", "numbering", "calendar", "deadlines", "iin", "phone", "access_code"} <= set(
        MODULES
    )


def test_no_domain_module_imports_the_web_stack():
    for path in DOMAIN.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in WEB, f"{path.name} imports {name}"


def test_importing_the_domain_loads_nothing_from_the_web_stack():
    script = (
        "import sys\n"
        + "".join(f"import complaints.domain.{module}\n" for module in MODULES)
        + f"print(sorted(m for m in sys.modules if m.split('.')[0] in {WEB!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=DOMAIN.parents[1],
    )
    assert result.stdout.strip() == "[]"
