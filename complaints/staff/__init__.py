"""The akimat back office: staff sign in, work the queue, act on complaints, report."""

from flask import Blueprint

blueprint = Blueprint(
    "staff",
    __name__,
    url_prefix="/<lang:lang_code>/staff",
    template_folder="../templates",
)

from complaints.staff.auth import session_end_text  # noqa: E402

blueprint.add_app_template_global(session_end_text)

from complaints.staff import (  # noqa: E402, F401 - routes register on import
    accounts,
    admin,
    complaint,
    queue,
    registration,
    reports,
)
