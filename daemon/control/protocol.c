// SPDX-License-Identifier: GPL-2.0-only
/*
 * protocol.c — the control protocol on the wire, shared by camguardd and
 * camguardctl: request parsing and validation, request and reply building,
 * reply parsing. See protocol.h for the format. Everything here is a pure
 * function of its input: the fuzz harness drives protocol_parse_request()
 * directly. The client's tables are daemon/ctl/render*.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

static int set_would(struct cg_request *req, json_object *v, struct cg_proto_error *err)
{
	req->would = json_object_get_boolean(v);
	return 0;
}

static const struct arg_spec blocked_args[] = {
	{ "policy", json_type_string, set_policy },
	{ "device", json_type_string, set_device },
	{ "since", json_type_int, set_since },
	{ "would", json_type_boolean, set_would },
	{ NULL, 0, NULL },
};
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
	[CG_CMD_BLOCKED] = { "blocked", blocked_args },
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

/* The "arguments" object of command c: each member one the command takes,
 * of its type, and valid. */
static int parse_arguments(int c, json_object *args, struct cg_request *ret,
			   struct cg_proto_error *err)
{
	char q[48];
	int rc;

	json_object_object_foreach(args, akey, aval) {
		const struct arg_spec *a = commands[c].args;
		while (a->name && strcmp(a->name, akey))
			a++;
		if (!a->name)
			return protocol_error(err, "EINVAL", "%s: unknown argument \"%s\"",
					      commands[c].name, quote(akey, q, sizeof(q)));
		if (!json_object_is_type(aval, a->type))
			return protocol_error(err, "EINVAL", "%s: argument \"%s\" is %s, not %s",
					      commands[c].name, a->name,
					      type_name(json_object_get_type(aval)), type_name(a->type));
		rc = a->set(ret, aval, err);
		if (rc)
			return rc;
	}
	return 0;
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
	rc = parse_arguments(c, args, ret, err);
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
	case CG_CMD_BLOCKED:
		if (req->policy[0])
			json_object_object_add(a, "policy", json_object_new_string(req->policy));
		if (req->has_device) {
			addr_format_mac(req->device, mac);
			json_object_object_add(a, "device", json_object_new_string(mac));
		}
		if (req->since)
			json_object_object_add(a, "since", json_object_new_int64((int64_t)req->since));
		if (req->would)
			json_object_object_add(a, "would", json_object_new_boolean(1));
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

/* ---- client side: error replies ----------------------------------------- */

json_object *protocol_reply_error_object(const char *line, size_t len)
{
	struct cg_proto_error err;
	json_object *o = parse_json(line, len, JSON_TOKENER_DEFAULT_DEPTH, &err, "reply"), *e = NULL;
	json_object *ok = NULL;

	/* an {"ok":false} reply ("ok" missing counts as false) with an
	 * "error" object */
	if (o && json_object_is_type(o, json_type_object) &&
	    !(json_object_object_get_ex(o, "ok", &ok) && json_object_get_boolean(ok)) &&
	    json_object_object_get_ex(o, "error", &e) && json_object_is_type(e, json_type_object))
		json_object_get(e);
	else
		e = NULL;
	json_object_put(o);
	return e;
}
