/* tests/unit/test-check.h — the CHECK macro of the unit tests that report
 * "FAIL file:line: condition: message" on stderr and count checks and
 * failures; each test's main() prints the totals and exits non-zero on any
 * failure. Included once per test program (the counters are its own). */
#ifndef CG_TEST_CHECK_H
#define CG_TEST_CHECK_H

#include <stdio.h>

static int failures, checks;

#define CHECK(cond, ...) do {                                                   \
	checks++;                                                               \
	if (!(cond)) {                                                          \
		failures++;                                                     \
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__);                                   \
		fputc('\n', stderr);                                            \
	}                                                                       \
} while (0)

#endif
