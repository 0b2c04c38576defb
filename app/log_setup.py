"""Where the process's logs go, and what they must not carry.

pipecat logs through loguru, at DEBUG by default, reply text (names, amounts)
included: loguru is routed into `logging` at the configured level, so
LOG_LEVEL governs every library. The access log would record signed links
(`/recordings/7?expires=...&sig=...`): query strings are dropped from it.
"""

from __future__ import annotations

import logging

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _LoguruToLogging:
    """A loguru sink that hands each message to the stdlib logger of the module that wrote it."""

    def write(self, message: object) -> None:
        record = getattr(message, "record", None)
        if record is None:
            return
        logger = logging.getLogger(str(record["name"] or "loguru"))
        level = record["level"].no
        if logger.isEnabledFor(level):
            logger.log(level, "%s", record["message"])


class RedactQueryStrings(logging.Filter):
    """uvicorn.access records carry the full path: keep the path, drop the query (signatures, tokens)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0] + "?[redacted]", *args[3:])
        return True


def route_loguru(level: str) -> None:
    """Send loguru (pipecat) through `logging`, dropping what is below `level` before it is formatted."""
    try:
        from loguru import logger
    except ImportError:  # pipecat not installed: nothing logs through loguru
        return
    logger.remove()
    logger.add(_LoguruToLogging(), level=level.upper(), format="{message}")


def configure_logging(level: str = "INFO") -> None:
    """One-line logs on stderr (stdout is for a command's own output), one level for every library."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level.upper(), format=LOG_FORMAT)
    root.setLevel(level.upper())
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactQueryStrings) for f in access.filters):
        access.addFilter(RedactQueryStrings())
    route_loguru(level)
