#!/bin/sh
# End-to-end: tamizdat import wxr on the WordPress Theme Unit Test export
# and the importer's fixtures -- the report, the published pages and the
# redirect pages for old addresses (checked by following them), the
# idempotent second run, --dry-run, --no-pages, located errors that import
# nothing, and tamizdat serve answering WordPress's /?p=ID links.
. "$(dirname "$0")/lib.sh"

W=$TZ_SHARED/testdata/wxr
TUT=$W/theme-test-data/themeunittestdata.wordpress.xml
S=$T/site
tz init "$S" --title "Imported" --lang en --base-url https://example.org/ >/dev/null 2>&1

# The import, its report and the build.
tz -C "$S" import wxr "$TUT" >"$T/out" 2>&1 || bad "import wxr failed: $(cat "$T/out")"
check "report counts articles" contains "$T/out" "79 articles (58 posts, 21 pages: 79 added"
check "report gives skipped and why" contains "$T/out" "skipped 37 attachments"
check "report says comments are not imported" contains "$T/out" "33 comments not imported"
check "report counts redirects" grep -q "[0-9] old addresses redirected" "$T/out"
P=$S/public/en/classic/markup-html-tags-and-formatting/index.html
check "post page is published" test -f "$P"
check "post page has its title" contains "$P" "Markup: HTML Tags and Formatting"
check "post page has its author" contains "$P" "Theme Buster"
check "post body kept its markup" contains "$P" "<h2>"
check "no script survived in any page" sh -c "! grep -rl '<script' '$S/public' --include=index.html"
check "pages have their own section" test -f "$S/public/en/pages/about/index.html"
check "draft is not published" sh -c "! grep -rlF '>Draft<' '$S/public/en' --include=index.html"

# Old addresses: the permalink, /p/ID/ and the category archive lead to the page.
R=$S/public/2013/01/11/markup-html-tags-and-formatting/index.html
check "permalink redirect page" contains "$R" \
	'url=../../../../en/classic/markup-html-tags-and-formatting/index.html'
id=$(grep -l 'en/classic/markup-html-tags-and-formatting/index.html' "$S"/public/p/*/index.html |
	head -1 | sed 's,.*/p/\([0-9]*\)/index.html,\1,')
check "p/ID redirect page" test -n "$id"
check "category archive redirect" contains "$S/public/category/classic/index.html" \
	'url=../../en/classic/index.html'
check "every relative link resolves" $PY "$(dirname "$0")/check_links.py" "$S/public"

check "no progress bar when stderr is not a terminal" sh -c "! grep -q 'importing \[' '$T/out'"

# Again: nothing duplicated; on a terminal, with a progress bar to 100%.
if command -v script >/dev/null 2>&1; then
	script -qec "'$TZ_BIN' -C '$S' import wxr '$TUT' --no-publish" /dev/null >"$T/tty" 2>&1
	check "progress bar on a terminal" grep -q 'importing \[#*\] *100%' "$T/tty"
fi
tz -C "$S" import wxr "$TUT" >"$T/out2" 2>&1 || bad "second import failed"
check "second import adds nothing" contains "$T/out2" "0 added, 0 updated, 79 unchanged"
n=$(tz -C "$S" article list 2>/dev/null | wc -l)
check "no duplicates after the second import ($n)" test "$n" -eq 79

# --dry-run saves nothing; --no-pages skips pages.
D=$T/dry
tz init "$D" --title D --lang en >/dev/null 2>&1
tz -C "$D" import wxr "$TUT" --dry-run >"$T/out3" 2>&1 || bad "dry run failed"
check "dry run says so" contains "$T/out3" "dry run, nothing saved: 79 articles"
check "dry run saves nothing" test "$(tz -C "$D" article list 2>/dev/null | wc -l)" -eq 0
tz -C "$D" import wxr "$W/wordpress-importer/phpunit-data/small-export.xml" --no-pages \
	>"$T/out4" 2>&1 || bad "--no-pages import failed"
check "--no-pages imports the posts only" contains "$T/out4" "6 articles (6 posts, 0 pages"
check "--no-pages says what it skipped" contains "$T/out4" "skipped 5 pages (--no-pages)"

# Broken files: refused with FILE:LINE:COLUMN, nothing imported.
E=$T/broken
tz init "$E" --title E --lang en >/dev/null 2>&1
for f in malformed.xml:90: missing-version-tag.xml: invalid-version-tag.xml: \
	malformed-simple.xml:; do
	file=${f%%:*}
	fails_with "$file:${f#*:}" tz -C "$E" import wxr "$W/wordpress-importer/phpunit-data/$file"
	check "$file: error has a line and column" grep -q "$file:[0-9]*:[0-9]*: " "$T/err"
done
check "nothing imported from broken files" test "$(tz -C "$E" article list 2>/dev/null | wc -l)" -eq 0
fails_with "No such file" tz -C "$E" import wxr "$T/nothing.xml"

# tamizdat serve sends /?p=ID to its redirect page.
port=$(free_port)
"$TZ_BIN" -q -C "$S" serve --port "$port" >/dev/null 2>&1 &
SERVER_PID=$!
U=http://127.0.0.1:$port
i=0
until curl -s -o /dev/null "$U/" || [ $i -gt 300 ]; do sleep 0.1; i=$((i + 1)); done
loc=$(curl -s -D - -o /dev/null "$U/?p=$id" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
check "/?p=ID redirects to p/ID/ ($loc)" test "$loc" = "p/$id/"
end=$(curl -s -L -o /dev/null -w '%{http_code}' "$U/?p=$id")
check "the redirect is followed to a page" test "$end" = 200
check "/?p=unknown is the front page" test "$(curl -s -o /dev/null -w '%{http_code}' "$U/?p=999999")" = 200
check "/index.php?page_id=ID redirects" sh -c "curl -s -D - -o /dev/null '$U/index.php?page_id=$id' | grep -qi '^location: p/$id/'"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=

# Behind nginx: the rules the manual gives do the same.
if command -v nginx >/dev/null 2>&1; then
	N=$T/nginx
	mkdir -p "$N"
	sed -n '/behind nginx the same is/,/^\.Ed/p' "$(dirname "$0")/../../docs/tamizdat.1" |
		grep '^if ' >"$N/rules"
	check "the manual gives the nginx rules" test "$(wc -l <"$N/rules")" -eq 2
	port=$(free_port)
	cat >"$N/nginx.conf" <<NGINX
daemon off; master_process off; worker_processes 1; pid $N/pid; error_log $N/error.log;
events { worker_connections 64; }
http { access_log off; server { listen 127.0.0.1:$port; root $S/public; $(cat "$N/rules") } }
NGINX
	nginx -e "$N/error.log" -p "$N" -c "$N/nginx.conf" &
	SERVER_PID=$!
	U=http://127.0.0.1:$port
	i=0
	until curl -s -o /dev/null "$U/" || [ $i -gt 50 ]; do sleep 0.1; i=$((i + 1)); done
	end=$(curl -s -L -o "$T/p.html" -w '%{http_code} %{url_effective}' "$U/?p=$id")
	check "nginx: /?p=ID leads to p/ID/ ($end)" test "$end" = "200 $U/p/$id/"
	check "nginx: p/ID/ leads to the article" contains "$T/p.html" \
		"en/classic/markup-html-tags-and-formatting/index.html"
	end=$(curl -s -L -o /dev/null -w '%{http_code} %{url_effective}' "$U/?page_id=$id")
	check "nginx: /?page_id=ID too" test "$end" = "200 $U/p/$id/"
	kill "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=
fi

finish
