#!/bin/sh
# Golden files: pages of the demo site, rendered, compared byte for byte
# with tests/golden/.  A change to a template, a string or the renderer
# shows up here as a diff to review.  After an intended change:
#
#	TZ_UPDATE_GOLDEN=1 meson test -C build e2e-golden
#
# rewrites the files (then review them with git diff).  Only HTML pages:
# feeds and sitemaps carry the time the demo was made.
. "$(dirname "$0")/lib.sh"
golden=$(cd "$(dirname "$0")/../golden" && pwd)
pages='
index.html
en/index.html
en/africa/senegal/environment/index.html
en/africa/senegal/environment/fish-for-people-first-a-statement-by-the-women-fish-processors-of-joal/index.html
en/authors/fatou-bintou-ndour/index.html
en/authors/index.html
ru/asia/kazakhstan/labour/odna-skvazhina-dve-zarplaty-podriadchiki-na-neftepromyslakh-mangistau/index.html
ru/asia/kazakhstan/labour/index.html
uk/index.html
fr/tags/censure/index.html
uk/404.html
'
tz demo "$T/demo" --no-serve >/dev/null 2>&1
for p in $pages; do
	want=$golden/$(echo "$p" | tr / _)
	got=$T/demo/public/$p
	if [ -n "${TZ_UPDATE_GOLDEN:-}" ]; then
		cp "$got" "$want"
		ok
		continue
	fi
	if [ ! -f "$got" ]; then
		bad "$p: not built"
	elif cmp -s "$want" "$got"; then
		ok
	else
		bad "$p differs from tests/golden (TZ_UPDATE_GOLDEN=1 to accept):"
		diff -u "$want" "$got" | head -30 >&2
	fi
done
finish
