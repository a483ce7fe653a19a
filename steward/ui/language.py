"""The interface language: Chinese (the source language of every tr() string) or English (steward_en.qm, compiled from
resources/translations/steward_en.ts by `make`). Documents stay Chinese whatever the interface speaks: they are legal
documents handed to enterprises."""

from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QGuiApplication

from steward.resources import MissingResource, resource
from steward.services import settings
from steward.storage.profile import Profile
from steward.ui.qt_gaps import QtGaps

log = logging.getLogger(__name__)

CHINESE = "zh_CN"
ENGLISH = "en"

APP_NAME = str(QT_TRANSLATE_NOOP("Steward", "环保管家 Steward"))  # str(): PySide6 types the marker's result as object
_installed: list[QTranslator] = []
_current = CHINESE


def system_language() -> str:
    """English on an English system; Chinese on any other (the users are Chinese: when unsure, Chinese)."""
    return ENGLISH if QLocale.system().language() == QLocale.Language.English else CHINESE


def chosen(profile: Profile) -> str:
    value = settings.get(profile, settings.LANGUAGE)
    return value if value in settings.LANGUAGES else system_language()


def current() -> str:
    return _current


def installed() -> list[QTranslator]:
    return list(_installed)


def apply(app: QCoreApplication, language: str) -> bool:
    """Install the translators of `language` in place of the previous ones; False (and Chinese) when the English
    file is missing, which only a build that skipped `make translations` can cause."""
    global _current
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if language == ENGLISH:
        translator = QTranslator(app)
        try:
            loaded = translator.load(str(resource("translations", "steward_en.qm")))
        except MissingResource:
            loaded = False
        if loaded:
            QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
            app.installTranslator(translator)
            _installed.append(translator)
            _current = ENGLISH
            _name(app)
            return True
        log.warning("steward_en.qm missing or unreadable: the interface stays Chinese")
    # Qt's own buttons and dialogs (取消, 确定, 是/否) speak Chinese too, and the calendar's months and weekdays
    # follow the Chinese locale whatever the system's is.
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    gaps = QtGaps(app)  # installed first, so asked last: Qt's own translation wins wherever it has a word
    app.installTranslator(gaps)
    _installed.append(gaps)
    qt_chinese = QTranslator(app)
    if qt_chinese.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_chinese)
        _installed.append(qt_chinese)
    _current = CHINESE
    _name(app)
    return language == CHINESE


def _name(app: QCoreApplication) -> None:
    if isinstance(app, QGuiApplication):  # the desktop shows it after every window's title
        app.setApplicationDisplayName(QCoreApplication.translate("Steward", APP_NAME))


def said(error: BaseException) -> str:
    """An error's message in the interface's language (StewardError carries both; others say what they say)."""
    return str(getattr(error, "en" if _current == ENGLISH else "zh", error))
