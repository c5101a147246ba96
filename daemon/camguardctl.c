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
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "protocol.h"

#define EXIT_USAGE 2
#define REPLY_TIMEOUT_MS (120 * 1000)   /* a reload of a large set takes a while */

static const char *socket_path = CG_CONTROL_SOCKET_DEFAULT;
static bool json_output;
static bool pretty;

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
	else if (err == EACCES || err == EPERM)
		snprintf(msg, sizeof(msg),
			 "cannot connect to %s: permission denied: run as root or as a member of the "
			 "control group (camguard) (%s)", socket_path, strerror(err));
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
		error(err.code, "%s: %s (%s)", protocol_command_to_string(req->command), err.message,
		      err.code);
out:
	free(line);
	free(reply);
	close(fd);
	return res;
}

static int print_result(enum cg_command cmd, json_object *res)
{
	if (json_output) {
		int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
			    (pretty ? JSON_C_TO_STRING_PRETTY : JSON_C_TO_STRING_PLAIN);
		printf("%s\n", json_object_to_json_string_ext(res, flags));
		return 0;
	}
	if (protocol_render_table(cmd, res, stdout))
		return error("EPROTO", "unexpected reply from the daemon (try --json)");
	return 0;
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
		    { "help", no_argument, NULL, 'h' }, { "socket", required_argument, NULL, 's' }

/* Options every command takes; true if handled. -1 = --help seen. */
static int common_opt(int c)
{
	switch (c) {
	case 'j': json_output = true; return 1;
	case 'p': json_output = pretty = true; return 1;
	case 's': socket_path = optarg; return 1;
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

	while ((c = getopt_long(argc, argv, "+jphs:", opts, NULL)) != -1) {
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
	struct cg_request sreq = { .command = CG_CMD_STATS };
	json_object *stats = call(&sreq);
	char host[256] = "";

	if (!stats)
		return EXIT_FAILURE;
	gethostname(host, sizeof(host) - 1);
	int rc = protocol_render_cameras_csv(cams, stats, host, stdout);
	json_object_put(stats);
	return rc ? error("EPROTO", "unexpected reply from the daemon (try --json)") : 0;
}

static int do_cameras(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTS,
		{ "summary", no_argument, NULL, 'S' },
		{ "csv", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_request req = { .command = CG_CMD_CAMERAS };
	bool csv = false;
	int c;

	while ((c = getopt_long(argc, argv, "+jphs:SC", opts, NULL)) != -1) {
		int k = common_opt(c);
		if (k < 0)
			return cmd_help("cameras");
		if (k)
			continue;
		if (c == 'S')
			req.summary = true;
		else if (c == 'C')
			csv = true;
		else
			return usage_error("cameras", "cameras: unknown option");
	}
	if (optind < argc)
		return usage_error("cameras", "cameras: unexpected argument '%s'", argv[optind]);
	if (csv && (json_output || req.summary))
		return usage_error("cameras", "cameras: --csv excludes --json and --summary");
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

static int do_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTS,
		{ "prometheus", no_argument, NULL, 'P' },
		{ "policy", required_argument, NULL, 'o' },
		{ "device", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_request req = { .command = CG_CMD_STATS };
	bool prom = false;
	int c;

	while ((c = getopt_long(argc, argv, "+jphs:Po:d:", opts, NULL)) != -1) {
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
			if (protocol_parse_mac(optarg, req.device))
				return usage_error("stats", "--device: '%s' is not a MAC address", optarg);
			req.has_device = true;
			break;
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
	req.prometheus = prom;
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
		{ "wait", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_request req = { .command = CG_CMD_PROBE };
	double wait_s = 3;
	int c;

	while ((c = getopt_long(argc, argv, "+jphs:w:", opts, NULL)) != -1) {
		int k = common_opt(c);
		if (k < 0)
			return cmd_help("probe");
		if (k)
			continue;
		char *end;
		if (c == 'w' && (wait_s = strtod(optarg, &end), *end == 0) && wait_s >= 0 &&
		    wait_s <= 60)
			continue;
		return usage_error("probe", c == 'w' ? "probe: --wait takes 0 to 60 seconds"
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

	while ((c = getopt_long(argc, argv, "+jphs:n", opts, NULL)) != -1) {
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
	return cmd_help(argc > 1 ? argv[1] : NULL);
}

static const struct cmd cmds[] = {
	{ "stats", do_stats, "[--json | --prometheus] [--policy P] [--device MAC]",
	  "pass/drop packets and bytes per policy and per device, drop reasons",
	  "Shows what the data plane counted: per policy pass and drop packets and bytes,\n"
	  "drop reasons by direction, the devices in each policy; per device pass and drop.\n"
	  "\n"
	  "  --policy P      only policy P and its devices\n"
	  "  --device MAC    only the device with this MAC address\n"
	  "  --prometheus    the Prometheus text exposition of the whole host, as the daemon\n"
	  "                  writes it to metrics.textfile (see camguardd(8) for the metrics)\n"
	  "  -j, --json      the daemon's JSON result\n" },
	{ "cameras", do_cameras, "[--summary] [--json | --csv]",
	  "the inventory: MAC, vendor, model, firmware, policy, addresses, first/last seen",
	  "Lists every device seen on the camera interfaces, with the model, firmware, serial\n"
	  "and name the device announced itself with (Hikvision SADP, Dahua DHIP, ONVIF\n"
	  "WS-Discovery, DHCP, SSDP; read passively unless probed: see probe). SOURCE says\n"
	  "which protocol said the model and firmware. '!' after the\n"
	  "vendor marks a device that announces another manufacturer than its MAC's vendor.\n"
	  "\n"
	  "  -S, --summary   how many devices of each vendor and model, across the host\n"
	  "  -C, --csv       RFC 4180 CSV with a header row: host, mac, vendor, model, firmware,\n"
	  "                  policy, addresses, first_seen, last_seen, drops (for spreadsheets)\n"
	  "  -j, --json      the daemon's JSON result\n" },
	{ "blocked", do_blocked, "[--json]",
	  "top blocked destinations per device and per policy",
	  "Lists the destinations camguard blocked (from the rate-limited drop samples), per\n"
	  "device and, merged, per policy. \"(would)\" marks what a monitor policy let through\n"
	  "but isolate would drop.\n"
	  "\n"
	  "  -j, --json      the daemon's JSON result\n" },
	{ "status", do_status, "[--json]",
	  "version, uptime, generation, policy files, attach points, nftables, reloads",
	  "Shows the daemon's state: version, uptime, policy generation, the policy files and\n"
	  "their SHA-256, the OUI registry used, attach points per interface, the nftables\n"
	  "table, the last reload, tamper events and the inventory size.\n"
	  "\n"
	  "  -j, --json      the daemon's JSON result\n" },
	{ "reload", do_reload, "[--dry-run] [--json]",
	  "reload the policies (or preview which devices would change policy)",
	  "Reloads camguard.conf and policies.d atomically (as SIGHUP does); on any error the\n"
	  "running policy stays. Needs root.\n"
	  "\n"
	  "  -n, --dry-run   validate and compile only; list devices that would change policy\n"
	  "                  (exit status 1 when the set is invalid)\n"
	  "  -j, --json      the daemon's JSON result\n" },
	{ "probe", do_probe, "[--wait SECONDS] [--json] [INTERFACE]",
	  "ask the cameras to announce themselves (WS-Discovery, SADP, DHIP, SSDP)",
	  "Sends, on the camera interfaces only (or on INTERFACE, which must be one), from the\n"
	  "recorder's own address: a WS-Discovery Probe (239.255.255.250 and ff02::c, port\n"
	  "3702), a Hikvision SADP inquiry, a Dahua DHIP search and an SSDP M-SEARCH. Waits\n"
	  "for the answers, then prints how many devices answered and which gained a model.\n"
	  "Nothing is sent on any other interface. Needs root.\n"
	  "\n"
	  "  -w, --wait SECONDS  how long to wait for answers (default 3, at most 60)\n"
	  "  -j, --json          the daemon's JSON result (of the report)\n" },
	{ "help", do_help, "[COMMAND]", "show help for a command", "" },
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
		"Usage: camguardctl [-s|--socket PATH] [-j|--json] [-p|--pretty] COMMAND [ARGS]\n"
		"       camguardctl COMMAND --help\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -s, --socket PATH  control socket (default %s)\n"
		"  -j, --json         print the daemon's JSON result unchanged\n"
		"  -p, --pretty       indented JSON (implies --json)\n"
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

	while ((c = getopt_long(argc, argv, "+jphs:V", opts, NULL)) != -1) {
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
