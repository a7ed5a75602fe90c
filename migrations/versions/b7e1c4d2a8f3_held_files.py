"""held_files: attachments held for a complaint form that came back with an error

A file that passed the checks is kept, outside the web root under a random name, for the
browser session that sent it, so that the applicant does not attach it again; the complaint
takes it over when filed, and `flask complaints drop-held-files` removes what nobody filed.

Revision ID: b7e1c4d2a8f3
Revises: e3d3ddb8dd43
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1c4d2a8f3'
down_revision = 'e3d3ddb8dd43'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('held_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('holder', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('held_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('filed', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_held_files')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_held_files_stored_name')),
    sa.UniqueConstraint('token', name=op.f('uq_held_files_token'))
    )
    with op.batch_alter_table('held_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_held_files_held_at'), ['held_at'], unique=False)


def downgrade():
    with op.batch_alter_table('held_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_held_files_held_at'))

    op.drop_table('held_files')
