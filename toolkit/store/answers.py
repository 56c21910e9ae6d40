"""What counts as an answer: risk items, "prefer not to say", and the checks of a page's answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from toolkit.instruments.answer_values import allows_decline
from toolkit.instruments.answer_values import is_risk_item
from toolkit.instruments.answer_values import on_scale
from toolkit.store.errors import MissingAnswersError
from toolkit.store.errors import TamperedInputError
from toolkit.store.models import KioskSession

if TYPE_CHECKING:
    from toolkit.instruments import Registry
    from toolkit.instruments.schema import Instrument
    from toolkit.instruments.schema import Item

__all__ = ["DECLINED", "allows_decline", "check_answer", "is_risk_item", "page_instrument", "validate_answers"]

DECLINED = None
"""The answer value that means "prefer not to say"."""


def check_answer(inst: Instrument, item: Item, value: float | None, risk_decline: bool = False) -> None:
    """Raise :class:`TamperedInputError` unless ``value`` is a possible answer to ``item``."""
    if value is DECLINED:
        if not allows_decline(inst, item, risk_decline):
            raise TamperedInputError(f"{item.id}: this question cannot be declined; choose one of the answers")
        return
    if not on_scale(inst, item, value):
        raise TamperedInputError(f"{item.id}: {value!r} is not an answer on this question's scale")


def page_instrument(registry: Registry, ks: KioskSession, page_index: int) -> tuple[dict, Instrument]:
    """The plan entry and instrument of a page; a page out of reach is tampering."""
    if not 0 <= page_index < ks.page_count or page_index > ks.furthest_page:
        raise TamperedInputError(f"page {page_index}: not a page of this session yet; go back to the current page")
    page = ks.plan[page_index]
    return page, registry.get(page["instrument"], page["version"])


def validate_answers(
    registry: Registry, ks: KioskSession, page_index: int, answers: Mapping[str, float | None]
) -> None:
    """Check a page's answers: exactly the page's items, each with a possible value."""
    page, inst = page_instrument(registry, ks, page_index)
    unknown = sorted(set(answers) - set(page["items"]))
    if unknown:
        raise TamperedInputError(f"{', '.join(unknown)}: not a question on page {page_index}; reload the page")
    risk_decline = ks.participant.program.risk_decline
    for item_id, value in answers.items():
        check_answer(inst, inst.item(item_id), value, risk_decline)
    missing = [i for i in page["items"] if i not in answers]
    if missing:
        raise MissingAnswersError(missing)
