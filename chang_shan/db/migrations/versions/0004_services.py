"""便民档案库: service requests and their history, the seniors' canteen, safety devices

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21

New tables only. The seven built-in service categories (理发 … 维修) are written here, frozen
(a later change of ``BUILTIN_CATEGORIES`` does not touch databases already migrated).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

BUILTIN_CATEGORIES = ("理发", "洗澡", "配餐", "医药", "家政", "代办", "维修")


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('service_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_category')),
    sa.UniqueConstraint('name', name=op.f('uq_service_category_name'))
    )
    op.create_table('safety_device',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=5), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=50), nullable=False),
    sa.Column('model', sa.String(length=50), nullable=False),
    sa.Column('serial', sa.String(length=50), nullable=False),
    sa.Column('installed_on', sa.Date(), nullable=False),
    sa.Column('last_inspected_on', sa.Date(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=3), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.CheckConstraint("kind in ('燃气报警器', '灭火器', '烟感报警器')", name=op.f('ck_safety_device_kind')),
    sa.CheckConstraint("status in ('在用', '已更换', '已拆除')", name=op.f('ck_safety_device_status')),
    sa.CheckConstraint('household_id is not null or unit_id is not null or building_id is not null', name=op.f('ck_safety_device_placed')),
    sa.ForeignKeyConstraint(['building_id'], ['building.id'], name=op.f('fk_safety_device_building_id_building')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_safety_device_household_id_household')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_safety_device_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_device'))
    )
    with op.batch_alter_table('safety_device', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safety_device_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_safety_device_expires_on'), ['expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_safety_device_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_safety_device_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_safety_device_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_safety_device_unit_id'), ['unit_id'], unique=False)

    op.create_table('canteen_meal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('meal', sa.String(length=2), nullable=False),
    sa.Column('mode', sa.String(length=2), nullable=False),
    sa.Column('route', sa.String(length=20), nullable=False),
    sa.Column('price_fen', sa.Integer(), nullable=False),
    sa.CheckConstraint("meal in ('午餐', '晚餐')", name=op.f('ck_canteen_meal_meal')),
    sa.CheckConstraint("mode in ('堂食', '送餐')", name=op.f('ck_canteen_meal_mode')),
    sa.CheckConstraint('price_fen >= 0', name=op.f('ck_canteen_meal_price')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_canteen_meal_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_canteen_meal')),
    sa.UniqueConstraint('resident_id', 'on_date', 'meal', name='one_per_meal')
    )
    with op.batch_alter_table('canteen_meal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_canteen_meal_on_date'), ['on_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_canteen_meal_resident_id'), ['resident_id'], unique=False)

    op.create_table('canteen_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=2), nullable=False),
    sa.Column('lunch', sa.Boolean(), nullable=False),
    sa.Column('dinner', sa.Boolean(), nullable=False),
    sa.Column('route', sa.String(length=20), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.CheckConstraint("mode in ('堂食', '送餐')", name=op.f('ck_canteen_member_mode')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_canteen_member_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_canteen_member'))
    )
    with op.batch_alter_table('canteen_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_canteen_member_resident_id'), ['resident_id'], unique=False)

    op.create_table('device_inspection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('result', sa.String(length=3), nullable=False),
    sa.Column('inspector', sa.String(length=50), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.CheckConstraint("result in ('正常', '需维修', '已更换')", name=op.f('ck_device_inspection_result')),
    sa.ForeignKeyConstraint(['device_id'], ['safety_device.id'], name=op.f('fk_device_inspection_device_id_safety_device')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_inspection'))
    )
    with op.batch_alter_table('device_inspection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_inspection_device_id'), ['device_id'], unique=False)

    op.create_table('service_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('content', sa.String(length=500), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=4), nullable=False),
    sa.Column('assignee_kind', sa.String(length=6), nullable=True),
    sa.Column('assignee_user_id', sa.Integer(), nullable=True),
    sa.Column('assignee_team', sa.String(length=50), nullable=False),
    sa.Column('assignee_resident_id', sa.Integer(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('result', sa.String(length=500), nullable=False),
    sa.Column('revisited_on', sa.Date(), nullable=True),
    sa.Column('satisfaction', sa.String(length=4), nullable=True),
    sa.Column('revisit_note', sa.String(length=500), nullable=False),
    sa.Column('reopened', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("assignee_kind is null or assignee_kind in ('worker', 'team', 'person')", name=op.f('ck_service_request_assignee_kind')),
    sa.CheckConstraint("channel in ('电话', '上门', '百姓说事点', '网格员')", name=op.f('ck_service_request_channel')),
    sa.CheckConstraint("satisfaction is null or satisfaction in ('满意', '基本满意', '不满意')", name=op.f('ck_service_request_satisfaction')),
    sa.CheckConstraint("status in ('待办', '处理中', '已完成', '已回访')", name=op.f('ck_service_request_status')),
    sa.CheckConstraint('resident_id is not null or household_id is not null', name=op.f('ck_service_request_for_someone')),
    sa.ForeignKeyConstraint(['assignee_resident_id'], ['resident.id'], name=op.f('fk_service_request_assignee_resident_id_resident')),
    sa.ForeignKeyConstraint(['assignee_user_id'], ['user_account.id'], name=op.f('fk_service_request_assignee_user_id_user_account')),
    sa.ForeignKeyConstraint(['category_id'], ['service_category.id'], name=op.f('fk_service_request_category_id_service_category')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_service_request_household_id_household')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_service_request_resident_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_request'))
    )
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_request_assignee_resident_id'), ['assignee_resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_assignee_user_id'), ['assignee_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_completed_on'), ['completed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_request_status'), ['status'], unique=False)

    op.create_table('service_request_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('user_name', sa.String(length=32), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['service_request.id'], name=op.f('fk_service_request_event_request_id_service_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_request_event'))
    )
    with op.batch_alter_table('service_request_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_request_event_request_id'), ['request_id'], unique=False)

    # Without explicit ids: the database numbers them (1–7 on a fresh table), so PostgreSQL's
    # sequence stays ahead of them and the office's own categories get the next numbers.
    categories = sa.table(
        "service_category", sa.column("name", sa.String),
        sa.column("position", sa.Integer), sa.column("builtin", sa.Boolean), sa.column("active", sa.Boolean),
    )
    op.bulk_insert(categories, [
        {"name": name, "position": i, "builtin": True, "active": True}
        for i, name in enumerate(BUILTIN_CATEGORIES, start=1)
    ])


def downgrade() -> None:
    with op.batch_alter_table('service_request_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_request_event_request_id'))

    op.drop_table('service_request_event')
    with op.batch_alter_table('service_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_request_status'))
        batch_op.drop_index(batch_op.f('ix_service_request_resident_id'))
        batch_op.drop_index(batch_op.f('ix_service_request_received_on'))
        batch_op.drop_index(batch_op.f('ix_service_request_household_id'))
        batch_op.drop_index(batch_op.f('ix_service_request_due_on'))
        batch_op.drop_index(batch_op.f('ix_service_request_completed_on'))
        batch_op.drop_index(batch_op.f('ix_service_request_category_id'))
        batch_op.drop_index(batch_op.f('ix_service_request_assignee_user_id'))
        batch_op.drop_index(batch_op.f('ix_service_request_assignee_resident_id'))

    op.drop_table('service_request')
    with op.batch_alter_table('device_inspection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_inspection_device_id'))

    op.drop_table('device_inspection')
    with op.batch_alter_table('canteen_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_canteen_member_resident_id'))

    op.drop_table('canteen_member')
    with op.batch_alter_table('canteen_meal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_canteen_meal_resident_id'))
        batch_op.drop_index(batch_op.f('ix_canteen_meal_on_date'))

    op.drop_table('canteen_meal')
    with op.batch_alter_table('safety_device', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safety_device_unit_id'))
        batch_op.drop_index(batch_op.f('ix_safety_device_status'))
        batch_op.drop_index(batch_op.f('ix_safety_device_kind'))
        batch_op.drop_index(batch_op.f('ix_safety_device_household_id'))
        batch_op.drop_index(batch_op.f('ix_safety_device_expires_on'))
        batch_op.drop_index(batch_op.f('ix_safety_device_building_id'))

    op.drop_table('safety_device')
    op.drop_table('service_category')
