"""initial schema: places, people, roles, journal

Revision ID: 0001
Revises: 
Create Date: 2026-11-21 08:30:42.348572
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('app_meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=4000), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_app_meta'))
    )
    op.create_table('change_set',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_name', sa.String(length=50), nullable=False),
    sa.Column('action', sa.String(length=200), nullable=False),
    sa.Column('undoes_id', sa.Integer(), nullable=True),
    sa.Column('undone', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['undoes_id'], ['change_set.id'], name=op.f('fk_change_set_undoes_id_change_set')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_set'))
    )
    with op.batch_alter_table('change_set', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_set_at'), ['at'], unique=False)

    op.create_table('grid',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grid')),
    sa.UniqueConstraint('code', name=op.f('uq_grid_code'))
    )
    op.create_table('building',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('sort_key', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind in ('楼房', '平房区')", name=op.f('ck_building_kind')),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_building_grid_id_grid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_building')),
    sa.UniqueConstraint('grid_id', 'name', name=op.f('uq_building_grid_id'))
    )
    with op.batch_alter_table('building', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_building_grid_id'), ['grid_id'], unique=False)

    op.create_table('change_row',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('change_set_id', sa.Integer(), nullable=False),
    sa.Column('table_name', sa.String(length=50), nullable=False),
    sa.Column('row_key', sa.JSON(), nullable=False),
    sa.Column('op', sa.String(length=6), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['change_set_id'], ['change_set.id'], name=op.f('fk_change_row_change_set_id_change_set')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_row'))
    )
    with op.batch_alter_table('change_row', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_row_change_set_id'), ['change_set_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_row_resident_id'), ['resident_id'], unique=False)

    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('contact_name', sa.String(length=50), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('in_party_committee', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_organisation_grid_id_grid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('name', name=op.f('uq_organisation_name'))
    )
    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('sort_key', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['building.id'], name=op.f('fk_unit_building_id_building')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('building_id', 'name', name=op.f('uq_unit_building_id'))
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_building_id'), ['building_id'], unique=False)

    op.create_table('household',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('room', sa.String(length=50), nullable=False),
    sa.Column('area_m2', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('head_id', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('dissolved_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('area_m2 is null or area_m2 >= 0', name=op.f('ck_household_area_nonnegative')),
    sa.ForeignKeyConstraint(['building_id'], ['building.id'], name=op.f('fk_household_building_id_building')),
    sa.ForeignKeyConstraint(['head_id'], ['resident.id'], name='fk_household_head_id_resident', use_alter=True),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_household_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household'))
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_head_id'), ['head_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_unit_id'), ['unit_id'], unique=False)

    op.create_table('household_tag',
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_household_tag_household_id_household')),
    sa.PrimaryKeyConstraint('household_id', 'tag', name=op.f('pk_household_tag'))
    )
    with op.batch_alter_table('household_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_tag_tag'), ['tag'], unique=False)

    op.create_table('resident',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('name_pinyin', sa.String(length=300), nullable=False),
    sa.Column('sex_code', sa.String(length=1), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('ethnicity_code', sa.String(length=2), nullable=False),
    sa.Column('relation_code', sa.String(length=2), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('residence_type', sa.String(length=8), nullable=False),
    sa.Column('employment', sa.String(length=50), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('moved_in_on', sa.Date(), nullable=True),
    sa.Column('moved_out_on', sa.Date(), nullable=True),
    sa.Column('died_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("sex_code in ('0', '1', '2', '9')", name=op.f('ck_resident_sex_code')),
    sa.CheckConstraint("status in ('在册', '已迁出', '已故')", name=op.f('ck_resident_status')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_resident_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resident')),
    sa.UniqueConstraint('id_number', name=op.f('uq_resident_id_number'))
    )
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_birth_date'), ['birth_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_name_pinyin'), ['name_pinyin'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_phone'), ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_status'), ['status'], unique=False)

    op.create_table('movement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('from_household_id', sa.Integer(), nullable=True),
    sa.Column('to_household_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['from_household_id'], ['household.id'], name=op.f('fk_movement_from_household_id_household')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_movement_resident_id_resident')),
    sa.ForeignKeyConstraint(['to_household_id'], ['household.id'], name=op.f('fk_movement_to_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_movement'))
    )
    with op.batch_alter_table('movement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_movement_resident_id'), ['resident_id'], unique=False)

    op.create_table('resident_group',
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('group', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_resident_group_resident_id_resident')),
    sa.PrimaryKeyConstraint('resident_id', 'group', name=op.f('pk_resident_group'))
    )
    with op.batch_alter_table('resident_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_group_group'), ['group'], unique=False)

    op.create_table('role_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('building_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.CheckConstraint("(role = '网格长' and grid_id is not null and building_id is null and unit_id is null) or (role = '楼栋长' and building_id is not null and grid_id is null and unit_id is null) or (role = '单元长' and unit_id is not null and grid_id is null and building_id is null)", name=op.f('ck_role_assignment_scope_matches_role')),
    sa.ForeignKeyConstraint(['building_id'], ['building.id'], name=op.f('fk_role_assignment_building_id_building')),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_role_assignment_grid_id_grid')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_role_assignment_resident_id_resident')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_role_assignment_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_assignment'))
    )
    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_assignment_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_assignment_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_assignment_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_assignment_unit_id'), ['unit_id'], unique=False)

    _create_search_index()


def _create_search_index() -> None:
    """Full-text index of residents (SQLite FTS5; see chang_shan/population/search.py).

    ``resident_search`` (unicode61) holds words separated by spaces, written by search.py: the
    name and the address character by character (so one- and two-character queries work and
    rare characters are kept; numbers in addresses stay whole), the pinyin and the initials from
    every syllable boundary, for prefix queries. ``resident_digits`` (trigram) holds the ID number
    and the phone, for fragments of three digits or more anywhere in them. ``state`` is
    ``active`` (在册) or ``gone`` in both, so that counting the residents a search shows needs no
    join. In both the rowid is the resident id. Other databases have neither; search falls back
    to LIKE there.
    """
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE resident_search USING fts5("
        "name, pinyin, initials, address, state, tokenize='unicode61', prefix='1 2 3')"
    )
    version = tuple(int(p) for p in op.get_bind().exec_driver_sql("select sqlite_version()").scalar().split("."))
    if version >= (3, 34):  # the trigram tokenizer; without it ID and phone fragments use LIKE
        op.execute("CREATE VIRTUAL TABLE resident_digits USING fts5(digits, state, tokenize='trigram')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS resident_digits")
        op.execute("DROP TABLE IF EXISTS resident_search")
    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_assignment_unit_id'))
        batch_op.drop_index(batch_op.f('ix_role_assignment_resident_id'))
        batch_op.drop_index(batch_op.f('ix_role_assignment_grid_id'))
        batch_op.drop_index(batch_op.f('ix_role_assignment_building_id'))

    op.drop_table('role_assignment')
    with op.batch_alter_table('resident_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_group_group'))

    op.drop_table('resident_group')
    with op.batch_alter_table('movement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_movement_resident_id'))

    op.drop_table('movement')
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_status'))
        batch_op.drop_index(batch_op.f('ix_resident_phone'))
        batch_op.drop_index(batch_op.f('ix_resident_name'))
        batch_op.drop_index(batch_op.f('ix_resident_household_id'))
        batch_op.drop_index(batch_op.f('ix_resident_birth_date'))

    op.drop_table('resident')
    with op.batch_alter_table('household_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_tag_tag'))

    op.drop_table('household_tag')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_unit_id'))
        batch_op.drop_index(batch_op.f('ix_household_head_id'))
        batch_op.drop_index(batch_op.f('ix_household_building_id'))

    op.drop_table('household')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_building_id'))

    op.drop_table('unit')
    op.drop_table('organisation')
    with op.batch_alter_table('change_row', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_row_resident_id'))
        batch_op.drop_index(batch_op.f('ix_change_row_change_set_id'))

    op.drop_table('change_row')
    with op.batch_alter_table('building', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_building_grid_id'))

    op.drop_table('building')
    op.drop_table('grid')
    with op.batch_alter_table('change_set', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_set_at'))

    op.drop_table('change_set')
    op.drop_table('app_meta')
