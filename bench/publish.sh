#!/bin/sh
# Incremental publishing: the time from `tamizdat article update` of one
# article to an up-to-date public/, on a site of COUNT articles (the whole
# process: start, parse, save, plan, render, write).
#
#   bench/publish.sh [COUNT] [RUNS]     default: 100000 articles, 21 runs
. "$(dirname "$0")/common.sh"
count=${1:-100000}
runs=${2:-21}
c=$(corpus "$count")
site=$out/site-$count
if [ ! -f "$site/.done" ]; then
	rm -rf "$site"
	"$tz" -q init "$site" --lang en,fr,ru,uk --base-url https://example.org/
	timed "tamizdat import markdown ($count)" "$tz" -q -C "$site" import markdown "$c" --no-publish
	touch "$site/.done"
fi
[ -f "$site/public/index.html" ] || timed "tamizdat build ($count)" "$tz" -q -C "$site" build

for id in $(newest_and_middle "$tz" "$site"); do
	edits "$tz" "$site" "$id"
	: >"$out/times"
	: >"$out/cpu"
	for i in $(seq "$runs"); do
		f=$out/a.md
		[ $((i % 2)) -eq 1 ] && f=$out/b.md
		wall_us "$out/times" "$tz" -q -C "$site" article update "$id" "$f"
	done
	for i in $(seq "$runs"); do
		f=$out/a.md
		[ $((i % 2)) -eq 1 ] && f=$out/b.md
		cpu_us "$out/cpu" "$tz" -q -C "$site" article update "$id" "$f"
	done
	printf 'article update %-7s (title edit, %s runs): median %6.1f ms, max %6.1f ms%s\n' \
		"$id" "$runs" "$(awk -v x="$(median "$out/times")" 'BEGIN {print x / 1000}')" \
		"$(awk -v x="$(sort -n "$out/times" | tail -1)" 'BEGIN {print x / 1000}')" \
		"$(cpu_note "$out/cpu")"
done
