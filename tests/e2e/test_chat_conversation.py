"""The whole conversation over `execora chat --jsonl`: every kind of shop work, follow-ups, several
commands at once, corrections and changes to a bill being read back; the books checked in Postgres."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from business.shoptime import IST
from tests.e2e.call_harness import create_demo_shop
from tests.e2e.chat_harness import chat, chat_env, says

pytestmark = pytest.mark.slow


@pytest.fixture
def env(database_url: str, redis_url: str, data_dir: Path) -> dict[str, str]:
    return chat_env(database_url, redis_url, data_dir)


async def talk(shop: Any, env: dict[str, str], *lines: str) -> list[dict[str, Any]]:
    return await chat(shop.owner_phone, says(*lines), env=env)


async def test_the_readme_demo_keeps_the_chosen_rahul(pool: Any, env: dict[str, str]) -> None:
    shop = await create_demo_shop(pool)
    which, balance, bill, yes = await talk(
        shop, env, "Rahul ka balance batao", "station road wale", "Rahul ko do packet doodh udhaar", "haan")
    station = shop.customers["Rahul/station road"]
    assert which["result"]["error"] == "ambiguous_customer" and "Rahul" in which["reply"]
    assert balance["result"]["customer_id"] == station
    assert bill["action"] == "create_invoice" and bill["result"]["customer_id"] == station
    assert yes["result"] is None and yes["reply"]  # nothing was waiting: nothing done, nothing asked
    total = await pool.fetchval("SELECT total_paise FROM invoices WHERE customer_id = $1", station)
    assert total == 6000


async def test_a_question_for_a_missing_piece_is_answered_by_a_fragment(pool: Any, env: dict[str, str]) -> None:
    shop = await create_demo_shop(pool)
    ask_paid, paid, ask_udhaar, udhaar, ask_when, when = await talk(
        shop, env, "Suresh ne paise diye", "teen sau", "Meena ko udhaar likho", "paanch sau",
        "Meena ko reminder bhejo", "kal shaam 7 baje")
    assert ask_paid["result"] == {"asked": "ask_amount"} and paid["result"]["amount_paise"] == 30000
    assert ask_udhaar["result"] == {"asked": "ask_amount"} and udhaar["result"]["amount_paise"] == 50000
    assert ask_when["result"] == {"asked": "ask_when"} and when["action"] == "schedule_reminder"
    due = await pool.fetchval("SELECT due_at FROM reminders WHERE customer_id = $1", shop.customers["Meena"])
    tomorrow = datetime.now(IST).date() + timedelta(days=1)
    assert due.astimezone(IST) == datetime(tomorrow.year, tomorrow.month, tomorrow.day, 19, 0, tzinfo=IST)


async def test_a_new_command_replaces_an_unanswered_question(pool: Any, env: dict[str, str]) -> None:
    shop = await create_demo_shop(pool)
    asked, other, fragment = await talk(shop, env, "Meena ko udhaar likho", "Suresh ka balance batao", "paanch sau")
    assert asked["result"] == {"asked": "ask_amount"} and other["action"] == "balance"
    assert fragment["action"] is None  # the question was dropped: "paanch sau" alone books nothing
    assert await pool.fetchval("SELECT count(*) FROM ledger_entries WHERE customer_id = $1",
                               shop.customers["Meena"]) == 0


async def test_several_commands_in_one_sentence_all_run(pool: Any, env: dict[str, str]) -> None:
    shop = await create_demo_shop(pool)
    (three, two_bills, yes) = await talk(
        shop, env, "Suresh ne 100 diye, Meena ka balance batao aur milk ka stock kitna hai",
        "Suresh ko 50 packet milk aur Meena ko 60 packet bread", "haan")
    assert [c["intent"] for c in three["result"]["commands"]] == ["record_payment", "check_balance", "check_stock"]
    first, second = two_bills["result"]["commands"]
    assert first["action"] == "create_invoice" and second.get("awaiting_confirmation")  # 2,400 is over the limit
    assert yes["result"]["confirmed"] is True
    rows = await pool.fetch("SELECT customer_id, total_paise FROM invoices WHERE shop_id = $1 ORDER BY id",
                            shop.shop_id)
    assert [(r["customer_id"], r["total_paise"]) for r in rows] == [
        (shop.customers["Suresh"], 150000), (shop.customers["Meena"], 240000)]


async def test_a_read_back_is_corrected_then_confirmed_once(pool: Any, env: dict[str, str]) -> None:
    shop = await create_demo_shop(pool)
    asked, corrected, yes, again = await talk(shop, env, "Suresh ne 3000 diye", "nahi, 2500", "haan", "haan")
    assert asked["result"] == {"awaiting_confirmation": True}
    assert corrected["result"] == {"awaiting_confirmation": True} and "dhai hazaar" in corrected["reply"]
    assert yes["result"]["amount_paise"] == 250000 and again["action"] is None
    amounts = await pool.fetch("SELECT amount_paise FROM payments WHERE customer_id = $1", shop.customers["Suresh"])
    assert [r["amount_paise"] for r in amounts] == [250000]


async def test_the_bill_being_read_back_is_the_draft(pool: Any, env: dict[str, str]) -> None:
    shop = await create_demo_shop(pool)
    draft, discounted, more, reread, yes = await talk(
        shop, env, "Suresh ko 100 packet milk", "10 percent kam karo", "aur ek bread bhi", "abhi tak ka bill sunao",
        "haan")
    assert draft["result"] == {"awaiting_confirmation": True} and "teen hazaar" in draft["reply"]
    assert discounted["intent"] == "apply_discount" and "do hazaar saat sau" in discounted["reply"]
    assert more["result"] == {"awaiting_confirmation": True} and "bread" in more["reply"]
    assert reread["reply"] == more["reply"]
    assert yes["result"]["confirmed"] is True
    invoice = await pool.fetchrow("SELECT id, total_paise FROM invoices WHERE customer_id = $1",
                                  shop.customers["Suresh"])
    lines = await pool.fetch("SELECT description FROM invoice_lines WHERE invoice_id = $1 ORDER BY id", invoice["id"])
    assert [r["description"] for r in lines] == ["milk", "bread"]
    assert invoice["total_paise"] == yes["result"]["total_paise"] < 310000


async def test_a_dropped_draft_books_nothing(pool: Any, env: dict[str, str]) -> None:
    shop = await create_demo_shop(pool)
    _, dropped = await talk(shop, env, "Suresh ko 100 packet milk", "ye bill hata do")
    assert dropped["result"] == {"draft": "cancelled"}
    assert await pool.fetchval("SELECT count(*) FROM invoices WHERE shop_id = $1", shop.shop_id) == 0


async def test_an_unknown_customer_is_offered_as_new(pool: Any, env: dict[str, str]) -> None:
    shop = await create_demo_shop(pool)
    offer, yes, balance = await talk(shop, env, "Pinky ne 100 diye", "haan", "Pinky ka balance batao")
    assert offer["action"] == "add_customer" and "Pinky" in offer["reply"]
    assert yes["action"] == "record_payment" and yes["result"]["amount_paise"] == 10000
    assert balance["result"]["balance_paise"] == -10000


async def test_stock_in_out_and_counted(pool: Any, env: dict[str, str]) -> None:
    shop = await create_demo_shop(pool)
    received, level, damaged, yes1, counted, yes2, low = await talk(
        shop, env, "bees kilo chini aaya hai", "Milk ka stock kitna hai?", "2 packet milk kharab ho gaya", "haan",
        "milk ka stock 50 kar do", "haan", "kya khatam ho raha hai")
    assert received["action"] == "receive_stock" and received["result"]["stock_milli"] == 120000
    assert level["result"]["stock_milli"] == 100000
    assert damaged["result"] == {"awaiting_confirmation": True} and yes1["result"]["stock_milli"] == 98000
    assert counted["result"] == {"awaiting_confirmation": True} and yes2["result"]["stock_milli"] == 50000
    assert low["action"] == "check_stock"
    stock = await pool.fetchval("SELECT stock_milli FROM products WHERE id = $1", shop.products["milk"])
    assert stock == 50000
    reasons = await pool.fetch("SELECT reason FROM stock_moves WHERE product_id = $1 AND reason IS NOT NULL ORDER BY id",
                               shop.products["milk"])
    assert [r["reason"] for r in reasons][:1] == ["damaged"]


async def test_customers_and_products_by_phone(pool: Any, env: dict[str, str]) -> None:
    shop = await create_demo_shop(pool)
    out = await talk(
        shop, env, "naya customer Pinky, number 9876543210", "haan", "Pinky ka naam Pinky Sharma kar do", "haan",
        "Pinky Sharma ki jaankari do", "Suresh ko wholesale customer bana do", "haan",
        "naya item Amul butter 100 gram, 60 rupaye", "haan", "Suresh ko delete karo")
    added, renamed, info, tier, product, kept = out[1], out[3], out[4], out[6], out[8], out[9]
    assert added["action"] == "add_customer" and renamed["result"]["changed"] == ["name"]
    assert "4 3 2 1 0" in info["reply"]
    assert tier["result"]["changed"] == ["price_tier"] and product["result"]["price_paise"] == 6000
    assert kept["result"]["deleted"] is False
    row = await pool.fetchrow("SELECT name, phone FROM customers WHERE id = $1", added["result"]["customer_id"])
    assert row["name"] == "Pinky Sharma" and row["phone"].endswith("9876543210")
    assert await pool.fetchval("SELECT price_tier FROM customers WHERE id = $1", shop.customers["Suresh"]) == "wholesale"
    history = await pool.fetch("SELECT via FROM customer_changes WHERE customer_id = $1",
                               added["result"]["customer_id"])
    assert {r["via"] for r in history} == {"phone"}


async def test_reminders_scheduled_moved_listed_cancelled(pool: Any, env: dict[str, str]) -> None:
    shop = await create_demo_shop(pool)
    out = await talk(shop, env, "Suresh ko 500 ka reminder kal shaam 7 baje bhejna", "Meena ko somvar ko reminder bhejo",
                     "Suresh ka reminder parso kar do", "haan", "reminder dikhao", "Meena ka reminder hata do", "haan")
    scheduled, weekday, _, moved, listed, _, cancelled = out
    today = datetime.now(IST).date()
    assert datetime.fromisoformat(scheduled["result"]["due_at"]) == datetime.combine(
        today + timedelta(days=1), datetime.min.time(), IST).replace(hour=19)
    monday = datetime.fromisoformat(weekday["result"]["due_at"])
    assert monday.weekday() == 0 and monday.hour == 10 and monday.date() > today
    assert datetime.fromisoformat(moved["result"]["due_at"]).date() == today + timedelta(days=2)
    assert len(listed["result"]["reminders"]) == 2
    assert cancelled["result"]["status"] == "cancelled"
    rows = await pool.fetch("SELECT status FROM reminders WHERE shop_id = $1 ORDER BY id", shop.shop_id)
    assert [r["status"] for r in rows] == ["scheduled", "cancelled"]


async def test_reports_language_recording_and_documents(pool: Any, env: dict[str, str]) -> None:
    shop = await create_demo_shop(pool)
    out = await talk(shop, env, "aaj kitna sale hua", "is hafte ki bikri batao", "pichle mahine ki GST report bhejo",
                     "Suresh ko bill WhatsApp kar do", "recording band karo", "English mein bolo", "namaste")
    today, week, gst, send, recording, english, hello = out
    assert today["action"] == "daily_summary" and "until" not in today["result"]
    assert week["result"]["until"] == datetime.now(IST).date().isoformat()
    assert gst["action"] == "export_gst_report" and gst["result"]["kind"] == "gst_csv"  # on its way to the owner
    assert send["action"] == "send_invoice" or send["result"]["error"] in ("invoice_not_found", "no_phone_to_send_to")
    assert recording["result"] == {"recording": False}
    assert english["result"] == {"language": "en"} and hello["reply"].startswith("Hello")


async def test_bill_bana_do_asks_whose_and_what(pool: Any, env: dict[str, str]) -> None:
    shop = await create_demo_shop(pool)
    whose, what, booked, again, stranger, yes, items = await talk(
        shop, env, "bill bana do", "Meena", "ek kilo chini", "bill bana do", "Lakshmi", "haan", "do packet doodh")
    assert whose["result"] == {"asked": "ask_customer"}
    assert what["intent"] == "create_invoice" and what["result"] == {"asked": "ask_product"}
    assert booked["action"] == "create_invoice" and booked["result"]["customer_id"] == shop.customers["Meena"]
    assert again["result"] == {"asked": "ask_customer"}  # the last customer is not assumed
    assert stranger["action"] == "add_customer" and "Lakshmi" in stranger["reply"]
    assert yes["result"]["asked"] == "ask_product"  # Lakshmi added; now what does she take?
    assert items["action"] == "create_invoice"
    lakshmi = await pool.fetchval("SELECT id FROM customers WHERE shop_id = $1 AND name = 'Lakshmi'", shop.shop_id)
    totals = await pool.fetch("SELECT customer_id, total_paise FROM invoices WHERE shop_id = $1 ORDER BY id",
                              shop.shop_id)
    assert [(r["customer_id"], r["total_paise"]) for r in totals] == [(shop.customers["Meena"], 4500), (lakshmi, 6000)]


async def test_a_repeating_reminder_is_said_to_be_once(pool: Any, env: dict[str, str]) -> None:
    shop = await create_demo_shop(pool)
    (weekly,) = await talk(shop, env, "Suresh ko 500 ka reminder har somvar subah 9 baje")
    assert weekly["action"] == "schedule_reminder" and weekly["result"]["repeat"] == "not_kept"
    due = datetime.fromisoformat(weekly["result"]["due_at"])
    assert due.weekday() == 0 and due.hour == 9
    assert await pool.fetchval("SELECT count(*) FROM reminders WHERE shop_id = $1", shop.shop_id) == 1


async def test_changing_the_bill_in_a_combined_read_back_keeps_the_rest(pool: Any, env: dict[str, str]) -> None:
    shop = await create_demo_shop(pool)
    both, changed, yes = await talk(shop, env, "Suresh ko 100 packet milk aur Meena ne 3000 diye", "GST laga do", "haan")
    assert [c.get("awaiting_confirmation") for c in both["result"]["commands"]] == [True, True]
    assert [c.get("awaiting_confirmation") for c in changed["result"]["commands"]] == [True, True]
    assert [c["intent"] for c in yes["result"]["commands"]] == ["create_invoice", "record_payment"]
    assert await pool.fetchval("SELECT count(*) FROM invoices WHERE shop_id = $1", shop.shop_id) == 1
    paid = await pool.fetch("SELECT amount_paise FROM payments WHERE customer_id = $1", shop.customers["Meena"])
    assert [r["amount_paise"] for r in paid] == [300000]


async def test_a_reminder_is_found_by_its_time_and_a_stock_question_names_its_product(
    pool: Any, env: dict[str, str]
) -> None:
    shop = await create_demo_shop(pool)
    out = await talk(shop, env, "Suresh ko kal shaam 5 baje reminder bhejo", "Suresh ko parso subah 9 baje reminder bhejo",
                     "Suresh ka 5 baje wala reminder hata do", "haan", "milk khatam ho gaya kya")
    evening, _, _, cancelled, milk = out
    assert cancelled["result"]["reminder_id"] == evening["result"]["reminder_id"]
    assert milk["result"]["product_id"] == shop.products["milk"]


async def test_the_rest_of_the_intents_by_chat(pool: Any, env: dict[str, str]) -> None:
    shop = await create_demo_shop(pool)
    out = await talk(
        shop, env, "Suresh ko 100 packet milk", "IGST wala bill banao", "wholesale rate lagao", "haan",
        "Suresh ka balance batao", "email hai suresh at the rate gmail dot com", "kaun kaun udhaar pe chal raha hai",
        "market mein kul kitna udhaar hai", "is mahine ka profit loss batao", "recording shuru karo",
        "aap kaun kaun se kaam karte ho", "asdf qwerty", "Suresh ka aakhri bill cancel karo", "haan",
    )
    _, igst, tier, booked, _, email, outstanding, total, pnl, recording, helped, unknown, cancel, cancelled = out
    assert igst["intent"] == "set_supply_type" and igst["result"] == {"awaiting_confirmation": True}
    assert tier["intent"] == "set_price_tier" and booked["result"]["confirmed"] is True
    supply = await pool.fetchval("SELECT supply_type FROM invoices WHERE id = $1", booked["result"]["invoice_id"])
    assert supply == "interstate"
    assert email["action"] == "update_customer" and email["result"]["email"] == "suresh@gmail.com"
    assert outstanding["action"] == "list_outstanding" and outstanding["result"]["customers"][0]["balance_paise"] > 0
    assert total["result"]["total_paise"] == booked["result"]["total_paise"]
    assert pnl["action"] == "export_pnl" and pnl["result"]["kind"] == "pnl_pdf"
    assert recording["result"] == {"recording": True}
    assert helped["intent"] == "help" and helped["reply"]
    assert unknown["intent"] == "unknown" and unknown["result"]["error"] == "not_understood"
    assert cancel["result"] == {"awaiting_confirmation": True}
    assert cancelled["result"]["status"] == "cancelled"
    assert await pool.fetchval("SELECT balance_paise FROM customers WHERE id = $1", shop.customers["Suresh"]) == 0
