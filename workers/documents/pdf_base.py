"""What every Execora PDF shares: A4, core fonts, Latin-1 text, a simple table writer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from fpdf import FPDF
from fpdf.enums import XPos, YPos

Align = Literal["L", "R", "C"]
FONT = "Helvetica"
PAGE_WIDTH_MM = 190.0  # A4 less 10 mm margins


def latin(text: str) -> str:
    """The core fonts are Latin-1: anything else (the rupee sign, Devanagari) becomes '?'."""
    text = text.replace("₹", "Rs.").replace("\u2013", "-").replace("\u2014", "-")
    return text.encode("latin-1", "replace").decode("latin-1")


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    align: Align = "L"


class DocPdf(FPDF):
    """An A4 page with the document's footer (page x of y)."""

    def __init__(self, title: str, footer_note: str = "") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._footer_note = footer_note
        self.set_margins(10, 10, 10)
        self.set_auto_page_break(auto=True, margin=15)
        self.set_title(latin(title))
        self.set_creator("Execora")
        self.alias_nb_pages()
        self.add_page()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=7)
        note = f"{latin(self._footer_note)}   " if self._footer_note else ""
        self.cell(0, 5, f"{note}Page {self.page_no()} of {{nb}}", align="C")

    def text_line(self, text: str, size: float = 9, style: Literal["", "B", "I", "BI"] = "",
                  align: Align = "L", h: float = 5) -> None:
        self.set_font(FONT, style=style, size=size)
        self.cell(0, h, latin(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def pair(self, left: str, right: str, size: float = 9, style: Literal["", "B"] = "") -> None:
        """Two texts on one line: one at the left margin, one flush right."""
        self.set_font(FONT, style=style, size=size)
        half = PAGE_WIDTH_MM / 2
        self.cell(half, 5, latin(left))
        self.cell(half, 5, latin(right), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def rule(self) -> None:
        self.line(self.l_margin, self.get_y(), self.l_margin + PAGE_WIDTH_MM, self.get_y())
        self.ln(1)

    def _fit(self, text: str, width: float) -> str:
        text = latin(text)
        if self.get_string_width(text) <= width - 1.5:
            return text
        while text and self.get_string_width(text + "..") > width - 1.5:
            text = text[:-1]
        return text + ".."

    def table_header(self, columns: Sequence[Column], size: float = 8) -> None:
        self.set_font(FONT, style="B", size=size)
        for c in columns:
            self.cell(c.width, 6, self._fit(c.title, c.width), border=1, align=c.align)
        self.ln(6)

    def table_row(self, columns: Sequence[Column], cells: Sequence[str], size: float = 8,
                  style: Literal["", "B"] = "") -> None:
        """One row; on a page break the header is printed again first. Long cells are cut with '..'."""
        if self.will_page_break(6):
            self.add_page()
            self.table_header(columns, size)
        self.set_font(FONT, style=style, size=size)
        for c, text in zip(columns, cells, strict=True):
            self.cell(c.width, 6, self._fit(text, c.width), border=1, align=c.align)
        self.ln(6)

    def to_bytes(self) -> bytes:
        return bytes(self.output())
