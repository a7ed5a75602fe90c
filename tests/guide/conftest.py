import pytest

from guide.loader import load_content


@pytest.fixture(scope="session")
def content():
    """The real guide content, loaded once for the whole run."""
    return load_content()
