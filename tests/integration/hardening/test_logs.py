"""What the logs must not carry: pipecat's DEBUG chatter below LOG_LEVEL, signed links' query strings."""

from __future__ import annotations

import logging

import pytest

from app.log_setup import RedactQueryStrings, configure_logging


def test_loguru_follows_the_configured_level(caplog: pytest.LogCaptureFixture) -> None:
    from loguru import logger

    root_level = logging.getLogger().level
    configure_logging("WARNING")
    try:
        with caplog.at_level(logging.DEBUG):
            logger.debug("reply text: Rahul ka 500 baaki")
            logger.warning("vendor slow")
    finally:
        logging.getLogger().setLevel(root_level)
    assert "Rahul" not in caplog.text and "vendor slow" in caplog.text


def test_access_log_lines_lose_their_query_strings() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, "x", 1, '%s - "%s %s HTTP/%s" %d',
                               ("1.2.3.4:5", "GET", "/recordings/7?expires=99&sig=abc", "1.1", 200), None)
    RedactQueryStrings().filter(record)
    assert "sig=" not in record.getMessage() and "/recordings/7" in record.getMessage()
