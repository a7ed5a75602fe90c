"""One simulated user: a load-generator process with one keep-alive connection.

Run as `python -m bench._load`; it reads its settings as JSON from stdin, prepares (opens
the form as a browser would: session cookie and CSRF token), prints "ready", waits for
"go", then sends requests back to back until the window closes and prints its results as
JSON. Standard library only, so the client spends as little of the shared CPU as it can.
"""

from __future__ import annotations

import abc
import http.client
import json
import random
import re
import secrets
import sys
import time
from collections import Counter
from typing import Any
from urllib.parse import urlencode

_CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
_RECEIPT = b'id="registration-number"'

SUBJECTS = {
    "kk": "Құжаттар қабылданбады",
    "ru": "Документы не приняли",
}
TEXTS = {
    "kk": (
        "Тұрғын үй бөліміне өтініш бердім, бірақ маман құжаттарды себепсіз қабылдамады және "
        "бас тарту туралы жазбаша жауап бермеді. Құжаттарды қабылдап, өтінішімді заңда "
        "белгіленген мерзімде қарауды сұраймын. "
    )
    * 2,
    "ru": (
        "Я подал заявление в отдел жилищных отношений, но специалист без причины не принял "
        "документы и не выдал письменный отказ. Прошу принять документы и рассмотреть моё "
        "заявление в установленный законом срок. "
    )
    * 2,
}


class User(abc.ABC):
    """What every scenario shares: the connection and the browser's cookie."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.lang = settings["lang"]
        self.cookie = ""
        self.csrf = ""
        self.counter = 0
        self.random = random.Random(settings["seed"])
        host, port = settings["address"].split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=60)

    def send(self, method: str, path: str, body: bytes | None = None, content_type: str = ""):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if content_type:
            headers["Content-Type"] = content_type
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        return response, response.read()

    def open_form(self, path: str) -> None:
        """GET the page once, as a browser does before posting it, and keep its tokens."""
        response, body = self.send("GET", path)
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}")
        cookies = response.msg.get_all("Set-Cookie") or []
        self.cookie = "; ".join(cookie.split(";", 1)[0] for cookie in cookies)
        found = _CSRF.search(body)
        if found is None:
            raise RuntimeError(f"no CSRF token on {path}")
        self.csrf = found.group(1).decode()

    @abc.abstractmethod
    def prepare(self) -> None:
        """What a browser does once before the clock starts (open the form, if any)."""

    @abc.abstractmethod
    def request(self) -> tuple[int, bool]:
        """Send one request; return its status and whether it did what the user wanted."""


class Filing(User):
    """An applicant who fills the form and sends it: each POST is a new complaint."""

    def prepare(self) -> None:
        self.open_form(f"/{self.lang}/complaints/new/")
        self.boundary = "----qyzmet-bench-" + secrets.token_hex(8)

    def _multipart(self, fields: list[tuple[str, str]]) -> bytes:
        parts = []
        for name, value in fields:
            parts.append(
                f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n"
            )
        # A file input left empty, as a browser sends it.
        parts.append(
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="attachments"; '
            f'filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n'
        )
        parts.append(f"--{self.boundary}--\r\n")
        return "".join(parts).encode()

    def request(self) -> tuple[int, bool]:
        self.counter += 1
        user = self.settings["seed"]
        fields = [
            ("csrf_token", self.csrf),
            # A fresh form each time: a new one-time token, as a reload would give.
            ("submission_token", secrets.token_urlsafe(24)),
            ("website", ""),
            ("akimat", self.random.choice(self.settings["akimats"])),
            ("service", ""),
            ("office", ""),
            ("subject", f"{SUBJECTS[self.lang]} {user}-{self.counter}"),
            ("text", TEXTS[self.lang]),
            ("full_name", f"Сынақбаев Сынақ {user}"),
            ("iin", ""),
            ("phone", "8 701 123 45 67"),
            ("email", f"applicant{user}@example.kz"),
            ("address", ""),
            ("reply_channel", "email"),
            ("consent", "y"),
        ]
        body = self._multipart(fields)
        response, page = self.send(
            "POST", self.action(), body, f"multipart/form-data; boundary={self.boundary}"
        )
        return response.status, response.status == 200 and _RECEIPT in page

    def action(self) -> str:
        return f"/{self.lang}/complaints/new/"


class LeastFiling(Filing):
    """The same applicant and form, sent to the least filing (`bench.wsgi.least_filing`)."""

    def action(self) -> str:
        return "/bench/least-filing/"


class Tracking(User):
    """An applicant who types the number and the code from the receipt."""

    def prepare(self) -> None:
        self.open_form(f"/{self.lang}/complaints/track/")
        self.last_response: http.client.HTTPResponse | None = None
        self.keys = self.settings["keys"]
        self.random.shuffle(self.keys)

    def request(self) -> tuple[int, bool]:
        number, code = self.keys[self.counter % len(self.keys)]
        self.counter += 1
        body = urlencode(
            {"csrf_token": self.csrf, "registration_number": number, "access_code": code}
        ).encode()
        response, _ = self.send(
            "POST", f"/{self.lang}/complaints/track/", body, "application/x-www-form-urlencoded"
        )
        # The session cookie it sets is not kept: every lookup is another applicant's.
        self.last_response = response
        return response.status, response.status == 302


class Insert(User):
    def prepare(self) -> None:
        """The baseline needs no form: nothing to open."""

    def request(self) -> tuple[int, bool]:
        self.counter += 1
        body = urlencode({"payload": f"bench {self.settings['seed']}-{self.counter}"}).encode()
        response, _ = self.send("POST", "/bench/insert/", body, "application/x-www-form-urlencoded")
        return response.status, response.status == 200


class Select(User):
    def prepare(self) -> None:
        """The baseline needs no form: nothing to open."""

    def request(self) -> tuple[int, bool]:
        low, high = self.settings["ids"]
        response, _ = self.send("GET", f"/bench/select/{self.random.randint(low, high)}/")
        return response.status, response.status == 200


SCENARIOS = {
    "filing": Filing,
    "least filing": LeastFiling,
    "tracking": Tracking,
    "insert": Insert,
    "select": Select,
}


def check_tracking(address: str, number: str, code: str) -> None:
    """Track one complaint as a browser would, following the redirect to its page."""
    user = Tracking({"address": address, "lang": "kk", "seed": 0, "keys": [(number, code)]})
    user.prepare()
    status, ok = user.request()
    if not ok:
        raise SystemExit(f"tracking {number} answered {status}, not a redirect")
    redirect = user.last_response
    assert redirect is not None
    user.cookie = "; ".join(
        cookie.split(";", 1)[0] for cookie in redirect.msg.get_all("Set-Cookie") or []
    )
    response, page = user.send("GET", redirect.getheader("Location") or "")
    if response.status != 200 or number.encode() not in page:
        raise SystemExit(f"the page of {number} answered {response.status}")


def main() -> None:
    if sys.argv[1:2] == ["--check"]:
        check_tracking(*sys.argv[2:5])
        return
    settings = json.loads(sys.stdin.readline())
    user = SCENARIOS[settings["scenario"]](settings)
    user.prepare()
    print("ready", flush=True)
    start_at = float(sys.stdin.readline().split()[1])
    measure_from = start_at + settings["warmup"]
    end = measure_from + settings["duration"]
    while time.monotonic() < start_at:
        time.sleep(0.001)

    latencies: list[float] = []
    failures: Counter[str] = Counter()
    while (started := time.monotonic()) < end:
        try:
            status, ok = user.request()
        except (OSError, http.client.HTTPException) as error:
            status, ok = type(error).__name__, False
            user.connection.close()
        finished = time.monotonic()
        if measure_from <= finished < end:
            if ok:
                latencies.append(round((finished - started) * 1000, 3))
            else:
                failures[str(status)] += 1
    print(json.dumps({"latencies_ms": latencies, "failures": failures}), flush=True)


if __name__ == "__main__":
    main()
