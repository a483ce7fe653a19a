"""PDF documents drawn with reportlab from plain data (steward.domain.documents). No Qt, no SQL."""
