"""One module per screen (ledger) of the main window."""
