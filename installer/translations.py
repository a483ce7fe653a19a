"""The English interface: `update` refreshes resources/translations/steward_en.ts from the tr() calls in steward/ui
(pyside6-lupdate) and adds the words the UI translates by value (the domain's labels, the settings' names), whose
English is declared next to the Chinese in the code; `release` compiles the .ts into the .qm the app loads
(pyside6-lrelease). The .qm is built, never committed: `make`, the wheel test and the PyInstaller spec call `release`.

    python installer/translations.py update|release
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "resources" / "translations"
TS = FOLDER / "steward_en.ts"
QM = FOLDER / "steward_en.qm"


def _tool(name: str) -> str:
    """The PySide6 tools sit next to the Python that has PySide6 (the venv's bin or Scripts folder)."""
    here = Path(sys.executable).parent
    for candidate in (here / name, here / f"{name}.exe"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install PySide6 into this Python ({sys.executable})")
    return found


def by_value() -> dict[str, dict[str, str]]:
    """Context -> {Chinese: English} for the strings the UI passes to tr() as values, not literals."""
    sys.path.insert(0, str(ROOT))
    from steward.domain import labels, rating
    from steward.services import settings

    words: dict[str, str] = {}
    for enum in (
        labels.Severity,
        labels.VisitKind,
        labels.AnswerResult,
        labels.VisitStatus,
        labels.EventKind,
        labels.FindingStatus,
        rating.Colour,
    ):
        for member in enum:
            words[member.zh] = member.en
    for kind in rating.RecordKind:  # a kind stands alone in a table cell or a title: capitalised
        words[kind.zh] = kind.en[:1].upper() + kind.en[1:]
    return {"labels": words, "SettingsDialog": {s.label_zh: s.label_en for s in settings.ALL}}


def _add_by_value(tree: ET.ElementTree) -> None:
    root = tree.getroot()
    for context_name, words in by_value().items():
        context = next((c for c in root.iter("context") if c.findtext("name") == context_name), None)
        if context is None:
            context = ET.SubElement(root, "context")
            ET.SubElement(context, "name").text = context_name
        known = {m.findtext("source"): m for m in context.iter("message")}
        for zh, en in words.items():
            message = known.get(zh)
            if message is None:
                message = ET.SubElement(context, "message")
                ET.SubElement(message, "source").text = zh
                ET.SubElement(message, "translation")
            translation = message.find("translation")
            assert translation is not None
            translation.text = en
            translation.attrib.pop("type", None)  # lupdate marks what it cannot see in the code as vanished


def update() -> None:
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "steward" / "ui").rglob("*.py"))
    subprocess.run(
        [
            _tool("pyside6-lupdate"),
            *sources,
            "-ts",
            str(TS.relative_to(ROOT)),
            "-target-language",
            "en",
            "-no-obsolete",
        ],
        check=True,
        cwd=ROOT,
    )
    tree = ET.parse(TS)
    _add_by_value(tree)
    ET.indent(tree)
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    unfinished = [
        m.findtext("source") for m in tree.iter("message") if m.find("translation").get("type") == "unfinished"
    ]
    if unfinished:
        print(f"{len(unfinished)} strings still need English:", *unfinished, sep="\n  ")


def release() -> None:
    subprocess.run([_tool("pyside6-lrelease"), "-silent", str(TS), "-qm", str(QM)], check=True)


if __name__ == "__main__":
    {"update": update, "release": release}[sys.argv[1] if len(sys.argv) > 1 else "release"]()
