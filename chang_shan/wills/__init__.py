"""遗嘱库: the will registry — registrations of wills checked against the Civil Code (民法典
第1133–1142条), their custody, witnesses, the people who may view or collect them after death, the
chain of wills of one testator, and scans or recordings. Everything here needs ``Perm.WILLS``
(writing also ``Perm.EDIT``), and a 网格员 reaches only the residents of their grids."""
