/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vendor.h — MAC -> manufacturer name for the inventory.
 *
 * Two sources, longest prefix first within each: the IEEE registry
 * (ieee-data, as the policy loader found it) and camguard's own list of
 * camera prefixes (camera-ouis.csv, installed with the policies), which
 * knows the prefixes assigned after Debian's registry snapshot. Locally
 * administered MACs have no vendor.
 */
#ifndef CAMGUARD_VENDOR_H
#define CAMGUARD_VENDOR_H

#include <stddef.h>
#include <stdint.h>

struct cg_vendor_db;

/* registry_dir may be NULL; csv_path may be NULL. Missing files are not an
 * error: the database is then smaller. */
int vendor_db_load(const char *registry_dir, const char *csv_path, struct cg_vendor_db **ret);
void vendor_db_free(struct cg_vendor_db *db);
/* The organisation name, or NULL. */
const char *vendor_lookup(const struct cg_vendor_db *db, const uint8_t mac[6]);
size_t vendor_db_size(const struct cg_vendor_db *db);

#endif
