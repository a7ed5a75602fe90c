"""Files kept for a filing form that came back with an error, so that the applicant does not
attach them again."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from complaints.models import HeldFile
from complaints.services.common import AttachmentFile, KeptFile, remove_files, store_files
from qyzmet.database import write_transaction

# Long enough to find a missing document and come back the same day; short, so that files
# nobody filed do not linger. `drop_expired_kept_files` removes them (a timer runs it).
HELD_FILE_LIFETIME = timedelta(days=1)
# Tokens a form may name: as many as a form holds, with room for a page sent twice.
_MAX_TOKENS = 10


def hold_files(
    session: Session,
    files: Sequence[AttachmentFile],
    *,
    holder: str,
    root: Path,
    now: datetime,
) -> list[KeptFile]:
    """Keep checked files for the form that sent them, claimable by `holder` only.

    Files kept too long are dropped here too, so that a quiet timer leaves little behind.
    """
    if not files:
        return []
    # Written as a complaint's attachments are: a disk that refuses one leaves none behind.
    stored = store_files(root, files)
    kept = [
        KeptFile(
            token=secrets.token_urlsafe(24),
            name=upload.name,
            content_type=upload.content_type,
            size=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(),
            stored_name=name,
        )
        for upload, name in stored
    ]
    try:
        with write_transaction(session):
            expired = _drop_expired_rows(session, now)
            session.execute(
                insert(HeldFile),
                [
                    {
                        "token": k.token,
                        "holder": holder,
                        "original_name": k.name,
                        "stored_name": k.stored_name,
                        "content_type": k.content_type,
                        "size": k.size,
                        "sha256": k.sha256,
                        "held_at": now,
                        "filed": False,
                    }
                    for k in kept
                ],
            )
    except BaseException:
        remove_files(root, [name for _, name in stored])
        raise
    remove_files(root, expired)
    return kept


def find_kept_files(
    session: Session, tokens: Sequence[str], *, holder: str, now: datetime
) -> tuple[list[KeptFile], int]:
    """The kept files a form names, in its order, and how many of its tokens name nothing
    this holder may take: made up, another session's, removed or expired alike."""
    wanted = list(dict.fromkeys(t for t in tokens if t))
    valid = [t for t in wanted[:_MAX_TOKENS] if _KEPT_TOKEN.fullmatch(t)]
    rows = {}
    if valid:
        rows = {
            row.token: row
            for row in session.execute(
                select(HeldFile).where(
                    HeldFile.token.in_(valid),
                    HeldFile.holder == holder,
                    HeldFile.held_at >= now - HELD_FILE_LIFETIME,
                )
            ).scalars()
        }
    kept = [_kept_file(rows[t]) for t in wanted if t in rows]
    return kept, len(wanted) - len(kept)


def release_kept_file(
    session: Session, token: str, *, holder: str, root: Path, now: datetime
) -> KeptFile | None:
    """Remove a kept file at its holder's request; None, changing nothing, for any other."""
    if not _KEPT_TOKEN.fullmatch(token or ""):
        return None
    with write_transaction(session):
        row = session.execute(
            select(HeldFile).where(
                HeldFile.token == token,
                HeldFile.holder == holder,
                HeldFile.filed.is_(False),
                HeldFile.held_at >= now - HELD_FILE_LIFETIME,
            )
        ).scalar_one_or_none()
        if row is None:
            return None
        released = _kept_file(row)
        session.delete(row)
    remove_files(root, [released.stored_name])
    return released


def drop_expired_kept_files(session: Session, *, root: Path, now: datetime) -> int:
    """Remove kept files nobody filed within HELD_FILE_LIFETIME, and their rows; also files
    a crash left without a row. Returns how many files went."""
    with write_transaction(session):
        expired = _drop_expired_rows(session, now)
    remove_files(root, expired)
    removed = len(expired)
    if root.is_dir():
        known = set(session.execute(select(HeldFile.stored_name)).scalars())
        cutoff = (now - HELD_FILE_LIFETIME).timestamp()
        for path in root.iterdir():
            if path.name not in known and path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def _drop_expired_rows(session: Session, now: datetime) -> list[str]:
    """Delete the expired rows, inside the caller's transaction; their files' names."""
    expired = HeldFile.held_at < now - HELD_FILE_LIFETIME
    names = list(
        session.execute(
            select(HeldFile.stored_name).where(expired, HeldFile.filed.is_(False))
        ).scalars()
    )
    session.execute(delete(HeldFile).where(expired))
    return names


_KEPT_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def _kept_file(row: HeldFile) -> KeptFile:
    return KeptFile(
        token=row.token,
        name=row.original_name,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        stored_name=row.stored_name,
        filed=row.filed,
    )
