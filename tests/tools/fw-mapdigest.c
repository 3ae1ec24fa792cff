// SPDX-License-Identifier: GPL-2.0
/*
 * fw-mapdigest - print one SHA-256 per pinned map (and one over all) of
 * every key and value, so a test can prove the kernel state is byte for
 * byte what it was. Usage: fw-mapdigest PIN_DIR [MAP...]
 * Without MAP names: every configuration map (not the counters).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "sha256.h"

static const char *const config_maps[] = {
	"fw_gen", "fw_tblcfg", "fw_lpm4", "fw_lpm6", "fw_dtab", "fw_cls",
	"fw_rules", "fw_iface", "fw_sets4", "fw_sets6", "fw_meta", "fw_addr4", "fw_chunk",
	"fw_logcfg",
	"fw_limcfg",	/* rate limits (not fw_limst, fw_limsrc: buckets are state) */
	"fw_ctcfg",	/* conntrack (issue 5) */
};

static int digest_fd(int fd, const char *name, uint8_t out[32]);

static int digest(const char *dir, const char *name, uint8_t out[32])
{
	char path[4096];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		fprintf(stderr, "fw-mapdigest: %s: %s\n", path, strerror(errno));
		return -1;
	}
	ret = digest_fd(fd, name, out);
	close(fd);
	return ret;
}

/*
 * Every key and value of one map; for a map of maps, each slot's inner
 * map's digest stands for its value (empty slots are skipped).
 */
static int digest_fd(int fd, const char *name, uint8_t out[32])
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);
	uint8_t *key = NULL, *next = NULL, *val = NULL, *buf = NULL;
	size_t n = 0, cap = 0, rec;
	void *prev = NULL;
	bool of_maps;
	int ret = -1;

	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		fprintf(stderr, "fw-mapdigest: %s: %s\n", name, strerror(errno));
		return -1;
	}
	of_maps = info.type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
		  info.type == BPF_MAP_TYPE_HASH_OF_MAPS;
	if (of_maps)
		info.value_size = 32;	/* the inner map's digest */
	rec = info.key_size + info.value_size;
	key = malloc(info.key_size);
	next = malloc(info.key_size);
	val = malloc(info.value_size);
	if (!key || !next || !val)
		goto out;
	/* keys come in the map's own order: sorted for arrays, stable for LPM */
	while (!bpf_map_get_next_key(fd, prev, next)) {
		if (of_maps) {
			uint32_t id;
			int ifd;

			if (bpf_map_lookup_elem(fd, next, &id)) {
				if (errno != ENOENT)
					goto out;
				memcpy(key, next, info.key_size);	/* empty slot */
				prev = key;
				continue;
			}
			ifd = bpf_map_get_fd_by_id(id);
			if (ifd < 0 || digest_fd(ifd, name, val)) {
				if (ifd >= 0)
					close(ifd);
				goto out;
			}
			close(ifd);
		} else if (bpf_map_lookup_elem(fd, next, val)) {
			goto out;
		}
		while (n + rec > cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 1 << 20;
			nb = realloc(buf, cap);
			if (!nb)
				goto out;
			buf = nb;
		}
		memcpy(buf + n, next, info.key_size);
		memcpy(buf + n + info.key_size, val, info.value_size);
		n += rec;
		memcpy(key, next, info.key_size);
		prev = key;
	}
	fw_sha256(buf ? buf : (uint8_t *)"", n, out);
	ret = 0;
out:
	free(key);
	free(next);
	free(val);
	free(buf);
	return ret;
}

int main(int argc, char **argv)
{
	const char *const *names = config_maps;
	int n = sizeof(config_maps) / sizeof(config_maps[0]);
	uint8_t all[32 * 64], d[32];
	char hex[65];

	if (argc < 2) {
		fprintf(stderr, "usage: fw-mapdigest PIN_DIR [MAP...]\n");
		return 1;
	}
	if (argc > 2) {
		names = (const char *const *)argv + 2;
		n = argc - 2 > 64 ? 64 : argc - 2;
	}
	for (int i = 0; i < n; i++) {
		if (digest(argv[1], names[i], all + 32 * i))
			return 2;
		printf("%s %s\n", names[i], fw_sha256_hex(all + 32 * i, hex));
	}
	fw_sha256(all, 32 * (size_t)n, d);
	printf("all %s\n", fw_sha256_hex(d, hex));
	return 0;
}
