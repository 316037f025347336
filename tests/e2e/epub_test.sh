#!/bin/sh
# End-to-end: `export epub` of a section, of a whole language and of the
# articles since a date, on the demo: checked by Debian's epubcheck when it
# is installed and always by the OCF/OPF rules of epub_check.py; the same
# site gives the same bytes; bad requests get clear errors.
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
jar=/usr/share/java/epubcheck.jar

D=$T/demo
tz -q demo "$D" --no-serve
n_ru_europe=$(tz -C "$D" article list --section ru/europe --status published | wc -l)
n_en=$(tz -C "$D" article list --lang en --status published | wc -l)
since=$(tz -C "$D" article list --status published --json | $PY -c '
import json, sys, datetime
d = sorted(a["date"] for a in json.load(sys.stdin))
print(datetime.datetime.fromtimestamp(d[len(d) // 2], datetime.timezone.utc).strftime("%Y-%m-%d"))')
n_since=$(tz -C "$D" article list --status published --json | $PY -c "
import json, sys, datetime
t = datetime.datetime.strptime('$since', '%Y-%m-%d').replace(tzinfo=datetime.timezone.utc).timestamp()
print(sum(1 for a in json.load(sys.stdin) if a['date'] >= t))")

tz -q -C "$D" export epub ru/europe "$T/ru.epub"
tz -q -C "$D" export epub en "$T/en.epub"
tz -q -C "$D" export epub --since "$since" "$T/since.epub"
check "section book: OCF/OPF rules, $n_ru_europe articles" $PY "$here/epub_check.py" "$T/ru.epub" "$n_ru_europe"
check "language book: OCF/OPF rules, $n_en articles" $PY "$here/epub_check.py" "$T/en.epub" "$n_en"
check "since $since: OCF/OPF rules, $n_since articles" $PY "$here/epub_check.py" "$T/since.epub" "$n_since"
if [ -f "$jar" ] && command -v java >/dev/null; then
	for b in ru en since; do
		if java -jar "$jar" -q "$T/$b.epub" >"$T/epubcheck" 2>&1; then ok; else
			bad "epubcheck $b.epub: $(head -20 "$T/epubcheck")"
		fi
	done
else
	echo "epubcheck not installed: OCF/OPF rules only" >&2
fi
unzip -p "$T/ru.epub" OEBPS/content.opf >"$T/opf"
check "the book is in Russian" contains "$T/opf" '<dc:language>ru</dc:language>'
unzip -p "$T/since.epub" OEBPS/content.opf >"$T/opf2"
check "a mixed book lists its languages" sh -c "test \$(grep -c '<dc:language>' '$T/opf2') -ge 2"
first=$(tz -C "$D" article list --section ru/europe --status published | head -1 | cut -f1)
tz -C "$D" article show "$first" --json >"$T/first.json"
unzip -p "$T/ru.epub" OEBPS/nav.xhtml >"$T/nav"
check "the contents start with the newest article" $PY -c "
import json, xml.etree.ElementTree as ET
title = json.load(open('$T/first.json'))['title']
li = ET.parse('$T/nav').getroot().find('.//{http://www.w3.org/1999/xhtml}li')
assert ''.join(li.itertext()) == title, (title, ''.join(li.itertext()))"
tz -q -C "$D" export epub ru/europe "$T/ru2.epub"
check "same site, same book, byte for byte" cmp "$T/ru.epub" "$T/ru2.epub"
fails_with 'section "ru/nowhere" not found' tz -C "$D" export epub ru/nowhere "$T/x.epub"
fails_with "no published articles since" tz -C "$D" export epub --since 2999-01-01 "$T/x.epub"
fails_with "is not a date" tz -C "$D" export epub --since yesterday "$T/x.epub"
fails_with '"de" is not one of the site' tz -C "$D" export epub de/x "$T/x.epub"
check "no book written on error" test ! -e "$T/x.epub"
finish
