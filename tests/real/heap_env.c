/*
 * heap_env.c - native only: the environment variable ALLOC_CAT_MMAP_HEAP_SIZE
 * and out-of-memory behaviour of the mmap backend, through the public API.
 *
 * The variable is read once per process, at the first allocation, so every
 * case runs in a fresh process: without arguments this program is the
 * driver; it runs itself once per case (`heap_env CASE`) with the case's
 * environment, captures the child's stderr and checks both the child's own
 * verdict (exit status) and what it wrote to stderr (exactly one warning for
 * an invalid value, nothing otherwise). It ends with "N passed, N failed".
 *
 * Built against the library sources with the build's default reservation
 * of 1 GiB (ALLOC_CAT_MMAP_HEAP_SIZE unset at compile time).
 */
#define _GNU_SOURCE /* setenv, RLIMIT_AS */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#define MiB ((size_t)1 << 20)
#define GiB ((size_t)1 << 30)

/* ---- the child: checks inside one process ----------------------------------- */

static int child_failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("    %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                    \
            child_failures++;                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b);             \
        if (a_ != b_) {                                                                            \
            printf("    %s:%d: %s == %s: got %llu, expected %llu\n", __FILE__, __LINE__, #a, #b,   \
                   a_, b_);                                                                        \
            child_failures++;                                                                      \
        }                                                                                          \
    } while (0)

static size_t heap_bytes(void) {
    ac_stats_t s;
    ac_stats_get(&s);
    return s.heap_bytes;
}

/* Allocates `bytes` in a few blocks without touching them; true when all of
 * them succeeded. Frees them again. */
static bool can_hold(size_t bytes, size_t block) {
    void *p[64];
    size_t n = 0;
    bool ok = true;
    for (size_t got = 0; got < bytes && n < 64; got += block) {
        p[n] = ac_malloc(block);
        if (!p[n]) {
            ok = false;
            break;
        }
        n++;
    }
    while (n) ac_free(p[--n]);
    return ok;
}

/* The variable is unset or invalid: the build's 1 GiB is in effect. */
static void expect_default(void) {
    CHECK_EQ(ac__mmap_heap_bytes(), GiB);
    CHECK(can_hold(900 * MiB, 300 * MiB));
    errno = 0;
    void *p = ac_malloc(200 * MiB);
    void *q = ac_malloc(900 * MiB); /* 1.1 GiB in all: more than the heap */
    CHECK(p != NULL);
    CHECK(q == NULL);
    CHECK_EQ(errno, ENOMEM);
    ac_free(p);
    CHECK(heap_bytes() <= GiB);
    CHECK_EQ(ac__mmap_heap_bytes(), GiB); /* asked again: same, no second warning */
}

/* ALLOC_CAT_MMAP_HEAP_SIZE=1M: a heap of 1 MiB, exhausted on purpose. */
static void tiny_heap(void) {
    CHECK_EQ(ac__mmap_heap_bytes(), MiB);
    errno = 0;
    CHECK(ac_malloc(2 * MiB) == NULL);
    CHECK_EQ(errno, ENOMEM);
    CHECK(heap_bytes() == 0); /* the failed request did not grow anything */

    /* fill it with 1000-byte blocks (1008 bytes each with the header) */
    static void *blocks[2048];
    size_t n = 0;
    errno = 0;
    while (n < 2048 && (blocks[n] = ac_malloc(1000)) != NULL) {
        ac__memset(blocks[n], (int)(n & 255), 1000);
        n++;
    }
    CHECK(n < 2048);
    CHECK_EQ(errno, ENOMEM);
    CHECK_EQ(heap_bytes(), MiB);
    CHECK(n >= 1000);              /* 1 MiB / 1008 = 1040, minus the span's first words */
    CHECK(n <= MiB / 1008);
    /* a failed realloc keeps the block and its contents */
    unsigned char *r = ac_realloc(blocks[0], 64 * 1024);
    CHECK(r == NULL);
    CHECK(((unsigned char *)blocks[0])[999] == 0);
    void *a = NULL;
    CHECK_EQ(ac_posix_memalign(&a, 4096, 8192), ENOMEM);
    CHECK(a == NULL);
    /* the heap is still usable: free half, allocate again */
    for (size_t i = 0; i < n; i += 2) ac_free(blocks[i]);
    void *again = ac_malloc(900);
    CHECK(again != NULL);
    ac_free(again);
    for (size_t i = 1; i < n; i += 2) {
        CHECK(((unsigned char *)blocks[i])[500] == (unsigned char)(i & 255));
        ac_free(blocks[i]);
    }
    CHECK(ac__heap_check());
    /* all of it back: one block of most of the heap fits again */
    void *big = ac_malloc(MiB - 64 * 1024);
    CHECK(big != NULL);
    ac_free(big);
}

/* ALLOC_CAT_MMAP_HEAP_SIZE=2G: more than the default, held in 600 MiB blocks
 * (which are never touched: only address space and commit charge). */
static void large_heap(void) {
    CHECK_EQ(ac__mmap_heap_bytes(), 2 * GiB);
    CHECK(can_hold(1200 * MiB, 600 * MiB)); /* impossible in the default 1 GiB */
    CHECK(heap_bytes() >= 1200 * MiB);
    CHECK(heap_bytes() <= 2 * GiB);
}

/* ALLOC_CAT_MMAP_HEAP_SIZE=3G under a 1.5 GiB address-space limit: the
 * reservation falls back to half, and half again, until it fits. */
static void limited_address_space(void) {
    /* what the process maps already, plus 1.5 GiB */
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    CHECK(f && fscanf(f, "%lu", &pages) == 1);
    if (f) fclose(f);
    struct rlimit lim;
    lim.rlim_cur = lim.rlim_max = pages * (size_t)sysconf(_SC_PAGESIZE) + 3 * GiB / 2;
    CHECK(setrlimit(RLIMIT_AS, &lim) == 0);
    /* 3 GiB and 1.5 GiB (+64 KiB) do not fit, 768 MiB does: the heap
     * keeps half of that, 384 MiB, and leaves the rest to the program */
    void *p = ac_malloc(300 * MiB);
    CHECK(p != NULL);
    errno = 0;
    void *q = ac_malloc(300 * MiB);
    CHECK(q == NULL);
    CHECK_EQ(errno, ENOMEM);
    CHECK(heap_bytes() <= 384 * MiB);
    void *own = mmap(NULL, GiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(own != MAP_FAILED); /* room the heap left: more than 1 GiB */
    if (own != MAP_FAILED) munmap(own, GiB);
    ac_free(p);
}

static void expect_bytes(size_t want) {
    CHECK_EQ(ac__mmap_heap_bytes(), want);
    void *p = ac_malloc(want / 2);
    CHECK(p != NULL);
    errno = 0;
    CHECK(ac_malloc(want) == NULL);
    CHECK_EQ(errno, ENOMEM);
    ac_free(p);
}

static void bytes_plain(void) { expect_bytes(MiB); }      /* "1048576" */
static void bytes_k(void) { expect_bytes(256 * 1024); }   /* "256k" */
static void bytes_rounded(void) { expect_bytes(MiB); }    /* "1100000": down to 64 KiB pages */
static void bytes_max(void) { CHECK_EQ(ac__mmap_heap_bytes(), 4 * GiB - 65536); } /* 4194240K */

/* ---- the driver ------------------------------------------------------------------ */

typedef struct env_case {
    const char *name;
    const char *value; /* NULL: unset */
    bool invalid;      /* stderr must hold exactly the one warning */
    void (*fn)(void);
} env_case;

static const env_case cases[] = {
    {"unset", NULL, false, expect_default},
    {"1M", "1M", false, tiny_heap},
    {"2G", "2G", false, large_heap},
    {"3G with ulimit -v", "3G", false, limited_address_space},
    {"1048576", "1048576", false, bytes_plain},
    {"256k", "256k", false, bytes_k},
    {"1100000", "1100000", false, bytes_rounded},
    {"4194240K", "4194240K", false, bytes_max},
    {"4294901760 (the maximum in bytes)", "4294901760", false, bytes_max},
    {"invalid: 4294901761 (the maximum + 1)", "4294901761", true, expect_default},
    {"invalid: abc", "abc", true, expect_default},
    {"invalid: 12X", "12X", true, expect_default},
    {"invalid: empty", "", true, expect_default},
    {"invalid: 4G", "4G", true, expect_default},
    {"invalid: 32K", "32K", true, expect_default},
    {"invalid: -1", "-1", true, expect_default},
    {"invalid: 99999999999999999999", "99999999999999999999", true, expect_default},
};
#define NCASES (sizeof cases / sizeof cases[0])

static bool run_case(const env_case *c, const char *self, size_t index) {
    int err[2], out[2];
    if (pipe(err) != 0 || pipe(out) != 0) return false;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
        dup2(err[1], 2);
        dup2(out[1], 1);
        close(err[0]);
        close(out[0]);
        if (c->value)
            setenv("ALLOC_CAT_MMAP_HEAP_SIZE", c->value, 1);
        else
            unsetenv("ALLOC_CAT_MMAP_HEAP_SIZE");
        char arg[16];
        snprintf(arg, sizeof arg, "%zu", index);
        execl(self, self, arg, (char *)NULL);
        _exit(127);
    }
    close(err[1]);
    close(out[1]);
    /* the child writes little; read stdout, then stderr */
    static char out_text[8192], err_text[8192];
    size_t out_len = 0, err_len = 0;
    ssize_t k;
    while ((k = read(out[0], out_text + out_len, sizeof out_text - 1 - out_len)) > 0)
        out_len += (size_t)k;
    while ((k = read(err[0], err_text + err_len, sizeof err_text - 1 - err_len)) > 0)
        err_len += (size_t)k;
    out_text[out_len] = err_text[err_len] = '\0';
    close(err[0]);
    close(out[0]);
    int status = 0;
    waitpid(pid, &status, 0);

    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    char want[256] = "";
    if (c->invalid)
        snprintf(want, sizeof want,
                 "alloc_cat: ignoring ALLOC_CAT_MMAP_HEAP_SIZE=\"%s\" (want bytes with optional "
                 "K/M/G suffix, 64K..4G-64K); using 1073741824 bytes\n",
                 c->value);
    bool err_ok = strcmp(err_text, want) == 0;
    printf("%s ... %s\n", c->name, ok && err_ok ? "ok" : "FAILED");
    if (!ok) printf("    child status %d\n%s", status, out_text);
    if (!err_ok) printf("    stderr was:\n%s    expected:\n%s", err_text, want);
    return ok && err_ok;
}

int main(int argc, char **argv) {
    if (argc == 2) {
        size_t i = (size_t)strtoul(argv[1], NULL, 10);
        if (i >= NCASES) return 2;
        cases[i].fn();
        return child_failures ? 1 : 0;
    }
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return 2;
    self[n] = '\0';
    unsigned passed = 0, failed = 0;
    for (size_t i = 0; i < NCASES; i++) {
        if (run_case(&cases[i], self, i))
            passed++;
        else
            failed++;
    }
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
