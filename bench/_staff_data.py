"""A million complaints for the back-office benchmark: thirty akimats, two years, every state.

`bench/_data.py` fills the tracking benchmark with answered complaints of the real akimats;
a queue needs more than that to be worth measuring: open and closed states, executors,
services, offices, channels, due dates past and future, extensions, survey answers. So the
rows are generated here, by rules that follow the workflow (recent complaints are still
open, old ones are mostly answered, a few are forgotten and overdue), and bulk loaded the
same way (SQLite: one transaction of executemany; PostgreSQL: COPY) into the migrated
tables, with the product's indexes in place.

One akimat is real (Taraz, code TRZ: the staff who sign in belong to it and its name,
services and offices come from the guide content); the other 29 are synthetic ids and codes
the directory does not know, so their complaints exist only to make the tables large.
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import psycopg

from bench._data import Akimat
from complaints.domain.calendar import WorkingCalendar
from complaints.domain.numbering import format_registration_number

TRZ = Akimat("taraz-city-akimat", "TRZ")
ALMATY = ZoneInfo("Asia/Almaty")
DAYS = 730  # registration dates over the two years up to today
EXECUTORS_PER_AKIMAT = 3
TRZ_EXECUTORS = (
    "Динара Асқарқызы",
    "Нұрлан Маратұлы",
    "Гүлмира Серікқызы",
    "Арман Жақсыбеков",
)

COLUMNS = (
    "registration_number",
    "akimat_id",
    "akimat_code",
    "year",
    "sequence",
    "service_id",
    "office_id",
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
    "answer",
    "answered_at",
    "closed_at",
    "executor_id",
    "access_code_hash",
    "accepted_by_name",
    "version",
    "updated_at",
)
_DATETIMES = [COLUMNS.index(n) for n in ("received_at", "answered_at", "closed_at", "updated_at")]
_DATES = [COLUMNS.index(n) for n in ("registered_on", "due_on")]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = _words(
    "Ахметов Әбдірахманов Бекенов Жұмабаев Омаров Оспанов Сейтқалиев Тоқтаров "
    "Нұрланов Серікбаев Қасымов Мұхамеджанов Ибраев Әлиев Исаев Кенжебаев Құрманов "
    "Сәрсенбаев Тұрсынов Байжанов Есенов Жақсыбеков Мақсұтов Рахимов Смағұлов "
    "Төлегенов Үсенов Шәріпов Ыбыраев Бейсенов"
)
MEN = _words(
    "Ерлан Нұрлан Асқар Бауыржан Дәурен Ержан Мұрат Серік Талғат Арман Қайрат Бекзат "
    "Ғалым Айдос Жандос"
)
WOMEN = _words(
    "Айгүл Гүлнар Динара Жанар Әсем Мадина Салтанат Ақмарал Лаура Назира Сәуле "
    "Ботагөз Айжан Гүлмира Меруерт"
)
SUBJECTS = (
    "Құжаттар қабылданбады",
    "Кезекке қою туралы жауап берілмеді",
    "Мерзім бұзылды",
    "Маманның әрекетіне шағым",
    "Анықтама берілмеді",
    "Документы не приняли",
    "Не ответили о постановке на учёт",
    "Нарушен срок оказания услуги",
    "Жалоба на действия специалиста",
    "Не выдали справку",
)
_SENTENCE = (
    "Тұрғын үй кезегіне қою туралы өтінішім белгіленген мерзімде қаралмады, жауап берілмеді. "
    "Заявление о постановке на учёт не рассмотрено в срок, ответа нет. "
)
TEXTS = tuple(_SENTENCE * repeat for repeat in (2, 3, 4, 6))
ANSWER = (
    "Сіздің шағымыңыз қаралды. Өтініш құжаттары қайта қабылданып, тұрғын үй кезегіне қою "
    "туралы шешім заңда белгіленген мерзімде қабылданады. Ваша жалоба рассмотрена."
)

# Weights: what a district akimat's year of complaints looks like, roughly.
SERVICES = {
    "zhambyl-housing-registration-2008": 55,
    None: 30,
    "almaty-city-housing-registration-2018": 4,
    "almaty-city-housing-certificate-2018": 3,
    "almaty-city-housing-privatisation-2018": 3,
    "almaty-oblast-housing-assistance-2012": 3,
    "aktogay-housing-registration-2013": 2,
}
TRZ_OFFICES = {"taraz-housing-department": 40, "taraz-turgyn-ui-enterprise": 15, None: 45}
CHANNELS = {"web": 55, "paper": 20, "post": 10, "in_person": 15}
OUTCOMES = {"satisfied": 25, "partly_satisfied": 20, "rejected": 30, "explained": 25}
# Still within the deadline: the review is under way.
WITHIN_DEADLINE = {
    "registered": 15,
    "assigned": 20,
    "in_review": 35,
    "answer_drafted": 10,
    "answered": 15,
    "forwarded": 3,
    "withdrawn": 2,
}
# Past the due date: closed, except the forgotten ones (more of them among the recent).
PAST_DEADLINE_CLOSED = {"answered": 90, "forwarded": 4, "left_without_review": 4, "withdrawn": 2}
PAST_DEADLINE_OPEN = {"registered": 10, "assigned": 25, "in_review": 45, "answer_drafted": 20}
OPEN_SHARE_RECENT = 0.20  # due date passed at most 30 days ago
OPEN_SHARE_OLD = 0.02
EXTENDED_SHARE = 0.04  # extended by ten working days
LATE_SHARE = 0.12  # answered after the due date
SURVEY_EVERY = 7  # one answered complaint in seven has a survey answer


@dataclass(frozen=True)
class Staff:
    """The accounts the benchmark creates: who signs in, and who the executors are."""

    head_email: str
    password: str
    executors: dict[str, list[int]]  # akimat id -> staff ids


@dataclass
class Loaded:
    """What was generated, for the report: rows per akimat and the TRZ search terms."""

    per_akimat: Counter[str] = field(default_factory=Counter)
    last_sequences: dict[tuple[str, int], int] = field(default_factory=dict)


def akimats(count: int = 30) -> list[Akimat]:
    """TRZ and `count - 1` synthetic akimats (ids and codes no real body uses)."""
    return [TRZ] + [Akimat(f"bench-akimat-{n:02d}", f"BN{n:02d}") for n in range(1, count)]


def search_terms() -> list[str]:
    """What a head types to find an applicant: surname and first name, as on the form."""
    chooser = random.Random(7)
    terms = [f"{surname} {given}" for surname in SURNAMES for given in MEN]
    terms += [f"{surname}а {given}" for surname in SURNAMES for given in WOMEN]
    chooser.shuffle(terms)
    return terms


def create_staff(url: str, all_akimats: list[Akimat], password: str) -> Staff:
    """A head of TRZ who signs in, and executors for every akimat, through the product.

    Only the head signs in, so only the head's password is hashed with the production
    profile; the executors share one hash (nobody signs in as them).
    """
    from complaints import services
    from complaints.staff.auth import hash_password
    from qyzmet import create_app
    from qyzmet.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    head_email = "head@trz.bench.qyzmet.kz"
    executors: dict[str, list[int]] = {}
    with app.app_context():
        now = services.utcnow()
        hashed = hash_password(password)

        def add(email: str, name: str, role: str, akimat_id: str) -> int:
            staff = services.create_staff(
                db.session,
                email=email,
                full_name=name,
                role=role,
                akimat_id=akimat_id,
                region_id=None,
                language="kk",
                password_hash=hashed,
                now=now,
            )
            return staff.id

        add(head_email, "Ержан Бекұлы", "head", TRZ.id)
        for akimat in all_akimats:
            names = (
                TRZ_EXECUTORS
                if akimat == TRZ
                else [f"Орындаушы {akimat.code}-{n}" for n in range(EXECUTORS_PER_AKIMAT)]
            )
            executors[akimat.id] = [
                add(
                    f"executor{n}@{akimat.code.lower()}.bench.qyzmet.kz",
                    name,
                    "executor",
                    akimat.id,
                )
                for n, name in enumerate(names)
            ]
        db.engine.dispose()
    return Staff(head_email, password, executors)


def _weighted(chooser: random.Random, weights: dict) -> Iterator:
    """Endless draws from `weights`, a thousand at a time (choices() is costly per call)."""
    keys, values = list(weights), list(weights.values())
    while True:
        yield from chooser.choices(keys, values, k=1000)


def generate(
    count: int, all_akimats: list[Akimat], staff: Staff, now: datetime
) -> tuple[Iterator[tuple], Loaded]:
    """Rows in the order they were received, over the `DAYS` days before `now`.

    Registration and due dates come from the product's working calendar (a complaint
    received on a day off is registered on the next working day; due five working days
    later); the state follows from the due date and today, as a real queue's would.
    """
    chooser = random.Random(20261122)
    calendar = WorkingCalendar()
    today = now.astimezone(ALMATY).date()
    loaded = Loaded()
    first = now - timedelta(days=DAYS)
    step = timedelta(days=DAYS) / count
    akimat_draws = iter(lambda: chooser.choice(all_akimats), None)
    services = _weighted(chooser, SERVICES)
    offices = _weighted(chooser, TRZ_OFFICES)
    channels = _weighted(chooser, CHANNELS)
    outcomes = _weighted(chooser, OUTCOMES)
    within = _weighted(chooser, WITHIN_DEADLINE)
    closed = _weighted(chooser, PAST_DEADLINE_CLOSED)
    still_open = _weighted(chooser, PAST_DEADLINE_OPEN)
    assert f"TRZ-{2026:04d}-{1:06d}" == format_registration_number("TRZ", 2026, 1)

    @cache
    def dates(received_on: date) -> tuple[date, date, date]:
        registered = calendar.next_working_day(received_on)
        due = calendar.add_working_days(registered, 5)
        return registered, due, calendar.add_working_days(due, 10)

    @cache
    def answer_day(registered: date, working_days: int) -> date:
        return calendar.add_working_days(registered, working_days)

    def status_for(due: date) -> str:
        if due >= today:
            return next(within)
        open_share = OPEN_SHARE_RECENT if (today - due).days <= 30 else OPEN_SHARE_OLD
        return next(still_open) if chooser.random() < open_share else next(closed)

    def rows() -> Iterator[tuple]:
        sequences: Counter[tuple[str, int]] = Counter()
        for index in range(count):
            akimat = next(akimat_draws)
            received = first + index * step
            registered, due, extended = dates(received.astimezone(ALMATY).date())
            if chooser.random() < EXTENDED_SHARE:
                due = extended
            year = registered.year
            sequences[(akimat.code, year)] += 1
            sequence = sequences[(akimat.code, year)]
            loaded.per_akimat[akimat.id] += 1
            loaded.last_sequences[(akimat.code, year)] = sequence
            status = status_for(due)
            outcome = answer = answered_at = closed_at = None
            if status in ("answered", "answer_drafted"):
                outcome = next(outcomes)
                answer = ANSWER
            if status == "answered":
                late = chooser.random() < LATE_SHARE
                days = chooser.randint(6, 9) if late else chooser.randint(1, 5)
                # During the working day in Almaty (09:00-18:00, i.e. 04:00-13:00 UTC).
                moment = datetime.combine(answer_day(registered, days), time(4), tzinfo=UTC)
                answered_at = min(moment + timedelta(minutes=chooser.randrange(540)), now)
                closed_at = answered_at
            elif status in ("forwarded", "left_without_review", "withdrawn"):
                closed_at = min(received + timedelta(days=chooser.randint(1, 4)), now)
            executor = None
            if status != "registered" and (
                status in ("assigned", "in_review", "answer_drafted", "answered")
                or chooser.random() < 0.5
            ):
                executor = chooser.choice(staff.executors[akimat.id])
            channel = next(channels)
            woman = index % 2
            surname = chooser.choice(SURNAMES) + ("а" if woman else "")
            given = chooser.choice(WOMEN if woman else MEN)
            father = chooser.choice(MEN) + ("қызы" if woman else "ұлы")
            name = f"{surname} {given} {father}"
            service = next(services)
            office = next(offices) if akimat == TRZ else f"{akimat.id}-office-{index % 3}"
            yield (
                f"{akimat.code}-{year:04d}-{sequence:06d}",
                akimat.id,
                akimat.code,
                year,
                sequence,
                service,
                office,
                channel,
                "kk" if index % 5 < 3 else "ru",
                name,
                name.casefold(),
                f"+7701{index % 10_000_000:07d}",
                f"applicant{index}@example.kz" if channel == "web" else None,
                "email" if channel == "web" else "post",
                (subject := chooser.choice(SUBJECTS)),
                subject.casefold(),
                chooser.choice(TEXTS),
                received,
                registered,
                due,
                "state_service_complaint",
                status,
                outcome,
                answer,
                answered_at,
                closed_at,
                executor,
                f"{chooser.getrandbits(256):064x}",
                "Qyzmet" if channel == "web" else "Айгүл Сейітқызы",
                1,
                closed_at or received,
            )

    return rows(), loaded


def _for_sqlite(row: tuple) -> list:
    """The text SQLAlchemy writes to SQLite for dates and (naive UTC) datetimes."""
    values = list(row)
    for index in _DATETIMES:
        if values[index] is not None:
            values[index] = values[index].strftime("%Y-%m-%d %H:%M:%S.%f")
    for index in _DATES:
        values[index] = values[index].isoformat()
    return values


# Survey answers for one answered complaint in SURVEY_EVERY, varied by id; the same SQL on
# both databases.
_SURVEYS = f"""
INSERT INTO survey_responses (complaint_id, procedure, timeliness, created_at)
SELECT id,
       CASE id % 3 WHEN 0 THEN 'satisfied' WHEN 1 THEN 'partly_satisfied' ELSE 'not_satisfied' END,
       CASE id % 4 WHEN 3 THEN 'not_satisfied' ELSE 'satisfied' END,
       answered_at
FROM complaints WHERE status = 'answered' AND id % {SURVEY_EVERY} = 0
"""


def load_sqlite(path: str, rows: Iterator[tuple], loaded: Loaded) -> None:
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
        connection.execute(_SURVEYS)
        connection.executemany(
            "INSERT INTO registration_counters (akimat_code, year, last_sequence) VALUES (?, ?, ?)",
            [(code, year, last) for (code, year), last in loaded.last_sequences.items()],
        )
        connection.execute("COMMIT")
        connection.execute("ANALYZE")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def load_postgres(url: str, rows: Iterator[tuple], loaded: Loaded) -> None:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY complaints ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(_SURVEYS)
            cursor.executemany(
                "INSERT INTO registration_counters (akimat_code, year, last_sequence) "
                "VALUES (%s, %s, %s)",
                [(code, year, last) for (code, year), last in loaded.last_sequences.items()],
            )
        connection.commit()
        connection.autocommit = True
        # What autovacuum would do soon after a real load; the planner needs the statistics.
        connection.execute("VACUUM ANALYZE")


def trz_statuses(url_or_path: str, postgres: bool) -> dict[str, int]:
    """TRZ's complaints by status, as the queue's counters will show them."""
    query = "SELECT status, count(*) FROM complaints WHERE akimat_id = '{}' GROUP BY status"
    query = query.format(TRZ.id)
    if postgres:
        with psycopg.connect(url_or_path.replace("postgresql+psycopg://", "postgresql://")) as c:
            return dict(c.execute(query).fetchall())  # type: ignore[arg-type]
    connection = sqlite3.connect(url_or_path)
    counts = dict(connection.execute(query).fetchall())
    connection.close()
    return counts


def run_sql(url_or_path: str, postgres: bool, script: str) -> None:
    """Extra statements after the load (an index to try before writing its migration), then
    fresh planner statistics."""
    if postgres:
        url = url_or_path.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, autocommit=True) as connection:
            for statement in filter(str.strip, script.split(";")):
                connection.execute(statement)  # type: ignore[arg-type]
            connection.execute("VACUUM ANALYZE")
        return
    connection = sqlite3.connect(url_or_path, isolation_level=None)
    try:
        connection.executescript(script)
        connection.execute("ANALYZE")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
