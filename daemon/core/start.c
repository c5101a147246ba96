// SPDX-License-Identifier: GPL-2.0-only
/*
 * start.c — the start sequence's steps (start.h). Each logs its own
 * failure with what it was doing, so daemon_main() only stops.
 *
 * Two threads beside the main one, each begun and waited for here: the BPF
 * object's load (start_bpf -> start_apply) and, once the policy is compiled,
 * table inet camguard's programming (start_compile -> start_nftables).
 * Their results are logged after the join, in the order the steps had when
 * they ran one after the other; the table's thread logs nothing, libbpf's
 * messages from the BPF thread go through log.c (one fprintf per line:
 * stdio locks the stream, lines do not mix).
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "array.h"
#include "bpffs.h"
#include "cleanup.h"
#include "dnsfeed.h"
#include "evidence.h"
#include "dataplane.h"
#include "diag.h"
#include "hostaddr.h"
#include "inventory.h"
#include "load.h"
#include "log.h"
#include "nft.h"
#include "reasm.h"
#include "registry.h"
#include "reload.h"
#include "start.h"
#include "state.h"
#include "vendor.h"

#ifndef CAMGUARD_DATADIR
#define CAMGUARD_DATADIR "/usr/share/camguard"
#endif

#define INVENTORY_LIMIT 65536

/* Milliseconds on the monotonic clock: each step logs what it took at debug
 * level ("start: ... ms"), which is what `tools/bench start` reads to split
 * the start time (issue 19). */
static double start_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int start_load(struct cg_daemon *d)
{
	struct cg_diag diag;
	double t0 = start_ms();
	int rc;

	diag_init(&diag);
	rc = model_load(d->conf_path, &d->model, &diag);
	diag_print(&diag, stderr);
	diag_free(&diag);
	if (rc) {
		log_err("Failed to load %s: the configuration is invalid (see above)", d->conf_path);
		return rc;
	}
	log_debug("start: configuration loaded in %.1f ms", start_ms() - t0);
	return 0;
}

/* Two daemons would replace each other's filters forever. The lock is taken
 * before anything touches the kernel. */
int start_lock(struct cg_daemon *d)
{
	const struct cg_config *c = &d->model.config;
	char path[CG_PATH_MAX + 32];
	int rc = bpffs_mkdir_p(c->state_dir, 0750);
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

int start_inventory(struct cg_daemon *d)
{
	char path[CG_PATH_MAX + 32], csv[CG_PATH_MAX], regdir[CG_PATH_MAX], regdate[32];
	double t0 = start_ms();
	int rc = inventory_new(INVENTORY_LIMIT, &d->inv);

	if (!rc && !(d->reasm = reasm_new()))
		rc = -ENOMEM;
	if (!rc && (rc = dnsfeed_open(d)))
		return rc;
	if (rc) {
		log_err("Failed to start the inventory: %s", strerror(-rc));
		return rc;
	}
	snprintf(path, sizeof(path), "%s/inventory.json", d->model.config.state_dir);
	rc = inventory_load(d->inv, path);
	if (rc == -EINVAL)
		log_warning("Ignoring unreadable inventory %s", path);
	else if (rc == 0)
		log_info("Inventory: %zu devices from %s", inventory_count(d->inv), path);

	bool have_reg = registry_locate(d->model.config.oui_registry, regdir, sizeof(regdir),
					regdate, sizeof(regdate)) == 0;
	snprintf(csv, sizeof(csv), "%s/camera-ouis.csv", CAMGUARD_DATADIR);
	if (access(csv, R_OK) != 0)
		snprintf(csv, sizeof(csv), "%s/policies/camera-ouis.csv", CAMGUARD_SOURCE_DIR);
	rc = vendor_db_load(have_reg ? regdir : NULL, csv, &d->vendors);
	if (rc)
		log_err("Failed to start the inventory: %s", strerror(-rc));
	log_debug("start: inventory and vendor names in %.1f ms", start_ms() - t0);
	return rc;
}

int start_evidence(struct cg_daemon *d)
{
	int rc = evidence_open(d->model.config.state_dir, d->model.config.evidence_max_flows,
			       &d->evidence);

	if (rc == -ENOMEM) {
		log_err("Failed to start the flow evidence: %s", strerror(-rc));
		return rc;
	}
	if (rc)
		log_warning("Ignoring unreadable flow evidence in %s: %s", d->model.config.state_dir,
			    strerror(-rc));
	return 0;
}

/* The pin directory on a bpffs and the state directory. */
static int start_dirs(const struct cg_config *c)
{
	int rc = bpffs_ensure(c->pin_dir);

	if (rc < 0) {
		log_err("Failed to prepare the BPF pin directory %s: %s", c->pin_dir, strerror(-rc));
		return rc;
	}
	/* Under the unit, ExecStartPre=+camguardd --mount-bpffs has mounted it
	 * where the host sees it; this one is only as visible as our mount
	 * namespace (a shell's when started by hand). */
	if (rc > 0)
		log_notice("Mounted a bpffs for %s", c->pin_dir);
	rc = bpffs_mkdir_p(c->state_dir, 0750);
	if (rc)
		log_err("Failed to create the state directory %s: %s", c->state_dir, strerror(-rc));
	return rc;
}

/*
 * The data plane reports a (device, address) pair once: cg_addr_seen marks
 * it after the event was queued. When the inventory that learned those
 * addresses is gone (inventory.json deleted or unreadable) while the pins
 * survived, the marks would keep every known address from ever being sent
 * again: forget them all. The new generation written next empties every
 * device's address cache, so the next frame from each address reports it.
 */
static int start_forget_addresses(struct cg_dataplane *dp)
{
	int fd = dataplane_map_fd(dp, "cg_addr_seen");
	struct cg_addr_key *keys = NULL, k;
	size_t n = 0, cap = 0, deleted = 0;
	const void *prev = NULL;
	int rc = 0;

	if (fd < 0)
		return fd;
	/* Keys first, then the deletes: deleting under a get_next_key walk
	 * would restart it from the first bucket every time. */
	/* bounded: an eviction under the walk restarts it (the LRU is written
	 * by the data plane meanwhile) */
	while (n < 2 * (size_t)CG_ADDR_SEEN_ENTRIES && bpf_map_get_next_key(fd, prev, &k) == 0) {
		if (!CG_GROW(keys, cap, n + 1)) {
			rc = -ENOMEM;
			break;
		}
		keys[n++] = k;
		prev = &keys[n - 1];
	}
	for (size_t i = 0; i < n; i++)
		deleted += bpf_map_delete_elem(fd, &keys[i]) == 0;
	free(keys);
	if (!rc && deleted)
		log_info("Inventory empty: %zu reported device addresses will be reported again", deleted);
	return rc;
}

/*
 * The BPF object's load (maps created or adopted, programs verified) is
 * most of the start and needs nothing from the inventory or the compiled
 * policy: it runs in a thread of its own while the main thread compiles,
 * reads the inventory and fills the inner maps (start_compile,
 * start_inventory, start_dataplane), which takes it in start_apply.
 * Nothing is attached or written before that, so the order start.h
 * describes holds. One start per process: a static.
 */
static struct {
	struct cg_dataplane_opts opts;
	struct cg_dataplane *dp;
	pthread_t thread;
	bool threaded;
	int rc;
	double ms;
} bpf_load;

static void *bpf_load_run(void *arg)
{
	double t0 = start_ms();

	(void)arg;
	bpf_load.rc = dataplane_load(&bpf_load.opts, &bpf_load.dp);
	bpf_load.ms = start_ms() - t0;
	return NULL;
}

int start_bpf(struct cg_daemon *d)
{
	const struct cg_config *c = &d->model.config;
	int rc = start_dirs(c);

	if (rc)
		return rc;
	bpf_load.opts = (struct cg_dataplane_opts){ .pin_dir = c->pin_dir,
						    .max_devices = c->max_devices,
						    .max_flows = c->evidence_max_flows,
						    .skip_xdp = true };
	/* Interfaces are read once, at start (start_ifaces): a reload never
	 * adds an XDP one, so an unused cg_xdp is not even verified. */
	for (size_t i = 0; i < c->nifaces; i++)
		if (c->ifaces[i].mode == CG_IFMODE_XDP)
			bpf_load.opts.skip_xdp = false;
	rc = pthread_create(&bpf_load.thread, NULL, bpf_load_run, NULL);
	bpf_load.threaded = rc == 0;
	if (rc)   /* start_apply loads it in line */
		log_debug("start: no thread for the BPF load (%s)", strerror(rc));
	return 0;
}

void start_bpf_abort(void)
{
	if (!bpf_load.threaded)
		return;
	pthread_join(bpf_load.thread, NULL);
	bpf_load.threaded = false;
	dataplane_free(TAKE_PTR(bpf_load.dp));
}

/* The start's compiled policy: its plan programs nftables too
 * (start_nftables), which then frees it. */
static struct cg_compiled start_comp;
static bool have_start_comp;

/*
 * Building and sending table inet camguard's batch (~0.7 s at 100,000
 * devices) needs only the compiled plan: it runs in a thread of its own,
 * begun as soon as the policy is compiled (start_compile), while the main
 * thread reads the inventory, fills the inner maps and waits for the BPF
 * load. Until the join:
 * - the plan (start_comp.plan) and the model it borrows from are read-only:
 *   after the thread begins, the main thread only reads them (start_inventory
 *   reads the configuration; dataplane_inner_prepare, dataplane_apply_inner,
 *   reload_reset_reassigned, state_move_devices and reload_ids_save take
 *   them const; the device sort is done before), and start_comp is freed
 *   only after the join;
 * - libnftnl/libmnl and nft/ (which keeps statics: chains.c's order_plan,
 *   sets.c's setid) are used by this thread only: d->nft is set at the join;
 * - the thread logs nothing (its error text waits in err).
 * The NFLOG group is bound before (daemon.c, daemon_nflog), so that the
 * new table's first drop is read.
 *
 * The table may thus be replaced before the BPF generation flips, and stays
 * when the start then fails (the BPF load, the maps): as when a start fails
 * today after the table, or when a daemon stops with on_exit = "keep", the
 * table keeps enforcing a complete policy set (the new one, already checked
 * by the compile) and the BPF side keeps what it had; the next start or
 * camguardd --unload replaces or removes both. Every failure waits for the
 * thread first: no thread outlives the start.
 */
static struct {
	const struct cg_plan *plan;
	struct cg_nft *nft;
	pthread_t thread;
	bool begun;      /* start_nft_end() takes the result */
	bool threaded;
	int rc;
	char err[512];
	double ms;
} nft_prog;

static void *nft_prog_run(void *arg)
{
	double t0 = start_ms();

	(void)arg;
	nft_prog.err[0] = 0;
	nft_prog.rc = nft_open(&nft_prog.nft);
	if (!nft_prog.rc)
		nft_prog.rc = nft_apply_plan(nft_prog.nft, nft_prog.plan, nft_prog.err,
					     sizeof(nft_prog.err));
	nft_prog.ms = start_ms() - t0;
	return NULL;
}

/* Begins programming the table from plan, when the configuration enables
 * it. Without a thread it is done in line by start_nftables(), after the
 * BPF load, as before the thread. */
static void start_nft_begin(struct cg_daemon *d, const struct cg_plan *plan)
{
	int rc;

	if (!d->model.config.nftables)
		return;
	nft_prog.plan = plan;
	nft_prog.begun = true;
	rc = pthread_create(&nft_prog.thread, NULL, nft_prog_run, NULL);
	nft_prog.threaded = rc == 0;
	if (rc)
		log_debug("start: no thread for nftables (%s)", strerror(rc));
}

/* Takes what start_nft_begin() began: waits for the thread, or programs the
 * table now (inline: only when the start goes on); d->nft, logged. */
static int start_nft_end(struct cg_daemon *d, bool inline_ok)
{
	double t0 = start_ms();
	bool threaded = nft_prog.threaded;

	if (!nft_prog.begun || (!threaded && !inline_ok)) {
		nft_prog.begun = false;
		return 0;
	}
	if (threaded)
		pthread_join(nft_prog.thread, NULL);
	else
		nft_prog_run(NULL);
	nft_prog.begun = nft_prog.threaded = false;
	d->nft = TAKE_PTR(nft_prog.nft);
	if (nft_prog.rc) {
		log_err("Failed to program nftables table inet camguard: %s",
			nft_prog.err[0] ? nft_prog.err : strerror(-nft_prog.rc));
		return nft_prog.rc;
	}
	log_info("nftables table inet camguard programmed");
	log_debug("start: nftables programmed in %.1f ms", nft_prog.ms);
	if (threaded)
		log_debug("start: nftables waited for in %.1f ms", start_ms() - t0);
	return 0;
}

/* Takes the BPF object start_bpf() loads and makes comp live, with its
 * inner maps, filled while the object was verified. */
static int start_apply(struct cg_daemon *d, const struct cg_model *prev, struct cg_compiled *comp,
		       const struct cg_inner_maps *inner)
{
	const struct cg_config *c = &d->model.config;
	double t0 = start_ms();

	if (bpf_load.threaded)
		pthread_join(bpf_load.thread, NULL);
	else
		bpf_load_run(NULL);
	bpf_load.threaded = false;
	int rc = bpf_load.rc;
	d->dp = TAKE_PTR(bpf_load.dp);
	if (rc) {
		log_err("Failed to load the BPF programs (pins in %s): %s", c->pin_dir, strerror(-rc));
		return rc;
	}
	log_debug("start: BPF object loaded and verified in %.1f ms", bpf_load.ms);
	log_debug("start: BPF load waited for in %.1f ms", start_ms() - t0);
	t0 = start_ms();
	if (d->dp->adopted)
		log_info("Adopted pinned state from %s (generation %u)", c->pin_dir, d->dp->gen);
	if (d->dp->adopted && (!d->inv || inventory_count(d->inv) == 0) &&
	    (rc = start_forget_addresses(d->dp)))
		log_warning("Failed to forget the reported addresses: %s", strerror(-rc));
	if (prev)
		reload_reset_reassigned(d->dp, prev, &d->model);
	else if (!d->dp->adopted)
		reload_reset_reassigned(d->dp, NULL, &d->model);
	/* The table is programmed meanwhile, from the same plan (nft_prog):
	 * the two layers are independent; a packet must pass both. */
	rc = dataplane_apply_inner(d->dp, comp, inner);
	if (rc) {
		log_err("Failed to write the policy into the BPF maps: %s", strerror(-rc));
		return rc;
	}
	log_debug("start: policy written into the BPF maps in %.1f ms", start_ms() - t0);
	t0 = start_ms();
	/* The files may have changed while no daemon ran, or it was killed
	 * before it saved the inventory. */
	int mrc = state_move_devices(d, comp, "start", NULL);
	if (mrc)
		log_err("Failed to move devices to their policies: %s", strerror(-mrc));
	log_debug("start: devices checked against their policies in %.1f ms", start_ms() - t0);
	return 0;
}

/* The ids of the policies' previous start (start_compile), kept for
 * start_apply's device resets (start_dataplane). */
static struct cg_model start_prev;
static bool have_start_prev;

static void start_prev_free(void)
{
	if (have_start_prev)
		free(start_prev.policies);
	have_start_prev = false;
}

int start_compile(struct cg_daemon *d)
{
	struct cg_compiled *comp = &start_comp;
	char err[512];

	have_start_prev = reload_ids_load(&d->model.config, &start_prev) == 0;
	int rc = model_assign_ids(&d->model, have_start_prev ? &start_prev : NULL);

	if (rc) {
		log_err("Failed to assign policy ids: %s", strerror(-rc));
		start_prev_free();
		return rc;
	}
	if (hostaddr_refresh(&d->protected, &d->nprotected) < 0)
		log_warning("Failed to read the recorder's addresses: cameras may claim them");
	d->model.protected = d->protected;
	d->model.nprotected = d->nprotected;
	double t0 = start_ms();
	rc = reload_compile(&d->model, comp, err, sizeof(err));
	if (rc) {
		log_err("Failed to compile the policies: %s", err);
		start_prev_free();
		return rc;
	}
	/* Before the table's thread: comp is read-only from then on (the
	 * sort is the one the device moves need). */
	compiled_sort_devices(comp);
	log_debug("start: policies compiled in %.1f ms", start_ms() - t0);
	start_nft_begin(d, &comp->plan);
	return 0;
}

void start_compile_abort(struct cg_daemon *d)
{
	start_nft_end(d, false);   /* the table, when programmed, stays (nft_prog) */
	compiled_free(&start_comp);
	start_prev_free();
}

int start_dataplane(struct cg_daemon *d)
{
	struct cg_compiled *comp = &start_comp;
	struct cg_inner_maps inner;

	/* While the BPF object is still being verified. */
	double t0 = start_ms();
	int rc = dataplane_inner_prepare(comp, &inner);
	if (rc) {
		log_err("Failed to write the policy into the BPF maps: %s", strerror(-rc));
		start_compile_abort(d);
		start_bpf_abort();
		return rc;
	}
	log_debug("start: inner maps filled in %.1f ms", start_ms() - t0);
	rc = start_apply(d, have_start_prev ? &start_prev : NULL, comp, &inner);
	dataplane_inner_close(&inner);
	if (rc) {
		start_compile_abort(d);
		return rc;
	}
	have_start_comp = true;
	reload_ids_save(&d->model);
	start_prev_free();
	return 0;
}

int start_nftables(struct cg_daemon *d)
{
	/* The plan start_dataplane() compiled and made live in BPF (its
	 * programming began there): the model has not changed since (advisory
	 * moves come after the start), so it is not built again. */
	int rc = start_nft_end(d, true);

	if (have_start_comp) {
		compiled_free(&start_comp);
		have_start_comp = false;
		malloc_trim(0);
	}
	return rc;
}

int start_ifaces(struct cg_daemon *d)
{
	double t0 = start_ms();

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
	ifaces_sync(d->ifaces, d->nifaces, d->dp, false, d->counters.last_tamper,
		    sizeof(d->counters.last_tamper));
	for (size_t i = 0; i < d->nifaces; i++)
		if (!d->ifaces[i].ifindex)
			log_warning("Camera interface %s does not exist yet; it will be attached when it appears",
				    d->ifaces[i].name);
	log_debug("start: interfaces attached in %.1f ms", start_ms() - t0);
	return 0;
}
