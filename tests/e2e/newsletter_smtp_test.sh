#!/bin/sh
# End-to-end: how the sender talks to real SMTP servers (aiosmtpd, started
# here): STARTTLS with a login from the configuration, TLS from the first
# byte with the login in TAMIZDAT_SMTP_URL, a certificate that is not
# trusted, no password in error messages; connection reuse within the
# configured concurrency, the overall rate and a per-domain throttle,
# measured from the times the server received each message; temporary
# failures (4xx, a connection cut off in DATA) retried with a backoff that
# doubles, measured from the times the server saw each attempt.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
SMTP_PIDS=""
trap 'rc=$?; for p in $SMTP_PIDS; do kill "$p" 2>/dev/null || true; done; rm -rf "$T"; exit $rc' EXIT

S=$T/site
MC="$PY $here/mailcheck.py"

start_smtp() { # start_smtp NAME [ARGS...]: sets NAME_PORT
	name=$1
	shift
	p=$(free_port)
	eval "${name}_PORT=$p"
	$PY "$here/smtp_server.py" "$p" "$T/$name" "$@" >"$T/$name.out" 2>&1 &
	SMTP_PIDS="$SMTP_PIDS $!"
}
wait_smtp() {
	for name in "$@"; do
		i=0
		until grep -q ready "$T/$name.out" 2>/dev/null || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
	done
}
# received MAILDIR: how many messages the server took.
received() { if [ -f "$1/log" ]; then wc -l <"$1/log"; else echo 0; fi; }
# span MAILDIR PATTERN: seconds between the first and the last message to matching recipients.
span() { awk -v p="$2" '$1 ~ p { if (n++ == 0) a = $3; b = $3 } END { printf "%.2f", b - a }' "$1/log"; }
# conns MAILDIR: how many connections carried its messages.
conns() { awk '{ print $2 }' "$1/log" | sort -u | wc -l; }
# issue TITLE: publishes an article and composes an issue of it.
issue() {
	# Issues take what was published after the last one, to the second.
	sleep 1
	printf -- '---\ntitle: "%s"\nlang: en\nlead: "A lead."\n---\nBody.\n' "$1" >"$T/a.md"
	tz -C "$S" -q article add "$T/a.md"
	tz -C "$S" -q newsletter compose
}

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
	-subj /CN=localhost -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" >/dev/null 2>&1
start_smtp stls --starttls "$T/cert.pem" "$T/key.pem" --auth news:s3cret
start_smtp tls --tls "$T/cert.pem" "$T/key.pem" --auth news:s3cret
start_smtp plain
start_smtp retry --reject --drop 2
wait_smtp stls tls plain retry
unset TAMIZDAT_SMTP_URL

tz init "$S" --lang en --base-url https://news.example.org/ >/dev/null 2>&1
cat >>"$S/tamizdat.ini" <<EOF

[smtp]
url = smtp://127.0.0.1:$stls_PORT
starttls = require
ca_file = $T/cert.pem
user = news
password = s3cret
concurrency = 2
timeout = 10

[newsletter]
from = news@example.org
lists = weekly
EOF
{
	echo "email,languages,status"
	for i in 1 2 3 4 5 6 7 8 9 10; do
		echo "r$i@example.org,en,confirmed"
		echo "s$i@slow.example.net,en,confirmed"
	done
} >"$T/readers.csv"
tz -C "$S" -q subscriber import "$T/readers.csv"

# ---- STARTTLS and a login from the configuration -----------------------------
issue "Over STARTTLS"
check "send over STARTTLS with a login" tz -C "$S" -q newsletter send
check "every reader's copy arrived over STARTTLS" test "$(received "$T/stls")" = 20
check "a digest, as sent" $MC digest "$T/stls" r1@example.org https://news.example.org/

# ---- unsubscribing by mail (the List-Unsubscribe mailto) ----------------------
# The reader's client mails the mailto address with its subject; the mail
# server pipes that mail to subscriber unsubscribe-mail.
mailto=$($PY - "$T/stls" r2@example.org <<'PY'
import email, email.policy, glob, re, sys, urllib.parse
for p in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_bytes(open(p, "rb").read(), policy=email.policy.default)
    if m["X-Envelope-To"] == sys.argv[2]:
        u = re.search(r"<mailto:([^>]+)>", str(m["List-Unsubscribe"])).group(1)
        addr, q = u.split("?", 1)
        print(addr, urllib.parse.parse_qs(q)["subject"][0])
PY
)
subject=${mailto#* }
check "the mailto goes to the sender's address" test "${mailto%% *}" = news@example.org
printf 'From: r2@example.org\r\nTo: news@example.org\r\nSubject: Re: %s\r\n\r\n\r\n' \
	"$(echo "$subject" | sed -E 's/\.A([^.]*)$/.B\1/;t;s/\.[^.]([^.]*)$/.A\1/')" >"$T/forged.eml"
fails_with "not genuine" tz -C "$S" subscriber unsubscribe-mail "$T/forged.eml"
check "a forged token removes no one" sh -c "'$TZ_BIN' -C '$S' subscriber list | grep -q r2@example.org"
printf 'From: r2@example.org\r\nTo: news@example.org\r\nSubject:\r\n %s\r\n\r\n\r\n' "$subject" >"$T/unsub.eml"
check "unsubscribe by mail (a folded subject)" sh -c "'$TZ_BIN' -C '$S' -q subscriber unsubscribe-mail <'$T/unsub.eml'"
check "the reader is gone" sh -c "! '$TZ_BIN' -C '$S' subscriber list | grep -q r2@example.org"
check "the address is suppressed" sh -c "'$TZ_BIN' -C '$S' subscriber counts | grep -qx 'suppressed	1'"
check "the same mail twice is harmless" tz -C "$S" -q subscriber unsubscribe-mail "$T/unsub.eml"
printf 'Subject: hello\r\n\r\nunsubscribe %s\r\n' "$subject" >"$T/nosubj.eml"
fails_with "subject is not" tz -C "$S" subscriber unsubscribe-mail "$T/nosubj.eml"
tz -C "$S" -q subscriber add r2@example.org --lang en --confirmed --force

# ---- TLS from the start, the login in TAMIZDAT_SMTP_URL ----------------------
sed -i '/^user = \|^password = /d' "$S/tamizdat.ini"
issue "Over TLS"
check "send over TLS with the login in the URL" \
	env TAMIZDAT_SMTP_URL="smtps://news:s3cret@127.0.0.1:$tls_PORT" "$TZ_BIN" -C "$S" -q newsletter send
check "every reader's copy arrived over TLS" test "$(received "$T/tls")" = 20

# ---- refusals: no login, an untrusted certificate, no password in messages --
issue "Refused"
fails_with "" env TAMIZDAT_SMTP_URL="smtps://127.0.0.1:$tls_PORT" "$TZ_BIN" -C "$S" -q newsletter send
check "no login, nothing accepted" test "$(received "$T/tls")" = 20
sed -i '/^ca_file = /d' "$S/tamizdat.ini"
fails_with "" env TAMIZDAT_SMTP_URL="smtps://news:s3cret@127.0.0.1:$tls_PORT" "$TZ_BIN" -C "$S" -q newsletter send
check "an untrusted certificate: nothing sent" test "$(received "$T/tls")" = 20
fails_with "cannot reach the SMTP server smtps://127.0.0.1:" \
	env TAMIZDAT_SMTP_URL="smtps://news:s3cret@127.0.0.1:$(free_port)" "$TZ_BIN" -C "$S" -q newsletter send
check "the password is not in the message" sh -c "! grep -q s3cret '$T/err'"
tz -C "$S" newsletter status --issue 3 >"$T/st3"
check "the refused issue stays queued" grep -q "queued 20" "$T/st3"

# ---- connection reuse within the concurrency --------------------------------
export TAMIZDAT_SMTP_URL=smtp://127.0.0.1:$plain_PORT
sed -i 's/^starttls = .*/starttls = never/' "$S/tamizdat.ini"
check "send the queued issue elsewhere" tz -C "$S" -q newsletter send
check "all 20 arrived" test "$(received "$T/plain")" = 20
check "at most 2 connections for 20 messages (reuse, concurrency 2): $(conns "$T/plain")" \
	test "$(conns "$T/plain")" -le 2
rm -rf "$T/plain"/*

# ---- the overall rate ---------------------------------------------------------
sed -i 's/^concurrency = .*/concurrency = 4\nrate = 10/' "$S/tamizdat.ini"
issue "At ten a second"
# The sender runs under a terminal so that its bar shows; status --watch
# follows it from another process until the queue is settled.
script -qec "'$TZ_BIN' -C '$S' newsletter send" /dev/null >"$T/send.tty" 2>&1 &
SEND_PID=$!
SMTP_PIDS="$SMTP_PIDS $SEND_PID"
script -qec "'$TZ_BIN' -C '$S' newsletter status --issue 4 --watch" /dev/null >"$T/watch.tty" 2>&1
check "send at a rate" wait "$SEND_PID"
check "the sender shows a progress bar" grep -q "100% 20/20" "$T/send.tty"
check "status --watch shows a progress bar" grep -q "sending \[.*\] 100% 20/20" "$T/watch.tty"
check "status --watch ends when the issue is sent" grep -q "done	queued 0	sending 0	sent 20" "$T/watch.tty"
check "all 20 arrived at a rate" test "$(received "$T/plain")" = 20
# 20 messages at 10 a second with a burst of one: 1.9 s at least.
check "20 messages at 10/s take 1.8 s or more ($(span "$T/plain" .))" \
	awk "BEGIN { exit !($(span "$T/plain" .) >= 1.8) }"
rm -rf "$T/plain"/*

# ---- a per-domain throttle ----------------------------------------------------
sed -i 's/^rate = .*/rate = 0\ndomain_rate = slow.example.net:5/' "$S/tamizdat.ini"
issue "Slowly to one domain"
check "send with a domain throttle" tz -C "$S" -q newsletter send
check "all 20 arrived through the throttle" test "$(received "$T/plain")" = 20
check "10 messages to the throttled domain at 5/s take 1.5 s or more ($(span "$T/plain" slow))" \
	awk "BEGIN { exit !($(span "$T/plain" slow) >= 1.5) }"
check "the other domain is not held back ($(span "$T/plain" '@example.org'))" \
	awk "BEGIN { exit !($(span "$T/plain" '@example.org') < 1.0) }"

# ---- temporary failures: retried with backoff --------------------------------
# retry_delay 2 s, doubling: a retry is due 2 s after a first failure and
# 4 s after a second.  The queue keeps whole seconds, so at least 1 s and
# 3 s pass.  Lower bounds only: a loaded machine may retry late, never early.
export TAMIZDAT_SMTP_URL=smtp://127.0.0.1:$retry_PORT
sed -i '/^domain_rate = /d; s/^concurrency = .*/concurrency = 4\nretries = 2\nretry_delay = 2/' "$S/tamizdat.ini"
for r in temp1 flaky1 drop1; do tz -C "$S" -q subscriber add "$r@example.org" --lang en --confirmed; done
issue "Tried again later"
check "send with temporary failures settles" tz -C "$S" -q newsletter send
# attempts RCPT: how many times it was tried, then the seconds between one try and the next.
attempts() {
	awk -v r="$1" '$1 == r && $2 != "drop" { t[n++] = $3 }
		END { printf "%d", n; for (i = 1; i < n; i++) printf " %.2f", t[i] - t[i - 1] }' "$T/retry/attempts"
}
at_least() { awk "BEGIN { exit !(${1:-0} >= $2) }"; }
# A 4xx every time: the first try and two retries, each waiting longer.
set -- $(attempts temp1@example.org)
check "a 4xx every time: tried 3 times, once and twice again ($*)" test "$1" = 3
check "a 4xx: the first retry waited 1 s or more (${2:-none})" at_least "${2:-}" 1.0
check "a 4xx: the second retry waited 3 s or more (${3:-none})" at_least "${3:-}" 3.0
tz -C "$S" newsletter status --issue 6 >"$T/st6"
check "a 4xx every time: failed after the retries" grep -q "failed 1	" "$T/st6"
check "the queue counts its attempts" \
	test "$(sqlite3 "$S/tamizdat.db" "SELECT q.attempts || ' ' || q.state FROM nl_queue q JOIN nl_subscriber s ON s.id = q.subscriber_id WHERE q.issue_id = 6 AND s.addr = 'temp1@example.org'")" = "3 3"
# Cut off twice in DATA, accepted the third time: once, after the same waits.
set -- $(attempts drop1@example.org)
check "a dropped connection: tried 3 times ($*)" test "$1" = 3
check "a dropped connection: cut off twice" test "$(grep -c '^drop1@example.org drop ' "$T/retry/attempts")" = 2
check "a dropped connection: the first retry waited 1 s or more (${2:-none})" at_least "${2:-}" 1.0
check "a dropped connection: the second retry waited 3 s or more (${3:-none})" at_least "${3:-}" 3.0
check "a dropped connection: delivered once" test "$(grep -c '^drop1@example.org ' "$T/retry/log")" = 1
# Greylisted once: delivered on the first retry, not before.
set -- $(attempts flaky1@example.org)
check "greylisting: tried twice ($*)" test "$1" = 2
check "greylisting: the retry waited 1 s or more (${2:-none})" at_least "${2:-}" 1.0
check "greylisting: delivered once" test "$(grep -c '^flaky1@example.org ' "$T/retry/log")" = 1
finish
