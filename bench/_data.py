"""A million complaints for the tracking benchmark, written straight into the database.

Going through the filing form would take hours; the rows are generated here and bulk
loaded (SQLite: one transaction of executemany; PostgreSQL: COPY), into the tables the
migrations made, with the product's own indexes in place. They are spread over every akimat
of the real guide content and over the four years before the current one, so they never
collide with numbers the filing benchmark takes this year. A sample of them get real access
codes (HMAC under the server's secret) and are the keys the load generator looks up; the
others get random hashes, which no code matches.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import psycopg

from complaints.domain.access_code import ALPHABET, CODE_LENGTH, hash_access_code
from complaints.domain.numbering import format_registration_number

COLUMNS = (
    "registration_number",
    "akimat_id",
    "akimat_code",
    "year",
    "sequence",
    "service_id",
    "channel",
    "language",
    "applicant_name",
    "applicant_name_folded",
    "applicant_phone",
    "applicant_email",
    "reply_channel",
    "subject",
    "subject_folded",
    "text",
    "received_at",
    "registered_on",
    "due_on",
    "deadline_rule",
    "status",
    "outcome",
    "answered_at",
    "closed_at",
    "access_code_hash",
    "accepted_by_name",
    "version",
    "updated_at",
)
TEXT = (
    "Тұрғын үй кезегіне қою туралы өтінішім белгіленген мерзімде қаралмады, жауап берілмеді. "
    "Заявление о постановке на учёт не рассмотрено в срок, ответа нет. "
)


@dataclass(frozen=True)
class Akimat:
    id: str
    code: str


@dataclass
class Dataset:
    """What was generated: the keys to look up and each akimat-year's last sequence."""

    keys: list[tuple[str, str]] = field(default_factory=list)
    last_sequences: dict[tuple[str, int], int] = field(default_factory=dict)


def generate(
    count: int, akimats: list[Akimat], first_year: int, years: int, secret: bytes, keys: int
) -> tuple[Iterator[tuple], Dataset]:
    """Rows in chronological order (years outer, akimats interleaved), and the dataset.

    Written for speed (a million rows): plain string formatting, no validation per row. The
    first number is checked against the product's own formatter.
    """
    chooser = random.Random(20261121)
    looked_up = set(chooser.sample(range(count), min(keys, count)))
    dataset = Dataset()
    per_year = -(-count // years)
    step = timedelta(seconds=365 * 86400 // per_year)
    five_days, seven_days = timedelta(days=5), timedelta(days=7)
    first = akimats[0]
    assert f"{first.code}-{first_year:04d}-{1:06d}" == format_registration_number(
        first.code, first_year, 1
    )

    def rows() -> Iterator[tuple]:
        for index in range(count):
            year = first_year + index // per_year
            within = index % per_year
            akimat = akimats[within % len(akimats)]
            sequence = within // len(akimats) + 1
            number = f"{akimat.code}-{year:04d}-{sequence:06d}"
            received = datetime(year, 1, 1, 4, tzinfo=UTC) + within * step
            registered = received.date()
            answered = year < first_year + years - 1 or within % 3
            if index in looked_up:
                code = "".join(chooser.choice(ALPHABET) for _ in range(CODE_LENGTH))
                code_hash = hash_access_code(code, secret)
                dataset.keys.append((number, code))
            else:
                code_hash = f"{chooser.getrandbits(256):064x}"
            dataset.last_sequences[(akimat.code, year)] = sequence
            name = f"Сынақбаев Сынақ {index}"
            yield (
                number,
                akimat.id,
                akimat.code,
                year,
                sequence,
                None,
                "web",
                "kk" if index % 2 else "ru",
                name,
                name.casefold(),
                "+77011234567",
                f"applicant{index}@example.kz",
                "email",
                f"Шағым {index}",
                f"шағым {index}",
                TEXT,
                received,
                registered,
                registered + seven_days,
                "state_service_complaint",
                "answered" if answered else "registered",
                "explained" if answered else None,
                received + five_days if answered else None,
                received + five_days if answered else None,
                code_hash,
                "Qyzmet",
                1,
                received,
            )

    return rows(), dataset


_DATETIMES = [COLUMNS.index(name) for name in ("received_at", "answered_at", "closed_at")]
_DATETIMES.append(COLUMNS.index("updated_at"))
_DATES = [COLUMNS.index(name) for name in ("registered_on", "due_on")]


def _for_sqlite(row: tuple) -> list:
    """The text SQLAlchemy writes to SQLite for dates and (naive UTC) datetimes."""
    values = list(row)
    for index in _DATETIMES:
        if values[index] is not None:
            values[index] = values[index].strftime("%Y-%m-%d %H:%M:%S.%f")
    for index in _DATES:
        values[index] = values[index].isoformat()
    return values


def load_sqlite(path: str, rows: Iterator[tuple], dataset: Dataset) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        # Durability is not needed while loading: a failed load is simply run again.
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-524288")
        connection.execute("BEGIN")
        connection.executemany(
            f"INSERT INTO complaints ({', '.join(COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in COLUMNS)})",
            map(_for_sqlite, rows),
        )
        connection.executemany(
            "INSERT INTO registration_counters (akimat_code, year, last_sequence) VALUES (?, ?, ?)",
            [(code, year, last) for (code, year), last in dataset.last_sequences.items()],
        )
        connection.execute("COMMIT")
        connection.execute("ANALYZE")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def load_postgres(url: str, rows: Iterator[tuple], dataset: Dataset) -> None:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY complaints ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.executemany(
                "INSERT INTO registration_counters (akimat_code, year, last_sequence) "
                "VALUES (%s, %s, %s)",
                [(code, year, last) for (code, year), last in dataset.last_sequences.items()],
            )
        connection.commit()
        connection.autocommit = True
        # What autovacuum would do soon after a real load; the planner needs the statistics.
        connection.execute("VACUUM ANALYZE complaints")


def explain_lookup(url_or_path: str, postgres: bool, number: str) -> str:
    """How the database finds a complaint by its number (the tracking query)."""
    query = "SELECT * FROM complaints WHERE registration_number = {}"
    if postgres:
        with psycopg.connect(url_or_path.replace("postgresql+psycopg://", "postgresql://")) as c:
            plan = c.execute(
                "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + query.format("%s"), (number,)
            ).fetchall()
        return "\n".join(line for (line,) in plan)
    connection = sqlite3.connect(url_or_path)
    plan = connection.execute("EXPLAIN QUERY PLAN " + query.format("?"), (number,)).fetchall()
    connection.close()
    return "\n".join(row[-1] for row in plan)


def notification_counts(url_or_path: str, postgres: bool) -> dict[str, int]:
    """Emails by status: how far delivery has kept up with filing."""
    query = "SELECT status, count(*) FROM notifications GROUP BY status"
    if postgres:
        with psycopg.connect(url_or_path.replace("postgresql+psycopg://", "postgresql://")) as c:
            return dict(c.execute(query).fetchall())  # type: ignore[arg-type]
    connection = sqlite3.connect(url_or_path)
    counts = dict(connection.execute(query).fetchall())
    connection.close()
    return counts


def id_range(url_or_path: str, postgres: bool) -> tuple[int, int]:
    query = "SELECT min(id), max(id) FROM complaints"
    if postgres:
        with psycopg.connect(url_or_path.replace("postgresql+psycopg://", "postgresql://")) as c:
            low, high = c.execute(query).fetchone()  # type: ignore[misc]
    else:
        connection = sqlite3.connect(url_or_path)
        low, high = connection.execute(query).fetchone()
        connection.close()
    return int(low), int(high)
