"""A matplotlib figure as `application/vnd.talkbook.chart+json` (see ../README.md), or None."""
from .chart_axis import Unsupported
from .chart_panel import describe_panel
from .labels import plain_text
from .numbers import sample_indices

VERSION = 1
MAX_PANELS = 16
MAX_POINTS_PER_SERIES = 5_000
MAX_POINTS = 20_000


def describe_figure(fig):
    """The figure's chart description, or None when it shows something it cannot describe."""
    axes = [ax for ax in fig.get_axes() if ax.get_visible()]
    if not axes or len(axes) > MAX_PANELS:
        return None
    # Twin axes (twinx) share one place: two scales over one plot cannot be said per panel.
    places = [tuple(round(v, 4) for v in ax.get_position().bounds) for ax in axes]
    if len(set(places)) != len(places):
        return None
    try:
        panels = [panel for panel in (describe_panel(ax) for ax in axes) if panel is not None]
    except Unsupported:
        return None
    if not panels:
        return None
    truncated = _cap_points(panels)
    kinds = {panel["type"] for panel in panels}
    suptitle = getattr(fig, "_suptitle", None)
    title = plain_text(suptitle.get_text()) if suptitle is not None else ""
    return {
        "version": VERSION,
        "type": kinds.pop() if len(kinds) == 1 else "unknown",
        "title": title or (panels[0]["title"] if len(panels) == 1 else None),
        "panels": panels,
        "truncated": truncated,
    }


def _cap_points(panels):
    """Evenly samples long series (the PNG stays exact); True when any was sampled."""
    series = [s for panel in panels for s in panel["series"]]
    cap = max(100, min(MAX_POINTS_PER_SERIES, MAX_POINTS // max(1, len(series))))
    truncated = False
    for s in series:
        count = len(s["points"])
        s["totalPoints"] = count
        if count > cap:
            s["points"] = [s["points"][i] for i in sample_indices(count, cap)]
            truncated = True
    return truncated
