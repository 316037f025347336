/*
 * Names of the model's enums and the URL rules of the content model: where
 * an article or a section lives in the public site.  Kept here, beside the
 * model, because both the store (redirects of old URLs) and publishing
 * (links) need the same answer.
 */
#include "store/model.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

static const char *const status_names[ST_COUNT] = {
	"draft", "proposed", "published", "scheduled", "trash", "refused",
};

const char *model_status_name(enum article_status st)
{
	return (unsigned)st < ST_COUNT ? status_names[st] : NULL;
}

int model_status_parse(const char *s)
{
	int i;

	for (i = 0; i < ST_COUNT; i++)
		if (strcmp(s, status_names[i]) == 0)
			return i;
	return -1;
}

const char *model_author_kind_name(enum author_kind k)
{
	return k == AUTHOR_ORGANISATION ? "organisation" : "person";
}

int model_author_kind_parse(const char *s)
{
	if (strcmp(s, "person") == 0)
		return AUTHOR_PERSON;
	if (strcmp(s, "organisation") == 0 || strcmp(s, "organization") == 0)
		return AUTHOR_ORGANISATION;
	return -1;
}

void model_section_dir(struct buf *out, const char *lang, const char *path)
{
	buf_puts(out, lang);
	if (path && *path) {
		buf_putc(out, '/');
		buf_puts(out, path);
	}
}

void model_article_dir(struct buf *out, const char *lang, const char *section_path,
                       const char *slug)
{
	model_section_dir(out, lang, section_path);
	buf_putc(out, '/');
	buf_puts(out, slug);
}

bool model_slug_reserved(const char *slug, bool top_level)
{
	/* Folders publishing itself makes beside sections and articles. */
	static const char *const anywhere[] = {"page", "feed", "index"};
	static const char *const top[] = {"authors", "tags", "search", "subscribe",
	                                  "newsletter", "static", "admin", "mirror"};
	size_t i;

	for (i = 0; i < sizeof(anywhere) / sizeof(anywhere[0]); i++)
		if (strcmp(slug, anywhere[i]) == 0)
			return true;
	if (top_level)
		for (i = 0; i < sizeof(top) / sizeof(top[0]); i++)
			if (strcmp(slug, top[i]) == 0)
				return true;
	return false;
}

static bool is_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool model_date_valid(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	size_t n = strlen(s);
	int y, m, d;

	if (!(n == 4 || n == 7 || n == 10) || !is_digits(s, 4))
		return false;
	y = atoi(s);
	if (n == 4)
		return y > 0;
	if (s[4] != '-' || !is_digits(s + 5, 2))
		return false;
	m = (s[5] - '0') * 10 + (s[6] - '0');
	if (m < 1 || m > 12)
		return false;
	if (n == 7)
		return true;
	if (s[7] != '-' || !is_digits(s + 8, 2))
		return false;
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m == 2 && d == 29)
		return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d >= 1 && d <= mdays[m - 1];
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), after H. Hinnant. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int two(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

int model_parse_datetime(const char *s, int64_t *out)
{
	char date[11];
	int h = 0, mi = 0, se = 0, off = 0;
	const char *p;
	int64_t days;

	if (strlen(s) < 10)
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!model_date_valid(date))
		return -1;
	p = s + 10;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if ((h = two(p)) < 0 || p[2] != ':' || (mi = two(p + 3)) < 0)
			return -1;
		p += 5;
		if (*p == ':') {
			if ((se = two(p + 1)) < 0)
				return -1;
			p += 3;
			if (*p == '.') /* fractions of a second are dropped */
				for (p++; *p >= '0' && *p <= '9'; p++)
					;
		}
		if (h > 23 || mi > 59 || se > 60)
			return -1;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int oh = two(p + 1), om;
			if (oh < 0 || p[3] != ':' || (om = two(p + 4)) < 0 || oh > 23 || om > 59)
				return -1;
			off = (oh * 60 + om) * 60 * (*p == '+' ? 1 : -1);
			p += 6;
		}
	}
	if (*p != '\0')
		return -1;
	days = days_from_civil(atoi(date), (unsigned)atoi(date + 5), (unsigned)atoi(date + 8));
	*out = days * 86400 + h * 3600 + mi * 60 + se - off;
	return 0;
}
