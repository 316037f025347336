/*
 * The newsletter as bytes: the subscribe form on language home and
 * article pages, the pages the subscription endpoints answer with, and the
 * HTML and plain-text bodies of the mails (digests, confirmations,
 * notices).  Pure, like the rest of render/: models in, bytes out, from
 * the theme's templates (subscribe, newsletter, mail_html, mail_text) and
 * the locale strings (nl_*).
 *
 * Mail bodies hold no tracking pixel, no remote style sheet and no
 * rewritten links: every link is the article's own address.
 */
#ifndef TZ_RENDER_NEWSLETTER_H
#define TZ_RENDER_NEWSLETTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render/render.h"

struct arena;

/* ---- pages the endpoints answer with (folder "newsletter") --------- */

enum render_nl_form {
	RENDER_NL_NONE,        /* a message only */
	RENDER_NL_SUBSCRIBE,   /* the subscribe form again (bad address, expired link) */
	RENDER_NL_CONFIRM,     /* one button that confirms (a POST: link scanners only GET) */
	RENDER_NL_PREFS,       /* languages, lists, save; and the unsubscribe button */
	RENDER_NL_UNSUBSCRIBE, /* one button that unsubscribes */
};

struct render_nl_page {
	const char *lang;      /* the page's language (a site language) */
	const char *title_key; /* locale key of the heading ("nl_confirmed_title") */
	const char *text_key;  /* locale key of the text, or NULL; {email} is replaced */
	const char *error_key; /* locale key of an error shown above the form, or NULL */
	enum render_nl_form form;
	const char *token; /* for CONFIRM, PREFS, UNSUBSCRIBE */
	const char *email; /* the subscriber's address, shown */
	const char *langs; /* PREFS: current languages ("en,fr") */
	const char *lists; /* PREFS: current lists */
};

int render_newsletter_page(const struct render_site *site, struct arena *a,
                           const struct render_nl_page *m, struct buf *out);

/* ---- mail bodies -------------------------------------------------- */

/*
 * A digest for one reader profile.  arts are the articles this
 * reader gets, translations side by side: group[i] numbers the
 * translation group of arts[i], and members of a group are adjacent.  The
 * personal links may be placeholders the caller replaces per reader.
 */
struct render_digest {
	const char *ui_lang;               /* language of the mail's own words */
	const char *list_name;             /* in ui_lang */
	int64_t date;                      /* of the issue */
	const struct article *const *arts; /* with authors; with body when full_text */
	const unsigned *group;
	size_t n;
	bool full_text;
	const char *prefs_url;
	const char *unsub_url;
};

/* Appends the HTML and the plain-text body. */
int render_digest(const struct render_site *site, struct arena *a, const struct render_digest *d,
                  struct buf *html, struct buf *text);

enum render_note_kind {
	RENDER_NOTE_CONFIRM, /* "confirm your subscription" with the confirmation link */
	RENDER_NOTE_NOTICE,  /* "you are already subscribed" with the preferences link */
};

struct render_note {
	enum render_note_kind kind;
	const char *ui_lang;
	const char *url;
	unsigned hours; /* CONFIRM: how long the link works */
};

/* Appends the subject, the HTML and the plain-text body. */
int render_note(const struct render_site *site, struct arena *a, const struct render_note *m,
                struct buf *subject, struct buf *html, struct buf *text);

/*
 * The sender's display name in lang: [newsletter] from_name, else the
 * site's title in that language.
 */
const char *render_nl_from_name(const struct render_site *site, const char *lang);

#endif
