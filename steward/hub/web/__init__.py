"""A read-only web page for insurer staff, behind a login: enterprises with open and overdue findings, and each
visit with its findings, photos and PDFs. Jinja2 templates (steward/hub/templates/) escape every value; no script."""

from steward.hub.web.accounts import SESSION_SECONDS, Viewers
from steward.hub.web.routes import web_router

__all__ = ["SESSION_SECONDS", "Viewers", "web_router"]
