/*
 * xquestion: the 0x20 letter-case randomisation and the byte-exact
 * question check of the transport (xquestion.h), on names and DNS
 * messages written out byte by byte here (no socket, no server).
 */
#include <ares.h>
#include <ctype.h>
#include <string.h>

#include <criterion/criterion.h>

#include "xquestion.h"

/* The question of "Ex.Am" PTR IN, as c-ares writes it. */
static const uint8_t	q_exam[] = {
	2, 'E', 'x', 2, 'A', 'm', 0, 0x00, 0x0c, 0x00, 0x01
};

/* An answer header: ID 0xbeef, QR RD RA, QDCOUNT qd, no records. */
static size_t
answer(uint8_t *m, int qd, const uint8_t *q, size_t qlen)
{
	static const uint8_t	hdr[12] = { 0xbe, 0xef, 0x81, 0x80 };

	memcpy(m, hdr, sizeof(hdr));
	m[5] = (uint8_t)qd;
	memcpy(m + sizeof(hdr), q, qlen);
	return sizeof(hdr) + qlen;
}

Test(xquestion, case_0x20_keeps_the_name_and_moves_every_letter)
{
	const char	*name =
	    "abcdefghijklmnopqrstuvwxyz.0-9.ABCDEFGHIJ.in-addr";
	char		 buf[64];
	int		 upper[64] = { 0 }, lower[64] = { 0 };
	size_t		 i, n = strlen(name);
	int		 run;

	/* 46 letters: more than one arc4random() word of case bits. */
	for (run = 0; run < 200; run++) {
		strlcpy(buf, name, sizeof(buf));
		xquestion_case_0x20(buf);
		cr_assert_eq(strlen(buf), n);
		cr_assert_eq(strcasecmp(buf, name), 0);
		for (i = 0; i < n; i++) {
			if (!isalpha((unsigned char)name[i]))
				cr_assert_eq(buf[i], name[i]);
			upper[i] += isupper((unsigned char)buf[i]) != 0;
			lower[i] += islower((unsigned char)buf[i]) != 0;
		}
	}
	/* Each letter took both cases (a miss has odds 2^-199). */
	for (i = 0; i < n; i++)
		if (isalpha((unsigned char)name[i]))
			cr_assert(upper[i] > 0 && lower[i] > 0,
			    "letter %zu never changed case", i);
}

/*
 * The case bits come from a pool of 64 words (xquestion.c): draws across
 * many refills never repeat a name's whole pattern, as a pool handed out
 * twice, or never refilled, would. 64 letters make two words a name, so
 * 400 names take 800 words; any repeat among them has odds near 2^-48.
 */
Test(xquestion, case_0x20_never_repeats_a_pattern_across_refills)
{
	static char	seen[400][80];
	const char	*name = "abcdefghijklmnopqrstuvwxyzabcdef."
	    "abcdefghijklmnopqrstuvwxyzabcdef";
	int		run, k;

	for (run = 0; run < 400; run++) {
		strlcpy(seen[run], name, sizeof(seen[run]));
		xquestion_case_0x20(seen[run]);
		for (k = 0; k < run; k++)
			cr_assert_str_neq(seen[k], seen[run],
			    "names %d and %d have one pattern", k, run);
	}
}

Test(xquestion, build_writes_the_name_in_its_case)
{
	uint8_t	q[XQUESTION_MAX];
	size_t	qlen = 0;

	cr_assert_eq(xquestion_build("Ex.Am", 12, q, sizeof(q), &qlen),
	    ARES_SUCCESS);
	cr_assert_eq(qlen, sizeof(q_exam));
	cr_assert_arr_eq(q, q_exam, sizeof(q_exam));
}

Test(xquestion, build_refuses_what_does_not_fit)
{
	uint8_t	q[XQUESTION_MAX];
	char	label[70];
	size_t	qlen;

	cr_assert_eq(xquestion_build("Ex.Am", 12, q, sizeof(q_exam) - 1,
	    &qlen), ARES_EBADNAME);
	memset(label, 'a', sizeof(label) - 1);	/* a 69-byte label */
	label[sizeof(label) - 1] = '\0';
	cr_assert_eq(xquestion_build(label, 12, q, sizeof(q), &qlen),
	    ARES_EBADNAME);
}

Test(xquestion, len_of_whole_cut_and_compressed_questions)
{
	static const uint8_t	ptr[] = { 0xc0, 0x0c, 0x00, 0x0c, 0x00, 0x01 };
	uint8_t			m[64];
	size_t			len;

	len = answer(m, 1, q_exam, sizeof(q_exam));
	cr_assert_eq(xquestion_len(m, len), sizeof(q_exam));
	cr_assert_eq(xquestion_len(m, len - 1), 0);	/* class cut */
	cr_assert_eq(xquestion_len(m, 12 + 4), 0);	/* name cut */
	cr_assert_eq(xquestion_len(m, 12), 0);		/* header only */
	len = answer(m, 1, ptr, sizeof(ptr));
	cr_assert_eq(xquestion_len(m, len), 0);		/* compressed */
}

Test(xquestion, same_needs_the_echo_byte_for_byte)
{
	uint8_t	q[sizeof(q_exam)], m[64];
	size_t	len;

	len = answer(m, 1, q_exam, sizeof(q_exam));
	cr_assert(xquestion_same(q_exam, sizeof(q_exam), m, len));
	cr_assert_eq(xquestion_id(m), 0xbeef);
	/* An answer in another case is a forger's guess gone wrong. */
	memcpy(q, q_exam, sizeof(q));
	q[1] = 'e';
	len = answer(m, 1, q, sizeof(q));
	cr_assert_not(xquestion_same(q_exam, sizeof(q_exam), m, len));
	/* Another type. */
	q[1] = 'E';
	q[8] = 0x01;
	len = answer(m, 1, q, sizeof(q));
	cr_assert_not(xquestion_same(q_exam, sizeof(q_exam), m, len));
}

Test(xquestion, same_needs_one_question_and_all_of_it)
{
	uint8_t	m[64];
	size_t	len;

	len = answer(m, 2, q_exam, sizeof(q_exam));
	cr_assert_not(xquestion_same(q_exam, sizeof(q_exam), m, len));
	len = answer(m, 0, q_exam, sizeof(q_exam));
	cr_assert_not(xquestion_same(q_exam, sizeof(q_exam), m, len));
	len = answer(m, 1, q_exam, sizeof(q_exam));
	cr_assert_not(xquestion_same(q_exam, sizeof(q_exam), m, len - 1));
}
