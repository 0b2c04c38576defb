"""The owner's WhatsApp as a way in: one message -> one turn of the shop's conversation -> one reply.

The same conversation as a call or `execora chat` (bot.call.conversation_factory,
TextSession), stored as a call with channel "whatsapp". Between messages the
conversation's state lives in Redis under (shop, phone) with a TTL
(`SESSION_TTL_S`), so any app process can take the next message; a Redis lock
per (shop, phone) keeps two messages of one owner in order. A new session
starts with the greeting, whose dispute notice ("Rahul ne kal wali entry par
sawaal uthaya hai") is sent with the first reply. A read-back is sent with
"Haan"/"Nahi" reply buttons; the tap, "1"/"2" or a typed "haan" answers it.
Replies go out as WhatsApp text (or, without WhatsApp settings, into the
local outbox).
"""

from __future__ import annotations

import json
import logging
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from redis import asyncio as aioredis

from bot.call.clock import CallClock
from bot.call.conversation import Conversation, ParseFn
from bot.call.conversation_factory import new_conversation
from bot.call.services import shop_vocabulary
from bot.call.snapshot import header, restore, take
from bot.call.speech import RenderFn
from bot.call.text_session import TextSession
from business.books import Books
from business.models import CallerShop
from business.turns import CallTurn
from db import calls as call_rows
from db.message_sessions import MESSAGE_SESSION, touch_session_call
from telephony.call_store import PostgresCallStore
from telephony.whatsapp.inbound import AUDIO, BUTTON, TEXT, InboundMessage
from telephony.whatsapp.sender import SendOutcome, WhatsAppConfig, WhatsAppSender, mask_phone
from telephony.whatsapp.text_messages import NO_ID, YES_ID, TextMessage
from telephony.whatsapp.voice_note import VoiceNoteError, download_media, recognise_voice_note

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
SESSION_TTL_S = 30 * 60  # a conversation left this long starts afresh (with the greeting)
LOCK_TIMEOUT_S = 120
_DIGITS = {"1", "2"}


@dataclass(frozen=True)
class OwnerChannel:
    """What the channel needs, built once per app process (app.state)."""

    books: Books
    pool: asyncpg.Pool
    redis: aioredis.Redis
    parse: ParseFn
    render: RenderFn
    whatsapp: WhatsAppConfig
    voice_cache_dir: Path
    default_language: str = "hinglish"
    key_prefix: str = "execora"

    def _key(self, caller: CallerShop, kind: str) -> str:
        digits = "".join(ch for ch in caller.phone if ch.isdigit())
        return f"{self.key_prefix}:wa-{kind}:{caller.shop.id}:{digits}"

    async def handle(self, caller: CallerShop, msg: InboundMessage) -> str:
        """Run one message through the conversation and send the reply; the reply's wamid ('' when
        nothing was sent). Never raises: failures are logged and the inbound row says `failed`."""
        try:
            async with self.redis.lock(self._key(caller, "lock"), timeout=LOCK_TIMEOUT_S, blocking_timeout=60):
                reply, buttons, language = await self._turn(caller, msg)
            wamid = await self._send(caller, msg, TextMessage(to=caller.phone.lstrip("+"), body=reply,
                                                              confirm_buttons=buttons, language=language,
                                                              callback_data=f"owner_reply:{caller.shop.id}"))
            await self._finish(msg, "done", wamid=wamid)
            return wamid
        except Exception as exc:  # the outer edge of a background task
            log.exception("whatsapp message from %s shop_id=%s failed", mask_phone(caller.phone), caller.shop.id)
            await self._finish(msg, "failed", error=type(exc).__name__)
            return ""

    async def _turn(self, caller: CallerShop, msg: InboundMessage) -> tuple[str, bool, str]:
        state_key = self._key(caller, "session")
        raw = await self.redis.get(state_key)
        snap = header(json.loads(raw)) if raw else None
        store = PostgresCallStore(self.pool)
        first = ""
        if snap is not None:
            conversation = self._conversation(caller, snap.call_sid, snap.language, snap.turn_no)
            await restore(conversation, snap)
            session = TextSession(conversation, store, snap.call_sid)
        else:
            language = caller.shop.settings.reply_language or self.default_language
            call_sid = "WA" + secrets.token_hex(16)
            async with self.pool.acquire() as conn:
                await call_rows.create_call(
                    conn, call_sid=call_sid, shop_id=caller.shop.id, from_phone=caller.phone, to_phone="",
                    caller_role=caller.role, status="in-progress", language=language, channel=CHANNEL,
                )
            conversation = self._conversation(caller, call_sid, language, 0)
            session = TextSession(conversation, store, call_sid)
            greeting = await session.greet()
            if (greeting.result or {}).get("disputes_told"):
                first = greeting.reply
        turn = await self._say(session, conversation, caller, msg)
        reply = "\n\n".join(t for t in (first, turn.reply if turn else "") if t)
        if not reply:
            reply = str(self.render("repeat_please", conversation.state.language))  # nothing heard / meant
        if session.ended:
            await self.redis.delete(state_key)
        else:
            await self.redis.set(state_key, json.dumps(take(conversation, session.call_sid), default=str),
                                 ex=SESSION_TTL_S)
        async with self.pool.acquire() as conn:
            await touch_session_call(conn, session.call_sid,
                                     ended_reason="caller_hung_up" if session.ended else MESSAGE_SESSION)
        return reply, conversation.state.pending is not None, conversation.state.language

    def _conversation(self, caller: CallerShop, call_sid: str, language: str, turn_no: int) -> Conversation:
        return new_conversation(books=self.books, caller=caller, parse=self.parse, render=self.render,
                                call_sid=call_sid, clock=CallClock(), language=language, first_turn_no=turn_no)

    async def _say(
        self, session: TextSession, conversation: Conversation, caller: CallerShop, msg: InboundMessage
    ) -> CallTurn | None:
        pending = conversation.state.pending is not None or conversation.state.choice is not None
        if msg.kind == BUTTON and msg.payload in (YES_ID, NO_ID):
            return await session.press("1" if msg.payload == YES_ID else "2")
        if msg.kind in (TEXT, BUTTON):
            text = msg.text.strip()
            if pending and text in _DIGITS:
                return await session.press(text)
            return await session.say(text) if text else None
        if msg.kind == AUDIO:
            try:
                data = await download_media(self.whatsapp, msg.media_id)
                vocabulary = await shop_vocabulary(self.books, caller.shop.id)
                heard = await recognise_voice_note(data, vocabulary, self.voice_cache_dir)
            except VoiceNoteError as exc:
                log.warning("voice note shop_id=%s not used: %s", caller.shop.id, exc)
                return None
            if heard.is_empty:
                return None
            return await session.say(heard.text, confidence=heard.confidence, source="voice_note",
                                     doubts=heard.doubts)
        return None

    async def _send(self, caller: CallerShop, msg: InboundMessage, message: TextMessage) -> str:
        if not self.whatsapp.enabled:
            async with self.pool.acquire() as conn:
                wamid = f"outbox.{uuid.uuid4().hex}"
                await conn.execute(
                    """INSERT INTO whatsapp_outbox (shop_id, wamid, to_phone, template_name, language, parameters,
                                                    payload)
                       VALUES ($1, $2, $3, $4, $5, $6, $7)""",
                    caller.shop.id, wamid, message.to, message.template_name, message.language, [message.body],
                    message.payload(),
                )
            log.info("whatsapp reply to %s shop_id=%s: stored in the local outbox", mask_phone(caller.phone),
                     caller.shop.id)
            return wamid
        async with WhatsAppSender(self.whatsapp) as sender:
            result = await sender.send_template(message)
        if result.outcome is not SendOutcome.ACCEPTED:
            log.warning("whatsapp reply to %s shop_id=%s: %s (%s)", mask_phone(caller.phone), caller.shop.id,
                        result.outcome.value, result.error_code)
        return result.wamid or ""

    async def _finish(self, msg: InboundMessage, status: str, *, wamid: str = "", error: str | None = None) -> None:
        try:
            async with self.pool.acquire() as conn:
                await conn.execute(
                    """UPDATE whatsapp_inbound SET status = $2, reply_wamid = NULLIF($3, ''), error = $4,
                              done_at = now() WHERE message_id = $1""",
                    msg.message_id, status, wamid, error,
                )
        except Exception:
            log.exception("inbound row %s not closed", msg.message_id[-8:])
