/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixture.h — the policy set the bpf suite classifies against.
 *
 * Built in C from the model structs (no config parser involved), so the suite
 * tests the compiler and the data plane alone. Two variants: A is the set the
 * table runs against; B differs in a few places so that a generation flip is
 * visible in the counters (see fixture.c for what changes).
 *
 * Enclave: 192.0.2.0/24 and 2001:db8:c::/64 (B adds 203.0.113.128/25).
 */
#ifndef CG_TEST_FIXTURE_H
#define CG_TEST_FIXTURE_H

#include "model.h"

/* Policy ids (stable: the per-policy counters are indexed by them). */
enum {
	P_DEFAULT = 0,  /* isolate; to enclave                         — the default */
	P_HIK     = 1,  /* isolate; MA-L 44:19:b6; NTP, mgmt and range rules; deny lists */
	P_DAHUA   = 2,  /* monitor; MA-L 3c:ef:8c (+ 46:19:b6, never matched: LAA) */
	P_AXIS    = 3,  /* allow;   MA-L 00:40:8c; deny list (B: isolate)  */
	P_MAM     = 4,  /* isolate; MA-M 44:19:b6:5                        */
	P_MAS     = 5,  /* isolate; MA-S 44:19:b6:55:5                     */
	P_PIN     = 6,  /* allow;   exact MACs (B: 44:19:b6:00:00:42 removed) */
	P_NOENC   = 7,  /* isolate; exact MAC, no enclave rule             */
	P_COUNT
};

/* Camera MACs (real vendor OUIs). */
#define HIK     "44:19:b6:00:00:01"   /* P_HIK by MA-L */
#define HIK2    "44:19:b6:12:00:01"   /* P_HIK by MA-L */
#define HIK3    "44:19:b6:00:00:03"   /* P_HIK, used by the flip tests */
#define MAM     "44:19:b6:5a:00:01"   /* P_MAM: MA-M beats MA-L */
#define MAM2    "44:19:b6:55:6f:01"   /* P_MAM: inside MA-M, outside MA-S */
#define MAS     "44:19:b6:55:5f:01"   /* P_MAS: MA-S beats MA-M */
#define PIN     "44:19:b6:55:5f:99"   /* P_PIN: exact MAC beats MA-S */
#define PIN2    "44:19:b6:00:00:42"   /* P_PIN in A, P_HIK (OUI) in B */
#define NOENC   "44:19:b6:00:00:77"   /* P_NOENC */
#define DAH     "3c:ef:8c:00:00:01"   /* P_DAHUA */
#define AXIS    "00:40:8c:00:00:01"   /* P_AXIS */
#define UNK     "00:11:22:33:44:55"   /* no entry: default policy */
#define LAA     "46:19:b6:00:00:01"   /* locally administered: default, never 46:19:b6 */
#define REC     "02:00:00:00:00:fe"   /* the recorder's port (frame default) */

/* Addresses. */
#define CAM4     "192.0.2.50"
#define REC4     "192.0.2.1"
#define OUT4     "203.0.113.5"
#define NTP4     "198.51.100.10"      /* P_HIK: to udp/123 */
#define MGMT4    "203.0.113.7"        /* P_HIK: from tcp/443 */
#define RNG4     "198.51.100.40"      /* P_HIK: to 198.51.100.32/27 tcp/8000-8010 */
#define HOST4    "198.51.100.77"      /* P_HIK: to udp, no ports (address level) */
#define DENY4    "198.51.100.66"      /* deny list of P_HIK, P_DAHUA, P_AXIS */
#define DENYENC4 "192.0.2.250"        /* P_HIK deny list, inside the enclave */
#define CLOUD4   "203.0.113.99"       /* B: P_HIK to tcp/8666 */
#define B_ENC4   "203.0.113.200"      /* enclave in B only */
#define CAM6     "2001:db8:c::50"
#define REC6     "2001:db8:c::1"
#define OUT6     "2001:db8:ffff::5"
#define NTP6     "2001:db8:5::123"    /* P_HIK: to udp/123 */
#define DENY6    "2001:db8:bad::1"    /* P_HIK deny 2001:db8:bad::/48 */
#define LL6      "fe80::4619:b6ff:fe00:1"
#define LLR6     "fe80::1"

/* Fills m with variant 'A' or 'B'. The model points into static storage:
 * call again to rebuild, never model_free() it. */
void fixture_model(struct cg_model *m, char variant);

#endif
