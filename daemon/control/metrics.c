// SPDX-License-Identifier: GPL-2.0-only
/*
 * metrics.c — the Prometheus exposition and its textfile writer. See
 * metrics.h for why the writer is a child process.
 *
 * Written with hand-rolled appends rather than printf: at 10,000 devices the
 * exposition has some 50,000 lines, and every label value must be escaped.
 * Every family has HELP and TYPE, and every series of a family has the same
 * label names on every render, so that recording rules and alerts do not
 * break when a value (say a reason that never happened) is zero.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "array.h"
#include "atomicfile.h"
#include "inventory.h"
#include "log.h"
#include "advisory.h"
#include "metrics.h"
#include "model.h"
#include "names.h"
#include "view.h"

static const char *const tamper_names[CG_TAMPER_MAX] = {
	[CG_TAMPER_HOOK] = "hook",
	[CG_TAMPER_PIN] = "pin",
	[CG_TAMPER_NFTABLES] = "nftables",
};

const char *metrics_tamper_to_string(int kind)
{
	return kind >= 0 && kind < CG_TAMPER_MAX ? tamper_names[kind] : "unknown";
}

/* ---- reading the counters ------------------------------------------------ */

static int devs_add(const uint8_t mac[6], const struct cg_dev_stats *s, void *ctx)
{
	struct cg_metrics_counts *c = ctx;

	if (!CG_GROW(c->devs, c->cap, c->ndevs + 1))
		return -ENOMEM;
	struct cg_metrics_dev *e = &c->devs[c->ndevs++];
	memcpy(e->mac, mac, 6);
	memcpy(e->c, s->c, sizeof(e->c));
	for (int dir = 0; dir < CG_DIR_MAX; dir++)
		e->drops[dir] = s->c[dir][CG_VERDICT_DROP].packets;
	return 0;
}

static int dev_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 6);   /* mac is the first member of both */
}

int metrics_read_counts(const struct cg_view *v, struct cg_metrics_counts *ret)
{
	int rc;

	*ret = (struct cg_metrics_counts){ 0 };
	ret->policy = calloc(CG_POLSTAT_ENTRIES, sizeof(*ret->policy));
	ret->would = calloc(CG_POLSTAT_ENTRIES, sizeof(*ret->would));
	if (!ret->policy || !ret->would) {
		metrics_counts_free(ret);
		return -ENOMEM;
	}
	/* zeros when the data plane cannot say: the series stay, at 0 */
	if (v->ops->read_policy_would && v->ops->read_policy_would(v->ctx, ret->would))
		memset(ret->would, 0, CG_POLSTAT_ENTRIES * sizeof(*ret->would));
	rc = v->ops->read_policy_stats(v->ctx, ret->policy);
	if (!rc)
		rc = v->ops->foreach_device(v->ctx, devs_add, ret);
	if (rc < 0) {
		metrics_counts_free(ret);
		return rc;
	}
	if (ret->ndevs)
		qsort(ret->devs, ret->ndevs, sizeof(*ret->devs), dev_cmp);
	return 0;
}

void metrics_counts_free(struct cg_metrics_counts *c)
{
	free(c->policy);
	free(c->would);
	free(c->devs);
	*c = (struct cg_metrics_counts){ 0 };
}

/* ---- text ------------------------------------------------------------------- */

static void put(struct printbuf *pb, const char *s)
{
	printbuf_memappend(pb, s, (int)strlen(s));
}

static void put_u64(struct printbuf *pb, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	printbuf_memappend(pb, p, (int)(buf + sizeof(buf) - p));
}

/* A label value: backslash, double quote and newline escaped (0.0.4). */
static void put_value(struct printbuf *pb, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		const char *esc = *s == '\\' ? "\\\\" : *s == '"' ? "\\\"" : *s == '\n' ? "\\n" : NULL;
		if (!esc)
			continue;
		printbuf_memappend(pb, run, (int)(s - run));
		printbuf_memappend(pb, esc, 2);
		run = s + 1;
	}
	printbuf_memappend(pb, run, (int)(s - run));
}

/* name{k1="v1",k2="v2"} value\n, from a NULL-ended key/value list. */
static void series(struct printbuf *pb, const char *name, const char *const *kv, uint64_t v)
{
	put(pb, name);
	if (kv && kv[0]) {
		printbuf_memappend(pb, "{", 1);
		for (size_t i = 0; kv[i]; i += 2) {
			if (i)
				printbuf_memappend(pb, ",", 1);
			put(pb, kv[i]);
			printbuf_memappend(pb, "=\"", 2);
			put_value(pb, kv[i + 1]);
			printbuf_memappend(pb, "\"", 1);
		}
		printbuf_memappend(pb, "}", 1);
	}
	printbuf_memappend(pb, " ", 1);
	put_u64(pb, v);
	printbuf_memappend(pb, "\n", 1);
}

static void family(struct printbuf *pb, const char *name, const char *type, const char *help)
{
	put(pb, "# HELP ");
	put(pb, name);
	printbuf_memappend(pb, " ", 1);
	put(pb, help);
	put(pb, "\n# TYPE ");
	put(pb, name);
	printbuf_memappend(pb, " ", 1);
	put(pb, type);
	printbuf_memappend(pb, "\n", 1);
}

/* ---- the families ------------------------------------------------------------ */

static void policy_counters(const struct cg_view *d, const struct cg_metrics_counts *c,
			    struct printbuf *pb, bool bytes)
{
	const char *name = bytes ? "camguard_bytes_total" : "camguard_packets_total";

	family(pb, name, "counter",
	       bytes ? "Bytes classified by the data plane, by policy, direction, verdict and reason."
		     : "Packets classified by the data plane, by policy, direction, verdict and reason.");
	for (size_t i = 0; i < d->model->npolicies; i++) {
		const struct cg_policy_spec *p = &d->model->policies[i];
		for (int dir = 0; dir < CG_DIR_MAX; dir++)
			for (int r = 0; r < CG_REASON_MAX; r++) {
				const struct cg_counter *k = &c->policy[CG_POLSTAT_INDEX(p->id, dir, r)];
				const char *kv[] = { "policy", p->name, "direction", cg_dir_to_string(dir),
						     "verdict", cg_verdict_to_string(cg_reason_verdict(r)),
						     "reason", cg_reason_to_string(r), NULL };
				series(pb, name, kv, bytes ? k->bytes : k->packets);
			}
	}
	/* Monitor's would-drops, by the reason isolate would have had: the
	 * same packets are also in verdict="pass",reason="monitor" above, so
	 * a sum over every verdict counts them twice. */
	for (size_t i = 0; c->would && i < d->model->npolicies; i++) {
		const struct cg_policy_spec *p = &d->model->policies[i];
		for (int dir = 0; dir < CG_DIR_MAX; dir++)
			for (int r = 0; r < CG_REASON_MAX; r++) {
				if (cg_reason_verdict(r) != CG_VERDICT_DROP)
					continue;
				const struct cg_counter *k = &c->would[CG_POLSTAT_INDEX(p->id, dir, r)];
				const char *kv[] = { "policy", p->name, "direction", cg_dir_to_string(dir),
						     "verdict", "would_drop", "reason", cg_reason_to_string(r),
						     NULL };
				series(pb, name, kv, bytes ? k->bytes : k->packets);
			}
	}
}

static int inv_cmp(const void *a, const void *b)
{
	const struct cg_inv_device *const *x = a, *const *y = b;
	return memcmp((*x)->mac, (*y)->mac, 6);
}

/* The union of the policies' label names, sorted and unique: every
 * camguard_device_info series carries all of them ("" where its policy has
 * none), so the label set is the same for every device. */
static size_t label_names(const struct cg_model *m, const char **names, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < m->npolicies; i++)
		for (size_t k = 0; k < m->policies[i].nlabels; k++) {
			const char *key = m->policies[i].labels[k].key;
			size_t j = 0;
			while (j < n && strcmp(names[j], key) < 0)
				j++;
			if ((j < n && !strcmp(names[j], key)) || n == max)
				continue;
			memmove(&names[j + 1], &names[j], (n - j) * sizeof(*names));
			names[j] = key;
			n++;
		}
	return n;
}

static const char *policy_label(const struct cg_model *m, int pi, const char *key)
{
	if (pi < 0)
		return "";
	for (size_t k = 0; k < m->policies[pi].nlabels; k++)
		if (!strcmp(m->policies[pi].labels[k].key, key))
			return m->policies[pi].labels[k].value;
	return "";
}

#define INFO_FIXED 6   /* mac vendor policy model firmware mismatch */
#define MAX_INFO_LABELS (INFO_FIXED + CG_MAX_POLICY_LABELS * 4)

/* The devices with series of their own: the lowest MACs, each formatted
 * once (used by every device family). */
struct shown {
	const struct cg_inv_device **v;
	char (*macs)[18];
	size_t n;
};

static void device_info(const struct cg_model *m, const struct shown *s, struct printbuf *pb)
{
	const char *lnames[CG_MAX_POLICY_LABELS * 4];
	size_t nl = label_names(m, lnames, sizeof(lnames) / sizeof(lnames[0]));

	family(pb, "camguard_device_info", "gauge",
	       "A device in the inventory: vendor (from its MAC), policy, announced model and firmware, "
	       "whether the announced manufacturer contradicts the MAC, and its policy's labels. Always 1.");
	for (size_t i = 0; i < s->n; i++) {
		const struct cg_inv_device *x = s->v[i];
		int pi = model_find_policy(m, x->policy);
		const char *kv[2 * MAX_INFO_LABELS + 1];
		size_t j = 0;

		kv[j++] = "mac", kv[j++] = s->macs[i];
		kv[j++] = "vendor", kv[j++] = x->vendor;
		kv[j++] = "policy", kv[j++] = x->policy;
		kv[j++] = "model", kv[j++] = x->facts[CG_INV_MODEL].value;
		kv[j++] = "firmware", kv[j++] = x->facts[CG_INV_FIRMWARE].value;
		kv[j++] = "mismatch", kv[j++] = inventory_mismatch(x) ? "true" : "false";
		for (size_t l = 0; l < nl; l++)
			kv[j++] = lnames[l], kv[j++] = policy_label(m, pi, lnames[l]);
		kv[j] = NULL;
		series(pb, "camguard_device_info", kv, 1);
	}
	/* Issue 18: one series per device and advisory it matches (any confidence;
	 * the alert rule selects exact and likely). */
	family(pb, "camguard_device_vulnerable", "gauge",
	       "The device matches a loaded advisory (advisories.conf): by CVE and confidence "
	       "(exact, likely, unknown). Always 1.");
	for (size_t i = 0; i < s->n; i++)
		for (uint8_t a = 0; a < s->v[i]->nadv; a++) {
			if (s->v[i]->adv[a].advisory >= m->nadvisories)
				continue;
			series(pb, "camguard_device_vulnerable",
			       (const char *[]){ "mac", s->macs[i], "cve", m->advisories[s->v[i]->adv[a].advisory].cve,
						 "confidence",
						 advisory_confidence_to_string(s->v[i]->adv[a].confidence), NULL },
			       1);
		}
	for (int last = 0; last < 2; last++) {
		const char *name = last ? "camguard_device_last_seen_seconds"
					: "camguard_device_first_seen_seconds";
		family(pb, name, "gauge",
		       last ? "When the device last sent or received a packet (Unix time)."
			    : "When the device was first seen on this host (Unix time).");
		for (size_t i = 0; i < s->n; i++) {
			int64_t t = last ? s->v[i]->last_seen : s->v[i]->first_seen;
			series(pb, name, (const char *[]){ "mac", s->macs[i], NULL }, (uint64_t)(t > 0 ? t : 0));
		}
	}
}

static void device_counters(const struct cg_metrics_counts *c, const struct shown *s,
			    struct printbuf *pb)
{
	family(pb, "camguard_device_drops_total", "counter",
	       "Packets dropped for the device, by direction (out: sent by the camera).");
	for (size_t i = 0; i < s->n; i++) {
		const struct cg_metrics_dev *e =
			c->ndevs ? bsearch(s->v[i]->mac, c->devs, c->ndevs, sizeof(*c->devs), dev_cmp) : NULL;
		for (int dir = 0; dir < CG_DIR_MAX; dir++)
			series(pb, "camguard_device_drops_total",
			       (const char *[]){ "mac", s->macs[i], "direction", cg_dir_to_string(dir), NULL },
			       e ? e->drops[dir] : 0);
	}
	/* DESIGN.md section 4: per device, direction and verdict (4 series a
	 * device each), capped by metrics.max_devices like every device series. */
	for (int bytes = 0; bytes < 2; bytes++) {
		const char *name = bytes ? "camguard_device_bytes_total" : "camguard_device_packets_total";
		family(pb, name, "counter",
		       bytes ? "Bytes per device, by direction and verdict (monitor passes count as pass)."
			     : "Packets per device, by direction and verdict (monitor passes count as pass).");
		for (size_t i = 0; i < s->n; i++) {
			const struct cg_inv_device *x = s->v[i];
			const struct cg_metrics_dev *e =
				c->ndevs ? bsearch(x->mac, c->devs, c->ndevs, sizeof(*c->devs), dev_cmp) : NULL;
			for (int dir = 0; dir < CG_DIR_MAX; dir++)
				for (int vd = 0; vd < CG_VERDICT_MAX; vd++) {
					const struct cg_counter *k = e ? &e->c[dir][vd] : NULL;
					series(pb, name,
					       (const char *[]){ "mac", s->macs[i], "vendor", x->vendor,
								 "policy", x->policy,
								 "direction", cg_dir_to_string(dir),
								 "verdict", cg_verdict_to_string(vd), NULL },
					       k ? (bytes ? k->bytes : k->packets) : 0);
				}
		}
	}
}

static void devices(const struct cg_view *d, const struct cg_metrics_counts *c,
		    struct printbuf *pb, uint64_t *ret_omitted)
{
	const struct cg_model *m = d->model;
	size_t n = d->inv ? inventory_count(d->inv) : 0, k = 0;
	struct shown s = { .v = calloc(n ? n : 1, sizeof(*s.v)) };

	*ret_omitted = 0;
	if (!s.v)
		return;
	for (const struct cg_inv_device *x = n ? inventory_first(d->inv) : NULL; x && k < n;
	     x = inventory_next(d->inv, x))
		s.v[k++] = x;
	qsort(s.v, k, sizeof(*s.v), inv_cmp);
	s.n = k < m->config.metrics_max_devices ? k : m->config.metrics_max_devices;
	*ret_omitted = k - s.n;
	s.macs = calloc(s.n ? s.n : 1, sizeof(*s.macs));
	if (s.macs) {
		for (size_t i = 0; i < s.n; i++)
			addr_format_mac(s.v[i]->mac, s.macs[i]);
		device_info(m, &s, pb);
		device_counters(c, &s, pb);
	}
	free(s.macs);
	free(s.v);
}

/* The daemon's own state: tamper repairs, reloads, the policy set, the
 * enforcement mode, the nftables layer, the generation. */
static void daemon_families(const struct cg_view *d, struct printbuf *pb)
{
	const struct cg_counters *k = d->counters;

	family(pb, "camguard_tamper_events_total", "counter",
	       "Enforcement found removed or changed and restored, by kind (hook, pin, nftables).");
	for (int t = 0; t < CG_TAMPER_MAX; t++)
		series(pb, "camguard_tamper_events_total",
		       (const char *[]){ "kind", tamper_names[t], NULL }, k->tamper_by_kind[t]);

	family(pb, "camguard_reloads_total", "counter", "Policy reloads since the daemon started, by result.");
	series(pb, "camguard_reloads_total", (const char *[]){ "result", "ok", NULL }, k->reloads_ok);
	series(pb, "camguard_reloads_total", (const char *[]){ "result", "failed", NULL },
	       k->reloads_failed);
	family(pb, "camguard_last_reload_success_timestamp_seconds", "gauge",
	       "When the policy set now enforced was loaded (Unix time; the start counts as a load).");
	series(pb, "camguard_last_reload_success_timestamp_seconds", NULL,
	       (uint64_t)(k->last_reload_ok > 0 ? k->last_reload_ok : 0));
	family(pb, "camguard_config_info", "gauge",
	       "SHA-256 of the enforced policy set (policy and deny-list files by base name, not "
	       "camguard.conf): equal on hosts that run the same policies. Always 1.");
	series(pb, "camguard_config_info", (const char *[]){ "sha256", d->hashes->policy_set, NULL }, 1);
	family(pb, "camguard_enforce_mode", "gauge",
	       "1 for camguard.conf's enforce mode in effect, 0 for the other (policy: each policy's action; "
	       "monitor: isolate policies pass and count what they would drop, deny lists still drop).");
	for (int e = 0; e < CG_ENFORCE_MAX; e++)
		series(pb, "camguard_enforce_mode", (const char *[]){ "mode", cg_enforce_to_string(e), NULL },
		       d->model->config.enforce == e);
	if (d->model->config.nftables) {
		family(pb, "camguard_nftables_layer_up", "gauge",
		       "1 if table inet camguard is in place as last applied (checked every 2 s), else 0.");
		series(pb, "camguard_nftables_layer_up", NULL, k->nft_up);
	}
	family(pb, "camguard_generation", "gauge", "Generation of the policy set the data plane enforces.");
	series(pb, "camguard_generation", NULL, d->ops ? d->ops->generation(d->ctx) : 0);
}

/* The data plane's evidence counters (issue 15), from cg_misc: packets
 * that found neither a flow row nor a device entry, and address events
 * reported or put off (retried by a later frame). Omitted when the view
 * cannot read them. */
static void evidence_families(const struct cg_view *d, struct printbuf *pb)
{
	uint64_t misc[CG_MISC_MAX] = {};

	if (!d->ops || !d->ops->read_misc || d->ops->read_misc(d->ctx, misc))
		return;
	family(pb, "camguard_flow_overflow_nodev_packets_total", "counter",
	       "Denied packets counted in no flow row and of no device entry (device table full).");
	series(pb, "camguard_flow_overflow_nodev_packets_total", NULL, misc[CG_MISC_FLOW_OVER_NODEV]);
	family(pb, "camguard_address_events_total", "counter",
	       "New device addresses sent to the daemon (reported) or put off by their budget or a "
	       "full ring and retried (deferred).");
	series(pb, "camguard_address_events_total", (const char *[]){ "result", "reported", NULL },
	       misc[CG_MISC_ADDR_EVENTS]);
	series(pb, "camguard_address_events_total", (const char *[]){ "result", "deferred", NULL },
	       misc[CG_MISC_ADDR_DEFERRED]);
}

int metrics_render(const struct cg_view *d, const struct cg_metrics_counts *c, struct printbuf *pb)
{
	const struct cg_model *m = d->model;
	uint64_t *ndev = calloc(m->npolicies + 1, sizeof(*ndev)), omitted;

	if (!ndev)
		return -ENOMEM;
	/* One allocation for the whole text (about 1.5 KB a device, 60 a
	 * policy counter): growing by doubling copies it several times. */
	size_t ndevices = d->inv ? inventory_count(d->inv) : 0;
	if (ndevices > m->config.metrics_max_devices)
		ndevices = m->config.metrics_max_devices;
	size_t est = ndevices * 1536 + m->npolicies * 8192 + 16384;
	if (est > (64u << 20))
		est = 64u << 20;   /* beyond that, let it grow */
	if (printbuf_memset(pb, pb->bpos, ' ', (int)est) < 0) {
		free(ndev);
		return -ENOMEM;
	}
	pb->bpos -= (int)est;
	pb->buf[pb->bpos] = '\0';
	family(pb, "camguard_build_info", "gauge", "The camguard version running. Always 1.");
	series(pb, "camguard_build_info", (const char *[]){ "version", CAMGUARD_VERSION, NULL }, 1);

	policy_counters(d, c, pb, false);
	policy_counters(d, c, pb, true);

	for (const struct cg_inv_device *v = d->inv ? inventory_first(d->inv) : NULL; v;
	     v = inventory_next(d->inv, v)) {
		int i = model_find_policy(m, v->policy);
		ndev[i < 0 ? m->npolicies : (size_t)i]++;
	}
	family(pb, "camguard_devices", "gauge", "Devices in the inventory, by policy.");
	for (size_t i = 0; i < m->npolicies; i++)
		series(pb, "camguard_devices", (const char *[]){ "policy", m->policies[i].name, NULL },
		       ndev[i]);
	free(ndev);

	devices(d, c, pb, &omitted);
	family(pb, "camguard_metrics_devices_omitted", "gauge",
	       "Devices without per-device series because of metrics.max_devices.");
	series(pb, "camguard_metrics_devices_omitted", NULL, omitted);

	family(pb, "camguard_interface_attached", "gauge",
	       "1 if the filter is attached to the hook of a configured camera interface, else 0.");
	for (size_t i = 0; i < d->nifaces; i++) {
		const struct cg_iface *f = &d->ifaces[i];
		for (int h = 0; h < CG_HOOK_MAX; h++) {
			/* Only the hooks the interface's mode uses: TC egress always,
			 * XDP or TC ingress. A hook never meant to be there is no series. */
			if (h != CG_HOOK_TC_EGRESS && (h == CG_HOOK_XDP) != (f->mode == CG_IFMODE_XDP))
				continue;
			series(pb, "camguard_interface_attached",
			       (const char *[]){ "interface", f->name, "hook", cg_hook_to_string(h), NULL },
			       f->attached[h]);
		}
	}

	daemon_families(d, pb);
	evidence_families(d, pb);
	return pb->bpos >= 0 ? 0 : -ENOMEM;
}

int metrics_render_now(const struct cg_view *d, struct printbuf *pb)
{
	struct cg_metrics_counts c;
	int rc = metrics_read_counts(d, &c);

	if (rc)
		return rc;
	rc = metrics_render(d, &c, pb);
	metrics_counts_free(&c);
	return rc;
}

/* ---- the textfile ----------------------------------------------------------- */

int metrics_write_file(const char *path, const char *buf, size_t len)
{
	char tmp[CG_PATH_MAX + 8];
	int fd, rc = 0;

	/* Not "*.prom": node_exporter ignores the temporary file. */
	fd = atomicfile_open(path, 0644, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	if (fchmod(fd, 0644) < 0)   /* whatever the umask: node_exporter reads it */
		rc = -errno;
	if (!rc)
		rc = atomicfile_write(fd, buf, len);
	return atomicfile_commit(fd, tmp, path, rc);
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The child: everything it reads is its copy-on-write snapshot; it writes
 * nothing the parent shares and leaves by _exit (no atexit handlers, no
 * stdio buffers of the parent flushed twice). */
static int write_now(const struct cg_view *d)
{
	struct printbuf *pb = printbuf_new();
	int rc;

	if (!pb)
		return -ENOMEM;
	rc = metrics_render_now(d, pb);
	if (!rc)
		rc = metrics_write_file(d->model->config.metrics_textfile, pb->buf, (size_t)pb->bpos);
	printbuf_free(pb);
	return rc;
}

int metrics_tick(const struct cg_view *v, struct cg_metrics_writer *w)
{
	const struct cg_config *cf = &v->model->config;
	uint64_t now = now_ms();
	int result = 0, st;

	if (w->pid > 0 && waitpid(w->pid, &st, WNOHANG) == w->pid) {
		w->pid = 0;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			w->written++;
			result = 1;
		} else {
			w->failed++;
			result = WIFEXITED(st) ? -WEXITSTATUS(st) : -EINTR;
		}
	}
	if (!cf->metrics_textfile[0] || now < w->due_ms)
		return result;
	w->due_ms = now + (uint64_t)cf->metrics_interval * 1000;
	if (w->pid > 0) {
		/* The last writer is still busy (a hung disk): never two at once. */
		w->skipped++;
		return result;
	}
	pid_t pid = fork();
	if (pid == 0) {
		int rc = write_now(v);
		_exit(rc < 0 ? (-rc & 0xff ? -rc & 0xff : EIO) : 0);
	}
	if (pid < 0) {
		w->failed++;
		return result ? result : -errno;
	}
	w->pid = pid;
	return result;
}
