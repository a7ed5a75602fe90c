"""Use cases of the complaint tracker. The only package that commits.

Each function takes primitives (or small frozen dataclasses), the session, the time `now` and
the collaborators it needs (calendar, secret, message renderer); none reads the clock, the
request or the configuration itself, so every rule can be tested at any date. Entry points
call them as `services.file_complaint(…)`: one module per use case's family, one name here.
"""

from complaints.domain.workflow import InvalidActionDetails, TransitionNotAllowed
from complaints.services.accounts import (
    KEPT_FORM_LIFETIME,
    KEPT_FORMS_PER_STAFF,
    AccountError,
    Kept,
    create_staff,
    end_sessions,
    keep_form,
    record_login,
    set_password,
    take_kept_form,
    update_staff,
)
from complaints.services.actions import EXECUTOR_ONLY_IF_ASSIGNED, ActionInput, take_action
from complaints.services.applicant import answer_survey, find_for_applicant, withdraw
from complaints.services.common import (
    ACCESS_CODE_MARK,
    DEFAULT_DEADLINE_RULE,
    ONLINE_ACCEPTED_BY,
    Akimat,
    Applicant,
    AttachmentFile,
    AttachmentsNotStored,
    ComplaintError,
    Filed,
    KeptFile,
    Messages,
    NewComplaint,
    StaleComplaint,
    email_recipient,
    submission_key,
    utcnow,
)
from complaints.services.delivery import (
    CLAIM_BATCH,
    CLAIM_TIMEOUT,
    RETRY_DELAYS,
    claim_notifications,
    record_deliveries,
)
from complaints.services.filing import file_complaint, find_by_submission_key, folded
from complaints.services.held_files import (
    HELD_FILE_LIFETIME,
    drop_expired_kept_files,
    find_kept_files,
    hold_files,
    release_kept_file,
)

__all__ = [
    "ACCESS_CODE_MARK",
    "CLAIM_BATCH",
    "CLAIM_TIMEOUT",
    "DEFAULT_DEADLINE_RULE",
    "EXECUTOR_ONLY_IF_ASSIGNED",
    "HELD_FILE_LIFETIME",
    "KEPT_FORMS_PER_STAFF",
    "KEPT_FORM_LIFETIME",
    "ONLINE_ACCEPTED_BY",
    "RETRY_DELAYS",
    "AccountError",
    "ActionInput",
    "Akimat",
    "Applicant",
    "AttachmentFile",
    "AttachmentsNotStored",
    "ComplaintError",
    "Filed",
    "InvalidActionDetails",
    "Kept",
    "KeptFile",
    "Messages",
    "NewComplaint",
    "StaleComplaint",
    "TransitionNotAllowed",
    "answer_survey",
    "claim_notifications",
    "create_staff",
    "drop_expired_kept_files",
    "email_recipient",
    "end_sessions",
    "file_complaint",
    "find_by_submission_key",
    "find_for_applicant",
    "find_kept_files",
    "folded",
    "hold_files",
    "keep_form",
    "record_deliveries",
    "record_login",
    "release_kept_file",
    "set_password",
    "submission_key",
    "take_action",
    "take_kept_form",
    "update_staff",
    "utcnow",
    "withdraw",
]
