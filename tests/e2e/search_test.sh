#!/bin/sh
# End-to-end: full-text search through the binary -- `tamizdat search`
# (text and --json, --lang, --section), `tamizdat reindex`, and the server's
# search page, its Atom feed and /search.json: inflected forms found, drafts
# never, marks around matches, paging, localised pages that are valid HTML5,
# and hostile queries answered with results or messages, never an error.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

S=$T/site
tz init "$S" --lang en,fr,ru,uk --base-url http://127.0.0.1/ >/dev/null 2>&1
tz -C "$S" -q section add ru/europe --title Европа
tz -C "$S" -q section add ru/asia --title Азия
tz -C "$S" -q section add uk/europe --title Європа
tz -C "$S" -q section add en/europe --title Europe
tz -C "$S" -q section add fr/europe --title Europe
n=0
art() { # art FILE LANG SECTION TITLE BODY [STATUS]
	n=$((n + 1))
	printf -- '---\ntitle: "%s"\nlang: %s\nsection: %s\nstatus: %s\ndate: 2024-%02d-01\n---\n%s\n' \
		"$4" "$2" "$3" "${6:-published}" $((n % 12 + 1)) "$5" >"$T/$1.md"
	tz -C "$S" -q article add "$T/$1.md" --no-publish
}
art r1 ru europe "Итоги войны" "Статья о последствиях войны для рабочих."
art r2 ru asia "Рабочие Азии" "После войной разрушенных городов рабочие строят заново."
art r3 ru europe "Черновик о войне" "Черновик: война и мир." draft
art u1 uk europe "Після війни" "Профспілки після війни в Україні."
art e1 en europe "Negotiations in Geneva" "The negotiation went on for weeks."
art f1 fr europe "Les négociations" "Après une longue négociation, la grève continue."
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	art "p$i" en europe "Strike number $i" "Dockers strike again, round $i."
done

tz -C "$S" -q build

# The command line.
tz -C "$S" search война >"$T/s1"
check "война finds войны and войной" test "$(grep -c '^[0-9]' "$T/s1")" -eq 2
check "a draft is never found" sh -c "! grep -q 'Черновик' '$T/s1'"
check "--lang narrows" test "$(tz -C "$S" search війна --lang ru | grep -c '^[0-9]')" -eq 0
check "--lang uk finds війни" test "$(tz -C "$S" search війна --lang uk | grep -c '^[0-9]')" -eq 1
check "--section narrows to a subtree" test "$(tz -C "$S" search война --section ru/asia | grep -c '^[0-9]')" -eq 1
check "negotiations finds negotiation (en)" test "$(tz -C "$S" search negotiations | grep -c '^[0-9]')" -eq 1
check "négociations finds négociation (fr)" test "$(tz -C "$S" search négociations --lang fr | grep -c '^[0-9]')" -eq 1
tz -C "$S" search 'война' --json >"$T/j1"
check "--json is JSON with the total" $PY -c "import json,sys; d=json.load(open('$T/j1')); assert d['total']==2 and len(d['results'])==2 and all('snippet_html' in r for r in d['results'])"
check "empty query is a message, not a crash" sh -c "'$TZ_BIN' -C '$S' search '' 2>&1 | grep -qi 'type a word'"
tz -C "$S" reindex >"$T/ri" 2>&1
check "reindex reports what it indexed" grep -q 'indexed 17 articles in 4 languages' "$T/ri"
check "search works after reindex" test "$(tz -C "$S" search война | grep -c '^[0-9]')" -eq 2
tz -C "$S" -q article publish "$(tz -C "$S" article list --status draft | cut -f1 | head -1)"
check "publishing makes it findable" test "$(tz -C "$S" search война | grep -c '^[0-9]')" -eq 3
tz -C "$S" -q article unpublish "$(tz -C "$S" article list --status published --lang ru | grep 'Итоги' | cut -f1)"
check "unpublishing hides it" test "$(tz -C "$S" search война | grep -c '^[0-9]')" -eq 2

# The form on every page; the static copy's page.
check "search form on the home page" grep -q 'action="[^"]*en/search/index.html"' "$S/public/en/index.html"
a=$(find "$S/public/ru/europe" -mindepth 2 -name index.html | head -1)
check "search form on an article" grep -q 'role="search"' "$a"
check "static search page exists" test -f "$S/public/ru/search/index.html"

# The server.
port=$(free_port)
"$TZ_BIN" -q -C "$S" serve --port "$port" &
SERVER_PID=$!
U=http://127.0.0.1:$port
i=0
until curl -s -o /dev/null "$U/" || [ $i -gt 300 ]; do sleep 0.1; i=$((i + 1)); done
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

curl -s -o "$T/p1.html" -w '%{http_code}' "$U/ru/search/?q=%D0%B2%D0%BE%D0%B9%D0%BD%D0%B0" >"$T/c1"
check "search page is 200" test "$(cat "$T/c1")" = 200
check "search page lists an inflected match" contains "$T/p1.html" "Рабочие Азии"
check "search page marks the match" grep -q '<mark>войн' "$T/p1.html"
check "search page is in Russian" grep -q 'lang="ru"' "$T/p1.html"
check "the query stays in the form" grep -q 'value="война"' "$T/p1.html"
curl -s "$U/en/search/index.html?q=strike" >"$T/p2.html"
check "form action answers too" contains "$T/p2.html" "number 12"
check "first page holds 10" test "$(grep -c '<mark>' "$T/p2.html")" -ge 10
curl -s "$U/en/search/?q=strike&page=2" >"$T/p3.html"
check "page 2 holds the rest" test "$(grep -o 'number [0-9]*<' "$T/p3.html" | wc -l)" -eq 2
check "Atom feed of a search" $PY -c "import feedparser,sys; f=feedparser.parse(sys.stdin.buffer.read()); assert not f.bozo and len(f.entries)>=10, f.bozo_exception" <"$(curl -s "$U/en/search/atom.xml?q=strike" >"$T/feed.xml"; echo "$T/feed.xml")"
curl -s "$U/search.json?q=%D0%B2%D1%96%D0%B9%D0%BD%D0%B0" >"$T/j2"
check "/search.json answers JSON" $PY -c "import json; d=json.load(open('$T/j2')); assert d['total']==1 and d['results'][0]['lang']=='uk', d"
curl -s "$U/search.json?q=strike&lang=fr" >"$T/j3"
check "/search.json lang= filters" $PY -c "import json; d=json.load(open('$T/j3')); assert d['total']==0, d"
curl -s "$U/search.json?q=strike&limit=5&page=3" >"$T/j4"
check "/search.json pages" $PY -c "import json; d=json.load(open('$T/j4')); assert d['total']==12 and len(d['results'])==2, d"
check "/search redirects to a page" test "$(code "$U/search?q=x")" -ge 300

# Answers are cached, but a change made by another process shows at once.
j() { curl -s "$U/search.json?q=%D0%B2%D0%BE%D0%B9%D0%BD%D0%B0&lang=ru" | $PY -c "import json,sys; print(json.load(sys.stdin)['total'])"; }
before=$(j)
check "the same search twice answers the same" test "$(j)" = "$before"
id=$(tz -C "$S" article list --status published --lang ru | grep 'Рабочие Азии' | cut -f1)
tz -C "$S" -q article unpublish "$id"
check "an unpublished article leaves the cached answer" test "$(j)" = $((before - 1))
tz -C "$S" -q article publish "$id"
check "published again, it is back" test "$(j)" = "$before"

# Hostile queries: 200 with results or a message, never SQL or FTS5 text.
long=$($PY -c "print('strike%20' * 1200)")
for q in '' '%22' '%22unbalanced' 'NEAR(a%20b)' '%5E' '*' '%3A' '(' 'a%3Ab' '%FF%FE' '%D0' \
	'lang%3Axx' 'from%3Anever' "$long" '%01' 'strike%27%3B%20DROP%20TABLE%20article'; do
	for p in "/en/search/?q=$q" "/search.json?q=$q"; do
		c=$(curl -s -o "$T/bad" -w '%{http_code}' "$U$p")
		if [ "$c" != 200 ] || grep -qi 'sqlite\|fts5\|syntax error\|no such' "$T/bad"; then
			bad "query $(echo "$q" | head -c 40) on ${p%%\?*}: $c $(head -c 200 "$T/bad")"
		else ok; fi
	done
done
curl -s "$U/search.json?q=" >"$T/j5"
check "empty query: a message in JSON" $PY -c "import json; d=json.load(open('$T/j5')); assert d['total']==0 and d['messages'], d"
curl -s "$U/ru/search/?q=" >"$T/p5.html"
check "empty query: the localised form and help" contains "$T/p5.html" "Как искать"
check "still serving after all that" test "$(code "$U/en/")" = 200

# A bad [search] setting stops the server with the setting named.
cp "$S/tamizdat.ini" "$T/ini"
printf '\n[search]\ncache_mib = lots\n' >>"$S/tamizdat.ini"
check "bad [search] setting refused" sh -c "! '$TZ_BIN' -C '$S' serve --port $(free_port) 2>'$T/e' && grep -q 'cache_mib' '$T/e'"
cp "$T/ini" "$S/tamizdat.ini"

# Valid HTML5: the results page, an empty one, the static copy's page.
vnu=$(dirname "$here")/browser/node_modules/vnu-jar/build/dist/vnu.jar
if [ -f "$vnu" ] && command -v java >/dev/null; then
	cp "$S/public/ru/search/index.html" "$T/p6.html"
	java -jar "$vnu" --errors-only --format text "$T/p1.html" "$T/p3.html" "$T/p5.html" \
		"$T/p6.html" >"$T/vnu" 2>&1 || true
	if ! grep -qx 'Document checking completed. No errors found.' "$T/vnu"; then bad "HTML validation: $(head -20 "$T/vnu")"; else ok; fi
else
	bad "vnu.jar or java missing (run ./dev deps test)"
fi
finish
