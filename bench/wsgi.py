"""The real application for the benchmark, plus baseline endpoints that exist only here.

The baselines run on the same server, through the same app (hooks, headers, session) and the
same database engine as the product's pages, doing the least a database request can do: one
INSERT, or one SELECT by primary key. A product figure divided by its baseline says how much
of the server's capacity the product's own work leaves. A third endpoint, the least filing,
does only what no web filing on this stack can leave out, to show how far the filing's ratio
could go at best. None is registered in the product: only `gunicorn bench.wsgi:app` has them.
"""

from __future__ import annotations

import functools
import gc

from flask import Blueprint, Flask, current_app, make_response, render_template, request
from jinja2 import Template
from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite

from bench._baseline_table import bench_counters, bench_rows
from complaints.models import Complaint
from qyzmet import create_app
from qyzmet.database import write_transaction
from qyzmet.extensions import csrf, db
from qyzmet.warmup import warm_up

baseline = Blueprint("bench_baseline", __name__, url_prefix="/bench")


@baseline.post("/insert/")
def insert_row():
    """One INSERT in a write transaction, as filing takes one (BEGIN IMMEDIATE on SQLite)."""
    with write_transaction(db.session) as session:
        session.execute(insert(bench_rows).values(payload=request.form.get("payload", "")[:200]))
    return {"ok": True}


@baseline.get("/select/<int:complaint_id>/")
def select_row(complaint_id: int):
    """One SELECT of a whole complaint row by primary key."""
    row = db.session.execute(
        select(Complaint.__table__).where(Complaint.id == complaint_id)
    ).first()
    return {"number": row.registration_number if row else None}


# The CSRF check applies here, as on the complaint form: a blueprint of its own, not exempted.
least = Blueprint("bench_least", __name__, url_prefix="/bench")

# A receipt reduced to the number, in the site's layout as every page of the product.
LEAST_RECEIPT = """{% extends "base.html" %}
{% block title %}{{ number }}{% endblock %}
{% block content %}<h1 class="govuk-heading-l" id="registration-number">{{ number }}</h1>
<p class="govuk-body">{{ subject }}</p>{% endblock %}"""


@least.post("/least-filing/")
def least_filing():
    """The complaint form's own POST (multipart, CSRF, session), a number taken from the
    akimat's counter and two rows written in one write transaction, and a one-line receipt:
    what no web filing on this stack can leave out. No validation, no email, no real receipt.
    """
    form = request.form
    request.files  # noqa: B018 - parsed with the form, as the filing's file field is
    akimat = form.get("akimat", "")[:40]
    with write_transaction(db.session) as session:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        take_number = (
            dialect.insert(bench_counters)
            .values(akimat=akimat, last_number=1)
            .on_conflict_do_update(
                index_elements=[bench_counters.c.akimat],
                set_={"last_number": bench_counters.c.last_number + 1},
            )
            .returning(bench_counters.c.last_number)
        )
        number = session.execute(take_number).scalar_one()
        session.execute(insert(bench_rows).values(payload=form.get("subject", "")[:200]))
        session.execute(insert(bench_rows).values(payload=form.get("text", "")[:200]))
    page = render_template(
        _least_receipt(),
        number=f"{akimat}-{number:06d}",
        subject=form.get("subject", ""),
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


@functools.cache
def _least_receipt() -> Template:
    """Compiled once, as the product's templates are."""
    return current_app.jinja_env.from_string(LEAST_RECEIPT)


def create_bench_app() -> Flask:
    application = create_app()
    # Load generators post without a form; the product's own forms keep their CSRF check.
    csrf.exempt(baseline)
    application.register_blueprint(baseline)
    application.register_blueprint(least)
    return application


app = create_bench_app()
# As deploy/wsgi.py does for the product's server.
warm_up(app)
gc.freeze()
