/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * inventory.h — every device seen on the camera side.
 *
 * Fed by the data plane's ring buffer (new device, new source address, drop
 * samples) and by a periodic read of the device counters (last seen). Bounded:
 * past `limit` devices the least recently seen one is evicted and counted, so
 * a MAC flood costs memory once and never grows it. Saved as JSON in the
 * state directory, atomically (temp file, fsync, rename), and loaded at start
 * so that a restart keeps first-seen times and addresses.
 */
#ifndef CAMGUARD_INVENTORY_H
#define CAMGUARD_INVENTORY_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

#include "discovery.h"
#include "model.h"

#define CG_INV_ADDRS   4   /* addresses kept per family, most recent first */
#define CG_INV_BLOCKED 8   /* blocked destinations kept per device */

struct cg_inv_blocked {
	uint8_t family;            /* 4 or 6; 0 = empty slot */
	uint8_t proto;
	uint8_t dir;
	uint8_t reason;
	uint16_t port;             /* the peer's port */
	uint8_t addr[16];
	uint64_t count;
	int64_t last;
	bool would;                /* monitor: passed, isolate would drop */
};

/* What the device announced about itself (discovery.h), one fact per field:
 * the value, which protocol said it and when. A source ranked lower
 * (discovery_source_rank) fills an empty field but never overwrites. */
enum cg_inv_field {
	CG_INV_MODEL = 0,
	CG_INV_FIRMWARE,
	CG_INV_SERIAL,
	CG_INV_NAME,
	CG_INV_MANUFACTURER,
	CG_INV_URL,
	CG_INV_FIELDS
};

const char *inventory_field_to_string(int field);
int inventory_field_from_string(const char *s);     /* -EINVAL if unknown */

struct cg_inv_fact {
	char value[CG_DISC_URL_MAX];   /* "" = not announced */
	uint8_t source;                /* enum cg_disc_source */
	int64_t time;                  /* unix seconds of the last announcement */
};

/* An advisory the device matches (issue 18): index into the live model's
 * advisories and the confidence (enum cg_adv_confidence). Recomputed from
 * the facts on every announcement and reload, never saved. */
#define CG_INV_ADV 8
struct cg_inv_adv {
	uint16_t advisory;
	uint8_t confidence;
};

struct cg_inv_device {
	uint8_t mac[6];
	uint16_t vlan;
	char vendor[96];
	char policy[CG_NAME_MAX];
	char ifname[16];
	uint8_t ip4[CG_INV_ADDRS][4];
	uint8_t n4;
	uint8_t ip6[CG_INV_ADDRS][16];
	uint8_t n6;
	int64_t first_seen;        /* unix seconds */
	int64_t last_seen;
	uint64_t packets;          /* counter total at the last read (last-seen detection) */
	struct cg_inv_blocked blocked[CG_INV_BLOCKED];
	struct cg_inv_fact facts[CG_INV_FIELDS];
	int64_t announced[CG_DISC_SRC_MAX];   /* last announcement per source; 0 = never */
	struct cg_inv_adv adv[CG_INV_ADV];    /* strongest first */
	uint8_t nadv;

	/* bookkeeping */
	int32_t hnext, lprev, lnext;
};

struct cg_inventory;

int inventory_new(size_t limit, struct cg_inventory **ret);
void inventory_free(struct cg_inventory *inv);

/* Finds the device or creates it (evicting the least recently seen one at
 * the limit); moves it to the most-recent end. ret_new tells which. */
struct cg_inv_device *inventory_touch(struct cg_inventory *inv, const uint8_t mac[6],
				      int64_t now, bool *ret_new);
struct cg_inv_device *inventory_find(const struct cg_inventory *inv, const uint8_t mac[6]);

/* Remembers an address (most recent first, bounded). Returns true if new. */
bool inventory_add_addr(struct cg_inventory *inv, struct cg_inv_device *d, uint8_t family,
			const uint8_t *addr);
/* The device that uses the address (4 or 16 bytes by family), the most
 * recent to report it when two did; NULL if none. Constant time (a hash on
 * the addresses of every device). */
struct cg_inv_device *inventory_find_addr(const struct cg_inventory *inv, uint8_t family,
					  const uint8_t *addr);
void inventory_add_blocked(struct cg_inv_device *d, const struct cg_inv_blocked *b);
/* Puts the device under another policy (moves.c); marks the inventory for saving. */
void inventory_set_policy(struct cg_inventory *inv, struct cg_inv_device *d, const char *policy);

/* Records one announcement; true if a fact changed value. */
bool inventory_add_discovery(struct cg_inventory *inv, struct cg_inv_device *d,
			     const struct cg_disc_info *info, int64_t now);
/* Counts a discovery_parse_frame() result (0, -ENOMSG, other) for status. */
void inventory_count_discovery(struct cg_inventory *inv, int parse_rc);
struct cg_inv_disc_stats {
	uint64_t parsed, ignored, malformed;
};
void inventory_discovery_stats(const struct cg_inventory *inv, struct cg_inv_disc_stats *ret);
/* The announced manufacturer names another brand than the MAC's vendor. */
bool inventory_mismatch(const struct cg_inv_device *d);

size_t inventory_count(const struct cg_inventory *inv);
uint64_t inventory_evicted(const struct cg_inventory *inv);
bool inventory_dirty(const struct cg_inventory *inv);

/* Iteration in least- to most-recently-seen order. */
struct cg_inv_device *inventory_first(const struct cg_inventory *inv);
struct cg_inv_device *inventory_next(const struct cg_inventory *inv, const struct cg_inv_device *d);

json_object *inventory_device_to_json(const struct cg_inv_device *d);
int inventory_save(struct cg_inventory *inv, const char *path);
/* -ENOENT when there is no file yet; -EINVAL for a file we cannot read. */
int inventory_load(struct cg_inventory *inv, const char *path);

void format_time(int64_t t, char *buf, size_t len);

#endif
