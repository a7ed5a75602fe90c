"""Signing in, throttling, passwords and the admin's staff page."""

import re

import pytest
from argon2 import PasswordHasher
from helpers import Staff, hidden_fields, make_staff, page, text_of

from complaints.domain.workflow import Role, label
from complaints.models import StaffUser
from qyzmet import create_app
from qyzmet.extensions import db


def test_signing_in_renews_the_session_and_opens_the_queue(app):
    make_staff(app, "head")
    member = Staff(app, "head.taraz-city-akimat@example.kz")
    member.client.get("/kk/staff/login/")
    before = member.client.get_cookie("session").value
    response = member.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/kk/staff/"
    assert member.client.get_cookie("session").value != before
    assert member.get("/").status_code == 200


def test_a_wrong_password_gets_one_message_for_both_wrong_email_and_wrong_password(app):
    make_staff(app, "head")
    wrong_password = Staff(app, "head.taraz-city-akimat@example.kz").login(
        password="not the one at all"
    )
    unknown_email = Staff(app, "nobody@example.kz").login()
    for response in (wrong_password, unknown_email):
        assert response.status_code == 400
        assert "Электрондық пошта немесе құпиясөз дұрыс емес." in text_of(response)


@pytest.mark.parametrize(
    ("email", "password"),
    [
        pytest.param("nobody@example.kz", "correct horse battery", id="unknown address"),
        # The right password of a disabled account: refused, and at the same cost.
        pytest.param(
            "executor.taraz-city-akimat@example.kz", "correct horse battery", id="disabled"
        ),
        pytest.param("head.taraz-city-akimat@example.kz", "not the right one", id="wrong password"),
    ],
)
def test_every_failed_sign_in_verifies_exactly_one_password_hash(app, monkeypatch, email, password):
    """The same argon2 work for every address, so the time taken does not reveal accounts."""
    make_staff(app, "head")
    disabled = make_staff(app, "executor")
    with app.app_context():
        db.session.get(StaffUser, disabled).active = False
        db.session.commit()
    verified = []
    verify = PasswordHasher.verify

    def counting_verify(self, hash_, password):
        verified.append(hash_)
        return verify(self, hash_, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    assert Staff(app, email, password=password).login().status_code == 400
    assert len(verified) == 1


@pytest.fixture
def limited(app):
    """The same app and database with rate limits on, as in production."""
    limited = create_app(
        {
            key: app.config[key]
            for key in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "UPLOAD_ROOT", "OUTBOX_DIR")
        }
        | {
            "TESTING": True,
            "RATELIMIT_ENABLED": True,
            "ARGON2_PROFILE": app.config["ARGON2_PROFILE"],
        }
    )
    yield limited
    with limited.app_context():
        db.engine.dispose()


def test_repeated_wrong_logins_are_throttled(limited):
    make_staff(limited, "head")
    member = Staff(limited, "head.taraz-city-akimat@example.kz")
    statuses = [member.login(password=f"wrong password {n}").status_code for n in range(6)]
    assert statuses == [400] * 5 + [429]
    blocked = member.login()  # even the right password waits until the window passes
    assert blocked.status_code == 429
    assert "Әрекеттер тым көп" in text_of(blocked)
    # The account's limit lasts a quarter of an hour: the page says from when, in Almaty
    # time, not "a few minutes".
    # The time stands after a colon: "14:30 бастап" would need the case ending "-дан", which
    # a time filled in cannot be given.
    assert re.search(
        r"Қайталап көруге болатын уақыт: [^()]*\d{2}:\d{2} \(Алматы уақытымен\)", text_of(blocked)
    )
    assert "Бірнеше минут" not in text_of(blocked)


@pytest.mark.parametrize(
    "spelling",
    [
        pytest.param("head.taraz-city-akimat@example.kz\x01", id="control character"),
        pytest.param("head.taraz-city-akimat@example.kz\x00\x7f", id="NUL and DEL"),
        pytest.param("HEAD.taraz-city-akimat@example.KZ", id="upper case"),
        pytest.param("  head.taraz-city-akimat@example.kz\t", id="spaces"),
    ],
)
def test_another_spelling_of_the_address_does_not_buy_more_tries(limited, spelling):
    make_staff(limited, "head")
    member = Staff(limited, "head.taraz-city-akimat@example.kz")
    assert [member.login(password=f"wrong password {n}").status_code for n in range(5)] == [400] * 5
    respelled = Staff(limited, spelling)
    assert respelled.login(password="another wrong one").status_code == 429
    assert respelled.login().status_code == 429


def test_a_disabled_account_cannot_sign_in_and_its_session_ends(app, team):
    member = team["executor"]
    assert member.get("/").status_code == 200
    admin_page = page(team["admin"].get("/admin/staff/"))
    token = admin_page.select_one("input[name=csrf_token]")["value"]
    team["admin"].client.post(
        f"/kk/staff/admin/staff/{member.id}/", data={"csrf_token": token, "active": "0"}
    )
    assert member.get("/").status_code == 302
    assert member.login().status_code == 400


def test_changing_the_password_signs_out_every_other_session(app, team):
    first = team["head"]
    second = Staff(app, first.email)
    second.login()
    tokens = hidden_fields(first.get("/password/").get_data(as_text=True))
    response = first.client.post(
        "/kk/staff/password/",
        data={
            **tokens,
            "current_password": first.password,
            "new_password": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302
    assert Staff(app, first.email, password="a brand new passphrase").login().status_code == 302


def sign_out(member):
    token = hidden_fields(member.get("/").get_data(as_text=True))["csrf_token"]
    response = member.client.post(f"/{member.lang}/staff/logout/", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{member.lang}/staff/login/"


def test_a_copy_of_the_session_cookie_stops_working_when_its_owner_signs_out(app, team):
    member = team["head"]
    copy = app.test_client()
    copy.set_cookie("session", member.client.get_cookie("session").value)
    assert copy.get("/kk/staff/").status_code == 200
    sign_out(member)
    refused = copy.get("/kk/staff/")
    assert refused.status_code == 302
    assert refused.headers["Location"].startswith("/kk/staff/login/")


def test_signing_out_on_one_device_signs_out_the_others_and_signing_in_again_works(app, team):
    first = team["head"]
    second = Staff(app, first.email)
    assert second.login().status_code == 302
    sign_out(first)
    assert second.get("/").status_code == 302
    assert first.login().status_code == 302
    assert first.get("/").status_code == 200


def test_guessing_the_current_password_is_throttled_per_account_like_signing_in(limited):
    make_staff(limited, "head")
    sessions = [Staff(limited, "head.taraz-city-akimat@example.kz") for _ in range(2)]
    for member in sessions:
        assert member.login().status_code == 302

    def change_password(member, current_password):
        tokens = hidden_fields(member.get("/password/").get_data(as_text=True))
        return member.client.post(
            "/kk/staff/password/",
            data={
                **tokens,
                "current_password": current_password,
                "new_password": "a brand new passphrase",
            },
        )

    first, second = sessions
    statuses = [change_password(first, f"guess number {n}").status_code for n in range(6)]
    assert statuses == [400] * 5 + [429]
    # Another session of the same account shares the allowance; the right password waits too.
    blocked = change_password(second, second.password)
    assert blocked.status_code == 429
    assert "Әрекеттер тым көп" in text_of(blocked)
    assert Staff(limited, second.email).login().status_code == 302  # nothing changed


def test_a_too_short_password_is_refused_and_nothing_changes(app, team):
    member = team["head"]
    tokens = hidden_fields(member.get("/password/").get_data(as_text=True))
    response = member.client.post(
        "/kk/staff/password/",
        data={**tokens, "current_password": member.password, "new_password": "short"},
    )
    assert response.status_code == 400
    assert "Құпиясөз кемінде 10 таңбадан тұруы керек" in text_of(response)
    assert Staff(app, member.email).login().status_code == 302


def test_the_admin_adds_a_colleague_to_their_own_akimat_whatever_the_form_says(app, team):
    admin = team["admin"]
    tokens = hidden_fields(admin.get("/admin/staff/").get_data(as_text=True))
    response = admin.client.post(
        "/kk/staff/admin/staff/",
        data={
            **tokens,
            "full_name": "Жаңа Қызметкер",
            "email": "new@example.kz",
            "role": "executor",
            "language": "ru",
            "password": "a long enough password",
            "akimat": "baizak-district-akimat",  # forged: ignored
            "akimat_id": "baizak-district-akimat",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        added = db.session.execute(
            db.select(StaffUser).where(StaffUser.email == "new@example.kz")
        ).scalar_one()
    assert added.akimat_id == "taraz-city-akimat"
    assert added.role == "executor"


@pytest.mark.parametrize("forged_role", ["supervisor", "superuser", ""])
def test_a_forged_role_in_the_admin_form_is_refused(app, team, forged_role):
    admin = team["admin"]
    tokens = hidden_fields(admin.get("/admin/staff/").get_data(as_text=True))
    response = admin.client.post(
        "/kk/staff/admin/staff/",
        data={
            **tokens,
            "full_name": "X",
            "email": "x@example.kz",
            "role": forged_role,
            "language": "kk",
            "password": "a long enough password",
        },
    )
    assert response.status_code == 400
    with app.app_context():
        assert (
            db.session.execute(
                db.select(StaffUser).where(StaffUser.email == "x@example.kz")
            ).first()
            is None
        )


def test_the_admin_changes_a_role_but_not_their_own(app, team):
    admin = team["admin"]
    token = page(admin.get("/admin/staff/")).select_one("input[name=csrf_token]")["value"]
    admin.client.post(
        f"/kk/staff/admin/staff/{team['registrar'].id}/", data={"csrf_token": token, "role": "head"}
    )
    refused = admin.client.post(
        f"/kk/staff/admin/staff/{admin.id}/", data={"csrf_token": token, "role": "executor"}
    )
    assert refused.status_code == 302
    with app.app_context():
        assert db.session.get(StaffUser, team["registrar"].id).role == "head"
        assert db.session.get(StaffUser, admin.id).role == "admin"


def test_the_admin_page_is_for_admins_only(app, team):
    for key in ("registrar", "head", "executor", "supervisor"):
        assert team[key].get("/admin/staff/").status_code == 404


def submit(member, form, **fields):
    """Post one of the page's own forms, with its hidden inputs, as a browser would."""
    data = {tag["name"]: tag.get("value", "") for tag in form.select("input[type=hidden]")}
    return member.client.post(form["action"], data={**data, **fields})


def staff_page_form(soup, staff_id: int, kind: str):
    """The "Change the role" (kind "role") or "Disable"/"Enable" (kind "active") form."""
    return next(
        form
        for form in soup.select("form")
        if form["action"].endswith(f"/admin/staff/{staff_id}/")
        and form.select_one(f"[name={kind}]") is not None
    )


def test_a_system_admin_chooses_the_akimat_then_manages_its_staff_through_the_pages(app, team):
    make_staff(app, "admin", akimat_id=None, email="root@example.kz")
    root = Staff(app, "root@example.kz")
    root.login()

    # The menu's "Staff" link leads to a list of akimats; one of them, to its staff.
    menu = page(root.get("/")).select_one("#staff-navigation")
    staff_link = next(a["href"] for a in menu.select("a") if "/admin/staff/" in a["href"])
    chooser = page(root.client.get(staff_link))
    assert "Қызметкерлерінің тіркелгілерін басқарғыңыз келетін әкімдікті таңдаңыз." in (
        chooser.get_text()
    )
    akimat_link = next(
        a["href"] for a in chooser.select("main a") if "akimat=taraz-city-akimat" in a["href"]
    )
    staff_page = page(root.client.get(akimat_link))
    assert "Executor taraz-city-akimat" in staff_page.get_text()
    back_to_taraz = "/kk/staff/admin/staff/?akimat=taraz-city-akimat"

    # Every form on the page names the akimat, and every answer comes back to its page.
    response = submit(root, staff_page_form(staff_page, team["registrar"].id, "role"), role="head")
    assert response.status_code == 302
    assert response.headers["Location"] == back_to_taraz
    staff_page = page(root.client.get(back_to_taraz))
    response = submit(root, staff_page_form(staff_page, team["executor"].id, "active"))
    assert response.headers["Location"] == back_to_taraz
    add_form = staff_page.select_one("form[action$='/admin/staff/']")
    response = submit(
        root,
        add_form,
        full_name="Жаңа Қызметкер",
        email="new@example.kz",
        role="executor",
        language="kk",
        password="a long enough password",
    )
    assert response.headers["Location"] == back_to_taraz
    with app.app_context():
        assert db.session.get(StaffUser, team["registrar"].id).role == "head"
        assert db.session.get(StaffUser, team["executor"].id).active is False
        added = db.session.execute(
            db.select(StaffUser).where(StaffUser.email == "new@example.kz")
        ).scalar_one()
        assert added.akimat_id == "taraz-city-akimat"


def test_a_system_admins_form_without_a_known_akimat_changes_nothing(app, team):
    make_staff(app, "admin", akimat_id=None, email="root@example.kz")
    root = Staff(app, "root@example.kz")
    root.login()
    token = page(root.get("/")).select_one("input[name=csrf_token]")["value"]
    for akimat in ({}, {"akimat": "nowhere"}):
        response = root.client.post(
            f"/kk/staff/admin/staff/{team['executor'].id}/",
            data={"csrf_token": token, "active": "0", **akimat},
        )
        assert response.status_code == 404
    assert root.get("/admin/staff/?akimat=nowhere").status_code == 404
    with app.app_context():
        assert db.session.get(StaffUser, team["executor"].id).active is True


def test_an_akimat_admin_sees_and_changes_only_their_own_akimats_staff(app, team):
    admin = team["admin"]
    # No chooser for them: the staff link opens their akimat, whatever the address names.
    for path in ("/admin/staff/", "/admin/staff/?akimat=baizak-district-akimat"):
        text = page(admin.get(path)).get_text()
        assert "Executor taraz-city-akimat" in text
        assert "Head baizak-district-akimat" not in text
    token = page(admin.get("/admin/staff/")).select_one("input[name=csrf_token]")["value"]
    response = admin.client.post(
        f"/kk/staff/admin/staff/{team['outsider'].id}/",
        data={"csrf_token": token, "active": "0", "akimat": "baizak-district-akimat"},
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(StaffUser, team["outsider"].id).active is True


def test_staff_create_command_takes_the_password_from_the_environment(app, monkeypatch):
    monkeypatch.setenv("QYZMET_STAFF_PASSWORD", "a long enough password")
    result = app.test_cli_runner().invoke(
        args=["staff", "create", "--akimat", "TRZ", "--role", "head", "--email", "cli@example.kz"]
    )
    assert result.exit_code == 0, result.output
    assert (
        Staff(app, "cli@example.kz", password="a long enough password").login().status_code == 302
    )


def test_staff_create_refuses_a_short_password_and_an_unknown_akimat(app, monkeypatch):
    monkeypatch.setenv("QYZMET_STAFF_PASSWORD", "short")
    runner = app.test_cli_runner()
    short = runner.invoke(
        args=["staff", "create", "--akimat", "TRZ", "--role", "head", "--email", "a@b.kz"]
    )
    assert short.exit_code == 1
    monkeypatch.setenv("QYZMET_STAFF_PASSWORD", "a long enough password")
    unknown = runner.invoke(
        args=["staff", "create", "--akimat", "XYZ", "--role", "head", "--email", "a@b.kz"]
    )
    assert unknown.exit_code != 0
    assert "no akimat has the code" in unknown.output


def test_staff_demo_prints_the_accounts_it_created(app):
    result = app.test_cli_runner().invoke(args=["staff", "demo"])
    assert result.exit_code == 0
    lines = [line.split() for line in result.output.splitlines() if "@demo.qyzmet.kz" in line]
    assert {line[0] for line in lines} == {"registrar", "head", "executor", "admin", "supervisor"}
    _role, email, password = lines[0]
    assert Staff(app, email, password=password).login().status_code == 302


def test_the_demo_accounts_are_named_with_the_glossarys_role_words(app):
    # "(тіркеуші)" and "(орындаушы)" showed beside "Кеңсе қызметкері" and "Жауапты орындаушы"
    # in the same table: one role, two names.
    app.test_cli_runner().invoke(args=["staff", "demo"])
    with app.app_context():
        accounts = db.session.scalars(
            db.select(StaffUser).where(StaffUser.email.like("%@demo.qyzmet.kz"))
        ).all()
    assert len(accounts) == 6
    for account in accounts:
        assert account.full_name.endswith(f"({label(Role(account.role), 'kk')})")


def _autocomplete_of(response, field_id: str) -> list[str]:
    """Every autocomplete attribute the field's tag carries, read from the raw HTML: a parser
    keeps one of two duplicates, while a browser uses the first."""
    tag = re.search(rf'<input [^>]*\bid="{field_id}"[^>]*>', response.get_data(as_text=True))
    assert tag, f"no #{field_id} on the page"
    return re.findall(r'\bautocomplete="([^"]*)"', tag.group(0))


def test_password_fields_tell_a_password_manager_which_password_they_want(app, team):
    """WCAG 1.3.5 and 3.3.8: a password manager fills the current password and offers to make
    a new one, so nobody has to remember or retype either."""
    signed_out = Staff(app, "nobody@example.kz")
    login = signed_out.client.get("/kk/staff/login/")
    assert _autocomplete_of(login, "password") == ["current-password"]
    change = team["head"].get("/password/")
    assert _autocomplete_of(change, "current_password") == ["current-password"]
    assert _autocomplete_of(change, "new_password") == ["new-password"]
    new_account = team["admin"].get("/admin/staff/")
    assert _autocomplete_of(new_account, "password") == ["new-password"]
