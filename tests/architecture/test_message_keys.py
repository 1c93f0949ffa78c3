"""Every message key the code uses exists in knowledge/national/messages: a key deleted from the
YAML must fail here, not in a citizen's conversation."""

from __future__ import annotations

import pytest

from core.applications import ApplicationStatus
from core.complaints import ComplaintCategory
from core.intents import INTENTS
from dialogs.application.common import Step as ApplicationStep
from dialogs.complaint import GUESS_ORDER
from dialogs.fallback import SUGGESTIBLE
from knowledge.schema import Category
from tests.architecture.message_keys import all_key_uses, key_uses, message_keys, namespaces

# literals shaped like keys that are not messages: outbox purposes of the case lifecycle
NOT_MESSAGE_KEYS = frozenset({"case.transition", "case.reminder", "case.alert"})


@pytest.fixture(scope="module")
def keys() -> set[str]:
    return message_keys()


def test_every_literal_key_in_the_code_is_a_message(keys: set[str]) -> None:
    uses = [u for u in all_key_uses(namespaces(keys)) if not u.formatted and u.key not in NOT_MESSAGE_KEYS]
    assert len(uses) > 240  # the check does see the code's keys
    assert [str(u) for u in uses if u.key not in keys] == []


def test_every_formatted_key_has_messages_under_its_prefix(keys: set[str]) -> None:
    formatted = [u for u in all_key_uses(namespaces(keys)) if u.formatted]
    assert formatted
    assert [str(u) for u in formatted if not any(k.startswith(u.key) for k in keys)] == []


@pytest.mark.parametrize(("prefix", "values"), [
    ("application.step.", [s.value for s in ApplicationStep]),  # the drafts list names the step stopped at
    ("application.category.", [c.value for c in Category]),
    ("services.category.", [c.value for c in Category]),
    ("complaint.category.", [c.value for c in ComplaintCategory]),
    ("complaint.words.", list(GUESS_ORDER)),
    ("fallback.intent.", list(SUGGESTIBLE)),
    ("remind.words.", ["stop", "list", "subscribe"]),
    ("application.status.", [s.value for s in ApplicationStatus if s is not ApplicationStatus.draft]),
])
def test_formatted_keys_exist_for_every_value_the_code_can_put_in(keys: set[str], prefix: str,
                                                                   values: list[str]) -> None:
    assert [f"{prefix}{v}" for v in values if f"{prefix}{v}" not in keys] == []
    assert set(SUGGESTIBLE) <= INTENTS


def test_the_scan_finds_literals_and_formatted_keys_and_skips_other_dotted_strings() -> None:
    source = (
        'ctx.msg("application.error.name_digits")\n'
        'ctx.msg(f"application.step.{step}")\n'
        'log = logging.getLogger("bot.runtime")\n'
        'path = "application.yaml"\n'
    )
    found = [(u.key, u.formatted) for u in key_uses("x.py", source, {"application"})]
    assert sorted(found) == [("application.error.name_digits", False), ("application.step.", True)]
