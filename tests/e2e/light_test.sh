#!/bin/sh
# End-to-end: pages are light and read well without a browser.  Every
# article page with its stylesheet is at most 30 KB gzipped, on the demo
# and on a generated corpus (long articles, deep sections); an article in
# each language reads in order in `w3m -dump`: site title, breadcrumb,
# title, every paragraph, the mirrors -- and none of the markup.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
LIMIT=30720

D=$T/demo
tz -q demo "$D" --no-serve
check "demo: article pages with CSS under 30 KB gzipped" \
	$PY "$here/light_check.py" size "$D/public" $LIMIT

$PY "$TZ_SHARED/bench/gen_corpus.py" --count 200 --out "$T/corpus" --workers 1 >/dev/null
S=$T/site
tz -q init "$S" --lang en,fr,ru,uk --base-url https://example.org/
tz -q -C "$S" import markdown "$T/corpus" --no-publish
tz -q -C "$S" build
check "corpus: article pages with CSS under 30 KB gzipped" \
	$PY "$here/light_check.py" size "$S/public" $LIMIT

for site in "$D" "$S"; do
	for l in en fr ru uk; do
		a=$(grep -l 'og:type" content="article' -r "$site/public/$l" --include=index.html | head -1)
		w3m -dump -cols 80 -T text/html "$a" >"$T/dump"
		if $PY "$here/light_check.py" w3m "$site/public" "$a" "$T/dump" >"$T/w3m.out"; then
			ok
		else
			bad "w3m reading of ${a#"$site/public/"}: $(cat "$T/w3m.out")"
		fi
	done
done
finish
