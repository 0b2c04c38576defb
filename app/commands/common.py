"""Helpers the `execora` commands share: logging set-up and "a database to talk to".

Admin commands (`migrate`, `shop`, `seed`) use DATABASE_URL when it is set;
otherwise they start the embedded PostgreSQL on the data directory for the
duration of the command (a running `execora up` keeps it running: pgserver
counts handles per process and only the last one stops the server).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from app.log_setup import LOG_FORMAT as LOG_FORMAT  # re-exported: commands configure logging from here
from app.log_setup import configure_logging as configure_logging
from app.settings import Settings, load_settings


def add_host_port_arguments(parser: argparse.ArgumentParser) -> None:
    """--host/--port flags that override the HOST/PORT settings."""
    parser.add_argument("--host", default=None, help="default: HOST (127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="default: PORT (3000)")


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Settings from the environment, with --host/--port winning when given."""
    overrides: dict[str, object] = {}
    if args.host:
        overrides["host"] = args.host
    if args.port:
        overrides["port"] = args.port
    return load_settings(**overrides)


@contextmanager
def database_url_for(settings: Settings) -> Iterator[str]:
    """DATABASE_URL, or the embedded PostgreSQL's URI while the block runs."""
    if settings.database_url:
        yield settings.database_url
        return
    from app.embedded import EmbeddedPostgres

    pg = EmbeddedPostgres(settings.data_dir)
    try:
        yield pg.start()
    finally:
        pg.stop()


# The stream WebSocket carries Twilio media messages of well under 1 KiB (telephony.twilio.serializer
# refuses anything over 64 KiB): the server never buffers a bigger frame than that.
WS_MAX_MESSAGE_BYTES = 64 * 1024


def uvicorn_options(settings: Settings) -> dict[str, object]:
    """Transport limits and proxy trust shared by `execora serve` and `execora up`."""
    proxies = ",".join(p.strip() for p in settings.trusted_proxies.split(",") if p.strip())
    return {
        "ws_max_size": WS_MAX_MESSAGE_BYTES,
        # Media streams are base64 mu-law: compressing every 20 ms frame costs CPU (2.4% of a
        # 10-call profile) and buys little; carriers do not ask for it.
        "ws_per_message_deflate": False,
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": proxies or None,  # unused unless proxy_headers: nobody is trusted
        "server_header": False,
    }
