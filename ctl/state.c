// SPDX-License-Identifier: GPL-2.0
/*
 * state.c - the firewall's state in bpffs: the pin directory (mounted and
 * created when needed, mode 0700), its flock, and the pinned maps. The
 * firewall lives in these pins, not in any process.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "fwctl.h"

const char *const fw_map_names[FW_NMAPS] = {
	[M_GEN] = FW_XSTR(FW_MAP_GEN),
	[M_TBLCFG] = FW_XSTR(FW_MAP_TBLCFG),
	[M_LPM4] = FW_XSTR(FW_MAP_LPM4),
	[M_LPM6] = FW_XSTR(FW_MAP_LPM6),
	[M_DTAB] = FW_XSTR(FW_MAP_DTAB),
	[M_CLS] = FW_XSTR(FW_MAP_CLS),
	[M_RULES] = FW_XSTR(FW_MAP_RULES),
	[M_RCNT] = FW_XSTR(FW_MAP_RCNT),
	[M_STATS] = FW_XSTR(FW_MAP_STATS),
	[M_IFACE] = FW_XSTR(FW_MAP_IFACE),
	[M_SETS4] = FW_XSTR(FW_MAP_SETS4),
	[M_SETS6] = FW_XSTR(FW_MAP_SETS6),
	[M_ADDR4] = FW_XSTR(FW_MAP_ADDR4),
	[M_CHUNK] = FW_XSTR(FW_MAP_CHUNK),
	[M_META] = FW_PIN_META,
	[M_CONFIRM] = FW_PIN_CONFIRM,
	[M_DEVMAP] = FW_XSTR(FW_MAP_DEVMAP),
	[M_REDIR] = FW_XSTR(FW_MAP_REDIR),
	[M_REWRITE] = FW_XSTR(FW_MAP_REWRITE),
	[M_NAT] = FW_XSTR(FW_MAP_NAT),
	[M_IFSTAT] = FW_XSTR(FW_MAP_IFSTAT),
	[M_LOGCFG] = FW_XSTR(FW_MAP_LOGCFG),
	[M_LOGWIN] = FW_XSTR(FW_MAP_LOGWIN),
	[M_LOGCNT] = FW_XSTR(FW_MAP_LOGCNT),
	[M_EVENTS] = FW_XSTR(FW_MAP_EVENTS),
	[M_IFCNT] = FW_XSTR(FW_MAP_IFCNT),
	[M_LIMCFG] = FW_XSTR(FW_MAP_LIMCFG),
	[M_LIMST] = FW_XSTR(FW_MAP_LIMST),
	[M_LIMSRC] = FW_XSTR(FW_MAP_LIMSRC),
	[M_RLIM] = FW_XSTR(FW_MAP_RLIM),
	[M_CT] = FW_XSTR(FW_MAP_CT),
	[M_CTCFG] = FW_XSTR(FW_MAP_CTCFG),
};
_Static_assert(sizeof(fw_map_names) / sizeof(fw_map_names[0]) == FW_NMAPS,
	       "a name for every map");

const char *fw_pin_dir(const char *opt)
{
	const char *env = getenv("FWCTL_PIN_DIR");

	if (opt && *opt)
		return opt;
	if (env && *env)
		return env;
	return FW_PIN_DIR;
}

static bool on_bpffs(const char *path)
{
	struct statfs sfs;

	return !statfs(path, &sfs) && sfs.f_type == BPF_FS_MAGIC;
}

/* Make sure the parent of pin_dir is a bpffs; mount the default one. */
static int ensure_bpffs(const char *pin_dir)
{
	char parent[PATH_MAX];
	char *slash;

	snprintf(parent, sizeof(parent), "%s", pin_dir);
	slash = strrchr(parent, '/');
	if (!slash || slash == parent) {
		fw_err(0, "pin directory \"%s\" must be inside a BPF filesystem", pin_dir);
		return -EINVAL;
	}
	*slash = '\0';
	if (on_bpffs(parent))
		goto libxdp;
	if (strcmp(parent, "/sys/fs/bpf")) {
		fw_err(0, "%s is not a BPF filesystem (mount -t bpf bpf %s)", parent, parent);
		return -EINVAL;
	}
	if (mount("bpf", parent, "bpf", 0, "mode=0700"))
		return fw_err(-errno, "cannot mount bpffs on %s", parent);
	fw_info("mounted bpffs on %s", parent);
libxdp:
	/* libxdp keeps its own state in a bpffs: use ours unless told */
	if (!getenv("LIBXDP_BPFFS") && !on_bpffs("/sys/fs/bpf"))
		setenv("LIBXDP_BPFFS", parent, 1);
	return 0;
}

static int get_map_id(int fd, uint32_t *id)
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*id = info.id;
	return 0;
}

/* A map of fwctl's own (not used by programs), pinned at path. */
static int create_own(const char *path, const char *name, uint32_t value_size,
		      uint32_t entries)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts);
	int fd, ret;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, name, 4, value_size, entries, &opts);
	if (fd < 0)
		return fw_err(-errno, "cannot create map %s", name);
	ret = bpf_obj_pin(fd, path);
	close(fd);
	if (ret)
		return fw_err(-errno, "cannot pin %s", path);
	return 0;
}

int fw_state_open(struct fw_state *st, const char *pin_dir, int flags)
{
	bool write = flags & FW_ST_WRITE, create = flags & FW_ST_CREATE;
	char path[PATH_MAX + 32];
	int ret;

	*st = (struct fw_state)FW_STATE_INIT;
	snprintf(st->pin_dir, sizeof(st->pin_dir), "%s", pin_dir);

	if (create) {
		ret = ensure_bpffs(pin_dir);
		if (ret)
			return ret;
		if (mkdir(pin_dir, 0700) && errno != EEXIST)
			return fw_err(-errno, "cannot create %s", pin_dir);
	} else if (!on_bpffs("/sys/fs/bpf") && !strncmp(pin_dir, "/sys/fs/bpf/", 12)) {
		return -ENOENT;		/* nothing mounted: nothing set up */
	} else {
		ret = ensure_bpffs(pin_dir);	/* says why it is no bpffs */
		if (ret)
			return ret;
	}

	st->lock_fd = open(pin_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->lock_fd < 0) {
		ret = -errno;
		if (ret != -ENOENT)
			fw_err(ret, "cannot open %s", pin_dir);
		return ret;
	}
	if (flock(st->lock_fd, write ? LOCK_EX : LOCK_SH)) {
		ret = fw_err(-errno, "cannot lock %s", pin_dir);
		goto fail;
	}

	snprintf(path, sizeof(path), "%s/%s", pin_dir, fw_map_names[M_GEN]);
	if (access(path, F_OK)) {
		if (!create) {
			ret = -ENOENT;
			goto fail;
		}
		ret = fw_create_maps(pin_dir);
		if (ret)
			goto fail;
	}
	snprintf(path, sizeof(path), "%s/%s", pin_dir, FW_PIN_META);
	if (create && access(path, F_OK)) {
		ret = create_own(path, FW_PIN_META, FW_META_SIZE, FW_NGEN);
		if (ret)
			goto fail;
	}
	snprintf(path, sizeof(path), "%s/%s", pin_dir, FW_PIN_CONFIRM);
	if (create && access(path, F_OK)) {
		ret = create_own(path, FW_PIN_CONFIRM, sizeof(struct fw_confirm), 1);
		if (ret)
			goto fail;
	}

	for (int i = 0; i < FW_NMAPS; i++) {
		snprintf(path, sizeof(path), "%s/%s", pin_dir, fw_map_names[i]);
		st->fd[i] = bpf_obj_get(path);
		if (st->fd[i] < 0 && i != M_GEN && (flags & FW_ST_ANY_LAYOUT))
			continue;	/* flush removes what is there */
		if (st->fd[i] < 0 && i == M_CONFIRM && errno == ENOENT)
			continue;	/* made by the first apply that needs it */
		if (st->fd[i] < 0) {
			ret = -errno;
			if (ret == -ENOENT && !create)
				goto fail;
			fw_err(ret, "cannot open pinned map %s", path);
			goto fail;
		}
	}
	if (!(flags & FW_ST_ANY_LAYOUT)) {
		ret = fw_check_layout(st->fd, FW_NMAPS);
		if (ret)
			goto fail;
	}
	ret = get_map_id(st->fd[M_GEN], &st->gen_map_id);
	if (ret) {
		fw_err(ret, "cannot read map info");
		goto fail;
	}
	return 0;
fail:
	fw_state_close(st);
	return ret;
}

void fw_state_close(struct fw_state *st)
{
	for (int i = 0; i < FW_NMAPS; i++) {
		if (st->fd[i] >= 0)
			close(st->fd[i]);
		st->fd[i] = -1;
	}
	if (st->lock_fd >= 0)
		close(st->lock_fd);	/* releases the flock */
	st->lock_fd = -1;
}

int fw_state_unpin(struct fw_state *st)
{
	char path[PATH_MAX + 32];
	int ret = 0;

	fw_hw_unpin_all(st);	/* offloaded programs' pins, if any */
	for (int i = 0; i < FW_NMAPS; i++) {
		snprintf(path, sizeof(path), "%s/%s", st->pin_dir, fw_map_names[i]);
		if (unlink(path) && errno != ENOENT)
			ret = fw_err(-errno, "cannot remove %s", path);
	}
	if (rmdir(st->pin_dir) && errno != ENOENT && errno != ENOTEMPTY)
		ret = fw_err(-errno, "cannot remove %s", st->pin_dir);
	return ret;
}

int fw_read_active_gen(const struct fw_state *st, uint32_t *gen)
{
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(st->fd[M_GEN], &zero, gen))
		return -errno;
	*gen &= 1;
	return 0;
}

int fw_read_percpu_sum(int fd, uint32_t idx, uint64_t *out, size_t n)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *v;

	memset(out, 0, n * sizeof(*out));
	if (ncpu < 0)
		return ncpu;
	v = calloc((size_t)ncpu * n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &idx, v)) {
		free(v);
		return -errno;
	}
	for (int i = 0; i < ncpu; i++)
		for (size_t j = 0; j < n; j++)
			out[j] += v[(size_t)i * n + j];
	free(v);
	return 0;
}

int fw_read_counter(int fd, uint32_t idx, struct fw_counter *out)
{
	return fw_read_percpu_sum(fd, idx, (uint64_t *)out, sizeof(*out) / sizeof(uint64_t));
}
