// SPDX-License-Identifier: GPL-2.0-only
/*
 * inventory.c — owns the table of every device seen on the camera side:
 * its facts, counters and what it announced. See inventory.h.
 *
 * Devices live in one array (slots reused through a free list), indexed by a
 * chained hash on the MAC, and threaded on a doubly linked recency list so
 * that touch and evict are O(1). Indices instead of pointers keep the array
 * reallocatable.
 *
 * The devices' addresses are indexed too (an open-addressing hash, address
 * -> device index), for the nftables drop log: an inbound drop names the
 * camera only by its address, which the sender chooses, so a lookup must
 * not cost a walk over every device. Every change of a device's address
 * list goes through inventory_add_addr() and eviction, which keep the index
 * in step. If the index cannot grow (no memory) it is dropped and
 * inventory_find_addr() walks the devices instead.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "atomicfile.h"
#include "inventory.h"

struct cg_inventory {
	struct cg_inv_device *dev;
	size_t cap, limit, count;
	int32_t *buckets;
	size_t nbuckets;
	int32_t head, tail;        /* least / most recently seen */
	int32_t free_list;
	uint64_t evicted;
	struct cg_inv_disc_stats disc;
	bool dirty;
	/* the address index: family 0 empty, ADDR_GONE a deleted entry */
	struct addr_slot *addrs;
	size_t addr_cap, addr_used;   /* used: live + deleted */
	size_t addr_live;
	bool addr_broken;             /* no memory once: walk instead */
};

#define ADDR_GONE 0xff

struct addr_slot {
	uint8_t addr[16];
	int32_t dev;
	uint8_t family;
};

static uint32_t mac_hash(const uint8_t mac[6])
{
	return addr_fnv(ADDR_FNV_BASIS, mac, 6);
}

int inventory_new(size_t limit, struct cg_inventory **ret)
{
	struct cg_inventory *inv = calloc(1, sizeof(*inv));
	if (!inv)
		return -ENOMEM;
	inv->limit = limit ? limit : 1;
	inv->nbuckets = 1;
	while (inv->nbuckets < inv->limit)
		inv->nbuckets <<= 1;
	inv->buckets = malloc(inv->nbuckets * sizeof(*inv->buckets));
	if (!inv->buckets) {
		free(inv);
		return -ENOMEM;
	}
	memset(inv->buckets, 0xff, inv->nbuckets * sizeof(*inv->buckets));
	inv->head = inv->tail = inv->free_list = -1;
	*ret = inv;
	return 0;
}

void inventory_free(struct cg_inventory *inv)
{
	if (!inv)
		return;
	free(inv->dev);
	free(inv->buckets);
	free(inv->addrs);
	free(inv);
}

static int32_t find_index(const struct cg_inventory *inv, const uint8_t mac[6])
{
	int32_t i = inv->buckets[mac_hash(mac) & (inv->nbuckets - 1)];
	while (i >= 0 && memcmp(inv->dev[i].mac, mac, 6) != 0)
		i = inv->dev[i].hnext;
	return i;
}

struct cg_inv_device *inventory_find(const struct cg_inventory *inv, const uint8_t mac[6])
{
	int32_t i = find_index(inv, mac);
	return i >= 0 ? &inv->dev[i] : NULL;
}

static void list_unlink(struct cg_inventory *inv, int32_t i)
{
	struct cg_inv_device *d = &inv->dev[i];
	if (d->lprev >= 0)
		inv->dev[d->lprev].lnext = d->lnext;
	else
		inv->head = d->lnext;
	if (d->lnext >= 0)
		inv->dev[d->lnext].lprev = d->lprev;
	else
		inv->tail = d->lprev;
}

static void list_append(struct cg_inventory *inv, int32_t i)
{
	struct cg_inv_device *d = &inv->dev[i];
	d->lprev = inv->tail;
	d->lnext = -1;
	if (inv->tail >= 0)
		inv->dev[inv->tail].lnext = i;
	else
		inv->head = i;
	inv->tail = i;
}

static void hash_unlink(struct cg_inventory *inv, int32_t i)
{
	int32_t *p = &inv->buckets[mac_hash(inv->dev[i].mac) & (inv->nbuckets - 1)];
	while (*p != i)
		p = &inv->dev[*p].hnext;
	*p = inv->dev[i].hnext;
}

/* ---- the address index ------------------------------------------------------ */

static uint32_t addr_hash(uint8_t family, const uint8_t *addr)
{
	return addr_fnv(addr_fnv(ADDR_FNV_BASIS, &family, 1), addr, addr_family_len(family));
}

/* The slot holding the address, or the first free one (deleted or empty)
 * where it would go; NULL when the table is missing. */
static struct addr_slot *addr_probe(const struct cg_inventory *inv, uint8_t family,
				    const uint8_t *addr, bool *found)
{
	struct addr_slot *gone = NULL;

	*found = false;
	if (!inv->addr_cap)
		return NULL;
	for (size_t i = addr_hash(family, addr) & (inv->addr_cap - 1);; i = (i + 1) & (inv->addr_cap - 1)) {
		struct addr_slot *s = &inv->addrs[i];
		if (!s->family)
			return gone ? gone : s;
		if (s->family == ADDR_GONE) {
			if (!gone)
				gone = s;
		} else if (s->family == family && !memcmp(s->addr, addr, addr_family_len(family))) {
			*found = true;
			return s;
		}
	}
}

/* Rebuilds the table at `cap` slots from the live entries. */
static int addr_rehash(struct cg_inventory *inv, size_t cap)
{
	struct addr_slot *old = inv->addrs, *t = calloc(cap, sizeof(*t));
	size_t n = inv->addr_cap;

	if (!t)
		return -ENOMEM;
	inv->addrs = t;
	inv->addr_cap = cap;
	inv->addr_used = 0;
	for (size_t i = 0; i < n; i++)
		if (old[i].family && old[i].family != ADDR_GONE) {
			bool found;
			*addr_probe(inv, old[i].family, old[i].addr, &found) = old[i];
			inv->addr_used++;
		}
	free(old);
	return 0;
}

/* The address now names device `dev` (the latest device to use it). */
static void addr_index(struct cg_inventory *inv, uint8_t family, const uint8_t *addr, int32_t dev)
{
	bool found;

	if (inv->addr_broken)
		return;
	/* At most half full, counting deleted slots: double when the live
	 * entries fill a quarter, else rebuild at the same size. */
	if ((inv->addr_used + 1) * 2 > inv->addr_cap) {
		size_t cap = inv->addr_cap ? inv->addr_cap : 64;
		while ((inv->addr_live + 1) * 4 > cap)
			cap *= 2;
		if (addr_rehash(inv, cap)) {
			free(inv->addrs);
			inv->addrs = NULL;
			inv->addr_cap = inv->addr_used = inv->addr_live = 0;
			inv->addr_broken = true;
			return;
		}
	}
	struct addr_slot *s = addr_probe(inv, family, addr, &found);
	if (!found) {
		if (!s->family)
			inv->addr_used++;
		inv->addr_live++;
		memset(s->addr, 0, sizeof(s->addr));
		memcpy(s->addr, addr, addr_family_len(family));
		s->family = family;
	}
	s->dev = dev;
}

/* The device no longer has the address: forget it if it still names it. */
static void addr_unindex(struct cg_inventory *inv, uint8_t family, const uint8_t *addr, int32_t dev)
{
	bool found;
	struct addr_slot *s = addr_probe(inv, family, addr, &found);

	if (found && s->dev == dev) {
		s->family = ADDR_GONE;
		inv->addr_live--;
	}
}

static void addr_unindex_all(struct cg_inventory *inv, int32_t dev)
{
	const struct cg_inv_device *d = &inv->dev[dev];

	for (int i = 0; i < d->n4; i++)
		addr_unindex(inv, 4, d->ip4[i], dev);
	for (int i = 0; i < d->n6; i++)
		addr_unindex(inv, 6, d->ip6[i], dev);
}

struct cg_inv_device *inventory_find_addr(const struct cg_inventory *inv, uint8_t family,
					  const uint8_t *addr)
{
	bool found;

	if (family != 4 && family != 6)
		return NULL;
	if (inv->addr_broken) {
		/* The most recently seen device that lists it. */
		for (int32_t i = inv->tail; i >= 0; i = inv->dev[i].lprev) {
			const struct cg_inv_device *d = &inv->dev[i];
			for (int k = 0; k < (family == 4 ? d->n4 : d->n6); k++)
				if (!memcmp(family == 4 ? d->ip4[k] : d->ip6[k], addr, addr_family_len(family)))
					return &inv->dev[i];
		}
		return NULL;
	}
	struct addr_slot *s = addr_probe(inv, family, addr, &found);
	return found ? &inv->dev[s->dev] : NULL;
}

static int32_t alloc_slot(struct cg_inventory *inv)
{
	if (inv->count >= inv->limit) {
		/* Evict the least recently seen device. */
		int32_t victim = inv->head;
		list_unlink(inv, victim);
		hash_unlink(inv, victim);
		addr_unindex_all(inv, victim);
		inv->count--;
		inv->evicted++;
		return victim;
	}
	if (inv->free_list >= 0) {
		int32_t i = inv->free_list;
		inv->free_list = inv->dev[i].hnext;
		return i;
	}
	if (inv->count == inv->cap) {
		size_t cap = inv->cap ? inv->cap * 2 : 64;
		if (cap > inv->limit)
			cap = inv->limit;
		struct cg_inv_device *v = realloc(inv->dev, cap * sizeof(*v));
		if (!v)
			return -1;
		inv->dev = v;
		inv->cap = cap;
	}
	return (int32_t)inv->count;
}

struct cg_inv_device *inventory_touch(struct cg_inventory *inv, const uint8_t mac[6],
				      int64_t now, bool *ret_new)
{
	int32_t i = find_index(inv, mac);
	bool created = false;

	if (i < 0) {
		i = alloc_slot(inv);
		if (i < 0)
			return NULL;
		struct cg_inv_device *d = &inv->dev[i];
		memset(d, 0, sizeof(*d));
		memcpy(d->mac, mac, 6);
		d->first_seen = now;
		size_t b = mac_hash(mac) & (inv->nbuckets - 1);
		d->hnext = inv->buckets[b];
		inv->buckets[b] = i;
		inv->count++;
		created = true;
	} else {
		list_unlink(inv, i);
	}
	list_append(inv, i);
	if (now > inv->dev[i].last_seen)
		inv->dev[i].last_seen = now;
	inv->dirty = true;
	if (ret_new)
		*ret_new = created;
	return &inv->dev[i];
}

bool inventory_add_addr(struct cg_inventory *inv, struct cg_inv_device *d, uint8_t family,
			const uint8_t *addr)
{
	size_t len = family == 4 ? 4 : 16;
	uint8_t *n = family == 4 ? &d->n4 : &d->n6;
	int32_t dev = (int32_t)(d - inv->dev);
	int found = -1;

	for (int i = 0; i < *n; i++) {
		const uint8_t *a = family == 4 ? d->ip4[i] : d->ip6[i];
		if (memcmp(a, addr, len) == 0)
			found = i;
	}
	if (found == 0) {
		addr_index(inv, family, addr, dev);   /* another device may have used it since */
		return false;
	}
	/* A new address on a full list pushes the oldest out. */
	if (found < 0 && *n == CG_INV_ADDRS)
		addr_unindex(inv, family, family == 4 ? d->ip4[CG_INV_ADDRS - 1] : d->ip6[CG_INV_ADDRS - 1],
			     dev);
	/* Shift to make room at the front: most recent first. */
	int last = found >= 0 ? found : (*n < CG_INV_ADDRS ? (*n)++ : CG_INV_ADDRS - 1);
	if (family == 4) {
		memmove(d->ip4[1], d->ip4[0], (size_t)last * 4);
		memcpy(d->ip4[0], addr, 4);
	} else {
		memmove(d->ip6[1], d->ip6[0], (size_t)last * 16);
		memcpy(d->ip6[0], addr, 16);
	}
	addr_index(inv, family, addr, dev);
	return found < 0;
}

void inventory_add_blocked(struct cg_inv_device *d, const struct cg_inv_blocked *b)
{
	size_t len = b->family == 4 ? 4 : 16;
	struct cg_inv_blocked *slot = NULL;

	for (int i = 0; i < CG_INV_BLOCKED; i++) {
		struct cg_inv_blocked *s = &d->blocked[i];
		if (s->family == b->family && s->proto == b->proto && s->port == b->port &&
		    s->dir == b->dir && memcmp(s->addr, b->addr, len) == 0) {
			s->count += b->count;
			s->last = b->last;
			s->reason = b->reason;
			s->would = b->would;
			return;
		}
		/* The empty slot, else the least-hit one, makes room. */
		if (!slot || (slot->family && (!s->family || s->count < slot->count)))
			slot = s;
	}
	*slot = *b;
}

/* ---- announced facts ---------------------------------------------------- */

static const char *const field_names[CG_INV_FIELDS] = {
	[CG_INV_MODEL] = "model",
	[CG_INV_FIRMWARE] = "firmware",
	[CG_INV_SERIAL] = "serial",
	[CG_INV_NAME] = "name",
	[CG_INV_MANUFACTURER] = "manufacturer",
	[CG_INV_URL] = "url",
};

const char *inventory_field_to_string(int field)
{
	return field >= 0 && field < CG_INV_FIELDS ? field_names[field] : "unknown";
}

int inventory_field_from_string(const char *s)
{
	for (int i = 0; i < CG_INV_FIELDS; i++)
		if (s && strcmp(s, field_names[i]) == 0)
			return i;
	return -EINVAL;
}

static bool set_fact(struct cg_inv_fact *f, const char *value, int source, int64_t now)
{
	if (!value[0])
		return false;
	if (f->value[0] && discovery_source_rank(source) < discovery_source_rank(f->source))
		return false;
	bool changed = strcmp(f->value, value) != 0;
	snprintf(f->value, sizeof(f->value), "%s", value);
	f->source = (uint8_t)source;
	f->time = now;
	return changed;
}

bool inventory_add_discovery(struct cg_inventory *inv, struct cg_inv_device *d,
			     const struct cg_disc_info *info, int64_t now)
{
	const char *v[CG_INV_FIELDS] = {
		[CG_INV_MODEL] = info->model,
		[CG_INV_FIRMWARE] = info->firmware,
		[CG_INV_SERIAL] = info->serial,
		[CG_INV_NAME] = info->name,
		[CG_INV_MANUFACTURER] = info->manufacturer,
		[CG_INV_URL] = info->url,
	};
	bool changed = false;

	if (info->source >= CG_DISC_SRC_MAX)
		return false;
	for (int i = 0; i < CG_INV_FIELDS; i++)
		changed |= set_fact(&d->facts[i], v[i], info->source, now);
	d->announced[info->source] = now;
	inv->dirty = true;
	return changed;
}

void inventory_set_policy(struct cg_inventory *inv, struct cg_inv_device *d, const char *policy)
{
	snprintf(d->policy, sizeof(d->policy), "%s", policy);
	inv->dirty = true;
}

void inventory_count_discovery(struct cg_inventory *inv, int parse_rc)
{
	if (parse_rc == 0)
		inv->disc.parsed++;
	else if (parse_rc == -ENOMSG)
		inv->disc.ignored++;
	else
		inv->disc.malformed++;
}

void inventory_discovery_stats(const struct cg_inventory *inv, struct cg_inv_disc_stats *ret)
{
	*ret = inv->disc;
}

bool inventory_mismatch(const struct cg_inv_device *d)
{
	return discovery_vendor_mismatch(d->vendor, d->facts[CG_INV_MANUFACTURER].value);
}

size_t inventory_count(const struct cg_inventory *inv)
{
	return inv->count;
}

uint64_t inventory_evicted(const struct cg_inventory *inv)
{
	return inv->evicted;
}

bool inventory_dirty(const struct cg_inventory *inv)
{
	return inv->dirty;
}

struct cg_inv_device *inventory_first(const struct cg_inventory *inv)
{
	return inv->head >= 0 ? &inv->dev[inv->head] : NULL;
}

struct cg_inv_device *inventory_next(const struct cg_inventory *inv, const struct cg_inv_device *d)
{
	return d->lnext >= 0 ? &inv->dev[d->lnext] : NULL;
}

/* ---- formatting --------------------------------------------------------- */

void format_time(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (!t || !gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		buf[0] = '\0';
}

static int64_t parse_time(const char *s)
{
	struct tm tm = {};
	if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

/* ---- JSON --------------------------------------------------------------- */

json_object *inventory_device_to_json(const struct cg_inv_device *d)
{
	json_object *o = json_object_new_object();
	json_object *v4 = json_object_new_array(), *v6 = json_object_new_array();
	char buf[64];

	addr_format_mac(d->mac, buf);
	json_object_object_add(o, "mac", json_object_new_string(buf));
	json_object_object_add(o, "vendor", json_object_new_string(d->vendor));
	json_object_object_add(o, "policy", json_object_new_string(d->policy));
	for (int i = 0; i < d->n4; i++) {
		addr_format_ip(4, d->ip4[i], buf, sizeof(buf));
		json_object_array_add(v4, json_object_new_string(buf));
	}
	for (int i = 0; i < d->n6; i++) {
		addr_format_ip(6, d->ip6[i], buf, sizeof(buf));
		json_object_array_add(v6, json_object_new_string(buf));
	}
	json_object_object_add(o, "ipv4", v4);
	json_object_object_add(o, "ipv6", v6);
	json_object_object_add(o, "vlan", json_object_new_int(d->vlan));
	json_object_object_add(o, "interface", json_object_new_string(d->ifname));
	format_time(d->first_seen, buf, sizeof(buf));
	json_object_object_add(o, "first_seen", json_object_new_string(buf));
	format_time(d->last_seen, buf, sizeof(buf));
	json_object_object_add(o, "last_seen", json_object_new_string(buf));

	/* The announced facts: flat for readers, with source and time in
	 * "facts" (which is also what a restart reloads). */
	json_object *facts = json_object_new_object(), *src = json_object_new_object();
	for (int i = 0; i < CG_INV_FIELDS; i++) {
		const struct cg_inv_fact *f = &d->facts[i];
		json_object_object_add(o, field_names[i], json_object_new_string(f->value));
		if (!f->value[0])
			continue;
		json_object *fo = json_object_new_object();
		json_object_object_add(fo, "value", json_object_new_string(f->value));
		json_object_object_add(fo, "source",
				       json_object_new_string(discovery_source_to_string(f->source)));
		format_time(f->time, buf, sizeof(buf));
		json_object_object_add(fo, "time", json_object_new_string(buf));
		json_object_object_add(facts, field_names[i], fo);
	}
	for (int s = 0; s < CG_DISC_SRC_MAX; s++) {
		if (!d->announced[s])
			continue;
		format_time(d->announced[s], buf, sizeof(buf));
		json_object_object_add(src, discovery_source_to_string(s), json_object_new_string(buf));
	}
	json_object_object_add(o, "sources", src);
	json_object_object_add(o, "facts", facts);
	json_object_object_add(o, "mismatch", json_object_new_boolean(inventory_mismatch(d)));
	return o;
}

static void copy_str(char *dst, size_t len, json_object *o, const char *key)
{
	json_object *v;
	if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
		snprintf(dst, len, "%s", json_object_get_string(v));
}

static void load_addrs(struct cg_inventory *inv, struct cg_inv_device *d, json_object *o,
		       const char *key, uint8_t family)
{
	json_object *arr;
	if (!json_object_object_get_ex(o, key, &arr) || !json_object_is_type(arr, json_type_array))
		return;
	/* Stored most recent first: add in reverse to keep that order. */
	for (int i = (int)json_object_array_length(arr) - 1; i >= 0; i--) {
		uint8_t a[16];
		const char *s = json_object_get_string(json_object_array_get_idx(arr, (size_t)i));
		if (s && inet_pton(family == 4 ? AF_INET : AF_INET6, s, a) == 1)
			inventory_add_addr(inv, d, family, a);
	}
}

/* "facts": {"model": {"value","source","time"}, ...}, "sources": {"sadp": time}.
 * Values go through the same bounds as an announcement: the file is ours,
 * but a hand edit must not overflow anything either. */
static void load_facts(struct cg_inv_device *d, json_object *o)
{
	json_object *facts, *src;

	if (json_object_object_get_ex(o, "facts", &facts) &&
	    json_object_is_type(facts, json_type_object)) {
		json_object_object_foreach(facts, key, val) {
			int i = inventory_field_from_string(key);
			json_object *v, *s, *t;
			if (i < 0 || !json_object_is_type(val, json_type_object) ||
			    !json_object_object_get_ex(val, "value", &v) ||
			    !json_object_is_type(v, json_type_string))
				continue;
			int source = json_object_object_get_ex(val, "source", &s)
					     ? discovery_source_from_string(json_object_get_string(s))
					     : -EINVAL;
			if (source < 0)
				continue;
			struct cg_inv_fact *f = &d->facts[i];
			snprintf(f->value, sizeof(f->value), "%s", json_object_get_string(v));
			for (char *p = f->value; *p; p++)
				if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
					*p = '?';
			f->source = (uint8_t)source;
			f->time = json_object_object_get_ex(val, "time", &t)
					  ? parse_time(json_object_get_string(t)) : 0;
		}
	}
	if (json_object_object_get_ex(o, "sources", &src) &&
	    json_object_is_type(src, json_type_object)) {
		json_object_object_foreach(src, key, val) {
			int s = discovery_source_from_string(key);
			if (s >= 0)
				d->announced[s] = parse_time(json_object_get_string(val));
		}
	}
}

int inventory_load(struct cg_inventory *inv, const char *path)
{
	json_object *root = json_object_from_file(path);
	json_object *devs;

	if (!root)
		return access(path, F_OK) == 0 ? -EINVAL : -ENOENT;
	if (!json_object_object_get_ex(root, "devices", &devs) ||
	    !json_object_is_type(devs, json_type_array)) {
		json_object_put(root);
		return -EINVAL;
	}
	/* Oldest first, so that the recency list ends with the newest. */
	size_t n = json_object_array_length(devs);
	struct { size_t idx; int64_t last; } *order = calloc(n ? n : 1, sizeof(*order));
	if (!order) {
		json_object_put(root);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(devs, i), *v;
		order[i].idx = i;
		if (json_object_object_get_ex(o, "last_seen", &v))
			order[i].last = parse_time(json_object_get_string(v));
	}
	for (size_t i = 1; i < n; i++)          /* insertion sort: the file is mostly ordered */
		for (size_t j = i; j > 0 && order[j - 1].last > order[j].last; j--) {
			__typeof__(*order) t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (size_t k = 0; k < n; k++) {
		json_object *o = json_object_array_get_idx(devs, order[k].idx), *v;
		uint8_t mac[6];
		if (!json_object_object_get_ex(o, "mac", &v) ||
		    addr_parse_mac_relaxed(json_object_get_string(v), mac))
			continue;
		struct cg_inv_device *d = inventory_touch(inv, mac, order[k].last, NULL);
		if (!d)
			break;
		if (json_object_object_get_ex(o, "first_seen", &v))
			d->first_seen = parse_time(json_object_get_string(v));
		d->last_seen = order[k].last;
		copy_str(d->vendor, sizeof(d->vendor), o, "vendor");
		copy_str(d->policy, sizeof(d->policy), o, "policy");
		copy_str(d->ifname, sizeof(d->ifname), o, "interface");
		if (json_object_object_get_ex(o, "vlan", &v))
			d->vlan = (uint16_t)json_object_get_int(v);
		load_addrs(inv, d, o, "ipv4", 4);
		load_addrs(inv, d, o, "ipv6", 6);
		load_facts(d, o);
	}
	free(order);
	json_object_put(root);
	inv->dirty = false;
	return 0;
}

int inventory_save(struct cg_inventory *inv, const char *path)
{
	json_object *root = json_object_new_object(), *devs = json_object_new_array();
	char tmp[CG_PATH_MAX + 8];
	int rc = 0;

	json_object_object_add(root, "version", json_object_new_int(1));
	for (struct cg_inv_device *d = inventory_first(inv); d; d = inventory_next(inv, d))
		json_object_array_add(devs, inventory_device_to_json(d));
	json_object_object_add(root, "devices", devs);

	const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY);
	int fd = atomicfile_open(path, 0640, tmp, sizeof(tmp));
	if (fd < 0) {
		rc = fd;
		goto out;
	}
	rc = atomicfile_commit(fd, tmp, path, atomicfile_write(fd, text, strlen(text)));
	if (!rc)
		inv->dirty = false;
out:
	json_object_put(root);
	return rc;
}
