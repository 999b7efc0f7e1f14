"""包保制 (who looks after which lone or dependent elder) and emergency contacts.

Not health data: reading needs ``Perm.VIEW``, writing ``Perm.EDIT``, and a 网格员 reaches only the
residents of their grids. Phones are masked unless the user may edit the resident.
"""
