// SPDX-License-Identifier: GPL-2.0-only
/*
 * test-protocol — the control protocol without a daemon.
 *
 * Part 1: every branch of the request parser, every reply builder, the
 * reply parser, on fixed JSON. (camguardctl's tables: test-render.c.)
 *
 * Part 2: the control socket server (control.c) on the event loop
 * (event.c) with a handler table of its own (no daemon, no commands):
 * socket mode and group, stale and live sockets, oversized requests,
 * pipelining, half-open clients, the client limit, the idle timeout, and
 * (as root) the permission checks for a peer in and outside the group.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "event.h"
#include "protocol.h"

#include "test-check.h"

/* ---- part 1: the request parser ----------------------------------------- */

static int parse(const char *s, struct cg_request *req, struct cg_proto_error *err)
{
	return protocol_parse_request(s, strlen(s), req, err);
}

static int parse_len(const char *s, size_t n, struct cg_request *req, struct cg_proto_error *err)
{
	return protocol_parse_request(s, n, req, err);
}

static void expect_error(const char *req_text, const char *code, const char *msg_part)
{
	struct cg_request req;
	struct cg_proto_error err = {};
	int rc = parse(req_text, &req, &err);

	CHECK(rc < 0, "'%s' accepted", req_text);
	CHECK(strcmp(err.code, code) == 0, "'%s': code %s, expected %s (%s)", req_text, err.code,
	      code, err.message);
	CHECK(strstr(err.message, msg_part), "'%s': message '%s' lacks '%s'", req_text, err.message,
	      msg_part);
}

static void test_parse(void)
{
	struct cg_request req;
	struct cg_proto_error err = {};

	/* each command, with and without arguments */
	CHECK(parse("{\"command\":\"stats\"}", &req, &err) == 0 && req.command == CG_CMD_STATS &&
	      !req.policy[0] && !req.has_device, "%s", err.message);
	CHECK(parse("{\"command\":\"stats\",\"arguments\":{}}", &req, &err) == 0, "%s", err.message);
	CHECK(parse("{\"command\":\"stats\",\"arguments\":{\"policy\":\"hikvision\",\"device\":\"44:19:B6:00:00:01\"}}",
		    &req, &err) == 0 && strcmp(req.policy, "hikvision") == 0 && req.has_device &&
	      req.device[0] == 0x44 && req.device[2] == 0xb6 && req.device[5] == 1, "%s", err.message);
	CHECK(parse("{\"command\":\"stats\",\"arguments\":{\"device\":\"44-19-b6-00-00-02\"}}", &req,
		    &err) == 0 && req.device[5] == 2, "%s", err.message);
	CHECK(parse("{\"command\":\"cameras\"}", &req, &err) == 0 && req.command == CG_CMD_CAMERAS,
	      "%s", err.message);
	CHECK(parse("{\"command\":\"blocked\",\"arguments\":{}}", &req, &err) == 0 &&
	      req.command == CG_CMD_BLOCKED, "%s", err.message);
	CHECK(parse("{\"command\":\"status\"}", &req, &err) == 0 && req.command == CG_CMD_STATUS,
	      "%s", err.message);
	CHECK(parse("{\"command\":\"reload\"}", &req, &err) == 0 && req.command == CG_CMD_RELOAD &&
	      !req.dry_run, "%s", err.message);
	CHECK(parse("{\"arguments\":{\"dry_run\":true},\"command\":\"reload\"}", &req, &err) == 0 &&
	      req.dry_run, "%s", err.message);
	CHECK(parse("  {\"command\":\"status\"}  \r", &req, &err) == 0, "white space: %s", err.message);
	CHECK(protocol_command_needs_root(&(struct cg_request){ .command = CG_CMD_RELOAD }) &&
	      protocol_command_needs_root(&(struct cg_request){ .command = CG_CMD_RELOAD, .dry_run = true }) &&
	      !protocol_command_needs_root(&(struct cg_request){ .command = CG_CMD_STATS }), "root");
	/* probe: sends on the camera interfaces, and its report: root's. */
	CHECK(parse("{\"command\":\"probe\",\"arguments\":{\"interface\":\"cam0\"}}", &req, &err) == 0 &&
	      req.command == CG_CMD_PROBE && !strcmp(req.iface, "cam0") && !req.result &&
	      protocol_command_needs_root(&req), "probe: %s", err.message);
	CHECK(parse("{\"command\":\"probe\",\"arguments\":{\"result\":true}}", &req, &err) == 0 &&
	      req.result && !req.iface[0] && protocol_command_needs_root(&req), "probe result: %s", err.message);
	CHECK(parse("{\"command\":\"probe\",\"arguments\":{\"interface\":\"../x\"}}", &req, &err) < 0 &&
	      parse("{\"command\":\"probe\",\"arguments\":{\"interface\":\"a-name-far-too-long\"}}", &req, &err) < 0 &&
	      parse("{\"command\":\"probe\",\"arguments\":{\"interface\":\"\"}}", &req, &err) < 0,
	      "probe: bad interface names refused");

	/* malformed */
	expect_error("", "EINVAL", "empty");
	expect_error("   ", "EINVAL", "empty");
	expect_error("{", "EINVAL", "incomplete");
	expect_error("{\"command\":", "EINVAL", "invalid request");
	expect_error("{'command':'stats'}", "EINVAL", "invalid request");
	expect_error("{\"command\":\"stats\",}", "EINVAL", "invalid request");
	expect_error("nonsense", "EINVAL", "invalid request");
	expect_error("[\"stats\"]", "EINVAL", "an array, not an object");
	expect_error("\"stats\"", "EINVAL", "a string, not an object");
	expect_error("123", "EINVAL", "not an object");
	expect_error("null", "EINVAL", "not an object");
	expect_error("{\"command\":\"stats\"} x", "EINVAL", "invalid request");
	expect_error("{\"command\":\"stats\"}{\"command\":\"stats\"}", "EINVAL", "invalid request");
	expect_error("{\"command\":\"st\xff\xfe\"}", "EINVAL", "invalid request");
	expect_error("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{\"i\":1}}}}}}}}}", "EINVAL",
		     "invalid request");
	/* structure */
	expect_error("{}", "EINVAL", "no \"command\"");
	expect_error("{\"arguments\":{}}", "EINVAL", "no \"command\"");
	expect_error("{\"command\":1}", "EINVAL", "\"command\" is an integer, not a string");
	expect_error("{\"command\":null}", "EINVAL", "\"command\" is null");
	expect_error("{\"command\":\"bogus\"}", "ENOSYS", "unknown command \"bogus\"");
	expect_error("{\"command\":\"\"}", "ENOSYS", "unknown command");
	expect_error("{\"command\":\"STATS\"}", "ENOSYS", "unknown command");
	expect_error("{\"command\":\"stats\\u0000x\"}", "ENOSYS", "unknown command");
	expect_error("{\"command\":\"stats\",\"extra\":1}", "EINVAL", "unknown member \"extra\"");
	expect_error("{\"command\":\"stats\",\"arguments\":[]}", "EINVAL",
		     "\"arguments\" is an array, not an object");
	expect_error("{\"command\":\"stats\",\"arguments\":\"x\"}", "EINVAL", "not an object");
	expect_error("{\"command\":\"stats\",\"arguments\":null}", "EINVAL", "\"arguments\" is null");
	/* arguments */
	expect_error("{\"command\":\"stats\",\"arguments\":{\"bogus\":1}}", "EINVAL",
		     "stats: unknown argument \"bogus\"");
	expect_error("{\"command\":\"stats\",\"arguments\":{\"dry_run\":true}}", "EINVAL",
		     "unknown argument \"dry_run\"");
	expect_error("{\"command\":\"stats\",\"arguments\":{\"policy\":1}}", "EINVAL",
		     "argument \"policy\" is an integer, not a string");
	expect_error("{\"command\":\"stats\",\"arguments\":{\"policy\":\"\"}}", "EINVAL",
		     "must be 1 to 63");
	expect_error("{\"command\":\"stats\",\"arguments\":{\"policy\":\"a\\nb\"}}", "EINVAL",
		     "control character");
	expect_error("{\"command\":\"stats\",\"arguments\":{\"policy\":"
		     "\"0123456789012345678901234567890123456789012345678901234567890123\"}}",
		     "EINVAL", "must be 1 to 63");
	expect_error("{\"command\":\"stats\",\"arguments\":{\"device\":true}}", "EINVAL",
		     "is a boolean, not a string");
	expect_error("{\"command\":\"stats\",\"arguments\":{\"device\":\"44:19:b6:00:00\"}}", "EINVAL",
		     "not a MAC");
	expect_error("{\"command\":\"stats\",\"arguments\":{\"device\":\"44:19:b6:00:00:01:02\"}}",
		     "EINVAL", "not a MAC");
	expect_error("{\"command\":\"stats\",\"arguments\":{\"device\":\"44:19:b6:00:00:0g\"}}",
		     "EINVAL", "not a MAC");
	expect_error("{\"command\":\"stats\",\"arguments\":{\"device\":\"44:19:b6:00:00:01\\u0000\"}}",
		     "EINVAL", "not a MAC");
	expect_error("{\"command\":\"cameras\",\"arguments\":{\"dry_run\":true}}", "EINVAL",
		     "cameras: unknown argument \"dry_run\"");
	/* stats --devices, the cameras filters */
	CHECK(parse("{\"command\":\"stats\",\"arguments\":{\"devices\":true}}", &req, &err) == 0 &&
	      req.devices, "%s", err.message);
	CHECK(parse("{\"command\":\"stats\"}", &req, &err) == 0 && !req.devices, "no device rows by default");
	CHECK(parse("{\"command\":\"cameras\",\"arguments\":{\"policy\":\"dahua\",\"vendor\":\"hik\","
		    "\"unknown\":true,\"mismatch\":true,\"since\":600}}", &req, &err) == 0 &&
	      !strcmp(req.policy, "dahua") && !strcmp(req.vendor, "hik") && req.unknown && req.mismatch &&
	      req.since == 600, "cameras filters: %s", err.message);
	expect_error("{\"command\":\"cameras\",\"arguments\":{\"since\":0}}", "EINVAL", "\"since\"");
	expect_error("{\"command\":\"cameras\",\"arguments\":{\"since\":-5}}", "EINVAL", "\"since\"");
	expect_error("{\"command\":\"cameras\",\"arguments\":{\"since\":\"1h\"}}", "EINVAL",
		     "is a string, not an integer");
	expect_error("{\"command\":\"cameras\",\"arguments\":{\"vendor\":\"\"}}", "EINVAL", "\"vendor\"");
	expect_error("{\"command\":\"cameras\",\"arguments\":{\"unknown\":1}}", "EINVAL",
		     "not a boolean");
	{
		/* the request the CLI builds parses back to the same filters */
		struct cg_request in = { .command = CG_CMD_CAMERAS, .unknown = true, .since = 7200 }, back;
		snprintf(in.policy, sizeof(in.policy), "axis");
		snprintf(in.vendor, sizeof(in.vendor), "Dahua");
		size_t n;
		char *line = protocol_build_request(&in, &n);
		CHECK(line && parse_len(line, n - 1, &back, &err) == 0 && back.unknown && back.since == 7200 &&
		      !strcmp(back.vendor, "Dahua") && !strcmp(back.policy, "axis") && !back.mismatch,
		      "cameras request round trip: %s", line);
		free(line);
		struct cg_request st = { .command = CG_CMD_STATS, .devices = true };
		line = protocol_build_request(&st, &n);
		CHECK(line && parse_len(line, n - 1, &back, &err) == 0 && back.devices,
		      "stats --devices round trip: %s", line);
		free(line);
	}
	expect_error("{\"command\":\"blocked\",\"arguments\":{\"x\":1}}", "EINVAL", "unknown argument");
	expect_error("{\"command\":\"status\",\"arguments\":{\"x\":1}}", "EINVAL", "unknown argument");
	expect_error("{\"command\":\"reload\",\"arguments\":{\"dry_run\":\"yes\"}}", "EINVAL",
		     "argument \"dry_run\" is a string, not a boolean");
	expect_error("{\"command\":\"reload\",\"arguments\":{\"dry_run\":1}}", "EINVAL",
		     "not a boolean");
	expect_error("{\"command\":\"reload\",\"arguments\":{\"policy\":\"x\"}}", "EINVAL",
		     "reload: unknown argument");
	/* the message never carries raw control bytes back */
	expect_error("{\"command\":\"a\\u0001b\"}", "ENOSYS", "a?b");

	/* embedded NUL (raw, not escaped) */
	{
		const char raw[] = "{\"command\":\"stats\"}\0{}";
		CHECK(protocol_parse_request(raw, sizeof(raw) - 1, &req, &err) == -EINVAL &&
		      strstr(err.message, "NUL"), "NUL: %s", err.message);
	}
	/* size: exactly the limit is fine, one more byte is E2BIG */
	{
		char *big = malloc(CG_PROTO_MAX_REQUEST + 2);
		const char *obj = "{\"command\":\"stats\"}";
		memset(big, ' ', CG_PROTO_MAX_REQUEST + 1);
		memcpy(big, obj, strlen(obj));
		CHECK(protocol_parse_request(big, CG_PROTO_MAX_REQUEST, &req, &err) == 0,
		      "64 KiB: %s", err.message);
		CHECK(protocol_parse_request(big, CG_PROTO_MAX_REQUEST + 1, &req, &err) == -E2BIG &&
		      strcmp(err.code, "E2BIG") == 0, "64 KiB + 1: %s", err.message);
		free(big);
	}
	/* a failed parse leaves a zeroed request */
	parse("{\"command\":\"stats\",\"arguments\":{\"policy\":\"p\",\"bogus\":1}}", &req, &err);
	CHECK(!req.policy[0], "request not reset after error");
}

static void test_build(void)
{
	struct cg_request in = { .command = CG_CMD_STATS, .policy = "axis", .has_device = true,
				 .device = { 0xac, 0xcc, 0x8e, 1, 2, 3 } }, out;
	struct cg_proto_error err = {};
	json_object *res;
	size_t len;
	char *line;

	/* request round trip */
	line = protocol_build_request(&in, &len);
	CHECK(line && len == strlen(line) && line[len - 1] == '\n', "request line");
	CHECK(strcmp(line, "{\"command\":\"stats\",\"arguments\":{\"policy\":\"axis\",\"device\":\"ac:cc:8e:01:02:03\"}}\n") == 0,
	      "request: %s", line);
	CHECK(protocol_parse_request(line, len - 1, &out, &err) == 0 &&
	      memcmp(&in, &out, sizeof(in)) == 0, "round trip: %s", err.message);
	free(line);
	in = (struct cg_request){ .command = CG_CMD_PROBE, .result = true };
	snprintf(in.iface, sizeof(in.iface), "cam0");
	line = protocol_build_request(&in, &len);
	CHECK(strcmp(line, "{\"command\":\"probe\",\"arguments\":{\"interface\":\"cam0\",\"result\":true}}\n") == 0,
	      "%s", line);
	CHECK(protocol_parse_request(line, len - 1, &out, &err) == 0 && memcmp(&in, &out, sizeof(in)) == 0,
	      "probe round trip: %s", err.message);
	free(line);
	in = (struct cg_request){ .command = CG_CMD_RELOAD, .dry_run = true };
	line = protocol_build_request(&in, &len);
	CHECK(strcmp(line, "{\"command\":\"reload\",\"arguments\":{\"dry_run\":true}}\n") == 0, "%s", line);
	CHECK(protocol_parse_request(line, len, &out, &err) == 0 && out.dry_run, "%s", err.message);
	free(line);

	/* ok reply */
	json_object *r = json_object_new_object();
	json_object_object_add(r, "generation", json_object_new_int(7));
	json_object_object_add(r, "path", json_object_new_string("/a/b"));
	line = protocol_reply_ok(r, &len);
	CHECK(strcmp(line, "{\"ok\":true,\"result\":{\"generation\":7,\"path\":\"/a/b\"}}\n") == 0, "%s", line);
	CHECK(protocol_parse_reply(line, len - 1, &res, &err) == 0 && res &&
	      json_object_equal(res, r), "parse ok reply: %s", err.message);
	json_object_put(res);
	free(line);
	json_object_put(r);
	line = protocol_reply_ok(NULL, &len);
	CHECK(strcmp(line, "{\"ok\":true,\"result\":{}}\n") == 0, "%s", line);
	free(line);

	/* error reply, with characters that need escaping */
	line = protocol_reply_error("EPERM", "permission \"denied\"\n", &len);
	CHECK(strcmp(line, "{\"ok\":false,\"error\":{\"code\":\"EPERM\",\"message\":\"permission \\\"denied\\\"\\n\"}}\n") == 0,
	      "%s", line);
	CHECK(protocol_parse_reply(line, len, &res, &err) == -EPERM && !res &&
	      strcmp(err.code, "EPERM") == 0 && strcmp(err.message, "permission \"denied\"\n") == 0,
	      "parse error reply: %s %s", err.code, err.message);
	free(line);
	CHECK(protocol_parse_reply("{\"ok\":false,\"error\":{\"code\":\"EWEIRD\"}}", strlen("{\"ok\":false,\"error\":{\"code\":\"EWEIRD\"}}"), &res, &err) == -EIO &&
	      strcmp(err.code, "EWEIRD") == 0, "unknown code %s", err.code);

	/* replies that are not */
	static const char *const bad[] = {
		"", "garbage", "[]", "{}", "{\"ok\":1}", "{\"ok\":true}", "{\"ok\":true,\"result\":3}",
		"{\"ok\":false}", "{\"ok\":false,\"error\":\"x\"}", "{\"ok\":false,\"error\":{\"code\":5}}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(protocol_parse_reply(bad[i], strlen(bad[i]), &res, &err) == -EPROTO && !res &&
		      strcmp(err.code, "EPROTO") == 0, "bad reply '%s': %s", bad[i], err.code);
	}

	/* names */
	CHECK(strcmp(protocol_errno_name(-EPERM), "EPERM") == 0 &&
	      strcmp(protocol_errno_name(ENOENT), "ENOENT") == 0 &&
	      strcmp(protocol_errno_name(EADDRINUSE), "EADDRINUSE") == 0, "errno names");
	for (int c = 0; c < CG_CMD_MAX; c++)
		CHECK(protocol_command_from_string(protocol_command_to_string(c)) == c, "cmd %d", c);
	CHECK(protocol_command_from_string("nope") == -EINVAL, "unknown command name");
	uint8_t mac[6];
	CHECK(addr_parse_mac("aa:BB:cc:dd:ee:ff", mac) == 0 && mac[1] == 0xbb, "mac");
	CHECK(addr_parse_mac("aa:bb:cc:dd:ee:f", mac) < 0 && addr_parse_mac("", mac) < 0 &&
	      addr_parse_mac("aa:bb:cc:dd:ee:ff ", mac) < 0 &&
	      addr_parse_mac("aabb.ccdd.eeff", mac) < 0, "bad macs");
}

/* ---- part 2: the server, with a handler table of its own ------------------- */

static int handler_calls;
static size_t handler_reply_size;

/* Every command answers {"command":NAME}; blocked answers an error. */
static int answer(void *ctx, const struct cg_request *req, json_object **ret,
		  struct cg_proto_error *err)
{
	handler_calls++;
	if (req->command == CG_CMD_BLOCKED)
		return protocol_error(err, "ENOENT", "handler error");
	*ret = json_object_new_object();
	json_object_object_add(*ret, "command",
			       json_object_new_string(protocol_command_to_string(req->command)));
	if (handler_reply_size) {
		char *big = malloc(handler_reply_size + 1);
		memset(big, 'x', handler_reply_size);
		big[handler_reply_size] = 0;
		json_object_object_add(*ret, "big", json_object_new_string(big));
		free(big);
	}
	return 0;
}

static const struct cg_control_handler handlers[] = {
	{ CG_CMD_STATS, answer },   { CG_CMD_CAMERAS, answer }, { CG_CMD_BLOCKED, answer },
	{ CG_CMD_STATUS, answer },  { CG_CMD_RELOAD, answer },
};
#define NHANDLERS (sizeof(handlers) / sizeof(handlers[0]))

static void pump(struct cg_event_loop *loop, int ms)
{
	struct timespec end, now;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_nsec += (long)ms * 1000000L;
	end.tv_sec += end.tv_nsec / 1000000000L;
	end.tv_nsec %= 1000000000L;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = (end.tv_sec - now.tv_sec) * 1000 + (end.tv_nsec - now.tv_nsec) / 1000000;
		if (left <= 0)
			break;
		event_dispatch(loop, (int)left);
	}
}

static int client(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* Reads what is there (non-blocking) into buf; returns bytes, 0 at EOF,
 * -EAGAIN when nothing. */
static ssize_t drain(int fd, char *buf, size_t len)
{
	ssize_t r = recv(fd, buf, len - 1, MSG_DONTWAIT);
	if (r >= 0)
		buf[r] = 0;
	return r < 0 ? -errno : r;
}

/* Collects a whole reply line while pumping the server. */
static char *reply_of(struct cg_event_loop *d, int fd)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap + 1);
	for (int i = 0; i < 400; i++) {
		pump(d, 5);
		for (;;) {
			if (cap - len < 4096)
				buf = realloc(buf, (cap *= 2) + 1);
			ssize_t r = recv(fd, buf + len, cap - len, MSG_DONTWAIT);
			if (r <= 0)
				break;
			len += (size_t)r;
		}
		buf[len] = 0;
		if (memchr(buf, '\n', len))
			return buf;
	}
	return buf;
}

static bool send_str(int fd, const char *s)
{
	return send(fd, s, strlen(s), MSG_NOSIGNAL) == (ssize_t)strlen(s);
}

static void test_server(void)
{
	struct cg_event_loop *d = NULL;
	struct cg_control *c = NULL;
	char dir[] = "/tmp/cg-test-control-XXXXXX", path[128], buf[4096];
	struct stat st;
	int rc, fd;
	char *r;

	CHECK(event_loop_new(&d) == 0, "event loop");
	CHECK(mkdtemp(dir), "mkdtemp");
	chmod(dir, 0755);    /* the unprivileged peers below must reach the socket */
	snprintf(path, sizeof(path), "%s/sub/camguard.sock", dir);

	/* No such group: 0600, root only, still running. */
	rc = control_open(d, path, "cg-no-such-group-xyz", handlers, NHANDLERS, NULL, &c);
	CHECK(rc == 0 && c && control_root_only(c), "open without group: %d", rc);
	CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 07777) == 0600,
	      "mode without group: %o", st.st_mode & 07777);
	/* A live socket is not taken over. */
	struct cg_control *c2 = NULL;
	CHECK(control_open(d, path, "", handlers, NHANDLERS, NULL, &c2) == -EADDRINUSE && !c2, "live socket taken over");
	control_close(c);
	CHECK(stat(path, &st) < 0 && errno == ENOENT, "socket not removed at close");

	/* A stale socket file is replaced; a regular file is not touched. */
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
		CHECK(bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind stale");
		close(s);
	}
	/* The group: the caller's primary group (root in CI). */
	struct group *gr = getgrgid(getegid());
	char group[64];
	snprintf(group, sizeof(group), "%s", gr ? gr->gr_name : "root");
	rc = control_open(d, path, group, handlers, NHANDLERS, NULL, &c);
	CHECK(rc == 0 && c && !control_root_only(c), "open over a stale socket: %d", rc);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0660 && st.st_gid == getegid(),
	      "mode %o gid %u", st.st_mode & 07777, (unsigned)st.st_gid);
	{
		char file[160];
		snprintf(file, sizeof(file), "%s/plain", dir);
		close(open(file, O_CREAT | O_WRONLY, 0600));
		CHECK(control_open(d, file, "", handlers, NHANDLERS, NULL, &c2) == -EEXIST, "regular file replaced");
		unlink(file);
	}

	/* A request, an error reply, two pipelined requests, a last request
	 * without a newline before EOF. */
	fd = client(path);
	CHECK(fd >= 0, "connect: %s", strerror(-fd));
	send_str(fd, "{\"command\":\"status\"}\n");
	r = reply_of(d, fd);
	CHECK(strcmp(r, "{\"ok\":true,\"result\":{\"command\":\"status\"}}\n") == 0, "reply: %s", r);
	free(r);
	send_str(fd, "{\"command\":\"blocked\"}\n");
	r = reply_of(d, fd);
	CHECK(strcmp(r, "{\"ok\":false,\"error\":{\"code\":\"ENOENT\",\"message\":\"handler error\"}}\n") == 0,
	      "error reply: %s", r);
	free(r);
	send_str(fd, "{\"command\":\"stats\"}\n{\"command\":\"cameras\"}\n{\"command\":\"nope\"}\n");
	pump(d, 50);
	CHECK(drain(fd, buf, sizeof(buf)) > 0 &&
	      strcmp(buf, "{\"ok\":true,\"result\":{\"command\":\"stats\"}}\n"
			  "{\"ok\":true,\"result\":{\"command\":\"cameras\"}}\n"
			  "{\"ok\":false,\"error\":{\"code\":\"ENOSYS\",\"message\":\"unknown command \\\"nope\\\"\"}}\n") == 0,
	      "pipelined: %s", buf);
	send_str(fd, "{\"command\":\"reload\",\"arguments\":{\"dry_run\":true}}");
	shutdown(fd, SHUT_WR);
	r = reply_of(d, fd);
	CHECK(strcmp(r, "{\"ok\":true,\"result\":{\"command\":\"reload\"}}\n") == 0, "half-open: %s", r);
	free(r);
	pump(d, 20);
	CHECK(drain(fd, buf, sizeof(buf)) == 0, "not closed after EOF");
	close(fd);

	/* Oversized: E2BIG, then closed; the server stays. */
	fd = client(path);
	{
		char *big = malloc(CG_PROTO_MAX_REQUEST + 100);
		memset(big, ' ', CG_PROTO_MAX_REQUEST + 100);
		size_t off = 0;
		while (off < (size_t)CG_PROTO_MAX_REQUEST + 100) {
			ssize_t w = send(fd, big + off, CG_PROTO_MAX_REQUEST + 100 - off,
					 MSG_NOSIGNAL | MSG_DONTWAIT);
			if (w > 0)
				off += (size_t)w;
			else if (errno == EAGAIN)
				pump(d, 5);
			else
				break;
		}
		free(big);
	}
	r = reply_of(d, fd);
	CHECK(strstr(r, "\"code\":\"E2BIG\""), "oversized: %s", r);
	free(r);
	pump(d, 20);
	CHECK(drain(fd, buf, sizeof(buf)) == 0 || errno == ECONNRESET, "oversized not closed");
	close(fd);

	/* A large reply to a client that reads slowly: everything arrives. */
	handler_reply_size = 4 << 20;
	fd = client(path);
	send_str(fd, "{\"command\":\"stats\"}\n");
	r = reply_of(d, fd);
	CHECK(strlen(r) == handler_reply_size + strlen("{\"ok\":true,\"result\":{\"command\":\"stats\",\"big\":\"\"}}\n"),
	      "large reply: %zu bytes", strlen(r));
	free(r);
	handler_reply_size = 0;
	close(fd);

	/* The client limit. */
	int fds[CG_CONTROL_MAX_CLIENTS + 1];
	for (int i = 0; i < CG_CONTROL_MAX_CLIENTS; i++) {
		fds[i] = client(path);
		pump(d, 2);
	}
	fds[CG_CONTROL_MAX_CLIENTS] = client(path);
	pump(d, 20);
	CHECK(drain(fds[CG_CONTROL_MAX_CLIENTS], buf, sizeof(buf)) > 0 && strstr(buf, "EBUSY"),
	      "33rd client: %s", buf);
	for (int i = 0; i <= CG_CONTROL_MAX_CLIENTS; i++)
		close(fds[i]);
	pump(d, 20);

	/* The idle timeout (1 s here), also for a slow sender. */
	control_set_limits(c, 0, 1);
	fd = client(path);
	int slow = client(path);
	send_str(slow, "{\"command\":");
	pump(d, 2500);
	CHECK(drain(fd, buf, sizeof(buf)) > 0 && strstr(buf, "ETIMEDOUT"), "idle: %s", buf);
	CHECK(drain(slow, buf, sizeof(buf)) > 0 && strstr(buf, "ETIMEDOUT"), "slow: %s", buf);
	close(fd);
	close(slow);
	control_set_limits(c, 0, 30);

	/* Still answering. */
	fd = client(path);
	send_str(fd, "{\"command\":\"stats\"}\n");
	r = reply_of(d, fd);
	CHECK(strstr(r, "\"ok\":true"), "after abuse: %s", r);
	free(r);
	close(fd);

	/* As root: a peer outside the group gets EPERM from the server (the
	 * socket is opened up to reach it), one in the group may read but
	 * not reload. */
	if (geteuid() == 0) {
		struct passwd *nobody = getpwnam("nobody");
		control_close(c);
		/* group "nogroup"/"nobody": the second peer's primary group */
		gid_t ngid = nobody ? nobody->pw_gid : 65534;
		struct group *ng = getgrgid(ngid);
		rc = ng ? control_open(d, path, ng->gr_name, handlers, NHANDLERS, NULL, &c) : -ENOENT;
		CHECK(rc == 0, "open with group %u: %d", (unsigned)ngid, rc);
		chmod(path, 0666);
		for (int in_group = 0; in_group < 2 && rc == 0; in_group++) {
			int sv[2];
			CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
			pid_t pid = fork();
			if (pid == 0) {
				close(sv[0]);
				gid_t g = in_group ? ngid : 12345;
				if (setgroups(0, NULL) || setgid(g) || setuid(nobody ? nobody->pw_uid : 65534))
					_exit(3);
				int cfd = client(path);
				char out[2048] = "";
				size_t off = 0;
				const char *reqs[] = { "{\"command\":\"stats\"}\n",
						       "{\"command\":\"reload\"}\n" };
				for (int k = 0; k < 2; k++) {
					send_str(cfd, reqs[k]);
					ssize_t n = 0;
					while (!memchr(out + off, '\n', (size_t)n)) {
						off += (size_t)n;
						n = recv(cfd, out + off, sizeof(out) - off - 1, 0);
						if (n <= 0)
							_exit(4);
					}
					off += (size_t)n;
				}
				out[off] = 0;
				send_str(sv[1], out);
				_exit(0);
			}
			close(sv[1]);
			for (int i = 0; i < 200; i++) {
				pump(d, 10);
				if (waitpid(pid, &rc, WNOHANG) == pid)
					break;
			}
			size_t n = 0;
			ssize_t k;
			while ((k = read(sv[0], buf + n, sizeof(buf) - 1 - n)) > 0)
				n += (size_t)k;
			buf[n] = 0;
			close(sv[0]);
			if (in_group)
				CHECK(strstr(buf, "{\"ok\":true,\"result\":{\"command\":\"stats\"}}\n") &&
				      strstr(buf, "\"code\":\"EPERM\",\"message\":\"permission denied: reload needs root\""),
				      "member: %s", buf);
			else
				CHECK(strstr(buf, "{\"ok\":false,\"error\":{\"code\":\"EPERM\",\"message\":\"permission denied: uid ") &&
				      !strstr(buf, "\"ok\":true"), "outsider: %s", buf);
			rc = 0;
		}
	} else {
		printf("# not root: skipping the peer permission checks\n");
	}
	control_close(c);
	event_loop_free(d);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_parse();
	test_build();
	test_server();
	printf("%d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
