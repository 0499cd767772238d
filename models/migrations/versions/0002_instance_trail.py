"""instance trail: the path taken, kept for drawing without deserializing

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'trail', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'),
            nullable=False, server_default='{}'))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.drop_column('trail')
