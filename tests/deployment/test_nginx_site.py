"""nginx's site, as written: it hands the app only requests for its own name, and logs no
query string.

Werkzeug builds redirects (a missing trailing slash, say) from the Host header, so a forged
Host would come back in a Location; nginx's catch-all server drops any request whose Host is
not the site's before it reaches gunicorn. The staff queue's search sends applicants' names in
the query string, which a log file would keep. The deploy guide's `nginx -t` checks the syntax
on the server.
"""

from __future__ import annotations

import re
from pathlib import Path

NGINX_SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "qyzmet.conf"
# Whatever in an nginx log line would carry the query string (or a Referer, which has one).
QUERY_VARIABLES = (
    "$request ",
    '$request"',
    "$request_uri",
    "$args",
    "$query_string",
    "$http_referer",
)


def server_blocks(text: str) -> list[str]:
    """Each top-level `server { … }` block, by counting braces."""
    blocks = []
    for start in (found.start() for found in re.finditer(r"^server\s*\{", text, re.MULTILINE)):
        depth = 0
        for position in range(text.index("{", start), len(text)):
            depth += {"{": 1, "}": -1}.get(text[position], 0)
            if depth == 0:
                blocks.append(text[start : position + 1])
                break
    return blocks


def test_a_request_for_any_other_host_is_dropped_on_both_ports():
    servers = server_blocks(NGINX_SITE.read_text(encoding="utf-8"))
    catch_all = [block for block in servers if "default_server" in block]

    assert len(catch_all) == 1
    block = catch_all[0]
    for port in ("80", "[::]:80", "443 ssl", "[::]:443 ssl"):
        assert f"listen {port} default_server;" in block
    assert "ssl_reject_handshake on;" in block
    assert "return 444;" in block
    assert "server_name" not in block and "proxy_pass" not in block


def test_every_other_server_answers_only_to_the_site_s_own_name():
    servers = [
        block
        for block in server_blocks(NGINX_SITE.read_text(encoding="utf-8"))
        if "default_server" not in block
    ]
    assert len(servers) == 2
    for block in servers:
        assert re.search(r"^\s*server_name qyzmet\.example\.kz;$", block, re.MULTILINE)


def test_every_request_the_site_answers_is_logged_without_its_query_string():
    site = NGINX_SITE.read_text(encoding="utf-8")
    formats = dict(re.findall(r"log_format\s+(\w+)\s+((?:'[^']*'\s*)+);", site))
    assert set(formats) == {"qyzmet"}
    for variable in QUERY_VARIABLES:
        assert variable not in formats["qyzmet"]
    assert "$request_method $uri" in formats["qyzmet"]

    for block in server_blocks(site):
        logs = re.findall(r"^\s*access_log\s+([^;]+);", block, flags=re.MULTILINE)
        if "return 444;" in block:
            assert logs == ["off"]
        else:
            assert logs and logs[0].split()[-1] == "qyzmet"
            assert all(log == "off" or log.split()[-1] == "qyzmet" for log in logs)
