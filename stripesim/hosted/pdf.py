"""A minimal, valid PDF 1.4 writer for one-page text documents (the invoice PDF, no dependency).

Structure per ISO 32000-1 / the PDF 1.4 reference (https://opensource.adobe.com/dc-acrobat-sdk-docs/pdfstandards/pdfreference1.4.pdf):
header, numbered objects, a cross-reference table with each object's byte offset, trailer, `startxref`,
`%%EOF`. Text uses the standard Helvetica fonts, which every reader has, with WinAnsiEncoding (cp1252),
so strings are written as cp1252 bytes; characters outside it become "?" (callers avoid them).
"""

from __future__ import annotations

from dataclasses import dataclass

PAGE_WIDTH, PAGE_HEIGHT = 612, 792  # US Letter, in points


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # from the top of the page, in points
    text: str
    size: float = 10
    bold: bool = False
    align_right: bool = False  # `x` is the right edge


def encodable(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _literal(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _width(text: str, size: float) -> float:
    # Helvetica's average advance is about half the font size; good enough to right-align amounts.
    return len(text) * size * 0.5


def _content(items: list[Text]) -> bytes:
    ops = []
    for item in items:
        x = item.x - _width(item.text, item.size) if item.align_right else item.x
        font = b"/F2" if item.bold else b"/F1"
        ops.append(
            b"BT %s %g Tf %.2f %.2f Td %s Tj ET" % (font, item.size, x, PAGE_HEIGHT - item.y, _literal(item.text))
        )
    return b"\n".join(ops) + b"\n"


def build(items: list[Text], title: str) -> bytes:
    """One page with `items` drawn on it; returns the whole file."""
    stream = _content(items)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>" % (PAGE_WIDTH, PAGE_HEIGHT),
        b"<< /Length %d >>\nstream\n%sendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Title %s /Producer (stripesim) >>" % _literal(title),
    ]
    # The binary comment line tells transfer tools the file is binary (PDF reference, 3.4.1).
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        len(objects),
        xref,
    )
    return bytes(out)
