"""便民档案库 — home services and requests: taking a request, assigning it (any worker may pick up
another's open request: AB岗), completing it, the follow-up call (回访) and reopening. Reading
needs ``Perm.VIEW``, writing ``Perm.EDIT``; a 网格员 reaches the requests of their grids."""
