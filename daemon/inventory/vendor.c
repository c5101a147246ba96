// SPDX-License-Identifier: GPL-2.0-only
/*
 * vendor.c — owns the MAC -> manufacturer table of the inventory (see
 * vendor.h). Entries are kept in one array sorted by
 * (bits, prefix) and looked up by binary search once per prefix length:
 * three searches per new device, none per packet.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cfgfile.h"
#include "diag.h"
#include "registry.h"
#include "vendor.h"

struct vendor_entry {
	uint64_t prefix;   /* the MAC's top `bits` bits, right-aligned */
	uint8_t bits;
	const char *org;
};

struct cg_vendor_db {
	struct vendor_entry *v;
	size_t n, cap;
	struct cg_registry reg;
	char *csv;         /* the camera list, organisation names point into it */
};

static uint64_t mac_prefix(const uint8_t *b, uint8_t bits)
{
	uint64_t v = 0;
	for (int i = 0; i < 6; i++)
		v = v << 8 | b[i];
	return v >> (48 - bits);
}

static int push(struct cg_vendor_db *db, uint64_t prefix, uint8_t bits, const char *org)
{
	if (!CG_GROW(db->v, db->cap, db->n + 1))
		return -ENOMEM;
	db->v[db->n++] = (struct vendor_entry){ prefix, bits, org };
	return 0;
}

static int entry_cmp(const void *x, const void *y)
{
	const struct vendor_entry *a = x, *b = y;
	if (a->bits != b->bits)
		return a->bits < b->bits ? -1 : 1;
	return a->prefix < b->prefix ? -1 : a->prefix > b->prefix;
}

/* camera-ouis.csv: vendor,registry,prefix,organization,in_ieee_data_2022 */
static int load_csv(struct cg_vendor_db *db, const char *path)
{
	size_t len;
	if (cfgfile_slurp(path, &db->csv, &len))
		return 0;
	char *save = NULL;
	for (char *line = strtok_r(db->csv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[5] = {};
		int nf = 0;
		for (char *p = line; nf < 5; ) {
			f[nf++] = p;
			if (*p == '"') {           /* "quoted, with commas" */
				f[nf - 1] = ++p;
				p = strchr(p, '"');
				if (!p)
					break;
				*p++ = '\0';
			}
			p = strchr(p, ',');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (nf < 4 || strcmp(f[1], "registry") == 0)
			continue;
		size_t digits = strlen(f[2]);
		if (digits != 6 && digits != 7 && digits != 9)
			continue;
		uint64_t v = strtoull(f[2], NULL, 16);
		int rc = push(db, v, (uint8_t)(digits * 4), f[3]);
		if (rc)
			return rc;
	}
	return 0;
}

int vendor_db_load(const char *registry_dir, const char *csv_path, struct cg_vendor_db **ret)
{
	struct cg_vendor_db *db = calloc(1, sizeof(*db));
	struct cg_diag d;
	int rc = 0;

	if (!db)
		return -ENOMEM;
	diag_init(&d);
	if (registry_dir && registry_load(registry_dir, &db->reg, NULL, 0, &d) == 0) {
		for (size_t i = 0; i < db->reg.n && !rc; i++) {
			const struct cg_registry_entry *e = &db->reg.entries[i];
			uint8_t mac[6] = { e->bytes[0], e->bytes[1], e->bytes[2], e->bytes[3], e->bytes[4] };
			rc = push(db, mac_prefix(mac, e->bits), e->bits, e->org);
		}
	}
	diag_free(&d);
	/* The registry comes first in the array: on equal keys the sort is not
	 * stable, so registry entries are preferred by the lookup below only
	 * where the camera list has no entry for the same prefix. Both name the
	 * same organisation in practice. */
	if (!rc && csv_path)
		rc = load_csv(db, csv_path);
	if (rc) {
		vendor_db_free(db);
		return rc;
	}
	qsort(db->v, db->n, sizeof(db->v[0]), entry_cmp);
	*ret = db;
	return 0;
}

void vendor_db_free(struct cg_vendor_db *db)
{
	if (!db)
		return;
	free(db->v);
	free(db->csv);
	registry_free(&db->reg);
	free(db);
}

const char *vendor_lookup(const struct cg_vendor_db *db, const uint8_t mac[6])
{
	static const uint8_t lens[] = { 36, 28, 24 };

	if (!db || (mac[0] & 0x02))
		return NULL;
	for (size_t i = 0; i < sizeof(lens); i++) {
		struct vendor_entry key = { mac_prefix(mac, lens[i]), lens[i], NULL };
		struct vendor_entry *e = bsearch(&key, db->v, db->n, sizeof(db->v[0]), entry_cmp);
		if (e)
			return e->org;
	}
	return NULL;
}

size_t vendor_db_size(const struct cg_vendor_db *db)
{
	return db ? db->n : 0;
}
