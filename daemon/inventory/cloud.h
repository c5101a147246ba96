/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cloud.h — the vendors' cloud and phone-home domains, to label the names
 * cameras ask for ("Hikvision cloud").
 *
 * The table ships as policies/cloud-domains.conf (installed beside
 * camguard.conf and advisories.conf; an admin adds cloud-domains.d/NAME.conf):
 *
 *   cloud_domains = (
 *     { vendor = "Hikvision"; label = "Hikvision cloud";
 *       domains = [ "hik-connect.com", "ezvizlife.com" ];
 *       sources = [ "https://..." ]; note = "..."; } );
 *
 * A domain covers itself and every name below it, matched on label
 * boundaries: "hik-connect.com" labels "litedev.hik-connect.com" but not
 * "myhik-connect.com". The most specific domain wins. Domains are written
 * as plain lower-case host names of at least two labels (no "*.", no final
 * dot, no single label such as "com", which would label everything); a
 * domain listed twice, in one file or two, is an error naming both places.
 * Every error names file:line (diag.h); a file with an error adds nothing.
 */
#ifndef CAMGUARD_CLOUD_H
#define CAMGUARD_CLOUD_H

#include <stddef.h>

#include "diag.h"

#define CG_CLOUD_MAX_ENTRIES 256
#define CG_CLOUD_MAX_DOMAINS 4096
#define CG_CLOUD_LABEL_MAX   64

struct cg_cloud;

struct cg_cloud *cloud_new(void);
void cloud_free(struct cg_cloud *c);

/* Adds one file's entries. 0; -EINVAL with every problem recorded in d
 * (the file adds nothing then); -ENOMEM. */
int cloud_add_file(struct cg_cloud *c, const char *path, struct cg_diag *d);

/* The whole table for a configuration: cloud-domains.conf beside
 * conf_path (if there is one), then cloud-domains.d/ *.conf in name order.
 * 0 with *ret (and the number of files read); -EINVAL with every problem in
 * d and *ret holding the files without errors; -ENOMEM. */
int cloud_load_beside(const char *conf_path, struct cg_cloud **ret, size_t *ret_files,
		      struct cg_diag *d);

/* `camguardd --check`'s part (a cg_check_extra_fn): cloud_load_beside()
 * into d, every problem with file and line; on success a summary line
 * ("cloud domains: N from M files"). 0, -EINVAL, -ENOMEM. */
int cloud_check(const char *conf_path, struct cg_diag *d, char *summary, size_t len);

size_t cloud_count(const struct cg_cloud *c);       /* domains held */

/* The label of the most specific domain covering name (case-insensitive, a
 * final dot ignored), or NULL; *ret_vendor (may be NULL) its vendor. */
const char *cloud_label(const struct cg_cloud *c, const char *name, const char **ret_vendor);

#endif
