#!/bin/sh
# Two tamizdat binaries taking turns at the same publish, so that the
# machine's changing load falls on both alike: for telling whether a change
# made publishing faster.  Uses the site of bench/publish.sh (run it first).
#
#   bench/publish_ab.sh OLD_BINARY NEW_BINARY [COUNT] [RUNS]   default: 100000, 20
#
# Prints, per binary and article (the newest and one from the middle), the
# median wall time and, when perf is installed, the median CPU time.
. "$(dirname "$0")/common.sh"
old=$1
new=$2
count=${3:-100000}
runs=${4:-20}
site=$out/site-$count
[ -f "$site/.done" ] || { echo "publish_ab.sh: run bench/publish.sh $count first" >&2; exit 1; }
for id in $(newest_and_middle "$new" "$site"); do
	edits "$new" "$site" "$id"
	for v in old new; do : >"$out/wall.$v"; : >"$out/cpu.$v"; done
	for i in $(seq "$runs"); do
		for v in old new; do
			eval "bin=\$$v"
			for f in "$out/b.md" "$out/a.md"; do
				wall_us "$out/wall.$v" "$bin" -q -C "$site" article update "$id" "$f"
			done
			for f in "$out/b.md" "$out/a.md"; do
				cpu_us "$out/cpu.$v" "$bin" -q -C "$site" article update "$id" "$f"
			done
		done
	done
	for v in old new; do
		printf 'article %-7s %s: wall median %6.1f ms%s\n' "$id" "$v" \
			"$(awk -v x="$(median "$out/wall.$v")" 'BEGIN {print x / 1000}')" \
			"$(cpu_note "$out/cpu.$v")"
	done
done
