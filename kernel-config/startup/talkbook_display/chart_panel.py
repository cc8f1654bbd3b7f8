"""One matplotlib Axes as a chart panel: its kind, axes and elements (series, bars, bins, slices, boxes)."""
import numpy as np

from .chart_axis import Unsupported, describe_axis, position_label
from .labels import plain_text
from .numbers import num, nums

MAX_OUTLIERS = 500


def describe_panel(ax):
    """The panel for `ax`, None when it shows nothing; raises Unsupported for what it cannot describe."""
    from matplotlib.container import BarContainer
    from matplotlib.patches import Wedge

    if getattr(ax, "name", "rectilinear") != "rectilinear":
        raise Unsupported("%s axes" % ax.name)
    if any(image.get_visible() for image in ax.images):
        raise Unsupported("image")
    x, x_value = describe_axis(ax.xaxis)
    y, y_value = describe_axis(ax.yaxis)

    boxes, box_artists, box_vertical = _boxes(ax, x, y, x_value, y_value)
    series = _line_series(ax, box_artists, x_value, y_value) + _scatter_series(ax, x_value, y_value)

    bars, bins, bar_patches, horizontal_bars = [], [], set(), False
    for container in ax.containers:
        if not isinstance(container, BarContainer):
            raise Unsupported(type(container).__name__)
        bar_patches.update(id(patch) for patch in container.patches)
        horizontal = getattr(container, "orientation", None) == "horizontal"
        horizontal_bars = horizontal_bars or horizontal
        _bars(ax, container, horizontal, x, y, x_value, y_value, bars, bins)

    slices = []
    wedges = [p for p in ax.patches if isinstance(p, Wedge) and p.get_visible()]
    for patch in ax.patches:
        if id(patch) in bar_patches or id(patch) in box_artists or patch in wedges or not patch.get_visible():
            continue
        raise Unsupported(type(patch).__name__)
    for index, wedge in enumerate(wedges):
        fraction = (wedge.theta2 - wedge.theta1) / 360.0
        value = getattr(wedge, "_talkbook_value", None)
        slices.append({
            "label": _label(wedge.get_label()) or "Slice %d" % (index + 1),
            "value": num(value if value is not None else fraction),
            "fraction": num(round(fraction, 6)),
            "color": _hex(wedge.get_facecolor()),
        })

    kinds = set()
    if slices:
        kinds.add("pie")
    if boxes:
        kinds.add("box")
    if bins:
        kinds.add("histogram")
    if bars:
        kinds.add("bar")
    if series:
        kinds.add("line" if any(s["kind"] == "line" for s in series) else "scatter")
    if not kinds:
        return None
    horizontal = horizontal_bars if (bars or bins) else (boxes and not box_vertical)
    panel = {
        "type": kinds.pop() if len(kinds) == 1 else "unknown",
        "title": _title(ax),
        "x": x,
        "y": y,
        "orientation": "horizontal" if horizontal else "vertical",
        "series": series,
        "bars": bars,
        "bins": bins,
        "slices": slices,
        "boxes": boxes,
    }
    grid = _grid(ax)
    if grid:
        panel["grid"] = grid
    return panel


def _title(ax):
    for loc in ("center", "left", "right"):
        title = plain_text(ax.get_title(loc))
        if title:
            return title
    return None


def _label(label):
    """A user's label; matplotlib's own (`_child0`, `_nolegend_`) are not labels."""
    label = plain_text(label)
    return None if not label or label.startswith("_") else label


def _hex(color):
    from matplotlib.colors import to_hex

    try:
        array = np.asarray(color, dtype=float)
        if array.ndim == 2:
            if not len(array):
                return None
            array = array[0]
        return to_hex(array, keep_alpha=False)
    except (TypeError, ValueError):
        try:
            return to_hex(color, keep_alpha=False)
        except (TypeError, ValueError):
            return None


def _in_data_coords(transform, ax):
    return transform == ax.transData


def _points(xy, x_value, y_value):
    xy = np.ma.filled(np.ma.asarray(xy, dtype=float), np.nan).reshape(-1, 2)
    return [[x_value(a), y_value(b)] for a, b in xy]


def _line_series(ax, skip, x_value, y_value):
    series = []
    # Empty labelled lines only stand in the legend (seaborn draws its `hue` legend that way):
    # an unlabelled line of the same colour is the one they name.
    legend_only = {}
    for line in ax.lines:
        if id(line) in skip or not line.get_visible() or not _in_data_coords(line.get_transform(), ax):
            continue  # box plot parts, hidden lines, axhline/axvline (axes coordinates)
        linestyle = line.get_linestyle()
        marker = line.get_marker()
        has_line = linestyle not in ("None", "none", "", " ") and line.get_linewidth() > 0
        has_marker = marker not in (None, "None", "none", "", " ")
        if not has_line and not has_marker:
            continue
        if len(line.get_xydata()) == 0:
            label = _label(line.get_label())
            if label:
                legend_only.setdefault(_hex(line.get_color()), []).append(label)
            continue
        series.append({
            "label": _label(line.get_label()),
            "kind": "line" if has_line else "scatter",
            "color": _hex(line.get_color()),
            "points": _points(line.get_xydata(), x_value, y_value),
        })
    for entry in series:
        names = legend_only.get(entry["color"], [])
        if entry["label"] is None and len(names) == 1:
            entry["label"] = names[0]
    return series


def _scatter_series(ax, x_value, y_value):
    from matplotlib.collections import PathCollection

    series = []
    for collection in ax.collections:
        if not collection.get_visible() or not len(collection.get_paths()):
            continue  # hidden, or draws nothing (seaborn's empty error bands)
        offset_transform = getattr(collection, "get_offset_transform", None)
        if type(collection) is not PathCollection or offset_transform is None or not _in_data_coords(offset_transform(), ax):
            raise Unsupported(type(collection).__name__)
        color = collection.get_facecolor()
        series.append({
            "label": _label(collection.get_label()),
            "kind": "scatter",
            "color": _hex(color if len(color) else collection.get_edgecolor()),
            "points": _points(collection.get_offsets(), x_value, y_value),
        })
    return series


def _bars(ax, container, horizontal, x, y, x_value, y_value, bars, bins):
    histogram = getattr(container, "_talkbook_histogram", False)
    label = _label(container.get_label())
    position_axis, position, position_value = (ax.yaxis, y, y_value) if horizontal else (ax.xaxis, x, x_value)
    value_of = x_value if horizontal else y_value
    for patch in container.patches:
        if not patch.get_visible():
            continue
        px, py, width, height = patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height()
        start, size, base, value = (py, height, px, width) if horizontal else (px, width, py, height)
        color = _hex(patch.get_facecolor())
        if histogram:
            bins.append({"series": label, "start": position_value(start), "end": position_value(start + size), "count": num(value), "color": color})
        else:
            center = start + size / 2
            bars.append({
                "series": label,
                "label": position_label(position_axis, position, position_value, center),
                "value": num(value),
                "base": value_of(base) if base else 0,
                "x": position_value(center),
                "width": num(size),
                "color": color,
            })


def _boxes(ax, x, y, x_value, y_value):
    """Box plots drawn on `ax` (noted by mpl_hooks) whose artists are still there."""
    boxes, artists, vertical = [], set(), True
    lines = {id(line) for line in ax.lines}
    for entry in ax.__dict__.get("_talkbook_boxes", []):
        parts = [artist for group in entry["artists"].values() for artist in group]
        medians = entry["artists"].get("medians") or parts
        if not medians or not all(id(m) in lines for m in medians if hasattr(m, "get_xydata")):
            continue
        artists.update(id(artist) for artist in parts)
        vertical = entry["vertical"]
        axis, description, to_value = (ax.xaxis, x, x_value) if vertical else (ax.yaxis, y, y_value)
        value_of = y_value if vertical else x_value
        box_parts = entry["artists"].get("boxes") or []
        for index, (stats, position) in enumerate(zip(entry["stats"], entry["positions"])):
            fliers = np.asarray(stats.get("fliers", []), dtype=float).ravel()
            box = box_parts[index] if index < len(box_parts) else None
            color = None
            if box is not None:
                color = box.get_facecolor() if type(box).__name__ == "PathPatch" else box.get_color()
            boxes.append({
                "label": plain_text(stats.get("label")) or position_label(axis, description, to_value, float(position)) or str(index + 1),
                "median": value_of(stats["med"]),
                "q1": value_of(stats["q1"]),
                "q3": value_of(stats["q3"]),
                "whiskerLow": value_of(stats["whislo"]),
                "whiskerHigh": value_of(stats["whishi"]),
                "mean": value_of(stats["mean"]) if "mean" in stats else None,
                "outliers": [value_of(v) for v in fliers[:MAX_OUTLIERS]],
                "color": _hex(color) if color is not None else None,
            })
    return boxes, artists, vertical


def _grid(ax):
    get = getattr(ax, "get_subplotspec", None)
    spec = get() if get else None
    if spec is None:
        return None
    rows, cols = spec.get_gridspec().get_geometry()
    return {
        "row": spec.rowspan.start,
        "col": spec.colspan.start,
        "rowSpan": len(spec.rowspan),
        "colSpan": len(spec.colspan),
        "rows": rows,
        "cols": cols,
    }
