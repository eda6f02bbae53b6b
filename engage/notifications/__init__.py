"""Staff notifications by email: events queued with the change that caused them, delivered by
SMTP with retries, in each recipient's own language. Families are never emailed."""
