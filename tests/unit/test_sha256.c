// SPDX-License-Identifier: GPL-2.0
/*
 * test_sha256.c - ctl/sha256.c: FIPS 180-4 test vectors, and the SHA
 * extensions path (when the CPU has them) equal to the plain C one for
 * every length around the block and padding boundaries and a large buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "sha256.h"

static void hex_is(void (*f)(const void *, size_t, uint8_t *), const char *s, size_t len,
		   const char *want)
{
	uint8_t d[32];
	char hex[65];

	f(s, len, d);
	assert_string_equal(fw_sha256_hex(d, hex), want);
}

static void test_vectors(void **state)
{
	static const char *const abc =
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	static const char *const empty =
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	static const char *const two =
		"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
	static const char *const msg2 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	void (*fs[2])(const void *, size_t, uint8_t *) = { fw_sha256, fw_sha256_plain };
	char *million = malloc(1000000);

	assert_non_null(million);
	memset(million, 'a', 1000000);
	for (int i = 0; i < 2; i++) {
		hex_is(fs[i], "abc", 3, abc);
		hex_is(fs[i], "", 0, empty);
		hex_is(fs[i], msg2, strlen(msg2), two);
		hex_is(fs[i], million, 1000000,
		       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	}
	free(million);
	print_message("SHA extensions: %s\n", fw_sha256_accelerated() ? "used" : "not on this CPU");
}

static void test_same_as_plain(void **state)
{
	size_t big = 1420063;
	uint8_t *buf = malloc(big), a[32], b[32];
	uint32_t x = 12345;

	assert_non_null(buf);
	for (size_t i = 0; i < big; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	for (size_t len = 0; len <= 300; len++) {
		fw_sha256(buf + 7, len, a);
		fw_sha256_plain(buf + 7, len, b);
		assert_memory_equal(a, b, 32);
	}
	fw_sha256(buf, big, a);
	fw_sha256_plain(buf, big, b);
	assert_memory_equal(a, b, 32);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_same_as_plain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
