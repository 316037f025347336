/*
 * WordPress import: a WXR export (Tools > Export in WordPress) into the
 * store, in one transaction, streaming.
 *
 *	posts          articles in the section of their first category (or
 *	               Yoast's primary one); other categories become tags
 *	pages          articles in a section "pages" of their own (or skipped)
 *	categories     the section tree, with its hierarchy
 *	tags           tags; authors (dc:creator) by display name
 *	excerpt        lead (as text); post_date_gmt the date
 *	status         publish -> published, draft -> draft, pending ->
 *	               proposed, private -> draft, future -> scheduled,
 *	               trash -> trash; password-protected posts -> draft
 *	languages      Polylang (the "language" and "post_translations"
 *	               terms) or WPML (its _wpml_import_* post meta) give the
 *	               language and the translation group; else opts->lang
 *	old URLs       redirect pages at "p/ID" (for "?p=ID", see tamizdat
 *	               serve), at the permalink's path ("2019/05/slug") and
 *	               at "category/SLUG" for each category's section
 *
 * Bodies are kept as sanitised HTML in Markdown HTML blocks (wxr_body.c
 * says why).  Comments, attachments, menus, revisions and other post types
 * are not imported, and are counted in the report; attachment URLs inside
 * posts are kept as they are (nothing is downloaded).  Importing the same
 * export again updates the articles it made (a table maps WordPress post
 * ids to articles), never duplicates them.
 */
#ifndef TZ_WXR_H
#define TZ_WXR_H

#include <stdbool.h>
#include <stddef.h>

#include "import/import.h"

struct site;

struct wxr_opts {
	bool dry_run;  /* check and count everything, save nothing */
	bool progress; /* a progress bar on a terminal */
	bool no_pages; /* skip pages */
	const char
	        *lang; /* language of posts without Polylang/WPML data; NULL: the site's default */
};

/* What an import did, and what it left out and why. */
struct wxr_report {
	struct import_report base;
	size_t posts, pages; /* imported (added, updated or unchanged) */
	size_t sections;     /* sections the imported articles are filed in, with their parents */
	size_t authors;      /* authors of the imported articles */
	size_t protected_drafts;            /* password-protected: imported as drafts */
	size_t untitled;                    /* no title: "(no title)" */
	size_t translated;                  /* in a translation group */
	size_t redirects;                   /* old addresses kept as redirect pages */
	size_t comments;                    /* not imported */
	size_t captions, embeds, galleries; /* shortcodes converted, embeds linked, removed */
	size_t extra_categories; /* posts in several categories: the others became tags */
	/* Skipped, by reason. */
	size_t skip_pages;       /* --no-pages */
	size_t skip_attachments; /* media library entries */
	size_t skip_types;       /* menu items, revisions, blocks, templates, custom types */
	size_t skip_auto_drafts; /* never-saved drafts WordPress keeps */
	size_t skip_lang;        /* a language the site does not have */
	size_t skip_too_long;    /* body over the store's limit */
};

/*
 * Imports the WXR file at path into site (opts may be NULL: defaults).
 * Everything in one transaction: any error leaves the store as it was, and
 * the reason names FILE:LINE:COLUMN.  With opts->dry_run the transaction
 * is rolled back after the report is complete.  Notes the touched
 * languages for publishing.  0 or -1.
 */
int wxr_import(struct site *site, const char *path, const struct wxr_opts *opts,
               struct wxr_report *r);

#endif
