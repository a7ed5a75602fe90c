"""Guide pages: thin views that pick models out of the loaded content and render them."""

from __future__ import annotations

import functools
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    send_from_directory,
    url_for,
)

from guide.loader import Content, ContentError, LanguageContent, load_content
from guide.schema import LANGUAGES, Body, Region, Service
from qyzmet.i18n import current_language
from qyzmet.urls import cached_url_for

blueprint = Blueprint("guide", __name__, template_folder="templates")

BODY_KIND_ORDER = (
    "akimat",
    "authorised_body",
    "department",
    "enterprise",
    "commission",
    "psc",
    "psc_branch",
    "other",
)


# root -> (when the files were last looked at, their stamp, the content)
_LOADED: dict[str, tuple[float, tuple[int, int], Content]] = {}
# Content roots that failed to load with nothing loaded before, by the files' stamp then.
_FAILED: dict[str, tuple[tuple[int, int], ContentError]] = {}
# How often a running app looks for edited content files: often enough for an editor under
# `make run`, rarely enough that pages do not pay for a directory walk on every lookup.
RECHECK_SECONDS = 2.0


def _stamp(root: Path) -> tuple[int, int]:
    """How many content files there are and the newest change: enough to notice an edit."""
    times = [path.stat().st_mtime_ns for path in root.rglob("*.yaml")]
    return len(times), max(times, default=0)


@functools.lru_cache(maxsize=16)
def _resolved(root: str | Path) -> Path:
    """The configured root as an absolute path; resolving it stats every folder on the way."""
    return Path(root).resolve()


def get_content() -> Content:
    """The content, loaded once per process and again only when a file changes.

    `guide check` reports problems before content reaches the site.
    """
    root = _resolved(current_app.config["GUIDE_CONTENT_ROOT"])
    now = time.monotonic()
    cached = _LOADED.get(str(root))
    # None: never look again (the static build pins the content it started with).
    recheck = current_app.config.get("GUIDE_RECHECK_SECONDS", RECHECK_SECONDS)
    if cached is not None and (recheck is None or now - cached[0] < recheck):
        return cached[2]
    stamp = _stamp(root)
    if cached is not None and cached[1] == stamp:
        content = cached[2]
    else:
        failed = _FAILED.get(str(root))
        if failed is not None and failed[0] == stamp:
            raise ContentError(failed[1].problems)  # the same broken files: not read again
        try:
            content = load_content(root)
        except ContentError as error:
            if cached is None:
                # Nothing to serve: a 503 page (qyzmet/errors.py) until the files are fixed.
                _FAILED[str(root)] = (stamp, error)
                raise
            # A broken edit reached the server (a `git pull` without `guide check`): the
            # complaint form and the back office keep the lists they had, rather than every
            # page failing. Logged once per change of the files; tried again at the next one.
            current_app.logger.error(
                "guide content changed but could not be loaded; still serving the content "
                "loaded before: %s",
                error,
            )
            content = cached[2]
    _LOADED[str(root)] = (now, stamp, content)
    return content


def use_content(content: Content) -> None:
    """Serve `content`, already loaded (and checked) from its root, without reading it again."""
    root = Path(content.root).resolve()
    _LOADED[str(root)] = (time.monotonic(), _stamp(root), content)


def lang_content() -> LanguageContent:
    return get_content()[current_language()]


def region_lineage(content: LanguageContent, region_id: str) -> list[str]:
    """The region and its ancestors, nearest first."""
    return content.lineage(region_id)


def regions_with_content(content: LanguageContent) -> list[str]:
    """Regions that have a page: those with services or bodies, and their ancestors."""
    return list(content.regions_with_content)


def regions_above(content: LanguageContent, region_id: str) -> list[Region]:
    """The regions a region is part of, the largest first: the breadcrumbs' way up."""
    return [content.regions[r] for r in reversed(region_lineage(content, region_id)[1:])]


def services_in_region(content: LanguageContent, region_id: str) -> list[Service]:
    return list(content.services_by_region.get(region_id, []))


def bodies_in_region(content: LanguageContent, region_id: str) -> list[Body]:
    return [
        body
        for body in content.bodies.values()
        if region_id in region_lineage(content, content.body_regions[body.id])
    ]


def group_bodies(bodies: list[Body]) -> list[tuple[str, list[Body]]]:
    groups: dict[str, list[Body]] = defaultdict(list)
    for body in bodies:
        groups[body.kind].append(body)
    return [(kind, groups[kind]) for kind in BODY_KIND_ORDER if kind in groups]


def complaint_url(
    service_id: str | None = None, akimat_id: str | None = None, office_id: str | None = None
) -> str:
    """The complaint form, pre-filled; it is served by the app, not the static site."""
    args = {
        key: value
        for key, value in (("service", service_id), ("akimat", akimat_id), ("office", office_id))
        if value
    }
    if "complaints_public.new_complaint" in current_app.view_functions:
        return cached_url_for("complaints_public.new_complaint", **args)
    query = "&".join(f"{key}={value}" for key, value in args.items())
    return f"/{current_language()}/complaints/new/" + (f"?{query}" if query else "")


@blueprint.app_context_processor
def guide_helpers() -> dict[str, Any]:
    return {"complaint_url": complaint_url}


@blueprint.get("/")
def choose_language():
    """The site root: the visitor picks a language (no negotiation; the site is static)."""
    return render_template("guide/choose_language.html")


# Services the home page lists under each topic and each region; the rest are a link away, on
# the topic's or the region's page. The home page then stays the same size however many
# services the guide holds (at 1,000 it listed every one twice: 800 KB of HTML).
HOME_SERVICES_PER_GROUP = 6


@blueprint.get("/<lang:lang_code>/")
def home():
    content = lang_content()
    by_category: dict[str, list[Service]] = defaultdict(list)
    for service in sorted(content.services.values(), key=lambda s: s.title):
        by_category[service.category].append(service)
    regions = regions_with_content(content)
    top_regions = [r for r in regions if content.regions[r].parent is None]
    return render_template(
        "guide/home.html",
        content=content,
        categories=[c for c in content.catalogue.categories if c.id in by_category],
        by_category=by_category,
        top_regions=top_regions,
        services_in_region=lambda region_id: services_in_region(content, region_id),
        shown=HOME_SERVICES_PER_GROUP,
    )


def office_complaint_akimats(content: LanguageContent, service: Service) -> dict[str, str]:
    """For each office of the service, the akimat a complaint about it goes to: the akimat the
    office is part of, or else the service's own destination when it has only one. The form
    takes an office only from an akimat that serves it (`LanguageContent.serves`), so no other
    pair is offered."""
    only = service.complaints.akimats[0] if len(service.complaints.akimats) == 1 else None
    found = {}
    for channel in service.channels:
        for office_id in channel.bodies:
            over = content.akimat_over(office_id)
            akimat_id = over.id if over is not None else only
            if (
                akimat_id is not None
                and content.bodies[office_id].kind != "akimat"
                and content.serves(akimat_id, office_id)
            ):
                found[office_id] = akimat_id
    return found


@blueprint.get("/<lang:lang_code>/services/<service_id>/")
def service(service_id: str):
    content = lang_content()
    found = content.services.get(service_id)
    if found is None:
        abort(404)
    return render_template(
        "guide/service.html",
        content=content,
        service=found,
        channel_names={channel.id: channel.name for channel in found.channels},
        actor_names={a.id: a.name for a in (found.process.actors if found.process else [])},
        region_names=[content.regions[r].name for r in region_lineage(content, found.region)],
        office_akimats=office_complaint_akimats(content, found),
    )


@blueprint.get("/<lang:lang_code>/topics/<category_id>/")
def topic(category_id: str):
    content = lang_content()
    category = content.categories.get(category_id)
    services = [s for s in content.services.values() if s.category == category_id]
    if category is None or not services:
        abort(404)
    return render_template(
        "guide/topic.html",
        content=content,
        category=category,
        services=sorted(services, key=lambda s: (s.region, s.title)),
    )


@blueprint.get("/<lang:lang_code>/regions/")
def regions():
    content = lang_content()
    return render_template(
        "guide/regions.html", content=content, regions=regions_with_content(content)
    )


@blueprint.get("/<lang:lang_code>/regions/<region_id>/")
def region(region_id: str):
    content = lang_content()
    if region_id not in regions_with_content(content):
        abort(404)
    return render_template(
        "guide/region.html",
        content=content,
        region=content.regions[region_id],
        services=services_in_region(content, region_id),
        body_groups=group_bodies(bodies_in_region(content, region_id)),
        children=[r.id for r in content.catalogue.regions if r.parent == region_id],
        above=regions_above(content, region_id),
    )


@blueprint.get("/<lang:lang_code>/bodies/<body_id>/")
def body(body_id: str):
    content = lang_content()
    found = content.bodies.get(body_id)
    if found is None:
        abort(404)
    serving = list(content.services_by_body.get(body_id, []))
    return render_template(
        "guide/body.html",
        content=content,
        body=found,
        region=content.regions[content.body_regions[body_id]],
        above=regions_above(content, content.body_regions[body_id]),
        parent=content.bodies.get(found.parent) if found.parent else None,
        children=[b for b in content.bodies.values() if b.parent == body_id],
        services=serving,
        akimat_over=None if found.kind == "akimat" else content.akimat_over(body_id),
    )


@blueprint.get("/<lang:lang_code>/akimats/")
def akimats():
    content = lang_content()
    groups: dict[str, list[Body]] = defaultdict(list)
    for akimat in content.akimats:
        groups[content.top_region(content.body_regions[akimat.id])].append(akimat)
    ordered = [(r.id, groups[r.id]) for r in content.catalogue.regions if r.id in groups]
    return render_template("guide/akimats.html", content=content, groups=ordered)


@blueprint.get("/<lang:lang_code>/search/")
def search():
    return render_template("guide/search.html")


@blueprint.get("/pagefind/<path:filename>")
def pagefind_asset(filename: str):
    """The search index of the last `guide build`, so search works under `make run` too.

    In production the web server serves the frozen site, index included (docs/deploy.md).
    """
    return send_from_directory(current_app.config["PAGEFIND_DIR"], filename)


@blueprint.get("/404.html")
def not_found_page():
    """The static site's 404 page (the web server serves it for unknown paths)."""
    return render_template("guide/not_found.html")


@blueprint.get("/robots.txt")
def robots():
    site = current_app.config["SITE_URL"]
    lines = ["User-agent: *"] + [f"Disallow: /{lang}/complaints/" for lang in LANGUAGES]
    lines += [f"Disallow: /{lang}/staff/" for lang in LANGUAGES]
    body = "\n".join([*lines, "", f"Sitemap: {site}/sitemap.xml", ""])
    return Response(body, mimetype="text/plain")


def guide_pages(content: Content) -> list[tuple[str, dict[str, str]]]:
    """Every localisable guide page as (endpoint, values without lang_code)."""
    kk = content["kk"]
    pages: list[tuple[str, dict[str, str]]] = [
        ("guide.home", {}),
        ("guide.regions", {}),
        ("guide.akimats", {}),
        ("guide.search", {}),
    ]
    pages += [("guide.service", {"service_id": sid}) for sid in sorted(kk.services)]
    pages += [
        ("guide.topic", {"category_id": c.id})
        for c in kk.catalogue.categories
        if any(s.category == c.id for s in kk.services.values())
    ]
    pages += [("guide.region", {"region_id": rid}) for rid in regions_with_content(kk)]
    pages += [("guide.body", {"body_id": bid}) for bid in sorted(kk.bodies)]
    return pages


@blueprint.get("/sitemap.xml")
def sitemap():
    content = get_content()
    site = current_app.config["SITE_URL"]
    entries = []
    for endpoint, values in guide_pages(content):
        if endpoint == "guide.search":
            continue
        urls = {lang: site + url_for(endpoint, lang_code=lang, **values) for lang in LANGUAGES}
        lastmod = None
        if endpoint == "guide.service":
            lastmod = max(
                content[lang].services[values["service_id"]].updated for lang in LANGUAGES
            )
        entries.append((urls, lastmod))
    xml = render_template(
        "guide/sitemap.xml", entries=entries, languages=LANGUAGES, today=date.today()
    )
    return Response(xml, mimetype="application/xml")
