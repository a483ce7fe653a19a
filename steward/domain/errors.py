"""Errors a person sees. Chinese first, English second, because the users read Chinese."""

from __future__ import annotations


class StewardError(Exception):
    """A problem the user can understand and act on; carries both languages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh = zh
        self.en = en

    def bilingual(self) -> str:
        return f"{self.zh}\n{self.en}"

    def __str__(self) -> str:
        return self.zh


class NotFound(StewardError):
    pass


class InvalidInput(StewardError):
    pass


class ProfileTooNew(StewardError):
    pass


class VisitLocked(StewardError):
    pass


class PhotoRejected(StewardError):
    pass


class TemplateImportError(StewardError):
    pass
