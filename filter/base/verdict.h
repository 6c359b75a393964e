/*
 * verdict: the fixed vocabulary of ptrtag.1, VERDICTS, as one table.
 *
 * VERDICTS() below is the only list of verdicts. The enum, the words
 * (output, --cache-file, the --stats keys "verdict_WORD"), the --help
 * lines and the cache-file rules are all generated from it or read it,
 * so adding a verdict is one line here plus the decision that produces
 * it (HACKING.md, "Adding a verdict"). The man page and the README must
 * list every word: tests/integration/test_verdicts.py checks that.
 *
 * Invariant: VERDICT_PENDING is 0, so a zeroed entry is unsettled; it is
 * not a verdict of the man page and is reported as "timeout".
 */
#ifndef VERDICT_H
#define VERDICT_H

/*
 * What a --cache-file entry of the verdict holds (ptrtag.1, FILES): a
 * host (VH_HOST), none (VH_NOHOST), either (VH_ANY), or the verdict is
 * never cached (VH_NEVER: never saved, dropped when loaded).
 */
enum verdict_host {
	VH_NEVER,
	VH_HOST,
	VH_NOHOST,
	VH_ANY,
};

/*
 * The TTL option that bounds how long a loaded entry stays cached:
 * --max-ttl, --neg-ttl, --err-ttl, or the larger of --err-ttl and
 * --max-ttl (ptrtag.1, OPTIONS).
 */
enum verdict_ttl {
	VT_MAX,
	VT_NEG,
	VT_ERR,
	VT_ERR_OR_MAX,
};

/* X(NAME, word, host rule, TTL bound, --help text): ptrtag.1 order. */
#define VERDICTS(X)							\
	X(PASS, "pass", VH_HOST, VT_MAX,				\
	    "a PTR name resolves back to the address")			\
	X(FAIL, "fail", VH_HOST, VT_MAX,				\
	    "PTR names exist, none resolves back")			\
	X(NONE, "none", VH_NOHOST, VT_NEG,				\
	    "no PTR record (NXDOMAIN or NODATA)")			\
	X(TEMPERROR, "temperror", VH_ANY, VT_ERR,			\
	    "DNS failed transiently (timeout, SERVFAIL, ...)")		\
	X(PERMERROR, "permerror", VH_NOHOST, VT_ERR_OR_MAX,		\
	    "the PTR answer is unusable")				\
	X(TIMEOUT, "timeout", VH_NEVER, VT_MAX,				\
	    "the line's --max-delay ran out first")			\
	X(SKIPPED, "skipped", VH_NEVER, VT_MAX,				\
	    "not looked up: --max-qps or back-off shed it")

enum verdict {
	VERDICT_PENDING = 0,	/* lookups still running */
#define VERDICT_ENUM(name, word, host, ttl, help)	VERDICT_##name,
	VERDICTS(VERDICT_ENUM)
#undef VERDICT_ENUM
	VERDICT_COUNT
};
/* The verdicts of the man page: VERDICT_FIRST .. VERDICT_COUNT - 1. */
#define VERDICT_FIRST	VERDICT_PASS

struct verdict_info {
	const char		*vi_word;
	enum verdict_host	 vi_host;
	enum verdict_ttl	 vi_ttl;
	const char		*vi_help;	/* one --help line */
};

/* Indexed by enum verdict; VERDICT_PENDING reads as "timeout". */
extern const struct verdict_info verdict_table[VERDICT_COUNT];

/* The man page's word for v ("pass", ...); "timeout" for VERDICT_PENDING. */
const char	*verdict_name(enum verdict v);

/*
 * The verdict whose word is word (one of the man page's, never
 * VERDICT_PENDING): 0 with *v set, or -1.
 */
int		 verdict_parse(const char *word, enum verdict *v);

#endif /* VERDICT_H */
