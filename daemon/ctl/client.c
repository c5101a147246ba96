// SPDX-License-Identifier: GPL-2.0-only
/*
 * client.c — camguardctl's side of the control socket: connect (with an
 * error that says what to do: start the daemon, join the control group),
 * one request line out, one reply line back (bounded in size and time),
 * and the error convention of every command (see ctl.h).
 */
#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"

#define REPLY_TIMEOUT_MS (120 * 1000)   /* a reload of a large set takes a while */

static void json_error(const char *code, const char *msg)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string(msg));
	if (code)
		json_object_object_add(o, "code", json_object_new_string(code));
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int ctl_error(const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ctl_opts.json)
		json_error(code, msg);
	else
		fprintf(stderr, "Error: %s\n", msg);
	return EXIT_FAILURE;
}

int ctl_usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ctl_opts.json)
		json_error("EINVAL", msg);
	else
		fprintf(stderr, "Error: %s\nTry 'camguardctl %s%s--help'.\n", msg, cmd ? cmd : "",
			cmd ? " " : "");
	return EXIT_USAGE;
}

/* ---- the socket -------------------------------------------------------------- */

/* The group that may use the socket, as the daemon set it up: the socket's
 * group, else its directory's (the socket itself may be out of reach). */
static void control_group(char *buf, size_t len)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;
	struct group *g;

	snprintf(dir, sizeof(dir), "%s", ctl_opts.socket_path);
	if ((stat(ctl_opts.socket_path, &st) == 0 || stat(dirname(dir), &st) == 0) && st.st_gid != 0 &&
	    (g = getgrgid(st.st_gid)))
		snprintf(buf, len, "%s", g->gr_name);
	else
		snprintf(buf, len, "control.group in camguard.conf");
}

static int connect_daemon(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char msg[1024];
	int fd, err;

	if (strlen(ctl_opts.socket_path) >= sizeof(sa.sun_path)) {
		ctl_error("ENAMETOOLONG", "socket path too long: %s", ctl_opts.socket_path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ctl_error(NULL, "socket: %s", strerror(errno));
		return -1;
	}
	memcpy(sa.sun_path, ctl_opts.socket_path, strlen(ctl_opts.socket_path) + 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	err = errno;
	close(fd);
	if (err == ENOENT || err == ECONNREFUSED)
		snprintf(msg, sizeof(msg), "cannot connect to %s: daemon not running? (%s)",
			 ctl_opts.socket_path, strerror(err));
	else if (err == EACCES || err == EPERM) {
		char group[256];
		control_group(group, sizeof(group));
		snprintf(msg, sizeof(msg),
			 "cannot connect to %s: permission denied: run as root or as a member of the "
			 "control group (%s) (%s)", ctl_opts.socket_path, group, strerror(err));
	}
	else
		snprintf(msg, sizeof(msg), "cannot connect to %s: %s", ctl_opts.socket_path, strerror(err));
	if (ctl_opts.json)
		json_error(protocol_errno_name(err), msg);
	else
		fprintf(stderr, "camguardctl: %s\n", msg);
	return -1;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = send(fd, buf, len, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* One line; malloc'ed, without the '\n'. */
static int read_line(int fd, char **ret, size_t *ret_len)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;

	for (;;) {
		if (cap - len < 65536) {
			if (cap >= CG_PROTO_MAX_REPLY) {
				free(buf);
				return -E2BIG;
			}
			cap = cap ? cap * 2 : 65536;
			char *n = realloc(buf, cap + 1);
			if (!n) {
				free(buf);
				return -ENOMEM;
			}
			buf = n;
		}
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int pr = poll(&p, 1, REPLY_TIMEOUT_MS);
		if (pr == 0) {
			free(buf);
			return -ETIMEDOUT;
		}
		if (pr < 0 && errno == EINTR)
			continue;
		ssize_t r = recv(fd, buf + len, cap - len, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = -errno;
			free(buf);
			return e;
		}
		if (r == 0) {
			free(buf);
			return -ECONNRESET;
		}
		char *nl = memchr(buf + len, '\n', (size_t)r);
		len += (size_t)r;
		if (nl) {
			*nl = 0;
			*ret = buf;
			*ret_len = (size_t)(nl - buf);
			return 0;
		}
	}
}

/* An error reply; a refused reload's every error ("errors", bounded by the
 * daemon) after the first line. */
static void reply_error(const struct cg_request *req, const char *reply, size_t len,
			const struct cg_proto_error *err)
{
	json_object *e = protocol_reply_error_object(reply, len), *errs;

	if (ctl_opts.json && e) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "error", json_object_new_string(err->message));
		json_object_object_add(o, "code", json_object_new_string(err->code));
		json_object_object_foreach(e, key, val)
			if (strcmp(key, "code") && strcmp(key, "message"))
				json_object_object_add(o, key, json_object_get(val));
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else if (e && json_object_object_get_ex(e, "errors", &errs) &&
		   json_object_array_length(errs) > 1) {
		fprintf(stderr, "Error: %s: %s (%s)\n", protocol_command_to_string(req->command),
			err->message, err->code);
		render_errors(e, stderr);
	} else {
		ctl_error(err->code, "%s: %s (%s)", protocol_command_to_string(req->command), err->message,
		          err->code);
	}
	json_object_put(e);
}

/* Sends req, returns the result (new reference) or NULL after printing the
 * error. */
json_object *ctl_call(const struct cg_request *req)
{
	struct cg_proto_error err = {};
	json_object *res = NULL;
	char *line = NULL, *reply = NULL;
	size_t len = 0, rlen = 0;
	int fd, rc;

	fd = connect_daemon();
	if (fd < 0)
		return NULL;
	line = protocol_build_request(req, &len);
	if (!line) {
		ctl_error("ENOMEM", "out of memory");
		goto out;
	}
	rc = write_all(fd, line, len);
	if (!rc)
		rc = read_line(fd, &reply, &rlen);
	if (rc) {
		ctl_error(protocol_errno_name(rc), "%s: no reply from camguardd on %s: %s",
		          protocol_command_to_string(req->command), ctl_opts.socket_path, strerror(-rc));
		goto out;
	}
	rc = protocol_parse_reply(reply, rlen, &res, &err);
	if (rc)
		reply_error(req, reply, rlen, &err);
out:
	free(line);
	free(reply);
	close(fd);
	return res;
}

struct cg_render_opts ctl_render_opts(void)
{
	struct cg_render_opts o = { .width = CG_RENDER_WIDTH_DEFAULT, .wide = ctl_opts.wide };
	struct winsize ws;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		o.width = ws.ws_col;
	return o;
}

int ctl_print_json(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		    (ctl_opts.pretty ? JSON_C_TO_STRING_PRETTY : JSON_C_TO_STRING_PLAIN);

	fprintf(out, "%s\n", json_object_to_json_string_ext(res, flags));
	return 0;
}
