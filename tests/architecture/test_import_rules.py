"""The walls between folders hold: dialogs never reach into integrations, integrations never into
the bot or the dialogs, the core into nothing of ours, jobs never into dialogs."""

from __future__ import annotations

from tests.architecture.rules import FORBIDDEN, all_violations, violations_in


def test_no_folder_imports_what_it_must_not() -> None:
    assert [str(v) for v in all_violations()] == []


def test_the_check_sees_top_level_lazy_and_aliased_imports() -> None:
    source = (
        "import integrations.line.client as line\n"
        "from integrations.storage.models import civic\n"
        "def later():\n"
        "    from integrations.sms import SmsSender\n"
        "from dialogs.base import Dialog\n"
        "from bot.runtime.replies import Text\n"
    )
    found = violations_in("dialogs/x.py", source, FORBIDDEN["dialogs"])
    assert [(v.line, v.imported) for v in found] == [
        (1, "integrations.line.client"), (2, "integrations.storage.models"), (4, "integrations.sms"),
    ]


def test_the_core_may_import_only_the_standard_library_and_itself() -> None:
    source = "import datetime\nfrom core.masking import mask_text\nfrom knowledge.schema import Service\n"
    assert [v.imported for v in violations_in("core/x.py", source, FORBIDDEN["core"])] == ["knowledge.schema"]
