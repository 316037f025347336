/*
 * The check that default-mode Markdown output is safe, shared by the unit
 * test and the fuzz target: only the tags and attributes the renderer
 * writes, no '<' or '>' in text or attribute values, and no href or src a
 * browser would run.  Written apart from src/text/mdr.c's own checks, so
 * that one mistake does not hide another.
 */
#ifndef TZ_MDR_CLEAN_H
#define TZ_MDR_CLEAN_H

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* True if a data: URL (after "data:") is a raster image: no scripts run in those. */
static inline bool clean_data_image(const char *s)
{
	static const char *const types[] = {"image/png", "image/gif", "image/jpeg", "image/webp"};
	size_t i, k;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		k = strlen(types[i]);
		if (strncmp(s, types[i], k) == 0 && (s[k] == ';' || s[k] == ','))
			return true;
	}
	return false;
}

/*
 * True if html holds only the tags and attributes the renderer writes,
 * properly nested, with no '<' or '>' in text or values, and no href or
 * src a browser would run: what default mode must always produce.  Sets
 * *why.
 */
static inline bool clean_html_(const char *html, const char **why, unsigned char **stack,
                               size_t *depth)
{
	static const char *const tags[] = {
	        "a",      "blockquote", "br",    "code", "del", "em",    "h1", "h2", "h3",
	        "h4",     "h5",         "h6",    "hr",   "img", "li",    "ol", "p",  "pre",
	        "strong", "table",      "tbody", "td",   "th",  "thead", "tr", "ul"};
	static const char *const attrs[] = {"align", "alt", "class", "href",
	                                    "id",    "src", "start", "title"};
	const char *s = html;
	size_t i, k;

	while ((s = strpbrk(s, "<>")) != NULL) {
		bool ok = false, close = s[1] == '/';

		if (*s == '>') {
			*why = "a '>' outside a tag";
			return false;
		}
		s += 1 + close;
		for (k = 0; isalnum((unsigned char)s[k]); k++)
			;
		for (i = 0; !ok && i < sizeof(tags) / sizeof(tags[0]); i++)
			ok = strlen(tags[i]) == k && strncmp(tags[i], s, k) == 0;
		if (!ok) {
			*why = "a tag the renderer does not write";
			return false;
		}
		i--;
		if (close) {
			if (*depth == 0 || (*stack)[*depth - 1] != i) {
				*why = "a closing tag that closes nothing open";
				return false;
			}
			--*depth;
		} else if (strcmp(tags[i], "br") != 0 && strcmp(tags[i], "hr") != 0 &&
		           strcmp(tags[i], "img") != 0) {
			/* Room for 16, 32, 64... */
			if (*depth == 0 || (*depth >= 16 && (*depth & (*depth - 1)) == 0)) {
				*stack = realloc(*stack, *depth ? 2 * *depth : 16);
				if (*stack == NULL)
					abort();
			}
			(*stack)[(*depth)++] = (unsigned char)i;
		}
		s += k;
		while (*s == ' ') {
			const char *name = ++s, *val, *end;
			char url[64];
			size_t m = 0;

			while (isalpha((unsigned char)*s))
				s++;
			for (i = 0, ok = false; i < sizeof(attrs) / sizeof(attrs[0]); i++)
				ok = ok || (strlen(attrs[i]) == (size_t)(s - name) &&
				            strncmp(attrs[i], name, (size_t)(s - name)) == 0);
			if (!ok || s[0] != '=' || s[1] != '"') {
				*why = "an attribute the renderer does not write";
				return false;
			}
			val = s + 2;
			end = strchr(val, '"');
			if (end == NULL || memchr(val, '<', (size_t)(end - val)) ||
			    memchr(val, '>', (size_t)(end - val))) {
				*why = "an attribute value with < or >";
				return false;
			}
			s = end + 1;
			if (strncmp(name, "href", 4) != 0 && strncmp(name, "src", 3) != 0)
				continue;
			/* The scheme as a browser reads it: &amp; is the only reference we write.
			 */
			for (; val < end && m < sizeof(url) - 1; val++) {
				if (strncmp(val, "&amp;", 5) == 0)
					val += 4;
				if (*val != '\t' && *val != '\n' && *val != '\r')
					url[m++] = (char)tolower((unsigned char)*val);
			}
			url[m] = '\0';
			m = strspn(url,
			           "\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11"
			           "\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ");
			if (strncmp(url + m, "javascript:", 11) == 0 ||
			    strncmp(url + m, "vbscript:", 9) == 0 ||
			    (strncmp(url + m, "data:", 5) == 0 &&
			     (name[0] == 'h' || !clean_data_image(url + m + 5)))) {
				*why = "a script or data destination";
				return false;
			}
		}
		if (*s != '>') {
			*why = "a malformed tag";
			return false;
		}
		s++;
	}
	return true;
}

static inline bool clean_html(const char *html, const char **why)
{
	unsigned char *stack = NULL;
	size_t depth = 0;
	bool ok = clean_html_(html, why, &stack, &depth);

	free(stack);
	if (ok && depth) {
		*why = "a tag left open";
		ok = false;
	}
	return ok;
}

#endif
