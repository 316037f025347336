#!/bin/sh
# End-to-end: the web admin over loopback with curl -- accounts from the
# command line, set-password links, login and its rate limits, no account
# enumeration, sessions (cookie attributes, logout, revocation), CSRF on
# every state-changing request, the CSP, roles checked on crafted
# requests, the workflow with incremental publishing, scheduled
# publishing by the server, concurrent edits, revisions, translations,
# sections, authors, users, settings, and bad input of every kind.
. "$(dirname "$0")/lib.sh"

S=$T/site
tz init "$S" --lang en,ru,uk --base-url http://127.0.0.1/ >/dev/null 2>&1
tz -C "$S" -q section add ru/europe --title "Европа"
tz -C "$S" -q section add ru/europe/east --title "Восток"
tz -C "$S" -q section add uk/europe --title "Європа"
tz -C "$S" -q section add en/news --title "News"
# The server trusts X-Forwarded-Proto from loopback in this test.
sed -i 's/^port = 8080$/port = 8080\ntrusted_proxy = 127.0.0.1/' "$S/tamizdat.ini"
printf '\n[admin]\nidle_hours = 8\n' >>"$S/tamizdat.ini"

PW="correct horse battery"
echo "$PW" | tz -C "$S" -q user add boss@example.org --role admin --name "Boss" --password-stdin
echo "$PW" | tz -C "$S" -q user add ed@example.org --role editor --name "Ed" --password-stdin
echo "$PW" | tz -C "$S" -q user add limited@example.org --role editor --section ru/europe --password-stdin
echo "$PW" | tz -C "$S" -q user add cont@example.org --role contributor --name "Cora" --lang ru --password-stdin
echo "$PW" | tz -C "$S" -q user add cont2@example.org --role contributor --password-stdin
echo "$PW" | tz -C "$S" -q user add gone@example.org --role editor --password-stdin
echo "$PW" | tz -C "$S" -q user add victim@example.org --role editor --password-stdin
tz -C "$S" -q user disable gone@example.org
check "user list shows roles" sh -c "'$TZ_BIN' -C '$S' user list | grep -q 'limited@example.org	editor	en	active	ru/europe'"
fails_with "already an account" tz -C "$S" user add BOSS@example.org --role admin
fails_with "too short" sh -c "echo short | '$TZ_BIN' -C '$S' user add x@example.org --role admin --password-stdin"
fails_with "--role" tz -C "$S" user add y@example.org --role root

port=$(free_port)
"$TZ_BIN" -q -C "$S" serve --port "$port" &
SERVER_PID=$!
H=http://127.0.0.1:$port
U=$H/admin
i=0
until curl -s -o /dev/null "$U/login" || [ $i -gt 300 ]; do sleep 0.1; i=$((i + 1)); done

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
# The CSRF token of the last page fetched into $T/page.
token() { grep -o 'name="csrf" value="[^"]*"' "$T/page" | head -1 | sed 's/.*value="//;s/"$//'; }
# get JAR PATH: fetches a page into $T/page; prints the status.
get() { curl -s -b "$T/$1" -c "$T/$1" -o "$T/page" -w '%{http_code}' "$U/$2"; }
# post JAR PATH FIELD=VALUE...: posts a form (with the token of $T/page) into
# $T/page, the headers into $T/headers; prints the status.
post() {
	jar=$1
	path=$2
	shift 2
	tok=$(token)
	n=$#
	while [ "$n" -gt 0 ]; do
		a=$1
		shift
		set -- "$@" --data-urlencode "$a"
		n=$((n - 1))
	done
	curl -s -b "$T/$jar" -c "$T/$jar" -o "$T/page" -w '%{http_code}' -D "$T/headers" \
		--data-urlencode "csrf=$tok" "$@" "$U/$path"
}
# login JAR EMAIL [PASSWORD]: a fresh session in JAR; prints the status of the POST.
login() {
	rm -f "$T/$1"
	get "$1" login >/dev/null
	post "$1" login "email=$2" "password=${3:-$PW}"
}
# The id in the Location of the last POST ("/admin/articles/7?m=..." -> 7).
loc_id() { grep -i '^location:' "$T/headers" | sed 's|.*/articles/\([0-9]*\).*|\1|' | tr -d '\r'; }
has() { grep -qF -- "$1" "$T/page"; }

# ---- links and passwords --------------------------------------------------
link=$(tz -C "$S" -q user add new@example.org --role contributor)
tokq=${link#*password?}
check "link points at the admin" test "${link%%password?*}" = "http://127.0.0.1/admin/"
check "link page opens" test "$(get anon "password?$tokq")" = 200
check "link page names the account" has "new@example.org"
check "mismatched passwords refused" test "$(post anon password "${tokq%%=*}=${tokq#*=}" "password=long enough pass" "password2=other one here")" = 200
check "mismatch message" has "The two passwords differ"
check "short password refused" test "$(post anon password "token=${tokq#*=}" "password=short" "password2=short")" = 200
check "short password message" has "too short"
check "link sets the password" test "$(post anon password "token=${tokq#*=}" "password=$PW" "password2=$PW")" = 303
check "the link works once" test "$(get anon "password?$tokq")" = 404
check "new account logs in" test "$(login n new@example.org)" = 303
check "junk token refused" test "$(get anon "password?token=x")" = 404

# ---- login, no enumeration, rate limits -----------------------------------
check "admin needs login" test "$(code "$U/articles?lang=ru")" = 302
check "login redirect keeps the page" sh -c "curl -s -D - -o /dev/null '$U/articles' | grep -qi '^location: /admin/login?next=/admin/articles'"
login w1 boss@example.org "wrong password!" >/dev/null
sed 's/value="[A-Za-z0-9_-]\{43\}"/value=TOKEN/g' "$T/page" >"$T/wrong"
check "wrong password message" contains "$T/wrong" "Wrong e-mail address or password"
login w2 nobody@example.org "wrong password!" >/dev/null
sed 's/value="[A-Za-z0-9_-]\{43\}"/value=TOKEN/g; s/nobody@example.org/boss@example.org/' "$T/page" >"$T/unknown"
check "unknown address: the same page" cmp "$T/wrong" "$T/unknown"
login w3 gone@example.org "$PW" >/dev/null
sed 's/value="[A-Za-z0-9_-]\{43\}"/value=TOKEN/g; s/gone@example.org/boss@example.org/' "$T/page" >"$T/gone"
check "disabled account: the same page" cmp "$T/wrong" "$T/gone"
check "forgot: known address" test "$(get f1 forgot)" = 200
post f1 forgot "email=boss@example.org" >/dev/null
sed 's/value="[A-Za-z0-9_-]\{43\}"/value=TOKEN/g' "$T/page" >"$T/forgot1"
get f2 forgot >/dev/null
post f2 forgot "email=nobody@example.org" >/dev/null
sed 's/value="[A-Za-z0-9_-]\{43\}"/value=TOKEN/g' "$T/page" >"$T/forgot2"
check "forgot: same answer for an unknown address" cmp "$T/forgot1" "$T/forgot2"
check "forgot: the request shows to admins" sh -c "'$TZ_BIN' -C '$S' user list --json | grep -q '\"email\": \"boss@example.org\"'"
for n in 1 2 3 4; do login r victim@example.org "bad guess $n!" >/dev/null; done
check "five failures still answer 200" test "$(login r Victim@example.org "bad guess 5!")" = 200
check "then even the right password waits" test "$(login r victim@example.org)" = 429
check "429 says so" has "Too many attempts"
check "Retry-After given" grep -qi '^retry-after: [0-9]' "$T/headers"
check "other accounts unaffected" test "$(login ok boss@example.org)" = 303
# The per-address limit, from another client address (trusted proxy header).
for n in $(seq 1 20); do
	rm -f "$T/x"
	curl -s -b "$T/x" -c "$T/x" -o "$T/page" -H 'X-Forwarded-For: 10.9.9.9' "$U/login"
	curl -s -b "$T/x" -c "$T/x" -o /dev/null -H 'X-Forwarded-For: 10.9.9.9' \
		--data-urlencode "csrf=$(token)" --data-urlencode "email=who$n@example.org" \
		--data-urlencode "password=nope nope nope" "$U/login"
done
rm -f "$T/x"
curl -s -b "$T/x" -c "$T/x" -o "$T/page" -H 'X-Forwarded-For: 10.9.9.9' "$U/login"
check "per-address limit" test "$(curl -s -b "$T/x" -c "$T/x" -o /dev/null -w '%{http_code}' \
	-H 'X-Forwarded-For: 10.9.9.9' --data-urlencode "csrf=$(token)" \
	--data-urlencode "email=cont2@example.org" --data-urlencode "password=$PW" "$U/login")" = 429

# ---- sessions and cookies ---------------------------------------------------
rm -f "$T/b"
get b login >/dev/null
post b login "email=boss@example.org" "password=$PW" >/dev/null
check "session cookie is HttpOnly and Strict" grep -qi '^set-cookie: tz_admin=[A-Za-z0-9_-]\{43\}; Path=/admin/; HttpOnly; SameSite=Strict' "$T/headers"
check "no Secure over plain HTTP" sh -c "! grep -i '^set-cookie: tz_admin' '$T/headers' | grep -qi secure"
rm -f "$T/sx"
curl -s -c "$T/sx" -b "$T/sx" -H 'X-Forwarded-Proto: https' -o "$T/page" "$U/login"
curl -s -c "$T/sx" -b "$T/sx" -H 'X-Forwarded-Proto: https' -D "$T/headers" -o /dev/null \
	--data-urlencode "csrf=$(token)" --data-urlencode "email=boss@example.org" \
	--data-urlencode "password=$PW" "$U/login"
check "Secure behind a TLS proxy" grep -qi '^set-cookie: tz_admin=.*; Secure' "$T/headers"
check "dashboard after login" test "$(get b "")" = 200
check "dashboard names the user" has "Boss"
curl -s -D "$T/h" -o /dev/null -b "$T/b" "$U/"
check "CSP on admin pages" grep -qi "^content-security-policy: default-src 'none'; style-src 'self'; script-src 'self'" "$T/h"
check "CSP has no unsafe-inline" sh -c "! grep -i '^content-security-policy' '$T/h' | grep -q unsafe"
check "admin pages are not cached" grep -qi '^cache-control: no-store' "$T/h"
check "no inline style or script" sh -c "! grep -qi '<script>\|style=\|<style\|onclick\|onload' '$T/page'"
check "stylesheet served" sh -c "curl -s -D - -o /dev/null '$U/static/admin.css' | grep -qi '^content-type: text/css'"
check "script served" sh -c "curl -s -D - -o /dev/null '$U/static/admin.js' | grep -qi '^content-type: text/javascript'"
login b2 boss@example.org >/dev/null
get b2 "" >/dev/null
cp "$T/b2" "$T/b2.saved"
check "logout" test "$(post b2 logout)" = 303
check "logout clears the cookie" grep -qi '^set-cookie: tz_admin=; .*Max-Age=0' "$T/headers"
check "the old cookie no longer works" test "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/b2.saved" "$U/")" = 302
check "other session still alive" test "$(get b "")" = 200
# A disabled account's sessions end at once.
login d limited@example.org >/dev/null
check "limited editor logged in" test "$(get d "")" = 200
tz -C "$S" -q user disable limited@example.org
check "disabled: session ended" test "$(get d "")" = 302
tz -C "$S" -q user enable limited@example.org
login d limited@example.org >/dev/null

# ---- CSRF --------------------------------------------------------------------
get b articles/new >/dev/null
check "POST without token is 403" test "$(curl -s -o "$T/page" -w '%{http_code}' -b "$T/b" --data-urlencode 'title=x' "$U/articles/new")" = 403
check "403 says why" has "did not come from this site"
check "POST with a wrong token is 403" test "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/b" --data-urlencode 'csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' --data-urlencode 'title=x' "$U/articles/new")" = 403
check "POST with another session's token is 403" test "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/b" --data-urlencode "csrf=$(get d '' >/dev/null; token)" --data-urlencode 'title=x' "$U/articles/new")" = 403
get b articles/new >/dev/null
check "cross-site POST is 403" test "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/b" -H 'Sec-Fetch-Site: cross-site' --data-urlencode "csrf=$(token)" --data-urlencode 'title=x' "$U/articles/new")" = 403
check "login POST without the form's cookie is 403" test "$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode 'csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' --data-urlencode 'email=boss@example.org' --data-urlencode "password=$PW" "$U/login")" = 403
check "logout without token is 403" test "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/b" -X POST "$U/logout")" = 403
check "session survives the refused logout" test "$(get b "")" = 200
check "POST without a session is 403" test "$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode 'title=x' "$U/articles/new")" = 403

# ---- ids (section ids of the tree) -------------------------------------------
sid() { tz -C "$S" section list --json | $PY -c "import json,sys; print([s['id'] for s in json.load(sys.stdin) if s['lang']+'/'+s['path']=='$1'][0])"; }
RU=$(sid ru/)
RU_EU=$(sid ru/europe)
RU_EAST=$(sid ru/europe/east)
UK_EU=$(sid uk/europe)
EN_NEWS=$(sid en/news)

# ---- the workflow: contributor writes, editor publishes ----------------------
login c cont@example.org >/dev/null
check "contributor's admin is in Russian" sh -c "curl -s -b '$T/c' '$U/' | grep -q 'Панель'"
get c articles/new >/dev/null
check "contributor creates a draft" test "$(post c articles/new lang=ru section="$RU_EU" "title=Зима в Харькове" "surtitle=Репортаж" "subtitle=Как закрывались газеты" "lead=Три газеты закрылись за год." "body=Первый абзац.

Второй абзац." "author_name=Анна Карова" author_kind=person author_pos=2 "author_name=Мемориал" author_kind=organisation author_pos=1 "tags=пресса, регионы" "first_published=2026-03-10" "source_name=Архив" "source_url=https://archive.example.org/zima" original_lang=ru "translators=" "licence=CC BY 4.0" action=save)" = 303
A=$(loc_id)
check "draft is not public" test ! -e "$S/public/ru/europe/zima-v-kharkove"
get c "articles/$A" >/dev/null
check "authors in the order given" sh -c "grep -o 'name=\"author_name\" value=\"[^\"]*\"' '$T/page' | head -2 | tr '\n' ' ' | grep -q 'Мемориал.*Анна Карова'"
check "contributor cannot publish (crafted)" test "$(post c "articles/$A/status" action=publish)" = 403
get c "articles/$A" >/dev/null
check "contributor proposes" test "$(post c "articles/$A/status" action=propose)" = 303
get c "articles/$A" >/dev/null
check "status is proposed" has "status-proposed"
login e ed@example.org >/dev/null
get e "" >/dev/null
check "proposed queue on the dashboard" has "Зима в Харькове"
get e "articles/$A" >/dev/null
check "editor publishes" test "$(post e "articles/$A/status" action=publish)" = 303
check "public page is there at once" test "$(code "$H/ru/europe/zima-v-kharkove/")" = 200
curl -s "$H/ru/europe/zima-v-kharkove/" >"$T/pub"
check "public page has the breadcrumb" contains "$T/pub" 'class="breadcrumb"'
check "public page has the title" contains "$T/pub" "Зима в Харькове"
check "public page has the lead" contains "$T/pub" "Три газеты закрылись за год."
get e "articles/$A" >/dev/null
check "history records who" sh -c "grep -q 'Cora' '$T/page' && grep -q '(Ed)' '$T/page'"
check "history lists the transitions" has "Proposed"
check "contributor cannot edit a published article" test "$(get c "articles/$A" >/dev/null; post c "articles/$A" "title=Hacked" section="$RU_EU" action=save)" = 403
login c2 cont2@example.org >/dev/null
check "another contributor cannot see it" test "$(get c2 "articles/$A")" = 403
check "contributors cannot manage users" test "$(get c users)" = 403
check "contributors cannot manage sections" test "$(get c sections)" = 403
check "editors cannot manage users" test "$(get e users)" = 403
check "editors cannot change settings" test "$(get e settings)" = 403

# ---- a limited editor ------------------------------------------------------------
get b articles/new >/dev/null
post b articles/new lang=en section="$EN_NEWS" "title=English news" "body=Hello." action=save_publish >/dev/null
EN_A=$(loc_id)
check "admin published in English" test "$(code "$H/en/news/english-news/")" = 200
check "limited editor cannot open an article outside" test "$(get d "articles/$EN_A")" = 403
get d articles/new >/dev/null
check "limited editor cannot write outside" test "$(post d articles/new lang=en section="$EN_NEWS" "title=Sneaky" action=save)" = 400
check "says why" has "may not use this section"
check "limited editor cannot unpublish outside (crafted)" test "$(get d "" >/dev/null; post d "articles/$EN_A/status" action=withdraw)" = 403
check "limited editor can open his section" test "$(get d "articles/$A")" = 200
get d sections >/dev/null
check "limited editor cannot add a section outside" test "$(post d sections parent="$EN_NEWS" "title=Sub" slug=sub)" = 403
get d sections >/dev/null
check "limited editor adds inside" test "$(post d sections parent="$RU_EU" "title=Запад" slug=west)" = 303
WEST=$(grep -i '^location:' "$T/headers" | sed 's|.*/sections/\([0-9]*\).*|\1|' | tr -d '\r')
# An editor limited to one empty section deleting it would be left with no
# limits, that is with every section: refused.
echo "$PW" | tz -C "$S" -q user add west@example.org --role editor --section ru/europe/west --password-stdin
login w west@example.org >/dev/null
get w "sections/$WEST" >/dev/null
check "deleting an editor's only section refused" test "$(post w "sections/$WEST/delete")" = 409
check "refusal says why" has "limited to this section alone"
check "the limit stays" sh -c "'$TZ_BIN' -C '$S' user list | grep -q 'west@example.org	editor	en	active	ru/europe/west'"
check "and still holds" test "$(get w "articles/$EN_A")" = 403
check "limited editor cannot move a section out (crafted)" test "$(get d "sections/$RU_EAST" >/dev/null; post d "sections/$RU_EAST" "title=Восток" parent="$RU" slug=east position=0)" = 400

# ---- scheduled publishing -----------------------------------------------------
get e articles/new >/dev/null
post e articles/new lang=ru section="$RU_EAST" "title=Отложенная статья" "body=Позже." action=save >/dev/null
SA=$(loc_id)
get e "articles/$SA" >/dev/null
check "schedule in the past refused" test "$(post e "articles/$SA/status" action=schedule "schedule_at=2001-01-01T10:00")" = 400
check "past message" has "must be in the future"
check "schedule with a wrong date refused" test "$(post e "articles/$SA/status" action=schedule "schedule_at=tomorrow")" = 400
check "date format message" has "Wrong date format"
check "the wrong time stays in the form" has 'value="tomorrow"'
when=$(date -u -d '@'$(($(date +%s) + 3)) +%Y-%m-%dT%H:%M:%S)
get e "articles/$SA" >/dev/null
check "schedule" test "$(post e "articles/$SA/status" action=schedule "schedule_at=$when")" = 303
check "not public before its time" test "$(code "$H/ru/europe/east/otlozhennaia-statia/")" = 404
get e "" >/dev/null
check "scheduled box on the dashboard" has "Отложенная статья"
i=0
until [ "$(code "$H/ru/europe/east/otlozhennaia-statia/")" = 200 ] || [ $i -gt 300 ]; do sleep 0.1; i=$((i + 1)); done
check "published by the server at its time" test "$(code "$H/ru/europe/east/otlozhennaia-statia/")" = 200
get e "articles/$SA" >/dev/null
check "the server is recorded as the publisher" has "the server"

# ---- two people, one article ----------------------------------------------------
get e "articles/$A" >/dev/null
cp "$T/page" "$T/e_form"
get b "articles/$A" >/dev/null
check "first save wins" test "$(post b "articles/$A" "title=Зима в Харькове" section="$RU_EU" "lead=Три газеты закрылись за год." "body=Первый абзац, исправленный." "rev=$(grep -o 'name="rev" value="[0-9]*"' "$T/page" | sed 's/.*value="//;s/"//')" action=save)" = 303
cp "$T/e_form" "$T/page"
rev0=$(grep -o 'name="rev" value="[0-9]*"' "$T/page" | sed 's/.*value="//;s/"//')
check "second save refused" test "$(post e "articles/$A" "title=Зима в Харькове (Ed)" section="$RU_EU" "body=Версия Эда." "rev=$rev0" action=save)" = 409
check "conflict says who" sh -c "grep -q 'Someone else saved' '$T/page' && grep -q 'Boss' '$T/page'"
check "conflict shows their change" has "Первый абзац, исправленный."
check "conflict keeps what was typed" has "Версия Эда."
check "nothing was overwritten" sh -c "curl -s '$H/ru/europe/zima-v-kharkove/' | grep -q 'Первый абзац, исправленный.'"
rev1=$(grep -o 'name="rev" value="[0-9]*"' "$T/page" | sed 's/.*value="//;s/"//')
check "saving again after seeing it works" test "$(post e "articles/$A" "title=Зима в Харькове" section="$RU_EU" "body=Версия Эда." "rev=$rev1" action=save)" = 303
check "and is published at once" sh -c "curl -s '$H/ru/europe/zima-v-kharkove/' | grep -q 'Версия Эда.'"

# ---- revisions ------------------------------------------------------------------
check "revisions list" test "$(get e "articles/$A/revisions")" = 200
first=$(grep -o "/admin/articles/$A/revisions/[0-9]*" "$T/page" | tail -1 | sed 's|.*/||')
check "revision diff" test "$(get e "articles/$A/revisions/$first")" = 200
check "diff shows the old text" has "Второй абзац."
check "restore" test "$(post e "articles/$A/revisions/$first/restore")" = 303
check "restored text is public" sh -c "curl -s '$H/ru/europe/zima-v-kharkove/' | grep -q 'Второй абзац.'"
get e "articles/$A/revisions" >/dev/null
check "restoring made a new revision" has "restored revision $first"
check "unknown revision is 404" test "$(get e "articles/$A/revisions/99999")" = 404
check "revision of another article is 404" test "$(get e "articles/$SA/revisions/$first")" = 404

# ---- translations ----------------------------------------------------------------
get e "articles/$A" >/dev/null
check "add a translation" test "$(post e "articles/$A/translate" lang=uk)" = 303
TR=$(loc_id)
get e "articles/$TR" >/dev/null
check "translation is in Ukrainian" has "Українська"
check "translation is a draft" has "status-draft"
check "translation sits at the same section path" sh -c "grep -o '<option value=\"$UK_EU\" selected' '$T/page' >/dev/null"
check "group shows the original" has "Зима в Харькове"
check "second translation into the same language refused" test "$(get e "articles/$A" >/dev/null; post e "articles/$A/translate" lang=uk)" = 409
get e "articles/$TR" >/dev/null
post e "articles/$TR" "title=Зима в Харкові" section="$UK_EU" "body=Перший абзац." "rev=$(grep -o 'name="rev" value="[0-9]*"' "$T/page" | sed 's/.*value="//;s/"//')" action=save_publish >/dev/null
check "translation published" test "$(code "$H/uk/europe/zyma-v-kharkovi/")" = 200
check "original links to the translation" sh -c "curl -s '$H/ru/europe/zima-v-kharkove/' | grep -q 'hreflang=\"uk\"'"

# ---- bad input ---------------------------------------------------------------------
get e "articles/$A" >/dev/null
R=$(grep -o 'name="rev" value="[0-9]*"' "$T/page" | sed 's/.*value="//;s/"//')
check "invalid UTF-8 refused" test "$(curl -s -o "$T/page2" -w '%{http_code}' -b "$T/e" --data "csrf=$(token)&title=Bad%FF%FEtitle&section=$RU_EU&rev=$R&action=save" "$U/articles/$A")" = 400
check "UTF-8 message" grep -q "invalid characters" "$T/page2"
check "what was typed is kept (cleaned)" grep -q 'Bad��title' "$T/page2"
long=$(head -c 3000 /dev/zero | tr '\0' 'x')
check "too long a title refused" test "$(post e "articles/$A" "title=$long" section="$RU_EU" "rev=$R" action=save)" = 400
check "length message" has "too long"
check "long title kept in the form" has "$long"
check "missing title refused" test "$(post e "articles/$A" "title=" section="$RU_EU" "rev=$R" action=save)" = 400
check "missing title message" has "The title is missing"
check "wrong partial date refused" test "$(post e "articles/$A" "title=T" section="$RU_EU" "first_published=10/03/2026" "rev=$R" action=save)" = 400
check "partial date message" has "use YYYY-MM-DD, YYYY-MM or YYYY"
check "the wrong date stays in the form" has 'value="10/03/2026"'
check "wrong date refused" test "$(post e "articles/$A" "title=T" section="$RU_EU" "date=31.12.2026" "rev=$R" action=save)" = 400
check "the wrong publication date stays in the form" has 'value="31.12.2026"'
check "unknown section refused" test "$(post e "articles/$A" "title=T" section=999999 "rev=$R" action=save)" = 400
check "section of another language refused" test "$(post e "articles/$A" "title=T" section="$UK_EU" "rev=$R" action=save)" = 400
check "bad slug refused" test "$(post e "articles/$A" "title=T" section="$RU_EU" "slug=Not A Slug" "rev=$R" action=save)" = 400
check "bad source URL refused" test "$(post e "articles/$A" "title=T" section="$RU_EU" "source_url=javascript:alert(1)" "rev=$R" action=save)" = 400
check "nothing half-saved" sh -c "curl -s '$H/ru/europe/zima-v-kharkove/' | grep -q 'Второй абзац.' && ! curl -s '$H/ru/europe/zima-v-kharkove/' | grep -q '<h1>T</h1>'"
check "unknown article is 404" test "$(get e articles/999999)" = 404
check "junk id is 404" test "$(get e articles/12abc)" = 404
check "unknown page is 404" test "$(get e nowhere)" = 404
check "unknown action refused" test "$(get e "articles/$A" >/dev/null; post e "articles/$A/status" action=explode)" = 400
head -c 5000000 /dev/zero | tr '\0' 'a' >"$T/big"
check "oversized form is 413" test "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/e" --data-urlencode "body@$T/big" "$U/articles/$A")" = 413
check "server still up" test "$(get e "")" = 200
get e "articles/$A" >/dev/null
post e "articles/$A" "title=<script>alert(1)</script>" section="$RU_EU" "rev=$R" action=preview >/dev/null
check "titles are escaped" sh -c "grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' '$T/page' && ! grep -q '<script>alert' '$T/page'"
post e "articles/$A" "title=T" section="$RU_EU" "body=<img src=x onerror=alert(1)> **bold** [x](javascript:alert(1))" "rev=$R" action=preview >/dev/null
check "preview renders Markdown" has "<strong>bold</strong>"
check "preview escapes raw HTML" sh -c "grep -q '&lt;img src=x onerror' '$T/page' && ! grep -q 'href=\"javascript' '$T/page'"

# ---- sections --------------------------------------------------------------------
get e sections >/dev/null
check "sections page lists the tree" has "ru/europe/east"
check "section without title refused" test "$(post e sections parent="$RU_EU" "title=" slug=x)" = 400
check "add a section" test "$(post e sections parent="$RU_EU" "title=Север" slug=north position=3 "description=Северные страны")" = 303
NORTH=$(grep -i '^location:' "$T/headers" | sed 's|.*/sections/\([0-9]*\).*|\1|' | tr -d '\r')
get e "sections/$RU_EU" >/dev/null
check "moving a section into its own subtree refused" test "$(post e "sections/$RU_EU" "title=Европа" parent="$NORTH" slug=europe position=0)" = 400
check "cycle message" has "cannot move into itself"
check "typed title kept" has 'value="Европа"'
get e "sections/$RU_EAST" >/dev/null
check "rename and move a section" test "$(post e "sections/$RU_EAST" "title=Восток!" parent="$NORTH" slug=vostok position=1)" = 303
check "moved article is at its new address" test "$(code "$H/ru/europe/north/vostok/otlozhennaia-statia/")" = 200
check "old address still leads there" test "$(code "$H/ru/europe/east/otlozhennaia-statia/")" = 200
check "bad position refused" test "$(get e "sections/$NORTH" >/dev/null; post e "sections/$NORTH" "title=Север" parent="$RU_EU" slug=north position=-4)" = 400
get e "sections/$NORTH" >/dev/null
check "non-empty section cannot be deleted" test "$(post e "sections/$NORTH/delete")" = 409

# ---- authors --------------------------------------------------------------------
get e authors >/dev/null
check "authors page lists them" has "Анна Карова"
check "add an author" test "$(post e authors "name=Memorial" kind=organisation "bio=A society.")" = 303
AU=$(grep -i '^location:' "$T/headers" | sed 's|.*/authors/\([0-9]*\).*|\1|' | tr -d '\r')
check "author without name refused" test "$(get e "authors/$AU" >/dev/null; post e "authors/$AU" "name=" kind=person)" = 400
check "taken author slug refused" test "$(get e "authors/$AU" >/dev/null; post e "authors/$AU" "name=Memorial" kind=organisation "slug=memorial")" = 409
check "edit an author" test "$(get e "authors/$AU" >/dev/null; post e "authors/$AU" "name=Memorial Society" kind=organisation "slug=memorial-society" "bio=A society.")" = 303

# ---- users (admin) ----------------------------------------------------------------
get b users >/dev/null
check "users page lists accounts" has "cont@example.org"
check "add a user shows a link once" test "$(post b users "email=vera@example.org" "name=Vera" role=contributor ui_lang=uk "sections=$RU_EU")" = 200
check "the link is on the page" grep -q 'value="http://127.0.0.1/admin/password?token=' "$T/page"
check "duplicate user refused" test "$(post b users "email=VERA@example.org" role=contributor ui_lang=uk)" = 409
check "bad role refused" test "$(post b users "email=z@example.org" role=root ui_lang=en)" = 400
BOSS=$(tz -C "$S" user list --json | $PY -c "import json,sys; print([u['id'] for u in json.load(sys.stdin) if u['email']=='boss@example.org'][0])")
check "admin cannot demote himself" test "$(get b "users/$BOSS" >/dev/null; post b "users/$BOSS" "name=Boss" role=editor ui_lang=en)" = 400
check "admin cannot disable himself" test "$(get b "users/$BOSS" >/dev/null; post b "users/$BOSS/disable")" = 403

# ---- password change ends other sessions -------------------------------------------
login p1 cont2@example.org >/dev/null
login p2 cont2@example.org >/dev/null
get p1 account >/dev/null
check "wrong current password refused" test "$(post p1 account action=password "current=nope nope nope" "password=another good pass" "password2=another good pass")" = 200
check "current password message" has "current password is wrong"
check "change the password" test "$(post p1 account action=password "current=$PW" "password=another good pass" "password2=another good pass")" = 303
check "this session goes on" test "$(get p1 account)" = 200
check "the other session ended" test "$(get p2 "")" = 302
check "new password works" test "$(login p3 cont2@example.org "another good pass")" = 303

# ---- settings -----------------------------------------------------------------------
get b settings >/dev/null
check "settings refuse a bad address" test "$(post b settings "site_title=Новости" base_url=ftp://x default_language=en page_size=20 feed_size=20)" = 400
check "settings refuse a comment in a value" test "$(post b settings "site_title=A ; B" base_url=http://127.0.0.1/ default_language=en page_size=20 feed_size=20)" = 400
check "save settings" test "$(post b settings "site_title=Solidarity News" "tagline=From over there" base_url=http://127.0.0.1/ default_language=en "title_ru=Новости солидарности" page_size=20 feed_size=20 "mirrors=https://mirror.example.net/")" = 303
check "tamizdat.ini written" grep -q '^title = Solidarity News' "$S/tamizdat.ini"
check "per-language title written" grep -q '^title.ru = Новости солидарности' "$S/tamizdat.ini"
check "other sections kept" grep -q '^idle_hours = 8' "$S/tamizdat.ini"
check "trusted proxy kept" grep -q '^trusted_proxy = 127.0.0.1' "$S/tamizdat.ini"
check "public pages follow" sh -c "curl -s '$H/ru/europe/zima-v-kharkove/' | grep -q 'Новости солидарности'"
check "mirrors shown" sh -c "curl -s '$H/en/news/english-news/' | grep -q 'mirror.example.net'"

# ---- trash and restore -----------------------------------------------------------------
get e "articles/$EN_A" >/dev/null
check "trash" test "$(post e "articles/$EN_A/status" action=trash)" = 303
check "trashed page is gone" test "$(code "$H/en/news/english-news/")" = 404
get e "articles/$EN_A" >/dev/null
check "restore from the trash" test "$(post e "articles/$EN_A/status" action=restore)" = 303
check "restored page is back" test "$(code "$H/en/news/english-news/")" = 200

# ---- list and filters --------------------------------------------------------------------
check "article list" test "$(get e "articles?lang=ru")" = 200
check "list shows Russian articles" has "Зима в Харькове"
check "language filter" sh -c "! grep -q 'English news' '$T/page'"
get e "articles?q=%D0%97%D0%B8%D0%BC%D0%B0&status=published" >/dev/null
check "text filter" has "Зима в Харькове"
get e "articles?section=$UK_EU" >/dev/null
check "section filter" sh -c "grep -q 'Зима в Харкові' '$T/page' && ! grep -q 'Зима в Харькове<' '$T/page'"
get e authors >/dev/null
ANNA=$(grep -o 'href="/admin/authors/[0-9]*">Анна Карова' "$T/page" | sed 's|.*authors/\([0-9]*\).*|\1|')
get e "articles?author=$ANNA" >/dev/null
check "author filter keeps her article" has "Зима в Харькове<"
check "author filter drops the others" sh -c "! grep -q 'English news' '$T/page'"
get e articles/new >/dev/null
post e articles/new lang=ru section="$RU_EU" "title=Вторая статья Анны" "author_name=Анна Карова" author_kind=person author_pos=1 action=save >/dev/null
get e "articles?author=$ANNA" >/dev/null
check "an author typed by name is the known one" has "Вторая статья Анны<"
check "and not a second person of that name" test "$(get e authors >/dev/null; grep -c '">Анна Карова<' "$T/page")" = 1
# Paging: 30 drafts by the second contributor, 25 to a page.
get p1 articles/new >/dev/null
tok=$(token)
i=1
while [ $i -le 30 ]; do
	curl -s -b "$T/p1" -o /dev/null --data-urlencode "csrf=$tok" --data-urlencode lang=en \
		--data-urlencode section="$EN_NEWS" --data-urlencode "title=Page test $i" \
		--data-urlencode action=save "$U/articles/new"
	i=$((i + 1))
done
get e "articles?q=Page+test" >/dev/null
check "first page holds 25" test "$(grep -o '>Page test [0-9]*<' "$T/page" | wc -l)" = 25
check "first page links to the next" has 'rel="next"'
next=$(grep -o 'href="/admin/articles?[^"]*" rel="next"' "$T/page" | sed 's|href="/admin/||;s|" rel.*||;s|&amp;|\&|g')
get e "$next" >/dev/null
check "second page holds the rest" test "$(grep -o '>Page test [0-9]*<' "$T/page" | wc -l)" = 5
check "second page links back" has 'rel="prev"'
check "status filter: drafts" test "$(get e "articles?q=Page+test&status=draft" >/dev/null; grep -c '>Page test' "$T/page")" = 25
check "status filter: none published" test "$(get e "articles?q=Page+test&status=published" >/dev/null; grep -c '>Page test' "$T/page")" = 0
check "contributors see only their own" test "$(get c "articles?q=Page+test" >/dev/null; grep -c '>Page test' "$T/page")" = 0
check "junk filters are ignored" test "$(get e "articles?lang=xx&status=zzz&section=abc&page=-3&author=%FF")" = 200

# ---- every state-changing address -----------------------------------------------
# Without a token or with a wrong one, each is refused before anything is
# done, even for an admin who has every right.
CONT2=$(tz -C "$S" user list --json | $PY -c "import json,sys; print([u['id'] for u in json.load(sys.stdin) if u['email']=='cont2@example.org'][0])")
get e "articles/$A/revisions" >/dev/null
REV=$(grep -o "/admin/articles/$A/revisions/[0-9]*" "$T/page" | tail -1 | sed 's|.*/||')
POSTS="logout account articles/new articles/$A articles/$A/status articles/$A/translate
 articles/$A/revisions/$REV/restore sections sections/$NORTH sections/$WEST/delete authors
 authors/$AU users users/$CONT2 users/$CONT2/link users/$CONT2/signout users/$CONT2/disable
 settings"
BAD=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
for p in $POSTS; do
	check "$p without a token is 403" test "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/b" \
		--data-urlencode 'title=x' --data-urlencode 'action=publish' "$U/$p")" = 403
	check "$p with a wrong token is 403" test "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/b" \
		--data-urlencode "csrf=$BAD" --data-urlencode 'title=x' --data-urlencode 'action=publish' "$U/$p")" = 403
done
for p in password forgot; do
	check "$p without the form's cookie is 403" test "$(curl -s -o /dev/null -w '%{http_code}' \
		--data-urlencode "csrf=$BAD" --data-urlencode 'email=boss@example.org' "$U/$p")" = 403
done
check "refused posts changed nothing: sessions" test "$(get b "")" = 200
check "refused posts changed nothing: accounts" sh -c "'$TZ_BIN' -C '$S' user list | grep -q 'cont2@example.org	contributor	en	active'"
check "refused posts changed nothing: sections" test "$(get e "sections/$WEST")" = 200
check "refused posts changed nothing: the article" sh -c "curl -s '$H/ru/europe/zima-v-kharkove/' | grep -q 'Второй абзац.'"

# A contributor's own valid token opens none of the doors of the other roles.
get c "" >/dev/null
CTOK=$(token)
for p in sections "sections/$NORTH" "sections/$WEST/delete" authors "authors/$AU" users \
	"users/$CONT2" "users/$CONT2/disable" settings "articles/$EN_A" "articles/$EN_A/status" \
	"articles/$EN_A/translate" "articles/$A/revisions/$REV/restore"; do
	check "contributor posting to $p is 403" test "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/c" \
		--data-urlencode "csrf=$CTOK" --data-urlencode 'title=Hacked' --data-urlencode 'name=Hacked' \
		--data-urlencode "parent=$RU_EU" --data-urlencode 'slug=hacked' --data-urlencode 'role=admin' \
		--data-urlencode 'action=publish' --data-urlencode "section=$RU_EU" --data-urlencode 'lang=uk' \
		--data-urlencode 'site_title=Hacked' "$U/$p")" = 403
done
check "contributor cannot publish her proposal (crafted)" test "$(get c articles/new >/dev/null; post c articles/new lang=ru section="$RU_EU" "title=Своё" action=save_publish)" = 409
check "nothing saved by the refused publish" sh -c "! curl -s '$H/ru/europe/' | grep -q 'Своё'"
check "crafted posts changed nothing" sh -c "'$TZ_BIN' -C '$S' user list | grep -q 'cont2@example.org	contributor	en	active' && ! grep -q 'Hacked' '$S/tamizdat.ini'"

# Missing fields: a message on the form, never a crash, nothing saved.
for pc in "articles/new 400" "articles/$A 400" "articles/$A/status 400" "articles/$A/translate 400" \
	"sections 400" "sections/$NORTH 400" "authors 400" "authors/$AU 400" "users 400" \
	"users/$CONT2 400" "settings 400" "account 400"; do
	p=${pc% *}
	case $p in users* | settings) jar=b ;; *) jar=e ;; esac
	get "$jar" "$p" >/dev/null 2>&1
	check "$p with no fields is ${pc#* }" test "$(post "$jar" "$p")" = "${pc#* }"
	check "$p says what is wrong" sh -c "grep -q 'class=\"errors\"' '$T/page' || grep -q 'not one of those offered' '$T/page'"
done
check "server still up after empty forms" test "$(get e "")" = 200
check "nothing half-saved by empty forms" sh -c "curl -s '$H/ru/europe/zima-v-kharkove/' | grep -q 'Второй абзац.'"

# Unknown ids of every kind.
for p in sections/999999 authors/999999 users/999999 articles/999999/revisions \
	"articles/$A/revisions/999999/restore" sections/0; do
	check "$p is 404" test "$(get b "$p")" = 404
done
get b sections >/dev/null
check "posting to an unknown section is 404" test "$(post b sections/999999 "title=X" parent="$RU_EU" slug=x position=0)" = 404
get b sections >/dev/null
check "posting an unknown verb is 404" test "$(post b "users/$CONT2/explode")" = 404
get b sections >/dev/null
check "posting to an unknown article is 404" test "$(post b articles/999999/status action=publish)" = 404

# ---- sections: order, and the section filter takes the subtree -------------------
get e "sections/$WEST" >/dev/null
check "reorder: west first" test "$(post e "sections/$WEST" "title=Запад" parent="$RU_EU" slug=west position=0)" = 303
get e "sections/$NORTH" >/dev/null
post e "sections/$NORTH" "title=Север" parent="$RU_EU" slug=north position=5 "description=Северные страны" >/dev/null
get e sections >/dev/null
check "the tree follows the positions" sh -c "grep -o 'ru/europe/\(west\|north\)<' '$T/page' | tr '\n' ' ' | grep -q 'west.*north'"
get e "sections/$WEST" >/dev/null
post e "sections/$WEST" "title=Запад" parent="$RU_EU" slug=west position=9 >/dev/null
get e sections >/dev/null
check "and changes with them" sh -c "grep -o 'ru/europe/\(west\|north\)<' '$T/page' | tr '\n' ' ' | grep -q 'north.*west'"
get e "sections/$NORTH" >/dev/null
check "description kept" has "Северные страны"
get e "articles?section=$RU_EU" >/dev/null
check "section filter includes subsections" sh -c "grep -q 'Отложенная статья' '$T/page' && grep -q 'Зима в Харькове<' '$T/page'"
check "section filter excludes the rest" sh -c "! grep -q 'English news' '$T/page' && ! grep -q 'Зима в Харкові' '$T/page'"

# ---- the slug: made from the title, and editable ---------------------------------
get e "articles/$SA" >/dev/null
R=$(grep -o 'name="rev" value="[0-9]*"' "$T/page" | sed 's/.*value="//;s/"//')
check "slug shown in the editor" has 'value="otlozhennaia-statia"'
check "an edited slug is saved" test "$(post e "articles/$SA" "title=Отложенная статья" section="$RU_EAST" "body=Позже." slug=pozzhe "rev=$R" action=save)" = 303
check "the page moves to the new slug" test "$(code "$H/ru/europe/north/vostok/pozzhe/")" = 200
get e "articles/$SA" >/dev/null
check "the editor shows it" has 'value="pozzhe"'
get e "" >/dev/null
check "dashboard: the last change heads the recent box" test "$(sed -n '/id="h-recent"/,$p' "$T/page" | grep -o '<a href="/admin/articles/[0-9]*">[^<]*' | head -1 | sed 's/.*>//')" = "Отложенная статья"

kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=

# ---- the Secure flag without a trusted proxy ------------------------------------
# restart: serves the site again on a fresh port after a change to tamizdat.ini.
restart() {
	[ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null
	port=$(free_port)
	"$TZ_BIN" -q -C "$S" serve --port "$port" &
	SERVER_PID=$!
	H=http://127.0.0.1:$port
	U=$H/admin
	i=0
	until curl -s -o /dev/null "$U/login" || [ $i -gt 300 ]; do sleep 0.1; i=$((i + 1)); done
}
sed -i '/^trusted_proxy = /d' "$S/tamizdat.ini"
restart
rm -f "$T/u"
curl -s -c "$T/u" -b "$T/u" -H 'X-Forwarded-Proto: https' -o "$T/page" "$U/login"
curl -s -c "$T/u" -b "$T/u" -H 'X-Forwarded-Proto: https' -D "$T/headers" -o /dev/null \
	--data-urlencode "csrf=$(token)" --data-urlencode "email=boss@example.org" \
	--data-urlencode "password=$PW" "$U/login"
check "logged in without a trusted proxy" grep -qi '^set-cookie: tz_admin=[A-Za-z0-9_-]' "$T/headers"
check "an untrusted X-Forwarded-Proto is ignored" sh -c "! grep -i '^set-cookie: tz_admin' '$T/headers' | grep -qi secure"
# TLS ended by a proxy that does not say so: the configuration asks for Secure.
sed -i 's/^idle_hours = 8$/idle_hours = 8\nsecure_cookie = yes/' "$S/tamizdat.ini"
restart
check "secure_cookie: the login is still a 303" test "$(login sc boss@example.org)" = 303
check "secure_cookie marks the session cookie Secure" grep -qi '^set-cookie: tz_admin=[A-Za-z0-9_-]\{43\}; Path=/admin/; HttpOnly; SameSite=Strict.*; Secure' "$T/headers"
check "and the cookie of the login form too" sh -c "curl -s -D - -o /dev/null '$U/login' | grep -i '^set-cookie: tz_pre=' | grep -qi secure"

kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=
finish
