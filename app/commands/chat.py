"""`execora chat --phone +91...`: the shop's conversation on typed text.

The same conversation, books, reminders and turn records as a phone call, for
the shop whose owner (or staff) has that phone, resolved exactly as a call's
caller ID is. Stored as a call with channel "chat", so it shows in the
dashboard. Interactive by default; `--jsonl` reads one JSON object per line,
`{"say": "..."}` or `{"dtmf": "1"}`, and writes exactly one JSON line per input
line: `{"reply", "intent", "action", "result"}` (plus `"end": true` when the
bot said goodbye). EOF ends the session. Uses DATABASE_URL / REDIS_URL, or the
embedded services on the data directory (shared with a running `execora up`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import secrets
import sys
from typing import Any

from app.commands.common import configure_logging
from app.settings import Settings, load_settings

log = logging.getLogger(__name__)
CHAT_CHANNEL = "chat"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="execora chat", description="Talk to your shop's books by typing.")
    p.add_argument("--phone", required=True, help="the calling phone, e.g. +919800000001 (the demo owner)")
    p.add_argument("--jsonl", action="store_true", help='one JSON object per line in ({"say": ...} or {"dtmf": ...}) '
                   "and one JSON line out per line in")
    p.add_argument("--language", default=None, help="reply language (default: the shop's)")
    return p


class InputError(ValueError):
    """A --jsonl line that is not `{"say": str}` or `{"dtmf": str}`."""


def read_request(line: str) -> tuple[str, str]:
    """("say", text) or ("dtmf", digit) from one --jsonl line."""
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise InputError("not JSON") from exc
    if isinstance(data, dict):
        if isinstance(data.get("say"), str):
            return "say", data["say"]
        if isinstance(data.get("dtmf"), str | int) and str(data["dtmf"]).strip():
            return "dtmf", str(data["dtmf"]).strip()
    raise InputError('expected {"say": "..."} or {"dtmf": "1"}')


def turn_line(turn: Any | None, *, error: str | None = None) -> dict[str, Any]:
    """The JSON line answering one input line."""
    if turn is None:
        out: dict[str, Any] = {"reply": "", "intent": None, "action": None, "result": None}
        if error:
            out["error"] = error
        return out
    out = {"reply": turn.reply, "intent": turn.intent, "action": turn.action, "result": turn.result or None}
    return out


async def _open_session(settings: Settings, phone: str, language: str | None) -> tuple[Any, Any, Any]:
    """(resources, session, caller) for `phone`, or raise LookupError when no shop has it."""
    from app.resources import open_resources
    from app.understanding import build_understanding
    from bot.call.clock import CallClock
    from bot.call.conversation_factory import new_conversation
    from bot.call.text_session import TextSession
    from bot.replies import render
    from business.phones import normalize_phone
    from db import calls as call_rows
    from telephony.call_store import PostgresCallStore
    from telephony.live_calls import LiveCallFeed

    res = await open_resources(settings)
    try:
        number = normalize_phone(phone)
        caller = await res.books.shop_by_phone(number)
        if caller is None:
            raise LookupError(phone)
        reply_language = language or caller.shop.settings.reply_language or settings.reply_language
        call_sid = "CH" + secrets.token_hex(16)
        async with res.pool.acquire() as conn:
            row, _ = await call_rows.create_call(
                conn, call_sid=call_sid, shop_id=caller.shop.id, from_phone=caller.phone, to_phone="",
                caller_role=caller.role, status="in-progress", language=reply_language, channel=CHAT_CHANNEL,
            )
        live = LiveCallFeed(res.redis, call_sid=call_sid, shop_id=caller.shop.id)  # the dashboard's live page
        await live.started(from_phone=caller.phone, started_at=row.started_at, channel=CHAT_CHANNEL)
        conversation = new_conversation(
            books=res.books, caller=caller, parse=build_understanding(settings).understand, render=render,
            call_sid=call_sid, clock=CallClock(), language=reply_language,
        )
        return res, TextSession(conversation, PostgresCallStore(res.pool, live), call_sid), caller
    except BaseException:
        from app.resources import close_resources

        await close_resources(res)
        raise


async def _readline() -> str:
    return await asyncio.to_thread(sys.stdin.readline)


def _write(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    from app.resources import close_resources

    try:
        res, session, caller = await _open_session(settings, args.phone, args.language)
    except LookupError:
        print(f"execora chat: no shop has the phone {args.phone!r} (register it with `execora shop add`)",
              file=sys.stderr)
        return 2
    try:
        greeting = await session.greet()
        if not args.jsonl:
            print(f"{caller.shop.name} (chat {session.call_sid}). Type what you would say; Ctrl-D ends.")
            print(f"bot> {greeting.reply}")
        while True:
            if not args.jsonl:
                sys.stdout.write("you> ")
                sys.stdout.flush()
            line = await _readline()
            if not line:
                break
            if not line.strip():
                if args.jsonl:
                    _write(turn_line(None, error="empty line"))
                continue
            if args.jsonl:
                await _answer_json(session, line)
                continue
            turn = await (session.press(line.strip()) if line.strip() in _KEYS else session.say(line.strip()))
            print(f"bot> {turn.reply if turn is not None else '(nothing to answer)'}")
            if session.ended:
                break
        await session.close()
        return 0
    finally:
        await close_resources(res)


_KEYS = {str(d) for d in range(10)} | {"*", "#"}


async def _answer_json(session: Any, line: str) -> None:
    try:
        kind, value = read_request(line)
    except InputError as exc:
        _write(turn_line(None, error=str(exc)))
        return
    turn = await (session.say(value) if kind == "say" else session.press(value))
    out = turn_line(turn)
    if session.ended:
        out["end"] = True
    _write(out)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure_logging("WARNING")  # stdout carries only the conversation
    from app.commands.seed import prepare_database
    from app.embedded import start_embedded
    from app.local_secrets import with_local_secrets

    settings = with_local_secrets(load_settings())
    services = start_embedded(settings.data_dir, settings.database_url, settings.redis_url)
    try:
        settings = settings.model_copy(
            update={"database_url": services.database_url, "redis_url": services.redis_url}
        )
        asyncio.run(prepare_database(settings))
        return asyncio.run(_run(settings, args))
    except KeyboardInterrupt:
        return 130
    finally:
        services.stop()
