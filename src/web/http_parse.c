/*
 * The small parsers of the HTTP server that see untrusted bytes before
 * anything else does: the request path, dates, Range, Accept-Encoding and
 * If-None-Match.  Pure functions over strings, so the fuzz target drives
 * them directly.  The path rules are the server's defence against
 * traversal: whatever the encoding, no segment that starts with a dot and
 * no backslash or NUL ever reaches the file system.
 */
#include "web/http_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char wdays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

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

/* Checks the segment just written at out->p[start..]; 0 or 404. */
static int check_segment(const struct buf *out, size_t start)
{
	const char *seg = out->p + start;
	size_t n = out->n - start;

	if (n == 0 || seg[0] != '.')
		return 0;
	/* RFC 8615 well-known URIs (security.txt, ACME) are the one exception. */
	if (start == 1 && n == 11 && memcmp(seg, ".well-known", 11) == 0)
		return 0;
	return 404;
}

int http_path_normalise(const char *raw, size_t n, struct buf *out)
{
	size_t i, seg = 1;
	int st;

	buf_reset(out);
	if (n == 0 || raw[0] != '/' || n > HTTP_PATH_MAX)
		return 400;
	buf_putc(out, '/');
	for (i = 1; i < n; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return 400;
			hi = hexval((unsigned char)raw[i + 1]);
			lo = hexval((unsigned char)raw[i + 2]);
			if (hi < 0 || lo < 0)
				return 400;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		if (c == '\0' || c == '\\' || c < 0x20 || c == 0x7f)
			return 400;
		if (c == '/') {
			if (out->n == seg)
				continue; /* empty segment: "//" is "/" */
			if ((st = check_segment(out, seg)) != 0)
				return st;
			buf_putc(out, '/');
			seg = out->n;
			continue;
		}
		buf_putc(out, (char)c);
	}
	return check_segment(out, seg);
}

void http_path_encode(struct buf *out, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)path; *p; p++) {
		if (isalnum(*p) || strchr("/-._~", *p) != NULL) {
			buf_putc(out, *p);
		} else {
			buf_putc(out, '%');
			buf_putc(out, hex[*p >> 4]);
			buf_putc(out, hex[*p & 15]);
		}
	}
}

/* Writes v as n decimal digits. */
static char *put_digits(char *o, int v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v /= 10)
		o[i] = (char)('0' + v % 10);
	return o + n;
}

void http_date_format(time_t t, char *out)
{
	struct tm tm;
	char *o = out;

	gmtime_r(&t, &tm);
	memcpy(o, wdays[tm.tm_wday % 7], 3);
	o += 3;
	*o++ = ',';
	*o++ = ' ';
	o = put_digits(o, tm.tm_mday, 2);
	*o++ = ' ';
	memcpy(o, months[tm.tm_mon % 12], 3);
	o += 3;
	*o++ = ' ';
	o = put_digits(o, (tm.tm_year + 1900) % 10000, 4);
	*o++ = ' ';
	o = put_digits(o, tm.tm_hour, 2);
	*o++ = ':';
	o = put_digits(o, tm.tm_min, 2);
	*o++ = ':';
	o = put_digits(o, tm.tm_sec, 2);
	memcpy(o, " GMT", 5);
}

/* Reads exactly n digits at s. */
static bool digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool http_date_parse(const char *s, time_t *out)
{
	struct tm tm = {0};
	int i, year;

	/* "Sun, 06 Nov 1994 08:49:37 GMT": fixed columns. */
	if (strlen(s) != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
	    s[16] != ' ' || s[19] != ':' || s[22] != ':' || strcmp(s + 25, " GMT") != 0)
		return false;
	if (!digits(s + 5, 2, &tm.tm_mday) || !digits(s + 12, 4, &year) ||
	    !digits(s + 17, 2, &tm.tm_hour) || !digits(s + 20, 2, &tm.tm_min) ||
	    !digits(s + 23, 2, &tm.tm_sec))
		return false;
	for (i = 0; i < 12; i++)
		if (strncmp(s + 8, months[i], 3) == 0)
			break;
	if (i == 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60 || year < 1970)
		return false;
	tm.tm_mon = i;
	tm.tm_year = year - 1900;
	*out = timegm(&tm);
	return *out != (time_t)-1;
}

/* Reads a decimal number, saturating at UINT64_MAX; false if none. */
static bool number(const char **sp, uint64_t *out)
{
	const char *s = *sp;
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v > (UINT64_MAX - 9) / 10 ? UINT64_MAX : v * 10 + (uint64_t)(*s - '0');
	*sp = s;
	*out = v;
	return true;
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

int http_range_parse(const char *s, uint64_t size, uint64_t *off, uint64_t *len)
{
	uint64_t a, b;

	s = skip_ws(s);
	if (strncasecmp(s, "bytes", 5) != 0)
		return 0;
	s = skip_ws(s + 5);
	if (*s++ != '=')
		return 0;
	s = skip_ws(s);
	if (strchr(s, ',') != NULL)
		return 0; /* several ranges: allowed to answer with the whole */
	if (*s == '-') {
		s++;
		if (!number(&s, &b) || *skip_ws(s) != '\0')
			return 0;
		if (b == 0 || size == 0)
			return -1;
		*len = MIN(b, size);
		*off = size - *len;
		return 1;
	}
	if (!number(&s, &a) || *s++ != '-')
		return 0;
	if (!number(&s, &b))
		b = UINT64_MAX;
	else if (b < a)
		return 0;
	if (*skip_ws(s) != '\0')
		return 0;
	if (a >= size)
		return -1;
	if (b >= size)
		b = size - 1;
	*off = a;
	*len = b - a + 1;
	return 1;
}

/* Whether the parameters after a coding (";q=0.5") leave it acceptable. */
static bool q_nonzero(const char *p, const char *end)
{
	while (p < end) {
		p = skip_ws(p);
		if (*p == ';') {
			p = skip_ws(p + 1);
			continue;
		}
		if ((*p == 'q' || *p == 'Q') && p + 1 < end && p[1] == '=') {
			/* q=0, q=0., q=0.000 are zero; anything else is not. */
			for (p += 2; p < end && (*p == '0' || *p == '.'); p++)
				;
			return p < end && *p >= '1' && *p <= '9';
		}
		while (p < end && *p != ';')
			p++;
	}
	return true;
}

bool http_accepts_gzip(const char *s)
{
	bool star = false;

	while (*s) {
		const char *tok, *end, *params;
		size_t n;

		s = skip_ws(s);
		tok = s;
		while (*s && *s != ',' && *s != ';' && *s != ' ' && *s != '\t')
			s++;
		n = (size_t)(s - tok);
		params = s;
		while (*s && *s != ',')
			s++;
		end = s;
		if (*s == ',')
			s++;
		if ((n == 4 && strncasecmp(tok, "gzip", 4) == 0) ||
		    (n == 6 && strncasecmp(tok, "x-gzip", 6) == 0))
			return q_nonzero(params, end);
		if (n == 1 && *tok == '*')
			star = q_nonzero(params, end);
	}
	return star;
}

bool http_etag_match(const char *inm, const char *etag)
{
	size_t n = strlen(etag);
	const char *s = inm;

	while (*s) {
		const char *tag;

		s = skip_ws(s);
		if (*s == ',') {
			s++;
			continue;
		}
		if (*s == '*')
			return true;
		if (s[0] == 'W' && s[1] == '/')
			s += 2;
		tag = s;
		if (*s != '"')
			return false; /* malformed: no match, a full answer is always safe */
		s = strchr(s + 1, '"');
		if (s == NULL)
			return false;
		s++;
		if ((size_t)(s - tag) == n && memcmp(tag, etag, n) == 0)
			return true;
	}
	return false;
}
