"""Engagements (one cycle of community input) and the district's schools."""
