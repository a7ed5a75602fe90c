"""The case-folded copies of the applicant's name and the subject that the staff search reads."""

import pytest
from helpers import Applicant

from complaints.models import Complaint
from qyzmet.extensions import db


def the_complaint(app) -> Complaint:
    with app.app_context():
        return db.session.execute(db.select(Complaint)).scalar_one()


@pytest.mark.parametrize("letter", ["ß", "ﬁ", "İ"])
def test_a_200_character_name_and_subject_that_fold_longer_are_filed_whole(app, applicant, letter):
    """casefold() lengthens these letters; the copy is cut to its column, never the original."""
    name = ("Анна " + letter * 195)[:200]
    subject = ("Тема " + letter * 195)[:200]
    applicant.file_ok(full_name=name, subject=subject)
    complaint = the_complaint(app)
    assert complaint.applicant_name == name
    assert complaint.subject == subject
    assert complaint.applicant_name_folded == name.casefold()[:200]
    assert complaint.subject_folded == subject.casefold()[:200]


def test_the_migration_fills_the_folded_subject_of_complaints_filed_before_it(blank_app):
    runner = blank_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    Applicant(blank_app.test_client()).file_ok(subject="Документы НЕ приняли")
    assert runner.invoke(args=["db", "downgrade", "18b8de7416bf"]).exit_code == 0
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert the_complaint(blank_app).subject_folded == "документы не приняли"
