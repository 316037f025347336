#!/bin/sh
# End-to-end: kill -9 at random moments of a build and of an incremental
# publish.  The store must stay consistent, every page on disk must be
# whole, and the next build or publish must give exactly the site a clean
# build gives.
. "$(dirname "$0")/lib.sh"

$PY "$TZ_SHARED/bench/gen_corpus.py" --count 400 --out "$T/corpus" --workers 1 >/dev/null
S=$T/site
tz init "$S" --lang en,fr,ru,uk --base-url https://example.org/ >/dev/null 2>&1
tz -C "$S" -q import markdown "$T/corpus" --no-publish

whole_pages() { # every HTML page on disk is complete
	find "$S/public" -name '*.html' ! -name '.*' -print0 |
		xargs -0 -r tail -c 8 | grep -c '</html>' >"$T/n_ends" || true
	n=$(find "$S/public" -name '*.html' ! -name '.*' | wc -l)
	[ "$n" -eq "$(cat "$T/n_ends")" ]
}
integrity() {
	[ "$(sqlite3 "$S/tamizdat.db" 'PRAGMA integrity_check')" = ok ]
}

for delay in 0.05 0.2 0.4 0.8; do
	"$TZ_BIN" -q -C "$S" build &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	check "store intact after kill -9 during build ($delay s)" integrity
	check "no half-written page after kill -9 during build ($delay s)" whole_pages
done
tz -C "$S" -q build
check "no temporary files left after a full build" sh -c "! find '$S/public' -name '.*.tmp' | grep -q ."

# Kill during article updates: the change is saved, its publish is queued.
ids=$(tz -C "$S" article list --status published | head -8 | cut -f1)
for id in $ids; do
	tz -C "$S" article show "$id" | sed 's/^title: "\(.*\)"$/title: "\1 — revised"/' >"$T/u.md"
	"$TZ_BIN" -q -C "$S" article update "$id" "$T/u.md" &
	pid=$!
	sleep 0.0$(($(od -An -N1 -tu1 /dev/urandom) % 9 + 1))
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
done
check "store intact after kills during publishing" integrity
tz -C "$S" -q publish
check "pages whole after catching up" whole_pages
cp "$S/tamizdat.db" "$T/copy.db"
mkdir -p "$T/clean"
cp "$S/tamizdat.ini" "$T/clean/"
cp "$T/copy.db" "$T/clean/tamizdat.db"
tz -C "$T/clean" -q build
diff -r "$S/public" "$T/clean/public" >"$T/diff" 2>&1 && ok || bad "after the kills, the site differs from a clean build: $(head -5 "$T/diff")"

# A full disk: the build fails with a clear message and the store is untouched.
S2=$T/full
mkdir -p "$S2" "$T/small"
cp "$S/tamizdat.ini" "$S/tamizdat.db" "$S2/"
if mount -t tmpfs -o size=2m tmpfs "$T/small" 2>/dev/null; then
	ln -s "$T/small" "$S2/public"
	if "$TZ_BIN" -q -C "$S2" build 2>"$T/err"; then
		bad "a build on a full disk should fail"
	else
		check "full disk is reported" grep -q "No space left on device" "$T/err"
	fi
	check "store intact after a full disk" sh -c "[ \"\$(sqlite3 '$S2/tamizdat.db' 'PRAGMA integrity_check')\" = ok ]"
	umount "$T/small" || true
else
	echo "skipping the full-disk case (cannot mount a tmpfs here)"
fi
finish
