// SPDX-License-Identifier: GPL-2.0-only
/*
 * test-render — camguardctl's printers without a daemon or a socket
 * (daemon/ctl/render*.c, table.c, args.c): human numbers, short vendor
 * names, --since durations, and every command's table at 80 columns, at
 * other terminal widths, with --wide and with --watch rates, on fixed
 * results shaped like the daemon's; results of a foreign shape are
 * refused. (The Prometheus exposition is the daemon's:
 * tests/unit/test-metrics.c; camguardctl prints it as it is.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "protocol.h"
#include "render.h"

#include "test-check.h"

static void test_duration(void)
{
	uint64_t v = 0;
	CHECK(args_parse_duration("10m", &v) == 0 && v == 600, "10m");
	CHECK(args_parse_duration("2h", &v) == 0 && v == 7200, "2h");
	CHECK(args_parse_duration("1d", &v) == 0 && v == 86400, "1d");
	CHECK(args_parse_duration("90", &v) == 0 && v == 90, "90");
	CHECK(args_parse_duration("45s", &v) == 0 && v == 45, "45s");
	static const char *const bad[] = { "", "m", "0", "10x", "-1h", "1.5h", "1hh", "99999w" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(args_parse_duration(bad[i], &v) == -EINVAL, "duration '%s' accepted", bad[i]);
}

static void test_human(void)
{
	static const struct { uint64_t v; const char *count, *bytes; } t[] = {
		{ 0, "0", "0 B" },
		{ 999, "999", "999 B" },
		{ 1000, "1.0k", "1.0 kB" },
		{ 1234, "1.2k", "1.2 kB" },
		{ 12345, "12k", "12 kB" },
		{ 999949, "1000k", "1000 kB" },
		{ 999999, "1.0M", "1.0 MB" },
		{ 3400000, "3.4M", "3.4 MB" },
		{ 5600000000ull, "5.6G", "5.6 GB" },
		{ UINT64_MAX, "18E", "18 EB" },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		render_human_count(t[i].v, buf, sizeof(buf));
		CHECK(strcmp(buf, t[i].count) == 0, "count %llu: %s, expected %s",
		      (unsigned long long)t[i].v, buf, t[i].count);
		render_human_bytes(t[i].v, buf, sizeof(buf));
		CHECK(strcmp(buf, t[i].bytes) == 0, "bytes %llu: %s, expected %s",
		      (unsigned long long)t[i].v, buf, t[i].bytes);
	}
}

/* ---- the tables, on fixed results ------------------------------------------ */

static const char stats_json[] =
"{\"policies\":[{\"name\":\"hikvision\",\"id\":1,\"action\":\"isolate\",\"devices\":2,"
 "\"pass\":{\"packets\":1234,\"bytes\":3400000},\"drop\":{\"packets\":17,\"bytes\":1100},"
 "\"drop_reasons\":{\"egress\":12,\"port\":5,\"spoof\":0},\"pass_reasons\":{\"enclave\":1234},"
 "\"directions\":{"
  "\"out\":{\"pass\":{\"packets\":1000,\"bytes\":3000000,\"reasons\":{\"enclave\":{\"packets\":1000,\"bytes\":3000000}}},"
          "\"drop\":{\"packets\":12,\"bytes\":800,\"reasons\":{\"egress\":{\"packets\":12,\"bytes\":800}}}},"
  "\"in\":{\"pass\":{\"packets\":234,\"bytes\":400000,\"reasons\":{\"enclave\":{\"packets\":234,\"bytes\":400000}}},"
         "\"drop\":{\"packets\":5,\"bytes\":300,\"reasons\":{\"port\":{\"packets\":5,\"bytes\":300}}}}}},"
 "{\"name\":\"we\\\"ird\\\\pol\",\"id\":2,\"action\":\"monitor\",\"devices\":0,"
 "\"pass\":{\"packets\":0,\"bytes\":0},\"drop\":{\"packets\":0,\"bytes\":0},"
 "\"drop_reasons\":{},\"pass_reasons\":{},"
 "\"directions\":{\"out\":{\"pass\":{\"packets\":0,\"bytes\":0,\"reasons\":{\"monitor\":{\"packets\":0,\"bytes\":0}}},"
                  "\"drop\":{\"packets\":0,\"bytes\":0,\"reasons\":{}}}}}],"
"\"devices\":[{\"mac\":\"44:19:b6:00:00:01\",\"vendor\":\"Hangzhou \\\"Hik\\\"\\nVision\",\"policy\":\"hikvision\","
 "\"pass\":{\"packets\":1234,\"bytes\":3400000},\"drop\":{\"packets\":17,\"bytes\":1100},"
 "\"out\":{\"pass\":{\"packets\":1000,\"bytes\":3000000},\"drop\":{\"packets\":12,\"bytes\":800}},"
 "\"in\":{\"pass\":{\"packets\":234,\"bytes\":400000},\"drop\":{\"packets\":5,\"bytes\":300}}}],"
"\"nftables\":{\"present\":true,\"chains\":2,\"rules\":9},\"generation\":3,"
"\"reloads\":{\"ok\":4,\"failed\":1}}";

static char *render(int (*fn)(json_object *, FILE *), json_object *o, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	*rc = fn(o, f);
	fclose(f);
	return buf;
}

static enum cg_command table_cmd;
static struct cg_render_opts topts;   /* zeroed: render_command()'s defaults */
static int render_cmd(json_object *o, FILE *f)
{
	if (!topts.width && !topts.wide)
		return render_command(table_cmd, o, NULL, f);
	return render_command(table_cmd, o, &topts, f);
}

static char *table(enum cg_command cmd, const char *json, int *rc)
{
	json_object *o = json_tokener_parse(json);
	table_cmd = cmd;
	char *s = render(render_cmd, o, rc);
	json_object_put(o);
	return s;
}

/* Every line of s fits in width terminal cells. */
static bool fits(const char *s, size_t width)
{
	size_t w = 0;
	for (; *s; s++) {
		if (*s == '\n') {
			w = 0;
			continue;
		}
		w += ((unsigned char)*s & 0xc0) != 0x80;
		if (w > width)
			return false;
	}
	return true;
}

/* A camera host as the field has it: IEEE names of 40+ characters, models,
 * firmware strings, IPv4 and IPv6 addresses, a rebranded device. */
static const char cameras_field[] =
"{\"cameras\":["
 "{\"mac\":\"44:19:b6:12:34:56\",\"vendor\":\"Hangzhou Hikvision Digital Technology Co.,Ltd.\",\"policy\":\"hikvision\","
  "\"model\":\"DS-2CD2143G2-IS\",\"firmware\":\"V5.7.3 build 220112\",\"manufacturer\":\"Hikvision\",\"mismatch\":false,"
  "\"facts\":{\"model\":{\"value\":\"DS-2CD2143G2-IS\",\"source\":\"sadp\"},\"firmware\":{\"value\":\"V5.7.3 build 220112\",\"source\":\"sadp\"}},"
  "\"ipv4\":[\"192.0.2.21\"],\"ipv6\":[\"2001:db8:c::21\",\"fe80::4619:b6ff:fe12:3456\"],\"vlan\":20,\"interface\":\"cam0\","
  "\"first_seen\":\"2026-03-01T08:00:00Z\",\"last_seen\":\"2026-03-02T11:58:00Z\"},"
 "{\"mac\":\"3c:ef:8c:00:00:07\",\"vendor\":\"Zhejiang Dahua Technology Co., Ltd.\",\"policy\":\"dahua\","
  "\"model\":\"IPC-HFW2431S-S-S2\",\"firmware\":\"V2.800.0000000.25.R\",\"manufacturer\":\"General\",\"mismatch\":false,"
  "\"facts\":{\"model\":{\"value\":\"IPC-HFW2431S-S-S2\",\"source\":\"dhip\"},\"firmware\":{\"value\":\"V2.800.0000000.25.R\",\"source\":\"onvif\"}},"
  "\"ipv4\":[\"192.0.2.22\"],\"ipv6\":[],\"vlan\":0,\"interface\":\"cam0\","
  "\"first_seen\":\"2026-03-01T08:00:00Z\",\"last_seen\":\"2026-03-02T11:59:30Z\"},"
 "{\"mac\":\"c0:56:e3:aa:bb:cc\",\"vendor\":\"Hangzhou Hikvision Digital Technology Co.,Ltd.\",\"policy\":\"hikvision\","
  "\"model\":\"DH-IPC-HDW1230T1\",\"firmware\":\"\",\"manufacturer\":\"Dahua\",\"mismatch\":true,"
  "\"ipv4\":[],\"ipv6\":[\"2001:db8:c::23\"],\"vlan\":0,\"interface\":\"cam1\","
  "\"first_seen\":\"2026-02-20T00:00:00Z\",\"last_seen\":\"2026-02-28T12:00:00Z\"},"
 "{\"mac\":\"02:00:5e:00:00:09\",\"vendor\":\"\",\"policy\":\"unknown\",\"model\":\"\",\"firmware\":\"\","
  "\"mismatch\":false,\"ipv4\":[\"192.0.2.99\"],\"ipv6\":[],\"vlan\":0,\"interface\":\"cam0\","
  "\"first_seen\":\"2026-03-02T11:00:00Z\",\"last_seen\":\"2026-03-02T11:00:00Z\"}],"
"\"count\":9,\"evicted\":0,\"mismatched\":1}";

static void test_render_narrow(void)
{
	const int64_t now = 1772452800;     /* 2026-03-02T12:00:00Z */
	char *s, buf[64];
	int rc;

	CHECK(!strcmp(render_short_vendor("Hangzhou Hikvision Digital Technology Co.,Ltd.", buf, sizeof(buf)), "Hikvision") &&
	      !strcmp(render_short_vendor("Zhejiang Dahua Technology Co., Ltd.", buf, sizeof(buf)), "Dahua") &&
	      !strcmp(render_short_vendor("Hangzhou Huacheng Network Technology", buf, sizeof(buf)), "Dahua") &&
	      !strcmp(render_short_vendor("AXIS COMMUNICATIONS AB", buf, sizeof(buf)), "Axis") &&
	      !strcmp(render_short_vendor("SAMSUNG TECHWIN CO.,LTD", buf, sizeof(buf)), "Hanwha") &&
	      !strcmp(render_short_vendor("\"Bosch Security Systems", buf, sizeof(buf)), "Bosch") &&
	      !strcmp(render_short_vendor("Shenzhen Acme Vision Co., Ltd", buf, sizeof(buf)), "Acme") &&
	      !strcmp(render_short_vendor("", buf, sizeof(buf)), ""), "short vendor names: %s", buf);
	/* "Hikvision" must not match inside another word */
	CHECK(!strcmp(render_short_vendor("Paxis Ltd", buf, sizeof(buf)), "Paxis"), "%s", buf);

	/* the default: 80 columns */
	topts = (struct cg_render_opts){ .width = 80, .now = now };
	s = table(CG_CMD_CAMERAS, cameras_field, &rc);
	CHECK(rc == 0 && fits(s, 80) && !strstr(s, "SOURCE"), "cameras at 80 columns:\n%s", s);
	/* the link-local address is not counted in "+1" */
	CHECK(strstr(s, "DEVICE             VENDOR            POLICY     ADDRESSES       SEEN\n"
			"44:19:b6:12:34:56  Hikvision         hikvision  192.0.2.21 +1   2m ago\n"
			"3c:ef:8c:00:00:07  Dahua             dahua      192.0.2.22      30s ago\n"
			"c0:56:e3:aa:bb:cc  Hikvision !Dahua  hikvision  2001:db8:c::23  2d ago\n"
			"02:00:5e:00:00:09  -                 unknown    192.0.2.99      1h ago\n"),
	      "cameras at 80 columns:\n%s", s);
	CHECK(strstr(s, "4 devices of 9 (filtered)") &&
	      strstr(s, "!X: 1 device announces manufacturer X, not the vendor of its MAC"), "%s", s);
	free(s);
	/* drops and, marked, would-drops beside them: a DROPS column at 80 */
	s = table(CG_CMD_CAMERAS,
		  "{\"cameras\":["
		  "{\"mac\":\"44:19:b6:12:34:56\",\"vendor\":\"Hikvision\",\"policy\":\"hikvision\",\"ipv4\":[\"192.0.2.21\"],\"ipv6\":[],"
		  "\"last_seen\":\"2026-03-02T11:58:00Z\",\"drop\":{\"packets\":1234,\"bytes\":1},\"would_drop\":{\"packets\":0,\"bytes\":0}},"
		  "{\"mac\":\"00:40:8c:00:00:03\",\"vendor\":\"Axis\",\"policy\":\"axis\",\"ipv4\":[\"192.0.2.13\"],\"ipv6\":[],"
		  "\"last_seen\":\"2026-03-02T11:58:00Z\",\"drop\":{\"packets\":0,\"bytes\":0},\"would_drop\":{\"packets\":17,\"bytes\":1}},"
		  "{\"mac\":\"08:ed:ed:00:00:02\",\"vendor\":\"Dahua\",\"policy\":\"dahua\",\"ipv4\":[\"192.0.2.12\"],\"ipv6\":[],"
		  "\"last_seen\":\"2026-03-02T11:58:00Z\",\"drop\":{\"packets\":3,\"bytes\":1},\"would_drop\":{\"packets\":5,\"bytes\":1}},"
		  "{\"mac\":\"02:00:5e:00:00:09\",\"vendor\":\"\",\"policy\":\"unknown\",\"ipv4\":[],\"ipv6\":[],"
		  "\"last_seen\":\"2026-03-02T11:58:00Z\"}],\"count\":4,\"evicted\":0}", &rc);
	CHECK(rc == 0 && fits(s, 80) &&
	      strstr(s, "DEVICE             VENDOR     POLICY     MODEL  ADDRESSES          DROPS  SEEN\n"
			"44:19:b6:12:34:56  Hikvision  hikvision  -      192.0.2.21          1234  2m ago\n"
			"00:40:8c:00:00:03  Axis       axis       -      192.0.2.13    17 (would)  2m ago\n"
			"08:ed:ed:00:00:02  Dahua      dahua      -      192.0.2.12  3, 5 (would)  2m ago\n"
			"02:00:5e:00:00:09  -          unknown    -      -                      -  2m ago\n"),
	      "cameras with drops at 80:\n%s", s);
	free(s);
	/* a wider terminal shows more columns; --wide all of them */
	topts.width = 132;
	s = table(CG_CMD_CAMERAS, cameras_field, &rc);
	CHECK(rc == 0 && fits(s, 132) && strstr(s, "FIRMWARE") && strstr(s, "INTERFACE") &&
	      strstr(s, "IPC-HFW2431S-S-S2") && !strstr(s, "SOURCE"), "132 columns:\n%s", s);
	free(s);
	topts.width = 100;
	s = table(CG_CMD_CAMERAS, cameras_field, &rc);
	CHECK(rc == 0 && fits(s, 100) && strstr(s, "MODEL") && strstr(s, "SEEN"), "100 columns:\n%s", s);
	free(s);
	topts = (struct cg_render_opts){ .wide = true, .now = now };
	s = table(CG_CMD_CAMERAS, cameras_field, &rc);
	CHECK(rc == 0 && strstr(s, "Hangzhou Hikvision Digital Technology Co.,Ltd. !Dahua") &&
	      strstr(s, "192.0.2.21,2001:db8:c::21,fe80::4619:b6ff:fe12:3456") &&
	      strstr(s, "2026-02-20T00:00:00Z") && strstr(s, "V2.800.0000000.25.R") &&
	      strstr(s, "  SOURCE  ") &&
	      strstr(s, "3c:ef:8c:00:00:07  Zhejiang Dahua Technology Co., Ltd.                    dahua      IPC-HFW2431S-S-S2  V2.800.0000000.25.R  dhip/onvif     -  cam0 ") &&
	      strstr(s, "V5.7.3 build 220112  sadp          20  cam0 "), "--wide:\n%s", s);
	free(s);

	/* stats: packets exactly, no bytes, a total line, fits */
	topts = (struct cg_render_opts){ .width = 80, .now = now };
	s = table(CG_CMD_STATS, stats_json, &rc);
	CHECK(rc == 0 && fits(s, 80) &&
	      strstr(s, "POLICY      ACTION   DEVICES  PASS PKTS  DROP PKTS  DROPPED FOR\n"
			"hikvision   isolate        2       1234         17  egress 12, port 5\n"
			"we\"ird\\pol  monitor        0          0          0  -\n"
			"(total)                    2       1234         17\n") &&
	      strstr(s, "DEVICE             VENDOR  POLICY     PASS PKTS  DROP PKTS  WOULD PKTS\n"), "stats at 80:\n%s", s);
	free(s);
	/* no device rows in the reply: the table says how to get them */
	/* monitor: the would-drops beside the (zero) drops, at 80 columns */
	s = table(CG_CMD_STATS,
		  "{\"policies\":[{\"name\":\"hikvision\",\"action\":\"monitor\",\"devices\":2,"
		  "\"pass\":{\"packets\":1234,\"bytes\":1},\"drop\":{\"packets\":0,\"bytes\":0},\"drop_reasons\":{\"egress\":0},"
		  "\"would_drop\":{\"packets\":17,\"bytes\":1700},\"would_drop_reasons\":{\"egress\":12,\"port\":5,\"non_ip\":0}}],"
		  "\"generation\":1}", &rc);
	CHECK(rc == 0 && fits(s, 80) && strstr(s, "would: egress 12, port 5\n"), "would at 80:\n%s", s);
	free(s);
	s = table(CG_CMD_STATS, "{\"policies\":[],\"generation\":1}", &rc);
	CHECK(rc == 0 && strstr(s, "generation 1; per device: --devices\n") && !strstr(s, "\nDEVICE "), "%s", s);
	free(s);
	/* --watch: per-second rates against the previous result */
	json_object *prev = json_tokener_parse(stats_json);
	json_object *p0 = json_object_array_get_idx(json_object_object_get(prev, "policies"), 0), *pass, *drop;
	json_object_object_get_ex(p0, "pass", &pass);
	json_object_object_get_ex(p0, "drop", &drop);
	json_object_object_add(pass, "packets", json_object_new_int(234));    /* +1000 in 2 s */
	json_object_object_add(drop, "packets", json_object_new_int(7));      /* +10 in 2 s */
	topts = (struct cg_render_opts){ .width = 80, .now = now, .prev = prev, .interval = 2.0 };
	s = table(CG_CMD_STATS, stats_json, &rc);
	CHECK(rc == 0 && fits(s, 80) &&
	      strstr(s, "POLICY      ACTION   DEVICES  PASS PKTS  PASS/S  DROP PKTS  DROP/S  DROPPED FOR\n"
			"hikvision   isolate        2       1234     500         17       5  egress 12, ~\n") &&
	      strstr(s, "(total)                    2       1234     500         17       5\n"), "watch:\n%s", s);
	free(s);
	json_object_put(prev);

	/* blocked and status at 80 */
	topts = (struct cg_render_opts){ .width = 80, .now = now };
	s = table(CG_CMD_BLOCKED,
		  "{\"flows\":["
		  "{\"mac\":\"44:19:b6:12:34:56\",\"address\":\"2001:db8:ffff:ffff:ffff:ffff:ffff:1\",\"port\":443,\"proto\":\"tcp\",\"direction\":\"out\",\"reason\":\"egress\",\"packets\":1234567,\"bytes\":98765432,\"first\":\"2026-03-01T11:59:00Z\",\"last\":\"2026-03-02T11:59:00Z\",\"would\":false},"
		  "{\"mac\":\"44:19:b6:12:34:56\",\"address\":\"203.0.113.5\",\"port\":8000,\"proto\":\"udp\",\"direction\":\"in\",\"reason\":\"port\",\"packets\":2,\"bytes\":120,\"first\":\"2026-03-02T10:00:00Z\",\"last\":\"2026-03-02T10:00:00Z\",\"would\":true}],"
		  "\"overflow\":{\"packets\":40,\"would_packets\":2,\"devices\":3,\"max_flows\":65536}}", &rc);
	CHECK(rc == 0 && fits(s, 80) && strstr(s, "[2001:db8:ffff:ffff:ffff:ffff:ffff:1]:443") &&
	      strstr(s, "1234567") &&
	      strstr(s, "42 packets of 3 devices beyond evidence.max_flows (65536)\n"), "blocked at 80:\n%s", s);
	free(s);
	s = table(CG_CMD_STATUS,
		  "{\"version\":\"0.1.0\",\"uptime\":5,\"started\":\"S\",\"generation\":2,\"config\":\"/etc/camguard/camguard.conf\","
		  "\"policies\":9,\"files\":[{\"path\":\"/etc/camguard/policies.d/hikvision.conf\",\"sha256\":"
		  "\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"}],\"files_hash\":\"ab\","
		  "\"interfaces\":[{\"name\":\"cam0\",\"mode\":\"tc\",\"ifindex\":4,\"hooks\":{\"tc-ingress\":true,\"tc-egress\":true,\"xdp\":false},"
		  "\"expected\":[\"tc-ingress\",\"tc-egress\"],\"attaches\":1,\"error\":\"\"}],\"nftables\":null,"
		  "\"reloads\":{\"ok\":1,\"failed\":0,\"last\":{\"ok\":true,\"time\":\"T\",\"message\":\"9 policies, generation 2\",\"generation\":2}},"
		  "\"tamper\":{\"events\":0,\"last\":\"\"},\"inventory\":{\"devices\":3,\"evicted\":0,\"mismatched\":1}}", &rc);
	CHECK(rc == 0 && fits(s, 80) && strstr(s, "last reload: ok at T: 9 policies, generation 2\n") &&
	      strstr(s, "/etc/camguard/policies.d/hikvision.conf  0011223344556677\n"), "status at 80:\n%s", s);
	free(s);

	/* a refused set: every error (as many as the daemon sent), then the rest counted */
	topts = (struct cg_render_opts){ .width = 80 };
	s = table(CG_CMD_RELOAD, "{\"dry_run\":true,\"valid\":false,\"message\":\"a.conf:1: x\",\"changes\":[],"
		  "\"errors\":[\"a.conf:1: x\",\"a.conf:7: y\",\"b.conf:2: z\\u001b[2J\"],\"errors_total\":60}", &rc);
	CHECK(rc == 0 && strcmp(s, "dry run: the policy set is invalid: 60 errors\n"
				   "  a.conf:1: x\n  a.conf:7: y\n  b.conf:2: z?[2J\n"
				   "  ... and 57 more (camguardd --check lists every one)\n") == 0, "%s", s);
	free(s);
	topts = (struct cg_render_opts){ 0 };
}

/* render_blocked_csv's output (the caller frees it). */
static char *blocked_csv(json_object *res, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	*rc = render_blocked_csv(res, mem);
	fclose(mem);
	return buf;
}

static void test_render(void)
{
	json_object *stats = json_tokener_parse(stats_json);
	char *s;
	int rc;

	CHECK(stats, "fixture does not parse");
	json_object_put(stats);

	/* --wide: every column, exact numbers, full names */
	topts = (struct cg_render_opts){ .wide = true };
	s = table(CG_CMD_STATS, stats_json, &rc);
	CHECK(rc == 0, "stats table");
	CHECK(strstr(s, "POLICY      ACTION   DEVICES  PASS PKTS  PASS BYTES  DROP PKTS  DROP BYTES  DROPPED FOR\n"
			"hikvision   isolate        2       1234     3400000         17        1100  egress 12, port 5\n"
			"we\"ird\\pol  monitor        0          0           0          0           0  -\n"
			"(total)                    2       1234     3400000         17        1100\n"),
	      "stats table:\n%s", s);
	CHECK(strstr(s, "DEVICE             VENDOR                 POLICY     PASS PKTS  PASS BYTES  DROP PKTS  DROP BYTES  WOULD PKTS\n"),
	      "device header:\n%s", s);
	CHECK(strstr(s, "44:19:b6:00:00:01  Hangzhou \"Hik\"?Vision  hikvision       1234     3400000"),
	      "control characters not replaced:\n%s", s);
	CHECK(strstr(s, "generation 3, nftables table inet camguard present\n"), "footer:\n%s", s);
	free(s);

	s = table(CG_CMD_CAMERAS,
		  "{\"cameras\":[{\"mac\":\"44:19:b6:00:00:01\",\"vendor\":\"Hikvision\",\"policy\":\"hikvision\","
		  "\"ipv4\":[\"192.0.2.10\"],\"ipv6\":[\"2001:db8:c::10\"],\"vlan\":20,\"interface\":\"cam0\","
		  "\"first_seen\":\"2026-01-01T00:00:00Z\",\"last_seen\":\"2026-01-02T00:00:00Z\"},"
		  "{\"mac\":\"00:00:5e:00:53:01\",\"vendor\":\"\",\"policy\":\"unknown\",\"ipv4\":[],\"ipv6\":[],"
		  "\"vlan\":0,\"interface\":\"\",\"first_seen\":\"x\",\"last_seen\":\"y\"}],\"count\":2,\"evicted\":3}",
		  &rc);
	/* No announced model/firmware (an inventory from before issue 8): "-". */
	CHECK(rc == 0 && strstr(s, "DEVICE             VENDOR     POLICY     MODEL  FIRMWARE  SOURCE  VLAN  INTERFACE  ADDRESSES                  FIRST SEEN            LAST SEEN\n"
				   "44:19:b6:00:00:01  Hikvision  hikvision  -      -         -         20  cam0       192.0.2.10,2001:db8:c::10  2026-01-01T00:00:00Z  2026-01-02T00:00:00Z\n"
				   "00:00:5e:00:53:01  -          unknown    -      -         -          -  -          -                          x                     y\n") &&
	      strstr(s, "2 devices, 3 evicted"), "cameras table:\n%s", s);
	free(s);

	s = table(CG_CMD_BLOCKED,
		  "{\"flows\":["
		  "{\"mac\":\"44:19:b6:00:00:01\",\"address\":\"203.0.113.5\",\"port\":443,\"proto\":\"tcp\",\"direction\":\"out\",\"reason\":\"egress\",\"packets\":1500,\"bytes\":90000,\"first\":\"f\",\"last\":\"t\",\"would\":false},"
		  "{\"mac\":\"44:19:b6:00:00:01\",\"address\":\"\",\"port\":32819,\"proto\":\"ether\",\"direction\":\"out\",\"reason\":\"non_ip\",\"packets\":2,\"bytes\":120,\"first\":\"f\",\"last\":\"t\",\"would\":true}],"
		  "\"overflow\":{\"packets\":0,\"would_packets\":0,\"devices\":0,\"max_flows\":65536}}", &rc);
	CHECK(rc == 0 && strstr(s, "44:19:b6:00:00:01  out  203.0.113.5:443") &&
	      strstr(s, "ether 0x8033") && strstr(s, "non_ip (would)") && !strstr(s, "beyond"),
	      "blocked table:\n%s", s);
	free(s);
	{
		json_object *res = json_tokener_parse(
			"{\"flows\":[{\"mac\":\"44:19:b6:00:00:01\",\"vendor\":\"Hik, \\\"vision\\\"\",\"policy\":\"hikvision\","
			"\"direction\":\"out\",\"address\":\"203.0.113.5\",\"proto\":\"tcp\",\"port\":443,\"packets\":1500,"
			"\"bytes\":90000,\"first\":\"f\",\"last\":\"t\",\"reason\":\"egress\",\"would\":true}]}");
		char *buf = blocked_csv(res, &rc);
		CHECK(rc == 0 && !strcmp(buf, "mac,vendor,policy,direction,address,proto,port,packets,bytes,"
					 "first_seen,last_seen,reason,would,name,cloud,asked\r\n"
					 "44:19:b6:00:00:01,\"Hik, \"\"vision\"\"\",hikvision,out,203.0.113.5,tcp,443,"
					 "1500,90000,f,t,egress,yes,,,\r\n"), "blocked csv:\n%s", buf);
		free(buf);
		json_object_put(res);
	}
	{
		/* names (issue 15): the name and label, a blocked query's names */
		json_object *res = json_tokener_parse(
			"{\"flows\":[{\"mac\":\"44:19:b6:00:00:01\",\"direction\":\"out\",\"address\":\"203.0.113.10\","
			"\"proto\":\"tcp\",\"port\":443,\"packets\":2,\"bytes\":120,\"first\":\"f\",\"last\":\"t\","
			"\"reason\":\"egress\",\"would\":false,\"name\":\"litedev.hik-connect.com\",\"cloud\":\"Hikvision cloud\","
			"\"asked\":[],\"asked_total\":0},"
			"{\"mac\":\"44:19:b6:00:00:03\",\"direction\":\"out\",\"address\":\"198.51.100.2\","
			"\"proto\":\"udp\",\"port\":53,\"packets\":3,\"bytes\":200,\"first\":\"f\",\"last\":\"t\","
			"\"reason\":\"egress\",\"would\":false,\"name\":\"\",\"cloud\":\"\","
			"\"asked\":[\"ntp.example\",\"dev.ezviz7.com\"],\"asked_total\":5}]}");
		char *buf = blocked_csv(res, &rc);
		CHECK(rc == 0 && strstr(buf, ",egress,no,litedev.hik-connect.com,Hikvision cloud,\r\n") &&
		      strstr(buf, ",egress,no,,,ntp.example dev.ezviz7.com\r\n"), "blocked csv names:\n%s", buf);
		free(buf);
		s = table(CG_CMD_BLOCKED, json_object_to_json_string(res), &rc);
		CHECK(rc == 0 && strstr(s, "NAME\n") && strstr(s, "litedev.hik-connect.com (Hikvision cloud)\n") &&
		      strstr(s, "asked for ntp.example, dev.ezviz7.com +3 more\n"), "blocked names --wide:\n%s", s);
		free(s);
		struct cg_render_opts keep = topts;
		topts = (struct cg_render_opts){ .width = 80 };
		s = table(CG_CMD_BLOCKED, json_object_to_json_string(res), &rc);
		CHECK(rc == 0 && fits(s, 80) && strstr(s, "NAME") && strstr(s, "203.0.113.10:443") &&
		      strstr(s, "litedev.hik-connec") && !strstr(s, "BYTES"), "blocked names at 80:\n%s", s);
		free(s);
		topts = keep;
		json_object_put(res);
	}

	s = table(CG_CMD_STATUS,
		  "{\"version\":\"0.1.0\",\"pid\":1,\"started\":\"2026-01-01T00:00:00Z\",\"uptime\":90061,\"generation\":3,"
		  "\"config\":\"/etc/camguard/camguard.conf\",\"policies\":9,"
		  "\"files\":[{\"path\":\"/etc/camguard/camguard.conf\",\"sha256\":\"ab12\"}],\"files_hash\":\"0123456789abcdef0123\","
		  "\"registry\":{\"path\":\"/usr/share/ieee-data\",\"date\":\"2025-06-01\",\"read\":true,\"entries\":5},"
		  "\"interfaces\":[{\"name\":\"cam0\",\"mode\":\"tc\",\"ifindex\":4,\"hooks\":{\"tc-ingress\":true,\"tc-egress\":true,\"xdp\":false},"
		  "\"expected\":[\"tc-ingress\",\"tc-egress\"],\"attaches\":1,\"error\":\"\"}],"
		  "\"nftables\":null,\"reloads\":{\"ok\":2,\"failed\":1,\"last\":{\"ok\":false,\"time\":\"T\",\"message\":\"bad prefix\",\"generation\":3}},"
		  "\"tamper\":{\"events\":1,\"last\":\"filter removed from cam0\"},\"inventory\":{\"devices\":12,\"evicted\":0},"
		  "\"evidence\":{\"rows\":300,\"max_flows\":65536,\"overflow_packets\":40,\"overflow_would_packets\":2,"
		  "\"overflow_devices\":3,\"flow_over_nodev\":7,\"addr_events\":12,\"addr_deferred\":4}}", &rc);
	CHECK(rc == 0 && strstr(s, "uptime:      1d 1h (since 2026-01-01T00:00:00Z)\n") &&
	      strstr(s, "policies:    9 from /etc/camguard/camguard.conf, files sha256 0123456789abcdef\n") &&
	      strstr(s, "registry:    /usr/share/ieee-data (2025-06-01)\n") &&
	      strstr(s, "nftables:    disabled\n") &&
	      strstr(s, "last reload: FAILED at T, generation 3: bad prefix\n") &&
	      strstr(s, "tamper:      1 events, last: filter removed from cam0\n") &&
	      strstr(s, "evidence:    300 flow rows (max_flows 65536), 42 packets beyond it (+7 of no device)\n") &&
	      strstr(s, "addresses:   12 reported, 4 put off and retried\n") &&
	      strstr(s, "cam0       tc          4  tc-ingress,tc-egress  tc-ingress,tc-egress         1  -\n") &&
	      strstr(s, "/etc/camguard/camguard.conf  ab12\n"), "status:\n%s", s);
	free(s);

	s = table(CG_CMD_RELOAD, "{\"dry_run\":true,\"valid\":true,\"generation\":3,\"changes\":["
		  "{\"mac\":\"44:19:b6:00:00:01\",\"vendor\":\"H\",\"from\":\"unknown\",\"to\":\"hikvision\"}]}", &rc);
	CHECK(rc == 0 && strstr(s, "dry run: the policy set is valid; 1 device would change policy\n") &&
	      strstr(s, "44:19:b6:00:00:01  H       unknown  hikvision\n"), "reload:\n%s", s);
	free(s);
	/* issue 15: the flows a dry run would change, totals and tables (at 80
	 * columns: DIR goes first) */
	struct cg_render_opts saved = topts;
	topts = (struct cg_render_opts){ .width = 80 };
	s = table(CG_CMD_RELOAD, "{\"dry_run\":true,\"valid\":true,\"generation\":3,\"changes\":[],"
		  "\"flows\":{\"since\":\"T\",\"examined\":41,\"start_drop\":["
		  "{\"mac\":\"44:19:b6:00:00:01\",\"policy\":\"hikvision\",\"direction\":\"out\",\"family\":6,"
		  "\"address\":\"2001:db8:f::2\",\"proto\":\"udp\",\"port\":9003,\"packets\":10,\"last\":\"T\","
		  "\"now\":\"would_drop\",\"after\":\"drop\",\"reason\":\"egress\",\"uncertain\":false}],"
		  "\"stop_drop\":[{\"mac\":\"08:ed:ed:00:00:03\",\"policy\":\"dahua\",\"direction\":\"in\",\"family\":4,"
		  "\"address\":\"203.0.113.7\",\"proto\":\"tcp\",\"port\":50000,\"packets\":7,\"last\":\"T\","
		  "\"now\":\"drop\",\"after\":\"would_drop\",\"reason\":\"port\",\"uncertain\":true}],"
		  "\"totals\":{\"start_drop\":{\"flows\":37,\"devices\":12,\"packets\":400,\"left_out\":36},"
		  "\"stop_drop\":{\"flows\":1,\"devices\":1,\"packets\":7,\"left_out\":0},\"uncertain\":1}}}", &rc);
	CHECK(rc == 0 && fits(s, 80) && strstr(s, "dry run: the policy set is valid; 0 devices would change policy\n") &&
	      strstr(s, "\n37 flows from 12 cameras would be dropped\n") &&
	      strstr(s, "\n1 flow from 1 camera would no longer be dropped\n") &&
	      strstr(s, "[2001:db8:f::2]:9003") && strstr(s, "203.0.113.7:50000") &&
	      strstr(s, "would drop (port) ?") && strstr(s, "... and 36 more flows") &&
	      strstr(s, "?: a \"from\" rule with ports may match: that depends"), "reload flows:\n%s", s);
	free(s);
	topts = saved;
	s = table(CG_CMD_RELOAD, "{\"dry_run\":true,\"valid\":false,\"message\":\"x.conf:3: bad\",\"changes\":[]}", &rc);
	CHECK(rc == 0 && strcmp(s, "dry run: the policy set is invalid: x.conf:3: bad\n") == 0, "%s", s);
	free(s);
	s = table(CG_CMD_RELOAD, "{\"dry_run\":false,\"valid\":true,\"generation\":4,\"changes\":[]}", &rc);
	CHECK(rc == 0 && strcmp(s, "reloaded: generation 4; 0 devices changed policy\n") == 0, "%s", s);
	free(s);

	/* issue 15: enforce = "monitor" in the reload, stats and status */
	s = table(CG_CMD_RELOAD, "{\"dry_run\":true,\"valid\":true,\"generation\":4,\"changes\":[],"
		  "\"message\":\"valid: 9 policies; enforce would change from policy to monitor\"}", &rc);
	CHECK(rc == 0 && strcmp(s, "dry run: the policy set is valid; 0 devices would change policy\n"
				"enforce would change from policy to monitor\n") == 0, "enforce dry run:\n%s", s);
	free(s);
	json_object *mon = json_tokener_parse(stats_json);
	json_object *p0 = json_object_array_get_idx(json_object_object_get(mon, "policies"), 0);
	json_object_object_add(mon, "enforce", json_object_new_string("monitor"));
	json_object_object_add(p0, "action", json_object_new_string("monitor"));
	json_object_object_add(p0, "policy_action", json_object_new_string("isolate"));
	table_cmd = CG_CMD_STATS;
	s = render(render_cmd, mon, &rc);
	CHECK(rc == 0 &&
	      !strncmp(s, "enforce = monitor: isolate policies (monitor*) pass what they would drop\n\n", 74) &&
	      strstr(s, "\nhikvision   monitor* ") && strstr(s, "\nwe\"ird\\pol  monitor  "),
	      "stats under enforce monitor:\n%s", s);
	free(s);
	json_object_put(mon);
	s = table(CG_CMD_STATS, stats_json, &rc);
	CHECK(rc == 0 && !strstr(s, "enforce") && !strstr(s, "monitor*"), "stats without enforce:\n%s", s);
	free(s);

	test_render_narrow();

	/* shapes the renderers refuse */
	for (int c = 0; c < CG_CMD_MAX; c++) {
		s = table((enum cg_command)c, "{\"x\":1}", &rc);
		CHECK(rc == -EINVAL, "table %d of a foreign object", c);
		free(s);
	}
}

int main(void)
{
	test_duration();
	test_human();
	test_render();
	printf("%d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
