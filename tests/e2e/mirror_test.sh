#!/bin/sh
# End-to-end: signed bundles and mirrors on the demo site -- the site key,
# mirrors.json and feeds, `mirror pack` (checked by the stock minisign and
# GNU tar, byte-identical twice), `mirror pull` from a bundle, over HTTP
# (Range into the published tar) and from a mirror folder, the atomic
# switch under a reader, and every kind of bad input refused with the
# mirror untouched.  Onion-Location on every response.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
bt() { $PY "$here/bundle_tool.py" "$@"; }

D=$T/demo
P=$D/public
tz -q demo "$D" --no-serve

# -- the key, mirrors.json, feeds ------------------------------------------
check "secret key has mode 0600" test "$(stat -c %a "$D/minisign.key")" = 600
check "secret key is not published" sh -c "! grep -rqF '$(sed -n 2p "$D/minisign.key" | cut -c1-60)' '$P' '$D/tamizdat.ini'"
check "a build publishes nothing that depends on the key" test ! -e "$P/mirror"
check "mirrors.json lists mirrors, onion, and where the key is" $PY -c "
import json, sys
m = json.load(open('$P/mirrors.json'))
assert len(m['mirrors']) == 2 and m['mirrors'][0].startswith('https://'), m
assert m['onion'].endswith('.onion/') and m['public_key'] == 'mirror/minisign.pub', m"
for f in rss.xml atom.xml en/rss.xml fr/atom.xml; do
	check "$f links the mirrors" contains "$P/$f" 'title="mirror" href="https://tamizdat-demo.example.net/"'
	check "$f links the onion address" contains "$P/$f" 'title="onion" href="http://tamizdatdemo2'
done
check "JSON Feed carries the mirrors" $PY -c "
import json
f = json.load(open('$P/ru/feed.json'))
assert len(f['_mirrors']['mirrors']) == 2 and f['_mirrors']['onion'].endswith('.onion/')"
check "every page's footer lists the mirrors and the onion address" $PY -c "
import os, sys
from html.parser import HTMLParser
class F(HTMLParser):
    def __init__(s):
        super().__init__(); s.depth = 0; s.links = []
    def handle_starttag(s, tag, a):
        a = dict(a)
        if tag == 'footer': s.depth += 1
        if s.depth and tag == 'a': s.links.append(a.get('href'))
    def handle_endtag(s, tag):
        if tag == 'footer': s.depth -= 1
m = __import__('json').load(open('$P/mirrors.json'))
bad = n = 0
for d, _, fs in os.walk('$P'):
    for f in fs:
        if f.endswith('.html'):
            p = F(); p.feed(open(os.path.join(d, f), encoding='utf-8').read()); n += 1
            if not all(u in p.links for u in m['mirrors'] + [m['onion']]):
                bad += 1; print(os.path.join(d, f), p.links, file=sys.stderr)
assert n > 300 and bad == 0, (n, bad)"
check "every feed links every mirror and the onion address" $PY -c "
import json, os, sys
m = json.load(open('$P/mirrors.json'))
n = 0
for d, _, fs in os.walk('$P'):
    for f in fs:
        if f in ('rss.xml', 'atom.xml', 'feed.json'):
            t = open(os.path.join(d, f), encoding='utf-8').read(); n += 1
            if f == 'feed.json':
                x = json.loads(t)['_mirrors']
                assert x['mirrors'] == m['mirrors'] and x['onion'] == m['onion'], (d, f)
            else:
                for u in m['mirrors']:
                    assert 'title=\"mirror\" href=\"%s\"' % u in t, (d, f, u)
                assert 'title=\"onion\" href=\"%s\"' % m['onion'] in t, (d, f)
assert n > 300, n"
check "feedparser reads the mirror links" $PY -c "
import feedparser
d = feedparser.parse('$P/en/atom.xml')
assert sum(1 for l in d.feed.links if l.get('title') == 'mirror') == 2"

# -- keygen ------------------------------------------------------------------
K=$T/keysite
tz -q init "$K" --base-url http://keys.example/
tz -q -C "$K" build
check "init makes the key, 0600" test "$(stat -c %a "$K/minisign.key")" = 600 -a -s "$K/minisign.pub"
cp "$K/minisign.pub" "$T/k1.pub"
fails_with "--force" tz -C "$K" mirror keygen
check "keygen keeps an existing key" cmp "$K/minisign.pub" "$T/k1.pub"
tz -q -C "$K" mirror keygen --force
check "keygen --force makes a new key" sh -c "! cmp -s '$K/minisign.pub' '$T/k1.pub'"
check "the new key is 0600" test "$(stat -c %a "$K/minisign.key")" = 600
rm "$K/minisign.key" "$K/minisign.pub"
fails_with "mirror keygen" tz -C "$K" mirror pack
check "no bundle without a key" test ! -e "$K/public/mirror/site.tar"
tz -q -C "$K" mirror keygen
tz -q -C "$K" mirror pack
check "a key made by keygen signs bundles minisign accepts" \
	minisign -Vqm "$K/public/mirror/site.tar" -p "$K/minisign.pub"

# -- pack --------------------------------------------------------------------
SOURCE_DATE_EPOCH=1700000000 tz -q -C "$D" mirror pack "$T/a.tar"
for f in site.tar site.tar.minisig manifest manifest.minisig; do
	check "public/mirror/$f written" test -s "$P/mirror/$f"
done
check "the public key is published" cmp "$D/minisign.pub" "$P/mirror/minisign.pub"
check "minisign -V verifies mirrors.json" \
	minisign -Vqm "$P/mirrors.json" -x "$P/mirror/mirrors.json.minisig" -p "$P/mirror/minisign.pub"
check "minisign -V verifies the bundle" minisign -Vqm "$P/mirror/site.tar" -p "$D/minisign.pub"
check "minisign -V verifies the manifest" minisign -Vqm "$P/mirror/manifest" -p "$D/minisign.pub"
check "minisign -V takes the base64 key too" minisign -Vqm "$T/a.tar" -P "$(tail -1 "$D/minisign.pub")"
check "OUT is the published bundle" cmp "$T/a.tar" "$P/mirror/site.tar"
check "mirror verify accepts it" tz mirror verify "$T/a.tar" --pubkey "$D/minisign.pub"
SOURCE_DATE_EPOCH=1700000000 tz -q -C "$D" mirror pack "$T/b.tar"
check "same site, same bundle, byte for byte" cmp "$T/a.tar" "$T/b.tar"
check "same signature (Ed25519 is deterministic)" cmp "$T/a.tar.minisig" "$T/b.tar.minisig"
mkdir "$T/x"
tar -xf "$T/a.tar" -C "$T/x"
check "GNU tar extracts exactly the site" diff -r -x mirror "$P" "$T/x"
check "Python's tarfile reads it" $PY -c "
import tarfile
n = len(tarfile.open('$T/a.tar').getnames())
assert n > 1000, n"
tz -q -C "$D" build
check "a full build keeps public/mirror/" test -f "$P/mirror/site.tar" -a -f "$P/mirror/manifest"

# -- pull from a bundle file -------------------------------------------------
tz -q mirror pull "$T/a.tar" "$T/m" --pubkey "$D/minisign.pub"
check "the mirror is a symbolic link to a version" test -L "$T/m" -a -d "$T/m.mirror/1700000000"
check "the mirror holds the site" diff -r -x mirror "$P" "$T/m"
check "the first pull pins the key" cmp "$D/minisign.pub" "$T/m.mirror/minisign.pub"
check "the mirror publishes the key and the signed mirrors.json" \
	minisign -Vqm "$T/m/mirrors.json" -x "$T/m/mirror/mirrors.json.minisig" -p "$T/m/mirror/minisign.pub"
tz mirror pull "$T/a.tar" "$T/m" 2>"$T/err"
check "pulling the same bundle again changes nothing" contains "$T/err" "up to date"
# A mirror whose own manifest was damaged is refetched whole, and the
# version readers are in stays until the switch (then is kept as the previous).
tz -q mirror pull "$T/a.tar" "$T/dm" --pubkey "$D/minisign.pub"
echo damaged >"$T/dm/mirror/manifest"
tz mirror pull "$T/a.tar" "$T/dm" 2>"$T/err"
check "a damaged mirror manifest is reported" contains "$T/err" "fetching everything"
check "the damaged mirror is whole again" diff -r -x mirror "$P" "$T/dm"
check "the version readers were in was not deleted under them" \
	test -d "$T/dm.mirror/1700000000" -a "$(readlink "$T/dm")" = dm.mirror/1700000000.1
tz mirror pull "$T/a.tar" "$T/dm" 2>"$T/err"
check "and is up to date after" contains "$T/err" "up to date"

# -- edit, pack, pull over HTTP under a reader -------------------------------
id=$(tz -C "$D" article list --lang en --status published | head -1 | cut -f1)
tz -C "$D" article show "$id" | sed 's/^title: "\(.*\)"$/title: "\1 (edited)"/' >"$T/e.md"
tz -q -C "$D" article update "$id" "$T/e.md"
tz -q -C "$D" mirror pack
cp "$P/mirror/site.tar" "$T/new.tar"
port=$(free_port)
"$TZ_BIN" -q -C "$D" serve --port "$port" &
SERVER_PID=$!
U=http://127.0.0.1:$port
i=0
until curl -s -o /dev/null "$U/" || [ $i -gt 300 ]; do sleep 0.1; i=$((i + 1)); done
allowed=$(sha256sum "$T/m/index.html" "$P/index.html" | cut -d' ' -f1 | tr '\n' ,)
$PY -c "
import hashlib, os, sys
allowed = set('$allowed'.split(','))
n = bad = 0
while not os.path.exists('$T/stop') or n < 10:
    try:
        h = hashlib.sha256(open('$T/m/index.html', 'rb').read()).hexdigest()
    except OSError:
        bad += 1
        continue
    n += 1
    bad += h not in allowed
print(n, bad)" >"$T/reader" &
reader=$!
tz mirror pull "$U/" "$T/m" 2>"$T/pull.log"
touch "$T/stop"
wait $reader
check "pull over HTTP brings the edit" diff -r -x mirror "$P" "$T/m"
check "a reader during the pull saw only whole versions ($(cat "$T/reader"))" \
	test "$(cut -d' ' -f2 "$T/reader")" = 0
fetched=$(sed -n 's/.* \([0-9]*\) fetched.*/\1/p' "$T/pull.log")
kept=$(sed -n 's/.*, \([0-9]*\) kept.*/\1/p' "$T/pull.log")
check "only the changed files were fetched ($fetched fetched, $kept kept)" \
	test "${fetched:-0}" -gt 0 -a "${fetched:-0}" -lt 200 -a "${kept:-0}" -gt 1000
check "the previous version stays for readers inside it" test -d "$T/m.mirror/1700000000"

# A mirror of the mirror: a folder without site.tar, files fetched by path.
tz -q mirror pull "$T/m" "$T/m2" --pubkey "$(tail -1 "$D/minisign.pub")"
check "a mirror of a mirror holds the site" diff -r -x mirror "$P" "$T/m2"
# A static server that ignores Range (Python's) serving the mirror.
pyport=$(free_port)
(cd "$T/m" && exec $PY -m http.server -b 127.0.0.1 "$pyport") >/dev/null 2>&1 &
pypid=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$pyport/" || [ $i -gt 300 ]; do sleep 0.1; i=$((i + 1)); done
tz -q mirror pull "http://127.0.0.1:$pyport/" "$T/m3" --pubkey "$D/minisign.pub"
kill $pypid
check "pull from a server without Range" diff -r -x mirror "$P" "$T/m3"

# -- bad input: refused, the mirror untouched --------------------------------
snap() { (cd "$T/m" && find . -type f | sort | xargs sha256sum && readlink "$T/m" && ls -a "$T/m.mirror"); }
snap >"$T/before"
refused() { # refused WHAT MESSAGE SOURCE [ARGS...]
	what=$1
	shift
	fails_with "$@"
	snap >"$T/after"
	check "$what: mirror untouched" cmp "$T/before" "$T/after"
}
bt truncate "$T/new.tar" "$T/trunc.tar"
refused "truncated bundle" "truncated bundle" tz mirror pull "$T/trunc.tar" "$T/m"
bt drop "$T/new.tar" "$T/drop.tar" en/index.html
refused "file missing" 'lists "en/index.html", which the bundle does not contain' \
	tz mirror pull "$T/drop.tar" "$T/m"
bt rename "$T/new.tar" "$T/dots.tar" ../../evil.html
refused "path with .." "unsafe path in bundle" tz mirror pull "$T/dots.tar" "$T/m"
bt rename "$T/new.tar" "$T/abs.tar" /tmp/evil.html
refused "absolute path" "unsafe path in bundle" tz mirror pull "$T/abs.tar" "$T/m"
check "nothing written outside" test ! -e "$T/evil.html" -a ! -e /tmp/evil.html
bt flip "$T/new.tar" "$T/tampered.tar" mirror/manifest
refused "tampered manifest" "bad signature" tz mirror pull "$T/tampered.tar" "$T/m"
refused "replayed older bundle" "refusing a downgrade" tz mirror pull "$T/a.tar" "$T/m"
tz -q init "$T/other" --base-url http://other.example/
tz -q -C "$T/other" build
tz -q -C "$T/other" mirror pack "$T/other.tar"
refused "bundle signed by another key" "not with the expected key" \
	tz mirror pull "$T/other.tar" "$T/m"
refused "wrong --pubkey" "not with the expected key" \
	tz mirror pull "$T/new.tar" "$T/m" --pubkey "$T/other/minisign.pub"
bt flip "$T/new.tar" "$T/corrupt.tar" en/index.html
fails_with "is corrupt in the bundle" tz mirror pull "$T/corrupt.tar" "$T/fresh" \
	--pubkey "$D/minisign.pub"
check "a failed first pull leaves no mirror" test ! -e "$T/fresh"
check "no temporary version left" sh -c "! ls -a '$T/fresh.mirror' | grep -q tmp"
fails_with "is corrupt in the bundle" tz mirror verify "$T/corrupt.tar" --pubkey "$D/minisign.pub"
fails_with "not with the expected key" tz mirror verify "$T/new.tar" --pubkey "$T/other/minisign.pub"
# Into a mirror one version behind, from every kind of source: a bad
# signature or a corrupt changed file is refused and changes nothing.
tz -q mirror pull "$T/a.tar" "$T/o" --pubkey "$D/minisign.pub"
snapo() { (cd "$T/o" && find . -type f | sort | xargs sha256sum && readlink "$T/o" && ls -a "$T/o.mirror"); }
snapo >"$T/o.before"
untouched() { snapo >"$T/o.after"; check "$1: older mirror untouched" cmp "$T/o.before" "$T/o.after"; }
changed=$(diff -rq "$T/o/" "$T/m/" | sed -n 's|^Files .* and '"$T"'/m/\(.*index\.html\) differ$|\1|p' | head -1)
check "the edit changed a page ($changed)" test -n "$changed"
bt flip "$T/new.tar" "$T/corrupt2.tar" "$changed"
fails_with "\"$changed\" is corrupt in the bundle" tz mirror pull "$T/corrupt2.tar" "$T/o"
untouched "corrupt changed file in a bundle"
bt drop "$T/new.tar" "$T/drop2.tar" "$changed"
fails_with "which the bundle does not contain" tz mirror pull "$T/drop2.tar" "$T/o"
untouched "manifest lists a file the bundle lacks"
# A copy of the new version served over plain HTTP, then damaged.
cp -r "$T/m/" "$T/srv"
pyport=$(free_port)
(cd "$T/srv" && exec $PY -m http.server -b 127.0.0.1 "$pyport") >/dev/null 2>&1 &
pypid=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$pyport/" || [ $i -gt 300 ]; do sleep 0.1; i=$((i + 1)); done
S=http://127.0.0.1:$pyport/
cp "$T/srv/$changed" "$T/good.html"
$PY -c "
f = open('$T/srv/$changed', 'r+b'); b = bytearray(f.read()); b[len(b) // 2] ^= 0x20
f.seek(0); f.write(b)"
fails_with "is not the signed file" tz mirror pull "$S" "$T/o"
untouched "corrupt file over HTTP"
fails_with "is not the signed file" tz mirror pull "$T/srv" "$T/o"
untouched "corrupt file in a folder"
cp "$T/good.html" "$T/srv/$changed"
printf 'defaced' >>"$T/srv/$changed"
fails_with "is larger than the signed" tz mirror pull "$S" "$T/o"
untouched "longer file over HTTP"
fails_with "is larger than" tz mirror pull "$T/srv" "$T/o"
untouched "longer file in a folder"
rm "$T/srv/$changed"
fails_with "HTTP 404" tz mirror pull "$S" "$T/o"
untouched "file missing over HTTP"
fails_with "$changed" tz mirror pull "$T/srv" "$T/o"
untouched "file missing in a folder"
cp "$T/good.html" "$T/srv/$changed"
cp "$T/srv/mirror/manifest" "$T/good.manifest"
sed -i '1s/$/ /' "$T/srv/mirror/manifest"
fails_with "manifest signature refused" tz mirror pull "$S" "$T/o"
untouched "tampered manifest over HTTP"
cp "$T/good.manifest" "$T/srv/mirror/manifest"
cp "$T/other/public/mirror/manifest.minisig" "$T/srv/mirror/manifest.minisig"
fails_with "not with the expected key" tz mirror pull "$S" "$T/o"
untouched "signature by another key over HTTP"
cp "$T/m/mirror/manifest.minisig" "$T/srv/mirror/manifest.minisig"
tz -q mirror pull "$S" "$T/o"
kill $pypid
check "repaired, the same source updates the mirror" diff -r -x mirror "$P" "$T/o"
# A pull between the two files `mirror pack` writes sees a signature that
# does not match the manifest yet: it asks again a moment later.
pyport=$(free_port)
cp "$T/other/public/mirror/manifest.minisig" "$T/stale.minisig"
(cd "$T/srv" && exec $PY -c "
import http.server, os, sys
class H(http.server.SimpleHTTPRequestHandler):
    n = 0
    def do_GET(self):
        if self.path == '/mirror/manifest.minisig':
            H.n += 1
            open('$T/sig-asked', 'w').write(str(H.n))
            if H.n == 1:
                b = open('$T/stale.minisig', 'rb').read()
                self.send_response(200)
                self.send_header('Content-Length', str(len(b)))
                self.end_headers()
                self.wfile.write(b)
                return
        super().do_GET()
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(('127.0.0.1', $pyport), H).serve_forever()
") >/dev/null 2>&1 &
pypid=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$pyport/" || [ $i -gt 300 ]; do sleep 0.1; i=$((i + 1)); done
check "a signature caught mid-pack is fetched again" tz -q mirror pull "http://127.0.0.1:$pyport/" "$T/o"
check "and asked for twice" test "$(cat "$T/sig-asked")" = 2
kill $pypid

mkdir "$T/full"
echo x >"$T/full/file"
fails_with "not a mirror made by tamizdat" tz mirror pull "$T/new.tar" "$T/full" \
	--pubkey "$D/minisign.pub"

# -- minisign interoperability: the secret key and tamizdat's signatures -----
echo "a newsletter" >"$T/msg"
check "minisign signs with the site's secret key" sh -c \
	"minisign -S -s '$D/minisign.key' -m '$T/msg' </dev/null"
check "and verifies that with the site's public key" minisign -Vqm "$T/msg" -p "$D/minisign.pub"
echo "another file" >"$T/msg2"
tz -q -C "$D" mirror sign "$T/msg2"
check "mirror sign makes a signature minisign accepts" minisign -Vqm "$T/msg2" -p "$D/minisign.pub"

# -- Onion-Location on every response ----------------------------------------
onion=$($PY -c "import json; print(json.load(open('$P/mirrors.json'))['onion'])")
onion_of() { curl -s -D - -o /dev/null "$U$1" | tr -d '\r' | sed -n 's/^[Oo]nion-[Ll]ocation: //p'; }
for p in / /en/ /style.css /atom.xml /en/feed.json /mirrors.json /mirror/manifest; do
	check "Onion-Location on $p names it on the onion" test "$(onion_of "$p")" = "${onion%/}$p"
done
check "Onion-Location on a missing page" sh -c "curl -s -D - -o /dev/null '$U/nothing/here/' | grep -qi '^onion-location: $onion'"
check "Onion-Location on a dynamic page" sh -c "curl -s -D - -o /dev/null '$U/admin/' | grep -qi '^onion-location: $onion'"
a=$(find "$P/ru" -mindepth 5 -name index.html | head -1)
check "the page has the onion-location meta tag" contains "$a" '<meta http-equiv="onion-location" content="http://tamizdatdemo2'
rel=${a#"$P/"}
check "the page's meta tag names the same page on the onion" grep -q \
	"<meta http-equiv=\"onion-location\" content=\"http://tamizdatdemo2[a-z0-9]*\\.onion/${rel%index.html}\">" "$a"
meta=$(sed -n 's/.*<meta http-equiv="onion-location" content="\([^"]*\)">.*/\1/p' "$a")
check "the header matches the page's meta tag" test "$(onion_of "/${rel%index.html}")" = "$meta"
check "the home's meta tag is the onion address itself" grep -q \
	'<meta http-equiv="onion-location" content="http://tamizdatdemo2[a-z0-9]*\.onion/">' "$P/index.html"
finish
