"""The call row of a conversation held over messages (WhatsApp): no process holds it open.

Between messages nobody is "on the line", so after every turn the row reads
completed, ended at the last message; the next message of the same session
appends its turns to it. (Left in-progress, the lost-call sweep would close it
as a lost call.)
"""

from __future__ import annotations

import asyncpg

MESSAGE_SESSION = "message_session"


async def touch_session_call(conn: asyncpg.Connection, call_sid: str, *, ended_reason: str = MESSAGE_SESSION) -> None:
    await conn.execute(
        "UPDATE calls SET status = 'completed', ended_at = now(), ended_reason = $2 WHERE call_sid = $1",
        call_sid, ended_reason,
    )
