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
