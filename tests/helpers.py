"""Helpers for reading pages in tests (imported by test modules)."""

from __future__ import annotations

import io
import re

from bs4 import BeautifulSoup
from pypdf import PdfReader


def normalise(text: str) -> str:
    """Text with whitespace collapsed, for readable assertions on page content."""
    return re.sub(r"\s+", " ", text).strip()


def page(response) -> BeautifulSoup:
    """Parse a response after checking it succeeded."""
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def pdf_text(pdf: bytes) -> str:
    """The text a PDF reader would copy, one line per printed line."""
    return "\n".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(pdf)).pages)


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page's forms (CSRF token, submission token), by name."""
    soup = BeautifulSoup(html, "html.parser")
    return {
        tag["name"]: tag.get("value", "")
        for tag in soup.select("input[type=hidden]")
        if tag.get("name")
    }


def text_of(response) -> str:
    """The visible text of a response, whitespace collapsed."""
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return normalise(soup.get_text(" "))


def error_summary_and_fields(response) -> tuple[list[str], list[str]]:
    """The fields the error summary links to, in its order, and the fields that show an error
    message, in the page's order: GOV.UK's summary lists the errors as the fields come."""
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    summary = [link["href"].removeprefix("#") for link in soup.select(".govuk-error-summary a")]
    fields = [tag["id"].removesuffix("-error") for tag in soup.select(".govuk-error-message")]
    return summary, fields


VALID = {
    "akimat": "taraz-city-akimat",
    "service": "zhambyl-housing-registration-2008",
    "office": "",
    "subject": "Құжаттар қабылданбады",
    "text": "Бөлім маманы өтінішті себепсіз қабылдамады.",
    "full_name": "Асанов Асан Асанұлы",
    "iin": "",
    "phone": "8 701 123 45 67",
    "email": "asan@example.kz",
    "address": "",
    "reply_channel": "email",
    "consent": "y",
    "website": "",
}


# Where to turn after the answer, as the sources give it (complaints/appeal.py): the act of the
# service the complaint names, and the Law "On state services", article 25, paragraph 3.
APPEAL = {
    "kk": {
        "heading": "Шешіммен келіспесеңіз",
        "service": "«Мемлекеттік тұрғын үй қорынан тұрғын үйге мұқтаж азаматтарды есепке алу және "
        "кезекке қою» мемлекеттік көрсетілетін қызметі бойынша шағымдану тәртібі, оның "
        "актісінде жазылғандай:",
        "act": "Шағым берілетін мемлекеттік орган болып осы Стандарттың № 3 қосымшасына сәйкес "
        "аудандар мен Тараз қаласының әкімияттары табылады.",
        # Said before the act's words, so they are not taken for the rules of today.
        "repealed": "Бұл қызмет актісінің күші жойылды: төмендегі шағымдану тәртібі анықтама үшін "
        "берілген және енді қолданылмайды. Бүгін қандай ережелер қолданылатынын әкімдіктен немесе "
        "халыққа қызмет көрсету орталығынан сұраңыз.",
        "quality": "мемлекеттік қызмет көрсету сапасын бағалау және бақылау жөніндегі уәкілетті "
        "органға да беруге болады. Ол тіркелген күнінен бастап 15 жұмыс күні ішінде қаралады "
        "(«Мемлекеттік көрсетілетін қызметтер туралы» Қазақстан Республикасының 2013 жылғы 15 "
        "сәуірдегі Заңының 25-бабының 3-тармағы).",
        # Without a service there is no procedure before it for the route to add to.
        "quality_alone": "бақылау жөніндегі уәкілетті органға беруге болады.",
    },
    "ru": {
        "heading": "Если вы не согласны с решением",
        "service": "Порядок обжалования по государственной услуге «Учёт и постановка на очередь "
        "граждан, нуждающихся в жилище из государственного жилищного фонда», как он изложен в "
        "её акте:",
        "act": "Государственными органами, в которые подаётся жалоба, являются акиматы районов и "
        "города Тараз согласно приложению № 3 к настоящему Стандарту.",
        "repealed": "Акт этой услуги утратил силу: порядок обжалования ниже приведён для справки и "
        "больше не применяется. Какие правила действуют сегодня, уточните в акимате или в центре "
        "обслуживания населения.",
        "quality": "можно подать также в уполномоченный орган по оценке и контролю за качеством "
        "оказания государственных услуг. Она рассматривается в течение 15 рабочих дней со дня её "
        "регистрации (пункт 3 статьи 25 Закона Республики Казахстан от 15 апреля 2013 года «О "
        "государственных услугах»).",
        "quality_alone": "можно подать в уполномоченный орган",
    },
}


class Applicant:
    """Files and tracks complaints through the test client, reading tokens from the pages."""

    def __init__(self, client, lang: str = "kk") -> None:
        self.client = client
        self.lang = lang

    def form(self) -> dict[str, str]:
        response = self.client.get(f"/{self.lang}/complaints/new/")
        assert response.status_code == 200
        return hidden_fields(response.get_data(as_text=True))

    def file(self, tokens: dict[str, str] | None = None, files=None, **overrides):
        data = {**VALID, **(tokens or self.form()), **overrides}
        if files is not None:
            data["attachments"] = files
        return self.client.post(
            f"/{self.lang}/complaints/new/", data=data, content_type="multipart/form-data"
        )

    def file_ok(self, **overrides) -> tuple[str, str, object]:
        response = self.file(**overrides)
        assert response.status_code == 200, response.get_data(as_text=True)[:2000]
        html = response.get_data(as_text=True)
        number = re.search(r'id="registration-number">([^<]+)<', html).group(1)
        code = re.search(r'id="access-code">([^<]+)<', html).group(1)
        return number, code, response

    def track(self, number: str, code: str, lang: str | None = None):
        lang = lang or self.lang
        page = self.client.get(f"/{lang}/complaints/track/")
        tokens = hidden_fields(page.get_data(as_text=True))
        return self.client.post(
            f"/{lang}/complaints/track/",
            data={**tokens, "registration_number": number, "access_code": code},
        )


def make_staff(
    app,
    role: str,
    *,
    akimat_id: str | None = "taraz-city-akimat",
    email=None,
    region_id: str | None = None,
    password: str = "correct horse battery",
    name=None,
    language: str = "kk",
):
    """A staff account created through the service, as `flask staff create` would."""
    from complaints import services
    from complaints.staff.auth import hash_password
    from qyzmet.extensions import db

    with app.app_context():
        staff = services.create_staff(
            db.session,
            email=email or f"{role}.{akimat_id or region_id or 'all'}@example.kz",
            full_name=name or f"{role.title()} {akimat_id or region_id}",
            role=role,
            akimat_id=None if role == "supervisor" else akimat_id,
            region_id=region_id,
            language=language,
            password_hash=hash_password(password),
            now=services.utcnow(),
        )
        return staff.id


class Staff:
    """A signed-in staff member driving the back office through its own test client."""

    def __init__(self, app, email: str, password: str = "correct horse battery", lang: str = "kk"):
        self.app = app
        self.client = app.test_client()
        self.lang = lang
        self.email = email
        self.password = password

    def login(self, password: str | None = None):
        page_ = self.client.get(f"/{self.lang}/staff/login/")
        tokens = hidden_fields(page_.get_data(as_text=True))
        return self.client.post(
            f"/{self.lang}/staff/login/",
            data={**tokens, "email": self.email, "password": password or self.password},
        )

    def get(self, path: str):
        return self.client.get(f"/{self.lang}/staff{path}")

    def act(self, complaint_id: int, action: str, **fields):
        """Submit an action form as the complaint page renders it (prefixed field names)."""
        page_ = self.client.get(f"/{self.lang}/staff/complaints/{complaint_id}/")
        soup = BeautifulSoup(page_.get_data(as_text=True), "html.parser")
        form = soup.select_one(f"form[action$='/{complaint_id}/{action}/']")
        data = {}
        if form is not None:
            data = {tag["name"]: tag.get("value", "") for tag in form.select("input[type=hidden]")}
        else:
            # The page offers no such form: submit what a forged request would.
            token = soup.select_one("input[name=csrf_token]") or soup.select_one(
                "input[name$=csrf_token]"
            )
            data[f"{action}-csrf_token"] = token["value"] if token else ""
            data[f"{action}-version"] = str(fields.pop("version", 1))
        data.update({f"{action}-{key}": value for key, value in fields.items()})
        return self.client.post(
            f"/{self.lang}/staff/complaints/{complaint_id}/{action}/", data=data
        )


def answer_through_the_back_office(app, number: str, *, outcome: str, answer: str) -> None:
    """The Taraz city akimat's head and executor take a filed complaint to an approved answer,
    as the back office does it (staff accounts made here: once per test)."""
    from complaints.models import Complaint
    from qyzmet.extensions import db

    with app.app_context():
        complaint_id = db.session.execute(
            db.select(Complaint.id).where(Complaint.registration_number == number)
        ).scalar_one()
    executor_id = make_staff(app, "executor")
    make_staff(app, "head")
    head = Staff(app, "head.taraz-city-akimat@example.kz")
    executor = Staff(app, "executor.taraz-city-akimat@example.kz")
    assert head.login().status_code == 302 and executor.login().status_code == 302
    head.act(complaint_id, "assign", executor_id=str(executor_id))
    executor.act(complaint_id, "start_review")
    executor.act(complaint_id, "draft_answer", outcome=outcome, answer=answer)
    assert head.act(complaint_id, "approve_answer").status_code in (302, 303)
