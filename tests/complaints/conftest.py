"""Fixtures for driving the complaint pages like an applicant would."""

import pytest
from helpers import Applicant


@pytest.fixture
def applicant(client):
    return Applicant(client)
