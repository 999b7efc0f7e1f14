"""Safety devices: smart gas alarms per household, extinguishers and smoke detectors per unit (the
micro fire station): installation, inspections, expiry, replacement and the unit-by-unit coverage.
Reading needs ``Perm.VIEW``, writing ``Perm.EDIT``; a 网格员 reaches the devices of their grids."""
