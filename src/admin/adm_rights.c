/*
 * Who may do what.  Admins may do everything; editors everything with
 * articles and sections inside their section subtrees (all of them when
 * they have none); contributors may write their own articles while they
 * are drafts, proposed or refused, propose them and take them back.  Every
 * page and every POST checks here, whatever its form offered: a crafted
 * request gets the same answer as a click.
 */
#include "admin/adm_int.h"

#include <string.h>

bool adm_is_admin(const struct adm_req *r)
{
	return r->authed && r->user.role == ROLE_ADMIN;
}

bool adm_is_editor(const struct adm_req *r)
{
	return r->authed && (r->user.role == ROLE_EDITOR || r->user.role == ROLE_ADMIN);
}

bool adm_section_ok(struct adm_req *r, int64_t section_id)
{
	int64_t *chain;
	size_t n, i, j;

	if (!r->authed)
		return false;
	if (r->user.role == ROLE_ADMIN || r->user.nsections == 0)
		return true;
	if (store_section_chain(r->s, r->a, section_id, &chain, &n) != STORE_OK)
		return false;
	for (i = 0; i < n; i++)
		for (j = 0; j < r->user.nsections; j++)
			if (chain[i] == r->user.sections[j])
				return true;
	return false;
}

static bool own(struct adm_req *r, const struct article *art)
{
	int64_t creator;

	return store_article_creator(r->s, art->id, &creator) == STORE_OK &&
	       creator == r->user.id;
}

bool adm_can_view(struct adm_req *r, const struct article *art)
{
	if (!r->authed || !adm_section_ok(r, art->section_id))
		return false;
	return adm_is_editor(r) || own(r, art);
}

bool adm_can_edit(struct adm_req *r, const struct article *art)
{
	if (!adm_can_view(r, art) || art->status == ST_TRASH)
		return false;
	if (adm_is_editor(r))
		return true;
	return art->status == ST_DRAFT || art->status == ST_PROPOSED || art->status == ST_REFUSED;
}

static const char *const action_names[ACT_COUNT] = {
	"propose", "withdraw", "publish", "refuse", "schedule", "trash", "restore",
};

int adm_action_parse(const char *s)
{
	int i;

	for (i = 0; i < ACT_COUNT; i++)
		if (strcmp(s, action_names[i]) == 0)
			return i;
	return -1;
}

const char *adm_action_name(enum adm_action act)
{
	return (unsigned)act < ACT_COUNT ? action_names[act] : "";
}

bool adm_can_act(struct adm_req *r, const struct article *art, enum adm_action act)
{
	enum article_status st = art->status;
	bool editor = adm_is_editor(r);

	if (!adm_can_view(r, art))
		return false;
	switch (act) {
	case ACT_PROPOSE: return st == ST_DRAFT || st == ST_REFUSED;
	case ACT_WITHDRAW:
		if (st == ST_PROPOSED || st == ST_REFUSED)
			return true;
		return editor && (st == ST_SCHEDULED || st == ST_PUBLISHED);
	case ACT_PUBLISH:
		return editor && (st == ST_DRAFT || st == ST_PROPOSED || st == ST_REFUSED ||
		                  st == ST_SCHEDULED);
	case ACT_REFUSE: return editor && st == ST_PROPOSED;
	case ACT_SCHEDULE:
		return editor && (st == ST_DRAFT || st == ST_PROPOSED || st == ST_REFUSED ||
		                  st == ST_SCHEDULED);
	case ACT_TRASH: return st != ST_TRASH && (editor || st == ST_DRAFT || st == ST_REFUSED);
	case ACT_RESTORE: return st == ST_TRASH;
	case ACT_COUNT: break;
	}
	return false;
}
