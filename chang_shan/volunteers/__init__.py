"""志愿者 (红马甲): teams, volunteers, service records confirmed before they count, and the points
bank (rules, ledger with a running balance never below zero, goods with stock, redemptions)."""
