#!/bin/sh
# Full builds, tamizdat against Hugo on the same corpus, in one run.
#
#   bench/build.sh [COUNT] [ROUNDS]        default: 10000 articles, 3 rounds
#   NO_HUGO=1 bench/build.sh 100000 1      tamizdat alone (Hugo needs > 24 GB at 100k)
#
# tamizdat: `init` + `import markdown` (timed apart), then `build` into a new
# public/ each round.  Hugo: ../shared/bench/hugo_build.sh (Debian's hugo)
# into a new folder each round.  Prints wall time and peak RSS of each run.
. "$(dirname "$0")/common.sh"
count=${1:-10000}
rounds=${2:-3}
c=$(corpus "$count")
echo "corpus: $count articles, $(du -sh "$c" | cut -f1) of Markdown; $(nproc) cores; $(date -u +%F)"

site=$out/site-$count
if [ ! -f "$site/.done" ]; then
	rm -rf "$site"
	"$tz" -q init "$site" --lang en,fr,ru,uk --base-url https://example.org/
	timed "tamizdat import markdown ($count)" "$tz" -q -C "$site" import markdown "$c" --no-publish
	touch "$site/.done"
fi
# Old outputs are moved aside and deleted only at the end: deleting many
# files right before a timed run slows the run down.  `sync` before each
# run, for Hugo too, so that no run pays for the previous one's writeback.
olds=
for i in $(seq "$rounds"); do
	[ -d "$site/public" ] && { o=$(fresh old); mv "$site/public" "$o"; olds="$olds $o"; }
	sync
	timed "tamizdat build ($count) round $i" "$tz" -q -C "$site" build
done
echo "tamizdat output: $(find "$site/public" -type f | wc -l) files, $(du -sh "$site/public" | cut -f1)"
timed "tamizdat rebuild, nothing changed ($count)" "$tz" -q -C "$site" build

if [ -z "${NO_HUGO:-}" ]; then
	command -v hugo >/dev/null || { echo "build.sh: hugo not installed (apt-get install hugo)" >&2; exit 1; }
	for i in $(seq "$rounds"); do
		h=$(fresh hugo-public)
		sync
		timed "hugo build ($count) round $i" sh "$shared/bench/hugo_build.sh" "$c" "$h" --quiet
		echo "hugo output: $(find "$h" -type f | wc -l) files, $(du -sh "$h" | cut -f1)"
		olds="$olds $h"
	done
fi
# shellcheck disable=SC2086
[ -z "$olds" ] || rm -rf $olds
