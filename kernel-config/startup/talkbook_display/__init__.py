"""Talkbook's display extension, loaded into every Python kernel.

Shown matplotlib figures also carry `application/vnd.talkbook.chart+json` (beside `image/png`),
pandas DataFrames and Series `application/vnd.talkbook.table+json` (beside `text/html`), so the
page can make them interactive. See ../README.md for both formats.
"""
from .formatters import CHART_MIME, TABLE_MIME, register

__all__ = ["CHART_MIME", "TABLE_MIME", "load_ipython_extension"]


def load_ipython_extension(ip):
    register(ip)
