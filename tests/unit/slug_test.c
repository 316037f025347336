/*
 * Tests for src/text/slug.c: the Ukrainian examples of the KMU 2010
 * resolution itself, Russian passport spellings, Latin languages with
 * their accented letters, mixed scripts, and the shape of every slug.
 */
#include "test.h"

#include <stdint.h>

#include "text/slug.h"
#include "text/utf8.h"
#include "util/buf.h"

struct pair {
	const char *in, *out;
};

/* Checks slug_make(in, lang) == out for every pair; prints all mismatches. */
static int check_slugs(const struct pair *p, size_t n, const char *lang)
{
	struct buf b = BUF_INIT;
	size_t k;
	int bad = 0;

	for (k = 0; k < n; k++) {
		buf_reset(&b);
		slug_make(&b, p[k].in, strlen(p[k].in), lang);
		if (strcmp(buf_cstr(&b), p[k].out) != 0) {
			fprintf(stderr, "  [%s] \"%s\" -> \"%s\", expected \"%s\"\n",
			        lang ? lang : "-", p[k].in, buf_cstr(&b), p[k].out);
			bad++;
		}
		if (b.n && !slug_valid(b.p, b.n)) {
			fprintf(stderr, "  [%s] \"%s\" -> invalid slug \"%s\"\n", lang ? lang : "-",
			        p[k].in, b.p);
			bad++;
		}
	}
	buf_finish(&b);
	return bad;
}

#define CHECK_SLUGS(table, lang) CHECK_INTEQ(check_slugs(table, NELEM(table), lang), 0)

static char *slug(const char *s, const char *lang)
{
	struct buf b = BUF_INIT;

	slug_make(&b, s, strlen(s), lang);
	return buf_detach(&b);
}

static char *translit(const char *s, const char *lang)
{
	struct buf b = BUF_INIT;

	slug_translit(&b, s, strlen(s), lang);
	return buf_detach(&b);
}

TEST(ukrainian_kmu_2010_examples)
{
	/* The examples column of the table in KMU resolution 55 (2010). */
	static const struct pair uk[] = {
	        {"Алушта", "alushta"},
	        {"Андрій", "andrii"},
	        {"Борщагівка", "borshchahivka"},
	        {"Борисенко", "borysenko"},
	        {"Вінниця", "vinnytsia"},
	        {"Володимир", "volodymyr"},
	        {"Гадяч", "hadiach"},
	        {"Богдан", "bohdan"},
	        {"Згурський", "zghurskyi"},
	        {"Ґалаґан", "galagan"},
	        {"Ґорґани", "gorgany"},
	        {"Донецьк", "donetsk"},
	        {"Дмитро", "dmytro"},
	        {"Рівне", "rivne"},
	        {"Олег", "oleh"},
	        {"Есмань", "esman"},
	        {"Єнакієве", "yenakiieve"},
	        {"Гаєвич", "haievych"},
	        {"Короп'є", "koropie"},
	        {"Житомир", "zhytomyr"},
	        {"Жанна", "zhanna"},
	        {"Жежелів", "zhezheliv"},
	        {"Закарпаття", "zakarpattia"},
	        {"Казимирчук", "kazymyrchuk"},
	        {"Медвин", "medvyn"},
	        {"Михайленко", "mykhailenko"},
	        {"Іванків", "ivankiv"},
	        {"Іващенко", "ivashchenko"},
	        {"Їжакевич", "yizhakevych"},
	        {"Кадиївка", "kadyivka"},
	        {"Мар'їне", "marine"},
	        {"Йосипівка", "yosypivka"},
	        {"Стрий", "stryi"},
	        {"Олексій", "oleksii"},
	        {"Київ", "kyiv"},
	        {"Коваленко", "kovalenko"},
	        {"Лебедин", "lebedyn"},
	        {"Леонід", "leonid"},
	        {"Миколаїв", "mykolaiv"},
	        {"Маринич", "marynych"},
	        {"Ніжин", "nizhyn"},
	        {"Наталія", "nataliia"},
	        {"Одеса", "odesa"},
	        {"Онищенко", "onyshchenko"},
	        {"Полтава", "poltava"},
	        {"Петро", "petro"},
	        {"Решетилівка", "reshetylivka"},
	        {"Рибчинський", "rybchynskyi"},
	        {"Суми", "sumy"},
	        {"Соломія", "solomiia"},
	        {"Тернопіль", "ternopil"},
	        {"Троць", "trots"},
	        {"Ужгород", "uzhhorod"},
	        {"Уляна", "uliana"},
	        {"Фастів", "fastiv"},
	        {"Філіпчук", "filipchuk"},
	        {"Харків", "kharkiv"},
	        {"Христина", "khrystyna"},
	        {"Біла Церква", "bila-tserkva"},
	        {"Стеценко", "stetsenko"},
	        {"Чернівці", "chernivtsi"},
	        {"Шевченко", "shevchenko"},
	        {"Шостка", "shostka"},
	        {"Кишеньки", "kyshenky"},
	        {"Щербухи", "shcherbukhy"},
	        {"Гоща", "hoshcha"},
	        {"Гаращенко", "harashchenko"},
	        {"Юрій", "yurii"},
	        {"Корюківка", "koriukivka"},
	        {"Яготин", "yahotyn"},
	        {"Ярошенко", "yaroshenko"},
	        {"Костянтин", "kostiantyn"},
	        {"Знам'янка", "znamianka"},
	        {"Феодосія", "feodosiia"},
	        {"Згорани", "zghorany"},
	        {"Розгон", "rozghon"},
	};
	CHECK_SLUGS(uk, "uk");
	CHECK_SLUGS(uk, "uk-UA");
}

TEST(ukrainian_sentences)
{
	static const struct pair uk[] = {
	        {"Щастя й Згода", "shchastia-i-zghoda"},
	        {"ЩАСТЯ Й ЗГОДА", "shchastia-i-zghoda"},
	        {"Юрій Їжак", "yurii-yizhak"},
	        {"Подвір'я", "podviria"},
	        {"Подвір’я м’ясо зв'язок", "podviria-miaso-zviazok"},
	        {"Подвірʼя", "podviria"},
	        {"Війна і мир", "viina-i-myr"},
	        {"Об'єкт: «Нова Ера» (2024)", "obiekt-nova-era-2024"},
	        {"Я і ти, її та їхні", "ya-i-ty-yii-ta-yikhni"},
	        {"Івано-Франківськ", "ivano-frankivsk"},
	        {"Сьогодні в Україні — 24 лютого", "sohodni-v-ukraini-24-liutoho"},
	        {"Джерело: Громадське радіо", "dzherelo-hromadske-radio"},
	};
	CHECK_SLUGS(uk, "uk");
}

TEST(russian_passport_table)
{
	static const struct pair ru[] = {
	        {"Война и мир", "voina-i-mir"},
	        {"Юрий Щербаков", "iurii-shcherbakov"},
	        {"Пётр Фёдорович Ёлкин", "petr-fedorovich-elkin"},
	        {"Хрущёв, Царь и Эльза", "khrushchev-tsar-i-elza"},
	        {"Подъячев съезд", "podieiachev-sieezd"},
	        {"Мы были детьми", "my-byli-detmi"},
	        {"Журналист Ярослав Юдин", "zhurnalist-iaroslav-iudin"},
	        {"Москва — Санкт-Петербург", "moskva-sankt-peterburg"},
	        {"Государство и власть: 1917–1991", "gosudarstvo-i-vlast-1917-1991"},
	        {"Самиздат и тамиздат", "samizdat-i-tamizdat"},
	        {"ЦЕНЗУРА И ИЗГНАНИЕ", "tsenzura-i-izgnanie"},
	        {"Згода", "zgoda"},
	        {"Йошкар-Ола", "ioshkar-ola"},
	};
	CHECK_SLUGS(ru, "ru");
	CHECK_SLUGS(ru, NULL);
	CHECK_SLUGS(ru, "en");
}

TEST(language_picks_the_table_for_shared_letters)
{
	char *s;

	/* и and г read differently; і, ї, є, ґ and ы, э, ё, ъ do not depend on lang. */
	CHECK_STREQ(s = slug("Війна і мир", "ru"), "viina-i-mir");
	free(s);
	CHECK_STREQ(s = slug("Війна і мир", "uk"), "viina-i-myr");
	free(s);
	CHECK_STREQ(s = slug("Їжак і ґанок", "ru"), "yizhak-i-ganok");
	free(s);
	CHECK_STREQ(s = slug("Объём эха", "uk"), "obieem-ekha");
	free(s);
	CHECK_STREQ(s = slug("Юрій", "ru"), "iurii");
	free(s);
	CHECK_STREQ(s = slug("Юрій", "uk"), "yurii");
	free(s);
	CHECK_STREQ(s = slug("Гора", "ru"), "gora");
	free(s);
	CHECK_STREQ(s = slug("Гора", "UK"), "hora");
	free(s);
}

TEST(other_cyrillic_letters)
{
	static const struct pair be_sr[] = {
	        {"Беларусь: Ўладзімір", "belarus-uladzimir"},
	        {"Ђорђе Јовановић, Љубљана, Њујорк, Џеп",
	         "djordje-jovanovic-ljubljana-njujork-dzep"},
	        {"Ѓорѓи Ќосе Ѕвезда", "gjorgji-kjose-dzvezda"},
	};
	CHECK_SLUGS(be_sr, NULL);
}

TEST(french_and_other_latin_languages)
{
	static const struct pair fr[] = {
	        {"Négociations à Genève", "negociations-a-geneve"},
	        {"L'œuvre d'Ève", "l-oeuvre-d-eve"},
	        {"L’Œuvre d’Ève", "l-oeuvre-d-eve"},
	        {"Ça coûte cher à l’État", "ca-coute-cher-a-l-etat"},
	        {"Noël, naïveté, Œdipe et Ærø", "noel-naivete-oedipe-et-aero"},
	        {"Aujourd'hui", "aujourd-hui"},
	        {"Où est la bibliothèque ?", "ou-est-la-bibliotheque"},
	};
	static const struct pair latin[] = {
	        {"Łódź, źdźbło, gęś", "lodz-zdzblo-ges"},
	        {"Příliš žluťoučký kůň úpěl ďábelské ódy",
	         "prilis-zlutoucky-kun-upel-dabelske-ody"},
	        {"Știință și Țară, ştiinţă", "stiinta-si-tara-stiinta"},
	        {"İstanbul Işık Çağ Şöyle Güzel", "istanbul-isik-cag-soyle-guzel"},
	        {"Tiếng Việt: Nguyễn Đức Phường", "tieng-viet-nguyen-duc-phuong"},
	        {"Þórður Guðmundsson", "thordur-gudmundsson"},
	        {"Søren Kierkegaard", "soren-kierkegaard"},
	        {"Straße", "strasse"},
	        {"Äpfel über Öl", "apfel-uber-ol"},
	        {"Ne\xCC\x81gociations", "negociations"},
	        {"ﬁnancial ﬂows", "financial-flows"},
	        {"Azərbaycan", "azerbaycan"},
	};
	static const struct pair de[] = {
	        {"Äpfel über Öl", "aepfel-ueber-oel"},
	        {"Straße", "strasse"},
	};
	static const struct pair en[] = {
	        {"Don't stop: it's 2024!", "dont-stop-its-2024"},
	        {"Rock 'n' roll", "rock-n-roll"},
	};
	CHECK_SLUGS(fr, "fr");
	CHECK_SLUGS(latin, NULL);
	CHECK_SLUGS(de, "de");
	CHECK_SLUGS(en, "en");
}

TEST(greek)
{
	static const struct pair el[] = {
	        {"Αύγουστος στην Ελλάδα", "avgoustos-stin-ellada"},
	        {"Ευαγγέλιο", "evangelio"},
	        {"Αυτό το ευχή", "afto-to-efchi"},
	        {"ΟΔΥΣΣΕΥΣ", "odyssefs"},
	        {"Ψυχή και Θεός", "psychi-kai-theos"},
	        {"Σφίγξ", "sfinx"},
	};
	CHECK_SLUGS(el, "el");
}

TEST(mixed_scripts_and_nothing_left)
{
	static const struct pair mixed[] = {
	        {"Путин и Trump 2024", "putin-i-trump-2024"},
	        {"Tokyo 東京 Токио", "tokyo-tokio"},
	        {"  --Hello,   World!--  ", "hello-world"},
	        {"abc\xFF"
	         "def",
	         "abc-def"},
	        {"\xD0", ""},
	        {"🎉🎉🎉", ""},
	        {"!!! ... ???", ""},
	        {"東京", ""},
	        {"", ""},
	        {"\xCC\x81\xCC\x81", ""},
	        {"x", "x"},
	        {"C++ & C#", "c-c"},
	        {"Й"
	         "\xCC\x81",
	         "i"},
	};
	CHECK_SLUGS(mixed, NULL);
}

TEST(decomposed_cyrillic_reads_like_composed)
{
	char *a, *b;

	/* Й as И + U+0306, ї as і + U+0308, ё as е + U+0308. */
	a = slug(
	        "\xD0\x98\xCC\x86\xD0\xBE\xD1\x81\xD0\xB8\xD0\xBF \xD1\x97\xD0\xB6\xD0\xB0\xD0\xBA",
	        "uk");
	b = slug("Йосип їжак", "uk");
	CHECK_STREQ(a, b);
	CHECK_STREQ(a, "yosyp-yizhak");
	free(a);
	free(b);
	a = slug("\xD0\xB5\xCC\x88\xD0\xBB\xD0\xBA\xD0\xB0", "ru");
	CHECK_STREQ(a, "elka");
	free(a);
}

TEST(cut_at_a_word_boundary)
{
	struct buf in = BUF_INIT;
	char *s;
	int k;

	for (k = 0; k < 20; k++)
		buf_puts(&in, "abcdefghij ");
	s = slug(in.p, NULL);
	CHECK_INTEQ(strlen(s), 76); /* 7 words of 10 and 6 hyphens */
	CHECK(slug_valid(s, strlen(s)));
	free(s);
	buf_reset(&in);
	for (k = 0; k < 200; k++)
		buf_putc(&in, 'a');
	buf_puts(&in, " tail");
	s = slug(in.p, NULL);
	CHECK_INTEQ(strlen(s), SLUG_MAX);
	CHECK(strspn(s, "a") == SLUG_MAX);
	free(s);
	buf_reset(&in);
	/* A word that exactly fills the limit with the hyphen, and one more. */
	buf_puts(&in, "ab ");
	for (k = 0; k < SLUG_MAX - 3; k++)
		buf_putc(&in, 'x');
	buf_puts(&in, " y");
	s = slug(in.p, NULL);
	CHECK_INTEQ(strlen(s), SLUG_MAX);
	CHECK(strncmp(s, "ab-xxx", 6) == 0);
	free(s);
	buf_reset(&in);
	/* Щ is four letters: the cut counts output bytes. */
	for (k = 0; k < 30; k++)
		buf_puts(&in, "щщ ");
	s = slug(in.p, "uk");
	CHECK(strlen(s) <= SLUG_MAX);
	CHECK_INTEQ(strlen(s), 9 * 8 + 8);
	free(s);
	buf_finish(&in);
}

TEST(translit_keeps_case_and_everything_else)
{
	char *s;

	CHECK_STREQ(s = translit("Щастя й Згода!", "uk"), "Shchastia i Zghoda!");
	free(s);
	CHECK_STREQ(s = translit("ЩАСТЯ, Я", "uk"), "SHCHASTIA, Ya");
	free(s);
	CHECK_STREQ(s = translit("Подвір’я", "uk"), "Podviria");
	free(s);
	CHECK_STREQ(s = translit("Négociations à Genève", "fr"), "Negociations a Geneve");
	free(s);
	CHECK_STREQ(s = translit("L'Œuvre ŒUVRE Straße", "fr"), "L'Oeuvre OEUVRE Strasse");
	free(s);
	CHECK_STREQ(s = translit("Don't", "en"), "Don't");
	free(s);
	CHECK_STREQ(s = translit("Tokyo 東京 — «Токио»", "ru"), "Tokyo 東京 — «Tokio»");
	free(s);
	CHECK_STREQ(s = translit("bad \xFF byte", NULL), "bad \xEF\xBF\xBD byte");
	free(s);
}

TEST(valid_slugs)
{
	char big[SLUG_MAX + 18];

	CHECK(slug_valid("a", 1));
	CHECK(slug_valid("voina-i-mir", 11));
	CHECK(slug_valid("2024-05-01", 10));
	CHECK(!slug_valid("", 0));
	CHECK(!slug_valid("-a", 2));
	CHECK(!slug_valid("a-", 2));
	CHECK(!slug_valid("a--b", 4));
	CHECK(!slug_valid("A", 1));
	CHECK(!slug_valid("a_b", 3));
	CHECK(!slug_valid("a b", 3));
	CHECK(!slug_valid("é", 2));
	CHECK(!slug_valid("a\0b", 3));
	memset(big, 'a', sizeof(big));
	CHECK(slug_valid(big, SLUG_MAX + 16));
	CHECK(!slug_valid(big, SLUG_MAX + 17));
}

/* A small deterministic generator for the property tests. */
static uint32_t rnd(uint64_t *state)
{
	*state = *state * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)(*state >> 33);
}

TEST(any_input_gives_a_valid_slug_or_nothing)
{
	static const uint32_t pool[] = {
	        'a',   'Z',   '7',    ' ',    '-',     '\'',  0x2019, 0x2BC, 0xE9,
	        0xDF,  0x153, 0x130,  0x131,  0x410,   0x44F, 0x439,  0x457, 0x454,
	        0x491, 0x433, 0x437,  0x44A,  0x44C,   0x301, 0x306,  0x308, 0x391,
	        0x3C5, 0x3B3, 0x1EC7, 0x4E2D, 0x1F389, 0xAD,  0xFB01,
	};
	const char *langs[] = {NULL, "ru", "uk", "en", "fr", "de", "el"};
	struct buf in = BUF_INIT, out = BUF_INIT;
	uint64_t st = 42;
	int round, k, len;

	for (round = 0; round < 20000; round++) {
		buf_reset(&in);
		len = (int)(rnd(&st) % 40);
		for (k = 0; k < len; k++) {
			if (round % 3 == 0)
				buf_putc(&in, (int)(rnd(&st) & 0xFF));
			else
				utf8_encode(&in, pool[rnd(&st) % NELEM(pool)]);
		}
		buf_reset(&out);
		slug_make(&out, in.p ? in.p : "", in.n, langs[round % NELEM(langs)]);
		CHECK(out.n == 0 || slug_valid(out.p, out.n));
		CHECK(out.n <= SLUG_MAX);
		buf_reset(&out);
		slug_translit(&out, in.p ? in.p : "", in.n, langs[round % NELEM(langs)]);
		CHECK(utf8_valid(out.p ? out.p : "", out.n));
	}
	buf_finish(&in);
	buf_finish(&out);
}

TESTS(T(ukrainian_kmu_2010_examples), T(ukrainian_sentences), T(russian_passport_table),
      T(language_picks_the_table_for_shared_letters), T(other_cyrillic_letters),
      T(french_and_other_latin_languages), T(greek), T(mixed_scripts_and_nothing_left),
      T(decomposed_cyrillic_reads_like_composed), T(cut_at_a_word_boundary),
      T(translit_keeps_case_and_everything_else), T(valid_slugs),
      T(any_input_gives_a_valid_slug_or_nothing))
