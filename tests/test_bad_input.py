"""Bad and unusual inputs: each gets a specific per-item error (or a correct result), the batch
always completes, the CLI exits 1 only when an item failed, and good items are written.

Small inputs are checked in under tests/corpus/bad/; what cannot sensibly be committed (copies,
CRLF variants, a 5 MB file, chmod-000 files) is generated in tmp_path.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer import ArticleResult, Summarizer
from summarizer.article import PARAGRAPH_SEPARATOR
from summarizer.batch import Duplicate, Item, ItemError
from summarizer.cli import app
from summarizer.testing import FakeLLMServer
from tests.conftest import load

BAD = Path(__file__).resolve().parent / "corpus" / "bad"
ARTICLE = BAD / "article.txt"  # a plain, valid German article
NOBODY = 65534

runner = CliRunner()


@pytest.fixture
def summarizer(fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]) -> Summarizer:
    return make_summarizer(fake)


def kinds(items: list[Item]) -> list[str]:
    return [type(i).__name__ for i in items]


def calls_for(path: Path) -> int:
    """Requests one article costs on the fake server: a translation per paragraph + 2."""
    return len(load(path).paragraphs) + 2


def input_error(item: Item) -> ItemError:
    assert isinstance(item, ItemError), item
    assert item.kind == "InputError"
    return item


# -- empty, whitespace, boilerplate, binary, not-an-article ----------------------------------

# (file, expected item id, suffix after the origin in the message)
REFUSED = [
    ("empty.txt", "empty", ": empty article (no text after cleaning)"),
    ("whitespace.txt", "whitespace", ": empty article (no text after cleaning)"),
    (
        "boilerplate_only.txt",
        "boilerplate_only",
        ": only boilerplate (2 span(s): comment_counter, related_links), no article text",
    ),
    ("pixel.png", "pixel", ": binary file (contains NUL bytes), not a text article"),
    ("data.csv", "data", ": not an article: looks like tabular data (every line has 3+ ',')"),
    ("not_an_article.py", "not_an_article", ": not an article: looks like source code"),
    ("config.json", "config:1", ": a record needs a string 'text' field"),
]


def test_each_refused_input_gets_its_own_error_and_the_batch_completes(
    summarizer: Summarizer, fake: FakeLLMServer
) -> None:
    latin1 = BAD / "latin1.txt"
    paths = [ARTICLE, *(BAD / name for name, _, _ in REFUSED), latin1]
    items = list(summarizer.summarize_paths(paths))
    assert kinds(items) == ["ArticleResult", *["ItemError"] * len(REFUSED), "ArticleResult"]
    for item, (name, item_id, suffix) in zip(items[1:-1], REFUSED, strict=True):
        error = input_error(item)
        origin = str(BAD / name) + (":1" if name.endswith(".json") else "")
        assert error.id == item_id
        assert error.path == origin
        assert error.message == origin + suffix
    assert [i.id for i in items if isinstance(i, ArticleResult)] == ["article", "latin1"]
    # Refused inputs never reach the model.
    assert len(fake.chat_requests) == calls_for(ARTICLE) + calls_for(latin1)


def test_cli_prints_every_failure_writes_the_good_ones_and_exits_1(
    env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    paths = [str(BAD / name) for name, _, _ in REFUSED]
    result = runner.invoke(app, ["run", str(ARTICLE), *paths, "-o", str(out)], env=env)
    assert result.exit_code == 1, result.output
    for name, _, suffix in REFUSED:
        origin = str(BAD / name) + (":1" if name.endswith(".json") else "")
        assert f"failed {origin}{suffix}" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["article.json"]
    data = json.loads((out / "article.json").read_text(encoding="utf-8"))
    assert data["id"] == "article"
    assert data["sha256"] == hashlib.sha256(ARTICLE.read_bytes()).hexdigest()


def test_binary_bytes_behind_a_text_suffix_are_refused(
    summarizer: Summarizer, tmp_path: Path
) -> None:
    disguised = tmp_path / "photo.txt"
    disguised.write_bytes((BAD / "pixel.png").read_bytes())
    (item,) = summarizer.summarize_paths([disguised])
    error = input_error(item)
    assert error.message == f"{disguised}: binary file (contains NUL bytes), not a text article"


# -- encodings -------------------------------------------------------------------------------


def test_latin1_article_is_decoded_and_summarized_with_umlauts_intact(
    summarizer: Summarizer, fake: FakeLLMServer
) -> None:
    path = BAD / "latin1.txt"
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    (result,) = summarizer.summarize_paths([path])
    assert isinstance(result, ArticleResult)
    assert result.language == "de"
    assert result.sha256 == hashlib.sha256(raw).hexdigest()
    assert result.title_original == "Neue Rheinbrücke in Köln für Fußgänger freigegeben"
    paragraphs = result.translation_en.split(PARAGRAPH_SEPARATOR)
    assert paragraphs[1].startswith(
        "EN: Die Stadt Köln hat am Montag die neue Fußgänger- und Radbrücke über den Rhein"
    )
    assert "Oberbürgermeisterin Jutta Schäfer" in paragraphs[1]
    sent = fake.chat_requests[-1].text()  # the claims call: every paragraph
    assert "Anwohner hatten sich über Lärm und gesperrte Straßen beschwert." in sent
    for mojibake in ("\ufffd", "Ã", "Â"):
        assert mojibake not in sent
        assert mojibake not in result.model_dump_json()


# -- folders ---------------------------------------------------------------------------------


def make_mixed_folder(root: Path) -> Path:
    """Every kind of file; only .txt .md .html .json .jsonl count, subfolders are walked."""
    folder = root / "mixed"
    (folder / "sub" / "deeper").mkdir(parents=True)
    shutil.copy(ARTICLE, folder / "article.txt")
    shutil.copy(BAD / "notes.md", folder / "notes.md")
    shutil.copy(BAD / "news.html", folder / "sub" / "news.html")
    shutil.copy(BAD / "one.json", folder / "one.json")
    first_record = (BAD / "records.jsonl").read_text(encoding="utf-8").splitlines()[0]
    (folder / "sub" / "deeper" / "feed.jsonl").write_text(first_record + "\n", encoding="utf-8")
    # Not articles: ignored without an error.
    shutil.copy(BAD / "data.csv", folder / "data.csv")
    shutil.copy(BAD / "pixel.png", folder / "pixel.png")
    shutil.copy(BAD / "pixel.png", folder / "sub" / "pixel.png")
    shutil.copy(BAD / "not_an_article.py", folder / "sub" / "tool.py")
    (folder / "README").write_text("Dies ist keine Nachricht, nur eine Notiz.\n")
    (folder / "notes.md.bak").write_text("alte Version\n")
    return folder


MIXED_IDS = ["article", "notes", "wetter-sturm", "verkehr-a7", "news"]


def test_folder_picks_up_only_article_formats_and_walks_subfolders(
    summarizer: Summarizer, tmp_path: Path
) -> None:
    folder = make_mixed_folder(tmp_path)
    items = list(summarizer.summarize_paths([folder]))
    assert kinds(items) == ["ArticleResult"] * 5
    assert [i.id for i in items] == MIXED_IDS
    assert [i.source_path for i in items if isinstance(i, ArticleResult)] == [
        str(folder / "article.txt"),
        str(folder / "notes.md"),
        f"{folder / 'one.json'}:1",
        f"{folder / 'sub' / 'deeper' / 'feed.jsonl'}:1",
        str(folder / "sub" / "news.html"),
    ]


def test_cli_on_a_mixed_folder_writes_one_json_per_article_and_exits_0(
    env: dict[str, str], tmp_path: Path
) -> None:
    folder = make_mixed_folder(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(folder), "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "failed" not in result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{i}.json" for i in MIXED_IDS)
    assert "5 article(s)" in result.stderr


# -- permissions -----------------------------------------------------------------------------

# The child runs as root only until it has imported and warmed up everything a run needs (the
# interpreter may live where nobody cannot read, e.g. under /root), then drops to nobody with
# setgroups/setgid/setuid, checks that it did, and only then touches the inputs.
_CHILD = """
import json, os, sys
from summarizer import Settings, Summarizer
from summarizer.cli import app
from summarizer.batch import ItemError

mode, warm_up_file, warm_up_dir, *args = sys.argv[1:]
try:  # a full CLI run on a readable file imports every lazily imported module
    app(["run", warm_up_file, "-o", warm_up_dir, "--cache-dir", warm_up_dir], "summarizer")
except SystemExit as exc:
    assert exc.code == 0, exc.code
if os.geteuid() == 0:
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)
    ids = (os.getuid(), os.geteuid(), os.getgid(), os.getegid())
    assert ids == (NOBODY,) * 4 and os.getgroups() == [], (ids, os.getgroups())
    try:
        os.setuid(0)
    except PermissionError:
        pass
    else:
        raise AssertionError("the child could regain root")
if mode == "api":
    with Summarizer(Settings.from_env()) as s:
        for item in s.summarize_paths(args):
            row = {"type": type(item).__name__, "id": item.id}
            if isinstance(item, ItemError):
                row.update(kind=item.kind, path=item.path, message=item.message)
            print(json.dumps(row), flush=True)
else:
    app(["run", *args], "summarizer")
""".replace("NOBODY", str(NOBODY))


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A tmp dir nobody can traverse (pytest's basetemp is 0700 and owned by root)."""
    path = Path(tempfile.mkdtemp(prefix="summarizer-perm-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        for p in path.rglob("*"):
            p.chmod(0o700 if p.is_dir() else 0o600)
        shutil.rmtree(path)


def run_unprivileged(
    mode: str, args: list[str], env: dict[str, str], shared: Path
) -> subprocess.CompletedProcess[str]:
    """Run summarizer (`mode` "api" or "cli") in a child that cannot bypass file permissions:
    as root (CI) it drops to nobody (uid/gid 65534, no groups); otherwise chmod 000 is enough."""
    warm_up = shared / "warm-up"
    warm_up.mkdir()
    shutil.copy(BAD / "notes.md", warm_up / "warm-up.md")
    child_env = {**env, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(shared)}
    if "PYTHONPATH" in os.environ:  # the child must import the same summarizer as the tests
        child_env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(warm_up / "warm-up.md"), str(warm_up), *args],
        env=child_env,
        cwd=shared,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def make_unreadable(shared: Path, env: dict[str, str]) -> tuple[Path, Path, Path, dict[str, str]]:
    locked_txt = shared / "locked.txt"
    locked_jsonl = shared / "locked.jsonl"
    readable = shared / "readable.txt"
    shutil.copy(BAD / "latin1.txt", locked_txt)
    shutil.copy(BAD / "records.jsonl", locked_jsonl)
    shutil.copy(ARTICLE, readable)
    for path in (locked_txt, locked_jsonl):
        path.chmod(0o000)
    readable.chmod(0o644)
    cache = shared / "cache"
    cache.mkdir()
    cache.chmod(0o777)
    return locked_txt, locked_jsonl, readable, {**env, "SUMMARIZER_CACHE_DIR": str(cache)}


def test_unreadable_files_are_per_item_errors_naming_the_file(
    env: dict[str, str], shared_dir: Path
) -> None:
    locked_txt, locked_jsonl, readable, child_env = make_unreadable(shared_dir, env)
    proc = run_unprivileged(
        "api", [str(locked_txt), str(readable), str(locked_jsonl)], child_env, shared_dir
    )
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(r["type"], r["id"]) for r in rows] == [
        ("ItemError", "locked"),
        ("ArticleResult", "readable"),
        ("ItemError", "locked~2"),
    ]
    txt, jsonl = rows[0], rows[2]
    assert txt["kind"] == jsonl["kind"] == "InputError"
    assert txt["path"] == str(locked_txt)
    assert txt["message"] == f"{locked_txt}: cannot read: Permission denied"
    assert jsonl["path"] == str(locked_jsonl)
    assert jsonl["message"].startswith(f"{locked_jsonl}: cannot read: ")
    assert "Permission denied" in jsonl["message"]


def test_cli_reports_an_unreadable_file_and_writes_the_rest(
    env: dict[str, str], shared_dir: Path
) -> None:
    locked_txt, _, readable, child_env = make_unreadable(shared_dir, env)
    out = shared_dir / "out"
    out.mkdir()
    out.chmod(0o777)
    args = [str(locked_txt), str(readable), "-o", str(out)]
    proc = run_unprivileged("cli", args, child_env, shared_dir)
    assert proc.returncode == 1, proc.stderr
    assert f"failed {locked_txt}: cannot read: Permission denied" in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["readable.json"]


# -- size limit ------------------------------------------------------------------------------


def test_a_5_mb_file_is_refused_with_the_option_that_raises_the_limit(
    summarizer: Summarizer, fake: FakeLLMServer, tmp_path: Path
) -> None:
    huge = tmp_path / "huge.txt"
    sentence = "Der Stadtrat hat am Montag erneut den Haushalt beraten. "  # ASCII: 1 byte each
    huge.write_text((sentence * (5_000_000 // len(sentence) + 1))[:5_000_000], encoding="utf-8")
    assert huge.stat().st_size == 5_000_000
    items = list(summarizer.summarize_paths([huge, ARTICLE]))
    assert kinds(items) == ["ItemError", "ArticleResult"]
    error = input_error(items[0])
    assert error.message == (
        f"{huge}: 5,000,000 characters is above the limit of 200,000; "
        "raise it with --max-chars or SUMMARIZER_MAX_CHARS"
    )
    assert len(fake.chat_requests) == calls_for(ARTICLE)


def test_max_chars_option_and_variable_move_the_limit(env: dict[str, str], tmp_path: Path) -> None:
    raw_chars = len(ARTICLE.read_text(encoding="utf-8"))  # the limit counts decoded characters
    out = tmp_path / "out"
    low = runner.invoke(app, ["run", str(ARTICLE), "-o", str(out), "--max-chars", "100"], env=env)
    assert low.exit_code == 1
    assert (
        f"failed {ARTICLE}: {raw_chars:,} characters is above the limit of 100; "
        "raise it with --max-chars or SUMMARIZER_MAX_CHARS"
    ) in low.stderr
    assert not out.exists() or not any(out.iterdir())
    via_env = runner.invoke(
        app, ["run", str(ARTICLE), "-o", str(out)], env={**env, "SUMMARIZER_MAX_CHARS": "100"}
    )
    assert via_env.exit_code == 1
    assert "above the limit of 100;" in via_env.stderr
    raised = runner.invoke(
        app,
        ["run", str(ARTICLE), "-o", str(out), "--max-chars", str(raw_chars)],
        env={**env, "SUMMARIZER_MAX_CHARS": "100"},
    )
    assert raised.exit_code == 0, raised.output
    assert sorted(p.name for p in out.iterdir()) == ["article.json"]


# -- duplicates ------------------------------------------------------------------------------


def make_duplicates(root: Path) -> tuple[Path, Path, Path]:
    original = root / "original.txt"
    copy = root / "copy.txt"
    reflowed = root / "reflowed.txt"
    shutil.copy(ARTICLE, original)
    shutil.copy(ARTICLE, copy)
    text = ARTICLE.read_text(encoding="utf-8")
    variant = "\r\n\r\n" + text.replace("\n", "  \r\n").replace(". ", ".   ") + "\r\n\r\n\t\r\n"
    reflowed.write_bytes(variant.encode("utf-8"))
    assert reflowed.read_bytes() != ARTICLE.read_bytes()
    return original, copy, reflowed


def test_duplicates_are_summarized_once_and_reported(
    summarizer: Summarizer, fake: FakeLLMServer, tmp_path: Path
) -> None:
    original, copy, reflowed = make_duplicates(tmp_path)
    # One at a time: with more, which copy counts as first is racy (see the next test).
    items = list(summarizer.summarize_paths([original, copy, reflowed], concurrency=1))
    assert kinds(items) == ["ArticleResult", "Duplicate", "Duplicate"]
    assert items[0].id == "original"
    for item, path in zip(items[1:], (copy, reflowed), strict=True):
        assert isinstance(item, Duplicate)
        assert (item.id, item.path, item.of) == (path.stem, str(path), "original")
        assert item.message == f"{path}: duplicate of original, not summarized again"
    assert len(fake.chat_requests) == calls_for(ARTICLE)


def test_the_first_input_is_kept_when_a_later_duplicate_loads_faster(
    summarizer: Summarizer, tmp_path: Path
) -> None:
    """'Duplicate' means: equal to an *earlier* input, whatever the concurrency. The first
    input here is slow to load (190,000 trailing blank lines to clean); its copy, listed
    second, loads at once and must still be the one reported as the duplicate."""
    slow = tmp_path / "a_first.txt"
    slow.write_text(ARTICLE.read_text(encoding="utf-8") + "\n" * 190_000, encoding="utf-8")
    fast = tmp_path / "b_second.txt"
    shutil.copy(ARTICLE, fast)
    items = list(summarizer.summarize_paths([slow, fast], concurrency=4))
    assert [(type(i).__name__, i.id) for i in items] == [
        ("ArticleResult", "a_first"),
        ("Duplicate", "b_second"),
    ]


def test_cli_prints_duplicates_and_does_not_count_them_as_failures(
    env: dict[str, str], tmp_path: Path
) -> None:
    original, copy, reflowed = make_duplicates(tmp_path)
    out = tmp_path / "out"
    args = ["run", str(original), str(copy), str(reflowed), "-o", str(out), "-j", "1"]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    for path in (copy, reflowed):
        assert f"duplicate {path}: duplicate of original, not summarized again" in result.stderr
    assert "failed" not in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["original.json"]


# -- HTML and Markdown -----------------------------------------------------------------------


def test_html_main_text_is_extracted_without_page_chrome(
    summarizer: Summarizer, fake: FakeLLMServer
) -> None:
    (result,) = summarizer.summarize_paths([BAD / "news.html"])
    assert isinstance(result, ArticleResult)
    assert result.id == "news"
    assert result.title_original == "Freiburg beschließt autofreie Innenstadt"
    paragraphs = result.translation_en.split(PARAGRAPH_SEPARATOR)
    assert paragraphs == [
        "EN: Freiburg beschließt autofreie Innenstadt",
        "EN: Der Freiburger Gemeinderat hat am Dienstagabend mit großer Mehrheit ein Fahrverbot "
        "für private Autos in der Altstadt beschlossen. Die Regelung soll ab Januar 2026 gelten "
        "und betrifft den gesamten Bereich innerhalb des früheren Stadtrings.",
        "EN: Oberbürgermeister Martin Horn sprach von einem historischen Tag für die Stadt. "
        "„Wir geben die Straßen den Menschen zurück“, sagte Horn nach der Abstimmung. "
        "Lieferverkehr, Taxis und Anwohner mit Sondergenehmigung dürfen weiterhin in die "
        "Innenstadt fahren.",
        "EN: Der Einzelhandelsverband Südbaden kritisierte den Beschluss scharf. Viele Kunden "
        "aus dem Umland kämen mit dem Auto, warnte Verbandschef Peter Kaiser, und würden "
        "künftig in Einkaufszentren am Stadtrand ausweichen. Die Stadt will deshalb drei neue "
        "Parkhäuser am Rand der Altstadt bauen und die Straßenbahn im Zehn-Minuten-Takt "
        "fahren lassen.",
    ]
    seen_by_model = "\n".join(r.text() for r in fake.chat_requests)
    for chrome in ("Cookies", "Alle akzeptieren", "Jetzt abonnieren", "Impressum",
                   "Meistgelesen", "Badische Rundschau", "<p>", "Lena Hofmann"):  # fmt: skip
        assert chrome not in seen_by_model
    article = summarizer.load(BAD / "news.html")
    assert len(result.claims) == 3
    for claim in result.claims:
        assert article.text[claim.start : claim.end] == claim.quote


def test_markdown_is_reduced_to_plain_text(summarizer: Summarizer) -> None:
    (result,) = summarizer.summarize_paths([BAD / "notes.md"])
    assert isinstance(result, ArticleResult)
    assert result.title_original == "Bahnstreik legt Regionalverkehr in Bayern lahm"
    assert result.translation_en.split(PARAGRAPH_SEPARATOR) == [
        "EN: Bahnstreik legt Regionalverkehr in Bayern lahm",
        "EN: Die Lokführergewerkschaft GDL hat am Donnerstag den Regionalverkehr in Bayern "
        "weitgehend zum Erliegen gebracht. Nach Angaben der Deutschen Bahn fielen rund "
        "80 Prozent der Regionalzüge aus.",
        "EN: Pendler weichen auf das Auto aus",
        "EN: Auf den Autobahnen rund um München bildeten sich am Morgen lange Staus. Der ADAC "
        "riet Pendlern, wenn möglich im Homeoffice zu arbeiten.",
        "EN: „Wir bedauern die Einschränkungen für die Fahrgäste“, sagte ein Bahnsprecher.",
        "EN: Der Streik soll nach Angaben der GDL bis Freitagmorgen dauern.",
    ]
    for syntax in ("#", "**", "](", "![", "https://", "---", "> "):
        assert syntax not in result.translation_en


# -- JSON and JSONL records ------------------------------------------------------------------


def test_json_records_are_summarized_and_bad_lines_get_per_line_errors(
    summarizer: Summarizer,
) -> None:
    one, many, lines = BAD / "one.json", BAD / "list.json", BAD / "records.jsonl"
    items = list(summarizer.summarize_paths([one, many, lines]))
    assert kinds(items) == ["ArticleResult"] * 4 + ["ItemError"] * 2
    results = [i for i in items if isinstance(i, ArticleResult)]
    assert [(r.id, r.source_path, r.title_original) for r in results] == [
        ("wetter-sturm", f"{one}:1", "Sturmtief sorgt für Bahnchaos im Norden"),
        ("bildung-lehrer", f"{many}:1[0]", "Sachsen sucht Hunderte Lehrkräfte"),
        ("energie-wind", f"{many}:1[1]", None),
        ("verkehr-a7", f"{lines}:1", "Vollsperrung auf der A7 am Wochenende"),
    ]
    invalid, no_text = (input_error(i) for i in items[4:])
    assert (invalid.id, invalid.path) == ("records:2", f"{lines}:2")
    assert invalid.message.startswith(f"{lines}:2: invalid JSON: ")
    assert (no_text.id, no_text.path) == ("records:3", f"{lines}:3")
    assert no_text.message == f"{lines}:3: a record needs a string 'text' field"


def test_cli_on_record_files_writes_valid_records_and_exits_1(
    env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    files = [str(BAD / n) for n in ("one.json", "list.json", "records.jsonl")]
    result = runner.invoke(app, ["run", *files, "-o", str(out)], env=env)
    assert result.exit_code == 1, result.output
    lines = BAD / "records.jsonl"
    assert f"failed {lines}:2: invalid JSON: " in result.stderr
    assert f"failed {lines}:3: a record needs a string 'text' field" in result.stderr
    written = sorted(p.name for p in out.iterdir())
    assert written == ["bildung-lehrer.json", "energie-wind.json", "verkehr-a7.json",
                       "wetter-sturm.json"]  # fmt: skip
    data = json.loads((out / "verkehr-a7.json").read_text(encoding="utf-8"))
    assert data["source_path"] == f"{lines}:1"


# -- standard input --------------------------------------------------------------------------


def test_stdin_dash_is_summarized(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    text = ARTICLE.read_text(encoding="utf-8")
    result = runner.invoke(app, ["run", "-", "-o", str(out), "-f", "jsonl"], input=text, env=env)
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    data = json.loads(line)
    assert (data["id"], data["source_path"]) == ("stdin", "<stdin>")
    assert data["title_original"] == "Hamburger Hafen meldet Rückgang beim Containerumschlag"
    assert data["sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert sorted(p.name for p in out.iterdir()) == ["stdin.json"]


def test_empty_stdin_is_a_per_item_error(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "-", str(ARTICLE), "-o", str(out)], input="  \n\n", env=env)
    assert result.exit_code == 1
    assert "failed <stdin>: empty article (no text after cleaning)" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["article.json"]
