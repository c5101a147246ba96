/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cfgfile.c — owns reading one libconfig file (size, encoding and a pre-scan
 * before libconfig sees it) and the typed, diagnosed access to its keys that
 * every file parser (config, policy, advisory) shares. See cfgfile.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfgfile.h"
#include "cleanup.h"
#include "syntax.h"

int cfgfile_slurp(const char *path, char **ret_buf, size_t *ret_len)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	char *buf;
	size_t have = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EBADFD;
	if ((unsigned long long)st.st_size > CG_FILE_MAX)
		return -EFBIG;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	/* the file may change under us: never read more than we sized for */
	while (have < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + have, (size_t)st.st_size - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int r = -errno;
			free(buf);
			return r;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	buf[have] = 0;
	*ret_buf = buf;
	*ret_len = have;
	return 0;
}

size_t cfgfile_bom(const char *buf, size_t len)
{
	return len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0;
}

int cfgfile_check_encoding(const char *buf, size_t len, const char *path, struct cg_diag *d)
{
	if (len >= 2 && ((unsigned char)buf[0] == 0xff || (unsigned char)buf[0] == 0xfe) &&
	    ((unsigned char)buf[1] ^ (unsigned char)buf[0]) == 0x01) {
		diag_error(d, path, 1, "the file is UTF-16 text (byte order mark %02X %02X): save it as UTF-8",
			   (unsigned char)buf[0], (unsigned char)buf[1]);
		return -EINVAL;
	}
	return 0;
}

/*
 * What libconfig must not see: NUL bytes, unbounded nesting, @include. And
 * two strings with nothing between them inside a list: libconfig joins
 * adjacent strings into one ("04:03:12" "04:EE:CD" is one OUI
 * "04:03:1204:EE:CD"), which in a list is a missing comma, so it is named
 * as that (every one, not just the first).
 *
 * One function on purpose (~90 lines): a single pass with one state
 * machine; split up, the state (string, comment, depth, the last string)
 * would have to travel between the parts.
 */
static int prescan(const char *buf, size_t len, const char *path, struct cg_diag *d)
{
	enum { CODE, STRING, LINE_COMMENT, BLOCK_COMMENT } st = CODE;
	int line = 1, depth = 0, rc = 0, str_line = 0, prev_line = 0;
	bool line_start = true, after_string = false;
	char brackets[CG_NEST_MAX + 1];
	size_t str_start = 0, prev_start = 0, prev_end = 0;

	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (st == CODE && after_string && c == '"' && depth > 0 && brackets[depth - 1] != '{') {
			size_t end = i + 1;
			while (end < len && end - i < 40 && buf[end] != '"' && buf[end] != '\n')
				end++;
			/* the line where the comma is missing */
			diag_error(d, path, prev_line,
				   "%.*s %.*s: two values without a comma? (libconfig would join them into one string)",
				   (int)(prev_end - prev_start < 40 ? prev_end - prev_start : 40),
				   buf + prev_start, (int)(end < len && buf[end] == '"' ? end + 1 - i : end - i),
				   buf + i);
			rc = -EINVAL;
		}
		if (st == CODE && c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '#' &&
		    !(c == '/' && i + 1 < len && (buf[i + 1] == '/' || buf[i + 1] == '*')))
			after_string = false;

		if (c == 0) {
			diag_error(d, path, line, "binary data (NUL byte) in file");
			return -EINVAL;
		}
		if (c == '\n') {
			line++;
			line_start = true;
			if (st == LINE_COMMENT)
				st = CODE;
			continue;
		}
		switch (st) {
		case CODE:
			if (c == '#' || (c == '/' && i + 1 < len && buf[i + 1] == '/')) {
				st = LINE_COMMENT;
			} else if (c == '/' && i + 1 < len && buf[i + 1] == '*') {
				st = BLOCK_COMMENT;
				i++;
			} else if (c == '"') {
				st = STRING;
				str_start = i;
				str_line = line;
			} else if (c == '@' && line_start) {
				diag_error(d, path, line, "@include and other directives are not supported");
				return -EINVAL;
			} else if (c == '{' || c == '[' || c == '(') {
				if (++depth > CG_NEST_MAX) {
					diag_error(d, path, line, "nesting deeper than %d levels", CG_NEST_MAX);
					return -EINVAL;
				}
				brackets[depth - 1] = c;
			} else if (c == '}' || c == ']' || c == ')') {
				if (depth > 0)
					depth--;
			}
			break;
		case STRING:
			if (c == '\\' && i + 1 < len && buf[i + 1] != '\n')
				i++;
			else if (c == '"') {
				st = CODE;
				after_string = true;
				prev_start = str_start;
				prev_line = str_line;
				prev_end = i + 1;
			}
			break;
		case BLOCK_COMMENT:
			if (c == '*' && i + 1 < len && buf[i + 1] == '/') {
				st = CODE;
				i++;
			}
			break;
		case LINE_COMMENT:
			break;
		}
		if (c != ' ' && c != '\t' && c != '\r')
			line_start = false;
	}
	return rc;
}

int cfgfile_open(struct cfgfile *f, const char *path, struct cg_diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	memset(f, 0, sizeof(*f));
	f->path = path;
	r = cfgfile_slurp(path, &buf, &len);
	if (r == -EFBIG) {
		diag_error(d, path, 0, "file too large (max %u MiB)", CG_FILE_MAX >> 20);
		return r;
	}
	if (r == -EBADFD) {
		diag_error(d, path, 0, "not a regular file");
		return r;
	}
	if (r < 0) {
		diag_error(d, path, 0, "cannot read: %s", strerror(-r));
		return r;
	}
	/* A UTF-8 byte order mark (Windows editors write one) is not text:
	 * libconfig would call it a syntax error on line 1. CRLF line ends
	 * are white space to libconfig already. */
	size_t bom = cfgfile_bom(buf, len);
	r = cfgfile_check_encoding(buf, len, path, d);
	if (!r)
		r = prescan(buf + bom, len - bom, path, d);
	if (r < 0) {
		free(buf);
		return r;
	}
	config_init(&f->cf);
	f->inited = true;
	if (!config_read_string(&f->cf, buf + bom)) {
		diag_error(d, path, config_error_line(&f->cf), "%s",
			   config_error_text(&f->cf) ? config_error_text(&f->cf) : "syntax error");
		free(buf);
		return -EINVAL;
	}
	free(buf);
	return 0;
}

void cfgfile_close(struct cfgfile *f)
{
	if (f->inited)
		config_destroy(&f->cf);
	f->inited = false;
}

int cfgfile_open_model(struct cfgfile *f, struct cg_model *m, const char *path, struct cg_diag *d,
		       const char **ret_file)
{
	const char *file = model_add_file(m, path);

	memset(f, 0, sizeof(*f));
	if (!file)
		return -ENOMEM;
	*ret_file = file;
	return cfgfile_open(f, file, d);
}

int cfg_list_alloc(const config_setting_t *list, const char *ctx, int max, size_t elem,
		   const char *what, const char *file, struct cg_diag *d, void **ret, int *ret_n)
{
	int n = config_setting_length(list);

	*ret = NULL;
	*ret_n = 0;
	if (n > max) {
		if (ctx)
			diag_error(d, file, cfg_line(list), "'%s': too many %s (%d, max %d)", ctx, what, n, max);
		else
			diag_error(d, file, cfg_line(list), "too many %s (%d, max %d)", what, n, max);
		return -EINVAL;
	}
	*ret = calloc((size_t)n + 1, elem);
	if (!*ret) {
		d->oom = true;
		return -ENOMEM;
	}
	*ret_n = n;
	return 0;
}

void cfg_prefix_error(struct cg_diag *d, const char *file, int line, const char *kn, const char *s,
		      int r, const struct cg_prefix *p)
{
	char buf[96];

	if (r == -EDOM) {
		struct cg_prefix net = *p;

		for (int bit = p->len; bit < (p->family == 4 ? 32 : 128); bit++)
			net.addr[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
		addr_format_prefix(&net, buf, sizeof(buf));
		diag_error(d, file, line, "%s%s%sprefix \"%s\" has host bits set (network is %s)",
			   kn ? "'" : "", kn ? kn : "", kn ? "': " : "", s, buf);
	} else {
		diag_error(d, file, line, "%s%s%sinvalid prefix \"%s\"%s", kn ? "'" : "", kn ? kn : "",
			   kn ? "': " : "", s, syntax_prefix_hint(s, buf, sizeof(buf)));
	}
}

int cfg_line(const config_setting_t *s)
{
	return s ? (int)config_setting_source_line(s) : 0;
}

void cfg_keyname(char *buf, size_t size, const char *ctx, const char *key)
{
	if (ctx && *ctx)
		snprintf(buf, size, "%s.%s", ctx, key);
	else
		snprintf(buf, size, "%s", key);
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[33], cur[33];

	if (la > 32 || lb > 32)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, sizeof(prev));
	}
	return prev[lb];
}

void cfg_check_keys(const config_setting_t *group, const char *ctx, const char *const *allowed,
		    const char *file, struct cg_diag *d)
{
	int n = config_setting_length(group);

	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(s);
		const char *best = NULL;
		size_t bestd = 3;
		bool ok = false;
		char kn[256];

		if (!name)
			continue;
		for (const char *const *a = allowed; *a; a++) {
			size_t dist;

			if (!strcmp(*a, name)) {
				ok = true;
				break;
			}
			dist = edit_distance(*a, name);
			if (dist < bestd) {
				bestd = dist;
				best = *a;
			}
		}
		if (ok)
			continue;
		cfg_keyname(kn, sizeof(kn), ctx, name);
		if (best)
			diag_error(d, file, cfg_line(s), "unknown key '%s' (did you mean '%s'?)", kn, best);
		else
			diag_error(d, file, cfg_line(s), "unknown key '%s'", kn);
	}
}

static const char *type_name(int t)
{
	switch (t) {
	case CONFIG_TYPE_GROUP: return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: return "an integer";
	case CONFIG_TYPE_FLOAT: return "a float";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL: return "a boolean";
	case CONFIG_TYPE_ARRAY: return "an array";
	case CONFIG_TYPE_LIST: return "a list";
	default: return "unknown";
	}
}

static config_setting_t *member(const config_setting_t *group, const char *key)
{
	return config_setting_get_member(group, key);
}

int cfg_check_string(const char *s, const char *name, int line, size_t maxlen,
		     const char *file, struct cg_diag *d)
{
	if (!syntax_valid_utf8(s)) {
		diag_error(d, file, line, "'%s' is not valid UTF-8", name);
		return -EINVAL;
	}
	if (strlen(s) > maxlen) {
		diag_error(d, file, line, "'%s' is too long (%zu bytes, max %zu)", name, strlen(s),
			   maxlen);
		return -EINVAL;
	}
	return 0;
}

int cfg_get_string(const config_setting_t *group, const char *ctx, const char *key,
		   const char *file, struct cg_diag *d, char *buf, size_t size, int *ret_line)
{
	config_setting_t *s = member(group, key);
	char kn[256];
	const char *v;

	if (!s)
		return -ENOENT;
	cfg_keyname(kn, sizeof(kn), ctx, key);
	if (ret_line)
		*ret_line = cfg_line(s);
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		diag_error(d, file, cfg_line(s), "'%s' must be a string, not %s", kn,
			   type_name(config_setting_type(s)));
		return -EINVAL;
	}
	v = config_setting_get_string(s);
	if (cfg_check_string(v, kn, cfg_line(s), size - 1, file, d) < 0)
		return -EINVAL;
	memcpy(buf, v, strlen(v) + 1);
	return 0;
}

int cfg_get_bool(const config_setting_t *group, const char *ctx, const char *key,
		 const char *file, struct cg_diag *d, bool *ret, int *ret_line)
{
	config_setting_t *s = member(group, key);
	char kn[256];

	if (!s)
		return -ENOENT;
	if (ret_line)
		*ret_line = cfg_line(s);
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		cfg_keyname(kn, sizeof(kn), ctx, key);
		diag_error(d, file, cfg_line(s), "'%s' must be a boolean (true or false), not %s", kn,
			   type_name(config_setting_type(s)));
		return -EINVAL;
	}
	*ret = config_setting_get_bool(s);
	return 0;
}

int cfg_get_int(const config_setting_t *group, const char *ctx, const char *key,
		const char *file, struct cg_diag *d, long long min, long long max,
		long long *ret, int *ret_line)
{
	config_setting_t *s = member(group, key);
	char kn[256];
	long long v;

	if (!s)
		return -ENOENT;
	cfg_keyname(kn, sizeof(kn), ctx, key);
	if (ret_line)
		*ret_line = cfg_line(s);
	if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64) {
		diag_error(d, file, cfg_line(s), "'%s' must be an integer, not %s", kn,
			   type_name(config_setting_type(s)));
		return -EINVAL;
	}
	v = config_setting_get_int64(s);
	if (v < min || v > max) {
		diag_error(d, file, cfg_line(s), "'%s' is out of range (%lld, expected %lld-%lld)", kn,
			   v, min, max);
		return -ERANGE;
	}
	*ret = v;
	return 0;
}

int cfg_get_group(const config_setting_t *group, const char *ctx, const char *key,
		  const char *file, struct cg_diag *d, config_setting_t **ret)
{
	config_setting_t *s = member(group, key);
	char kn[256];

	if (!s)
		return -ENOENT;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		cfg_keyname(kn, sizeof(kn), ctx, key);
		diag_error(d, file, cfg_line(s), "'%s' must be a group { ... }, not %s", kn,
			   type_name(config_setting_type(s)));
		return -EINVAL;
	}
	*ret = s;
	return 0;
}

/* A list whose elements all have type elem (CONFIG_TYPE_STRING or
 * CONFIG_TYPE_GROUP). libconfig parses [ ... ] as an array, which holds
 * scalars only: for strings either spelling is a list, for groups only an
 * empty [] is. shape and elem_shape name what was expected in the error. */
static int get_list(const config_setting_t *group, const char *ctx, const char *key,
		    const char *file, struct cg_diag *d, int elem, const char *shape,
		    const char *elem_shape, config_setting_t **ret)
{
	config_setting_t *s = member(group, key);
	char kn[256];
	int n, t;

	if (!s)
		return -ENOENT;
	cfg_keyname(kn, sizeof(kn), ctx, key);
	t = config_setting_type(s);
	if (t != CONFIG_TYPE_LIST &&
	    !(t == CONFIG_TYPE_ARRAY && (elem == CONFIG_TYPE_STRING || config_setting_length(s) == 0))) {
		diag_error(d, file, cfg_line(s), "'%s' must be %s, not %s", kn, shape, type_name(t));
		return -EINVAL;
	}
	n = config_setting_length(s);
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		if (config_setting_type(e) != elem) {
			diag_error(d, file, cfg_line(e), "'%s[%d]' must be %s, not %s", kn, i,
				   elem_shape, type_name(config_setting_type(e)));
			return -EINVAL;
		}
	}
	*ret = s;
	return 0;
}

int cfg_get_string_list(const config_setting_t *group, const char *ctx, const char *key,
			const char *file, struct cg_diag *d, config_setting_t **ret)
{
	return get_list(group, ctx, key, file, d, CONFIG_TYPE_STRING,
			"a list of strings [ \"...\" ]", "a string", ret);
}

int cfg_get_group_list(const config_setting_t *group, const char *ctx, const char *key,
		       const char *file, struct cg_diag *d, config_setting_t **ret)
{
	return get_list(group, ctx, key, file, d, CONFIG_TYPE_GROUP,
			"a list of groups ( { ... } )", "a group { ... }", ret);
}
