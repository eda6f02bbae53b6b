"""The leaders' workspace: reading responses (dashboards and themes build on it)."""
