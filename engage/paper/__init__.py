"""Paper surveys: the printable survey in a family's language, batches of numbered sheets handed
out at a place, and the staff screen that types a returned stack back in, sheet by sheet."""
