"""The app factory each of several HTTP processes imports (`execora serve --workers N`).

uvicorn starts its worker processes afresh (spawn) and can only hand them an
import string, so each one builds its settings from the environment the parent
filled (`app.commands.http_processes.child_environment`), sets up logging as
the parent did, and opens its own pools and clients in its lifespan.
"""

from __future__ import annotations

from fastapi import FastAPI

from app.log_setup import configure_logging
from app.parent_death import die_with_parent
from app.settings import load_settings


def create_process_app() -> FastAPI:
    die_with_parent()  # a SIGKILLed supervisor (or `execora up`) takes its HTTP processes with it
    settings = load_settings()
    configure_logging(settings.log_level)
    from app.main import create_app  # after logging: importing the routers logs nothing, but pipecat may

    return create_app(settings)
