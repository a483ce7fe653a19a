"""Search keys for enterprise names in pinyin: what a steward types instead of Chinese ("xjyq", "yuanquan")."""

from __future__ import annotations

import re

# People abbreviate "仙居县源泉工艺品有限公司" as 仙居源泉 -> xjyq: the level of the place name is dropped.
_ADMIN_LEVELS = re.compile(r"(?<=[\u4e00-\u9fff])[省市县区镇乡](?=[\u4e00-\u9fff])")


def name_keys(name: str) -> str:
    """Initials of the name, initials without 省/市/县/区/镇/乡, and the full pinyin, lower case, space separated."""
    # Imported here: its phrase dictionary takes 150 ms to load, and only writing an enterprise needs it.
    from pypinyin import Style, lazy_pinyin

    short = _ADMIN_LEVELS.sub("", name)
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()
    short_initials = "".join(lazy_pinyin(short, style=Style.FIRST_LETTER)).lower()
    full = "".join(lazy_pinyin(name)).lower()
    return " ".join(dict.fromkeys((initials, short_initials, full)))


def initials(name: str) -> str:
    """A person's pinyin initials in capitals, letters only ("李明" -> "LM"): the hub's notice-number code."""
    from pypinyin import Style, lazy_pinyin

    letters = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER))
    return "".join(c for c in letters.upper() if "A" <= c <= "Z")


def looks_like_pinyin(term: str) -> bool:
    return term.isascii() and term.isalpha()


def matches(query: str, texts: tuple[str, ...], pinyin_keys: str) -> bool:
    """The rule of the enterprise search, also applied in memory by the app: every term is found in one of the
    texts (case-insensitive), or, for a term of Latin letters, in the pinyin keys."""
    for term in query.split():
        folded = term.casefold()
        if any(folded in text.casefold() for text in texts):
            continue
        if looks_like_pinyin(term) and folded in pinyin_keys:
            continue
        return False
    return True


def sort_key(name: str) -> tuple[str, ...]:
    """How Chinese readers order names (as a zh_CN collator does): by the pinyin of each character, tone included
    (安 before 白 before 仙); characters without a reading keep their place by code point."""
    from pypinyin import Style, lazy_pinyin

    # pypinyin accepts a list from `errors` (one entry per character); its type hints say only str.
    unknown = lambda chars: [f"~{ord(c):06x}" for c in chars]  # noqa: E731
    return tuple(lazy_pinyin(name, style=Style.TONE3, errors=unknown))  # type: ignore[arg-type]
