"""Read the content files into validated models, with errors that name the file and the field.

No Flask here: the checker, the benchmarks and editors' scripts use it directly.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
import yaml_rs
from pydantic import BaseModel, ValidationError

from guide.schema import LANGUAGES, Body, BodyDirectory, Catalogue, Service, Source

DEFAULT_CONTENT_ROOT = Path(__file__).resolve().parent / "content"

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, printable as a single line."""

    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ContentError(Exception):
    """Raised with every problem found, so an editor fixes them all in one pass."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (PyYAML silently keeps the last one).

    PyYAML only points errors at their lines, so it runs only on a file with an error: in pure
    Python, where a file nested a hundred thousand deep raises RecursionError instead of
    overflowing libyaml's C stack (a segmentation fault).
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                break  # PyYAML's own check says "found unhashable key", with its line
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node a pydantic error location points at."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            match = next((v for k, v in node.value if k.value == part), None)
            if match is None:
                break
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _display(path: Path, root: Path | None = None) -> str:
    """The path as an editor would type it: relative to the working directory when possible."""
    directory = _shown_directory(os.path.abspath(path.parent), os.getcwd())
    if directory is None:
        return str(path)
    return path.name if directory == "." else f"{directory}{os.sep}{path.name}"


@lru_cache(maxsize=64)
def _shown_directory(directory: str, working_directory: str) -> str | None:
    # Once per directory and working directory, not per file: the paths of a 2,000-service
    # guide cost 8 % of its loading when each file's path was resolved and made relative.
    try:
        return str(_resolved(directory).relative_to(working_directory))
    except ValueError:
        return None


@lru_cache(maxsize=64)
def _resolved(directory: str) -> Path:
    # Once per directory, not per file: resolving looks up every part of the path. The key is
    # absolute, so a change of working directory cannot return another directory's answer.
    return Path(directory).resolve()


def _parse(text: str) -> Any:
    """The file's data, read by yaml-rs: nine times faster than libyaml through PyYAML, and
    the content is read on every start and every build. It reads YAML 1.2, where `yes`, `on`
    and `9:30` stay text; the content is written so that both readers agree
    (tests/guide/test_loader.py holds every content file to that)."""
    return yaml_rs.loads(text, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)


# The characters YAML allows in a file, as PyYAML checks them.
_NOT_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_YAML_RS_LINE = re.compile(r"\bat line (\d+)")
_YAML_RS_DUPLICATE = re.compile(r"duplicate mapping key: (.+)")


def _broken_yaml(shown: str, text: str, error: Exception) -> Problem:
    """One line for a file yaml-rs refuses: its last line says what is wrong, its first where.

    yaml-rs names a duplicate key but not its line, and answers a list or a mapping used as a
    key with a bare TypeError: PyYAML says where, and what, for those.
    """
    message = str(error).strip()
    if duplicate := _YAML_RS_DUPLICATE.match(message):
        located = _pyyaml_error(text)
        line = located[1] if located and "duplicate key" in located[0] else None
        return Problem(shown, "", f"broken YAML: duplicate key {duplicate.group(1)}", line)
    if not isinstance(error, yaml_rs.YAMLDecodeError):
        problem, line = _pyyaml_error(text) or ("", None)
        if problem in ("", "found unhashable key"):
            problem = "a key must be a plain value, not a list or a mapping"
        return Problem(shown, "", f"broken YAML: {problem}", line)
    found = _YAML_RS_LINE.search(message)
    return Problem(
        shown,
        "",
        f"broken YAML: {message.splitlines()[-1]}",
        int(found.group(1)) if found else None,
    )


def _pyyaml_error(text: str) -> tuple[str, int | None] | None:
    """What PyYAML finds wrong with the file first, and on which line; None if nothing."""
    try:
        loader = _StrictLoader(text)  # refuses a NUL or other control character at once
        try:
            loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as located:
        mark = getattr(located, "problem_mark", None)
        problem = getattr(located, "problem", None) or str(located).splitlines()[0]
        return problem, mark.line + 1 if mark else None
    except (ValueError, TypeError, RecursionError):  # e.g. 2026-02-30, which PyYAML cannot read
        return None
    return None


def _node_tree(text: str) -> yaml.Node | None:
    """PyYAML's node tree of the file, with the line of every value: only to point a field's
    error at its line, so only when there is one. Composed, not constructed."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None  # the problems go without their lines


def load_file(path: Path, model: type[M], lang: str, root: Path | None = None) -> M:
    """Parse and validate one YAML file; raise ContentError naming file, line and field."""
    shown = _display(path)
    try:
        # utf-8-sig: a byte order mark, which Windows editors may write, is not part of a key.
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError([Problem(shown, "", f"cannot read: {error}")]) from None
    if forbidden := _NOT_PRINTABLE.search(text):
        # YAML forbids them, but yaml-rs lets them through, and cuts a value short at a NUL.
        where = text.count("\n", 0, forbidden.start()) + 1
        character = f"#x{ord(forbidden.group()):04x}"
        message = f"broken YAML: the character {character} is not allowed in YAML; remove it"
        raise ContentError([Problem(shown, "", message, where)])
    try:
        data = _parse(text)
    except (yaml_rs.YAMLDecodeError, TypeError) as error:
        raise ContentError([_broken_yaml(shown, text, error)]) from None
    if not isinstance(data, dict):
        raise ContentError([Problem(shown, "", "the file must hold a mapping of fields")])
    try:
        return model.model_validate(data, context={"lang": lang})
    except ValidationError as error:
        node = _node_tree(text)
        problems = []
        for detail in error.errors():
            loc = tuple(detail["loc"])
            message = detail["msg"]
            if detail["type"] == "missing":
                message = "required field is missing"
            elif detail["type"] == "extra_forbidden":
                message = "unknown field (check the spelling)"
            elif message.startswith("Value error, "):
                message = message.removeprefix("Value error, ")
            problems.append(Problem(shown, _format_loc(loc), message, _line_of(node, loc)))
        raise ContentError(problems) from None


@dataclass
class LanguageContent:
    """Everything in one language: catalogue, services by id, bodies by id."""

    lang: str
    catalogue: Catalogue
    services: dict[str, Service] = field(default_factory=dict)
    bodies: dict[str, Body] = field(default_factory=dict)
    body_regions: dict[str, str] = field(default_factory=dict)
    files: dict[tuple[str, str], str] = field(default_factory=dict)

    @cached_property
    def regions(self) -> dict[str, Any]:
        return {region.id: region for region in self.catalogue.regions}

    @cached_property
    def categories(self) -> dict[str, Any]:
        return {category.id: category for category in self.catalogue.categories}

    @cached_property
    def national_services(self) -> dict[str, Any]:
        return {service.id: service for service in self.catalogue.services}

    @cached_property
    def akimats(self) -> list[Body]:
        return [body for body in self.bodies.values() if body.kind == "akimat"]

    @cached_property
    def acts_by_seed(self) -> dict[str, Source]:
        """The act each seed file holds, as the services taken from it describe it: a body's
        page names the acts that list it, never the seed's file name."""
        found: dict[str, Source] = {}
        for service in self.services.values():
            found.setdefault(service.source.seed, service.source)
        return found

    @cached_property
    def services_by_body(self) -> dict[str, list[Service]]:
        """The services that name each body (as provider, in a channel, or where to complain),
        in the order of `services`: a body's page lists them, and there is a page per body."""
        found: dict[str, list[Service]] = {}
        for service in self.services.values():
            named = {
                *service.provider_bodies,
                *(body_id for channel in service.channels for body_id in channel.bodies),
                *service.complaints.bodies,
                *service.complaints.akimats,
            }
            for body_id in named:
                found.setdefault(body_id, []).append(service)
        return found

    def lineage(self, region_id: str) -> list[str]:
        """The region and its ancestors, nearest first."""
        chain = [region_id]
        while (parent := self.regions[chain[-1]].parent) is not None:
            chain.append(parent)
        return chain

    @cached_property
    def regions_with_content(self) -> list[str]:
        """Regions that have a page: those with services or bodies, and their ancestors."""
        used: set[str] = set()
        for region_id in [s.region for s in self.services.values()] + list(
            self.body_regions.values()
        ):
            used.update(self.lineage(region_id))
        return [region.id for region in self.catalogue.regions if region.id in used]

    @cached_property
    def services_by_region(self) -> dict[str, list[Service]]:
        """Each region's services, those of the regions inside it included, by category and
        title (a stable sort, then the filter: the order a sort of each region's own gives)."""
        found: dict[str, list[Service]] = {}
        for service in sorted(self.services.values(), key=lambda s: (s.category, s.title)):
            for region_id in self.lineage(service.region):
                found.setdefault(region_id, []).append(service)
        return found

    def top_region(self, region_id: str) -> str:
        """The oblast or city a region (e.g. a district) belongs to."""
        region = self.regions[region_id]
        while region.parent is not None:
            region = self.regions[region.parent]
        return region.id

    def akimat_over(self, body_id: str) -> Body | None:
        """The akimat an office is part of (its nearest akimat among its parents), if the
        content says so: complaints about the office can then go to that akimat."""
        seen = {body_id}
        parent_id = self.bodies[body_id].parent
        while parent_id is not None and parent_id not in seen:
            parent = self.bodies.get(parent_id)
            if parent is None:
                return None
            if parent.kind == "akimat":
                return parent
            seen.add(parent_id)
            parent_id = parent.parent
        return None

    def area(self, body_id: str) -> tuple[str, ...]:
        """Where a body works, widest first: its region's chain down to its own region, then
        the district it names, if any. A body that names no district serves its whole region
        (an oblast's public service centre, a city's State Corporation office)."""
        body = self.bodies[body_id]
        regions = tuple(reversed(self.lineage(self.body_regions[body_id])))
        return regions + ((body.district,) if body.district else ())

    def serves(self, akimat_id: str, office_id: str) -> bool:
        """Whether a complaint to the akimat can be about the office.

        An office the content places under an akimat (`parent`) is that akimat's alone: Taraz's
        housing department is not Korday's. Any other office belongs to an akimat whose area
        overlaps its own: one holds the other (a district's office and the oblast's akimat, an
        oblast-wide office and a district's akimat, two bodies of the same district)."""
        over = self.akimat_over(office_id)
        if over is not None:
            return over.id == akimat_id
        akimat_area, office_area = self.area(akimat_id), self.area(office_id)
        shorter = min(len(akimat_area), len(office_area))
        return akimat_area[:shorter] == office_area[:shorter]

    def bodies_in(self, region_id: str) -> list[Body]:
        return [b for b in self.bodies.values() if self.body_regions[b.id] == region_id]


@dataclass
class Content:
    root: Path
    languages: dict[str, LanguageContent]

    def __getitem__(self, lang: str) -> LanguageContent:
        return self.languages[lang]


def _load_language(root: Path, lang: str) -> tuple[LanguageContent | None, list[Problem]]:
    problems: list[Problem] = []
    base = root / lang

    def attempt(path: Path, model: type[M]) -> M | None:
        try:
            return load_file(path, model, lang, root)
        except ContentError as error:
            problems.extend(error.problems)
            return None

    catalogue_path = base / "catalogue.yaml"
    if not catalogue_path.exists():
        problems.append(Problem(_display(catalogue_path, root), "", "file is missing"))
        return None, problems
    catalogue = attempt(catalogue_path, Catalogue)
    if catalogue is None:
        return None, problems
    content = LanguageContent(lang=lang, catalogue=catalogue)

    for path in sorted((base / "bodies").glob("*.yaml")):
        directory = attempt(path, BodyDirectory)
        if directory is None:
            continue
        shown = _display(path, root)
        if directory.region != path.stem:
            problems.append(Problem(shown, "region", f"must match the file name ({path.stem!r})"))
        for index, body in enumerate(directory.bodies):
            if body.id in content.bodies:
                problems.append(Problem(shown, f"bodies[{index}].id", f"{body.id!r} is used twice"))
                continue
            content.bodies[body.id] = body
            content.body_regions[body.id] = directory.region
            content.files[("body", body.id)] = shown

    for path in sorted((base / "services").glob("*.yaml")):
        service = attempt(path, Service)
        if service is None:
            continue
        shown = _display(path, root)
        if service.id != path.stem:
            problems.append(Problem(shown, "id", f"must match the file name ({path.stem!r})"))
        content.services[service.id] = service
        content.files[("service", service.id)] = shown
    return content, problems


def load_content(root: Path | str = DEFAULT_CONTENT_ROOT) -> Content:
    """Load both languages; raise ContentError listing every file and field that is wrong.

    Cross-file rules (references, kk/ru parity) live in `guide.checks`.
    """
    root = Path(root)
    languages: dict[str, LanguageContent] = {}
    problems: list[Problem] = []
    with _cyclic_gc_paused():
        for lang in LANGUAGES:
            content, found = _load_language(root, lang)
            problems.extend(found)
            if content is not None:
                languages[lang] = content
    if problems:
        raise ContentError(problems)
    return Content(root=root, languages=languages)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Loading makes about 475,000 objects for a 2,000-service guide, none of them in a cycle;
    the cyclic collector, run every 700 of them, walked them over and over for a third of the
    loading's CPU. It is off for the load only (process-wide, a moment for the real content),
    and back on as it was, even when two threads load at once."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
