"""The HTML eval report: one self-contained static file (inline CSS and SVG, no external assets)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from summarizer.evaluation.metrics import CHART, HEADLINE, fmt
from summarizer.evaluation.runs import ArticleEval, EvalRun

__all__ = ["render_html", "trend_svg"]

_COLORS = ("#1b6ac9", "#2a9d4b", "#c9821b", "#9b3ac9")

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.5rem}h2{margin-top:2.5rem;border-bottom:1px solid #ddd}h3{margin-top:1.5rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem}
th{background:#f4f4f4;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.source{white-space:pre-wrap;background:#fafafa;border:1px solid #eee;padding:1rem}
mark{background:#fff3a8;padding:0 .1rem}mark a{color:inherit;text-decoration:none}
del{color:#a33}.meta{color:#666;font-size:.9rem}.err{color:#a33}
ol.claims li{margin-bottom:.4rem}.kind{font-size:.8rem;background:#eef;padding:0 .3rem}
"""


def trend_svg(runs: Sequence[EvalRun], *, width: int = 640, height: int = 220) -> str:
    """An inline SVG line chart of the main 0-1 metrics across runs (oldest first)."""
    pad_l, pad_r, pad_t, pad_b = 40, 170, 10, 30
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b
    n = len(runs)

    def x(i: int) -> float:
        return pad_l + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return pad_t + plot_h * (1 - max(0.0, min(1.0, v)))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="metrics across {n} runs">',
        f'<rect x="{pad_l}" y="{pad_t}" width="{plot_w}" height="{plot_h}" fill="#fcfcfc" '
        'stroke="#ccc"/>',
    ]
    for tick in (0.0, 0.5, 1.0):
        parts.append(
            f'<text x="{pad_l - 6}" y="{y(tick) + 4:.1f}" font-size="11" text-anchor="end">'
            f"{tick:.1f}</text>"
        )
    for i, run in enumerate(runs):
        label = html.escape(run.created[5:16].replace("T", " "))
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - 10}" font-size="10" text-anchor="middle">'
            f"{label}</text>"
        )
    for k, (metric, color) in enumerate(zip((m.name for m in CHART), _COLORS, strict=True)):
        points = [
            (x(i), y(v)) for i, run in enumerate(runs) if (v := run.overall.get(metric)) is not None
        ]
        if points:
            coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(
                f'<polyline class="series" data-metric="{metric}" points="{coords}" '
                f'fill="none" stroke="{color}" stroke-width="2"/>'
            )
            parts.extend(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{color}"/>' for px, py in points
            )
        ly = pad_t + 14 + 18 * k
        parts.append(
            f'<rect x="{width - pad_r + 12}" y="{ly - 9}" width="10" height="10" fill="{color}"/>'
            f'<text x="{width - pad_r + 27}" y="{ly}" font-size="12">{metric}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _highlighted_source(article: ArticleEval) -> str:
    """The cleaned source, each claim's quote marked and linked to the claim (and back)."""
    text = str(article.details.get("source_text", ""))
    claims = article.result.claims if article.result else []
    spans = sorted(
        (c.start, c.end, i) for i, c in enumerate(claims, 1) if 0 <= c.start < c.end <= len(text)
    )
    out: list[str] = []
    cursor = 0
    for start, end, i in spans:
        if start < cursor:  # overlapping quotes: mark the first only
            continue
        out.append(html.escape(text[cursor:start]))
        out.append(
            f'<mark id="{article.id}-q{i}"><a href="#{article.id}-c{i}">'
            f"{html.escape(text[start:end])}</a><sup>{i}</sup></mark>"
        )
        cursor = end
    out.append(html.escape(text[cursor:]))
    return "".join(out)


def _article_section(article: ArticleEval) -> str:
    aid = html.escape(article.id)
    parts = [f'<section class="article" id="{aid}"><h2>{aid}</h2>']
    if article.status == "error":
        parts.append(f'<p class="err">failed: {html.escape(article.error or "")}</p></section>')
        return "".join(parts)
    metrics = " · ".join(
        f"{m.name} {fmt(article.metrics.get(m.name))}"
        for m in HEADLINE
        if m.name in article.metrics
    )
    parts.append(f'<p class="meta">{html.escape(metrics)}</p>')
    result = article.result
    if result is not None:
        parts.append(
            f"<h3>{html.escape(result.title_en)}</h3><p>{html.escape(result.summary_en)}</p>"
        )
        parts.append("<ul>" + "".join(f"<li>{html.escape(p)}</li>" for p in result.key_points_en))
        parts.append('</ul><h3>Claims</h3><ol class="claims">')
        facts = article.details.get("claim_facts", {})
        for i, c in enumerate(result.claims, 1):
            matched = ", ".join(facts.get(str(i - 1), [])) or "unmatched"
            parts.append(
                f'<li id="{aid}-c{i}"><a href="#{aid}-q{i}">quote {i}</a> '
                f'<span class="kind">{html.escape(c.kind)}</span> '
                f"<b>{html.escape(c.speaker)}</b>: {html.escape(c.text_en)} "
                f'<span class="meta">({html.escape(c.attribution or "no attribution")}; '
                f"gold: {html.escape(matched)})</span></li>"
            )
        parts.append("</ol>")
        parts.append(
            f'<h3>Cleaned source</h3><div class="source">{_highlighted_source(article)}</div>'
        )
    removed = article.details.get("removed", [])
    parts.append(f"<h3>Stripped before the model saw it ({len(removed)})</h3><ul>")
    for r in removed:
        parts.append(
            f'<li><span class="kind">{html.escape(str(r["reason"]))}</span> '
            f"<del>{html.escape(str(r['text']))}</del></li>"
        )
    parts.append("</ul>")
    missed = article.details.get("missed_facts", [])
    parts.append(f'<h3>Missed gold facts ({len(missed)})</h3><ul class="missed">')
    parts.extend(
        f"<li>{html.escape(str(m['id']))}: {html.escape(str(m['statement']))}</li>" for m in missed
    )
    parts.append("</ul>")
    parts.extend(_problems(article))
    parts.append("</section>")
    return "".join(parts)


def _problem_item(key: str, item: dict[str, Any]) -> str:
    """One problem of a gold article as list-item text (escaped); claims numbered from 1."""
    if key == "wrong_speakers":
        claims = ", ".join(str(i + 1) for i in item["claims"])
        text = (
            f"{item['fact_id']}: claim {claims} names {' / '.join(item['speakers'])}; "
            f"gold: {' / '.join(item['expected'])}"
        )
    elif key == "wrong_kinds":
        text = f"claim {item['index'] + 1} ({item['kind']}): {item['problem']}"
    elif key == "contradictions":
        text = f"{item['id']} ({item['statement']}) in {item['unit']}: {item['text']}"
    else:
        text = f"{item['field']}: {item['text']}"
    return html.escape(text)


_PROBLEMS = (
    ("wrong_speakers", "Facts with the wrong speaker"),
    ("wrong_kinds", "Claims with the wrong kind"),
    ("contradictions", "Contradictions"),
    ("german_fields", "English fields still in German"),
)


def _problems(article: ArticleEval) -> list[str]:
    """Sections for the attribution, contradiction and language problems (none in run files
    made before those scorers)."""
    parts: list[str] = []
    for key, heading in _PROBLEMS:
        if key not in article.details:
            continue
        items = article.details[key]
        parts.append(f'<h3>{heading} ({len(items)})</h3><ul class="{key}">')
        parts.extend(f"<li>{_problem_item(key, item)}</li>" for item in items)
        parts.append("</ul>")
    return parts


def render_html(run: EvalRun, *, history: Sequence[EvalRun] = (), name: str = "") -> str:
    """The whole report for `run`; `history` (all runs, oldest first) feeds the trend chart."""
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td class=num>{fmt(v)}</td></tr>"
        for k, v in sorted(run.overall.items())
    )
    title = f"summarizer eval: {run.suite} on {run.model}"
    meta = (
        f"{html.escape(name)} · created {html.escape(run.created)} · "
        f"mode {html.escape(run.mode)} · "
        f"schema {html.escape(run.schema_hash)} · summarizer {html.escape(run.summarizer_version)}"
        f" · commit {html.escape(run.git_commit or 'unknown')}"
        f"{' · replayed from cache' if run.replay else ''}"
    )
    prompts = ", ".join(f"{k}: {v}" for k, v in sorted(run.prompt_versions.items()))
    chart = trend_svg(list(history) or [run])
    articles = "".join(_article_section(a) for a in run.articles)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p class=meta>{meta}</p>"
        f"<p class=meta>prompts: {html.escape(prompts)}</p>"
        f'<h2>Metrics</h2><table id="metrics">{rows}</table>'
        f'<h2>Across runs</h2><div id="trend">{chart}</div>'
        f"{articles}</body></html>\n"
    )
