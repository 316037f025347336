#!/bin/sh
# End-to-end: tamizdat serve over loopback with curl -- content types,
# ETag and Last-Modified with 304, gzip, Range, HEAD, the localised 404,
# path traversal in its encoded forms, security headers, clean shutdown.
. "$(dirname "$0")/lib.sh"

S=$T/site
tz init "$S" --lang en,fr --base-url http://127.0.0.1/ >/dev/null 2>&1
tz -C "$S" -q section add en/europe --title Europe
printf -- '---\ntitle: "Hello"\nlang: en\nsection: europe\n---\n%s\n' \
	"$(yes 'A sentence that repeats to make the page compressible.' | head -200 | tr '\n' ' ')" >"$T/a.md"
tz -C "$S" -q article add "$T/a.md"
echo "secret" >"$T/outside.txt"
ln -s "$T/outside.txt" "$S/public/en/link.txt"
port=$(free_port)
"$TZ_BIN" -q -C "$S" serve --port "$port" &
SERVER_PID=$!
U=http://127.0.0.1:$port
i=0
until curl -s -o /dev/null "$U/" || [ $i -gt 300 ]; do sleep 0.1; i=$((i + 1)); done

h() { curl -s -D - -o /dev/null "$@"; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

check "home is 200" test "$(code "$U/en/")" = 200
h "$U/en/europe/hello/" >"$T/h1"
check "html content type" grep -qi '^content-type: text/html; charset=utf-8' "$T/h1"
check "ETag present" grep -qi '^etag:' "$T/h1"
check "Last-Modified present" grep -qi '^last-modified:' "$T/h1"
check "CSP header" grep -qi "^content-security-policy: default-src 'none'" "$T/h1"
check "nosniff header" grep -qi '^x-content-type-options: nosniff' "$T/h1"
check "no-referrer header" grep -qi '^referrer-policy: no-referrer' "$T/h1"
etag=$(grep -i '^etag:' "$T/h1" | cut -d' ' -f2- | tr -d '\r')
lm=$(grep -i '^last-modified:' "$T/h1" | cut -d' ' -f2- | tr -d '\r')
check "304 on If-None-Match" test "$(code -H "If-None-Match: $etag" "$U/en/europe/hello/")" = 304
check "304 on If-Modified-Since" test "$(code -H "If-Modified-Since: $lm" "$U/en/europe/hello/")" = 304
h -H 'Accept-Encoding: gzip' "$U/en/europe/hello/" >"$T/h2"
check "gzip when accepted" grep -qi '^content-encoding: gzip' "$T/h2"
check "Vary on Accept-Encoding" grep -qi '^vary: accept-encoding' "$T/h2"
curl -s -H 'Accept-Encoding: gzip' "$U/en/europe/hello/" | gunzip >"$T/body.html"
check "gzip body decodes to the page" cmp "$T/body.html" "$S/public/en/europe/hello/index.html"
check "Range gives 206" test "$(code -r 0-99 "$U/en/europe/hello/")" = 206
check "Range gives the right bytes" sh -c "curl -s -r 10-19 '$U/en/europe/hello/' | cmp - \$(head -c 20 '$S/public/en/europe/hello/index.html' | tail -c 10 >'$T/r'; echo '$T/r')"
check "unsatisfiable Range gives 416" test "$(code -r 99999999- "$U/en/europe/hello/")" = 416
curl -s -I "$U/en/europe/hello/" >"$T/head"
check "HEAD has headers" grep -qi '^content-length:' "$T/head"
check "HEAD has no body" test "$(curl -s -I "$U/en/europe/hello/" | wc -c)" -lt 2000
check "atom content type" sh -c "curl -s -D - -o /dev/null '$U/en/atom.xml' | grep -qi '^content-type: application/atom+xml'"
check "css content type" sh -c "curl -s -D - -o /dev/null '$U/style.css' | grep -qi '^content-type: text/css'"
check "folder without slash redirects" test "$(code "$U/en/europe")" = 301
curl -s -o "$T/404" -w '%{http_code}' "$U/fr/nothing/here/" >"$T/404code"
check "missing page is 404" test "$(cat "$T/404code")" = 404
check "404 is localised" contains "$T/404" "Page introuvable"
check "root 404" test "$(code "$U/nothing")" = 404
for p in '/../../../etc/passwd' '/%2e%2e/%2e%2e/etc/passwd' '/%252e%252e/etc/passwd' \
	'/en/..%2f..%2f..%2fetc/passwd' '/en/%2e%2e%5c%2e%2e%5cetc%5cpasswd' '/en/%00/index.html' \
	'/en/link.txt' '/.tamizdat' '/en/.index.html.1.tmp'; do
	c=$(curl -s --path-as-is -o "$T/trav" -w '%{http_code}' "$U$p")
	if [ "$c" = 200 ] && grep -q 'root:\|secret' "$T/trav"; then bad "traversal $p served a file"; else ok; fi
	check "traversal $p refused ($c)" test "$c" = 400 -o "$c" = 404 -o "$c" = 403
done
check "POST to a static page is 405" test "$(code -X POST "$U/en/")" = 405

kill -TERM "$SERVER_PID"
i=0
while kill -0 "$SERVER_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "SIGTERM stops the server" sh -c "! kill -0 $SERVER_PID 2>/dev/null"
wait "$SERVER_PID" 2>/dev/null && rc=0 || rc=$?
check "clean exit status on SIGTERM ($rc)" test "$rc" -eq 0
SERVER_PID=
finish
