"""Surveys built, translated, previewed and opened in the browser (issue 12)."""
