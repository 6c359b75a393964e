/*
 * test_jsonin: the JSON structure finder of --input json. What jsmn
 * lets through and jsonin must refuse, what it must accept, the limits,
 * duplicate names (decoded), decoding and the PATH lookup.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "jsonin.h"

static enum jsonin_status
parse(struct jsonin *j, const char *s)
{
	return jsonin_parse(j, s, strlen(s));
}

Test(jsonin, accepts_objects)
{
	static const char	*ok[] = {
		"{}", " {} ", "\t{ }\r", "{\"a\":1}", "{\"a\":-0.5e+10}",
		"{\"a\":[1,2,{\"b\":null}],\"c\":true,\"d\":false}",
		"{\"a\":\"\\u00e9\\ud83d\\ude00\\n\\\"\\\\\\/\"}",
		"{\"a\":\"caf\xc3\xa9\"}", "{\"a\":[]}", "{\"a\":{}}",
		"{\"a\" : 0 , \"b\" :\"x\" }", "{\"a\":1E5,\"b\":0.0}",
	};
	struct jsonin	*j = jsonin_create();
	size_t		 i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		cr_expect_eq(parse(j, ok[i]), JSONIN_OK, "%s", ok[i]);
	jsonin_free(j);
}

/* Each is accepted by jsmn 1.1.0 in strict mode, or is not an object. */
Test(jsonin, refuses_what_jsmn_lets_through)
{
	static const char	*bad[] = {
		"{\"a\":1,}", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "{\"a\"}",
		"{,\"a\":1}", "{\"a\":1,,\"b\":2}", "{\"a\":[1,]}",
		"{\"a\":[1 2]}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":01}",
		"{\"a\":1.}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":.5}",
		"{\"a\":+1}", "{\"a\":1.2.3}", "{\"a\":\"\x01\"}",
		"{\"a\":\"\t\"}", "{\"a\":\"\\x41\"}", "{\"a\":\"\\u12\"}",
		"{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}",
		"{\"a\":\"\\ud800\\u0041\"}", "{\"a\":\"\xc3\"}",
		"{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}",
		"{\"a\":\"\xff\"}", "{}{}", "{} 1", "{\"a\":1}x",
		"{\"a\":1::2}", "{\"a\":1:2}", "{\"a\":true false}",
	};
	struct jsonin	*j = jsonin_create();
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_neq(parse(j, bad[i]), JSONIN_OK, "%s", bad[i]);
	jsonin_free(j);
}

Test(jsonin, not_objects)
{
	static const char	*no[] = {
		"", "   ", "[1]", "\"a\"", "1", "null",
		"Dec  6 02:00:00 host sshd[1]: Accepted from 192.0.2.1",
	};
	struct jsonin	*j = jsonin_create();
	size_t		 i;

	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		cr_expect_neq(parse(j, no[i]), JSONIN_OK, "%s", no[i]);
	cr_expect_eq(parse(j, "[1]"), JSONIN_NOT_OBJECT);
	jsonin_free(j);
}

Test(jsonin, nul_byte_refused)
{
	struct jsonin	*j = jsonin_create();

	cr_expect_neq(jsonin_parse(j, "{\"a\":\"x\0y\"}", 11), JSONIN_OK);
	cr_expect_neq(jsonin_parse(j, "{\"a\":1}\0", 8), JSONIN_OK);
	cr_expect_eq(jsonin_parse(j, "{\"a\":1}\0", 7), JSONIN_OK);
	jsonin_free(j);
}

/*
 * check_string() skips 8 plain bytes at a time (jsonin.c): a byte that
 * needs a look must be found in every lane of the word and in the tail
 * after the last whole word. Each is put at every offset of a 23-byte
 * string of 'a': refused alone, or accepted with what makes it whole.
 */
Test(jsonin, string_bytes_found_at_every_offset)
{
	static const struct {
		const char	*b;	/* the bytes put in */
		size_t		 n;
		int		 ok;
	} cases[] = {
		{ "\x01", 1, 0 }, { "\x1f", 1, 0 }, { "\x80", 1, 0 },
		{ "\xc3", 1, 0 }, { "\xff", 1, 0 }, { "\\q", 2, 0 },
		{ "\\", 1, 0 }, { "\x7f", 1, 1 }, { " ", 1, 1 },
		{ "\xc3\xa9", 2, 1 }, { "\xe2\x82\xac", 3, 1 },
		{ "\\n", 2, 1 }, { "\\u00e9", 6, 1 }, { "\\\"", 2, 1 },
	};
	struct jsonin	*j = jsonin_create();
	char		 buf[64], str[32];
	size_t		 c, off, len, n;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		n = cases[c].n;
		for (off = 0; off + n <= 23; off++) {
			memset(str, 'a', 23);
			memcpy(str + off, cases[c].b, n);
			len = (size_t)snprintf(buf, sizeof(buf), "{\"k\":\"%.23s\"}",
			    str);
			cr_expect_eq(jsonin_parse(j, buf, len) == JSONIN_OK,
			    cases[c].ok, "case %zu at offset %zu", c, off);
		}
	}
	jsonin_free(j);
}

Test(jsonin, duplicates_decoded)
{
	struct jsonin	*j = jsonin_create();

	cr_expect_eq(parse(j, "{\"a\":1,\"a\":2}"), JSONIN_DUPLICATE);
	cr_expect_eq(parse(j, "{\"a\":1,\"\\u0061\":2}"), JSONIN_DUPLICATE);
	cr_expect_eq(parse(j, "{\"x\":{\"b\":1,\"b\":1}}"), JSONIN_DUPLICATE);
	cr_expect_eq(parse(j, "{\"a\":{\"a\":1},\"b\":{\"a\":2}}"), JSONIN_OK);
	cr_expect_eq(parse(j, "{\"a.b\":1,\"a\":{\"b\":2}}"), JSONIN_OK);
	jsonin_free(j);
}

/* Objects with n members named k0.., at most JSONIN_TOKENS_MAX tokens. */
static char *
wide(size_t n)
{
	char	*s = malloc(n * 16 + 8);
	size_t	 i, off = 0;

	s[off++] = '{';
	for (i = 0; i < n; i++)
		off += (size_t)sprintf(s + off, "%s\"k%zu\":%zu", i ? "," : "",
		    i, i);
	s[off++] = '}';
	s[off] = '\0';
	return s;
}

/* {"a":[[...]]} nested depth deep (the root object is depth 1). */
static size_t
nest(char *s, size_t depth)
{
	size_t	i, off = 0;

	memcpy(s, "{\"a\":", 5);
	off = 5;
	for (i = 1; i < depth; i++)
		s[off++] = '[';
	if (depth == 1)
		s[off++] = '0';
	for (i = 1; i < depth; i++)
		s[off++] = ']';
	s[off++] = '}';
	return off;
}

Test(jsonin, limits)
{
	struct jsonin	*j = jsonin_create();
	char		 deep[2 * JSONIN_DEPTH_MAX + 16], *w;
	size_t		 n;

	n = nest(deep, JSONIN_DEPTH_MAX);
	cr_expect_eq(jsonin_parse(j, deep, n), JSONIN_OK, "%.*s", (int)n,
	    deep);
	n = nest(deep, JSONIN_DEPTH_MAX + 1);
	cr_expect_eq(jsonin_parse(j, deep, n), JSONIN_TOO_DEEP, "%.*s",
	    (int)n, deep);
	w = wide((JSONIN_TOKENS_MAX - 1) / 2);
	cr_expect_eq(parse(j, w), JSONIN_OK);
	free(w);
	w = wide(JSONIN_TOKENS_MAX / 2);
	cr_expect_eq(parse(j, w), JSONIN_TOO_MANY);
	free(w);
	jsonin_free(j);
}

Test(jsonin, spans_and_children)
{
	const char	*s = " {\"a\": [1, \"x\"], \"b\" :{}}";
	struct jsonin	*j = jsonin_create();
	int		 a, e;

	cr_assert_eq(parse(j, s), JSONIN_OK);
	cr_expect_eq(jsonin_start(j, 0), 1);
	cr_expect_eq(jsonin_end(j, 0), strlen(s));
	cr_expect_eq(jsonin_size(j, 0), 2);
	a = jsonin_member(j, 0, "a", 1);
	cr_assert_neq(a, -1);
	cr_expect_eq(jsonin_type(j, a), JSONIN_ARRAY);
	cr_expect_eq(jsonin_size(j, a), 2);
	e = jsonin_child(j, a);
	cr_expect_eq(jsonin_type(j, e), JSONIN_LITERAL);
	e = jsonin_next(j, e);
	cr_expect_eq(jsonin_type(j, e), JSONIN_STRING);
	cr_expect_eq(jsonin_start(j, e), 11);
	cr_expect_eq(jsonin_end(j, e), 14);
	cr_expect_eq(jsonin_next(j, e), -1);
	cr_expect_eq(jsonin_type(j, jsonin_member(j, 0, "b", 1)),
	    JSONIN_OBJECT);
	cr_expect_eq(jsonin_member(j, 0, "c", 1), -1);
	cr_expect_eq(jsonin_next(j, jsonin_next(j, jsonin_child(j, 0))), -1);
	jsonin_free(j);
}

Test(jsonin, decode_and_raw_offsets)
{
	const char	*s = "{\"m\":\"a\\tb\\u00e9\\ud83d\\ude00 192.0.2.1\"}";
	struct jsonin	*j = jsonin_create();
	char		 out[64];
	size_t		 n;
	int		 m;

	cr_assert_eq(parse(j, s), JSONIN_OK);
	m = jsonin_member(j, 0, "m", 1);
	n = jsonin_string(j, m, out);
	cr_assert_eq(n, 19);
	cr_expect_eq(memcmp(out, "a\tb\xc3\xa9\xf0\x9f\x98\x80 192.0.2.1",
	    n), 0);
	cr_expect_eq(jsonin_raw_offset(j, m, 0), 6);
	cr_expect_eq(jsonin_raw_offset(j, m, 1), 7);	/* the \t */
	cr_expect_eq(jsonin_raw_offset(j, m, 4), 10);	/* inside \u00e9 */
	cr_expect_eq(jsonin_raw_offset(j, m, 9), 28);	/* ' ' */
	cr_expect_eq(jsonin_raw_offset(j, m, 10), 29);
	cr_expect_eq(jsonin_raw_offset(j, m, n), strlen(s) - 2);
	cr_expect(jsonin_str_eq(j, m, out, n));
	cr_expect(!jsonin_str_eq(j, m, out, n - 1));
	jsonin_free(j);
}

Test(jsonin, paths_nested_flat_and_mixed)
{
	const char	*s = "{\"source\":{\"ip\":\"1\",\"x.ip\":\"2\"},"
	    "\"source.ip\":\"3\",\"a.b\":{\"c\":\"4\"},\"s\\u006furce\":5,"
	    "\"arr\":[{\"ip\":6}],\"sourceip\":7}";
	struct jsonin		*j = jsonin_create();
	struct jsonin_hit	 h[8];
	size_t			 n;

	cr_assert_eq(parse(j, s), JSONIN_DUPLICATE);
	s = "{\"source\":{\"ip\":\"1\",\"x.ip\":\"2\"},"
	    "\"source.ip\":\"3\",\"a.b\":{\"c\":\"4\"},"
	    "\"arr\":[{\"ip\":6}],\"sourceip\":7}";
	cr_assert_eq(parse(j, s), JSONIN_OK);
	n = jsonin_find(j, "source.ip", 9, h, 8);
	cr_assert_eq(n, 2);
	cr_expect_eq(h[0].jh_keyoff, 7);
	cr_expect_eq(h[0].jh_obj, jsonin_member(j, 0, "source", 6));
	cr_expect_eq(h[1].jh_keyoff, 0);
	cr_expect_eq(h[1].jh_obj, 0);
	cr_expect_eq(jsonin_find(j, "source.x.ip", 11, h, 8), 1);
	cr_expect_eq(jsonin_find(j, "a.b.c", 5, h, 8), 1);
	cr_expect_eq(jsonin_find(j, "a", 1, h, 8), 0);
	cr_expect_eq(jsonin_find(j, "arr.ip", 6, h, 8), 0);
	cr_expect_eq(jsonin_find(j, "source.ip", 9, h, 1), 1);
	jsonin_free(j);
}

/* The same bytes again are not parsed again, wherever they are. */
Test(jsonin, same_bytes_again)
{
	struct jsonin	*j = jsonin_create();
	char		 a[] = "{\"a\":\"1\"}", b[] = "{\"a\":\"\x01\"}";
	char		 c[sizeof(a) + 3];
	int		 v;

	cr_expect_eq(parse(j, a), JSONIN_OK);
	cr_expect_eq(parse(j, b), JSONIN_INVALID);
	cr_expect_eq(parse(j, b), JSONIN_INVALID);
	memcpy(c + 3, a, sizeof(a));
	cr_assert_eq(parse(j, c + 3), JSONIN_OK);
	v = jsonin_member(j, 0, "a", 1);
	cr_assert_neq(v, -1);
	cr_expect(jsonin_str_eq(j, v, "1", 1));
	c[3 + 6] = '2';
	cr_assert_eq(parse(j, c + 3), JSONIN_OK);
	cr_expect(jsonin_str_eq(j, jsonin_member(j, 0, "a", 1), "2", 1));
	cr_expect_eq(parse(j, ""), JSONIN_NOT_OBJECT);
	cr_expect_eq(parse(j, ""), JSONIN_NOT_OBJECT);
	jsonin_free(j);
}
