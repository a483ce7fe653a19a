"""PDF documents drawn with reportlab from plain data (steward.domain.documents), and XLSX/CSV tables written from
rows and column specs (sheets.py, shared with the hub's downloads). No Qt, no SQL."""
