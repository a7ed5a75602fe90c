"""One simulated member of staff: signs in once, then opens back-office pages back to back.

Run as `python -m bench._staff_load`; the protocol (settings as JSON on stdin, "ready",
"go", results as JSON) and the timing loop are `bench._load`'s. Each process signs in on its
own, as a browser would (login form, CSRF token, POST, the session cookie of the redirect),
so every simulated user carries its own session over its one keep-alive connection.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from bench import _load
from bench._load import User


class StaffPages(User):
    """GETs the given paths in turn (`{lang}` filled in), each user from its own offset.

    A request counts as done only with a 200 and `expect` in the body, so a page that
    silently turned into the login form or an error page is a failure, not a fast success.
    """

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        self.paths = [path.format(lang=self.lang) for path in settings["paths"]]
        self.counter = settings["seed"] * 7919 % len(self.paths)
        self.expect = settings["expect"].encode()

    def prepare(self) -> None:
        sign_in(self, self.settings["email"], self.settings["password"])

    def request(self) -> tuple[int, bool]:
        path = self.paths[self.counter % len(self.paths)]
        self.counter += 1
        response, body = self.send("GET", path)
        return response.status, response.status == 200 and self.expect in body


def sign_in(user: User, email: str, password: str) -> None:
    """The login form, then its POST; keeps the session cookie the redirect sets."""
    login = f"/{user.lang}/staff/login/"
    user.open_form(login)
    body = urlencode({"csrf_token": user.csrf, "email": email, "password": password}).encode()
    response, _ = user.send("POST", login, body, "application/x-www-form-urlencoded")
    if response.status != 302:
        raise RuntimeError(f"signing in as {email} answered {response.status}, not a redirect")
    cookies = response.msg.get_all("Set-Cookie") or []
    user.cookie = "; ".join(cookie.split(";", 1)[0] for cookie in cookies)


def fetch(address: str, email: str, password: str, path: str) -> tuple[int, bytes]:
    """One signed-in GET, for checking a page before it is measured."""
    user = StaffPages({"address": address, "lang": "kk", "seed": 0, "paths": [path], "expect": ""})
    sign_in(user, email, password)
    response, body = user.send("GET", user.paths[0])
    return response.status, body


_load.SCENARIOS["staff"] = StaffPages

if __name__ == "__main__":
    _load.main()
