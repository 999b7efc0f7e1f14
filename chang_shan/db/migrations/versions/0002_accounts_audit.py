"""accounts, and the change journal as a hash-chained audit trail

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

The journal's ``undone`` flag goes (entries are never edited: an undo is an entry that points at
what it reverts); entries gain a kind (change or event), the resident they concern, details, and
the chain hashes, which are computed here for every existing entry.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=50), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("can_health", sa.Boolean(), nullable=False),
        sa.Column("can_wills", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("role in ('管理员', '社区工作者', '网格员', '只读')", name=op.f("ck_user_account_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    op.create_table(
        "user_grid",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["grid_id"], ["grid.id"], name=op.f("fk_user_grid_grid_id_grid")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_user_grid_user_id_user_account")),
        sa.PrimaryKeyConstraint("user_id", "grid_id", name=op.f("pk_user_grid")),
    )
    with op.batch_alter_table("change_set", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), nullable=False, server_default="change"))
        batch_op.add_column(sa.Column("resident_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("detail", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=False, server_default=""))
        batch_op.drop_column("undone")
        batch_op.create_index(batch_op.f("ix_change_set_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_change_set_resident_id"), ["resident_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_change_set_undoes_id"), ["undoes_id"], unique=False)
    with op.batch_alter_table("change_set", schema=None) as batch_op:
        batch_op.alter_column("kind", server_default=None)
        batch_op.alter_column("prev_hash", server_default=None)
        batch_op.alter_column("hash", server_default=None)

    from chang_shan.db.audit_chain import seal

    connection = op.get_bind()
    ids = [row[0] for row in connection.execute(sa.text("SELECT id FROM change_set ORDER BY id"))]
    seal(connection, ids)


def downgrade() -> None:
    with op.batch_alter_table("change_set", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_set_undoes_id"))
        batch_op.drop_index(batch_op.f("ix_change_set_resident_id"))
        batch_op.drop_index(batch_op.f("ix_change_set_kind"))
        batch_op.add_column(sa.Column("undone", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("detail")
        batch_op.drop_column("resident_id")
        batch_op.drop_column("kind")
    op.drop_table("user_grid")
    op.drop_table("user_account")
