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
has_perf=no
perf stat -x, -e task-clock -o "$out/.perf" -- true 2>/dev/null && has_perf=yes
median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
newest=$("$new" -C "$site" article list --status published | head -1 | cut -f1)
middle=$(( $("$new" -C "$site" article list | cut -f1 | sort -n | tail -1) / 2 ))
for id in $newest $middle; do
	"$new" -C "$site" article show "$id" >"$out/a.md"
	sed 's/^title: "\(.*\)"$/title: "\1 (edited)"/' "$out/a.md" >"$out/b.md"
	for v in old new; do : >"$out/wall.$v"; : >"$out/cpu.$v"; done
	for i in $(seq "$runs"); do
		for v in old new; do
			eval "bin=\$$v"
			for f in "$out/b.md" "$out/a.md"; do
				s=$(date +%s%N)
				"$bin" -q -C "$site" article update "$id" "$f"
				e=$(date +%s%N)
				echo $(((e - s) / 1000)) >>"$out/wall.$v"
				sleep 0.2
			done
			if [ $has_perf = yes ]; then
				for f in "$out/b.md" "$out/a.md"; do
					perf stat -x, -e task-clock -o "$out/.perf" -- \
						"$bin" -q -C "$site" article update "$id" "$f"
					awk -F, '$3 == "task-clock" {print $1 * 1000}' "$out/.perf" >>"$out/cpu.$v"
					sleep 0.2
				done
			fi
		done
	done
	for v in old new; do
		cpu=
		[ $has_perf = yes ] && cpu=$(printf ', CPU median %6.1f ms' "$(awk -v x="$(median "$out/cpu.$v")" 'BEGIN {print x / 1000}')")
		printf 'article %-7s %s: wall median %6.1f ms%s\n' "$id" "$v" \
			"$(awk -v x="$(median "$out/wall.$v")" 'BEGIN {print x / 1000}')" "$cpu"
	done
done
