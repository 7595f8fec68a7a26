"""The viewer page: one self-contained HTML file (inline CSS, JS and JSON; no external assets)."""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from summarizer.digest.model import Digest, DigestFileError
from summarizer.schema import ArticleResult
from summarizer.version import __version__
from summarizer.view.data import ViewData
from summarizer.view.sources import SourceText

__all__ = ["embed_json", "view_html"]

_HERE = Path(__file__).resolve().parent


@cache
def _asset(name: str) -> str:
    return (_HERE / name).read_text(encoding="utf-8")


def _hash(text: str) -> str:
    """A Content-Security-Policy source for an inline element with exactly this text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def embed_json(value: Any) -> str:
    """`value` as JSON that is safe inside a `<script>` element: every "<" is escaped, so no
    text (say a quote holding "</script>" or "<!--") can end or disturb the element."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def _block(id: str, value: Any) -> str:
    return f'<script type="application/json" id="{id}">{embed_json(value)}</script>\n'


def view_html(
    results: Sequence[ArticleResult],
    digest: Digest | None = None,
    errors: Sequence[DigestFileError] = (),
    sources: Mapping[str, SourceText | str | None] | None = None,
    *,
    title: str = "summarizer results",
) -> str:
    """The viewer of `results` (and `digest`): a list of articles, 50 a page, filtered by
    speaker, kind and id or title; each article's cleaned source beside its English translation,
    paragraph by paragraph, every claim's quote highlighted and linked to its claim and back,
    removed boilerplate struck through with its reason, rejected claims; the digest's events,
    merged claims and discrepancies; and `errors`, the files that could not be read.

    `sources` holds each article's text by result id (`load_sources`, or the cleaned text as a
    string); an article without one, or whose quotes are not at their offsets in it, is shown
    with a notice and no highlighting. Each article's data is a JSON block of its own, parsed
    when the article is opened, so a page of 1,000 articles opens as fast as one of ten.
    """
    data = ViewData.build(results, digest, errors, sources)
    blocks = [_block("view-index", data.index)]
    if data.digest is not None:
        blocks.append(_block("view-digest", data.digest))
    blocks += [_block(f"article-{i}", a) for i, a in enumerate(data.articles)]
    css, js = _asset("viewer.css"), _asset("viewer.js")
    policy = (
        f"default-src 'none'; style-src {_hash(css)}; script-src {_hash(js)}; "
        "base-uri 'none'; form-action 'none'"
    )
    events = f" · digest of {len(digest.events)} event(s)" if digest is not None else ""
    meta = f"{len(results)} result(s){events} · written by summarizer {__version__}"
    page = (
        "<!doctype html>\n<html lang=en><head><meta charset=utf-8>\n"
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{css}</style></head>\n<body>\n"
        f'<header><h1>{html.escape(title)}</h1><p class="meta">{html.escape(meta)}</p>'
        '<nav id="tabs"></nav><div id="filters"></div></header>\n'
        '<p id="view-error" class="err" role="alert" hidden></p>\n'
        "<noscript><p>This page needs JavaScript to show the results.</p></noscript>\n"
        '<main id="main"></main>\n'
        f"{''.join(blocks)}<script>{js}</script>\n</body></html>\n"
    )
    # A result read from JSON may hold a lone surrogate ("\ud800"), which UTF-8 cannot encode.
    return page.encode("utf-8", "replace").decode("utf-8")
