"""Every interface string exists in Kazakh and Russian: the catalogues hold every message
the code and templates use, and each has its translation."""

from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def messages_in_the_source(tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
    # The same extraction as `make extract-messages`.
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "N_",
            "--omit-header",
            "-o",
            str(pot),
            str(ROOT),
        ]
    )
    with pot.open("rb") as file:
        return {
            message.id if isinstance(message.id, str) else message.id[0]
            for message in read_po(file)
            if message.id
        }


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory) -> set[str]:
    return messages_in_the_source(tmp_path_factory.mktemp("pot"))


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_message_of_the_code_and_templates_is_translated(source_messages, lang):
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalogue = read_po(file, locale=lang)
    translated = {
        (message.id if isinstance(message.id, str) else message.id[0])
        for message in catalogue
        if message.id
        and message.string
        and not message.fuzzy
        and all(message.string if isinstance(message.string, tuple) else [message.string])
    }
    assert len(source_messages) > 500  # the extraction found the code and templates
    assert sorted(source_messages - translated) == []
