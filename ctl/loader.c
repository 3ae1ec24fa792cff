// SPDX-License-Identifier: GPL-2.0
/*
 * loader.c - the BPF objects, embedded in fwctl through their skeletons:
 * opened with every map pinned by name under the pin directory, so the XDP
 * program, the tc program and fwctl share one set of maps.
 */
#include <errno.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "fwctl.h"
#include "fw_xdp.skel.h"
#include "fw_tc.skel.h"

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
	return obj;
}

struct bpf_object *fw_open_xdp_obj(const char *pin_dir)
{
	size_t size;
	const void *elf = fw_xdp__elf_bytes(&size);

	return open_embedded(elf, size, "fw_xdp", pin_dir);
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
