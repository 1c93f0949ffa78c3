"""The office side: officers' accounts, the transactional outbox, the case service (issue 12)."""
