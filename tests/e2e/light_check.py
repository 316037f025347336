"""Checks that a built site is light and reads well as text.

usage: light_check.py size PUBLIC_DIR LIMIT_BYTES
    Every article page (og:type article) gzipped together with the
    stylesheets it links must stay under LIMIT_BYTES; prints the largest.
usage: light_check.py w3m PUBLIC_DIR PAGE DUMP
    DUMP is `w3m -dump` of PAGE: the site title, the breadcrumb, the
    article's title and every paragraph of its body must be there, in that
    order, with nothing of the markup or the stylesheet, and the footer's
    mirrors after the body.
"""
import gzip
import os
import re
import sys
from html.parser import HTMLParser


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.article = False
        self.css = []
        self.stack = []
        self.crumbs = []
        self.h1 = ""
        self.paras = []
        self.brand = ""
        self.mirrors = []
        self._text = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and a.get("property") == "og:type" and a.get("content") == "article":
            self.article = True
        if tag == "link" and a.get("rel") == "stylesheet":
            self.css.append(a["href"])
        cls = a.get("class", "")
        self.stack.append((tag, cls))
        if tag in ("h1", "p", "li", "a"):
            self._text = (tag, cls, [])

    def handle_endtag(self, tag):
        if self._text and self._text[0] == tag:
            t = " ".join("".join(self._text[2]).split())
            inside = [c for _, c in self.stack]
            tags = [g for g, _ in self.stack]
            if tag == "h1" and "main" in tags:
                self.h1 = t
            elif tag == "p" and "main" in tags and t:
                self.paras.append(t)
            elif tag == "a" and "brand" in inside:
                self.brand = t
            elif tag == "li" and "breadcrumb" in " ".join(inside) and t:
                self.crumbs.append(t)
            elif tag == "a" and "mirrors" in inside:
                self.mirrors.append(t)
            self._text = None
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._text:
            self._text[2].append(data)


def parse(path):
    p = Page()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    return p


def size(root, limit):
    worst, worst_page, n = 0, None, 0
    for d, _, files in os.walk(root):
        if "index.html" not in files:
            continue
        path = os.path.join(d, "index.html")
        p = parse(path)
        if not p.article:
            continue
        n += 1
        total = len(gzip.compress(open(path, "rb").read(), 9))
        for href in p.css:
            total += len(gzip.compress(open(os.path.normpath(os.path.join(d, href)), "rb").read(), 9))
        if total > worst:
            worst, worst_page = total, os.path.relpath(path, root)
    print(f"{n} article pages; largest with its CSS: {worst} bytes gzipped ({worst_page})")
    return n > 0 and worst <= limit


def w3m(root, page, dump):
    p = parse(page)
    text = open(dump, encoding="utf-8").read()
    flat = " ".join(text.split())
    problems = []

    def at(s, what):
        i = flat.find(" ".join(s.split()))
        if i < 0:
            problems.append(f"{what} missing: {s[:60]!r}")
        return i

    order = [at(p.brand, "site title")]
    order += [at(c, "breadcrumb") for c in p.crumbs[:-1]]
    order.append(at(p.h1, "article title"))
    order += [at(t, "paragraph") for t in p.paras if len(t) > 20][:50]
    if p.mirrors:
        order.append(at(p.mirrors[0], "mirror in the footer"))
    found = [i for i in order if i >= 0]
    if found != sorted(found):
        problems.append("parts out of reading order")
    if not p.crumbs or not p.paras:
        problems.append("page has no breadcrumb or no paragraphs (parser)")
    for bad in ("<p", "</", "<a ", "{", "}", "&lt;", "&amp;", "href="):
        if bad in text:
            problems.append(f"markup or CSS shows: {bad!r}")
    long = [l for l in text.splitlines() if len(l) > 80]
    if long:
        problems.append(f"{len(long)} lines wider than 80 columns")
    for pr in problems:
        print(pr)
    print(f"w3m: {len(order)} parts checked, {len(problems)} problems")
    return not problems


if sys.argv[1] == "size":
    ok = size(sys.argv[2], int(sys.argv[3]))
else:
    ok = w3m(sys.argv[2], sys.argv[3], sys.argv[4])
sys.exit(0 if ok else 1)
