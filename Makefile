# alloc_cat - a plain Makefile.
#
#   make            native and wasm32 static libraries
#   make test       every test: gcc, clang, ASan+UBSan, wasm32 under node
#   make clean      removes build/
#
# Everything is built under build/. Nothing here reads outside this tree.

CC_GCC   ?= gcc
CC_CLANG ?= clang
AR_LLVM  ?= llvm-ar
NODE     ?= node

STD   := -std=c11
WARN  := -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wmissing-prototypes -Werror
INC   := -Iinclude
WASM  := --target=wasm32 -ffreestanding -nostdlib -mbulk-memory

LIB_SRCS  := src/region.c src/format.c src/heap.c src/malloc.c src/backend_wasm.c \
             src/backend_mmap.c src/backend_static.c src/stats.c
LIB_HDRS  := include/alloc_cat.h src/internal.h
TEST_SRCS := tests/harness.c tests/test_region.c tests/test_heap.c
NATIVE_TEST_SRCS := $(TEST_SRCS) tests/test_threads.c
TEST_HDRS := tests/harness.h tests/suites.h

NATIVE_OBJS := $(LIB_SRCS:src/%.c=build/native/%.o)
WASM_OBJS   := $(LIB_SRCS:src/%.c=build/wasm32/%.o)

.PHONY: all deps test clean
all: build/native/liballoc_cat.a build/wasm32/liballoc_cat.a

deps:
	@tools/deps.sh core

# ---- libraries -------------------------------------------------------------

build/native/%.o: src/%.c $(LIB_HDRS) | deps
	@mkdir -p $(@D)
	$(CC_GCC) $(STD) $(WARN) $(INC) -O2 -fPIC -c $< -o $@

build/native/liballoc_cat.a: $(NATIVE_OBJS)
	rm -f $@ && ar rcs $@ $^

build/wasm32/%.o: src/%.c $(LIB_HDRS) | deps
	@mkdir -p $(@D)
	$(CC_CLANG) $(WASM) $(STD) $(WARN) $(INC) -Oz -c $< -o $@

build/wasm32/liballoc_cat.a: $(WASM_OBJS)
	rm -f $@ && $(AR_LLVM) rcs $@ $^

# ---- tests -------------------------------------------------------------------
# Each configuration compiles the library sources together with the tests,
# with its own compiler and flags.

TEST_INPUTS := $(LIB_SRCS) $(NATIVE_TEST_SRCS) $(LIB_HDRS) $(TEST_HDRS)
TEST_CFLAGS := $(STD) $(WARN) $(INC) -Isrc -Itests -g
SAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

build/test/gcc-O2/tests: $(TEST_INPUTS) | deps
	@mkdir -p $(@D)
	$(CC_GCC) $(TEST_CFLAGS) -O2 $(LIB_SRCS) $(NATIVE_TEST_SRCS) -lpthread -o $@

build/test/gcc-O0/tests: $(TEST_INPUTS) | deps
	@mkdir -p $(@D)
	$(CC_GCC) $(TEST_CFLAGS) -O0 $(LIB_SRCS) $(NATIVE_TEST_SRCS) -lpthread -o $@

build/test/clang-O2/tests: $(TEST_INPUTS) | deps
	@mkdir -p $(@D)
	$(CC_CLANG) $(TEST_CFLAGS) -O2 $(LIB_SRCS) $(NATIVE_TEST_SRCS) -lpthread -o $@

build/test/clang-asan/tests: $(TEST_INPUTS) | deps
	@mkdir -p $(@D)
	$(CC_CLANG) $(TEST_CFLAGS) -O1 $(SAN_FLAGS) $(LIB_SRCS) $(NATIVE_TEST_SRCS) -lpthread -o $@

build/test/wasm32/tests.wasm: $(TEST_INPUTS) | deps
	@mkdir -p $(@D)
	$(CC_CLANG) $(WASM) $(TEST_CFLAGS) -O2 -Wl,--no-entry -Wl,--export=ac_test_main \
		$(LIB_SRCS) $(TEST_SRCS) -o $@

TEST_BINS := build/test/gcc-O2/tests build/test/gcc-O0/tests build/test/clang-O2/tests \
             build/test/clang-asan/tests build/test/wasm32/tests.wasm

test: all $(TEST_BINS)
	@tools/run_tests.sh \
		"gcc -O2=build/test/gcc-O2/tests" \
		"gcc -O0=build/test/gcc-O0/tests" \
		"clang -O2=build/test/clang-O2/tests" \
		"clang ASan+UBSan=build/test/clang-asan/tests" \
		"wasm32 under node=$(NODE) tools/run_wasm.mjs build/test/wasm32/tests.wasm" \
		$(RELIAB_RUNS)

clean:
	rm -rf build

# ---- demo ----------------------------------------------------------------------

.PHONY: demo
build/examples/region_demo: examples/region_demo.c build/native/liballoc_cat.a
	@mkdir -p $(@D)
	$(CC_GCC) $(STD) $(WARN) $(INC) -O2 $< build/native/liballoc_cat.a -o $@

demo: build/examples/region_demo
	@build/examples/region_demo

# ---- reliability: fuzzing, long model runs, valgrind ----------------------------
#
#   make fuzz [FUZZ_SECONDS=N]   the libFuzzer target (ASan+UBSan) for N seconds (60)
#   make soak [SOAK_SEEDS=N SOAK_FIRST=S SOAK_OPS=K]   long model runs, seed by seed
#   make valgrind                the native tests, the fuzz corpus and a short soak
#                                under valgrind's memcheck
#
# make test runs the fuzzer for FUZZ_SECONDS, a short soak (gcc -O2 and ASan) and
# the valgrind runs (see RELIAB_RUNS).

FUZZ_SECONDS ?= 60
SOAK_SEEDS   ?= 1000
SOAK_FIRST   ?= 1
SOAK_OPS     ?= 20000
VALGRIND     ?= valgrind
VALGRIND_RUN := $(VALGRIND) --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --quiet

FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SRCS  := tests/fuzz/fuzz_heap.c
RELIAB_INPUTS := $(LIB_SRCS) $(LIB_HDRS)

.PHONY: fuzz soak valgrind deps-fuzz deps-valgrind
deps-fuzz:
	@tools/deps.sh fuzz
deps-valgrind:
	@tools/deps.sh valgrind

build/fuzz/fuzz_heap: $(RELIAB_INPUTS) $(FUZZ_SRCS) | deps deps-fuzz
	@mkdir -p $(@D)
	$(CC_CLANG) $(TEST_CFLAGS) -O1 $(FUZZ_FLAGS) $(LIB_SRCS) $(FUZZ_SRCS) -lpthread -o $@

# the fuzz target without libFuzzer: replays inputs (the seed corpus in make test)
build/test/fuzz-replay/replay: $(RELIAB_INPUTS) $(FUZZ_SRCS) tests/fuzz/replay.c | deps
	@mkdir -p $(@D)
	$(CC_GCC) $(TEST_CFLAGS) -O2 $(LIB_SRCS) $(FUZZ_SRCS) tests/fuzz/replay.c -lpthread -o $@

build/test/soak/soak_model: $(RELIAB_INPUTS) tests/soak_model.c | deps
	@mkdir -p $(@D)
	$(CC_GCC) $(TEST_CFLAGS) -O2 $(LIB_SRCS) tests/soak_model.c -lpthread -o $@

build/test/soak-asan/soak_model: $(RELIAB_INPUTS) tests/soak_model.c | deps
	@mkdir -p $(@D)
	$(CC_CLANG) $(TEST_CFLAGS) -O1 $(SAN_FLAGS) $(LIB_SRCS) tests/soak_model.c -lpthread -o $@

fuzz: build/fuzz/fuzz_heap
	@tools/run_fuzz.sh build/fuzz/fuzz_heap $(FUZZ_SECONDS) tests/fuzz/corpus build/fuzz

soak: build/test/soak/soak_model
	build/test/soak/soak_model $(SOAK_SEEDS) $(SOAK_FIRST) $(SOAK_OPS)

VALGRIND_BINS := build/test/gcc-O2/tests build/test/fuzz-replay/replay build/test/soak/soak_model
VALGRIND_RUNS := \
	"valgrind: native tests (gcc -O2)=$(VALGRIND_RUN) build/test/gcc-O2/tests" \
	"valgrind: fuzz seed corpus=$(VALGRIND_RUN) build/test/fuzz-replay/replay tests/fuzz/corpus" \
	"valgrind: soak, 4 seeds=$(VALGRIND_RUN) build/test/soak/soak_model 4 1000 3000"

valgrind: $(VALGRIND_BINS) | deps-valgrind
	@tools/run_tests.sh $(VALGRIND_RUNS)

# what make test adds to its configurations
RELIAB_BINS := build/fuzz/fuzz_heap build/test/fuzz-replay/replay build/test/soak/soak_model \
               build/test/soak-asan/soak_model $(VALGRIND_BINS)
RELIAB_RUNS := \
	"fuzz seed corpus replay (gcc -O2)=build/test/fuzz-replay/replay tests/fuzz/corpus" \
	"soak model, 24 seeds (gcc -O2)=build/test/soak/soak_model 24 1 6000" \
	"soak model, 6 seeds (clang ASan+UBSan)=build/test/soak-asan/soak_model 6 5001 6000" \
	$(VALGRIND_RUNS) \
	"libFuzzer $(FUZZ_SECONDS) s (clang ASan+UBSan)=tools/run_fuzz.sh build/fuzz/fuzz_heap $(FUZZ_SECONDS) tests/fuzz/corpus build/fuzz"
test: $(RELIAB_BINS) | deps-fuzz deps-valgrind
