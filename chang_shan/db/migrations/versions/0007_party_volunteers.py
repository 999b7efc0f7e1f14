"""party and volunteers: party network (party_org, party_member, events, posts, study days and attendance); volunteers and the points bank (teams, volunteers, service records, rules, ledger, goods, redemptions)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 17:00:46.857076
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('volunteer_point_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('points_per_hour', sa.Integer(), nullable=False),
    sa.Column('points_per_service', sa.Integer(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.CheckConstraint('points_per_hour >= 0 and points_per_service >= 0', name=op.f('ck_volunteer_point_rule_points')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_point_rule'))
    )
    with op.batch_alter_table('volunteer_point_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_point_rule_kind'), ['kind'], unique=False)

    op.create_table('volunteer_reward_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('unit', sa.String(length=6), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('points > 0', name=op.f('ck_volunteer_reward_item_points_positive')),
    sa.CheckConstraint('stock >= 0', name=op.f('ck_volunteer_reward_item_stock_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_reward_item')),
    sa.UniqueConstraint('name', name=op.f('uq_volunteer_reward_item_name'))
    )
    op.create_table('volunteer_team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('service', sa.String(length=100), nullable=False),
    sa.Column('sort_key', sa.Integer(), nullable=False),
    sa.Column('founded_on', sa.Date(), nullable=True),
    sa.Column('dissolved_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_team')),
    sa.UniqueConstraint('name', name=op.f('uq_volunteer_team_name'))
    )
    op.create_table('party_org',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.String(length=4), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('sort_key', sa.Integer(), nullable=False),
    sa.Column('founded_on', sa.Date(), nullable=True),
    sa.Column('dissolved_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(level = '党委') = (parent_id is null)", name=op.f('ck_party_org_parent_matches_level')),
    sa.CheckConstraint("level in ('党委', '党支部', '党小组')", name=op.f('ck_party_org_level')),
    sa.ForeignKeyConstraint(['building_id'], ['building.id'], name=op.f('fk_party_org_building_id_building')),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_party_org_grid_id_grid')),
    sa.ForeignKeyConstraint(['parent_id'], ['party_org.id'], name=op.f('fk_party_org_parent_id_party_org')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_party_org_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_org'))
    )
    with op.batch_alter_table('party_org', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_org_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_org_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_org_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_org_unit_id'), ['unit_id'], unique=False)

    op.create_table('party_study_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('topic', sa.String(length=100), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('recorded_by', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['party_org.id'], name=op.f('fk_party_study_day_org_id_party_org')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_study_day')),
    sa.UniqueConstraint('org_id', 'held_on', name='one_per_day')
    )
    with op.batch_alter_table('party_study_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_study_day_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_study_day_org_id'), ['org_id'], unique=False)

    op.create_table('party_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('full_on', sa.Date(), nullable=True),
    sa.Column('org_relation', sa.String(length=4), nullable=False),
    sa.Column('relation_place', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=4), nullable=False),
    sa.Column('status_on', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind in ('正式党员', '预备党员')", name=op.f('ck_party_member_kind')),
    sa.CheckConstraint("org_relation in ('在本社区', '在社区外', '口袋党员')", name=op.f('ck_party_member_org_relation')),
    sa.CheckConstraint("status in ('在册', '已转出', '已故', '已出党')", name=op.f('ck_party_member_status')),
    sa.ForeignKeyConstraint(['org_id'], ['party_org.id'], name=op.f('fk_party_member_org_id_party_org')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_party_member_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_member')),
    sa.UniqueConstraint('resident_id', name=op.f('uq_party_member_resident_id'))
    )
    with op.batch_alter_table('party_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_member_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_member_status'), ['status'], unique=False)

    op.create_table('volunteer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('sex_code', sa.String(length=1), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('organisation', sa.String(length=100), nullable=False),
    sa.Column('school', sa.String(length=100), nullable=False),
    sa.Column('major', sa.String(length=100), nullable=False),
    sa.Column('student_number', sa.String(length=30), nullable=False),
    sa.Column('enrolment_year', sa.Integer(), nullable=True),
    sa.Column('skills', sa.String(length=200), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('points_balance', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(resident_id is not null) or (name <> '')", name=op.f('ck_volunteer_has_name')),
    sa.CheckConstraint("kind in ('居民', '大学生', '驻区单位', '其他')", name=op.f('ck_volunteer_kind')),
    sa.CheckConstraint('points_balance >= 0', name=op.f('ck_volunteer_balance_not_negative')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_volunteer_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer')),
    sa.UniqueConstraint('number', name=op.f('uq_volunteer_number')),
    sa.UniqueConstraint('resident_id', name=op.f('uq_volunteer_resident_id'))
    )
    op.create_table('party_member_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('recorded_by', sa.String(length=50), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['party_member.id'], name=op.f('fk_party_member_event_member_id_party_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_member_event'))
    )
    with op.batch_alter_table('party_member_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_member_event_member_id'), ['member_id'], unique=False)

    op.create_table('party_post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('post', sa.String(length=4), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.CheckConstraint("post in ('书记', '副书记', '委员', '组长')", name=op.f('ck_party_post_post')),
    sa.ForeignKeyConstraint(['member_id'], ['party_member.id'], name=op.f('fk_party_post_member_id_party_member')),
    sa.ForeignKeyConstraint(['org_id'], ['party_org.id'], name=op.f('fk_party_post_org_id_party_org')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_post'))
    )
    with op.batch_alter_table('party_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_post_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_party_post_org_id'), ['org_id'], unique=False)

    op.create_table('party_study_attendance',
    sa.Column('study_day_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('absence_reason', sa.String(length=100), nullable=False),
    sa.Column('followed_up_on', sa.Date(), nullable=True),
    sa.Column('follow_up_note', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['party_member.id'], name=op.f('fk_party_study_attendance_member_id_party_member')),
    sa.ForeignKeyConstraint(['study_day_id'], ['party_study_day.id'], name=op.f('fk_party_study_attendance_study_day_id_party_study_day')),
    sa.PrimaryKeyConstraint('study_day_id', 'member_id', name=op.f('pk_party_study_attendance'))
    )
    with op.batch_alter_table('party_study_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_study_attendance_member_id'), ['member_id'], unique=False)

    op.create_table('volunteer_redemption',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('total_points', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.String(length=50), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('total_points > 0', name=op.f('ck_volunteer_redemption_total_positive')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_volunteer_redemption_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_redemption')),
    sa.UniqueConstraint('number', name=op.f('uq_volunteer_redemption_number'))
    )
    with op.batch_alter_table('volunteer_redemption', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_redemption_on_date'), ['on_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_redemption_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('volunteer_service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('service_request_id', sa.Integer(), nullable=True),
    sa.Column('served_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('content', sa.String(length=300), nullable=False),
    sa.Column('hours', sa.Numeric(precision=4, scale=1), nullable=False),
    sa.Column('entered_by', sa.String(length=50), nullable=False),
    sa.Column('reported_by', sa.String(length=50), nullable=False),
    sa.Column('status', sa.String(length=4), nullable=False),
    sa.Column('confirmed_by', sa.String(length=50), nullable=False),
    sa.Column('confirmed_on', sa.Date(), nullable=True),
    sa.Column('return_reason', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status in ('待确认', '已确认', '已退回')", name=op.f('ck_volunteer_service_status')),
    sa.CheckConstraint('hours > 0 and hours <= 24', name=op.f('ck_volunteer_service_hours')),
    sa.ForeignKeyConstraint(['service_request_id'], ['service_request.id'], name=op.f('fk_volunteer_service_service_request_id_service_request')),
    sa.ForeignKeyConstraint(['team_id'], ['volunteer_team.id'], name=op.f('fk_volunteer_service_team_id_volunteer_team')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_volunteer_service_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_service'))
    )
    with op.batch_alter_table('volunteer_service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_service_served_on'), ['served_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_service_service_request_id'), ['service_request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_service_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_service_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_service_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('volunteer_team_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=4), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.CheckConstraint("role in ('队长', '副队长', '队员')", name=op.f('ck_volunteer_team_member_role')),
    sa.ForeignKeyConstraint(['team_id'], ['volunteer_team.id'], name=op.f('fk_volunteer_team_member_team_id_volunteer_team')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_volunteer_team_member_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_team_member'))
    )
    with op.batch_alter_table('volunteer_team_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_team_member_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_team_member_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('volunteer_point_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('balance_after', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('redemption_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('recorded_by', sa.String(length=50), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind in ('服务积分', '兑换', '调整', '冲正')", name=op.f('ck_volunteer_point_entry_kind')),
    sa.CheckConstraint('balance_after >= 0', name=op.f('ck_volunteer_point_entry_balance_not_negative')),
    sa.ForeignKeyConstraint(['redemption_id'], ['volunteer_redemption.id'], name=op.f('fk_volunteer_point_entry_redemption_id_volunteer_redemption')),
    sa.ForeignKeyConstraint(['service_id'], ['volunteer_service.id'], name=op.f('fk_volunteer_point_entry_service_id_volunteer_service')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_volunteer_point_entry_volunteer_id_volunteer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_point_entry')),
    sa.UniqueConstraint('service_id', name=op.f('uq_volunteer_point_entry_service_id'))
    )
    with op.batch_alter_table('volunteer_point_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_point_entry_on_date'), ['on_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_point_entry_redemption_id'), ['redemption_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_point_entry_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('volunteer_redemption_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('redemption_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('points_each', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_volunteer_redemption_line_quantity_positive')),
    sa.ForeignKeyConstraint(['item_id'], ['volunteer_reward_item.id'], name=op.f('fk_volunteer_redemption_line_item_id_volunteer_reward_item')),
    sa.ForeignKeyConstraint(['redemption_id'], ['volunteer_redemption.id'], name=op.f('fk_volunteer_redemption_line_redemption_id_volunteer_redemption')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_redemption_line')),
    sa.UniqueConstraint('redemption_id', 'item_id', name='one_line_per_item')
    )
    with op.batch_alter_table('volunteer_redemption_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_redemption_line_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_redemption_line_redemption_id'), ['redemption_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('volunteer_redemption_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_redemption_line_redemption_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_redemption_line_item_id'))

    op.drop_table('volunteer_redemption_line')
    with op.batch_alter_table('volunteer_point_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_point_entry_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_point_entry_redemption_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_point_entry_on_date'))

    op.drop_table('volunteer_point_entry')
    with op.batch_alter_table('volunteer_team_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_team_member_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_team_member_team_id'))

    op.drop_table('volunteer_team_member')
    with op.batch_alter_table('volunteer_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_service_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_service_team_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_service_status'))
        batch_op.drop_index(batch_op.f('ix_volunteer_service_service_request_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_service_served_on'))

    op.drop_table('volunteer_service')
    with op.batch_alter_table('volunteer_redemption', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_redemption_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_redemption_on_date'))

    op.drop_table('volunteer_redemption')
    with op.batch_alter_table('party_study_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_study_attendance_member_id'))

    op.drop_table('party_study_attendance')
    with op.batch_alter_table('party_post', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_post_org_id'))
        batch_op.drop_index(batch_op.f('ix_party_post_member_id'))

    op.drop_table('party_post')
    with op.batch_alter_table('party_member_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_member_event_member_id'))

    op.drop_table('party_member_event')
    op.drop_table('volunteer')
    with op.batch_alter_table('party_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_member_status'))
        batch_op.drop_index(batch_op.f('ix_party_member_org_id'))

    op.drop_table('party_member')
    with op.batch_alter_table('party_study_day', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_study_day_org_id'))
        batch_op.drop_index(batch_op.f('ix_party_study_day_held_on'))

    op.drop_table('party_study_day')
    with op.batch_alter_table('party_org', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_org_unit_id'))
        batch_op.drop_index(batch_op.f('ix_party_org_parent_id'))
        batch_op.drop_index(batch_op.f('ix_party_org_grid_id'))
        batch_op.drop_index(batch_op.f('ix_party_org_building_id'))

    op.drop_table('party_org')
    op.drop_table('volunteer_team')
    op.drop_table('volunteer_reward_item')
    with op.batch_alter_table('volunteer_point_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_point_rule_kind'))

    op.drop_table('volunteer_point_rule')
