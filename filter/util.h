/*
 * util: clock, descriptor flags and allocation wrappers for filter/.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Monotonic milliseconds; the wall clock never enters the program. */
uint64_t	 now_ms(void);

/*
 * Put fd in O_NONBLOCK. The first change to each of fds 0, 1 and 2 is
 * remembered and undone at exit (an atexit hook), so a terminal shared
 * with the shell gets its flags back on every exit path. 0 or -1.
 */
int		 fd_set_nonblock(int fd);

/* Allocation that cannot fail: err(1) on ENOMEM. */
void		*xcalloc(size_t n, size_t size);
void		*xreallocarray(void *p, size_t n, size_t size);
char		*xstrdup(const char *s);

#endif /* UTIL_H */
