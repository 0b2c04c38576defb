"""The SIP stack: one PJSIP (pjsua2) endpoint in its own thread, answering INVITEs without registering.

Why pjsua2 (`pjsua2-python`, PJSIP 2.15 wheels): PJSIP is the maintained SIP
stack most PBXs are tested against; as a user agent server it answers INVITE
(offer/answer SDP), re-INVITE, ACK, BYE either way, CANCEL (487) and OPTIONS
itself, negotiates PCMU/PCMA, receives RFC 4733 telephone-event, runs RTP/RTCP
and jitter buffers, and exposes audio as 8 kHz PCM frames (`AudioMediaPort`).
pyVoIP 1.6.8 was the alternative and falls short: it only works registered
to a server and sends every response there (not to the INVITE's sender), has
no OPTIONS, no source address for a trust check, and no DTMF events.

Threading: `uaConfig.threadCnt = 0`, so every SIP callback runs in this
module's thread, which polls `libHandleEvents` and runs the commands the
event loop queues (answer, reject, hang up): pjsua2 objects are only touched
here. Audio callbacks come from PJSIP's media clock thread and only touch the
call's `CallBridge`. The access decision (trusted peer / digest) is made on
the INVITE in this thread, so a refused INVITE never reaches the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pjsua2 as pj

from telephony.sip import access
from telephony.sip.bridge import FRAME_BYTES, CallBridge
from telephony.sip.config import SipConfig
from telephony.sip.identity import caller_number, header_value, user_part

log = logging.getLogger(__name__)
POLL_MS = 10
# PJSUA's own ceiling on calls at once (past it PJSIP answers 486 Busy Here itself). The
# pjsua2-python 2.15.1 wheel is built with PJSUA_MAX_CALLS = 4, which clamps this: 4 SIP calls
# at once per process (MAX_CONCURRENT_CALLS still applies to all carriers together).
MAX_CALLS = 32
CODECS = ("PCMU/8000", "PCMA/8000")  # and telephone-event, which PJSIP always offers for RFC 4733


@dataclass(frozen=True)
class Invite:
    """An authorised INVITE, handed to the event loop: who called, what they dialled, the call's bridge."""

    key: str  # the SIP Call-ID: our handle for the call in this endpoint
    caller: str
    dialled: str
    peer: str
    bridge: CallBridge


class _AudioPort(pj.AudioMediaPort):  # type: ignore[misc]
    def __init__(self, bridge: CallBridge) -> None:
        super().__init__()
        self.bridge = bridge

    def onFrameReceived(self, frame: pj.MediaFrame) -> None:
        if frame.type == pj.PJMEDIA_FRAME_TYPE_AUDIO and frame.size:
            self.bridge.received(bytes(frame.buf))

    def onFrameRequested(self, frame: pj.MediaFrame) -> None:
        frame.type = pj.PJMEDIA_FRAME_TYPE_AUDIO
        frame.buf = pj.ByteVector(self.bridge.next_frame())
        frame.size = FRAME_BYTES


class _Call(pj.Call):  # type: ignore[misc]
    def __init__(self, owner: SipEndpoint, account: pj.Account, call_id: int, key: str, bridge: CallBridge) -> None:
        super().__init__(account, call_id)
        self.owner, self.key, self.bridge = owner, key, bridge
        self.port: _AudioPort | None = None

    def onCallState(self, prm: pj.OnCallStateParam) -> None:
        info = self.getInfo()
        if info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self.bridge.end()
            self.owner.forget(self.key)

    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
        if self.port is not None:
            return
        info = self.getInfo()
        for i, media in enumerate(info.media):
            if media.type == pj.PJMEDIA_TYPE_AUDIO and media.status == pj.PJSUA_CALL_MEDIA_ACTIVE:
                call_audio = self.getAudioMedia(i)
                fmt = pj.MediaFormatAudio()
                fmt.init(pj.PJMEDIA_FORMAT_PCM, 8000, 1, 20000, 16)
                self.port = _AudioPort(self.bridge)
                self.port.createPort(f"sip-{info.id}", fmt)
                call_audio.startTransmit(self.port)
                self.port.startTransmit(call_audio)
                self.bridge.media_started()
                return

    def onDtmfDigit(self, prm: pj.OnDtmfDigitParam) -> None:
        self.bridge.digit(str(prm.digit))


class _PjsipLog(pj.LogWriter):  # type: ignore[misc]
    """PJSIP's log lines into Python logging (any PJSIP thread may write), not onto stdout. Its info lines
    name the caller's URI (a phone number), so they are DEBUG here."""

    LEVELS = {0: logging.ERROR, 1: logging.ERROR, 2: logging.WARNING}

    def write(self, entry: pj.LogEntry) -> None:
        log.log(self.LEVELS.get(entry.level, logging.DEBUG), "pjsip: %s", entry.msg.strip())


class _Account(pj.Account):  # type: ignore[misc]
    def __init__(self, owner: SipEndpoint) -> None:
        super().__init__()
        self.owner = owner

    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
        self.owner.incoming(self, prm)


def _respond(call: pj.Call, code: int, reason: str = "", headers: dict[str, str] | None = None) -> None:
    op = pj.CallOpParam(True)
    op.statusCode = code
    if reason:
        op.reason = reason
    if headers:
        extra = pj.SipHeaderVector()  # assigned whole: SWIG hands out a copy of the member vector
        for name, value in headers.items():
            h = pj.SipHeader()
            h.hName, h.hValue = name, value
            extra.append(h)
        op.txOption.headers = extra
    if code < 300 or headers:  # a 401 goes out through answer: pjsua's hangup drops extra headers
        call.answer(op)
    else:
        call.hangup(op)


class SipEndpoint:
    """Start, stop, and the commands the event loop sends (all run in the SIP thread)."""

    def __init__(self, cfg: SipConfig, loop: asyncio.AbstractEventLoop, on_invite: Callable[[Invite], None]) -> None:
        self.cfg, self.loop, self.on_invite = cfg, loop, on_invite
        self._commands: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._calls: dict[str, _Call] = {}
        self._gone: list[_Call] = []
        self._account: _Account | None = None
        self._ep: pj.Endpoint | None = None
        self._log_writer: _PjsipLog | None = None
        self._running = threading.Event()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="sip-endpoint", daemon=True)

    # --- the event loop's side ------------------------------------------------
    def start(self, timeout_s: float = 30.0) -> None:
        """Bind and start (blocks up to `timeout_s`: call it in a thread); raises what PJSIP raised."""
        self._running.set()
        self._thread.start()
        if not self._ready.wait(timeout_s):
            raise TimeoutError("SIP endpoint did not start")
        if self._error is not None:
            raise RuntimeError(f"SIP endpoint failed to start: {self._error}") from self._error

    def stop(self, timeout_s: float = 30.0) -> None:
        """Hang up every call, shut PJSIP down (blocks: call it in a thread)."""
        self._running.clear()
        self._thread.join(timeout_s)  # PJSIP is one per process: the next endpoint needs this one gone
        if self._thread.is_alive():
            log.warning("SIP endpoint still shutting down after %.0f s", timeout_s)

    def answer(self, key: str) -> None:
        self._commands.put(lambda: self._with_call(key, lambda c: _respond(c, 200)))

    def reject(self, key: str, code: int, reason: str) -> None:
        self._commands.put(lambda: self._with_call(key, lambda c: _respond(c, code, reason)))

    def hang_up(self, key: str) -> None:
        """BYE for an answered call, a final refusal for one still ringing; nothing when it is already gone."""
        self._commands.put(lambda: self._with_call(key, lambda c: c.hangup(pj.CallOpParam(True))))

    # --- the SIP thread -------------------------------------------------------
    def _with_call(self, key: str, action: Callable[[_Call], None]) -> None:
        call = self._calls.get(key)
        if call is None:
            return
        try:
            action(call)
        except pj.Error as exc:  # the call ended meanwhile (a BYE crossing ours): nothing to undo
            log.info("SIP call action skipped: %s", exc.info() if hasattr(exc, "info") else exc)

    def forget(self, key: str) -> None:
        call = self._calls.pop(key, None)
        if call is not None:
            self._gone.append(call)  # dropped on the next turn of the loop, never inside its own callback

    def incoming(self, account: pj.Account, prm: pj.OnIncomingCallParam) -> None:
        message = prm.rdata.wholeMsg
        host = prm.rdata.srcAddress.rsplit(":", 1)[0].strip("[]")
        key = header_value(message, "Call-ID") or header_value(message, "i") or f"pj-{prm.callId}"
        bridge = CallBridge(self.loop)
        call = _Call(self, account, prm.callId, key, bridge)
        self._calls[key] = call
        auth = header_value(message, "Authorization")
        decision = access.decide(self.cfg, host, auth)
        if decision.verdict is access.Verdict.FORBID:
            log.warning("SIP INVITE from %s refused (403): %s", host, decision.why)
            _respond(call, 403, "Forbidden")
            return
        if decision.verdict is access.Verdict.CHALLENGE:
            _respond(call, 401, "Unauthorized", {"WWW-Authenticate": decision.challenge})
            return
        _respond(call, 180)
        info = call.getInfo()
        invite = Invite(key=key, caller=caller_number(message, info.remoteUri),
                        dialled=user_part(header_value(message, "To") or info.localUri), peer=host, bridge=bridge)
        self.on_invite(invite)

    def _run(self) -> None:
        ep = pj.Endpoint()
        try:
            self._init(ep)
        except BaseException as exc:  # reported to start(); PJSIP is torn down below
            self._error = exc
            self._ready.set()
            self._running.clear()
        else:
            self._ready.set()
        while self._running.is_set():
            ep.libHandleEvents(POLL_MS)
            self._gone.clear()
            while True:
                try:
                    command = self._commands.get_nowait()
                except queue.Empty:
                    break
                command()
        self._shutdown(ep)

    def _init(self, ep: pj.Endpoint) -> None:
        ep.libCreate()
        cfg = pj.EpConfig()
        cfg.uaConfig.threadCnt = 0
        cfg.uaConfig.mainThreadOnly = False
        cfg.uaConfig.userAgent = "Execora"
        cfg.uaConfig.maxCalls = MAX_CALLS
        self._log_writer = _PjsipLog()
        self._log_writer.__disown__()  # PJSIP deletes its writer in libDestroy: C++ owns it, not Python's GC
        cfg.logConfig.writer = self._log_writer
        cfg.logConfig.level = 3
        cfg.logConfig.consoleLevel = 3
        cfg.logConfig.decor = pj.PJ_LOG_HAS_SENDER
        cfg.medConfig.clockRate = 8000
        cfg.medConfig.sndClockRate = 8000
        cfg.medConfig.noVad = True
        ep.libInit(cfg)
        tc = pj.TransportConfig()
        tc.port = self.cfg.listen.port
        tc.boundAddress = self.cfg.listen.host
        if self.cfg.public_address:
            tc.publicAddress = self.cfg.public_address
        ep.transportCreate(pj.PJSIP_TRANSPORT_UDP6 if ":" in self.cfg.listen.host else pj.PJSIP_TRANSPORT_UDP, tc)
        ep.audDevManager().setNullDev()  # no sound card: the null device's clock drives the media
        ep.libStart()
        for codec in ep.codecEnum2():
            ep.codecSetPriority(codec.codecId, 255 if codec.codecId.startswith(CODECS) else 0)
        acc_cfg = pj.AccountConfig()
        acc_cfg.idUri = f"sip:execora@{self.cfg.public_address or self.cfg.listen.host}:{self.cfg.listen.port}"
        media = acc_cfg.mediaConfig.transportConfig
        media.port, media.portRange = self.cfg.rtp_first_port, self.cfg.rtp_port_count
        if self.cfg.listen.host not in ("0.0.0.0", "::"):
            media.boundAddress = self.cfg.listen.host  # RTP where SIP is: the SDP names this address
        if self.cfg.public_address:
            media.publicAddress = self.cfg.public_address
        self._account = _Account(self)
        self._account.create(acc_cfg)
        self._ep = ep
        log.info("SIP listening on udp %s:%d", self.cfg.listen.host, self.cfg.listen.port)

    def _shutdown(self, ep: pj.Endpoint) -> None:
        try:
            ep.hangupAllCalls()
            for _ in range(50):  # let BYEs go out and calls disconnect
                ep.libHandleEvents(POLL_MS)
                if not self._calls:
                    break
        except pj.Error:
            pass
        self._calls.clear()
        self._gone.clear()
        self._account = None
        try:
            ep.libDestroy()
        except pj.Error:
            log.exception("SIP endpoint shutdown")
        self._ep = None  # pjsua2 objects die in this (registered) thread, never in a GC elsewhere
        self._log_writer = None
