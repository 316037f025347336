#!/bin/sh
# Full-text search: index build, index size and query latency, against
# plain FTS5 (unicode61, no stemming) on the same data in the same run.
#
#   bench/search.sh [COUNT] [SECONDS]     default: 100000 articles, 20 s of wrk
#   bench/search.sh 10000 10              a quicker run
#   SEARCH_REINDEX=no bench/search.sh ... the queries again on the index as it is
#   SEARCH_BASELINE=no bench/search.sh ... without the plain FTS5 baseline
#   SEARCH_WARM=30 bench/search.sh ...    wrk's warm-up before measuring (default 3 s)
#
# On a site of COUNT articles from ../shared/bench/gen_corpus.py (import
# with indexing, then a full build, each timed): `tamizdat reindex` alone,
# the index's size (dbstat), then 1,000 fixed queries across en, fr, ru and
# uk (words from the corpus's titles: one or two words, some "phrases",
# some prefix*) in-process through bench/search_bench (p50/p99), the same
# with the baseline, and over HTTP: `tamizdat serve`, then the baseline
# served by bench/search_bench --serve-baseline, each with
# `wrk -t2 -c64 --latency` rotating over /search.json?q=... (p50/p99).
. "$(dirname "$0")/common.sh"
count=${1:-100000}
secs=${2:-20}
c=$(corpus "$count")
bench=$rel/bench/search_bench
command -v wrk >/dev/null || { echo "search.sh: wrk not installed" >&2; exit 1; }
echo "search: $count articles; $(nproc) cores; $(date -u +%F)"

site=$out/search-site-$count
if [ ! -f "$site/.done" ]; then
	rm -rf "$site"
	"$tz" -q init "$site" --lang en,fr,ru,uk --base-url https://example.org/
	timed "import markdown, indexed ($count)" "$tz" -q -C "$site" import markdown "$c" --no-publish
	timed "full build ($count)" "$tz" -q -C "$site" build
	touch "$site/.done"
fi
if [ "${SEARCH_REINDEX:-yes}" != no ]; then
	timed "tamizdat reindex alone ($count)" "$tz" -q -C "$site" reindex
fi
size=$(sqlite3 "$site/tamizdat.db" "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search%'")
all=$(stat -c %s "$site/tamizdat.db")
printf 'index size: %.1f MiB (store %.1f MiB)\n' "$(echo "$size / 1048576" | bc -l)" \
	"$(echo "$all / 1048576" | bc -l)"

# 1,000 queries, 250 per language, the same for every run of a count.
q=$out/search-queries-$count.tsv
/usr/bin/python3 - "$c.jsonl" "$q" <<'PY'
import json, random, re, sys
rnd = random.Random(7)
words = {l: [] for l in ("en", "fr", "ru", "uk")}
with open(sys.argv[1], encoding="utf-8") as f:
    for i, line in enumerate(f):
        if i > 20000:
            break
        a = json.loads(line)
        if a.get("kind", "article") != "article":
            continue
        ws = [w for w in re.findall(r"\w+", a["title"]) if len(w) >= 4]
        if a.get("lang") in words and ws:
            words[a["lang"]].append(ws)
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for lang, titles in words.items():
        for k in range(250):
            ws = rnd.choice(titles)
            r = rnd.random()
            if r < 0.5 or len(ws) < 2:
                q = rnd.choice(ws).lower()
            elif r < 0.75:
                q = " ".join(rnd.sample(ws, 2)).lower()
            elif r < 0.9:
                i = rnd.randrange(len(ws) - 1)
                q = '"%s %s"' % (ws[i].lower(), ws[i + 1].lower())
            else:
                q = rnd.choice(ws).lower()[:4] + "*"
            out.write("%s\t%s\n" % (lang, q))
PY
"$bench" "$site" "$q"
[ "${SEARCH_BASELINE:-yes}" = no ] || "$bench" "$site" "$q" --baseline

# Over HTTP: wrk rotating over the same queries, tamizdat then the
# baseline (bench/search_bench --serve-baseline: plain FTS5 behind the same
# server module, one pooled connection per worker), the same way each.
cat >"$out/search.lua" <<LUA
local qs = {}
for line in io.lines("$q") do
	local lang, text = line:match("^(%a+)\t(.*)$")
	text = text:gsub("[^%w]", function(ch) return string.format("%%%02X", string.byte(ch)) end)
	qs[#qs + 1] = "/search.json?lang=" .. lang .. "&q=" .. text
end
local i = 0
request = function()
	i = i % #qs + 1
	return wrk.format("GET", qs[i])
end
LUA
port=18391
pid=
trap '[ -z "$pid" ] || kill $pid 2>/dev/null; rm -f "$site/baseline.db"' EXIT
# over_http LABEL WRK-OUTPUT COMMAND...: starts the server COMMAND on $port,
# warms it up (each worker's connection loads its stemmers once), measures.
over_http() {
	label=$1 res=$2
	shift 2
	"$@" >/dev/null 2>&1 &
	pid=$!
	i=0
	until curl -s -o /dev/null "http://127.0.0.1:$port/search.json" || [ $i -gt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	w=
	for l in en fr ru uk en fr ru uk; do
		curl -s -o /dev/null "http://127.0.0.1:$port/search.json?lang=$l&q=a*" &
		w="$w $!"
	done
	wait $w
	wrk -t2 -c64 -d"${SEARCH_WARM:-3}s" -s "$out/search.lua" "http://127.0.0.1:$port" >/dev/null
	# wrk leaves answers slower than its timeout (2 s) out of the latencies: wait longer.
	wrk -t2 -c64 -d"${secs}s" --timeout 30s --latency -s "$out/search.lua" \
		"http://127.0.0.1:$port" >"$res"
	kill $pid
	wait $pid 2>/dev/null || true
	pid=
	awk -v label="$label" '/Requests\/sec/ { r = $2 } / 50%/ { p50 = $2 } / 99%/ { p99 = $2 }
		/Non-2xx|Socket errors/ { err = err " (" $0 ")" }
		END { printf "%-34s p50 %s  p99 %s  %s req/s%s\n", label, p50, p99, r, err }' "$res"
}
over_http "tamizdat over HTTP (wrk -c64)" "$out/search-wrk.txt" \
	"$tz" -q -C "$site" serve --port $port
[ "${SEARCH_BASELINE:-yes}" = no ] ||
	over_http "baseline over HTTP (wrk -c64)" "$out/search-wrk-baseline.txt" \
		"$bench" "$site" --serve-baseline $port
