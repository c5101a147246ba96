// SPDX-License-Identifier: GPL-2.0-only
/*
 * daemon.c — camguardd's top: wires the modules together and owns the
 * process's life.
 *
 *   start.c     the start sequence (load, lock, inventory, data plane
 *               and nftables beside it, interfaces)
 *   reload.c    the reload transaction; this file commits its result into
 *               the state (state.h) and counts it
 *   event.c     the loop; observe.c (ring buffer), tick.c (timer) and the
 *               signal and rtnetlink handlers here are its sources
 *   control.c   the control socket, answering from the command table
 *               (commands.c) over the read-only view built here
 *
 * Stopping with on_exit = "keep" just exits: the filters hold the programs
 * and the pins hold the maps.
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <bpf/libbpf.h>

#include "advmoves.h"
#include "check.h"
#include "cleanup.h"
#include "commands.h"
#include "control.h"
#include "daemon.h"
#include "dnsfeed.h"
#include "evidence.h"
#include "dataplane.h"
#include "hostaddr.h"
#include "inventory.h"
#include "log.h"
#include "nflog.h"
#include "nft.h"
#include "observe.h"
#include "prober.h"
#include "reasm.h"
#include "reload.h"
#include "sdnotify.h"
#include "start.h"
#include "state.h"
#include "tick.h"
#include "vendor.h"

int log_verbose;

/* ---- reload --------------------------------------------------------------- */

/* A refused set, in the log: every problem of the load with file:line, or
 * the compiler's one. */
static void log_refused(const struct cg_reload_report *rep)
{
	char line[CG_DIAG_MSG_MAX + CG_PATH_MAX];

	if (!rep->diag.nerrors) {
		log_err("Reload rejected: %s", rep->message);
		return;
	}
	for (size_t i = 0; i < rep->diag.nentries; i++) {
		diag_format(&rep->diag.entries[i], line, sizeof(line));
		log_err("Reload rejected: %s", line);
	}
}

/* The applied candidate becomes the live set; the inventory follows. */
static void reload_commit(struct cg_daemon *d, struct cg_reload_txn *txn,
			  struct cg_reload_report *rep)
{
	struct cg_moved_device *old_moved = d->moved;
	size_t nold_moved = d->nmoved;

	reload_reset_reassigned(d->dp, &d->model, &txn->model);
	model_free(&d->model);
	d->model = txn->model;
	txn->model = (struct cg_model){};
	d->moved = TAKE_PTR(txn->moved);
	d->nmoved = txn->nmoved;
	for (struct cg_inv_device *dev = d->inv ? inventory_first(d->inv) : NULL; dev;
	     dev = inventory_next(d->inv, dev))
		advmoves_match(d, dev);
	advmoves_log(d, old_moved, nold_moved);
	free(old_moved);
	reload_ids_save(&d->model);
	state_hash_files(d);
	dnsfeed_reload_cloud(d);  /* an error keeps the table before (logged, status) */
	/* Before the reply: from the moment the reload returns, every device
	 * shows the policy the new generation applies to it. */
	int rc = state_move_devices(d, &txn->compiled, "reload", &rep->changes);
	if (rc)
		log_err("Failed to move devices to their new policies: %s", strerror(-rc));
	else
		reload_reasons(&d->model, rep);
}

/* The dry run's flow list: the evidence table brought up to date, decided
 * under the enforced set (its plan built again: the daemon keeps the model,
 * not the plan) and under the candidate. Without it the reply has no list. */
static void preview_flows(struct cg_daemon *d, const struct cg_reload_txn *txn,
			  struct cg_reload_report *rep)
{
	struct cg_plan live;
	int rc;

	if (!d->evidence)
		return;
	if (d->dp && (rc = evidence_sync(d->evidence, d->dp)) < 0)
		log_warning("Failed to read the flow evidence: %s", strerror(-rc));
	rc = plan_build(&d->model, &live);
	if (!rc) {
		rc = reload_flows(&live, &txn->compiled.plan, d->evidence, time(NULL), &rep->flows);
		plan_free(&live);
	}
	if (rc)
		log_warning("Dry run: cannot list the flows it would change: %s", strerror(-rc));
}

/* Reload from disk; dry_run: validate and compile only. 0 or -errno, rep
 * filled either way. */
static int daemon_reload(struct cg_daemon *d, bool dry_run, struct cg_reload_report *rep)
{
	struct cg_reload_target t;
	struct cg_reload_txn txn;
	struct cg_reload_result *last = &d->counters.last_reload;
	bool rolled_back;
	int rc;

	if (!dry_run) {
		sd_notifyf("RELOADING=1\nSTATUS=Reloading policies\n");
		log_info("Reloading %s", d->conf_path);
	}
	state_reload_target(d, &t);
	rc = reload_prepare(&t, &txn, rep);
	if (rc) {
		if (!dry_run)
			log_refused(rep);
		goto fail;
	}
	if (dry_run) {
		reload_preview(&t, &txn, rep);
		preview_flows(d, &txn, rep);
		reload_txn_free(&txn);
		return 0;
	}
	rc = reload_apply(&t, &txn.model, &txn.compiled, &rolled_back, rep->message,
			  sizeof(rep->message));
	if (rc) {
		if (rolled_back)
			log_err("Reload failed in nftables, BPF policy rolled back: %s", rep->message);
		else
			log_err("Reload failed: %s", rep->message);
		goto fail;
	}
	uint8_t enforce_was = d->model.config.enforce;
	reload_commit(d, &txn, rep);
	reload_txn_free(&txn);
	d->counters.reloads_ok++;
	/* The parser's and the old model's memory goes back to the system:
	 * a reload of 100,000 devices must not leave the daemon at its peak. */
	malloc_trim(0);
	*last = (struct cg_reload_result){ .ok = true, .when = time(NULL), .generation = d->dp->gen };
	d->counters.last_reload_ok = last->when;
	snprintf(last->message, sizeof(last->message), "%zu policies, generation %u",
		 d->model.npolicies, d->dp->gen);
	reload_enforce_note(enforce_was, d->model.config.enforce, "changed", last->message,
			    sizeof(last->message));
	snprintf(rep->message, sizeof(rep->message), "%s", last->message);
	log_info("Reloaded: %s", last->message);
	state_notify(d);
	return 0;

fail:
	reload_txn_free(&txn);
	if (dry_run)
		return rc ? rc : -EINVAL;
	d->counters.reloads_failed++;
	*last = (struct cg_reload_result){ .ok = false, .when = time(NULL), .generation = d->dp->gen };
	snprintf(last->message, sizeof(last->message), "%s", rep->message);
	sd_notifyf("READY=1\nSTATUS=Reload failed, still enforcing generation %u\n", d->dp->gen);
	return rc ? rc : -EINVAL;
}

/* ---- the view the commands read ------------------------------------------------ */

static uint32_t view_generation(void *ctx)
{
	const struct cg_daemon *d = ctx;
	return d->dp ? d->dp->gen : 0;
}

static int view_policy_stats(void *ctx, struct cg_counter out[CG_POLSTAT_ENTRIES])
{
	const struct cg_daemon *d = ctx;
	return dataplane_read_policy_stats(d->dp, out);
}

static int view_foreach_device(void *ctx, cg_view_device_fn fn, void *arg)
{
	const struct cg_daemon *d = ctx;
	return dataplane_foreach_device(d->dp, fn, arg);
}

static int view_misc(void *ctx, uint64_t out[CG_MISC_MAX])
{
	const struct cg_daemon *d = ctx;
	return dataplane_read_misc(d->dp, out);
}

static const struct cg_evidence *view_evidence(void *ctx)
{
	struct cg_daemon *d = ctx;
	int rc;

	if (!d->evidence)
		return NULL;
	/* A failed read leaves the table as of the last sync: still exact for
	 * what it holds, only older. */
	if (d->dp && (rc = evidence_sync(d->evidence, d->dp)) < 0)
		log_warning("Failed to read the flow evidence: %s", strerror(-rc));
	state_sync_nflog(d);
	return d->evidence;
}

static int view_policy_would(void *ctx, struct cg_counter out[CG_POLSTAT_ENTRIES])
{
	const struct cg_daemon *d = ctx;
	return evidence_read_policy_would(d->dp, out);
}

static void view_reasm_stats(void *ctx, struct cg_reasm_stats *ret)
{
	struct cg_daemon *d = ctx;

	if (!d->reasm)
		return;
	reasm_expire(d->reasm, state_mono_ms());
	reasm_stats(d->reasm, ret);
}

static void view_dns(void *ctx, struct cg_view_dns *ret)
{
	struct cg_daemon *d = ctx;
	dnsfeed_view(d->dns, ret);
}

static int view_nft_status(void *ctx, struct cg_nft_status *ret)
{
	struct cg_daemon *d = ctx;
	return nft_status(d->nft, ret);
}

static int view_reload(void *ctx, bool dry_run, struct cg_reload_report *ret)
{
	return daemon_reload(ctx, dry_run, ret);
}

static int view_probe(void *ctx, const char *iface, struct cg_probe_iface *ret, size_t max,
		      size_t *ret_n)
{
	return prober_send(ctx, iface, ret, max, ret_n);
}

static const struct cg_view_ops view_ops = {
	.generation = view_generation,
	.read_policy_stats = view_policy_stats,
	.foreach_device = view_foreach_device,
	.read_misc = view_misc,
	.evidence = view_evidence,
	.read_policy_would = view_policy_would,
	.reasm_stats = view_reasm_stats,
	.dns = view_dns,
	.nft_status = view_nft_status,
	.reload = view_reload,
	.probe = view_probe,
};

/* Once the daemon has started: every pointer stays valid until it stops. */
static void view_init(struct cg_daemon *d)
{
	d->view = (struct cg_view){
		.ops = &view_ops,
		.ctx = d,
		.conf_path = d->conf_path,
		.started = d->started,
		.started_mono = d->started_mono,
		.nftables = d->nft != NULL,
		.model = &d->model,
		.inv = d->inv,
		.ifaces = d->ifaces,
		.nifaces = d->nifaces,
		.counters = &d->counters,
		.hashes = &d->hashes,
		.probe = &d->probe,
		.metrics = &d->metrics,
	};
}

/* ---- signals and netlink ------------------------------------------------ */

static void on_signal(struct cg_watch *w, uint32_t events)
{
	struct cg_daemon *d = w->data;
	struct signalfd_siginfo si;

	while (read(w->fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP: {
			_cleanup_(reload_report_free) struct cg_reload_report rep;
			reload_report_init(&rep);
			daemon_reload(d, false, &rep);
			break;
		}
		case SIGTERM:
		case SIGINT:
			log_info("Stopping (signal %u)", si.ssi_signo);
			d->stopping = true;
			break;
		}
	}
}

/* The recorder's addresses changed: the live model, compiled again and
 * applied to both layers (BPF's CG_PEER_PROTECTED, nftables' protected4/6).
 * Like any nftables apply this empties the learned address sets. */
static void reapply_protected(struct cg_daemon *d)
{
	struct cg_reload_target t;
	struct cg_compiled c;
	bool rolled_back;
	char err[512];

	d->model.protected = d->protected;
	d->model.nprotected = d->nprotected;
	int rc = reload_compile(&d->model, &c, err, sizeof(err));
	if (!rc) {
		state_reload_target(d, &t);
		rc = reload_apply(&t, &d->model, &c, &rolled_back, err, sizeof(err));
		compiled_free(&c);
	}
	if (rc) {
		log_err("Failed to update the recorder's protected addresses: %s", err);
		return;
	}
	log_info("Recorder addresses changed: %zu protected, generation %u", d->nprotected,
		 d->dp->gen);
	state_notify(d);
}

static void on_netlink(struct cg_watch *w, uint32_t events)
{
	struct cg_daemon *d = w->data;
	char buf[8192];

	/* Any link or address event may be ours: drain, then resync (cheap
	 * when nothing changed). */
	while (recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	ifaces_sync(d->ifaces, d->nifaces, d->dp, false, d->counters.last_tamper,
		    sizeof(d->counters.last_tamper));
	if (hostaddr_refresh(&d->protected, &d->nprotected) > 0)
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

static struct cg_daemon *daemon_new(const char *conf_path)
{
	struct cg_daemon *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	snprintf(d->conf_path, sizeof(d->conf_path), "%s", conf_path);
	d->started = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &d->started_mono);
	d->sig_watch.fd = d->timer_watch.fd = d->nl_watch.fd = -1;
	return d;
}

static void daemon_free(struct cg_daemon *d)
{
	control_close(d->control);
	ring_buffer__free(d->ringbuf);
	nflog_close(d->nflog);
	nft_close(d->nft);
	inventory_free(d->inv);
	evidence_free(d->evidence);
	reasm_free(d->reasm);
	dnsfeed_free(d->dns);
	prober_close(d);
	free(d->probe.fds);
	free(d->probe.known);
	vendor_db_free(d->vendors);
	dataplane_free(d->dp);
	free(d->ifaces);
	free(d->protected);
	free(d->moved);
	free(d->hashes.each);
	model_free(&d->model);
	closep(&d->sig_watch.fd);
	closep(&d->timer_watch.fd);
	closep(&d->nl_watch.fd);
	event_loop_free(d->loop);
	free(d);
}
CG_DEFINE_CLEANUP(struct cg_daemon, daemon_free)

/* ---- the nftables layer's drops (NFLOG, inventory/nflog.c) ------------------ */

static int policy_id_of(const struct cg_daemon *d, const char *name)
{
	for (size_t i = 0; i < d->model.npolicies; i++)
		if (!strcmp(d->model.policies[i].name, name))
			return d->model.policies[i].id;
	return -ENOENT;
}

static int nflog_policy_id(void *ctx, const char *name)
{
	return policy_id_of(ctx, name);
}

/* The inventory's address index (nflog.c caches the answer for seconds):
 * an inbound drop's camera address is the sender's choice, so a scan of the
 * enclave's addresses must not cost a walk over every device per drop. */
static int nflog_device_of(void *ctx, uint8_t family, const uint8_t *addr, uint8_t mac[6], int *policy)
{
	const struct cg_daemon *d = ctx;
	const struct cg_inv_device *dev = inventory_find_addr(d->inv, family, addr);

	if (!dev)
		return -ENOENT;
	memcpy(mac, dev->mac, 6);
	*policy = policy_id_of(d, dev->policy);
	return 0;
}

static void on_nflog(struct cg_watch *w, uint32_t events)
{
	struct cg_daemon *d = w->data;
	int rc = nflog_read(d->nflog);

	(void)events;
	if (rc < 0)
		log_warning("Failed to read the nftables drop log: %s", strerror(-rc));
}

/* Bound before the table is programmed (which start_compile() begins, in
 * a thread, as soon as the policy is compiled), so that no drop of this run
 * goes unread: the socket queues them until the loop reads it. Without it
 * the table still enforces; `blocked` then lacks its drops, which `status`
 * and `blocked` show as unlogged. */
static void daemon_nflog(struct cg_daemon *d)
{
	const struct cg_nflog_ops ops = { .device_of = nflog_device_of, .policy_id = nflog_policy_id,
					  .ctx = d };
	int rc;

	if (!d->model.config.nftables || !d->evidence)
		return;
	rc = nflog_open(CG_NFT_LOG_GROUP, d->evidence, &ops, &d->nflog);
	if (rc)
		log_warning("Failed to bind NFLOG group %u (the nftables layer's drops for blocked): %s",
			    CG_NFT_LOG_GROUP, strerror(-rc));
}

/* Everything that enforces, in the order start.h explains. */
static int daemon_start(struct cg_daemon *d, int *ret_lock_fd)
{
	int rc;

	check_print_summary(&d->model, stderr);
	*ret_lock_fd = start_lock(d);
	if (*ret_lock_fd < 0)
		return *ret_lock_fd;
	if ((rc = start_bpf(d)))
		return rc;
	if ((rc = start_evidence(d))) {
		start_bpf_abort();
		return rc;
	}
	daemon_nflog(d);
	if ((rc = start_compile(d))) {
		start_bpf_abort();
		return rc;
	}
	if ((rc = start_inventory(d))) {
		start_compile_abort(d);
		start_bpf_abort();
		return rc;
	}
	if ((rc = start_dataplane(d)))
		return rc;
	state_hash_files(d);
	malloc_trim(0);
	if ((rc = start_nftables(d)) || (rc = start_ifaces(d)))
		return rc;
	for (struct cg_inv_device *dev = inventory_first(d->inv); dev; dev = inventory_next(d->inv, dev))
		advmoves_match(d, dev);
	advmoves_refresh(d);
	return 0;
}

/* The loop's sources: signals, the tick, rtnetlink, the ring buffer. */
static int daemon_watch(struct cg_daemon *d, const sigset_t *mask)
{
	int rc = event_loop_new(&d->loop);

	if (rc)
		return rc;
	d->sig_watch = (struct cg_watch){ .fd = signalfd(-1, mask, SFD_CLOEXEC | SFD_NONBLOCK),
					  .fn = on_signal, .data = d };
	if (d->sig_watch.fd < 0 || event_timer_open(&d->timer_watch, tick_run, d) < 0)
		return -errno;
	d->nl_watch = (struct cg_watch){ .fd = open_netlink(), .fn = on_netlink, .data = d };
	if (d->nl_watch.fd < 0)
		return d->nl_watch.fd;
	d->ringbuf = ring_buffer__new(dataplane_map_fd(d->dp, "cg_events"), observe_event, d, NULL);
	if (!d->ringbuf)
		return -errno;
	d->rb_watch = (struct cg_watch){ .fd = ring_buffer__epoll_fd(d->ringbuf),
					 .fn = observe_ringbuf, .data = d };
	event_timer_set(&d->timer_watch, CG_TICK_MS);
	event_add(d->loop, &d->sig_watch, EPOLLIN);
	event_add(d->loop, &d->timer_watch, EPOLLIN);
	event_add(d->loop, &d->nl_watch, EPOLLIN);
	event_add(d->loop, &d->rb_watch, EPOLLIN);
	if (d->nflog) {
		d->nflog_watch = (struct cg_watch){ .fd = nflog_fd(d->nflog), .fn = on_nflog, .data = d };
		event_add(d->loop, &d->nflog_watch, EPOLLIN);
	}
	return 0;
}

static int daemon_control(struct cg_daemon *d)
{
	const struct cg_config *c = &d->model.config;
	int rc;

	view_init(d);
	rc = control_open(d->loop, c->control_socket, c->control_group, commands_table,
			  commands_count, &d->view, &d->control);
	if (rc) {
		log_err("Failed to open the control socket %s: %s", c->control_socket, strerror(-rc));
		return rc;
	}
	if (control_root_only(d->control))
		log_warning("Control group %s does not exist: the control socket %s is root only (0600)",
			    c->control_group, c->control_socket);
	return 0;
}

static void daemon_stop(struct cg_daemon *d)
{
	sd_notifyf("STOPPING=1\n");
	ring_buffer__consume(d->ringbuf);
	state_save_inventory(d, true);
	state_save_evidence(d, true);
	if (d->model.config.on_exit == CG_ON_EXIT_UNLOAD) {
		log_info("on_exit = \"unload\": removing filters, pins and the nftables table");
		ifaces_detach(d->ifaces, d->nifaces);
		if (d->nft)
			nft_remove(d->nft);
		dataplane_unpin(d->model.config.pin_dir);
		rmdir(d->model.config.pin_dir);
	} else {
		log_info("on_exit = \"keep\": the data plane keeps enforcing generation %u",
			 d->dp->gen);
	}
}

int daemon_main(const char *conf_path)
{
	_cleanup_(daemon_freep) struct cg_daemon *d = daemon_new(conf_path);
	_cleanup_close_ int lock_fd = -1;
	struct cg_reload_result *last;
	sigset_t mask;
	int rc;

	if (!d)
		return 1;
	log_setup_libbpf();
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (start_load(d) || daemon_start(d, &lock_fd))
		return 1;
	if ((rc = daemon_watch(d, &mask))) {
		log_err("Failed to set up the event loop: %s", strerror(-rc));
		return 1;
	}
	if (daemon_control(d))
		return 1;

	last = &d->counters.last_reload;
	*last = (struct cg_reload_result){ .ok = true, .when = time(NULL), .generation = d->dp->gen };
	snprintf(last->message, sizeof(last->message), "initial load, %zu policies",
		 d->model.npolicies);
	d->counters.last_reload_ok = last->when;
	d->counters.nft_up = d->nft != NULL;
	log_info("camguardd %s enforcing %zu policies on %zu interfaces (generation %u)%s",
		 CAMGUARD_VERSION, d->model.npolicies, d->nifaces, d->dp->gen,
		 d->model.config.enforce == CG_ENFORCE_MONITOR
			 ? ", enforce = monitor: isolate policies only count what they would drop" : "");
	sd_notifyf("READY=1\nSTATUS=Enforcing %zu policies (generation %u)\nMAINPID=%d\n",
		   d->model.npolicies, d->dp->gen, getpid());

	while (!d->stopping) {
		rc = event_dispatch(d->loop, -1);
		if (rc < 0) {
			log_err("epoll_wait: %s", strerror(-rc));
			break;
		}
	}
	daemon_stop(d);
	return 0;
}
