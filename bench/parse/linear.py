#!/usr/bin/env python3
"""F-P3 (linear time): parse time per MB must stay flat (within +-30%) from 1 MB to 100 MB,
for realistic feeds and for the adversarial classes feedparser #562 and friends show:
one long attribute, many categories in one item, a long author e-mail, thousands of
namespace prefixes in scope, a JSON Feed item with many tags.

Generates the documents under BENCH_DATA/linear/ and runs parse_bench once per document
(the whole ParseFeed, sanitiser included unless --raw-html); prints CPU seconds per MB for
each size and the spread (max/min) per class. Every run parses its document once untimed
first (--warmup 1): otherwise a small document repeated many times runs on memory already
faulted in while a 100 MB one pays every first-touch page fault, which on a VM looks like
a superlinear parser. A bench, not a test: timing on a shared machine is noisy, so the
verdict line is informational.

  bench/parse/linear.py [--build DIR] [--sizes 1,10,100] [--raw-html]
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get("FEEDD_SHARED", os.path.join(REPO, "..", "shared"))
DATA = os.path.join(os.environ.get("BENCH_DATA", "/tmp/feedd-bench"), "linear")

HEAD = ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        "<title>linear</title><link>https://example.org/</link>\n")
TAIL = "</channel></rss>\n"


def write_realistic(path, mb):
    subprocess.run([sys.executable, os.path.join(SHARED, "bench", "gen_corpus.py"),
                    "--huge", path, "--huge-mb", str(mb)], check=True,
                   stdout=subprocess.DEVNULL)


def write_long_attribute(path, mb):
    n = mb * 1_000_000
    with open(path, "w") as f:
        f.write(HEAD)
        f.write('<item><title>one</title><enclosure type="audio/mpeg" length="1" url="https://example.org/')
        f.write("a" * n)
        f.write('"/></item>\n')
        f.write(TAIL)


def write_many_categories(path, mb):
    n = mb * 1_000_000
    with open(path, "w") as f:
        f.write(HEAD)
        f.write("<item><title>one</title>")
        written, i = 0, 0
        while written < n:
            chunk = "<category>topic %d</category>" % i
            f.write(chunk)
            written += len(chunk)
            i += 1
        f.write("</item>\n")
        f.write(TAIL)


def write_long_email(path, mb):
    # feedparser #562: an author e-mail regex backtracks on a long run of address characters.
    n = mb * 1_000_000
    with open(path, "w") as f:
        f.write(HEAD)
        f.write("<item><title>one</title><author>")
        f.write("a" * (n // 2) + "@" + "b." * (n // 4) + " (unclosed")
        f.write("</author></item>\n")
        f.write(TAIL)


def write_many_namespaces(path, mb):
    # Half the document declares prefixes on the root, half is items resolved under them.
    n = mb * 1_000_000
    with open(path, "w") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"')
        written, i = 0, 0
        while written < n // 2:
            chunk = ' xmlns:p%d="urn:example:%d"' % (i, i)
            f.write(chunk)
            written += len(chunk)
            i += 1
        f.write("><channel><title>linear</title><link>https://example.org/</link>\n")
        written, i = 0, 0
        while written < n // 2:
            chunk = "<item><title>%d</title><p%d:x>y</p%d:x></item>\n" % (i, i % 1000, i % 1000)
            f.write(chunk)
            written += len(chunk)
            i += 1
        f.write(TAIL)


def write_many_json_tags(path, mb):
    n = mb * 1_000_000
    with open(path, "w") as f:
        f.write('{"version": "https://jsonfeed.org/version/1.1", "title": "linear", "items": '
                '[{"id": "1", "title": "one", "tags": [')
        written, i = 0, 0
        while written < n:
            chunk = '"topic %d", ' % i
            f.write(chunk)
            written += len(chunk)
            i += 1
        f.write('"last"]}]}\n')


CLASSES = [
    ("realistic feed", write_realistic),
    ("long attribute", write_long_attribute),
    ("many categories", write_many_categories),
    ("long author e-mail", write_long_email),
    ("many namespaces", write_many_namespaces),
    ("many JSON tags", write_many_json_tags),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(REPO, "build-parser-bench"))
    parser.add_argument("--sizes", default="1,10,100")
    parser.add_argument("--raw-html", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    bench = os.path.join(args.build, "parse_bench")
    os.makedirs(DATA, exist_ok=True)
    worst = 0.0
    for name, writer in CLASSES:
        per_mb = []
        for mb in sizes:
            ext = "json" if "JSON" in name else "xml"
            path = os.path.join(DATA, "%s-%dmb.%s" % (name.replace(" ", "_"), mb, ext))
            if not os.path.exists(path):
                writer(path, mb)
            size = os.path.getsize(path)
            # Small documents run several times so the timer sees enough work.
            repeat = max(1, 20 // mb)
            cmd = [bench, "--warmup", "1", "--repeat", str(repeat)] + \
                (["--raw-html"] if args.raw_html else []) + [path]
            out = subprocess.run(cmd, capture_output=True, text=True)
            m = re.search(r"cpu_s=([0-9.]+)", out.stdout)
            if out.returncode != 0 or not m:
                print("%s %d MB: parse_bench failed (%d): %s" % (name, mb, out.returncode,
                                                                 (out.stderr or out.stdout).strip()[-200:]))
                per_mb.append(float("nan"))
                continue
            s = float(m.group(1)) / repeat
            per_mb.append(s / (size / 1e6))
            print("%-20s %4d MB: %.3f cpu s, %.4f cpu s/MB" % (name, mb, s, per_mb[-1]), flush=True)
        good = [x for x in per_mb if x == x and x > 0]
        spread = max(good) / min(good) if good else float("nan")
        worst = max(worst, spread) if spread == spread else worst
        print("%-20s spread max/min of s/MB over %s MB: %.2f" % (name, args.sizes, spread), flush=True)
    print("linear: worst spread %.2f (flat within +-30%% means <= %.2f)" % (worst, 1.3 / 0.7))


if __name__ == "__main__":
    main()
