"""no plain access codes at rest: notifications.sealed_access_code, hashed submission keys

A queued receipt email now carries its access code encrypted in `sealed_access_code`, and a
complaint keeps only an HMAC of its form's submission key (the coupon form trades a key for
the code). What older rows hold in plain is removed here:

- submission keys (`<token>:<digest>`, never hex alone) become NULL. They only recognise the
  same form sent again and let an open receipt download its coupon; both last minutes.
- access codes in the bodies of receipt emails already sent or given up are masked. A receipt
  still waiting keeps its code until it is sent: it cannot be sealed here without the secret.

Revision ID: 7f3c1a9d2e60
Revises: e00da440ea8b
Create Date: 2026-11-23 04:00:00.000000

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7f3c1a9d2e60'
down_revision = 'e00da440ea8b'
branch_labels = None
depends_on = None

BATCH = 5000
# As complaints.domain.access_code formats a code (migrations do not import the app).
_SYMBOL = '[0-9A-HJKMNP-TV-Z]'
_CODE = re.compile(f'\\b{_SYMBOL}{{4}}-{_SYMBOL}{{4}}-{_SYMBOL}{{2}}\\b')
MASK = '••••-••••-••'


def upgrade():
    op.add_column('notifications', sa.Column('sealed_access_code', sa.Text(), nullable=True))
    connection = op.get_bind()
    complaints = sa.table('complaints', sa.column('submission_token', sa.String))
    connection.execute(
        complaints.update()
        .where(complaints.c.submission_token.like('%:%'))
        .values(submission_token=None)
    )

    notifications = sa.table(
        'notifications',
        sa.column('id', sa.Integer),
        sa.column('kind', sa.String),
        sa.column('status', sa.String),
        sa.column('body', sa.Text),
    )
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(notifications.c.id, notifications.c.body)
            .where(
                notifications.c.id > last_id,
                notifications.c.kind == 'receipt',
                notifications.c.status != 'pending',
            )
            .order_by(notifications.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        masked = [
            {'row_id': row.id, 'masked_body': _CODE.sub(MASK, row.body)}
            for row in rows
            if _CODE.search(row.body)
        ]
        if masked:
            connection.execute(
                notifications.update()
                .where(notifications.c.id == sa.bindparam('row_id'))
                .values(body=sa.bindparam('masked_body')),
                masked,
            )
        last_id = rows[-1].id


def downgrade():
    op.drop_column('notifications', 'sealed_access_code')
