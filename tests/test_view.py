"""The results viewer (`summarizer view`): the page's embedded data, escaping, highlight offsets,
removed spans, missing and changed sources, the digest, 1,000 articles and the CLI; then the
page as headless Chromium renders it (marker `browser`)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from summarizer.article import Article, from_text
from summarizer.boilerplate import Rules, load_rules
from summarizer.cli import app
from summarizer.digest.model import (
    ClaimSource,
    Digest,
    DigestFileError,
    Discrepancy,
    DiscrepancyValue,
    Event,
    EventLink,
    MergedClaim,
)
from summarizer.render import write_result
from summarizer.schema import (
    ArticleResult,
    Attempts,
    Claim,
    ClaimKind,
    Entity,
    Provenance,
    RejectedClaim,
    Usage,
    schema_hash,
)
from summarizer.sources import iter_sources, load_path, load_source
from summarizer.view import load_folder, load_sources, view_html
from summarizer.view.data import PAGE_SIZE, removed_positions

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "001_921c84898896e6e9.txt"
VIEWER_JS = ROOT / "summarizer" / "view" / "viewer.js"

KIM_QUOTES: list[tuple[str, str, ClaimKind]] = [
    ("die Beziehungen zu Russland in allen Bereichen", "Kim Jong-un", "statement"),
    ("mehr als 10.000 Container mit Munition", "South Korean intelligence", "report"),
    ("Container mit Munition, selbstfahrender Artillerie", "the article", "report"),
]
SCRIPT_QUOTE = "</script><script>document.title='PWNED'</script>"
IMG_QUOTE = "<img src=x onerror=\"document.title='PWNED'\">"
HOSTILE = f"""Hostile article about markup

The ministry said on Monday that the page {IMG_QUOTE} was published by mistake.
A spokesman added: "We never wrote {SCRIPT_QUOTE} in any statement <!-- nor this -->."
Officials in the capital declined to comment further on the incident, which drew attention.
"""
runner = CliRunner()


def provenance() -> Provenance:
    return Provenance(
        model="fake-model",
        endpoint_host="127.0.0.1",
        mode="json_schema",
        prompt_versions={},
        schema_hash=schema_hash(),
        cache={},
        attempts=Attempts(),
        usage=Usage(),
        seconds=0.0,
        summarizer_version="0",
        preprocessing_version="test",
    )


def result_of(article: Article, quotes: list[tuple[str, str, ClaimKind]]) -> ArticleResult:
    """A result for `article` whose claims quote it where `quotes` are found."""
    claims = []
    for quote, speaker, kind in quotes:
        start = article.text.index(quote)
        claims.append(
            Claim(
                text_en=f"{speaker} on {quote[:12]}",
                speaker=speaker,
                attribution=f"according to {speaker}",
                kind=kind,
                quote=quote,
                start=start,
                end=start + len(quote),
            )
        )
    return ArticleResult(
        id=article.id,
        source_path=article.source_path,
        sha256=article.sha256,
        language=article.language,
        title_original=article.title,
        title_en=f"Title of {article.id}",
        summary_en=f"Summary of {article.id}.",
        key_points_en=["A key point."],
        entities=[Entity(name="Kim Jong-un", type="person")],
        claims=claims,
        translation_en="\n\n".join(
            f"English {i}: {p[:30]}" for i, p in enumerate(article.paragraphs)
        ),
        removed=list(article.removed),
        rejected_claims=[
            RejectedClaim(
                claim={"text_en": "An invented claim", "speaker": "Nobody", "quote": "not there"},
                reason="quote not found in the source",
            )
        ],
        provenance=provenance(),
    )


def load(path: Path) -> Article:
    return load_path(path, max_chars=200_000, rules=load_rules())


@pytest.fixture
def kim(tmp_path: Path) -> tuple[Article, ArticleResult]:
    path = tmp_path / "src" / "kim.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(SEED.read_bytes())
    article = load(path)
    return article, result_of(article, KIM_QUOTES)


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Article, ArticleResult]:
    path = tmp_path / "src" / "hostile.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(HOSTILE, encoding="utf-8")
    article = load(path)
    quotes: list[tuple[str, str, ClaimKind]] = [
        (SCRIPT_QUOTE, "a spokesman", "quote"),
        (IMG_QUOTE, "the ministry", "statement"),
    ]
    return article, result_of(article, quotes)


def blocks(page: str) -> dict[str, Any]:
    """The page's JSON data blocks by id."""
    found = re.findall(r'<script type="application/json" id="([^"]+)">(.*?)</script>', page, re.S)
    return {id: json.loads(text) for id, text in found}


def highlighted(paragraphs: list[list[Any]]) -> dict[Any, tuple[int, int]]:
    """Each highlight key's (start, end) in the cleaned text, read back from the segments."""
    spans: dict[Any, tuple[int, int]] = {}
    offset = 0
    for segments in paragraphs:
        for segment in segments:
            text = segment if isinstance(segment, str) else segment[0]
            for key in [] if isinstance(segment, str) else segment[1]:
                start = spans.get(key, (offset, offset))[0]
                spans[key] = (start, offset + len(text))
            offset += len(text)
        offset += 2  # the paragraph separator
    return spans


def test_quotes_are_highlighted_at_their_offsets_and_linked_by_number(kim: Any) -> None:
    article, result = kim
    sources = load_sources([result])
    assert sources[result.id].text == article.text and sources[result.id].notice is None
    data = blocks(view_html([result], sources=sources))
    index, shown = data["view-index"], data["article-0"]
    assert index["count"] == 1 and index["page_size"] == PAGE_SIZE
    assert index["articles"][0]["sk"] == sorted([s, k] for _, s, k in KIM_QUOTES)
    assert shown["notice"] is None
    joined = ["".join(s if isinstance(s, str) else s[0] for s in p) for p in shown["paragraphs"]]
    assert "\n\n".join(joined) == article.text
    spans = highlighted(shown["paragraphs"])
    assert spans == {n: (c.start, c.end) for n, c in enumerate(result.claims, 1)}
    for n, c in enumerate(result.claims, 1):
        assert article.text[slice(*spans[n])] == c.quote
    overlap = [
        s for p in shown["paragraphs"] for s in p if not isinstance(s, str) and len(s[1]) > 1
    ]
    assert [s[0] for s in overlap] == ["Container mit Munition"] and overlap[0][1] == [2, 3]
    ends = [s[2] for p in shown["paragraphs"] for s in p if not isinstance(s, str) and s[2]]
    assert ends == [[1], [2], [3]]  # each claim's number is shown once, where its quote ends
    assert len(shown["translation"]) == len(article.paragraphs)
    assert [c["quote"] for c in shown["claims"]] == [q for q, _, _ in KIM_QUOTES]
    assert shown["rejected"] == [
        {
            "claim": {"text_en": "An invented claim", "speaker": "Nobody", "quote": "not there"},
            "reason": "quote not found in the source",
        }
    ]


def test_removed_boilerplate_is_placed_where_it_was_cut_with_its_reason(kim: Any) -> None:
    article, result = kim
    shown = blocks(view_html([result], sources=load_sources([result])))["article-0"]
    raw = article.source_text
    assert [r["reason"] for r in shown["removed"]] == [
        "photo_caption",
        "ad_marker",
        "source_line",
        "comment_counter",
    ]
    for span in shown["removed"]:
        assert span["text"] == raw[span["start"] : span["end"]]
    assert [r["before"] for r in shown["removed"]] == [2, 9, 9, 9]
    caption = shown["removed"][0]["start"]
    assert raw.index(article.paragraphs[1]) < caption < raw.index(article.paragraphs[2])


def test_removed_positions_count_the_paragraphs_cut_before_each_span() -> None:
    rules = Rules(
        patterns=(("ad", re.compile(r"^AD LINE$", re.M)), ("tag", re.compile(r"\[tag\] "))),
        agencies=(),
        fingerprint="test",
    )
    text = "Alpha beta gamma.\nAD LINE\nDelta epsilon. [tag] Zeta eta.\nTheta iota kappa.\nAD LINE"
    article = from_text(text, rules=rules)
    assert article.paragraphs == (
        "Alpha beta gamma.",
        "Delta epsilon.",
        "Zeta eta.",
        "Theta iota kappa.",
    )
    positions = removed_positions(text, article.removed, len(article.paragraphs))
    assert [s.reason for s in article.removed] == ["ad", "tag", "ad"]
    assert positions == [1, 2, 4]


def test_article_text_cannot_end_the_script_or_become_markup(hostile: Any) -> None:
    article, result = hostile
    page = view_html([result], sources=load_sources([result]))
    assert page.count("</script>") == page.count("<script") == 3  # index, article, viewer
    assert "<img" not in page and "<!--" not in page and "PWNED'</script>" not in page
    shown = blocks(page)["article-0"]
    spans = highlighted(shown["paragraphs"])
    assert article.text[slice(*spans[1])] == SCRIPT_QUOTE
    assert article.text[slice(*spans[2])] == IMG_QUOTE
    assert shown["claims"][0]["quote"] == SCRIPT_QUOTE


def test_the_viewer_script_inserts_text_only() -> None:
    js = VIEWER_JS.read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in js, sink
    assert "new Function" not in js and "srcdoc" not in js
    assert "textContent" in js and "createElement" in js


def test_the_page_is_self_contained_and_its_policy_allows_its_own_inline_code_only(
    kim: Any,
) -> None:
    _, result = kim
    page = view_html([result], sources=load_sources([result]))
    assert not re.search(
        r"""(?:src|href|action|srcset|poster)\s*=\s*["']?\s*(?:[a-z]+:)?//""", page
    )
    assert "url(" not in page and "@import" not in page and "<link" not in page
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy is not None and "default-src 'none'" in policy.group(1)
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    script = re.search(r"<script>(.*?)</script>", page, re.S)
    assert style is not None and script is not None
    for code, directive in ((style.group(1), "style-src"), (script.group(1), "script-src")):
        digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in policy.group(1)


def test_a_missing_source_is_shown_with_a_notice_and_no_highlighting(
    kim: Any, tmp_path: Path
) -> None:
    _, result = kim
    gone = result.model_copy(update={"id": "gone", "source_path": str(tmp_path / "gone.txt")})
    stdin = result.model_copy(update={"id": "stdin", "source_path": None})
    sources = load_sources([gone, stdin])
    assert sources["gone"].text is None and "cannot be read (no such file)" in str(
        sources["gone"].notice
    )
    assert "names no source file" in str(sources["stdin"].notice)
    data = blocks(view_html([gone, stdin], sources=sources))
    for i in (0, 1):
        shown = data[f"article-{i}"]
        assert shown["paragraphs"] is None and shown["notice"]
        assert [c["quote"] for c in shown["claims"]] == [q for q, _, _ in KIM_QUOTES]
        assert shown["translation"] == result.translation_en.split("\n\n")
        assert [r["text"] for r in shown["removed"]] == [None] * 4
        assert shown["removed"][0]["reason"] == "photo_caption"
    assert data["view-index"]["articles"][0]["source"] is False


def test_a_changed_source_or_other_cleaning_is_not_highlighted(kim: Any) -> None:
    article, result = kim
    unstripped = Rules(patterns=(), agencies=(), fingerprint="none")
    assert "cleaned differently" in str(load_sources([result], rules=unstripped)[result.id].notice)
    path = Path(str(article.source_path))
    path.write_text(path.read_text(encoding="utf-8").replace("Kim", "Kimm"), encoding="utf-8")
    changed = load_sources([result])[result.id]
    assert changed.text is None and "has changed since the run" in str(changed.notice)
    shown = blocks(view_html([result], sources={result.id: changed}))["article-0"]
    assert shown["paragraphs"] is None and "has changed" in shown["notice"]


def test_a_text_given_directly_must_hold_the_quotes(kim: Any) -> None:
    article, result = kim
    good = blocks(view_html([result], sources={result.id: article.text}))["article-0"]
    assert highlighted(good["paragraphs"])[1] == (result.claims[0].start, result.claims[0].end)
    assert [r["text"] for r in good["removed"]] == [None] * 4  # no raw text given
    other = blocks(view_html([result], sources={result.id: "Another text."}))["article-0"]
    assert other["paragraphs"] is None and "does not hold the claims' quotes" in other["notice"]
    unloaded = blocks(view_html([result]))["article-0"]
    assert unloaded["paragraphs"] is None and "not loaded" in unloaded["notice"]


def test_a_record_is_read_again_from_its_record_file(tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    lines = [
        {"id": "one", "text": "Erster Artikel. " * 20},
        {"id": "two", "text": SEED.read_text()},
    ]
    records.write_text("\n".join(json.dumps(r) for r in lines) + "\n", encoding="utf-8")
    source = next(s for s in iter_sources([records]) if s.id == "two")
    article = load_source(source, max_chars=200_000, rules=load_rules())
    assert article.source_path == f"{records}:2"
    result = result_of(article, KIM_QUOTES[:1])
    loaded = load_sources([result])[result.id]
    assert loaded.text == article.text and loaded.raw == article.source_text


SOLDIERS = "mehr als 10.000 Soldaten"


def soldiers(article: Article) -> tuple[int, int]:
    """Where kim's text says how many soldiers were sent (a discrepancy value, not a claim)."""
    start = article.text.index(SOLDIERS)
    return start, start + len(SOLDIERS)


def digest_of(kim: tuple[Article, ArticleResult], other: ArticleResult) -> Digest:
    """Two events: kim's claim 1 merged with the other article's, and a discrepancy whose kim
    value quotes text that no claim quotes (and whose other value has wrong offsets)."""
    article, kim_result = kim
    first = kim_result.claims[0]
    start, end = soldiers(article)
    return Digest(
        events=[
            Event(
                id="e1",
                title="Kim meets Belousov",
                date="2024-11-30",
                articles=[kim_result.id, other.id, "not-in-this-folder"],
                summary_en="They met in Pyongyang.",
                claims=[
                    MergedClaim(
                        text_en="Relations will expand",
                        sources=[
                            ClaimSource(article=kim_result.id, **first.model_dump()),
                            ClaimSource(article=other.id, **other.claims[0].model_dump()),
                        ],
                    )
                ],
                discrepancies=[
                    Discrepancy(
                        about="number",
                        detail="soldiers sent",
                        values=[
                            DiscrepancyValue(
                                article=kim_result.id,
                                value="10,000",
                                quote=SOLDIERS,
                                start=start,
                                end=end,
                            ),
                            DiscrepancyValue(
                                article=other.id, value="none", quote="declined", start=0, end=8
                            ),
                        ],
                    )
                ],
            ),
            Event(
                id="e2",
                title="A related visit",
                date=None,
                articles=[other.id],
                summary_en="Another visit.",
                claims=[],
                discrepancies=[],
            ),
        ],
        links=[EventLink(events=("e1", "e2"), reason="same delegation")],
        pairs=[],
        errors=[DigestFileError(path="old.json", error="OldSchema", message="summarize again")],
    )


def test_the_digest_links_to_claims_and_highlights_the_quotes_it_compares(
    kim: Any, hostile: Any
) -> None:
    (article, kim_result), (_, other) = kim, hostile
    digest = digest_of(kim, other)
    errors = [DigestFileError(path="bad.json", error="CorruptFile", message="not JSON")]
    results = [kim_result, other]
    data = blocks(view_html(results, digest, errors, load_sources(results)))
    assert data["view-index"]["errors"] == [e.model_dump() for e in errors]
    assert data["view-index"]["digest"] == {"events": 2}
    events = data["view-digest"]["events"]
    assert [e["id"] for e in events] == ["e1", "e2"]
    assert [s["ref"] for s in events[0]["claims"][0]["sources"]] == [1, 1]
    values = events[0]["discrepancies"][0]["values"]
    assert [v["ref"] for v in values] == ["x1", None]
    assert events[0]["related"] == [["e2", "A related visit", "same delegation"]]
    assert data["view-digest"]["errors"][0]["error"] == "OldSchema"
    kim_shown = data["article-0"]
    assert highlighted(kim_shown["paragraphs"])["x1"] == soldiers(article)
    assert values[0]["quote"] == SOLDIERS
    assert kim_shown["events"] == [["e1", "Kim meets Belousov"]]
    assert data["article-1"]["events"] == [["e1", "Kim meets Belousov"], ["e2", "A related visit"]]


def many(count: int) -> tuple[list[ArticleResult], dict[str, str | None]]:
    """`count` synthetic results of 8 paragraphs and 5 claims each, with their texts; the
    claims' speakers are 40 ministers."""
    results: list[ArticleResult] = []
    sources: dict[str, str | None] = {}
    for i in range(count):
        text = "\n\n".join(
            f"Absatz {p} von Artikel {i}: Der Minister sagte am Montag, die Lage sei ernst."
            for p in range(8)
        )
        quote = f"Absatz 3 von Artikel {i}"
        start = text.index(quote)
        claim = Claim(
            text_en="The situation is serious.",
            speaker=f"Minister {i % 40}",
            attribution="sagte",
            kind="statement",
            quote=quote,
            start=start,
            end=start + len(quote),
        )
        results.append(
            ArticleResult(
                id=f"article-{i:04d}",
                source_path=None,
                sha256="0" * 64,
                language="de",
                title_original=None,
                title_en=f"Article {i}",
                summary_en="A summary.",
                key_points_en=[],
                entities=[],
                claims=[claim] * 5,
                translation_en="\n\n".join(f"Paragraph {p}." for p in range(8)),
                removed=[],
                rejected_claims=[],
                provenance=provenance(),
            )
        )
        sources[f"article-{i:04d}"] = text
    return results, sources


def test_a_thousand_articles_make_a_small_index_and_one_block_each() -> None:
    results, sources = many(1000)
    claim = results[999].claims[0]
    started = time.perf_counter()
    page = view_html(results, sources=sources)
    seconds = time.perf_counter() - started
    assert seconds < 5, seconds
    data = blocks(page)
    index = data["view-index"]
    assert len(index["articles"]) == 1000 and index["page_size"] == 50
    assert len(json.dumps(index)) < 200 * 1000  # the list loads at once; articles when opened
    assert all(f"article-{i}" in data for i in range(1000))
    assert highlighted(data["article-999"]["paragraphs"])[1] == (claim.start, claim.end)
    assert len(index["speakers"]) == 40 and index["speakers"][0][1] == 125
    texts = sum(len(t or "") for t in sources.values())
    assert len(page.encode()) < 3 * texts + 2_000_000


# -- the command ------------------------------------------------------------------------------


def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Viewing must start no model: a summarizer or an embedded server is a test failure."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("summarizer view started a model")

    monkeypatch.setattr("summarizer.summarizer.Summarizer.__init__", refuse)
    monkeypatch.setattr("summarizer.embedded.server.EmbeddedServer.start", refuse)


def test_view_writes_the_page_with_the_digest_and_the_unreadable_files(
    kim: Any, hostile: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_model(monkeypatch)
    (_, kim_result), (_, other) = kim, hostile
    out = tmp_path / "out"
    for r in (kim_result, other):
        write_result(out, r)
    (out / "digest.json").write_text(digest_of(kim, other).model_dump_json())
    (out / "broken.json").write_text("{not json")
    done = runner.invoke(app, ["view", str(out)])
    assert done.exit_code == 1, done.output
    page = (out / "results.html").read_text(encoding="utf-8")
    data = blocks(page)
    assert [e["id"] for e in data["view-digest"]["events"]] == ["e1", "e2"]
    assert [e["error"] for e in data["view-index"]["errors"]] == ["CorruptFile"]
    assert data["article-1"]["notice"] is None  # kim: sorted after hostile
    (out / "broken.json").unlink()
    target = tmp_path / "elsewhere" / "page.html"
    done = runner.invoke(app, ["view", str(out), "-o", str(target)])
    assert done.exit_code == 0, done.output
    assert str(target) in done.stdout and blocks(target.read_text())["view-index"]["errors"] == []
    results, digest, errors = load_folder(out, digest_path=tmp_path / "none.json")
    assert len(results) == 2 and digest is None and errors[0].error == "MissingFile"


def test_view_refuses_a_folder_without_results(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["view", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "no such folder" in missing.output
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "digest.json").write_text(
        Digest(events=[], links=[], pairs=[], errors=[]).model_dump_json()
    )
    empty = runner.invoke(app, ["view", str(tmp_path / "empty")])
    assert empty.exit_code == 2 and "no result files" in empty.output
    assert not (tmp_path / "empty" / "results.html").exists()


# -- in a browser -----------------------------------------------------------------------------


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def render(page: Path, fragment: str = "") -> tuple[str, list[str], list[str]]:
    """The DOM headless Chromium builds for `page` (at `#fragment`), the console messages it
    logged, and the URLs the page itself requested. Host names resolve nowhere, so nothing
    reaches the network, not even the browser's own background requests."""
    browser = _chromium()
    assert browser, "chromium is required (.ci/run installs Debian's chromium)"
    profile = tempfile.mkdtemp(prefix="chromium-")
    netlog = Path(profile) / "netlog.json"
    try:
        done = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--enable-logging=stderr",
                "--v=0",
                f"--log-net-log={netlog}",
                f"--user-data-dir={profile}",
                "--dump-dom",
                page.as_uri() + fragment,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        log = json.loads(netlog.read_text())
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    requested = [
        params["url"]
        for e in log["events"]
        if e["type"] == start
        and "url" in (params := e.get("params", {}))
        # a page's request has the page's origin ("null" for a file); the browser's own, none
        and params.get("initiator") != "not an origin"
        and not params["url"].startswith(("file:", "data:"))
    ]
    return done.stdout, console, requested


@pytest.mark.browser
def test_the_browser_check_sees_console_errors_and_requests(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text(
        '<!doctype html><img src="http://viewer-test.invalid/x.png">'
        "<script>console.error('boom'); undefinedName();</script>"
    )
    _, console, requested = render(page)
    assert any("boom" in line for line in console)
    assert any("undefinedName" in line for line in console)
    assert requested == ["http://viewer-test.invalid/x.png"]


@pytest.mark.browser
def test_view_renders_in_headless_chromium(kim: Any, hostile: Any, tmp_path: Path) -> None:
    """The viewer as a browser renders it: the list, an article, a hostile one, the digest."""
    (kim_article, kim_result), (_, other) = kim, hostile
    gone = kim_result.model_copy(update={"id": "gone", "source_path": str(tmp_path / "x.txt")})
    results = [other, kim_result, gone]
    errors = [DigestFileError(path="broken.json", error="CorruptFile", message="not JSON")]
    page = tmp_path / "results.html"
    page.write_text(view_html(results, digest_of(kim, other), errors, load_sources(results)))

    dom, console, requested = render(page)
    assert 'data-ready="true"' in dom and 'data-view="list"' in dom
    assert dom.count('<a href="#a=') == 3 and "broken.json" in dom
    assert 'id="filter-speaker"' in dom and 'list="speakers"' in dom
    assert all(f'<option value="{k}">{k}</option>' in dom for k in ("quote", "denial", "report"))
    assert '<option value="South Korean intelligence"' in dom
    assert console == [] and requested == []

    dom, console, requested = render(page, "#a=kim")
    assert 'data-view="article"' in dom and console == [] and requested == []
    for n, claim in enumerate(kim_result.claims[:2], 1):
        assert f'<li id="c-{n}" value="{n}"' in dom
        assert f'<a href="#q-{n}" data-jump="q-{n}" class="quote">“{claim.quote}”</a>' in dom
    assert (
        '<mark data-keys="1" class="claim" id="q-1"><a href="#c-1" data-jump="c-1">'
        f"{KIM_QUOTES[0][0]}</a></mark>" in dom
    )
    assert '<mark data-keys="2 3" class="claim" id="q-3">' in dom  # the quotes overlap
    assert '<mark data-keys="x1" class="ref" id="q-x1">mehr als 10.000 Soldaten</mark>' in dom
    assert dom.count("<mark ") == 5
    assert '<del title="removed: photo_caption">Nordkoreanischer Führer Kim Jong-un.' in dom
    assert dom.count('<tr class="removed">') == 4 and dom.count('<td class="en" lang="en">') == 9
    assert f'<td class="src" lang="de">{kim_article.paragraphs[0]}</td>' in dom
    assert "An invented claim" in dom and "quote not found in the source" in dom

    dom, console, _ = render(page, "#a=kim&speaker=intelligence")
    assert '<li id="c-1" value="1" hidden=""' in dom and '<li id="c-2" value="2" data-' in dom
    assert '<mark data-keys="1" class="claim dim" id="q-1">' in dom and "Claims (1 of 3)" in dom
    assert console == []

    dom, console, requested = render(page, "#a=hostile")
    assert console == [] and requested == []
    assert "<img" not in dom.split("<main")[1] and "<title>summarizer results</title>" in dom
    escaped = SCRIPT_QUOTE.replace("<", "&lt;").replace(">", "&gt;")
    assert (
        f'<mark data-keys="1" class="claim" id="q-1"><a href="#c-1" data-jump="c-1">{escaped}'
        in dom
    )

    dom, console, requested = render(page, "#a=gone")
    assert 'id="source-notice"' in dom and "cannot be read (no such file)" in dom
    assert "<mark" not in dom.split("<main")[1].split("</main>")[0] and "English 0:" in dom

    dom, console, requested = render(page, "#view=digest")
    assert 'data-view="digest"' in dom and console == [] and requested == []
    assert "Kim meets Belousov" in dom and "Where the reports disagree (1)" in dom
    assert '<a href="#a=kim&amp;x=x1">“mehr als 10.000 Soldaten”</a>' in dom
    assert f'<a href="#a=kim&amp;c=1">“{KIM_QUOTES[0][0]}”</a>' in dom
    assert '<span class="missing" title="no result for this article here">not-in-this-folder' in dom
    assert "OldSchema" in dom and 'title="same delegation">A related visit</a>' in dom


@pytest.mark.browser
def test_a_thousand_articles_render_a_page_at_a_time_in_headless_chromium(tmp_path: Path) -> None:
    results, sources = many(1000)
    page = tmp_path / "many.html"
    page.write_text(view_html(results, sources=sources))
    dom, console, requested = render(page, "#p=20")
    assert console == [] and requested == []
    assert "1000 of 1000 article(s) · page 20 of 20" in dom
    assert dom.count('<a href="#a=article-') == 50 and "article-0950" in dom
    assert '<span aria-current="page">20</span>' in dom and '<a href="#p=19">' in dom
    dom, console, _ = render(page, "#speaker=minister+7&kind=statement")
    assert "25 of 1000 article(s)" in dom and console == []  # "Minister 7" only, not 17
    dom, console, _ = render(page, "#a=article-0999")
    assert '<mark data-keys="1 2 3 4 5" class="claim" id="q-1">' in dom and console == []
    assert '<span id="q-5" class="anchor"></span>' in dom  # five claims quote one span
