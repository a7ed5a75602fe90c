"""The module gunicorn serves (deploy/wsgi.py), imported as a worker imports it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_a_worker_freezes_what_it_keeps_for_life_out_of_the_garbage_collector_s_walks(tmp_path):
    script = "import gc, deploy.wsgi; print(gc.get_freeze_count())"
    environment = {
        **os.environ,
        "SECRET_KEY": "x" * 32,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'q.sqlite3'}",
        "QYZMET_PRODUCTION": "",
    }
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert int(run.stdout.split()[-1]) > 10_000
