"""evaluations: key evaluations, audit consultations, self-evaluation rounds

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 04:07:34.655524
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import models.base

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('self_evaluation_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bureau_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('spot_check_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bureau_id'], ['finance_bureau.id'], name=op.f('fk_self_evaluation_round_bureau_id_finance_bureau')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['app_user.id'], name=op.f('fk_self_evaluation_round_opened_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_evaluation_round')),
    sa.UniqueConstraint('bureau_id', 'fiscal_year', name=op.f('uq_self_evaluation_round_bureau_id_fiscal_year'))
    )
    op.create_table('key_evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bureau_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year_evaluated', sa.Integer(), nullable=False),
    sa.Column('object_type', sa.String(length=24), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('selection_reason', sa.String(length=24), nullable=False),
    sa.Column('selection_note', sa.Text(), nullable=False),
    sa.Column('fee_budget', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('engagement_id', sa.Integer(), nullable=True),
    sa.Column('plan', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('fieldwork', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('draft', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('problems', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('feedback_status', sa.String(length=16), nullable=False),
    sa.Column('unit_feedback', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('firm_response', sa.Text(), nullable=False),
    sa.Column('firm_score_draft', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('subtotals', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('final_score', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('grade', sa.String(length=12), nullable=True),
    sa.Column('chief_approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('finalised_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('results_issued_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('plan_returns', sa.Integer(), nullable=False),
    sa.Column('draft_returns', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chief_approved_by_id'], ['app_user.id'], name=op.f('fk_key_evaluation_chief_approved_by_id_app_user')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['app_user.id'], name=op.f('fk_key_evaluation_approved_by_id_app_user')),
    sa.ForeignKeyConstraint(['bureau_id'], ['finance_bureau.id'], name=op.f('fk_key_evaluation_bureau_id_finance_bureau')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_key_evaluation_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], name=op.f('fk_key_evaluation_engagement_id_engagement')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_key_evaluation_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_key_evaluation_project_id_project')),
    sa.ForeignKeyConstraint(['unit_id'], ['budget_unit.id'], name=op.f('fk_key_evaluation_unit_id_budget_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_evaluation'))
    )
    with op.batch_alter_table('key_evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_evaluation_engagement_id'), ['engagement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_key_evaluation_unit_id'), ['unit_id'], unique=False)

    op.create_table('audit_consultation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_evaluation_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('sent_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('due_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('no_opinion', sa.Boolean(), nullable=False),
    sa.Column('responded_by_id', sa.Integer(), nullable=True),
    sa.Column('responded_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['key_evaluation_id'], ['key_evaluation.id'], name=op.f('fk_audit_consultation_key_evaluation_id_key_evaluation')),
    sa.ForeignKeyConstraint(['responded_by_id'], ['app_user.id'], name=op.f('fk_audit_consultation_responded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_consultation'))
    )
    with op.batch_alter_table('audit_consultation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_consultation_key_evaluation_id'), ['key_evaluation_id'], unique=False)

    op.create_table('self_evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bureau_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('budget_full_year', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('executed', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('execution_score', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('results', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('subtotals', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('total_score', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('grade', sa.String(length=12), nullable=True),
    sa.Column('report', sa.Text(), nullable=False),
    sa.Column('filer_id', sa.Integer(), nullable=True),
    sa.Column('return_count', sa.Integer(), nullable=False),
    sa.Column('spot_check', sa.Boolean(), nullable=False),
    sa.Column('check_score', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('gap', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('gap_flagged', sa.Boolean(), nullable=False),
    sa.Column('check_comments', sa.Text(), nullable=False),
    sa.Column('check_problems', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['app_user.id'], name=op.f('fk_self_evaluation_accepted_by_id_app_user')),
    sa.ForeignKeyConstraint(['bureau_id'], ['finance_bureau.id'], name=op.f('fk_self_evaluation_bureau_id_finance_bureau')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['app_user.id'], name=op.f('fk_self_evaluation_checked_by_id_app_user')),
    sa.ForeignKeyConstraint(['filer_id'], ['app_user.id'], name=op.f('fk_self_evaluation_filer_id_app_user')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_self_evaluation_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_self_evaluation_project_id_project')),
    sa.ForeignKeyConstraint(['round_id'], ['self_evaluation_round.id'], name=op.f('fk_self_evaluation_round_id_self_evaluation_round')),
    sa.ForeignKeyConstraint(['sheet_id'], ['goal_sheet.id'], name=op.f('fk_self_evaluation_sheet_id_goal_sheet')),
    sa.ForeignKeyConstraint(['unit_id'], ['budget_unit.id'], name=op.f('fk_self_evaluation_unit_id_budget_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_evaluation')),
    sa.UniqueConstraint('round_id', 'sheet_id', name=op.f('uq_self_evaluation_round_id_sheet_id'))
    )
    with op.batch_alter_table('self_evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_evaluation_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_self_evaluation_unit_id'), ['unit_id'], unique=False)



def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('self_evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_evaluation_unit_id'))
        batch_op.drop_index(batch_op.f('ix_self_evaluation_round_id'))

    op.drop_table('self_evaluation')
    with op.batch_alter_table('audit_consultation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_consultation_key_evaluation_id'))

    op.drop_table('audit_consultation')
    with op.batch_alter_table('key_evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_key_evaluation_unit_id'))
        batch_op.drop_index(batch_op.f('ix_key_evaluation_engagement_id'))

    op.drop_table('key_evaluation')
    op.drop_table('self_evaluation_round')
