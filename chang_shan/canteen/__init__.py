"""乐龄食堂: canteen members (eating in or delivered: lone elders first), the day's meal lists per
delivery route, the meals served and each person's monthly statement. Money is ``Decimal`` yuan
(stored as fen), never a float. Reading needs ``Perm.VIEW``, writing ``Perm.EDIT``."""
