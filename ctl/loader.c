// SPDX-License-Identifier: GPL-2.0
/*
 * loader.c - the BPF objects, embedded in fwctl through their skeletons:
 * opened with every map pinned by name under the pin directory, so the XDP
 * program, the tc program and fwctl share one set of maps.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "fwctl.h"
#include "fw_xdp.skel.h"
#include "fw_tc.skel.h"
#include "fw_xdp_hw.skel.h"

/*
 * The kernel creates a devmap with BPF_F_RDONLY_PROG added to its flags, so
 * libbpf 1.1 finds a pinned one "incompatible" with the definition (flags
 * 0, the only value it can create with): reuse it with the flags it has.
 */
static void devmap_flags(struct bpf_object *obj, const char *pin_dir)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, FW_XSTR(FW_MAP_DEVMAP));
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);
	char path[PATH_MAX];
	int fd;

	if (!m || !pin_dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", pin_dir, FW_XSTR(FW_MAP_DEVMAP));
	fd = bpf_obj_get(path);
	if (fd < 0)
		return;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
	    info.type == BPF_MAP_TYPE_DEVMAP)
		bpf_map__set_map_flags(m, info.map_flags);
	close(fd);
}

static struct bpf_object *open_embedded(const void *elf, size_t size,
					const char *name, const char *pin_dir)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = name,
		    .pin_root_path = pin_dir);
	struct bpf_object *obj = bpf_object__open_mem(elf, size, &opts);

	if (!obj) {
		fw_err(-errno, "cannot open BPF object %s", name);
		return NULL;
	}
	devmap_flags(obj, pin_dir);
	return obj;
}

struct bpf_object *fw_open_xdp_obj(const char *pin_dir)
{
	size_t size;
	const void *elf = fw_xdp__elf_bytes(&size);

	return open_embedded(elf, size, "fw_xdp", pin_dir);
}

struct bpf_object *fw_open_xdp_hw_obj(void)
{
	size_t size;
	const void *elf = fw_xdp_hw__elf_bytes(&size);

	return open_embedded(elf, size, "fw_xdp_hw", NULL);
}

int fw_create_maps(const char *pin_dir)
{
	struct bpf_object *obj = fw_open_xdp_obj(pin_dir);
	struct bpf_program *prog;
	int ret;

	if (!obj)
		return -EINVAL;
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, false);
	ret = bpf_object__load(obj);
	if (ret)
		fw_err(ret, "cannot create the maps under %s (an incompatible layout from another fwctl version? 'fwctl flush' removes it)",
		       pin_dir);
	bpf_object__close(obj);
	return ret;
}

int fw_check_layout(const int fd[], int n)
{
	struct bpf_object *obj = fw_open_xdp_obj(NULL);
	int ret = 0;

	if (!obj)
		return -EINVAL;
	for (int i = 0; i < n && !ret; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(obj, fw_map_names[i]);
		struct bpf_map_info info = { 0 };
		uint32_t len = sizeof(info);

		if (!m)
			continue;	/* created by fwctl itself (fw_meta) */
		if (bpf_obj_get_info_by_fd(fd[i], &info, &len)) {
			ret = -errno;
			break;
		}
		if (info.type != bpf_map__type(m) ||
		    info.key_size != bpf_map__key_size(m) ||
		    info.value_size != bpf_map__value_size(m) ||
		    info.max_entries != bpf_map__max_entries(m)) {
			fw_err(0, "pinned map %s has another layout (key %u, value %u, entries %u; this fwctl expects %u, %u, %u): written by an incompatible fwctl? 'fwctl flush' removes it",
			       fw_map_names[i], info.key_size, info.value_size,
			       info.max_entries, bpf_map__key_size(m),
			       bpf_map__value_size(m), bpf_map__max_entries(m));
			ret = -EPROTO;
		}
	}
	bpf_object__close(obj);
	return ret;
}

int fw_load_tc_prog(const char *pin_dir)
{
	size_t size;
	const void *elf = fw_tc__elf_bytes(&size);
	struct bpf_object *obj = open_embedded(elf, size, "fw_tc", pin_dir);
	struct bpf_program *prog;
	int ret, fd;

	if (!obj)
		return -EINVAL;
	ret = bpf_object__load(obj);
	if (ret) {
		fw_err(ret, "cannot load the tc egress program (-vv shows the verifier log)");
		goto out;
	}
	prog = bpf_object__find_program_by_name(obj, "fw_tc_egress");
	fd = prog ? bpf_program__fd(prog) : -ENOENT;
	ret = fd < 0 ? fd : dup(fd);
	if (ret < 0)
		fw_err(ret, "cannot find the tc egress program");
out:
	bpf_object__close(obj);
	return ret;
}
