// SPDX-License-Identifier: GPL-2.0-only
/*
 * camguardctl — the operator CLI over camguardd's control socket.
 *
 * bpftool-style: a {name, handler} table of commands, each with its own
 * option parser and --help; every output has a plain variant (aligned
 * tables, readable numbers) and a JSON one (the daemon's "result" member,
 * unchanged). Errors: {"error": ...} on stdout in JSON mode, "Error: ..."
 * on stderr otherwise. Exit codes: 0 ok, 1 error, 2 usage.
 *
 * The rendering lives in protocol.c so that the unit tests check it on
 * fixed JSON; this file only parses the command line and talks to the
 * socket (one request, one reply line).
 */
#include <errno.h>
#include <getopt.h>
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
#include <time.h>
#include <unistd.h>

#include "protocol.h"

#define EXIT_USAGE 2
#define REPLY_TIMEOUT_MS (120 * 1000)   /* a reload of a large set takes a while */

static const char *socket_path = CG_CONTROL_SOCKET_DEFAULT;
static bool json_output;
static bool pretty;
static bool wide;

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

static int error(const char *code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int error(const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (json_output)
		json_error(code, msg);
	else
		fprintf(stderr, "Error: %s\n", msg);
	return EXIT_FAILURE;
}

static int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (json_output)
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

	snprintf(dir, sizeof(dir), "%s", socket_path);
	if ((stat(socket_path, &st) == 0 || stat(dirname(dir), &st) == 0) && st.st_gid != 0 &&
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

	if (strlen(socket_path) >= sizeof(sa.sun_path)) {
		error("ENAMETOOLONG", "socket path too long: %s", socket_path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		error(NULL, "socket: %s", strerror(errno));
		return -1;
	}
	memcpy(sa.sun_path, socket_path, strlen(socket_path) + 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	err = errno;
	close(fd);
	if (err == ENOENT || err == ECONNREFUSED)
		snprintf(msg, sizeof(msg), "cannot connect to %s: daemon not running? (%s)",
			 socket_path, strerror(err));
	else if (err == EACCES || err == EPERM) {
		char group[256];
		control_group(group, sizeof(group));
		snprintf(msg, sizeof(msg),
			 "cannot connect to %s: permission denied: run as root or as a member of the "
			 "control group (%s) (%s)", socket_path, group, strerror(err));
	}
	else
		snprintf(msg, sizeof(msg), "cannot connect to %s: %s", socket_path, strerror(err));
	if (json_output)
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

	if (json_output && e) {
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
		protocol_render_errors(e, stderr);
	} else {
		error(err->code, "%s: %s (%s)", protocol_command_to_string(req->command), err->message,
		      err->code);
	}
	json_object_put(e);
}

/* Sends req, returns the result (new reference) or NULL after printing the
 * error. */
static json_object *call(const struct cg_request *req)
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
		error("ENOMEM", "out of memory");
		goto out;
	}
	rc = write_all(fd, line, len);
	if (!rc)
		rc = read_line(fd, &reply, &rlen);
	if (rc) {
		error(protocol_errno_name(rc), "%s: no reply from camguardd on %s: %s",
		      protocol_command_to_string(req->command), socket_path, strerror(-rc));
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

/* Tables fit 80 columns, or the terminal's width when stdout is one;
 * --wide: every column. */
static struct cg_render_opts render_opts(void)
{
	struct cg_render_opts o = { .width = CG_RENDER_WIDTH_DEFAULT, .wide = wide };
	struct winsize ws;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		o.width = ws.ws_col;
	return o;
}

static int print_result_opts(enum cg_command cmd, json_object *res, const struct cg_render_opts *o)
{
	if (json_output) {
		int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
			    (pretty ? JSON_C_TO_STRING_PRETTY : JSON_C_TO_STRING_PLAIN);
		printf("%s\n", json_object_to_json_string_ext(res, flags));
		return 0;
	}
	if (protocol_render_table_opts(cmd, res, o, stdout))
		return error("EPROTO", "unexpected reply from the daemon (try --json)");
	return 0;
}

static int print_result(enum cg_command cmd, json_object *res)
{
	struct cg_render_opts o = render_opts();
	return print_result_opts(cmd, res, &o);
}

/* ---- commands -------------------------------------------------------------- */

struct cmd {
	const char *name;
	int (*handler)(int argc, char **argv);
	const char *args;
	const char *summary;
	const char *help;
};

static const struct cmd *find_cmd(const char *name);
static int cmd_help(const char *name);

#define COMMON_OPTS { "json", no_argument, NULL, 'j' }, { "pretty", no_argument, NULL, 'p' }, \
		    { "help", no_argument, NULL, 'h' }, { "socket", required_argument, NULL, 's' }, \
		    { "wide", no_argument, NULL, 'w' }

/* Options every command takes; true if handled. -1 = --help seen. */
static int common_opt(int c)
{
	switch (c) {
	case 'j': json_output = true; return 1;
	case 'p': json_output = pretty = true; return 1;
	case 's': socket_path = optarg; return 1;
	case 'w': wide = true; return 1;
	case 'h': return -1;
	default: return 0;
	}
}

static int simple_command(enum cg_command cmd, int argc, char **argv)
{
	static const struct option opts[] = { COMMON_OPTS, { NULL, 0, NULL, 0 } };
	const char *name = protocol_command_to_string(cmd);
	struct cg_request req = { .command = cmd };
	int c;

	while ((c = getopt_long(argc, argv, "+jphs:w", opts, NULL)) != -1) {
		int k = common_opt(c);
		if (k < 0)
			return cmd_help(name);
		if (!k)
			return usage_error(name, "%s: unknown option", name);
	}
	if (optind < argc)
		return usage_error(name, "%s: unexpected argument '%s'", name, argv[optind]);
	json_object *res = call(&req);
	if (!res)
		return EXIT_FAILURE;
	int rc = print_result(cmd, res);
	json_object_put(res);
	return rc;
}

/* The inventory with each device's drops (a second request: stats) and the
 * host name on every line, so that the files of many hosts concatenate. */
static int cameras_csv(json_object *cams)
{
	/* stats builds device rows only when asked */
	struct cg_request sreq = { .command = CG_CMD_STATS, .devices = true };
	json_object *stats = call(&sreq);
	char host[256] = "";

	if (!stats)
		return EXIT_FAILURE;
	gethostname(host, sizeof(host) - 1);
	int rc = protocol_render_cameras_csv(cams, stats, host, stdout);
	json_object_put(stats);
	return rc ? error("EPROTO", "unexpected reply from the daemon (try --json)") : 0;
}

/* long-only options: no short letter */
enum { OPT_VULNERABLE = 0x100 };

static int do_cameras(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTS,
		{ "summary", no_argument, NULL, 'S' },
		{ "csv", no_argument, NULL, 'C' },
		{ "policy", required_argument, NULL, 'o' },
		{ "vendor", required_argument, NULL, 'v' },
		{ "unknown", no_argument, NULL, 'u' },
		{ "mismatch", no_argument, NULL, 'm' },
		{ "since", required_argument, NULL, 'i' },
		{ "vulnerable", no_argument, NULL, OPT_VULNERABLE },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_request req = { .command = CG_CMD_CAMERAS };
	bool csv = false;
	int c;

	while ((c = getopt_long(argc, argv, "+jphs:wSC", opts, NULL)) != -1) {
		int k = common_opt(c);
		if (k < 0)
			return cmd_help("cameras");
		if (k)
			continue;
		switch (c) {
		case 'S':
			req.summary = true;
			break;
		case 'o':
			if (!*optarg || strlen(optarg) >= sizeof(req.policy))
				return usage_error("cameras", "--policy: invalid policy name '%s'", optarg);
			snprintf(req.policy, sizeof(req.policy), "%s", optarg);
			break;
		case 'v':
			if (!*optarg || strlen(optarg) >= sizeof(req.vendor))
				return usage_error("cameras", "--vendor: 1 to %zu characters",
						   sizeof(req.vendor) - 1);
			snprintf(req.vendor, sizeof(req.vendor), "%s", optarg);
			break;
		case 'u':
			req.unknown = true;
			break;
		case 'm':
			req.mismatch = true;
			break;
		case 'i':
			if (protocol_parse_duration(optarg, &req.since))
				return usage_error("cameras", "--since: '%s' is not a duration (10m, 2h, 1d)",
						   optarg);
			break;
		case 'C':
			csv = true;
			break;
		case OPT_VULNERABLE:
			req.vulnerable = true;
			break;
		default:
			return usage_error("cameras", "cameras: unknown option");
		}
	}
	if (optind < argc)
		return usage_error("cameras", "cameras: unexpected argument '%s'", argv[optind]);
	if (csv && (json_output || req.summary))
		return usage_error("cameras", "cameras: --csv excludes --json and --summary");
	if (req.summary && (req.policy[0] || req.vendor[0] || req.unknown || req.mismatch || req.since ||
			    req.vulnerable))
		return usage_error("cameras", "cameras: --summary counts every device and takes no filter");
	json_object *res = call(&req);
	if (!res)
		return EXIT_FAILURE;
	int rc = csv ? cameras_csv(res) : print_result(CG_CMD_CAMERAS, res);
	json_object_put(res);
	return rc;
}

static int do_blocked(int argc, char **argv)
{
	return simple_command(CG_CMD_BLOCKED, argc, argv);
}

static int do_status(int argc, char **argv)
{
	return simple_command(CG_CMD_STATUS, argc, argv);
}

static int do_advisories(int argc, char **argv)
{
	return simple_command(CG_CMD_ADVISORIES, argc, argv);
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* stats --watch: a new table every interval seconds with per-second rates
 * since the previous one, until interrupted. JSON: one result per line. */
static int watch_stats(const struct cg_request *req, unsigned interval)
{
	struct cg_render_opts o = render_opts();
	json_object *prev = NULL;
	double t_prev = 0;
	bool tty = isatty(STDOUT_FILENO);

	for (;;) {
		json_object *res = call(req);
		double t = now_seconds();
		if (!res) {
			json_object_put(prev);
			return EXIT_FAILURE;
		}
		if (!json_output) {
			char when[32];
			time_t now = time(NULL);
			strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
			if (tty)
				fputs("\033[H\033[2J", stdout);
			else if (prev)
				fputc('\n', stdout);
			printf("camguardctl stats, every %us, rates per second: %s\n\n", interval, when);
		}
		o.prev = prev;
		o.interval = prev ? t - t_prev : 0;
		int rc = print_result_opts(CG_CMD_STATS, res, &o);
		fflush(stdout);
		json_object_put(prev);
		prev = res;
		t_prev = t;
		if (rc) {
			json_object_put(prev);
			return rc;
		}
		sleep(interval);
	}
}

static int do_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTS,
		{ "prometheus", no_argument, NULL, 'P' },
		{ "policy", required_argument, NULL, 'o' },
		{ "device", required_argument, NULL, 'd' },
		{ "devices", no_argument, NULL, 'D' },
		{ "watch", optional_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_request req = { .command = CG_CMD_STATS };
	bool prom = false;
	unsigned watch = 0;
	int c;

	while ((c = getopt_long(argc, argv, "+jphs:wPo:d:DW::", opts, NULL)) != -1) {
		int k = common_opt(c);
		if (k < 0)
			return cmd_help("stats");
		if (k)
			continue;
		switch (c) {
		case 'P':
			prom = true;
			break;
		case 'o':
			if (!*optarg || strlen(optarg) >= sizeof(req.policy))
				return usage_error("stats", "--policy: invalid policy name '%s'", optarg);
			snprintf(req.policy, sizeof(req.policy), "%s", optarg);
			break;
		case 'd':
			if (addr_parse_mac(optarg, req.device))
				return usage_error("stats", "--device: '%s' is not a MAC address", optarg);
			req.has_device = true;
			break;
		case 'D':
			req.devices = true;
			break;
		case 'W': {
			/* "--watch 5" as well as "--watch=5": the seconds are optional */
			const char *arg = optarg;
			if (!arg && optind < argc && argv[optind][0] >= '0' && argv[optind][0] <= '9')
				arg = argv[optind++];
			char *end = NULL;
			unsigned long v = arg ? strtoul(arg, &end, 10) : 2;
			if ((arg && (*end || !*arg)) || v < 1 || v > 3600)
				return usage_error("stats", "--watch: seconds from 1 to 3600, not '%s'", arg);
			watch = (unsigned)v;
			break;
		}
		default:
			return usage_error("stats", "stats: unknown option");
		}
	}
	if (optind < argc)
		return usage_error("stats", "stats: unexpected argument '%s'", argv[optind]);
	if (prom && json_output)
		return usage_error("stats", "stats: --json and --prometheus exclude each other");
	if (prom && (req.policy[0] || req.has_device))
		return usage_error("stats", "stats: --prometheus covers the whole host (no --policy or --device)");
	if (prom && watch)
		return usage_error("stats", "stats: --watch and --prometheus exclude each other");
	req.prometheus = prom;
	if (watch)
		return watch_stats(&req, watch);
	json_object *res = call(&req);
	if (!res)
		return EXIT_FAILURE;
	int rc = 0;
	if (prom) {
		json_object *text;
		if (!json_object_object_get_ex(res, "exposition", &text) ||
		    !json_object_is_type(text, json_type_string))
			rc = error("EPROTO", "unexpected reply from the daemon (try --json)");
		else
			fputs(json_object_get_string(text), stdout);
	} else {
		rc = print_result(CG_CMD_STATS, res);
	}
	json_object_put(res);
	return rc;
}

/* Sends the probes, waits for the answers, then asks what they taught the
 * inventory: the daemon keeps no client waiting. */
static int do_probe(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTS,
		/* no short option: -w is --wide for every command */
		{ "wait", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_request req = { .command = CG_CMD_PROBE };
	double wait_s = 3;
	int c;

	while ((c = getopt_long(argc, argv, "+jphs:w", opts, NULL)) != -1) {
		int k = common_opt(c);
		if (k < 0)
			return cmd_help("probe");
		if (k)
			continue;
		char *end;
		if (c == 'T' && (wait_s = strtod(optarg, &end), *end == 0) && wait_s >= 0 &&
		    wait_s <= 60)
			continue;
		return usage_error("probe", c == 'T' ? "probe: --wait takes 0 to 60 seconds"
						     : "probe: unknown option");
	}
	if (optind < argc) {
		if (strlen(argv[optind]) >= sizeof(req.iface))
			return usage_error("probe", "probe: interface name too long");
		snprintf(req.iface, sizeof(req.iface), "%s", argv[optind++]);
	}
	if (optind < argc)
		return usage_error("probe", "probe: unexpected argument '%s'", argv[optind]);
	json_object *res = call(&req);
	if (!res)
		return EXIT_FAILURE;
	if (!json_output)
		print_result(CG_CMD_PROBE, res);
	json_object_put(res);
	struct timespec ts = { (time_t)wait_s, (long)((wait_s - (time_t)wait_s) * 1e9) };
	nanosleep(&ts, NULL);
	req.result = true;
	req.iface[0] = 0;
	if (!(res = call(&req)))
		return EXIT_FAILURE;
	int rc = print_result(CG_CMD_PROBE, res);
	json_object_put(res);
	return rc;
}

static int do_reload(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTS,
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_request req = { .command = CG_CMD_RELOAD };
	int c;

	while ((c = getopt_long(argc, argv, "+jphs:wn", opts, NULL)) != -1) {
		int k = common_opt(c);
		if (k < 0)
			return cmd_help("reload");
		if (k)
			continue;
		if (c == 'n')
			req.dry_run = true;
		else
			return usage_error("reload", "reload: unknown option");
	}
	if (optind < argc)
		return usage_error("reload", "reload: unexpected argument '%s'", argv[optind]);
	json_object *res = call(&req);
	if (!res)
		return EXIT_FAILURE;
	int rc = print_result(CG_CMD_RELOAD, res);
	json_object *valid;
	/* A dry run of an invalid set is a successful answer, but not a
	 * successful check: scripts test the exit code. */
	if (!rc && json_object_object_get_ex(res, "valid", &valid) && !json_object_get_boolean(valid))
		rc = EXIT_FAILURE;
	json_object_put(res);
	return rc;
}

static int do_help(int argc, char **argv)
{
	if (argc > 2)
		return usage_error("help", "help: unexpected argument '%s'", argv[2]);
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return cmd_help("help");
	return cmd_help(argc > 1 ? argv[1] : NULL);
}

static const struct cmd cmds[] = {
	{ "stats", do_stats,
	  "[--json | --prometheus] [--policy P] [--devices | --device MAC] [--watch [S]] [--wide]",
	  "pass/drop packets per policy and in total; per device with --devices",
	  "Shows what the data plane counted: per policy the devices, pass and drop packets\n"
	  "(exact counts), the main drop reasons, and a total line. Bytes with --wide.\n"
	  "\n"
	  "  --policy P      only policy P (and, with --devices, its devices)\n"
	  "  --devices       a row per device too (the reply grows with the device count)\n"
	  "  --device MAC    only the device with this MAC address\n"
	  "  --watch [S]     repeat every S seconds (default 2) with per-second rates\n"
	  "  --prometheus    the Prometheus text exposition of the whole host, as the daemon\n"
	  "                  writes it to metrics.textfile (see camguardd(8) for the metrics)\n"
	  "  -w, --wide      every column (bytes), not cut to the terminal's width\n"
	  "  -j, --json      the daemon's JSON result\n" },
	{ "cameras", do_cameras,
	  "[--summary] [--policy P] [--vendor V] [--unknown] [--mismatch] [--since D]\n"
	  "       [--vulnerable] [--wide] [--json | --csv]",
	  "the inventory: MAC, vendor, model, firmware, policy, addresses, first/last seen",
	  "Lists every device seen on the camera interfaces, with the model, firmware, serial\n"
	  "and name the device announced itself with (Hikvision SADP, Dahua DHIP, ONVIF\n"
	  "WS-Discovery, DHCP, SSDP; read passively unless probed: see probe). Vendors are\n"
	  "short brand names (--wide: the registry's). \"Hikvision !Dahua\" marks a device\n"
	  "whose MAC is Hikvision's but that announces Dahua: a rebrand, or a spoofed MAC.\n"
	  "SOURCE says which protocol said the model and firmware (\"sadp\", \"onvif/dhcp\");\n"
	  "it is shown with --wide only.\n"
	  "'*' after the MAC marks a device a loaded advisory affects (exact or likely).\n"
	  "\n"
	  "  --policy P      only devices in policy P\n"
	  "  --vendor V      only devices whose MAC vendor or announced manufacturer\n"
	  "                  contains V (any case)\n"
	  "  --unknown       only devices whose MAC has no known vendor\n"
	  "  --mismatch      only devices announcing another manufacturer than their MAC's\n"
	  "  --since D       only devices seen in the last D (90s, 10m, 2h, 1d, 1w)\n"
	  "  -S, --summary   how many devices of each vendor and model, across the host\n"
	  "  -C, --csv       RFC 4180 CSV with a header row: host, mac, vendor, model, firmware,\n"
	  "                  policy, addresses, first_seen, last_seen, drops (for spreadsheets)\n"
	  "  --vulnerable    only the affected devices: CVE, confidence, KEV, fixed version\n"
	  "                  (one row per device and advisory; combines with the filters)\n"
	  "  -w, --wide      every column, full vendor names and times\n"
	  "  -j, --json      the daemon's JSON result\n" },
	{ "blocked", do_blocked, "[--wide] [--json]",
	  "top blocked destinations per device and per policy",
	  "Lists the destinations camguard blocked (from the rate-limited drop samples), per\n"
	  "device and, merged, per policy. \"(would)\" marks what a monitor policy let through\n"
	  "but isolate would drop.\n"
	  "\n"
	  "  -w, --wide      every column, not cut to the terminal's width\n"
	  "  -j, --json      the daemon's JSON result\n" },
	{ "status", do_status, "[--wide] [--json]",
	  "version, uptime, generation, policy files, attach points, nftables, reloads",
	  "Shows the daemon's state: version, uptime, policy generation, the policy files and\n"
	  "their SHA-256, the OUI registry used, attach points per interface, the nftables\n"
	  "table, the last reload, tamper events and the inventory size.\n"
	  "\n"
	  "  -w, --wide      every column, the files' whole SHA-256\n"
	  "  -j, --json      the daemon's JSON result\n" },
	{ "reload", do_reload, "[--dry-run] [--json]",
	  "reload the policies (or preview which devices would change policy)",
	  "Reloads camguard.conf and policies.d atomically (as SIGHUP does); on any error the\n"
	  "running policy stays. Needs root.\n"
	  "\n"
	  "  -n, --dry-run   validate and compile only; list devices that would change policy\n"
	  "                  (exit status 1 when the set is invalid)\n"
	  "Every error of a refused set is listed (the first 50, then how many more).\n"
	  "  -j, --json      the daemon's JSON result\n" },
	{ "advisories", do_advisories, "[--json]",
	  "loaded advisories and how many devices each matches",
	  "Lists the advisories loaded from advisories.conf and advisories.d/: CVE, vendor,\n"
	  "model patterns, affected firmware range, fixed version, whether CISA lists it as\n"
	  "known exploited, and how many inventory devices match it exactly (model and\n"
	  "firmware in range), likely (firmware in range, model family unknown) or with\n"
	  "unknown confidence (no comparable firmware announced).\n"
	  "\n"
	  "  -j, --json      the daemon's JSON result\n" },
	{ "probe", do_probe, "[--wait SECONDS] [--json] [INTERFACE]",
	  "ask the cameras to announce themselves (WS-Discovery, SADP, DHIP, SSDP)",
	  "Sends, on the camera interfaces only (or on INTERFACE, which must be one), from the\n"
	  "recorder's own address: a WS-Discovery Probe (239.255.255.250 and ff02::c, port\n"
	  "3702), a Hikvision SADP inquiry, a Dahua DHIP search and an SSDP M-SEARCH. Waits\n"
	  "for the answers, then prints how many devices answered and which gained a model.\n"
	  "Nothing is sent on any other interface. Needs root.\n"
	  "\n"
	  "  --wait SECONDS  how long to wait for answers (default 3, at most 60)\n"
	  "  -j, --json      the daemon's JSON result (of the report)\n" },
	{ "help", do_help, "[COMMAND]", "show help for a command",
	  "Without COMMAND: the list of commands and the options every command takes.\n" },
};

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: camguardctl [-s|--socket PATH] [-j|--json] [-p|--pretty] [-w|--wide] COMMAND [ARGS]\n"
		"       camguardctl COMMAND --help\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -s, --socket PATH  control socket (default %s)\n"
		"  -j, --json         print the daemon's JSON result unchanged\n"
		"  -p, --pretty       indented JSON (implies --json)\n"
		"  -w, --wide         every column; tables otherwise fit 80 columns (or the\n"
		"                     terminal's width)\n"
		"  -V, --version      print the version\n"
		"  -h, --help         this help\n"
		"\n"
		"Exit status: 0 ok, 1 error, 2 usage.\n", CG_CONTROL_SOCKET_DEFAULT);
}

static int cmd_help(const char *name)
{
	const struct cmd *c;

	if (!name) {
		usage(stdout);
		return 0;
	}
	c = find_cmd(name);
	if (!c)
		return usage_error(NULL, "unknown command '%s'", name);
	printf("Usage: camguardctl [-s PATH] %s %s\n\n%s\n%s", c->name, c->args, c->summary,
	       c->help[0] ? "\n" : "");
	fputs(c->help, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTS,
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd *cmd;
	int c;

	while ((c = getopt_long(argc, argv, "+jphs:wV", opts, NULL)) != -1) {
		int k = common_opt(c);
		if (k < 0) {
			usage(stdout);
			return 0;
		}
		if (k)
			continue;
		if (c == 'V') {
			printf("camguardctl %s\n", CAMGUARD_VERSION);
			return 0;
		}
		return usage_error(NULL, "unknown option");
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = find_cmd(argv[optind]);
	if (!cmd)
		return usage_error(NULL, "unknown command '%s'", argv[optind]);
	argc -= optind;
	argv += optind;
	optind = 0;    /* 0: re-initialise getopt for the command's own options */
	return cmd->handler(argc, argv);
}
