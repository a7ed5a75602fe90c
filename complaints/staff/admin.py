"""An akimat's administrator adds staff, changes their roles and disables accounts.

A system administrator (no akimat of their own) first chooses the akimat; its id then travels
as `akimat` in every link, form and redirect of these pages.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from complaints import directory, services
from complaints.models import StaffUser
from complaints.staff import blueprint
from complaints.staff.auth import current_staff, hash_password, staff_required
from complaints.staff.forms import ROLE_LABELS, StaffAccountForm, StaffChangeForm
from qyzmet.extensions import db
from qyzmet.i18n import current_language


def _managed_akimat() -> str:
    """The akimat whose staff this admin manages (a system admin picks one in the URL);
    404 if a system admin's request names none they may manage."""
    akimat_id = _requested_akimat()
    if akimat_id is None:
        abort(404)
    return akimat_id


def _akimat_arg(akimat_id: str) -> dict[str, str]:
    """What the staff page's address needs to name the akimat: nothing for an akimat's own
    admin (theirs is implied), `akimat` for a system admin."""
    return {} if current_staff().akimat_id else {"akimat": akimat_id}


def _staff_page(akimat_id: str | None = None):
    """Back to the staff page of the akimat being managed (or the chooser, if none is)."""
    if akimat_id is None:
        return redirect(url_for(".admin_staff"))
    return redirect(url_for(".admin_staff", **_akimat_arg(akimat_id)))


def _requested_akimat() -> str | None:
    """The admin's own akimat, or for a system admin the one the request names, if it is in
    their scope; None otherwise."""
    staff = current_staff()
    if staff.akimat_id:
        return staff.akimat_id
    akimat_id = request.args.get("akimat") or request.form.get("akimat") or ""
    return akimat_id if akimat_id in g.staff_scope else None


def _render_chooser():
    """A system admin's list of akimats, grouped by region, each leading to its staff."""
    lang = current_language()
    scope = set(g.staff_scope)
    groups = [
        (group.label, [choice for choice in group.choices if choice.value in scope])
        for group in directory.akimat_groups(lang)
    ]
    groups = [(label, akimats) for label, akimats in groups if akimats]
    return render_template("staff/admin_akimats.html", groups=groups)


def _render(form: StaffAccountForm, status: int = 200):
    akimat_id = _managed_akimat()
    staff = (
        db.session.execute(
            select(StaffUser).where(StaffUser.akimat_id == akimat_id).order_by(StaffUser.full_name)
        )
        .scalars()
        .all()
    )
    return render_template(
        "staff/admin_staff.html",
        form=form,
        staff=staff,
        akimat_id=akimat_id,
        akimat_name=directory.body_name(akimat_id, current_language()),
        role_labels=ROLE_LABELS,
        change_form=StaffChangeForm(formdata=None),
        me=current_staff(),
    ), status


@blueprint.get("/admin/staff/")
@staff_required("admin")
def admin_staff():
    if not current_staff().akimat_id and not request.args.get("akimat"):
        return _render_chooser()
    return _render(StaffAccountForm(formdata=None))


@blueprint.post("/admin/staff/")
@staff_required("admin")
def admin_add_staff():
    form = StaffAccountForm()
    if not form.validate_on_submit():
        return _render(form, status=400)
    try:
        services.create_staff(
            db.session,
            email=form.email.data,
            full_name=form.full_name.data,
            role=form.role.data,
            # The akimat comes from the admin's account, never from the submitted form.
            akimat_id=_managed_akimat(),
            region_id=None,
            language=form.language.data,
            password_hash=hash_password(form.password.data),
            now=services.utcnow(),
        )
    except services.AccountError:
        form.email.errors = [_("An account with this email address already exists")]
        return _render(form, status=400)
    flash(_("%(name)s can now sign in.", name=form.full_name.data), "success")
    return _staff_page(_managed_akimat())


@blueprint.post("/admin/staff/<int:staff_id>/")
@staff_required("admin")
def admin_change_staff(staff_id: int):
    form = StaffChangeForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the roles in the list."), "error")
        return _staff_page(_requested_akimat())
    role = form.role.data or None
    active = {"1": True, "0": False}.get(form.active.data or "")
    try:
        services.update_staff(
            db.session,
            staff_id,
            admin=current_staff(),
            scope=[_managed_akimat()],
            role=role,
            active=active,
        )
    except services.AccountError as error:
        if error.reason == "not_yourself":
            flash(_("You cannot change your own account here."), "error")
            return _staff_page(_requested_akimat())
        abort(404)
    flash(_("The account has been updated."), "success")
    return _staff_page(_managed_akimat())
