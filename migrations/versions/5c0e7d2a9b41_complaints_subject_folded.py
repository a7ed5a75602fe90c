"""complaints.subject_folded: a case-folded copy of the subject for the staff search

SQLite's lower() folds only ASCII and PostgreSQL's follows the database's locale, so the
search matches a copy folded by Python, as it already does for the applicant's name.
Existing rows are filled here with the same folding the services layer uses.

Revision ID: 5c0e7d2a9b41
Revises: 18b8de7416bf
Create Date: 2026-11-22 14:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c0e7d2a9b41'
down_revision = '18b8de7416bf'
branch_labels = None
depends_on = None

# As complaints.services.folded() at the time of writing (migrations do not import the app).
FOLDED_LENGTH = 200
BATCH = 5000


def upgrade():
    connection = op.get_bind()
    sqlite = connection.dialect.name == 'sqlite'
    # SQLite can add a NOT NULL column only with a default, and changing it afterwards means
    # copying the table, which the events' foreign keys forbid: it gets NOT NULL DEFAULT ''
    # at once (every row is filled below; the services layer always writes it).
    op.add_column(
        'complaints',
        sa.Column(
            'subject_folded',
            sa.String(length=200),
            nullable=not sqlite,
            server_default='' if sqlite else None,
        ),
    )

    complaints = sa.table(
        'complaints',
        sa.column('id', sa.Integer),
        sa.column('subject', sa.String),
        sa.column('subject_folded', sa.String),
    )
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(complaints.c.id, complaints.c.subject)
            .where(complaints.c.id > last_id)
            .order_by(complaints.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            complaints.update()
            .where(complaints.c.id == sa.bindparam('row_id'))
            .values(subject_folded=sa.bindparam('folded')),
            [
                {'row_id': row_id, 'folded': subject.casefold()[:FOLDED_LENGTH]}
                for row_id, subject in rows
            ],
        )
        last_id = rows[-1][0]

    if not sqlite:
        op.alter_column(
            'complaints', 'subject_folded', existing_type=sa.String(length=200), nullable=False
        )


def downgrade():
    # A plain ALTER TABLE … DROP COLUMN on both (SQLite has it since 3.35), not a table copy.
    op.drop_column('complaints', 'subject_folded')
