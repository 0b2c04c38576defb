"""Postgres repositories, one module per aggregate. They never commit."""
