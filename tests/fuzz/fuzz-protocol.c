// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz-protocol — libFuzzer harness over the control request parser, the
 * reply parser (daemon/control/protocol.c) and camguardctl's printers of the
 * replies that parse (daemon/ctl/render*.c), with
 * clang -fsanitize=fuzzer,address,undefined.
 * Whatever a peer sends, the parser returns 0 or a negative errno with a
 * code and a NUL-terminated message, and a request it accepts survives a
 * build/parse round trip unchanged.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol.h"
#include "render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_request req, again;
	struct cg_proto_error err;
	json_object *res = NULL;
	size_t len;
	int rc;

	memset(&err, 0xa5, sizeof(err));
	rc = protocol_parse_request((const char *)data, size, &req, &err);
	if (rc) {
		if (rc > 0 || !memchr(err.code, 0, sizeof(err.code)) ||
		    !memchr(err.message, 0, sizeof(err.message)) || !err.code[0])
			abort();
	} else {
		char *line = protocol_build_request(&req, &len);
		if (!line || protocol_parse_request(line, len - 1, &again, &err) ||
		    memcmp(&req, &again, sizeof(req)))
			abort();
		free(line);
	}

	/* The client side: the same bytes as a reply, rendered if they parse. */
	if (protocol_parse_reply((const char *)data, size, &res, &err) == 0) {
		FILE *out = fopen("/dev/null", "w");
		if (out) {
			for (int c = 0; c < CG_CMD_MAX; c++)
				render_command((enum cg_command)c, res, NULL, out);
			fclose(out);
		}
		json_object_put(res);
	}
	return 0;
}
