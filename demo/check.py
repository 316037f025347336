#!/usr/bin/env python3
"""Validates the tamizdat demo site under demo/ (standard library only).

usage: python3 demo/check.py [DEMO_DIR] [-v]

Checks what `tamizdat demo` relies on and what the demo is meant to show:
every article's section exists and is the folder the file lives in, every
credited author has a file in authors/, required fields are present, dates
are well formed and in range, translation groups are consistent (same
section path, distinct languages, one original at most), slugs are valid
and unique per language, bodies are 250-700 words, links point to fictional
domains only, Russian and Ukrainian texts hold no letter of the other
alphabet, every language has the same section tree, and the counts are met
(articles, languages, groups, organisations, depth).  Prints every problem found and exits 1 if there is
any; prints a summary and exits 0 otherwise.

The front matter reader accepts only the subset the demo uses, which is a
subset of what src/text/frontmatter.h accepts: one `key: value` per line,
values plain, double-quoted ("..." with \\" and \\\\ escapes) or a flow list
of double-quoted strings ["a", "b"].
"""
import configparser
import datetime
import os
import re
import sys
import unicodedata

LANGS = ("en", "fr", "ru", "uk")
STATUSES = ("draft", "proposed", "published", "scheduled", "trash")
KINDS = ("person", "organisation")

ARTICLE_KEYS = {
    "title", "surtitle", "subtitle", "lead", "postscript", "lang", "section",
    "status", "date", "first_published", "source_name", "source_url",
    "original_lang", "translators", "licence", "authors", "tags",
    "translationKey", "slug",
}
ARTICLE_REQUIRED = ("title", "lang", "section", "status", "date", "authors",
                    "tags", "licence")
LIST_KEYS = {"authors", "tags", "translators"}
SECTION_KEYS = {"title", "description", "weight"}
LANG_HOME_KEYS = {"title", "description"}
AUTHOR_KEYS = {"name", "kind"}

# The demo's dates: the site's story runs from January 2024 to November 2026.
DATE_MIN = datetime.date(2024, 1, 1)
DATE_MAX = datetime.date(2026, 11, 30)

# Thresholds the demo promises (see README.md).
MIN_ARTICLES = 60
MIN_PER_LANG = 12
MIN_GROUPS = 12
MIN_AUTHORS = 12
MIN_ORGS = 5
MIN_DEPTH = 3
MIN_WORDS = 250
MAX_WORDS = 700
SLUG_MAX = 80  # src/text/slug.h

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
KEY_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):(?:\s+(.*))?$")
URL_RE = re.compile(r"https?://[^\s)\]>\"']+")
FICTIONAL_HOST_RE = re.compile(r"^([a-z0-9-]+\.)*example\.(org|net|com)$")
LANG_CODE_RE = re.compile(r"^[a-z]{2}$")

errors = []


def err(path, msg):
    errors.append(f"{path}: {msg}")


# ---------------------------------------------------------------- slugs

# Russian: the table of Russian passports (2017, after ICAO Doc 9303).
RU = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}
# Ukrainian: Cabinet of Ministers resolution 55 (2010).  Word-initial forms
# of є, ї, й, ю, я are in UK_INITIAL; "зг" is "zgh".
UK = dict(RU)
UK.update({"г": "h", "ґ": "g", "е": "e", "є": "ie", "и": "y", "і": "i",
           "ї": "i", "й": "i", "ю": "iu", "я": "ia", "ь": "", "'": "",
           "\u2019": "", "\u02bc": ""})
UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
UK_ONLY = set("іїєґ")
RU_ONLY = set("ыэёъ")
LATIN_SPECIAL = {"ß": "ss", "œ": "oe", "æ": "ae", "ø": "o", "đ": "d",
                 "ł": "l", "þ": "th", "ð": "d"}


def translit(text, lang):
    out = []
    s = text.lower()
    table = UK if lang == "uk" else RU
    for i, ch in enumerate(s):
        prev = s[i - 1] if i else ""
        if ch in UK_ONLY:
            t = UK
        elif ch in RU_ONLY:
            t = RU
        else:
            t = table
        if ch in t and (ch.isalpha() or t is UK):
            if t is UK and ch in UK_INITIAL and not prev.isalpha() \
                    and (not prev or prev not in "'\u2019\u02bc"):
                out.append(UK_INITIAL[ch])
            elif t is UK and ch == "г" and prev == "з":
                out.append("gh")
            else:
                out.append(t[ch])
            continue
        if ch in LATIN_SPECIAL:
            out.append(LATIN_SPECIAL[ch])
            continue
        dec = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in dec if not unicodedata.combining(c))
        out.append(base)
    return "".join(out)


def slugify(text, lang):
    words = re.split(r"[^a-z0-9]+", translit(text, lang))
    words = [w for w in words if w]
    slug = ""
    for w in words:
        cand = w if not slug else slug + "-" + w
        if len(cand) > SLUG_MAX:
            if not slug:
                slug = cand[:SLUG_MAX]
            break
        slug = cand
    return slug


# ---------------------------------------------------------- front matter

def parse_scalar(raw, path, lineno):
    if raw.startswith('"'):
        if len(raw) < 2 or not raw.endswith('"'):
            err(path, f"line {lineno}: unterminated string")
            return None
        body = raw[1:-1]
        out, i = [], 0
        while i < len(body):
            c = body[i]
            if c == "\\":
                if i + 1 < len(body) and body[i + 1] in '"\\':
                    out.append(body[i + 1])
                    i += 2
                    continue
                err(path, f"line {lineno}: unsupported escape")
                return None
            if c == '"':
                err(path, f"line {lineno}: unescaped quote inside string")
                return None
            out.append(c)
            i += 1
        return "".join(out)
    if raw.startswith(("'", "[", "{", "|", ">", "&", "*", "!")):
        err(path, f"line {lineno}: value form not used by the demo: {raw[:20]}")
        return None
    if ": " in raw or " #" in raw:
        err(path, f"line {lineno}: plain value needs quotes: {raw[:40]}")
        return None
    return raw


def parse_list(raw, path, lineno):
    inner = raw[1:-1].strip()
    if not inner:
        return []
    items = re.findall(r'\s*("(?:[^"\\]|\\.)*")\s*(,|$)', inner)
    rebuilt = ",".join(i[0] for i in items)
    if re.sub(r"\s*,\s*", ",", inner) != rebuilt:
        err(path, f"line {lineno}: a list must hold double-quoted strings")
        return None
    vals = [parse_scalar(i[0], path, lineno) for i in items]
    if any(v is None for v in vals):
        return None
    return vals


def read_doc(path):
    """Returns (fields, body) or (None, None) after recording errors."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except UnicodeDecodeError:
        err(path, "not valid UTF-8")
        return None, None
    if "\r" in text:
        err(path, "has CR line endings")
    lines = text.split("\n")
    if not lines or lines[0] != "---":
        err(path, "does not start with a --- line")
        return None, None
    try:
        end = lines.index("---", 1)
    except ValueError:
        err(path, "front matter is not closed by a --- line")
        return None, None
    fields = {}
    for n, line in enumerate(lines[1:end], start=2):
        if not line.strip():
            continue
        m = KEY_RE.match(line)
        if not m:
            err(path, f"line {n}: expected `key: value`: {line[:40]}")
            continue
        key, raw = m.group(1), (m.group(2) or "").strip()
        if key in fields:
            err(path, f"line {n}: duplicate key {key}")
            continue
        if not raw:
            err(path, f"line {n}: {key} has no value")
            continue
        if raw.startswith("["):
            if not raw.endswith("]"):
                err(path, f"line {n}: unterminated list")
                continue
            val = parse_list(raw, path, n)
        else:
            val = parse_scalar(raw, path, n)
        if val is not None:
            fields[key] = val
    body = "\n".join(lines[end + 1:])
    return fields, body


def check_keys(path, fields, allowed, required):
    for k in fields:
        if k not in allowed:
            err(path, f"unknown key {k}")
    for k in required:
        if k not in fields or fields[k] in ("", []):
            err(path, f"missing required key {k}")


def want_str(path, fields, key):
    v = fields.get(key)
    if v is not None and not isinstance(v, str):
        err(path, f"{key} must be a string, not a list")
        return None
    return v


# --------------------------------------------------------------- checks

def word_count(body):
    text = re.sub(r"https?://\S+", " ", body)
    text = re.sub(r"[#>*_`|\[\]()\-]+", " ", text)
    return len([w for w in text.split() if re.search(r"\w", w)])


def check_links(path, body, fields):
    urls = URL_RE.findall(body)
    if fields.get("source_url"):
        urls.append(fields["source_url"])
    for u in urls:
        host = re.sub(r"^https?://", "", u).split("/")[0].split(":")[0]
        if not FICTIONAL_HOST_RE.match(host.lower()):
            err(path, f"link to a non-fictional host: {u}")
    return len(URL_RE.findall(body))


def parse_date(path, key, value):
    if not isinstance(value, str):
        err(path, f"{key} must be a string")
        return None
    try:
        if key == "date":
            if not DATE_RE.match(value):
                raise ValueError
            d = datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
        else:
            if not DAY_RE.match(value):
                raise ValueError
            d = datetime.datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        fmt = "YYYY-MM-DDTHH:MM:SSZ" if key == "date" else "YYYY-MM-DD"
        err(path, f"{key} {value!r} is not {fmt}")
        return None
    if not DATE_MIN <= d.date() <= DATE_MAX:
        err(path, f"{key} {value} is outside {DATE_MIN}..{DATE_MAX}")
    return d


def load_site(root):
    path = os.path.join(root, "site.ini")
    if not os.path.isfile(path):
        err(path, "missing")
        return
    cp = configparser.ConfigParser(interpolation=None)
    cp.optionxform = str
    try:
        cp.read(path, encoding="utf-8")
    except configparser.Error as e:
        err(path, f"cannot parse: {e}")
        return
    if cp.sections() != ["site"]:
        err(path, f"expected only a [site] section, found {cp.sections()}")
    if "site" not in cp:
        return
    s = cp["site"]
    for k in ("title", "tagline", "base_url", "languages", "default_language"):
        if not s.get(k):
            err(path, f"[site] {k} is missing")
    langs = [x.strip() for x in s.get("languages", "").split(",")]
    if tuple(langs) != LANGS:
        err(path, f"languages should be {','.join(LANGS)}")
    if s.get("default_language") not in langs:
        err(path, "default_language is not one of languages")
    for lang in langs:
        if not s.get(f"title.{lang}"):
            err(path, f"title.{lang} is missing")
    if not s.get("base_url", "").endswith("/"):
        err(path, "base_url must end with /")


def load_authors(root):
    adir = os.path.join(root, "authors")
    authors = {}
    if not os.path.isdir(adir):
        err(adir, "missing")
        return authors
    for fn in sorted(os.listdir(adir)):
        path = os.path.join(adir, fn)
        if not fn.endswith(".md"):
            err(path, "unexpected file")
            continue
        if not SLUG_RE.match(fn[:-3]):
            err(path, "file name is not a valid slug")
        fields, body = read_doc(path)
        if fields is None:
            continue
        check_keys(path, fields, AUTHOR_KEYS, ("name", "kind"))
        name = want_str(path, fields, "name")
        if fields.get("kind") not in KINDS:
            err(path, f"kind must be one of {', '.join(KINDS)}")
        if not body.strip():
            err(path, "has no bio")
        elif len(re.findall(r"[.!?](\s|$)", body.strip())) > 3:
            err(path, "bio is longer than 3 sentences")
        if name:
            if name in authors:
                err(path, f"duplicate author name {name!r}")
            if slugify(name, None) != fn[:-3] and not re.search(
                    "[\u0400-\u04ff]", name):
                err(path, f"file name should be {slugify(name, None)}.md")
            authors[name] = {"kind": fields.get("kind"), "path": path,
                             "used": 0}
    return authors


def load_sections(root, lang):
    """Returns {section_path: fields} for one language ('' = language home)."""
    base = os.path.join(root, "content", lang)
    sections = {}
    for dirpath, dirnames, _ in os.walk(base):
        dirnames.sort()
        rel = os.path.relpath(dirpath, base).replace(os.sep, "/")
        rel = "" if rel == "." else rel
        idx = os.path.join(dirpath, "_index.md")
        for part in rel.split("/") if rel else []:
            if not SLUG_RE.match(part):
                err(dirpath, f"folder name {part!r} is not a valid slug")
        if not os.path.isfile(idx):
            err(dirpath, "section has no _index.md")
            continue
        fields, body = read_doc(idx)
        if fields is None:
            continue
        if rel:
            check_keys(idx, fields, SECTION_KEYS, sorted(SECTION_KEYS))
            if not re.match(r"^\d+$", str(fields.get("weight", "0"))):
                err(idx, "weight must be a whole number")
        else:
            check_keys(idx, fields, LANG_HOME_KEYS, sorted(LANG_HOME_KEYS))
        if body.strip():
            err(idx, "section files carry no body in the demo")
        sections[rel] = fields
    return sections


def check_article(path, lang, rel_section, fields, body, authors):
    check_keys(path, fields, ARTICLE_KEYS, ARTICLE_REQUIRED)
    for k in fields:
        if k in LIST_KEYS and not isinstance(fields[k], list):
            err(path, f"{k} must be a list")
        elif k not in LIST_KEYS and isinstance(fields[k], list):
            err(path, f"{k} must be a string")
    if fields.get("lang") != lang:
        err(path, f"lang {fields.get('lang')!r} but the file is under {lang}/")
    if fields.get("section") != rel_section:
        err(path, f"section {fields.get('section')!r} but the file is in "
            f"{rel_section!r}")
    if fields.get("status") not in STATUSES:
        err(path, f"status must be one of {', '.join(STATUSES)}")
    d = parse_date(path, "date", fields["date"]) if "date" in fields else None
    if "first_published" in fields:
        fp = parse_date(path, "first_published", fields["first_published"])
        if d and fp and fp.date() > d.date():
            err(path, "first_published is after date")
        if not fields.get("source_name"):
            err(path, "first_published without source_name")
    if "source_url" in fields:
        if not str(fields["source_url"]).startswith("https://"):
            err(path, "source_url must be https://")
        if not fields.get("source_name"):
            err(path, "source_url without source_name")
    ol = fields.get("original_lang")
    if ol is not None:
        if not LANG_CODE_RE.match(str(ol)):
            err(path, "original_lang must be a two-letter code")
        if ol == lang:
            err(path, "original_lang equals lang")
        if not fields.get("translators"):
            err(path, "original_lang without translators")
    elif fields.get("translators"):
        err(path, "translators without original_lang")
    names = fields.get("authors") or []
    if isinstance(names, list):
        if not 1 <= len(names) <= 3:
            err(path, "authors: 1 to 3 expected")
        if len(set(names)) != len(names):
            err(path, "an author is credited twice")
        for a in names:
            if a not in authors:
                err(path, f"author {a!r} has no file in authors/")
            else:
                authors[a]["used"] += 1
    tags = fields.get("tags") or []
    if isinstance(tags, list) and not 2 <= len(tags) <= 5:
        err(path, "tags: 2 to 5 expected")
    for k in ("title", "surtitle", "subtitle", "lead", "postscript"):
        if k in fields and isinstance(fields[k], str):
            if fields[k] != fields[k].strip() or "  " in fields[k]:
                err(path, f"{k} has stray spaces")
    slug = fields.get("slug")
    if slug is not None and (not SLUG_RE.match(str(slug))
                             or len(str(slug)) > SLUG_MAX):
        err(path, f"slug {slug!r} is not a valid slug")
    # Russian and Ukrainian share most letters; a letter only the other
    # language has is a sign that one was passed off as the other.
    foreign = {"ru": set("іїєґІЇЄҐ"), "uk": set("ыэёъЫЭЁЪ")}.get(lang)
    if foreign:
        text = body + "".join(str(fields.get(k, "")) for k in
                              ("title", "surtitle", "subtitle", "lead",
                               "postscript"))
        bad = sorted(set(text) & foreign)
        if bad:
            err(path, f"letters foreign to {lang}: {''.join(bad)}")
    n = word_count(body)
    if not MIN_WORDS <= n <= MAX_WORDS:
        err(path, f"body has {n} words, {MIN_WORDS}-{MAX_WORDS} expected")
    check_links(path, body, fields)
    if re.search(r"^#\s", body, re.M):
        err(path, "the body must not repeat the title as a level-1 heading")
    return n


def main(argv):
    verbose = "-v" in argv
    args = [a for a in argv[1:] if a != "-v"]
    root = args[0] if args else os.path.dirname(os.path.abspath(__file__))

    if not os.path.isfile(os.path.join(root, "README.md")):
        err(root, "README.md is missing")
    load_site(root)
    authors = load_authors(root)

    content = os.path.join(root, "content")
    present = sorted(d for d in os.listdir(content)
                     if os.path.isdir(os.path.join(content, d))) \
        if os.path.isdir(content) else []
    if tuple(present) != tuple(sorted(LANGS)):
        err(content, f"languages {present}, expected {sorted(LANGS)}")

    articles = []
    per_lang = {}
    sections_per_lang = {}
    for lang in LANGS:
        base = os.path.join(content, lang)
        if not os.path.isdir(base):
            continue
        sections = load_sections(root, lang)
        sections_per_lang[lang] = sections
        depth = max((s.count("/") + 1 for s in sections if s), default=0)
        if depth < MIN_DEPTH:
            err(base, f"sections are {depth} deep, {MIN_DEPTH} expected")
        slugs = {}
        for dirpath, dirnames, files in os.walk(base):
            dirnames.sort()
            rel = os.path.relpath(dirpath, base).replace(os.sep, "/")
            rel = "" if rel == "." else rel
            for fn in sorted(files):
                path = os.path.join(dirpath, fn)
                if fn == "_index.md":
                    continue
                if not fn.endswith(".md"):
                    err(path, "unexpected file")
                    continue
                if not SLUG_RE.match(fn[:-3]):
                    err(path, "file name is not a valid slug")
                if not rel:
                    err(path, "articles belong in a section, not the "
                        "language home")
                fields, body = read_doc(path)
                if fields is None:
                    continue
                words = check_article(path, lang, rel, fields, body, authors)
                if fields.get("section") not in sections:
                    err(path, f"section {fields.get('section')!r} does not "
                        "exist")
                title = fields.get("title") or ""
                slug = fields.get("slug") or slugify(title, lang)
                if not slug:
                    if title:
                        err(path, "title gives an empty slug; set slug:")
                elif slug in slugs:
                    err(path, f"slug {slug!r} already used by {slugs[slug]}")
                else:
                    slugs[slug] = path
                if slug and fn[:-3] != slug:
                    err(path, f"file name should be {slug}.md")
                articles.append({"path": path, "lang": lang, "rel": rel,
                                 "f": fields, "words": words, "slug": slug})
                per_lang[lang] = per_lang.get(lang, 0) + 1

    # One section tree, localised titles: the same paths in every language.
    trees = {l: set(s) for l, s in sections_per_lang.items()}
    for lang, tree in trees.items():
        for other, otree in trees.items():
            for missing in sorted(otree - tree):
                err(os.path.join(content, lang), f"section {missing!r} exists "
                    f"in {other} but not here")

    # Translation groups.
    groups = {}
    for a in articles:
        key = a["f"].get("translationKey")
        if key:
            groups.setdefault(key, []).append(a)
    for key, members in sorted(groups.items()):
        where = f"translationKey {key!r}"
        if len(members) < 2:
            err(members[0]["path"], f"{where} has no other member")
        langs = [m["lang"] for m in members]
        if len(set(langs)) != len(langs):
            err(where, f"two members in one language: {sorted(langs)}")
        if len({m["rel"] for m in members}) != 1:
            err(where, "members are filed under different section paths: "
                + ", ".join(sorted({m['rel'] for m in members})))
        originals = [m for m in members if "original_lang" not in m["f"]]
        if len(originals) > 1:
            err(where, "more than one member lacks original_lang")
        src = {m["f"].get("original_lang") for m in members
               if m["f"].get("original_lang")}
        if len(src) > 1:
            err(where, f"members disagree on original_lang: {sorted(src)}")
        if originals and src and originals[0]["lang"] not in src:
            err(where, f"original is in {originals[0]['lang']} but "
                f"translations say {sorted(src)}")
        for k in ("first_published", "source_name", "source_url"):
            vals = {m["f"].get(k) for m in members}
            if len(vals) > 1:
                err(where, f"members disagree on {k}")
        auth = {tuple(m["f"].get("authors") or []) for m in members}
        if len(auth) > 1:
            err(where, "members credit different authors")

    # Counts.
    n_orgs = sum(1 for a in authors.values() if a["kind"] == "organisation")
    for name, a in sorted(authors.items()):
        if not a["used"]:
            err(a["path"], f"author {name!r} is credited by no article")
    if len(articles) < MIN_ARTICLES:
        err(root, f"{len(articles)} articles, {MIN_ARTICLES} expected")
    for lang in LANGS:
        if per_lang.get(lang, 0) < MIN_PER_LANG:
            err(root, f"{per_lang.get(lang, 0)} articles in {lang}, "
                f"{MIN_PER_LANG} expected")
    if len(groups) < MIN_GROUPS:
        err(root, f"{len(groups)} translation groups, {MIN_GROUPS} expected")
    if len(authors) < MIN_AUTHORS:
        err(root, f"{len(authors)} authors, {MIN_AUTHORS} expected")
    if n_orgs < MIN_ORGS:
        err(root, f"{n_orgs} organisations, {MIN_ORGS} expected")
    used_keys = set()
    for a in articles:
        used_keys.update(a["f"])
    for k in sorted(ARTICLE_KEYS - used_keys):
        err(root, f"no article uses the field {k}")
    statuses = {a["f"].get("status") for a in articles}
    if not statuses & {"draft", "proposed"}:
        err(root, "no draft or proposed article")

    if errors:
        for e in errors:
            print(e, file=sys.stderr)
        print(f"check.py: {len(errors)} problem(s)", file=sys.stderr)
        return 1

    print(f"demo OK: {len(articles)} articles "
          + " ".join(f"{l}={per_lang.get(l, 0)}" for l in LANGS))
    pub = sum(1 for a in articles if a["f"]["status"] == "published")
    print(f"  published {pub}, unpublished {len(articles) - pub}")
    sizes = sorted(len(m) for m in groups.values())
    print(f"  translation groups {len(groups)} (sizes {sizes})")
    print(f"  authors {len(authors)} ({n_orgs} organisations)")
    print("  sections " + " ".join(
        f"{l}={len([s for s in sections_per_lang.get(l, {}) if s])}"
        for l in LANGS))
    words = sorted(a["words"] for a in articles)
    print(f"  words per article: min {words[0]}, median "
          f"{words[len(words) // 2]}, max {words[-1]}")
    if verbose:
        for k in sorted(ARTICLE_KEYS):
            n = sum(1 for a in articles if k in a["f"])
            print(f"  field {k}: {n}")
        for lang in LANGS:
            tags = {}
            for a in articles:
                if a["lang"] == lang:
                    for t in a["f"]["tags"]:
                        tags[t] = tags.get(t, 0) + 1
            once = sorted(t for t, n in tags.items() if n == 1)
            print(f"  tags {lang}: {len(tags)} distinct, used once: {once}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
