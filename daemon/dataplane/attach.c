// SPDX-License-Identifier: GPL-2.0-only
/*
 * attach.c — see attach.h. XDP goes through bpf_xdp_attach with the native
 * mode where the driver has it and generic (skb) mode otherwise.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach.h"

const char *cg_hook_to_string(int hook)
{
	switch (hook) {
	case CG_HOOK_TC_INGRESS: return "tc-ingress";
	case CG_HOOK_TC_EGRESS:  return "tc-egress";
	case CG_HOOK_XDP:        return "xdp";
	default:                 return "unknown";
	}
}

static void tc_hook_init(struct bpf_tc_hook *h, int ifindex, enum cg_hook hook)
{
	memset(h, 0, sizeof(*h));
	h->sz = sizeof(*h);
	h->ifindex = ifindex;
	h->attach_point = hook == CG_HOOK_TC_EGRESS ? BPF_TC_EGRESS : BPF_TC_INGRESS;
}

int prog_id_of(int prog_fd, uint32_t *ret_id)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	*ret_id = info.id;
	return 0;
}

bool prog_is_camguard(uint32_t prog_id)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(prog_id);
	bool ours = false;

	if (fd < 0)
		return false;
	if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0)
		ours = strncmp(info.name, "cg_", 3) == 0;
	close(fd);
	return ours;
}

int attach_hook(int ifindex, enum cg_hook hook, int prog_fd)
{
	if (hook == CG_HOOK_XDP) {
		int rc = bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL);
		if (rc)
			rc = bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_SKB_MODE, NULL);
		return rc;
	}

	struct bpf_tc_hook h;
	tc_hook_init(&h, ifindex, hook);
	/* One clsact qdisc serves both directions; it may exist already. */
	h.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	int rc = bpf_tc_hook_create(&h);
	if (rc && rc != -EEXIST)
		return rc;
	tc_hook_init(&h, ifindex, hook);

	LIBBPF_OPTS(bpf_tc_opts, o, .handle = CG_TC_HANDLE, .priority = CG_TC_PRIORITY,
		    .prog_fd = prog_fd, .flags = BPF_TC_F_REPLACE);
	return bpf_tc_attach(&h, &o);
}

int attach_query(int ifindex, enum cg_hook hook, uint32_t *ret_prog_id)
{
	if (hook == CG_HOOK_XDP) {
		uint32_t id = 0;
		int rc = bpf_xdp_query_id(ifindex, XDP_FLAGS_DRV_MODE, &id);
		if (rc || !id)
			rc = bpf_xdp_query_id(ifindex, XDP_FLAGS_SKB_MODE, &id);
		if (rc)
			return rc;
		if (!id)
			return -ENOENT;
		*ret_prog_id = id;
		return 0;
	}

	struct bpf_tc_hook h;
	tc_hook_init(&h, ifindex, hook);
	LIBBPF_OPTS(bpf_tc_opts, o, .handle = CG_TC_HANDLE, .priority = CG_TC_PRIORITY);
	int rc = bpf_tc_query(&h, &o);
	if (rc)
		return rc == -EINVAL ? -ENOENT : rc;
	*ret_prog_id = o.prog_id;
	return 0;
}

int attach_detach(int ifindex, enum cg_hook hook)
{
	if (hook == CG_HOOK_XDP) {
		int rc = bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
		int rc2 = bpf_xdp_detach(ifindex, XDP_FLAGS_SKB_MODE, NULL);
		return rc && rc2 ? rc : 0;
	}
	struct bpf_tc_hook h;
	tc_hook_init(&h, ifindex, hook);
	LIBBPF_OPTS(bpf_tc_opts, o, .handle = CG_TC_HANDLE, .priority = CG_TC_PRIORITY);
	return bpf_tc_detach(&h, &o);
}
