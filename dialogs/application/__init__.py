"""Applications in the chat: consent, identity, the service's form, document photos, review, SMS OTP.

flow.py is the dialog (`DIALOG`): it joins the `QUESTIONS` and `HANDLERS` tables of identity.py,
form.py, documents.py and review.py; common.py holds the steps, the data and the moves between
sections. application.mmd is the state diagram.
"""

from __future__ import annotations

from dialogs.application.flow import DIALOG

__all__ = ["DIALOG"]
