"""The form helper the application, the complaint and the checklist share (dialogs/base.py)."""

from __future__ import annotations

from dialogs.application.common import IDENTITY
from dialogs.base import Form, Slot
from dialogs.complaint import FORM as COMPLAINT
from dialogs.complaint import Data as ComplaintData


def test_the_next_question_is_the_first_slot_not_filled_whatever_came_early() -> None:
    early = ComplaintData(category="water", photos_done=True, photo_keys=["complaints/a.jpg"])
    assert [s.step for s in COMPLAINT.missing(early)] == ["description", "location", "consent"]
    assert COMPLAINT.next_missing(early) is not None and COMPLAINT.next_missing(early).step == "description"  # type: ignore[union-attr]
    done = early.model_copy(update={"description": "น้ำไม่ไหล", "location_done": True, "consent": False})
    assert COMPLAINT.next_missing(done) is None


def test_walking_a_form_in_order_ends_after_the_last_slot() -> None:
    assert IDENTITY.steps == ("name", "national_id", "phone", "address")
    assert IDENTITY.after("national_id") is not None and IDENTITY.after("national_id").step == "phone"  # type: ignore[union-attr]
    assert IDENTITY.after("address") is None
    parsed = IDENTITY["national_id"].parse("1101700203450")  # type: ignore[misc]
    assert parsed.ok and IDENTITY["national_id"].shown(parsed.value) == "1-1017-00203-45-0"


def test_a_form_of_settled_answers() -> None:
    form: Form[set[str]] = Form(tuple(Slot(c, lambda done, c=c: c in done) for c in ("a", "b", "c")))  # type: ignore[misc]
    assert [s.step for s in form.missing({"b"})] == ["a", "c"]
