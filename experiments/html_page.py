"""The pieces of a self-contained HTML page that ``aiecosim report`` writes, for a sweep's report
and a front's alike: one style, figures with plotly.js inlined once by the page, sections and
tables with every value escaped."""

from __future__ import annotations

import html

import plotly.io as pio
from plotly.offline import get_plotlyjs

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
td, th { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } .note { color: #666; } .figure { margin-bottom: 1rem; }
"""


def page(title: str, body: list[str]) -> str:
    """The whole page: ``body``'s parts (empty ones left out) under ``title``."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{STYLE}</style>"
            f"<script type=\"text/javascript\">{get_plotlyjs()}</script></head>\n<body>\n"
            + "\n".join(part for part in body if part) + "\n</body></html>\n")


def figure(fig, div_id: str, height: int = 420) -> str:
    """A figure's div (its own height if it sets one); its camera button downloads an SVG."""
    fig.update_layout(height=fig.layout.height or height)
    inner = pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=div_id,
                        config={"displaylogo": False, "responsive": True,
                                "toImageButtonOptions": {"format": "svg"}})  # for papers
    return f'<div class="figure">{inner}</div>'


def section(title: str, content: str, anchor: str) -> str:
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{content}</section>'


def table(header: list[str], rows, table_id: str, show_header: bool = True) -> str:
    head = ("<tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr>"
            if show_header else "")
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f'<table id="{table_id}">{head}{body}</table>'


def escape(value) -> str:
    return html.escape("" if value is None else str(value))
