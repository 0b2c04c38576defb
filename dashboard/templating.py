"""The Jinja2 environment: templates shipped as package data, autoescaping always on.

Nothing is marked safe anywhere: transcripts, names and JSON are escaped as
text. Rendering is small and synchronous (no I/O).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from dashboard import present


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Built once per process; a missing or broken template fails at first render, loudly."""
    env = Environment(
        loader=PackageLoader("dashboard", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        ist=present.ist,
        mask=present.mask_number,
        rupees=present.rupees,
        seconds=present.seconds,
        pretty_json=present.pretty_json,
    )
    env.globals.update(duration=present.duration, stage_timings=present.stage_timings)
    return env


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
