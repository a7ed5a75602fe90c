"""Staff accounts and complaints in known states, for the back-office tests."""

from datetime import timedelta

import pytest
from backoffice import BAIZAK
from helpers import Staff, make_staff

from complaints import services
from complaints.models import StaffUser
from qyzmet.extensions import db


@pytest.fixture
def team(app):
    """The Taraz akimat's staff, signed in, plus a colleague from another akimat."""
    ids = {
        "registrar": make_staff(app, "registrar"),
        "head": make_staff(app, "head"),
        "executor": make_staff(app, "executor"),
        "other_executor": make_staff(app, "executor", email="second.executor@example.kz"),
        "supervisor": make_staff(app, "supervisor", akimat_id=None, region_id="zhambyl-oblast"),
        "admin": make_staff(app, "admin"),
        "outsider": make_staff(app, "head", akimat_id=BAIZAK),
    }
    members = {}
    with app.app_context():
        for key, staff_id in ids.items():
            staff = db.session.get(StaffUser, staff_id)
            members[key] = Staff(app, staff.email)
            members[key].id = staff_id
    for member in members.values():
        assert member.login().status_code == 302
    return members


@pytest.fixture
def clock(monkeypatch):
    """The app's clock, set by the test: `clock(hours=…)` is that long after the test began."""
    started = services.utcnow()

    def set_to(**elapsed):
        monkeypatch.setattr(services, "utcnow", lambda: started + timedelta(**elapsed))

    set_to()
    return set_to
