"""The office side: officers' accounts, cases, handoff tickets, the outbox."""
