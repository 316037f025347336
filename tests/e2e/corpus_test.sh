#!/bin/sh
# End-to-end: a generated corpus (gen_corpus.py) imported as a Markdown
# tree and as JSON lines, built, its feeds validated (Atom RELAX NG,
# feedparser), exported and re-imported into a new site with a
# byte-identical result, and imported twice without duplicates.
. "$(dirname "$0")/lib.sh"

$PY "$TZ_SHARED/bench/gen_corpus.py" --count 300 --out "$T/corpus" --jsonl "$T/corpus.jsonl" \
	--workers 1 >/dev/null
S=$T/site
tz init "$S" --lang en,fr,ru,uk --base-url https://example.org/ >/dev/null 2>&1
tz -C "$S" -q import markdown "$T/corpus"
n=$(tz -C "$S" article list | wc -l)
check "all 300 articles imported ($n)" test "$n" -eq 300
tz -C "$S" -q build
pages=$(find "$S/public" -name index.html | wc -l)
check "pages built ($pages)" test "$pages" -gt 300

# Importing again changes nothing.
tz -C "$S" import markdown "$T/corpus" 2>"$T/again"
check "re-import adds nothing" contains "$T/again" "0 articles added, 0 updated, 300 unchanged"
n=$(tz -C "$S" article list | wc -l)
check "no duplicates after re-import" test "$n" -eq 300

# An article page: breadcrumb, first-published date, translation links.
f=$(grep -l 'first_published' -r "$T/corpus/content/ru" | head -1)
slug=$(basename "$f" .md)
sec=$(dirname "${f#"$T/corpus/content/"}")
P=$S/public/$sec/$slug/index.html
check "article page exists" test -f "$P"
check "breadcrumb present" contains "$P" 'class="breadcrumb"'
check "first-published label in Russian" contains "$P" "Впервые опубликовано"
tkey=$(grep -h translationKey -r "$T/corpus/content" | sort | uniq -c | awk '$1 > 1 {print $3; exit}')
tf=$(grep -l "translationKey: $tkey" -r "$T/corpus/content" | head -1)
tsec=$(dirname "${tf#"$T/corpus/content/"}")
TP=$S/public/$tsec/$(basename "$tf" .md)/index.html
check "translated article links its other languages" contains "$TP" 'class="translations"'
check "plural forms on section pages" sh -c "grep -rhoE '[0-9]+ (статья|статьи|статей)' '$S/public/ru' | head -1 | grep -q ."

# Feeds: Atom against the RELAX NG schema, RSS/Atom through feedparser, JSON Feed shape.
for f in "$S/public/atom.xml" "$S/public/en/atom.xml" "$S/public/ru/atom.xml" \
	$(find "$S/public/uk" -name atom.xml | head -5); do
	check "Atom valid: ${f#"$S/public/"}" xmllint --noout --relaxng "$TZ_SHARED/testdata/feeds/schema/atom.rng" "$f"
done
cat >"$T/fp.py" <<'PYEOF'
import sys, feedparser
bad = 0
for path in sys.argv[1:]:
    d = feedparser.parse(path)
    if d.bozo or (path.count("/public/") and path.endswith(("public/atom.xml", "public/rss.xml")) and not d.entries):
        print("feedparser:", path, d.get("bozo_exception"), len(d.entries))
        bad += 1
sys.exit(1 if bad else 0)
PYEOF
check "feedparser reads feeds without bozo" $PY "$T/fp.py" "$S/public/atom.xml" "$S/public/rss.xml" \
	"$S/public/fr/atom.xml" "$S/public/fr/rss.xml" $(find "$S/public/ru" -name rss.xml | head -3)
check "JSON Feed 1.1" $PY -c "import json,sys; d=json.load(open('$S/public/en/feed.json')); sys.exit(0 if d['version']=='https://jsonfeed.org/version/1.1' and d['items'] and all('content_text' in i for i in d['items']) else 1)"
check "sitemap index lists language sitemaps" contains "$S/public/sitemap.xml" "https://example.org/en/sitemap-lists.xml"
check "sitemaps carry hreflang alternates" sh -c "grep -l 'xhtml:link' '$S/public/'*/sitemap-*.xml | head -1 | grep -q ."
check "robots.txt names the sitemap" contains "$S/public/robots.txt" "Sitemap: https://example.org/sitemap.xml"
check "sitemaps are well-formed" sh -c "for f in '$S'/public/sitemap.xml '$S'/public/*/sitemap-*.xml; do xmllint --noout \"\$f\" || exit 1; done"

# Export, import into a new site, build: byte-identical public/.
tz -C "$S" -q export markdown "$T/export"
S2=$T/site2
tz init "$S2" --lang en,fr,ru,uk --base-url https://example.org/ >/dev/null 2>&1
tz -C "$S2" -q import markdown "$T/export"
tz -C "$S2" -q build
check "export round-trips to a byte-identical site" diff -r "$S/public" "$S2/public"

# The same corpus as JSON lines.
S3=$T/site3
tz init "$S3" --lang en,fr,ru,uk --base-url https://example.org/ >/dev/null 2>&1
tz -C "$S3" -q import jsonl "$T/corpus.jsonl"
n=$(tz -C "$S3" article list | wc -l)
check "jsonl import has all articles ($n)" test "$n" -eq 300
printf '{"kind": "article", "lang": "en", "title": "ok"}\n{"kind": "article", "lang": "en", broken\n' >"$T/bad.jsonl"
fails_with "bad.jsonl:2: column" tz -C "$S3" import jsonl "$T/bad.jsonl"
n2=$(tz -C "$S3" article list | wc -l)
check "a broken jsonl imports nothing" test "$n2" -eq "$n"
finish
