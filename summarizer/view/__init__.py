"""The results viewer: a run's results (and digest) as one self-contained, static HTML file.

- `sources`: read a results folder and its digest; reload each result's article (no model)
  and check it is the one the run read (`load_folder`, `load_sources`);
- `data`: the page's data, offsets already cut into highlighted segments (`ViewData`);
- `page`: the HTML with its inline CSS, JS (`viewer.css`, `viewer.js`) and JSON (`view_html`).
"""

from summarizer.view.data import ViewData
from summarizer.view.page import embed_json, view_html
from summarizer.view.sources import SourceText, load_folder, load_sources, read_digest

__all__ = [
    "SourceText",
    "ViewData",
    "embed_json",
    "load_folder",
    "load_sources",
    "read_digest",
    "view_html",
]
