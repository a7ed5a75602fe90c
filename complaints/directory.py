"""The akimats, services and offices a complaint can name, read from the guide's content.

The guide's bodies directory is the one list of akimats: a complaint destination exists
exactly when the content has an akimat body with a registration code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from guide.loader import LanguageContent
from guide.schema import Body, Service
from guide.views import get_content


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class ChoiceGroup:
    label: str
    choices: list[Choice]


def _content(lang: str) -> LanguageContent:
    return get_content()[lang]


def akimat(akimat_id: str, lang: str = "kk") -> Body | None:
    body = _content(lang).bodies.get(akimat_id)
    return body if body is not None and body.kind == "akimat" else None


_MEMO: dict[tuple[str, str], tuple[LanguageContent, list[ChoiceGroup]]] = {}


def office(office_id: str, lang: str = "kk") -> Body | None:
    """A body a complaint can be about: any but an akimat, which is where complaints go."""
    body = _content(lang).bodies.get(office_id)
    return body if body is not None and body.kind != "akimat" else None


def akimat_over(office_id: str, lang: str = "kk") -> Body | None:
    return _content(lang).akimat_over(office_id)


def serves(akimat_id: str, office_id: str) -> bool:
    """Whether a complaint to the akimat can name the office (see `LanguageContent.serves`)."""
    content = _content("kk")
    if akimat_id not in content.bodies or office_id not in content.bodies:
        return False
    return content.serves(akimat_id, office_id)


def _memoised(build: Callable[[str], list[ChoiceGroup]]) -> Callable[[str], list[ChoiceGroup]]:
    """Build a choice list once per language and content version (every form page uses them)."""

    @wraps(build)
    def cached(lang: str) -> list[ChoiceGroup]:
        content = _content(lang)
        key = (build.__name__, lang)
        hit = _MEMO.get(key)
        if hit is None or hit[0] is not content:
            hit = _MEMO[key] = (content, build(lang))
        return hit[1]

    return cached


def _grouped(content: LanguageContent, entries: list[tuple[str, Choice]]) -> list[ChoiceGroup]:
    """Choices grouped under their oblast or city, regions in catalogue order."""
    groups: dict[str, list[Choice]] = {}
    for region_id, choice in entries:
        groups.setdefault(content.top_region(region_id), []).append(choice)
    return [
        ChoiceGroup(region.name, groups[region.id])
        for region in content.catalogue.regions
        if region.id in groups
    ]


@_memoised
def akimat_groups(lang: str) -> list[ChoiceGroup]:
    """Akimats grouped by oblast or city, for the filing form."""
    content = _content(lang)
    return _grouped(
        content,
        [(content.body_regions[body.id], Choice(body.id, body.name)) for body in content.akimats],
    )


@_memoised
def service_groups(lang: str) -> list[ChoiceGroup]:
    content = _content(lang)
    services = sorted(content.services.values(), key=lambda s: s.title)
    return _grouped(content, [(s.region, Choice(s.id, s.title)) for s in services])


@_memoised
def office_groups(lang: str) -> list[ChoiceGroup]:
    """Offices that provide services (everything but akimats), grouped by region."""
    content = _content(lang)
    return _grouped(
        content,
        [
            (content.body_regions[body.id], Choice(body.id, body.name))
            for body in content.bodies.values()
            if body.kind != "akimat"
        ],
    )


def service_title(service_id: str | None, lang: str) -> str | None:
    if not service_id:
        return None
    service = _content(lang).services.get(service_id)
    return service.title if service else service_id


def service(service_id: str | None, lang: str) -> Service | None:
    if not service_id:
        return None
    return _content(lang).services.get(service_id)


def body_name(body_id: str | None, lang: str) -> str | None:
    if not body_id:
        return None
    body = _content(lang).bodies.get(body_id)
    return body.name if body else body_id


def akimats_in_region(region_id: str) -> list[str]:
    """Akimats of an oblast or city (and its districts): what a regional supervisor oversees."""
    content = _content("kk")
    if region_id not in content.regions:
        return []
    return [
        body.id
        for body in content.akimats
        if region_id in _lineage(content, content.body_regions[body.id])
    ]


def all_akimat_ids() -> list[str]:
    return [body.id for body in _content("kk").akimats]


def top_region_of_akimat(akimat_id: str) -> str | None:
    content = _content("kk")
    region = content.body_regions.get(akimat_id)
    return content.top_region(region) if region else None


def top_region_of_service(service_id: str) -> str | None:
    service = _content("kk").services.get(service_id)
    return _content("kk").top_region(service.region) if service else None


def top_region_of_body(body_id: str) -> str | None:
    content = _content("kk")
    region = content.body_regions.get(body_id)
    return content.top_region(region) if region else None


def region_name(region_id: str, lang: str) -> str:
    region = _content(lang).regions.get(region_id)
    return region.name if region else region_id


def region_choices(lang: str) -> list[Choice]:
    """Regions that have akimats, for a supervisor's account."""
    content = _content(lang)
    used = {content.top_region(content.body_regions[body.id]) for body in content.akimats}
    return [Choice(r.id, r.name) for r in content.catalogue.regions if r.id in used]


def _lineage(content: LanguageContent, region_id: str) -> list[str]:
    chain = [region_id]
    while (parent := content.regions[chain[-1]].parent) is not None:
        chain.append(parent)
    return chain
