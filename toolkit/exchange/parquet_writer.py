"""Write an export table as Parquet: dates as dates, answers and scores as floats, codes and text as strings.

A declined answer is null in an answer column (the long layout's ``declined``
column says which). Each field carries its label, and its value labels as
JSON, in the field's metadata (``label``, ``values``).
"""

from __future__ import annotations

import json
from pathlib import Path

from toolkit.exchange.export_layout import ExportTable
from toolkit.exchange.export_variables import Variable


def _metadata(var: Variable) -> dict[bytes, bytes]:
    meta = {b"label": var.label.encode("utf-8")}
    if var.values:
        values = {(str(int(k)) if float(k).is_integer() else repr(k)): v for k, v in var.values.items()}
        meta[b"values"] = json.dumps(values, ensure_ascii=False).encode("utf-8")
    return meta


def write_parquet(table: ExportTable, path: Path) -> None:
    """Write the table as one Parquet file (zstd-compressed)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays, fields = [], []
    for var in table.variables:
        column = table.frame[var.name]
        if var.kind in ("item", "score"):
            kind = pa.float64()
            array = pa.array(column.to_numpy(dtype="float64"), type=kind, from_pandas=True)
        elif var.kind == "date":
            kind = pa.date32()
            array = pa.array(column.astype(object).where(column.notna(), None).tolist(), type=kind)
        elif var.kind == "flag":
            kind = pa.bool_()
            array = pa.array(column.astype(object).where(column.notna(), None).tolist(), type=kind)
        else:
            kind = pa.string()
            array = pa.array(column.astype(object).where(column.notna(), None), type=kind, from_pandas=True)
        arrays.append(array)
        fields.append(pa.field(var.name, kind, metadata=_metadata(var)))
    pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), str(path), compression="zstd")
