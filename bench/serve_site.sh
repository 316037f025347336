#!/bin/sh
# The built-in server on a real built site: `tamizdat serve` against nginx
# serving the same public/ folder, wrk -t2 -c64 on one article page.
#
#   bench/serve_site.sh [COUNT] [SECONDS] [ROUNDS]   default: 10000, 10, 3
#
# Uses the site bench/build.sh made (building it if needed).  The servers
# take turns ROUNDS times and the medians are printed.
. "$(dirname "$0")/common.sh"
count=${1:-10000}
secs=${2:-10}
rounds=${3:-3}
command -v wrk >/dev/null || { echo "serve_site.sh: wrk not installed" >&2; exit 1; }
command -v nginx >/dev/null || { echo "serve_site.sh: nginx not installed" >&2; exit 1; }
site=$out/site-$count
if [ ! -f "$site/public/index.html" ]; then
	c=$(corpus "$count")
	rm -rf "$site"
	"$tz" -q init "$site" --lang en,fr,ru,uk --base-url https://example.org/
	"$tz" -q -C "$site" import markdown "$c"
fi
# An article page in the middle of the archive.
id=$("$tz" -C "$site" article list --lang ru --status published | sed -n '100p' | cut -f1)
path=/$("$tz" -C "$site" article list --lang ru --status published | sed -n '100p' | cut -f5)/
tmp=$(mktemp -d)
chmod 755 "$tmp" "$site" "$site/public" # nginx workers run as nobody
tz_pid=
ng_pid=
cleanup() {
	[ -n "$tz_pid" ] && kill "$tz_pid" 2>/dev/null && wait "$tz_pid" 2>/dev/null
	[ -n "$ng_pid" ] && kill "$ng_pid" 2>/dev/null && wait "$ng_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
tz_port=18191
ng_port=18192
"$tz" -q -C "$site" serve --port $tz_port >/dev/null 2>&1 &
tz_pid=$!
cat >"$tmp/nginx.conf" <<NGINX
worker_processes 2;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 1024; }
http {
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	access_log off;
	sendfile on;
	tcp_nopush on;
	gzip_static on;
	client_body_temp_path $tmp/ngtmp;
	proxy_temp_path $tmp/ngtmp;
	fastcgi_temp_path $tmp/ngtmp;
	uwsgi_temp_path $tmp/ngtmp;
	scgi_temp_path $tmp/ngtmp;
	server {
		listen 127.0.0.1:$ng_port;
		root $site/public;
		add_header Content-Security-Policy "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
		add_header X-Content-Type-Options nosniff;
		add_header Referrer-Policy no-referrer;
		add_header Cache-Control no-cache;
	}
}
NGINX
mkdir -p "$tmp/ngtmp"
nginx -c "$tmp/nginx.conf" -p "$tmp" &
ng_pid=$!
sleep 1
for p in $tz_port $ng_port; do
	curl -sf -o /dev/null "http://127.0.0.1:$p$path" ||
		{ echo "serve_site.sh: no answer on $p for $path" >&2; cat "$tmp/nginx-error.log" >&2; exit 1; }
done
rps() { # PORT [wrk args...]
	port=$1
	shift
	wrk -t2 -c64 -d"${secs}s" "$@" "http://127.0.0.1:$port$path" |
		awk '/Requests\/sec/ { printf "%.0f", $2 }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf 'article %s (%s bytes, %s gzipped); wrk -t2 -c64 -d%ss, median of %s rounds\n' \
	"$path" "$(stat -c %s "$site/public$path/index.html")" \
	"$(stat -c %s "$site/public$path/index.html.gz")" "$secs" "$rounds"
printf '%-22s %12s %12s %8s\n' "case" "tamizdat" "nginx" "ratio"
row() {
	label=$1
	shift
	: >"$tmp/a"
	: >"$tmp/b"
	for i in $(seq "$rounds"); do
		rps $tz_port "$@" >>"$tmp/a"
		echo >>"$tmp/a"
		rps $ng_port "$@" >>"$tmp/b"
		echo >>"$tmp/b"
	done
	a=$(median <"$tmp/a")
	b=$(median <"$tmp/b")
	printf '%-22s %12s %12s %7s%%\n' "$label" "$a" "$b" "$(awk "BEGIN { printf \"%.0f\", 100 * $a / $b }")"
}
row "article, identity"
row "article, gzip" -H "Accept-Encoding: gzip"
