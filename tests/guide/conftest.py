import shutil
from pathlib import Path

import pytest

from guide.loader import load_content

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"


@pytest.fixture(scope="session")
def content():
    """The real guide content, loaded once for the whole run."""
    return load_content()


@pytest.fixture
def content_copy(tmp_path):
    """A copy of the fixture content that a test may edit."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root
