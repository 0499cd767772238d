"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import models.base

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


ROLES = [
    # code, zh, en, scope, acts in workflows
    ("unit_filer", "预算单位填报人", "Unit filer", "unit", True),
    ("unit_leader", "单位负责人", "Unit leader", "unit", True),
    ("dept_reviewer", "主管部门审核人", "Supervising department reviewer", "unit", True),
    ("section_cadre", "支出股室对接干部", "Expenditure section cadre", "section", True),
    ("section_chief", "支出股室负责人", "Expenditure section chief", "section", True),
    ("budget_section", "预算股", "Budget section", "tenant", True),
    ("perf_staff", "绩效股经办人", "Performance section staff", "tenant", True),
    ("perf_chief", "绩效股负责人", "Performance section chief", "tenant", True),
    ("bureau_leader", "局领导", "Bureau leader", "tenant", True),
    ("tp_evaluator", "第三方机构人员", "Third-party evaluator", "firm", True),
    ("audit_bureau", "审计局联络人", "Audit bureau liaison", "none", True),
    ("congress", "人大财经委", "People's congress staff", "none", True),
    ("admin", "系统管理员", "Administrator", "tenant", False),
]
APPEND_ONLY_PG = """
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
"""
APPEND_ONLY_SQLITE = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
]


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _user_unit_fk_inline() -> list:
    # app_user and budget_unit point at each other; PostgreSQL gets this key after both exist.
    if _is_sqlite():
        return [sa.ForeignKeyConstraint(['unit_id'], ['budget_unit.id'],
                                        name=op.f('fk_app_user_unit_id_budget_unit'))]
    return []


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('finance_bureau',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('settings', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_bureau'))
    )
    op.create_table('role',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_zh', sa.String(length=50), nullable=False),
    sa.Column('name_en', sa.String(length=50), nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('acts_in_workflows', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_role'))
    )
    op.create_table('section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bureau_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bureau_id'], ['finance_bureau.id'], name=op.f('fk_section_bureau_id_finance_bureau')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_section')),
    sa.UniqueConstraint('code', name=op.f('uq_section_code'))
    )
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('credential_version', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_app_user_section_id_section')),
    *_user_unit_fk_inline(),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.Column('at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_audit_log_actor_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_entity', ['entity', 'entity_id'], unique=False)

    op.create_table('budget_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bureau_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('unit_type', sa.String(length=32), nullable=False),
    sa.Column('expenditure_section_id', sa.Integer(), nullable=False),
    sa.Column('liaison_user_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bureau_id'], ['finance_bureau.id'], name=op.f('fk_budget_unit_bureau_id_finance_bureau')),
    sa.ForeignKeyConstraint(['expenditure_section_id'], ['section.id'], name=op.f('fk_budget_unit_expenditure_section_id_section')),
    sa.ForeignKeyConstraint(['liaison_user_id'], ['app_user.id'], name=op.f('fk_budget_unit_liaison_user_id_app_user')),
    sa.ForeignKeyConstraint(['parent_id'], ['budget_unit.id'], name=op.f('fk_budget_unit_parent_id_budget_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_unit')),
    sa.UniqueConstraint('bureau_id', 'code', name=op.f('uq_budget_unit_bureau_id_code'))
    )
    with op.batch_alter_table('budget_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_unit_expenditure_section_id'), ['expenditure_section_id'], unique=False)

    if not _is_sqlite():
        op.create_foreign_key(op.f('fk_app_user_unit_id_budget_unit'), 'app_user',
                              'budget_unit', ['unit_id'], ['id'])
    op.create_table('process_definition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('bpmn_xml', sa.Text(), nullable=False),
    sa.Column('source_name', sa.String(length=200), nullable=False),
    sa.Column('user_tasks', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('deployed_by_id', sa.Integer(), nullable=True),
    sa.Column('deployed_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deployed_by_id'], ['app_user.id'], name=op.f('fk_process_definition_deployed_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_definition')),
    sa.UniqueConstraint('key', 'version', name=op.f('uq_process_definition_key_version'))
    )
    with op.batch_alter_table('process_definition', schema=None) as batch_op:
        batch_op.create_index('ix_process_definition_key_hash', ['key', 'content_hash'], unique=False)

    op.create_table('user_role',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role_code', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['role_code'], ['role.code'], name=op.f('fk_user_role_role_code_role')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_user_role_user_id_app_user')),
    sa.PrimaryKeyConstraint('user_id', 'role_code', name=op.f('pk_user_role'))
    )
    with op.batch_alter_table('user_role', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_role_role_code'), ['role_code'], unique=False)

    op.create_table('process_instance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('definition_id', sa.Integer(), nullable=False),
    sa.Column('process_key', sa.String(length=64), nullable=False),
    sa.Column('business_key', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('state', sa.Text(), nullable=False),
    sa.Column('serializer_version', sa.String(length=16), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('next_timer_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['definition_id'], ['process_definition.id'], name=op.f('fk_process_instance_definition_id_process_definition')),
    sa.ForeignKeyConstraint(['started_by_id'], ['app_user.id'], name=op.f('fk_process_instance_started_by_id_app_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['budget_unit.id'], name=op.f('fk_process_instance_unit_id_budget_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_instance'))
    )
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_instance_business_key'), ['business_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_instance_definition_id'), ['definition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_instance_next_timer_at'), ['next_timer_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_instance_process_key'), ['process_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_instance_unit_id'), ['unit_id'], unique=False)

    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bureau_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('is_new', sa.Boolean(), nullable=False),
    sa.Column('year_amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('blocked_by_review', sa.Boolean(), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bureau_id'], ['finance_bureau.id'], name=op.f('fk_project_bureau_id_finance_bureau')),
    sa.ForeignKeyConstraint(['unit_id'], ['budget_unit.id'], name=op.f('fk_project_unit_id_budget_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project')),
    sa.UniqueConstraint('code', name=op.f('uq_project_code'))
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_fiscal_year'), ['fiscal_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_unit_id'), ['unit_id'], unique=False)

    op.create_table('goal_sheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bureau_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('overall_goal', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('return_count', sa.Integer(), nullable=False),
    sa.Column('filer_id', sa.Integer(), nullable=True),
    sa.Column('last_editor_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('approved_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bureau_id'], ['finance_bureau.id'], name=op.f('fk_goal_sheet_bureau_id_finance_bureau')),
    sa.ForeignKeyConstraint(['filer_id'], ['app_user.id'], name=op.f('fk_goal_sheet_filer_id_app_user')),
    sa.ForeignKeyConstraint(['last_editor_id'], ['app_user.id'], name=op.f('fk_goal_sheet_last_editor_id_app_user')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_goal_sheet_project_id_project')),
    sa.ForeignKeyConstraint(['unit_id'], ['budget_unit.id'], name=op.f('fk_goal_sheet_unit_id_budget_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_sheet')),
    sa.UniqueConstraint('project_id', 'fiscal_year', 'version', name=op.f('uq_goal_sheet_project_id_fiscal_year_version'))
    )
    with op.batch_alter_table('goal_sheet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_sheet_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_sheet_unit_id'), ['unit_id'], unique=False)

    op.create_table('task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('task_guid', sa.String(length=36), nullable=False),
    sa.Column('task_key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('process_key', sa.String(length=64), nullable=False),
    sa.Column('business_key', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('form_key', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.Column('candidate_groups', sa.String(length=200), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('due_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=32), nullable=True),
    sa.Column('rating', sa.String(length=16), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['app_user.id'], name=op.f('fk_task_assignee_id_app_user')),
    sa.ForeignKeyConstraint(['completed_by_id'], ['app_user.id'], name=op.f('fk_task_completed_by_id_app_user')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_task_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_task_section_id_section')),
    sa.ForeignKeyConstraint(['unit_id'], ['budget_unit.id'], name=op.f('fk_task_unit_id_budget_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task')),
    sa.UniqueConstraint('instance_id', 'task_guid', name=op.f('uq_task_instance_id_task_guid'))
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index('ix_task_instance_status', ['instance_id', 'status'], unique=False)
        batch_op.create_index('ix_task_ready_assignee', ['assignee_id', 'due_at', 'id'], unique=False, postgresql_where=sa.text("status = 'ready'"), sqlite_where=sa.text("status = 'ready'"))
        batch_op.create_index('ix_task_ready_due', ['due_at', 'id'], unique=False, postgresql_where=sa.text("status = 'ready'"), sqlite_where=sa.text("status = 'ready'"))
        batch_op.create_index('ix_task_ready_section', ['section_id', 'due_at'], unique=False, postgresql_where=sa.text("status = 'ready'"), sqlite_where=sa.text("status = 'ready'"))
        batch_op.create_index('ix_task_ready_unit', ['unit_id', 'due_at'], unique=False, postgresql_where=sa.text("status = 'ready'"), sqlite_where=sa.text("status = 'ready'"))

    op.create_table('goal_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('gate', sa.String(length=16), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('rating', sa.String(length=16), nullable=True),
    sa.Column('comments', sa.Text(), nullable=False),
    sa.Column('at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reviewer_id'], ['app_user.id'], name=op.f('fk_goal_review_reviewer_id_app_user')),
    sa.ForeignKeyConstraint(['sheet_id'], ['goal_sheet.id'], name=op.f('fk_goal_review_sheet_id_goal_sheet')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_review'))
    )
    with op.batch_alter_table('goal_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_review_sheet_id'), ['sheet_id'], unique=False)

    op.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('level1', sa.String(length=16), nullable=False),
    sa.Column('level2', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('value_type', sa.String(length=16), nullable=False),
    sa.Column('operator', sa.String(length=16), nullable=False),
    sa.Column('target_value', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('target_max', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('target_text', sa.String(length=200), nullable=True),
    sa.Column('unit_of_measure', sa.String(length=20), nullable=False),
    sa.Column('weight', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.ForeignKeyConstraint(['sheet_id'], ['goal_sheet.id'], name=op.f('fk_indicator_sheet_id_goal_sheet')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator'))
    )
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_sheet_id'), ['sheet_id'], unique=False)

    op.create_table('task_candidate',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('role_code', sa.String(length=32), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.Column('due_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_task_candidate_task_id_task')),
    sa.PrimaryKeyConstraint('task_id', 'role_code', name=op.f('pk_task_candidate'))
    )
    with op.batch_alter_table('task_candidate', schema=None) as batch_op:
        batch_op.create_index('ix_task_candidate_unit', ['role_code', 'unit_id', 'due_at', 'task_id'], unique=False)
        batch_op.create_index('ix_task_candidate_section', ['role_code', 'section_id', 'due_at', 'task_id'], unique=False)
        batch_op.create_index('ix_task_candidate_role_due', ['role_code', 'due_at', 'task_id'], unique=False)

    role = sa.table("role", sa.column("code"), sa.column("name_zh"), sa.column("name_en"),
                    sa.column("scope"), sa.column("acts_in_workflows"))
    op.bulk_insert(role, [dict(zip(("code", "name_zh", "name_en", "scope", "acts_in_workflows"),
                                   r, strict=True)) for r in ROLES])
    if _is_sqlite():
        for stmt in APPEND_ONLY_SQLITE:
            op.execute(stmt)
    else:
        op.execute(APPEND_ONLY_PG)


def downgrade() -> None:
    """Revert this revision."""
    if _is_sqlite():
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
        op.drop_constraint(op.f('fk_app_user_unit_id_budget_unit'), 'app_user',
                           type_='foreignkey')
    with op.batch_alter_table('task_candidate', schema=None) as batch_op:
        batch_op.drop_index('ix_task_candidate_role_due')
        batch_op.drop_index('ix_task_candidate_section')
        batch_op.drop_index('ix_task_candidate_unit')

    op.drop_table('task_candidate')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_sheet_id'))

    op.drop_table('indicator')
    with op.batch_alter_table('goal_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_review_sheet_id'))

    op.drop_table('goal_review')
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_ready_unit', postgresql_where=sa.text("status = 'ready'"), sqlite_where=sa.text("status = 'ready'"))
        batch_op.drop_index('ix_task_ready_section', postgresql_where=sa.text("status = 'ready'"), sqlite_where=sa.text("status = 'ready'"))
        batch_op.drop_index('ix_task_ready_due', postgresql_where=sa.text("status = 'ready'"), sqlite_where=sa.text("status = 'ready'"))
        batch_op.drop_index('ix_task_ready_assignee', postgresql_where=sa.text("status = 'ready'"), sqlite_where=sa.text("status = 'ready'"))
        batch_op.drop_index('ix_task_instance_status')

    op.drop_table('task')
    with op.batch_alter_table('goal_sheet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_sheet_unit_id'))
        batch_op.drop_index(batch_op.f('ix_goal_sheet_project_id'))

    op.drop_table('goal_sheet')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_unit_id'))
        batch_op.drop_index(batch_op.f('ix_project_fiscal_year'))

    op.drop_table('project')
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_instance_unit_id'))
        batch_op.drop_index(batch_op.f('ix_process_instance_process_key'))
        batch_op.drop_index(batch_op.f('ix_process_instance_next_timer_at'))
        batch_op.drop_index(batch_op.f('ix_process_instance_definition_id'))
        batch_op.drop_index(batch_op.f('ix_process_instance_business_key'))

    op.drop_table('process_instance')
    with op.batch_alter_table('user_role', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_role_role_code'))

    op.drop_table('user_role')
    with op.batch_alter_table('process_definition', schema=None) as batch_op:
        batch_op.drop_index('ix_process_definition_key_hash')

    op.drop_table('process_definition')
    with op.batch_alter_table('budget_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_unit_expenditure_section_id'))

    op.drop_table('budget_unit')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_entity')

    op.drop_table('audit_log')
    op.drop_table('app_user')
    op.drop_table('section')
    op.drop_table('role')
    op.drop_table('finance_bureau')
