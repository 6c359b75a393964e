/*
 * follow_start: the follower at start (follow.h; ptrtag(1), FOLLOWING):
 * the --state file read, each FILE opened and placed where the state
 * file left it, the -o file cut back to the size recorded with those
 * places. Runs before the sandbox. What the user must fix comes back in
 * err (exit 2); what ptrtag can go on from is one warning line.
 *
 * Where a FILE is read from, given its record R in the state file:
 *   - FILE is R's file and still holds R (follow_holds()): from R;
 *   - FILE is R's file but no longer holds R (truncated), and FILE.1 is
 *     another file that holds R (a copy: copytruncate): FILE.1 from R
 *     to its end, then FILE from its start;
 *   - FILE is another file (or none), and FILE.1 is R's file and holds
 *     R (rename and create): FILE.1 from R to its end, then FILE;
 *   - otherwise, and without a record: FILE from its start (a warning
 *     when there was a record), or FILE waited for when it is missing.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "follow.h"
#include "follow_int.h"
#include "nbio.h"
#include "statefile.h"
#include "util.h"

int
follow_open_file(const char *path, struct stat *st)
{
	int	fd, saved;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode)) {
		saved = S_ISREG(st->st_mode) ? errno : EINVAL;
		close(fd);
		errno = saved;
		return -1;
	}
	(void)nbio_setup(fd, 1);
	return fd;
}

/* Read exactly len bytes at the descriptor's offset; 0, or -1. */
static int
read_exact(int fd, char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = read(fd, buf, len)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int
follow_holds(const struct follow *f, int fd, const struct state_pos *pos)
{
	struct state_pos	got;
	struct stat		st;
	char			buf[STATE_FP_MAX];

	if (fstat(fd, &st) == -1 || (uint64_t)st.st_size < pos->sp_off ||
	    (uint64_t)st.st_size < pos->sp_hlen)
		return 0;
	if (pos->sp_hlen > 0 && (lseek(fd, 0, SEEK_SET) == -1 ||
	    read_exact(fd, buf, pos->sp_hlen) == -1 ||
	    ledger_hash(f->f_lg, buf, pos->sp_hlen) != pos->sp_hfp))
		return 0;
	if (pos->sp_fplen > 0) {
		if (lseek(fd, (off_t)(pos->sp_off - pos->sp_fplen),
		    SEEK_SET) == -1 || read_exact(fd, buf, pos->sp_fplen) == -1)
			return 0;
		ledger_fp(f->f_lg, buf, pos->sp_fplen, &got);
		if (got.sp_fp != pos->sp_fp)
			return 0;
	}
	return lseek(fd, (off_t)pos->sp_off, SEEK_SET) != -1;
}

int
follow_rotated(const struct follow *f, const char *path,
    const struct state_pos *pos, int same_file, uint64_t ino,
    struct stat *st)
{
	char	*name;
	int	 fd, ok;

	if (asprintf(&name, "%s.1", path) == -1)
		err(1, NULL);
	fd = follow_open_file(name, st);
	free(name);
	if (fd == -1)
		return -1;
	if (same_file)
		ok = (uint64_t)st->st_dev == pos->sp_dev &&
		    (uint64_t)st->st_ino == pos->sp_ino;
	else
		ok = (uint64_t)st->st_ino != ino &&
		    (pos->sp_fplen > 0 || pos->sp_hlen > 0);
	if (!ok || !follow_holds(f, fd, pos)) {
		close(fd);
		return -1;
	}
	return fd;
}

void
follow_use(struct follow *f, size_t i, int fd, const struct stat *st,
    uint64_t off, int finite)
{
	struct fsrc	*s = &f->f_src[i];

	s->fs_fd = fd;
	s->fs_dev = (uint64_t)st->st_dev;
	s->fs_ino = (uint64_t)st->st_ino;
	s->fs_pos = off;
	s->fs_overlong = s->fs_rotated = s->fs_finishing = 0;
	s->fs_finite = finite;
	s->fs_data = (uint64_t)st->st_size > off;
}

/* Source i from the start of fd (st), or waited for when fd is -1. */
static void
from_start(struct follow *f, size_t i, int fd, const struct stat *st)
{
	struct state_pos	pos;

	memset(&pos, 0, sizeof(pos));
	if (fd == -1)
		warnx("%s: %s; waiting for it", f->f_src[i].fs_path,
		    strerror(ENOENT));
	else {
		follow_use(f, i, fd, st, 0, 0);
		pos.sp_dev = (uint64_t)st->st_dev;
		pos.sp_ino = (uint64_t)st->st_ino;
	}
	ledger_init(f->f_lg, i, &pos);
}

/* Where source i is read from (the rules at the top of this file). */
static int
place(struct follow *f, size_t i, const struct state_pos *rec, char *err,
    size_t errlen)
{
	const char		*path = f->f_src[i].fs_path;
	struct state_pos	 pos;
	struct stat		 st, st1;
	int			 fd, fd1;

	if ((fd = follow_open_file(path, &st)) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, errno == EINVAL ?
		    "not a regular file (--follow reads files)" :
		    strerror(errno));
		return -1;
	}
	if (rec == NULL || (rec->sp_dev == 0 && rec->sp_ino == 0)) {
		from_start(f, i, fd, &st);
		return 0;
	}
	if (fd != -1 && (uint64_t)st.st_dev == rec->sp_dev &&
	    (uint64_t)st.st_ino == rec->sp_ino) {
		if (follow_holds(f, fd, rec)) {
			follow_use(f, i, fd, &st, rec->sp_off, 0);
			ledger_init(f->f_lg, i, rec);
			return 0;
		}
		fd1 = follow_rotated(f, path, rec, 0, (uint64_t)st.st_ino,
		    &st1);
	} else
		fd1 = follow_rotated(f, path, rec, 1, 0, &st1);
	if (fd1 != -1) {
		if (fd != -1)
			close(fd);
		pos = *rec;
		pos.sp_dev = (uint64_t)st1.st_dev;
		pos.sp_ino = (uint64_t)st1.st_ino;
		follow_use(f, i, fd1, &st1, rec->sp_off, 1);
		ledger_init(f->f_lg, i, &pos);
		return 0;
	}
	warnx("%s: not the file the state file left at offset %" PRIu64
	    " (inode %" PRIu64 "), nor continued by %s.1: read from its "
	    "start", path, rec->sp_off, rec->sp_ino, path);
	from_start(f, i, fd, &st);
	return 0;
}

/*
 * The -o file: never one of the followed files (each line written would
 * be read again); cut back to the size recorded in the state file when
 * it is the file recorded there.
 */
static int
cut_output(struct follow *f, const struct state *st, int outfd, char *err,
    size_t errlen)
{
	const char	*out = f->f_cfg->cf_output;
	struct stat	 ost;
	size_t		 i;

	if (outfd == -1 || fstat(outfd, &ost) == -1 || !S_ISREG(ost.st_mode))
		return 0;
	for (i = 0; i < f->f_nsrc; i++)
		if (f->f_src[i].fs_fd != -1 &&
		    f->f_src[i].fs_dev == (uint64_t)ost.st_dev &&
		    f->f_src[i].fs_ino == (uint64_t)ost.st_ino) {
			snprintf(err, errlen, "-o %s: also followed (as %s): "
			    "its lines would be read again without end", out,
			    f->f_src[i].fs_path);
			return -1;
		}
	if (!st->st_has_output)
		return 0;
	if ((uint64_t)ost.st_dev != st->st_out_dev ||
	    (uint64_t)ost.st_ino != st->st_out_ino)
		warnx("%s: not the output file the state file recorded; lines "
		    "written after its last save may be written again", out);
	else if ((uint64_t)ost.st_size < st->st_out_size)
		warnx("%s: %jd bytes, shorter than the %" PRIu64 " the state "
		    "file recorded", out, (intmax_t)ost.st_size,
		    st->st_out_size);
	else if (ftruncate(outfd, (off_t)st->st_out_size) == -1) {
		snprintf(err, errlen, "-o %s: cutting it back to %" PRIu64
		    " bytes: %s", out, st->st_out_size, strerror(errno));
		return -1;
	}
	return 0;
}

struct follow *
follow_open(const struct config *cfg, int outfd, char *err, size_t errlen)
{
	struct follow		*f;
	struct state		 st;
	const struct state_input *si;
	size_t			 i;

	f = xcalloc(1, sizeof(*f));
	f->f_cfg = cfg;
	f->f_cur = -1;
	f->f_state.af_dirfd = -1;
	while (cfg->cf_files[f->f_nsrc] != NULL)
		f->f_nsrc++;
	f->f_src = xcalloc(f->f_nsrc, sizeof(*f->f_src));
	for (i = 0; i < f->f_nsrc; i++) {
		f->f_src[i].fs_path = cfg->cf_files[i];
		f->f_src[i].fs_fd = -1;
	}
	memset(&st, 0, sizeof(st));
	if (cfg->cf_state != NULL) {
		if (statefile_open(&f->f_state, cfg->cf_state, &st, err,
		    errlen) == -1)
			goto fail;
		f->f_has_state = 1;
		memcpy(f->f_key, st.st_key, sizeof(f->f_key));
	} else
		arc4random_buf(f->f_key, sizeof(f->f_key));
	f->f_lg = ledger_create(f->f_nsrc, f->f_key);
	for (i = 0; i < f->f_nsrc; i++) {
		si = statefmt_find(&st, f->f_src[i].fs_path);
		if (place(f, i, si ? &si->si_pos : NULL, err, errlen) == -1)
			goto fail;
	}
	if (cut_output(f, &st, outfd, err, errlen) == -1)
		goto fail;
	statefmt_free(&st);
	return f;
fail:
	statefmt_free(&st);
	follow_close(f);
	return NULL;
}
