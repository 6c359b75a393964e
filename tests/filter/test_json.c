/*
 * json: the JSON string encoder (filter/format/json.h): escapes, valid
 * UTF-8 kept, each byte of an invalid sequence one U+FFFD.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "fmttest.h"
#include "json.h"

TestSuite(json, .init = ft_setup, .fini = ft_teardown);

struct json_case {
	const char	*in;
	const char	*out;
	int		 lossy;
};

Test(json, strings)
{
	static const struct json_case cases[] = {
		{ "", "\"\"", 0 },
		{ "plain", "\"plain\"", 0 },
		{ "q\"b\\", "\"q\\\"b\\\\\"", 0 },
		{ "\x1f\n", "\"\\u001f\\u000a\"", 0 },
		{ "\x7f", "\"\x7f\"", 0 },
		{ "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
		    "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"", 0 },
		{ "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"", 1 },
		{ "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
		    1 },
		{ "\xf4\x90\x80\x80x", "\"\xef\xbf\xbd\xef\xbf\xbd"
		    "\xef\xbf\xbd\xef\xbf\xbdx\"", 1 },
		{ "\xe2\x82", "\"\xef\xbf\xbd\xef\xbf\xbd\"", 1 },
	};
	size_t	i;
	int	lossy;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ft_teardown();
		ft_setup();
		lossy = json_string(&ft_ob, cases[i].in, strlen(cases[i].in));
		cr_expect_eq(lossy, cases[i].lossy, "case %zu", i);
		ft_expect(cases[i].out);
	}
}

Test(json, nul_byte_is_escaped)
{
	cr_expect_eq(json_string(&ft_ob, "a\0b", 3), 0);
	ft_expect("\"a\\u0000b\"");
}
