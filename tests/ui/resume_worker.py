"""Child of test_resume.py: the real app, offscreen, in the middle of a visit until it is killed."""

from __future__ import annotations

import sys
import time

from PySide6.QtWidgets import QApplication

from steward.domain.labels import AnswerResult
from steward.services.profiles import open_profile
from steward.ui.main_window import MainWindow


def main(data_dir: str, visit_id: str) -> None:
    app = QApplication.instance() or QApplication([])
    profile = open_profile(data_dir, "field")
    window = MainWindow(profile)
    window.show()
    window.open_visit(visit_id)
    screen = window.visit
    assert screen.position.startswith("item:")  # nothing to re-check: the first unanswered item
    for result in (AnswerResult.COMPLIANT, AnswerResult.COMPLIANT, AnswerResult.NOT_APPLICABLE):
        screen.answer(result)  # each answers and moves on
    screen.answer(AnswerResult.NOT_COMPLIANT)  # stays, with the finding open
    screen.item_panel.finding_editor.location.setText("调漆间")
    screen.item_panel.finding_editor.location.textEdited.emit("调漆间")
    deadline = time.monotonic() + 1.5  # longer than the debounce of fields and position
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    print(f"ready {screen.position}", flush=True)
    while True:
        app.processEvents()
        time.sleep(0.05)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
