/*
 * The search box's query language; see query.h.  The input is first made
 * clean (valid UTF-8, no control characters, at most QUERY_MAX_BYTES),
 * then read item by item: a quoted phrase, OR, a filter, or a word, each
 * possibly with '-' before it and '*' after it.
 */
#include "search/query.h"

#include <stdio.h>
#include <string.h>

#include "search/fold.h"
#include "store/model.h"
#include "util/arena.h"

/* Longest filter name looked at: "section" and a margin. */
#define FILTER_NAME_MAX 16

static bool is_space(uint32_t cp)
{
	return cp == ' ' || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

void query_message(struct query *q, enum query_msg code, const char *arg)
{
	size_t i;

	for (i = 0; i < q->nmsgs; i++)
		if (q->msgs[i].code == code && strcmp(q->msgs[i].arg, arg ? arg : "") == 0)
			return;
	if (q->nmsgs < QUERY_MAX_MESSAGES)
		q->msgs[q->nmsgs++] = (struct query_message){code, arg ? arg : ""};
}

/*
 * Copies s[0..n) into the arena as valid UTF-8 without control
 * characters (both become spaces), cut on a character boundary at
 * QUERY_MAX_BYTES.
 */
static char *clean(struct arena *a, struct query *q, const char *s, size_t n, size_t *len)
{
	char *out = arena_alloc(a, MIN(n, (size_t)QUERY_MAX_BYTES) + 1);
	size_t i = 0, j, o = 0;
	bool bad = false;
	uint32_t cp;

	while (i < n) {
		j = i;
		cp = fold_decode(s, n, &j);
		if (cp == FOLD_BAD && !(j - i == 3 && memcmp(s + i, "\xEF\xBF\xBD", 3) == 0)) {
			bad = true;
			cp = ' ';
		}
		if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
			cp = ' ';
		if (o + (cp == ' ' ? 1 : j - i) > QUERY_MAX_BYTES) {
			query_message(q, QUERY_MSG_TOO_LONG, NULL);
			break;
		}
		if (cp == ' ') {
			out[o++] = ' ';
		} else {
			memcpy(out + o, s + i, j - i);
			o += j - i;
		}
		i = j;
	}
	out[o] = '\0';
	if (bad)
		query_message(q, QUERY_MSG_BAD_UTF8, NULL);
	*len = o;
	return out;
}

/* Letters and digits in s[0..n). */
static size_t count_alnum(const char *s, size_t n)
{
	size_t i = 0, k = 0;
	enum fold_class c;

	while (i < n) {
		c = fold_class(fold_decode(s, n, &i));
		if (c == FOLD_LETTER || c == FOLD_DIGIT)
			k++;
	}
	return k;
}

struct parser {
	struct arena *a;
	struct query *q;
	size_t cap;
	unsigned ngroups;
	int last_group; /* group of the previous item if it was a positive term, else -1 */
	bool pending_or;
	bool full;
};

static void add_term(struct parser *p, const char *s, size_t n, bool phrase, bool prefix,
                     bool neg)
{
	struct query *q = p->q;
	struct query_term *t;
	size_t alnum = count_alnum(s, n);
	const char *text;

	if (alnum == 0) {
		/* Punctuation alone finds nothing; it is not worth a message. */
		p->pending_or = false;
		return;
	}
	if (q->nterms == QUERY_MAX_TERMS) {
		query_message(q, QUERY_MSG_TOO_LONG, NULL);
		p->full = true;
		return;
	}
	text = arena_strndup(p->a, s, n);
	if (prefix && alnum < QUERY_PREFIX_MIN) {
		query_message(q, QUERY_MSG_SHORT_PREFIX, text);
		prefix = false;
	}
	if (q->nterms == p->cap) {
		struct query_term *v;
		p->cap = p->cap ? 2 * p->cap : 8;
		v = arena_alloc(p->a, p->cap * sizeof(*v));
		if (q->nterms)
			memcpy(v, q->terms, q->nterms * sizeof(*v));
		q->terms = v;
	}
	t = &q->terms[q->nterms++];
	t->text = text;
	t->phrase = phrase;
	t->prefix = prefix;
	t->negated = neg;
	if (neg) {
		t->group = p->ngroups++;
		p->last_group = -1;
	} else {
		if (p->pending_or && p->last_group >= 0)
			t->group = (unsigned)p->last_group;
		else
			t->group = p->ngroups++;
		p->last_group = (int)t->group;
	}
	p->pending_or = false;
}

static bool lang_code_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (strcmp(s, "all") == 0)
		return true;
	if (n < 2 || n > 15)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (i >= 2 && (s[i] == '-' || s[i] == '_' ||
		                                                  (s[i] >= '0' && s[i] <= '9')))))
			return false;
	return true;
}

/*
 * Applies the filter name:value (name lower-cased); false if name is not
 * a filter.  A bad value leaves a message.
 */
static bool apply_filter(struct parser *p, const char *name, const char *value,
                         const char *typed, bool neg)
{
	static const char *const names[] = {"lang", "section", "author", "tag", "from", "to", "date"};
	struct query *q = p->q;
	size_t i, n = strlen(value);
	int64_t t, t2;
	char *v;

	for (i = 0; i < NELEM(names); i++)
		if (strcmp(name, names[i]) == 0)
			break;
	if (i == NELEM(names))
		return false;
	while (n && value[n - 1] == ' ')
		n--;
	while (n && *value == ' ') {
		value++;
		n--;
	}
	v = arena_strndup(p->a, value, n);
	if (n == 0 || neg)
		goto bad;
	switch (i) {
	case 0:
		for (i = 0; i < n; i++)
			if (v[i] >= 'A' && v[i] <= 'Z')
				v[i] = (char)(v[i] - 'A' + 'a');
		if (!lang_code_valid(v))
			goto bad;
		q->lang = v;
		break;
	case 1:
		while (*v == '/')
			v++;
		n = strlen(v);
		while (n && v[n - 1] == '/')
			v[--n] = '\0';
		if (n == 0)
			goto bad;
		q->section = v;
		break;
	case 2: q->author = v; break;
	case 3: q->tag = v; break;
	case 4:
		if (query_date(v, false, &t) != 0)
			goto bad;
		q->from = t;
		break;
	case 5:
		if (query_date(v, true, &t) != 0)
			goto bad;
		q->to = t;
		break;
	default:
		if (query_date(v, false, &t) != 0 || query_date(v, true, &t2) != 0)
			goto bad;
		q->from = t;
		q->to = t2;
		break;
	}
	return true;
bad:
	query_message(q, QUERY_MSG_BAD_FILTER, typed);
	return true;
}

/* Reads a quoted string from s[*i] (just after the opening quote) to its end. */
static void quoted(const char *s, size_t n, size_t *i, size_t *start, size_t *len)
{
	const char *end = memchr(s + *i, '"', n - *i);

	*start = *i;
	*len = end ? (size_t)(end - (s + *i)) : n - *i;
	*i = end ? (size_t)(end - s) + 1 : n;
}

/*
 * A bare token s[start..end): a filter, OR, or a word.  *i may move past
 * a quoted filter value.
 */
static void bare(struct parser *p, const char *s, size_t n, size_t start, size_t end, size_t *i,
                 bool neg)
{
	const char *colon = memchr(s + start, ':', end - start);
	size_t k, len = end - start;
	bool prefix = false;

	if (!neg && len == 2 && memcmp(s + start, "OR", 2) == 0) {
		p->pending_or = p->last_group >= 0;
		return;
	}
	if (colon && colon > s + start && (size_t)(colon - (s + start)) <= FILTER_NAME_MAX) {
		char name[FILTER_NAME_MAX + 1];
		size_t nn = (size_t)(colon - (s + start));
		bool letters = true;
		for (k = 0; k < nn; k++) {
			char c = s[start + k];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c < 'a' || c > 'z')
				letters = false;
			name[k] = c;
		}
		name[nn] = '\0';
		if (letters) {
			const char *value = colon + 1;
			size_t vn = end - (size_t)(value - s), vs;
			char *typed;
			if (vn == 0 && *i < n && s[*i] == '"') {
				(*i)++;
				quoted(s, n, i, &vs, &vn);
				value = s + vs;
			}
			typed = arena_printf(p->a, "%.*s%.*s", (int)(nn + 1), s + start, (int)vn,
			                     value);
			if (apply_filter(p, name, arena_strndup(p->a, value, vn), typed, neg))
				return;
			query_message(p->q, QUERY_MSG_UNKNOWN_FILTER, arena_strdup(p->a, name));
			if (value != colon + 1) {
				/* name:"some words": the name, then the phrase. */
				add_term(p, s + start, nn, false, false, neg);
				add_term(p, value, vn, true, false, neg);
				return;
			}
		}
	}
	while (len && s[start + len - 1] == '*') {
		len--;
		prefix = true;
	}
	add_term(p, s + start, len, false, prefix, neg);
}

void query_parse(struct arena *a, const char *s, size_t n, struct query *out)
{
	struct parser p = {a, out, 0, 0, -1, false, false};
	size_t len, i = 0, j, start, plen;
	const char *c;
	bool neg, prefix;
	uint32_t cp;

	memset(out, 0, sizeof(*out));
	c = clean(a, out, s ? s : "", s ? n : 0, &len);
	while (i < len && !p.full) {
		j = i;
		cp = fold_decode(c, len, &j);
		if (is_space(cp)) {
			i = j;
			continue;
		}
		neg = false;
		if (c[i] == '-' && i + 1 < len && c[i + 1] != ' ') {
			neg = true;
			i++;
		}
		if (c[i] == '"') {
			i++;
			quoted(c, len, &i, &start, &plen);
			prefix = false;
			while (i < len && c[i] == '*') {
				prefix = true;
				i++;
			}
			add_term(&p, c + start, plen, true, prefix, neg);
			continue;
		}
		start = i;
		while (i < len && c[i] != '"') {
			j = i;
			if (is_space(fold_decode(c, len, &j)))
				break;
			i = j;
		}
		bare(&p, c, len, start, i, &i, neg);
	}
	if (!query_has_terms(out)) {
		bool excluded = false;
		for (i = 0; i < out->nterms; i++)
			excluded = excluded || out->terms[i].negated;
		query_message(out, excluded ? QUERY_MSG_ONLY_EXCLUDED : QUERY_MSG_EMPTY, NULL);
	}
}

bool query_has_terms(const struct query *q)
{
	size_t i;

	for (i = 0; i < q->nterms; i++)
		if (!q->terms[i].negated)
			return true;
	return false;
}

static void put_term(struct buf *out, const struct query_term *t)
{
	const char *s;

	buf_putc(out, '"');
	for (s = t->text; *s; s++) {
		if (*s == '"')
			buf_putc(out, '"');
		buf_putc(out, *s);
	}
	buf_putc(out, '"');
	if (t->prefix)
		buf_puts(out, " *");
}

bool query_fts(const struct query *q, struct buf *out)
{
	size_t i, j, k, nneg = 0;
	bool first = true;

	if (!query_has_terms(q))
		return false;
	for (i = 0; i < q->nterms; i++)
		nneg += q->terms[i].negated;
	if (nneg)
		buf_putc(out, '(');
	for (i = 0; i < q->nterms; i = j) {
		if (q->terms[i].negated) {
			j = i + 1;
			continue;
		}
		for (j = i + 1; j < q->nterms && !q->terms[j].negated &&
		                q->terms[j].group == q->terms[i].group;
		     j++)
			;
		if (!first)
			buf_puts(out, " AND ");
		first = false;
		if (j - i > 1)
			buf_putc(out, '(');
		for (k = i; k < j; k++) {
			if (k > i)
				buf_puts(out, " OR ");
			put_term(out, &q->terms[k]);
		}
		if (j - i > 1)
			buf_putc(out, ')');
	}
	if (nneg) {
		buf_puts(out, ") NOT (");
		first = true;
		for (i = 0; i < q->nterms; i++) {
			if (!q->terms[i].negated)
				continue;
			if (!first)
				buf_puts(out, " OR ");
			first = false;
			put_term(out, &q->terms[i]);
		}
		buf_putc(out, ')');
	}
	return true;
}

int query_date(const char *s, bool end, int64_t *out)
{
	char full[11];
	size_t n = strlen(s);
	int y, m;

	if (!model_date_valid(s))
		return -1;
	if (!end) {
		snprintf(full, sizeof(full), "%.4s-%.2s-%.2s", s, n >= 7 ? s + 5 : "01",
		         n == 10 ? s + 8 : "01");
		return model_parse_datetime(full, out);
	}
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	if (n == 4) {
		if (y >= 9999)
			return -1;
		snprintf(full, sizeof(full), "%04d-01-01", y + 1);
	} else if (n == 7) {
		m = (s[5] - '0') * 10 + (s[6] - '0');
		if (m == 12 && y >= 9999)
			return -1;
		snprintf(full, sizeof(full), "%04d-%02d-01", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
	} else {
		if (model_parse_datetime(s, out) != 0)
			return -1;
		*out += 86400;
		return 0;
	}
	return model_parse_datetime(full, out);
}

const char *query_message_key(enum query_msg code)
{
	switch (code) {
	case QUERY_MSG_EMPTY: return "search_msg_empty";
	case QUERY_MSG_TOO_LONG: return "search_msg_too_long";
	case QUERY_MSG_BAD_UTF8: return "search_msg_bad_utf8";
	case QUERY_MSG_ONLY_EXCLUDED: return "search_msg_only_excluded";
	case QUERY_MSG_UNKNOWN_FILTER: return "search_msg_unknown_filter";
	case QUERY_MSG_BAD_FILTER: return "search_msg_bad_filter";
	case QUERY_MSG_SHORT_PREFIX: return "search_msg_short_prefix";
	case QUERY_MSG_NO_LANG: return "search_msg_no_lang";
	case QUERY_MSG_NO_SECTION: return "search_msg_no_section";
	case QUERY_MSG_NO_AUTHOR: return "search_msg_no_author";
	case QUERY_MSG_NO_TAG: return "search_msg_no_tag";
	case QUERY_MSG_PAGE_LIMIT: return "search_msg_page_limit";
	case QUERY_MSG_TIMEOUT: return "search_msg_timeout";
	}
	return "search_msg_empty";
}

const char *query_message_text(struct arena *a, const struct query_message *m)
{
	const char *x = m->arg;

	switch (m->code) {
	case QUERY_MSG_EMPTY: return "Type a word to search for.";
	case QUERY_MSG_TOO_LONG: return "The query was too long: only its beginning was searched.";
	case QUERY_MSG_BAD_UTF8:
		return "Some bytes of the query were not valid UTF-8 and were ignored.";
	case QUERY_MSG_ONLY_EXCLUDED:
		return "Add a word to search for: words after a minus only exclude.";
	case QUERY_MSG_UNKNOWN_FILTER:
		return arena_printf(a,
		                    "\"%s:\" is not a filter (lang, section, author, tag, from, to, "
		                    "date); it was searched as words.",
		                    x);
	case QUERY_MSG_BAD_FILTER:
		return arena_printf(a,
		                    "\"%s\" was ignored: give a value (dates as YYYY, YYYY-MM or "
		                    "YYYY-MM-DD; lang as a code or all).",
		                    x);
	case QUERY_MSG_SHORT_PREFIX:
		return arena_printf(a,
		                    "\"%s*\" is too short to search by its beginning; the whole word "
		                    "was searched.",
		                    x);
	case QUERY_MSG_NO_LANG: return arena_printf(a, "Nothing is published in \"%s\".", x);
	case QUERY_MSG_NO_SECTION: return arena_printf(a, "There is no section \"%s\".", x);
	case QUERY_MSG_NO_AUTHOR: return arena_printf(a, "There is no author \"%s\".", x);
	case QUERY_MSG_NO_TAG: return arena_printf(a, "There is no tag \"%s\".", x);
	case QUERY_MSG_PAGE_LIMIT:
		return arena_printf(a, "Only the first %s results are listed; narrow the search.", x);
	case QUERY_MSG_TIMEOUT:
		return "The search took too long and was stopped: try again, or with fewer or "
		       "longer words.";
	}
	return "";
}
