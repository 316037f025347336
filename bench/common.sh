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
