/*
 * The "tamizdat" FTS5 tokenizer: cuts text into words (fold.h's classes),
 * lowers them, asks the stemmers of the word's script for its keys and
 * hands keys and surface form to FTS5.  See fts_tokenizer.h for what is
 * indexed and why.  It holds no SQL beyond registration: the store decides
 * the tables.
 */
#include "search/fts_tokenizer.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/fold.h"
#include "search/stem.h"
#include "util/buf.h"
#include "util/log.h"

/* Keys one word can get from two languages of its script. */
#define WORD_KEYS (2 * STEM_MAX_KEYS)

struct ftstok {
	struct stem *stem[STEM_NLANG];
	enum stem_lang latin[2], cyrillic[2];
	int nlatin, ncyrillic;
	bool french; /* split elided articles: l'élection -> l, élection */
};

/* A word being read, lowered (fold_lower()) but not yet stemmed. */
struct word {
	char lower[FTSTOK_TOKEN_MAX];
	size_t n;
	size_t start, end; /* bytes of the input */
	bool letters;      /* not digits only */
	bool latin, cyrillic;
	bool ukrainian, russian; /* has a letter only that language uses */
	bool truncated;
	bool after_letter; /* last thing appended was a letter (for ') */
};

static void add_lang(struct ftstok *t, enum stem_lang lang)
{
	enum stem_lang *list = lang == STEM_EN || lang == STEM_FR ? t->latin : t->cyrillic;
	int *n = lang == STEM_EN || lang == STEM_FR ? &t->nlatin : &t->ncyrillic;
	int i;

	if (lang == STEM_NONE)
		return;
	for (i = 0; i < *n; i++)
		if (list[i] == lang)
			return;
	list[(*n)++] = lang;
	if (lang == STEM_FR)
		t->french = true;
}

struct ftstok *ftstok_new(const char *const *argv, int argc)
{
	struct ftstok *t = xcalloc(1, sizeof(*t));
	size_t cache = 0;
	bool cache_set = false;
	enum stem_lang lang;
	bool any = false;
	char *end;
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "cache") == 0 && i + 1 < argc) {
			cache = strtoul(argv[++i], &end, 10);
			cache_set = true;
			if (*end != '\0' || *argv[i] == '\0' || cache > 1u << 24) {
				log_fail("tokenizer %s: bad cache size \"%s\"", FTSTOK_NAME,
				         argv[i]);
				goto fail;
			}
		} else if (strcmp(argv[i], "auto") == 0) {
			add_lang(t, STEM_EN);
			add_lang(t, STEM_FR);
			add_lang(t, STEM_RU);
			add_lang(t, STEM_UK);
			any = true;
		} else if (stem_lang_parse(argv[i], strlen(argv[i]), &lang)) {
			add_lang(t, lang);
			any = true;
		} else {
			log_fail("tokenizer %s: unknown argument \"%s\" (expected en, fr, ru, uk, "
			         "auto, none or cache N)",
			         FTSTOK_NAME, argv[i]);
			goto fail;
		}
	}
	if (!any) {
		add_lang(t, STEM_EN);
		add_lang(t, STEM_FR);
		add_lang(t, STEM_RU);
		add_lang(t, STEM_UK);
	}
	for (i = 0; i < t->nlatin + t->ncyrillic; i++) {
		lang = i < t->nlatin ? t->latin[i] : t->cyrillic[i - t->nlatin];
		t->stem[lang] = stem_new(lang, cache_set ? cache : stem_cache_default(lang));
		if (t->stem[lang] == NULL)
			goto fail;
	}
	return t;
fail:
	ftstok_free(t);
	return NULL;
}

void ftstok_free(struct ftstok *t)
{
	int i;

	if (t == NULL)
		return;
	for (i = 0; i < STEM_NLANG; i++)
		stem_free(t->stem[i]);
	free(t);
}

void ftstok_set_store(struct ftstok *t, const struct stem_store *store)
{
	int i;

	for (i = 0; i < STEM_NLANG; i++)
		if (t->stem[i] != NULL)
			stem_set_store(t->stem[i], store);
}

void ftstok_stats(const struct ftstok *t, struct stem_stats *out)
{
	struct stem_stats st;
	int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < STEM_NLANG; i++) {
		if (t->stem[i] == NULL)
			continue;
		stem_stats(t->stem[i], &st);
		out->words += st.words;
		out->hits += st.hits;
		out->stored += st.stored;
		out->lemmas += st.lemmas;
	}
}

static void append(struct word *w, uint32_t cp)
{
	char enc[4];
	size_t k;

	switch (cp) {
	case 0x456: /* і */
	case 0x406:
	case 0x457: /* ї */
	case 0x407:
	case 0x454: /* є */
	case 0x404:
	case 0x491: /* ґ */
	case 0x490:
		w->ukrainian = true;
		break;
	case 0x44B: /* ы */
	case 0x42B:
	case 0x44D: /* э */
	case 0x42D:
	case 0x44A: /* ъ */
	case 0x42A:
	case 0x451: /* ё */
	case 0x401:
		w->russian = true;
		break;
	default:
		break;
	}
	switch (fold_script(cp)) {
	case FOLD_SCRIPT_LATIN:
		w->latin = true;
		break;
	case FOLD_SCRIPT_CYRILLIC:
		w->cyrillic = true;
		break;
	default:
		break;
	}
	if (cp > '9')
		w->letters = true;
	w->after_letter = fold_class(cp) == FOLD_LETTER;
	k = fold_encode(fold_lower(cp), enc);
	if (w->n + k > sizeof(w->lower)) {
		w->truncated = true;
		return;
	}
	memcpy(w->lower + w->n, enc, k);
	w->n += k;
}

/* French elided words, as lowered: the part before the apostrophe. */
static bool elided(const struct word *w)
{
	static const char *const el[] = {"c", "d",  "j",     "l",      "m",      "n",     "s",
	                                 "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"};
	size_t i;

	if (w->cyrillic)
		return false;
	for (i = 0; i < NELEM(el); i++)
		if (strlen(el[i]) == w->n && memcmp(el[i], w->lower, w->n) == 0)
			return true;
	return false;
}

/*
 * Collects the keys of w from the languages of its script; returns their
 * number, or -1 if a stemmer failed.
 */
static int word_keys(struct ftstok *t, const struct word *w, struct str *keys)
{
	struct str k[STEM_MAX_KEYS];
	enum stem_lang use[2];
	const enum stem_lang *cand;
	int ncand, nuse = 0, nkeys = 0, i, j, m, nk;

	if (w->cyrillic) {
		cand = t->cyrillic;
		ncand = t->ncyrillic;
	} else if (w->latin) {
		cand = t->latin;
		ncand = t->nlatin;
	} else {
		return 0;
	}
	for (i = 0; i < ncand; i++) {
		if (ncand > 1 && w->ukrainian != w->russian &&
		    cand[i] != (w->ukrainian ? STEM_UK : STEM_RU))
			continue;
		use[nuse++] = cand[i];
	}
	if (nuse == 0) /* a Russian-only word in a uk+fr table: no narrowing */
		for (i = 0; i < ncand; i++)
			use[nuse++] = cand[i];
	for (i = 0; i < nuse; i++) {
		nk = stem_word(t->stem[use[i]], w->lower, w->n, k);
		if (nk < 0)
			return -1;
		for (j = 0; j < nk; j++) {
			for (m = 0; m < nkeys; m++)
				if (str_eq(keys[m], k[j]))
					break;
			if (m == nkeys && nkeys < WORD_KEYS && k[j].n > 0)
				keys[nkeys++] = k[j];
		}
	}
	return nkeys;
}

static _Thread_local char failure[512];

/* Keeps the reason log_fail() recorded, for ftstok_take_failure(). */
static int failed(void)
{
	snprintf(failure, sizeof(failure), "%s", log_reason());
	return SQLITE_ERROR;
}

const char *ftstok_take_failure(void)
{
	static _Thread_local char taken[sizeof(failure)];

	if (failure[0] == '\0')
		return NULL;
	memcpy(taken, failure, sizeof(taken));
	failure[0] = '\0';
	return taken;
}

static int emit(struct ftstok *t, int reason, const struct word *w, void *ctx, ftstok_token_fn fn)
{
	/* The surface form, with room for the mark before it. */
	char surface[1 + 2 * FTSTOK_TOKEN_MAX];
	struct str keys[WORD_KEYS], s;
	int nkeys = 0, i, rc;
	bool listed = false;
	size_t sn;

	surface[0] = FTSTOK_SURFACE_MARK;
	sn = fold_key(w->lower, w->n, surface + 1, FTSTOK_TOKEN_MAX);
	if (sn == 0)
		return SQLITE_OK;
	s = (struct str){surface + 1, sn};
	if (reason & FTS5_TOKENIZE_PREFIX) {
		rc = fn(ctx, 0, s.p, (int)s.n, (int)w->start, (int)w->end);
		if (rc == SQLITE_OK)
			rc = fn(ctx, FTS5_TOKEN_COLOCATED, surface, (int)sn + 1, (int)w->start,
			        (int)w->end);
		return rc;
	}
	if (w->letters && !w->truncated)
		nkeys = word_keys(t, w, keys);
	if (nkeys < 0)
		return failed();
	if (nkeys == 0)
		keys[nkeys++] = s;
	for (i = 0; i < nkeys; i++) {
		listed = listed || str_eq(keys[i], s);
		rc = fn(ctx, i ? FTS5_TOKEN_COLOCATED : 0, keys[i].p, (int)keys[i].n, (int)w->start,
		        (int)w->end);
		if (rc != SQLITE_OK)
			return rc;
	}
	if (!listed && !(reason & FTS5_TOKENIZE_QUERY))
		return fn(ctx, FTS5_TOKEN_COLOCATED, surface, (int)sn + 1, (int)w->start,
		          (int)w->end);
	return SQLITE_OK;
}

/*
 * Whether the word text[start, end) -- letters, digits, marks and
 * apostrophes -- is a French elided word, lowered as ftstok_run() does.
 */
static bool elided_text(const char *text, size_t start, size_t end)
{
	struct word w;
	enum fold_class c;
	uint32_t cp;
	size_t i = start;

	memset(&w, 0, sizeof(w));
	while (i < end) {
		cp = fold_decode(text, end, &i);
		c = fold_class(cp);
		if (c == FOLD_LETTER || c == FOLD_DIGIT)
			append(&w, cp);
		else if (c == FOLD_APOSTROPHE)
			append(&w, '\'');
	}
	return elided(&w);
}

/*
 * FTS5_TOKENIZE_AUX: the words of ftstok_run(), by the same rules, each
 * given as written (cut to FTSTOK_TOKEN_MAX on a character) and without
 * lowering or folding: highlight and snippet functions only count the
 * positions and read the offsets, and a snippet deep in a long article
 * tokenizes everything before it.  A word always gives exactly one
 * token in every mode, so the positions are the document's.
 */
static int run_aux(const struct ftstok *t, const char *text, size_t len, void *ctx,
                   ftstok_token_fn fn)
{
	size_t i = 0, j, k, start, end, n;
	enum fold_class c;
	bool after_letter;
	int rc;

	while (i < len) {
		start = i;
		c = fold_class(fold_decode(text, len, &i));
		if (c != FOLD_LETTER && c != FOLD_DIGIT)
			continue;
		after_letter = c == FOLD_LETTER;
		end = i;
		while (i < len) {
			j = i;
			c = fold_class(fold_decode(text, len, &j));
			if (c == FOLD_LETTER || c == FOLD_DIGIT) {
				after_letter = c == FOLD_LETTER;
			} else if (c == FOLD_MARK) {
				/* part of the word's bytes */
			} else if (c == FOLD_APOSTROPHE && after_letter && j < len) {
				k = j;
				if (fold_class(fold_decode(text, len, &k)) != FOLD_LETTER)
					break;
				if (t->french && elided_text(text, start, i))
					break;
				after_letter = false;
			} else {
				break;
			}
			i = j;
			end = j;
		}
		n = end - start;
		if (n > FTSTOK_TOKEN_MAX) {
			/* The bytes of a word are whole characters: back up to one's start. */
			n = FTSTOK_TOKEN_MAX;
			while (n > 0 && ((unsigned char)text[start + n] & 0xC0) == 0x80)
				n--;
		}
		rc = fn(ctx, 0, text + start, (int)n, (int)start, (int)end);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

int ftstok_run(struct ftstok *t, int reason, const char *text, int n, void *ctx, ftstok_token_fn fn)
{
	size_t len = n > 0 ? (size_t)n : 0, i = 0, j, k;
	enum fold_class c;
	struct word w;
	uint32_t cp;
	int rc;

	if (reason == FTS5_TOKENIZE_AUX)
		return run_aux(t, text, len, ctx, fn);
	while (i < len) {
		w.start = i;
		cp = fold_decode(text, len, &i);
		c = fold_class(cp);
		if (c != FOLD_LETTER && c != FOLD_DIGIT)
			continue;
		w.n = 0;
		w.letters = w.latin = w.cyrillic = w.ukrainian = w.russian = false;
		w.truncated = false;
		append(&w, cp);
		w.end = i;
		while (i < len) {
			j = i;
			cp = fold_decode(text, len, &j);
			c = fold_class(cp);
			if (c == FOLD_LETTER || c == FOLD_DIGIT) {
				append(&w, cp);
			} else if (c == FOLD_MARK) {
				/* dropped, but part of the word's bytes */
			} else if (c == FOLD_APOSTROPHE && w.after_letter && j < len) {
				k = j;
				if (fold_class(fold_decode(text, len, &k)) != FOLD_LETTER)
					break;
				if (t->french && elided(&w))
					break;
				append(&w, '\'');
				w.after_letter = false;
				if (w.cyrillic)
					w.ukrainian = true;
			} else {
				break;
			}
			i = j;
			w.end = j;
		}
		rc = emit(t, reason, &w, ctx, fn);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

/* A recorded token: its header, then its bytes. */
struct taped {
	uint8_t flags;
	uint16_t n;
	int32_t start, end;
};

static int record(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
	struct buf *tape = ctx;
	struct taped h = {(uint8_t)flags, (uint16_t)ntok, start, end};

	buf_put(tape, &h, sizeof(h));
	buf_put(tape, tok, (size_t)ntok);
	return SQLITE_OK;
}

int ftstok_record(struct ftstok *t, const char *text, size_t n, struct buf *tape)
{
	buf_reset(tape);
	if (n > INT32_MAX)
		return log_fail("text too long to index (%zu bytes)", n);
	/* record() never fails: only a stemmer can, and log_reason() says why. */
	if (ftstok_run(t, FTS5_TOKENIZE_DOCUMENT, text, (int)n, tape, record) != SQLITE_OK) {
		(void)ftstok_take_failure(); /* not FTS5's error: the caller has the reason */
		return -1;
	}
	return 0;
}

static _Thread_local const struct ftstok_tape *replay_tapes;
static _Thread_local size_t replay_n;

void ftstok_replay(const struct ftstok_tape *tapes, size_t n)
{
	replay_tapes = n ? tapes : NULL;
	replay_n = tapes ? n : 0;
}

static int play(const struct ftstok_tape *tp, void *ctx,
                int (*token)(void *, int, const char *, int, int, int))
{
	const char *p = tp->tokens.p, *end = p + tp->tokens.n;
	struct taped h;
	int rc;

	while (p < end) {
		memcpy(&h, p, sizeof(h));
		p += sizeof(h);
		rc = token(ctx, h.flags, p, h.n, h.start, h.end);
		if (rc != SQLITE_OK)
			return rc;
		p += h.n;
	}
	return SQLITE_OK;
}

/* What ftstok_register() gives the tokenizers of a connection. */
struct reg {
	struct stem_store store;
	bool has_store;
	void (*drop)(void *ctx);
};

static void x_destroy(void *p)
{
	struct reg *r = p;

	if (r->drop != NULL)
		r->drop(r->store.ctx);
	free(r);
}

static int x_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	struct reg *r = ctx;
	struct ftstok *t;

	/* FTS5 says only "error in tokenizer constructor"; log_reason() has why. */
	if ((t = ftstok_new(argv, argc)) == NULL)
		return failed();
	if (r != NULL && r->has_store)
		ftstok_set_store(t, &r->store);
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static void x_delete(Fts5Tokenizer *p)
{
	ftstok_free((struct ftstok *)p);
}

static int x_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n,
                      int (*token)(void *, int, const char *, int, int, int))
{
	size_t i;

	if (flags == FTS5_TOKENIZE_DOCUMENT && replay_n > 0 && n >= 0)
		for (i = 0; i < replay_n; i++)
			if (replay_tapes[i].n == (size_t)n &&
			    (replay_tapes[i].text == text ||
			     memcmp(replay_tapes[i].text, text, (size_t)n) == 0))
				return play(&replay_tapes[i], ctx, token);
	return ftstok_run((struct ftstok *)p, flags, text, n, ctx, token);
}

int ftstok_register(sqlite3 *db, const struct stem_store *store, void (*drop)(void *ctx))
{
	fts5_tokenizer tok = {x_create, x_delete, x_tokenize};
	struct reg *r = xcalloc(1, sizeof(*r));
	fts5_api *api = NULL;
	sqlite3_stmt *st;
	int rc;

	if (store != NULL) {
		r->store = *store;
		r->has_store = true;
		r->drop = drop;
	}
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK) {
		log_fail("sqlite has no FTS5: %s", sqlite3_errmsg(db));
		goto fail;
	}
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (api == NULL) {
		log_fail("sqlite has no FTS5 API");
		goto fail;
	}
	/* FTS5 calls x_destroy() when db closes; if this fails, it never will. */
	rc = api->xCreateTokenizer(api, FTSTOK_NAME, r, &tok, x_destroy);
	if (rc != SQLITE_OK) {
		log_fail("cannot register tokenizer %s: %s", FTSTOK_NAME, sqlite3_errstr(rc));
		goto fail;
	}
	return 0;
fail:
	x_destroy(r);
	return -1;
}
