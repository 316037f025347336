#!/bin/sh
# Mirrors: `mirror pack` and `mirror verify` on the COUNT-article site, a
# first pull from the bundle file, and the incremental diff a mirror pulls
# over HTTP (Range into the published tar) after one article is edited --
# the newest (its lists' first pages and feeds change) and one from the
# middle of the archive.
#
#   bench/mirror.sh [COUNT]      default: 100000 articles
. "$(dirname "$0")/common.sh"
count=${1:-100000}
c=$(corpus "$count")
site=$out/site-$count
if [ ! -f "$site/.done" ]; then
	rm -rf "$site"
	"$tz" -q init "$site" --lang en,fr,ru,uk --base-url https://example.org/
	timed "tamizdat import markdown ($count)" "$tz" -q -C "$site" import markdown "$c" --no-publish
	touch "$site/.done"
fi
[ -f "$site/public/index.html" ] || timed "tamizdat build ($count)" "$tz" -q -C "$site" build
[ -f "$site/minisign.key" ] || "$tz" -q -C "$site" mirror keygen
pub=$site/public
echo "site: $(find "$pub" -type f -not -path "$pub/mirror/*" | wc -l) files, $(du -sh --exclude=mirror "$pub" | cut -f1); $(nproc) cores; $(date -u +%F)"

timed "mirror pack ($count)" "$tz" -q -C "$site" mirror pack
echo "bundle: $(du -h "$pub/mirror/site.tar" | cut -f1) tar, manifest $(wc -c <"$pub/mirror/manifest") bytes, $(ls "$pub/mirror/parts" | wc -l) parts ($(du -sh "$pub/mirror/parts" | cut -f1))"
timed "mirror verify ($count)" "$tz" -q mirror verify "$pub/mirror/site.tar" --pubkey "$site/minisign.pub"
m=$(fresh mirror)
timed "mirror pull, first, from the bundle file" "$tz" -q mirror pull "$pub/mirror/site.tar" "$m" \
	--pubkey "$site/minisign.pub"

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$tz" -q -C "$site" serve --port "$port" >/dev/null &
srv=$!
trap 'kill $srv 2>/dev/null || true' EXIT
i=0
until curl -s -o /dev/null "http://127.0.0.1:$port/" || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done

newest=$("$tz" -C "$site" article list --status published | head -1 | cut -f1)
middle=$(( $("$tz" -C "$site" article list | cut -f1 | sort -n | tail -1) / 2 ))
for id in $newest $middle; do
	"$tz" -C "$site" article show "$id" | sed 's/^title: "\(.*\)"$/title: "\1 (edited)"/' >"$out/m.md"
	"$tz" -C "$site" article update "$id" "$out/m.md" 2>&1 | sed 's/^tamizdat: /publish: /'
	timed "mirror pack after editing article $id" "$tz" -q -C "$site" mirror pack
	"$tz" mirror pull "http://127.0.0.1:$port/" "$m" 2>"$out/pull.log"
	sed "s/^tamizdat: /pull over HTTP after editing $id: /" "$out/pull.log"
done
kill $srv
rm -rf "$m" "$m.mirror"
