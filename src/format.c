/*
 * format.c - a tiny text writer into a caller's buffer. The allocator core
 * must not depend on libc (no snprintf on freestanding wasm32), yet its
 * diagnostics are text: this is the one place that turns numbers into text.
 */
#include "internal.h"

void ac__w_init(ac__writer *w, char *buf, size_t len) {
    w->buf = buf;
    w->len = buf ? len : 0;
    w->pos = 0;
}

static void w_char(ac__writer *w, char c) {
    /* keep the last byte for the terminating NUL */
    if (w->pos + 1 < w->len) w->buf[w->pos] = c;
    w->pos++;
}

void ac__w_str(ac__writer *w, const char *s) {
    while (*s) w_char(w, *s++);
}

static void w_uint(ac__writer *w, uint64_t v, unsigned base) {
    char digits[20];
    unsigned n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v);
    while (n) w_char(w, digits[--n]);
}

void ac__w_udec(ac__writer *w, uint64_t v) { w_uint(w, v, 10); }

void ac__w_hex(ac__writer *w, uint64_t v) {
    ac__w_str(w, "0x");
    w_uint(w, v, 16);
}

size_t ac__w_finish(ac__writer *w) {
    if (w->len) w->buf[w->pos < w->len ? w->pos : w->len - 1] = '\0';
    return w->pos;
}

#if AC__HAS_STDERR
#include <errno.h>
#include <unistd.h>

void ac__write_all(int fd, const char *text, size_t bytes) {
    while (bytes) {
        ssize_t k = write(fd, text, bytes);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return;
        text += k;
        bytes -= (size_t)k;
    }
}
#endif
#if AC__WASI_STDERR
/* wasi-libc's wrapper of WASI's fd_write, through a weak reference: it
 * comes with wasi-libc's other system calls (one object file), and a
 * program without wasi-libc leaves it undefined (NULL), importing
 * nothing. */
typedef struct wasi_ciovec {
    const char *buf;
    size_t bytes;
} wasi_ciovec;
extern uint16_t ac__wasi_fd_write(int fd, const wasi_ciovec *iovs, size_t count, size_t *written)
    __asm__("__wasi_fd_write") __attribute__((weak));

void ac__write_all(int fd, const char *text, size_t bytes) {
    if (!ac__wasi_fd_write) return;
    while (bytes) {
        wasi_ciovec v = {text, bytes};
        size_t k = 0;
        if (ac__wasi_fd_write(fd, &v, 1, &k) || !k) return;
        text += k;
        bytes -= k;
    }
}
#endif
