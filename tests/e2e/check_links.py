"""Checks a built public/ folder: every relative link and asset in every HTML
page resolves to a file of the site (so a copy works under any path and from
file://), no page loads anything from another origin, and no page uses a
script.  Exits non-zero listing what is wrong.

usage: check_links.py PUBLIC_DIR
"""
import os
import sys
from html.parser import HTMLParser
from urllib.parse import urlsplit, unquote


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []   # (tag, attr, value)
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for attr in ("href", "src", "action", "poster", "data"):
            if attr in a and a[attr] is not None:
                self.links.append((tag, attr, a[attr], a.get("rel", "")))


def main():
    root = os.path.abspath(sys.argv[1])
    problems = []
    pages = 0
    for dirpath, _, files in os.walk(root):
        for f in files:
            if not f.endswith(".html"):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, root)
            if rel.endswith("404.html"):
                continue  # served at any depth: links from the server root by design
            pages += 1
            p = Links()
            with open(path, encoding="utf-8") as fh:
                p.feed(fh.read())
            if p.scripts:
                problems.append(f"{rel}: has a <script>")
            for tag, attr, value, relattr in p.links:
                u = urlsplit(value)
                if u.scheme in ("http", "https"):
                    # Outbound links are fine; loading from elsewhere is not.
                    if tag in ("img", "script", "iframe", "audio", "video", "source") or (
                            tag == "link" and relattr not in ("canonical", "alternate")):
                        problems.append(f"{rel}: {tag} {attr} loads {value}")
                    continue
                if u.scheme in ("mailto", "data") or value.startswith("#"):
                    continue
                if u.scheme or value.startswith("/"):
                    problems.append(f"{rel}: non-relative {tag} {attr}={value}")
                    continue
                target = os.path.normpath(os.path.join(dirpath, unquote(u.path)))
                if u.path.endswith("/") or os.path.isdir(target):
                    problems.append(f"{rel}: link to a folder (breaks file://): {value}")
                    continue
                if not target.startswith(root) or not os.path.isfile(target):
                    problems.append(f"{rel}: broken {tag} {attr}={value}")
    for p in problems[:50]:
        print(p)
    print(f"{pages} pages checked, {len(problems)} problems")
    sys.exit(1 if problems or pages == 0 else 0)


main()
