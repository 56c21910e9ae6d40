"""Instrument definitions: YAML loading, schema, rules and registry."""

from toolkit.instruments.loader import load_instrument
from toolkit.instruments.loader import load_instrument_text
from toolkit.instruments.registry import default_registry
from toolkit.instruments.registry import Registry
from toolkit.instruments.scales import ScaleSpec
from toolkit.instruments.schema import Instrument

__all__ = ["Instrument", "Registry", "ScaleSpec", "default_registry", "load_instrument", "load_instrument_text"]
