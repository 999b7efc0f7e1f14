"""deliberation and mediation: 四步议事 (deliberation_matter, deliberation_step) and 人民调解 (mediators, cases, parties, case mediators, visits)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 17:00:46.857076
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('deliberation_matter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('background', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('proposed_on', sa.Date(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=4), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.Column('notice_from', sa.Date(), nullable=True),
    sa.Column('notice_to', sa.Date(), nullable=True),
    sa.Column('notice_number', sa.String(length=30), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('close_reason', sa.String(length=300), nullable=False),
    sa.Column('created_by', sa.String(length=50), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status in ('议事中', '公示中', '已决议', '已终止')", name=op.f('ck_deliberation_matter_status')),
    sa.CheckConstraint('step between 1 and 5', name=op.f('ck_deliberation_matter_step')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_matter')),
    sa.UniqueConstraint('number', name=op.f('uq_deliberation_matter_number'))
    )
    with op.batch_alter_table('deliberation_matter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_matter_status'), ['status'], unique=False)

    op.create_table('mediation_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=6), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('disputed_matters', sa.Text(), nullable=False),
    sa.Column('responsibilities', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=6), nullable=False),
    sa.Column('mediated_on', sa.Date(), nullable=True),
    sa.Column('agreement_terms', sa.Text(), nullable=False),
    sa.Column('performance_method', sa.String(length=300), nullable=False),
    sa.Column('performance_due', sa.Date(), nullable=True),
    sa.Column('oral_agreement', sa.Boolean(), nullable=False),
    sa.Column('referred_to', sa.String(length=100), nullable=False),
    sa.Column('escalated', sa.Boolean(), nullable=False),
    sa.Column('escalated_note', sa.String(length=300), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_by', sa.String(length=50), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status in ('调解中', '达成协议', '未达成协议', '已移交', '已终止')", name=op.f('ck_mediation_case_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_case')),
    sa.UniqueConstraint('number', name=op.f('uq_mediation_case_number'))
    )
    with op.batch_alter_table('mediation_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_case_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_case_status'), ['status'], unique=False)

    op.create_table('deliberation_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('host', sa.String(length=50), nullable=False),
    sa.Column('participants', sa.Text(), nullable=False),
    sa.Column('expected', sa.Integer(), nullable=True),
    sa.Column('present', sa.Integer(), nullable=True),
    sa.Column('votes_for', sa.Integer(), nullable=False),
    sa.Column('votes_against', sa.Integer(), nullable=False),
    sa.Column('votes_abstain', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=4), nullable=False),
    sa.Column('back_to', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('recorded_by', sa.String(length=50), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("outcome in ('通过', '不通过', '退回')", name=op.f('ck_deliberation_step_outcome')),
    sa.CheckConstraint('back_to is null or (back_to >= 1 and back_to < step)', name=op.f('ck_deliberation_step_back_to')),
    sa.CheckConstraint('step between 1 and 4', name=op.f('ck_deliberation_step_step')),
    sa.CheckConstraint('votes_for >= 0 and votes_against >= 0 and votes_abstain >= 0', name=op.f('ck_deliberation_step_votes')),
    sa.ForeignKeyConstraint(['matter_id'], ['deliberation_matter.id'], name=op.f('fk_deliberation_step_matter_id_deliberation_matter')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_step')),
    sa.UniqueConstraint('matter_id', 'seq', name='one_per_seq')
    )
    with op.batch_alter_table('deliberation_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_step_matter_id'), ['matter_id'], unique=False)

    op.create_table('mediation_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('performance', sa.String(length=4), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('visitor', sa.String(length=50), nullable=False),
    sa.CheckConstraint("performance in ('已履行', '部分履行', '未履行')", name=op.f('ck_mediation_visit_performance')),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_mediation_visit_case_id_mediation_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_visit'))
    )
    with op.batch_alter_table('mediation_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_visit_case_id'), ['case_id'], unique=False)

    op.create_table('mediation_mediator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('role', sa.String(length=4), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.CheckConstraint("role in ('主任', '副主任', '委员', '调解员')", name=op.f('ck_mediation_mediator_role')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_mediation_mediator_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_mediator'))
    )
    with op.batch_alter_table('mediation_mediator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_mediator_resident_id'), ['resident_id'], unique=False)

    op.create_table('mediation_party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=4), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('sex_code', sa.String(length=1), nullable=False),
    sa.Column('age', sa.Integer(), nullable=True),
    sa.Column('ethnicity_code', sa.String(length=2), nullable=False),
    sa.Column('occupation', sa.String(length=50), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.CheckConstraint("side in ('申请人', '被申请人', '第三人')", name=op.f('ck_mediation_party_side')),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_mediation_party_case_id_mediation_case')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_mediation_party_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mediation_party'))
    )
    with op.batch_alter_table('mediation_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_party_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mediation_party_resident_id'), ['resident_id'], unique=False)

    op.create_table('mediation_case_mediator',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('mediator_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['mediation_case.id'], name=op.f('fk_mediation_case_mediator_case_id_mediation_case')),
    sa.ForeignKeyConstraint(['mediator_id'], ['mediation_mediator.id'], name=op.f('fk_mediation_case_mediator_mediator_id_mediation_mediator')),
    sa.PrimaryKeyConstraint('case_id', 'mediator_id', name=op.f('pk_mediation_case_mediator'))
    )
    with op.batch_alter_table('mediation_case_mediator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mediation_case_mediator_mediator_id'), ['mediator_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('mediation_case_mediator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_case_mediator_mediator_id'))

    op.drop_table('mediation_case_mediator')
    with op.batch_alter_table('mediation_party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_party_resident_id'))
        batch_op.drop_index(batch_op.f('ix_mediation_party_case_id'))

    op.drop_table('mediation_party')
    with op.batch_alter_table('mediation_mediator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_mediator_resident_id'))

    op.drop_table('mediation_mediator')
    with op.batch_alter_table('mediation_visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_visit_case_id'))

    op.drop_table('mediation_visit')
    with op.batch_alter_table('deliberation_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliberation_step_matter_id'))

    op.drop_table('deliberation_step')
    with op.batch_alter_table('mediation_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mediation_case_status'))
        batch_op.drop_index(batch_op.f('ix_mediation_case_received_on'))

    op.drop_table('mediation_case')
    with op.batch_alter_table('deliberation_matter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliberation_matter_status'))

    op.drop_table('deliberation_matter')
