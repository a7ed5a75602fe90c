"""The module gunicorn serves (deploy/wsgi.py), imported as a worker imports it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def run_in_a_worker(script: str, tmp_path: Path) -> list[str]:
    """What `script` prints, run after `import deploy.wsgi` as gunicorn's worker runs it."""
    environment = {
        **os.environ,
        "SECRET_KEY": "x" * 32,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'q.sqlite3'}",
        "QYZMET_PRODUCTION": "",
    }
    run = subprocess.run(
        [sys.executable, "-c", f"import deploy.wsgi\n{script}"],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout.split()


def test_a_worker_freezes_what_it_keeps_for_life_out_of_the_garbage_collector_s_walks(tmp_path):
    (frozen,) = run_in_a_worker("import gc; print(gc.get_freeze_count())", tmp_path)
    assert int(frozen) > 10_000


def test_a_worker_has_its_content_and_templates_ready_before_its_first_request(tmp_path):
    script = """
import gc
from deploy.wsgi import app
from guide import views
environment = app.jinja_env
print(len(views._LOADED), len(environment.cache), len(environment.list_templates()))
content = next(iter(views._LOADED.values()))[2]
print(gc.is_tracked(content), content in gc.get_objects())
"""
    loaded, compiled, templates, tracked, walked = run_in_a_worker(script, tmp_path)
    assert loaded == "1"
    assert compiled == templates
    # Loaded before gc.freeze(): the collector's walks no longer visit the content.
    assert (tracked, walked) == ("True", "False")
