"""The office side: officers' accounts, the transactional outbox, the case service (issue 12),
handoff tickets and the console's live feed (issue 13)."""
