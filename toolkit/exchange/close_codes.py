"""Participant codes that nearly match: typed by hand, so one slip must not make a second person.

Codes are typed on paper, in spreadsheets and on tablets. A new code that is
*close* to a code the program already has is listed as a possible match, for
a person to resolve (same person, or a new one); it is never merged
silently. Close means, after ignoring letter case and reading ``O`` as ``0``
and ``I`` as ``1``:

- the same code (``rp-00I`` against ``RP-001``);
- one character inserted, deleted or replaced (``RP-0011``, ``RP-01``, ``RP-002``);
- two neighbouring characters swapped (``RP-010`` against ``RP-001``).

:class:`CodeIndex` finds them among many codes without comparing every pair:
each known code is filed under itself and under every one-character
deletion of it, so a code within one edit shares at least one key with it;
swaps are found by looking up each swapped form of the new code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

_CONFUSED = str.maketrans({"O": "0", "I": "1"})


def normal_form(code: str) -> str:
    """The code as compared: upper case, ``O`` read as ``0`` and ``I`` as ``1``, blanks trimmed.

    >>> normal_form(" rp-0o1 ")
    'RP-001'
    """
    return code.strip().upper().translate(_CONFUSED)


def _deletions(text: str) -> set[str]:
    return {text[:i] + text[i + 1 :] for i in range(len(text))}


def _swaps(text: str) -> set[str]:
    return {text[:i] + text[i + 1] + text[i] + text[i + 2 :] for i in range(len(text) - 1) if text[i] != text[i + 1]}


def within_one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one inserted, deleted or replaced character.

    >>> within_one_edit("RP-001", "RP-01"), within_one_edit("RP-001", "RP-002"), within_one_edit("RP-001", "RP-010")
    (True, True, False)
    """
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def is_close(new: str, known: str) -> bool:
    """True when ``new`` is a possible mistyping of ``known`` (and not the very same text).

    >>> is_close("RP-0O1", "RP-001"), is_close("RP-010", "RP-001"), is_close("RP-001", "RP-001")
    (True, True, False)
    >>> is_close("RP-123", "RP-321")
    False
    """
    if new.strip() == known.strip():
        return False
    a, b = normal_form(new), normal_form(known)
    return a == b or within_one_edit(a, b) or b in _swaps(a)


class CodeIndex:
    """The codes a program already has, for finding the ones close to a new code.

    Examples
    --------
    >>> index = CodeIndex(["RP-001", "RP-002", "RP-100"])
    >>> index.close_to("RP-0O1")
    ['RP-001', 'RP-002']
    >>> index.close_to("RP-003")
    ['RP-001', 'RP-002']
    >>> index.close_to("RP-001")
    ['RP-002']
    >>> index.close_to("XY-999")
    []
    """

    def __init__(self, codes: Iterable[str] = ()) -> None:
        self._keys: dict[str, set[str]] = defaultdict(set)
        self._codes: set[str] = set()
        for code in codes:
            self.add(code)

    def add(self, code: str) -> None:
        """File one more known code."""
        code = code.strip()
        if code in self._codes:
            return
        self._codes.add(code)
        form = normal_form(code)
        for key in {form} | _deletions(form):
            self._keys[key].add(code)

    def __contains__(self, code: str) -> bool:
        return code.strip() in self._codes

    def close_to(self, code: str) -> list[str]:
        """The known codes close to ``code`` (the code itself excluded).

        Codes that differ only by letter case or O/0 and I/1 come first, then
        the others; each group sorted.
        """
        form = normal_form(code)
        candidates: set[str] = set()
        for key in {form} | _deletions(form) | _swaps(form):
            candidates |= self._keys.get(key, set())
        return sorted((c for c in candidates if is_close(code, c)), key=lambda c: (normal_form(c) != form, c))
