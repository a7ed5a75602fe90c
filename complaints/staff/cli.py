"""`flask staff create|demo`: accounts from the command line (the first admin, demo staff)."""

from __future__ import annotations

import os
import secrets
import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from complaints import directory, services
from complaints.models import StaffUser
from complaints.staff.auth import MIN_PASSWORD_LENGTH, STAFF_ROLES, hash_password
from qyzmet.extensions import db

DEMO_AKIMAT_CODE = "TRZ"
DEMO_STAFF = (
    ("registrar", "registrar@demo.qyzmet.kz", "Айгүл Сейітқызы (кеңсе қызметкері)"),
    ("head", "head@demo.qyzmet.kz", "Ержан Бекұлы (басшы)"),
    ("executor", "executor@demo.qyzmet.kz", "Динара Асқарқызы (жауапты орындаушы)"),
    ("executor", "executor2@demo.qyzmet.kz", "Нұрлан Маратұлы (жауапты орындаушы)"),
    ("admin", "admin@demo.qyzmet.kz", "Әсел Қайратқызы (әкімші)"),
    ("supervisor", "supervisor@demo.qyzmet.kz", "Бақыт Серікұлы (бақылаушы)"),
)


@click.group()
def staff() -> None:
    """Manage akimat staff accounts."""


def _akimat_by_code(code: str) -> str | None:
    for akimat_id in directory.all_akimat_ids():
        body = directory.akimat(akimat_id)
        if body and body.code == code.upper():
            return akimat_id
    return None


@staff.command("create")
@click.option("--akimat", "akimat_code", help="Registration code of the akimat, e.g. TRZ.")
@click.option("--region", "region_id", help="Region id, for a supervisor.")
@click.option("--role", type=click.Choice(STAFF_ROLES), required=True)
@click.option("--email", required=True)
@click.option("--name", "full_name", help="Full name (defaults to the email address).")
@click.option("--language", type=click.Choice(["kk", "ru"]), default="kk", show_default=True)
@with_appcontext
def create_command(akimat_code, region_id, role, email, full_name, language) -> None:
    """Create an account. The password comes from QYZMET_STAFF_PASSWORD or a prompt."""
    akimat_id = None
    if role == "supervisor":
        if not region_id or not directory.akimats_in_region(region_id):
            raise click.UsageError("a supervisor needs --region with akimats, e.g. zhambyl-oblast")
    elif akimat_code:
        akimat_id = _akimat_by_code(akimat_code)
        if akimat_id is None:
            raise click.UsageError(f"no akimat has the code {akimat_code!r}")
    elif role != "admin":
        raise click.UsageError("--akimat is required for this role")
    password = os.environ.get("QYZMET_STAFF_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    if len(password) < MIN_PASSWORD_LENGTH:
        click.echo(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.", err=True)
        sys.exit(1)
    try:
        account = services.create_staff(
            db.session,
            email=email,
            full_name=full_name or email,
            role=role,
            akimat_id=akimat_id,
            region_id=region_id if role == "supervisor" else None,
            language=language,
            password_hash=hash_password(password),
            now=services.utcnow(),
        )
    except services.AccountError:
        click.echo(f"An account for {email} already exists.", err=True)
        sys.exit(1)
    where = account.akimat_id or account.region_id or "all akimats"
    click.echo(f"Created {account.role} {account.email} ({where}).")


@staff.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create (or reset) demo accounts for the Taraz city akimat and print them."""
    akimat_id = _akimat_by_code(DEMO_AKIMAT_CODE)
    region_id = directory.top_region_of_akimat(akimat_id)
    click.echo(
        f"Demo staff of {directory.body_name(akimat_id, 'ru')} — sign in at /kk/staff/login/:"
    )
    for role, email, name in DEMO_STAFF:
        password = secrets.token_urlsafe(9)
        existing = db.session.execute(
            select(StaffUser).where(StaffUser.email == email)
        ).scalar_one_or_none()
        if existing is None:
            services.create_staff(
                db.session,
                email=email,
                full_name=name,
                role=role,
                akimat_id=None if role == "supervisor" else akimat_id,
                region_id=region_id if role == "supervisor" else None,
                language="kk",
                password_hash=hash_password(password),
                now=services.utcnow(),
            )
        else:
            services.set_password(db.session, existing.id, hash_password(password))
        click.echo(f"  {role:<10} {email:<28} {password}")
