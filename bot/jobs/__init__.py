"""Work done outside a turn: deadline reminders and the draft sweep, run by `bot/jobs/scheduler.py`.

Jobs use the ports (core/ports.py) and push through LINE themselves; dialogs never push.
"""
