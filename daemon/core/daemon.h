/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * daemon.h — camguardd's state and its event loop.
 *
 * One thread, one epoll set. Every source (signals, timer, ring buffer,
 * rtnetlink, control socket and its clients) registers a cg_watch; the loop
 * calls the watch's handler. Nothing blocks: the data plane enforces on its
 * own, the daemon only feeds it policy and reads what it counted.
 */
#ifndef CAMGUARD_DAEMON_H
#define CAMGUARD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "attach.h"
#include "dataplane.h"
#include "model.h"

struct cg_daemon;
struct cg_watch;

typedef void (*cg_watch_fn)(struct cg_daemon *d, struct cg_watch *w, uint32_t events);

struct cg_watch {
	int fd;
	cg_watch_fn fn;
	void *data;
};

int daemon_watch_add(struct cg_daemon *d, struct cg_watch *w, uint32_t events);
int daemon_watch_mod(struct cg_daemon *d, struct cg_watch *w, uint32_t events);
void daemon_watch_del(struct cg_daemon *d, struct cg_watch *w);

/* One configured camera interface and where the programs sit on it. */
struct cg_iface {
	char name[16];
	uint8_t mode;              /* CG_IFMODE_* */
	int ifindex;               /* 0 while the interface is missing */
	bool attached[CG_HOOK_MAX];
	uint64_t attaches;         /* times (re-)attached */
	char error[160];           /* last attach problem, "" if none */
};

struct cg_reload_result {
	bool ok;
	time_t when;
	char message[512];         /* first error, or a summary */
	uint32_t generation;
};

/* What a tamper event restored (camguard_tamper_events_total{kind}). */
enum cg_tamper_kind {
	CG_TAMPER_HOOK = 0,      /* a filter was removed from an interface */
	CG_TAMPER_PIN,           /* pinned maps were removed */
	CG_TAMPER_NFTABLES,      /* table inet camguard was flushed, deleted or changed */
	CG_TAMPER_MAX
};

struct cg_daemon {
	char conf_path[CG_PATH_MAX];
	struct cg_model model;     /* the live policy set */
	struct cg_dataplane *dp;
	struct cg_iface *ifaces;
	size_t nifaces;
	struct cg_inventory *inv;
	struct cg_reasm *reasm;    /* fragmented announcements being put back together */
	struct cg_vendor_db *vendors;
	struct cg_control *control;
	struct cg_nft *nft;

	int epfd;
	bool stopping;
	time_t started;
	struct timespec started_mono;

	uint64_t reloads_ok, reloads_failed;
	struct cg_reload_result last_reload;
	uint64_t tamper_events;
	uint64_t tamper_by_kind[CG_TAMPER_MAX];
	char last_tamper[256];
	time_t last_reload_ok;     /* when the enforced policy set was loaded */
	bool nft_up;               /* table inet camguard as last applied (tamper check) */
	uint64_t moves;            /* devices put under another policy (daemon_move_devices) */
	char last_move[256];       /* its log line, "" if none */
	uint64_t events_seen;
	uint64_t drop_samples;
	char files_hash[65];       /* sha256 over every file of the live model */
	char (*file_hashes)[65];   /* each file's sha256, as model.files; "" if unreadable */
	char policy_set_hash[65];  /* the policies.d files only, by base name (filehash_set) */

	struct {                   /* the textfile writer (metrics.c) */
		int pid;           /* the writing child, 0 if none */
		uint64_t due_ms;   /* CLOCK_MONOTONIC of the next write */
		uint64_t written, failed, skipped;
	} metrics;

	struct cg_prefix *protected;  /* the recorder's own addresses (host prefixes) */
	size_t nprotected;

	struct cg_moved_device *moved;  /* devices advisories moved (model.moved points here) */
	size_t nmoved;
	/* Active discovery (probe.h): the last probe, the devices that had a
	 * model when it started, its sockets (closed CG_PROBE_LINGER_MS later). */
	int64_t probe_started;     /* unix seconds; 0 = never probed */
	uint64_t probes;           /* probe rounds sent */
	uint8_t (*probe_known)[6];
	size_t nprobe_known;
	int *probe_fds;
	size_t nprobe_fds;
	uint64_t probe_close_ms;
	uint64_t next_probe_ms;
};

#define CG_PROBE_LINGER_MS 10000

struct json_object;

/* Sends a probe round on iface (NULL: every camera interface), one entry
 * per interface in ifaces_out (when not NULL): {"name","sent","error"}.
 * 0, or -ENODEV when iface is not a camera interface. */
int daemon_probe(struct cg_daemon *d, const char *iface, struct json_object *ifaces_out);

/* The whole daemon: returns the process exit code. */
int daemon_main(const char *conf_path);
/* camguardd --unload: remove everything camguard attached, pinned and added.
 * Refuses while a daemon holds state_dir/camguardd.lock, unless force. */
int daemon_unload(const char *conf_path, bool force);
/* camguardd --mount-bpffs: mount a bpffs at pin_dir's parent when it is not
 * one, in the caller's mount namespace (the unit's ExecStartPre=+). */
int daemon_mount_bpffs(const char *conf_path);

/* Reload from disk. dry_run: validate and compile only, fill ret_changes
 * (a JSON array of devices whose policy would change) when not NULL. When
 * the set is refused and ret_errors is not NULL: {"errors":["FILE:LINE: ..."]
 * (the first CG_RELOAD_ERRORS_MAX), "errors_total":N}. */
#define CG_RELOAD_ERRORS_MAX 50
struct json_object;
int daemon_reload(struct cg_daemon *d, bool dry_run, struct json_object **ret_changes,
		  struct json_object **ret_errors, char *err, size_t errlen);

const char *daemon_policy_name(const struct cg_daemon *d, unsigned id);

/*
 * Puts every inventory device under the policy that c — the compiled form of
 * the live model, already in the data plane — applies to it: the same
 * moves_compute() as reload --dry-run. Each move is logged once with its
 * cause ("reload", "start", ...) and the generation, counted in
 * d->moves, and the inventory is saved at once, so that a crash right after
 * keeps the moved state. Sort c first (compiled_sort_devices).
 * ret_changes (may be NULL): the moves, as `reload` replies them.
 */
struct cg_compiled;
int daemon_move_devices(struct cg_daemon *d, const struct cg_compiled *c, const char *cause,
			struct json_object **ret_changes);

#endif
