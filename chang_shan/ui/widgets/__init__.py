"""Reusable pieces of the screens: filter bar, table view, household panel, action bar."""
