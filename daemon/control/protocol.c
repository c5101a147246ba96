// SPDX-License-Identifier: GPL-2.0-only
/*
 * protocol.c — request parsing and validation, reply building, and the
 * client's renderers (tables). See protocol.h for the wire
 * format. Everything here is a pure function of its input: the fuzz harness
 * drives protocol_parse_request() directly.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "protocol.h"

#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* ---- commands and their arguments ------------------------------------- */

struct arg_spec {
	const char *name;
	json_type type;
	int (*set)(struct cg_request *req, json_object *v, struct cg_proto_error *err);
};

static int set_policy(struct cg_request *req, json_object *v, struct cg_proto_error *err)
{
	const char *s = json_object_get_string(v);
	size_t n = (size_t)json_object_get_string_len(v);

	if (n == 0 || n >= sizeof(req->policy))
		return protocol_error(err, "EINVAL", "argument \"policy\": must be 1 to %zu characters",
				      sizeof(req->policy) - 1);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return protocol_error(err, "EINVAL",
					      "argument \"policy\": control character in name");
	memcpy(req->policy, s, n + 1);
	return 0;
}

static int set_device(struct cg_request *req, json_object *v, struct cg_proto_error *err)
{
	const char *s = json_object_get_string(v);

	if ((size_t)json_object_get_string_len(v) != strlen(s) || addr_parse_mac(s, req->device))
		return protocol_error(err, "EINVAL",
				      "argument \"device\": not a MAC address (aa:bb:cc:dd:ee:ff)");
	req->has_device = true;
	return 0;
}

static int set_dry_run(struct cg_request *req, json_object *v, struct cg_proto_error *err)
{
	req->dry_run = json_object_get_boolean(v);
	return 0;
}

static int set_prometheus(struct cg_request *req, json_object *v, struct cg_proto_error *err)
{
	req->prometheus = json_object_get_boolean(v);
	return 0;
}

static int set_summary(struct cg_request *req, json_object *v, struct cg_proto_error *err)
{
	req->summary = json_object_get_boolean(v);
	return 0;
}

static int set_vulnerable(struct cg_request *req, json_object *v, struct cg_proto_error *err)
{
	req->vulnerable = json_object_get_boolean(v);
	return 0;
}

static int set_interface(struct cg_request *req, json_object *v, struct cg_proto_error *err)
{
	const char *s = json_object_get_string(v);
	size_t n = (size_t)json_object_get_string_len(v);

	if (n == 0 || n >= sizeof(req->iface) || strlen(s) != n || strchr(s, '/'))
		return protocol_error(err, "EINVAL", "argument \"interface\": not an interface name");
	memcpy(req->iface, s, n + 1);
	return 0;
}

static int set_result(struct cg_request *req, json_object *v, struct cg_proto_error *err)
{
	req->result = json_object_get_boolean(v);
	return 0;
}

static int set_devices(struct cg_request *req, json_object *v, struct cg_proto_error *err)
{
	req->devices = json_object_get_boolean(v);
	return 0;
}

static int set_unknown(struct cg_request *req, json_object *v, struct cg_proto_error *err)
{
	req->unknown = json_object_get_boolean(v);
	return 0;
}

static int set_mismatch(struct cg_request *req, json_object *v, struct cg_proto_error *err)
{
	req->mismatch = json_object_get_boolean(v);
	return 0;
}

static int set_vendor(struct cg_request *req, json_object *v, struct cg_proto_error *err)
{
	const char *s = json_object_get_string(v);
	size_t n = (size_t)json_object_get_string_len(v);

	if (n == 0 || n >= sizeof(req->vendor) || strlen(s) != n)
		return protocol_error(err, "EINVAL", "argument \"vendor\": must be 1 to %zu characters",
				      sizeof(req->vendor) - 1);
	memcpy(req->vendor, s, n + 1);
	return 0;
}

static int set_since(struct cg_request *req, json_object *v, struct cg_proto_error *err)
{
	int64_t n = json_object_get_int64(v);

	/* ten years: anything longer is a typo, not a filter */
	if (n <= 0 || n > 10 * 366 * 86400LL)
		return protocol_error(err, "EINVAL", "argument \"since\": seconds from 1 to %lld",
				      10 * 366 * 86400LL);
	req->since = (uint64_t)n;
	return 0;
}

static const struct arg_spec stats_args[] = {
	{ "policy", json_type_string, set_policy },
	{ "device", json_type_string, set_device },
	{ "prometheus", json_type_boolean, set_prometheus },
	{ "devices", json_type_boolean, set_devices },
	{ NULL, 0, NULL },
};
static const struct arg_spec reload_args[] = {
	{ "dry_run", json_type_boolean, set_dry_run },
	{ NULL, 0, NULL },
};
static const struct arg_spec cameras_args[] = {
	{ "summary", json_type_boolean, set_summary },
	{ "policy", json_type_string, set_policy },
	{ "vendor", json_type_string, set_vendor },
	{ "unknown", json_type_boolean, set_unknown },
	{ "mismatch", json_type_boolean, set_mismatch },
	{ "since", json_type_int, set_since },
	{ "vulnerable", json_type_boolean, set_vulnerable },
	{ NULL, 0, NULL },
};
static const struct arg_spec probe_args[] = {
	{ "interface", json_type_string, set_interface },
	{ "result", json_type_boolean, set_result },
	{ NULL, 0, NULL },
};
static const struct arg_spec no_args[] = {
	{ NULL, 0, NULL },
};

static const struct {
	const char *name;
	const struct arg_spec *args;
} commands[CG_CMD_MAX] = {
	[CG_CMD_STATS]   = { "stats", stats_args },
	[CG_CMD_CAMERAS] = { "cameras", cameras_args },
	[CG_CMD_BLOCKED] = { "blocked", no_args },
	[CG_CMD_STATUS]  = { "status", no_args },
	[CG_CMD_RELOAD]  = { "reload", reload_args },
	[CG_CMD_ADVISORIES] = { "advisories", no_args },
	[CG_CMD_PROBE]   = { "probe", probe_args },
};

const char *protocol_command_to_string(enum cg_command cmd)
{
	return (unsigned)cmd < CG_CMD_MAX ? commands[cmd].name : "unknown";
}

int protocol_command_from_string(const char *s)
{
	for (int i = 0; i < CG_CMD_MAX; i++)
		if (strcmp(commands[i].name, s) == 0)
			return i;
	return -EINVAL;
}

bool protocol_command_needs_root(const struct cg_request *req)
{
	/* A dry run changes nothing but reads every policy file and compiles
	 * the set: as costly as a reload, so it is root's too. */
	/* A probe sends datagrams on the camera interfaces: root's decision. */
	return req->command == CG_CMD_RELOAD || req->command == CG_CMD_PROBE;
}

/* ---- errors -------------------------------------------------------------- */

static const struct {
	const char *name;
	int err;
} errnames[] = {
	{ "EPERM", EPERM },   { "ENOENT", ENOENT }, { "EIO", EIO },
	{ "E2BIG", E2BIG },   { "ENOMEM", ENOMEM }, { "EACCES", EACCES },
	{ "EBUSY", EBUSY },   { "EEXIST", EEXIST }, { "EINVAL", EINVAL },
	{ "ENOSYS", ENOSYS }, { "EPROTO", EPROTO }, { "ETIMEDOUT", ETIMEDOUT },
	{ "EAGAIN", EAGAIN }, { "ENOSPC", ENOSPC }, { "EOPNOTSUPP", EOPNOTSUPP },
	{ "ENODEV", ENODEV }, { "ERANGE", ERANGE }, { "EALREADY", EALREADY },
};

const char *protocol_errno_name(int err)
{
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
	const char *s = strerrorname_np(err);
	if (s)
		return s;
#endif
	return "EIO";
}

static int errno_from_name(const char *code)
{
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (strcmp(errnames[i].name, code) == 0)
			return errnames[i].err;
	return EIO;
}

int protocol_error(struct cg_proto_error *err, const char *code, const char *fmt, ...)
{
	va_list ap;

	snprintf(err->code, sizeof(err->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -errno_from_name(code);
}

/* ---- parsing -------------------------------------------------------------- */

static bool only_space(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

/* One JSON value spanning the whole buffer, or NULL with err filled. */
static json_object *parse_json(const char *buf, size_t len, int depth, struct cg_proto_error *err,
			       const char *what)
{
	struct json_tokener *tok;
	json_object *o;
	enum json_tokener_error jerr;

	if (len > INT32_MAX) {
		protocol_error(err, "E2BIG", "%s too long", what);
		return NULL;
	}
	tok = json_tokener_new_ex(depth);
	if (!tok) {
		protocol_error(err, "ENOMEM", "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	bool whole = false;
	o = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_continue) {
		/* A number or literal at the very end is only complete once the
		 * tokener knows nothing follows: feed it the terminator. */
		o = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		whole = true;
	}
	if (jerr == json_tokener_continue || jerr == json_tokener_error_parse_eof) {
		protocol_error(err, "EINVAL", "invalid %s: incomplete JSON", what);
		goto fail;
	}
	if (jerr != json_tokener_success) {
		protocol_error(err, "EINVAL", "invalid %s: %s", what, json_tokener_error_desc(jerr));
		goto fail;
	}
	if (!o) {
		protocol_error(err, "EINVAL", "invalid %s: null, not an object", what);
		goto fail;
	}
	size_t end = whole ? len : json_tokener_get_parse_end(tok);
	if (end < len && !only_space(buf + end, len - end)) {
		protocol_error(err, "EINVAL", "invalid %s: data after the JSON object", what);
		goto fail;
	}
	json_tokener_free(tok);
	return o;
fail:
	json_object_put(o);
	json_tokener_free(tok);
	return NULL;
}

static const char *type_name(json_type t)
{
	switch (t) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double: return "a number";
	case json_type_int: return "an integer";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	}
	return "?";
}

/* Quotes an untrusted name for a message: printable ASCII, bounded. */
static const char *quote(const char *s, char *buf, size_t len)
{
	size_t j = 0;
	for (size_t i = 0; s[i] && j + 4 < len; i++)
		buf[j++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (s[strnlen(s, len)] && j + 4 >= len) {
		buf[j++] = '.', buf[j++] = '.', buf[j++] = '.';
	}
	buf[j] = 0;
	return buf;
}

int protocol_parse_request(const char *line, size_t len, struct cg_request *ret,
			   struct cg_proto_error *err)
{
	json_object *req = NULL, *cmd = NULL, *args = NULL;
	char q[48];
	int rc = 0, c;

	*ret = (struct cg_request){};
	if (len > CG_PROTO_MAX_REQUEST)
		return protocol_error(err, "E2BIG", "request longer than %d bytes",
				      CG_PROTO_MAX_REQUEST);
	if (memchr(line, '\0', len))
		return protocol_error(err, "EINVAL", "invalid request: NUL byte");
	if (only_space(line, len))
		return protocol_error(err, "EINVAL", "empty request");

	req = parse_json(line, len, CG_PROTO_MAX_DEPTH, err, "request");
	if (!req)
		return -EINVAL;
	if (!json_object_is_type(req, json_type_object)) {
		rc = protocol_error(err, "EINVAL", "invalid request: %s, not an object",
				    type_name(json_object_get_type(req)));
		goto out;
	}
	bool have_cmd = false, have_args = false;
	json_object_object_foreach(req, key, val) {
		if (strcmp(key, "command") == 0)
			cmd = val, have_cmd = true;
		else if (strcmp(key, "arguments") == 0)
			args = val, have_args = true;
		else {
			rc = protocol_error(err, "EINVAL", "invalid request: unknown member \"%s\"",
					    quote(key, q, sizeof(q)));
			goto out;
		}
	}
	if (!have_cmd) {
		rc = protocol_error(err, "EINVAL", "invalid request: no \"command\"");
		goto out;
	}
	if (!json_object_is_type(cmd, json_type_string)) {
		rc = protocol_error(err, "EINVAL", "invalid request: \"command\" is %s, not a string",
				    type_name(json_object_get_type(cmd)));
		goto out;
	}
	c = protocol_command_from_string(json_object_get_string(cmd));
	if (c < 0 || (size_t)json_object_get_string_len(cmd) != strlen(json_object_get_string(cmd))) {
		rc = protocol_error(err, "ENOSYS", "unknown command \"%s\"",
				    quote(json_object_get_string(cmd), q, sizeof(q)));
		goto out;
	}
	ret->command = (enum cg_command)c;
	if (!have_args)
		goto out;
	if (!json_object_is_type(args, json_type_object)) {
		rc = protocol_error(err, "EINVAL", "invalid request: \"arguments\" is %s, not an object",
				    type_name(json_object_get_type(args)));
		goto out;
	}
	json_object_object_foreach(args, akey, aval) {
		const struct arg_spec *a = commands[c].args;
		while (a->name && strcmp(a->name, akey))
			a++;
		if (!a->name) {
			rc = protocol_error(err, "EINVAL", "%s: unknown argument \"%s\"",
					    commands[c].name, quote(akey, q, sizeof(q)));
			goto out;
		}
		if (!json_object_is_type(aval, a->type)) {
			rc = protocol_error(err, "EINVAL", "%s: argument \"%s\" is %s, not %s",
					    commands[c].name, a->name,
					    type_name(json_object_get_type(aval)), type_name(a->type));
			goto out;
		}
		rc = a->set(ret, aval, err);
		if (rc)
			goto out;
	}
out:
	json_object_put(req);
	if (rc)
		*ret = (struct cg_request){};
	return rc;
}

/* ---- building ------------------------------------------------------------- */

static char *to_line(json_object *o, size_t *ret_len)
{
	size_t n;
	const char *s = json_object_to_json_string_length(o, JSON_FLAGS, &n);
	char *line = s ? malloc(n + 2) : NULL;

	if (line) {
		memcpy(line, s, n);
		line[n] = '\n';
		line[n + 1] = 0;
		if (ret_len)
			*ret_len = n + 1;
	}
	json_object_put(o);
	return line;
}

char *protocol_reply_ok(json_object *result, size_t *ret_len)
{
	json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "result", result ? json_object_get(result)
						  : json_object_new_object());
	return to_line(o, ret_len);
}

char *protocol_reply_error(const char *code, const char *message, size_t *ret_len)
{
	return protocol_reply_error_details(code, message, NULL, ret_len);
}

char *protocol_reply_error_details(const char *code, const char *message, json_object *details,
				   size_t *ret_len)
{
	json_object *o = json_object_new_object(), *e = json_object_new_object();

	if (!o || !e) {
		json_object_put(o);
		json_object_put(e);
		return NULL;
	}
	json_object_object_add(e, "code", json_object_new_string(code));
	json_object_object_add(e, "message", json_object_new_string(message));
	if (details && json_object_is_type(details, json_type_object)) {
		json_object_object_foreach(details, key, val)
			if (strcmp(key, "code") && strcmp(key, "message"))
				json_object_object_add(e, key, json_object_get(val));
	}
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", e);
	return to_line(o, ret_len);
}

char *protocol_build_request(const struct cg_request *req, size_t *ret_len)
{
	json_object *o = json_object_new_object(), *a = json_object_new_object();
	char mac[18];

	if (!o || !a) {
		json_object_put(o);
		json_object_put(a);
		return NULL;
	}
	json_object_object_add(o, "command",
			       json_object_new_string(protocol_command_to_string(req->command)));
	switch (req->command) {
	case CG_CMD_STATS:
		if (req->policy[0])
			json_object_object_add(a, "policy", json_object_new_string(req->policy));
		if (req->devices)
			json_object_object_add(a, "devices", json_object_new_boolean(1));
		if (req->has_device) {
			addr_format_mac(req->device, mac);
			json_object_object_add(a, "device", json_object_new_string(mac));
		}
		if (req->prometheus)
			json_object_object_add(a, "prometheus", json_object_new_boolean(1));
		break;
	case CG_CMD_RELOAD:
		json_object_object_add(a, "dry_run", json_object_new_boolean(req->dry_run));
		break;
	case CG_CMD_CAMERAS:
		if (req->summary)
			json_object_object_add(a, "summary", json_object_new_boolean(1));
		if (req->policy[0])
			json_object_object_add(a, "policy", json_object_new_string(req->policy));
		if (req->vendor[0])
			json_object_object_add(a, "vendor", json_object_new_string(req->vendor));
		if (req->unknown)
			json_object_object_add(a, "unknown", json_object_new_boolean(1));
		if (req->mismatch)
			json_object_object_add(a, "mismatch", json_object_new_boolean(1));
		if (req->since)
			json_object_object_add(a, "since", json_object_new_int64((int64_t)req->since));
		if (req->vulnerable)
			json_object_object_add(a, "vulnerable", json_object_new_boolean(1));
		break;
	case CG_CMD_PROBE:
		if (req->iface[0])
			json_object_object_add(a, "interface", json_object_new_string(req->iface));
		if (req->result)
			json_object_object_add(a, "result", json_object_new_boolean(1));
		break;
	default:
		break;
	}
	json_object_object_add(o, "arguments", a);
	return to_line(o, ret_len);
}

int protocol_parse_reply(const char *line, size_t len, json_object **ret_result,
			 struct cg_proto_error *err)
{
	json_object *o, *ok, *v, *code, *msg;
	int rc;

	*ret_result = NULL;
	if (len > CG_PROTO_MAX_REPLY)
		return protocol_error(err, "EPROTO", "reply longer than %u bytes",
				      CG_PROTO_MAX_REPLY);
	o = parse_json(line, len, JSON_TOKENER_DEFAULT_DEPTH, err, "reply");
	if (!o) {
		snprintf(err->code, sizeof(err->code), "EPROTO");
		return -EPROTO;
	}
	if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "ok", &ok) ||
	    !json_object_is_type(ok, json_type_boolean)) {
		rc = protocol_error(err, "EPROTO", "invalid reply: no \"ok\"");
		goto out;
	}
	if (json_object_get_boolean(ok)) {
		if (!json_object_object_get_ex(o, "result", &v) ||
		    !json_object_is_type(v, json_type_object)) {
			rc = protocol_error(err, "EPROTO", "invalid reply: no \"result\" object");
			goto out;
		}
		*ret_result = json_object_get(v);
		rc = 0;
		goto out;
	}
	if (!json_object_object_get_ex(o, "error", &v) || !json_object_is_type(v, json_type_object) ||
	    !json_object_object_get_ex(v, "code", &code) ||
	    !json_object_is_type(code, json_type_string)) {
		rc = protocol_error(err, "EPROTO", "invalid reply: no \"error\" code");
		goto out;
	}
	rc = protocol_error(err, json_object_get_string(code), "%s",
			    json_object_object_get_ex(v, "message", &msg)
				    ? json_object_get_string(msg) : "");
out:
	json_object_put(o);
	return rc;
}

/* ---- human numbers ------------------------------------------------------- */

static void scaled(uint64_t v, unsigned base, const char *const *units, const char *sep,
		   char *buf, size_t len)
{
	double x = (double)v;
	int u = 0;

	if (v < base) {
		snprintf(buf, len, "%llu%s%s", (unsigned long long)v, units[0][0] ? sep : "",
			 units[0]);
		return;
	}
	while (x >= base && units[u + 1]) {
		x /= base;
		u++;
	}
	/* 999.96 would print as "1000.0": step up instead. */
	if (x >= base - 0.05 && units[u + 1]) {
		x /= base;
		u++;
	}
	snprintf(buf, len, x < 10 ? "%.1f%s%s" : "%.0f%s%s", x, sep, units[u]);
}

void protocol_human_count(uint64_t v, char *buf, size_t len)
{
	static const char *const units[] = { "", "k", "M", "G", "T", "P", "E", NULL };
	scaled(v, 1000, units, "", buf, len);
}

void protocol_human_bytes(uint64_t v, char *buf, size_t len)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB", NULL };
	scaled(v, 1000, units, " ", buf, len);
}

/* ---- JSON access for the renderers -------------------------------------- */

static json_object *get(json_object *o, const char *key)
{
	json_object *v;
	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static uint64_t get_u64(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	return v && (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double))
		       ? json_object_get_uint64(v) : 0;
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

static json_object *get_array(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	return v && json_object_is_type(v, json_type_array) ? v : NULL;
}

static size_t array_len(json_object *a)
{
	return a ? json_object_array_length(a) : 0;
}

/* ---- short vendor names --------------------------------------------------- */

/*
 * IEEE organisation names are long ("Hangzhou Hikvision Digital Technology
 * Co.,Ltd." is 44 characters) and a table of cameras is read by brand. The
 * camera makers camguard ships policies for, and their OEM and registry
 * spellings, get their brand name; anything else its first word that is not
 * a place, a company form or a generic word.
 */
static const struct {
	const char *word;       /* matched case-insensitively as a word prefix */
	const char *name;
} short_vendors[] = {
	{ "hikvision", "Hikvision" },   { "hikrobot", "Hikrobot" },    { "ezviz", "EZVIZ" },
	{ "dahua", "Dahua" },           { "huacheng", "Dahua" },       { "amcrest", "Amcrest" },
	{ "lorex", "Lorex" },           { "axis", "Axis" },            { "hanwha", "Hanwha" },
	{ "samsung techwin", "Hanwha" }, { "bosch", "Bosch" },         { "vcs video", "Bosch" },
	{ "uniview", "Uniview" },       { "tiandy", "Tiandy" },        { "lt security", "LTS" },
	{ "vivotek", "Vivotek" },       { "mobotix", "Mobotix" },      { "avigilon", "Avigilon" },
	{ "pelco", "Pelco" },           { "panasonic", "Panasonic" },  { "sony", "Sony" },
	{ "honeywell", "Honeywell" },   { "reolink", "Reolink" },      { "milesight", "Milesight" },
	{ "tp-link", "TP-Link" },       { "foscam", "Foscam" },        { "grandstream", "Grandstream" },
	{ "ubiquiti", "Ubiquiti" },     { "hanwha", "Hanwha" },
};

static const char *const vendor_filler[] = {
	"hangzhou", "zhejiang", "shenzhen", "beijing", "shanghai", "guangzhou", "prama", "the",
	"co", "ltd", "inc", "corp", "corporation", "company", "technology", "technologies",
	"digital", "gmbh", "ab", "llc", "limited", "electronics", "systems", "security",
};

static bool word_start(const char *s, size_t i)
{
	return i == 0 || !((s[i - 1] >= 'a' && s[i - 1] <= 'z') || (s[i - 1] >= 'A' && s[i - 1] <= 'Z'));
}

const char *protocol_short_vendor(const char *org, char *buf, size_t len)
{
	if (!len)
		return buf;
	buf[0] = 0;
	if (!org || !*org)
		return buf;
	for (size_t k = 0; k < sizeof(short_vendors) / sizeof(short_vendors[0]); k++) {
		size_t wl = strlen(short_vendors[k].word);
		for (size_t i = 0; org[i]; i++)
			if (word_start(org, i) && strncasecmp(org + i, short_vendors[k].word, wl) == 0) {
				snprintf(buf, len, "%s", short_vendors[k].name);
				return buf;
			}
	}
	/* The first word that says which company: letters, digits, '-', '&'. */
	for (const char *p = org; *p;) {
		while (*p && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			       (*p >= '0' && *p <= '9') || (unsigned char)*p >= 0x80))
			p++;
		const char *w = p;
		while (*p && *p != ' ' && *p != ',' && *p != '.' && *p != '(' && *p != ')' && *p != '"')
			p++;
		size_t n = (size_t)(p - w);
		bool filler = n == 0;
		for (size_t k = 0; !filler && k < sizeof(vendor_filler) / sizeof(vendor_filler[0]); k++)
			filler = strlen(vendor_filler[k]) == n && strncasecmp(w, vendor_filler[k], n) == 0;
		if (!filler) {
			snprintf(buf, len, "%.*s", (int)(n > 16 ? 16 : n), w);
			return buf;
		}
	}
	snprintf(buf, len, "%.16s", org);
	return buf;
}

/* ---- aligned tables ---------------------------------------------------- */

#define TABLE_MAX_COLS 12

struct table {
	int ncols;
	const char *head[TABLE_MAX_COLS];
	bool right[TABLE_MAX_COLS];
	/* '9' always shown, lower digits left out first when the width is
	 * short, 'e' always shown but shortened first, '-' never shown */
	char prio[TABLE_MAX_COLS];
	char **cells;            /* nrows * ncols */
	size_t nrows, cap;
	unsigned width;          /* 0: unlimited */
	bool oom;
};

/* align: one 'l' or 'r' per column. */
static void table_init(struct table *t, const char *align, ...)
{
	va_list ap;

	*t = (struct table){ .ncols = (int)strlen(align) };
	va_start(ap, align);
	for (int i = 0; i < t->ncols; i++) {
		t->head[i] = va_arg(ap, const char *);
		t->right[i] = align[i] == 'r';
		t->prio[i] = '9';
	}
	va_end(ap);
}

/* The layout: prio holds one digit per column (see struct table); wide
 * keeps every column. */
static void table_layout(struct table *t, const struct cg_render_opts *o, const char *prio)
{
	t->width = o->wide ? 0 : o->width;
	for (int i = 0; i < t->ncols && prio[i]; i++)
		t->prio[i] = prio[i];
}

static void table_add(struct table *t, ...)
{
	va_list ap;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **c = realloc(t->cells, cap * (size_t)t->ncols * sizeof(*c));
		if (!c) {
			t->oom = true;
			return;
		}
		t->cells = c;
		t->cap = cap;
	}
	va_start(ap, t);
	for (int i = 0; i < t->ncols; i++) {
		const char *s = va_arg(ap, const char *);
		char *dup = strdup(s ? s : "");
		if (!dup)
			t->oom = true;
		/* Names come from the network (vendor strings, policy files):
		 * no control characters reach the terminal. */
		for (char *p = dup; p && *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		t->cells[t->nrows * (size_t)t->ncols + (size_t)i] = dup;
	}
	va_end(ap);
	t->nrows++;
}

/* Columns in terminal cells: UTF-8 continuation bytes take none. */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* Writes s in w cells; a longer s is cut and ends in '~'. */
static void cell(FILE *out, const char *s, size_t w, bool right, bool last)
{
	size_t sw = width(s);

	if (sw > w) {
		size_t cells = 0, i = 0;
		for (; s[i]; i++) {
			if (((unsigned char)s[i] & 0xc0) != 0x80 && ++cells > w - 1)
				break;
		}
		fwrite(s, 1, i, out);
		fputc('~', out);
		return;
	}
	if (right)
		fprintf(out, "%*s", (int)(w - sw), "");
	fputs(s, out);
	if (!right && !last)
		fprintf(out, "%*s", (int)(w - sw), "");
}

static size_t row_width(const size_t *w, const bool *shown, int n)
{
	size_t total = 0;
	int k = 0;
	for (int i = 0; i < n; i++)
		if (shown[i])
			total += w[i] + (k++ ? 2 : 0);
	return total;
}

static bool table_shrink(struct table *t, size_t *w, const bool *shown, bool elastic_only)
{
	size_t total = row_width(w, shown, t->ncols);
	int cut = -1;

	if (total <= t->width)
		return false;
	for (int i = 1; i < t->ncols; i++) {
		size_t min = width(t->head[i]) > 8 ? width(t->head[i]) : 8;
		if (shown[i] && !t->right[i] && w[i] > min && (!elastic_only || t->prio[i] == 'e') &&
		    (cut < 0 || w[i] > w[cut]))
			cut = i;
	}
	if (cut < 0)
		return false;
	size_t min = width(t->head[cut]) > 8 ? width(t->head[cut]) : 8;
	w[cut] = w[cut] - min > total - t->width ? w[cut] - (total - t->width) : min;
	return true;
}

/* Leaves out the column of lowest priority below limit (the rightmost of
 * equals); false when there is none. */
static bool table_drop(struct table *t, const size_t *w, bool *shown, char limit)
{
	int drop = -1;

	if (row_width(w, shown, t->ncols) <= t->width)
		return false;
	for (int i = 0; i < t->ncols; i++)
		if (shown[i] && t->prio[i] < limit && (drop < 0 || t->prio[i] <= t->prio[drop]))
			drop = i;
	if (drop < 0)
		return false;
	shown[drop] = false;
	return true;
}

/* Fits the table into t->width: leaves out the minor columns (priority
 * below 5), shortens the free-text column marked 'e' (addresses, reasons),
 * leaves out the other optional columns, then shortens the widest
 * left-aligned column. Nothing is shortened below its heading or 8 cells. */
static void table_fit(struct table *t, size_t *w, bool *shown)
{
	for (int i = 0; i < t->ncols; i++)
		if (t->prio[i] == '-')
			shown[i] = false;
	if (!t->width)
		return;
	while (table_drop(t, w, shown, '5'))
		;
	while (table_shrink(t, w, shown, true))
		;
	while (table_drop(t, w, shown, '9'))
		;
	while (table_shrink(t, w, shown, false))
		;
}

static void table_print(struct table *t, FILE *out)
{
	size_t w[TABLE_MAX_COLS];
	bool shown[TABLE_MAX_COLS];
	int last = 0;

	for (int i = 0; i < t->ncols; i++) {
		w[i] = width(t->head[i]);
		shown[i] = true;
	}
	for (size_t r = 0; r < t->nrows; r++)
		for (int i = 0; i < t->ncols; i++) {
			const char *s = t->cells[r * (size_t)t->ncols + (size_t)i];
			if (s && width(s) > w[i])
				w[i] = width(s);
		}
	table_fit(t, w, shown);
	for (int i = 0; i < t->ncols; i++)
		if (shown[i])
			last = i;
	for (size_t r = 0; r <= t->nrows; r++) {
		bool first = true;
		for (int i = 0; i < t->ncols; i++) {
			if (!shown[i])
				continue;
			const char *s = r ? t->cells[(r - 1) * (size_t)t->ncols + (size_t)i] : t->head[i];
			if (i == last && !t->right[i] && !(s && *s))
				break;     /* no trailing blanks */
			if (!first)
				fputs("  ", out);
			cell(out, s ? s : "", w[i], t->right[i], i == last);
			first = false;
		}
		fputc('\n', out);
	}
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
}

static int table_done(struct table *t, FILE *out)
{
	int rc = t->oom ? -ENOMEM : 0;
	if (!rc)
		table_print(t, out);
	table_free(t);
	return rc;
}

/* ---- numbers and times ------------------------------------------------------ */

/* Exact decimal: a table watched with `watch -d` must show every change. */
static const char *num(uint64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

/* "2026-01-02T03:04:05Z" (as the daemon writes times) -> seconds, or -1. */
static int64_t parse_time(const char *s)
{
	struct tm tm = {};
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end || (*end && *end != 'Z'))
		return -1;
	return (int64_t)timegm(&tm);
}

/* "45s ago", "12m ago", "3h ago", "5d ago"; the time itself when it is not
 * one the daemon wrote. */
static const char *age(const char *when, const struct cg_render_opts *o, char *buf, size_t len)
{
	int64_t t = parse_time(when), now = o->now ? o->now : (int64_t)time(NULL);
	if (t < 0 || o->wide) {
		snprintf(buf, len, "%s", when);
		return buf;
	}
	uint64_t d = now > t ? (uint64_t)(now - t) : 0;
	if (d < 60)
		snprintf(buf, len, "%llus ago", (unsigned long long)d);
	else if (d < 3600)
		snprintf(buf, len, "%llum ago", (unsigned long long)(d / 60));
	else if (d < 86400)
		snprintf(buf, len, "%lluh ago", (unsigned long long)(d / 3600));
	else
		snprintf(buf, len, "%llud ago", (unsigned long long)(d / 86400));
	return buf;
}

int protocol_parse_duration(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v == 0)
		return -EINVAL;
	uint64_t mul = !*end ? 1 : !strcmp(end, "s") ? 1 : !strcmp(end, "m") ? 60
		     : !strcmp(end, "h") ? 3600 : !strcmp(end, "d") ? 86400
		     : !strcmp(end, "w") ? 7 * 86400 : 0;
	if (!mul || v > 10ull * 366 * 86400 / mul)
		return -EINVAL;
	*ret = v * mul;
	return 0;
}

/* ---- stats ------------------------------------------------------------------ */

struct numstr {
	char pp[24], pb[24], dp[24], db[24];
};

static void fill_counts(json_object *o, struct numstr *n)
{
	num(get_u64(get(o, "pass"), "packets"), n->pp, sizeof(n->pp));
	num(get_u64(get(o, "pass"), "bytes"), n->pb, sizeof(n->pb));
	num(get_u64(get(o, "drop"), "packets"), n->dp, sizeof(n->dp));
	num(get_u64(get(o, "drop"), "bytes"), n->db, sizeof(n->db));
}

/* "egress 1200, port 17, +2": the non-zero reasons, largest first. */
static void top_reasons(json_object *reasons, char *buf, size_t len)
{
	struct {
		const char *name;
		uint64_t n;
	} r[32];
	size_t nr = 0, off = 0;

	buf[0] = 0;
	if (!reasons || !json_object_is_type(reasons, json_type_object))
		return;
	json_object_object_foreach(reasons, key, val) {
		uint64_t n = json_object_get_uint64(val);
		if (n && nr < 32)
			r[nr++].name = key, r[nr - 1].n = n;
	}
	for (size_t i = 1; i < nr; i++)          /* few entries: insertion sort */
		for (size_t j = i; j > 0 && r[j].n > r[j - 1].n; j--) {
			__typeof__(r[0]) tmp = r[j];
			r[j] = r[j - 1];
			r[j - 1] = tmp;
		}
	for (size_t i = 0; i < nr && i < 3; i++)
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%s %llu",
					i ? ", " : "", r[i].name, (unsigned long long)r[i].n);
	if (nr > 3 && off < len)
		snprintf(buf + off, len - off, ", +%zu", nr - 3);
	if (nr == 0)
		snprintf(buf, len, "-");
}

/* Per-second rate of o.verdict.packets against the same policy in prev. */
static const char *rate(json_object *o, json_object *prev, const char *verdict, double interval,
			char *buf, size_t len)
{
	uint64_t now = get_u64(get(o, verdict), "packets"), then = get_u64(get(prev, verdict), "packets");
	if (!prev || interval <= 0 || now < then)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.0f", (double)(now - then) / interval);
	return buf;
}

static json_object *find_by(json_object *arr, const char *key, const char *value)
{
	for (size_t i = 0; i < array_len(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		if (strcmp(get_str(e, key), value) == 0)
			return e;
	}
	return NULL;
}

static int render_stats(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	json_object *pols = get_array(res, "policies"), *devs = get_array(res, "devices");
	json_object *prev_pols = get_array(o->prev, "policies");
	uint64_t tot[5] = {};
	struct table t;
	struct numstr n;
	char ndev[24], reasons[160], pr[24], dr[24];
	int rc;

	if (!pols)
		return -EINVAL;
	table_init(&t, "llrrrrrrrl", "POLICY", "ACTION", "DEVICES", "PASS PKTS", "PASS/S",
		   "PASS BYTES", "DROP PKTS", "DROP/S", "DROP BYTES", "DROPPED FOR");
	/* bytes with --wide only: the default table is packets, exactly */
	table_layout(&t, o, o->wide ? (o->prev ? "9999999999" : "9999-99-99")
				     : (o->prev ? "99999-99-e" : "9999--9--e"));
	for (size_t i = 0; i < array_len(pols); i++) {
		json_object *p = json_object_array_get_idx(pols, i);
		json_object *pp = find_by(prev_pols, "name", get_str(p, "name"));
		fill_counts(p, &n);
		top_reasons(get(p, "drop_reasons"), reasons, sizeof(reasons));
		table_add(&t, get_str(p, "name"), get_str(p, "action"),
			  num(get_u64(p, "devices"), ndev, sizeof(ndev)), n.pp,
			  rate(p, pp, "pass", o->interval, pr, sizeof(pr)), n.pb, n.dp,
			  rate(p, pp, "drop", o->interval, dr, sizeof(dr)), n.db, reasons);
		tot[0] += get_u64(p, "devices");
		tot[1] += get_u64(get(p, "pass"), "packets");
		tot[2] += get_u64(get(p, "pass"), "bytes");
		tot[3] += get_u64(get(p, "drop"), "packets");
		tot[4] += get_u64(get(p, "drop"), "bytes");
	}
	if (array_len(pols) > 1) {
		json_object *sum = json_object_new_object(), *psum = NULL;
		for (int v = 0; v < 2; v++) {
			json_object *c = json_object_new_object();
			json_object_object_add(c, "packets", json_object_new_uint64(tot[1 + 2 * v]));
			json_object_object_add(sum, v ? "drop" : "pass", c);
		}
		if (prev_pols) {
			uint64_t pt[2] = {};
			psum = json_object_new_object();
			for (size_t i = 0; i < array_len(prev_pols); i++)
				for (int v = 0; v < 2; v++)
					pt[v] += get_u64(get(json_object_array_get_idx(prev_pols, i),
							     v ? "drop" : "pass"), "packets");
			for (int v = 0; v < 2; v++) {
				json_object *c = json_object_new_object();
				json_object_object_add(c, "packets", json_object_new_uint64(pt[v]));
				json_object_object_add(psum, v ? "drop" : "pass", c);
			}
		}
		num(tot[0], ndev, sizeof(ndev));
		num(tot[1], n.pp, sizeof(n.pp));
		num(tot[2], n.pb, sizeof(n.pb));
		num(tot[3], n.dp, sizeof(n.dp));
		num(tot[4], n.db, sizeof(n.db));
		table_add(&t, "(total)", "", ndev, n.pp, rate(sum, psum, "pass", o->interval, pr, sizeof(pr)),
			  n.pb, n.dp, rate(sum, psum, "drop", o->interval, dr, sizeof(dr)), n.db, "");
		json_object_put(sum);
		json_object_put(psum);
	}
	if ((rc = table_done(&t, out)))
		return rc;

	if (devs && array_len(devs)) {
		json_object *prev_devs = get_array(o->prev, "devices");
		fputc('\n', out);
		table_init(&t, "lllrrrrrr", "DEVICE", "VENDOR", "POLICY", "PASS PKTS", "PASS/S",
			   "PASS BYTES", "DROP PKTS", "DROP/S", "DROP BYTES");
		table_layout(&t, o, o->wide ? (o->prev ? "999999999" : "9999-99-9")
					     : (o->prev ? "97999-99-" : "9799--9--"));
		for (size_t i = 0; i < array_len(devs); i++) {
			json_object *d = json_object_array_get_idx(devs, i);
			json_object *pd = find_by(prev_devs, "mac", get_str(d, "mac"));
			char vendor[64];
			fill_counts(d, &n);
			table_add(&t, get_str(d, "mac"),
				  o->wide ? get_str(d, "vendor")
					  : protocol_short_vendor(get_str(d, "vendor"), vendor, sizeof(vendor)),
				  get_str(d, "policy"), n.pp, rate(d, pd, "pass", o->interval, pr, sizeof(pr)),
				  n.pb, n.dp, rate(d, pd, "drop", o->interval, dr, sizeof(dr)), n.db);
		}
		if ((rc = table_done(&t, out)))
			return rc;
	}
	fprintf(out, "\ngeneration %llu", (unsigned long long)get_u64(res, "generation"));
	json_object *nft = get(res, "nftables");
	if (nft && json_object_is_type(nft, json_type_object)) {
		json_object *present = get(nft, "present");
		fprintf(out, ", nftables table inet camguard %s",
			present && json_object_get_boolean(present) ? "present" : "MISSING");
	}
	if (!devs)
		fprintf(out, "; per device: --devices");
	fputc('\n', out);
	return 0;
}

/* ---- cameras ---------------------------------------------------------------- */

static void join_strings(json_object *a, char *buf, size_t len, size_t *off)
{
	for (size_t i = 0; i < array_len(a); i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(a, i));
		*off += (size_t)snprintf(buf + *off, *off < len ? len - *off : 0, "%s%s",
					 *off ? "," : "", s ? s : "");
	}
}

static bool get_bool(json_object *o, const char *key);

/* cameras --summary: {"summary":[{"vendor","model","count"}],"devices","mismatched"} */
static int render_summary(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	json_object *sum = get_array(res, "summary");
	struct table t;
	int rc;

	table_init(&t, "llr", "VENDOR", "MODEL", "COUNT");
	table_layout(&t, o, "999");
	for (size_t i = 0; i < array_len(sum); i++) {
		json_object *e = json_object_array_get_idx(sum, i);
		char n[24];
		snprintf(n, sizeof(n), "%llu", (unsigned long long)get_u64(e, "count"));
		char v[64];
		table_add(&t, !*get_str(e, "vendor") ? "(unknown)"
			      : o->wide ? get_str(e, "vendor")
					: protocol_short_vendor(get_str(e, "vendor"), v, sizeof(v)),
			  *get_str(e, "model") ? get_str(e, "model") : "(not announced)", n);
	}
	if ((rc = table_done(&t, out)))
		return rc;
	fprintf(out, "\n%llu devices, %zu vendor/model combinations",
		(unsigned long long)get_u64(res, "devices"), array_len(sum));
	if (get_u64(res, "mismatched"))
		fprintf(out, ", %llu announcing another manufacturer than their MAC's vendor",
			(unsigned long long)get_u64(res, "mismatched"));
	fputc('\n', out);
	if (get_u64(res, "not_announced") && *get_str(res, "last_probe"))
		fprintf(out, "%llu not announced: no model after the probe of %s\n",
			(unsigned long long)get_u64(res, "not_announced"), get_str(res, "last_probe"));
	return 0;
}

/* cameras --vulnerable: one row per device and advisory (exact or likely). */
static int render_vulnerable(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	json_object *cams = get_array(res, "cameras");
	struct table t;
	size_t rows = 0;
	int rc;

	table_init(&t, "llllllll", "DEVICE", "MODEL", "FIRMWARE", "CVE", "CONFIDENCE", "KEV",
		   "FIXED", "POLICY");
	/* at 80 columns: MAC, CVE, confidence, policy and the firmware (cut
	 * first); the fixed version, the model and KEV from wider */
	table_layout(&t, o, "96e9957" "8");
	for (size_t i = 0; i < array_len(cams); i++) {
		json_object *c = json_object_array_get_idx(cams, i), *advs = get_array(c, "advisories");

		for (size_t j = 0; j < array_len(advs); j++) {
			json_object *a = json_object_array_get_idx(advs, j);
			const char *conf = get_str(a, "confidence");

			if (strcmp(conf, "exact") && strcmp(conf, "likely"))
				continue;
			table_add(&t, get_str(c, "mac"), *get_str(c, "model") ? get_str(c, "model") : "-",
				  *get_str(c, "firmware") ? get_str(c, "firmware") : "-", get_str(a, "cve"),
				  conf, get_bool(a, "kev") ? "yes" : "no",
				  *get_str(a, "fixed") ? get_str(a, "fixed") : "-", get_str(c, "policy"));
			rows++;
		}
	}
	if ((rc = table_done(&t, out)))
		return rc;
	fprintf(out, "\n%zu device%s affected by a known vulnerability (%zu match%s)\n",
		array_len(cams), array_len(cams) == 1 ? "" : "s", rows, rows == 1 ? "" : "es");
	return 0;
}

/* The first address and how many more (--wide lists all); link-local IPv6
 * addresses, which every device has, are not counted. */
static void narrow_addresses(json_object *c, char *buf, size_t len)
{
	const char *first = NULL;
	size_t n = 0;

	for (int fam = 0; fam < 2; fam++) {
		json_object *a = get_array(c, fam ? "ipv6" : "ipv4");
		for (size_t i = 0; i < array_len(a); i++) {
			const char *s = json_object_get_string(json_object_array_get_idx(a, i));
			if (!s || !strncasecmp(s, "fe80:", 5))
				continue;
			if (!n++)
				first = s;
		}
	}
	if (!first)
		return;     /* only link-local ones: leave them as they are */
	if (n > 1)
		snprintf(buf, len, "%s +%zu", first, n - 1);
	else
		snprintf(buf, len, "%s", first);
}

/* The VENDOR cell: the MAC's vendor, and for a device that announces another
 * manufacturer (a rebrand, or a spoofed MAC) "!" and what it announced. */
static void vendor_cell(json_object *c, const struct cg_render_opts *o, char *buf, size_t len)
{
	char v[64], m[64];
	const char *vendor = get_str(c, "vendor"), *manu = get_str(c, "manufacturer");

	if (!o->wide) {
		vendor = protocol_short_vendor(vendor, v, sizeof(v));
		manu = protocol_short_vendor(manu, m, sizeof(m));
	}
	if (!get_bool(c, "mismatch"))
		snprintf(buf, len, "%s", *vendor ? vendor : "-");
	else
		snprintf(buf, len, "%s%s!%s", vendor, *vendor ? " " : "", *manu ? manu : "?");
}

static int render_cameras(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	json_object *cams = get_array(res, "cameras");
	struct table t;
	size_t mismatched = 0, vulnerable = 0;
	int rc;

	if (get_array(res, "summary"))
		return render_summary(res, o, out);
	if (!cams)
		return -EINVAL;
	if (get_bool(res, "only_vulnerable"))
		return render_vulnerable(res, o, out);
	/* narrow: times are ages, "SEEN 5m ago" */
	table_init(&t, "llllllrllll", "DEVICE", "VENDOR", "POLICY", "MODEL", "FIRMWARE", "SOURCE",
		   "VLAN", "INTERFACE", "ADDRESSES", "FIRST SEEN", o->wide ? "LAST SEEN" : "SEEN");
	/* at 80 columns: MAC, vendor, policy, address, last seen; the model
	 * from about 100. SOURCE (which protocol said the model and the
	 * firmware) only with --wide: it never fits beside the others, and a
	 * column that comes and goes with the terminal's width would
	 * push out the ones people look for. */
	table_layout(&t, o, o->wide ? "99999999999" : "99964-23817");
	for (size_t i = 0; i < array_len(cams); i++) {
		json_object *c = json_object_array_get_idx(cams, i);
		char vlan[8] = "-", addrs[512], vendor[256], first[32], last[32], mac[32];
		size_t off = 0;

		if (get_u64(c, "vlan"))
			snprintf(vlan, sizeof(vlan), "%llu", (unsigned long long)get_u64(c, "vlan"));
		addrs[0] = 0;
		join_strings(get_array(c, "ipv4"), addrs, sizeof(addrs), &off);
		join_strings(get_array(c, "ipv6"), addrs, sizeof(addrs), &off);
		if (!o->wide)
			narrow_addresses(c, addrs, sizeof(addrs));
		mismatched += get_bool(c, "mismatch");
		vendor_cell(c, o, vendor, sizeof(vendor));
		/* '*' after the MAC, a column every width shows: an advisory
		 * affects the device (issue 18) */
		vulnerable += get_bool(c, "vulnerable");
		snprintf(mac, sizeof(mac), "%s%s", get_str(c, "mac"), get_bool(c, "vulnerable") ? " *" : "");
		/* Which protocol said the model and the firmware: "sadp", or
		 * "onvif/dhcp" when they came from two. */
		char src[32] = "-";
		json_object *facts = NULL, *fm = NULL, *ff = NULL;
		if (json_object_object_get_ex(c, "facts", &facts)) {
			json_object_object_get_ex(facts, "model", &fm);
			json_object_object_get_ex(facts, "firmware", &ff);
		}
		const char *sm = fm ? get_str(fm, "source") : "", *sf = ff ? get_str(ff, "source") : "";
		if (*sm || *sf)
			snprintf(src, sizeof(src), "%s%s%s", *sm ? sm : sf,
				 *sm && *sf && strcmp(sm, sf) ? "/" : "",
				 *sm && *sf && strcmp(sm, sf) ? sf : "");
		table_add(&t, mac, vendor, get_str(c, "policy"),
			  *get_str(c, "model") ? get_str(c, "model") : "-",
			  *get_str(c, "firmware") ? get_str(c, "firmware") : "-", src, vlan,
			  *get_str(c, "interface") ? get_str(c, "interface") : "-",
			  addrs[0] ? addrs : "-", age(get_str(c, "first_seen"), o, first, sizeof(first)),
			  age(get_str(c, "last_seen"), o, last, sizeof(last)));
	}
	if ((rc = table_done(&t, out)))
		return rc;
	fprintf(out, "\n%zu devices", array_len(cams));
	if (get_u64(res, "count") > array_len(cams))
		fprintf(out, " of %llu (filtered)", (unsigned long long)get_u64(res, "count"));
	if (get_u64(res, "evicted"))
		fprintf(out, ", %llu evicted (inventory full)",
			(unsigned long long)get_u64(res, "evicted"));
	fputc('\n', out);
	if (mismatched)
		fprintf(out, "!X: %zu device%s announce%s manufacturer X, not the vendor of %s MAC\n",
			mismatched, mismatched == 1 ? "" : "s", mismatched == 1 ? "s" : "",
			mismatched == 1 ? "its" : "their");
	if (vulnerable)
		fprintf(out, "*: %zu device%s run%s firmware with a known vulnerability (see --vulnerable)\n",
			vulnerable, vulnerable == 1 ? "" : "s", vulnerable == 1 ? "s" : "");
	return 0;
}

/* advisories: the loaded entries and how many devices each matches. */
static int render_advisories(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	json_object *advs = get_array(res, "advisories");
	struct table t;
	int rc;

	if (!advs)
		return -EINVAL;
	table_init(&t, "llllllrrr", "CVE", "VENDOR", "MODELS", "AFFECTED", "FIXED", "KEV", "EXACT",
		   "LIKELY", "UNKNOWN");
	/* at 80 columns the models and the range are cut first */
	table_layout(&t, o, "99ee7999" "9");
	for (size_t i = 0; i < array_len(advs); i++) {
		json_object *a = json_object_array_get_idx(advs, i), *dev = get(a, "devices");
		char models[256] = "", n[3][24];
		size_t off = 0;

		/* The first pattern and how many more: the full list is in --json. */
		json_object *ml = get_array(a, "models");
		if (array_len(ml))
			off = (size_t)snprintf(models, sizeof(models), "%s",
					       json_object_get_string(json_object_array_get_idx(ml, 0)));
		if (array_len(ml) > 1)
			snprintf(models + off, sizeof(models) - off, " (+%zu)", array_len(ml) - 1);
		snprintf(n[0], sizeof(n[0]), "%llu", (unsigned long long)get_u64(dev, "exact"));
		snprintf(n[1], sizeof(n[1]), "%llu", (unsigned long long)get_u64(dev, "likely"));
		snprintf(n[2], sizeof(n[2]), "%llu", (unsigned long long)get_u64(dev, "unknown"));
		table_add(&t, get_str(a, "cve"), get_str(a, "vendor"), models[0] ? models : "(any)",
			  get_str(a, "affected"), *get_str(a, "fixed") ? get_str(a, "fixed") : "-",
			  get_bool(a, "kev") ? "yes" : "no", n[0], n[1], n[2]);
	}
	if ((rc = table_done(&t, out)))
		return rc;
	fprintf(out, "\n%zu advisor%s loaded; %llu device%s affected (exact or likely)\n",
		array_len(advs), array_len(advs) == 1 ? "y" : "ies",
		(unsigned long long)get_u64(res, "affected_devices"),
		get_u64(res, "affected_devices") == 1 ? "" : "s");
	return 0;
}

/* ---- blocked ---------------------------------------------------------------- */

/* "192.0.2.1:443", "[2001:db8::1]:443": a port after an IPv6 address needs
 * the brackets (RFC 5952 section 6). */
static void peer_port(json_object *b, char *buf, size_t len)
{
	const char *addr = get_str(b, "address");
	uint64_t port = get_u64(b, "port");

	if (!port)
		snprintf(buf, len, "%s", addr);
	else if (strchr(addr, ':'))
		snprintf(buf, len, "[%s]:%llu", addr, (unsigned long long)port);
	else
		snprintf(buf, len, "%s:%llu", addr, (unsigned long long)port);
}

static int render_blocked(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	json_object *devs = get_array(res, "devices"), *pols = get_array(res, "policies");
	struct table t;
	char peer[96], count[24], reason[48], last[32];
	int rc;

	if (!devs || !pols)
		return -EINVAL;
	table_init(&t, "llllllrl", "DEVICE", "POLICY", "DIR", "PEER", "PROTO", "REASON", "COUNT",
		   "LAST");
	table_layout(&t, o, "96498795");
	for (size_t i = 0; i < array_len(devs); i++) {
		json_object *d = json_object_array_get_idx(devs, i), *bl = get_array(d, "blocked");
		for (size_t j = 0; j < array_len(bl); j++) {
			json_object *b = json_object_array_get_idx(bl, j), *would = get(b, "would");
			peer_port(b, peer, sizeof(peer));
			snprintf(reason, sizeof(reason), "%s%s", get_str(b, "reason"),
				 would && json_object_get_boolean(would) ? " (would)" : "");
			table_add(&t, get_str(d, "mac"), get_str(d, "policy"), get_str(b, "direction"),
				  peer, get_str(b, "proto"), reason, num(get_u64(b, "count"), count, sizeof(count)),
				  age(get_str(b, "last"), o, last, sizeof(last)));
		}
	}
	if ((rc = table_done(&t, out)))
		return rc;
	fputc('\n', out);
	table_init(&t, "lllllrr", "POLICY", "DIR", "PEER", "PROTO", "REASON", "COUNT", "DEVICES");
	table_layout(&t, o, "9598797");
	for (size_t i = 0; i < array_len(pols); i++) {
		json_object *p = json_object_array_get_idx(pols, i), *bl = get_array(p, "blocked");
		for (size_t j = 0; j < array_len(bl); j++) {
			json_object *b = json_object_array_get_idx(bl, j);
			char ndev[24];
			peer_port(b, peer, sizeof(peer));
			table_add(&t, get_str(p, "name"), get_str(b, "direction"), peer,
				  get_str(b, "proto"), get_str(b, "reason"),
				  num(get_u64(b, "count"), count, sizeof(count)),
				  num(get_u64(b, "devices"), ndev, sizeof(ndev)));
		}
	}
	return table_done(&t, out);
}

/* ---- status ----------------------------------------------------------------- */

static void human_duration(uint64_t s, char *buf, size_t len)
{
	if (s >= 86400)
		snprintf(buf, len, "%llud %lluh", (unsigned long long)(s / 86400),
			 (unsigned long long)(s % 86400 / 3600));
	else if (s >= 3600)
		snprintf(buf, len, "%lluh %llum", (unsigned long long)(s / 3600),
			 (unsigned long long)(s % 3600 / 60));
	else if (s >= 60)
		snprintf(buf, len, "%llum %llus", (unsigned long long)(s / 60),
			 (unsigned long long)(s % 60));
	else
		snprintf(buf, len, "%llus", (unsigned long long)s);
}

static bool get_bool(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	return v && json_object_get_boolean(v);
}

static int render_status(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	json_object *ifs = get_array(res, "interfaces"), *files = get_array(res, "files");
	json_object *reg = get(res, "registry"), *nft = get(res, "nftables");
	json_object *rel = get(res, "reloads"), *last = get(rel, "last"), *tam = get(res, "tamper");
	json_object *inv = get(res, "inventory");
	char up[32];
	struct table t;
	int rc;

	if (!get(res, "version"))
		return -EINVAL;
	human_duration(get_u64(res, "uptime"), up, sizeof(up));
	fprintf(out, "version:     %s\n", get_str(res, "version"));
	fprintf(out, "uptime:      %s (since %s)\n", up, get_str(res, "started"));
	fprintf(out, "generation:  %llu\n", (unsigned long long)get_u64(res, "generation"));
	fprintf(out, "policies:    %llu from %s, files sha256 %.16s\n",
		(unsigned long long)get_u64(res, "policies"), get_str(res, "config"),
		get_str(res, "files_hash"));
	if (reg)
		fprintf(out, "registry:    %s%s%s%s\n",
			get_bool(reg, "read") ? get_str(reg, "path") : "not read (no policy names vendors)",
			*get_str(reg, "date") ? " (" : "", get_str(reg, "date"),
			*get_str(reg, "date") ? ")" : "");
	if (!nft || json_object_is_type(nft, json_type_null))
		fprintf(out, "nftables:    disabled\n");
	else
		fprintf(out, "nftables:    table inet camguard %s, %llu chains, %llu rules\n",
			get_bool(nft, "present") ? "present" : "MISSING",
			(unsigned long long)get_u64(nft, "chains"),
			(unsigned long long)get_u64(nft, "rules"));
	if (last) {
		/* The daemon's message of a good reload names the generation
		 * itself ("9 policies, generation 2"): say it once. */
		const char *msg = get_str(last, "message");
		fprintf(out, "last reload: %s at %s", get_bool(last, "ok") ? "ok" : "FAILED",
			get_str(last, "time"));
		if (!strstr(msg, "generation"))
			fprintf(out, ", generation %llu", (unsigned long long)get_u64(last, "generation"));
		fprintf(out, ": %s\n", msg);
	}
	fprintf(out, "reloads:     %llu ok, %llu failed\n", (unsigned long long)get_u64(rel, "ok"),
		(unsigned long long)get_u64(rel, "failed"));
	fprintf(out, "tamper:      %llu events%s%s\n", (unsigned long long)get_u64(tam, "events"),
		*get_str(tam, "last") ? ", last: " : "", get_str(tam, "last"));
	json_object *mv = get(res, "moves");
	if (mv)
		fprintf(out, "moves:       %llu devices moved to another policy%s%s\n",
			(unsigned long long)get_u64(mv, "total"),
			*get_str(mv, "last") ? ", last: " : "", get_str(mv, "last"));
	fprintf(out, "inventory:   %llu devices, %llu evicted",
		(unsigned long long)get_u64(inv, "devices"),
		(unsigned long long)get_u64(inv, "evicted"));
	if (get(inv, "mismatched"))
		fprintf(out, ", %llu announce another manufacturer",
			(unsigned long long)get_u64(inv, "mismatched"));
	fputc('\n', out);
	json_object *adv = get(res, "advisories");
	if (adv)
		fprintf(out, "advisories:  %llu loaded, %llu devices affected, %llu under advisory policies\n",
			(unsigned long long)get_u64(adv, "entries"),
			(unsigned long long)get_u64(adv, "affected_devices"),
			(unsigned long long)get_u64(adv, "moved_devices"));
	json_object *ann = get(inv, "announcements");
	if (ann)
		fprintf(out, "announced:   %llu frames copied (%llu rate-limited), %llu read, "
			"%llu ignored, %llu malformed\n",
			(unsigned long long)get_u64(ann, "copies"),
			(unsigned long long)get_u64(ann, "limited"),
			(unsigned long long)get_u64(ann, "parsed"),
			(unsigned long long)get_u64(ann, "ignored"),
			(unsigned long long)get_u64(ann, "malformed"));

	fputc('\n', out);
	table_init(&t, "llrllrl", "INTERFACE", "MODE", "IFINDEX", "ATTACHED", "EXPECTED",
		   "ATTACHES", "ERROR");
	table_layout(&t, o, "994935e");
	for (size_t i = 0; i < array_len(ifs); i++) {
		json_object *f = json_object_array_get_idx(ifs, i), *hooks = get(f, "hooks");
		json_object *exp = get_array(f, "expected");
		char idx[16], att[96] = "", ex[96] = "", n[16];
		size_t off = 0;

		if (hooks && json_object_is_type(hooks, json_type_object)) {
			json_object_object_foreach(hooks, key, val)
				if (json_object_get_boolean(val))
					off += (size_t)snprintf(att + off, off < sizeof(att) ? sizeof(att) - off : 0,
								"%s%s", off ? "," : "", key);
		}
		off = 0;
		join_strings(exp, ex, sizeof(ex), &off);
		snprintf(idx, sizeof(idx), "%llu", (unsigned long long)get_u64(f, "ifindex"));
		snprintf(n, sizeof(n), "%llu", (unsigned long long)get_u64(f, "attaches"));
		table_add(&t, get_str(f, "name"), get_str(f, "mode"),
			  get_u64(f, "ifindex") ? idx : "-", att[0] ? att : "-", ex[0] ? ex : "-", n,
			  *get_str(f, "error") ? get_str(f, "error") : "-");
	}
	if ((rc = table_done(&t, out)))
		return rc;

	fputc('\n', out);
	table_init(&t, "ll", "FILE", "SHA256");
	table_layout(&t, o, "99");
	for (size_t i = 0; i < array_len(files); i++) {
		json_object *f = json_object_array_get_idx(files, i);
		char h[20];
		/* 16 hex digits tell files apart; --wide or --json for all 64. */
		snprintf(h, sizeof(h), "%.16s", get_str(f, "sha256"));
		table_add(&t, get_str(f, "path"), o->wide ? get_str(f, "sha256") : h);
	}
	return table_done(&t, out);
}

/* ---- reload ----------------------------------------------------------------- */

void protocol_render_errors(json_object *o, FILE *out)
{
	json_object *errs = get_array(o, "errors");
	uint64_t total = get_u64(o, "errors_total");

	for (size_t i = 0; i < array_len(errs); i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(errs, i));
		fputs("  ", out);
		for (; s && *s; s++)
			fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
		fputc('\n', out);
	}
	if (total > array_len(errs))
		fprintf(out, "  ... and %llu more (camguardd --check lists every one)\n",
			(unsigned long long)(total - array_len(errs)));
}

json_object *protocol_reply_error_object(const char *line, size_t len)
{
	struct cg_proto_error err;
	json_object *o = parse_json(line, len, JSON_TOKENER_DEFAULT_DEPTH, &err, "reply"), *e = NULL;

	if (o && json_object_is_type(o, json_type_object) && !get_bool(o, "ok") &&
	    (e = get(o, "error")) && json_object_is_type(e, json_type_object))
		json_object_get(e);
	else
		e = NULL;
	json_object_put(o);
	return e;
}

static int render_reload(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	json_object *changes = get_array(res, "changes");
	bool dry = get_bool(res, "dry_run");
	struct table t;

	if (!get(res, "valid"))
		return -EINVAL;
	if (!get_bool(res, "valid")) {
		uint64_t n = get_u64(res, "errors_total");
		if (n > 1) {
			fprintf(out, "%s: the policy set is invalid: %llu errors\n",
				dry ? "dry run" : "reload", (unsigned long long)n);
			protocol_render_errors(res, out);
		} else {
			fprintf(out, "%s: the policy set is invalid: %s\n", dry ? "dry run" : "reload",
				get_str(res, "message"));
		}
		return 0;
	}
	if (dry)
		fprintf(out, "dry run: the policy set is valid; %zu device%s would change policy\n",
			array_len(changes), array_len(changes) == 1 ? "" : "s");
	else
		fprintf(out, "reloaded: generation %llu; %zu device%s changed policy\n",
			(unsigned long long)get_u64(res, "generation"), array_len(changes),
			array_len(changes) == 1 ? "" : "s");
	if (!array_len(changes))
		return 0;
	fputc('\n', out);
	/* A WHY column only when an advisory moves a device (issue 18). */
	bool why = false;
	for (size_t i = 0; i < array_len(changes); i++)
		why |= *get_str(json_object_array_get_idx(changes, i), "reason") != 0;
	if (why)
		table_init(&t, "lllll", "DEVICE", "VENDOR", "FROM", "TO", "WHY");
	else
		table_init(&t, "llll", "DEVICE", "VENDOR", "FROM", "TO");
	table_layout(&t, o, "9999e");
	for (size_t i = 0; i < array_len(changes); i++) {
		json_object *c = json_object_array_get_idx(changes, i);
		char v[64];
		table_add(&t, get_str(c, "mac"),
			  o->wide ? get_str(c, "vendor") : protocol_short_vendor(get_str(c, "vendor"), v, sizeof(v)),
			  get_str(c, "from"), get_str(c, "to"),
			  *get_str(c, "reason") ? get_str(c, "reason") : "policy files");
	}
	return table_done(&t, out);
}

/* probe: {"started","interfaces":[{"name","sent","error"}]} when sent;
 * {"started","answered":[mac],"gained":[{"mac","model","firmware","source"}],
 *  "not_announced":N} for the result. */
static int render_probe(json_object *res, FILE *out)
{
	json_object *ifs = get_array(res, "interfaces"), *ans = get_array(res, "answered");
	json_object *gained = get_array(res, "gained");

	if (ifs) {
		for (size_t i = 0; i < array_len(ifs); i++) {
			json_object *f = json_object_array_get_idx(ifs, i);
			if (*get_str(f, "error"))
				fprintf(out, "%s: not probed: %s\n", get_str(f, "name"), get_str(f, "error"));
			else
				fprintf(out, "%s: %llu probes sent\n", get_str(f, "name"),
					(unsigned long long)get_u64(f, "sent"));
		}
		return 0;
	}
	if (!ans)
		return -EINVAL;
	fprintf(out, "%zu device%s answered, %zu gained a model\n", array_len(ans),
		array_len(ans) == 1 ? "" : "s", array_len(gained));
	for (size_t i = 0; i < array_len(gained); i++) {
		json_object *g = json_object_array_get_idx(gained, i);
		fprintf(out, "  %s  %s%s%s  (%s)\n", get_str(g, "mac"), get_str(g, "model"),
			*get_str(g, "firmware") ? " " : "", get_str(g, "firmware"), get_str(g, "source"));
	}
	if (get_u64(res, "not_announced"))
		fprintf(out, "%llu device%s still not announced a model\n",
			(unsigned long long)get_u64(res, "not_announced"),
			get_u64(res, "not_announced") == 1 ? " has" : "s have");
	return 0;
}

int protocol_render_table_opts(enum cg_command cmd, json_object *result,
			       const struct cg_render_opts *opts, FILE *out)
{
	if (!result || !json_object_is_type(result, json_type_object))
		return -EINVAL;
	switch (cmd) {
	case CG_CMD_STATS: return render_stats(result, opts, out);
	case CG_CMD_CAMERAS: return render_cameras(result, opts, out);
	case CG_CMD_BLOCKED: return render_blocked(result, opts, out);
	case CG_CMD_STATUS: return render_status(result, opts, out);
	case CG_CMD_RELOAD: return render_reload(result, opts, out);
	case CG_CMD_ADVISORIES: return render_advisories(result, opts, out);
	case CG_CMD_PROBE: return render_probe(result, out);
	default: return -EINVAL;
	}
}

int protocol_render_table(enum cg_command cmd, json_object *result, FILE *out)
{
	const struct cg_render_opts o = { .width = CG_RENDER_WIDTH_DEFAULT };
	return protocol_render_table_opts(cmd, result, &o, out);
}


/* ---- cameras --csv ------------------------------------------------------------ */

/* One RFC 4180 field: quoted when it holds a comma, a quote, CR or LF (and
 * when it starts with a space, which spreadsheets would trim). */
static void csv_field(FILE *out, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n") || *s == ' ') {
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	} else {
		fputs(s, out);
	}
	fputs(last ? "\r\n" : ",", out);
}

int protocol_render_cameras_csv(json_object *cameras, json_object *stats, const char *host,
				FILE *out)
{
	static const char *const header[] = { "host", "mac", "vendor", "model", "firmware", "policy",
					      "addresses", "first_seen", "last_seen", "drops" };
	json_object *cams = get_array(cameras, "cameras"), *devs = get_array(stats, "devices");
	const size_t ncols = sizeof(header) / sizeof(header[0]);

	if (!cams)
		return -EINVAL;
	for (size_t i = 0; i < ncols; i++)
		csv_field(out, header[i], i + 1 == ncols);
	for (size_t i = 0; i < array_len(cams); i++) {
		json_object *c = json_object_array_get_idx(cams, i);
		const char *mac = get_str(c, "mac");
		char addrs[1024] = "", drops[24];
		size_t off = 0;
		uint64_t n = 0;

		join_strings(get_array(c, "ipv4"), addrs, sizeof(addrs), &off);
		join_strings(get_array(c, "ipv6"), addrs, sizeof(addrs), &off);
		for (size_t k = 0; k < array_len(devs); k++) {
			json_object *dv = json_object_array_get_idx(devs, k);
			if (!strcasecmp(get_str(dv, "mac"), mac)) {
				n = get_u64(get(dv, "drop"), "packets");
				break;
			}
		}
		snprintf(drops, sizeof(drops), "%llu", (unsigned long long)n);
		const char *row[] = { host, mac, get_str(c, "vendor"), get_str(c, "model"),
				      get_str(c, "firmware"), get_str(c, "policy"), addrs,
				      get_str(c, "first_seen"), get_str(c, "last_seen"), drops };
		for (size_t k = 0; k < ncols; k++)
			csv_field(out, row[k], k + 1 == ncols);
	}
	return 0;
}
