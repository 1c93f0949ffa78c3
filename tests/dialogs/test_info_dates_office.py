"""Thai dates and durations; the office's hours, "open now" (weekend, holiday, weekday) and location."""

from __future__ import annotations

import dataclasses
import datetime as dt
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.runtime.context import TurnContext
from bot.runtime.replies import Card, LocationReply
from bot.runtime.services import Services
from bot.runtime.sessions import Session
from bot.tools.simulator import Simulator
from bot.transport.events import EventKind, InboundEvent
from core.thai_dates import relative_day, thai_date, thai_duration
from dialogs.office import location_replies, office_status
from knowledge.loader import holidays_of
from knowledge.schema import Duration
from knowledge.store import KnowledgeStore

BANGKOK = ZoneInfo("Asia/Bangkok")


def bangkok(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A Bangkok wall-clock time as the UTC instant services.clock returns."""
    return datetime(year, month, day, hour, minute, tzinfo=BANGKOK).astimezone(UTC)


# --- dates and durations ----------------------------------------------------------------------


def test_thai_dates_use_thai_names_and_the_buddhist_year(knowledge_store: KnowledgeStore) -> None:
    msg = knowledge_store.current.message
    assert thai_date(msg, dt.date(2026, 11, 30), weekday=True) == "วันจันทร์ที่ 30 พฤศจิกายน 2569"
    assert thai_date(msg, dt.date(2027, 1, 3)) == "3 มกราคม 2570"
    assert thai_date(msg, dt.date(2026, 2, 1), weekday=True) == "วันอาทิตย์ที่ 1 กุมภาพันธ์ 2569"
    today = dt.date(2026, 11, 29)
    assert relative_day(msg, dt.date(2026, 11, 30), today) == "พรุ่งนี้ (วันจันทร์ที่ 30 พฤศจิกายน 2569)"
    assert relative_day(msg, today, today).startswith("วันนี้ (วันอาทิตย์ที่ 29")


@pytest.mark.parametrize(
    ("value", "unit", "said"),
    [
        (46, "day", "46 วัน"),
        (60, "minute", "60 นาที"),
        (1, "hour", "1 ชั่วโมง"),
        (1.5, "hour", "1 ชั่วโมง 30 นาที"),
        (0.5, "day", "12 ชั่วโมง"),
        (1.5, "day", "1 วัน 12 ชั่วโมง"),
        (0, "day", "ทันที"),
    ],
)
def test_durations_in_thai(knowledge_store: KnowledgeStore, value: float, unit: str, said: str) -> None:
    assert thai_duration(knowledge_store.current.message, Duration(value=value, unit=unit)) == said  # type: ignore[arg-type]


def test_every_service_duration_reads_naturally(knowledge_store: KnowledgeStore) -> None:
    snapshot = knowledge_store.current
    said = {s.id: thai_duration(snapshot.message, s.total_duration) for s in snapshot.services.values()}
    assert said["signboard_tax"] == "46 วัน"
    assert said["commercial_registration_new"] == "60 นาที"
    assert all(text and "." not in text for text in said.values())


# --- open now ---------------------------------------------------------------------------------


def test_office_status_rules(knowledge_store: KnowledgeStore) -> None:
    snapshot = knowledge_store.current
    hours, calendar = snapshot.office.hours, holidays_of(snapshot)

    def at(*args: int) -> dt.datetime:
        return datetime(*args, tzinfo=BANGKOK)  # type: ignore[misc]

    assert office_status(hours, calendar, at(2026, 11, 30, 8, 30)).open_now  # opening minute
    assert not office_status(hours, calendar, at(2026, 11, 30, 16, 30)).open_now  # closing minute
    saturday = office_status(hours, calendar, at(2026, 11, 28, 10))
    assert not saturday.open_now and not saturday.working_day and saturday.holiday is None
    assert saturday.next_open == at(2026, 11, 30, 8, 30)
    # Sat 5 Dec (holiday), Mon 7 Dec (substitute holiday): next opening Tuesday
    father = office_status(hours, calendar, at(2026, 12, 5, 9))
    assert father.holiday is not None and father.next_open == at(2026, 12, 8, 8, 30)
    early = office_status(hours, calendar, at(2026, 12, 1, 7))
    assert early.before_opening and early.next_open == at(2026, 12, 1, 8, 30)


async def test_open_now_on_a_weekday_morning(sim: Simulator, services: Services) -> None:
    services.clock = lambda: bangkok(2026, 11, 30, 10)
    screen = await sim.text("ตอนนี้เปิดอยู่ไหม")
    assert "ตอนนี้เปิดทำการอยู่ค่ะ (ปิด 16:30 น.)" in screen.text
    assert "0-4475-6171" in screen.text
    assert "หมู่ 5 ตำบลท่าจะหลุง" in screen.text
    assert "วันจันทร์ถึงวันศุกร์ เวลา 08:30 - 16:30 น." in screen.text
    assert "tel:044756171" in {a.uri for a in screen.actions}


async def test_closed_on_saturday_says_when_it_opens(sim: Simulator, services: Services) -> None:
    services.clock = lambda: bangkok(2026, 11, 28, 10)
    screen = await sim.text("วันเสาร์เปิดไหม")
    assert "วันเสาร์ปิดทำการค่ะ" in screen.text
    assert "เปิดอีกครั้งวันจันทร์ที่ 30 พฤศจิกายน 2569 เวลา 08:30 น. ค่ะ" in screen.text
    assert "เปิดทำการอยู่" not in screen.text


async def test_closed_on_a_holiday_names_it(sim: Simulator, services: Services) -> None:
    services.clock = lambda: bangkok(2026, 12, 7, 10)  # Monday, substitute Father's Day holiday
    screen = await sim.text("เปิดกี่โมง")
    assert "วันหยุดราชการ (วันหยุดชดเชยวันพ่อแห่งชาติ)" in screen.text
    assert "เปิดอีกครั้งพรุ่งนี้ (วันอังคารที่ 8 ธันวาคม 2569) เวลา 08:30 น." in screen.text


async def test_after_hours_and_before_opening(sim: Simulator, services: Services) -> None:
    services.clock = lambda: bangkok(2026, 11, 27, 17)  # Friday evening
    evening = await sim.postback("a=office_hours")  # the menu button
    assert "วันนี้ปิดทำการแล้วค่ะ" in evening.text
    assert "วันจันทร์ที่ 30 พฤศจิกายน 2569" in evening.text
    services.clock = lambda: bangkok(2026, 12, 1, 7, 45)
    morning = await sim.text("เปิดกี่โมง")
    assert "วันนี้เปิดเวลา 08:30 น. ค่ะ" in morning.text


# --- location -----------------------------------------------------------------------------------


async def test_location_without_coordinates_links_a_map_search(sim: Simulator) -> None:
    screen = await sim.text("อบต.อยู่ตรงไหน")
    assert "หมู่ 5 ตำบลท่าจะหลุง อำเภอโชคชัย จังหวัดนครราชสีมา 30190" in screen.text
    [maps] = [a.uri for a in screen.actions if a.uri and "google.com/maps" in a.uri]
    assert maps.startswith("https://www.google.com/maps/search/?api=1&query=")
    assert "%E0%B8" in maps  # the Thai office name and address, URL-encoded
    again = await sim.text("อยู่ที่ไหนคะ")  # on its own: the office
    assert "google.com/maps" in " ".join(a.uri or "" for a in again.actions)
    from_card = await sim.text("เบอร์โทร อบต.")
    assert "0-4475-6171" in from_card.text
    tapped = await sim.choose("ดูแผนที่")
    assert "หมู่ 5 ตำบลท่าจะหลุง" in tapped.text


def test_location_with_coordinates_is_a_location_message(services: Services) -> None:
    snapshot = services.knowledge.current
    placed = dataclasses.replace(snapshot, office=snapshot.office.model_copy(
        update={"latitude": 14.7205, "longitude": 102.1732}))
    event = InboundEvent(event_id="t-1", kind=EventKind.text, line_type="message", user_id="Utest", text="แผนที่")
    ctx = TurnContext(event=event, session=Session(), knowledge=placed, services=services,
                      now=datetime(2026, 11, 30, 10, tzinfo=BANGKOK))
    [reply] = location_replies(ctx)
    assert isinstance(reply, LocationReply)
    assert (reply.latitude, reply.longitude) == (14.7205, 102.1732)
    assert reply.address == snapshot.office.address
    [card] = location_replies(dataclasses.replace(ctx, knowledge=snapshot))
    assert isinstance(card, Card)


# --- a day named in the question: yes or no first, today's state beside it ------------------------


async def test_a_named_day_gets_yes_or_no_in_a_short_answer(sim: Simulator, services: Services) -> None:
    services.clock = lambda: bangkok(2026, 11, 26, 10)  # Thursday
    saturday = await sim.text("วันเสาร์เปิดมั้ย")
    first = saturday.text.split("\n")[0]
    assert first.startswith("ไม่เปิดค่ะ") and "วันเสาร์ที่ 28 พฤศจิกายน 2569" in first
    assert "ตอนนี้เปิดทำการอยู่ค่ะ" in saturday.text  # today's hours beside the answer
    assert len(saturday.text) <= 300 and "หมู่ 5" not in saturday.text  # not the whole office card
    friday = await sim.text("พรุ่งนี้เปิดไหมคะ")
    assert friday.text.startswith("เปิดค่ะ พรุ่งนี้ (วันศุกร์ที่ 27 พฤศจิกายน 2569)") and "08:30–16:30" in friday.text
    monday = await sim.text("วันจันทร์เปิดกี่โมง")
    assert monday.text.startswith("เปิดค่ะ วันจันทร์ที่ 30 พฤศจิกายน 2569")
    card = await sim.choose("เวลาทำการ")  # the full card is one tap away
    assert "หมู่ 5 ตำบลท่าจะหลุง" in card.text


async def test_a_named_day_that_is_a_holiday_names_the_holiday(sim: Simulator, services: Services) -> None:
    services.clock = lambda: bangkok(2026, 12, 8, 10)  # Tuesday; Thursday 10 December is Constitution Day
    screen = await sim.text("วันพฤหัสเปิดไหม")
    assert screen.text.startswith("ไม่เปิดค่ะ วันพฤหัสบดีที่ 10 ธันวาคม 2569 เป็นวันหยุดราชการ (วันรัฐธรรมนูญ)")
    assert "วันทำการปกติเปิด 08:30–16:30 น." in screen.text and len(screen.text) <= 300
