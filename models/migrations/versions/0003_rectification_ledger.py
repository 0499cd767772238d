"""rectification ledger

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import models.base

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bureau_id', sa.Integer(), nullable=False),
    sa.Column('owner_type', sa.String(length=32), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bureau_id'], ['finance_bureau.id'], name=op.f('fk_document_bureau_id_finance_bureau')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['app_user.id'], name=op.f('fk_document_uploaded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index('ix_document_owner', ['owner_type', 'owner_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('message', sa.String(length=200), nullable=False),
    sa.Column('params', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('read_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('emailed_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_notification_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_inbox', ['user_id', 'read_at', 'id'], unique=False)
        batch_op.create_index('ix_notification_mail', ['emailed_at', 'id'], unique=False)

    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=200), nullable=True))

    op.create_table('interview_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bureau_id', sa.Integer(), nullable=False),
    sa.Column('interviewee_unit_id', sa.Integer(), nullable=False),
    sa.Column('interviewee_person', sa.String(length=100), nullable=False),
    sa.Column('interviewer', sa.String(length=100), nullable=False),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('item_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('held_at', sa.Date(), nullable=False),
    sa.Column('commitments', sa.Text(), nullable=False),
    sa.Column('follow_up_deadline', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bureau_id'], ['finance_bureau.id'], name=op.f('fk_interview_record_bureau_id_finance_bureau')),
    sa.ForeignKeyConstraint(['interviewee_unit_id'], ['budget_unit.id'], name=op.f('fk_interview_record_interviewee_unit_id_budget_unit')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_interview_record_recorded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interview_record'))
    )
    with op.batch_alter_table('interview_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_record_interviewee_unit_id'), ['interviewee_unit_id'], unique=False)

    op.create_table('problem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bureau_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_ref', sa.String(length=100), nullable=False),
    sa.Column('problem_list_no', sa.String(length=40), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('amount_involved', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('suggested_measure', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bureau_id'], ['finance_bureau.id'], name=op.f('fk_problem_bureau_id_finance_bureau')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_problem_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_problem_project_id_project')),
    sa.ForeignKeyConstraint(['unit_id'], ['budget_unit.id'], name=op.f('fk_problem_unit_id_budget_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem'))
    )
    with op.batch_alter_table('problem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_unit_id'), ['unit_id'], unique=False)

    op.create_table('rectification_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bureau_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('responsible_person', sa.String(length=100), nullable=False),
    sa.Column('co_sections', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('plan_due', sa.Date(), nullable=True),
    sa.Column('planned_completion', sa.Date(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('original_deadline', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('return_count', sa.Integer(), nullable=False),
    sa.Column('escalation_level', sa.String(length=12), nullable=False),
    sa.Column('filer_id', sa.Integer(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('verify_result', sa.String(length=8), nullable=True),
    sa.Column('verify_comment', sa.Text(), nullable=False),
    sa.Column('signed_off_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_off_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('closed_on_time', sa.Boolean(), nullable=True),
    sa.Column('extension_history', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bureau_id'], ['finance_bureau.id'], name=op.f('fk_rectification_item_bureau_id_finance_bureau')),
    sa.ForeignKeyConstraint(['filer_id'], ['app_user.id'], name=op.f('fk_rectification_item_filer_id_app_user')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_rectification_item_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['problem_id'], ['problem.id'], name=op.f('fk_rectification_item_problem_id_problem')),
    sa.ForeignKeyConstraint(['signed_off_by_id'], ['app_user.id'], name=op.f('fk_rectification_item_signed_off_by_id_app_user')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['app_user.id'], name=op.f('fk_rectification_item_submitted_by_id_app_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['budget_unit.id'], name=op.f('fk_rectification_item_unit_id_budget_unit')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['app_user.id'], name=op.f('fk_rectification_item_verified_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_item'))
    )
    with op.batch_alter_table('rectification_item', schema=None) as batch_op:
        batch_op.create_index('ix_rectification_item_ledger', ['deadline', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_item_problem_id'), ['problem_id'], unique=False)
        batch_op.create_index('ix_rectification_item_summary', ['status', 'deadline', 'closed_on_time', 'unit_id'], unique=False)
        batch_op.create_index('ix_rectification_item_unit', ['unit_id', 'deadline'], unique=False)

    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('sent_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('recipient_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['rectification_item.id'], name=op.f('fk_reminder_item_id_rectification_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder'))
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_item_id'), ['item_id'], unique=False)



def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_item_id'))

    op.drop_table('reminder')
    with op.batch_alter_table('rectification_item', schema=None) as batch_op:
        batch_op.drop_index('ix_rectification_item_unit')
        batch_op.drop_index('ix_rectification_item_summary')
        batch_op.drop_index(batch_op.f('ix_rectification_item_problem_id'))
        batch_op.drop_index('ix_rectification_item_ledger')

    op.drop_table('rectification_item')
    with op.batch_alter_table('problem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_unit_id'))

    op.drop_table('problem')
    with op.batch_alter_table('interview_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_record_interviewee_unit_id'))

    op.drop_table('interview_record')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('email')

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_mail')
        batch_op.drop_index('ix_notification_inbox')

    op.drop_table('notification')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index('ix_document_owner')

    op.drop_table('document')
