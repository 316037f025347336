#!/bin/sh
# End-to-end: the command-line contract -- init, sections, articles and
# their workflow, and the one-line errors for bad input.
. "$(dirname "$0")/lib.sh"

S=$T/site
tz init "$S" --title "Test Site" --lang en,ru --base-url https://example.org/news >/dev/null 2>&1
check "init writes the configuration" contains "$S/tamizdat.ini" "base_url = https://example.org/news/"
check "init creates the store" test -f "$S/tamizdat.db"
# The language switch must lead somewhere even before a language has content.
check "init builds every language's home" test -f "$S/public/ru/index.html"
check "init builds the stylesheet" test -f "$S/public/style.css"
rm "$S/public/ru/index.html"
tz -C "$S" -q publish
check "a missing language home is rebuilt by the next publish" test -f "$S/public/ru/index.html"
fails_with "already holds a tamizdat site" tz init "$S"
fails_with "not a tamizdat site" tz -C "$T" article list

tz -C "$S" -q section add en/europe --title "Europe"
tz -C "$S" -q section add en/europe/russia --title "Russia" --description "From Russia"
tz -C "$S" -q section add en/europe/russia/left --title "On the left (Russia)"
tz -C "$S" -q section add ru/evropa --title "Европа"
fails_with "parent section \"en/asia\" not found" tz -C "$S" section add en/asia/japan --title J
fails_with "a title is required" tz -C "$S" section add en/asia
fails_with "not one of the site's" tz -C "$S" section add de/x --title X
tz -C "$S" section list >"$T/sections"
check "section list shows the tree" contains "$T/sections" "en/europe/russia/left"

cat >"$T/a1.md" <<'MD'
---
title: "The long winter of the district papers"
surtitle: "Report"
subtitle: "How local newsrooms closed one by one"
lead: "Three newspapers closed in a year."
lang: en
section: europe/russia/left
date: 2026-03-14T09:30:00Z
first_published: 2026-03-10
source_name: "Samizdat Archive"
source_url: "https://samizdat-archive.example.org/2026/03/winter"
original_lang: ru
translators: ["Vera Ivanova"]
licence: "CC BY 4.0"
authors: ["Anna Karov", {name: "Memorial Collective", kind: organisation}]
tags: ["press freedom", "regions"]
translationKey: "winter"
---
First paragraph with a [link](/en/europe/).

## A heading

Second paragraph.
MD
out=$(tz -C "$S" article add "$T/a1.md" 2>/dev/null)
id=$(echo "$out" | cut -f1)
check "article add prints the id" test -n "$id"
P=$S/public/en/europe/russia/left/the-long-winter-of-the-district-papers/index.html
check "article page is published" test -f "$P"
check "article page has a gzip copy" test -f "$P.gz"
check "breadcrumb names the section chain" contains "$P" "On the left (Russia)"
check "first-published date is shown" contains "$P" "10 March 2026"
check "source is linked" contains "$P" "https://samizdat-archive.example.org/2026/03/winter"
check "translator is credited" contains "$P" "Vera Ivanova"
check "licence is shown" contains "$P" "CC BY 4.0"
check "organisation author is linked" contains "$P" "authors/memorial-collective/index.html"
check "site-absolute links become relative" contains "$P" 'href="../../../../../en/europe/index.html"'
check "section feed is written" test -f "$S/public/en/europe/atom.xml"
check "language JSON feed is written" test -f "$S/public/en/feed.json"

cat >"$T/r1.md" <<'MD'
---
title: "Долгая зима районных газет"
lang: ru
section: evropa
date: 2026-03-15T10:00:00Z
authors: ["Анна Карова"]
translationKey: "winter"
---
Текст.
MD
tz -C "$S" -q article add "$T/r1.md" 2>/dev/null
R=$S/public/ru/evropa/dolgaia-zima-raionnykh-gazet/index.html
check "russian slug is transliterated" test -f "$R"
check "translation links to the English version" contains "$R" 'hreflang="en"'
check "English page now links to the Russian one" contains "$P" 'lang="ru">Русский</a>'
check "hreflang alternates in the head" contains "$P" '<link rel="alternate" hreflang="ru"'

# Bad input: one line with file, line and field; nothing written.
before=$(tz -C "$S" article list | wc -l)
printf -- '---\ntitle: "X"\nlang: en\nsection: nowhere\n---\nBody\n' >"$T/bad1.md"
fails_with "bad1.md:4: field \"section\": section \"en/nowhere\" not found" tz -C "$S" article add "$T/bad1.md"
printf -- '---\nlang: en\n---\nBody\n' >"$T/bad2.md"
fails_with "field \"title\"" tz -C "$S" article add "$T/bad2.md"
printf -- '---\ntitle: "X"\nlang: en\ndate: 2026-13-40\n---\nBody\n' >"$T/bad3.md"
fails_with "bad3.md:4: field \"date\"" tz -C "$S" article add "$T/bad3.md"
printf -- '---\ntitle: "X"\nlang: en\n---\nBody \377 here\n' >"$T/bad4.md"
fails_with "bad4.md:5: invalid UTF-8" tz -C "$S" article add "$T/bad4.md"
printf -- '---\ntitle: "X\nlang: en\n---\nBody\n' >"$T/bad5.md"
fails_with "bad5.md:2:" tz -C "$S" article add "$T/bad5.md"
printf -- '---\ntitle: "X"\nlang: en\nslug: the-long-winter-of-the-district-papers\n---\nB\n' >"$T/bad6.md"
fails_with "bad6.md:4: field \"slug\"" tz -C "$S" article add "$T/bad6.md"
printf -- '---\ntitle: "X"\nlang: en\ntitel: "typo"\n---\nB\n' >"$T/bad7.md"
fails_with "bad7.md:4: field \"titel\": unknown field" tz -C "$S" article add "$T/bad7.md"
after=$(tz -C "$S" article list | wc -l)
check "bad input adds nothing" test "$before" -eq "$after"

# Workflow.
tz -C "$S" -q article unpublish "$id"
check "unpublish removes the page" test ! -f "$P"
tz -C "$S" -q article publish "$id"
check "publish brings it back" test -f "$P"
tz -C "$S" -q article delete "$id"
check "delete moves to the trash" sh -c "tz() { \"$TZ_BIN\" \"\$@\"; }; tz -C '$S' article list --status trash | grep -q '^$id'"
check "trashed page is gone" test ! -f "$P"
tz -C "$S" -q article restore "$id"
check "restore republishes" test -f "$P"

# Update: a moved article leaves a redirect at its old address.
tz -C "$S" article show "$id" >"$T/show.md"
check "show prints a file update accepts" contains "$T/show.md" 'title: "The long winter of the district papers"'
sed -i 's/^section: .*/section: "europe"/; s/^title: .*/title: "The long winter, revised"/' "$T/show.md"
tz -C "$S" -q article update "$id" "$T/show.md"
N=$S/public/en/europe/the-long-winter-of-the-district-papers/index.html
check "updated article is at its new place (slug kept)" test -f "$N"
check "old address redirects" contains "$P" 'http-equiv="refresh"'
check "redirect points to the new place" contains "$P" '../../../../../en/europe/the-long-winter-of-the-district-papers/index.html'
tz -C "$S" article history "$id" >"$T/hist"
# Replaced pages wait in the graveyard for a background `reclaim`.
i=0
while [ -n "$(ls -A "$S/.graveyard" 2>/dev/null)" ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "replaced pages are freed in the background" test -z "$(ls -A "$S/.graveyard" 2>/dev/null)"
check "reclaim runs by hand too" tz -C "$S" reclaim
check "history keeps every save" test "$(wc -l <"$T/hist")" -ge 2

# Section move: pages follow, the old section address redirects.
tz -C "$S" -q section move en/europe/russia en/russia
check "moved section has its page" test -f "$S/public/en/russia/index.html"
check "moved subsection has its page" test -f "$S/public/en/russia/left/index.html"
check "old section address redirects" contains "$S/public/en/europe/russia/index.html" 'http-equiv="refresh"'
fails_with "own subtree" tz -C "$S" section move en/russia en/russia/left/x

# --no-publish saves without publishing; publish catches up.
printf -- '---\ntitle: "Quiet"\nlang: en\n---\nB\n' >"$T/q.md"
tz -C "$S" -q article add "$T/q.md" --no-publish
check "--no-publish writes no page" test ! -f "$S/public/en/quiet/index.html"
tz -C "$S" -q publish
check "publish writes it" test -f "$S/public/en/quiet/index.html"

# Libraries only some commands need are loaded by those commands alone.
printf -- '---\ntitle: "Light"\nlang: en\n---\nB\n' >"$T/light.md"
LD_DEBUG=files "$TZ_BIN" -C "$S" -q article add "$T/light.md" 2>"$T/ld" >/dev/null
check "a publish runs" grep -q "file=libsqlite3" "$T/ld"
check "a publish loads neither GMime, libcurl nor libmicrohttpd" \
	sh -c "! grep -E 'file=(libgmime|libcurl|libmicrohttpd|libglib)' '$T/ld'"

check "--help works on every command" sh -c "for c in init section article author import export build publish serve demo; do '$TZ_BIN' \$c --help >/dev/null || exit 1; done"
fails_with "unknown command" tz frobnicate
finish
