// SPDX-License-Identifier: GPL-2.0-only
/*
 * commands.c — the command table: which handler (cmd-*.c) answers which
 * command. The handlers take the view as their context.
 */
#include "cmd.h"
#include "commands.h"

#define HANDLER(fn)                                                                     \
	static int run_##fn(void *ctx, const struct cg_request *req, json_object **ret,    \
			    struct cg_proto_error *err)                                     \
	{                                                                               \
		return fn(ctx, req, ret, err);                                          \
	}
HANDLER(cmd_stats)
HANDLER(cmd_cameras)
HANDLER(cmd_blocked)
HANDLER(cmd_status)
HANDLER(cmd_reload)
HANDLER(cmd_advisories)
HANDLER(cmd_probe)

const struct cg_control_handler commands_table[] = {
	{ CG_CMD_STATS, run_cmd_stats },
	{ CG_CMD_CAMERAS, run_cmd_cameras },
	{ CG_CMD_BLOCKED, run_cmd_blocked },
	{ CG_CMD_STATUS, run_cmd_status },
	{ CG_CMD_RELOAD, run_cmd_reload },
	{ CG_CMD_ADVISORIES, run_cmd_advisories },
	{ CG_CMD_PROBE, run_cmd_probe },
};
const size_t commands_count = sizeof(commands_table) / sizeof(commands_table[0]);

int commands_run(const struct cg_view *v, const struct cg_request *req, json_object **ret_result,
		 struct cg_proto_error *err)
{
	*ret_result = NULL;
	for (size_t i = 0; i < commands_count; i++)
		if (commands_table[i].command == req->command)
			return commands_table[i].run((void *)v, req, ret_result, err);
	return protocol_error(err, "ENOSYS", "unknown command");
}
