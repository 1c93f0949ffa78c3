"""Tools for people: the chat simulator, text view, chat CLI, rich menu deploy."""
