/*
 * verdict: see verdict.h.
 */
#include <string.h>

#include "verdict.h"

const struct verdict_info verdict_table[VERDICT_COUNT] = {
	[VERDICT_PENDING] = { "timeout", VH_NEVER, VT_MAX, NULL },
#define VERDICT_ROW(name, word, host, ttl, help)			\
	[VERDICT_##name] = { word, host, ttl, help },
	VERDICTS(VERDICT_ROW)
#undef VERDICT_ROW
};

const char *
verdict_name(enum verdict v)
{
	if ((unsigned int)v >= VERDICT_COUNT)
		return "timeout";
	return verdict_table[v].vi_word;
}

int
verdict_parse(const char *word, enum verdict *v)
{
	int	i;

	for (i = VERDICT_FIRST; i < VERDICT_COUNT; i++)
		if (strcmp(word, verdict_table[i].vi_word) == 0) {
			*v = (enum verdict)i;
			return 0;
		}
	return -1;
}
