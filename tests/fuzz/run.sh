#!/bin/sh
# usage: run.sh BUILDDIR SECONDS
# Smoke-runs every fuzz target over its seed corpus and then for SECONDS of
# new inputs.  Corpus growth goes to a scratch folder, not into the tree.
set -eu
build=$1
secs=$2
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
for exe in "$build"/tests/fuzz/fuzz_*; do
	# Skip meson's object folders (fuzz_NAME.p), which are "executable" too.
	[ -f "$exe" ] && [ -x "$exe" ] || continue
	name=${exe##*/fuzz_}
	mkdir -p "$scratch/$name"
	dict=""
	[ -f "$here/$name.dict" ] && dict="-dict=$here/$name.dict"
	# shellcheck disable=SC2086
	if "$exe" $dict -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=0 "$scratch/$name" "$here/corpus/$name" \
		>"$scratch/$name.log" 2>&1; then
		echo "fuzz $name: ok ($(grep -c . "$scratch/$name.log" 2>/dev/null || echo 0) log lines)"
	else
		echo "fuzz $name: FAILED" >&2
		tail -40 "$scratch/$name.log" >&2
		status=1
	fi
done
exit $status
