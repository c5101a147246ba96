// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmds.c — camguardctl's command table: per command its handler (its own
 * options, the request it sends, the follow-up requests some need), its
 * plain and JSON printers and its --help. The printers are render*.c's
 * and ctl_print_json(); adding a command is a handler and a table row.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "ctl.h"

/* The result as the options say: the command's JSON or plain printer. */
static int print_result(const struct ctl_command *cmd, json_object *res)
{
	struct cg_render_opts o = ctl_render_opts();
	return ctl_print(cmd, res, &o);
}

/* A command that takes only the common options (blocked, status,
 * advisories). */
static int simple_command(const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct option opts[] = { CTL_COMMON_OPTS, { NULL, 0, NULL, 0 } };
	const char *name = cmd->name;
	struct cg_request req = { .command = cmd->request };
	int c;

	while ((c = getopt_long(argc, argv, "+jphs:w", opts, NULL)) != -1) {
		int k = ctl_common_opt(c);
		if (k < 0)
			return ctl_help(name);
		if (!k)
			return ctl_usage_error(name, "%s: unknown option", name);
	}
	if (optind < argc)
		return ctl_usage_error(name, "%s: unexpected argument '%s'", name, argv[optind]);
	json_object *res = ctl_call(&req);
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
	json_object *stats = ctl_call(&sreq);
	char host[256] = "";

	if (!stats)
		return EXIT_FAILURE;
	gethostname(host, sizeof(host) - 1);
	int rc = render_cameras_csv(cams, stats, host, stdout);
	json_object_put(stats);
	return rc ? ctl_error("EPROTO", "unexpected reply from the daemon (try --json)") : 0;
}

/* long-only options: no short letter */
enum { OPT_VULNERABLE = 0x100 };

static int do_cameras(const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		CTL_COMMON_OPTS,
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
		int k = ctl_common_opt(c);
		if (k < 0)
			return ctl_help("cameras");
		if (k)
			continue;
		switch (c) {
		case 'S':
			req.summary = true;
			break;
		case 'o':
			if (!*optarg || strlen(optarg) >= sizeof(req.policy))
				return ctl_usage_error("cameras", "--policy: invalid policy name '%s'", optarg);
			snprintf(req.policy, sizeof(req.policy), "%s", optarg);
			break;
		case 'v':
			if (!*optarg || strlen(optarg) >= sizeof(req.vendor))
				return ctl_usage_error("cameras", "--vendor: 1 to %zu characters",
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
			if (args_parse_duration(optarg, &req.since))
				return ctl_usage_error("cameras", "--since: '%s' is not a duration (10m, 2h, 1d)",
						       optarg);
			break;
		case 'C':
			csv = true;
			break;
		case OPT_VULNERABLE:
			req.vulnerable = true;
			break;
		default:
			return ctl_usage_error("cameras", "cameras: unknown option");
		}
	}
	if (optind < argc)
		return ctl_usage_error("cameras", "cameras: unexpected argument '%s'", argv[optind]);
	if (csv && (ctl_opts.json || req.summary))
		return ctl_usage_error("cameras", "cameras: --csv excludes --json and --summary");
	if (req.summary && (req.policy[0] || req.vendor[0] || req.unknown || req.mismatch || req.since ||
			    req.vulnerable))
		return ctl_usage_error("cameras", "cameras: --summary counts every device and takes no filter");
	json_object *res = ctl_call(&req);
	if (!res)
		return EXIT_FAILURE;
	int rc = csv ? cameras_csv(res) : print_result(cmd, res);
	json_object_put(res);
	return rc;
}

static int do_blocked(const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		CTL_COMMON_OPTS,
		{ "csv", no_argument, NULL, 'C' },
		{ "device", required_argument, NULL, 'd' },
		{ "policy", required_argument, NULL, 'o' },
		{ "since", required_argument, NULL, 'i' },
		{ "would", no_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_request req = { .command = CG_CMD_BLOCKED };
	bool csv = false;
	int c;

	while ((c = getopt_long(argc, argv, "+jphs:wC", opts, NULL)) != -1) {
		int k = ctl_common_opt(c);
		if (k < 0)
			return ctl_help("blocked");
		if (k)
			continue;
		switch (c) {
		case 'C':
			csv = true;
			break;
		case 'd':
			if (addr_parse_mac(optarg, req.device))
				return ctl_usage_error("blocked", "--device: '%s' is not a MAC address", optarg);
			req.has_device = true;
			break;
		case 'o':
			if (!*optarg || strlen(optarg) >= sizeof(req.policy))
				return ctl_usage_error("blocked", "--policy: invalid policy name '%s'", optarg);
			snprintf(req.policy, sizeof(req.policy), "%s", optarg);
			break;
		case 'i':
			if (args_parse_duration(optarg, &req.since))
				return ctl_usage_error("blocked", "--since: '%s' is not a duration (10m, 2h, 1d)",
						       optarg);
			break;
		case 'W':
			req.would = true;
			break;
		default:
			return ctl_usage_error("blocked", "blocked: unknown option");
		}
	}
	if (optind < argc)
		return ctl_usage_error("blocked", "blocked: unexpected argument '%s'", argv[optind]);
	if (csv && ctl_opts.json)
		return ctl_usage_error("blocked", "blocked: --csv excludes --json");
	json_object *res = ctl_call(&req);
	if (!res)
		return EXIT_FAILURE;
	int rc;
	if (csv) {
		rc = render_blocked_csv(res, stdout);
		if (rc)
			rc = ctl_error("EPROTO", "unexpected reply from the daemon (try --json)");
	} else {
		rc = print_result(cmd, res);
	}
	json_object_put(res);
	return rc;
}

static int do_status(const struct ctl_command *cmd, int argc, char **argv)
{
	return simple_command(cmd, argc, argv);
}

static int do_advisories(const struct ctl_command *cmd, int argc, char **argv)
{
	return simple_command(cmd, argc, argv);
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* stats --watch: a new table every interval seconds with per-second rates
 * since the previous one, until interrupted. JSON: one result per line. */
static int watch_stats(const struct ctl_command *cmd, const struct cg_request *req,
		       unsigned interval)
{
	struct cg_render_opts o = ctl_render_opts();
	json_object *prev = NULL;
	double t_prev = 0;
	bool tty = isatty(STDOUT_FILENO);

	for (;;) {
		json_object *res = ctl_call(req);
		double t = now_seconds();
		if (!res) {
			json_object_put(prev);
			return EXIT_FAILURE;
		}
		if (!ctl_opts.json) {
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
		int rc = ctl_print(cmd, res, &o);
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

static int do_stats(const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		CTL_COMMON_OPTS,
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
		int k = ctl_common_opt(c);
		if (k < 0)
			return ctl_help("stats");
		if (k)
			continue;
		switch (c) {
		case 'P':
			prom = true;
			break;
		case 'o':
			if (!*optarg || strlen(optarg) >= sizeof(req.policy))
				return ctl_usage_error("stats", "--policy: invalid policy name '%s'", optarg);
			snprintf(req.policy, sizeof(req.policy), "%s", optarg);
			break;
		case 'd':
			if (addr_parse_mac(optarg, req.device))
				return ctl_usage_error("stats", "--device: '%s' is not a MAC address", optarg);
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
				return ctl_usage_error("stats", "--watch: seconds from 1 to 3600, not '%s'", arg);
			watch = (unsigned)v;
			break;
		}
		default:
			return ctl_usage_error("stats", "stats: unknown option");
		}
	}
	if (optind < argc)
		return ctl_usage_error("stats", "stats: unexpected argument '%s'", argv[optind]);
	if (prom && ctl_opts.json)
		return ctl_usage_error("stats", "stats: --json and --prometheus exclude each other");
	if (prom && (req.policy[0] || req.has_device))
		return ctl_usage_error("stats", "stats: --prometheus covers the whole host (no --policy or --device)");
	if (prom && watch)
		return ctl_usage_error("stats", "stats: --watch and --prometheus exclude each other");
	req.prometheus = prom;
	if (watch)
		return watch_stats(cmd, &req, watch);
	json_object *res = ctl_call(&req);
	if (!res)
		return EXIT_FAILURE;
	int rc = 0;
	if (prom) {
		if (render_stats_prometheus(res, stdout))
			rc = ctl_error("EPROTO", "unexpected reply from the daemon (try --json)");
	} else {
		rc = print_result(cmd, res);
	}
	json_object_put(res);
	return rc;
}

/* Sends the probes, waits for the answers, then asks what they taught the
 * inventory: the daemon keeps no client waiting. */
static int do_probe(const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		CTL_COMMON_OPTS,
		/* no short option: -w is --wide for every command */
		{ "wait", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_request req = { .command = CG_CMD_PROBE };
	double wait_s = 3;
	int c;

	while ((c = getopt_long(argc, argv, "+jphs:w", opts, NULL)) != -1) {
		int k = ctl_common_opt(c);
		if (k < 0)
			return ctl_help("probe");
		if (k)
			continue;
		char *end;
		if (c == 'T' && (wait_s = strtod(optarg, &end), *end == 0) && wait_s >= 0 &&
		    wait_s <= 60)
			continue;
		return ctl_usage_error("probe", c == 'T' ? "probe: --wait takes 0 to 60 seconds"
						         : "probe: unknown option");
	}
	if (optind < argc) {
		if (strlen(argv[optind]) >= sizeof(req.iface))
			return ctl_usage_error("probe", "probe: interface name too long");
		snprintf(req.iface, sizeof(req.iface), "%s", argv[optind++]);
	}
	if (optind < argc)
		return ctl_usage_error("probe", "probe: unexpected argument '%s'", argv[optind]);
	json_object *res = ctl_call(&req);
	if (!res)
		return EXIT_FAILURE;
	if (!ctl_opts.json)
		print_result(cmd, res);
	json_object_put(res);
	struct timespec ts = { (time_t)wait_s, (long)((wait_s - (time_t)wait_s) * 1e9) };
	nanosleep(&ts, NULL);
	req.result = true;
	req.iface[0] = 0;
	if (!(res = ctl_call(&req)))
		return EXIT_FAILURE;
	int rc = print_result(cmd, res);
	json_object_put(res);
	return rc;
}

static int do_reload(const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		CTL_COMMON_OPTS,
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct cg_request req = { .command = CG_CMD_RELOAD };
	int c;

	while ((c = getopt_long(argc, argv, "+jphs:wn", opts, NULL)) != -1) {
		int k = ctl_common_opt(c);
		if (k < 0)
			return ctl_help("reload");
		if (k)
			continue;
		if (c == 'n')
			req.dry_run = true;
		else
			return ctl_usage_error("reload", "reload: unknown option");
	}
	if (optind < argc)
		return ctl_usage_error("reload", "reload: unexpected argument '%s'", argv[optind]);
	json_object *res = ctl_call(&req);
	if (!res)
		return EXIT_FAILURE;
	int rc = print_result(cmd, res);
	json_object *valid;
	/* A dry run of an invalid set is a successful answer, but not a
	 * successful check: scripts test the exit code. */
	if (!rc && json_object_object_get_ex(res, "valid", &valid) && !json_object_get_boolean(valid))
		rc = EXIT_FAILURE;
	json_object_put(res);
	return rc;
}

static int do_help(const struct ctl_command *cmd, int argc, char **argv)
{
	if (argc > 2)
		return ctl_usage_error("help", "help: unexpected argument '%s'", argv[2]);
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return ctl_help("help");
	return ctl_help(argc > 1 ? argv[1] : NULL);
}

const struct ctl_command ctl_commands[] = {
	{ .name = "stats", .request = CG_CMD_STATS, .handler = do_stats,
	  .print_plain = render_stats, .print_json = ctl_print_json,
	  .args = "[--json | --prometheus] [--policy P] [--devices | --device MAC] [--watch [S]] [--wide]",
	  .summary = "pass/drop packets per policy and in total; per device with --devices",
	  .help = "Shows what the data plane counted: per policy the devices, pass and drop packets\n"
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
	{ .name = "cameras", .request = CG_CMD_CAMERAS, .handler = do_cameras,
	  .print_plain = render_cameras, .print_json = ctl_print_json,
	  .args = "[--summary] [--policy P] [--vendor V] [--unknown] [--mismatch] [--since D]\n"
		"       [--vulnerable] [--wide] [--json | --csv]",
	  .summary = "the inventory: MAC, vendor, model, firmware, policy, addresses, first/last seen",
	  .help = "Lists every device seen on the camera interfaces, with the model, firmware, serial\n"
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
	{ .name = "blocked", .request = CG_CMD_BLOCKED, .handler = do_blocked,
	  .print_plain = render_blocked, .print_json = ctl_print_json,
	  .args = "[--device MAC] [--policy P] [--since D] [--would] [--csv] [--wide] [--json]",
	  .summary = "every denied flow: device, peer, packets, bytes, first/last seen, reason",
	  .help = "Lists every flow camguard denied (device, direction, remote address, protocol and\n"
		  "port, reason), most packets first, with packets, bytes, first and last seen.\n"
		  "\"(would)\" marks what a monitor policy let through but isolate would drop. Once a\n"
		  "table of evidence.max_flows flows is full, a device's further flows are counted\n"
		  "in a footer line (\"N packets of D devices beyond evidence.max_flows\"): rows plus\n"
		  "that count equal the drop counters exactly.\n"
		  "\n"
		  "  --device MAC    only this device's flows\n"
		  "  --policy P      only flows whose last packet was under policy P\n"
		  "  --since D       only flows seen in the last D (90s, 10m, 2h, 1d, 1w)\n"
		  "  --would         only would-drop flows (monitor mode)\n"
		  "  -C, --csv       RFC 4180 CSV with a header row: mac, vendor, policy, direction,\n"
		  "                  address, proto, port, packets, bytes, first_seen, last_seen,\n"
		  "                  reason, would\n"
		  "  -w, --wide      every column, not cut to the terminal's width\n"
		  "  -j, --json      the daemon's JSON result\n" },
	{ .name = "status", .request = CG_CMD_STATUS, .handler = do_status,
	  .print_plain = render_status, .print_json = ctl_print_json,
	  .args = "[--wide] [--json]",
	  .summary = "version, uptime, generation, policy files, attach points, nftables, reloads",
	  .help = "Shows the daemon's state: version, uptime, policy generation, the policy files and\n"
		  "their SHA-256, the OUI registry used, attach points per interface, the nftables\n"
		  "table, the last reload, tamper events and the inventory size.\n"
		  "\n"
		  "  -w, --wide      every column, the files' whole SHA-256\n"
		  "  -j, --json      the daemon's JSON result\n" },
	{ .name = "reload", .request = CG_CMD_RELOAD, .handler = do_reload,
	  .print_plain = render_reload, .print_json = ctl_print_json,
	  .args = "[--dry-run] [--json]",
	  .summary = "reload the policies (or preview which devices would change policy)",
	  .help = "Reloads camguard.conf and policies.d atomically (as SIGHUP does); on any error the\n"
		  "running policy stays. Needs root.\n"
		  "\n"
		  "  -n, --dry-run   validate and compile only; list devices that would change policy\n"
		  "                  (exit status 1 when the set is invalid)\n"
		  "Every error of a refused set is listed (the first 50, then how many more).\n"
		  "  -j, --json      the daemon's JSON result\n" },
	{ .name = "advisories", .request = CG_CMD_ADVISORIES, .handler = do_advisories,
	  .print_plain = render_advisories, .print_json = ctl_print_json,
	  .args = "[--json]",
	  .summary = "loaded advisories and how many devices each matches",
	  .help = "Lists the advisories loaded from advisories.conf and advisories.d/: CVE, vendor,\n"
		  "model patterns, affected firmware range, fixed version, whether CISA lists it as\n"
		  "known exploited, and how many inventory devices match it exactly (model and\n"
		  "firmware in range), likely (firmware in range, model family unknown) or with\n"
		  "unknown confidence (no comparable firmware announced).\n"
		  "\n"
		  "  -j, --json      the daemon's JSON result\n" },
	{ .name = "probe", .request = CG_CMD_PROBE, .handler = do_probe,
	  .print_plain = render_probe, .print_json = ctl_print_json,
	  .args = "[--wait SECONDS] [--json] [INTERFACE]",
	  .summary = "ask the cameras to announce themselves (WS-Discovery, SADP, DHIP, SSDP)",
	  .help = "Sends, on the camera interfaces only (or on INTERFACE, which must be one), from the\n"
		  "recorder's own address: a WS-Discovery Probe (239.255.255.250 and ff02::c, port\n"
		  "3702), a Hikvision SADP inquiry, a Dahua DHIP search and an SSDP M-SEARCH. Waits\n"
		  "for the answers, then prints how many devices answered and which gained a model.\n"
		  "Nothing is sent on any other interface. Needs root.\n"
		  "\n"
		  "  --wait SECONDS  how long to wait for answers (default 3, at most 60)\n"
		  "  -j, --json      the daemon's JSON result (of the report)\n" },
	{ .name = "help", .request = CG_CMD_MAX, .handler = do_help,
	  .print_plain = NULL, .print_json = NULL,
	  .args = "[COMMAND]", .summary = "show help for a command",
	  .help = "Without COMMAND: the list of commands and the options every command takes.\n" },
};

const size_t ctl_commands_count = sizeof(ctl_commands) / sizeof(ctl_commands[0]);

const struct ctl_command *ctl_command_find(const char *name)
{
	for (size_t i = 0; i < ctl_commands_count; i++)
		if (strcmp(ctl_commands[i].name, name) == 0)
			return &ctl_commands[i];
	return NULL;
}

int ctl_print(const struct ctl_command *cmd, json_object *res, const struct cg_render_opts *o)
{
	if (ctl_opts.json)
		return cmd->print_json(res, o, stdout);
	if (!json_object_is_type(res, json_type_object) || cmd->print_plain(res, o, stdout))
		return ctl_error("EPROTO", "unexpected reply from the daemon (try --json)");
	return 0;
}
