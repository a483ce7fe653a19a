"""Child of test_resume.py: the real app, offscreen, in the middle of a visit, typing until it is killed.

After each keystroke has reached the disk (read back on a connection of its own) the child appends the text saved
so far to the progress file; the parent kills it on a chosen line, while the next keystroke is being typed."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from steward.domain.labels import AnswerResult
from steward.services import visits
from steward.services.profiles import open_profile
from steward.ui.main_window import MainWindow
from tests.ui.typing import type_into

# What the steward types into 位置, one keystroke (or one input-method commit) at a time.
KEYSTROKES = ["调漆间", " ", "e", "a", "s", "t", " ", "2", "号门", " ", "n", "o", "r", "t", "h"]


def main(data_dir: str, visit_id: str, progress_file: str) -> None:
    app = QApplication.instance() or QApplication([])
    profile = open_profile(data_dir, "field")
    window = MainWindow(profile)
    window.show()
    window.open_visit(visit_id)
    screen = window.visit
    assert screen.position.startswith("item:")  # nothing to re-check: the first unanswered item
    for result in (AnswerResult.COMPLIANT, AnswerResult.COMPLIANT, AnswerResult.NOT_APPLICABLE):
        screen.answer(result)  # each answers and moves on
    screen.answer(AnswerResult.NOT_COMPLIANT)  # stays, with the finding open and 位置 focused
    location = screen.item_panel.finding_editor.location
    progress = Path(progress_file)
    typed = ""
    with profile.reader() as disk:
        for keystroke in KEYSTROKES:
            type_into(location, keystroke)
            typed += keystroke
            while True:  # the debounce saves it; then it is on disk, read on a connection of its own
                app.processEvents()
                saved = visits.findings_of_visit(disk, visit_id)[0]["location"]
                if saved == typed.strip():
                    break
                time.sleep(0.01)
            with progress.open("a", encoding="utf-8") as out:
                out.write(f"{screen.position}\t{typed}\n")
    while True:  # typed everything: the parent chose too late a line; it kills us anyway
        app.processEvents()
        time.sleep(0.05)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
