/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * listfile.c — owns the plain line files a policy names: deny_lists (one
 * prefix per line) and devices_file ("MAC [note]" per line). Both are read
 * whole (cfgfile_slurp), '#' comments, blank lines, CRLF and a UTF-8 byte
 * order mark allowed; every bad line is reported with the list file's own
 * name and line, and the file is recorded in the model (origins, hashes).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfgfile.h"
#include "cleanup.h"
#include "config.h"
#include "listfile.h"
#include "syntax.h"

/*
 * Reads a list file named by key kn at file:line: the whole text (NUL-ended,
 * malloc'ed), its path as recorded in the model (for messages and the file
 * hashes), and where the text starts (after a UTF-8 byte order mark). NULL
 * when it cannot be used, with the reason recorded: unreadable, UTF-16,
 * binary.
 */
static char *read_list_file(struct cg_model *m, const char *path, const char *file, int line,
			    const char *kn, const char *what, struct cg_diag *d, size_t *ret_len,
			    const char **ret_df, char **ret_text)
{
	char *buf = NULL;
	size_t len;
	int r = cfgfile_slurp(path, &buf, &len);

	if (r < 0) {
		diag_error(d, file, line, "'%s': cannot read %s \"%s\": %s", kn, what, path,
			   r == -EFBIG ? "file too large" : r == -EBADFD ? "not a regular file" : strerror(-r));
		return NULL;
	}
	*ret_df = model_add_file(m, path);
	if (!*ret_df) {
		d->oom = true;
		free(buf);
		return NULL;
	}
	if (cfgfile_check_encoding(buf, len, *ret_df, d) < 0) {
		free(buf);
		return NULL;
	}
	if (memchr(buf, 0, len)) {
		const char *nul = memchr(buf, 0, len);
		int nl = 1;

		for (const char *c = buf; c < nul; c++)
			nl += *c == '\n';
		diag_error(d, *ret_df, nl, "binary data (NUL byte) in %s", what);
		free(buf);
		return NULL;
	}
	*ret_len = len;
	*ret_text = buf + cfgfile_bom(buf, len);
	return buf;
}

static void parse_deny_file(struct cg_model *m, struct cg_policy_spec *p, const char *path,
			    const char *file, int line, const char *kn, struct cg_diag *d)
{
	char *buf, *s, *next;
	const char *df;
	size_t len;
	int r, ln = 0;

	buf = read_list_file(m, path, file, line, kn, "deny list", d, &len, &df, &s);
	if (!buf)
		return;
	for (; s && *s; s = next) {
		struct cg_prefix pf;
		char *hash, *end;

		ln++;
		next = strchr(s, '\n');
		if (next)
			*next++ = 0;
		hash = strchr(s, '#');
		if (hash)
			*hash = 0;
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		end = s + strlen(s);
		while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = 0;
		if (!*s)
			continue;
		r = strlen(s) > 64 ? -EINVAL : addr_parse_prefix(s, &pf);
		if (r < 0) {
			if (r == -EINVAL && strlen(s) > 64)
				diag_error(d, df, ln, "invalid prefix \"%.64s...\"", s);
			else
				cfg_prefix_error(d, df, ln, NULL, s, r, &pf);
			continue;
		}
		if (model_array_grow((void **)&p->deny, p->ndeny, sizeof(*p->deny)) < 0 ||
		    model_array_grow((void **)&p->deny_origins, p->ndeny, sizeof(*p->deny_origins)) < 0) {
			d->oom = true;
			break;
		}
		p->deny[p->ndeny] = pf;
		p->deny_origins[p->ndeny] = (struct cg_origin){ .file = df, .line = ln };
		p->ndeny++;
		if (p->ndeny > CG_MAX_DENY_PREFIXES) {
			diag_error(d, df, ln, "too many deny-list prefixes (max %d)", CG_MAX_DENY_PREFIXES);
			break;
		}
	}
	free(buf);
}

int listfile_parse_deny_lists(struct cg_model *m, const config_setting_t *root,
			      struct cg_policy_spec *p, const char *file, struct cg_diag *d)
{
	config_setting_t *list;
	size_t errs = diag_errors(d);
	int n;

	if (cfg_get_string_list(root, "", "deny_lists", file, d, &list) < 0 ||
	    cfg_list_alloc(list, NULL, CG_MAX_DENY_LISTS, sizeof(*p->deny_lists), "deny lists", file, d,
			   (void **)&p->deny_lists, &n) < 0)
		return d->oom ? -ENOMEM : diag_errors(d) > errs ? -EINVAL : 0;
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		const char *s = config_setting_get_string(e);
		char kn[32], path[CG_PATH_MAX];

		snprintf(kn, sizeof(kn), "deny_lists[%d]", i);
		if (cfg_check_string(s, kn, cfg_line(e), CG_PATH_MAX - 1, file, d) < 0)
			continue;
		if (!*s || config_resolve_path(file, s, path, sizeof(path)) < 0) {
			diag_error(d, file, cfg_line(e), "'%s': invalid file name \"%s\"", kn, s);
			continue;
		}
		p->deny_lists[p->ndeny_lists] = strdup(s);
		if (!p->deny_lists[p->ndeny_lists]) {
			d->oom = true;
			return -ENOMEM;
		}
		p->ndeny_lists++;
		parse_deny_file(m, p, path, file, cfg_line(e), kn, d);
	}
	return d->oom ? -ENOMEM : diag_errors(d) > errs ? -EINVAL : 0;
}

/* A device's MAC as a policy may pin it: 0, or -EINVAL with why set. */
static int device_mac(const char *s, uint8_t mac[6], const char **why)
{
	if (addr_parse_mac(s, mac) < 0)
		*why = "invalid MAC address (expected \"44:19:b6:00:00:01\")";
	else if (mac[0] & 0x01)
		*why = "a group (multicast) address, not a device";
	else if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		*why = "the all-zero MAC is not a device";
	else
		return 0;
	return -EINVAL;
}

/* Cuts one line of a devices file into its MAC and note (a '#' comment,
 * blanks and a CR removed): false for a line with nothing on it. */
static bool split_device_line(char *s, char **ret_mac, char **ret_note)
{
	char *end = strchr(s, '#'), *note;

	if (!end)
		end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*end = 0;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return false;
	*ret_mac = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	note = s;
	if (*s)
		*note++ = 0;
	while (*note == ' ' || *note == '\t')
		note++;
	*ret_note = note;
	return true;
}

/* Room for every line of the file (up to the device limit) in p->devices:
 * one allocation for the list and the file together. */
static int reserve_devices(struct cg_policy_spec *p, const char *buf, size_t len)
{
	size_t lines = 1, limit;
	struct cg_device_spec *v;

	for (const char *c = buf; (c = memchr(c, '\n', len - (size_t)(c - buf))); c++)
		lines++;
	limit = CG_MAX_DEVICES + 1 - (p->ndevices < CG_MAX_DEVICES ? p->ndevices : CG_MAX_DEVICES);
	v = realloc(p->devices, (p->ndevices + (lines < limit ? lines : limit) + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	p->devices = v;
	return 0;
}

/*
 * devices_file = "hikvision.macs": the cameras of a policy as a plain list,
 * one per line, "MAC [note]", '#' starts a comment, blank lines are fine,
 * CRLF and a UTF-8 byte order mark too (files exported from spreadsheets).
 * Written by hand, not through libconfig: 100,000 lines are a few
 * milliseconds, and every bad line is reported with its own line number.
 */
int listfile_parse_devices_file(struct cg_model *m, const config_setting_t *root,
				struct cg_policy_spec *p, const char *file, struct cg_diag *d)
{
	char name[CG_PATH_MAX], path[CG_PATH_MAX], *text, *s, *next;
	_cleanup_free_ char *buf = NULL;
	size_t errs = diag_errors(d), len;
	const char *df;
	int line = 0, ln = 0;

	if (cfg_get_string(root, "", "devices_file", file, d, name, sizeof(name), &line) < 0)
		return diag_errors(d) > errs ? -EINVAL : 0;
	if (!name[0] || config_resolve_path(file, name, path, sizeof(path)) < 0) {
		diag_error(d, file, line, "'devices_file': invalid file name \"%s\"", name);
		return -EINVAL;
	}
	buf = read_list_file(m, path, file, line, "devices_file", "devices file", d, &len, &df, &text);
	if (!buf)
		return d->oom ? -ENOMEM : -EINVAL;
	if (reserve_devices(p, buf, len) < 0) {
		d->oom = true;
		return -ENOMEM;
	}
	for (s = text; s && *s; s = next) {
		struct cg_device_spec *dev = &p->devices[p->ndevices];
		const char *why;
		char *mac, *note;

		ln++;
		next = strchr(s, '\n');
		if (next)
			*next++ = 0;
		if (!split_device_line(s, &mac, &note))
			continue;
		if (device_mac(mac, dev->mac, &why) < 0) {
			diag_error(d, df, ln, "\"%.40s\": %s", mac, why);
			continue;
		}
		if (strlen(note) >= CG_NOTE_MAX || !syntax_valid_utf8(note)) {
			diag_error(d, df, ln, "%s: the note is %s", mac,
				   strlen(note) >= CG_NOTE_MAX ? "longer than 127 bytes" : "not UTF-8 text");
			continue;
		}
		if (p->ndevices + 1 > CG_MAX_DEVICES) {
			diag_error(d, df, ln, "too many devices (max %d)", CG_MAX_DEVICES);
			break;
		}
		dev->note = NULL;
		if (note[0] && !(dev->note = strdup(note))) {
			d->oom = true;
			break;
		}
		dev->origin = (struct cg_origin){ .file = df, .line = ln };
		p->ndevices++;
	}
	return d->oom ? -ENOMEM : diag_errors(d) > errs ? -EINVAL : 0;
}
