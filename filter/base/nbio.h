/*
 * nbio: non-blocking reads and writes on descriptors that other processes
 * may share (stdin, stdout, inherited pipes) without ever changing the
 * status flags of a shared open file description (ptrtag(1), STOPPING).
 */
#ifndef NBIO_H
#define NBIO_H

#include <sys/types.h>
#include <stddef.h>

/*
 * Make fd usable by nbio_read() and nbio_write(). owned is 1 for a
 * description this process opened itself (it is simply put in
 * O_NONBLOCK); 0 for an inherited one, which is left untouched:
 *   - a pipe, FIFO or terminal is opened again through /proc/self/fd
 *     with O_NONBLOCK, and the private description replaces fd (dup2);
 *   - a socket is read and written with MSG_DONTWAIT;
 *   - a regular file or block device never blocks and needs nothing;
 *   - when /proc is missing, fd stays blocking and each transfer is
 *     preceded by a zero-timeout poll, writes at most PIPE_BUF bytes.
 * Call before any sandboxing (it opens files). Returns 0, or -1 with
 * errno set when fd is not open.
 */
int	nbio_setup(int fd, int owned);

/*
 * read(2)/write(2) that never block on a descriptor set up above: -1
 * with errno EAGAIN when nothing can move now. A descriptor never set
 * up is read and written plainly. EINTR is returned as is.
 */
ssize_t	nbio_read(int fd, void *buf, size_t len);
ssize_t	nbio_write(int fd, const void *buf, size_t len);

/*
 * 1 when fd can run dry and fill again (pipe, FIFO, socket, terminal);
 * 0 for a regular file, whose every byte is "ready" (so a stop signal
 * reads no further from it).
 */
int	nbio_streams(int fd);

#endif /* NBIO_H */
