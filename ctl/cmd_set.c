// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_set.c - fwctl set add|del|list: the live elements of the active
 * policy's named sets, changed in place in the generation packets use.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Elements from argv[first..] and --file FILE into *out. */
static int collect(int argc, char **argv, int first, struct fw_prefix **out,
		   size_t *n)
{
	char msg[512];
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	for (int i = first; i < argc; i++) {
		struct fw_prefix p, *v;

		if (!strcmp(argv[i], "--file")) {
			struct fw_prefix *fe;
			size_t fn;

			if (++i >= argc)
				return usage_error("set", "--file needs a FILE");
			if (fw_set_file_read(argv[i], &fe, &fn, msg, sizeof(msg))) {
				fprintf(stderr, "Error: %s\n", msg);
				return FW_EXIT_USAGE;
			}
			v = realloc(*out, (*n + fn + 1) * sizeof(*v));
			if (!v) {
				free(fe);
				return fw_err(-ENOMEM, "cannot read %s", argv[i]), FW_EXIT_KERNEL;
			}
			memcpy(v + *n, fe, fn * sizeof(*fe));
			free(fe);
			*out = v;
			*n += fn;
			cap = *n;
			continue;
		}
		if (argv[i][0] == '-')
			return usage_error("set", "unknown option \"%s\"", argv[i]);
		if (fw_prefix_parse(argv[i], &p, msg, sizeof(msg))) {
			fprintf(stderr, "Error: %s\n", msg);
			return FW_EXIT_USAGE;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			v = realloc(*out, cap * sizeof(*v));
			if (!v)
				return fw_err(-ENOMEM, "out of memory"), FW_EXIT_KERNEL;
			*out = v;
		}
		(*out)[(*n)++] = p;
	}
	return FW_EXIT_OK;
}

static int set_list(struct fw_state *st, const struct fw_policy *pol,
		    uint32_t gen, const char *name)
{
	json_t *doc = json_pack("{s:i,s:[]}", "version", 1, "sets");
	json_t *arr = json_object_get(doc, "sets");
	int rc = FW_EXIT_OK;

	for (size_t s = 0; s < pol->n_sets; s++) {
		struct fw_prefix *e = NULL;
		size_t n = 0;
		int ret;

		if (name && strcmp(name, pol->sets[s].name))
			continue;
		ret = fw_set_list(st, gen, (uint32_t)s, &e, &n);
		if (ret) {
			fw_err(ret, "cannot read set \"%s\"", pol->sets[s].name);
			rc = FW_EXIT_KERNEL;
			break;
		}
		json_array_append_new(arr, json_pack("{s:s,s:I,s:o}", "name", pol->sets[s].name,
						     "count", (json_int_t)n,
						     "elements", prefixes_json(e, n)));
		free(e);
	}
	if (rc == FW_EXIT_OK && opt_json) {
		emit_json(doc);
		return rc;
	}
	if (rc == FW_EXIT_OK) {
		size_t i, k;
		json_t *s, *v;

		json_array_foreach(arr, i, s) {
			printf("set %s (%lld elements)\n", json_string_value(json_object_get(s, "name")),
			       (long long)json_integer_value(json_object_get(s, "count")));
			json_array_foreach(json_object_get(s, "elements"), k, v)
				printf("  %s\n", json_string_value(v));
		}
	}
	json_decref(doc);
	return rc;
}

int cmd_set(int argc, char **argv)
{
	struct fw_state st = FW_STATE_INIT;
	struct fw_meta_info mi = { 0 };
	struct fw_policy pol = { 0 };
	struct fw_prefix *elems = NULL;
	const char *verb = argc > 1 ? argv[1] : "";
	bool add = !strcmp(verb, "add"), del = !strcmp(verb, "del");
	size_t n = 0;
	uint32_t gen;
	int rc, ret, slot = -1;
	double t0;

	if (!add && !del && strcmp(verb, "list"))
		return usage_error("set", "set takes add, del or list");
	if ((add || del) && argc < 3)
		return usage_error("set", "set %s needs a set NAME", verb);
	if (add || del) {
		rc = collect(argc, argv, 3, &elems, &n);
		if (rc)
			goto out_free;
		if (!n) {
			rc = usage_error("set", "set %s needs elements or --file", verb);
			goto out_free;
		}
	}

	rc = open_loaded(&st, add || del ? FW_ST_WRITE : 0);
	if (rc)
		goto out_free;
	ret = load_active(&st, &gen, &mi, &pol);
	if (ret) {
		if (ret == -ENOENT)
			fw_err(0, "no policy applied");
		rc = ret == -ENOENT ? FW_EXIT_USAGE : FW_EXIT_KERNEL;
		goto out;
	}
	if (argc > 2 && !(add || del) && find_set(&pol, argv[2]) < 0) {
		fw_err(0, "the active policy has no set \"%s\"", argv[2]);
		rc = FW_EXIT_USAGE;
		goto out;
	}
	if (!add && !del) {
		rc = set_list(&st, &pol, gen, argc > 2 ? argv[2] : NULL);
		goto out;
	}
	slot = find_set(&pol, argv[2]);
	if (slot < 0) {
		fw_err(0, "the active policy has no set \"%s\"", argv[2]);
		rc = FW_EXIT_USAGE;
		goto out;
	}
	t0 = now_ms();
	ret = add ? fw_set_add(&st, gen, (uint32_t)slot, elems, n)
		  : fw_set_del(&st, gen, (uint32_t)slot, elems, n);
	if (ret < 0) {
		if (ret == -ENOENT && del)
			fw_err(0, "set \"%s\": an element is not in the set (elements before it were removed)",
			       argv[2]);
		else
			fw_err(ret, "cannot change set \"%s\"", argv[2]);
		rc = ret == -ENOENT ? FW_EXIT_USAGE : FW_EXIT_KERNEL;
		goto out;
	}
	if (opt_json)
		emit_json(json_pack("{s:i,s:s,s:s,s:i,s:f}", "version", 1, "set", argv[2],
				    "op", verb, "elements", ret, "ms", now_ms() - t0));
	else
		printf("set %s: %s %d elements in %.0f ms\n", argv[2],
		       add ? "added" : "removed", ret, now_ms() - t0);
	rc = FW_EXIT_OK;
out:
	fw_policy_free(&pol);
	fw_meta_info_free(&mi);
	fw_state_close(&st);
out_free:
	free(elems);
	return rc;
}
