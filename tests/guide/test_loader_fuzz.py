"""Whatever an editor's keyboard or a broken editor leaves in a content file, the loader answers
with one-line problems naming the file, or with the content: never another exception.

hypothesis damages real content files with the pieces YAML gives meaning to (brackets, anchors,
tags, directives, document markers), characters YAML forbids, and values two YAML readers read
differently; both YAML readers the loader uses run on every damaged file.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guide.loader import DEFAULT_CONTENT_ROOT, ContentError, load_file
from guide.schema import BodyDirectory, Catalogue, Service

FILES = [(path, Service) for path in sorted(DEFAULT_CONTENT_ROOT.glob("*/services/*.yaml"))] + [
    (path, BodyDirectory) for path in sorted(DEFAULT_CONTENT_ROOT.glob("*/bodies/*.yaml"))
]
FILES += [(path, Catalogue) for path in sorted(DEFAULT_CONTENT_ROOT.glob("*/catalogue.yaml"))]
TEXTS = {path: path.read_text(encoding="utf-8") for path, _ in FILES}

PIECES = [
    "[", "]", "{", "}", ": ", "- ", "\n", "\t", '"', "'", "&a ", "*a", "!!str ", "!!binary ",
    "!custom ", "? ", "|", ">", "#", "%YAML 1.2\n---\n", "---\n", "...\n", "\x00", "\x07",
    "\ufeff", "2026-02-30", "9:30", "yes", "~", "<<: *a\n", "\x85", "\u2028", "1e9999", ".nan",
    "? {a: [1]}\n: 1\n", "[" * 300, "\udcff",
]  # fmt: skip

edit = st.tuples(
    st.floats(min_value=0, max_value=1),
    st.one_of(st.sampled_from(PIECES), st.integers(min_value=1, max_value=80)),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(file=st.sampled_from(FILES), edits=st.lists(edit, min_size=1, max_size=5))
def test_a_damaged_content_file_gives_one_line_problems_or_content(tmp_path, file, edits):
    source, model = file
    text = TEXTS[source]
    for where, change in edits:
        at = int(where * len(text))
        # A piece is inserted; a number of characters is cut out.
        text = (
            text[:at] + change + text[at:]
            if isinstance(change, str)
            else text[:at] + text[at + change :]
        )
    damaged = tmp_path / source.name
    damaged.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        load_file(
            damaged,
            model,
            source.parent.parent.name if model is not Catalogue else source.parent.name,
        )
    except ContentError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file == str(damaged)
            assert "\n" not in str(problem)
