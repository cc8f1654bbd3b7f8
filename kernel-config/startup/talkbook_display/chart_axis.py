"""One axis of a matplotlib Axes: label, unit, scale, limits and ticks, in JSON values."""
import datetime
import math

from .labels import parse_label, plain_text
from .numbers import num


class Unsupported(Exception):
    """The figure holds something a chart description cannot say: PNG only."""


def describe_axis(axis):
    """(description, to_value): `to_value` maps a data coordinate of this axis to its JSON value."""
    scale, to_value = _scale(axis)
    label = plain_text(axis.get_label().get_text())
    name, unit = parse_label(label)
    lo, hi = sorted(float(v) for v in axis.get_view_interval())
    description = {
        "label": label or None,
        "name": name,
        "unit": unit,
        "scale": scale,
        "min": to_value(lo),
        "max": to_value(hi),
        "ticks": _ticks(axis, lo, hi, to_value),
    }
    if scale == "log":
        description["logBase"] = num(getattr(axis.get_transform(), "base", 10))
    if scale == "categorical":
        mapping = axis.units._mapping
        description["categories"] = [str(name) for name, _ in sorted(mapping.items(), key=lambda item: item[1])]
    return description, to_value


def position_label(axis, description, to_value, value):
    """The name of a bar's or box's position on this axis: its category or tick label, else the number."""
    from matplotlib.ticker import FixedFormatter, FixedLocator

    categories = description.get("categories")
    if categories:
        index = int(round(value))
        if 0 <= index < len(categories):
            return categories[index]
    # Ticks named one by one (`set_xticklabels`, pandas bar plots): matplotlib 3.5+ keeps the
    # names in a FuncFormatter over a FixedLocator, older ones in a FixedFormatter.
    named = isinstance(axis.major.formatter, FixedFormatter) or isinstance(axis.major.locator, FixedLocator)
    if named and description["ticks"]:
        raw = [(abs(float(loc) - value), text) for loc, text in _raw_ticks(axis)]
        if raw:
            return min(raw, key=lambda pair: pair[0])[1]
    if description["scale"] == "datetime":
        ms = to_value(value)
        if ms is not None:
            moment = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
            return moment.strftime("%Y-%m-%d %H:%M:%S").removesuffix(" 00:00:00")
    return "%g" % value


def _scale(axis):
    from matplotlib import category, dates

    if isinstance(getattr(axis, "units", None), category.UnitData):
        return "categorical", num
    formatter = axis.major.formatter
    if type(formatter).__name__ == "TimeSeries_DateFormatter" and getattr(formatter, "freq", None) is not None:
        return "datetime", _period_ms(formatter.freq)
    converter = getattr(axis, "converter", None)
    date_formatters = (dates.DateFormatter, dates.AutoDateFormatter, dates.ConciseDateFormatter)
    if isinstance(formatter, date_formatters) or (converter is not None and type(converter).__module__.startswith("matplotlib.dates")) or isinstance(converter, dates.DateConverter):
        origin = float(dates.date2num(datetime.datetime(1970, 1, 1)))
        return "datetime", lambda v: num((float(v) - origin) * 86_400_000)
    scale = axis.get_scale()
    if scale == "linear":
        return "linear", num
    if scale == "log":
        return "log", num
    raise Unsupported("%s axis" % scale)


def _period_ms(freq):
    """pandas plots time series at period ordinals: ordinal → ms since the epoch, interpolated."""
    import pandas as pd

    cache = {}

    def at(ordinal):
        if ordinal not in cache:
            cache[ordinal] = pd.Period._from_ordinal(ordinal, freq).to_timestamp().value / 1e6
        return cache[ordinal]

    def to_ms(value):
        value = float(value)
        if not math.isfinite(value):
            return None
        base = math.floor(value)
        start = at(base)
        return num(start + (value - base) * (at(base + 1) - start))

    return to_ms


def _raw_ticks(axis):
    locs = list(axis.get_majorticklocs())
    labels = axis.major.formatter.format_ticks(locs) if locs else []
    return [(loc, plain_text(text)) for loc, text in zip(locs, labels)]


def _ticks(axis, lo, hi, to_value):
    slack = (hi - lo) * 1e-9
    return [
        {"value": to_value(loc), "label": text}
        for loc, text in _raw_ticks(axis)
        if lo - slack <= float(loc) <= hi + slack
    ]
