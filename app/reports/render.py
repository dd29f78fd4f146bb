"""Delivered reports as files: CSV (the standard library's writer) and PDF (fpdf2).

Both hold a title, the period (the filters in words), the generation time, column headers and
the rows; rendering a PDF is CPU work and runs in a worker thread (DESIGN.md §8). The PDF uses
DejaVu Sans when the machine has it (any script), else Helvetica (Latin-1; other characters
become '?').
"""

import asyncio
import csv
import io
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableCellFillMode

from app.reports.catalogue import ColumnType
from app.reports.rows import ReportResult, format_value

UNICODE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
UNICODE_BOLD_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def to_csv(result: ReportResult) -> bytes:
    """The report as CSV (UTF-8 with a byte order mark, so spreadsheets read it): a header
    row of the column labels, then one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(result.labels)
    for row in result.rows:
        writer.writerow([format_value(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _pdf_document() -> tuple[FPDF, str, bool]:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    if UNICODE_FONT.exists() and UNICODE_BOLD_FONT.exists():
        pdf.add_font("DejaVu", "", str(UNICODE_FONT))
        pdf.add_font("DejaVu", "B", str(UNICODE_BOLD_FONT))
        return pdf, "DejaVu", True
    return pdf, "Helvetica", False


def _render_pdf(result: ReportResult) -> bytes:
    pdf, font, unicode_font = _pdf_document()

    def text(value: str) -> str:
        return value if unicode_font else value.encode("latin-1", "replace").decode("latin-1")

    pdf.set_title(text(result.title))
    pdf.set_creator("CRM Back-Office Gateway")
    pdf.add_page()
    pdf.set_font(font, "B", 16)
    pdf.cell(0, 10, text(result.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 10)
    pdf.cell(0, 6, text(f"Period: {result.period}"), new_x="LMARGIN", new_y="NEXT")
    generated = result.generated_on.strftime("%Y-%m-%d %H:%M:%S UTC")
    count = f"{len(result.rows)} rows" + (" (more were left out)" if result.truncated else "")
    pdf.cell(0, 6, text(f"Generated: {generated} - {count}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(font, "", 9)
    numeric = {ColumnType.DECIMAL, ColumnType.INTEGER}
    align = ["RIGHT" if kind in numeric else "LEFT" for kind in result.types]
    with pdf.table(
        cell_fill_color=(240, 240, 240),
        cell_fill_mode=TableCellFillMode.ROWS,
        text_align=tuple(align) if align else "LEFT",
        repeat_headings=1,
    ) as table:
        heading = table.row()
        for label in result.labels:
            heading.cell(text(label))
        for values in result.rows:
            row = table.row()
            for value in values:
                row.cell(text(format_value(value)))
    if not result.rows:
        pdf.cell(0, 8, "No rows.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


async def to_pdf(result: ReportResult) -> bytes:
    """The report as a PDF table (landscape A4, headers repeated on every page), rendered in
    a worker thread."""
    return await asyncio.to_thread(_render_pdf, result)
