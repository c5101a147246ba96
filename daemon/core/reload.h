/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * reload.h — the reload transaction, and the only place that compiles a
 * policy set and writes it into the two enforcement layers:
 *
 *   load (model_load, every problem collected with file:line)
 *   → ids (a policy keeps its id, state_dir/policy-ids)
 *   → advisory moves of the candidate set → compile
 *   → apply BPF (inactive slot, flip) → apply nftables (one batch)
 *   → on an nftables failure, flip BPF back: both layers keep the same set.
 *
 * Results are plain structs (a candidate set, a report with diagnostics and
 * changes); this module neither logs nor writes JSON, and knows nothing of
 * the daemon's state: the caller hands it the live set and the two layers
 * (struct cg_reload_target) and commits the candidate when it was applied.
 */
#ifndef CAMGUARD_RELOAD_H
#define CAMGUARD_RELOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "compile.h"
#include "model.h"
#include "view.h"

struct cg_dataplane;
struct cg_inventory;
struct cg_nft;

/* What a reload reads and writes. */
struct cg_reload_target {
	const char *conf_path;
	const struct cg_model *live;          /* the enforced set (ids to keep) */
	const struct cg_inventory *inv;       /* may be NULL */
	const struct cg_prefix *protected;    /* the recorder's own addresses */
	size_t nprotected;
	struct cg_dataplane *dp;
	struct cg_nft *nft;                   /* NULL: no nftables layer */
};

/* A candidate set, valid and compiled, not yet (or just) applied. */
struct cg_reload_txn {
	struct cg_model model;                /* .moved points into moved */
	struct cg_moved_device *moved;        /* its advisory policies' devices */
	size_t nmoved;
	struct cg_compiled compiled;          /* devices sorted */
};

/* Loads conf_path and compiles it against the live set. 0, or -errno with
 * rep->invalid, rep->message (the first error) and rep->diag filled. */
int reload_prepare(const struct cg_reload_target *t, struct cg_reload_txn *ret,
		   struct cg_reload_report *rep);
/* reload --dry-run: the moves the candidate would make, with reasons, and
 * "valid: N policies" as the message. */
void reload_preview(const struct cg_reload_target *t, const struct cg_reload_txn *txn,
		    struct cg_reload_report *rep);
void reload_txn_free(struct cg_reload_txn *txn);
/* Appends "; enforce VERB from policy to monitor" to msg when camguard.conf's
 * enforce differs (from: the live set's, to: the candidate's): the roll-out
 * switch is the one change of a reload that is in no policy file. */
void reload_enforce_note(uint8_t from, uint8_t to, const char *verb, char *msg, size_t len);

/* compile_model(), the one call of it. */
int reload_compile(const struct cg_model *m, struct cg_compiled *ret, char *err, size_t errlen);
/* Writes c into the BPF maps and flips, then m into table inet camguard
 * when t->nft and m enables it; an nftables failure flips BPF back
 * (*ret_rolled_back). 0 or -errno with err filled. */
int reload_apply(const struct cg_reload_target *t, const struct cg_model *m,
		 const struct cg_compiled *c, bool *ret_rolled_back, char *err, size_t errlen);
/* nft_apply(), the one call of it (also the start's first apply). */
int reload_apply_nft(struct cg_nft *nft, const struct cg_model *m, char *err, size_t errlen);

/* "advisory CVE-... (likely)" for each change an advisory policy of m
 * makes, "" for the others (rep->reasons). -ENOMEM. */
int reload_reasons(const struct cg_model *m, struct cg_reload_report *rep);

/* reload --dry-run's flow list (issue 15): every flow of the evidence table
 * seen in the last CG_RELOAD_FLOWS_WINDOW seconds, decided under the
 * enforced plan (live) and the new one (next) by plan-eval.h; the flows
 * next drops and live does not are ret->start, those live drops and next
 * does not (passes, or only counts as would-drop) are ret->stop. 0 or
 * -ENOMEM. */
#define CG_RELOAD_FLOWS_WINDOW (24 * 3600)
struct cg_evidence;
int reload_flows(const struct cg_plan *live, const struct cg_plan *next,
		 const struct cg_evidence *ev, time_t now, struct cg_reload_flows *ret);

/* Policy ids index the never-evicted policy counters, so a name keeps its
 * id across reloads and restarts: the mapping is state_dir/policy-ids. */
int reload_ids_load(const struct cg_config *c, struct cg_model *ret);
int reload_ids_save(const struct cg_model *m);
/* An id that now names another policy starts its counters from zero. */
void reload_reset_reassigned(struct cg_dataplane *dp, const struct cg_model *prev,
			     const struct cg_model *next);

#endif
