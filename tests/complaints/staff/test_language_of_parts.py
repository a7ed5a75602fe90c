"""WCAG 3.1.2 on the back office: what the applicant wrote and the answer written for them are
marked with the complaint's language, so a screen reader on a Kazakh staff page reads a
Russian complaint with a Russian voice."""

from backoffice import TARAZ, new_complaint
from helpers import page


def language_of(tag) -> str:
    """The language a screen reader uses for a tag: the nearest `lang` around it."""
    return next(node["lang"] for node in [tag, *tag.parents] if node.get("lang"))


def test_a_russian_complaint_and_its_draft_answer_are_marked_russian_on_kazakh_pages(app, team):
    complaint_id = new_complaint(
        app,
        TARAZ,
        language="ru",
        status="answer_drafted",
        outcome="satisfied",
        answer="Справка будет выдана в течение двух рабочих дней.",
    )
    complaint = page(team["head"].get(f"/complaints/{complaint_id}/"))
    assert complaint.html["lang"] == "kk"
    subject = complaint.find("dd", string="Документы не приняли")
    text = complaint.find("p", string="Отдел не принял заявление.")
    answer = complaint.find("p", string="Справка будет выдана в течение двух рабочих дней.")
    assert [language_of(tag) for tag in (subject, text, answer)] == ["ru", "ru", "ru"]

    queue = page(team["head"].get("/"))
    assert language_of(queue.find("span", string="Документы не приняли")) == "ru"


def test_a_kazakh_complaint_is_marked_kazakh_on_russian_pages(app, team):
    complaint_id = new_complaint(app, TARAZ, language="kk", subject="Құжаттар қабылданбады")
    team["head"].lang = "ru"
    complaint = page(team["head"].get(f"/complaints/{complaint_id}/"))
    assert complaint.html["lang"] == "ru"
    assert language_of(complaint.find("dd", string="Құжаттар қабылданбады")) == "kk"


def test_the_answer_is_written_in_a_box_of_the_complaints_language(app, team):
    # The executor writes the answer in the applicant's language: the browser spell-checks it,
    # and a screen reader reads it back, in that language, whatever the page's.
    complaint_id = new_complaint(
        app, TARAZ, language="ru", status="in_review", executor_id=team["executor"].id
    )
    complaint = page(team["executor"].get(f"/complaints/{complaint_id}/"))
    assert complaint.html["lang"] == "kk"
    assert complaint.find("textarea", attrs={"name": "draft_answer-answer"})["lang"] == "ru"
