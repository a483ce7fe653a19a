"""The code a laptop profile puts into its notice numbers before the hub has given it one (XJ-7KM3QT-2026-0001).

Two stewards of one firm who print notices before their first sync must not print the same number, so the code is
this profile's own: derived from its random id (a UUID made when the profile was), six characters, about 190
million possible codes (two of a firm's 500 laptops share one with odds of about 1 in 1,500; even then the two
would also have to print in the same year). It begins with a digit and the codes the hub gives begin with a letter
(the steward's initials, "LM"): the code a profile uses after binding is never the one it used before, so a number
printed before the first sync is never printed again."""

from __future__ import annotations

import hashlib

_FIRST = "23456789"  # a digit first: never a code the hub gives
_REST = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L or U: read aloud and typed back without doubt
LOCAL_CODE_LENGTH = 6


def local_number_code(profile_id: str) -> str:
    """The profile's own code for notice numbers printed before its first sync."""
    n = int.from_bytes(hashlib.sha256(profile_id.encode("utf-8")).digest()[:8], "big")
    chars = [_FIRST[n % len(_FIRST)]]
    n //= len(_FIRST)
    for _ in range(LOCAL_CODE_LENGTH - 1):
        chars.append(_REST[n % len(_REST)])
        n //= len(_REST)
    return "".join(chars)
