"""instance trail (the path taken, for drawing without deserializing) and definition hash

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
        batch_op.add_column(sa.Column('definition_hash', sa.String(length=64), nullable=False,
                                      server_default=''))
    op.execute("UPDATE process_instance SET definition_hash = (SELECT content_hash FROM "
               "process_definition WHERE process_definition.id = "
               "process_instance.definition_id)")


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.drop_column('definition_hash')
        batch_op.drop_column('trail')
