#!/bin/sh
# End-to-end: newsletters against real SMTP servers (aiosmtpd, started
# here): digests checked with Python's email parser (structure, headers,
# encodings, both parts, unsubscribe headers, each reader's languages);
# subscribing through the web form, confirming through the mailed link,
# receiving a digest, one-click unsubscribing; 4xx, 5xx and dropped
# connections; bad input at the CLI.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
SMTP_PIDS=""
trap 'rc=$?; for p in ${SERVER_PID:-} $SMTP_PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T"; exit $rc' EXIT

S=$T/site
BASE=https://news.example.org/
MC="$PY $here/mailcheck.py"

# wait_mail MAILDIR RCPT KIND N: until N such messages arrived (30 s at most).
wait_mail() {
	i=0
	while [ "$($MC count "$1" "$2" "$3")" -lt "$4" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
count_mail() { $MC count "$@"; }
local_url() { echo "$1" | sed "s|^$BASE|$U/|"; }

start_smtp() { # start_smtp NAME [ARGS...]: sets NAME_PORT (the servers start side by side)
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
start_smtp ok
start_smtp rej --reject
start_smtp drop --drop 2
wait_smtp ok rej drop
export TAMIZDAT_SMTP_URL=smtp://127.0.0.1:$ok_PORT

tz init "$S" --lang en,fr,ru --base-url "$BASE" >/dev/null 2>&1
cat >>"$S/tamizdat.ini" <<'EOF'

[smtp]
url = smtp://192.0.2.1:25
starttls = never
concurrency = 3
retries = 1
retry_delay = 1
max_bounces = 2

[newsletter]
from = news@example.org
from_name = Тамиздат
reply_to = editors@example.org
lists = weekly, urgent
list.weekly = Weekly digest
list.weekly.fr = Lettre de la semaine
list.weekly.ru = Еженедельная рассылка

[mirrors]
mirror = https://mirror-one.example.net/
onion = http://nlmirrortestonionaddress.onion/
EOF
art() { # art FILE LANG TITLE TKEY
	printf -- '---\ntitle: "%s"\nlang: %s\nauthors: [Collectif]\ntranslationKey: "%s"\nfirst_published: 2024-03-08\nlead: "Lead of %s."\n---\nBody.\n' \
		"$3" "$2" "$4" "$3" >"$T/$1.md"
	tz -C "$S" -q article add "$T/$1.md"
}
art a1 en "Strike in the port" strike
art a2 fr "Grève au port" strike
art a3 ru "Забастовка в порту" strike
art a4 fr "Seulement en français" ""
art a5 ru "Только по-русски" ""
art a6 en "Q&A on wages" ""

# ---- the CLI and its bad input --------------------------------------------
tz -C "$S" -q subscriber add a@example.org --lang en,fr --confirmed
tz -C "$S" -q subscriber add b@example.org --lang ru --confirmed --name "Борис Петров"
tz -C "$S" -q subscriber add "c@пример.рф" --lang en --confirmed
tz -C "$S" -q subscriber add d@example.org --lang fr
tz -C "$S" -q subscriber add e@example.org --lang en --list urgent --confirmed
check "subscriber list" sh -c "'$TZ_BIN' -C '$S' subscriber list >'$T/list'"
check "IDN address shown in Unicode" contains "$T/list" "c@пример.рф"
check "pending subscriber listed" grep -q "d@example.org	pending	fr	weekly" "$T/list"
tz -C "$S" subscriber counts >"$T/counts"
check "counts per status" grep -qx "confirmed	4" "$T/counts"
check "counts per language" grep -qx "lang en	3" "$T/counts"
check "counts per list" grep -qx "list urgent	1" "$T/counts"
wait_mail "$T/ok" d@example.org confirm 1
check "confirmation mailed on add" test "$(count_mail "$T/ok" d@example.org confirm)" = 1
check "confirmation mail well formed" $MC note "$T/ok" d@example.org confirm --subject-has "Confirmez"
fails_with "already subscribed" tz -C "$S" subscriber add a@example.org --lang en
fails_with "control character" tz -C "$S" subscriber add "$(printf 'x@example.org\r\nBcc: y@example.org')" --lang en
fails_with "line break" tz -C "$S" subscriber add f@example.org --lang en --name "$(printf 'Eve\r\nBcc: y@example.org')"
for bad in "plain" "a@b" "a@@example.org" "a..b@example.org" "a@[192.0.2.1]" "a b@example.org" \
	"читатель@example.org" "a@-x.org" "$(printf 'a@example.org\tx')"; do
	fails_with "" tz -C "$S" subscriber add "$bad" --lang en
done
fails_with "unknown language" tz -C "$S" subscriber add g@example.org --lang de
fails_with "unknown list" tz -C "$S" subscriber add g@example.org --lang en --list monthly
printf 'email,languages,lists\nh1@example.org,en,weekly\nnot-an-address,fr,weekly\nh2@example.org,"en fr",urgent\nh3@example.org,xx,weekly\n' >"$T/bad.csv"
fails_with "bad.csv:3:" tz -C "$S" subscriber import "$T/bad.csv" --confirmed
check "every bad row reported" grep -q "bad.csv:5:" "$T/err"
check "a bad CSV imports nothing" sh -c "! '$TZ_BIN' -C '$S' subscriber list | grep -q h1@example.org"
{ printf 'email,name\nh1@example.org,x\nh2@example.org,'; head -c 5000 /dev/zero | tr '\0' x; printf '\n'; } >"$T/long.csv"
fails_with "long.csv:3: longer than" tz -C "$S" subscriber import "$T/long.csv"
printf 'email,name,languages,lists,status\nh1@example.org,"Doe, Jane",en,weekly,confirmed\nH2@Example.org,,"fr ru",,\n' >"$T/good.csv"
check "a good CSV imports" tz -C "$S" -q subscriber import "$T/good.csv" --lang fr
check "imported rows" sh -c "'$TZ_BIN' -C '$S' subscriber list | grep -q 'H2@example.org	pending	fr,ru	weekly'"
tz -C "$S" subscriber export "$T/out.csv"
check "export has the header" grep -q "^email,name,languages,lists,status,created" "$T/out.csv"
check "export quotes" grep -q '"Doe, Jane"' "$T/out.csv"

# ---- a digest, checked with Python's email parser ---------------------------
check "compose" sh -c "'$TZ_BIN' -C '$S' newsletter compose >'$T/compose'"
check "compose says what" grep -q "issue 1 of weekly: 6 articles" "$T/compose"
check "preview" tz -C "$S" -q newsletter preview --lang ru --out "$T/preview"
check "preview writes the message" test -s "$T/preview/issue-1.eml"
check "preview writes the HTML" grep -q "Забастовка в порту" "$T/preview/issue-1.html"
check "the mail's footer lists the mirrors" grep -q "https://mirror-one.example.net/" "$T/preview/issue-1.html"
check "the mail's footer gives the onion address" grep -q "nlmirrortestonionaddress.onion" "$T/preview/issue-1.html"
export MAILCHECK_MIRRORS="https://mirror-one.example.net/ http://nlmirrortestonionaddress.onion/"
check "send" tz -C "$S" -q newsletter send
check "English and French reader" $MC digest "$T/ok" a@example.org "$BASE" \
	--want "Strike in the port" --want "Grève au port" --want "Seulement en français" \
	--want "Q&A on wages" --not "Забастовка" --not "Только" --langs "en, fr" \
	--want "https://mirror-one.example.net/" --want "nlmirrortestonionaddress.onion" \
	--subject-has "Weekly digest"
check "Russian reader with a Cyrillic name" $MC digest "$T/ok" b@example.org "$BASE" \
	--want "Забастовка в порту" --want "Только по-русски" --not "Strike" --not "Grève" \
	--name "Борис Петров" --langs "ru" --subject-has "Еженедельная рассылка"
check "IDN reader" $MC digest "$T/ok" "c@xn--e1afmkfd.xn--p1ai" "$BASE" \
	--want "Strike in the port" --not "Grève au port"
check "pending reader gets no digest" test "$(count_mail "$T/ok" d@example.org digest)" = 0
check "reader of another list gets no digest" test "$(count_mail "$T/ok" e@example.org digest)" = 0
check "one copy each" test "$(count_mail "$T/ok" a@example.org digest)" = 1
tz -C "$S" newsletter status >"$T/status"
check "status" grep -q "issue 1	weekly.*done	queued 0	sending 0	sent 4	failed 0	bounced 0	skipped 0" "$T/status"
check "sending again sends nothing" tz -C "$S" -q newsletter send
check "still one copy each" test "$(count_mail "$T/ok" a@example.org digest)" = 1

# ---- the web: subscribe, confirm, digest, one-click unsubscribe ------------
port=$(free_port)
U=http://127.0.0.1:$port
"$TZ_BIN" -q -C "$S" serve --port "$port" >/dev/null &
SERVER_PID=$!
i=0
until curl -s -o /dev/null "$U/" || [ $i -gt 300 ]; do sleep 0.1; i=$((i + 1)); done
code() { curl -s -o "$T/body" -w '%{http_code}' "$@"; }

curl -s "$U/fr/" >"$T/home"
check "form on the language home" contains "$T/home" 'action="../newsletter/subscribe"'
check "language choice on the form" contains "$T/home" 'name="lang" value="fr" checked'
check "list choice on the form" contains "$T/home" 'name="list" value="weekly" checked'
check "honeypot on the form" contains "$T/home" 'name="website"'
curl -s "$U/en/strike-in-the-port/" >"$T/article"
check "form on article pages" contains "$T/article" 'action="../../newsletter/subscribe"'
sub() { code -d "email=$1" -d lang=en -d lang=fr -d list=weekly -d ui=fr "$U/newsletter/subscribe"; }
check "subscribe a new address" test "$(sub new@example.org)" = 200
cp "$T/body" "$T/new.html"
check "answer in the page's language" contains "$T/new.html" "Consultez votre boîte"
wait_mail "$T/ok" new@example.org confirm 1
check "confirmation arrives" $MC note "$T/ok" new@example.org confirm
link=$(local_url "$($MC link "$T/ok" new@example.org confirm)")
check "the link shows a button" test "$(code "$link")" = 200
check "the button posts" contains "$T/body" 'action="confirm"'
check "not confirmed by a GET" sh -c "'$TZ_BIN' -C '$S' subscriber list --status pending | grep -q new@example.org"
tok=$(echo "$link" | sed 's/.*t=//')
check "confirm" test "$(code -d "t=$tok" "$U/newsletter/confirm")" = 200
check "confirmed page" contains "$T/body" "Vous êtes abonné"
check "confirmed in the store" sh -c "'$TZ_BIN' -C '$S' subscriber list --status confirmed | grep -q 'new@example.org	confirmed	en,fr	weekly'"
check "confirming twice is harmless" test "$(code -d "t=$tok" "$U/newsletter/confirm")" = 200
check "forged token refused" test "$(code -d "t=$(echo "$tok" | sed 's/\.[^.]*$/.AAAAAAAAAAAAAAAAAAAAAA/')" "$U/newsletter/confirm")" = 400
# The same answer whatever the address: confirmed, pending or new.
check "known confirmed address: same answer" sh -c "[ \$(curl -s -o '$T/a.html' -w '%{http_code}' -d email=a@example.org -d lang=en -d list=weekly -d ui=fr '$U/newsletter/subscribe') = 200 ] && cmp -s '$T/a.html' '$T/new.html'"
check "known pending address: same answer" sh -c "[ \$(curl -s -o '$T/d.html' -w '%{http_code}' -d email=d@example.org -d lang=en -d list=weekly -d ui=fr '$U/newsletter/subscribe') = 200 ] && cmp -s '$T/d.html' '$T/new.html'"
wait_mail "$T/ok" a@example.org notice 1
check "a confirmed address gets a notice, not a confirmation" test "$(count_mail "$T/ok" a@example.org notice)" = 1
check "a notice is well formed" $MC note "$T/ok" a@example.org notice
check "a pending address is not mailed twice in a row" test "$(count_mail "$T/ok" d@example.org confirm)" = 1
check "prefs unchanged by a stranger" sh -c "'$TZ_BIN' -C '$S' subscriber list | grep -q 'a@example.org	confirmed	en,fr	weekly'"
check "honeypot: same page" test "$(code -d email=bot@example.org -d lang=en -d list=weekly -d website=http://spam -d ui=fr "$U/newsletter/subscribe")" = 200
check "honeypot: nothing stored" sh -c "! '$TZ_BIN' -C '$S' subscriber list | grep -q bot@example.org"
check "bad address: 400" test "$(code -d email=nope -d lang=en -d list=weekly "$U/newsletter/subscribe")" = 400
check "bad address: the form again" contains "$T/body" 'name="email"'
check "no language: 400" test "$(code -d email=x@example.org -d list=weekly "$U/newsletter/subscribe")" = 400
check "GET on subscribe is 405" test "$(code "$U/newsletter/subscribe")" = 405
check "rate limit per client" test "$(sub new3@example.org)" = 429
check "rate-limited request stores nothing" sh -c "! '$TZ_BIN' -C '$S' subscriber list | grep -q new3@example.org"
# Preferences from the notice's link.
plink=$(local_url "$($MC link "$T/ok" a@example.org prefs)")
check "preferences page" test "$(code "$plink")" = 200
check "preferences show the choices" contains "$T/body" 'name="lang" value="fr" checked'
ptok=$(echo "$plink" | sed 's/.*t=//')
check "change languages" test "$(code -d "t=$ptok" -d lang=ru -d list=weekly -d list=urgent "$U/newsletter/prefs")" = 200
check "languages changed" sh -c "'$TZ_BIN' -C '$S' subscriber list | grep -q 'a@example.org	confirmed	ru	weekly,urgent'"
check "unsubscribe GET does not unsubscribe" test "$(code "$U/newsletter/unsubscribe?t=$ptok")" = 200
check "unsubscribe GET shows a button" contains "$T/body" 'action="unsubscribe"'
check "still subscribed" sh -c "'$TZ_BIN' -C '$S' subscriber list | grep -q a@example.org"
# A digest for the new reader, and one POST to leave.
art a7 en "After the strike" ""
art a8 fr "Après la grève" ""
check "second issue" tz -C "$S" -q newsletter compose
check "send second issue" tz -C "$S" -q newsletter send
wait_mail "$T/ok" new@example.org digest 1
check "new reader's digest" $MC digest "$T/ok" new@example.org "$BASE" --want "After the strike" \
	--want "Après la grève" --not "Strike in the port" --subject-has "Lettre de la semaine"
ulink=$(local_url "$($MC link "$T/ok" new@example.org unsubscribe)")
check "one-click unsubscribe" test "$(code -X POST -H 'Content-Type: application/x-www-form-urlencoded' --data 'List-Unsubscribe=One-Click' "$ulink")" = 200
check "unsubscribed page" contains "$T/body" "désabonné"
check "address deleted" sh -c "! '$TZ_BIN' -C '$S' subscriber list | grep -q new@example.org"
check "a hash kept" sh -c "'$TZ_BIN' -C '$S' subscriber counts | grep -qx 'suppressed	1'"
check "second click harmless" test "$(code -X POST --data 'List-Unsubscribe=One-Click' "$ulink")" = 200
printf 'email\nnew@example.org\n' >"$T/again.csv"
tz -C "$S" subscriber import "$T/again.csv" --confirmed 2>"$T/imp"
check "an old CSV cannot bring it back" contains "$T/imp" "0 added"
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
# An expired confirmation link: the server four days later.
dlink=$(local_url "$($MC link "$T/ok" d@example.org confirm)")
TAMIZDAT_NOW=$(($(date +%s) + 4 * 86400)) "$TZ_BIN" -q -C "$S" serve --port "$port" >/dev/null &
SERVER_PID=$!
i=0
until curl -s -o /dev/null "$U/" || [ $i -gt 300 ]; do sleep 0.1; i=$((i + 1)); done
check "expired link: 410" test "$(code "$dlink")" = 410
check "expired link: subscribe again" contains "$T/body" 'name="email"'
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=

# ---- 4xx and 5xx: retries with backoff, bounces ------------------------------
export TAMIZDAT_SMTP_URL=smtp://127.0.0.1:$rej_PORT
for r in perm1 temp1 flaky1 fine1; do tz -C "$S" -q subscriber add "$r@example.org" --lang en --confirmed; done
art b1 en "Rejected issue" ""
tz -C "$S" -q newsletter compose
check "send with refusals settles" tz -C "$S" -q newsletter send
tz -C "$S" newsletter status --issue 3 >"$T/st3"
check "5xx is a bounce" grep -q "bounced 1" "$T/st3"
check "4xx every time fails after the retries" grep -q "failed 1" "$T/st3"
check "greylisting is retried and delivered" test "$(count_mail "$T/rej" flaky1@example.org digest)" = 1
check "fine address delivered" test "$(count_mail "$T/rej" fine1@example.org digest)" = 1
check "the bounce is recorded" sh -c "'$TZ_BIN' -C '$S' subscriber list --status confirmed | grep -q perm1@example.org"
art b2 en "Rejected again" ""
tz -C "$S" -q newsletter compose
tz -C "$S" -q newsletter send
check "two bounces: bouncing" sh -c "'$TZ_BIN' -C '$S' subscriber list --status bouncing | grep -q perm1@example.org"
art b3 en "Not to the bouncing" ""
tz -C "$S" -q newsletter compose
tz -C "$S" -q newsletter send --no-wait
tz -C "$S" newsletter status --issue 5 >"$T/st5"
check "bouncing subscribers are not mailed" grep -q "bounced 0" "$T/st5"
check "--no-wait leaves retries queued" grep -q "waiting for a retry" "$T/st5"

# ---- a server that hangs up in the middle of DATA ---------------------------
export TAMIZDAT_SMTP_URL=smtp://127.0.0.1:$drop_PORT
check "the queued retries go to another server" tz -C "$S" -q newsletter send --issue 5
for r in drop1 drop2; do tz -C "$S" -q subscriber add "$r@example.org" --lang en --confirmed; done
art c1 en "Dropped connections" ""
tz -C "$S" -q newsletter compose
check "send through dropped connections" tz -C "$S" -q newsletter send
for r in drop1 drop2; do
	check "$r delivered once after the drop" test "$(count_mail "$T/drop" "$r@example.org" digest)" = 1
done
tz -C "$S" newsletter status --issue 6 >"$T/st6"
check "all settled" grep -q "done	queued 0	sending 0" "$T/st6"

# ---- an unreachable server ---------------------------------------------------
export TAMIZDAT_SMTP_URL=smtp://127.0.0.1:$(free_port)
art d1 en "Nowhere to go" ""
tz -C "$S" -q newsletter compose
fails_with "cannot reach the SMTP server" tz -C "$S" -q newsletter send
tz -C "$S" newsletter status --issue 7 >"$T/st7"
check "the queue is kept" grep -q "sending	queued [1-9]" "$T/st7"
finish
