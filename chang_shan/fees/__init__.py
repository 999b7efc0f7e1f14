"""自管物业费 (area × the year's rate, Decimal yuan, payments with receipts, arrears) and 诚信借款
loans (repayments, balances, overdue loans)."""
