"""Files that passed their checks stay attached when the form comes back with an error
(WCAG 2.2 SC 3.3.7): kept for the session that sent them, filed with the complaint, removable,
and cleaned up when nobody files them."""

import errno
import io
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from helpers import Applicant, hidden_fields, text_of

from complaints import services
from complaints.models import Attachment, Complaint, HeldFile
from qyzmet.extensions import db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

ATTACHED = {"kk": "Тіркелді: scan.pdf, 1 КБ", "ru": "Прикреплён: scan.pdf, 1 КБ"}
NO_LONGER_KEPT = {"kk": "Бұрын тіркелген файл енді сақталмайды", "ru": "больше не хранится"}


def pdf(name="scan.pdf", data=PDF):
    return (io.BytesIO(data), name, "application/pdf")


def kept_tokens(response) -> list[str]:
    return re.findall(r'name="kept_files" value="([^"]+)"', response.get_data(as_text=True))


def resend(applicant, response, files=None, **overrides):
    """Send the page that came back again, as the browser would: its hidden fields, the
    kept files' tokens among them, and what the applicant changed."""
    fields = hidden_fields(response.get_data(as_text=True))
    fields.pop("kept_files", None)
    data = {**fields, "kept_files": kept_tokens(response), **overrides}
    return applicant.file(data, files=files)


def kept_on_disk(tmp_path) -> list[str]:
    folder = tmp_path / "attachments" / "held"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_form_with_an_error_keeps_its_valid_files_and_files_them_later(
    app, client, tmp_path, lang
):
    applicant = Applicant(client, lang)
    first = applicant.file(phone="123", files=[pdf(), pdf("бланк.png", PNG)])
    assert first.status_code == 400
    assert ATTACHED[lang] in text_of(first)
    assert "бланк.png" in text_of(first)
    assert len(kept_tokens(first)) == 2
    assert len(kept_on_disk(tmp_path)) == 2

    number, _code, _response = applicant.file_ok(
        tokens=None, **_resent_fields(first), phone="8 701 123 45 67"
    )
    with app.app_context():
        complaint = db.session.execute(
            db.select(Complaint).where(Complaint.registration_number == number)
        ).scalar_one()
        names = [a.original_name for a in complaint.attachments]
        assert names == ["scan.pdf", "бланк.png"]
        stored = tmp_path / "attachments" / complaint.attachments[0].stored_name
        assert stored.read_bytes() == PDF
    assert kept_on_disk(tmp_path) == []  # the complaint has its own copies now


def _resent_fields(response) -> dict:
    fields = hidden_fields(response.get_data(as_text=True))
    fields["kept_files"] = kept_tokens(response)
    return fields


def test_a_file_that_failed_its_checks_is_not_kept_and_says_why(client, tmp_path):
    response = Applicant(client, "ru").file(
        phone="123", files=[pdf(), (io.BytesIO(b"MZ\x90\x00"), "virus.pdf", "application/pdf")]
    )
    assert response.status_code == 400
    assert "Файл virus.pdf должен быть в формате PDF, JPEG или PNG" in text_of(response)
    assert "Прикреплён: scan.pdf" in text_of(response)
    assert len(kept_on_disk(tmp_path)) == 1


@pytest.mark.parametrize(
    ("lang", "removed"), [("kk", "scan.pdf файлы алып тасталды"), ("ru", "Файл scan.pdf удалён")]
)
def test_remove_takes_a_kept_file_off_the_form_and_the_disk(app, client, tmp_path, lang, removed):
    applicant = Applicant(client, lang)
    first = applicant.file(phone="123", files=[pdf(), pdf("other.pdf", PDF + b" ")])
    scan_token = kept_tokens(first)[0]
    after = applicant.file(
        {**_resent_fields(first), "remove_file": scan_token}, phone="123", subject="Kept"
    )
    assert after.status_code == 200
    page = text_of(after)
    assert removed in page
    assert "scan.pdf," not in page and "other.pdf" in page
    assert 'value="Kept"' in after.get_data(as_text=True)  # what was typed stays
    assert len(kept_tokens(after)) == 1 and len(kept_on_disk(tmp_path)) == 1

    # The removed file's token, sent again (a page from before), attaches nothing.
    again = applicant.file({**_resent_fields(first)}, phone="123")
    assert NO_LONGER_KEPT[lang] in text_of(again)
    assert "other.pdf" in text_of(again) and "scan.pdf," not in text_of(again)


@pytest.mark.parametrize(
    ("lang", "message"),
    [("kk", "Барлығы ең көбі 5 файл тіркеңіз"), ("ru", "Прикрепите не более 5 файлов всего")],
)
def test_the_five_file_limit_counts_kept_and_new_files(app, client, tmp_path, lang, message):
    applicant = Applicant(client, lang)
    first = applicant.file(phone="123", files=[pdf(f"{n}.pdf", PDF + b" " * n) for n in range(3)])
    assert len(kept_tokens(first)) == 3
    second = applicant.file(
        _resent_fields(first),
        phone="123",
        files=[pdf(f"new{n}.pdf", PDF + b"\n" * n) for n in range(3)],
    )
    assert second.status_code == 400
    assert message in text_of(second)
    assert len(kept_tokens(second)) == 3 and len(kept_on_disk(tmp_path)) == 3  # nothing changed
    third = applicant.file(
        _resent_fields(second),
        phone="123",
        files=[pdf(f"new{n}.pdf", PDF + b"\n" * n) for n in range(2)],
    )
    assert len(kept_tokens(third)) == 5 and message not in text_of(third)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_kept_file_token_from_another_session_is_refused(app, client, tmp_path, lang):
    owner = Applicant(client, lang)
    first = owner.file(phone="123", files=[pdf()])
    token = kept_tokens(first)[0]

    stranger = Applicant(app.test_client(), lang)
    tokens = stranger.form()
    taken = stranger.file({**tokens, "kept_files": [token]})
    assert taken.status_code == 400
    assert NO_LONGER_KEPT[lang] in text_of(taken)
    assert "scan.pdf" not in text_of(taken)
    removing = stranger.file({**tokens, "remove_file": token})
    assert removing.status_code == 400 and NO_LONGER_KEPT[lang] in text_of(removing)
    forged = stranger.file({**tokens, "kept_files": ["x" * 32, "<script>"]})
    assert forged.status_code == 400 and NO_LONGER_KEPT[lang] in text_of(forged)
    assert len(kept_on_disk(tmp_path)) == 1  # the owner's file is untouched
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Complaint.id))) == 0
    # …and still the owner's to file.
    owner.file_ok(tokens=None, **_resent_fields(first), phone="")


def test_an_expired_kept_file_is_refused_and_cleaned_up(app, client, tmp_path):
    applicant = Applicant(client, "ru")
    first = applicant.file(phone="123", files=[pdf()])
    (stray := tmp_path / "attachments" / "held" / ("0" * 32)).write_bytes(b"left by a crash")
    with app.app_context():
        later = services.utcnow() + services.HELD_FILE_LIFETIME + timedelta(minutes=1)
        db.session.execute(
            db.update(HeldFile).values(held_at=services.utcnow() - timedelta(days=2))
        )
        db.session.commit()
        import os

        os.utime(stray, (0, 0))
    late = applicant.file(_resent_fields(first))
    assert late.status_code == 400
    assert NO_LONGER_KEPT["ru"] in text_of(late)

    result = app.test_cli_runner().invoke(args=["complaints", "drop-kept-files"])
    assert result.exit_code == 0, result.output
    assert "removed 2" in result.output
    assert kept_on_disk(tmp_path) == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(HeldFile.id))) == 0
        assert later  # the lifetime is a day


def test_the_same_form_with_kept_files_sent_twice_returns_the_first_receipt(app, client, tmp_path):
    applicant = Applicant(client)
    first = applicant.file(phone="123", files=[pdf()])
    fields = {**_resent_fields(first), "phone": "8 701 123 45 67"}
    one = applicant.file(fields)
    two = applicant.file(fields)
    assert one.status_code == two.status_code == 200
    number = re.search(r'id="registration-number">([^<]+)<', one.get_data(as_text=True)).group(1)
    assert number in two.get_data(as_text=True)
    assert "Бұл форма бұрын жіберілген" in text_of(two)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Complaint.id))) == 1
        assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 1
    assert len([p for p in (tmp_path / "attachments").iterdir() if p.is_file()]) == 1


def test_a_kept_file_counts_in_the_submission_key_as_the_same_file_sent_now_does():
    new = services.NewComplaint(
        akimat_id="a",
        akimat_code="TRZ",
        channel="web",
        language="kk",
        applicant=services.Applicant(name="N", reply_channel="post", address="A"),
        subject="S",
        text="T",
        submission_token="t" * 32,
    )
    sent = services.AttachmentFile("scan.pdf", "application/pdf", PDF)
    kept = services.KeptFile(
        token="k" * 32,
        name="scan.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=__import__("hashlib").sha256(PDF).hexdigest(),
        stored_name="s",
    )
    assert services.submission_key(new, [], [kept]) == services.submission_key(new, [sent])
    assert services.submission_key(new, [], [kept]) != services.submission_key(new, [])


@pytest.mark.parametrize(
    ("lang", "attach_again"),
    [
        ("kk", "scan.pdf файлдарын қайта тіркеңіз: оларды сақтау мүмкін болмады"),
        ("ru", "Прикрепите заново: scan.pdf. Их не удалось сохранить"),
    ],
)
def test_files_a_full_disk_cannot_keep_are_named_to_attach_again(
    client, tmp_path, monkeypatch, lang, attach_again
):
    real_mkdir = Path.mkdir

    def mkdir(self, *args, **kwargs):
        if self.name == "held":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    response = Applicant(client, lang).file(phone="123", files=[pdf()])
    # The form comes back for its own error, not a server error, with the file named.
    assert response.status_code == 400
    assert attach_again in text_of(response)
    assert kept_tokens(response) == []
    assert kept_on_disk(tmp_path) == []
