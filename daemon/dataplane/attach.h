/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * attach.h — put the programs on an interface, check they are still there,
 * take them off. TC through libbpf's bpf_tc_hook_create/bpf_tc_attach (the
 * API libbpf 1.1 has): a clsact qdisc, one direct-action filter per
 * direction at a fixed handle and priority, replaced atomically
 * (BPF_TC_F_REPLACE) so that a restart or a reload of the programs never
 * leaves a moment without a filter.
 */
#ifndef CAMGUARD_ATTACH_H
#define CAMGUARD_ATTACH_H

#include <stdbool.h>
#include <stdint.h>

#define CG_TC_HANDLE   0xca3
#define CG_TC_PRIORITY 1

enum cg_hook {
	CG_HOOK_TC_INGRESS = 0,
	CG_HOOK_TC_EGRESS,
	CG_HOOK_XDP,
	CG_HOOK_MAX
};

const char *cg_hook_to_string(int hook);

int attach_hook(int ifindex, enum cg_hook hook, int prog_fd);
/* The id of the program at our handle/priority (TC) or on the device (XDP);
 * -ENOENT when there is none. */
int attach_query(int ifindex, enum cg_hook hook, uint32_t *ret_prog_id);
int attach_detach(int ifindex, enum cg_hook hook);

int prog_id_of(int prog_fd, uint32_t *ret_id);
/* Is the loaded program with this id one of ours (by name)? */
bool prog_is_camguard(uint32_t prog_id);

#endif
