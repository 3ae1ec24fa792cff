/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parse.h - the two policy-parsing checks the unit tests of each feature
 * share: parse_ok() fails the test with fwctl's message (and the document),
 * expect_error() wants exactly one "file:line:col: path: message".
 */
#ifndef FW_TEST_PARSE_H
#define FW_TEST_PARSE_H

#include <errno.h>
#include <string.h>
#include "policy.h"

static void __attribute__((unused)) parse_ok(const char *json, struct fw_policy *pol)
{
	struct fw_err err;
	char buf[1024];

	memset(pol, 0, sizeof(*pol));
	if (fw_policy_parse_buf(json, strlen(json), "policy.json", pol, &err))
		fail_msg("%s\n%s", fw_err_format(&err, buf, sizeof(buf)), json);
}

static void __attribute__((unused)) expect_error(const char *json, const char *want)
{
	struct fw_policy pol = { 0 };
	struct fw_err err;
	char buf[1024];
	int ret = fw_policy_parse_buf(json, strlen(json), "policy.json", &pol, &err);

	fw_err_format(&err, buf, sizeof(buf));
	if (ret != -EINVAL || strcmp(buf, want))
		print_error("document:\n%s\n", json);
	assert_int_equal(ret, -EINVAL);
	assert_string_equal(buf, want);
	fw_policy_free(&pol);
}

#endif /* FW_TEST_PARSE_H */
