"""health archive (居民健康库), care assignments (包保) and emergency contacts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

New tables only: nothing existing changes.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('care_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('elder_id', sa.Integer(), nullable=False),
    sa.Column('caretaker_id', sa.Integer(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.CheckConstraint('elder_id <> caretaker_id', name=op.f('ck_care_assignment_not_self')),
    sa.ForeignKeyConstraint(['caretaker_id'], ['resident.id'], name=op.f('fk_care_assignment_caretaker_id_resident')),
    sa.ForeignKeyConstraint(['elder_id'], ['resident.id'], name=op.f('fk_care_assignment_elder_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_assignment'))
    )
    with op.batch_alter_table('care_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_assignment_caretaker_id'), ['caretaker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_care_assignment_elder_id'), ['elder_id'], unique=False)

    op.create_table('health_condition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=4), nullable=False),
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.CheckConstraint("category in ('疾病', '手术', '外伤', '输血')", name=op.f('ck_health_condition_category')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_health_condition_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_condition'))
    )
    with op.batch_alter_table('health_condition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_health_condition_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_health_condition_resident_id'), ['resident_id'], unique=False)

    op.create_table('health_family_history',
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('relative', sa.String(length=4), nullable=False),
    sa.Column('code', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_health_family_history_resident_id_resident')),
    sa.PrimaryKeyConstraint('resident_id', 'relative', 'code', name=op.f('pk_health_family_history'))
    )
    op.create_table('health_profile',
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('blood_type', sa.String(length=1), nullable=False),
    sa.Column('rh', sa.String(length=1), nullable=False),
    sa.Column('payment', sa.JSON(), nullable=False),
    sa.Column('payment_other', sa.String(length=50), nullable=False),
    sa.Column('allergies', sa.JSON(), nullable=False),
    sa.Column('allergy_other', sa.String(length=100), nullable=False),
    sa.Column('exposures', sa.JSON(), nullable=False),
    sa.Column('exposure_note', sa.String(length=100), nullable=False),
    sa.Column('genetic_disease', sa.String(length=100), nullable=False),
    sa.Column('disabilities', sa.JSON(), nullable=False),
    sa.Column('disability_other', sa.String(length=50), nullable=False),
    sa.Column('marital_code', sa.String(length=1), nullable=False),
    sa.Column('education_code', sa.String(length=2), nullable=False),
    sa.Column('kitchen_code', sa.String(length=1), nullable=False),
    sa.Column('fuel_code', sa.String(length=1), nullable=False),
    sa.Column('water_code', sa.String(length=1), nullable=False),
    sa.Column('toilet_code', sa.String(length=1), nullable=False),
    sa.Column('livestock_code', sa.String(length=1), nullable=False),
    sa.Column('family_doctor', sa.String(length=50), nullable=False),
    sa.Column('family_doctor_phone', sa.String(length=30), nullable=False),
    sa.Column('medication', sa.String(length=500), nullable=False),
    sa.Column('wandering_risk', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_health_profile_resident_id_resident')),
    sa.PrimaryKeyConstraint('resident_id', name=op.f('pk_health_profile'))
    )
    op.create_table('health_self_care',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('eating', sa.Integer(), nullable=False),
    sa.Column('grooming', sa.Integer(), nullable=False),
    sa.Column('dressing', sa.Integer(), nullable=False),
    sa.Column('toileting', sa.Integer(), nullable=False),
    sa.Column('activity', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('assessor', sa.String(length=50), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_health_self_care_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_self_care'))
    )
    with op.batch_alter_table('health_self_care', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_health_self_care_assessed_on'), ['assessed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_health_self_care_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_health_self_care_total'), ['total'], unique=False)

    op.create_table('health_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=2), nullable=False),
    sa.Column('purpose', sa.String(length=4), nullable=False),
    sa.Column('visitor', sa.String(length=50), nullable=False),
    sa.Column('systolic', sa.Integer(), nullable=True),
    sa.Column('diastolic', sa.Integer(), nullable=True),
    sa.Column('glucose_tenths', sa.Integer(), nullable=True),
    sa.Column('notes', sa.String(length=500), nullable=False),
    sa.Column('next_due_on', sa.Date(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind in ('上门', '电话')", name=op.f('ck_health_visit_kind')),
    sa.CheckConstraint("purpose in ('随访', '年度体检', '关怀')", name=op.f('ck_health_visit_purpose')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_health_visit_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_visit'))
    )
    with op.batch_alter_table('health_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_health_visit_next_due_on'), ['next_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_health_visit_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_health_visit_visited_on'), ['visited_on'], unique=False)

    op.create_table('resident_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('relation', sa.String(length=20), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_resident_contact_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resident_contact'))
    )
    with op.batch_alter_table('resident_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_contact_resident_id'), ['resident_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('resident_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_contact_resident_id'))

    op.drop_table('resident_contact')
    with op.batch_alter_table('health_visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_health_visit_visited_on'))
        batch_op.drop_index(batch_op.f('ix_health_visit_resident_id'))
        batch_op.drop_index(batch_op.f('ix_health_visit_next_due_on'))

    op.drop_table('health_visit')
    with op.batch_alter_table('health_self_care', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_health_self_care_total'))
        batch_op.drop_index(batch_op.f('ix_health_self_care_resident_id'))
        batch_op.drop_index(batch_op.f('ix_health_self_care_assessed_on'))

    op.drop_table('health_self_care')
    op.drop_table('health_profile')
    op.drop_table('health_family_history')
    with op.batch_alter_table('health_condition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_health_condition_resident_id'))
        batch_op.drop_index(batch_op.f('ix_health_condition_code'))

    op.drop_table('health_condition')
    with op.batch_alter_table('care_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_assignment_elder_id'))
        batch_op.drop_index(batch_op.f('ix_care_assignment_caretaker_id'))

    op.drop_table('care_assignment')
