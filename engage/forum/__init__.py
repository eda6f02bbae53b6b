"""The community forum: threads the district opens, posts and replies from anyone, endorsements,
reports and moderation, and the "see and rate what others said" flow after a survey."""
