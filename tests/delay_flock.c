/* Delays every flock() by DELAY_FLOCK_US microseconds (2000 unless told),
 * then calls the real one: it widens the moment between opening a file
 * and locking it, to show the race tests/journal.rs looks for.
 * Build: cc -shared -fPIC -o delay_flock.so delay_flock.c -ldl
 * Use:   LD_PRELOAD=./delay_flock.so lesson-03-final ...                  */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>

int flock(int fd, int operation) {
    static int (*real_flock)(int, int);
    if (!real_flock) {
        real_flock = (int (*)(int, int))dlsym(RTLD_NEXT, "flock");
    }
    const char *delay = getenv("DELAY_FLOCK_US");
    usleep(delay ? (useconds_t)atoi(delay) : 2000);
    return real_flock(fd, operation);
}
