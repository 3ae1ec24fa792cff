# fwctl - XDP/tc packet-filter firewall.
#   make            build BPF objects, skeletons and fwctl into build/
#   make check      install dependencies, build, run every test tier
#   make demo       install dependencies, build, run the three-namespace lab
#   make difftest CASES=N SEED=S   kernel vs reference model, N random packets
#   make bench      benchmarks (make bench-quick: under a minute); see bench/README.md
#   make install    install fwctl (DESTDIR and PREFIX honoured)

.DELETE_ON_ERROR:
.SUFFIXES:

B        := build
CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= bpftool
PKGS     := libbpf libxdp jansson libmnl
PREFIX   ?= /usr/local
DESTDIR  ?=

CFLAGS   ?= -O2 -g
FW_CFLAGS = $(CFLAGS) -Wall -Wextra -Wno-unused-parameter -std=gnu11 -D_GNU_SOURCE \
            -Iinclude -Ictl -I$(B) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lelf -lz
DEPFLAGS  = -MMD -MP

# BPF: UAPI headers only (no vmlinux.h); the multiarch dir gives <asm/...>.
ARCH_INC := /usr/include/$(shell $(CC) -dumpmachine)
BPF_CFLAGS := -target bpf -O2 -g -Wall -Werror -Iinclude -I$(ARCH_INC)

BPF_SRCS := xdp/fw_xdp.bpf.c tc/fw_tc.bpf.c
BPF_OBJS := $(patsubst %.bpf.c,$(B)/%.bpf.o,$(notdir $(BPF_SRCS)))
SKELS    := $(patsubst %.bpf.c,$(B)/%.skel.h,$(notdir $(BPF_SRCS)))

CLI_SRCS := ctl/main.c $(wildcard ctl/cmd_*.c)
CLI_OBJS := $(patsubst ctl/%.c,$(B)/ctl/%.o,$(CLI_SRCS))
CTL_SRCS := $(filter-out $(CLI_SRCS),$(wildcard ctl/*.c))
CTL_OBJS := $(patsubst ctl/%.c,$(B)/ctl/%.o,$(CTL_SRCS))
LIB      := $(B)/libfwctl.a

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))
PROG_SRCS := $(wildcard tests/prog/*.c)
PROG_BINS := $(patsubst tests/prog/%.c,$(B)/tests/%,$(PROG_SRCS))
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(patsubst tests/tools/%.c,$(B)/tests/tools/%,$(TOOL_SRCS))

all: $(B)/fwctl

deps:
	@scripts/install-deps.sh

# --- BPF objects and skeletons -------------------------------------------
$(B)/%.bpf.o: xdp/%.bpf.c | $(B)
	$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@
$(B)/%.bpf.o: tc/%.bpf.c | $(B)
	$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@
$(B)/%.skel.h: $(B)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<)) > $@

# --- fwctl ------------------------------------------------------------------
$(B)/ctl/%.o: ctl/%.c | $(B)/ctl
	$(CC) $(FW_CFLAGS) $(DEPFLAGS) -c $< -o $@
$(B)/ctl/loader.o: $(SKELS)		# embeds the BPF objects
$(LIB): $(CTL_OBJS)
	ar rcs $@ $^
$(B)/fwctl: $(CLI_OBJS) $(LIB)
	$(CC) $(FW_CFLAGS) -o $@ $^ $(LDLIBS)

# --- tests ----------------------------------------------------------------
$(B)/tests/%: tests/unit/%.c $(LIB) | $(B)/tests
	$(CC) $(FW_CFLAGS) $(DEPFLAGS) -o $@ $< $(LIB) $(LDLIBS) -lcmocka
$(B)/tests/%: tests/prog/%.c $(LIB) | $(B)/tests
	$(CC) $(FW_CFLAGS) $(DEPFLAGS) -Itests/prog -o $@ $< $(LIB) $(LDLIBS) -lcmocka

$(B)/tests/tools/%: tests/tools/%.c $(LIB) | $(B)/tests/tools
	$(CC) $(FW_CFLAGS) $(DEPFLAGS) -o $@ $< $(LIB) $(LDLIBS)

tests: $(B)/fwctl $(UNIT_BINS) $(PROG_BINS) $(TOOL_BINS)

check: deps
	$(MAKE) tests
	tests/run.sh

CASES ?= 100000
SEED  ?= 1
difftest: deps
	$(MAKE) $(B)/tests/tools/fw-difftest
	$(B)/tests/tools/fw-difftest --cases $(CASES) --seed $(SEED)

demo: deps
	$(MAKE) all
	scripts/demo.sh

# --- benchmarks (bench/, issue 8): not part of check -------------------------
#   make bench        the full suite (several minutes); make bench-quick: < 60 s
BENCH_SKELS := $(B)/bench/gen.skel.h $(B)/bench/sink.skel.h

$(B)/bench/%.bpf.o: bench/%.bpf.c | $(B)/bench
	$(CLANG) $(BPF_CFLAGS) -Ibench $(DEPFLAGS) -c $< -o $@
$(B)/bench/%.skel.h: $(B)/bench/%.bpf.o
	$(BPFTOOL) gen skeleton $< name fb_$(subst .bpf.o,,$(notdir $<)) > $@
$(B)/bench/fwbench: bench/fwbench.c $(BENCH_SKELS) $(LIB) | $(B)/bench
	$(CC) $(FW_CFLAGS) -Ibench -I$(B)/bench $(DEPFLAGS) -o $@ $< $(LIB) $(LDLIBS) -lpthread
$(B)/bench:
	mkdir -p $@

bench-build: $(B)/fwctl $(B)/bench/fwbench
bench: deps
	$(MAKE) bench-build
	bench/bench.sh
bench-quick: deps
	$(MAKE) bench-build
	bench/bench.sh --quick

.PHONY: bench bench-quick bench-build
-include $(wildcard $(B)/bench/*.d)
# --- end of benchmarks -------------------------------------------------------

install: $(B)/fwctl
	install -D -m 0755 $(B)/fwctl $(DESTDIR)$(PREFIX)/sbin/fwctl
	install -D -m 0644 ctl/fwctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/fwctl.8

$(B) $(B)/ctl $(B)/tests $(B)/tests/tools:
	mkdir -p $@

clean:
	rm -rf $(B)

.PHONY: all deps tests check difftest demo install clean
.SECONDARY:

-include $(wildcard $(B)/*.d $(B)/ctl/*.d $(B)/tests/*.d $(B)/tests/tools/*.d)
