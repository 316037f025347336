/*
 * Query strings and form bodies: application/x-www-form-urlencoded and
 * multipart/form-data (RFC 7578), parsed whole into a list of fields once
 * the body is in memory.  Pure functions over bytes, fuzzed.  Not a
 * streaming parser: bodies are bounded by http_config.max_body, and the
 * admin's forms are small.
 */
#include "web/http_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/util.h"

/* RFC 2046: a boundary is 1 to 70 characters. */
#define BOUNDARY_MAX 70

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static struct http_field *add_field(struct http_fields *out)
{
	struct http_field *f;

	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 8;
		out->v = xreallocarray(out->v, out->cap, sizeof(*out->v));
	}
	f = &out->v[out->n++];
	memset(f, 0, sizeof(*f));
	return f;
}

void http_fields_finish(struct http_fields *f)
{
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}

/* Decodes s[0..n) ('+' is a space) into arena memory; NULL on a bad escape or NUL. */
static char *decode(struct arena *a, const char *s, size_t n, size_t *len)
{
	char *out = arena_alloc(a, n + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return NULL;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return NULL;
			c = hi << 4 | lo;
			i += 2;
		}
		if (c == '\0')
			return NULL;
		*o++ = (char)c;
	}
	*o = '\0';
	*len = (size_t)(o - out);
	return out;
}

int http_form_urlencoded(struct arena *a, const char *s, size_t n, struct http_fields *out)
{
	const char *end = s + n;

	while (s < end) {
		const char *amp = memchr(s, '&', (size_t)(end - s));
		const char *pe = amp ? amp : end, *eq;
		struct http_field *f;
		size_t len;
		char *name, *value;

		if (pe == s) {
			s = pe + 1;
			continue;
		}
		eq = memchr(s, '=', (size_t)(pe - s));
		name = decode(a, s, (size_t)((eq ? eq : pe) - s), &len);
		value = eq ? decode(a, eq + 1, (size_t)(pe - eq - 1), &len) : arena_strdup(a, "");
		if (name == NULL || value == NULL)
			return -1;
		if (!eq)
			len = 0;
		f = add_field(out);
		f->name = name;
		f->value = value;
		f->size = len;
		s = pe + 1;
	}
	return 0;
}

/*
 * Finds parameter key in a header value (`form-data; name="x"`) and
 * returns its value, unquoted, arena-owned; NULL if absent.
 */
static char *header_param(struct arena *a, const char *v, size_t n, const char *key)
{
	const char *p = v, *end = v + n;
	size_t klen = strlen(key);

	while (p < end) {
		const char *q = memchr(p, ';', (size_t)(end - p));

		if (q == NULL)
			return NULL;
		p = q + 1;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(end - p) <= klen || strncasecmp(p, key, klen) != 0 || p[klen] != '=')
			continue;
		p += klen + 1;
		if (p < end && *p == '"') {
			struct buf b = BUF_INIT;
			char *s;

			for (p++; p < end && *p != '"'; p++) {
				if (*p == '\\' && p + 1 < end)
					p++;
				buf_putc(&b, *p);
			}
			if (p == end) {
				buf_finish(&b);
				return NULL; /* unterminated quote */
			}
			s = arena_strndup(a, buf_cstr(&b), b.n);
			buf_finish(&b);
			return s;
		}
		q = p;
		while (q < end && *q != ';' && *q != ' ' && *q != '\t')
			q++;
		return arena_strndup(a, p, (size_t)(q - p));
	}
	return NULL;
}

/* Parses the headers of one part, [p, end); sets name, filename and type. */
static int part_headers(struct arena *a, const char *p, const char *end, struct http_field *f)
{
	const char *ctype = NULL;
	size_t ctype_n = 0;
	char *filename = NULL;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end, *colon;

		if (le > p && le[-1] == '\r')
			le--;
		colon = memchr(p, ':', (size_t)(le - p));
		if (colon != NULL) {
			const char *v = colon + 1;
			size_t nlen = (size_t)(colon - p);

			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			if (nlen == 19 && strncasecmp(p, "Content-Disposition", 19) == 0) {
				if ((size_t)(le - v) < 9 || strncasecmp(v, "form-data", 9) != 0)
					return -1;
				f->name = header_param(a, v, (size_t)(le - v), "name");
				filename = header_param(a, v, (size_t)(le - v), "filename");
			} else if (nlen == 12 && strncasecmp(p, "Content-Type", 12) == 0) {
				ctype = v;
				ctype_n = (size_t)(le - v);
			}
		}
		p = eol ? eol + 1 : end;
	}
	if (f->name == NULL)
		return -1;
	if (filename != NULL) {
		f->is_file = true;
		f->upload.filename = filename;
		f->upload.content_type =
		        ctype ? arena_strndup(a, ctype, ctype_n) : "application/octet-stream";
	}
	return 0;
}

int http_form_multipart(struct arena *a, const char *ctype, const char *body, size_t n,
                        struct http_fields *out)
{
	const char *p, *end = body + n;
	char delim[BOUNDARY_MAX + 5]; /* "\r\n--" + boundary */
	const char *boundary;
	size_t dn;

	if (strncasecmp(ctype, "multipart/form-data", 19) != 0)
		return -1;
	boundary = header_param(a, ctype, strlen(ctype), "boundary");
	if (boundary == NULL || boundary[0] == '\0' || strlen(boundary) > BOUNDARY_MAX)
		return -1;
	dn = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", boundary);

	/* The first delimiter may open the body, without the CRLF before it. */
	if (n >= dn - 2 && memcmp(body, delim + 2, dn - 2) == 0) {
		p = body + dn - 2;
	} else {
		p = memmem(body, n, delim, dn);
		if (p == NULL)
			return -1;
		p += dn;
	}
	for (;;) {
		const char *hend, *next;
		struct http_field *f;
		struct http_field part = {0};
		char *value;

		/* After a delimiter: "--" closes, else optional blanks and a line end. */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return 0;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
			p += 2;
		else
			return -1;
		/* Headers end at the first empty line; a part with none starts with it. */
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
			hend = p;
		} else {
			hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
			if (hend == NULL)
				return -1;
			hend += 2;
		}
		if (part_headers(a, p, hend, &part) != 0)
			return -1;
		p = hend + 2;
		next = memmem(p, (size_t)(end - p), delim, dn);
		if (next == NULL)
			return -1;
		value = arena_alloc(a, (size_t)(next - p) + 1);
		memcpy(value, p, (size_t)(next - p));
		value[next - p] = '\0';
		f = add_field(out);
		*f = part;
		f->value = value;
		f->size = (size_t)(next - p);
		if (f->is_file) {
			f->upload.data = value;
			f->upload.size = f->size;
		}
		p = next + dn;
	}
}
