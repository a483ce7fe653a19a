"""Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters, the last a check character."""

from __future__ import annotations

from steward.domain.errors import InvalidInput

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(code: str) -> str:
    return code.strip().upper().replace(" ", "")


def validate(code: str) -> str:
    """Return the normalized code, or raise InvalidInput saying what is wrong."""
    norm = normalize(code)
    if len(norm) != 18:
        raise InvalidInput(
            f"统一社会信用代码应为18位,现为{len(norm)}位:{code}",
            f"A unified social credit code has 18 characters, this has {len(norm)}: {code}",
        )
    bad = [ch for ch in norm if ch not in ALPHABET]
    if bad:
        raise InvalidInput(
            f"统一社会信用代码含有不允许的字符“{bad[0]}”:{code}",
            f"The credit code contains a character that is not allowed, '{bad[0]}': {code}",
        )
    expected = check_character(norm[:17])
    if norm[17] != expected:
        raise InvalidInput(
            f"统一社会信用代码校验位错误(应为{expected}),请核对:{code}",
            f"The credit code's check character is wrong (expected {expected}); please check it: {code}",
        )
    return norm


def is_valid(code: str) -> bool:
    try:
        validate(code)
    except InvalidInput:
        return False
    return True
