// SPDX-License-Identifier: GPL-2.0-only
/*
 * reload.c — the reload transaction (reload.h).
 *
 * Parse and validate everything into a new model; on any error the live
 * model stays and the report says why, with file and line. On success the
 * compiled set goes into the inactive slot and is flipped; the nftables
 * table (when enabled) is replaced in one batch, and if that fails the BPF
 * side is flipped back so both layers keep enforcing the same policy.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advisory.h"
#include "atomicfile.h"
#include "dataplane.h"
#include "evidence.h"
#include "exposure.h"
#include "load.h"
#include "moves.h"
#include "nft.h"
#include "plan-eval.h"
#include "reload.h"

/* ---- policy ids ---------------------------------------------------------- */

static void ids_path(const struct cg_config *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s/policy-ids", c->state_dir);
}

int reload_ids_load(const struct cg_config *c, struct cg_model *ret)
{
	char path[CG_PATH_MAX + 16], name[CG_NAME_MAX];
	unsigned id;

	ids_path(c, path, sizeof(path));
	FILE *f = fopen(path, "re");
	memset(ret, 0, sizeof(*ret));
	if (!f)
		return -errno;
	ret->policies = calloc(CG_MAX_POLICIES, sizeof(*ret->policies));
	if (!ret->policies) {
		fclose(f);
		return -ENOMEM;
	}
	while (ret->npolicies < CG_MAX_POLICIES && fscanf(f, "%u %63s", &id, name) == 2) {
		struct cg_policy_spec *p = &ret->policies[ret->npolicies++];
		snprintf(p->name, sizeof(p->name), "%s", name);
		p->id = (uint16_t)id;
	}
	fclose(f);
	return 0;
}

int reload_ids_save(const struct cg_model *m)
{
	char path[CG_PATH_MAX + 16], tmp[CG_PATH_MAX + 32], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int fd, rc;

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < m->npolicies; i++)
		fprintf(f, "%u %s\n", m->policies[i].id, m->policies[i].name);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	ids_path(&m->config, path, sizeof(path));
	fd = atomicfile_open(path, 0640, tmp, sizeof(tmp));
	rc = fd < 0 ? fd : atomicfile_commit(fd, tmp, path, atomicfile_write(fd, buf, len));
	free(buf);
	return rc;
}

void reload_reset_reassigned(struct cg_dataplane *dp, const struct cg_model *prev,
			     const struct cg_model *next)
{
	for (size_t i = 0; i < next->npolicies; i++) {
		const struct cg_policy_spec *p = &next->policies[i];
		bool same = false;
		for (size_t j = 0; prev && j < prev->npolicies; j++)
			if (prev->policies[j].id == p->id)
				same = strcmp(prev->policies[j].name, p->name) == 0;
		if (!same)
			dataplane_reset_policy(dp, p->id);
	}
}

/* ---- the two layers ---------------------------------------------------------- */

int reload_compile(const struct cg_model *m, struct cg_compiled *ret, char *err, size_t errlen)
{
	return compile_model(m, ret, err, errlen);
}

int reload_apply_nft(struct cg_nft *nft, const struct cg_model *m, char *err, size_t errlen)
{
	return nft_apply(nft, m, err, errlen);
}

int reload_apply(const struct cg_reload_target *t, const struct cg_model *m,
		 const struct cg_compiled *c, bool *ret_rolled_back, char *err, size_t errlen)
{
	uint32_t old_slot = t->dp->slot;
	int rc;

	*ret_rolled_back = false;
	rc = dataplane_apply(t->dp, c);
	if (rc) {
		snprintf(err, errlen, "writing the BPF maps failed: %s", strerror(-rc));
		return rc;
	}
	if (t->nft && m->config.nftables) {
		rc = nft_apply_plan(t->nft, &c->plan, err, errlen);
		if (rc) {
			/* Keep the two layers in step: back to the old BPF slot. */
			dataplane_flip_to(t->dp, old_slot);
			*ret_rolled_back = true;
			return rc;
		}
	}
	return 0;
}

/* ---- the transaction ------------------------------------------------------ */

/* The first error (not a warning before it) as the report's message. */
static void refused(struct cg_reload_report *rep, int rc)
{
	char line[CG_DIAG_MSG_MAX + CG_PATH_MAX];

	rep->invalid = true;
	for (size_t i = 0; i < rep->diag.nentries; i++)
		if (rep->diag.entries[i].severity == CG_DIAG_ERROR) {
			diag_format(&rep->diag.entries[i], line, sizeof(line));
			snprintf(rep->message, sizeof(rep->message), "%.*s", (int)sizeof(rep->message) - 1, line);
			return;
		}
	if (!rep->diag.nentries)
		snprintf(rep->message, sizeof(rep->message), "%s", strerror(-rc));
}

int reload_prepare(const struct cg_reload_target *t, struct cg_reload_txn *ret,
		   struct cg_reload_report *rep)
{
	struct cg_reload_txn x = {};
	int rc;

	*ret = (struct cg_reload_txn){};
	rc = model_load(t->conf_path, &x.model, &rep->diag);
	if (rc) {
		refused(rep, rc);
		model_free(&x.model);
		return rc;
	}
	rc = model_assign_ids(&x.model, t->live);
	x.model.protected = t->protected;
	x.model.nprotected = t->nprotected;
	/* The advisory policies of the new set take their devices in the
	 * same generation (and the dry run lists those moves). */
	if (!rc && exposure_moves(&x.model, t->inv, &x.moved, &x.nmoved) < 0)
		rc = -ENOMEM;
	x.model.moved = x.moved;
	x.model.nmoved = x.nmoved;
	if (!rc)
		rc = reload_compile(&x.model, &x.compiled, rep->message, sizeof(rep->message));
	if (rc) {
		rep->invalid = true;
		reload_txn_free(&x);
		return rc;
	}
	/* A few binary searches per inventory device, not a scan of the
	 * tables each time; on failure the lookups scan. */
	compiled_sort_devices(&x.compiled);
	*ret = x;
	return 0;
}

void reload_preview(const struct cg_reload_target *t, const struct cg_reload_txn *txn,
		    struct cg_reload_report *rep)
{
	if (moves_compute(t->inv, &txn->compiled, &txn->model, &rep->changes) == 0)
		reload_reasons(&txn->model, rep);
	snprintf(rep->message, sizeof(rep->message), "valid: %zu policies", txn->model.npolicies);
	reload_enforce_note(t->live ? t->live->config.enforce : CG_ENFORCE_POLICY,
			    txn->model.config.enforce, "would change", rep->message, sizeof(rep->message));
}

void reload_enforce_note(uint8_t from, uint8_t to, const char *verb, char *msg, size_t len)
{
	size_t n = strlen(msg);

	if (from != to && n < len)
		snprintf(msg + n, len - n, "; enforce %s from %s to %s", verb, cg_enforce_to_string(from),
			 cg_enforce_to_string(to));
}

void reload_txn_free(struct cg_reload_txn *txn)
{
	compiled_free(&txn->compiled);
	free(txn->moved);
	txn->model.moved = NULL;
	model_free(&txn->model);
	*txn = (struct cg_reload_txn){};
}

int reload_reasons(const struct cg_model *m, struct cg_reload_report *rep)
{
	free(rep->reasons);
	rep->reasons = calloc(rep->changes.n + 1, sizeof(*rep->reasons));
	if (!rep->reasons)
		return -ENOMEM;
	for (size_t i = 0; i < rep->changes.n; i++) {
		const struct cg_moved_device *mv = exposure_find_move(m->moved, m->nmoved,
								      rep->changes.v[i].mac);
		if (!mv || mv->advisory < 0 || (size_t)mv->advisory >= m->nadvisories)
			continue;
		snprintf(rep->reasons[i], sizeof(rep->reasons[i]), "advisory %s (%s)",
			 m->advisories[mv->advisory].cve, advisory_confidence_to_string(mv->confidence));
	}
	return 0;
}

/* ---- dry run: the flows that would start or stop being dropped ------------- */

/* Rows of one flow: the same tuple under another reason (a rule added
 * since, a reload between) or as dropped and as would-drop. The reasons the
 * evaluator decides again from the address are one class; the others
 * (fragment, non_ip, vlan, malformed, rogue_service, spoof) stay apart. */
static void flow_tuple(const struct cg_flow_key *k, struct cg_flow_key *ret)
{
	*ret = *k;
	ret->would = 0;
	switch (k->reason) {
	case CG_REASON_INGRESS:
	case CG_REASON_PORT:
	case CG_REASON_DENY_LIST:
		ret->reason = CG_REASON_EGRESS;
		break;
	default:
		break;
	}
}

static int tuple_cmp(const void *x, const void *y)
{
	const struct cg_evidence_row *a = x, *b = y;
	struct cg_flow_key ka, kb;

	flow_tuple(&a->key, &ka);
	flow_tuple(&b->key, &kb);
	return memcmp(&ka, &kb, sizeof(ka));
}

static int flow_by_packets(const void *x, const void *y)
{
	const struct cg_reload_flow *a = x, *b = y;

	if (a->packets != b->packets)
		return a->packets < b->packets ? 1 : -1;
	return a->last < b->last ? 1 : a->last > b->last ? -1 : 0;
}

static int flow_by_device(const void *x, const void *y)
{
	const struct cg_reload_flow *a = x, *b = y;
	int c = memcmp(a->key.mac, b->key.mac, 6);

	return c ? c : flow_by_packets(x, y);
}

static int list_push(struct cg_reload_flow_list *l, size_t *cap, const struct cg_reload_flow *f)
{
	if (l->n == *cap) {
		size_t n = *cap ? 2 * *cap : 64;
		struct cg_reload_flow *v = realloc(l->v, n * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		*cap = n;
	}
	l->v[l->n++] = *f;
	l->flows++;
	l->packets += f->packets;
	return 0;
}

/* Counts the devices, keeps the CG_RELOAD_FLOWS_MAX flows with most
 * packets, and orders them by device (most packets first in each). */
static void list_finish(struct cg_reload_flow_list *l)
{
	qsort(l->v, l->n, sizeof(*l->v), flow_by_device);
	for (size_t i = 0; i < l->n; i++)
		l->devices += !i || memcmp(l->v[i - 1].key.mac, l->v[i].key.mac, 6);
	if (l->n > CG_RELOAD_FLOWS_MAX) {
		qsort(l->v, l->n, sizeof(*l->v), flow_by_packets);
		l->n = CG_RELOAD_FLOWS_MAX;
		qsort(l->v, l->n, sizeof(*l->v), flow_by_device);
	}
}

int reload_flows(const struct cg_plan *live, const struct cg_plan *next,
		 const struct cg_evidence *ev, time_t now, struct cg_reload_flows *ret)
{
	struct cg_evidence_filter f = { .policy = -1, .since = now - CG_RELOAD_FLOWS_WINDOW, .would = -1 };
	struct cg_plan_eval el = {}, en = {};
	struct cg_evidence_row *rows = NULL;
	size_t nrows = 0, cap[2] = { 0, 0 };
	int rc;

	free(ret->start.v);
	free(ret->stop.v);
	*ret = (struct cg_reload_flows){ .since = f.since };
	rc = evidence_query(ev, &f, &rows, &nrows);
	if (!rc)
		rc = plan_eval_init(&el, live);
	if (!rc)
		rc = plan_eval_init(&en, next);
	if (rc)
		goto out;
	qsort(rows, nrows, sizeof(*rows), tuple_cmp);
	for (size_t i = 0, j; i < nrows && !rc; i = j) {
		struct cg_reload_flow fl = { .last = rows[i].last };
		struct cg_plan_result a, b;

		for (j = i; j < nrows && !tuple_cmp(&rows[i], &rows[j]); j++) {
			fl.packets += rows[j].packets;
			if (rows[j].last > fl.last)
				fl.last = rows[j].last;
		}
		ret->examined++;
		/* the most recent row's reason stands for the flow (the same
		 * class: they differ only where the address decides) */
		size_t newest = i;
		for (size_t k = i; k < j; k++)
			if (rows[k].last > rows[newest].last)
				newest = k;
		plan_eval_flow(&el, &rows[newest].key, &a);
		plan_eval_flow(&en, &rows[newest].key, &b);
		fl.key = rows[newest].key;
		fl.key.reason = b.reason;
		fl.now = a.verdict;
		fl.next = b.verdict;
		fl.uncertain = a.uncertain || b.uncertain;
		snprintf(fl.policy, sizeof(fl.policy), "%s", next->policies[b.policy].name);
		if (fl.next == CG_PV_DROP && fl.now != CG_PV_DROP)
			rc = list_push(&ret->start, &cap[0], &fl);
		else if (fl.now == CG_PV_DROP && fl.next != CG_PV_DROP)
			rc = list_push(&ret->stop, &cap[1], &fl);
		else
			continue;
		ret->uncertain += fl.uncertain;
	}
	list_finish(&ret->start);
	list_finish(&ret->stop);
	ret->present = !rc;
out:
	plan_eval_free(&el);
	plan_eval_free(&en);
	free(rows);
	return rc;
}
