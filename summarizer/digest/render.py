"""The digest as Markdown for reading: events, their sources, merged claims and discrepancies."""

from __future__ import annotations

from summarizer.digest.model import Digest, Event

__all__ = ["digest_markdown"]


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _event(event: Event, titles: dict[str, str]) -> list[str]:
    lines = [f"## {event.title}", ""]
    when = f" · *date:* {event.date}" if event.date else ""
    lines += [f"*{len(event.articles)} article(s):* " + ", ".join(event.articles) + when, ""]
    lines += [event.summary_en, ""]
    if event.discrepancies:
        lines += ["### Where the reports disagree", ""]
        for d in event.discrepancies:
            lines.append(f"- **{d.about}** ({_cell(d.detail)}):")
            lines += [
                f"  - `{v.article}`: {v.value} — „{_cell(v.quote)}“ ({v.start}–{v.end})"
                for v in d.values
            ]
        lines.append("")
    shared = [c for c in event.claims if len({s.article for s in c.sources}) > 1]
    if shared:
        lines += ["### Claims stated by several sources", ""]
        for claim in shared:
            lines.append(f"- {_cell(claim.text_en)}")
            lines += [
                f"  - `{s.article}` · {_cell(s.speaker)} ({s.kind}): „{_cell(s.quote)}“ "
                f"({s.start}–{s.end})"
                for s in claim.sources
            ]
        lines.append("")
    lines += [f"*{len(event.claims)} claim(s) in all.*", ""]
    related = titles.get(event.id)
    if related:
        lines += [f"*Related:* {related}", ""]
    return lines


def digest_markdown(digest: Digest) -> str:
    """A readable digest: one section per event (largest first), then files left out."""
    names = {e.id: e.title for e in digest.events}
    related: dict[str, list[str]] = {}
    for link in digest.links:
        a, b = link.events
        related.setdefault(a, []).append(names.get(b, b))
        related.setdefault(b, []).append(names.get(a, a))
    joined = {k: "; ".join(v) for k, v in related.items()}
    events = sorted(digest.events, key=lambda e: -len(e.articles))
    multi = sum(1 for e in events if len(e.articles) > 1)
    lines = [
        "# Digest",
        "",
        f"{len(events)} event(s) from {sum(len(e.articles) for e in events)} article(s); "
        f"{multi} reported by several articles; {len(digest.links)} link(s) between related "
        f"events; {digest.calls} model call(s), {digest.cached_calls} from the cache.",
        "",
    ]
    for event in events:
        lines += _event(event, joined)
    if digest.errors:
        lines += ["## Files left out", ""]
        lines += [f"- `{e.path}`: {e.error}: {_cell(e.message)}" for e in digest.errors]
        lines.append("")
    return "\n".join(lines)
