"""The access logs keep which pages were asked for, never what was typed into a query.

The staff queue's search sends an applicant's name in the query string, and the tracking form's
link a registration number; the journal and nginx's log files keep lines for as long as they
keep anything, so neither server writes the query string.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from serving import REQUEST_SECONDS, app_environment, running_gunicorn

pytestmark = pytest.mark.slow

NGINX_SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "qyzmet.conf"
NAME = "Әлия Сейтқалиқызы"
NUMBER = "TRZ-2026-000123"
# Whatever in an nginx log line would carry the query string.
NGINX_QUERY_VARIABLES = ("$request ", '$request"', "$request_uri", "$args", "$query_string")


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


def test_nginx_logs_every_request_in_a_format_without_the_query_string():
    site = NGINX_SITE.read_text(encoding="utf-8")
    formats = dict(re.findall(r"log_format\s+(\w+)\s+((?:'[^']*'\s*)+);", site))
    assert set(formats) == {"qyzmet"}
    for variable in NGINX_QUERY_VARIABLES:
        assert variable not in formats["qyzmet"]
    assert "$uri" in formats["qyzmet"]

    servers = site.count("\nserver {")
    logs = re.findall(r"^\s*access_log\s+([^;]+);", site, flags=re.MULTILINE)
    written = [log for log in logs if log != "off"]
    assert len(written) == servers
    assert all(log.split()[-1] == "qyzmet" for log in written)
