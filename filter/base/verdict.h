/*
 * verdict: the fixed vocabulary of ptrtag.1, VERDICTS, and its words.
 */
#ifndef VERDICT_H
#define VERDICT_H

enum verdict {
	VERDICT_PENDING = 0,	/* lookups still running */
	VERDICT_PASS,
	VERDICT_FAIL,
	VERDICT_NONE,
	VERDICT_TEMPERROR,
	VERDICT_PERMERROR,
	VERDICT_TIMEOUT,
	VERDICT_SKIPPED,
};
#define VERDICT_COUNT	(VERDICT_SKIPPED + 1)

/* The man page's word for v ("pass", ...); "timeout" for VERDICT_PENDING. */
const char	*verdict_name(enum verdict v);

#endif /* VERDICT_H */
