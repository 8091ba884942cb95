/* Lets the first FAIL_FDATASYNC_AFTER calls of fdatasync() through (1
 * unless told), then fails every one with EIO, as a dying disk would: the
 * server must stop without acknowledging the change it could not make
 * durable. tests/journal.rs uses it.
 * Build: cc -shared -fPIC -o fail_fdatasync.so fail_fdatasync.c -ldl
 * Use:   LD_PRELOAD=./fail_fdatasync.so lesson-03-final ...               */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>

int fdatasync(int fd) {
    static int (*real_fdatasync)(int);
    static int calls;
    if (!real_fdatasync) {
        real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    }
    const char *after = getenv("FAIL_FDATASYNC_AFTER");
    if (__atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST) > (after ? atoi(after) : 1)) {
        errno = EIO;
        return -1;
    }
    return real_fdatasync(fd);
}
