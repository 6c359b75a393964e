/*
 * The ledger of lines that reached the output (filter/stream/ledger.c):
 * commits in output order, never inside an overlong line, markers of a
 * new file after the lines before them, two sources, the output's cut,
 * the head fingerprint, and the bound on its entries.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "ledger.h"

static const uint8_t	key[STATE_KEYLEN] = { 1, 2, 3 };

/* Take a unit "LINE" of len bytes ending at end. */
static void
take(struct ledger *lg, uint64_t end, size_t len, int complete)
{
	char	buf[64];

	memset(buf, 'a' + (int)(end % 26), sizeof(buf));
	ledger_taken(lg, end, complete, buf, len);
}

static uint64_t
committed_off(struct ledger *lg, size_t src)
{
	struct state_pos	pos;

	ledger_committed(lg, src, &pos);
	return pos.sp_off;
}

Test(ledger, commits_what_was_written_in_order)
{
	struct ledger	*lg = ledger_create(1, key);
	uint64_t	 behind;

	ledger_output(lg, 7, 0);
	ledger_source(lg, 0, 1, 2);
	take(lg, 10, 10, 1);
	take(lg, 25, 15, 1);
	take(lg, 30, 5, 1);
	ledger_emitted(lg, 12);		/* annotated: longer */
	ledger_emitted(lg, 40);
	ledger_written(lg, 11);
	cr_expect_eq(committed_off(lg, 0), 0, "nothing whole yet");
	ledger_written(lg, 12);
	cr_expect_eq(committed_off(lg, 0), 10);
	cr_expect(ledger_dirty(lg));
	ledger_written(lg, 40);
	cr_expect_eq(committed_off(lg, 0), 25);
	cr_expect_eq(ledger_cut(lg, &behind), 7);
	cr_expect_eq(behind, 0);
	/* The third unit is not emitted yet: written bytes cannot be it. */
	ledger_emitted(lg, 47);
	ledger_written(lg, 45);
	cr_expect_eq(committed_off(lg, 0), 25);
	cr_expect_eq(ledger_cut(lg, &behind), 7);
	cr_expect_eq(behind, 5, "5 bytes past the last whole line");
	ledger_written(lg, 47);
	cr_expect_eq(committed_off(lg, 0), 30);
	ledger_free(lg);
}

Test(ledger, never_commits_inside_an_overlong_line)
{
	struct ledger		*lg = ledger_create(1, key);
	struct state_pos	 pos;
	uint64_t		 behind;

	ledger_output(lg, 3, 0);
	ledger_source(lg, 0, 1, 2);
	take(lg, 10, 10, 1);
	take(lg, 60, 50, 0);		/* pieces of one long line */
	take(lg, 110, 50, 0);
	take(lg, 130, 20, 1);		/* its end */
	ledger_emitted(lg, 10);
	ledger_emitted(lg, 60);
	ledger_emitted(lg, 110);
	ledger_written(lg, 110);
	cr_expect_eq(committed_off(lg, 0), 10);
	cr_expect_eq(ledger_cut(lg, &behind), 3);
	cr_expect_eq(behind, 100, "the pieces are past the cut");
	ledger_emitted(lg, 130);
	ledger_written(lg, 130);
	ledger_committed(lg, 0, &pos);
	cr_expect_eq(pos.sp_off, 130);
	cr_expect_eq(pos.sp_fplen, 20, "the last piece is fingerprinted");
	ledger_free(lg);
}

Test(ledger, a_marker_commits_after_the_lines_before_it)
{
	struct ledger		*lg = ledger_create(2, key);
	struct state_pos	 pos, got;

	ledger_output(lg, 3, 0);
	ledger_source(lg, 0, 1, 2);
	take(lg, 10, 10, 1);
	memset(&pos, 0, sizeof(pos));
	pos.sp_dev = 1;
	pos.sp_ino = 9;			/* source 0's new file */
	ledger_mark(lg, 0, &pos);
	ledger_clean(lg);
	ledger_written(lg, 0);
	ledger_committed(lg, 0, &got);
	cr_expect_eq(got.sp_ino, 0, "the marker waits for the line");
	ledger_emitted(lg, 10);
	ledger_written(lg, 10);
	ledger_committed(lg, 0, &got);
	cr_expect_eq(got.sp_ino, 9);
	cr_expect_eq(got.sp_off, 0);
	cr_expect_eq(ledger_dirty(lg), 2, "a move to another file is urgent");
	/* A marker with nothing before it commits at the next write. */
	pos.sp_ino = 10;
	ledger_mark(lg, 1, &pos);
	ledger_written(lg, 10);
	ledger_committed(lg, 1, &got);
	cr_expect_eq(got.sp_ino, 10);
	ledger_free(lg);
}

Test(ledger, two_sources_each_keep_their_place)
{
	struct ledger	*lg = ledger_create(2, key);

	ledger_output(lg, 3, 0);
	ledger_source(lg, 0, 1, 2);
	take(lg, 10, 10, 1);
	ledger_source(lg, 1, 1, 3);
	take(lg, 5, 5, 1);
	take(lg, 9, 4, 1);
	ledger_source(lg, 0, 1, 2);
	take(lg, 20, 10, 1);
	ledger_emitted(lg, 10);
	ledger_emitted(lg, 15);
	ledger_emitted(lg, 19);
	ledger_written(lg, 19);
	cr_expect_eq(committed_off(lg, 0), 10);
	cr_expect_eq(committed_off(lg, 1), 9);
	ledger_emitted(lg, 29);
	ledger_written(lg, 29);
	cr_expect_eq(committed_off(lg, 0), 20);
	ledger_free(lg);
}

Test(ledger, a_reopened_output_has_no_cut_until_a_line_reaches_it)
{
	struct ledger	*lg = ledger_create(1, key);
	uint64_t	 behind;

	cr_expect_eq(ledger_cut(lg, &behind), -1, "no output named");
	ledger_output(lg, 3, 0);
	ledger_source(lg, 0, 1, 2);
	take(lg, 10, 10, 1);
	ledger_emitted(lg, 10);
	ledger_written(lg, 10);
	ledger_output(lg, 4, 10);
	cr_expect_eq(ledger_cut(lg, &behind), 4, "the cut is at its start");
	cr_expect_eq(behind, 0);
	take(lg, 20, 10, 1);
	ledger_emitted(lg, 20);
	ledger_written(lg, 15);
	ledger_output(lg, 5, 15);	/* reopened inside a line */
	cr_expect_eq(ledger_cut(lg, &behind), -1, "the cut is in the old one");
	ledger_written(lg, 20);
	cr_expect_eq(ledger_cut(lg, &behind), 5);
	cr_expect_eq(behind, 0);
	ledger_free(lg);
}

Test(ledger, the_head_of_a_file_is_known_from_its_first_unit)
{
	struct ledger		*lg = ledger_create(1, key);
	struct state_pos	 pos;
	const char		*first = "first line\n";

	memset(&pos, 0, sizeof(pos));
	pos.sp_dev = 1;
	pos.sp_ino = 2;
	ledger_init(lg, 0, &pos);
	ledger_output(lg, 3, 0);
	ledger_clean(lg);
	ledger_source(lg, 0, 1, 2);
	ledger_taken(lg, strlen(first), 1, first, strlen(first));
	cr_expect_eq(ledger_dirty(lg), 2);
	ledger_committed(lg, 0, &pos);
	cr_expect_eq(pos.sp_off, 0);
	cr_expect_eq(pos.sp_hlen, strlen(first));
	cr_expect_eq(pos.sp_hfp, ledger_hash(lg, first, strlen(first)));
	ledger_last_taken(lg, 0, &pos);
	cr_expect_eq(pos.sp_off, strlen(first));
	cr_expect_eq(pos.sp_fp, ledger_hash(lg, first, strlen(first)));
	ledger_free(lg);
}

Test(ledger, stays_bounded_when_nothing_is_written)
{
	struct ledger	*lg = ledger_create(1, key);
	uint64_t	 i, n = 3 * LEDGER_SOFT_MAX;

	ledger_output(lg, 3, 0);
	ledger_source(lg, 0, 1, 2);
	for (i = 1; i <= n; i++)
		take(lg, i, 1, 1);
	for (i = 1; i <= n; i++)
		ledger_emitted(lg, i);
	ledger_written(lg, LEDGER_SOFT_MAX / 2);
	cr_expect_eq(committed_off(lg, 0), LEDGER_SOFT_MAX / 2,
	    "the entries before the bound commit one by one");
	ledger_written(lg, n - 1);
	cr_expect_eq(committed_off(lg, 0), LEDGER_SOFT_MAX - 1,
	    "past the bound, units joined the last entry");
	ledger_written(lg, n);
	cr_expect_eq(committed_off(lg, 0), n);
	ledger_free(lg);
}
