/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * start.h — the start sequence's steps, in the order daemon_main() runs
 * them. The order is chosen so that there is never a moment without
 * enforcement: policy is loaded and compiled first, the BPF maps are opened
 * from the pin directory (or created), the new policy generation is flipped
 * live, and only then are the programs attached — replacing a previous
 * instance's filters in one netlink operation when they exist.
 *
 * Three things run at once (issue 19): the BPF object's load and
 * verification (a thread begun by start_bpf), the compilation, the reading
 * of the inventory and the inner maps' fill on the main thread, and, as
 * soon as the policy is compiled, table inet camguard programmed from the
 * same plan (a thread begun by start_compile, taken by start_nftables: the
 * longest step with the table, so it begins before the inventory is read). The table may thus be
 * replaced before the BPF generation flips: each layer enforces a complete
 * policy set on its own, and nothing is attached before both are done.
 */
#ifndef CAMGUARD_START_H
#define CAMGUARD_START_H

struct cg_daemon;

/* camguard.conf and policies.d into d->model; every problem on stderr. */
int start_load(struct cg_daemon *d);
/* One daemon per state directory: the lock fd, or -errno (logged). */
int start_lock(struct cg_daemon *d);
/* The flow evidence (state_dir): before the NFLOG group is bound, which
 * is before the table is programmed. */
int start_evidence(struct cg_daemon *d);
/* The inventory (state_dir/inventory.json), the reassembler, the vendor
 * names. Before the data plane: the start compares its devices with the
 * policy set it makes live. */
int start_inventory(struct cg_daemon *d);
/* bpffs and the state directory, then the BPF object's load (or adoption
 * of the pinned maps) begins in a thread; logged. */
int start_bpf(struct cg_daemon *d);
/* When the start stops before start_dataplane() took the load: waits for
 * the thread start_bpf() began and drops what it loaded (pins it made stay,
 * for the next start to adopt or `camguardd --unload` to remove), so that
 * the process never exits inside libbpf. */
void start_bpf_abort(void);
/* ids, protected addresses, compile, then table inet camguard's
 * programming begins in a thread (when the configuration enables it);
 * logged. On error nothing was begun. */
int start_compile(struct cg_daemon *d);
/* When the start stops between start_compile() and start_dataplane(): waits
 * for the table's thread (a table it programmed stays, fail-closed) and
 * drops the compiled policy. */
void start_compile_abort(struct cg_daemon *d);
/* The inner maps, then the BPF load start_bpf() began (waited for), flip;
 * logged. On error the table's thread and the BPF load have been waited
 * for: nothing runs on. */
int start_dataplane(struct cg_daemon *d);
/* table inet camguard, when the configuration enables it: the programming
 * start_dataplane() began, waited for (in line when it had no thread);
 * logged. */
int start_nftables(struct cg_daemon *d);
/* The configured interfaces, attached where they exist. */
int start_ifaces(struct cg_daemon *d);

#endif
