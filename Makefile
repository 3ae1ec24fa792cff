# fwctl - XDP/tc packet-filter firewall.
#   make            build BPF objects, skeletons and fwctl into build/
#   make check      install dependencies, build, run every test tier
#   make demo       install dependencies, build, run the three-namespace lab
#   make difftest CASES=N SEED=S   kernel vs reference model, N random packets
#   make install    install fwctl, fwctl-boot, the man page, the systemd unit and the
#                   bash completion (DESTDIR and PREFIX honoured)
#   make bench      benchmarks (make bench-quick: under a minute); see bench/README.md

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

BPF_SRCS := xdp/fw_xdp.bpf.c xdp/fw_xdp_hw.bpf.c tc/fw_tc.bpf.c
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

# --- benchmarks (bench/) ----------------------------------------------------
$(B)/bench/%.bpf.o: bench/%.bpf.c | $(B)/bench
	$(CLANG) $(BPF_CFLAGS) -Ibench $(DEPFLAGS) -c $< -o $@
$(B)/bench/%: bench/%.c | $(B)/bench
	$(CC) $(FW_CFLAGS) $(DEPFLAGS) -o $@ $< $(LDLIBS)
bench-genswap: $(B)/bench/genswap $(B)/bench/genswap.bpf.o
	$(B)/bench/genswap $(B)/bench/genswap.bpf.o

tests: $(B)/fwctl $(UNIT_BINS) $(PROG_BINS) $(TOOL_BINS)

# --- fuzzing (tests/fuzz) ---------------------------------------------------
# libFuzzer targets built with clang and the sanitizers: the parser and the
# compiler sources are compiled straight into each binary with the fuzz flags
# (the normal library is not touched). fopen() is wrapped so that a policy's
# set files can only be read inside the target's sandbox (fuzz_sandbox.h).
#   make fuzz FUZZ_SECONDS=N   run both targets N s each (default 60); a crash,
#                              leak, timeout or sanitizer report fails it
# The corpora, $(B)/fuzz/corpus-NAME, keep what the fuzzer found between runs
# and get the seeds (tests/fuzz/corpus, rules/*.json, tests/bad/*.json) anew.
# tests/lint/fuzz.sh runs both targets briefly as part of `make check`.
FUZZ_SECONDS ?= 60
FUZZ_MAX_LEN ?= 65536
FUZZ_TARGETS := fuzz_parse fuzz_compile
FUZZ_BINS    := $(patsubst %,$(B)/fuzz/%,$(FUZZ_TARGETS))
FUZZ_CTL     := ctl/policy.c ctl/jpath.c ctl/compile.c ctl/log_compile.c ctl/model.c ctl/fwd_compile.c ctl/limit.c ctl/timing.c ctl/jsonfast.c
FUZZ_CFLAGS   = -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=undefined -Wall -Wno-unused-parameter -std=gnu11 \
                -D_GNU_SOURCE -Iinclude -Ictl -Itests/fuzz \
                $(shell pkg-config --cflags jansson 2>/dev/null)
FUZZ_LDLIBS  := -Wl,--wrap=fopen $(shell pkg-config --libs jansson 2>/dev/null)
# absolute paths: the targets chdir into their sandbox before reading them
FUZZ_OPTS     = -max_len=$(FUZZ_MAX_LEN) -timeout=10 -rss_limit_mb=2048 \
                -dict=$(abspath tests/fuzz/policy.dict) -print_final_stats=1
FUZZ_SEEDS    = $(wildcard tests/fuzz/corpus/*) $(wildcard rules/*.json) $(wildcard tests/bad/*.json)

FUZZ_HDRS    := $(wildcard tests/fuzz/*.h ctl/*.h include/*.h include/dp/*.h)

$(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_CTL) $(FUZZ_HDRS) | $(B)/fuzz
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_CTL) $(FUZZ_LDLIBS)

fuzz-build: $(FUZZ_BINS)

fuzz-seed: | $(B)/fuzz
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(B)/fuzz/corpus-$$t $(B)/fuzz/artifacts-$$t && \
		for f in $(FUZZ_SEEDS); do cp "$$f" "$(B)/fuzz/corpus-$$t/seed-$$(echo "$$f" | tr / _)"; done; \
	done

fuzz: deps
	$(MAKE) fuzz-build fuzz-seed
	@for t in $(FUZZ_TARGETS); do \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		$(B)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) $(FUZZ_OPTS) \
			-artifact_prefix=$(abspath $(B)/fuzz/artifacts-$$t)/ \
			$(abspath $(B)/fuzz/corpus-$$t) 2>$(B)/fuzz/$$t.log || \
		{ tail -n 60 $(B)/fuzz/$$t.log; \
		  echo "fuzz: $$t FAILED; log $(B)/fuzz/$$t.log, reproducer in $(B)/fuzz/artifacts-$$t/"; \
		  exit 1; }; \
		grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^Done' $(B)/fuzz/$$t.log; \
	done

$(B)/fuzz:
	mkdir -p $@

.PHONY: fuzz fuzz-build fuzz-seed

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

# The BPF objects are embedded in fwctl (skeletons): nothing else to install for them.
UNITDIR  ?= $(PREFIX)/lib/systemd/system
COMPLDIR ?= $(PREFIX)/share/bash-completion/completions

# --- benchmarks (bench/, issue 8): not part of check -------------------------
#   make bench        the full suite (several minutes); make bench-quick: < 60 s
BENCH_SKELS := $(B)/bench/gen.skel.h $(B)/bench/sink.skel.h

$(B)/bench/%.skel.h: $(B)/bench/%.bpf.o
	$(BPFTOOL) gen skeleton $< name fb_$(subst .bpf.o,,$(notdir $<)) > $@
$(B)/bench/fwbench: bench/fwbench.c $(BENCH_SKELS) $(LIB) | $(B)/bench
	$(CC) $(FW_CFLAGS) -Ibench -I$(B)/bench $(DEPFLAGS) -o $@ $< $(LIB) $(LDLIBS) -lpthread
bench-build: $(B)/fwctl $(B)/bench/fwbench
bench: deps
	$(MAKE) bench-build
	bench/bench.sh
bench-quick: deps
	$(MAKE) bench-build
	bench/bench.sh --quick

.PHONY: bench bench-quick bench-build
# --- end of benchmarks -------------------------------------------------------

install: $(B)/fwctl
	install -D -m 0755 $(B)/fwctl $(DESTDIR)$(PREFIX)/sbin/fwctl
	install -D -m 0755 scripts/fwctl-boot $(DESTDIR)$(PREFIX)/sbin/fwctl-boot
	install -D -m 0644 ctl/fwctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/fwctl.8
	install -D -m 0644 scripts/fwctl.bash-completion $(DESTDIR)$(COMPLDIR)/fwctl
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|/usr/local/sbin/|$(PREFIX)/sbin/|g' scripts/fwctl.service >$(DESTDIR)$(UNITDIR)/fwctl.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/fwctl.service

$(B) $(B)/ctl $(B)/tests $(B)/tests/tools $(B)/bench:
	mkdir -p $@

clean:
	rm -rf $(B)

.PHONY: all deps tests check difftest demo install clean bench-genswap
.SECONDARY:

-include $(wildcard $(B)/*.d $(B)/ctl/*.d $(B)/tests/*.d $(B)/tests/tools/*.d $(B)/bench/*.d)
