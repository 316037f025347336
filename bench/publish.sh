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

# The newest article (its lists' first pages change) and one from the middle.
newest=$("$tz" -C "$site" article list --status published | head -1 | cut -f1)
middle=$(( $("$tz" -C "$site" article list | cut -f1 | sort -n | tail -1) / 2 ))
for id in $newest $middle; do
	"$tz" -C "$site" article show "$id" >"$out/a.md"
	sed 's/^title: "\(.*\)"$/title: "\1 (edited)"/' "$out/a.md" >"$out/b.md"
	: >"$out/times"
	for i in $(seq "$runs"); do
		f=$out/a.md
		[ $((i % 2)) -eq 1 ] && f=$out/b.md
		s=$(date +%s%N)
		"$tz" -q -C "$site" article update "$id" "$f"
		e=$(date +%s%N)
		echo $(((e - s) / 1000)) >>"$out/times"
	done
	med=$(sort -n "$out/times" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	max=$(sort -n "$out/times" | tail -1)
	printf 'article update %-7s (title edit, %s runs): median %6.1f ms, max %6.1f ms\n' \
		"$id" "$runs" "$(awk -v x="$med" 'BEGIN {print x / 1000}')" \
		"$(awk -v x="$max" 'BEGIN {print x / 1000}')"
done
