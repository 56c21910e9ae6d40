"""Withheld values and the value types of the analysis result (:mod:`toolkit.analysis.model`).

A count is a whole number or :class:`Withheld`; a statistic is a number, None
(not computable) or :class:`Withheld`. Only the copy for display
(:func:`toolkit.analysis.suppress`) holds withheld values.
"""

from __future__ import annotations

from typing import Annotated
from typing import Any
from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import model_serializer
from pydantic import model_validator

WithheldReason = Literal["small count", "complementary", "small sample"]


class Withheld(BaseModel):
    """A number that may not be shown, with why and what is shown instead.

    ``reason``: ``"small count"`` (a count from 1 to threshold - 1, shown as
    e.g. ``"<11"``), ``"complementary"`` (a count withheld so that a small one
    cannot be worked out by subtraction, shown as ``"*"``) or ``"small sample"``
    (a statistic computed on fewer than threshold people, or one that would
    reveal a withheld count; ``text`` None, written as ``null``).

    Examples
    --------
    >>> Withheld.model_validate("<11")
    Withheld(reason='small count', text='<11')
    >>> Withheld(reason="complementary", text="*").model_dump()
    '*'
    """

    model_config = ConfigDict(frozen=True)

    reason: WithheldReason
    text: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"reason": "complementary" if value == "*" else "small count", "text": value}
        return value

    @model_serializer(mode="plain")
    def _as_text(self) -> str | None:
        return self.text

    def __str__(self) -> str:
        return self.text or ""


def is_none(value: Any) -> bool:
    return value is None


#: A count of people (or scores): a whole number, or withheld in the copy for display.
Count = int | Withheld
#: A statistic: a number, None when it cannot be computed, or withheld in the copy for display.
Stat = float | Withheld | None
#: A ``[low, high]`` confidence interval.
Interval = Annotated[list[Stat], Field(min_length=2, max_length=2)]
#: ``true`` on an object whose statistics were withheld; absent from the unsuppressed result.
Suppressed = Annotated[bool | None, Field(default=None, exclude_if=is_none)]
