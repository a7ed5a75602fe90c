"""Files a complaint form keeps between tries, so that a form that comes back with an error
(a missing phone, say) does not ask for the documents again (WCAG 2.2 SC 3.3.7).

Shared by the applicant's form and the registrar's: both send the same attachment field.
The files themselves are kept by `services.hold_files`, outside the web root under random
names; the page carries only their tokens, which only the browser session that sent the
files can use.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from babel.numbers import format_decimal
from flask import current_app, flash, request, session
from flask_babel import gettext as _
from werkzeug.exceptions import ServiceUnavailable

from complaints import services
from complaints.attachments import MAX_FILES, check_uploads
from complaints.services import AttachmentFile, KeptFile
from qyzmet.extensions import db
from qyzmet.i18n import current_language

# The form's names: a hidden field per kept file, and the value of the "Remove" button.
KEPT_FIELD = "kept_files"
REMOVE_FIELD = "remove_file"
_HOLDER = "attachments_holder"


def kept_root() -> Path:
    """Inside the upload folder (outside the web root), apart from filed attachments."""
    return Path(current_app.config["UPLOAD_ROOT"]) / "held"


def _holder() -> str:
    """Who may claim the files this session kept: a random value the session carries, stored
    only as its digest."""
    value = session.get(_HOLDER)
    if not isinstance(value, str):
        value = session[_HOLDER] = secrets.token_urlsafe(24)
    return hashlib.sha256(value.encode()).hexdigest()


ATTACHMENT_MESSAGES = {
    "too_many": lambda name: _("Attach at most %(count)s files", count=MAX_FILES),
    "too_large": lambda name: _("%(name)s is larger than 10 MB", name=name),
    "wrong_type": lambda name: _("%(name)s must be a PDF, JPEG or PNG file", name=name),
    "empty": lambda name: _("%(name)s is empty", name=name),
}


def no_longer_kept_message() -> str:
    return _(
        "A file attached earlier is no longer kept: it was removed or kept longer than a day. "
        "Attach it again if it is needed"
    )


@dataclass
class Attaching:
    """What a form sent for its attachment field: the files kept from earlier tries, the
    checked files sent now, and what to say about the rest."""

    kept: list[KeptFile]
    new: list[AttachmentFile]
    errors: list[str] = field(default_factory=list)
    # The kept file the "Remove" button names, when that is what was pressed.
    remove: str | None = None

    def hold_new(self) -> None:
        """Keep the files sent now for the next try; the form comes back without filing."""
        missing = [k for k in self.kept if k.filed]
        if missing:
            # Taken over by a complaint already (a page from before it was filed, sent
            # again changed): not something this form can still attach.
            self.kept = [k for k in self.kept if not k.filed]
            self._say(no_longer_kept_message())
        try:
            self.kept += services.hold_files(
                db.session,
                self.new,
                holder=_holder(),
                root=kept_root(),
                now=services.utcnow(),
            )
        except ServiceUnavailable:
            # The disk or the database refused them (logged where it failed): the form still
            # comes back with what was typed, naming the files to attach again.
            db.session.rollback()
            self._say(
                _(
                    "Attach %(names)s again: they could not be kept",
                    names=", ".join(file.name for file in self.new),
                )
            )
        self.new = []

    def remove_requested(self) -> None:
        """Remove the kept file the button names; one that is not this session's to remove
        changes nothing and is told as no longer kept."""
        released = services.release_kept_file(
            db.session, self.remove or "", holder=_holder(), root=kept_root(), now=services.utcnow()
        )
        if released is None:
            self._say(no_longer_kept_message())
            return
        self.kept = [k for k in self.kept if k.token != released.token]
        flash(_("%(name)s has been removed", name=released.name), "success")

    def gone(self, token: str) -> None:
        """A kept file the filing found missing (filed meanwhile, or cleaned up)."""
        self.kept = [k for k in self.kept if k.token != token]
        self._say(no_longer_kept_message())

    def _say(self, message: str) -> None:
        if message not in self.errors:
            self.errors.append(message)


def read_attachments(attachment_field) -> Attaching:
    """The kept files the form names and the files it sends now, checked.

    A file that fails its checks is refused with its reason; the others are kept. Files sent
    now that would take the form past the limit are refused together, keeping what was kept.
    """
    tokens = request.form.getlist(KEPT_FIELD)
    kept, unknown = [], 0
    if tokens:
        # Only then: asking for the holder gives the session one, and most forms keep nothing.
        kept, unknown = services.find_kept_files(
            db.session, tokens, holder=_holder(), now=services.utcnow()
        )
    uploads = [(f.filename, f.read()) for f in request.files.getlist(attachment_field.name) if f]
    files, problems = check_uploads(uploads)
    attaching = Attaching(kept, files, [ATTACHMENT_MESSAGES[p.reason](p.name) for p in problems])
    if any(p.reason == "too_many" for p in problems):
        attaching.new = []
    elif kept and len(kept) + len(files) > MAX_FILES:
        attaching.new = []
        attaching.errors.append(
            _(
                "Attach at most %(count)s files in all: %(kept)s are attached already. Remove "
                "one of them or choose fewer files",
                count=MAX_FILES,
                kept=len(kept),
            )
        )
    if unknown:
        attaching._say(no_longer_kept_message())
    remove = request.form.get(REMOVE_FIELD)
    attaching.remove = remove if isinstance(remove, str) else None
    return attaching


def file_size(size: int) -> str:
    """A file's size as people read it: "1,2 MB", "340 KB"."""
    locale = current_language()
    if size >= 1024 * 1024:
        value = format_decimal(round(size / (1024 * 1024), 1), locale=locale)
        return _("%(size)s MB", size=value)
    return _("%(size)s KB", size=format_decimal(max(1, round(size / 1024)), locale=locale))
