"""third-party firms, their engagements and quality scores; users may belong to a firm

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import models.base

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('third_party_firm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bureau_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('firm_type', sa.String(length=24), nullable=False),
    sa.Column('staff_count', sa.Integer(), nullable=True),
    sa.Column('qualifications', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('major_violation_last_3y', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('avg_quality_score', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bureau_id'], ['finance_bureau.id'], name=op.f('fk_third_party_firm_bureau_id_finance_bureau')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_third_party_firm')),
    sa.UniqueConstraint('bureau_id', 'credit_code', name=op.f('uq_third_party_firm_bureau_id_credit_code'))
    )
    op.create_table('engagement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bureau_id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('commissioning_party', sa.String(length=16), nullable=False),
    sa.Column('commissioner_unit_id', sa.Integer(), nullable=True),
    sa.Column('procurement_method', sa.String(length=32), nullable=False),
    sa.Column('contract_amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('contract_date', sa.Date(), nullable=False),
    sa.Column('lead_evaluator_user_id', sa.Integer(), nullable=True),
    sa.Column('team_user_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('coi_signed_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('scope', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('closed_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bureau_id'], ['finance_bureau.id'], name=op.f('fk_engagement_bureau_id_finance_bureau')),
    sa.ForeignKeyConstraint(['commissioner_unit_id'], ['budget_unit.id'], name=op.f('fk_engagement_commissioner_unit_id_budget_unit')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_engagement_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['firm_id'], ['third_party_firm.id'], name=op.f('fk_engagement_firm_id_third_party_firm')),
    sa.ForeignKeyConstraint(['lead_evaluator_user_id'], ['app_user.id'], name=op.f('fk_engagement_lead_evaluator_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement'))
    )
    with op.batch_alter_table('engagement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagement_firm_id'), ['firm_id'], unique=False)

    op.create_table('firm_quality_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('scorer_id', sa.Integer(), nullable=False),
    sa.Column('plan_quality', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('fieldwork_compliance', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('evidence_sufficiency', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('report_quality', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('timeliness', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('integrity_confidentiality', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('total', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('grade', sa.String(length=12), nullable=False),
    sa.Column('remarks', sa.Text(), nullable=False),
    sa.Column('at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], name=op.f('fk_firm_quality_score_engagement_id_engagement')),
    sa.ForeignKeyConstraint(['scorer_id'], ['app_user.id'], name=op.f('fk_firm_quality_score_scorer_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_firm_quality_score')),
    sa.UniqueConstraint('engagement_id', name=op.f('uq_firm_quality_score_engagement_id'))
    )
    _add_user_firm_id()


def _add_user_firm_id() -> None:
    # SQLite cannot add a foreign key to a table: batch mode would copy app_user, and dropping
    # the old copy fails once other rows point at users (foreign keys are on). A column with an
    # inline, named REFERENCES clause is one plain ALTER TABLE instead.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE app_user ADD COLUMN firm_id INTEGER "
                   "CONSTRAINT fk_app_user_firm_id_third_party_firm "
                   "REFERENCES third_party_firm (id)")
        return
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('firm_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_app_user_firm_id_third_party_firm'), 'third_party_firm', ['firm_id'], ['id'])


def downgrade() -> None:
    """Revert this revision."""
    # On SQLite this copies app_user, which works only while no other row points at a user
    # (or with foreign keys switched off on the connection): fine for a scratch database.
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        if op.get_bind().dialect.name != "sqlite":  # SQLite does not name an inline key
            batch_op.drop_constraint(batch_op.f('fk_app_user_firm_id_third_party_firm'), type_='foreignkey')
        batch_op.drop_column('firm_id')

    op.drop_table('firm_quality_score')
    with op.batch_alter_table('engagement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engagement_firm_id'))

    op.drop_table('engagement')
    op.drop_table('third_party_firm')
