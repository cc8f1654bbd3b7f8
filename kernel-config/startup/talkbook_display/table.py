"""A pandas DataFrame or Series as `application/vnd.talkbook.table+json` (see ../README.md)."""
import datetime
import math

VERSION = 1
MAX_ROWS = 1_000
MAX_CELLS = 50_000
MAX_COLUMNS = 200
MAX_TEXT = 1_000


def describe_table(obj):
    import pandas as pd

    kind = "series" if isinstance(obj, pd.Series) else "dataframe"
    frame = obj.to_frame(name=obj.name if obj.name is not None else "value") if kind == "series" else obj
    total_rows, total_columns = frame.shape
    shown = frame.iloc[:, :MAX_COLUMNS]
    width = shown.shape[1] + shown.index.nlevels
    row_cap = min(MAX_ROWS, max(10, MAX_CELLS // max(1, width)))
    head = shown.iloc[:row_cap]

    columns, values = [], []
    index_names = list(head.index.names)
    for level in range(head.index.nlevels):
        level_values = head.index.get_level_values(level)
        name = index_names[level]
        columns.append(_column("" if name is None else name, level_values.dtype, index=True))
        values.append(_json_values(level_values))
    for position in range(head.shape[1]):
        column = head.iloc[:, position]
        columns.append(_column(head.columns[position], column.dtype, index=False))
        values.append(_json_values(column))
    return {
        "version": VERSION,
        "kind": kind,
        "columns": columns,
        "rows": [list(row) for row in zip(*values)] if values else [],
        "totalRows": int(total_rows),
        "totalColumns": int(total_columns),
        "truncated": bool(len(head) < total_rows or head.shape[1] < total_columns),
    }


def _column(name, dtype, index):
    return {"name": _name(name), "dtype": str(dtype), "kind": _kind(dtype), "index": index}


def _name(name):
    if isinstance(name, tuple):
        return " / ".join(str(part) for part in name if str(part) != "")
    return str(name)


def _kind(dtype):
    from pandas.api import types

    if types.is_bool_dtype(dtype):
        return "boolean"
    if types.is_numeric_dtype(dtype) and not types.is_complex_dtype(dtype):
        return "number"
    if types.is_datetime64_any_dtype(dtype):
        return "datetime"
    return "string"


def _json_values(values):
    """One column as JSON values: None for missing, ISO strings for moments, text cut at MAX_TEXT."""
    return [_json_value(value) for value in values.astype(object).tolist()]


def _json_value(value):
    import pandas as pd

    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, str):
        return _cut(value)
    if isinstance(value, (pd.Timestamp, datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item) and type(value).__module__ == "numpy":
        try:
            return _json_value(item())
        except (TypeError, ValueError):
            pass
    try:
        if pd.isna(value) is True:
            return None
    except (TypeError, ValueError):
        pass
    return _cut(str(value))


def _cut(text):
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
