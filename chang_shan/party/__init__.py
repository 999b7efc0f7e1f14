"""党建: the party network (社区党委 → 党支部 → 党小组 → 党员家庭户), members, posts, status changes,
the monthly study day and its attendance. Keeps the 党员家庭户 household tag in step."""
