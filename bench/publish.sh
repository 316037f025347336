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
# CPU time too (perf stat's task-clock, all threads), when perf is there:
# on a shared machine it varies far less than the wall time.
has_perf=no
perf stat -x, -e task-clock -o "$out/.perf" -- true 2>/dev/null && has_perf=yes
median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for id in $newest $middle; do
	"$tz" -C "$site" article show "$id" >"$out/a.md"
	sed 's/^title: "\(.*\)"$/title: "\1 (edited)"/' "$out/a.md" >"$out/b.md"
	: >"$out/times"
	: >"$out/cpu"
	# Wall time as a person sees it, then (a second pass) CPU time under perf,
	# whose own start would otherwise count in the wall time.
	for i in $(seq "$runs"); do
		f=$out/a.md
		[ $((i % 2)) -eq 1 ] && f=$out/b.md
		s=$(date +%s%N)
		"$tz" -q -C "$site" article update "$id" "$f"
		e=$(date +%s%N)
		echo $(((e - s) / 1000)) >>"$out/times"
		# Let the background reclaim of this publish finish before the next.
		sleep 0.2
	done
	for i in $(seq "$runs"); do
		[ $has_perf = yes ] || break
		f=$out/a.md
		[ $((i % 2)) -eq 1 ] && f=$out/b.md
		perf stat -x, -e task-clock -o "$out/.perf" -- "$tz" -q -C "$site" article update "$id" "$f"
		awk -F, '$3 == "task-clock" {print $1 * 1000}' "$out/.perf" >>"$out/cpu"
		sleep 0.2
	done
	med=$(median "$out/times")
	max=$(sort -n "$out/times" | tail -1)
	cpu=
	[ $has_perf = yes ] && cpu=$(printf ', CPU median %6.1f ms' "$(awk -v x="$(median "$out/cpu")" 'BEGIN {print x / 1000}')")
	printf 'article update %-7s (title edit, %s runs): median %6.1f ms, max %6.1f ms%s\n' \
		"$id" "$runs" "$(awk -v x="$med" 'BEGIN {print x / 1000}')" \
		"$(awk -v x="$max" 'BEGIN {print x / 1000}')" "$cpu"
done
