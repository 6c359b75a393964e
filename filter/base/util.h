/*
 * util: clock, descriptor flags and allocation wrappers for filter/.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Monotonic milliseconds: every timeout and deadline is measured with
 * this clock.
 */
uint64_t	 now_ms(void);
/* Monotonic microseconds, for durations only (the lookup latency). */
uint64_t	 now_us(void);

/*
 * Milliseconds since the Unix epoch, from the wall clock: the time a
 * line was read, which -f json writes as "@timestamp" (ptrtag.1,
 * OUTPUT). A date for users to read, never a timeout.
 */
uint64_t	 wall_ms(void);

/*
 * Put fd's open file description in O_NONBLOCK. Only for a description
 * this process opened itself: the flag is shared by every process that
 * holds the description (see nbio.h for the others). 0 or -1.
 */
int		 fd_set_nonblock(int fd);

/*
 * When fd is a pipe or FIFO smaller than size bytes, ask the kernel to
 * grow it to size (F_SETPIPE_SZ); a refusal (fs.pipe-max-size, the
 * user's pipe quota) leaves it as it was.
 */
void		 fd_grow_pipe(int fd, int size);

/*
 * Point fd at /dev/null (this process's descriptor only; the description
 * it shared is left alone). 0 or -1.
 */
int		 fd_to_devnull(int fd);

/* Allocation that cannot fail: err(1) on ENOMEM. */
void		*xcalloc(size_t n, size_t size);
void		*xreallocarray(void *p, size_t n, size_t size);
char		*xstrdup(const char *s);

#endif /* UTIL_H */
