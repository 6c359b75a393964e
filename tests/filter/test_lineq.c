/*
 * The window of waiting lines (filter/stream/lineq.c): order, copies of
 * the bytes and slots, the full test in lines and in bytes, and when a
 * line may leave.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "dnsent.h"
#include "lineq.h"
#include "rack.h"

static struct line *
push(struct lineq *q, const char *s, uint64_t deadline)
{
	return lineq_push(q, s, strlen(s), NULL, 0, 0, deadline);
}

Test(lineq, keeps_input_order)
{
	struct lineq	 q;
	struct line	*ln;
	const char	*want[] = { "a\n", "bb\n", "ccc\n" };
	size_t		 i = 0;

	lineq_init(&q, 10, 1000);
	cr_expect(lineq_empty(&q));
	cr_expect_null(lineq_head(&q));
	push(&q, "a\n", 1);
	push(&q, "bb\n", 2);
	push(&q, "ccc\n", 3);
	cr_expect(!lineq_empty(&q));
	for (ln = lineq_head(&q); ln != NULL; ln = lineq_next(ln), i++) {
		cr_assert_lt(i, 3);
		cr_expect_eq(ln->ln_len, strlen(want[i]));
		cr_expect(memcmp(ln->ln_buf, want[i], ln->ln_len) == 0);
		cr_expect_eq(ln->ln_deadline_ms, i + 1);
	}
	cr_expect_eq(i, 3);
	/* Removing from the middle keeps the rest linked. */
	lineq_remove(&q, lineq_next(lineq_head(&q)));
	ln = lineq_head(&q);
	cr_expect_eq(ln->ln_len, 2);
	cr_expect_eq(lineq_next(ln)->ln_len, 4);
	cr_expect_null(lineq_next(lineq_next(ln)));
	while ((ln = lineq_head(&q)) != NULL)
		lineq_remove(&q, ln);
	cr_expect(lineq_empty(&q));
}

Test(lineq, owns_copies_of_bytes_and_slots)
{
	struct lineq	 q;
	struct lslot	 slots[2];
	struct line	*ln;
	char		 buf[] = "from 192.0.2.1 to 192.0.2.2\n";

	memset(slots, 0, sizeof(slots));
	slots[0].ls_so = 5;
	slots[1].ls_so = 18;
	slots[1].ls_verdict = 7;
	lineq_init(&q, 10, 1000);
	ln = lineq_push(&q, buf, strlen(buf), slots, 2, 1, 42);
	memset(buf, 'X', strlen(buf));
	memset(slots, 0xff, sizeof(slots));
	cr_expect(memcmp(ln->ln_buf, "from 192.0.2.1", 14) == 0);
	cr_expect_eq(ln->ln_nslots, 2);
	cr_expect_eq(ln->ln_slots[0].ls_so, 5);
	cr_expect_eq(ln->ln_slots[1].ls_so, 18);
	cr_expect_eq(ln->ln_slots[1].ls_verdict, 7);
	cr_expect_eq(ln->ln_raw, 1);
	lineq_remove(&q, ln);
}

Test(lineq, full_in_lines_or_bytes)
{
	struct lineq	 q;

	lineq_init(&q, 3, 1000);
	push(&q, "1\n", 0);
	push(&q, "2\n", 0);
	cr_expect(!lineq_full(&q));
	push(&q, "3\n", 0);
	cr_expect(lineq_full(&q), "3 lines of 3");
	lineq_remove(&q, lineq_head(&q));
	cr_expect(!lineq_full(&q), "a removal makes room");
	while (lineq_head(&q) != NULL)
		lineq_remove(&q, lineq_head(&q));

	lineq_init(&q, 100, 10);
	push(&q, "12345\n", 0);
	cr_expect(!lineq_full(&q));
	push(&q, "1234\n", 0);
	cr_expect(lineq_full(&q), "11 bytes of 10");
	lineq_remove(&q, lineq_head(&q));
	cr_expect(!lineq_full(&q));
	lineq_remove(&q, lineq_head(&q));
	cr_expect(lineq_empty(&q));
}

/*
 * When a line may leave (ptrtag.1, LINE DELAY): at once when its lookups
 * are settled; at its deadline while one of them waits for a slot or
 * has not been passed; at the query's send time plus the wait once a
 * later query was answered (rack.h); the earliest of its slots' limits
 * is not enough, all must be given up. lineq_wait_ms: the head's, or any
 * line's when unordered.
 */
Test(lineq, release_when_settled_passed_or_deadline)
{
	struct lineq		 q;
	struct lslot		 slot;
	struct dnsent		 a, b;
	struct rack		 rk;
	struct rack_sent	 qa, later;
	struct dnsent_wait	 dw = { 300, &rk };
	struct line		*ln, *ln2;

	rack_init(&rk);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&slot, 0, sizeof(slot));
	lineq_init(&q, 10, 1000);
	a.de_verdict = VERDICT_PENDING;
	slot.ls_ent = &a;
	ln = lineq_push(&q, "x\n", 2, &slot, 1, 0, 5000);
	/* Waiting for a slot: only the deadline. */
	cr_expect_eq(lineq_release_ms(ln, &dw), 5000);
	a.de_sent_ms = 1000;
	a.de_seq = rack_sent(&rk, &qa, 1000, 1);
	cr_expect_eq(lineq_release_ms(ln, &dw), 5000, "not passed yet");
	(void)rack_sent(&rk, &later, 1010, 1);
	rack_done(&rk, &later, 1030);
	cr_expect_eq(lineq_release_ms(ln, &dw), 1300, "passed: sent + wait");
	cr_expect_eq(lineq_wait_ms(&q, &dw, 0, 1100), 200);
	cr_expect_eq(lineq_wait_ms(&q, &dw, 0, 1400), 0);
	/* A second line, settled: ordered it waits for the head. */
	b.de_verdict = VERDICT_PASS;
	slot.ls_ent = &b;
	ln2 = lineq_push(&q, "y\n", 2, &slot, 1, 0, 5100);
	cr_expect_eq(lineq_release_ms(ln2, &dw), 0);
	cr_expect_eq(lineq_wait_ms(&q, &dw, 0, 1100), 200);
	cr_expect_eq(lineq_wait_ms(&q, &dw, 1, 1100), 0, "unordered: now");
	a.de_verdict = VERDICT_FAIL;
	cr_expect_eq(lineq_release_ms(ln, &dw), 0, "settled");
	lineq_remove(&q, ln);
	lineq_remove(&q, ln2);
	cr_expect_eq(lineq_wait_ms(&q, &dw, 0, 1100), -1, "empty");
}
