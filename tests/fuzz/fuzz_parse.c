// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_parse.c - libFuzzer target for the policy parser (ctl/policy.c,
 * ctl/jpath.c): fw_policy_parse_buf() on the input, fw_err_format() of the
 * error it reports, fw_policy_free(). Beyond the sanitizers it checks the
 * parser's contract: 0 or a negative errno; on error a message, a
 * position inside the text and *pol left empty; on success a policy within
 * the limits; and ctl/jsonfast.c agrees with jansson: what it reads,
 * json_loadb reads too, to equal values. Built and run by `make fuzz`
 * (Makefile, "fuzzing" block).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "policy.h"
#include "jsonfast.h"
#include "fuzz_sandbox.h"

#define FUZZ_ASSERT(c)	do { if (!(c)) { fprintf(stderr, "fuzz_parse: %s:%d: %s\n", \
					__FILE__, __LINE__, #c); abort(); } } while (0)

static bool print_outcome;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	print_outcome = getenv("FUZZ_PRINT") != NULL;
	fuzz_sandbox_enter();
	return 0;
}

/* Lines and the longest line (in bytes) of text: bounds for a position. */
static void text_shape(const uint8_t *data, size_t size, int *lines, size_t *width)
{
	size_t cur = 0;

	*lines = 1;
	*width = 0;
	for (size_t i = 0; i < size; i++) {
		if (data[i] == '\n') {
			++*lines;
			cur = 0;
		} else if (++cur > *width) {
			*width = cur;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fw_policy empty;
	struct fw_policy pol;
	struct fw_err err;
	char buf[1024];
	size_t width;
	int ret, lines;

	{
		json_t *f = fw_json_fast((const char *)data, size), *j;
		json_error_t jerr;

		if (f) {
			j = json_loadb((const char *)data, size,
				       JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
			FUZZ_ASSERT(j && json_equal(f, j));
			json_decref(j);
			json_decref(f);
		}
	}
	memset(&err, 0xa5, sizeof(err));	/* the parser must fill it */
	ret = fw_policy_parse_buf((const char *)data, size, "fuzz.json", &pol, &err);
	if (ret) {
		FUZZ_ASSERT(ret < 0 && ret > -4096);
		FUZZ_ASSERT(!memcmp(&pol, &empty, sizeof(pol)));
		FUZZ_ASSERT(memchr(err.msg, '\0', sizeof(err.msg)) && err.msg[0]);
		FUZZ_ASSERT(memchr(err.path, '\0', sizeof(err.path)));
		FUZZ_ASSERT(memchr(err.file, '\0', sizeof(err.file)));
		text_shape(data, size, &lines, &width);
		FUZZ_ASSERT(err.line >= 0 && err.line <= lines);
		FUZZ_ASSERT(err.col >= 0 && (size_t)err.col <= width + 1);
		fw_err_format(&err, buf, sizeof(buf));
		if (print_outcome)
			fprintf(stderr, "fuzz_parse: %d: %s\n", ret, buf);
		FUZZ_ASSERT(!strncmp(buf, "fuzz.json", 9) && strlen(buf) < sizeof(buf));
		/* every size, even one that truncates */
		for (size_t n = 0; n < 40; n += 7)
			fw_err_format(&err, buf, n);
	} else {
		if (print_outcome)
			fprintf(stderr, "fuzz_parse: valid: %zu + %zu rules, %zu sets\n",
				pol.dir[0].n_rules, pol.dir[1].n_rules, pol.n_sets);
		FUZZ_ASSERT(pol.version == FW_POLICY_VERSION);
		FUZZ_ASSERT(pol.dir[0].n_rules <= FW_MAX_RULES);
		FUZZ_ASSERT(pol.dir[1].n_rules <= FW_MAX_RULES);
		FUZZ_ASSERT(pol.n_sets <= FW_MAX_SETS);
		FUZZ_ASSERT(pol.text && pol.text_len == size);
		for (int d = 0; d < FW_NDIR; d++)
			for (size_t i = 0; i < pol.dir[d].n_rules; i++) {
				const struct fw_rule_ir *r = &pol.dir[d].rules[i];

				FUZZ_ASSERT(memchr(r->id, '\0', sizeof(r->id)));
				FUZZ_ASSERT(r->action < __FW_ACT_MAX);
				for (size_t k = 0; k < r->pos.n_src; k++)
					fw_prefix_format(&r->pos.src[k], buf, sizeof(buf));
				for (size_t k = 0; k < r->pos.n_tcp_flags; k++)
					fw_tcp_flags_format(&r->pos.tcp_flags[k], buf, sizeof(buf));
			}
	}
	fw_policy_free(&pol);
	return 0;
}
