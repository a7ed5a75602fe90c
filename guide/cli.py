"""`flask --app qyzmet guide check|build`: the content editor's and the publisher's commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from guide.checks import check_content, problems_in
from guide.loader import ContentError, load_content


@click.group()
def guide() -> None:
    """Check and build the static guide."""


@guide.command("check")
@with_appcontext
def check_command() -> None:
    """Validate every content file and the kk/ru parity; exit 1 on any problem."""
    problems = check_content(Path(current_app.config["GUIDE_CONTENT_ROOT"]))
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) in the guide content.", err=True)
        sys.exit(1)
    click.echo("Guide content is valid; every kk file agrees with its ru twin.")


@guide.command("build")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-search", is_flag=True, help="Skip the Pagefind index (faster).")
@with_appcontext
def build_command(out_dir: Path, no_search: bool) -> None:
    """Freeze every guide page in both languages into OUT and index it for search."""
    from guide.freeze import build_site
    from guide.views import use_content

    try:
        content = load_content(Path(current_app.config["GUIDE_CONTENT_ROOT"]))
    except ContentError as error:
        problems = error.problems
    else:
        problems = problems_in(content)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(
            "Not building: fix the content first (flask --app qyzmet guide check).", err=True
        )
        sys.exit(1)
    # The content just checked is the content built: it is read once.
    use_content(content)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    report = build_site(app, out_dir, search_index=not no_search)
    for problem in report.link_problems:
        click.echo(f"broken link: {problem}", err=True)
    click.echo(
        f"Built {report.pages} pages ({report.files} files) into {out_dir} "
        f"in {report.seconds:.1f} s."
    )
    if report.link_problems:
        sys.exit(1)
