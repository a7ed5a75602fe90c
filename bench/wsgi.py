"""The real application for the benchmark, plus two baseline endpoints that exist only here.

The baselines run on the same server, through the same app (hooks, headers, session) and the
same database engine as the product's pages, doing the least a database request can do: one
INSERT, or one SELECT by primary key. A product figure divided by its baseline says how much
of the server's capacity the product's own work leaves. They are never registered in the
product: only `gunicorn bench.wsgi:app` has them.
"""

from __future__ import annotations

import gc

from flask import Blueprint, Flask, request
from sqlalchemy import insert, select

from bench._baseline_table import bench_rows
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


def create_bench_app() -> Flask:
    application = create_app()
    # Load generators post without a form; the product's own forms keep their CSRF check.
    csrf.exempt(baseline)
    application.register_blueprint(baseline)
    return application


app = create_bench_app()
# As deploy/wsgi.py does for the product's server.
warm_up(app)
gc.freeze()
