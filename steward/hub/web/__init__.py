"""A read-only web page for insurer staff, behind a login: enterprises with open and overdue findings, and each
visit with its findings, photos and PDFs. Jinja2 templates (steward/hub/templates/) escape every value; no script.
Its routes (steward.hub.web.routes) are built when that module is imported, by the hub's app: a command that only
manages viewers imports this package without them."""

from steward.hub.web.accounts import SESSION_SECONDS, Viewers

__all__ = ["SESSION_SECONDS", "Viewers"]
