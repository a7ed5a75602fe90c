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
