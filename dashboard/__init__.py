"""Operators' web dashboard: review calls (search, recording, transcript, what the bot did),
reverse a wrongly booked bill, read a customer's khata, and glance at the shop's day, dues
and reminders.

Server-rendered Jinja2 pages under `/dashboard`, signed in as an operator (email, argon2id
password, optional TOTP; roles in `business.operators`) with a signed, HttpOnly,
SameSite=Strict session cookie. Reads through the `Books` facade, `db.calls`,
`db.call_search` and `db.dashboard_queries`; writes corrections through `Books` and
`db.corrections`, and every sign-in and correction to the audit log (`db.operators`).
`app.main` includes `dashboard.routes.router`.
"""
