// SPDX-License-Identifier: GPL-2.0-only
/*
 * dnsnote.c — see dnsnote.h.
 */
#include <netinet/in.h>
#include <string.h>

#include "dnsnote.h"

bool dnsnote_is_query(const struct cg_flow_key *k)
{
	return (k->family == 4 || k->family == 6) && k->dir == CG_DIR_OUT &&
	       (k->proto == IPPROTO_UDP || k->proto == IPPROTO_TCP) && k->port == CG_DNS_PORT;
}

void dnsnote_flow(const struct cg_names *n, const struct cg_cloud *c, const struct cg_flow_key *k,
		  int64_t first, int64_t last, struct cg_dns_note *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!n || (k->family != 4 && k->family != 6))
		return;
	ret->name = names_lookup_addr(n, k->mac, k->family, k->addr, last ? last + CG_NOTE_SLACK : 0);
	if (dnsnote_is_query(k)) {
		ret->asked_total = names_asked(n, k->mac, k->family, k->addr,
					       first > CG_NOTE_SLACK ? first - CG_NOTE_SLACK : 0,
					       last ? last + CG_NOTE_SLACK : 0, ret->asked, CG_NOTE_ASKED);
		ret->nasked = ret->asked_total < CG_NOTE_ASKED ? ret->asked_total : CG_NOTE_ASKED;
	}
	if (ret->name)
		ret->cloud = cloud_label(c, ret->name, &ret->vendor);
	for (size_t i = 0; i < ret->nasked && !ret->cloud; i++)
		ret->cloud = cloud_label(c, ret->asked[i], &ret->vendor);
}
