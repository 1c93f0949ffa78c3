"""Runtime: one turn — worker, dispatcher, context, sessions, replies and sending."""
