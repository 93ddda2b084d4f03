# bench/bench.mk - the allocator benchmark, included at the end of the Makefile.
#
#   make bench        every installed peer, tables printed and bench/RESULTS.md rewritten
#   make bench-onebuild  the experiment bench/onebuild.c beside alloc_cat and dlmalloc
#   make bench-emscripten  whole programs (emscripten's own tests) with alloc_cat,
#                     dlmalloc and emmalloc under emcc: time and pages
#   make bench-smoke  seconds: alloc_cat, dlmalloc and the bump floor in check mode,
#                     the native harness under ASan+UBSan, and the code-size budget
#                     (run by `make test`)
#
# Method: bench/README.md. Peers come from Debian packages, used where the
# packages install them: dlmalloc from wasi-libc's libc.a, emmalloc.c from the
# emscripten package's sources (compiled from that path, never copied).
# Everything is built under build/bench/.

BENCH_DIR := build/bench

# Identical flags for every allocator compiled from source (alloc_cat,
# emmalloc, the bump floor) and for the harness. -fno-strict-aliasing:
# emmalloc needs it with clang 14. -mbulk-memory: memcpy/memset become
# memory.copy/memory.fill for everyone (bench/rt.c gives prebuilt dlmalloc
# the same). -DNDEBUG: release builds (emmalloc's asserts off).
BENCH_CFLAGS   := --target=wasm32 -ffreestanding -mbulk-memory -fno-strict-aliasing -DNDEBUG $(STD)
BENCH_OPT      ?= -O2
BENCH_SIZE_OPT ?= -Oz
BENCH_LDFLAGS  := --target=wasm32 -nostdlib -Wl,--no-entry
# Speed modules may grow to 2 GiB (the bump floor never frees); the fill
# test's modules are capped at 32 MiB of memory in total.
BENCH_MAX_MEMORY      := 2147483648
BENCH_FILL_MAX_MEMORY := 33554432
BENCH_SIZE_EXPORTS := -Wl,--export=malloc -Wl,--export=free -Wl,--export=calloc -Wl,--export=realloc
BENCH_RT_EXPORTS   := -Wl,--export=memcpy -Wl,--export=memset -Wl,--export=memmove

BENCH_ROUNDS ?= 21
BENCH_ROUNDS_ONEBUILD ?= 7
BENCH_SCALE  ?= 100
BENCH_SEED   ?= 0
BENCH_SMOKE_SCALE ?= 2
WASM_OPT ?= wasm-opt
BENCH_NODE := $(NODE) --no-liftoff --no-wasm-lazy-compilation --no-turbo-fast-api-calls --expose-gc

# ---- peers ---------------------------------------------------------------------

WASI_LIBC := /usr/lib/wasm32-wasi/libc.a
DLMALLOC_MEMBERS := dlmalloc.o sbrk.o errno.o abort.o
DLMALLOC_OBJS := $(DLMALLOC_MEMBERS:%=$(BENCH_DIR)/dlmalloc/%)
EMMALLOC_SRC ?= $(shell dpkg -L emscripten 2>/dev/null | grep '/system/lib/emmalloc\.c$$' | head -n 1)
EMMALLOC_FLAGS := -include bench/emmalloc/config.h -Ibench/emmalloc/include -w

# alloc_cat twice: built with BENCH_OPT (-O2) and, as alloc_cat_oz, with
# BENCH_SIZE_OPT (-Oz), as the Makefile builds the shipped wasm32 library.
# The engine differs between the two (heap.c inlines its hot helpers for
# speed and shares them for size), so each build is timed and sized itself.
BENCH_PEERS := alloc_cat alloc_cat_oz
BENCH_SKIPPED :=
ifneq ($(wildcard $(WASI_LIBC)),)
BENCH_PEERS += dlmalloc
else
BENCH_SKIPPED += dlmalloc (wasi-libc's) skipped: package wasi-libc missing, install it with: apt-get install -y wasi-libc;
endif
ifneq ($(and $(EMMALLOC_SRC),$(wildcard $(EMMALLOC_SRC))),)
BENCH_PEERS += emmalloc
else
BENCH_SKIPPED += emmalloc skipped: package emscripten missing, install it with: apt-get install -y emscripten (or tools/deps.sh emscripten as root);
endif
BENCH_PEERS += bump

# The smoke test needs no emscripten (CI does not install it); dlmalloc is
# required there: a missing libc.a is installed by tools/deps.sh (as root)
# or reported with the apt-get line.
BENCH_SMOKE_PEERS := alloc_cat dlmalloc bump onebuild_oz onebuild_full_oz
bench_empty :=
bench_space := $(bench_empty) $(bench_empty)
bench_comma := ,

$(WASI_LIBC):
	@tools/deps.sh wasi

.PHONY: bench-tools
bench-tools:
	@tools/deps.sh core binaryen

# ---- objects ---------------------------------------------------------------------
# speed/: BENCH_OPT (timings, pages, fill test); size/: BENCH_SIZE_OPT (code size).

AC_BENCH_OBJS_speed := $(LIB_SRCS:src/%.c=$(BENCH_DIR)/speed/alloc_cat/%.o)
AC_BENCH_OBJS_size  := $(LIB_SRCS:src/%.c=$(BENCH_DIR)/size/alloc_cat/%.o)

$(BENCH_DIR)/speed/alloc_cat/%.o: src/%.c $(LIB_HDRS) | deps
	@mkdir -p $(@D)
	$(CC_CLANG) $(BENCH_CFLAGS) $(BENCH_OPT) $(WARN) $(INC) -c $< -o $@

$(BENCH_DIR)/size/alloc_cat/%.o: src/%.c $(LIB_HDRS) | deps
	@mkdir -p $(@D)
	$(CC_CLANG) $(BENCH_CFLAGS) $(BENCH_SIZE_OPT) $(WARN) $(INC) -c $< -o $@

define bench_variant_objs
$(BENCH_DIR)/$(1)/harness.o: bench/harness.c | deps
	@mkdir -p $$(@D)
	$$(CC_CLANG) $$(BENCH_CFLAGS) $(2) $$(WARN) -c $$< -o $$@
$(BENCH_DIR)/$(1)/rt.o: bench/rt.c | deps
	@mkdir -p $$(@D)
	$$(CC_CLANG) $$(BENCH_CFLAGS) $(2) $$(WARN) -c $$< -o $$@
$(BENCH_DIR)/$(1)/bump.o: bench/bump.c | deps
	@mkdir -p $$(@D)
	$$(CC_CLANG) $$(BENCH_CFLAGS) $(2) $$(WARN) -c $$< -o $$@
$(BENCH_DIR)/$(1)/emmalloc/emmalloc.o: $$(EMMALLOC_SRC) bench/emmalloc/config.h | deps
	@mkdir -p $$(@D)
	$$(CC_CLANG) $$(BENCH_CFLAGS) $(2) $$(EMMALLOC_FLAGS) -c $$< -o $$@
$(BENCH_DIR)/$(1)/emmalloc/sbrk.o: bench/emmalloc/sbrk.c | deps
	@mkdir -p $$(@D)
	$$(CC_CLANG) $$(BENCH_CFLAGS) $(2) -Ibench/emmalloc/include $$(WARN) -c $$< -o $$@
endef
$(eval $(call bench_variant_objs,speed,$(BENCH_OPT)))
$(eval $(call bench_variant_objs,size,$(BENCH_SIZE_OPT)))

# dlmalloc is prebuilt: the members of wasi-libc's libc.a that malloc pulls in.
# They are extracted (rather than linking libc.a) so that nothing else of
# wasi-libc comes along (wasm-ld would add __wasm_call_dtors and wrappers).
$(DLMALLOC_OBJS) &: $(WASI_LIBC)
	@mkdir -p $(BENCH_DIR)/dlmalloc
	cd $(BENCH_DIR)/dlmalloc && $(AR_LLVM) x $(WASI_LIBC) $(DLMALLOC_MEMBERS)
	@touch $(DLMALLOC_OBJS)

BENCH_ALLOC_OBJS_alloc_cat_speed := $(AC_BENCH_OBJS_speed)
BENCH_ALLOC_OBJS_alloc_cat_size  := $(AC_BENCH_OBJS_speed)
BENCH_ALLOC_OBJS_alloc_cat_oz_speed := $(AC_BENCH_OBJS_size)
BENCH_ALLOC_OBJS_alloc_cat_oz_size  := $(AC_BENCH_OBJS_size)
BENCH_ALLOC_OBJS_dlmalloc_speed  := $(DLMALLOC_OBJS)
BENCH_ALLOC_OBJS_dlmalloc_size   := $(DLMALLOC_OBJS)
BENCH_ALLOC_OBJS_emmalloc_speed  := $(BENCH_DIR)/speed/emmalloc/emmalloc.o $(BENCH_DIR)/speed/emmalloc/sbrk.o
BENCH_ALLOC_OBJS_emmalloc_size   := $(BENCH_DIR)/size/emmalloc/emmalloc.o $(BENCH_DIR)/size/emmalloc/sbrk.o
BENCH_ALLOC_OBJS_bump_speed      := $(BENCH_DIR)/speed/bump.o
BENCH_ALLOC_OBJS_bump_size       := $(BENCH_DIR)/size/bump.o
# the shipped library, as the Makefile builds it (the size budget applies to it)
BENCH_ALLOC_OBJS_alloc_cat_lib_size := build/wasm32/liballoc_cat.a
BENCH_ALLOC_OBJS_none_size          :=

# The issue 8 experiment (bench/onebuild.c, not alloc_cat): each variant is
# one object, built with its own flags, used for its speed, fill and size
# modules alike (size and speed from one build). NAME:FLAGS, + for a space.
# _full: with alloc_cat's always-on counters and its spans (memory grown by
# other code), the features the plain experiment leaves out.
ONEBUILD_VARIANTS := onebuild_oz:-Oz onebuild_o2:-O2 onebuild_best_oz:-Oz+-DBEST=16 \
                     onebuild_novictim_oz:-Oz+-DSMALLDV=0 onebuild_full_oz:-Oz+-DCOUNTERS+-DSPANS \
                     onebuild_full_o2:-O2+-DCOUNTERS+-DSPANS onebuild_counters_oz:-Oz+-DCOUNTERS \
                     onebuild_spans_oz:-Oz+-DSPANS
ONEBUILD_PEERS := $(foreach v,$(ONEBUILD_VARIANTS),$(firstword $(subst :, ,$(v))))
define onebuild_obj
$(BENCH_DIR)/onebuild/$(1).o: bench/onebuild.c | deps
	@mkdir -p $$(@D)
	$$(CC_CLANG) $$(BENCH_CFLAGS) $(subst +, ,$(2)) $$(WARN) -c $$< -o $$@
BENCH_ALLOC_OBJS_$(1)_speed := $(BENCH_DIR)/onebuild/$(1).o
BENCH_ALLOC_OBJS_$(1)_size  := $(BENCH_DIR)/onebuild/$(1).o
endef
$(foreach v,$(ONEBUILD_VARIANTS),$(eval $(call onebuild_obj,$(firstword $(subst :, ,$(v))),$(lastword $(subst :, ,$(v))))))
# Test modules of its options (bench/onebuild_test.mjs): the variant's object,
# rt.o and bench/onebuild_other.c (code that grows memory itself).
ONEBUILD_TESTS := onebuild_full_oz:counters+spans onebuild_full_o2:counters+spans \
                  onebuild_counters_oz:counters onebuild_spans_oz:spans
ONEBUILD_TEST_MODULES := $(foreach t,$(ONEBUILD_TESTS),$(BENCH_DIR)/onebuild/test-$(firstword $(subst :, ,$(t))).wasm)
$(BENCH_DIR)/onebuild/other.o: bench/onebuild_other.c | deps
	@mkdir -p $(@D)
	$(CC_CLANG) $(BENCH_CFLAGS) -O2 $(WARN) -c $< -o $@
$(BENCH_DIR)/onebuild/test-%.wasm: $(BENCH_DIR)/onebuild/%.o $(BENCH_DIR)/speed/rt.o $(BENCH_DIR)/onebuild/other.o
	$(CC_CLANG) $(BENCH_LDFLAGS) -Wl,--max-memory=268435456 $(BENCH_SIZE_EXPORTS) -Wl,--export=aligned_alloc \
		-Wl,--export-if-defined=ob_stats -Wl,--export-if-defined=ob_stats_reset_trip $^ -o $@

# ---- modules ---------------------------------------------------------------------
# speed/NAME.wasm: harness + rt + allocator (memory up to BENCH_MAX_MEMORY)
# fill/NAME.wasm:  the same objects, memory capped at BENCH_FILL_MAX_MEMORY
# size/NAME.wasm:  rt + allocator exporting malloc/free/calloc/realloc only
#                  (and rt's memcpy/memset/memmove, as the `none` module does)

define bench_modules
$(BENCH_DIR)/speed/$(1).wasm: $(BENCH_DIR)/speed/harness.o $(BENCH_DIR)/speed/rt.o $$(BENCH_ALLOC_OBJS_$(1)_speed)
	$$(CC_CLANG) $$(BENCH_LDFLAGS) -Wl,--max-memory=$$(BENCH_MAX_MEMORY) $$^ -o $$@
$(BENCH_DIR)/fill/$(1).wasm: $(BENCH_DIR)/speed/harness.o $(BENCH_DIR)/speed/rt.o $$(BENCH_ALLOC_OBJS_$(1)_speed)
	@mkdir -p $$(@D)
	$$(CC_CLANG) $$(BENCH_LDFLAGS) -Wl,--max-memory=$$(BENCH_FILL_MAX_MEMORY) $$^ -o $$@
endef
$(foreach a,alloc_cat alloc_cat_oz dlmalloc emmalloc bump $(ONEBUILD_PEERS),$(eval $(call bench_modules,$(a))))

# speed/none.wasm: the harness with no allocator (bench/none.c), timed
# unchecked only: its time is subtracted for the allocators' share alone
$(BENCH_DIR)/speed/none.o: bench/none.c | deps
	@mkdir -p $(@D)
	$(CC_CLANG) $(BENCH_CFLAGS) $(BENCH_OPT) $(WARN) -c $< -o $@
$(BENCH_DIR)/speed/none.wasm: $(BENCH_DIR)/speed/harness.o $(BENCH_DIR)/speed/rt.o $(BENCH_DIR)/speed/none.o
	$(CC_CLANG) $(BENCH_LDFLAGS) $^ -o $@

define bench_size_module
$(BENCH_DIR)/size/$(1).wasm: $(BENCH_DIR)/size/rt.o $$(BENCH_ALLOC_OBJS_$(1)_size)
	$$(CC_CLANG) $$(BENCH_LDFLAGS) $$(BENCH_RT_EXPORTS) $(2) $$^ -o $$@
endef
$(foreach a,alloc_cat alloc_cat_oz alloc_cat_lib dlmalloc emmalloc bump $(ONEBUILD_PEERS),\
  $(eval $(call bench_size_module,$(a),$(BENCH_SIZE_EXPORTS))))
$(eval $(call bench_size_module,none,))

$(BENCH_DIR)/size/%.oz.wasm: $(BENCH_DIR)/size/%.wasm | bench-tools
	$(WASM_OPT) -Oz --strip-debug --enable-bulk-memory $< -o $@

# Native reference (glibc's malloc): the same harness, gcc -O2; and a clang
# ASan+UBSan build that the smoke test runs to keep the harness itself honest.
$(BENCH_DIR)/native/bench_glibc: bench/harness.c | deps
	@mkdir -p $(@D)
	$(CC_GCC) $(STD) $(WARN) -O2 $< -o $@

$(BENCH_DIR)/native/bench_asan: bench/harness.c | deps
	@mkdir -p $(@D)
	$(CC_CLANG) $(STD) $(WARN) -O1 -g $(SAN_FLAGS) $< -o $@

bench_files = $(foreach a,$(1),$(BENCH_DIR)/speed/$(a).wasm $(BENCH_DIR)/fill/$(a).wasm \
                $(BENCH_DIR)/size/$(a).oz.wasm) \
              $(BENCH_DIR)/size/none.oz.wasm $(BENCH_DIR)/size/alloc_cat_lib.oz.wasm \
              $(BENCH_DIR)/speed/none.wasm

BENCH_RUN = $(BENCH_NODE) bench/run.mjs --dir $(BENCH_DIR) \
	--fill-max $(BENCH_FILL_MAX_MEMORY) --budget $(BENCH_SIZE_BUDGET_BYTES) --seed $(BENCH_SEED) \
	--none $(BENCH_DIR)/speed/none.wasm

# ---- targets ---------------------------------------------------------------------

.PHONY: bench bench-smoke bench-smoke-build bench-onebuild bench-onebuild-test
bench: $(call bench_files,$(BENCH_PEERS)) $(BENCH_DIR)/native/bench_glibc | bench-tools
	@$(BENCH_RUN) --allocs "$(strip $(BENCH_PEERS))" --native $(BENCH_DIR)/native/bench_glibc \
		--rounds $(BENCH_ROUNDS) --scale $(BENCH_SCALE) --results bench/RESULTS.md \
		--skipped "$(strip $(BENCH_SKIPPED))" \
		--flags "$(BENCH_CFLAGS) $(BENCH_OPT) (size: $(BENCH_SIZE_OPT), wasm-opt -Oz)" \
		--command "make bench$(if $(filter-out 21,$(BENCH_ROUNDS)), BENCH_ROUNDS=$(BENCH_ROUNDS))$(if $(filter-out 100,$(BENCH_SCALE)), BENCH_SCALE=$(BENCH_SCALE))"

# Whole programs (emscripten's own tests, built by emcc with alloc_cat,
# dlmalloc and emmalloc), timed side by side: printed, nothing rewritten.
.PHONY: bench-emscripten
bench-emscripten:
	@MAKE=$(MAKE) NODE=$(NODE) bench/emscripten_programs.sh

# The experiment of bench/onebuild.c, timed with the two builds of alloc_cat
# and dlmalloc (7 rounds; printed, bench/RESULTS.md left alone).
bench-onebuild: $(call bench_files,$(ONEBUILD_PEERS) alloc_cat alloc_cat_oz dlmalloc) | bench-tools
	@$(BENCH_RUN) --allocs "alloc_cat alloc_cat_oz $(ONEBUILD_PEERS) dlmalloc" \
		--rounds $(BENCH_ROUNDS_ONEBUILD) --scale $(BENCH_SCALE)

ONEBUILD_TEST_CMD = $(NODE) bench/onebuild_test.mjs $(foreach t,$(ONEBUILD_TESTS),$(BENCH_DIR)/onebuild/test-$(subst :,.wasm:,$(t)))
bench-onebuild-test: $(ONEBUILD_TEST_MODULES)
	@$(ONEBUILD_TEST_CMD)

bench-smoke-build: $(call bench_files,$(BENCH_SMOKE_PEERS)) $(BENCH_DIR)/native/bench_asan

BENCH_SMOKE_CMD = $(BENCH_RUN) --smoke --allocs $(subst $(bench_space),$(bench_comma),$(strip $(BENCH_SMOKE_PEERS))) \
	--native $(BENCH_DIR)/native/bench_asan --scale $(BENCH_SMOKE_SCALE)

bench-smoke: bench-smoke-build
	@$(BENCH_SMOKE_CMD)

# `make test` runs the smoke test and the onebuild option tests as
# configurations of its own (see Makefile).
test: bench-smoke-build $(ONEBUILD_TEST_MODULES)
