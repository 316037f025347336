#!/bin/sh
# End-to-end: kill -9 the sender at random moments, many times, against a
# real SMTP server; then let it finish.  Every reader must get exactly one
# copy, except readers whose message was in flight at a kill (their queue
# row marked "sending"), who may get one more per such kill -- and no one
# may get none.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
SMTP_PID=""
SEND_PID=""
trap 'rc=$?; for p in $SMTP_PID $SEND_PID; do kill -9 "$p" 2>/dev/null; done; rm -rf "$T"; exit $rc' EXIT

N=500
KILLS=25
S=$T/site
port=$(free_port)
# A server that takes 10 ms to accept each message, as a real one does:
# some are in flight at most moments, so that the kills hit them.  With an
# instant server, most kills found none in flight, and now and then none of
# the 25 did (the test's check that the kills hit messages failed).
$PY "$here/smtp_server.py" "$port" "$T/mail" --slow 10 >"$T/smtp.out" 2>&1 &
SMTP_PID=$!
export TAMIZDAT_SMTP_URL=smtp://127.0.0.1:$port

tz init "$S" --lang en,fr --base-url https://news.example.org/ >/dev/null 2>&1
cat >>"$S/tamizdat.ini" <<'EOF'

[smtp]
starttls = never
concurrency = 4
rate = 100
retry_delay = 1

[newsletter]
from = news@example.org
EOF
printf -- '---\ntitle: "Kill me softly"\nlang: en\nlead: "A lead."\n---\nBody.\n' >"$T/a.md"
tz -C "$S" -q article add "$T/a.md"
{
	echo "email,languages,status"
	i=1
	while [ $i -le $N ]; do
		echo "r$i@example.org,en,confirmed"
		i=$((i + 1))
	done
} >"$T/readers.csv"
tz -C "$S" -q subscriber import "$T/readers.csv"
tz -C "$S" -q newsletter compose
i=0
until grep -q ready "$T/smtp.out" 2>/dev/null || [ $i -gt 300 ]; do sleep 0.1; i=$((i + 1)); done

# received: how many messages the server has taken so far.
received() { if [ -f "$T/mail/log" ]; then wc -l <"$T/mail/log"; else echo 0; fi; }
: >"$T/inflight"
k=1
while [ $k -le $KILLS ]; do
	before=$(received)
	"$TZ_BIN" -q -C "$S" newsletter send >/dev/null 2>&1 &
	SEND_PID=$!
	# Once this sender is delivering (however slow its start on a loaded
	# machine), a random moment later.
	i=0
	while [ "$(received)" -le "$before" ] && [ $i -lt 100 ] && kill -0 "$SEND_PID" 2>/dev/null; do
		sleep 0.05
		i=$((i + 1))
	done
	sleep "$(awk "BEGIN { srand($k * 7919); printf \"%.2f\", rand() * 0.2 }")"
	kill -9 "$SEND_PID" 2>/dev/null || true # it may have finished
	wait "$SEND_PID" 2>/dev/null || true
	SEND_PID=""
	# What the store says was in flight at the kill.
	sqlite3 "$S/tamizdat.db" "SELECT s.addr FROM nl_queue q JOIN nl_subscriber s ON s.id = q.subscriber_id WHERE q.state = 1" >>"$T/inflight"
	k=$((k + 1))
done
check "the last send finishes" tz -C "$S" -q newsletter send
check "the store is sound" test "$(sqlite3 "$S/tamizdat.db" 'PRAGMA integrity_check')" = ok
tz -C "$S" newsletter status >"$T/status"
check "all sent" grep -q "done	queued 0	sending 0	sent $N	failed 0" "$T/status"
$PY "$here/mailcheck.py" dups "$T/mail" >"$T/dups"
check "every reader got the issue" test "$(wc -l <"$T/dups")" -eq $N
check "the kills hit messages in flight" test -s "$T/inflight"
# A reader with more than one copy was in flight at least that many times minus one.
$PY - "$T/dups" "$T/inflight" >"$T/extra" <<'EOF'
import sys
from collections import Counter
inflight = Counter(l.strip() for l in open(sys.argv[2]) if l.strip())
dups = 0
for line in open(sys.argv[1]):
    rcpt, n = line.split()
    extra = int(n) - 1
    dups += extra
    if extra > inflight[rcpt]:
        print("%s got %s copies but was in flight %d times" % (rcpt, n, inflight[rcpt]))
print("duplicates %d, in flight at kills %d" % (dups, sum(inflight.values())), file=sys.stderr)
EOF
check "no copy beyond those in flight at a kill ($(cat "$T/extra" | head -3))" test ! -s "$T/extra"
finish
