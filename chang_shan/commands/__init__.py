"""Headless subcommands kept out of cli.py, one module per area (see cli.COMMAND_MODULES)."""
