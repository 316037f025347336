# Shared by the benchmark scripts (sourced): a release build of tamizdat,
# the generated corpus, and timing with GNU time.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
shared=${TZ_SHARED:-$top/../shared}
out=${BENCH_OUT:-$top/bench/out}
mkdir -p "$out"
rel=$top/build-release
if [ ! -f "$rel/build.ninja" ]; then
	meson setup "$rel" --buildtype=release -Db_ndebug=true >/dev/null
fi
ninja -C "$rel" >/dev/null
tz=$rel/src/cli/tamizdat

# corpus COUNT: the Markdown tree (and JSON lines) of gen_corpus.py, cached.
corpus() {
	c=$out/corpus-$1
	if [ ! -f "$c/.done" ]; then
		rm -rf "$c"
		/usr/bin/python3 "$shared/bench/gen_corpus.py" --count "$1" --out "$c" \
			--jsonl "$c.jsonl" >/dev/null
		touch "$c/.done"
	fi
	echo "$c"
}

# timed LABEL COMMAND...: runs COMMAND, prints "LABEL: S s wall, M MiB peak RSS".
timed() {
	label=$1
	shift
	/usr/bin/time -f "%e %M" -o "$out/.time" "$@"
	set -- $(cat "$out/.time")
	printf '%-44s %8.2f s wall %8.0f MiB peak RSS\n' "$label" "$1" "$(($2 / 1024))"
}

# A fresh folder name for a timed run: never rm -rf right before timing
# (the file system then spends seconds on the freed inodes).
fresh() {
	d=$out/$1.$(date +%s%N)
	echo "$d"
}

# ---- timing one command many times (publish.sh, publish_ab.sh) ----------

# CPU time too (perf stat's task-clock, all threads), when perf is there:
# on a shared machine it varies far less than the wall time.
has_perf=no
perf stat -x, -e task-clock -o "$out/.perf" -- true 2>/dev/null && has_perf=yes

# median FILE: the median of the numbers in FILE, one a line.
median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# wall_us FILE COMMAND...: runs COMMAND, appends its wall time (µs) to FILE.
# Then waits for the background reclaim a publish starts.
wall_us() {
	_file=$1
	shift
	_s=$(date +%s%N)
	"$@"
	_e=$(date +%s%N)
	echo $(((_e - _s) / 1000)) >>"$_file"
	sleep 0.2
}

# cpu_us FILE COMMAND...: runs COMMAND under perf stat, appends its CPU time
# (µs) to FILE; does nothing without perf.  A pass of its own: perf's start
# would count in the wall time.
cpu_us() {
	[ $has_perf = yes ] || return 0
	_file=$1
	shift
	perf stat -x, -e task-clock -o "$out/.perf" -- "$@"
	awk -F, '$3 == "task-clock" {print $1 * 1000}' "$out/.perf" >>"$_file"
	sleep 0.2
}

# cpu_note FILE: ", CPU median X ms" from cpu_us's FILE, or nothing without perf.
cpu_note() {
	[ $has_perf = yes ] || return 0
	printf ', CPU median %6.1f ms' "$(awk -v x="$(median "$1")" 'BEGIN {print x / 1000}')"
}

# edits BINARY SITE ID: writes $out/a.md (article ID as it is) and $out/b.md
# (its title edited), for updates that alternate between them.
edits() {
	"$1" -C "$2" article show "$3" >"$out/a.md"
	sed 's/^title: "\(.*\)"$/title: "\1 (edited)"/' "$out/a.md" >"$out/b.md"
}

# newest_and_middle BINARY SITE: the ids of the newest published article
# (its lists' first pages change) and of one from the middle.
newest_and_middle() {
	echo "$("$1" -C "$2" article list --status published | head -1 | cut -f1)" \
		"$(($("$1" -C "$2" article list | cut -f1 | sort -n | tail -1) / 2))"
}
