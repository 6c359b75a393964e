/*
 * The text of the --state file (filter/stream/statefmt.c): what is
 * written parses back the same, paths of any bytes included; every kind
 * of damage is refused with the line it is on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "statefmt.h"

#define KEY	"00112233445566778899aabbccddeeff"
#define HEAD	"ptrtag-state 1\nkey " KEY "\n"
#define FP0	"0 0000000000000000"

static int
parse(const char *text, struct state *st, char *err, size_t errlen)
{
	return statefmt_parse(text, strlen(text), st, err, errlen);
}

static void
add(struct state *st, const char *path, uint64_t dev, uint64_t ino,
    uint64_t off, uint32_t fplen, uint64_t fp, uint32_t hlen, uint64_t hfp)
{
	struct state_pos	pos;

	pos.sp_dev = dev;
	pos.sp_ino = ino;
	pos.sp_off = off;
	pos.sp_fplen = fplen;
	pos.sp_fp = fp;
	pos.sp_hlen = hlen;
	pos.sp_hfp = hfp;
	statefmt_add(st, path, &pos);
}

Test(statefmt, round_trip_with_any_path_bytes)
{
	struct state	 st, back;
	char		 err[128], *text;
	size_t		 len, i;
	const char	*paths[] = {
		"/var/log/auth.log",
		"/tmp/a file with spaces and %percent%",
		"/tmp/new\nline\ttab\x7f\xff\xc3\xa9",
		"rel",
	};

	memset(&st, 0, sizeof(st));
	for (i = 0; i < STATE_KEYLEN; i++)
		st.st_key[i] = (uint8_t)(i * 17);
	st.st_has_output = 1;
	st.st_out_dev = 65024;
	st.st_out_ino = UINT64_MAX;
	st.st_out_size = 123456789;
	add(&st, paths[0], 1, 2, 4096, 4096, 0xfedcba9876543210ULL, 80, 7);
	add(&st, paths[1], 0, 0, 0, 0, 0, 0, 0);
	add(&st, paths[2], 3, 4, 10, 10, 1, 4096, UINT64_MAX);
	add(&st, paths[3], UINT64_MAX, UINT64_MAX, UINT64_MAX, 1, 2, 0, 0);
	text = statefmt_format(&st, &len);
	cr_assert_eq(strlen(text), len);
	cr_assert_eq(statefmt_parse(text, len, &back, err, sizeof(err)), 0,
	    "%s\n%s", err, text);
	cr_expect(memcmp(back.st_key, st.st_key, STATE_KEYLEN) == 0);
	cr_expect_eq(back.st_has_output, 1);
	cr_expect_eq(back.st_out_ino, UINT64_MAX);
	cr_expect_eq(back.st_out_size, 123456789);
	cr_assert_eq(back.st_ninputs, 4);
	for (i = 0; i < 4; i++) {
		const struct state_pos *a = &back.st_inputs[i].si_pos;
		const struct state_pos *b = &st.st_inputs[i].si_pos;

		cr_expect_str_eq(back.st_inputs[i].si_path, paths[i]);
		cr_expect(a->sp_dev == b->sp_dev && a->sp_ino == b->sp_ino &&
		    a->sp_off == b->sp_off && a->sp_fplen == b->sp_fplen &&
		    a->sp_fp == b->sp_fp && a->sp_hlen == b->sp_hlen &&
		    a->sp_hfp == b->sp_hfp, "input %zu", i);
	}
	cr_expect_not_null(strstr(text, "%0A"), "a newline is escaped");
	cr_expect_not_null(strstr(text, "%25percent%25"));
	cr_expect_eq(statefmt_find(&back, "rel"), &back.st_inputs[3]);
	cr_expect_null(statefmt_find(&back, "/var/log"));
	free(text);
	statefmt_free(&st);
	statefmt_free(&back);
}

Test(statefmt, no_output_and_no_inputs)
{
	struct state	st;
	char		err[128];

	cr_assert_eq(parse(HEAD "output -\nend 0\n", &st, err, sizeof(err)),
	    0, "%s", err);
	cr_expect_eq(st.st_has_output, 0);
	cr_expect_eq(st.st_ninputs, 0);
	cr_expect_eq(st.st_key[15], 0xff);
	statefmt_free(&st);
}

struct damaged {
	const char	*text;
	int		 line;		/* named in the message */
};

static const struct damaged damage[] = {
	{ "", 1 },
	{ "ptrtag-state 2\n", 1 },
	{ "ptrtag-state 1", 1 },
	{ "ptrtag-state 1\nkey 0011\noutput -\nend 0\n", 2 },
	{ "ptrtag-state 1\nkey " KEY "x\noutput -\nend 0\n", 2 },
	{ HEAD "end 0\n", 3 },
	{ HEAD "output 1 2\nend 0\n", 3 },
	{ HEAD "output 1 2 3 4\nend 0\n", 3 },
	{ HEAD "output 01 2 3\nend 0\n", 3 },
	{ HEAD "output -1 2 3\nend 0\n", 3 },
	{ HEAD "output 1  2 3\nend 0\n", 3 },
	{ HEAD "output 18446744073709551616 2 3\nend 0\n", 3 },
	{ HEAD "output -\n", 4 },
	{ HEAD "output -\nend 1\n", 4 },
	{ HEAD "output -\nend 0\nend 0\n", 4 },
	{ HEAD "output -\nend 0", 4 },
	{ HEAD "output -\nend 0\n\n", 4 },
	{ HEAD "output -\nfoo\nend 0\n", 4 },
	{ HEAD "output -\ninput 1 2 3 " FP0 " " FP0 "\nend 1\n", 4 },
	{ HEAD "output -\ninput 1 2 3 4 0000000000000000 " FP0 " a\n"
	    "end 1\n", 4 },
	{ HEAD "output -\ninput 1 2 5000 4097 0000000000000001 " FP0 " a\n"
	    "end 1\n", 4 },
	{ HEAD "output -\ninput 1 2 3 0 0000000000000001 " FP0 " a\nend 1\n",
	    4 },
	{ HEAD "output -\ninput 1 2 3 " FP0 " 4097 0000000000000001 a\n"
	    "end 1\n", 4 },
	{ HEAD "output -\ninput 1 2 3 " FP0 " 0 0000000000000002 a\n"
	    "end 1\n", 4 },
	{ HEAD "output -\ninput 0 0 3 " FP0 " " FP0 " a\nend 1\n", 4 },
	{ HEAD "output -\ninput 0 0 0 " FP0 " 5 0000000000000002 a\n"
	    "end 1\n", 4 },
	{ HEAD "output -\ninput 1 2 3 3 00000000000000zz " FP0 " a\n"
	    "end 1\n", 4 },
	{ HEAD "output -\ninput 1 2 3 " FP0 " " FP0 " a b\nend 1\n", 4 },
	{ HEAD "output -\ninput 1 2 3 " FP0 " " FP0 " a%00b\nend 1\n", 4 },
	{ HEAD "output -\ninput 1 2 3 " FP0 " " FP0 " a%4\nend 1\n", 4 },
	{ HEAD "output -\ninput 1 2 3 " FP0 " " FP0 " a\xff\nend 1\n", 4 },
	{ HEAD "output -\ninput 1 2 3 " FP0 " " FP0 " a\ninput 1 2 3 " FP0
	    " " FP0 " a\nend 2\n", 5 },
	{ HEAD "output -\ninput 1 2 3 " FP0 " " FP0 " a\nend 2\n", 5 },
};

Test(statefmt, damage_is_refused)
{
	const struct damaged	*d;
	struct state		 st;
	char			 err[128], want[32];
	size_t			 i;

	for (i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
		d = &damage[i];
		memset(err, 0, sizeof(err));
		cr_expect_eq(parse(d->text, &st, err, sizeof(err)), -1,
		    "accepted: %s", d->text);
		snprintf(want, sizeof(want), "line %d:", d->line);
		cr_expect_eq(strncmp(err, want, strlen(want)), 0, "%s for %s",
		    err, d->text);
		cr_expect_eq(st.st_ninputs, 0);
		cr_expect_null(st.st_inputs);
	}
}

Test(statefmt, bounds_on_inputs_and_size)
{
	struct state	 st, back;
	char		 err[128], path[32], *text, *big;
	size_t		 len, i;

	memset(&st, 0, sizeof(st));
	for (i = 0; i <= STATE_INPUTS_MAX; i++) {
		snprintf(path, sizeof(path), "/log/%zu", i);
		add(&st, path, 1, i + 1, 0, 0, 0, 0, 0);
	}
	text = statefmt_format(&st, &len);
	cr_expect_eq(statefmt_parse(text, len, &back, err, sizeof(err)), -1);
	cr_expect_not_null(strstr(err, "more than"), "%s", err);
	free(text);
	statefmt_free(&st);

	big = calloc(STATE_FILE_MAX + 2, 1);
	cr_assert_not_null(big);
	memset(big, 'x', STATE_FILE_MAX + 1);
	cr_expect_eq(statefmt_parse(big, STATE_FILE_MAX + 1, &back, err,
	    sizeof(err)), -1);
	cr_expect_not_null(strstr(err, "larger than"), "%s", err);
	free(big);
}
