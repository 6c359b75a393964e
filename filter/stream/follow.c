/*
 * follow: see follow.h; the start is follow_start.c. Each turn of the
 * loop: check the files when due (check_one()), then move between them
 * (schedule()), then save the state file when due (save()).
 *
 * A source's file is finished (its rest handed out as a last line, then
 * closed, and the path opened again from its start) when it was read to
 * its end and either is a rotated file found at start or by a
 * truncation (fs_finite), or its path has named another file (or none)
 * for two checks in a row without the file growing meanwhile: a writer
 * that has not yet reopened its log has one check interval to do so.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "follow.h"
#include "follow_int.h"
#include "statefile.h"
#include "util.h"

/* Checks that must see the path elsewhere before a file is finished. */
#define FOLLOW_ROTATED_CHECKS	2
/* The longest wait between state saves that keep failing. */
#define FOLLOW_SAVE_BACKOFF_MS	60000

struct ledger *
follow_ledger(struct follow *f)
{
	return f != NULL ? f->f_lg : NULL;
}

/* Read source i through the input from its fs_pos on. */
static void
attach(struct follow *f, size_t i)
{
	struct fsrc	*s = &f->f_src[i];

	(void)lseek(s->fs_fd, (off_t)s->fs_pos, SEEK_SET);
	ledger_source(f->f_lg, i, s->fs_dev, s->fs_ino);
	input_attach(f->f_in, s->fs_fd, s->fs_path, s->fs_pos,
	    s->fs_overlong);
	f->f_cur = (long)i;
	f->f_slice = s->fs_pos;
}

/* The attached source: its unfinished line is read again next time. */
static void
detach(struct follow *f)
{
	struct fsrc	*s = &f->f_src[f->f_cur];

	s->fs_pos = input_detach(f->f_in, &s->fs_overlong);
	f->f_cur = -1;
}

/* Reading of source i goes on from the start of its file. */
static void
mark_start(struct follow *f, size_t i)
{
	struct state_pos	pos;

	memset(&pos, 0, sizeof(pos));
	pos.sp_dev = f->f_src[i].fs_dev;
	pos.sp_ino = f->f_src[i].fs_ino;
	ledger_mark(f->f_lg, i, &pos);
}

/* Open source i's path from its start (a new file, or the first one). */
static void
reopen(struct follow *f, size_t i)
{
	struct fsrc	*s = &f->f_src[i];
	struct stat	 st;
	int		 fd;

	if ((fd = follow_open_file(s->fs_path, &st)) == -1) {
		/* A rotation leaves the path missing for a while. */
		if (errno == EINVAL && s->fs_warned != EINVAL)
			warnx("%s: not a regular file; waiting for one",
			    s->fs_path);
		else if (errno != ENOENT && errno != s->fs_warned)
			warn("%s", s->fs_path);
		s->fs_warned = errno;
		return;
	}
	s->fs_warned = 0;
	follow_use(f, i, fd, &st, 0, 0);
	mark_start(f, i);
}

/* Source i's file is finished and handed out: go on with the path. */
static void
finished(struct follow *f, size_t i)
{
	struct fsrc	*s = &f->f_src[i];

	if (f->f_cur == (long)i)
		detach(f);
	close(s->fs_fd);
	s->fs_fd = -1;
	s->fs_finishing = s->fs_finite = 0;
	reopen(f, i);
}

/*
 * Source i's file shrank below the read position (copytruncate, or
 * emptied): what was not yet handed out is read from FILE.1 when that is
 * a copy holding the last line handed out, and the file from its start.
 */
static void
truncated(struct follow *f, size_t i)
{
	struct fsrc		*s = &f->f_src[i];
	struct state_pos	 last;
	struct stat		 st;
	int			 fd, known;

	if (f->f_cur == (long)i)
		detach(f);
	ledger_last_taken(f->f_lg, i, &last);
	known = last.sp_off > 0 || last.sp_hlen > 0;
	if (known && last.sp_dev == s->fs_dev && last.sp_ino == s->fs_ino &&
	    (fd = follow_rotated(f, s->fs_path, &last, 0, s->fs_ino,
	    &st)) != -1) {
		close(s->fs_fd);
		follow_use(f, i, fd, &st, last.sp_off, 1);
		last.sp_dev = s->fs_dev;
		last.sp_ino = s->fs_ino;
		ledger_mark(f->f_lg, i, &last);
		return;
	}
	if (known)
		warnx("%s: truncated, and %s.1 does not continue it: read "
		    "again from its start", s->fs_path, s->fs_path);
	s->fs_pos = 0;
	s->fs_overlong = 0;
	mark_start(f, i);
}

/*
 * 1 when source i's file no longer holds what was read of it: its first
 * bytes or the last line handed out differ (truncated and written again
 * since the last check). The file is left at pos, where reading goes on.
 */
static int
rewritten(struct follow *f, size_t i, uint64_t pos)
{
	struct fsrc		*s = &f->f_src[i];
	struct state_pos	 last;
	int			 held;

	ledger_last_taken(f->f_lg, i, &last);
	if (last.sp_dev != s->fs_dev || last.sp_ino != s->fs_ino)
		return 0;
	held = follow_holds(f, s->fs_fd, &last);
	(void)lseek(s->fs_fd, (off_t)pos, SEEK_SET);
	return !held;
}

/* One check of source i: new bytes, rotation, truncation, appearance. */
static void
check_one(struct follow *f, size_t i)
{
	struct fsrc	*s = &f->f_src[i];
	struct stat	 st, pst;
	uint64_t	 pos;
	int		 same;

	if (s->fs_fd == -1) {
		reopen(f, i);
		return;
	}
	if (s->fs_finishing || fstat(s->fs_fd, &st) == -1)
		return;
	pos = f->f_cur == (long)i ? input_offset(f->f_in) : s->fs_pos;
	if (!s->fs_finite) {
		same = stat(s->fs_path, &pst) == 0 &&
		    (uint64_t)pst.st_dev == s->fs_dev &&
		    (uint64_t)pst.st_ino == s->fs_ino;
		s->fs_rotated = same ? 0 : s->fs_rotated + 1;
		if (same && ((uint64_t)st.st_size < pos || rewritten(f, i,
		    pos))) {
			truncated(f, i);
			return;
		}
	}
	s->fs_data = (uint64_t)st.st_size > pos;
	if (f->f_cur == (long)i && s->fs_data)
		input_wake(f->f_in);
}

/* 1 when source s is done with its file once read to its end. */
static int
done_at_end(const struct fsrc *s)
{
	return s->fs_finite ||
	    (s->fs_rotated >= FOLLOW_ROTATED_CHECKS && !s->fs_data);
}

/* The next source after `after` (round) with something to read, or -1. */
static long
next_ready(const struct follow *f, long after)
{
	const struct fsrc	*s;
	size_t			 k, i;

	for (k = 1; k <= f->f_nsrc; k++) {
		i = ((size_t)(after + (long)f->f_nsrc) + k) % f->f_nsrc;
		s = &f->f_src[i];
		if ((long)i != f->f_cur && s->fs_fd != -1 &&
		    !s->fs_finishing && (s->fs_data || done_at_end(s)))
			return (long)i;
	}
	return -1;
}

/*
 * The attached source: finish its file, or leave it for another source
 * with bytes waiting (at its end, or after CFG_FOLLOW_SLICE bytes) when
 * no whole line waits in the input and it is not inside an overlong line
 * (whose pieces must stay together, ledger.h). 1 when it was detached.
 */
static int
leave(struct follow *f)
{
	struct fsrc	*s = &f->f_src[f->f_cur];
	struct input	*in = f->f_in;

	if (s->fs_finishing) {
		if (input_buffered(in) > 0)
			return 0;
		finished(f, (size_t)f->f_cur);
		return 1;
	}
	if (input_idle(in) && done_at_end(s)) {
		input_finish(in);
		s->fs_finishing = 1;
		return 0;
	}
	if (input_ready(in) || input_overlong(in) ||
	    (!input_idle(in) && input_offset(in) - f->f_slice <
	    CFG_FOLLOW_SLICE) || next_ready(f, f->f_cur) == -1)
		return 0;
	detach(f);
	return 1;
}

static void
schedule(struct follow *f)
{
	long	last = f->f_cur, j;

	if (f->f_cur != -1 && !leave(f))
		return;
	if ((j = next_ready(f, last)) != -1)
		attach(f, (size_t)j);
}

/*
 * Write the state file: the committed places, the output's cut. 0, or
 * -1 after a warning.
 */
static int
save(struct follow *f)
{
	struct state	 st;
	struct stat	 ost;
	uint64_t	 behind;
	struct state_pos pos;
	size_t		 i;
	int		 fd, rc;

	memset(&st, 0, sizeof(st));
	memcpy(st.st_key, f->f_key, sizeof(st.st_key));
	if ((fd = ledger_cut(f->f_lg, &behind)) != -1 &&
	    fstat(fd, &ost) == 0 && S_ISREG(ost.st_mode) &&
	    (uint64_t)ost.st_size >= behind) {
		/* The output holds what the state says before it says so. */
		if (fdatasync(fd) == -1) {
			warn("state file %s: not saved: syncing the output",
			    f->f_state.af_path);
			return -1;
		}
		st.st_has_output = 1;
		st.st_out_dev = (uint64_t)ost.st_dev;
		st.st_out_ino = (uint64_t)ost.st_ino;
		st.st_out_size = (uint64_t)ost.st_size - behind;
	}
	for (i = 0; i < f->f_nsrc; i++) {
		ledger_committed(f->f_lg, i, &pos);
		statefmt_add(&st, f->f_src[i].fs_path, &pos);
	}
	rc = statefile_save(&f->f_state, &st);
	if (rc == 0)
		ledger_clean(f->f_lg);
	statefmt_free(&st);
	return rc;
}

/*
 * Milliseconds until a save is due, 0 for now, -1 for none: changes wait
 * for the interval, urgent ones (ledger_dirty() 2) do not. After failed
 * saves the interval doubles up to FOLLOW_SAVE_BACKOFF_MS, urgent ones
 * included, so a file system that refuses them gets a warning now and
 * then, not one a turn.
 */
static int64_t
save_wait(const struct follow *f, uint64_t now)
{
	int	dirty;

	if (!f->f_has_state || (dirty = ledger_dirty(f->f_lg)) == 0)
		return -1;
	if ((dirty == 2 && f->f_backoff == 0) || now >= f->f_next_save)
		return 0;
	return (int64_t)(f->f_next_save - now);
}

void
follow_start(struct follow *f, struct input *in)
{
	uint64_t	now = now_ms();

	f->f_in = in;
	f->f_next_check = now + CFG_FOLLOW_POLL_MS;
	/*
	 * The first save comes before any line is written: a run killed
	 * before the next one starts again from the same places, with the
	 * output cut back to what it was.
	 */
	f->f_next_save = now;
	schedule(f);
}

void
follow_turn(struct follow *f, uint64_t now, int stopping)
{
	size_t	i;

	if (f == NULL)
		return;
	f->f_stopping = stopping;
	if (!stopping) {
		if (now >= f->f_next_check) {
			for (i = 0; i < f->f_nsrc; i++)
				check_one(f, i);
			f->f_next_check = now + CFG_FOLLOW_POLL_MS;
		}
		schedule(f);
	}
	if (save_wait(f, now) != 0)
		return;
	if (save(f) == 0)
		f->f_backoff = 0;
	else if ((f->f_backoff = f->f_backoff ? 2 * f->f_backoff :
	    CFG_STATE_SAVE_MS) > FOLLOW_SAVE_BACKOFF_MS)
		f->f_backoff = FOLLOW_SAVE_BACKOFF_MS;
	f->f_next_save = now + (f->f_backoff ? f->f_backoff :
	    CFG_STATE_SAVE_MS);
}

int64_t
follow_wait_ms(const struct follow *f, uint64_t now)
{
	int64_t	t = -1, s;

	if (f == NULL)
		return -1;
	s = save_wait(f, now);
	if (!f->f_stopping)
		t = f->f_next_check > now ? (int64_t)(f->f_next_check - now) :
		    0;
	if (s >= 0 && (t < 0 || s < t))
		t = s;
	return t;
}

void
follow_close(struct follow *f)
{
	size_t	i;

	if (f == NULL)
		return;
	if (f->f_in != NULL && f->f_cur != -1)
		detach(f);
	if (f->f_in != NULL && f->f_has_state && ledger_dirty(f->f_lg))
		save(f);
	for (i = 0; i < f->f_nsrc; i++)
		if (f->f_src[i].fs_fd != -1)
			close(f->f_src[i].fs_fd);
	afile_close(&f->f_state);
	ledger_free(f->f_lg);
	free(f->f_src);
	free(f);
}
