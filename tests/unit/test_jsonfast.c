// SPDX-License-Identifier: GPL-2.0
/*
 * test_jsonfast.c - ctl/jsonfast.c against jansson: whatever the fast
 * reader accepts, json_loadb accepts with equal values (same key order);
 * what it must leave to jansson (errors, reals, \u, UTF-8, duplicates,
 * integers out of range, trailing bytes) it does; and every policy file of
 * the repository (rules/, tests/bad/, the fuzz corpus) reads alike.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "jsonfast.h"

#define FLAGS (JSON_REJECT_DUPLICATES | JSON_DECODE_ANY)

/* Same values and the same key order (json_equal ignores the order). */
static int same(json_t *a, json_t *b)
{
	const char *k;
	json_t *v;
	void *ib;
	size_t i;

	if (!json_equal(a, b) || json_typeof(a) != json_typeof(b))
		return 0;
	if (json_is_object(a)) {
		ib = json_object_iter(b);
		json_object_foreach(a, k, v) {
			if (!ib || strcmp(k, json_object_iter_key(ib)) ||
			    !same(v, json_object_iter_value(ib)))
				return 0;
			ib = json_object_iter_next(b, ib);
		}
	}
	if (json_is_array(a))
		json_array_foreach(a, i, v)
			if (!same(v, json_array_get(b, i)))
				return 0;
	return 1;
}

/* 1: read fast, equal to jansson; 0: left to jansson. Fails the test if
 * the fast reader took what jansson refuses or read it differently. */
static int check(const char *text, size_t len)
{
	json_error_t e;
	json_t *f = fw_json_fast(text, len), *j = json_loadb(text, len, FLAGS, &e);
	int ok = f != NULL;

	if (f) {
		if (!j)
			fail_msg("fast reader took what jansson refuses (%s): %.*s", e.text,
				 (int)(len > 200 ? 200 : len), text);
		if (!same(f, j))
			fail_msg("fast reader read it differently: %.*s",
				 (int)(len > 200 ? 200 : len), text);
	}
	json_decref(f);
	json_decref(j);
	return ok;
}

static int check_s(const char *text)
{
	return check(text, strlen(text));
}

static void test_fast_cases(void **state)
{
	static const char *const fast[] = {
		"{}", "[]", "0", "-0", "17", "-9223372036854775808", "9223372036854775807",
		"true", "false", "null", "\"\"", " \n\t\r{ \"a\" : [ 1 , -2 , true , null ] } \n",
		"{\"version\":1,\"rules\":[{\"action\":\"drop\",\"src\":\"198.18.0.0/15\"}]}",
		"\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"", "{\"k\\n\":\"v\",\"k\":{}}",
		"[[[[[]]]]]", "{\"a\":{\"b\":{\"c\":[{\"d\":\"e\"}]}}}",
	};
	static const char *const jansson[] = {
		/* errors */
		"", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]", "01", "-",
		"+1", "1.", ".5", "tru", "truex", "nul", "[true false]", "\"abc", "\"a\nb\"",
		"{\"a\":1}x", "{\"a\":1} {}", "\"\\x\"", "\"\\u12\"", "'a'", "[1]]", "NaN",
		"9223372036854775808", "-9223372036854775809", "{\"a\":1,\"a\":2}",
		/* fine for jansson, left to it here */
		"1.5", "1e3", "-0.0", "\"\\u00e9\"", "\"caf\xc3\xa9\"", "\"\\ud83d\\ude00\"",
		"{\"a\":1,\"b\":{\"a\":1,\"a\":2}}",
	};
	char deep[2 * 600 + 1];

	for (size_t i = 0; i < sizeof(fast) / sizeof(fast[0]); i++)
		if (!check_s(fast[i]))
			fail_msg("left to jansson: %s", fast[i]);
	for (size_t i = 0; i < sizeof(jansson) / sizeof(jansson[0]); i++)
		if (check_s(jansson[i]))
			fail_msg("read fast: %s", jansson[i]);
	/* a NUL byte inside the buffer */
	assert_int_equal(check("{\"a\":\"b\0c\"}", 11), 0);
	assert_int_equal(check("{\"a\":1}\0", 8), 0);
	/* nesting: 600 levels are left to jansson */
	memset(deep, '[', 600);
	memset(deep + 600, ']', 600);
	deep[1200] = '\0';
	assert_int_equal(check_s(deep), 0);
	assert_int_equal(check(deep + 100, 1000), 1);	/* 500 levels */
}

/* Every JSON file under dir reads alike (fast or left to jansson). */
static int check_dir(const char *dir, int *n_fast)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[512], *buf;
		size_t len;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		buf = malloc(4 << 20);
		assert_non_null(buf);
		len = fread(buf, 1, 4 << 20, f);
		fclose(f);
		*n_fast += check(buf, len);
		free(buf);
		n++;
	}
	closedir(d);
	return n;
}

static void test_repo_files(void **state)
{
	int n = 0, n_fast = 0;

	n += check_dir("rules", &n_fast);
	n += check_dir("tests/bad", &n_fast);
	n += check_dir("tests/fuzz/corpus", &n_fast);
	n += check_dir("tests/data", &n_fast);
	print_message("%d files, %d read fast\n", n, n_fast);
	assert_true(n >= 20);
	assert_true(n_fast >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast_cases),
		cmocka_unit_test(test_repo_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
