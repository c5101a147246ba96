// SPDX-License-Identifier: GPL-2.0-only
/*
 * control.c — the control socket server.
 *
 * Design: one listening socket and one record per client, all non-blocking
 * and driven by the daemon's epoll loop. A client has a fixed input buffer
 * (one request line, CG_PROTO_MAX_REQUEST bytes) and at most one reply in
 * flight: while a reply is being written the client is not read, so a
 * client that pipelines requests and never reads holds one reply's memory,
 * not an unbounded queue. A request line longer than the limit gets an
 * E2BIG reply and the connection is closed (there is no way to resync).
 *
 * Idle clients: each client has a deadline, moved forward when a request
 * completes and when its reply makes progress; a 1 s timerfd (armed only
 * while clients exist) closes the ones past it. The timer handler must not
 * free a client whose event may be pending in the same epoll batch, so it
 * shuts the socket down and lets the client's own handler free it.
 *
 * Authorization: SO_PEERCRED at accept. Root (or the daemon's own uid) may
 * do everything; members of the control group (primary or supplementary,
 * read with SO_PEERGROUPS, else /proc/PID/status) the read-only commands.
 * The socket's mode already keeps others out; the check is the second wall.
 *
 * What a command answers is not this module's business: it calls the
 * handler the caller's table gives for the command (commands.c in the
 * daemon, a fake in tests) and frames the result. It knows the event loop
 * and the wire protocol, nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "event.h"
#include "log.h"
#include "protocol.h"

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif

struct client {
	struct cg_watch w;
	struct cg_control *ctl;
	struct client *prev, *next;

	struct ucred cred;
	bool root;                 /* may reload */
	bool member;               /* may read */

	char *in;                  /* CG_PROTO_MAX_REQUEST + 1 bytes */
	size_t nin;
	char *out;                 /* the reply in flight */
	size_t nout, off;

	bool eof;                  /* peer shut its side: answer what we have, then close */
	bool close_after;          /* close once out is written */
	bool expired;              /* the timer shut the socket down */
	uint32_t events;           /* registered epoll events */
	time_t deadline;           /* CLOCK_MONOTONIC seconds */
};

struct cg_control {
	struct cg_event_loop *loop;
	const struct cg_control_handler *handlers;
	size_t nhandlers;
	void *ctx;                 /* handed to every handler */
	struct cg_watch listen_w;
	struct cg_watch timer_w;
	bool timer_armed;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char group[64];
	gid_t gid;
	bool root_only;
	struct client *clients;
	unsigned nclients;
	unsigned max_clients;
	unsigned idle_timeout;
};

static time_t now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* ---- the idle timer ----------------------------------------------------- */

static void timer_arm(struct cg_control *c, bool on)
{
	if (c->timer_armed == on || c->timer_w.fd < 0)
		return;
	event_timer_set(&c->timer_w, on ? 1000 : 0);
	c->timer_armed = on;
}

/* ---- clients -------------------------------------------------------------- */

static void client_free(struct client *cl)
{
	struct cg_control *c = cl->ctl;

	event_del(c->loop, &cl->w);
	close(cl->w.fd);
	if (cl->prev)
		cl->prev->next = cl->next;
	else
		c->clients = cl->next;
	if (cl->next)
		cl->next->prev = cl->prev;
	c->nclients--;
	if (!c->nclients)
		timer_arm(c, false);
	free(cl->in);
	free(cl->out);
	free(cl);
}

static void client_update_events(struct client *cl)
{
	uint32_t ev = 0;

	if (cl->out)
		ev |= EPOLLOUT;
	else if (!cl->eof)
		ev |= EPOLLIN;
	if (ev != cl->events) {
		event_mod(cl->ctl->loop, &cl->w, ev);
		cl->events = ev;
	}
}

/* Is gid among the peer's groups? SO_PEERGROUPS (Linux 4.13) gives the
 * groups at connect time; /proc/PID/status is the fallback. */
static bool peer_in_group(int fd, pid_t pid, gid_t gid)
{
	gid_t groups[256];
	socklen_t len = sizeof(groups);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0) {
		for (size_t i = 0; i < len / sizeof(gid_t); i++)
			if (groups[i] == gid)
				return true;
		return false;
	}
	/* ERANGE (more than 256 groups) or an old kernel: read /proc. */
	char path[64], line[4096];
	bool found = false;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Groups:", 7))
			continue;
		for (char *p = line + 7, *end; *p; p = end) {
			unsigned long g = strtoul(p, &end, 10);
			if (end == p)
				break;
			if ((gid_t)g == gid)
				found = true;
		}
		break;
	}
	fclose(f);
	return found;
}

static void client_set_reply(struct client *cl, char *line, size_t len)
{
	static const char oom[] =
		"{\"ok\":false,\"error\":{\"code\":\"ENOMEM\",\"message\":\"out of memory\"}}\n";

	if (!line) {
		line = strdup(oom);
		len = sizeof(oom) - 1;
		cl->close_after = true;
		if (!line) {
			cl->close_after = true;
			return;
		}
	}
	if (len > CG_CONTROL_MAX_REPLY) {
		free(line);
		line = protocol_reply_error("E2BIG", "reply too large; narrow it with --policy or --device",
					    &len);
		if (!line) {
			cl->close_after = true;
			return;
		}
	}
	cl->out = line;
	cl->nout = len;
	cl->off = 0;
}

static void client_error(struct client *cl, const char *code, const char *msg)
{
	size_t len = 0;
	char *line = protocol_reply_error(code, msg, &len);
	client_set_reply(cl, line, len);
}

/* The table's handler for the command; ENOSYS when it has none. */
static int control_run(const struct cg_control *c, const struct cg_request *req,
		       json_object **ret, struct cg_proto_error *err)
{
	*ret = NULL;
	for (size_t i = 0; i < c->nhandlers; i++)
		if (c->handlers[i].command == req->command)
			return c->handlers[i].run(c->ctx, req, ret, err);
	return protocol_error(err, "ENOSYS", "unknown command");
}

static void client_handle(struct client *cl, const char *line, size_t len)
{
	struct cg_request req;
	struct cg_proto_error err = {};
	json_object *res = NULL;
	size_t n = 0;
	int rc;

	rc = protocol_parse_request(line, len, &req, &err);
	if (!rc && !cl->member && !cl->root)
		rc = protocol_error(&err, "EPERM",
				    "permission denied: uid %u is neither root nor in group %s",
				    (unsigned)cl->cred.uid,
				    cl->ctl->root_only ? "(none: root only)" : cl->ctl->group);
	if (!rc && protocol_command_needs_root(&req) && !cl->root)
		rc = protocol_error(&err, "EPERM", "permission denied: %s needs root",
				    protocol_command_to_string(req.command));
	if (!rc && req.command == CG_CMD_RELOAD)
		log_info("%s requested over the control socket (uid %u, pid %d)",
			 req.dry_run ? "Reload dry run" : "Reload", (unsigned)cl->cred.uid,
			 (int)cl->cred.pid);
	if (!rc)
		rc = control_run(cl->ctl, &req, &res, &err);
	/* (two statements: the length is known only after the call) */
	char *reply = rc ? protocol_reply_error_details(err.code, err.message, res, &n)
			 : protocol_reply_ok(res, &n);
	client_set_reply(cl, reply, n);
	json_object_put(res);
	cl->deadline = now_mono() + cl->ctl->idle_timeout;
}

/* Answers the next complete request in the input buffer, if no reply is in
 * flight. At EOF an unterminated last line counts as a request. */
static void client_process(struct client *cl)
{
	while (!cl->out && !cl->close_after) {
		char *nl = memchr(cl->in, '\n', cl->nin);
		size_t len;

		if (nl) {
			len = (size_t)(nl - cl->in);
		} else if (cl->nin > CG_PROTO_MAX_REQUEST) {
			char msg[80];
			snprintf(msg, sizeof(msg), "request longer than %d bytes", CG_PROTO_MAX_REQUEST);
			client_error(cl, "E2BIG", msg);
			cl->close_after = true;
			return;
		} else if (cl->eof && cl->nin) {
			len = cl->nin;
		} else {
			if (cl->eof)
				cl->close_after = true;
			return;
		}
		if (len > CG_PROTO_MAX_REQUEST) {
			client_error(cl, "E2BIG", "request too long");
			cl->close_after = true;
			return;
		}
		client_handle(cl, cl->in, len);
		size_t used = nl ? len + 1 : len;
		memmove(cl->in, cl->in + used, cl->nin - used);
		cl->nin -= used;
	}
}

/* Writes what the socket takes. false: the client is gone (freed). */
static bool client_flush(struct client *cl)
{
	while (cl->out && cl->off < cl->nout) {
		ssize_t w = send(cl->w.fd, cl->out + cl->off, cl->nout - cl->off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return true;
			client_free(cl);
			return false;
		}
		cl->off += (size_t)w;
		cl->deadline = now_mono() + cl->ctl->idle_timeout;
	}
	if (cl->out) {
		free(cl->out);
		cl->out = NULL;
	}
	return true;
}

static void on_client(struct cg_watch *w, uint32_t events)
{
	struct client *cl = w->data;

	if (cl->expired || (events & EPOLLERR)) {
		client_free(cl);
		return;
	}
	/* A few requests per wakeup: a client pipelining small requests gets
	 * its turn again from the level-triggered loop, after the others. */
	for (int turn = 0; turn < 16; turn++) {
		if (cl->out) {
			if (!client_flush(cl))
				return;
			if (cl->out)
				break;          /* socket full: wait for EPOLLOUT */
		}
		if (cl->close_after) {
			client_free(cl);
			return;
		}
		/* Read only what fits one request (plus one byte to see it is too
		 * long); the rest waits in the kernel's buffer. */
		while (!cl->eof && cl->nin <= CG_PROTO_MAX_REQUEST && !memchr(cl->in, '\n', cl->nin)) {
			ssize_t r = recv(cl->w.fd, cl->in + cl->nin, CG_PROTO_MAX_REQUEST + 1 - cl->nin,
					 MSG_DONTWAIT);
			if (r < 0) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				client_free(cl);
				return;
			}
			if (r == 0)
				cl->eof = true;
			cl->nin += (size_t)r;
		}
		client_process(cl);
		if (!cl->out) {
			if (cl->close_after) {
				client_free(cl);
				return;
			}
			break;                  /* nothing to say: wait for more input */
		}
	}
	client_update_events(cl);
}

static void on_accept(struct cg_watch *w, uint32_t events)
{
	struct cg_control *c = w->data;

	/* Bounded per wakeup: a connect flood cannot starve the other sources. */
	for (int i = 0; i < 64; i++) {
		int fd = accept4(c->listen_w.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (c->nclients >= c->max_clients) {
			static const char busy[] =
				"{\"ok\":false,\"error\":{\"code\":\"EBUSY\",\"message\":\"too many clients\"}}\n";
			ssize_t ignored = send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
			(void)ignored;
			close(fd);
			continue;
		}
		struct client *cl = calloc(1, sizeof(*cl));
		char *in = malloc(CG_PROTO_MAX_REQUEST + 1);
		socklen_t len = sizeof(cl ? cl->cred : (struct ucred){});
		if (!cl || !in || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cl->cred, &len) < 0) {
			free(cl);
			free(in);
			close(fd);
			continue;
		}
		cl->in = in;
		cl->ctl = c;
		cl->w = (struct cg_watch){ .fd = fd, .fn = on_client, .data = cl };
		cl->root = cl->cred.uid == 0 || cl->cred.uid == geteuid();
		cl->member = cl->root || (!c->root_only && (cl->cred.gid == c->gid ||
							    peer_in_group(fd, cl->cred.pid, c->gid)));
		cl->deadline = now_mono() + c->idle_timeout;
		cl->events = EPOLLIN;
		if (event_add(c->loop, &cl->w, EPOLLIN) < 0) {
			free(cl->in);
			free(cl);
			close(fd);
			continue;
		}
		cl->next = c->clients;
		if (c->clients)
			c->clients->prev = cl;
		c->clients = cl;
		c->nclients++;
		timer_arm(c, true);
	}
}

static void on_timer(struct cg_watch *w, uint32_t events)
{
	struct cg_control *c = w->data;
	int64_t rc = event_timer_read(w);
	time_t now = now_mono();

	if (rc < 0 && rc != -EAGAIN)
		return;
	for (struct client *cl = c->clients; cl; cl = cl->next) {
		if (cl->expired || now < cl->deadline)
			continue;
		if (!cl->out) {
			static const char msg[] =
				"{\"ok\":false,\"error\":{\"code\":\"ETIMEDOUT\",\"message\":\"idle timeout\"}}\n";
			ssize_t ignored = send(cl->w.fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
			(void)ignored;
		}
		/* The client's handler frees it: its event may be in this batch. */
		cl->expired = true;
		shutdown(cl->w.fd, SHUT_RDWR);
		if (cl->events != (EPOLLIN | EPOLLOUT)) {
			event_mod(c->loop, &cl->w, EPOLLIN | EPOLLOUT);
			cl->events = EPOLLIN | EPOLLOUT;
		}
	}
}

/* ---- the socket ------------------------------------------------------------ */

/* A socket file left by a daemon that died: replace it. One that answers
 * belongs to a running daemon: leave it. */
static int remove_stale(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	if (rc == 0)
		return -EADDRINUSE;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static int make_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = 0;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/*
 * systemd makes the unit's RuntimeDirectory root:root on every start
 * (RuntimeDirectoryMode=0750 overrides tmpfiles.d), so the control group
 * could not reach a socket inside it. When the socket lives in the
 * directory systemd made for us ($RUNTIME_DIRECTORY), it is handed to the
 * group: 0750 root:GROUP, members reach the socket, others do not even see
 * it. Any other directory is the admin's and is left as it is.
 */
static int share_runtime_dir(const char *path, gid_t gid)
{
	const char *rt = getenv("RUNTIME_DIRECTORY");
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!rt || !slash || slash == dir)
		return 0;
	*slash = 0;
	if (strcmp(rt, dir) != 0)
		return 0;
	if (chown(dir, (uid_t)-1, gid) < 0 || chmod(dir, 0750) < 0)
		return -errno;
	return 0;
}

int control_open(struct cg_event_loop *loop, const char *path, const char *group,
		 const struct cg_control_handler *handlers, size_t nhandlers, void *ctx,
		 struct cg_control **ret)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct cg_control *c;
	struct group grp, *gr = NULL;
	char buf[4096];
	mode_t old;
	int rc;

	*ret = NULL;
	if (!path || !*path || strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->loop = loop;
	c->handlers = handlers;
	c->nhandlers = nhandlers;
	c->ctx = ctx;
	c->listen_w.fd = c->timer_w.fd = -1;
	c->max_clients = CG_CONTROL_MAX_CLIENTS;
	c->idle_timeout = CG_CONTROL_IDLE_TIMEOUT;
	snprintf(c->path, sizeof(c->path), "%s", path);
	snprintf(c->group, sizeof(c->group), "%s", group ? group : "");
	if (c->group[0] && getgrnam_r(c->group, &grp, buf, sizeof(buf), &gr) == 0 && gr)
		c->gid = gr->gr_gid;
	else
		c->root_only = true;

	if ((rc = make_parent(path)) || (rc = remove_stale(path)))
		goto fail;
	if (!c->root_only && (rc = share_runtime_dir(path, c->gid)))
		goto fail;
	c->listen_w = (struct cg_watch){
		.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0),
		.fn = on_accept, .data = c };
	if (c->listen_w.fd < 0) {
		rc = -errno;
		goto fail;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	/* The file is created with the mode the umask leaves: never wider than
	 * 0660 (0600 without a group), not even for an instant. */
	old = umask(c->root_only ? 0177 : 0117);
	rc = bind(c->listen_w.fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
	umask(old);
	if (rc)
		goto fail;
	if (!c->root_only && chown(path, (uid_t)-1, c->gid) < 0) {
		rc = -errno;
		unlink(path);
		goto fail;
	}
	if (listen(c->listen_w.fd, 64) < 0) {
		rc = -errno;
		unlink(path);
		goto fail;
	}
	if (event_timer_open(&c->timer_w, on_timer, c) < 0 ||
	    event_add(loop, &c->timer_w, EPOLLIN) < 0 || event_add(loop, &c->listen_w, EPOLLIN) < 0) {
		rc = errno ? -errno : -EIO;
		unlink(path);
		goto fail;
	}
	*ret = c;
	return 0;
fail:
	if (c->timer_w.fd >= 0)
		close(c->timer_w.fd);
	if (c->listen_w.fd >= 0)
		close(c->listen_w.fd);
	free(c);
	return rc;
}

void control_close(struct cg_control *c)
{
	if (!c)
		return;
	while (c->clients)
		client_free(c->clients);
	if (c->listen_w.fd >= 0) {
		event_del(c->loop, &c->listen_w);
		close(c->listen_w.fd);
		unlink(c->path);
	}
	if (c->timer_w.fd >= 0) {
		event_del(c->loop, &c->timer_w);
		close(c->timer_w.fd);
	}
	free(c);
}

bool control_root_only(const struct cg_control *c)
{
	return c && c->root_only;
}

void control_set_limits(struct cg_control *c, unsigned max_clients, unsigned idle_timeout_s)
{
	if (max_clients)
		c->max_clients = max_clients;
	if (idle_timeout_s)
		c->idle_timeout = idle_timeout_s;
}
