"""Reading generated PDFs back: their text, their fonts, their pages."""

from __future__ import annotations

import io

from pypdf import PdfReader


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def text(pdf: bytes) -> str:
    """All pages' text with line breaks removed: table cells wrap words anywhere."""
    return "".join(page.extract_text() for page in reader(pdf).pages).replace("\n", "")


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in reader(pdf).pages]


def unembedded_fonts(pdf: bytes) -> set[str]:
    """Names of fonts used on any page without an embedded font program."""
    missing = set()
    for page in reader(pdf).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            descriptors = [font.get("/FontDescriptor")]
            for descendant in font.get("/DescendantFonts", []):
                descriptors.append(descendant.get_object().get("/FontDescriptor"))
            embedded = any(
                d is not None and any(k in d.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                for d in descriptors
            )
            if not embedded:
                missing.add(str(font.get("/BaseFont")))
    return missing
