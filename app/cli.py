"""The `execora` command: a thin dispatcher to each subcommand's own module.

Subcommands are imported lazily so `execora parse` starts fast and a missing
optional piece never breaks the others. Each target is `main(argv) -> int`
and parses its own arguments.
"""

from __future__ import annotations

import importlib
import sys

COMMANDS: dict[str, tuple[str, str]] = {
    "up": ("app.commands.up", "Start everything (embedded Postgres/Redis when unset), serve HTTP, run a worker"),
    "serve": ("app.commands.serve", "Serve HTTP only, against DATABASE_URL / REDIS_URL"),
    "migrate": ("app.commands.migrate", "Apply SQL migrations in order"),
    "shop": ("app.commands.shop", "Shop admin: `execora shop add --name N --phone +91...`"),
    "operator": ("app.commands.operator", "Dashboard sign-ins: `execora operator add --email E --role R`"),
    "seed": ("app.commands.seed", "Load the demo shop: `execora seed --demo`"),
    "parse": ("app.commands.parse", "Parse shopkeeper sentences into intents (JSON)"),
    "chat": ("app.commands.chat", "Talk to a shop's books by typing: `execora chat --phone +91...` [--jsonl]"),
    "call": ("app.commands.call", "Place a simulated phone call (Twilio, Exotel or Plivo) against a running server"),
    "worker": ("app.commands.worker", "Run an RQ worker with its scheduler"),
}


def _usage() -> str:
    lines = ["usage: execora COMMAND [ARGS...]", "", "commands:"]
    lines += [f"  {name:<8} {help_}" for name, (_, help_) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())
        return 0
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"execora: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[name][0])
    result: int = module.main(rest)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
