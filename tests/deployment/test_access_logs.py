"""gunicorn's access log keeps which pages were asked for, never what was typed into a query.

The staff queue's search sends an applicant's name in the query string, and the tracking form's
link a registration number; the journal keeps lines for as long as it keeps anything. (nginx's
log format: tests/deployment/test_nginx_site.py.)
"""

from __future__ import annotations

import shutil
from urllib.parse import quote

import pytest
import requests
from serving import REQUEST_SECONDS, app_environment, running_gunicorn

pytestmark = pytest.mark.slow

NAME = "Әлия Сейтқалиқызы"
NUMBER = "TRZ-2026-000123"


def test_gunicorn_logs_the_path_without_the_query_string(migrated_sqlite, tmp_path):
    database = tmp_path / "test.sqlite3"
    shutil.copyfile(migrated_sqlite, database)
    env = app_environment(f"sqlite:///{database}", tmp_path, QYZMET_PRODUCTION="1")
    with running_gunicorn(env, tmp_path, workers=1, access_log_format=None) as server:
        asked = [
            f"/kk/staff/?q={quote(NAME)}&status=new",
            f"/ru/complaints/track/?number={NUMBER}",
        ]
        for path in asked:
            requests.get(server.url + path, allow_redirects=False, timeout=REQUEST_SECONDS)
    log = server.access_log.read_text(encoding="utf-8")

    assert '"GET /kk/staff/ HTTP/1.1"' in log
    assert '"GET /ru/complaints/track/ HTTP/1.1"' in log
    for kept_out in (NAME, quote(NAME), "q=", NUMBER, "number="):
        assert kept_out not in log
