"""The base of every object of the typed analysis result (:mod:`toolkit.analysis.model`)."""

from __future__ import annotations

from pydantic import BaseModel
from pydantic import ConfigDict


class Part(BaseModel):
    """Base of every object of the result: unknown keys are refused; values are checked on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
