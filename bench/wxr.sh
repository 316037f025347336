#!/bin/sh
# WordPress import: a generated export of COUNT posts (bench/gen_wxr.py)
# imported into a fresh site -- posts per second and peak memory -- then
# a quarter of it, to show that memory does not grow with the file; the
# second import of the same file (nothing changes); and the sanitizer's
# throughput on the bodies of the smaller export (bench/san_bench_main.c).  Rates are
# given by the clock and by CPU time (user + system), which holds better
# on a shared machine.
#
#   bench/wxr.sh [COUNT]     default: 20000 posts
. "$(dirname "$0")/common.sh"
count=${1:-20000}
small=$((count / 4))
for n in "$count" "$small"; do
	x=$out/wxr-$n.xml
	if [ ! -f "$x" ]; then
		/usr/bin/python3 "$top/bench/gen_wxr.py" "$n" "$x.tmp" --bodies "$out/wxr-$n.html"
		mv "$x.tmp" "$x"
	fi
done
x=$out/wxr-$count.xml
printf 'export: %s posts, %s MB\n' "$count" "$(($(stat -c %s "$x") / 1000000))"

# rate LABEL POSTS COMMAND...: wall and CPU seconds, posts/s, peak RSS.
rate() {
	label=$1
	n=$2
	shift 2
	/usr/bin/time -f "%e %U %S %M" -o "$out/.time" "$@"
	set -- $(cat "$out/.time")
	awk -v l="$label" -v n="$n" -v e="$1" -v u="$2" -v s="$3" -v m="$4" 'BEGIN {
		c = u + s
		printf "%-44s %7.2f s wall %7.2f s CPU %6.0f posts/s wall %6.0f posts/s CPU %5.0f MiB peak RSS\n",
		    l, e, c, n / e, n / c, m / 1024 }'
}

for n in "$small" "$count"; do
	site=$(fresh wxr-site)
	"$tz" -q init "$site" --lang en --base-url https://example.org/
	rate "tamizdat import wxr ($n posts, --no-publish)" "$n" \
		"$tz" -q -C "$site" import wxr "$out/wxr-$n.xml" --no-publish
done
rate "tamizdat import wxr again ($count, unchanged)" "$count" \
	"$tz" -q -C "$site" import wxr "$x" --no-publish
"$rel/bench/san_bench" "$out/wxr-$small.html" 3
