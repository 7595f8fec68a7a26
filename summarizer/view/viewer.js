// The results viewer: renders the JSON embedded in the page, with DOM calls only (article text
// is untrusted: it goes into text nodes and attributes, and is never parsed as HTML).
(() => {
  "use strict";
  const FILTERS = ["speaker", "kind", "q"];
  const $ = (id) => document.getElementById(id);

  window.addEventListener("error", (ev) => {
    const box = $("view-error");
    box.hidden = false;
    box.textContent = "The viewer failed: " + ev.message;
  });

  const read = (id) => {
    const el = $(id);
    return el ? JSON.parse(el.textContent) : null;
  };

  const present = (child) => child !== null && child !== undefined && child !== false;

  // Element.append would show null as "null": optional parts go through put.
  function put(parent, ...children) {
    for (const child of children.flat(Infinity)) {
      if (present(child)) parent.append(child instanceof Node ? child : String(child));
    }
    return parent;
  }

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (present(v)) el.setAttribute(k, v === true ? "" : String(v));
    }
    return put(el, children);
  }

  const joined = (items, separator) => items.flatMap((item, k) => (k ? [separator, item] : [item]));

  const index = read("view-index");
  const PAGE = index.page_size;
  const EVENT_PAGE = index.event_page_size;
  const position = new Map(index.articles.map((a, i) => [a.id, i]));
  const loaded = new Map();
  const article = (i) => {
    if (!loaded.has(i)) loaded.set(i, read("article-" + i));
    return loaded.get(i);
  };
  let digest;
  const digestData = () => (digest === undefined ? (digest = read("view-digest")) : digest);
  let state = {};

  // -- state: the location's hash holds the view, the page and the filters ------------------

  function href(params) {
    const out = {};
    for (const k of FILTERS) if (state[k]) out[k] = state[k];
    for (const [k, v] of Object.entries(params)) {
      if (present(v) && v !== "") out[k] = String(v);
    }
    return "#" + new URLSearchParams(out).toString();
  }

  const needle = (value) => (value || "").trim().toLowerCase();
  const filtering = () => Boolean(needle(state.speaker) || state.kind);

  function claimShown(speaker, kind) {
    const s = needle(state.speaker);
    return (!s || speaker.toLowerCase().includes(s)) && (!state.kind || kind === state.kind);
  }

  function articleShown(entry) {
    const q = needle(state.q);
    if (q && !entry.id.toLowerCase().includes(q) && !entry.title.toLowerCase().includes(q)) {
      return false;
    }
    return !filtering() || entry.sk.some(([s, k]) => claimShown(s, k));
  }

  const shownArticles = () => index.articles.flatMap((e, i) => (articleShown(e) ? [i] : []));

  function clampPage(value, pages) {
    const n = parseInt(value || "1", 10);
    return Number.isFinite(n) ? Math.min(Math.max(n, 1), pages) : 1;
  }

  // -- shared pieces ----------------------------------------------------------------------------

  function pager(page, pages, base, key) {
    if (pages <= 1) return null;
    const nav = h("nav", { class: "pager", "aria-label": "pages" });
    const add = (p, label) =>
      nav.append(
        p === page
          ? h("span", { "aria-current": "page" }, label)
          : h("a", { href: href({ ...base, [key]: p }) }, label),
      );
    if (page > 1) add(page - 1, "‹ previous");
    let last = 0;
    for (let p = 1; p <= pages; p++) {
      if (p === 1 || p === pages || Math.abs(p - page) <= 2) {
        if (p > last + 1) nav.append(h("span", {}, "…"));
        add(p, String(p));
        last = p;
      }
    }
    if (page < pages) add(page + 1, "next ›");
    return nav;
  }

  function errorsBox(errors, what, id) {
    if (!errors.length) return null;
    const item = (e) => h("li", {}, h("code", {}, e.path), `: ${e.error}: ${e.message}`);
    return h(
      "details",
      { class: "notice", id, open: true },
      h("summary", {}, `${errors.length} ${what}`),
      h("ul", {}, errors.map(item)),
    );
  }

  function articleLink(id, ref, label) {
    if (!position.has(id)) {
      return h("span", { class: "missing", title: "no result for this article here" }, label || id);
    }
    const params = { a: id };
    if (typeof ref === "number") params.c = ref;
    else if (ref) params.x = ref;
    return h("a", { href: href(params) }, label || id);
  }

  // -- the list of articles ---------------------------------------------------------------------

  function renderList(main) {
    const shown = shownArticles();
    const pages = Math.max(1, Math.ceil(shown.length / PAGE));
    const page = clampPage(state.p, pages);
    put(main, errorsBox(index.errors, "result file(s) could not be read", "file-errors"));
    const where = pages > 1 ? ` · page ${page} of ${pages}` : "";
    const count = `${shown.length} of ${index.count} article(s)${where}`;
    put(main, h("p", { class: "meta", id: "list-count" }, count), pager(page, pages, {}, "p"));
    const head = ["article", "title", "language", "claims", "rejected", "removed", "source"];
    const body = h("tbody");
    for (const i of shown.slice((page - 1) * PAGE, page * PAGE)) {
      const e = index.articles[i];
      const link = h("a", { href: href({ a: e.id, p: page > 1 ? page : null }) }, e.id);
      put(
        body,
        h(
          "tr",
          {},
          h("td", {}, link),
          h("td", {}, e.title),
          h("td", {}, e.language),
          h("td", { class: "num" }, e.claims),
          h("td", { class: "num" }, e.rejected),
          h("td", { class: "num" }, e.removed),
          h("td", {}, e.source ? "shown" : h("span", { class: "err" }, "not shown")),
        ),
      );
    }
    const thead = h("thead", {}, h("tr", {}, head.map((c) => h("th", {}, c))));
    put(main, h("table", { id: "articles" }, thead, body), pager(page, pages, {}, "p"));
  }

  // -- one article ------------------------------------------------------------------------------

  const jump = (id, label) => h("a", { href: "#" + id, "data-jump": id }, label);

  function paragraph(segments, seen, a) {
    const out = [];
    for (const segment of segments) {
      if (typeof segment === "string") {
        out.push(segment);
        continue;
      }
      const [text, keys, ends] = segment;
      const claims = keys.filter((k) => typeof k === "number");
      const visible = claims.some((n) => claimShown(a.claims[n - 1].speaker, a.claims[n - 1].kind));
      const classes = [claims.length ? "claim" : "ref"];
      if (claims.length && !visible) classes.push("dim");
      if (keys.some((k) => String(k) === state.x || String(k) === state.c)) classes.push("focus");
      const mark = h("mark", { "data-keys": keys.join(" "), class: classes.join(" ") });
      for (const k of keys) {
        if (seen.has(k)) continue;
        seen.add(k);
        if (!mark.id) mark.id = "q-" + k;
        else out.push(h("span", { id: "q-" + k, class: "anchor" }));
      }
      put(mark, claims.length ? jump("c-" + claims[0], text) : text);
      out.push(mark);
      for (const k of ends) if (typeof k === "number") out.push(h("sup", {}, jump("c-" + k, k)));
    }
    return out;
  }

  function removedRow(r) {
    const text = r.text === null ? `characters ${r.start}–${r.end} of the raw text` : r.text;
    const struck = h("del", { title: "removed: " + r.reason }, text);
    const reason = h("span", { class: "reason" }, r.reason);
    return h("tr", { class: "removed" }, h("td", { colspan: 2 }, struck, " ", reason));
  }

  function sideBySide(a, marked) {
    const seen = new Set();
    const paras = a.paragraphs || [];
    const rows = Math.max(paras.length, a.translation.length);
    const body = h("tbody");
    for (let n = 0; n < rows; n++) {
      if (a.paragraphs) put(body, a.removed.filter((r) => r.before === n).map(removedRow));
      const text = n < paras.length ? paragraph(paras[n], seen, a) : "";
      const source = a.paragraphs ? h("td", { class: "src", lang: a.language }, text) : null;
      const english = h("td", { class: "en", lang: "en" }, a.translation[n] || "");
      put(body, h("tr", { id: "p-" + (n + 1) }, source, english));
    }
    const after = (r) => !a.paragraphs || r.before === null || r.before >= rows;
    put(body, a.removed.filter(after).map(removedRow));
    for (const k of seen) marked.add(k);
    const head = [
      a.paragraphs ? h("th", {}, `Source (${a.language}, cleaned)`) : null,
      h("th", {}, "English"),
    ];
    return h("table", { class: "sbs", id: "source" }, h("thead", {}, h("tr", {}, head)), body);
  }

  function claimItem(c, marked) {
    const text = `“${c.quote}”`;
    const quote = marked.has(c.n) ? jump("q-" + c.n, text) : h("span", {}, text);
    quote.classList.add("quote");
    const attrs = {
      id: "c-" + c.n,
      value: c.n,
      hidden: !claimShown(c.speaker, c.kind),
      class: String(c.n) === state.c ? "focus" : null,
      "data-speaker": c.speaker,
      "data-kind": c.kind,
    };
    const meta = h("div", { class: "meta" }, c.attribution ? `(${c.attribution}) ` : "", quote);
    const speaker = h("b", { class: "speaker" }, c.speaker);
    return h("li", attrs, h("span", { class: "kind" }, c.kind), " ", speaker, ": ", c.text, meta);
  }

  function rejectedItem(r) {
    const c = r.claim;
    const text = c.text_en !== undefined ? c.text_en : JSON.stringify(c);
    const quote = c.quote ? `“${c.quote}” ` : "";
    return h(
      "li",
      {},
      c.kind ? [h("span", { class: "kind" }, c.kind), " "] : null,
      c.speaker ? h("b", {}, c.speaker, ": ") : null,
      text,
      h("div", { class: "meta" }, quote, "rejected: ", h("em", {}, r.reason)),
    );
  }

  function renderArticle(main, i) {
    const a = article(i);
    const shown = shownArticles();
    const at = shown.indexOf(i);
    const near = (j, label) =>
      h("a", { href: href({ a: index.articles[j].id, p: state.p }) }, label);
    const crumbs = h(
      "nav",
      { class: "crumbs" },
      h("a", { href: href({ p: state.p }) }, "← all articles"),
      at > 0 ? near(shown[at - 1], "‹ previous") : null,
      at >= 0 && at < shown.length - 1 ? near(shown[at + 1], "next ›") : null,
    );
    const source = a.source_path || "no source file";
    put(
      main,
      crumbs,
      h("h2", { id: "article-title" }, a.title),
      a.title_original ? h("p", { class: "original", lang: a.language }, a.title_original) : null,
      h("p", { class: "meta" }, `${a.id} · ${a.language} · ${source} · ${a.meta}`),
      a.notice ? h("p", { class: "notice", id: "source-notice", role: "note" }, a.notice) : null,
    );
    if (a.events.length) {
      const link = ([id, title]) => h("a", { href: href({ view: "digest", e: id }) }, title);
      put(main, h("p", { class: "events" }, "In the digest: ", joined(a.events.map(link), "; ")));
    }
    const marked = new Set();
    const table = sideBySide(a, marked);
    const visible = a.claims.filter((c) => claimShown(c.speaker, c.kind)).length;
    const counted = filtering() ? `${visible} of ${a.claims.length}` : `${a.claims.length}`;
    put(
      main,
      h("p", { class: "summary" }, a.summary),
      h("ul", { class: "key-points" }, a.key_points.map((p) => h("li", {}, p))),
      h("h3", {}, `Claims (${counted})`),
      h("ol", { class: "claims", id: "claims" }, a.claims.map((c) => claimItem(c, marked))),
      h("h3", {}, `Rejected claims (${a.rejected.length})`),
      h("ul", { class: "rejected", id: "rejected" }, a.rejected.map(rejectedItem)),
      h("h3", {}, "Source and English translation, paragraph by paragraph"),
      table,
    );
    if (a.entities.length) {
      const entity = ([name, type]) => [name, h("span", { class: "meta" }, ` (${type})`)];
      put(
        main,
        h("h3", {}, `Entities (${a.entities.length})`),
        h("p", { class: "entities" }, joined(a.entities.map(entity), ", ")),
      );
    }
  }

  // -- the digest -------------------------------------------------------------------------------

  function quoteLink(id, ref, quote) {
    const text = `“${quote}”`;
    return position.has(id) ? articleLink(id, ref, text) : h("span", { class: "quote" }, text);
  }

  function discrepancy(d) {
    const value = (v) =>
      h(
        "li",
        {},
        articleLink(v.article, null),
        ": ",
        h("b", {}, v.value),
        " — ",
        quoteLink(v.article, v.ref, v.quote),
      );
    const about = h("span", { class: "kind" }, d.about);
    return h("li", {}, about, " ", d.detail, h("ul", {}, d.values.map(value)));
  }

  function claimSource(s) {
    const how = ` (${s.kind}${s.attribution ? ", " + s.attribution : ""}): `;
    const speaker = h("b", {}, s.speaker);
    const quote = quoteLink(s.article, s.ref, s.quote);
    return h("li", {}, articleLink(s.article, null), " · ", speaker, how, quote);
  }

  function eventSection(e) {
    const articles = joined(
      e.articles.map((id) => articleLink(id, null)),
      ", ",
    );
    const when = e.date ? `date: ${e.date} · ` : "";
    const section = h(
      "section",
      { class: "event", id: "e-" + e.id },
      h("h3", {}, e.title),
      h("p", { class: "meta" }, when, `${e.articles.length} article(s): `, articles),
      h("p", {}, e.summary),
    );
    if (e.discrepancies.length) {
      put(
        section,
        h("h4", {}, `Where the reports disagree (${e.discrepancies.length})`),
        h("ul", { class: "discrepancies" }, e.discrepancies.map(discrepancy)),
      );
    }
    const claims = e.claims.filter((c) => c.sources.some((s) => claimShown(s.speaker, s.kind)));
    const all = e.claims.length;
    const claim = (c) => h("li", {}, c.text, h("ul", {}, c.sources.map(claimSource)));
    put(
      section,
      h("h4", {}, `Claims (${claims.length === all ? all : `${claims.length} of ${all}`})`),
      h("ol", { class: "merged" }, claims.map(claim)),
    );
    if (e.related.length) {
      const link = ([id, title, reason]) =>
        h("a", { href: href({ view: "digest", e: id }), title: reason }, title);
      put(section, h("p", { class: "related" }, "Related: ", joined(e.related.map(link), "; ")));
    }
    return section;
  }

  function renderDigest(main) {
    const d = digestData();
    if (!d) {
      put(main, h("p", {}, "This folder has no digest (summarizer digest OUT_DIR writes one)."));
      return;
    }
    const about =
      `${d.events.length} event(s); ${d.links} link(s) between related events; ` +
      `${d.pairs} candidate pair(s) judged; ${d.calls} model call(s), ` +
      `${d.cached_calls} from the cache.`;
    put(main, h("p", { class: "meta" }, about));
    put(main, errorsBox(d.errors, "file(s) left out of the digest", "digest-errors"));
    const q = needle(state.q);
    const named = (e) =>
      !q ||
      e.title.toLowerCase().includes(q) ||
      e.articles.some((id) => id.toLowerCase().includes(q));
    const said = (e) =>
      !filtering() || e.claims.some((c) => c.sources.some((s) => claimShown(s.speaker, s.kind)));
    const shown = d.events.filter((e) => named(e) && said(e));
    const pages = Math.max(1, Math.ceil(shown.length / EVENT_PAGE));
    let page = clampPage(state.dp, pages);
    const wanted = state.e ? shown.findIndex((e) => e.id === state.e) : -1;
    if (wanted >= 0) page = Math.floor(wanted / EVENT_PAGE) + 1;
    const count = `${shown.length} of ${d.events.length} event(s) shown`;
    const events = shown.slice((page - 1) * EVENT_PAGE, page * EVENT_PAGE).map(eventSection);
    put(
      main,
      h("p", { class: "meta", id: "event-count" }, count),
      pager(page, pages, { view: "digest" }, "dp"),
      h("div", { id: "events" }, events),
      pager(page, pages, { view: "digest" }, "dp"),
    );
  }

  // -- the frame: tabs, filters, and rendering on every change ----------------------------------

  function renderTabs(view) {
    const tab = (label, params, current) =>
      current
        ? h("span", { "aria-current": "page" }, label)
        : h("a", { href: href(params) }, label);
    const tabs = [tab(`Articles (${index.count})`, {}, view === "list")];
    if (index.digest) {
      const label = `Digest (${index.digest.events} events)`;
      tabs.push(tab(label, { view: "digest" }, view === "digest"));
    }
    $("tabs").replaceChildren(...tabs);
  }

  function renderMain(scroll) {
    const main = $("main");
    main.replaceChildren();
    let view = "list";
    if (state.a !== undefined && position.has(state.a)) {
      view = "article";
      renderArticle(main, position.get(state.a));
    } else if (state.view === "digest" && state.a === undefined) {
      view = "digest";
      renderDigest(main);
    } else {
      const missing = `No article ${state.a} here.`;
      if (state.a !== undefined) put(main, h("p", { class: "notice" }, missing));
      renderList(main);
    }
    renderTabs(view);
    document.documentElement.dataset.view = view;
    if (!scroll) return;
    const target =
      (state.x && $("q-" + state.x)) ||
      (state.c && $("c-" + state.c)) ||
      (state.e && $("e-" + state.e));
    if (target) target.scrollIntoView({ block: "center" });
    else window.scrollTo(0, 0);
  }

  function filterBar() {
    const option = ([s, n]) => h("option", { value: s, label: `${n} claim(s)` });
    const speakers = h("datalist", { id: "speakers" }, index.speakers.map(option));
    const speaker = h("input", {
      id: "filter-speaker",
      type: "search",
      list: "speakers",
      placeholder: "any speaker",
      "aria-label": "Show claims by speaker",
    });
    const kinds = index.kinds.map((k) => h("option", { value: k }, k));
    const any = h("option", { value: "" }, "any kind");
    const label = { id: "filter-kind", "aria-label": "Show claims of kind" };
    const kind = h("select", label, any, kinds);
    const text = h("input", {
      id: "filter-text",
      type: "search",
      placeholder: "article id or title",
      "aria-label": "Find articles by id or title",
    });
    const clear = h("button", { type: "button", id: "filter-clear" }, "clear filters");
    const changed = () => {
      state.speaker = speaker.value;
      state.kind = kind.value;
      state.q = text.value;
      for (const k of ["p", "dp", "c", "x", "e"]) delete state[k];
      const kept = Object.entries(state).filter(([, v]) => v);
      history.replaceState(null, "", "#" + new URLSearchParams(kept).toString());
      renderMain(false);
    };
    speaker.addEventListener("input", changed);
    kind.addEventListener("change", changed);
    text.addEventListener("input", changed);
    clear.addEventListener("click", () => {
      speaker.value = kind.value = text.value = "";
      changed();
    });
    $("filters").replaceChildren(
      h("label", {}, "Speaker ", speaker),
      speakers,
      h("label", {}, "Kind ", kind),
      h("label", {}, "Find ", text),
      clear,
    );
    return () => {
      speaker.value = state.speaker || "";
      kind.value = state.kind || "";
      text.value = state.q || "";
    };
  }

  document.addEventListener("click", (ev) => {
    const link = ev.target.closest ? ev.target.closest("a[data-jump]") : null;
    const target = link ? $(link.dataset.jump) : null;
    if (!target) return;
    ev.preventDefault(); // an in-page jump keeps the hash: it holds the view
    for (const el of document.querySelectorAll(".flash")) el.classList.remove("flash");
    target.classList.add("flash");
    target.scrollIntoView({ block: "center" });
  });

  const sync = filterBar();
  const route = () => {
    state = Object.fromEntries(new URLSearchParams(location.hash.slice(1)));
    sync();
    renderMain(true);
  };
  window.addEventListener("hashchange", route);
  route();
  document.documentElement.dataset.ready = "true";
})();
