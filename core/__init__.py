"""The domain: rules that hold whoever asks (a dialog, the officers' API, the console, a job).

Pure code with no I/O. It imports nothing from `bot/`, `dialogs/` or `integrations/`;
they import it.
"""
