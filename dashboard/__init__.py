"""Operators' web dashboard: review calls (recording, transcript, what the bot did)
and glance at the shop's day, dues and reminders.

Server-rendered Jinja2 pages under `/dashboard`, signed in with the shop's API
key (a signed, HttpOnly, SameSite=Strict session cookie). Reads through the
`Books` facade, `db.calls` and `db.dashboard_queries`; writes nothing but its
own cookie. `app.main` includes `dashboard.routes.router`.
"""
