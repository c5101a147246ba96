/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crosscheck.c — owns what needs every policy at once: the prefixes each
 * policy's vendors resolve to in the OUI registry, and the conflicts and
 * limits across policies (crosscheck.h lists the rules).
 *
 * Duplicate detection sorts flat arrays of (key, policy, index) instead of
 * hashing: O(n log n) for 100,000 devices, no extra data structure, and the
 * order of messages is deterministic.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array.h"
#include "crosscheck.h"
#include "syntax.h"

struct resolve_ctx {
	struct cg_policy_spec *p;
	size_t vendor;
	size_t cap;          /* 0: p->ouis has exactly nouis (+1) entries */
	size_t *total;
	bool oom;
};

static int resolve_cb(const struct cg_registry_entry *e, void *userdata)
{
	struct resolve_ctx *c = userdata;
	struct cg_oui_spec *o;

	/* never in the registry, but a corrupt file must not produce an LPM
	 * entry the data plane would never match */
	if (e->bytes[0] & 0x03)
		return 0;
	if (++*c->total > CG_MAX_OUIS)
		return -E2BIG;
	if (!CG_GROW(c->p->ouis, c->cap, c->p->nouis + 1)) {
		c->oom = true;
		return -ENOMEM;
	}
	o = &c->p->ouis[c->p->nouis++];
	memset(o, 0, sizeof(*o));
	memcpy(o->bytes, e->bytes, 5);
	o->bits = e->bits;
	snprintf(o->source, sizeof(o->source), "%s", e->org);
	o->vendor = (int)c->vendor;
	o->origin = c->p->vendor_origins[c->vendor];
	return 0;
}

int crosscheck_resolve_vendors(struct cg_model *m, const struct cg_registry *reg, struct cg_diag *d)
{
	size_t total = 0;

	for (size_t i = 0; i < m->npolicies; i++)
		total += m->policies[i].nouis;
	for (size_t i = 0; i < m->npolicies; i++) {
		struct cg_policy_spec *p = &m->policies[i];
		struct resolve_ctx c = { .p = p, .total = &total };

		for (size_t v = 0; v < p->nvendors; v++) {
			long n;

			c.vendor = v;
			n = registry_match(reg, p->vendors[v], resolve_cb, &c);

			if (c.oom) {
				d->oom = true;
				return -ENOMEM;
			}
			if (n == -E2BIG) {
				diag_error(d, p->vendor_origins[v].file, p->vendor_origins[v].line,
					   "vendor \"%s\": prefixes exceed the limit of %d OUI prefixes",
					   p->vendors[v], CG_MAX_OUIS);
				return -EINVAL;
			}
			if (n == 0)
				diag_warning(d, p->vendor_origins[v].file, p->vendor_origins[v].line,
					     "vendor \"%s\" matches no organisation in the OUI registry %s (%s)",
					     p->vendors[v], reg->dir, reg->date);
		}
	}
	return 0;
}

/* ---- cross-policy checks -------------------------------------------------- */

struct dev_item {
	uint8_t mac[6];
	uint32_t pol, idx;
};

static int dev_cmp(const void *a, const void *b)
{
	const struct dev_item *x = a, *y = b;
	int c = memcmp(x->mac, y->mac, 6);

	if (c)
		return c;
	if (x->pol != y->pol)
		return x->pol < y->pol ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

struct oui_item {
	uint8_t bits;
	uint8_t bytes[5];
	uint8_t from_vendor;   /* explicit entries sort first */
	uint32_t pol, idx;
};

static int oui_cmp(const void *a, const void *b)
{
	const struct oui_item *x = a, *y = b;
	int c;

	if (x->bits != y->bits)
		return x->bits < y->bits ? -1 : 1;
	c = memcmp(x->bytes, y->bytes, 5);
	if (c)
		return c;
	if (x->from_vendor != y->from_vendor)
		return x->from_vendor < y->from_vendor ? -1 : 1;
	if (x->pol != y->pol)
		return x->pol < y->pol ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Removes the devices check_devices() marked (a group MAC, never valid). */
static void drop_marked_devices(struct cg_model *m)
{
	for (size_t i = 0; i < m->npolicies; i++) {
		struct cg_policy_spec *p = &m->policies[i];
		size_t w = 0;

		for (size_t j = 0; j < p->ndevices; j++)
			if (!(p->devices[j].mac[0] & 0x01))
				p->devices[w++] = p->devices[j];
			else
				free(p->devices[j].note);
		p->ndevices = w;
	}
}

/* Removes the prefixes check_ouis() marked (bits 0). */
static void drop_marked_ouis(struct cg_model *m)
{
	for (size_t i = 0; i < m->npolicies; i++) {
		struct cg_policy_spec *p = &m->policies[i];
		size_t w = 0;

		for (size_t j = 0; j < p->nouis; j++)
			if (p->ouis[j].bits)
				p->ouis[w++] = p->ouis[j];
		p->nouis = w;
	}
}

static int check_devices(struct cg_model *m, struct cg_diag *d, size_t total)
{
	struct dev_item *items;
	size_t n = 0;
	bool removed = false;

	if (total == 0)
		return 0;
	items = malloc(total * sizeof(*items));
	if (!items)
		return -ENOMEM;
	for (size_t i = 0; i < m->npolicies; i++)
		for (size_t j = 0; j < m->policies[i].ndevices; j++) {
			memcpy(items[n].mac, m->policies[i].devices[j].mac, 6);
			items[n].pol = (uint32_t)i;
			items[n].idx = (uint32_t)j;
			n++;
		}
	qsort(items, n, sizeof(*items), dev_cmp);
	for (size_t a = 0, b; a < n; a = b) {
		const struct cg_device_spec *first = &m->policies[items[a].pol].devices[items[a].idx];

		for (b = a + 1; b < n && !memcmp(items[b].mac, items[a].mac, 6); b++) {
			struct cg_policy_spec *p = &m->policies[items[b].pol];
			struct cg_device_spec *dev = &p->devices[items[b].idx];
			char mac[18];

			addr_format_mac(dev->mac, mac);
			if (items[b].pol == items[a].pol)
				diag_warning(d, dev->origin.file, dev->origin.line,
					     "MAC %s listed twice in policy '%s' (first at line %d)", mac, p->name,
					     first->origin.line);
			else
				diag_error(d, dev->origin.file, dev->origin.line,
					   "MAC %s is already claimed by policy '%s' at %s:%d", mac,
					   m->policies[items[a].pol].name, first->origin.file, first->origin.line);
			dev->mac[0] = 0x01;  /* marks the entry for removal (never valid) */
			removed = true;
		}
	}
	free(items);
	if (removed)
		drop_marked_devices(m);
	return 0;
}

static int check_ouis(struct cg_model *m, struct cg_diag *d, size_t total)
{
	struct oui_item *items;
	size_t n = 0;
	bool removed = false;

	if (total == 0)
		return 0;
	items = malloc(total * sizeof(*items));
	if (!items)
		return -ENOMEM;
	for (size_t i = 0; i < m->npolicies; i++)
		for (size_t j = 0; j < m->policies[i].nouis; j++) {
			const struct cg_oui_spec *o = &m->policies[i].ouis[j];

			items[n].bits = o->bits;
			memcpy(items[n].bytes, o->bytes, 5);
			items[n].from_vendor = o->vendor >= 0;
			items[n].pol = (uint32_t)i;
			items[n].idx = (uint32_t)j;
			n++;
		}
	qsort(items, n, sizeof(*items), oui_cmp);
	for (size_t a = 0, b; a < n; a = b) {
		struct cg_policy_spec *fp = &m->policies[items[a].pol];
		const struct cg_oui_spec *first = &fp->ouis[items[a].idx];
		bool have_explicit = !items[a].from_vendor;
		char fmt[16];

		addr_format_oui(first->bytes, first->bits, fmt);
		for (b = a + 1; b < n && items[b].bits == items[a].bits &&
				!memcmp(items[b].bytes, items[a].bytes, 5); b++) {
			struct cg_policy_spec *p = &m->policies[items[b].pol];
			struct cg_oui_spec *o = &p->ouis[items[b].idx];
			bool same = items[b].pol == items[a].pol;

			if (!items[b].from_vendor) {
				/* explicit vs explicit */
				if (same)
					diag_warning(d, o->origin.file, o->origin.line,
						     "OUI %s listed twice in policy '%s' (first at line %d)", fmt,
						     p->name, first->origin.line);
				else
					diag_error(d, o->origin.file, o->origin.line,
						   "OUI %s is already claimed by policy '%s' at %s:%d", fmt,
						   fp->name, first->origin.file, first->origin.line);
			} else if (have_explicit) {
				/* vendor-resolved vs explicit: explicit wins */
				bool own = same;

				for (size_t k = a; k < b && !own; k++)
					own = !items[k].from_vendor && items[k].pol == items[b].pol;
				if (!own)
					diag_warning(d, o->origin.file, o->origin.line,
						     "vendor \"%s\" resolves to %s (%s), which policy '%s' lists explicitly at %s:%d; the explicit entry wins",
						     p->vendors[o->vendor], fmt, o->source, fp->name,
						     first->origin.file, first->origin.line);
			} else if (!same) {
				/* two policies' vendors resolve to the same prefix */
				bool reported = false;

				for (size_t k = a + 1; k < b && !reported; k++)
					reported = items[k].pol == items[b].pol;
				if (!reported)
					diag_error(d, o->origin.file, o->origin.line,
						   "vendor \"%s\" resolves to %s (%s), which vendor \"%s\" of policy '%s' at %s:%d also claims; list it explicitly in one policy",
						   p->vendors[o->vendor], fmt, o->source,
						   fp->vendors[first->vendor], fp->name, first->origin.file,
						   first->origin.line);
			}
			o->bits = 0;  /* removed below */
			removed = true;
		}
	}
	free(items);
	if (removed)
		drop_marked_ouis(m);
	return 0;
}

/* The same match (vendors, prefixes, devices), entry for entry: what a
 * copied file has. Two policies that match nothing are not copies. */
static bool same_match(const struct cg_policy_spec *a, const struct cg_policy_spec *b)
{
	if (a->nvendors != b->nvendors || a->nouis != b->nouis || a->ndevices != b->ndevices ||
	    a->nvendors + a->nouis + a->ndevices == 0)
		return false;
	for (size_t i = 0; i < a->nvendors; i++)
		if (strcasecmp(a->vendors[i], b->vendors[i]))
			return false;
	for (size_t i = 0; i < a->nouis; i++)
		if (a->ouis[i].bits != b->ouis[i].bits || memcmp(a->ouis[i].bytes, b->ouis[i].bytes, 5))
			return false;
	for (size_t i = 0; i < a->ndevices; i++)
		if (memcmp(a->devices[i].mac, b->devices[i].mac, 6))
			return false;
	return true;
}

/* Is p in the file its name says (NAME.conf)? */
static bool in_own_file(const struct cg_policy_spec *p)
{
	const char *base = strrchr(p->origin.file, '/');
	base = base ? base + 1 : p->origin.file;
	size_t n = strlen(p->name);
	return !strncmp(base, p->name, n) && !strcmp(base + n, ".conf");
}

/*
 * A policy file copied next to its original (dahua.conf -> dahua-old.conf)
 * claims every camera of the original a second time: one error that says
 * so, instead of one per prefix and device (and a "duplicate name" pointing
 * at what looks like the same file). The copy is the one not in NAME.conf,
 * else the later one; its match is emptied so that nothing else reports it,
 * and copy[] marks it for the name check.
 */
static void check_copies(struct cg_model *m, struct cg_diag *d, bool *copy)
{
	for (size_t j = 0; j < m->npolicies; j++)
		for (size_t i = 0; i < j; i++) {
			struct cg_policy_spec *a = &m->policies[i], *b = &m->policies[j];
			if (copy[i] || copy[j] || !same_match(a, b))
				continue;
			size_t c = in_own_file(b) && !in_own_file(a) ? i : j, o = c == i ? j : i;
			struct cg_policy_spec *cp = &m->policies[c], *orig = &m->policies[o];
			diag_error(d, cp->origin.file, cp->origin.line,
				   "policy '%s' has the same devices as %s (policy '%s'): a copy? A camera belongs to one policy: remove or rename this file (policy_dir reads every *.conf)",
				   cp->name, orig->origin.file, orig->name);
			copy[c] = true;
			for (size_t k = 0; k < cp->ndevices; k++)
				free(cp->devices[k].note);
			cp->nouis = cp->ndevices = 0;
		}
}

int crosscheck_validate(struct cg_model *m, struct cg_diag *d)
{
	size_t errs = diag_errors(d), ndev = 0, noui = 0, ndeny = 0;
	bool *copy = calloc(m->npolicies + 1, sizeof(*copy));
	int r;

	if (!copy)
		return -ENOMEM;
	check_copies(m, d, copy);
	for (size_t i = 0; i < m->npolicies; i++) {
		struct cg_policy_spec *p = &m->policies[i];

		for (size_t j = 0; j < i; j++)
			if (!copy[i] && !copy[j] && !strcmp(m->policies[j].name, p->name)) {
				diag_error(d, p->origin.file, p->origin.line,
					   "duplicate policy name '%s' (also defined at %s:%d)", p->name,
					   m->policies[j].origin.file, m->policies[j].origin.line);
				break;
			}
		ndev += p->ndevices;
		noui += p->nouis;
		ndeny += p->ndeny;
	}
	if (m->npolicies > CG_MAX_POLICIES)
		diag_error(d, m->policies[CG_MAX_POLICIES].origin.file, 0,
			   "too many policies (%zu, max %d)", m->npolicies, CG_MAX_POLICIES);

	free(copy);
	r = check_devices(m, d, ndev);
	if (r < 0)
		return r;
	r = check_ouis(m, d, noui);
	if (r < 0)
		return r;

	ndev = noui = 0;
	for (size_t i = 0; i < m->npolicies; i++) {
		ndev += m->policies[i].ndevices;
		noui += m->policies[i].nouis;
	}
	if (ndev > CG_MAX_DEVICES)
		diag_error(d, m->config.path, 0, "too many devices over all policies (%zu, max %d)", ndev,
			   CG_MAX_DEVICES);
	if (noui > CG_MAX_OUIS)
		diag_error(d, m->config.path, 0, "too many OUI prefixes over all policies (%zu, max %d)",
			   noui, CG_MAX_OUIS);
	if (ndeny > CG_MAX_DENY_PREFIXES)
		diag_error(d, m->config.path, 0, "too many deny-list prefixes over all policies (%zu, max %d)",
			   ndeny, CG_MAX_DENY_PREFIXES);
	return diag_errors(d) > errs ? -EINVAL : 0;
}
