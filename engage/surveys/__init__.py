"""Surveys: definitions loaded from TOML, and the public answering flow."""
