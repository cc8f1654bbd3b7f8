"""Numbers as JSON allows them: finite, compact, `None` for NaN."""
import math


def num(value):
    """A finite number (an int when integral), or None for NaN, infinities and non-numbers."""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(f):
        return None
    if f.is_integer() and abs(f) < 1e15:
        return int(f)
    return float("%.9g" % f)


def nums(values):
    return [num(v) for v in values]


def sample_indices(count, cap):
    """Up to `cap` evenly spread indices of `count` items, always with the first and last."""
    if count <= cap:
        return range(count)
    step = (count - 1) / (cap - 1)
    return sorted({round(i * step) for i in range(cap)})
