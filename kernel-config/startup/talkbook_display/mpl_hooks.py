"""Remembers what matplotlib knew when a box plot, histogram or pie was drawn.

A finished figure holds only lines and patches: box statistics, which bars are a histogram and
the values of pie slices are gone. `Axes.bxp`, `Axes.hist` and `Axes.pie` are wrapped to note
them on the axes and artists. matplotlib is not imported for this: the wrappers go in right
after the user's code imports `matplotlib.axes._axes` (or now, if it already has).
"""
import functools
import sys

TARGET = "matplotlib.axes._axes"


def install_hooks():
    module = sys.modules.get(TARGET)
    if module is not None:
        _patch(module)
    elif not any(isinstance(finder, _AfterImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport(TARGET, _patch))


class _AfterImport:
    """A meta path finder that runs `hook(module)` right after one module has executed."""

    def __init__(self, name, hook):
        self.name = name
        self.hook = hook

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            spec = find(fullname, path, target) if find else None
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        execute = getattr(loader, "exec_module", None)
        if execute is None:
            return spec
        hook = self.hook

        def exec_module(module):
            execute(module)
            try:
                hook(module)
            except Exception:  # noqa: BLE001 — never break importing matplotlib
                pass

        loader.exec_module = exec_module
        return spec


def _patch(module):
    axes_class = getattr(module, "Axes", None)
    if axes_class is None or getattr(axes_class, "_talkbook_hooks", False):
        return
    axes_class._talkbook_hooks = True
    axes_class.bxp = _wrap(axes_class.bxp, _note_boxes)
    axes_class.hist = _wrap(axes_class.hist, _note_histogram)
    axes_class.pie = _wrap(axes_class.pie, _note_pie)


def _wrap(method, note):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        before = (len(self.containers), len(self.patches))
        result = method(self, *args, **kwargs)
        try:
            note(self, before, args, kwargs, result)
        except Exception:  # noqa: BLE001
            pass
        return result

    return wrapper


def _note_boxes(ax, before, args, kwargs, result):
    stats = [dict(s) for s in (args[0] if args else kwargs["bxpstats"])]
    positions = args[1] if len(args) > 1 else kwargs.get("positions")
    vert = args[3] if len(args) > 3 else kwargs.get("vert", True)
    orientation = kwargs.get("orientation")
    vertical = orientation != "horizontal" if orientation else vert is not False
    positions = list(positions) if positions is not None else list(range(1, len(stats) + 1))
    ax.__dict__.setdefault("_talkbook_boxes", []).append(
        {"stats": stats, "positions": positions, "vertical": vertical, "artists": dict(result)}
    )


def _note_histogram(ax, before, args, kwargs, result):
    from matplotlib.container import BarContainer

    for container in list(ax.containers)[before[0]:]:
        if isinstance(container, BarContainer):
            container._talkbook_histogram = True


def _note_pie(ax, before, args, kwargs, result):
    import numpy as np

    values = np.asarray(args[0] if args else kwargs["x"], dtype=float).ravel()
    wedges = list(result[0])
    if len(values) == len(wedges):
        for wedge, value in zip(wedges, values):
            wedge._talkbook_value = float(value)
