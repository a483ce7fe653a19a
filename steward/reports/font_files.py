"""Our TrueType fonts as reportlab uses them, made cheaper to load and to embed.

- Reading a font's tables (its 35,000 characters and 50,000 glyphs, one number at a time in reportlab's pure Python)
  cost 0.2-0.3 s at the first document of every process: the app, each command, each worker of a batch export. What
  that reading produces is kept in the user's cache folder, keyed by the font file's content and reportlab's version,
  and read back in a few milliseconds. The kept file holds numbers, strings and bytes only, and is read with an
  unpickler that refuses every class: a damaged or foreign file is ignored and the font read again.
- A font subset embedded once is kept, made and compressed, for the next document that embeds the same subset (a
  reprint, the preview then the saved file)."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
import sys
import zlib
from fnmatch import fnmatch
from functools import lru_cache
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import reportlab
from reportlab import rl_config
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, TTEncoding, TTFNameBytes, TTFont, TTFontFace

log = logging.getLogger(__name__)
ENV_CACHE_DIR = "STEWARD_CACHE_DIR"
_FORMAT = 1  # of the kept metrics: a change here makes every kept file stale
FontState = dict[str, Any]  # a reportlab font's attributes, as pickled: reportlab's state, not ours


def cache_dir() -> Path:
    """Where kept font metrics live: $STEWARD_CACHE_DIR, else the system's per-user cache folder (never roaming)."""
    configured = os.environ.get(ENV_CACHE_DIR)
    if configured:
        return Path(configured)
    if sys.platform.startswith("win"):
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "Steward" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "Steward"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "steward"


class _NoClasses(pickle.Unpickler):
    """Plain data only: a kept file that names any class (code to run) is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a font cache")


class SubsetCachingFace(TTFontFace):
    """A font face whose parsed tables come from the cache when they were kept before, and that keeps the subsets
    it embedded, compressed. The bytes written are reportlab's own (the same subset, deflated the same way)."""

    def extractInfo(self, charInfo: int = 1) -> None:
        kept = _cache_file(self, charInfo)
        state = _read(kept) if kept else None
        if state is not None:
            self.__dict__.update(state)
            self._pdfScale = _scale(self.unitsPerEm)
            return
        before = dict(self.__dict__)
        super().extractInfo(charInfo)
        if kept:
            made = {k: v for k, v in self.__dict__.items() if k not in before or before[k] is not v}
            made.pop("_pdfScale", None)
            _write(kept, made)

    def addSubsetObjects(self, doc: Any, fontname: str, subset: list[int]) -> Any:
        raw_length, packed = _subset_stream(self, tuple(subset))
        font_file = pdfdoc.PDFStream(content=packed)
        font_file.dictionary["Length1"] = raw_length
        if doc.compression:
            font_file.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName(pdfdoc.PDFZCompress.pdfname)])
        else:
            font_file.content = zlib.decompress(packed)
        reference = doc.Reference(font_file, f"fontFile:{self.filename}({fontname})")
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "Ascent": self.ascent,
                "CapHeight": self.capHeight,
                "Descent": self.descent,
                "Flags": (self.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                "FontBBox": pdfdoc.PDFArray(self.bbox),
                "FontName": pdfdoc.PDFName(fontname),
                "ItalicAngle": self.italicAngle,
                "StemV": self.stemV,
                "FontFile2": reference,
                "MissingWidth": self.defaultWidth,
            }
        )
        return doc.Reference(descriptor, "fontDescriptor:" + fontname)


@lru_cache(maxsize=96)  # ~30 kB each
def _subset_stream(face: TTFontFace, subset: tuple[int, ...]) -> tuple[int, bytes]:
    raw = face.makeSubset(list(subset))
    return len(raw), pdfdoc.PDFZCompress.encode(raw)


def _scale(units_per_em: int) -> Any:
    """reportlab's conversion of font units to thousandths of an em (a function, so never kept)."""
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor


def _cache_file(face: TTFontFace, char_info: int) -> Path | None:
    """The kept file for this font (its content and the subfont's tables) read by this reportlab version."""
    try:
        digest = hashlib.sha256(face._ttf_data)
        digest.update(repr((sorted(face.table.items()), char_info, reportlab.Version, _FORMAT)).encode())
    except (AttributeError, TypeError):
        return None
    return cache_dir() / "fonts" / f"{Path(face.filename).stem}-{digest.hexdigest()[:24]}.metrics"


def _read(path: Path) -> FontState | None:
    try:
        with open(path, "rb") as handle:
            state = _NoClasses(io.BytesIO(handle.read())).load()
    except FileNotFoundError:
        return None
    except Exception as exc:  # damaged, foreign or unreadable: read the font itself
        log.info("font cache %s not used: %s", path, exc)
        return None
    if not isinstance(state, dict) or not isinstance(state.get("names"), list):
        return None
    names = state.pop("names")
    for key in names:
        state[key] = TTFNameBytes(state[key])  # kept as the UTF-8 bytes reportlab made them from
    return state


def _write(path: Path, state: FontState) -> None:
    names = [k for k, v in state.items() if isinstance(v, TTFNameBytes)]
    plain = {k: bytes(v) if k in names else v for k, v in state.items()}
    plain["names"] = names
    try:
        data = pickle.dumps(plain, protocol=5)
        _NoClasses(io.BytesIO(data)).load()  # what is kept must read back under the same rule
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except Exception as exc:  # a read-only or full disk: the next process reads the font itself, as before
        log.info("font cache %s not written: %s", path, exc)


def load(name: str, path: Path) -> TTFont:
    """A TrueType font registered under `name`: reportlab's TTFont, its face read (or recalled) by us."""
    font: TTFont = TTFont.__new__(TTFont)
    # TTFont.__init__ with our face in place of the one it would read (tests/test_typesetting.py holds the two equal)
    font.fontName = name
    font.face = SubsetCachingFace(str(path), validate=0, subfontIndex=0)
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = _shapable(name)
    return font


def _shapable(name: str) -> bool:
    return not any(fnmatch(name, pattern) for pattern in rl_config.unShapedFontGlob)
