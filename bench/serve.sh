#!/bin/sh
# Static serving: tamizdat's HTTP module against nginx, side by side.
#
#   bench/serve.sh [BUILD_DIR] [SECONDS] [ROUNDS]
#
# Makes a sample public/ folder (a ~20 KB article page with its .gz, a few
# hundred other pages, a stylesheet), serves it with the module's bench
# driver (BUILD_DIR/bench/http_bench, 2 threads) and with nginx (2 workers,
# sendfile, gzip_static, the same security headers), and runs
# `wrk -t2 -c64 -dSECONDS` against each: the article without and with
# Accept-Encoding: gzip, and a rotation over 300 pages.  The two servers
# take turns, ROUNDS times (default 3), and the median requests/s of each
# is printed: on a shared machine the load changes from one run to the next.
# Both servers share the 2 cores with wrk.  NGINX_CACHE=1 gives nginx an
# open_file_cache, its answer to tamizdat's in-memory cache.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
secs=${2:-10}
rounds=${3:-3}
bin=$build/bench/http_bench
[ -x "$bin" ] || { echo "serve.sh: $bin not built (ninja -C $build)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "serve.sh: wrk not installed" >&2; exit 1; }
command -v nginx >/dev/null || { echo "serve.sh: nginx not installed" >&2; exit 1; }

tmp=$(mktemp -d)
chmod 755 "$tmp" # nginx workers run as nobody when started as root
tz_pid=
ng_pid=
cleanup() {
	[ -n "$tz_pid" ] && kill "$tz_pid" 2>/dev/null && wait "$tz_pid" 2>/dev/null
	[ -n "$ng_pid" ] && kill "$ng_pid" 2>/dev/null && wait "$ng_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# The sample site: deterministic, so runs compare.
/usr/bin/python3 - "$tmp/public" <<'EOF'
import gzip, os, random, sys
root = sys.argv[1]
rnd = random.Random(42)
words = ("solidarity workers union strike statement movement region country "
         "translation republished original source analysis report editorial "
         "international comrades city factory wages rights housing").split()
def para(n):
    return " ".join(rnd.choice(words) for _ in range(n)).capitalize() + "."
def page(title, nbytes):
    head = ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<title>%s</title>\n<link rel="stylesheet" href="/css/site.css">\n'
            '<link rel="alternate" type="application/atom+xml" href="/en/atom.xml">\n'
            '</head>\n<body>\n<nav class="crumbs"><a href="/">Site</a> &gt; '
            '<a href="/en/">English</a> &gt; <a href="/en/europe/">Europe</a> &gt; '
            '<a href="/en/europe/russia/">Russia</a></nav>\n<article>\n<h1>%s</h1>\n'
            '<p class="byline">By <a href="/en/authors/collective/">A collective</a>, '
            '<time datetime="2024-03-01">1 March 2024</time></p>\n' % (title, title))
    body = []
    size = len(head)
    while size < nbytes - 200:
        p = "<p>%s</p>\n" % para(rnd.randint(40, 90))
        body.append(p)
        size += len(p)
    return head + "".join(body) + "</article>\n</body>\n</html>\n"
def write(rel, text, gz=True):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = text.encode()
    with open(path, "wb") as f:
        f.write(data)
    if gz:
        with open(path + ".gz", "wb") as f:
            f.write(gzip.compress(data, 9, mtime=0))
write("index.html", page("Home", 12000))
write("en/europe/russia/on-the-left/article/index.html", page("An article", 20480))
for i in range(300):
    write("en/section-%d/article-%d/index.html" % (i % 30, i), page("Article %d" % i, 20480))
write("css/site.css", "body{font:1rem/1.5 serif;max-width:40rem;margin:auto}\n" * 40)
write("404.html", page("Not found", 2000))
EOF
article=/en/europe/russia/on-the-left/article/
size=$(stat -c %s "$tmp/public$article/index.html")
gzsize=$(stat -c %s "$tmp/public$article/index.html.gz")

# A wrk script that rotates over the 300 pages.
cat > "$tmp/rotate.lua" <<'EOF'
local i = 0
request = function()
	i = i + 1
	local n = i % 300
	return wrk.format("GET", "/en/section-" .. (n % 30) .. "/article-" .. n .. "/")
end
EOF

tz_port=18181
ng_port=18182
"$bin" "$tmp/public" $tz_port 2 127.0.0.1 >/dev/null &
tz_pid=$!

ng_cache=
[ "${NGINX_CACHE:-0}" = 1 ] &&
	ng_cache="open_file_cache max=10000 inactive=60s; open_file_cache_valid 1s;"
cat > "$tmp/nginx.conf" <<EOF
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
	$ng_cache
	client_body_temp_path $tmp/ngtmp;
	proxy_temp_path $tmp/ngtmp;
	fastcgi_temp_path $tmp/ngtmp;
	uwsgi_temp_path $tmp/ngtmp;
	scgi_temp_path $tmp/ngtmp;
	server {
		listen 127.0.0.1:$ng_port;
		root $tmp/public;
		add_header Content-Security-Policy "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
		add_header X-Content-Type-Options nosniff;
		add_header Referrer-Policy no-referrer;
		add_header X-Frame-Options DENY;
		add_header Cache-Control no-cache;
	}
}
EOF
mkdir -p "$tmp/ngtmp"
nginx -c "$tmp/nginx.conf" -p "$tmp" &
ng_pid=$!
sleep 1
for p in $tz_port $ng_port; do
	curl -sf -o /dev/null "http://127.0.0.1:$p$article" ||
		{ echo "serve.sh: server on port $p does not answer" >&2; cat "$tmp/nginx-error.log" >&2; exit 1; }
done

rps() { # PORT [wrk args...]
	port=$1
	shift
	wrk -t2 -c64 -d"${secs}s" "$@" "http://127.0.0.1:$port$article" |
		awk '/Requests\/sec/ { printf "%.0f", $2 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf 'article page: %s bytes, %s gzipped; wrk -t2 -c64 -d%ss, median of %s rounds\n' \
	"$size" "$gzsize" "$secs" "$rounds"
printf '%-28s %12s %12s %8s\n' "case" "tamizdat" "nginx" "ratio"
row() { # LABEL [wrk args...]
	label=$1
	shift
	: >"$tmp/a"
	: >"$tmp/b"
	i=0
	while [ $i -lt "$rounds" ]; do
		rps $tz_port "$@" >>"$tmp/a"
		echo >>"$tmp/a"
		rps $ng_port "$@" >>"$tmp/b"
		echo >>"$tmp/b"
		i=$((i + 1))
	done
	a=$(median <"$tmp/a")
	b=$(median <"$tmp/b")
	printf '%-28s %12s %12s %7s%%\n' "$label" "$a" "$b" \
		"$(awk "BEGIN { printf \"%.0f\", 100 * $a / $b }")"
}
row "article, identity"
row "article, gzip" -H "Accept-Encoding: gzip"
row "300 pages rotating, gzip" -H "Accept-Encoding: gzip" -s "$tmp/rotate.lua"
