"""Accounts, roles and permissions: who may do what, checked in the services (GUI and CLI alike)."""
