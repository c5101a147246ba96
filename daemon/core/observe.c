// SPDX-License-Identifier: GPL-2.0-only
/*
 * observe.c — data plane events into the inventory (observe.h). Each
 * event is a few hundred bytes the BPF programs sampled (rate-limited in
 * the kernel); everything here is a lookup and a copy, and each novelty
 * (a device, an address, a blocked destination) is logged once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "advmoves.h"
#include "dataplane.h"
#include "discovery.h"
#include "dnsfeed.h"
#include "inventory.h"
#include "log.h"
#include "names.h"
#include "observe.h"
#include "reasm.h"
#include "state.h"
#include "vendor.h"

static int64_t now_wall(void)
{
	return (int64_t)time(NULL);
}

static void describe_device(struct cg_daemon *d, struct cg_inv_device *dev,
			    const struct cg_event *e, bool created)
{
	char ifname[IF_NAMESIZE] = "";
	const char *vendor = vendor_lookup(d->vendors, e->mac);

	snprintf(dev->vendor, sizeof(dev->vendor), "%s", vendor ? vendor : "");
	/* A known device's policy is kept by state_move_devices(): an event
	 * queued before a reload carries the policy of the generation before. */
	if (created)
		snprintf(dev->policy, sizeof(dev->policy), "%s", state_policy_name(d, e->policy));
	if (e->ifindex && if_indextoname(e->ifindex, ifname))
		snprintf(dev->ifname, sizeof(dev->ifname), "%s", ifname);
	dev->vlan = e->vlan;
}

static void on_discovery(struct cg_daemon *d, struct cg_inv_device *dev, const char *mac,
			 void *data, size_t len)
{
	struct cg_disc_info info;
	/* A DNS datagram goes to the names store (dnsfeed.c), which needs the
	 * device and the resolver of the event. */
	dnsfeed_event(d->dns, data);
	int rc = reasm_read_event(data, len, d->reasm, state_mono_ms(), &info);
	dnsfeed_event(d->dns, NULL);

	if (rc != -EINPROGRESS)
		inventory_count_discovery(d->inv, rc);
	if (rc)
		return;
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
	/* Applied after the ring buffer is drained (observe_ringbuf): the
	 * move consumes it, which must not happen from inside its own
	 * callback. */
	if (advmoves_match(d, dev))
		d->advisories_dirty = true;
}

static void on_drop(struct cg_daemon *d, struct cg_inv_device *dev, const char *mac,
		    const struct cg_event *e)
{
	char addr[INET6_ADDRSTRLEN];
	struct cg_inv_blocked b = {
		.family = e->family, .proto = e->l4proto, .dir = e->dir, .reason = e->reason,
		.port = e->peer_port, .count = 1, .last = now_wall(),
		.would = !!(e->flags & CG_EVF_WOULD_DROP),
	};
	bool known = false;

	memcpy(b.addr, e->peer_addr, 16);
	for (int i = 0; i < CG_INV_BLOCKED; i++) {
		const struct cg_inv_blocked *s = &dev->blocked[i];
		known |= s->family == b.family && s->port == b.port && s->proto == b.proto &&
			 s->dir == b.dir && !memcmp(s->addr, b.addr, b.family == 4 ? 4 : 16);
	}
	inventory_add_blocked(dev, &b);
	d->counters.drop_samples++;
	if (known)
		return;
	addr_format_ip(e->family, e->peer_addr, addr, sizeof(addr));
	/* "[2001:db8::1]:443": an IPv6 address takes brackets before a port */
	log_notice("%s %s %s %s%s%s:%u (%s, policy %s)", b.would ? "Would drop" : "Dropped", mac,
		   e->dir == CG_DIR_OUT ? "->" : "<-", e->family == 6 ? "[" : "", addr,
		   e->family == 6 ? "]" : "", e->peer_port, cg_reason_to_string(e->reason), dev->policy);
}

int observe_event(void *ctx, void *data, size_t len)
{
	struct cg_daemon *d = ctx;
	const struct cg_event *e = data;
	char mac[18], addr[INET6_ADDRSTRLEN];
	bool created;

	if (len < sizeof(*e))
		return 0;
	d->counters.events_seen++;
	struct cg_inv_device *dev = inventory_touch(d->inv, e->mac, now_wall(), &created);
	if (!dev)
		return 0;
	addr_format_mac(e->mac, mac);
	if (created || e->type == CG_EV_DEVICE)
		describe_device(d, dev, e, created);
	if (created) {
		log_info("New device %s (%s) on %s, policy %s", mac,
			 dev->vendor[0] ? dev->vendor : "unknown vendor", dev->ifname, dev->policy);
		advmoves_match(d, dev);
	}
	if (e->type == CG_EV_DISCOVERY)
		on_discovery(d, dev, mac, data, len);

	/* The camera's own address, as it used it (OUT) or was addressed (IN). */
	if (e->family && e->type != CG_EV_DROP) {
		const uint8_t *a = e->cam_addr;
		static const uint8_t zero[16];
		/* 0.0.0.0 and :: (DHCP, DAD) are nobody's address. */
		bool any = memcmp(a, zero, e->family == 4 ? 4 : 16) != 0;
		if (any && inventory_add_addr(d->inv, dev, e->family, a)) {
			addr_format_ip(e->family, a, addr, sizeof(addr));
			log_info("Device %s uses address %s%s", mac, addr,
				 e->dir == CG_DIR_OUT && !(e->flags & CG_EVF_SRC_ENCLAVE) &&
				 e->type == CG_EV_ADDR ? " (outside the enclave)" : "");
		}
	}
	if (e->type == CG_EV_DROP && e->family)
		on_drop(d, dev, mac, e);
	return 0;
}

void observe_ringbuf(struct cg_watch *w, uint32_t events)
{
	struct cg_daemon *d = w->data;

	ring_buffer__consume(d->ringbuf);
	if (d->advisories_dirty) {
		d->advisories_dirty = false;
		advmoves_refresh(d);
	}
}

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

void observe_counters(struct cg_daemon *d)
{
	dataplane_foreach_device(d->dp, refresh_one, d);
}
