"""The applicant's side: file a complaint, get the receipt, track it."""

from flask import Blueprint

blueprint = Blueprint(
    "complaints_public",
    __name__,
    url_prefix="/<lang:lang_code>/complaints",
    template_folder="../templates",
)

from complaints.public import filing, statistics, tracking  # noqa: E402, F401 - routes register on import
