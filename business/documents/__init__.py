"""Documents as data: what an invoice, a statement, a GST report or a P&L shows.

Pure Python (no PDF or I/O library): each module turns the books' dataclasses
into a frozen document model with every figure already computed, so the
renderers (`workers.documents`) only lay text out and the tests can check the
figures against the books without reading a PDF.
"""
