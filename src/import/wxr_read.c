/*
 * The WXR reader: libxml2's SAX2 push parser, fed the file in chunks, and
 * a small state machine that keeps the text of the fields it wants.  No
 * tree is built, so memory stays bounded by one item (its fields, at most
 * WXR_MAX_FIELD each, and at most WXR_MAX_TERMS terms and WXR_MAX_META
 * meta entries), whatever the size of the file.  The SAX callbacks run at
 * the parser's position, so every error names the line and column where
 * the document broke or where the offending element ends.
 *
 * Elements are matched by namespace URI, never by prefix: WordPress has
 * written "http://wordpress.org/export/1.0/" to ".../1.2/" (and https
 * on wordpress.com), and a file may bind "wp:" to anything.  Elements in
 * other namespaces are skipped.
 *
 * What it refuses: anything not well-formed (crazy-cdata.xml of the
 * WordPress importer, which only its regex parser reads, included), a
 * DOCTYPE, a root other than <rss>, and a missing or malformed
 * wp:wxr_version.  It does not interpret the data; wxr.c does.
 *
 * libxml2 is loaded when the first export is read, not when the program
 * starts: with ICU and liblzma it was four libraries whose loading and
 * relocation every command paid -- an incremental publish included --
 * for an import most sites run once.  Its functions are called through
 * the table lx, filled by dlsyms_load().
 */
#include "import/wxr_int.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/arena.h"
#include "util/dlsyms.h"
#include "util/log.h"

/* Bytes handed to the parser at a time. */
#define CHUNK (64 * 1024)

/* Debian 12's libxml2, the ABI the headers describe. */
#define LIBXML2_SONAME "libxml2.so.2"

#define LIBXML2_FUNCS(X)           \
	X(xmlCreatePushParserCtxt) \
	X(xmlCtxtGetLastError)     \
	X(xmlCtxtUseOptions)       \
	X(xmlFreeDoc)              \
	X(xmlFreeParserCtxt)       \
	X(xmlParseChunk)           \
	X(xmlSAX2GetColumnNumber)  \
	X(xmlSAX2GetLineNumber)    \
	X(xmlStopParser)

static struct {
#define X(f) __typeof__(f) *f;
	LIBXML2_FUNCS(X)
#undef X
} lx;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded = -1;
static char why[256];

enum ns { NS_OTHER, NS_NONE, NS_WP, NS_EXCERPT, NS_CONTENT, NS_DC };

/* What the current record is. */
enum rec { REC_NONE, REC_AUTHOR, REC_TERM, REC_ITEM };

/* Where the captured text goes. */
enum field {
	F_NONE,
	/* channel */
	F_VERSION,
	F_CH_TITLE,
	F_CH_LINK,
	F_CH_LANG,
	F_SITE_URL,
	F_BLOG_URL,
	/* author */
	F_A_ID,
	F_A_LOGIN,
	F_A_EMAIL,
	F_A_DISPLAY,
	F_A_FIRST,
	F_A_LAST,
	/* term */
	F_T_ID,
	F_T_TAX,
	F_T_SLUG,
	F_T_PARENT,
	F_T_NAME,
	F_T_DESC,
	/* item */
	F_I_TITLE,
	F_I_LINK,
	F_I_GUID,
	F_I_CREATOR,
	F_I_CONTENT,
	F_I_EXCERPT,
	F_I_ID,
	F_I_PARENT,
	F_I_DATE,
	F_I_DATE_GMT,
	F_I_MODIFIED_GMT,
	F_I_NAME,
	F_I_STATUS,
	F_I_TYPE,
	F_I_PASSWORD,
	F_I_ATTACHMENT,
	F_I_TERM,
	F_M_KEY,
	F_M_VALUE,
};

struct reader {
	xmlParserCtxtPtr ctxt;
	const struct wxr_handler *h;
	const char *name;
	int depth;        /* of the element being read; rss is 1 */
	enum rec rec;     /* record open at depth 3 */
	bool in_meta;     /* inside wp:postmeta (depth 4 of an item) */
	enum field field; /* text being captured, or F_NONE */
	struct buf text;
	bool seen_rss, in_channel, channel_sent, failed;
	char *where; /* "FILE:LINE:COL" of the failure */
	/* Channel fields, kept until the channel callback. */
	char *ch[F_BLOG_URL + 1];
	/* The record being read, in its arena. */
	struct arena *a;
	struct wxr_author au;
	struct wxr_term term;
	struct wxr_item it;
	size_t cap_terms, cap_meta;
	const char *term_domain, *term_nicename; /* attributes of <category> */
	const char *meta_key, *meta_value;
};

static enum ns ns_of(const xmlChar *uri)
{
	const char *u = (const char *)uri, *v;

	if (u == NULL || *u == '\0')
		return NS_NONE;
	if (strcmp(u, "http://purl.org/rss/1.0/modules/content/") == 0)
		return NS_CONTENT;
	if (strcmp(u, "http://purl.org/dc/elements/1.1/") == 0)
		return NS_DC;
	if (strncmp(u, "http://", 7) == 0)
		v = u + 7;
	else if (strncmp(u, "https://", 8) == 0)
		v = u + 8;
	else
		return NS_OTHER;
	/* wordpress.org/export/N.N/ and .../N.N/excerpt/ */
	if (strncmp(v, "wordpress.org/export/", 21) != 0)
		return NS_OTHER;
	v += 21;
	if (!(v[0] >= '0' && v[0] <= '9') || v[1] != '.' || !(v[2] >= '0' && v[2] <= '9') ||
	    v[3] != '/')
		return NS_OTHER;
	if (v[4] == '\0')
		return NS_WP;
	return strcmp(v + 4, "excerpt/") == 0 ? NS_EXCERPT : NS_OTHER;
}

static bool is(const xmlChar *name, const char *s)
{
	return strcmp((const char *)name, s) == 0;
}

/* Records the first failure with the parser's position and stops it. */
static void fail_here(struct reader *r, const char *fmt, ...) PRINTFLIKE(2, 3);
static void fail_here(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	if (r->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->failed = true;
	log_fail("%s:%d:%d: %s", r->name, lx.xmlSAX2GetLineNumber(r->ctxt),
	         lx.xmlSAX2GetColumnNumber(r->ctxt), msg);
	lx.xmlStopParser(r->ctxt);
}

/* A handler failed: its reason, with the position. */
static void fail_handler(struct reader *r)
{
	char reason[1024];

	snprintf(reason, sizeof(reason), "%s", log_reason());
	fail_here(r, "%s", reason);
}

/* The captured text, trimmed unless raw. */
static const char *take_text(struct reader *r, bool raw)
{
	const char *s = buf_cstr(&r->text);
	size_t n = r->text.n;

	if (!raw) {
		while (n > 0 && strchr(" \t\r\n", s[0]))
			s++, n--;
		while (n > 0 && strchr(" \t\r\n", s[n - 1]))
			n--;
	}
	return arena_strndup(r->a, s, n);
}

static int64_t to_int(const char *s)
{
	return strtoll(s, NULL, 10);
}

static bool version_ok(const char *v)
{
	size_t i = 0, d;

	for (d = 0; v[i] >= '0' && v[i] <= '9'; i++, d++)
		;
	if (d == 0 || v[i++] != '.')
		return false;
	for (d = 0; v[i] >= '0' && v[i] <= '9'; i++, d++)
		;
	return d > 0 && v[i] == '\0';
}

/* Calls the channel handler once, after checking the version. */
static void send_channel(struct reader *r)
{
	struct wxr_channel c;

	if (r->channel_sent || r->failed)
		return;
	r->channel_sent = true;
	if (r->ch[F_VERSION] == NULL) {
		fail_here(r, "missing WXR version number (wp:wxr_version): not a WordPress export");
		return;
	}
	c.version = r->ch[F_VERSION];
	c.title = r->ch[F_CH_TITLE] ? r->ch[F_CH_TITLE] : "";
	c.link = r->ch[F_CH_LINK] ? r->ch[F_CH_LINK] : "";
	c.language = r->ch[F_CH_LANG] ? r->ch[F_CH_LANG] : "";
	c.base_site_url = r->ch[F_SITE_URL] ? r->ch[F_SITE_URL] : "";
	c.base_blog_url = r->ch[F_BLOG_URL] ? r->ch[F_BLOG_URL] : "";
	if (r->h->channel && r->h->channel(r->h->arg, &c) != 0)
		fail_handler(r);
}

static void begin_record(struct reader *r, enum rec rec)
{
	send_channel(r);
	arena_reset(r->a);
	r->rec = rec;
	memset(&r->au, 0, sizeof(r->au));
	memset(&r->term, 0, sizeof(r->term));
	memset(&r->it, 0, sizeof(r->it));
	r->cap_terms = r->cap_meta = 0;
	if (rec == REC_ITEM)
		r->it.line = (unsigned long)lx.xmlSAX2GetLineNumber(r->ctxt);
}

static void capture(struct reader *r, enum field f)
{
	r->field = f;
	buf_reset(&r->text);
}

/* The field a leaf of the current record is, or F_NONE. */
static enum field record_field(const struct reader *r, enum ns ns, const xmlChar *name)
{
	static const struct {
		enum rec rec;
		enum ns ns;
		const char *name;
		enum field f;
	} map[] = {
	        {REC_AUTHOR, NS_WP, "author_id", F_A_ID},
	        {REC_AUTHOR, NS_WP, "author_login", F_A_LOGIN},
	        {REC_AUTHOR, NS_WP, "author_email", F_A_EMAIL},
	        {REC_AUTHOR, NS_WP, "author_display_name", F_A_DISPLAY},
	        {REC_AUTHOR, NS_WP, "author_first_name", F_A_FIRST},
	        {REC_AUTHOR, NS_WP, "author_last_name", F_A_LAST},
	        {REC_TERM, NS_WP, "term_id", F_T_ID},
	        {REC_TERM, NS_WP, "term_taxonomy", F_T_TAX},
	        {REC_TERM, NS_WP, "category_nicename", F_T_SLUG},
	        {REC_TERM, NS_WP, "tag_slug", F_T_SLUG},
	        {REC_TERM, NS_WP, "term_slug", F_T_SLUG},
	        {REC_TERM, NS_WP, "category_parent", F_T_PARENT},
	        {REC_TERM, NS_WP, "term_parent", F_T_PARENT},
	        {REC_TERM, NS_WP, "cat_name", F_T_NAME},
	        {REC_TERM, NS_WP, "tag_name", F_T_NAME},
	        {REC_TERM, NS_WP, "term_name", F_T_NAME},
	        {REC_TERM, NS_WP, "category_description", F_T_DESC},
	        {REC_TERM, NS_WP, "tag_description", F_T_DESC},
	        {REC_TERM, NS_WP, "term_description", F_T_DESC},
	        {REC_ITEM, NS_NONE, "title", F_I_TITLE},
	        {REC_ITEM, NS_NONE, "link", F_I_LINK},
	        {REC_ITEM, NS_NONE, "guid", F_I_GUID},
	        {REC_ITEM, NS_DC, "creator", F_I_CREATOR},
	        {REC_ITEM, NS_CONTENT, "encoded", F_I_CONTENT},
	        {REC_ITEM, NS_EXCERPT, "encoded", F_I_EXCERPT},
	        {REC_ITEM, NS_WP, "post_id", F_I_ID},
	        {REC_ITEM, NS_WP, "post_parent", F_I_PARENT},
	        {REC_ITEM, NS_WP, "post_date", F_I_DATE},
	        {REC_ITEM, NS_WP, "post_date_gmt", F_I_DATE_GMT},
	        {REC_ITEM, NS_WP, "post_modified_gmt", F_I_MODIFIED_GMT},
	        {REC_ITEM, NS_WP, "post_name", F_I_NAME},
	        {REC_ITEM, NS_WP, "status", F_I_STATUS},
	        {REC_ITEM, NS_WP, "post_type", F_I_TYPE},
	        {REC_ITEM, NS_WP, "post_password", F_I_PASSWORD},
	        {REC_ITEM, NS_WP, "attachment_url", F_I_ATTACHMENT},
	        {REC_ITEM, NS_NONE, "category", F_I_TERM},
	};
	size_t i;

	for (i = 0; i < NELEM(map); i++)
		if (map[i].rec == r->rec && map[i].ns == ns && is(name, map[i].name))
			return map[i].f;
	return F_NONE;
}

static const char *attr_value(struct reader *r, int nb, const xmlChar **attrs, const char *name)
{
	int i;

	/* localname, prefix, URI, value, end: five pointers per attribute. */
	for (i = 0; i < nb; i++)
		if (attrs[5 * i + 2] == NULL && is(attrs[5 * i], name))
			return arena_strndup(r->a, (const char *)attrs[5 * i + 3],
			                     (size_t)(attrs[5 * i + 4] - attrs[5 * i + 3]));
	return "";
}

static void on_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri,
                     int nb_ns, const xmlChar **ns, int nb_attrs, int nb_defaulted,
                     const xmlChar **attrs)
{
	struct reader *r = ctx;
	enum ns n = ns_of(uri);
	enum field f;

	(void)prefix, (void)nb_ns, (void)ns, (void)nb_defaulted;
	if (r->failed)
		return;
	r->depth++;
	if (r->field != F_NONE) {
		/* Markup inside a field we read as text: WXR has none. */
		return;
	}
	switch (r->depth) {
	case 1:
		if (n != NS_NONE || !is(name, "rss"))
			fail_here(r, "not a WordPress export: the document is <%s>, not <rss>",
			          (const char *)name);
		r->seen_rss = true;
		return;
	case 2:
		r->in_channel = n == NS_NONE && is(name, "channel");
		return;
	case 3:
		if (!r->in_channel)
			return;
		if (n == NS_WP && is(name, "wxr_version"))
			capture(r, F_VERSION);
		else if (n == NS_WP && is(name, "base_site_url"))
			capture(r, F_SITE_URL);
		else if (n == NS_WP && is(name, "base_blog_url"))
			capture(r, F_BLOG_URL);
		else if (n == NS_NONE && is(name, "title"))
			capture(r, F_CH_TITLE);
		else if (n == NS_NONE && is(name, "link"))
			capture(r, F_CH_LINK);
		else if (n == NS_NONE && is(name, "language"))
			capture(r, F_CH_LANG);
		else if (n == NS_WP && is(name, "author"))
			begin_record(r, REC_AUTHOR);
		else if (n == NS_WP &&
		         (is(name, "category") || is(name, "tag") || is(name, "term"))) {
			begin_record(r, REC_TERM);
			r->term.taxonomy = is(name, "category") ? "category"
			                   : is(name, "tag")    ? "post_tag"
			                                        : "";
		} else if (n == NS_NONE && is(name, "item"))
			begin_record(r, REC_ITEM);
		return;
	case 4:
		if (r->rec == REC_ITEM && n == NS_WP && is(name, "postmeta")) {
			r->in_meta = true;
			r->meta_key = r->meta_value = NULL;
			return;
		}
		if (r->rec == REC_ITEM && n == NS_WP && is(name, "comment")) {
			r->it.ncomments++;
			return;
		}
		f = record_field(r, n, name);
		if (f == F_I_TERM) {
			r->term_domain = attr_value(r, nb_attrs, attrs, "domain");
			r->term_nicename = attr_value(r, nb_attrs, attrs, "nicename");
		}
		if (f != F_NONE)
			capture(r, f);
		return;
	case 5:
		if (r->in_meta && n == NS_WP && is(name, "meta_key"))
			capture(r, F_M_KEY);
		else if (r->in_meta && n == NS_WP && is(name, "meta_value"))
			capture(r, F_M_VALUE);
		return;
	}
}

static void add_term(struct reader *r, const char *name)
{
	struct wxr_item *it = &r->it;

	if (it->nterms == WXR_MAX_TERMS)
		return;
	if (it->nterms == r->cap_terms) {
		struct wxr_item_term *v;
		r->cap_terms = r->cap_terms ? 2 * r->cap_terms : 8;
		v = arena_alloc(r->a, r->cap_terms * sizeof(*v));
		if (it->nterms)
			memcpy(v, it->terms, it->nterms * sizeof(*v));
		it->terms = v;
	}
	it->terms[it->nterms].domain = r->term_domain ? r->term_domain : "";
	it->terms[it->nterms].nicename = r->term_nicename ? r->term_nicename : "";
	it->terms[it->nterms].name = name;
	it->nterms++;
}

static void add_meta(struct reader *r)
{
	struct wxr_item *it = &r->it;

	if (it->nmeta == WXR_MAX_META || r->meta_key == NULL)
		return;
	if (it->nmeta == r->cap_meta) {
		struct wxr_meta *v;
		r->cap_meta = r->cap_meta ? 2 * r->cap_meta : 8;
		v = arena_alloc(r->a, r->cap_meta * sizeof(*v));
		if (it->nmeta)
			memcpy(v, it->meta, it->nmeta * sizeof(*v));
		it->meta = v;
	}
	it->meta[it->nmeta].key = r->meta_key;
	it->meta[it->nmeta].value = r->meta_value ? r->meta_value : "";
	it->nmeta++;
}

/* Stores the text of the field that just ended. */
static void end_field(struct reader *r)
{
	enum field f = r->field;
	const char *v;

	r->field = F_NONE;
	if (f <= F_BLOG_URL) {
		v = take_text(r, false);
		free(r->ch[f]);
		r->ch[f] = xstrdup(v);
		if (f == F_VERSION && !version_ok(v))
			fail_here(r, "invalid WXR version number \"%s\" (wp:wxr_version is N.N)",
			          v);
		return;
	}
	v = take_text(r, f == F_I_CONTENT || f == F_I_EXCERPT || f == F_M_VALUE);
	switch (f) {
	case F_A_ID:
		r->au.id = to_int(v);
		break;
	case F_A_LOGIN:
		r->au.login = v;
		break;
	case F_A_EMAIL:
		r->au.email = v;
		break;
	case F_A_DISPLAY:
		r->au.display_name = v;
		break;
	case F_A_FIRST:
		r->au.first_name = v;
		break;
	case F_A_LAST:
		r->au.last_name = v;
		break;
	case F_T_ID:
		r->term.id = to_int(v);
		break;
	case F_T_TAX:
		r->term.taxonomy = v;
		break;
	case F_T_SLUG:
		r->term.slug = v;
		break;
	case F_T_PARENT:
		r->term.parent = v;
		break;
	case F_T_NAME:
		r->term.name = v;
		break;
	case F_T_DESC:
		r->term.description = v;
		break;
	case F_I_TITLE:
		r->it.title = v;
		break;
	case F_I_LINK:
		r->it.link = v;
		break;
	case F_I_GUID:
		r->it.guid = v;
		break;
	case F_I_CREATOR:
		r->it.creator = v;
		break;
	case F_I_CONTENT:
		r->it.content = v;
		break;
	case F_I_EXCERPT:
		r->it.excerpt = v;
		break;
	case F_I_ID:
		if (!r->it.has_post_id) {
			r->it.post_id = to_int(v);
			r->it.has_post_id = *v != '\0';
		}
		break;
	case F_I_PARENT:
		r->it.post_parent = to_int(v);
		break;
	case F_I_DATE:
		r->it.post_date = v;
		break;
	case F_I_DATE_GMT:
		r->it.post_date_gmt = v;
		break;
	case F_I_MODIFIED_GMT:
		r->it.post_modified_gmt = v;
		break;
	case F_I_NAME:
		r->it.post_name = v;
		break;
	case F_I_STATUS:
		r->it.status = v;
		break;
	case F_I_TYPE:
		r->it.post_type = v;
		break;
	case F_I_PASSWORD:
		r->it.post_password = v;
		break;
	case F_I_ATTACHMENT:
		r->it.attachment_url = v;
		break;
	case F_I_TERM:
		add_term(r, v);
		break;
	case F_M_KEY:
		r->meta_key = v;
		break;
	case F_M_VALUE:
		r->meta_value = v;
		break;
	default:
		break;
	}
}

/* "" for the fields a record did not have. */
static void fill(const char **v)
{
	if (*v == NULL)
		*v = "";
}

static void end_record(struct reader *r)
{
	const struct wxr_handler *h = r->h;
	int rc = 0;

	switch (r->rec) {
	case REC_AUTHOR:
		fill(&r->au.login), fill(&r->au.email), fill(&r->au.display_name);
		fill(&r->au.first_name), fill(&r->au.last_name);
		if (h->author)
			rc = h->author(h->arg, &r->au);
		break;
	case REC_TERM:
		fill(&r->term.taxonomy), fill(&r->term.slug), fill(&r->term.parent);
		fill(&r->term.name), fill(&r->term.description);
		if (h->term)
			rc = h->term(h->arg, &r->term);
		break;
	case REC_ITEM: {
		struct wxr_item *it = &r->it;
		fill(&it->title), fill(&it->link), fill(&it->guid), fill(&it->creator);
		fill(&it->content), fill(&it->excerpt), fill(&it->post_date);
		fill(&it->post_date_gmt), fill(&it->post_modified_gmt), fill(&it->post_name);
		fill(&it->status), fill(&it->post_type), fill(&it->post_password);
		fill(&it->attachment_url);
		if (h->item)
			rc = h->item(h->arg, it);
		break;
	}
	case REC_NONE:
		break;
	}
	r->rec = REC_NONE;
	if (rc != 0)
		fail_handler(r);
}

static void on_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
	struct reader *r = ctx;

	(void)name, (void)prefix, (void)uri;
	if (r->failed)
		return;
	if (r->field != F_NONE) {
		/* The field's own end tag is at the depth it started. */
		int fdepth = r->field <= F_BLOG_URL ? 3 : r->field >= F_M_KEY ? 5 : 4;
		if (r->depth == fdepth)
			end_field(r);
	} else if (r->depth == 4 && r->in_meta) {
		add_meta(r);
		r->in_meta = false;
	} else if (r->depth == 3 && r->rec != REC_NONE) {
		end_record(r);
	} else if (r->depth == 2 && r->in_channel) {
		send_channel(r); /* a channel without authors, terms or items */
		r->in_channel = false;
	}
	r->depth--;
}

static void on_text(void *ctx, const xmlChar *s, int n)
{
	struct reader *r = ctx;

	if (r->failed || r->field == F_NONE)
		return;
	if (r->text.n + (size_t)n > WXR_MAX_FIELD) {
		fail_here(r, "an element holds more than %zu MB of text", WXR_MAX_FIELD >> 20);
		return;
	}
	buf_put(&r->text, s, (size_t)n);
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	(void)name, (void)ext, (void)sys;
	fail_here(ctx, "a DOCTYPE has no place in a WordPress export");
}

static void on_error(void *ctx, xmlErrorPtr e)
{
	struct reader *r = ctx;
	char msg[512];
	size_t n;

	/*
	 * Only fatal errors: libxml2 reports namespace trouble (an xmlns
	 * that is no valid URI) as errors it recovers from, and so do we.
	 */
	if (r->failed || e == NULL || e->level < XML_ERR_FATAL)
		return;
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "malformed XML");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	r->failed = true;
	log_fail("%s:%d:%d: XML error: %s", r->name, e->line, e->int2, msg);
}

static void load(void)
{
#define X(f) {(void **)&lx.f, #f},
	static const struct dlsym_entry syms[] = {LIBXML2_FUNCS(X)};
#undef X

	if (dlsyms_load(LIBXML2_SONAME, "libxml2", syms, NELEM(syms), why, sizeof(why)) == 0)
		loaded = 0;
}

/* Loads libxml2 once (thread-safe).  0, or -1 with the reason recorded. */
static int lx_load(void)
{
	pthread_once(&once, load);
	if (loaded != 0)
		return log_fail("%s", why);
	return 0;
}

static void reader_init(struct reader *r, const struct wxr_handler *h, const char *name,
                        xmlSAXHandler *sax)
{
	memset(r, 0, sizeof(*r));
	r->h = h;
	r->name = name;
	r->a = arena_new(0);
	buf_init(&r->text);
	memset(sax, 0, sizeof(*sax));
	sax->initialized = XML_SAX2_MAGIC;
	sax->startElementNs = on_start;
	sax->endElementNs = on_end;
	sax->characters = on_text;
	sax->cdataBlock = on_text;
	sax->internalSubset = on_doctype;
	sax->serror = on_error;
}

static void reader_finish(struct reader *r)
{
	size_t i;

	if (r->ctxt) {
		lx.xmlFreeDoc(r->ctxt->myDoc);
		lx.xmlFreeParserCtxt(r->ctxt);
	}
	for (i = 0; i < NELEM(r->ch); i++)
		free(r->ch[i]);
	buf_finish(&r->text);
	arena_free(r->a);
}

/* Feeds one chunk (terminate: the last).  False once the reading failed. */
static bool feed(struct reader *r, const char *p, size_t n, bool terminate)
{
	int rc = lx.xmlParseChunk(r->ctxt, p, (int)n, terminate);

	if (r->failed)
		return false;
	(void)rc; /* non-zero after recoverable namespace errors too */
	if (!r->ctxt->wellFormed) {
		xmlErrorPtr e = lx.xmlCtxtGetLastError(r->ctxt);
		r->failed = true;
		log_fail("%s:%d:%d: XML error: %s", r->name, e ? e->line : 0, e ? e->int2 : 0,
		         e && e->message ? e->message : "malformed XML");
		return false;
	}
	return true;
}

/* After the last chunk: the document had to be an rss with a channel. */
static int finish(struct reader *r)
{
	if (r->failed)
		return -1;
	if (!r->seen_rss || !r->channel_sent) {
		/* Where the reading stopped: 1:1 when nothing could be decoded. */
		int line = r->ctxt ? lx.xmlSAX2GetLineNumber(r->ctxt) : 0;
		int col = r->ctxt ? lx.xmlSAX2GetColumnNumber(r->ctxt) : 0;
		log_fail("%s:%d:%d: not a WordPress export (no <rss> with a <channel>)", r->name,
		         line > 0 ? line : 1, col > 0 ? col : 1);
		return -1;
	}
	return 0;
}

static int start(struct reader *r, xmlSAXHandler *sax, const char *first, size_t n)
{
	r->ctxt = lx.xmlCreatePushParserCtxt(sax, r, first, (int)n, r->name);
	if (r->ctxt == NULL)
		return log_fail("%s: cannot start the XML parser", r->name);
	/* No network, no DTD, no entity substitution; keep line numbers past 65535. */
	lx.xmlCtxtUseOptions(r->ctxt, XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA);
	return 0;
}

int wxr_read_file(const char *path, const struct wxr_handler *h)
{
	struct reader r;
	xmlSAXHandler sax;
	char *chunk;
	size_t n, done = 0, total = 0;
	struct stat st;
	FILE *f;
	int rc = -1;

	if (lx_load() != 0)
		return -1;
	chunk = xmalloc(CHUNK);
	reader_init(&r, h, path, &sax);
	if ((f = fopen(path, "rb")) == NULL) {
		log_fail("cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fileno(f), &st) == 0)
		total = (size_t)st.st_size;
	n = fread(chunk, 1, 4, f);
	if (start(&r, &sax, chunk, n) != 0)
		goto out;
	done = n;
	while ((n = fread(chunk, 1, CHUNK, f)) > 0) {
		done += n;
		if (!feed(&r, chunk, n, false))
			goto out;
		if (h->progress)
			h->progress(h->arg, done, total);
	}
	if (ferror(f)) {
		log_fail("cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	if (!feed(&r, NULL, 0, true))
		goto out;
	rc = finish(&r);
out:
	if (f)
		fclose(f);
	free(chunk);
	reader_finish(&r);
	return rc;
}

int wxr_read_mem(const char *data, size_t n, const char *name, const struct wxr_handler *h)
{
	struct reader r;
	xmlSAXHandler sax;
	size_t first = n < 4 ? n : 4, i;
	int rc = -1;

	if (lx_load() != 0)
		return -1;
	reader_init(&r, h, name, &sax);
	if (start(&r, &sax, data, first) != 0)
		goto out;
	for (i = first; i < n; i += CHUNK)
		if (!feed(&r, data + i, n - i < CHUNK ? n - i : CHUNK, false))
			goto out;
	if (!feed(&r, NULL, 0, true))
		goto out;
	rc = finish(&r);
out:
	reader_finish(&r);
	return rc;
}
