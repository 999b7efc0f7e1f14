"""The audit trail: what changed (the change journal) and who saw or took what (events), one
hash-chained sequence. Reading it is the administrator's permission."""
