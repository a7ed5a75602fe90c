"""Kazakh pages findable when a citizen types Kazakh without Kazakh letters.

Many citizens type Kazakh on a phone or keyboard that has no Kazakh letters, with the nearest
Russian ones: "кезекке кою" for "кезекке қою", "Кордай" for "Қордай", "акимдик" for "әкімдік".
Pagefind matches words as written (its own diacritic folding leaves these letters alone: none
of them decomposes in Unicode), so such a query found nothing, or only pages whose words begin
like it ("тур…" for "тургын").

So each frozen Kazakh page also carries the folded form of its words, where folding changes
them, in two Pagefind metadata fields: `folded_title` (the h1) and `folded` (the indexed text).
Pagefind searches metadata fields like body text, but never shows them in an excerpt, so the
results keep the page's real Kazakh title and text. `static/js/search.js` folds a query the
same way (`foldKazakh`) and weights the two fields (docs/deploy.md, "the static guide and its
search").
"""

from __future__ import annotations

import html
import re

# Each Kazakh letter as a keyboard without them writes it: the Russian letter nearest in sound
# and shape. (і is also typed as the Latin i it looks like; search.js reads that as і first.)
KAZAKH_TO_RUSSIAN = str.maketrans("әғқңөұүһі", "агкноуухи")

# The words Pagefind indexes: runs of letters and digits (`_` is one of its word characters too).
_WORD = re.compile(r"\w+")
_TAG = re.compile(r"<[^>]*>")
_MAIN = re.compile(r"<main\b[^>]*\bdata-pagefind-body\b[^>]*>")
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
# Elements Pagefind leaves out of the index: those marked `data-pagefind-ignore` (either
# value), and the kinds it skips by itself. Their words must not make the page found.
_SKIPPED = re.compile(
    r"<(?P<tag>[a-zA-Z][a-zA-Z0-9-]*)\b[^>]*\bdata-pagefind-ignore\b[^>]*>"
    r"|<(?P<kind>nav|form|script|style|svg|template|noscript)\b[^>]*>"
)


def fold_kazakh(text: str) -> str:
    """`text` in lower case with every Kazakh letter replaced by its nearest Russian one."""
    return text.lower().translate(KAZAKH_TO_RUSSIAN)


def folded_words(text: str, leave_out: str = "") -> str:
    """The folded form of each word in `text` that folding changes, once each, in order
    (and not if it is among the words of `leave_out`)."""
    left_out = set(leave_out.split())
    seen: dict[str, None] = {}
    # Each distinct word once: a page repeats most of its words many times.
    for word in dict.fromkeys(_WORD.findall(text.lower())):
        folded = word.translate(KAZAKH_TO_RUSSIAN)
        if folded != word and folded not in left_out:
            seen.setdefault(folded)
    return " ".join(seen)


def _element_end(page: str, tag: str, start: int) -> int:
    """Where the element whose opening tag ends at `start` closes (nesting counted)."""
    pattern = re.compile(rf"<(/?){tag}\b[^>]*>", re.I)
    depth = 1
    for match in pattern.finditer(page, start):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end()
    return len(page)


def _indexed_text(body: str) -> str:
    """The text of `body` (the page's `data-pagefind-body` element) that Pagefind indexes."""
    parts = []
    position = 0
    while match := _SKIPPED.search(body, position):
        parts.append(body[position : match.start()])
        tag = match.group("tag") or match.group("kind")
        position = _element_end(body, tag, match.end())
    parts.append(body[position:])
    return html.unescape(_TAG.sub(" ", "".join(parts)))


def add_folded_fields(page: str) -> str:
    """The Kazakh `page` with the folded forms of its indexed words as Pagefind metadata.

    An empty, hidden element first in the page's `data-pagefind-body` element carries them in
    attributes: nothing shows, nothing is read aloud, and Pagefind indexes them as metadata,
    not as text an excerpt could quote. A page without that element is returned as it is.
    """
    main = _MAIN.search(page)
    if main is None:
        return page
    body = page[main.end() : _element_end(page, "main", main.end())]
    heading = _H1.search(body)
    title = folded_words(html.unescape(_TAG.sub(" ", heading.group(1)))) if heading else ""
    # The title's words are in `folded_title` already, which ranks them as Pagefind ranks a
    # title's (search.js); `folded` holds the rest of the page's.
    fields = {"folded_title": title, "folded": folded_words(_indexed_text(body), title)}
    fields = {name: words for name, words in fields.items() if words}
    if not fields:
        return page
    captures = ", ".join(f"{name}[data-{name.replace('_', '-')}]" for name in fields)
    values = "".join(
        f' data-{name.replace("_", "-")}="{html.escape(words)}"' for name, words in fields.items()
    )
    element = f'<span hidden data-pagefind-meta="{captures}"{values}></span>'
    return page[: main.end()] + element + page[main.end() :]
