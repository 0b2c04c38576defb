"""Renderers: `business.documents` models -> PDF bytes (fpdf2) and CSV bytes.

Here rather than in business/ (which stays free of file-format libraries) or
db/ (the Postgres adapter): the API renders on request and the RQ worker
renders into the document store, and both app/ and workers/ may import
workers/. Only fpdf2's core fonts are used (Helvetica, Latin-1), so nothing
depends on fonts installed on the machine; hence "Rs." rather than the rupee
sign, and characters outside Latin-1 (Devanagari names) print as '?'.
"""
