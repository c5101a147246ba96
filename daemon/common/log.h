/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * log.h — daemon logging: one line per event on stderr with a syslog
 * priority prefix ("<4>"), which journald turns into the priority. Only the
 * daemon's top level logs; modules return -errno and the caller says what
 * failed.
 */
#ifndef CAMGUARD_LOG_H
#define CAMGUARD_LOG_H

#include <stdio.h>

#define log_at(prio, fmt, ...) fprintf(stderr, "<" #prio ">" fmt "\n", ##__VA_ARGS__)
#define log_err(fmt, ...)     log_at(3, fmt, ##__VA_ARGS__)
#define log_warning(fmt, ...) log_at(4, fmt, ##__VA_ARGS__)
#define log_notice(fmt, ...)  log_at(5, fmt, ##__VA_ARGS__)
#define log_info(fmt, ...)    log_at(6, fmt, ##__VA_ARGS__)
#define log_debug(fmt, ...)   do { if (log_verbose) log_at(7, fmt, ##__VA_ARGS__); } while (0)

extern int log_verbose;

/* Routes libbpf's messages here: its warnings at warning level, the rest at
 * debug level (shown with -v). */
void log_setup_libbpf(void);

#endif
