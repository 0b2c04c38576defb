"""The SIP listener of one app process: bind once, admit each authorised INVITE, run it on the call core.

Several HTTP processes (`execora serve --workers N`) share one HTTP port, but a
UDP SIP port can have only one owner: the first process to take an exclusive
lock on `DATA_DIR/sip-listener.lock` binds SIP_LISTEN, the others log that
they leave SIP to it. The lock dies with its process, so a restarted process
(uvicorn replaces a dead one) takes SIP over. Replicas on other hosts need one
SIP_LISTEN each (or one SIP host) - the trunk points at one address.

Per call: the caller's number (P-Asserted-Identity, else From) is admitted like
any phone (`telephony.call_admission`: shop, PIN rule, one row per call id);
a stranger or PIN-less phone gets 403, a full process 486, and neither gets a
media session. An admitted call is answered (200 with SDP), and once RTP
flows the shared call core serves it; BYE either way and CANCEL end it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from pathlib import Path
from typing import Any

from bot.call.logs import call_log
from db import calls as call_rows
from telephony.call_admission import admit_call
from telephony.call_core import StreamedCall, serve_call
from telephony.sip.config import SipConfig
from telephony.sip.endpoint import Invite, SipEndpoint
from telephony.sip.identity import call_sid_for
from telephony.sip.transport import SipTransport

log = logging.getLogger(__name__)
MEDIA_TIMEOUT_S = 10.0  # answered, but no ACK/RTP set up in this time: give up
REFUSAL_CODES = {"busy": (486, "Busy Here"), "unknown_caller": (403, "Caller Not Registered"),
                 "no_pin": (403, "No PIN Set"), "ended": (403, "Call Already Seen")}


class SipLine:
    """The call core's carrier adapter for SIP: refusing and hanging up are both ending the dialog."""

    carrier = "sip"

    def __init__(self, endpoint: SipEndpoint, key: str, call_sid: str) -> None:
        self.endpoint, self.key, self.call_sid = endpoint, key, call_sid

    async def refuse(self, why: str) -> None:
        call_log(__name__, self.call_sid).warning("sip call refused: %s", why)
        self.endpoint.hang_up(self.key)

    async def hang_up(self) -> None:
        self.endpoint.hang_up(self.key)


class SipListener:
    def __init__(self, state: Any, cfg: SipConfig, lock_path: Path) -> None:
        self.state, self.cfg, self.lock_path = state, cfg, lock_path
        self.endpoint: SipEndpoint | None = None
        self._lock_fd: int | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    def _take_lock(self) -> bool:
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._lock_fd = fd
        return True

    async def start(self) -> bool:
        """Bind SIP_LISTEN when this process holds the listener lock; False when another process has it."""
        if not self._take_lock():
            log.info("SIP listener is another process's (lock %s held)", self.lock_path)
            return False
        self._loop = asyncio.get_running_loop()
        self.endpoint = SipEndpoint(self.cfg, self._loop, self._on_invite)
        try:
            await asyncio.to_thread(self.endpoint.start)
        except BaseException:
            await asyncio.to_thread(self.endpoint.stop)
            self.endpoint = None
            self._release()
            raise
        return True

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.endpoint is not None:
            await asyncio.to_thread(self.endpoint.stop)
            self.endpoint = None
        self._release()

    def _release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing drops the flock
            self._lock_fd = None

    def _on_invite(self, invite: Invite) -> None:
        """Called in the SIP thread: hand the INVITE to the event loop."""
        assert self._loop is not None
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(self._spawn, invite)

    def _spawn(self, invite: Invite) -> None:
        task = asyncio.create_task(self._serve(invite), name=f"sip-call-{call_sid_for(invite.key)}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, invite: Invite) -> None:
        assert self.endpoint is not None
        endpoint, call_sid = self.endpoint, call_sid_for(invite.key)
        clog = call_log(__name__, call_sid)
        try:
            admission = await admit_call(self.state, carrier="sip", call_sid=call_sid,
                                         from_phone=invite.caller, to_phone=invite.dialled)
            if admission.refused or not admission.created:
                code, reason = REFUSAL_CODES.get(admission.refused or "ended", (403, "Forbidden"))
                endpoint.reject(invite.key, code, reason)
                return
            if invite.bridge.ended:  # CANCEL while we looked the caller up
                await self._finish(call_sid, "canceled", "caller")
                return
            endpoint.answer(invite.key)
            media = asyncio.ensure_future(invite.bridge.media_ready.wait())
            gone = asyncio.ensure_future(invite.bridge.hung_up.wait())
            await asyncio.wait({media, gone}, timeout=MEDIA_TIMEOUT_S, return_when=asyncio.FIRST_COMPLETED)
            media.cancel()
            gone.cancel()
            if not invite.bridge.media_ready.is_set() or invite.bridge.ended:
                endpoint.hang_up(invite.key)
                await self._finish(call_sid, "failed" if not invite.bridge.ended else "canceled", "no media")
                return
            line = SipLine(endpoint, invite.key, call_sid)
            ended_by = await serve_call(self.state, self.cfg, StreamedCall(call_sid, call_sid), line,
                                        lambda: SipTransport(invite.bridge))
            if ended_by is None:  # the core refused it (call slots raced)
                await self._finish(call_sid, "refused", "busy")
        except asyncio.CancelledError:
            endpoint.hang_up(invite.key)
            raise
        except Exception:  # the outer edge of a SIP call: log, end the dialog, keep the listener
            clog.exception("sip call failed")
            endpoint.hang_up(invite.key)

    async def _finish(self, call_sid: str, status: str, reason: str) -> None:
        async with self.state.pool.acquire() as conn:
            await call_rows.finish_call(conn, call_sid=call_sid, status=status, ended_reason=reason)
