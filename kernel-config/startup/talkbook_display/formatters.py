"""IPython display formatters for the chart and table MIME types.

`display()` (and the inline backend, which displays every shown figure) asks each formatter of
`ip.display_formatter.formatters` in turn, so these travel in the same display_data as the PNG
or the HTML. Describing never raises: a failure only leaves the MIME type out.
"""
from IPython.core.formatters import BaseFormatter
from traitlets import ObjectName, Unicode

from .mpl_hooks import install_hooks

CHART_MIME = "application/vnd.talkbook.chart+json"
TABLE_MIME = "application/vnd.talkbook.table+json"


class _DescribingFormatter(BaseFormatter):
    """Describes instances of the classes named in `described` (module, name), nothing else.

    Matched by class name along the MRO rather than by `for_type`: IPython's inline backend
    removes every formatter's `Figure` printer when it activates (`select_figure_formats`).
    """

    _return_type = dict
    described = ()

    def describe(self, obj):
        raise NotImplementedError

    def __call__(self, obj):
        if not self.enabled or not any((cls.__module__, cls.__name__) in self.described for cls in type(obj).__mro__):
            return None
        try:
            return self.describe(obj)
        except Exception:  # noqa: BLE001 — a description is optional, the output is not
            return None


class ChartFormatter(_DescribingFormatter):
    format_type = Unicode(CHART_MIME)
    # Never `__repr__` (the default) if anything falls back to it.
    print_method = ObjectName("_repr_talkbook_chart_")
    described = (("matplotlib.figure", "Figure"),)

    def describe(self, obj):
        from .chart import describe_figure

        return describe_figure(obj)


class TableFormatter(_DescribingFormatter):
    format_type = Unicode(TABLE_MIME)
    print_method = ObjectName("_repr_talkbook_table_")
    described = (("pandas.core.frame", "DataFrame"), ("pandas.core.series", "Series"))

    def describe(self, obj):
        from .table import describe_table

        return describe_table(obj)


def register(ip):
    """Adds both formatters (neither pandas nor matplotlib is imported now)."""
    display = ip.display_formatter
    # After image/png and text/html in the dict, so a figure is already drawn when described.
    display.formatters[CHART_MIME] = ChartFormatter(parent=display)
    display.formatters[TABLE_MIME] = TableFormatter(parent=display)
    install_hooks()
