/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fixture.h - what every program test (tests/prog/prog_*.c) shares: one
 * harness H (the real programs, loaded with private pins), the cmocka group
 * setup and teardown, apply_json(), which fails the test with fwctl's
 * own message, and the checked counter reads reason_count() and rule_count(). A test with setup work of its own (more maps to open)
 * defines FIXTURE_OWN_SETUP before including this and writes both.
 */
#ifndef FW_TEST_FIXTURE_H
#define FW_TEST_FIXTURE_H

#include "../harness.h"

static struct fw_harness H;

#ifndef FIXTURE_OWN_SETUP
static int setup(void **state)
{
	(void)state;
	return h_setup(&H);
}

static int teardown(void **state)
{
	(void)state;
	h_teardown(&H);
	return 0;
}
#endif

static void __attribute__((unused)) apply_json(const char *json)
{
	char msg[1024];

	if (h_apply_json(&H, json, msg, sizeof(msg)))
		fail_msg("%s", msg);
}

/* A reason's packet count (dir: FW_DIR_*); the read must succeed. */
static uint64_t __attribute__((unused)) reason_count(unsigned int dir, unsigned int reason)
{
	uint64_t c = h_reason_count(&H, dir, reason);

	assert_true(c != UINT64_MAX);
	return c;
}

/* A rule's packet count in the active generation (-1: the default); the read must succeed. */
static uint64_t __attribute__((unused)) rule_count(unsigned int dir, int rule)
{
	uint64_t c = h_rule_count(&H, dir, rule);

	assert_true(c != UINT64_MAX);
	return c;
}

#endif /* FW_TEST_FIXTURE_H */
