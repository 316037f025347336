/*
 * Per-language stemming with a bounded cache; see stem.h for the rules.
 * This file holds the Snowball and hunspell glue, the light Ukrainian
 * stemmer used for words the dictionary lacks, and the cache.  It knows
 * nothing about SQLite: the FTS5 tokenizer (fts_tokenizer.c) drives it.
 *
 * Why hunspell for Ukrainian: Snowball 2.2 has no Ukrainian, and on the
 * word list in tests/unit/stem_test.c the dictionary's lemmas conflate far
 * more of the inflected forms than suffix stripping can (vowel alternations
 * such as рік/року, ніч/ночі, війна/воєн need a dictionary), at the same
 * precision; the cache makes its speed a non-issue.  The numbers are in that
 * test's output.
 *
 * libhunspell is loaded with the dictionary, not when the program starts:
 * it is C++, and brought libstdc++ and libgcc_s with it, whose loading and
 * relocation every command paid -- a one-article publish included, which
 * finds its Ukrainian stems in the persistent store (stemdb.h) and never
 * opens the dictionary.  Its functions are called through the table hs,
 * filled by dlsyms_load().
 */
#include "search/stem.h"

#include <hunspell.h>
#include <libstemmer.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "search/fold.h"
#include "util/dlsyms.h"
#include "util/log.h"

#define UK_DICT_DEFAULT "/usr/share/hunspell/uk_UA"
/*
 * Debian 12's libhunspell-1.7-0, the ABI <hunspell.h> describes; its file
 * is looked for in the directory pkg-config gave at build time.
 */
#define HUNSPELL_SONAME  "libhunspell-1.7.so.0"
#define HUNSPELL_PACKAGE "libhunspell-1.7-0"
#define HUNSPELL_FILE    TZ_HUNSPELL_LIBDIR "/" HUNSPELL_SONAME
/* Bump when any rule here or in fold.c changes the keys an index holds. */
#define STEM_RULES_VERSION "tzstem 1"
/* Bump when uk_light() changes. */
#define UK_LIGHT_VERSION "uk-light 1"

/*
 * A cache entry is one 128-byte block: the word and its keys stored back
 * to back.  A word whose entry would not fit (rare: 20+ Cyrillic letters
 * with several lemmas) is simply not cached.
 */
#define ENTRY_SIZE 128
#define ENTRY_DATA (ENTRY_SIZE - 4 - 3 - STEM_MAX_KEYS)
/*
 * Sets a cache starts with (64 KB).  It doubles, up to the size stem_new()
 * was given, when a word would push another out of its set while a
 * quarter of the entries or more are in use.  A short process (a publish
 * stems the few hundred words of one article) thus touches some dozens of
 * pages, where a cache allocated at its full size (4 MB for Ukrainian) had
 * it fault in about one zero page per word.  Growing that early matters:
 * a two-way set loses words long before the cache is full, and on the
 * reindex of a 2,000-article corpus a cache that grew at half full missed
 * 52% more Ukrainian words than one allocated at its full size, one that
 * grows at a quarter 7% more.
 */
#define CACHE_START_SETS 256
#define CACHE_GROW_SHARE 4 /* grow at 1/4 of the entries in use */

struct entry {
	uint32_t hash;
	uint8_t used;
	uint8_t wlen;
	uint8_t nkeys;
	uint8_t klen[STEM_MAX_KEYS];
	char data[ENTRY_DATA];
};

struct stem {
	enum stem_lang lang;
	struct sb_stemmer *sb;
	Hunhandle *hun; /* shared, owned by uk below; NULL until a word needs it */
	uint64_t dict;  /* uk.id */
	struct stem_store store;
	/*
	 * Two-way set-associative cache, least recently used way evicted:
	 * set i is entries[2i] (most recent) and entries[2i+1].  A set's
	 * second way is used only if its first is.
	 */
	struct entry *entries;
	size_t mask;     /* sets - 1; entries == NULL when there is no cache */
	size_t max_mask; /* mask of the largest cache: what stem_new() was given */
	size_t live;     /* entries in use */
	struct stem_stats stats;
	char out[STEM_MAX_KEYS][STEM_KEY_MAX]; /* keys of an uncached word */
	size_t outlen[STEM_MAX_KEYS];
	int nout;
};

/* Hunspell_destroy is for the tests: the dictionary lives as long as the process. */
#define HUNSPELL_FUNCS(X)   \
	X(Hunspell_create)  \
	X(Hunspell_destroy) \
	X(Hunspell_stem)    \
	X(Hunspell_free_list)

static struct {
#define X(f) __typeof__(f) *f;
	HUNSPELL_FUNCS(X)
#undef X
} hs;

/*
 * The Ukrainian dictionary: its files looked at when the first Ukrainian
 * stemmer is made (their identity keys the persistent store), loaded on
 * the first word that needs it, shared by every thread.
 */
static struct {
	pthread_mutex_t lock;
	char *path;
	bool checked; /* files looked at */
	bool present;
	uint64_t id; /* identity: see dict_id() */
	bool tried;  /* loading tried */
	Hunhandle *h;
	char err[512];
} uk = {.lock = PTHREAD_MUTEX_INITIALIZER};

static const char *const lang_names[STEM_NLANG] = {"none", "en", "fr", "ru", "uk"};
static const char *const sb_names[STEM_NLANG] = {NULL, "english", "french", "russian", NULL};

bool stem_lang_parse(const char *s, size_t n, enum stem_lang *out)
{
	static const char *const longer[STEM_NLANG] = {"none", "english", "french", "russian",
	                                               "ukrainian"};
	int i;

	for (i = 0; i < STEM_NLANG; i++) {
		if ((strlen(lang_names[i]) == n && strncasecmp(s, lang_names[i], n) == 0) ||
		    (strlen(longer[i]) == n && strncasecmp(s, longer[i], n) == 0)) {
			*out = (enum stem_lang)i;
			return true;
		}
	}
	return false;
}

const char *stem_lang_name(enum stem_lang lang)
{
	return (unsigned)lang < STEM_NLANG ? lang_names[lang] : "none";
}

void stem_set_uk_dictionary(const char *path)
{
	pthread_mutex_lock(&uk.lock);
	if (!uk.checked) {
		free(uk.path);
		uk.path = xstrdup(path);
	}
	pthread_mutex_unlock(&uk.lock);
}

static uint64_t fnv64(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/*
 * The dictionary's identity: the rules' version, the path, and the size
 * and modification time (nanoseconds) of both files and of libhunspell
 * (whose own upgrade could change the lemmas).  Reading 8 MB to hash them
 * would cost more than the lookups it guards; a package upgrade changes
 * the time (dpkg sets the packaged one) and almost always the size.
 */
static uint64_t dict_id(const char *base, const struct stat *aff, const struct stat *dic,
                        const struct stat *lib)
{
	const struct stat *f[3] = {aff, dic, lib};
	uint64_t h = 0xcbf29ce484222325ULL;
	int64_t v[3];
	int i;

	h = fnv64(h, STEM_RULES_VERSION "; " UK_LIGHT_VERSION "; ",
	          strlen(STEM_RULES_VERSION "; " UK_LIGHT_VERSION "; "));
	h = fnv64(h, base, strlen(base) + 1);
	for (i = 0; i < 3; i++) {
		v[0] = (int64_t)f[i]->st_size;
		v[1] = (int64_t)f[i]->st_mtim.tv_sec;
		v[2] = (int64_t)f[i]->st_mtim.tv_nsec;
		h = fnv64(h, v, sizeof(v));
	}
	return h ? h : 1;
}

/*
 * The file of the libhunspell this process loads (zeroed if unknown),
 * found without loading it: the identity is needed by every process that
 * indexes Ukrainian, the library only by those that meet a new word.
 */
static void hunspell_file(struct stat *out)
{
	if (stat(HUNSPELL_FILE, out) != 0)
		memset(out, 0, sizeof(*out));
}

/*
 * Looks at the dictionary's files once (a stat each).  Call with uk.lock
 * held; false with uk.err set if they are missing.
 */
static bool uk_check(void)
{
	const char *base = uk.path ? uk.path : UK_DICT_DEFAULT;
	char aff[4096], dic[4096];
	struct stat sa, sd, sl;

	if (uk.checked)
		return uk.present;
	uk.checked = true;
	snprintf(aff, sizeof(aff), "%s.aff", base);
	snprintf(dic, sizeof(dic), "%s.dic", base);
	if (stat(aff, &sa) != 0 || stat(dic, &sd) != 0 || !S_ISREG(sa.st_mode) ||
	    !S_ISREG(sd.st_mode)) {
		snprintf(uk.err, sizeof(uk.err),
		         "%.400s.dic: Ukrainian dictionary not found (install hunspell-uk)", base);
		return false;
	}
	hunspell_file(&sl);
	uk.id = dict_id(base, &sa, &sd, &sl);
	uk.present = true;
	return true;
}

/* Loads the dictionary once.  Call with uk.lock held; false with uk.err set. */
static bool uk_load(void)
{
	const char *base = uk.path ? uk.path : UK_DICT_DEFAULT;
#define X(f) {(void **)&hs.f, #f},
	static const struct dlsym_entry syms[] = {HUNSPELL_FUNCS(X)};
#undef X
	char aff[4096], dic[4096];
	struct timespec t0, t1;
	FILE *f;

	if (uk.tried)
		return uk.h != NULL;
	uk.tried = true;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	snprintf(aff, sizeof(aff), "%s.aff", base);
	snprintf(dic, sizeof(dic), "%s.dic", base);
	/* hunspell reports a missing file only on stderr, so look first. */
	if ((f = fopen(aff, "r")) == NULL)
		goto missing;
	fclose(f);
	if ((f = fopen(dic, "r")) == NULL)
		goto missing;
	fclose(f);
	if (dlsyms_load(HUNSPELL_SONAME, HUNSPELL_PACKAGE, syms, NELEM(syms), uk.err,
	                sizeof(uk.err)) != 0)
		return false;
	uk.h = hs.Hunspell_create(aff, dic);
	if (uk.h == NULL) {
		snprintf(uk.err, sizeof(uk.err), "%.400s: cannot load the hunspell dictionary",
		         dic);
		return false;
	}
	if (getenv("TAMIZDAT_TRACE") != NULL) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		fprintf(stderr, "tamizdat: trace: %-12s %7.2f ms\n", "hunspell uk",
		        (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		                (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	}
	return true;
missing:
	snprintf(uk.err, sizeof(uk.err),
	         "%.400s.dic: Ukrainian dictionary not found (install hunspell-uk)", base);
	return false;
}

bool stem_dictionary_loaded(void)
{
	bool r;

	pthread_mutex_lock(&uk.lock);
	r = uk.h != NULL;
	pthread_mutex_unlock(&uk.lock);
	return r;
}

uint64_t stem_dictionary_id(enum stem_lang lang)
{
	uint64_t id = 0;

	if (lang != STEM_UK)
		return 0;
	pthread_mutex_lock(&uk.lock);
	if (uk_check())
		id = uk.id;
	pthread_mutex_unlock(&uk.lock);
	return id;
}

size_t stem_cache_default(enum stem_lang lang)
{
	return lang == STEM_UK ? 32768 : 8192;
}

struct stem *stem_new(enum stem_lang lang, size_t cache_size)
{
	struct stem *s;
	size_t sets = 1;

	if ((unsigned)lang >= STEM_NLANG) {
		log_fail("unknown stemming language %d", (int)lang);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->lang = lang;
	if (sb_names[lang] != NULL) {
		s->sb = sb_stemmer_new(sb_names[lang], "UTF_8");
		if (s->sb == NULL) {
			log_fail("snowball stemmer \"%s\" not available", sb_names[lang]);
			goto fail;
		}
	}
	if (lang == STEM_UK) {
		/* Only the files: hunspell loads when a word needs it. */
		pthread_mutex_lock(&uk.lock);
		if (!uk_check()) {
			log_fail("%s", uk.err);
			pthread_mutex_unlock(&uk.lock);
			goto fail;
		}
		s->dict = uk.id;
		pthread_mutex_unlock(&uk.lock);
	}
	if (cache_size > 0) {
		while (sets * 2 < cache_size)
			sets *= 2;
		s->max_mask = sets - 1;
		if (sets > CACHE_START_SETS)
			sets = CACHE_START_SETS;
		s->entries = xcalloc(sets * 2, sizeof(struct entry));
		s->mask = sets - 1;
	}
	return s;
fail:
	stem_free(s);
	return NULL;
}

void stem_free(struct stem *s)
{
	if (s == NULL)
		return;
	if (s->sb != NULL)
		sb_stemmer_delete(s->sb);
	free(s->entries);
	free(s);
}

void stem_set_store(struct stem *s, const struct stem_store *store)
{
	if (store != NULL)
		s->store = *store;
	else
		memset(&s->store, 0, sizeof(s->store));
}

void stem_stats(const struct stem *s, struct stem_stats *out)
{
	*out = s->stats;
}

const char *stem_version(void)
{
	static char v[128];
	const char *base;
	char dic[4096];
	long words = 0;
	FILE *f;

	/* The .dic header alone: no need to load the dictionary for this. */
	pthread_mutex_lock(&uk.lock);
	base = uk.path ? uk.path : UK_DICT_DEFAULT;
	snprintf(dic, sizeof(dic), "%s.dic", base);
	if ((f = fopen(dic, "r")) != NULL) {
		if (fscanf(f, "%ld", &words) != 1)
			words = 0;
		fclose(f);
	}
	snprintf(v, sizeof(v), "%s; snowball 2; hunspell uk_UA %ld; %s", STEM_RULES_VERSION, words,
	         UK_LIGHT_VERSION);
	pthread_mutex_unlock(&uk.lock);
	return v;
}

/* Adds the folded form of k[0..n) to the uncached result, unless present. */
static void add_key(struct stem *s, const char *k, size_t n)
{
	char buf[STEM_KEY_MAX];
	size_t len;
	int i;

	if (s->nout == STEM_MAX_KEYS)
		return;
	len = fold_key(k, n, buf, sizeof(buf));
	if (len == 0)
		return;
	for (i = 0; i < s->nout; i++)
		if (s->outlen[i] == len && memcmp(s->out[i], buf, len) == 0)
			return;
	memcpy(s->out[s->nout], buf, len);
	s->outlen[s->nout++] = len;
}

static void snowball(struct stem *s, const char *w, size_t n)
{
	const sb_symbol *r = sb_stemmer_stem(s->sb, (const sb_symbol *)w, (int)n);

	if (r == NULL)
		fatal("out of memory");
	add_key(s, (const char *)r, (size_t)sb_stemmer_length(s->sb));
}

/*
 * The light Ukrainian stemmer, for words hunspell does not know (names,
 * loanwords, neologisms): strips the longest inflectional ending that lies
 * after the first vowel, then a soft sign and a doubled н.  Endings that
 * are both a noun's and a verb's (-ла, -ав, -ати: школа, держав, палати)
 * are left to the dictionary: the words that reach this stemmer are mostly
 * nouns and names.
 */
static const char *const uk_endings[] = {
        /* nouns and adjectives */
        "а",
        "я",
        "о",
        "е",
        "є",
        "и",
        "і",
        "ї",
        "у",
        "ю",
        "ь",
        "й",
        "ою",
        "ею",
        "єю",
        "ям",
        "ам",
        "ом",
        "ем",
        "єм",
        "им",
        "ім",
        "ах",
        "ях",
        "ів",
        "їв",
        "ей",
        "ий",
        "ій",
        "їй",
        "их",
        "іх",
        "ої",
        "ії",
        "ію",
        "ія",
        "ами",
        "ями",
        "ові",
        "еві",
        "єві",
        "ого",
        "ому",
        "ими",
        "іми",
        "ьої",
        "ьою",
        "ією",
        "іям",
        "іях",
        "ього",
        "ьому",
        "іями",
        /* verbs: only the endings no common noun has */
        "ить",
        "ити",
        "іти",
        "учи",
        "ючи",
        "ачи",
        "ячи",
        "ують",
        "ають",
        "яють",
        "уєте",
        "аєте",
        "уємо",
        "аємо",
        "ував",
        "ював",
        "увати",
        "ювати",
        "увала",
        "ували",
        "ювала",
        "ювали",
};

static bool uk_vowel(uint32_t cp)
{
	switch (cp) {
	case 0x430:
	case 0x435:
	case 0x454:
	case 0x438:
	case 0x456: /* а е є и і */
	case 0x457:
	case 0x43E:
	case 0x443:
	case 0x44E:
	case 0x44F: /* ї о у ю я */
		return true;
	default:
		return false;
	}
}

/* Writes the light stem of w[0..n) to out (cap bytes); returns its length. */
static size_t uk_light(const char *w, size_t n, char *out, size_t cap)
{
	size_t i = 0, len = 0, rv = 0, best = 0, e, el;
	uint32_t cp;
	char enc[4];

	/* Prelude: drop apostrophes, ґ -> г; note where the first vowel ends. */
	while (i < n) {
		cp = fold_decode(w, n, &i);
		if (cp == '\'' || cp == FOLD_BAD)
			continue;
		if (cp == 0x491)
			cp = 0x433;
		e = fold_encode(cp, enc);
		if (len + e > cap)
			break;
		memcpy(out + len, enc, e);
		len += e;
		if (rv == 0 && uk_vowel(cp))
			rv = len;
	}
	if (rv == 0)
		return len;
	/* Reflexive verbs: -ся, -сь. */
	if (len >= rv + 4 &&
	    (memcmp(out + len - 4, "ся", 4) == 0 || memcmp(out + len - 4, "сь", 4) == 0))
		len -= 4;
	for (e = 0; e < NELEM(uk_endings); e++) {
		el = strlen(uk_endings[e]);
		if (el > best && len >= rv + el && memcmp(out + len - el, uk_endings[e], el) == 0)
			best = el;
	}
	len -= best;
	if (len >= rv + 2 && memcmp(out + len - 2, "ь", 2) == 0)
		len -= 2;
	if (len >= rv + 4 && memcmp(out + len - 4, "нн", 4) == 0)
		len -= 2;
	return len;
}

/* Upper-cases the first letter, so that hunspell also finds proper nouns. */
static size_t capitalize(const char *w, size_t n, char *out)
{
	size_t i = 0, k;
	uint32_t cp = fold_decode(w, n, &i);

	if ((cp >= 0x430 && cp <= 0x44F) || (cp >= 'a' && cp <= 'z'))
		cp -= 32;
	else if (cp >= 0x450 && cp <= 0x45F)
		cp -= 0x50;
	else if (cp == 0x491)
		cp = 0x490;
	else if (cp == FOLD_BAD)
		cp = w[0] & 0xFF; /* let hunspell see the same bytes */
	k = cp < 0x80 ? (out[0] = (char)cp, 1) : fold_encode(cp, out);
	memcpy(out + k, w + i, n - i);
	out[k + n - i] = '\0';
	return k + n - i;
}

/* Fills s->out from the store's encoded keys k[0..n). */
static void decode(struct stem *s, const char *k, size_t n)
{
	const char *end = k + n, *z;

	s->nout = 0;
	if (n == 0) /* one empty key: compute() makes it */
		return;
	while (s->nout < STEM_MAX_KEYS) {
		z = memchr(k, '\0', (size_t)(end - k));
		if (z == NULL)
			z = end;
		if ((size_t)(z - k) > STEM_KEY_MAX)
			break;
		memcpy(s->out[s->nout], k, (size_t)(z - k));
		s->outlen[s->nout++] = (size_t)(z - k);
		if (z == end)
			break;
		k = z + 1;
	}
}

/* Hands the computed keys of w[0..n) to the store. */
static void store_put(struct stem *s, const char *w, size_t n)
{
	char enc[STEM_STORE_MAX];
	size_t len = 0;
	int i;

	for (i = 0; i < s->nout; i++) {
		if (i)
			enc[len++] = '\0';
		memcpy(enc + len, s->out[i], s->outlen[i]);
		len += s->outlen[i];
	}
	s->store.put(s->store.ctx, s->lang, s->dict, w, n, enc, len);
}

static int ukrainian(struct stem *s, const char *w, size_t n)
{
	char word[STEM_WORD_MAX + 8], light[STEM_KEY_MAX], enc[STEM_STORE_MAX];
	char **list = NULL;
	long got;
	int nl, i;

	if (s->store.get != NULL &&
	    (got = s->store.get(s->store.ctx, s->lang, s->dict, w, n, enc, sizeof(enc))) >= 0 &&
	    (size_t)got <= sizeof(enc)) {
		decode(s, enc, (size_t)got);
		s->stats.stored++;
		return 0;
	}
	pthread_mutex_lock(&uk.lock);
	if (s->hun == NULL) {
		if (!uk_load()) {
			log_fail("%s", uk.err);
			pthread_mutex_unlock(&uk.lock);
			return -1;
		}
		s->hun = uk.h;
	}
	/*
	 * A capitalised word gets the lemmas of both the common noun and
	 * the proper noun ("Київ", "кий"); a lower-case one would miss the
	 * proper noun, and the text of a query is lower-cased like the index.
	 */
	capitalize(w, n, word);
	nl = hs.Hunspell_stem(s->hun, &list, word);
	for (i = 0; i < nl; i++)
		add_key(s, list[i], strlen(list[i]));
	if (list != NULL)
		hs.Hunspell_free_list(s->hun, &list, nl);
	pthread_mutex_unlock(&uk.lock);
	if (s->nout > 0)
		s->stats.lemmas++;
	else
		add_key(s, light, uk_light(w, n, light, sizeof(light)));
	if (s->store.put != NULL)
		store_put(s, w, n);
	return 0;
}

/*
 * Snowball French reads accents ("négociée" -> négoci, but "negociee" ->
 * negocie), and readers often type none.  So a word is stemmed as written
 * and without its accents, and both keys are kept: the two spellings of a
 * word always meet.  An unaccented word ending in -ee(s) is also stemmed as
 * -ée(s), the only reading French has for it (idee, musee, negociee), so
 * that it meets the rest of its family (négociation) too.
 */
static void french(struct stem *s, const char *w, size_t n)
{
	char plain[STEM_KEY_MAX], acc[STEM_WORD_MAX + 4];
	size_t pn, k;

	snowball(s, w, n);
	pn = fold_key(w, n, plain, sizeof(plain));
	if (pn != n || memcmp(plain, w, n) != 0) {
		snowball(s, plain, pn);
		return;
	}
	k = n >= 3 && w[n - 1] == 's' ? n - 1 : n;
	if (k >= 3 && w[k - 1] == 'e' && w[k - 2] == 'e') {
		memcpy(acc, w, k - 2);
		memcpy(acc + k - 2,
		       "\xc3\xa9"
		       "e",
		       3); /* ée */
		if (k < n)
			acc[k + 1] = 's';
		snowball(s, acc, n + 1);
	}
}

/* Computes the keys of an uncached word into s->out.  0 or -1. */
static int compute(struct stem *s, const char *w, size_t n)
{
	bool letters = false;
	size_t i;

	s->nout = 0;
	for (i = 0; i < n && !letters; i++)
		letters = !(w[i] >= '0' && w[i] <= '9');
	if (!letters || n > STEM_WORD_MAX || s->lang == STEM_NONE) {
		add_key(s, w, n);
		goto done;
	}
	switch (s->lang) {
	case STEM_EN:
	case STEM_RU:
		snowball(s, w, n);
		break;
	case STEM_FR:
		french(s, w, n);
		break;
	case STEM_UK:
		if (ukrainian(s, w, n) != 0)
			return -1;
		break;
	default:
		break;
	}
done:
	if (s->nout == 0) { /* only marks or invalid bytes: one empty key */
		s->outlen[0] = 0;
		s->nout = 1;
	}
	return 0;
}

static uint32_t hash(const char *w, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)w[i]) * 16777619u;
	return h;
}

/*
 * Doubles the cache in place.  The words of set i go to set i or i + sets,
 * as the next bit of their hash says, in their order: none is lost, the
 * most recent stays first, and no two old sets share a new one.  realloc()
 * keeps the pages already touched (a large block is moved by mremap(), not
 * copied), so a cache that grows costs the page faults of its final size,
 * not of every size on the way.
 */
static void grow(struct stem *s)
{
	size_t sets = s->mask + 1, i, k, lo, hi;
	struct entry *e, old[2];

	e = xrealloc(s->entries, 4 * sets * sizeof(*e));
	for (i = 0; i < sets; i++) {
		memcpy(old, &e[2 * i], sizeof(old));
		lo = 2 * i;
		hi = 2 * (i + sets);
		for (k = 0; k < 2 && old[k].used; k++) {
			if (old[k].hash & sets)
				e[hi++] = old[k];
			else
				e[lo++] = old[k];
		}
		for (; lo < 2 * i + 2; lo++)
			e[lo].used = 0;
		for (; hi < 2 * (i + sets) + 2; hi++)
			e[hi].used = 0;
	}
	s->entries = e;
	s->mask = 2 * sets - 1;
}

int stem_word(struct stem *s, const char *w, size_t n, struct str keys[STEM_MAX_KEYS])
{
	struct entry *set = NULL, tmp; /* set stays NULL if the cache cannot take w */
	size_t total, off;
	uint32_t h = 0;
	int i, way;

	s->stats.words++;
	if (s->entries != NULL && n <= ENTRY_DATA) {
		h = hash(w, n);
		set = &s->entries[2 * (h & s->mask)];
		for (way = 0; way < 2; way++) {
			if (set[way].used && set[way].hash == h && set[way].wlen == n &&
			    memcmp(set[way].data, w, n) == 0)
				goto hit;
		}
	}
	if (compute(s, w, n) != 0)
		return -1;
	for (i = 0; i < s->nout; i++)
		keys[i] = (struct str){s->out[i], s->outlen[i]};
	if (set == NULL)
		return s->nout;
	for (total = n, i = 0; i < s->nout; i++)
		total += s->outlen[i];
	if (total > ENTRY_DATA)
		return s->nout;
	if (set[1].used && s->mask < s->max_mask &&
	    s->live * CACHE_GROW_SHARE >= 2 * (s->mask + 1)) {
		grow(s);
		set = &s->entries[2 * (h & s->mask)];
	}
	if (!set[1].used)
		s->live++;
	set[1] = set[0];
	set[0].used = 1;
	set[0].hash = h;
	set[0].wlen = (uint8_t)n;
	set[0].nkeys = (uint8_t)s->nout;
	memcpy(set[0].data, w, n);
	for (off = n, i = 0; i < s->nout; i++) {
		set[0].klen[i] = (uint8_t)s->outlen[i];
		memcpy(set[0].data + off, s->out[i], s->outlen[i]);
		off += s->outlen[i];
	}
	return s->nout;
hit:
	s->stats.hits++;
	if (way == 1) {
		tmp = set[0];
		set[0] = set[1];
		set[1] = tmp;
	}
	for (off = n, i = 0; i < set[0].nkeys; i++) {
		keys[i] = (struct str){set[0].data + off, set[0].klen[i]};
		off += set[0].klen[i];
	}
	return set[0].nkeys;
}
