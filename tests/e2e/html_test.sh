#!/bin/sh
# End-to-end: the demo site -- its content, valid HTML5 (Nu Html Checker),
# relative links that all resolve, nothing loaded from elsewhere, and a
# text browser reading an article.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

D=$T/demo
tz -q demo "$D" --no-serve
pub=$(tz -C "$D" article list --status published | wc -l)
check "demo has at least 40 published articles ($pub)" test "$pub" -ge 40
for l in en fr ru uk; do
	n=$(tz -C "$D" article list --lang $l --status published | wc -l)
	check "demo has $l articles ($n)" test "$n" -ge 10
done
deep=$(tz -C "$D" section list --json | $PY -c 'import json,sys; d=json.load(sys.stdin); print(min(max(s["depth"] for s in d if s["lang"]==l) for l in ("en","fr","ru","uk")))')
check "sections at least three levels deep in every language ($deep)" test "$deep" -ge 3
orgs=$(tz -C "$D" author list | grep -c organisation)
check "several organisations among authors ($orgs)" test "$orgs" -ge 2

check "all links resolve and nothing loads from elsewhere" $PY "$here/check_links.py" "$D/public"

# A sample of every kind of page through the Nu Html Checker.
files=$(cd "$D/public" && {
	echo index.html
	echo en/index.html
	echo ru/index.html
	find . -path './*/authors/*/index.html' | head -2
	find . -path './*/tags/*/index.html' | head -2
	echo en/authors/index.html
	echo uk/tags/index.html
	find ./fr -mindepth 3 -name index.html | head -3
	find ./ru -mindepth 5 -name index.html | head -3
	find . -path '*/page/*/index.html' | head -1
	echo 404.html
	echo uk/404.html
} | sed 's|^\./||' | sort -u)
vnu=$(dirname "$here")/browser/node_modules/vnu-jar/build/dist/vnu.jar
if [ -f "$vnu" ] && command -v java >/dev/null; then
	# Tor Browser's <meta http-equiv="onion-location"> (the demo has an onion
	# address) is the one thing outside HTML's list of pragmas: allowed.
	if (cd "$D/public" && java -jar "$vnu" --errors-only --format text \
		--filterpattern '.*Bad value .onion-location. for attribute .http-equiv. on element .meta.*' \
		$files) >"$T/vnu" 2>&1 && ! grep -qi '^error' "$T/vnu"; then
		ok
	else
		bad "HTML validation: $(head -20 "$T/vnu")"
	fi
else
	bad "vnu.jar or java missing (run ./dev deps test)"
fi

a=$(find "$D/public/ru" -mindepth 5 -name index.html | head -1)
if command -v w3m >/dev/null; then
	w3m -dump -T text/html "$a" >"$T/w3m"
	check "text browser shows the article title" test -s "$T/w3m"
fi
finish
