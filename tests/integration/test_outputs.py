#!/usr/bin/env python3
"""Merged outputs (issue 8) with the real feedd: every output is well-formed and valid (xmllint,
jing against RFC 4287, feedparser without bozo, JSON Feed 1.1), hostile text fields stay text
(RELIABILITY F-S5, F-S6), files in public_dir are complete (F-D2), real readers accept them
(newsboat, headless chromium), one item per story, exact tag and query selections, stable ids,
and only an edit changes `updated` and the ETag.  A check whose tool is missing is skipped."""

from __future__ import annotations

import glob
import html.parser
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_server import FixtureServer  # noqa: E402
from harness import Feedd, TestRunner, check, parse_args, wait_until, xmllint_ok  # noqa: E402
from outputs_support import (ATOM, HOSTILE_AUTHOR, SURROGATE, HOSTILE_CATEGORY, HOSTILE_TITLES,  # noqa: E402
                             as_xml_text, atom_entries, atom_ids, atom_titles, feedparser_module,
                             fetch, fetch_ok, hostile_json_feed, hostile_rss, jing_errors,
                             rss_items, run_tool, skip, tool)

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
OUTPUTS = [
    {"name": "all", "title": "Everything", "limit": 100},
    {"name": "news", "title": "News only", "tags": ["news"], "limit": 100},
    {"name": "zebra", "title": "Zebras", "query": "zebra", "limit": 100},
]
FORMATS = ("atom", "rss", "json", "html")


def story_rss(base: str, title: str, items: list[tuple[str, str, str, str]]) -> bytes:
    """RSS 2.0 with (guid, title, link, description) items, all dated in May 2024."""
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
           f"<title>{title}</title><link>{base}/</link><description>d</description>"]
    for n, (guid, item_title, link, description) in enumerate(items):
        out.append(f"<item><title>{item_title}</title><link>{link}</link>"
                   f'<guid isPermaLink="false">{guid}</guid>'
                   f"<pubDate>Fri, {10 + n:02d} May 2024 08:00:00 +0000</pubDate>"
                   f"<description>{description}</description></item>")
    out.append("</channel></rss>\n")
    return "".join(out).encode()


class Ctx:
    def __init__(self, args, server: FixtureServer, daemon: Feedd):
        self.args, self.server, self.daemon = args, server, daemon
        self.base = server.url("").rstrip("/")
        self.story_link = f"{self.base}/stories/shared-story"
        self.shared_id = ""

    def edit_feed(self, title: str, body: str) -> bytes:
        return story_rss(self.base, "Edited feed", [
            ("urn:edit:1", title, f"{self.base}/edit/1", body),
            ("urn:edit:2", "Never edited", f"{self.base}/edit/2", "&lt;p&gt;same&lt;/p&gt;")])


def dup2_feed(ctx: Ctx, feed_title: str) -> bytes:
    return story_rss(ctx.base, feed_title, [
        ("urn:dup2:9", "Shared story (syndicated)", ctx.story_link + "?utm_source=feed&fbclid=x",
         "&lt;p&gt;The shared text.&lt;/p&gt;")])


def setup(ctx: Ctx) -> None:
    s, d = ctx.server, ctx.daemon
    s.add_feed("alpha", 3)
    s.add_entry("alpha", title="Zebra crossing at dawn", summary="<p>A zebra story.</p>")
    s.add_feed("beta", 3)
    s.set_raw("/hostile.json", hostile_json_feed(ctx.base), "application/feed+json")
    s.set_raw("/rss-hostile.xml", hostile_rss(ctx.base), "application/rss+xml")
    # One story in two feeds: the second copy's link has tracking parameters.
    s.set_raw("/dup1.xml", story_rss(ctx.base, "First carrier", [
        ("urn:dup1:1", "Shared story", ctx.story_link, "&lt;p&gt;The shared text.&lt;/p&gt;")]))
    s.set_raw("/dup2.xml", dup2_feed(ctx, "Second carrier"))
    s.set_raw("/edit.xml", ctx.edit_feed("Before the edit", "&lt;p&gt;v1&lt;/p&gt;"))
    d.write_config(outputs=OUTPUTS)
    d.start()
    d.add(s.feed_url("alpha", "rss"), "--tag", "news")
    d.add(s.feed_url("beta", "atom"), "--tag", "tech")
    for path in ("/hostile.json", "/rss-hostile.xml", "/dup1.xml"):
        d.add(s.url(path))
    d.refresh()
    ctx.shared_id = shared_story_id(fetch_ok(d, "/feeds/all.atom"))
    d.add(s.url("/dup2.xml"))  # seen after dup1: dup1's copy represents the story
    d.add(s.url("/edit.xml"))
    d.refresh()
    wait_until(lambda: len(atom_entries(fetch_ok(d, "/feeds/all.atom"))) >= expected_total(),
               20, message="all.atom to hold every story")


def shared_story_id(atom: bytes) -> str:
    ids = [e.findtext(f"{ATOM}id") for e in atom_entries(atom)
           if (e.findtext(f"{ATOM}title") or "").startswith("Shared story")]
    check(len(ids) == 1, f"shared story ids {ids}")
    return ids[0]


def expected_total() -> int:
    # alpha 4, beta 3, hostile JSON 4, hostile RSS 2, the shared story once, edit 2
    return 4 + 3 + len(HOSTILE_TITLES) + 1 + 2 + 1 + 2


def every_output(ctx: Ctx):
    for output in OUTPUTS:
        for fmt in FORMATS:
            path = f"/feeds/{output['name']}.{fmt}"
            yield path, fmt, fetch_ok(ctx.daemon, path)


# ---------------------------------------------------------------------------------------------

def test_every_output_is_well_formed_xml_or_json(ctx: Ctx) -> None:
    checked = 0
    for path, fmt, body in every_output(ctx):
        if fmt in ("atom", "rss"):
            ok, message = xmllint_ok(body)
            check(ok, f"{path} is not well-formed: {message}")
        elif fmt == "json":
            json.loads(body)
        checked += 1
    check(checked == len(OUTPUTS) * len(FORMATS))
    check(len(atom_entries(fetch_ok(ctx.daemon, "/feeds/all.atom"))) == expected_total(),
          "all.atom does not hold every story exactly once")


def test_public_dir_files_are_complete_and_well_formed(ctx: Ctx) -> None:
    files = lambda: sorted(glob.glob(os.path.join(ctx.daemon.public_dir, "*")))  # noqa: E731
    wait_until(lambda: len(files()) >= len(OUTPUTS) * 3, 10, message="public_dir files")
    served = fetch_ok(ctx.daemon, "/feeds/all.atom")
    wait_until(lambda: open(os.path.join(ctx.daemon.public_dir, "all.atom"), "rb").read()
               == served, 10, message="public_dir/all.atom to equal the served bytes")
    for path in files():
        check(not os.path.basename(path).startswith("."), f"temporary file left: {path}")
        with open(path, "rb") as f:
            data = f.read()
        if path.endswith(".json"):
            json.loads(data)
        elif path.endswith((".atom", ".rss")):
            ok, message = xmllint_ok(data)
            check(ok, f"{path}: {message}")


def test_merged_atom_validates_against_rfc4287_with_jing(ctx: Ctx) -> None:
    if tool("jing") is None:
        return skip("jing not installed")
    with tempfile.TemporaryDirectory() as tmp:
        for output in OUTPUTS:
            path = os.path.join(tmp, output["name"] + ".atom")
            with open(path, "wb") as f:
                f.write(fetch_ok(ctx.daemon, f"/feeds/{output['name']}.atom"))
            errors = jing_errors(path)
            check(errors == "", f"{output['name']}.atom fails RFC 4287:\n{errors}")


def test_feedparser_reads_atom_and_rss_without_bozo(ctx: Ctx) -> None:
    feedparser = feedparser_module()
    if feedparser is None:
        return skip("python3-feedparser not installed")
    for output in OUTPUTS:
        for fmt in ("atom", "rss"):
            body = fetch_ok(ctx.daemon, f"/feeds/{output['name']}.{fmt}")
            parsed = feedparser.parse(body)
            check(parsed.bozo == 0, f"{output['name']}.{fmt}: bozo {parsed.get('bozo_exception')}")
            check(len(parsed.entries) == len(atom_entries(
                fetch_ok(ctx.daemon, f"/feeds/{output['name']}.atom"))),
                f"{output['name']}.{fmt}: feedparser saw {len(parsed.entries)} entries")
            for entry in parsed.entries:
                check(entry.get("id") and entry.get("title") is not None, f"entry {entry}")


def test_json_feed_holds_to_version_1_1(ctx: Ctx) -> None:
    for output in OUTPUTS:
        doc = json.loads(fetch_ok(ctx.daemon, f"/feeds/{output['name']}.json"))
        check(doc.get("version") == "https://jsonfeed.org/version/1.1", f"version {doc}")
        check(isinstance(doc.get("title"), str) and doc["title"], "title")
        check(isinstance(doc.get("items"), list) and doc["items"], "items")
        ids = [item.get("id") for item in doc["items"]]
        check(all(isinstance(i, str) and i for i in ids), f"ids {ids}")
        check(len(set(ids)) == len(ids), "duplicate item ids")
        for item in doc["items"]:
            check(isinstance(item.get("content_html"), str)
                  or isinstance(item.get("content_text"), str), f"no content: {item['id']}")
            authors = item.get("authors", doc.get("authors"))
            check(isinstance(authors, list) and authors
                  and all(isinstance(a, dict) and a.get("name") for a in authors),
                  f"authors of {item['id']}: {authors}")
            for key in ("date_published", "date_modified"):
                if key in item:
                    check(RFC3339.match(item[key]), f"{key} {item[key]!r}")
            check("author" not in item, "1.1 uses `authors`, not the 1.0 `author`")


def test_hostile_text_fields_stay_text_in_every_output(ctx: Ctx) -> None:
    # F-S6: the titles a feed gave (as stored) reach every format as text, never markup.
    stored = {e["title"] for e in ctx.daemon.entries("--limit", "1000")}
    for title in HOSTILE_TITLES:
        check(as_xml_text(title) in {as_xml_text(t) for t in stored},
              f"hostile title not stored as text: {title!r} (stored {stored})")
    atom = fetch_ok(ctx.daemon, "/feeds/all.atom")
    rss = fetch_ok(ctx.daemon, "/feeds/all.rss")
    doc = json.loads(fetch_ok(ctx.daemon, "/feeds/all.json"))
    page = fetch_ok(ctx.daemon, "/feeds/all.html")
    page_text = html_text(page.decode())
    atom_set = set(atom_titles(atom))
    rss_set = {i.findtext("title") for i in rss_items(rss)}
    json_set = {i.get("title") for i in doc["items"]}
    for title in HOSTILE_TITLES:
        want = as_xml_text(title)
        check(want in atom_set, f"Atom lacks title {want!r}: {atom_set}")
        check(want in rss_set, f"RSS lacks title {want!r}")
        check(want in json_set, f"JSON Feed lacks title {want!r}")
        check(" ".join(want.split()) in page_text, f"HTML page lacks title text {want!r}")
    surrogates = [t for t in atom_set if t.startswith("Lone")]
    check(len(surrogates) == 1 and "surrogate" in surrogates[0]
          and not SURROGATE.search(surrogates[0]), f"lone surrogates title: {surrogates!r}")
    authors = [n.text for n in ET_iter(atom, f"{ATOM}author/{ATOM}name")]
    check(HOSTILE_AUTHOR in authors, f"author not kept as text: {authors[:5]}")
    terms = [c.get("term") for e in atom_entries(atom) for c in e.findall(f"{ATOM}category")]
    check(HOSTILE_CATEGORY in terms, f"category not kept as text: {terms[:8]}")
    # No markup from a text field (or a sanitised body) anywhere in the bytes.
    for path, fmt, body in every_output(ctx):
        lowered = body.lower()
        if fmt != "json":
            check(b"<script" not in lowered, f"{path} carries a <script> element")
        check(b"onerror" not in lowered and b"javascript:" not in lowered, f"{path}: handler")
    for item in doc["items"]:
        check("<script" not in item.get("content_html", "").lower(), "script in content_html")


def test_one_item_per_story_says_where_else_it_appeared(ctx: Ctx) -> None:
    atom = fetch_ok(ctx.daemon, "/feeds/all.atom")
    shared = [e for e in atom_entries(atom)
              if (e.findtext(f"{ATOM}title") or "").startswith("Shared story")]
    check(len(shared) == 1, f"shared story appears {len(shared)} times")
    check(shared_story_id(atom) == ctx.shared_id, "the story's id changed when a copy merged")
    entry = shared[0]
    check(entry.findtext(f"{ATOM}title") == "Shared story", "the first carrier's copy wins")
    related = [l for l in entry.findall(f"{ATOM}link") if l.get("rel") == "related"]
    check(any("Second carrier" in (l.get("title") or "") for l in related),
          f"no 'also in' link: {[l.attrib for l in related]}")
    content = entry.findtext(f"{ATOM}content") or ""
    check("Second carrier" in content and "Also in" in content, "no 'Also in' note in content")
    source = entry.find(f"{ATOM}source")
    check(source is not None and source.findtext(f"{ATOM}title") == "First carrier",
          "atom:source must name the origin feed")
    doc = json.loads(fetch_ok(ctx.daemon, "/feeds/all.json"))
    check(sum(1 for i in doc["items"] if i.get("title", "").startswith("Shared story")) == 1,
          "JSON Feed repeats the shared story")


def test_tag_and_query_selections_hold_exactly_the_expected_items(ctx: Ctx) -> None:
    alpha = {e.title for e in ctx.server.feed("alpha").entries}
    news = set(atom_titles(fetch_ok(ctx.daemon, "/feeds/news.atom")))
    check(news == alpha, f"news output {sorted(news)} != alpha's entries {sorted(alpha)}")
    zebra = atom_titles(fetch_ok(ctx.daemon, "/feeds/zebra.atom"))
    check(zebra == ["Zebra crossing at dawn"], f"zebra output holds {zebra}")


def test_refetch_changes_nothing_and_an_edit_bumps_updated_and_etag(ctx: Ctx) -> None:
    d = ctx.daemon
    status, headers, before = fetch(d, "/feeds/all.atom")
    etag = headers["etag"]
    d.refresh()
    time.sleep(1.2)
    _, headers2, after = fetch(d, "/feeds/all.atom")
    check(headers2["etag"] == etag and after == before, "a re-fetch without changes changed it")
    status, _, _ = fetch(d, "/feeds/all.atom", headers={"If-None-Match": etag})
    check(status == 304, f"If-None-Match with the current ETag: {status}")

    def updated_by_id(body: bytes) -> dict[str, str]:
        return {e.findtext(f"{ATOM}id"): e.findtext(f"{ATOM}updated") for e in atom_entries(body)}

    def id_of(body: bytes, title: str) -> str:
        return next(e.findtext(f"{ATOM}id") for e in atom_entries(body)
                    if e.findtext(f"{ATOM}title") == title)

    old_updated = updated_by_id(before)
    edited_id = id_of(before, "Before the edit")
    time.sleep(1.1)  # `updated` has one-second resolution
    ctx.server.set_raw("/edit.xml", ctx.edit_feed("After the edit", "&lt;p&gt;v2&lt;/p&gt;"))
    d.refresh()
    body = wait_until(lambda: (lambda b: b if b"After the edit" in b else None)(
        fetch_ok(d, "/feeds/all.atom")), 10, message="the edit to reach all.atom")
    _, headers3, body = fetch(d, "/feeds/all.atom")
    check(headers3["etag"] != etag, "an edit must change the ETag")
    check(id_of(body, "After the edit") == edited_id, "the edited item's id changed")
    new_updated = updated_by_id(body)
    check(set(new_updated) == set(old_updated), "ids changed across the edit")
    check(new_updated[edited_id] > old_updated[edited_id],
          f"updated not bumped: {old_updated[edited_id]} -> {new_updated[edited_id]}")
    changed = [i for i in new_updated if i != edited_id and new_updated[i] != old_updated[i]]
    check(not changed, f"entries not edited changed `updated`: {changed}")
    root_updated = ET_root(body).findtext(f"{ATOM}updated")
    check(root_updated == max(new_updated.values()), "feed updated is the newest item's")
    check(atom_ids(body) == atom_ids(before), "order or ids changed across an edit")


def test_a_feed_renamed_at_its_source_is_renamed_in_the_outputs(ctx: Ctx) -> None:
    # Only the feed's title changes: no entry does, yet the items' origins must follow.
    d = ctx.daemon
    fetch_ok(d, "/feeds/all.atom")  # a cached rendering that names the old title
    ctx.server.set_raw("/dup2.xml", dup2_feed(ctx, "Renamed carrier"))
    try:
        d.refresh()
        atom = fetch_ok(d, "/feeds/all.atom")
        shared = [e for e in atom_entries(atom)
                  if (e.findtext(f"{ATOM}title") or "").startswith("Shared story")]
        check(len(shared) == 1, f"shared story appears {len(shared)} times")
        titles = [link.get("title") for link in shared[0].findall(f"{ATOM}link")
                  if link.get("rel") == "related"]
        check(titles == ["also in: Renamed carrier"], f"the also-in link says {titles}")
    finally:
        ctx.server.set_raw("/dup2.xml", dup2_feed(ctx, "Second carrier"))
        d.refresh()


def test_newsboat_subscribes_and_shows_the_items(ctx: Ctx) -> None:
    if tool("newsboat") is None:
        return skip("newsboat not installed")
    host, port = ctx.daemon.public_address()
    url = f"http://{host}:{port}/feeds/news.atom"
    with tempfile.TemporaryDirectory() as home:
        with open(os.path.join(home, "urls"), "w") as f:
            f.write(url + "\n")
        with open(os.path.join(home, "config"), "w") as f:
            f.write("download-timeout 10\nreload-threads 1\n")
        env = {"HOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": "dumb",
               "LANG": "C.UTF-8"}
        proc = run_tool(["newsboat", "-x", "reload", "-u", "urls", "-c", "cache.db", "-C",
                         "config"], env=env, cwd=home, timeout=50)
        check(proc.returncode == 0, f"newsboat exited {proc.returncode}: {proc.stderr!r}")
        db = sqlite3.connect(os.path.join(home, "cache.db"))
        try:
            titles = {row[0] for row in db.execute("SELECT title FROM rss_item")}
        finally:
            db.close()
    want = {e.title for e in ctx.server.feed("alpha").entries}
    check(titles == want, f"newsboat shows {sorted(titles)}, want {sorted(want)}")


def test_chromium_renders_the_index_and_a_page_without_console_errors(ctx: Ctx) -> None:
    browser = tool("chromium") or tool("chromium-browser")
    if browser is None:
        return skip("chromium not installed")
    host, port = ctx.daemon.public_address()
    # news.html: an output page without the hostile 2 MB item, which is not what is tested here.
    pages = (("/", "Everything"), ("/feeds/news.html", "Zebra crossing"))
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS="disabled:")
    with tempfile.TemporaryDirectory() as tmp:
        # Both pages at once: a headless start costs tens of seconds on a loaded machine.
        procs = []
        for n, (path, _) in enumerate(pages):
            argv = [browser, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--no-first-run", f"--user-data-dir={tmp}/p{n}",
                    "--enable-logging=stderr", "--v=0", "--window-size=1024,768",
                    f"--screenshot={tmp}/shot{n}.png", "--dump-dom",
                    f"http://{host}:{port}{path}"]
            procs.append(subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          env=env, start_new_session=True))
        outputs = []
        deadline = time.monotonic() + 55
        try:
            for proc in procs:
                outputs.append(proc.communicate(timeout=max(1.0, deadline - time.monotonic())))
        finally:
            for proc in procs:
                if proc.poll() is None:
                    os.killpg(proc.pid, 9)
                    proc.wait()
        for n, ((path, must_show), (dom, log)) in enumerate(zip(pages, outputs)):
            check(procs[n].returncode == 0, f"chromium {path}: {log[-2000:]!r}")
            check(must_show.encode() in dom, f"{path} DOM lacks {must_show!r}")
            console = [line for line in log.decode(errors="replace").splitlines()
                       if ":CONSOLE" in line]
            check(not console, f"console messages on {path}: {console}")
            shot = os.path.join(tmp, f"shot{n}.png")
            check(os.path.exists(shot), f"no screenshot of {path}")
            with open(shot, "rb") as f:
                png = f.read()
            check(png.startswith(b"\x89PNG") and len(png) > 2000,
                  f"screenshot of {path}: {len(png)} bytes")
            if os.environ.get("FEEDD_TEST_KEEP"):
                os.replace(shot, os.path.join(ctx.daemon.dir, f"shot{n}.png"))


def test_zz_kill_9_while_writing_leaves_complete_files(ctx: Ctx) -> None:
    # F-D2 (runs last: it restarts feedd). Kill during the coalesced rewrite that follows a
    # change; every file in public_dir must still be complete, and no temporary file survives
    # the restart's first write.
    import random
    d = ctx.daemon
    rng = random.Random(8)
    public = d.public_dir

    def files() -> list[str]:
        found = []
        for root, _, names in os.walk(public):
            found += [os.path.join(root, n) for n in names]
        return found

    for round_ in range(4):
        ctx.server.add_entries("beta", 1)
        d.refresh()
        time.sleep(0.9 + rng.random() * 0.4)  # the rewrite starts about 1 s after a change
        d.kill()
        for path in files():
            if os.path.basename(path).startswith("."):
                continue
            with open(path, "rb") as f:
                data = f.read()
            if path.endswith(".json"):
                json.loads(data)
            else:
                ok, message = xmllint_ok(data)
                check(ok, f"round {round_}: {path} incomplete after kill -9: {message}")
        d.start()
    ctx.server.add_entries("beta", 1)
    d.refresh()
    wait_until(lambda: not [p for p in files() if os.path.basename(p).startswith(".")], 10,
               message="no temporary files after the restart's write")


# ---------------------------------------------------------------------------------------------

class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def ET_root(body: bytes):
    import xml.etree.ElementTree as ET
    return ET.fromstring(body)


def ET_iter(body: bytes, path: str):
    return ET_root(body).iterfind(f".//{path}")


def main() -> int:
    args = parse_args()
    runner = TestRunner(args.only)
    with FixtureServer() as server, Feedd(args.feedd, args.feedctl) as daemon:
        ctx = Ctx(args, server, daemon)
        if not runner.run("setup", setup, ctx, always=True):
            daemon.failed = True
            return runner.finish()
        for name, fn in list(globals().items()):
            if name.startswith("test_") and callable(fn):
                runner.run(name, fn, ctx)
        daemon.failed = daemon.failed or bool(runner.failed)
        daemon.stop()
    return runner.finish()


if __name__ == "__main__":
    sys.exit(main())
