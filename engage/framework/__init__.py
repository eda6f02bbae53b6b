"""From themes to a graduate profile: drafts, evidence, public comment, board votes, publication."""
