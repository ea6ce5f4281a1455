#!/usr/bin/env python3
"""Shared by the test_outputs*.py files: fixture feeds with hostile fields, fetching the
merged outputs from a running feedd, and small parsers for what the tests compare.
Standard library only (the optional validators are found with shutil.which)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Feedd, check  # noqa: E402

ATOM = "{http://www.w3.org/2005/Atom}"
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(HERE), "data", "render")
C0 = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SURROGATE = re.compile("[\ud800-\udfff]")

# Hostile text fields, as the feeds carry them (JSON Feed: titles and names are plain text).
HOSTILE_TITLES = [
    "Ends with ]]> and </title> and <script>alert(1)</script>",
    "C0 \x01\x02\x08\x1f controls \x7f in a title",
    "Quotes \" ' & ampersands &amp; <b>not bold</b>",
]
HOSTILE_AUTHOR = "<script>alert(4)</script> Mallory & Co"
HOSTILE_CATEGORY = "<script>cat</script>"
LARGE_FIELD_BYTES = 2 * 1024 * 1024


def as_xml_text(text: str) -> str:
    """What an output may carry of `text`: C0 controls dropped, surrogates as U+FFFD."""
    return SURROGATE.sub("\ufffd", C0.sub("", text))


def hostile_json_feed(base: str) -> bytes:
    items = [{
        "id": f"urn:hostile:{i}",
        "url": f"{base}/hostile/{i}",
        "title": title,
        "content_html": ("<p>Body " + str(i) + "</p><script>alert(2)</script>"
                         "<img src=x onerror=alert(3)><a href=\"javascript:alert(5)\">x</a>"),
        "date_published": f"2024-05-0{i + 1}T10:00:00Z",
        "authors": [{"name": HOSTILE_AUTHOR}],
        "tags": [HOSTILE_CATEGORY, "a&b"],
    } for i, title in enumerate(HOSTILE_TITLES)]
    items.append({
        "id": "urn:hostile:large",
        "url": f"{base}/hostile/large",
        "title": "A large field",
        "content_html": "<p>" + ("large " * (LARGE_FIELD_BYTES // 6)) + "</p>",
        "date_published": "2024-05-09T10:00:00Z",
    })
    doc = {"version": "https://jsonfeed.org/version/1.1",
           "title": "Hostile <script>alert(0)</script> feed", "home_page_url": base + "/",
           "items": items}
    return json.dumps(doc).encode("ascii")  # ensure_ascii: \u0001, \ud800 stay escapes


def hostile_rss(base: str) -> bytes:
    """RSS whose CDATA title breaks out of naive CDATA wrapping and whose description has
    markup that must stay inside the escaped field."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Hostile RSS</title><link>{base}/</link><description>x</description>"
        "<item><title><![CDATA[CDATA ]]]]><![CDATA[> breaks &lt;/title&gt; out]]></title>"
        f"<link>{base}/rss-hostile/1</link><guid>urn:rss-hostile:1</guid>"
        "<pubDate>Wed, 01 May 2024 09:00:00 +0000</pubDate>"
        "<author>x@example.org (&lt;script&gt;alert(6)&lt;/script&gt;)</author>"
        "<category>&lt;/category&gt;&lt;script&gt;</category>"
        "<description><![CDATA[<p>ok</p><script>alert(7)</script>]]]]><![CDATA[>]]></description>"
        "</item>"
        # Lone surrogates: as character references and as raw CESU-8 bytes (invalid UTF-8).
        "<item><title>Lone &#xD800; surrogate and @RAW@ raw one</title>"
        f"<link>{base}/rss-hostile/2</link><guid>urn:rss-hostile:2</guid>"
        "<pubDate>Wed, 01 May 2024 09:30:00 +0000</pubDate>"
        "<description>surrogate &#xDFFF; in text</description></item>"
        "</channel></rss>\n").encode("utf-8").replace(b"@RAW@", b"\xed\xa0\x80")


def fetch(daemon: Feedd, path: str, headers: dict | None = None, method: str = "GET"
          ) -> tuple[int, dict[str, str], bytes]:
    return daemon.http_get(path, headers=headers, method=method, timeout=30)


def fetch_ok(daemon: Feedd, path: str) -> bytes:
    status, _, body = fetch(daemon, path)
    check(status == 200, f"GET {path}: {status} {body[:200]!r}")
    return body


def atom_entries(body: bytes) -> list[ET.Element]:
    return ET.fromstring(body).findall(f"{ATOM}entry")


def atom_titles(body: bytes) -> list[str]:
    return [e.findtext(f"{ATOM}title") or "" for e in atom_entries(body)]


def atom_ids(body: bytes) -> list[str]:
    return [e.findtext(f"{ATOM}id") or "" for e in atom_entries(body)]


def rss_items(body: bytes) -> list[ET.Element]:
    return ET.fromstring(body).findall("./channel/item")


def tool(name: str) -> str | None:
    return shutil.which(name)


def run_tool(argv: list[str], data: bytes | None = None, timeout: float = 50,
             env: dict | None = None, cwd: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(argv, input=data, capture_output=True, timeout=timeout, env=env,
                          cwd=cwd)


def jing_errors(atom_path: str) -> str | None:
    """jing -c output for the RFC 4287 schema ("" when valid); None when jing is missing."""
    if tool("jing") is None:
        return None
    proc = run_tool(["jing", "-c", os.path.join(DATA, "atom.rnc"), atom_path])
    return "" if proc.returncode == 0 else (proc.stdout + proc.stderr).decode(errors="replace")


def feedparser_module():
    """Debian's python3-feedparser, also when the tests run under another python3 (pyenv)."""
    try:
        import feedparser  # type: ignore[import-not-found]
        return feedparser
    except ImportError:
        pass
    debian = "/usr/lib/python3/dist-packages"
    if not os.path.isdir(os.path.join(debian, "feedparser")):
        return None
    sys.path.append(debian)
    try:
        import feedparser  # type: ignore[import-not-found]  # noqa: F811
        return feedparser
    except ImportError:
        return None
    finally:
        sys.path.remove(debian)


def skip(message: str) -> None:
    print(f"SKIP {message}", flush=True)
