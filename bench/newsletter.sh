#!/bin/sh
# Newsletter sending: one digest of 30 articles (in four languages, with
# translation groups) to COUNT confirmed readers of mixed languages, into
# a local SMTP sink (bench/smtp_sink.c, which accepts and drops) -- the
# whole `tamizdat newsletter send`: queue filling, per-reader rendering
# and MIME, SMTP through libcurl, the queue's bookkeeping.  Reports
# messages per second and peak memory for each concurrency, and peak
# memory for a tenth of the readers (memory must not grow with them).
# Peak memory is the peak RSS (GNU time), which counts mapped files (the
# program and its libraries: some 16 MiB), and the peak of RssAnon (the
# heap and stacks), sampled from /proc five times a second.
#
#   bench/newsletter.sh [COUNT] [CONCURRENCIES]    default: 100000 "1 2 4 8 16"
. "$(dirname "$0")/common.sh"
count=${1:-100000}
concs=${2:-1 2 4 8 16}
sink=$rel/bench/smtp_sink
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$sink" "$port" >"$out/sink.out" &
sink_pid=$!
trap 'kill $sink_pid 2>/dev/null' EXIT
export TAMIZDAT_SMTP_URL=smtp://127.0.0.1:$port

# site N: a site with the 30 articles and N readers (cached).
site() {
	s=$out/nl-site-$1
	if [ ! -f "$s/.done" ]; then
		rm -rf "$s"
		"$tz" -q init "$s" --lang en,fr,ru,uk --base-url https://news.example.org/
		cat >>"$s/tamizdat.ini" <<'EOF'

[smtp]
starttls = never
concurrency = 4

[newsletter]
from = news@example.org
reply_to = editors@example.org
lists = weekly, urgent
list.weekly = Weekly digest
list.weekly.fr = Lettre de la semaine
list.weekly.ru = Еженедельная рассылка
list.weekly.uk = Щотижнева розсилка
max_articles = 30
EOF
		lead="Workers at the plant have been on strike for three weeks, demanding that wages follow prices and that the new shift pattern be withdrawn; the management has refused to meet them."
		# Six stories in four languages and six in one: 30 articles.
		for g in 1 2 3 4 5 6; do
			for l in en fr ru uk; do
				printf -- '---\ntitle: "Story %s (%s): the strike at the plant goes on"\nlang: %s\nauthors: [Editorial collective, "Анна Петрова"]\ntranslationKey: "g%s"\nfirst_published: 2024-03-08\nlead: "%s"\n---\nBody of the story.\n' \
					"$g" "$l" "$l" "$g" "$lead" >"$out/nl-a.md"
				"$tz" -q -C "$s" article add "$out/nl-a.md" --no-publish
			done
		done
		for g in 7 8 9 10 11 12; do
			l=$(echo "en fr ru uk en ru" | cut -d' ' -f$((g - 6)))
			printf -- '---\ntitle: "Statement %s: solidarity with the couriers"\nlang: %s\nauthors: [Union]\nlead: "%s"\n---\nBody.\n' \
				"$g" "$l" "$lead" >"$out/nl-a.md"
			"$tz" -q -C "$s" article add "$out/nl-a.md" --no-publish
		done
		awk -v n="$1" 'BEGIN {
			split("en|fr|ru|uk|en,fr|ru,uk|en,ru|fr,ru|en,fr,ru,uk|uk", L, "|")
			print "email,name,languages,lists,status"
			for (i = 1; i <= n; i++)
				printf "reader%d@mail%d.example.org,Reader %d,\"%s\",weekly,confirmed\n", i, i % 50, i, L[i % 10 + 1]
		}' >"$out/nl-readers.csv"
		timed "subscriber import ($1 readers)" "$tz" -q -C "$s" subscriber import "$out/nl-readers.csv" >&2
		touch "$s/.done"
	fi
	echo "$s"
}

# peak_anon PID: the largest RssAnon (KiB) of PID's child while PID runs.
peak_anon() {
	max=0
	while [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; do
		c=$(pgrep -P "$1" | head -n 1)
		a=$(awk '/^RssAnon:/ { print $2 }' "/proc/${c:-0}/status" 2>/dev/null || true)
		[ "${a:-0}" -gt "$max" ] && max=$a
		sleep 0.2
	done
	echo "$max"
}

# send SITE CONCURRENCY: one issue of the 30 articles to every reader.
send() {
	sed -i "s/^concurrency = .*/concurrency = $2/" "$1/tamizdat.ini"
	"$tz" -q -C "$1" newsletter compose --since 2000-01-01 >/dev/null
	/usr/bin/time -f "%e %M" -o "$out/.time" "$tz" -C "$1" newsletter send 2>"$out/send.log" &
	anon=$(peak_anon $!)
	wait $!
	set -- "$2" $(cat "$out/.time") "$(grep -o 'sent [0-9]*' "$out/send.log" | cut -d' ' -f2)"
	printf 'newsletter send, concurrency %2s: %7s messages in %7.2f s = %6.0f messages/s, %4d MiB peak RSS, %4d MiB RssAnon, load %s\n' \
		"$1" "$4" "$2" "$(awk -v n="$4" -v t="$2" 'BEGIN { print n / t }')" "$(($3 / 1024))" \
		"$((anon / 1024))" "$(cut -d' ' -f1 /proc/loadavg)"
}

i=0
until grep -q ready "$out/sink.out" 2>/dev/null || [ $i -gt 50 ]; do sleep 0.1; i=$((i + 1)); done
big=$(site "$count")
small=$(site $((count / 10)))
for c in $concs; do
	send "$big" "$c"
done
send "$small" 4
kill -TERM $sink_pid
wait $sink_pid 2>/dev/null || true
echo "sink accepted $(tail -1 "$out/sink.out") messages in all"
