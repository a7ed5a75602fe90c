"""Helpers for reading pages in tests (imported by test modules)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup


def normalise(text: str) -> str:
    """Text with whitespace collapsed, for readable assertions on page content."""
    return re.sub(r"\s+", " ", text).strip()


def page(response) -> BeautifulSoup:
    """Parse a response after checking it succeeded."""
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page's forms (CSRF token, submission token), by name."""
    soup = BeautifulSoup(html, "html.parser")
    return {
        tag["name"]: tag.get("value", "")
        for tag in soup.select("input[type=hidden]")
        if tag.get("name")
    }


def text_of(response) -> str:
    """The visible text of a response, whitespace collapsed."""
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return normalise(soup.get_text(" "))


VALID = {
    "akimat": "taraz-city-akimat",
    "service": "zhambyl-housing-registration-2008",
    "office": "",
    "subject": "Құжаттар қабылданбады",
    "text": "Бөлім маманы өтінішті себепсіз қабылдамады.",
    "full_name": "Асанов Асан Асанұлы",
    "iin": "",
    "phone": "8 701 123 45 67",
    "email": "asan@example.kz",
    "address": "",
    "reply_channel": "email",
    "consent": "y",
    "website": "",
}


class Applicant:
    """Files and tracks complaints through the test client, reading tokens from the pages."""

    def __init__(self, client, lang: str = "kk") -> None:
        self.client = client
        self.lang = lang

    def form(self) -> dict[str, str]:
        response = self.client.get(f"/{self.lang}/complaints/new/")
        assert response.status_code == 200
        return hidden_fields(response.get_data(as_text=True))

    def file(self, tokens: dict[str, str] | None = None, files=None, **overrides):
        data = {**VALID, **(tokens or self.form()), **overrides}
        if files is not None:
            data["attachments"] = files
        return self.client.post(
            f"/{self.lang}/complaints/new/", data=data, content_type="multipart/form-data"
        )

    def file_ok(self, **overrides) -> tuple[str, str, object]:
        response = self.file(**overrides)
        assert response.status_code == 200, response.get_data(as_text=True)[:2000]
        html = response.get_data(as_text=True)
        number = re.search(r'id="registration-number">([^<]+)<', html).group(1)
        code = re.search(r'id="access-code">([^<]+)<', html).group(1)
        return number, code, response

    def track(self, number: str, code: str, lang: str | None = None):
        lang = lang or self.lang
        page = self.client.get(f"/{lang}/complaints/track/")
        tokens = hidden_fields(page.get_data(as_text=True))
        return self.client.post(
            f"/{lang}/complaints/track/",
            data={**tokens, "registration_number": number, "access_code": code},
        )
