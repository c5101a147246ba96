// SPDX-License-Identifier: GPL-2.0-only
/*
 * daemon.c — camguardd: start, reload, keep enforcing, stop.
 *
 * Start order is chosen so that there is never a moment without enforcement:
 * policy is loaded and compiled first, the BPF maps are opened from the pin
 * directory (or created), the new policy generation is flipped live, and only
 * then are the programs attached — replacing a previous instance's filters in
 * one netlink operation when they exist. Stopping with on_exit = "keep" just
 * exits: the filters hold the programs and the pins hold the maps.
 *
 * Reload: parse and validate everything into a new model; on any error the
 * live model stays and the error is logged with file and line. On success
 * the compiled set goes into the inactive slot and is flipped; the nftables
 * table (when enabled) is replaced in one batch, and if that fails the BPF
 * side is flipped back so both layers keep enforcing the same policy.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "check.h"
#include "compile.h"
#include "config.h"
#include "control.h"
#include "daemon.h"
#include "diag.h"
#include "discovery.h"
#include "exposure.h"
#include "reasm.h"
#include "probe.h"
#include "filehash.h"
#include "inventory.h"
#include "load.h"
#include "log.h"
#include "metrics.h"
#include "moves.h"
#include "names.h"
#include "nft.h"
#include "registry.h"
#include "sdnotify.h"
#include "vendor.h"

#ifndef CAMGUARD_DATADIR
#define CAMGUARD_DATADIR "/usr/share/camguard"
#endif

#define TICK_MS            250   /* interface sync: re-attach within a second */
#define TAMPER_EVERY       8     /* ticks: 2 s */
#define COUNTERS_EVERY     20    /* ticks: 5 s, last-seen from counters */
#define SAVE_EVERY         8     /* ticks: 2 s, inventory to disk if changed ... */
#define SAVE_COST_FACTOR   20    /* ... and never more than 1/20 of the time saving */
#define DROP_SUMMARY_EVERY 240   /* ticks: 60 s */
#define INVENTORY_LIMIT    65536

int log_verbose;

static struct cg_watch sig_watch, timer_watch, rb_watch, nl_watch;
static struct ring_buffer *ringbuf;
static uint64_t ticks;
static bool advisories_dirty;   /* a device's advisory matches changed (on_event) */

/* ---- small helpers ------------------------------------------------------ */

static int64_t now_wall(void)
{
	return (int64_t)time(NULL);
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[CG_PATH_MAX];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* The pin directory must be on a bpffs: mount one at its parent if not.
 * Returns 1 when it mounted one, 0 when there was one, -errno. */
static int ensure_bpffs(const char *pin_dir)
{
	char parent[CG_PATH_MAX];
	struct statfs st;

	snprintf(parent, sizeof(parent), "%s", pin_dir);
	char *slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return -EINVAL;
	*slash = '\0';
	int rc = mkdir_p(parent, 0700);
	if (rc)
		return rc;
	if (statfs(parent, &st) < 0)
		return -errno;
	bool mounted = st.f_type != BPF_FS_MAGIC;
	if (mounted && mount("bpf", parent, "bpf", 0, "mode=0700") < 0)
		return -errno;
	rc = mkdir_p(pin_dir, 0700);
	return rc ? rc : mounted;
}

/* systemd's StatusText, after every change of the live generation. */
static void notify_status(const struct cg_daemon *d)
{
	sd_notifyf("READY=1\nSTATUS=Enforcing %zu policies (generation %u)\n", d->model.npolicies,
		   d->dp->gen);
}

const char *daemon_policy_name(const struct cg_daemon *d, unsigned id)
{
	for (size_t i = 0; i < d->model.npolicies; i++)
		if (d->model.policies[i].id == id)
			return d->model.policies[i].name;
	return "unknown";
}

/* ---- epoll -------------------------------------------------------------- */

int daemon_watch_add(struct cg_daemon *d, struct cg_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };
	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, w->fd, &ev) < 0 ? -errno : 0;
}

int daemon_watch_mod(struct cg_daemon *d, struct cg_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };
	return epoll_ctl(d->epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0 ? -errno : 0;
}

void daemon_watch_del(struct cg_daemon *d, struct cg_watch *w)
{
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, w->fd, NULL);
}

/* ---- stable policy ids -------------------------------------------------- */

/* Policy ids index the never-evicted policy counters, so a name keeps its id
 * across reloads and restarts: the mapping is kept in state_dir/policy-ids. */
static void ids_path(const struct cg_config *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s/policy-ids", c->state_dir);
}

static int ids_load(const struct cg_config *c, struct cg_model *ret)
{
	char path[CG_PATH_MAX + 16], name[CG_NAME_MAX];
	unsigned id;

	ids_path(c, path, sizeof(path));
	FILE *f = fopen(path, "re");
	memset(ret, 0, sizeof(*ret));
	if (!f)
		return -errno;
	ret->policies = calloc(CG_MAX_POLICIES, sizeof(*ret->policies));
	if (!ret->policies) {
		fclose(f);
		return -ENOMEM;
	}
	while (ret->npolicies < CG_MAX_POLICIES && fscanf(f, "%u %63s", &id, name) == 2) {
		struct cg_policy_spec *p = &ret->policies[ret->npolicies++];
		snprintf(p->name, sizeof(p->name), "%s", name);
		p->id = (uint16_t)id;
	}
	fclose(f);
	return 0;
}

static int ids_save(const struct cg_model *m)
{
	char path[CG_PATH_MAX + 16], tmp[CG_PATH_MAX + 32];
	ids_path(&m->config, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "we");
	if (!f)
		return -errno;
	for (size_t i = 0; i < m->npolicies; i++)
		fprintf(f, "%u %s\n", m->policies[i].id, m->policies[i].name);
	int rc = fflush(f) == 0 && fsync(fileno(f)) == 0 ? 0 : -errno;
	fclose(f);
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	return rc;
}

/* An id that now names another policy starts its counters from zero. */
static void reset_reassigned(struct cg_daemon *d, const struct cg_model *prev,
			     const struct cg_model *next)
{
	for (size_t i = 0; i < next->npolicies; i++) {
		const struct cg_policy_spec *p = &next->policies[i];
		bool same = false;
		for (size_t j = 0; prev && j < prev->npolicies; j++)
			if (prev->policies[j].id == p->id)
				same = strcmp(prev->policies[j].name, p->name) == 0;
		if (!same)
			dataplane_reset_policy(d->dp, p->id);
	}
}

/* ---- the recorder's own addresses --------------------------------------- */

static int prefix_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct cg_prefix));
}

/*
 * Collects every address of this host (its network namespace) as host
 * prefixes. The compiler marks them protected: a camera that sends from one
 * or claims one in ARP is spoofing the recorder. Returns 1 when the set
 * changed, 0 when not, -errno on failure.
 */
static int refresh_protected(struct cg_daemon *d)
{
	struct ifaddrs *ifa, *i;
	struct cg_prefix *v = NULL;
	size_t n = 0, cap = 0;

	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			struct cg_prefix *nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				freeifaddrs(ifa);
				return -ENOMEM;
			}
			v = nv;
		}
		struct cg_prefix *p = &v[n++];
		memset(p, 0, sizeof(*p));
		if (i->ifa_addr->sa_family == AF_INET) {
			p->family = 4;
			p->len = 32;
			memcpy(p->addr, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
		} else {
			p->family = 6;
			p->len = 128;
			memcpy(p->addr, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, 16);
		}
	}
	freeifaddrs(ifa);
	if (n)
		qsort(v, n, sizeof(*v), prefix_cmp);
	bool same = n == d->nprotected && (!n || memcmp(v, d->protected, n * sizeof(*v)) == 0);
	if (same) {
		free(v);
		return 0;
	}
	free(d->protected);
	d->protected = v;
	d->nprotected = n;
	return 1;
}

/* The recorder's addresses changed: the live model, compiled again. */
static void reapply_protected(struct cg_daemon *d)
{
	struct cg_compiled c;
	char err[512];

	d->model.protected = d->protected;
	d->model.nprotected = d->nprotected;
	int rc = compile_model(&d->model, &c, err, sizeof(err));
	if (!rc) {
		rc = dataplane_apply(d->dp, &c);
		compiled_free(&c);
		if (rc)
			snprintf(err, sizeof(err), "%s", strerror(-rc));
	}
	if (rc) {
		log_err("Failed to update the recorder's protected addresses: %s", err);
		return;
	}
	log_info("Recorder addresses changed: %zu protected, generation %u", d->nprotected,
		 d->dp->gen);
	notify_status(d);
}

/* ---- interfaces --------------------------------------------------------- */

static int iface_prog(const struct cg_daemon *d, enum cg_hook hook)
{
	static const char *const names[CG_HOOK_MAX] = { "cg_tc_ingress", "cg_tc_egress", "cg_xdp" };
	return dataplane_prog_fd(d->dp, names[hook]);
}

static bool iface_uses(const struct cg_iface *ifc, enum cg_hook hook)
{
	if (hook == CG_HOOK_TC_EGRESS)
		return true;
	return (hook == CG_HOOK_XDP) == (ifc->mode == CG_IFMODE_XDP);
}

/*
 * Makes every configured interface carry our programs. Called on every tick,
 * on rtnetlink link events and by the tamper check; cheap when all is well
 * (one query per hook). Returns the number of hooks it had to (re)attach
 * while the interface existed and we believed them attached: tampering.
 */
static int ifaces_sync(struct cg_daemon *d, bool count_tamper)
{
	int repaired = 0;

	for (size_t i = 0; i < d->nifaces; i++) {
		struct cg_iface *ifc = &d->ifaces[i];
		int ifindex = (int)if_nametoindex(ifc->name);

		if (!ifindex) {
			if (ifc->ifindex)
				log_warning("Interface %s is gone; waiting for it to return", ifc->name);
			ifc->ifindex = 0;
			memset(ifc->attached, 0, sizeof(ifc->attached));
			snprintf(ifc->error, sizeof(ifc->error), "interface missing");
			continue;
		}
		if (ifindex != ifc->ifindex)
			memset(ifc->attached, 0, sizeof(ifc->attached));
		ifc->ifindex = ifindex;

		for (int h = 0; h < CG_HOOK_MAX; h++) {
			if (!iface_uses(ifc, h))
				continue;
			int fd = iface_prog(d, h);
			uint32_t want, have = 0;
			if (prog_id_of(fd, &want) == 0 && attach_query(ifindex, h, &have) == 0 && have == want) {
				ifc->attached[h] = true;
				continue;
			}
			bool was = ifc->attached[h];
			int rc = attach_hook(ifindex, h, fd);
			if (rc) {
				ifc->attached[h] = false;
				snprintf(ifc->error, sizeof(ifc->error), "attach %s: %s",
					 cg_hook_to_string(h), strerror(-rc));
				log_err("Failed to attach %s to %s: %s", cg_hook_to_string(h), ifc->name,
					strerror(-rc));
				continue;
			}
			ifc->attached[h] = true;
			ifc->attaches++;
			ifc->error[0] = '\0';
			if (was && count_tamper) {
				repaired++;
				snprintf(d->last_tamper, sizeof(d->last_tamper),
					 "%s filter on %s was removed; re-attached", cg_hook_to_string(h),
					 ifc->name);
				log_warning("Tamper: %s", d->last_tamper);
			} else {
				log_info("Attached %s on %s", cg_hook_to_string(h), ifc->name);
			}
		}
	}
	return repaired;
}

static int ifaces_setup(struct cg_daemon *d)
{
	free(d->ifaces);
	d->nifaces = d->model.config.nifaces;
	d->ifaces = calloc(d->nifaces ? d->nifaces : 1, sizeof(*d->ifaces));
	if (!d->ifaces)
		return -ENOMEM;
	for (size_t i = 0; i < d->nifaces; i++) {
		snprintf(d->ifaces[i].name, sizeof(d->ifaces[i].name), "%s",
			 d->model.config.ifaces[i].name);
		d->ifaces[i].mode = d->model.config.ifaces[i].mode;
	}
	ifaces_sync(d, false);
	for (size_t i = 0; i < d->nifaces; i++)
		if (!d->ifaces[i].ifindex)
			log_warning("Camera interface %s does not exist yet; it will be attached when it appears",
				    d->ifaces[i].name);
	return 0;
}

static void ifaces_detach(struct cg_daemon *d)
{
	for (size_t i = 0; i < d->nifaces; i++) {
		struct cg_iface *ifc = &d->ifaces[i];
		int ifindex = (int)if_nametoindex(ifc->name);
		for (int h = 0; ifindex && h < CG_HOOK_MAX; h++)
			if (iface_uses(ifc, h))
				attach_detach(ifindex, h);
	}
}

/* ---- advisories (issue 18) ------------------------------------------------ */

/* Why an advisory policy took or released a device, beside the move's own
 * line and count (daemon_move_devices). */
static void log_advisory_moves(struct cg_daemon *d, const struct cg_moved_device *old, size_t nold)
{
	char mac[18];

	for (size_t i = 0; i < d->nmoved; i++) {
		const struct cg_moved_device *mv = &d->moved[i];
		const struct cg_inv_device *dev = d->inv ? inventory_find(d->inv, mv->mac) : NULL;
		const struct cg_advisory *a;

		if (exposure_find_move(old, nold, mv->mac) || mv->advisory < 0 ||
		    (size_t)mv->advisory >= d->model.nadvisories || mv->policy >= d->model.npolicies)
			continue;
		a = &d->model.advisories[mv->advisory];
		addr_format_mac(mv->mac, mac);
		log_notice("Device %s goes under policy %s: %s (%s), firmware \"%s\", fixed in %s", mac,
			   d->model.policies[mv->policy].name, a->cve,
			   advisory_confidence_to_string(mv->confidence),
			   dev ? dev->facts[CG_INV_FIRMWARE].value : "", a->fixed[0] ? a->fixed : "(see advisory)");
	}
	for (size_t i = 0; i < nold; i++) {
		const struct cg_inv_device *dev = d->inv ? inventory_find(d->inv, old[i].mac) : NULL;

		if (exposure_find_move(d->moved, d->nmoved, old[i].mac))
			continue;
		addr_format_mac(old[i].mac, mac);
		log_notice("Device %s leaves its advisory policy: firmware \"%s\" is no longer in an advisory's range",
			   mac, dev ? dev->facts[CG_INV_FIRMWARE].value : "");
	}
}

/* "reason" on the reload reply's changes that an advisory policy makes. */
static void add_reasons(json_object *changes, const struct cg_model *m)
{
	for (size_t i = 0; changes && i < json_object_array_length(changes); i++) {
		json_object *o = json_object_array_get_idx(changes, i), *v;
		uint8_t mac[6];

		if (!json_object_object_get_ex(o, "mac", &v) || addr_parse_mac_relaxed(json_object_get_string(v), mac))
			continue;
		const struct cg_moved_device *mv = exposure_find_move(m->moved, m->nmoved, mac);
		if (!mv || mv->advisory < 0 || (size_t)mv->advisory >= m->nadvisories)
			continue;
		char why[96];
		snprintf(why, sizeof(why), "advisory %s (%s)", m->advisories[mv->advisory].cve,
			 advisory_confidence_to_string(mv->confidence));
		json_object_object_add(o, "reason", json_object_new_string(why));
	}
}

/* A device's advisory matches, logged when they rise to likely or exact. */
static bool match_device(struct cg_daemon *d, struct cg_inv_device *dev)
{
	int before = exposure_worst(dev);

	if (!exposure_match_device(&d->model, dev))
		return false;
	if (exposure_worst(dev) >= CG_ADV_LIKELY && exposure_worst(dev) != before) {
		char mac[18];
		addr_format_mac(dev->mac, mac);
		for (uint8_t i = 0; i < dev->nadv && dev->adv[i].confidence >= CG_ADV_LIKELY; i++) {
			const struct cg_advisory *a = &d->model.advisories[dev->adv[i].advisory];
			log_notice("Device %s (%s, firmware \"%s\") is affected by %s (%s%s, %s), fixed in %s",
				   mac, dev->facts[CG_INV_MODEL].value[0] ? dev->facts[CG_INV_MODEL].value : "model unknown",
				   dev->facts[CG_INV_FIRMWARE].value, a->cve,
				   advisory_confidence_to_string(dev->adv[i].confidence),
				   a->kev ? ", CISA KEV" : "", a->source_id,
				   a->fixed[0] ? a->fixed : "(see advisory)");
		}
	}
	return true;
}

/* The advisory policies' device set, recomputed after an inventory change;
 * a new set is compiled into a new generation (BPF and nftables). */
static void advisories_refresh(struct cg_daemon *d)
{
	struct cg_moved_device *v, *old;
	struct cg_compiled c;
	size_t n, nold;
	char err[512];
	int rc;

	if (exposure_moves(&d->model, d->inv, &v, &n) < 0) {
		log_err("Failed to match the inventory against the advisories: out of memory");
		return;
	}
	if (n == d->nmoved && (!n || !memcmp(v, d->moved, n * sizeof(*v)))) {
		free(v);
		return;
	}
	d->model.moved = v;
	d->model.nmoved = n;
	rc = compile_model(&d->model, &c, err, sizeof(err));
	if (!rc) {
		uint32_t old_slot = d->dp->slot;

		rc = dataplane_apply(d->dp, &c);
		if (rc)
			snprintf(err, sizeof(err), "writing the BPF maps failed: %s", strerror(-rc));
		else if (d->nft && d->model.config.nftables &&
			 (rc = nft_apply(d->nft, &d->model, err, sizeof(err))))
			dataplane_flip_to(d->dp, old_slot);
		if (rc)
			compiled_free(&c);
	}
	if (rc) {
		log_err("Failed to apply the advisory policy moves, the previous set stays: %s", err);
		d->model.moved = d->moved;
		d->model.nmoved = d->nmoved;
		free(v);
		return;
	}
	old = d->moved;
	nold = d->nmoved;
	d->moved = v;
	d->nmoved = n;
	log_advisory_moves(d, old, nold);
	compiled_sort_devices(&c);
	if (daemon_move_devices(d, &c, "advisory", NULL))
		log_err("Failed to move devices to their advisory policies: out of memory");
	compiled_free(&c);
	free(old);
	log_info("Advisory policies hold %zu device%s (generation %u)", n, n == 1 ? "" : "s",
		 d->dp->gen);
}

/* ---- events from the data plane ----------------------------------------- */

static uint64_t mono_ms(void);

static void describe_device(struct cg_daemon *d, struct cg_inv_device *dev,
			    const struct cg_event *e, bool created)
{
	char ifname[IF_NAMESIZE] = "";
	const char *vendor = vendor_lookup(d->vendors, e->mac);

	snprintf(dev->vendor, sizeof(dev->vendor), "%s", vendor ? vendor : "");
	/* A known device's policy is kept by daemon_move_devices(): an event
	 * queued before a reload carries the policy of the generation before. */
	if (created)
		snprintf(dev->policy, sizeof(dev->policy), "%s", daemon_policy_name(d, e->policy));
	if (e->ifindex && if_indextoname(e->ifindex, ifname))
		snprintf(dev->ifname, sizeof(dev->ifname), "%s", ifname);
	dev->vlan = e->vlan;
}

static int on_event(void *ctx, void *data, size_t len)
{
	struct cg_daemon *d = ctx;
	const struct cg_event *e = data;
	char mac[18], addr[INET6_ADDRSTRLEN];
	bool created;

	if (len < sizeof(*e))
		return 0;
	d->events_seen++;
	struct cg_inv_device *dev = inventory_touch(d->inv, e->mac, now_wall(), &created);
	if (!dev)
		return 0;
	addr_format_mac(e->mac, mac);
	if (created || e->type == CG_EV_DEVICE)
		describe_device(d, dev, e, created);
	if (created) {
		log_info("New device %s (%s) on %s, policy %s", mac,
			 dev->vendor[0] ? dev->vendor : "unknown vendor", dev->ifname, dev->policy);
		match_device(d, dev);
	}

	if (e->type == CG_EV_DISCOVERY) {
		struct cg_disc_info info;
		int rc = reasm_read_event(data, len, d->reasm, mono_ms(), &info);
		if (rc != -EINPROGRESS)
			inventory_count_discovery(d->inv, rc);
		if (rc == 0) {
			bool was = inventory_mismatch(dev);
			if (inventory_add_discovery(d->inv, dev, &info, now_wall()))
				log_info("Device %s announces (%s): %s%s%s%s%s%s%s", mac,
					 discovery_source_to_string(info.source),
					 dev->facts[CG_INV_MANUFACTURER].value,
					 dev->facts[CG_INV_MODEL].value[0] ? " model " : "",
					 dev->facts[CG_INV_MODEL].value,
					 dev->facts[CG_INV_FIRMWARE].value[0] ? " firmware " : "",
					 dev->facts[CG_INV_FIRMWARE].value,
					 dev->facts[CG_INV_SERIAL].value[0] ? " serial " : "",
					 dev->facts[CG_INV_SERIAL].value);
			if (!was && inventory_mismatch(dev))
				log_notice("Device %s announces manufacturer \"%s\" but its MAC belongs to \"%s\"",
					   mac, dev->facts[CG_INV_MANUFACTURER].value, dev->vendor);
			/* Applied after the ring buffer is drained (on_ringbuf):
			 * the move consumes it, which must not happen from
			 * inside its own callback. */
			if (match_device(d, dev))
				advisories_dirty = true;
		}
	}

	/* The camera's own address, as it used it (OUT) or was addressed (IN). */
	if (e->family && e->type != CG_EV_DROP) {
		const uint8_t *a = e->cam_addr;
		static const uint8_t zero[16];
		/* 0.0.0.0 and :: (DHCP, DAD) are nobody's address. */
		bool any = memcmp(a, zero, e->family == 4 ? 4 : 16) != 0;
		if (any && inventory_add_addr(dev, e->family, a)) {
			addr_format_ip(e->family, a, addr, sizeof(addr));
			log_info("Device %s uses address %s%s", mac, addr,
				 e->dir == CG_DIR_OUT && !(e->flags & CG_EVF_SRC_ENCLAVE) &&
				 e->type == CG_EV_ADDR ? " (outside the enclave)" : "");
		}
	}
	if (e->type == CG_EV_DROP && e->family) {
		struct cg_inv_blocked b = {
			.family = e->family, .proto = e->l4proto, .dir = e->dir, .reason = e->reason,
			.port = e->peer_port, .count = 1, .last = now_wall(),
			.would = !!(e->flags & CG_EVF_WOULD_DROP),
		};
		memcpy(b.addr, e->peer_addr, 16);
		bool known = false;
		for (int i = 0; i < CG_INV_BLOCKED; i++) {
			const struct cg_inv_blocked *s = &dev->blocked[i];
			known |= s->family == b.family && s->port == b.port && s->proto == b.proto &&
				 s->dir == b.dir && !memcmp(s->addr, b.addr, b.family == 4 ? 4 : 16);
		}
		inventory_add_blocked(dev, &b);
		d->drop_samples++;
		if (!known) {
			addr_format_ip(e->family, e->peer_addr, addr, sizeof(addr));
			/* "[2001:db8::1]:443": an IPv6 address takes brackets before a port */
			log_notice("%s %s %s %s%s%s:%u (%s, policy %s)",
				   b.would ? "Would drop" : "Dropped", mac,
				   e->dir == CG_DIR_OUT ? "->" : "<-", e->family == 6 ? "[" : "", addr,
				   e->family == 6 ? "]" : "", e->peer_port,
				   cg_reason_to_string(e->reason), dev->policy);
		}
	}
	return 0;
}

static void on_ringbuf(struct cg_daemon *d, struct cg_watch *w, uint32_t events)
{
	ring_buffer__consume(ringbuf);
	if (advisories_dirty) {
		advisories_dirty = false;
		advisories_refresh(d);
	}
}

/* ---- periodic work ------------------------------------------------------ */

/* Last seen from the counters: a device whose packet total moved was seen. */
static int refresh_one(const uint8_t mac[6], const struct cg_dev_stats *s, void *ctx)
{
	struct cg_daemon *d = ctx;
	uint64_t total = 0;
	for (int dir = 0; dir < CG_DIR_MAX; dir++)
		for (int v = 0; v < CG_VERDICT_MAX; v++)
			total += s->c[dir][v].packets;
	struct cg_inv_device *dev = inventory_find(d->inv, mac);
	if (dev && dev->packets != total) {
		dev->packets = total;
		inventory_touch(d->inv, mac, now_wall(), NULL);
	}
	return 0;
}

static void inventory_path(const struct cg_daemon *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s/inventory.json", d->model.config.state_dir);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Saves soon after a change, so that a kill -9 loses at most a few seconds
 * of inventory; a huge inventory (MAC flood) is saved less often, so that
 * writing it never takes more than 1/SAVE_COST_FACTOR of the daemon's time. */
static void save_inventory(struct cg_daemon *d, bool now)
{
	static uint64_t next_ms, cost_ms;
	char path[CG_PATH_MAX + 32];

	if (!inventory_dirty(d->inv) || (!now && mono_ms() < next_ms))
		return;
	inventory_path(d, path, sizeof(path));
	uint64_t t0 = mono_ms();
	int rc = inventory_save(d->inv, path);
	cost_ms = mono_ms() - t0;
	next_ms = mono_ms() + cost_ms * SAVE_COST_FACTOR;
	if (rc)
		log_err("Failed to save the inventory to %s: %s", path, strerror(-rc));
}

/* Pins that vanished are put back: they are what a restart adopts. */
static int repair_pins(struct cg_daemon *d)
{
	/* `camguardd --unload --force` removes the directory as well. */
	mkdir_p(d->model.config.pin_dir, 0700);
	int repaired = dataplane_repin(d->dp, d->model.config.pin_dir);
	if (repaired > 0) {
		snprintf(d->last_tamper, sizeof(d->last_tamper),
			 "%d pinned map(s) under %.180s were removed; re-pinned", repaired,
			 d->model.config.pin_dir);
		log_warning("Tamper: %s", d->last_tamper);
	}
	return repaired > 0 ? repaired : 0;
}

static void tamper_check(struct cg_daemon *d)
{
	int hooks = ifaces_sync(d, true), pins = repair_pins(d), n = hooks + pins;
	d->tamper_by_kind[CG_TAMPER_HOOK] += (uint64_t)hooks;
	d->tamper_by_kind[CG_TAMPER_PIN] += (uint64_t)pins;
	if (d->nft) {
		int rc = nft_check_and_repair(d->nft);
		d->nft_up = rc >= 0;
		if (rc > 0) {
			d->tamper_by_kind[CG_TAMPER_NFTABLES]++;
			snprintf(d->last_tamper, sizeof(d->last_tamper),
				 "nftables table inet camguard was changed; restored");
			log_warning("Tamper: %s", d->last_tamper);
			n++;
		} else if (rc < 0) {
			log_err("Failed to check the nftables table: %s", strerror(-rc));
		}
	}
	d->tamper_events += (uint64_t)n;
}

static uint64_t drops_total(struct cg_daemon *d)
{
	static struct cg_counter st[CG_POLSTAT_ENTRIES];
	uint64_t sum = 0;
	if (dataplane_read_policy_stats(d->dp, st))
		return 0;
	for (unsigned i = 0; i < CG_POLSTAT_ENTRIES; i++)
		if (cg_reason_verdict((int)(i % CG_REASON_MAX)) == CG_VERDICT_DROP)
			sum += st[i].packets;
	return sum;
}

/* ---- active discovery ----------------------------------------------------- */

static void probe_close(struct cg_daemon *d)
{
	for (size_t i = 0; i < d->nprobe_fds; i++)
		if (d->probe_fds[i] >= 0)
			close(d->probe_fds[i]);
	d->nprobe_fds = 0;
}

int daemon_probe(struct cg_daemon *d, const char *iface, json_object *ifaces_out)
{
	size_t n = 0;

	if (iface) {
		bool known = false;
		for (size_t i = 0; i < d->nifaces; i++)
			known |= strcmp(d->ifaces[i].name, iface) == 0;
		if (!known)
			return -ENODEV;
	}
	probe_close(d);
	free(d->probe_fds);
	d->probe_fds = calloc(d->nifaces * CG_PROBE_SOCKETS + 1, sizeof(int));
	/* What the inventory knew before: "gained a model" is measured against it. */
	free(d->probe_known);
	d->probe_known = calloc(inventory_count(d->inv) + 1, sizeof(*d->probe_known));
	d->nprobe_known = 0;
	for (const struct cg_inv_device *v = inventory_first(d->inv); v && d->probe_known;
	     v = inventory_next(d->inv, v))
		if (v->facts[CG_INV_MODEL].value[0])
			memcpy(d->probe_known[d->nprobe_known++], v->mac, 6);
	d->probe_started = now_wall();
	d->probes++;
	for (size_t i = 0; i < d->nifaces; i++) {
		struct cg_iface *f = &d->ifaces[i];
		int fds[CG_PROBE_SOCKETS], sent = 0, rc = -ENODEV;
		if (iface && strcmp(f->name, iface) != 0)
			continue;
		if (f->ifindex > 0)
			rc = probe_send(f->name, f->ifindex, fds, &sent);
		for (int k = 0; rc == 0 && d->probe_fds && k < CG_PROBE_SOCKETS; k++)
			if (fds[k] >= 0)
				d->probe_fds[d->nprobe_fds++] = fds[k];
		if (rc)
			log_warning("Probe on %s: %s", f->name, strerror(-rc));
		n += (size_t)sent;
		if (ifaces_out) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "name", json_object_new_string(f->name));
			json_object_object_add(o, "sent", json_object_new_int64(sent));
			json_object_object_add(o, "error", json_object_new_string(rc ? strerror(-rc) : ""));
			json_object_array_add(ifaces_out, o);
		}
	}
	d->probe_close_ms = mono_ms() + CG_PROBE_LINGER_MS;
	log_info("Probe sent: %zu discovery probes on %s", n, iface ? iface : "every camera interface");
	return 0;
}

static void on_timer(struct cg_daemon *d, struct cg_watch *w, uint32_t events)
{
	static uint64_t last_drops;
	uint64_t expirations;

	if (read(w->fd, &expirations, sizeof(expirations)) < 0)
		return;
	ticks++;
	int hooks = ifaces_sync(d, true);
	d->tamper_events += (uint64_t)hooks;
	d->tamper_by_kind[CG_TAMPER_HOOK] += (uint64_t)hooks;
	if (ticks % TAMPER_EVERY == 0)
		tamper_check(d);
	if (ticks % COUNTERS_EVERY == 0)
		dataplane_foreach_device(d->dp, refresh_one, d);
	int mrc = metrics_tick(d);
	if (mrc < 0)
		log_err("Failed to write the metrics textfile %s: %s", d->model.config.metrics_textfile,
			strerror(-mrc));
	if (ticks % SAVE_EVERY == 0)
		save_inventory(d, false);
	if (d->nprobe_fds && mono_ms() >= d->probe_close_ms)
		probe_close(d);
	uint32_t every = d->model.config.probe_interval_s;
	if (every && mono_ms() >= d->next_probe_ms) {
		/* The first round soon after the start, then every probe_interval. */
		if (d->next_probe_ms)
			daemon_probe(d, NULL, NULL);
		d->next_probe_ms = mono_ms() + (d->next_probe_ms ? every * 1000ull : 5000);
	}
	if (ticks % DROP_SUMMARY_EVERY == 0) {
		uint64_t now = drops_total(d);
		if (now > last_drops && last_drops)
			log_notice("Dropped %llu packets in the last minute",
				   (unsigned long long)(now - last_drops));
		last_drops = now;
	}
}

/* ---- reload ------------------------------------------------------------- */

/* Once per load: `status` shows these without reading the files again. */
static void hash_files(struct cg_daemon *d)
{
	free(d->file_hashes);
	d->file_hashes = calloc(d->model.nfiles ? d->model.nfiles : 1, sizeof(*d->file_hashes));
	filehash_files((const char *const *)d->model.files, d->model.nfiles, d->file_hashes,
		       d->files_hash);
	/* The set without camguard.conf (files[0]), which differs per host. */
	filehash_set((const char *const *)d->model.files + 1, (const char (*)[65])d->file_hashes + 1,
		     d->model.nfiles ? d->model.nfiles - 1 : 0, d->policy_set_hash);
}

int daemon_move_devices(struct cg_daemon *d, const struct cg_compiled *c, const char *cause,
			json_object **ret_changes)
{
	struct cg_moves mv;
	char mac[18];
	int rc;

	if (ret_changes)
		*ret_changes = NULL;
	if (!d->inv)
		return 0;
	/* Events the data plane queued before the flip describe new devices
	 * with the old generation's policy: take them in first. */
	if (ringbuf)
		ring_buffer__consume(ringbuf);
	rc = moves_compute(d->inv, c, &d->model, &mv);
	if (rc)
		return rc;
	moves_apply(d->inv, &mv);
	for (size_t i = 0; i < mv.n; i++) {
		addr_format_mac(mv.v[i].mac, mac);
		snprintf(d->last_move, sizeof(d->last_move), "%s: policy %s \u2192 %s (%s, generation %u)",
			 mac, mv.v[i].from, mv.v[i].to, cause, d->dp->gen);
		log_notice("%s", d->last_move);
	}
	d->moves += mv.n;
	if (mv.n)
		save_inventory(d, true);
	if (ret_changes)
		*ret_changes = moves_to_json(&mv);
	moves_free(&mv);
	return 0;
}

/* Every error of a refused load for the client that asked (bounded: a
 * broken 100,000-line file must not make a 100,000-line reply). */
static json_object *reload_errors(const struct cg_diag *diag, const char *single)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	char line[CG_DIAG_MSG_MAX + CG_PATH_MAX];
	size_t n = 0;

	for (size_t i = 0; i < diag->nentries; i++) {
		if (diag->entries[i].severity != CG_DIAG_ERROR)
			continue;
		if (n++ < CG_RELOAD_ERRORS_MAX) {
			diag_format(&diag->entries[i], line, sizeof(line));
			json_object_array_add(a, json_object_new_string(line));
		}
	}
	if (!n && single[0])
		json_object_array_add(a, json_object_new_string(single));
	json_object_object_add(o, "errors", a);
	json_object_object_add(o, "errors_total",
			       json_object_new_uint64(diag->nerrors > n ? diag->nerrors : n ? n : 1));
	return o;
}

int daemon_reload(struct cg_daemon *d, bool dry_run, json_object **ret_changes,
		  json_object **ret_errors, char *err, size_t errlen)
{
	struct cg_model next = {};
	struct cg_compiled c = {};
	struct cg_moved_device *moved = NULL, *old_moved;
	size_t nmoved = 0, nold_moved;
	struct cg_diag diag;
	int rc;

	diag_init(&diag);
	if (!dry_run) {
		sd_notifyf("RELOADING=1\nSTATUS=Reloading policies\n");
		log_info("Reloading %s", d->conf_path);
	}
	rc = model_load(d->conf_path, &next, &diag);
	if (rc) {
		char line[CG_DIAG_MSG_MAX + CG_PATH_MAX];
		bool first = true;
		for (size_t i = 0; i < diag.nentries; i++) {
			diag_format(&diag.entries[i], line, sizeof(line));
			if (!dry_run)
				log_err("Reload rejected: %s", line);
			/* the first error, not a warning before it */
			if (first && diag.entries[i].severity == CG_DIAG_ERROR) {
				snprintf(err, errlen, "%s", line);
				first = false;
			}
		}
		if (!diag.nentries)
			snprintf(err, errlen, "%s", strerror(-rc));
		if (ret_errors)
			*ret_errors = reload_errors(&diag, err);
		goto fail;
	}
	rc = model_assign_ids(&next, &d->model);
	next.protected = d->protected;
	next.nprotected = d->nprotected;
	/* The advisory policies of the new set take their devices in the
	 * same generation (and the dry run lists those moves). */
	if (!rc && exposure_moves(&next, d->inv, &moved, &nmoved) < 0)
		rc = -ENOMEM;
	next.moved = moved;
	next.nmoved = nmoved;
	if (!rc)
		rc = compile_model(&next, &c, err, errlen);
	if (rc) {
		if (!dry_run)
			log_err("Reload rejected: %s", err);
		if (ret_errors)
			*ret_errors = reload_errors(&diag, err);
		goto fail;
	}
	/* A few binary searches per inventory device, not a scan of the
	 * tables each time; on failure the lookups scan. */
	compiled_sort_devices(&c);
	if (dry_run) {
		struct cg_moves mv = {};
		if (ret_changes && moves_compute(d->inv, &c, &next, &mv) == 0) {
			*ret_changes = moves_to_json(&mv);
			add_reasons(*ret_changes, &next);
		}
		moves_free(&mv);
		snprintf(err, errlen, "valid: %zu policies", next.npolicies);
		compiled_free(&c);
		free(moved);
		model_free(&next);
		diag_free(&diag);
		return 0;
	}

	uint32_t old_slot = d->dp->slot;
	rc = dataplane_apply(d->dp, &c);
	if (rc) {
		snprintf(err, errlen, "writing the BPF maps failed: %s", strerror(-rc));
		log_err("Reload failed: %s", err);
		goto fail;
	}
	if (d->nft && next.config.nftables) {
		rc = nft_apply(d->nft, &next, err, errlen);
		if (rc) {
			/* Keep the two layers in step: back to the old BPF slot. */
			dataplane_flip_to(d->dp, old_slot);
			log_err("Reload failed in nftables, BPF policy rolled back: %s", err);
			goto fail;
		}
	}
	reset_reassigned(d, &d->model, &next);
	model_free(&d->model);
	d->model = next;
	old_moved = d->moved;
	nold_moved = d->nmoved;
	d->moved = moved;
	d->nmoved = nmoved;
	for (struct cg_inv_device *dev = d->inv ? inventory_first(d->inv) : NULL; dev;
	     dev = inventory_next(d->inv, dev))
		match_device(d, dev);
	log_advisory_moves(d, old_moved, nold_moved);
	free(old_moved);
	ids_save(&d->model);
	hash_files(d);
	/* Before the reply: from the moment the reload returns, every device
	 * shows the policy the new generation applies to it. */
	rc = daemon_move_devices(d, &c, "reload", ret_changes);
	if (rc)
		log_err("Failed to move devices to their new policies: %s", strerror(-rc));
	else if (ret_changes)
		add_reasons(*ret_changes, &d->model);
	compiled_free(&c);
	diag_free(&diag);
	d->reloads_ok++;
	/* The parser's and the old model's memory goes back to the system:
	 * a reload of 100,000 devices must not leave the daemon at its peak. */
	malloc_trim(0);
	d->last_reload = (struct cg_reload_result){ .ok = true, .when = time(NULL),
						    .generation = d->dp->gen };
	d->last_reload_ok = d->last_reload.when;
	snprintf(d->last_reload.message, sizeof(d->last_reload.message), "%zu policies, generation %u",
		 d->model.npolicies, d->dp->gen);
	snprintf(err, errlen, "%s", d->last_reload.message);
	log_info("Reloaded: %s", d->last_reload.message);
	notify_status(d);
	return 0;

fail:
	compiled_free(&c);
	free(moved);
	model_free(&next);
	diag_free(&diag);
	if (dry_run)
		return rc ? rc : -EINVAL;
	d->reloads_failed++;
	d->last_reload = (struct cg_reload_result){ .ok = false, .when = time(NULL),
						    .generation = d->dp->gen };
	snprintf(d->last_reload.message, sizeof(d->last_reload.message), "%s", err);
	sd_notifyf("READY=1\nSTATUS=Reload failed, still enforcing generation %u\n", d->dp->gen);
	return rc ? rc : -EINVAL;
}

/* ---- signals and netlink ------------------------------------------------ */

static void on_signal(struct cg_daemon *d, struct cg_watch *w, uint32_t events)
{
	struct signalfd_siginfo si;
	char err[512];

	while (read(w->fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			daemon_reload(d, false, NULL, NULL, err, sizeof(err));
			break;
		case SIGTERM:
		case SIGINT:
			log_info("Stopping (signal %u)", si.ssi_signo);
			d->stopping = true;
			break;
		}
	}
}

static void on_netlink(struct cg_daemon *d, struct cg_watch *w, uint32_t events)
{
	char buf[8192];
	/* Any link or address event may be ours: drain, then resync (cheap
	 * when nothing changed). */
	while (recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	ifaces_sync(d, false);
	if (refresh_protected(d) > 0)
		reapply_protected(d);
}

static int open_netlink(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/* ---- start and stop ----------------------------------------------------- */

/* One daemon per state directory: two would replace each other's filters
 * forever. The lock is taken before anything touches the kernel. */
static int lock_instance(const struct cg_config *c)
{
	char path[CG_PATH_MAX + 32];
	int rc = mkdir_p(c->state_dir, 0750);
	if (rc) {
		log_err("Failed to create the state directory %s: %s", c->state_dir, strerror(-rc));
		return rc;
	}
	snprintf(path, sizeof(path), "%s/camguardd.lock", c->state_dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_err("Failed to open %s: %s", path, strerror(errno));
		return -errno;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		rc = -errno;
		log_err("Another camguardd is running with state directory %s (%s is locked)",
			c->state_dir, path);
		close(fd);
		return rc;
	}
	/* The holder's pid, for `camguardd --unload` to name. */
	char pid[16];
	int n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n)
		log_warning("Failed to write the pid to %s: %s", path, strerror(errno));
	return fd;
}

static int load_initial(struct cg_daemon *d)
{
	struct cg_diag diag;
	int rc;

	diag_init(&diag);
	rc = model_load(d->conf_path, &d->model, &diag);
	diag_print(&diag, stderr);
	diag_free(&diag);
	if (rc) {
		log_err("Failed to load %s: the configuration is invalid (see above)", d->conf_path);
		return rc;
	}
	return 0;
}

static int start_dataplane(struct cg_daemon *d)
{
	const struct cg_config *c = &d->model.config;
	struct cg_model prev;
	struct cg_compiled comp;
	char err[512];
	int rc;

	rc = ensure_bpffs(c->pin_dir);
	if (rc < 0) {
		log_err("Failed to prepare the BPF pin directory %s: %s", c->pin_dir, strerror(-rc));
		return rc;
	}
	/* Under the unit, ExecStartPre=+camguardd --mount-bpffs has mounted it
	 * where the host sees it; this one is only as visible as our mount
	 * namespace (a shell's when started by hand). */
	if (rc > 0)
		log_notice("Mounted a bpffs for %s", c->pin_dir);
	rc = mkdir_p(c->state_dir, 0750);
	if (rc) {
		log_err("Failed to create the state directory %s: %s", c->state_dir, strerror(-rc));
		return rc;
	}
	bool have_prev = ids_load(c, &prev) == 0;
	rc = model_assign_ids(&d->model, have_prev ? &prev : NULL);
	if (rc) {
		log_err("Failed to assign policy ids: %s", strerror(-rc));
		goto out_prev;
	}
	if (refresh_protected(d) < 0)
		log_warning("Failed to read the recorder's addresses: cameras may claim them");
	d->model.protected = d->protected;
	d->model.nprotected = d->nprotected;
	rc = compile_model(&d->model, &comp, err, sizeof(err));
	if (rc) {
		log_err("Failed to compile the policies: %s", err);
		goto out_prev;
	}
	struct cg_dataplane_opts opts = {
		.pin_dir = c->pin_dir,
		.max_devices = c->max_devices,
	};
	rc = dataplane_load(&opts, &d->dp);
	if (rc) {
		log_err("Failed to load the BPF programs (pins in %s): %s", c->pin_dir, strerror(-rc));
		compiled_free(&comp);
		goto out_prev;
	}
	if (d->dp->adopted)
		log_info("Adopted pinned state from %s (generation %u)", c->pin_dir, d->dp->gen);
	if (have_prev)
		reset_reassigned(d, &prev, &d->model);
	else if (!d->dp->adopted)
		reset_reassigned(d, NULL, &d->model);
	rc = dataplane_apply(d->dp, &comp);
	if (!rc) {
		/* The files may have changed while no daemon ran, or it was
		 * killed before it saved the inventory. */
		compiled_sort_devices(&comp);
		int mrc = daemon_move_devices(d, &comp, "start", NULL);
		if (mrc)
			log_err("Failed to move devices to their policies: %s", strerror(-mrc));
	}
	compiled_free(&comp);
	if (rc) {
		log_err("Failed to write the policy into the BPF maps: %s", strerror(-rc));
		goto out_prev;
	}
	ids_save(&d->model);
out_prev:
	if (have_prev)
		free(prev.policies);
	return rc;
}

static int start_inventory(struct cg_daemon *d)
{
	char path[CG_PATH_MAX + 32], csv[CG_PATH_MAX];
	int rc = inventory_new(INVENTORY_LIMIT, &d->inv);
	if (rc)
		return rc;
	d->reasm = reasm_new();
	if (!d->reasm)
		return -ENOMEM;
	inventory_path(d, path, sizeof(path));
	rc = inventory_load(d->inv, path);
	if (rc == -EINVAL)
		log_warning("Ignoring unreadable inventory %s", path);
	else if (rc == 0)
		log_info("Inventory: %zu devices from %s", inventory_count(d->inv), path);

	char regdir[CG_PATH_MAX], regdate[32];
	bool have_reg = registry_locate(d->model.config.oui_registry, regdir, sizeof(regdir),
					    regdate, sizeof(regdate)) == 0;
	snprintf(csv, sizeof(csv), "%s/camera-ouis.csv", CAMGUARD_DATADIR);
	if (access(csv, R_OK) != 0)
		snprintf(csv, sizeof(csv), "%s/policies/camera-ouis.csv", CAMGUARD_SOURCE_DIR);
	rc = vendor_db_load(have_reg ? regdir : NULL, csv, &d->vendors);
	if (rc)
		return rc;
	return 0;
}

int daemon_main(const char *conf_path)
{
	struct cg_daemon d = { .epfd = -1 };
	sigset_t mask;
	int rc, exit_code = 1;

	snprintf(d.conf_path, sizeof(d.conf_path), "%s", conf_path);
	d.started = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &d.started_mono);
	log_setup_libbpf();

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (load_initial(&d))
		return 1;
	check_print_summary(&d.model, stderr);
	int lock_fd = lock_instance(&d.model.config);
	if (lock_fd < 0)
		goto out;
	/* Before the data plane: the start compares its devices with the
	 * policy set it makes live (daemon_move_devices). */
	if ((rc = start_inventory(&d))) {
		log_err("Failed to start the inventory: %s", strerror(-rc));
		goto out;
	}
	if (start_dataplane(&d))
		goto out;
	hash_files(&d);
	malloc_trim(0);
	if (d.model.config.nftables) {
		char err[512];
		rc = nft_open(&d.nft);
		if (!rc)
			rc = nft_apply(d.nft, &d.model, err, sizeof(err));
		else
			snprintf(err, sizeof(err), "%s", strerror(-rc));
		if (rc) {
			log_err("Failed to program nftables table inet camguard: %s", err);
			goto out;
		}
		log_info("nftables table inet camguard programmed");
	}
	if (ifaces_setup(&d))
		goto out;
	for (struct cg_inv_device *dev = inventory_first(d.inv); dev; dev = inventory_next(d.inv, dev))
		match_device(&d, dev);
	advisories_refresh(&d);

	d.epfd = epoll_create1(EPOLL_CLOEXEC);
	sig_watch = (struct cg_watch){ .fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK),
				       .fn = on_signal };
	timer_watch = (struct cg_watch){
		.fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK), .fn = on_timer };
	nl_watch = (struct cg_watch){ .fd = open_netlink(), .fn = on_netlink };
	ringbuf = ring_buffer__new(dataplane_map_fd(d.dp, "cg_events"), on_event, &d, NULL);
	if (d.epfd < 0 || sig_watch.fd < 0 || timer_watch.fd < 0 || nl_watch.fd < 0 || !ringbuf) {
		log_err("Failed to set up the event loop: %s", strerror(errno));
		goto out;
	}
	rb_watch = (struct cg_watch){ .fd = ring_buffer__epoll_fd(ringbuf), .fn = on_ringbuf };
	struct itimerspec its = { .it_interval = { 0, TICK_MS * 1000000L },
				  .it_value = { 0, TICK_MS * 1000000L } };
	timerfd_settime(timer_watch.fd, 0, &its, NULL);
	daemon_watch_add(&d, &sig_watch, EPOLLIN);
	daemon_watch_add(&d, &timer_watch, EPOLLIN);
	daemon_watch_add(&d, &nl_watch, EPOLLIN);
	daemon_watch_add(&d, &rb_watch, EPOLLIN);

	rc = control_open(&d, d.model.config.control_socket, d.model.config.control_group,
			  &d.control);
	if (rc) {
		log_err("Failed to open the control socket %s: %s", d.model.config.control_socket,
			strerror(-rc));
		goto out;
	}
	if (control_root_only(d.control))
		log_warning("Control group %s does not exist: the control socket %s is root only (0600)",
			    d.model.config.control_group, d.model.config.control_socket);

	d.last_reload = (struct cg_reload_result){ .ok = true, .when = time(NULL),
						   .generation = d.dp->gen };
	snprintf(d.last_reload.message, sizeof(d.last_reload.message), "initial load, %zu policies",
		 d.model.npolicies);
	d.last_reload_ok = d.last_reload.when;
	d.nft_up = d.nft != NULL;
	log_info("camguardd %s enforcing %zu policies on %zu interfaces (generation %u)",
		 CAMGUARD_VERSION, d.model.npolicies, d.nifaces, d.dp->gen);
	sd_notifyf("READY=1\nSTATUS=Enforcing %zu policies (generation %u)\nMAINPID=%d\n",
		   d.model.npolicies, d.dp->gen, getpid());

	while (!d.stopping) {
		struct epoll_event evs[16];
		int n = epoll_wait(d.epfd, evs, 16, -1);
		if (n < 0 && errno != EINTR) {
			log_err("epoll_wait: %s", strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			struct cg_watch *w = evs[i].data.ptr;
			w->fn(&d, w, evs[i].events);
		}
	}
	sd_notifyf("STOPPING=1\n");
	ring_buffer__consume(ringbuf);
	save_inventory(&d, true);
	if (d.model.config.on_exit == CG_ON_EXIT_UNLOAD) {
		log_info("on_exit = \"unload\": removing filters, pins and the nftables table");
		ifaces_detach(&d);
		if (d.nft)
			nft_remove(d.nft);
		dataplane_unpin(d.model.config.pin_dir);
		rmdir(d.model.config.pin_dir);
	} else {
		log_info("on_exit = \"keep\": the data plane keeps enforcing generation %u",
			 d.dp->gen);
	}
	exit_code = 0;
out:
	control_close(d.control);
	ring_buffer__free(ringbuf);
	nft_close(d.nft);
	inventory_free(d.inv);
	reasm_free(d.reasm);
	probe_close(&d);
	free(d.probe_fds);
	free(d.probe_known);
	vendor_db_free(d.vendors);
	dataplane_free(d.dp);
	free(d.ifaces);
	free(d.protected);
	free(d.moved);
	free(d.file_hashes);
	model_free(&d.model);
	if (d.epfd >= 0)
		close(d.epfd);
	if (lock_fd >= 0)
		close(lock_fd);
	return exit_code;
}

/* ---- --unload and --mount-bpffs ----------------------------------------- */

/*
 * A running daemon puts back within seconds whatever --unload removes (it
 * is tampering, to it), so --unload takes the daemon's own lock first and
 * holds it while it works: no daemon runs meanwhile, and none can start.
 * Returns the lock fd (or -1: no state directory, nothing to hold), or
 * -EWOULDBLOCK (told on stderr) when a daemon holds it and force is off.
 */
static int unload_lock(const struct cg_config *c, bool force)
{
	char path[CG_PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/camguardd.lock", c->state_dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	char who[48] = "camguardd", buf[16] = "";
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	int pid = n > 0 ? atoi(buf) : 0;
	if (pid > 0)
		snprintf(who, sizeof(who), "camguardd (pid %d)", pid);
	if (force) {
		fprintf(stderr,
			"camguardd: --force: %s is running (it holds %s); unloading anyway.\n"
			"camguardd: it will re-attach its programs, re-pin its maps and restore table inet camguard\n"
			"camguardd: within about 2 seconds and count that as tampering. Stop it to unload for good.\n",
			who, path);
		close(fd);
		return -1;
	}
	fprintf(stderr,
		"camguardd: refusing to unload: %s is running (it holds %s) and would put\n"
		"camguardd: everything back within seconds. Stop it first (systemctl stop camguardd):\n"
		"camguardd: with on_exit = \"keep\" enforcement stays in place after the stop, for\n"
		"camguardd: --unload to remove. --force unloads anyway (the daemon re-attaches).\n",
		who, path);
	close(fd);
	return -EWOULDBLOCK;
}

int daemon_unload(const char *conf_path, bool force)
{
	struct cg_model m = {};
	struct cg_diag diag;
	int rc, failures = 0;

	diag_init(&diag);
	rc = model_load(conf_path, &m, &diag);
	if (rc) {
		diag_print(&diag, stderr);
		diag_free(&diag);
		fprintf(stderr, "camguardd: cannot read %s; nothing removed\n", conf_path);
		return 1;
	}
	diag_free(&diag);
	int lock_fd = unload_lock(&m.config, force);
	if (lock_fd == -EWOULDBLOCK) {
		model_free(&m);
		return 1;
	}

	for (size_t i = 0; i < m.config.nifaces; i++) {
		int ifindex = (int)if_nametoindex(m.config.ifaces[i].name);
		if (!ifindex)
			continue;
		for (int h = 0; h < CG_HOOK_MAX; h++) {
			uint32_t id;
			if (attach_query(ifindex, h, &id))
				continue;
			/* XDP has no handle of ours: remove it only if it is our program. */
			if (h == CG_HOOK_XDP && !prog_is_camguard(id))
				continue;
			rc = attach_detach(ifindex, h);
			if (rc) {
				fprintf(stderr, "camguardd: failed to detach %s from %s: %s\n",
					cg_hook_to_string(h), m.config.ifaces[i].name, strerror(-rc));
				failures++;
			} else {
				printf("Detached %s from %s\n", cg_hook_to_string(h), m.config.ifaces[i].name);
			}
		}
	}
	struct cg_nft *nft;
	if (nft_open(&nft) == 0) {
		rc = nft_remove(nft);
		if (rc == 0)
			printf("Removed nftables table inet camguard\n");
		else if (rc != -ENOENT) {
			fprintf(stderr, "camguardd: failed to remove table inet camguard: %s\n",
				strerror(-rc));
			failures++;
		}
		nft_close(nft);
	}
	rc = dataplane_unpin(m.config.pin_dir);
	if (rc) {
		fprintf(stderr, "camguardd: failed to remove pins in %s: %s\n", m.config.pin_dir,
			strerror(-rc));
		failures++;
	} else {
		rmdir(m.config.pin_dir);
		printf("Removed pinned maps in %s\n", m.config.pin_dir);
	}
	model_free(&m);
	if (lock_fd >= 0)
		close(lock_fd);
	return failures ? 1 : 0;
}

/*
 * systemd runs even an ExecStartPre=+ command in a mount namespace of the
 * unit's own when PrivateTmp= is on (252 does; the "+" only drops the rest
 * of the sandbox), a one-way copy of the host's: a bpffs mounted there
 * vanishes with it and the daemon gets none. The host's namespace is PID
 * 1's; a shell's is usually that one already.
 */
static int enter_host_mntns(void)
{
	struct stat host, self;

	if (stat("/proc/1/ns/mnt", &host) < 0 || stat("/proc/self/ns/mnt", &self) < 0)
		return -errno;
	if (host.st_dev == self.st_dev && host.st_ino == self.st_ino)
		return 0;
	int fd = open("/proc/1/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = setns(fd, CLONE_NEWNS) < 0 ? -errno : 0;
	close(fd);
	return rc;
}

int daemon_mount_bpffs(const char *conf_path)
{
	struct cg_model m = {};
	struct cg_diag diag;
	char parent[CG_PATH_MAX];

	/* Only pin_dir matters here: an invalid file is the daemon's to
	 * report (with every error), right after this. */
	diag_init(&diag);
	config_parse(conf_path, &m, &diag);
	diag_free(&diag);
	snprintf(parent, sizeof(parent), "%s", m.config.pin_dir);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	int rc = enter_host_mntns();
	if (rc < 0)
		fprintf(stderr, "camguardd: cannot enter PID 1's mount namespace: %s\n", strerror(-rc));
	else
		rc = ensure_bpffs(m.config.pin_dir);
	if (rc < 0) {
		fprintf(stderr, "camguardd: cannot mount a bpffs at %s for %s: %s\n", parent,
			m.config.pin_dir, strerror(-rc));
		if (rc == -EROFS || rc == -EACCES || rc == -EPERM)
			fprintf(stderr, "camguardd: in a container, give it a bpffs (or an empty directory) at %s,\n"
				"camguardd: e.g. systemd-nspawn --tmpfs=%s, or set pin_dir to a bpffs it has\n",
				parent, parent);
	} else if (rc > 0) {
		printf("Mounted a bpffs at %s\n", parent);
	}
	model_free(&m);
	return rc < 0 ? 1 : 0;
}
