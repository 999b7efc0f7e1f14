"""fees and indicators: self-managed property fees (rates, payments), 诚信借款 loans and repayments, the 八零 entries

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21 17:00:46.857076
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('eight_zero_entry',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('indicator', sa.String(length=20), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('entered_by', sa.String(length=50), nullable=False),
    sa.Column('entered_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.CheckConstraint('count >= 0', name=op.f('ck_eight_zero_entry_count_nonnegative')),
    sa.PrimaryKeyConstraint('year', 'indicator', name=op.f('pk_eight_zero_entry'))
    )
    op.create_table('property_fee_rate',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('rate', sa.Numeric(precision=8, scale=4), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.CheckConstraint('rate >= 0', name=op.f('ck_property_fee_rate_rate_nonnegative')),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_property_fee_rate'))
    )
    op.create_table('property_fee_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('receipt_number', sa.String(length=20), nullable=False),
    sa.Column('payer', sa.String(length=50), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('area_m2', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('rate', sa.Numeric(precision=8, scale=4), nullable=True),
    sa.Column('recorded_by', sa.String(length=50), nullable=False),
    sa.Column('voided_on', sa.Date(), nullable=True),
    sa.Column('void_reason', sa.String(length=200), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_property_fee_payment_amount_positive')),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_property_fee_payment_household_id_household')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_property_fee_payment')),
    sa.UniqueConstraint('receipt_number', name=op.f('uq_property_fee_payment_receipt_number'))
    )
    with op.batch_alter_table('property_fee_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_property_fee_payment_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_property_fee_payment_year'), ['year'], unique=False)

    op.create_table('loan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('borrower_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('repaid_fen', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('guarantor', sa.String(length=100), nullable=False),
    sa.Column('lent_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=4), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('approved_by', sa.String(length=50), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status in ('还款中', '已还清', '已核销')", name=op.f('ck_loan_status')),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_loan_amount_positive')),
    sa.CheckConstraint('due_on >= lent_on', name=op.f('ck_loan_due_after_lent')),
    sa.CheckConstraint('repaid_fen >= 0 and repaid_fen <= amount_fen', name=op.f('ck_loan_repaid_within_amount')),
    sa.ForeignKeyConstraint(['borrower_id'], ['resident.id'], name=op.f('fk_loan_borrower_id_resident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan')),
    sa.UniqueConstraint('number', name=op.f('uq_loan_number'))
    )
    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_borrower_id'), ['borrower_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_loan_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_loan_status'), ['status'], unique=False)

    op.create_table('loan_repayment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('receipt_number', sa.String(length=20), nullable=False),
    sa.Column('recorded_by', sa.String(length=50), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_loan_repayment_amount_positive')),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], name=op.f('fk_loan_repayment_loan_id_loan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_repayment'))
    )
    with op.batch_alter_table('loan_repayment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_repayment_loan_id'), ['loan_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('loan_repayment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loan_repayment_loan_id'))

    op.drop_table('loan_repayment')
    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loan_status'))
        batch_op.drop_index(batch_op.f('ix_loan_due_on'))
        batch_op.drop_index(batch_op.f('ix_loan_borrower_id'))

    op.drop_table('loan')
    with op.batch_alter_table('property_fee_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_property_fee_payment_year'))
        batch_op.drop_index(batch_op.f('ix_property_fee_payment_household_id'))

    op.drop_table('property_fee_payment')
    op.drop_table('property_fee_rate')
    op.drop_table('eight_zero_entry')
