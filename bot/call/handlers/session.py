"""The conversation's own commands: greeting, help, goodbye, language, recording, not understood."""

from __future__ import annotations

from bot.call.handlers.context import HandlerContext
from bot.call.results import Done, Question, Result
from bot.commands import Command, SwitchLanguage
from bot.replies.spoken import LANGS

# How the parser names a language -> the replies' language; "mr", "gu", ... are not spoken yet.
_LANGUAGES = {"en": "en", "english": "en", "hi": "hi", "hindi": "hi", "hinglish": "hinglish"}


async def greeting(cmd: Command, ctx: HandlerContext) -> Result:
    return Done("greeting", {"name": ctx.greeting_name})


async def help_(cmd: Command, ctx: HandlerContext) -> Result:
    return Done("help")


async def goodbye(cmd: Command, ctx: HandlerContext) -> Result:
    return Done("goodbye", {"name": ctx.greeting_name}, end_call=True)


async def switch_language(cmd: SwitchLanguage, ctx: HandlerContext) -> Result:
    if cmd.language is None:
        return Question("ask_language", "language", cmd)
    new = _LANGUAGES.get(cmd.language)
    if new is None or new not in LANGS:
        return Done("language_unsupported", {"asked": cmd.language}, {"error": "language_unsupported"})
    ctx.state.language = ctx.speaker.language = new
    return Done("language_switched", {"new_language": new}, {"language": new}, action="switch_language")


async def start_recording(cmd: Command, ctx: HandlerContext) -> Result:
    """Recording again from now: the open pause (if any) ends here."""
    st = ctx.state
    if not st.recording and st.recording_paused and st.recording_paused[-1][1] is None:
        st.recording_paused[-1] = (st.recording_paused[-1][0], ctx.clock.now_ms())
    st.recording = True
    return Done("recording_started", {}, {"recording": True}, action="start_recording")


async def stop_recording(cmd: Command, ctx: HandlerContext) -> Result:
    """Not recorded from now on: the call's WAV is silent from here until recording starts again."""
    st = ctx.state
    if st.recording:
        st.recording_paused.append((ctx.clock.now_ms(), None))
    st.recording = False
    return Done("recording_stopped", {}, {"recording": False}, action="stop_recording")


async def unknown(cmd: Command, ctx: HandlerContext) -> Result:
    """Not understood: ask again, and after two misses say what can be asked."""
    if ctx.state.failed_understanding >= 2:
        return Done("help", {}, {"error": "not_understood"})
    return Done("not_understood", {}, {"error": "not_understood"})
