"""Bad input gets a clear message in the page's language, changes nothing and never a 500."""

import io

import pytest
from helpers import VALID, Applicant, error_summary_and_fields, text_of

from complaints.models import Attachment, Complaint, ComplaintEvent, Notification
from qyzmet.extensions import db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200


def assert_nothing_stored(app, tmp_path):
    with app.app_context():
        for model in (Complaint, ComplaintEvent, Attachment, Notification):
            assert db.session.scalar(db.select(db.func.count()).select_from(model)) == 0
    uploads = tmp_path / "attachments"
    assert not uploads.exists() or not any(uploads.iterdir())


def error_messages(response) -> list[str]:
    soup = page_any(response)
    return [" ".join(li.text.split()) for li in soup.select(".govuk-error-summary__list li")]


def page_any(response):
    from bs4 import BeautifulSoup

    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


REQUIRED = {
    "akimat": ("Шағым берілетін әкімдікті таңдаңыз", "Выберите акимат, в который подаёте жалобу"),
    "subject": ("Шағымның тақырыбын жазыңыз", "Укажите тему жалобы"),
    "text": ("Не болғанын сипаттаңыз", "Опишите, что произошло"),
    "full_name": ("Тегіңізді, атыңызды, әкеңіздің атын жазыңыз", "Укажите фамилию, имя и отчество"),
    "reply_channel": (
        "Жауапты қалай алатыныңызды таңдаңыз",
        "Выберите, как вы хотите получить ответ",
    ),
    "consent": (
        "Дербес деректеріңізді өңдеуге келісім беруіңіз керек",
        "Необходимо дать согласие на обработку персональных данных",
    ),
}


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("field", sorted(REQUIRED))
def test_every_required_field_left_empty_is_named_in_the_error_summary(
    app, client, tmp_path, lang, field
):
    response = Applicant(client, lang).file(**{field: ""})
    assert response.status_code == 400
    expected = REQUIRED[field][0 if lang == "kk" else 1]
    assert expected in error_messages(response)
    soup = page_any(response)
    link = soup.select_one(f'.govuk-error-summary__list a[href="#{field}"]')
    assert link is not None, f"no error link to #{field}"
    assert soup.select_one(f"#{field}") is not None or soup.select_one(f'[name="{field}"]')
    assert_nothing_stored(app, tmp_path)


def test_the_error_summary_lists_the_attachment_before_the_email_as_the_page_does(client):
    response = Applicant(client, "kk").file(
        email="not an address", files=[(io.BytesIO(b"notes"), "notes.txt")]
    )
    assert response.status_code == 400
    summary, fields = error_summary_and_fields(response)
    assert summary == ["attachments", "email"]
    assert summary == fields
    assert error_messages(response) == [
        "notes.txt PDF, JPEG немесе PNG файлы болуы керек",
        "Электрондық пошта мекенжайын name@example.kz түрінде жазыңыз",
    ]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_error_summary_follows_the_order_of_the_fields_when_every_field_is_wrong(client, lang):
    response = Applicant(client, lang).file(
        akimat="",
        subject="",
        text="",
        files=[(io.BytesIO(ELF), "tool.pdf")],
        full_name="",
        iin="123",
        phone="12",
        email="@",
        reply_channel="",
        consent="",
    )
    summary, fields = error_summary_and_fields(response)
    assert summary == fields
    assert len(summary) == 10


def test_an_entirely_empty_form_lists_every_problem_in_russian(app, client, tmp_path):
    applicant = Applicant(client, "ru")
    response = client.post("/ru/complaints/new/", data=applicant.form())
    assert response.status_code == 400
    assert len(error_messages(response)) >= 6
    assert page_any(response).title.text.startswith("Ошибка:")
    assert_nothing_stored(app, tmp_path)


@pytest.mark.parametrize(
    ("field", "length", "message"),
    [
        ("subject", 201, "Тақырып 200 таңбадан аспауы керек"),
        ("text", 10_001, "Сипаттама 10 000 таңбадан аспауы керек"),
        ("full_name", 201, "Аты-жөні 200 таңбадан аспауы керек"),
        ("address", 501, "Мекенжай 500 таңбадан аспауы керек"),
        ("email", 255, "Электрондық пошта мекенжайын name@example.kz түрінде жазыңыз"),
        ("phone", 41, "Телефон нөмірін 8 701 123 45 67 түрінде жазыңыз"),
    ],
)
def test_every_field_that_is_too_long_is_refused(app, client, tmp_path, field, length, message):
    response = Applicant(client, "kk").file(**{field: "а" * length})
    assert response.status_code == 400
    assert message in error_messages(response)
    assert_nothing_stored(app, tmp_path)


def test_an_iin_with_a_wrong_check_digit_is_refused(app, client, tmp_path):
    response = Applicant(client, "ru").file(iin="900101300001")
    assert "Укажите правильный ИИН: 12 цифр с верной контрольной цифрой" in error_messages(response)
    assert_nothing_stored(app, tmp_path)


def test_a_valid_iin_is_accepted_and_stored_without_spaces(app, client):
    from complaints.domain.iin import iin_check_digit

    first = "90010130000"
    iin = first + str(iin_check_digit(first))
    Applicant(client).file_ok(iin=f"{iin[:6]} {iin[6:]}")
    with app.app_context():
        assert db.session.execute(db.select(Complaint.applicant_iin)).scalar_one() == iin


def test_a_foreign_phone_number_is_refused(app, client, tmp_path):
    response = Applicant(client, "kk").file(phone="+44 20 7946 0958")
    assert "Қазақстандық телефон нөмірін 8 701 123 45 67 түрінде жазыңыз" in error_messages(
        response
    )
    assert_nothing_stored(app, tmp_path)


def test_an_unknown_akimat_is_refused(app, client, tmp_path):
    response = Applicant(client, "ru").file(akimat="no-such-akimat")
    assert "Выберите один из вариантов списка" in error_messages(response)
    assert_nothing_stored(app, tmp_path)


@pytest.mark.parametrize(
    "lang, message",
    [("kk", "Тізімдегі нұсқалардың бірін таңдаңыз"), ("ru", "Выберите один из вариантов списка")],
)
def test_a_forged_reply_channel_is_refused_in_the_sites_words_not_the_librarys(
    app, client, tmp_path, lang, message
):
    # WTForms' own translation ("Жарамды таңдау емес.", "Неверный вариант.") reads unlike
    # every other message of the page.
    response = Applicant(client, lang).file(reply_channel="fax")
    assert error_messages(response) == [message]
    assert_nothing_stored(app, tmp_path)


@pytest.mark.parametrize("value", ["no", "0", "off", "n"])
def test_consent_sent_by_hand_as_anything_but_the_boxs_value_is_not_agreement(
    app, client, tmp_path, value
):
    response = Applicant(client, "kk").file(consent=value)
    assert error_messages(response) == [REQUIRED["consent"][0]]
    box = page_any(response).select_one('input[name="consent"]')
    assert box["value"] == "y" and not box.has_attr("checked")
    assert_nothing_stored(app, tmp_path)


@pytest.mark.parametrize("field", ["service", "office"])
def test_a_service_or_office_of_blanks_is_taken_as_none_chosen(app, client, field):
    response = Applicant(client, "kk").file(**{field: " \t"})
    assert response.status_code == 200, text_of(response)[:300]
    with app.app_context():
        complaint = db.session.execute(db.select(Complaint)).scalar_one()
        assert getattr(complaint, f"{field}_id") is None


def test_a_forged_service_or_office_is_refused(app, client, tmp_path):
    response = Applicant(client, "ru").file(service="../../etc", office="<script>")
    assert response.status_code == 400
    assert_nothing_stored(app, tmp_path)


def test_replies_by_email_need_an_email_and_by_post_need_an_address(app, client, tmp_path):
    applicant = Applicant(client, "ru")
    by_email = applicant.file(email="")
    assert (
        "Укажите адрес электронной почты, чтобы получить ответ по электронной почте"
        in error_messages(by_email)
    )
    by_post = applicant.file(reply_channel="post", address="")
    assert "Укажите почтовый адрес, чтобы получить ответ по почте" in error_messages(by_post)
    assert_nothing_stored(app, tmp_path)


def test_a_missing_csrf_token_is_refused_with_a_clear_page(app, client, tmp_path):
    tokens = Applicant(client, "kk").form()
    del tokens["csrf_token"]
    response = client.post("/kk/complaints/new/", data={**VALID, **tokens})
    assert response.status_code == 400
    assert "Форманың мерзімі өтіп кетті" in text_of(response)
    assert_nothing_stored(app, tmp_path)


def test_a_forged_csrf_token_is_refused(app, client, tmp_path):
    tokens = Applicant(client, "ru").form()
    tokens["csrf_token"] = "forged." + tokens["csrf_token"][7:]
    response = client.post("/ru/complaints/new/", data={**VALID, **tokens})
    assert response.status_code == 400
    assert "Срок действия формы истёк" in text_of(response)
    assert_nothing_stored(app, tmp_path)


def test_a_file_over_10_mb_is_refused(app, client, tmp_path):
    big = PDF + b"0" * (10 * 1024 * 1024 + 1)
    response = Applicant(client, "kk").file(files=[(io.BytesIO(big), "big.pdf")])
    assert response.status_code == 400
    assert "big.pdf файлы 10 МБ-тан үлкен" in error_messages(response)
    assert_nothing_stored(app, tmp_path)


def test_an_executable_renamed_pdf_is_refused(app, client, tmp_path):
    response = Applicant(client, "ru").file(
        files=[(io.BytesIO(ELF), "справка.pdf", "application/pdf")]
    )
    assert "Файл справка.pdf должен быть в формате PDF, JPEG или PNG" in error_messages(response)
    assert_nothing_stored(app, tmp_path)


def test_more_than_five_files_are_refused(app, client, tmp_path):
    files = [(io.BytesIO(PDF), f"{n}.pdf") for n in range(6)]
    response = Applicant(client, "ru").file(files=files)
    assert "Прикрепите не более 5 файлов" in error_messages(response)
    assert_nothing_stored(app, tmp_path)


def test_a_path_in_the_file_name_never_reaches_the_disk(app, client, tmp_path):
    Applicant(client).file_ok(files=[(io.BytesIO(PDF), "../../etc/passwd")])
    with app.app_context():
        attachment = db.session.execute(db.select(Attachment)).scalar_one()
    assert attachment.original_name == "passwd.pdf"
    stored = list((tmp_path / "attachments").iterdir())
    assert [path.name for path in stored] == [attachment.stored_name]
    assert not (tmp_path / "etc").exists()


HOSTILE = "<script>alert(1)</script>'; DROP TABLE complaints; --"


def test_script_and_sql_in_every_text_field_are_stored_as_text_and_shown_escaped(app, client):
    applicant = Applicant(client, "ru")
    number, code, receipt = applicant.file_ok(
        subject=HOSTILE[:200], text=HOSTILE, full_name=HOSTILE, address=HOSTILE
    )
    html = receipt.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    location = applicant.track(number, code).headers["Location"]
    tracked = client.get(location).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in tracked
    with app.app_context():
        complaint = db.session.execute(db.select(Complaint)).scalar_one()
        assert complaint.text == HOSTILE
        assert complaint.applicant_name == HOSTILE


def test_script_in_a_refused_form_is_shown_back_escaped(client):
    response = Applicant(client, "kk").file(subject="", text=HOSTILE)
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_the_honeypot_field_refuses_the_submission(app, client, tmp_path):
    response = Applicant(client, "kk").file(website="http://spam.example")
    assert response.status_code == 400
    assert_nothing_stored(app, tmp_path)


def test_control_characters_are_removed_from_the_text(app, client):
    Applicant(client).file_ok(text="Бірінші жол\x00\x07\nЕкінші жол")
    with app.app_context():
        assert (
            db.session.execute(db.select(Complaint.text)).scalar_one() == "Бірінші жол\nЕкінші жол"
        )


def test_a_malformed_tracking_number_gets_a_message_not_an_error(client):
    applicant = Applicant(client, "ru")
    response = applicant.track("'; DROP TABLE complaints; --", "<script>")
    assert response.status_code == 400
    messages = error_messages(response)
    assert "Укажите регистрационный номер в виде TRZ-2026-000042" in messages
    assert "Укажите код доступа в виде K7Q2-9XRM-3B" in messages


def test_an_upload_larger_than_the_whole_request_limit_gets_a_clear_page(app, client, tmp_path):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = Applicant(client, "ru").file(files=[(io.BytesIO(PDF * 100), "a.pdf")])
    assert response.status_code == 413
    assert "Форма слишком большая" in text_of(response)
    assert_nothing_stored(app, tmp_path)


def stored_complaint(app) -> Complaint:
    with app.app_context():
        complaint = db.session.execute(db.select(Complaint)).scalar_one()
        db.session.expunge(complaint)
        return complaint


def test_a_full_length_text_with_line_breaks_sent_as_crlf_is_accepted_and_stored_with_lf(
    app, client
):
    """The character counter counts a line break as one character; browsers send two."""
    lines = [f"Абзац {number:03d} " + "ж" * 80 for number in range(100)]
    text = "\n".join(lines)
    text += "x" * (10_000 - len(text))
    assert len(text) == 10_000 and text.count("\n") == 99
    address = "Тараз қ.\r\nАбай к-сі, 1\rпәтер 2"
    Applicant(client, "kk").file_ok(text=text.replace("\n", "\r\n"), address=address)
    complaint = stored_complaint(app)
    assert complaint.text == text
    assert complaint.applicant_address == "Тараз қ.\nАбай к-сі, 1\nпәтер 2"


INVISIBLE = {
    "zero-width space": "\u200b",
    "joiners, word joiner and byte order mark": "\u200c\u200d\u2060\ufeff",
    "right-to-left override": "\u202e",
    "soft hyphen and spaces": " \u00ad \u00a0",
    "Hangul filler": "\u3164",
    "Hangul choseong filler": "\u115f",
    "Braille blank": "\u2800",
    "lone combining marks": "\u0301\u0301",
    "control characters": "\x85\x9b\x07",
}


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("value", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_a_name_subject_or_text_with_nothing_visible_is_refused_as_empty(
    app, client, tmp_path, value, lang
):
    response = Applicant(client, lang).file(subject=value, text=value, full_name=value)
    assert response.status_code == 400
    messages = error_messages(response)
    for field in ("subject", "text", "full_name"):
        assert REQUIRED[field][0 if lang == "kk" else 1] in messages
    assert_nothing_stored(app, tmp_path)


def test_invisible_format_characters_are_removed_and_the_visible_text_kept(app, client):
    Applicant(client, "ru").file_ok(
        full_name="\u202eАсан\u200bов\ufeff Ерме\u0301к",
        subject="Тема\u2060 жалобы\u200d",
        text="\u202dТекст\u00ad жалобы\u2066.\u2069",
    )
    complaint = stored_complaint(app)
    # The stress mark is a combining mark on a letter, which Russian text uses: it stays.
    assert complaint.applicant_name == "Асанов Ерме\u0301к"
    assert complaint.subject == "Тема жалобы"
    assert complaint.text == "Текст жалобы."


def test_c1_control_characters_are_removed_like_c0_and_tabs_in_a_line_become_spaces(app, client):
    Applicant(client).file_ok(
        text="a\x85b\x9bc\x80\x9f\tтаб",
        subject="a\x9bb",
        full_name="Асанов\tАсан\x90",
    )
    complaint = stored_complaint(app)
    assert complaint.text == "abc\tтаб"
    assert complaint.subject == "ab"
    assert complaint.applicant_name == "Асанов Асан"


def test_an_iin_whose_birth_date_is_still_ahead_is_refused(app, client, tmp_path):
    from complaints.domain.iin import iin_check_digit
    from complaints.web import today_in_almaty

    with app.app_context():
        next_year = today_in_almaty().year + 1
    # 31 December of next year, a boy born in the 2000s, the first serial with a check digit.
    firsts = (f"{next_year % 100:02d}12315{serial:04d}" for serial in range(10))
    first = next(first for first in firsts if iin_check_digit(first) is not None)
    # 991231500125 codes 31.12.2099; both have a correct check digit.
    for iin in ("991231500125", first + str(iin_check_digit(first))):
        response = Applicant(client, "ru").file(iin=iin)
        message = "Укажите правильный ИИН: 12 цифр с верной контрольной цифрой"
        assert message in error_messages(response), iin
    assert_nothing_stored(app, tmp_path)


def test_an_email_with_a_cyrillic_domain_is_stored_with_the_domain_in_ascii(app, client):
    Applicant(client, "kk").file_ok(email="user@мысал.қаз")
    assert stored_complaint(app).applicant_email == "user@xn--80awbu3c.xn--80ao21a"


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        (
            "kk",
            "Электрондық пошта мекенжайында @ белгісіне дейін латын әріптерін қолданыңыз, "
            "мысалы name@example.kz",
        ),
        (
            "ru",
            "Используйте латинские буквы до знака @ в адресе электронной почты, "
            "например name@example.kz",
        ),
    ],
    ids=["kk", "ru"],
)
def test_an_email_with_cyrillic_letters_before_the_at_is_refused_with_a_clear_message(
    app, client, tmp_path, lang, message
):
    response = Applicant(client, lang).file(email="асан@example.kz")
    assert response.status_code == 400
    assert message in error_messages(response)
    assert_nothing_stored(app, tmp_path)


def test_the_format_characters_removed_are_exactly_unicodes():
    # The pattern stands in for a category lookup per character; it must match every format
    # character this Python knows, and nothing assigned to another category.
    import sys
    import unicodedata

    from complaints.public.forms import _FORMAT_CHARACTERS

    matched = {c for c in range(sys.maxunicode + 1) if _FORMAT_CHARACTERS.match(chr(c))}
    formats = {c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    assert formats <= matched
    assert {unicodedata.category(chr(c)) for c in matched - formats} <= {"Cn"}
