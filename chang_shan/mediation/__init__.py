"""人民调解: mediators, cases, parties, outcomes, agreements (人民调解法 第二十九条) and 回访."""
