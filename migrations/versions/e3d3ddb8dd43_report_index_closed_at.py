"""report index with closed_at: the on-time share counts complaints closed late unanswered

The share answered on time counts a complaint forwarded, left without review or withdrawn
after its due date as late, which compares `closed_at` with `due_on`. With `closed_at` in the
covering index, the report is still read from the index alone.

Revision ID: e3d3ddb8dd43
Revises: 7f3c1a9d2e60
Create Date: 2026-11-23 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3d3ddb8dd43'
down_revision = '7f3c1a9d2e60'
branch_labels = None
depends_on = None

_BEFORE = ['akimat_id', 'registered_on', 'status', 'outcome', 'channel', 'service_id', 'office_id', 'due_on', 'answered_at', 'id']
_AFTER = ['akimat_id', 'registered_on', 'status', 'outcome', 'channel', 'service_id', 'office_id', 'due_on', 'answered_at', 'closed_at', 'id']


def upgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_report')
        batch_op.create_index('ix_complaints_report', _AFTER, unique=False)


def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_report')
        batch_op.create_index('ix_complaints_report', _BEFORE, unique=False)
