"""A tiny evaluator of REDCap calculations, as REDCap computes them, for the tests.

Supports what the toolkit writes: ``[field]``, numbers, ``+ - * /``,
parentheses and ``round(x, d)`` (half away from zero). A blank field makes
the whole result blank (``None``), as ``+`` does in REDCap.
"""

from __future__ import annotations

import ast
import math
import re

FIELD = re.compile(r"\[([a-z][a-z0-9_]*)\]")
OPERATORS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b}


def evaluate(expression: str, answers: dict[str, float | None]) -> float | None:
    """The value of a REDCap calculation for ``answers`` (field name -> value or None)."""
    python = FIELD.sub(lambda m: f"field_{m.group(1)}", expression)
    return _value(ast.parse(python, mode="eval").body, answers)


def _value(node: ast.AST, answers: dict[str, float | None]) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.Name) and node.id.startswith("field_"):
        return answers.get(node.id.removeprefix("field_"))
    if isinstance(node, ast.BinOp):
        left, right = _value(node.left, answers), _value(node.right, answers)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Div):
            return left / right
        return OPERATORS[type(node.op)](left, right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "round":
        number, decimals = (_value(arg, answers) for arg in node.args)
        if number is None:
            return None
        scale = 10 ** int(decimals)
        return math.floor(number * scale + 0.5) / scale
    raise ValueError(f"not a calculation the toolkit writes: {ast.dump(node)}")
