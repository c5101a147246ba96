/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * model.h — the in-memory policy model.
 *
 * config.c/policy.c parse camguard.conf and policies.d/ into these structs
 * (load.c drives a whole load); compile.c turns them into data-plane
 * entries; the daemon, camguardd --check and the tests all share them. Plain arrays with counts: the model is built
 * once per load, read many times and freed as a whole by model_free().
 */
#ifndef CAMGUARD_MODEL_H
#define CAMGUARD_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "addr.h"
#include "camguard.h"
#include "names.h"
#include "version.h"

#define CG_NAME_MAX 64
#define CG_PATH_MAX 4096

/* Where a value came from, for error messages and --check. */
struct cg_origin {
	const char *file;   /* points into cg_model.files[] */
	int line;
};

struct cg_port_range {
	uint16_t lo, hi;
};

#define CG_RULE_MAX_RANGES 32

/* Limits of the files themselves (the data-plane limits are in camguard.h).
 * Added for issue 9; checked by policy.c/config.c before anything is applied. */
#define CG_MAX_IFACES          64     /* interfaces in camguard.conf           */
#define CG_MAX_ENCLAVE         1024   /* enclave prefixes                      */
#define CG_MAX_POLICY_RULES    256    /* allow rules in one policy             */
#define CG_MAX_POLICY_VENDORS  64     /* vendor names in one policy            */
#define CG_MAX_DENY_LISTS      64     /* deny list files in one policy         */
#define CG_MAX_DENY_PREFIXES   CG_MAX_PEERS /* prefixes over all deny lists    */
#define CG_NOTE_MAX            128    /* sizeof(note), including the NUL       */
#define CG_MAX_DEV_STATS       (1u << 24) /* upper bound of max_devices        */
#define CG_MAX_FLOWS           (1u << 24) /* upper bound of evidence.max_flows */
#define CG_MAX_POLICY_LABELS   8      /* labels = { ... } of one policy (issue 17) */
#define CG_LABEL_KEY_MAX       32     /* sizeof(key), including the NUL        */
#define CG_LABEL_VALUE_MAX     64     /* sizeof(value), including the NUL      */
#define CG_METRICS_INTERVAL_DEFAULT    30    /* seconds between textfile writes */
#define CG_METRICS_MAX_DEVICES_DEFAULT 4096  /* per-device series in the exposition */

/* One entry of a policy's allow list. */
struct cg_rule_spec {
	uint8_t kind;            /* CG_RULE_TO or CG_RULE_FROM */
	bool enclave;            /* to = "enclave": the prefix list is the enclave */
	struct cg_prefix prefix; /* unused when enclave */
	uint8_t proto;           /* 0 any, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP */
	size_t nranges;          /* 0: no port constraint */
	struct cg_port_range ranges[CG_RULE_MAX_RANGES];
	char note[128];
	struct cg_origin origin;
};

struct cg_oui_spec {
	uint8_t bytes[5];        /* most significant first; bits beyond len are 0 */
	uint8_t bits;            /* 24, 28 or 36 */
	char source[CG_NAME_MAX];/* "policy" or the registry organisation name */
	int vendor;              /* index into vendors[] it came from, -1 explicit */
	struct cg_origin origin;
};

struct cg_device_spec {
	uint8_t mac[6];
	char *note;              /* NULL when the file gives none: 100,000 devices rarely have notes */
	struct cg_origin origin;
};

/* A Prometheus label of a policy, exported on its devices' series
 * (labels = { risk = "high"; }): the key is a label name that no camguard
 * series uses itself. */
struct cg_label {
	char key[CG_LABEL_KEY_MAX];
	char value[CG_LABEL_VALUE_MAX];
};

struct cg_policy_spec {
	char name[CG_NAME_MAX];
	uint8_t action;          /* enum cg_action */
	uint16_t id;             /* stable id, assigned by model_assign_ids() */

	char **vendors;          /* registry organisation name prefixes */
	size_t nvendors;
	struct cg_origin *vendor_origins; /* parallel to vendors[] (issue 9) */
	struct cg_oui_spec *ouis;   /* explicit prefixes plus those the vendors resolved to */
	size_t nouis;
	struct cg_device_spec *devices;
	size_t ndevices;
	struct cg_rule_spec *rules;
	size_t nrules;
	char **deny_lists;       /* file names as written */
	size_t ndeny_lists;
	struct cg_prefix *deny;  /* the prefixes read from those files */
	size_t ndeny;
	struct cg_origin *deny_origins; /* parallel to deny[]: deny-list file and line */
	struct cg_label labels[CG_MAX_POLICY_LABELS];
	size_t nlabels;

	/* match.advisory / match.vulnerable (issue 18): devices the advisories
	 * find affected (exact or likely) are moved here while they are. */
	char **advisories;       /* CVE ids */
	size_t nadvisories;
	struct cg_origin *advisory_origins;
	bool vulnerable;
	struct cg_origin vulnerable_origin;

	struct cg_origin origin; /* the policy file */
};

#define CG_IFMODE_TC  0
#define CG_IFMODE_XDP 1

struct cg_iface_spec {
	char name[16];           /* IFNAMSIZ */
	uint8_t mode;            /* CG_IFMODE_* */
	struct cg_origin origin;
};

#define CG_ON_EXIT_KEEP   0
#define CG_ON_EXIT_UNLOAD 1

/* camguard.conf */
struct cg_config {
	char path[CG_PATH_MAX];
	struct cg_iface_spec *ifaces;
	size_t nifaces;
	struct cg_prefix *enclave;
	size_t nenclave;
	char default_policy[CG_NAME_MAX];
	int default_policy_line;          /* 0 when defaulted */
	char policy_dir[CG_PATH_MAX];
	bool nftables;
	uint8_t on_exit;
	char control_socket[CG_PATH_MAX];
	char control_group[CG_NAME_MAX];
	char pin_dir[CG_PATH_MAX];
	char state_dir[CG_PATH_MAX];
	char oui_registry[CG_PATH_MAX];   /* directory with oui.csv, mam.csv, oui36.csv */
	uint32_t max_devices;             /* LRU device counter entries */
	char metrics_textfile[CG_PATH_MAX]; /* "": no textfile is written */
	uint32_t metrics_interval;        /* seconds */
	uint32_t metrics_max_devices;     /* devices with their own series */
	char advisories[CG_PATH_MAX];     /* advisory file; "" = none (advisories.d/ beside it) */
	bool advisories_set;              /* given in camguard.conf: a missing file is an error */
	uint32_t probe_interval_s;        /* discovery.probe_interval; 0 = off */
	uint32_t evidence_max_flows;      /* evidence.max_flows: cg_flows rows */
	uint8_t enforce;                  /* enum cg_enforce (names.h) */
};

/* The action a policy written with `action` takes under c->enforce:
 * "monitor" turns isolate into monitor, allow and monitor stay as they are.
 * plan.c hands this to both layers; the printers show it. */
static inline uint8_t model_policy_action(const struct cg_config *c, uint8_t action)
{
	return c->enforce == CG_ENFORCE_MONITOR && action == CG_ACTION_ISOLATE ? CG_ACTION_MONITOR
									      : action;
}

/* A device the advisories move into a policy (match.advisory or
 * match.vulnerable): compiled as an exact-MAC entry of that policy. */
struct cg_moved_device {
	uint8_t mac[6];
	uint16_t policy;         /* index into cg_model.policies */
	int advisory;            /* index into cg_model.advisories that selected it */
	uint8_t confidence;      /* enum cg_adv_confidence */
};

#define CG_CVE_MAX 24             /* "CVE-2021-36260" and room for 7-digit ids */

/* One advisory entry (advisory.h says what the keys mean and how a device
 * matches); parsed by advisory.c, owned and freed by the model. */
struct cg_advisory {
	char cve[CG_CVE_MAX];
	char vendor[64];
	char **models;             /* globs; none: any model of the vendor (at most likely) */
	size_t nmodels;
	bool has_from, has_to, has_before;
	struct cg_version from, to, before;
	uint32_t built_from, built_before;   /* YYYYMMDD, 0 = not given */
	char range[160];           /* the affected range as written, for people */
	char fixed[128];
	uint8_t severity;          /* enum cg_adv_severity */
	bool kev;                  /* on CISA's Known Exploited Vulnerabilities list */
	char source_id[64];
	char source_url[256];
	char note[CG_NOTE_MAX];
	struct cg_origin origin;
};

/* A whole load: the config, every policy, and the default policy's index. */
struct cg_model {
	struct cg_config config;
	struct cg_policy_spec *policies;
	size_t npolicies;
	size_t default_index;

	char **files;            /* every file read, for origins and status hashes */
	size_t nfiles;
	char registry_used[CG_PATH_MAX];  /* the ieee-data directory actually read */
	char registry_date[32];           /* its files' modification date, ISO 8601 */
	bool registry_read;               /* some policy named vendors: the files were parsed */
	size_t registry_entries;          /* assignments read from them */

	/* Not from a file: the recorder's own addresses, filled by the daemon
	 * before compiling. A camera that sends from one of them, or claims
	 * one in ARP, is spoofing. Owned by the daemon, not freed here. */
	const struct cg_prefix *protected;
	size_t nprotected;

	struct cg_advisory *advisories;   /* advisories.conf + advisories.d (advisory.h) */
	size_t nadvisories;
	/* Not from a file: devices moved by advisories (sorted by MAC), filled by
	 * the daemon before compiling. Explicit match.devices entries win.
	 * Owned by the daemon, not freed here. */
	const struct cg_moved_device *moved;
	size_t nmoved;
};

void model_free(struct cg_model *m);
/* The destructors model_free() uses, also for a parser's half-built entry:
 * free what the struct owns and zero it. */
void model_policy_free(struct cg_policy_spec *p);
void model_advisory_free(struct cg_advisory *a);

/* Give each policy a stable id: a name that existed in `previous` keeps its
 * id, new names take the lowest free ids. previous may be NULL. */
int model_assign_ids(struct cg_model *m, const struct cg_model *previous);

/* Index of the policy called name, or -1. */
int model_find_policy(const struct cg_model *m, const char *name);

/* Remember a file name for origins: returns the model's copy (stable for
 * the model's lifetime), NULL on allocation failure. */
const char *model_add_file(struct cg_model *m, const char *path);

/* Grow an array of n elements so that one more fits. Capacity is implicit
 * (powers of two from 8), so only arrays grown solely through this helper
 * may use it. 0 or -ENOMEM. */
int model_array_grow(void **arr, size_t n, size_t elem);

#endif /* CAMGUARD_MODEL_H */
