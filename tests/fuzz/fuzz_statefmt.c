/*
 * fuzz_statefmt: the --state file parser (filter/stream/statefmt.c) on
 * hostile text.
 *
 * The input is the whole file. When it parses: every field keeps the
 * bounds of statefmt.h (a fingerprint covers at most STATE_FP_MAX bytes
 * and no more than the offset, none of no bytes, an offset needs a file,
 * paths are unique, non-empty and without NUL), at most
 * STATE_INPUTS_MAX inputs; and what statefmt_format() writes of it
 * parses back to the same state and is written again byte for byte the
 * same. When it does not parse, the state holds nothing and the message
 * names a line. The parser gets an exact-size heap copy, so that ASan
 * sees any read past the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "statefmt.h"

#include "fuzzcheck.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_pos(const struct state_pos *p)
{
	FZ_CHECK(p->sp_fplen <= STATE_FP_MAX && p->sp_fplen <= p->sp_off);
	FZ_CHECK(p->sp_hlen <= STATE_FP_MAX);
	FZ_CHECK(p->sp_fplen > 0 || p->sp_fp == 0);
	FZ_CHECK(p->sp_hlen > 0 || p->sp_hfp == 0);
	FZ_CHECK(p->sp_dev != 0 || p->sp_ino != 0 ||
	    (p->sp_off == 0 && p->sp_hlen == 0));
}

static int
same(const struct state *a, const struct state *b)
{
	size_t	i;

	if (memcmp(a->st_key, b->st_key, STATE_KEYLEN) != 0 ||
	    a->st_has_output != b->st_has_output ||
	    a->st_out_dev != b->st_out_dev || a->st_out_ino != b->st_out_ino ||
	    a->st_out_size != b->st_out_size || a->st_ninputs != b->st_ninputs)
		return 0;
	for (i = 0; i < a->st_ninputs; i++) {
		const struct state_pos *p = &a->st_inputs[i].si_pos;
		const struct state_pos *q = &b->st_inputs[i].si_pos;

		if (strcmp(a->st_inputs[i].si_path, b->st_inputs[i].si_path) ||
		    p->sp_dev != q->sp_dev || p->sp_ino != q->sp_ino ||
		    p->sp_off != q->sp_off || p->sp_fplen != q->sp_fplen ||
		    p->sp_fp != q->sp_fp || p->sp_hlen != q->sp_hlen ||
		    p->sp_hfp != q->sp_hfp)
			return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state	 st, back;
	char		 err[256], *copy, *text, *again;
	size_t		 len, len2, i, j;

	copy = fz_copy(data, size);
	if (statefmt_parse(copy, size, &st, err, sizeof(err)) == -1) {
		FZ_CHECK(st.st_ninputs == 0 && st.st_inputs == NULL);
		FZ_CHECK(strncmp(err, "line ", 5) == 0 ||
		    strncmp(err, "larger than", 11) == 0);
		free(copy);
		return 0;
	}
	free(copy);
	FZ_CHECK(st.st_ninputs <= STATE_INPUTS_MAX);
	for (i = 0; i < st.st_ninputs; i++) {
		FZ_CHECK(st.st_inputs[i].si_path[0] != '\0');
		check_pos(&st.st_inputs[i].si_pos);
		for (j = 0; j < i; j++)
			FZ_CHECK(strcmp(st.st_inputs[i].si_path,
			    st.st_inputs[j].si_path) != 0);
	}
	text = statefmt_format(&st, &len);
	FZ_CHECK(statefmt_parse(text, len, &back, err, sizeof(err)) == 0);
	FZ_CHECK(same(&st, &back));
	again = statefmt_format(&back, &len2);
	FZ_CHECK(len2 == len && memcmp(again, text, len) == 0);
	free(text);
	free(again);
	statefmt_free(&st);
	statefmt_free(&back);
	return 0;
}
