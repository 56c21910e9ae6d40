"""REDCap field names: item and score ids mapped to names REDCap accepts.

REDCap's variable names hold lowercase letters, digits and underscores,
start with a letter and should be at most 26 characters long. Toolkit ids
already use those characters, so most map to themselves. A longer id keeps
its first 19 characters, then ``_`` and 6 hexadecimal digits of its SHA-1:
the same id always gives the same name, and the mapping is also written in
each field's annotation (``outcomes item ID``) so it can be read back.
"""

from __future__ import annotations

import hashlib
import re

MAX_LENGTH = 26
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
RECORD_ID = "record_id"
"""The first field of every exported dictionary: REDCap's record identifier."""


def is_field_name(name: str) -> bool:
    """True when ``name`` follows REDCap's rules for variable names.

    >>> is_field_name("phq9_1"), is_field_name("9phq"), is_field_name("a" * 27)
    (True, False, False)
    """
    return len(name) <= MAX_LENGTH and FIELD_NAME.match(name) is not None


def field_name(toolkit_id: str) -> str:
    """The REDCap field name of an item or score id (deterministic).

    >>> field_name("phq9_1")
    'phq9_1'
    >>> len(field_name("a_very_long_instrument_name_item_12"))
    26
    """
    name = re.sub(r"[^a-z0-9_]", "_", toolkit_id.lower())
    if not name[:1].isalpha():
        name = "v" + name
    if is_field_name(name) and name == toolkit_id:
        return name
    digest = hashlib.sha1(toolkit_id.encode("utf-8")).hexdigest()[:6]
    return f"{name[: MAX_LENGTH - 7].rstrip('_')}_{digest}"


def score_id(instrument_id: str, scale_id: str) -> str:
    """The id of a scale's score field before mapping: ``phq9_total``."""
    return f"{instrument_id}_{scale_id}"
