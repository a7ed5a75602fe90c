"""Cross-file rules: every reference resolves, and each Kazakh file matches its Russian twin.

Parity means a reader of either language gets the same facts: the same ids, the same list
lengths, the same phones, emails, websites, dates, durations and hours, and the same numbers
inside the prose. Only the wording differs.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from guide.loader import (
    DEFAULT_CONTENT_ROOT,
    Content,
    ContentError,
    LanguageContent,
    Problem,
    load_content,
)
from guide.schema import LocalText, Service

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Five or more single letters separated by spaces: a scan's letter-spacing left in the text.
_LETTER_SPACED = re.compile(r"(?<!\S)(?:[^\W\d_] ){4,}[^\W\d_](?!\S)")
_LATIN_I_IN_CYRILLIC = re.compile(r"[\u0400-\u04FF][iI]|[iI][\u0400-\u04FF]")


def numbers_in(text: str) -> Counter[str]:
    """The numbers a sentence states, normalising `3,1` and `3.1` to one form."""
    return Counter(match.replace(",", ".") for match in _NUMBER.findall(text))


def _field_names(model_type: type[BaseModel]) -> tuple[str, ...]:
    # pydantic's `model_fields` is a computed property; the walks below ask it 300,000 times
    # for a 2,000-service guide.
    names = _FIELD_NAMES.get(model_type)
    if names is None:
        names = _FIELD_NAMES[model_type] = tuple(model_type.model_fields)
    return names


_FIELD_NAMES: dict[type[BaseModel], tuple[str, ...]] = {}


def _walk(value: object, path: str) -> Iterator[tuple[str, object]]:
    yield path, value
    if isinstance(value, BaseModel):
        for name in _field_names(type(value)):
            yield from _walk(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


def _strings(value: object, found: list[str]) -> list[str]:
    """Every string inside a model, without their paths: `_walk` names them only when one of
    them has a problem, which is rare."""
    if isinstance(value, str):
        found.append(value)
    elif isinstance(value, BaseModel):
        for name in _field_names(type(value)):
            _strings(getattr(value, name), found)
    elif isinstance(value, list):
        for item in value:
            _strings(item, found)
    return found


def compare_twins(kk: BaseModel, ru: BaseModel, path: str = "") -> Iterator[tuple[str, str]]:
    """Yield (field path, what differs) for every fact that is not the same in both languages."""
    found: list[tuple[str, str]] = []
    _compare(kk, ru, path, found)
    return iter(found)


def _compare(kk: Any, ru: Any, path: str, found: list[tuple[str, str]]) -> None:
    # Plain recursion into a list, not nested generators: half the time over 2,000 services.
    if type(kk) is not type(ru):
        found.append((path, "one language has a value the other lacks"))
    elif isinstance(kk, BaseModel):
        for name in _field_names(type(kk)):
            sub = f"{path}.{name}" if path else name
            _compare(getattr(kk, name), getattr(ru, name), sub, found)
    elif isinstance(kk, list):
        if len(kk) != len(ru):
            found.append((path, f"{len(kk)} entries in kk but {len(ru)} in ru"))
            return
        for index, (a, b) in enumerate(zip(kk, ru, strict=True)):
            _compare(a, b, f"{path}[{index}]", found)
    elif isinstance(kk, LocalText):
        # The same numbers in the same order, as written, is the usual case; the count is
        # needed only when they are written or ordered otherwise.
        if _NUMBER.findall(kk) == _NUMBER.findall(ru):
            return
        a, b = numbers_in(kk), numbers_in(ru)
        if a != b:
            only_kk = sorted((a - b).elements())
            only_ru = sorted((b - a).elements())
            detail = []
            if only_kk:
                detail.append(f"kk alone has {', '.join(only_kk)}")
            if only_ru:
                detail.append(f"ru alone has {', '.join(only_ru)}")
            found.append((path, "numbers differ: " + "; ".join(detail)))
    elif kk != ru:
        found.append((path, f"kk has {kk!r} but ru has {ru!r}"))


def _text_problems(content: LanguageContent) -> Iterator[Problem]:
    items: list[tuple[str, BaseModel]] = [("catalogue", content.catalogue)]
    items += [(content.files[("service", sid)], s) for sid, s in content.services.items()]
    items += [(content.files[("body", bid)], b) for bid, b in content.bodies.items()]
    for file, model in items:
        prefix = ""
        if file != "catalogue" and isinstance(model, BaseModel) and "/bodies/" in file:
            prefix = f"bodies[{model.id}]"  # type: ignore[attr-defined]
        if file == "catalogue":
            file = f"guide/content/{content.lang}/catalogue.yaml"
        # One search over all of a model's strings rather than one per string: a line break
        # between them ends any match, as the end of a string does.
        if not _text_problem("\n".join(_strings(model, [])), content.lang):
            continue
        for path, value in _walk(model, prefix):
            if not isinstance(value, str):
                continue
            if _LETTER_SPACED.search(value):
                yield Problem(file, path, "letter-spaced words left from the scan; join them")
            if content.lang == "kk" and _LATIN_I_IN_CYRILLIC.search(value):
                yield Problem(file, path, "Latin i inside a Kazakh word; write і")


def _text_problem(value: str, lang: str) -> bool:
    return bool(
        _LETTER_SPACED.search(value) or (lang == "kk" and _LATIN_I_IN_CYRILLIC.search(value))
    )


def _reference_problems(content: LanguageContent) -> Iterator[Problem]:
    regions, categories = content.regions, content.categories
    for region in content.catalogue.regions:
        if region.parent and region.parent not in regions:
            yield Problem(
                f"guide/content/{content.lang}/catalogue.yaml",
                f"regions[{region.id}].parent",
                f"unknown region {region.parent!r}",
            )
    codes: dict[str, str] = {}
    for body in content.bodies.values():
        file = content.files[("body", body.id)]
        where = f"bodies[{body.id}]"
        if body.parent and body.parent not in content.bodies:
            yield Problem(file, f"{where}.parent", f"unknown body id {body.parent!r}")
        for index, seed in enumerate(body.seeds):
            if seed not in content.acts_by_seed:
                yield Problem(
                    file,
                    f"{where}.seeds[{index}]",
                    f"no service is taken from {seed}: the page could not name the act",
                )
        if body.code:
            if body.code in codes:
                yield Problem(file, f"{where}.code", f"{body.code} is also {codes[body.code]}'s")
            codes[body.code] = body.id
    for region_id in set(content.body_regions.values()):
        if region_id not in regions:
            yield Problem(
                f"guide/content/{content.lang}/bodies/{region_id}.yaml",
                "region",
                f"unknown region {region_id!r}",
            )
    for service in content.services.values():
        yield from _service_references(content, service, regions, categories)


def _service_references(
    content: LanguageContent, service: Service, regions: dict, categories: dict
) -> Iterator[Problem]:
    file = content.files[("service", service.id)]

    def body_refs(path: str, ids: list[str], kind: str | None = None) -> Iterator[Problem]:
        for index, body_id in enumerate(ids):
            body = content.bodies.get(body_id)
            if body is None:
                yield Problem(file, f"{path}[{index}]", f"unknown body id {body_id!r}")
            elif kind and body.kind != kind:
                yield Problem(file, f"{path}[{index}]", f"{body_id!r} is a {body.kind}, not {kind}")

    if service.region not in regions:
        yield Problem(file, "region", f"unknown region {service.region!r}")
    if service.category not in categories:
        yield Problem(file, "category", f"unknown category {service.category!r}")
    if service.service not in content.national_services:
        yield Problem(file, "service", f"unknown national service {service.service!r}")
    yield from body_refs("provider_bodies", service.provider_bodies)
    channel_ids = [channel.id for channel in service.channels]
    for dup in {c for c in channel_ids if channel_ids.count(c) > 1}:
        yield Problem(file, "channels", f"channel id {dup!r} is used twice")
    for index, channel in enumerate(service.channels):
        yield from body_refs(f"channels[{index}].bodies", channel.bodies)

    def channel_refs(path: str, ids: list[str]) -> Iterator[Problem]:
        for index, channel_id in enumerate(ids):
            if channel_id not in channel_ids:
                yield Problem(file, f"{path}[{index}]", f"unknown channel {channel_id!r}")

    for name in ("documents", "receipts", "result_delivery"):
        for index, group in enumerate(getattr(service, name)):
            yield from channel_refs(f"{name}[{index}].channels", group.channels)
    for channel in service.channels:
        if not service.documents_for(channel.id):
            yield Problem(file, "documents", f"no documents listed for channel {channel.id!r}")
    if service.process:
        actors = {actor.id for actor in service.process.actors}
        for p_index, process_path in enumerate(service.process.paths):
            if process_path.channel and process_path.channel not in channel_ids:
                yield Problem(
                    file,
                    f"process.paths[{p_index}].channel",
                    f"unknown channel {process_path.channel!r}",
                )
            numbers = {step.number for step in process_path.steps}
            for s_index, step in enumerate(process_path.steps):
                for following in step.next:
                    if following not in numbers:
                        yield Problem(
                            file,
                            f"process.paths[{p_index}].steps[{s_index}].next",
                            f"no step numbered {following!r} in this path",
                        )
                if step.actor and step.actor not in actors:
                    yield Problem(
                        file,
                        f"process.paths[{p_index}].steps[{s_index}].actor",
                        f"unknown actor {step.actor!r}",
                    )
    yield from body_refs("complaints.bodies", service.complaints.bodies)
    yield from body_refs("complaints.akimats", service.complaints.akimats, kind="akimat")


def parity_problems(content: Content) -> Iterator[Problem]:
    kk, ru = content["kk"], content["ru"]
    pairs = [
        ("catalogue", kk.catalogue, ru.catalogue, "guide/content/ru/catalogue.yaml"),
    ]
    for kind, kk_items, ru_items in (
        ("service", kk.services, ru.services),
        ("body", kk.bodies, ru.bodies),
    ):
        for item_id in sorted(kk_items.keys() | ru_items.keys()):
            if item_id not in ru_items:
                yield Problem(kk.files[(kind, item_id)], "", f"{kind} {item_id!r} has no ru twin")
            elif item_id not in kk_items:
                yield Problem(ru.files[(kind, item_id)], "", f"{kind} {item_id!r} has no kk twin")
            else:
                pairs.append(
                    (kind, kk_items[item_id], ru_items[item_id], ru.files[(kind, item_id)])
                )
    for kind, kk_model, ru_model, file in pairs:
        prefix = f"bodies[{kk_model.id}]" if kind == "body" else ""  # type: ignore[attr-defined]
        for path, message in compare_twins(kk_model, ru_model, prefix):
            yield Problem(file, path or kind, f"kk/ru parity: {message}")
    for kind, key in (("body", "body_regions"),):
        kk_regions, ru_regions = getattr(kk, key), getattr(ru, key)
        for body_id in kk_regions.keys() & ru_regions.keys():
            if kk_regions[body_id] != ru_regions[body_id]:
                yield Problem(
                    ru.files[(kind, body_id)],
                    f"bodies[{body_id}]",
                    "kk/ru parity: the twin is in another region file",
                )


def check_content(root: Path | str = DEFAULT_CONTENT_ROOT) -> list[Problem]:
    """Every problem with the content under `root`; an empty list means it is publishable."""
    try:
        content = load_content(root)
    except ContentError as error:
        return error.problems
    return problems_in(content)


def problems_in(content: Content) -> list[Problem]:
    """The cross-file problems of content that loaded: references, scan leftovers, parity."""
    problems: list[Problem] = []
    for lang_content in content.languages.values():
        problems.extend(_reference_problems(lang_content))
        problems.extend(_text_problems(lang_content))
    problems.extend(parity_problems(content))
    return problems


def main(root: Path | None = None) -> int:
    """Print every problem, one per line; the exit status says whether there were any.

    The content checked is `GUIDE_CONTENT_ROOT`'s when it is set, as for `flask guide check`.
    """
    if root is None:
        root = Path(os.environ.get("GUIDE_CONTENT_ROOT") or DEFAULT_CONTENT_ROOT)
    problems = check_content(root)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in the guide content")
        return 1
    print("guide content is valid and the kk/ru twins agree")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
