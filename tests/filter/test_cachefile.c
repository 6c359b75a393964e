/*
 * Unit tests for the --cache-file (filter/stream/cachefile.c and
 * cachefile_load.c; ptrtag.1, FILES) in a temporary directory: what a
 * save writes and a load reads back, a damaged file ignored whole,
 * entries no lookup could make dropped, expiry clamped to the TTL
 * options, the --cache-size bound, and files refused at open. A process
 * names one cache file (cachefile.h), so each test opens one, and the
 * round trip saves from a child process.
 */

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "cachefile.h"
#include "config.h"
#include "resolver.h"
#include "stats.h"
#include "util.h"

#define MAX_TTL		1000
#define NEG_TTL		100
#define ERR_TTL		50
#define NSEEN		16

/* One entry rsv_foreach() visited. */
struct seen {
	char		 s_addr[IPADDR_STRMAX];
	enum verdict	 s_verdict;
	char		 s_host[256];	/* "-": none */
	uint64_t	 s_left_ms;	/* expiry minus now */
};

static char		 dir[] = "/tmp/test_cachefile.XXXXXX";
static char		 path[64];
static struct config	 cfg;
static struct stats	 st;
static struct rsv	*rsv;
static struct seen	 seen[NSEEN];
static size_t		 nseen;

static void
setup(void)
{
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/cache", dir);
	memset(&cfg, 0, sizeof(cfg));
	cfg.cf_servers = "127.0.0.1:9";	/* never asked */
	cfg.cf_timeout_ms = 200;
	cfg.cf_tries = 1;
	cfg.cf_max_inflight = 4;
	cfg.cf_max_names = CFG_MAX_NAMES;
	cfg.cf_cache_size = 8;
	cfg.cf_min_ttl = 0;
	cfg.cf_max_ttl = MAX_TTL;
	cfg.cf_neg_ttl = NEG_TTL;
	cfg.cf_err_ttl = ERR_TTL;
	cfg.cf_cache_file = path;
}

static void
teardown(void)
{
	char	cmd[128];

	rsv_destroy(rsv);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)system(cmd);
}

TestSuite(cachefile, .init = setup, .fini = teardown);

static void
new_rsv(void)
{
	char	err[256];

	rsv = rsv_create(&cfg, &st, err, sizeof(err));
	cr_assert_not_null(rsv, "rsv_create: %s", err);
}

/* Write text as the cache file, mode 0600. */
static void
write_file(const char *text)
{
	FILE	*fp;
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	cr_assert_not_null(fp = fdopen(fd, "w"));
	fputs(text, fp);
	cr_assert_eq(fclose(fp), 0);
}

static void
collect(const struct dnsent *de, uint64_t expires_ms, void *arg)
{
	struct seen	*s;

	(void)arg;
	cr_assert_lt(nseen, NSEEN);
	s = &seen[nseen++];
	ipaddr_ntop(&de->de_addr, s->s_addr, sizeof(s->s_addr));
	s->s_verdict = (enum verdict)de->de_verdict;
	snprintf(s->s_host, sizeof(s->s_host), "%s",
	    de->de_host != NULL ? de->de_host : "-");
	s->s_left_ms = expires_ms - now_ms();
}

/* Open and load the file into a new resolver; the entries, MRU first. */
static size_t
load(void)
{
	char	err[256];
	size_t	n;

	cr_assert_eq(cachefile_open(&cfg, err, sizeof(err)), 0, "%s", err);
	new_rsv();
	n = cachefile_load(rsv);
	nseen = 0;
	rsv_foreach(rsv, collect, NULL);
	cr_expect_eq(nseen, n, "loaded %zu, cached %zu", n, nseen);
	return nseen;
}

static void
expect_entry(size_t i, const char *addr, enum verdict v, const char *host,
    uint32_t left_s)
{
	cr_assert_lt(i, nseen);
	cr_expect_str_eq(seen[i].s_addr, addr);
	cr_expect_eq(seen[i].s_verdict, v, "%s: %s", addr,
	    verdict_name(seen[i].s_verdict));
	cr_expect_str_eq(seen[i].s_host, host);
	/* Whole seconds in the file: up to 1 s lost, plus the test's time. */
	cr_expect_leq(seen[i].s_left_ms, (uint64_t)left_s * 1000, "%s: %ju",
	    addr, (uintmax_t)seen[i].s_left_ms);
	cr_expect_geq(seen[i].s_left_ms + 2000, (uint64_t)left_s * 1000,
	    "%s: %ju", addr, (uintmax_t)seen[i].s_left_ms);
}

/* One entry line of a file the test writes: EXPIRES is now + off s. */
struct entry {
	const char	*e_addr;
	const char	*e_word;
	long long	 e_off;
	const char	*e_host;
};

/* The header, the lines of e[0..n), and the end line. */
static void
write_entries(const struct entry *e, size_t n)
{
	char		 text[4096], line[512];
	long long	 wall = (long long)time(NULL);
	size_t		 i;

	snprintf(text, sizeof(text), "ptrtag-cache 1\n");
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "%s %s %lld %s\n", e[i].e_addr,
		    e[i].e_word, wall + e[i].e_off, e[i].e_host);
		strlcat(text, line, sizeof(text));
	}
	snprintf(line, sizeof(line), "end %zu\n", n);
	strlcat(text, line, sizeof(text));
	write_file(text);
}

#define NENTRIES(e)	(e), sizeof(e) / sizeof((e)[0])

/* Child: open (no file yet), preload, save; exits 0 when all went well. */
static void
save_child(void)
{
	struct ipaddr	 ia[4];
	const char	*texts[] = { "192.0.2.1", "2001:db8::2", "192.0.2.3",
			    "192.0.2.4" };
	char		 err[256];
	uint64_t	 t = now_ms();
	size_t		 i;

	for (i = 0; i < 4; i++)
		if (ipaddr_parse(texts[i], strlen(texts[i]), &ia[i]) == -1)
			_exit(10);
	if (cachefile_open(&cfg, err, sizeof(err)) == -1 ||
	    (rsv = rsv_create(&cfg, &st, err, sizeof(err))) == NULL ||
	    cachefile_load(rsv) != 0)
		_exit(11);
	if (rsv_preload(rsv, &ia[0], VERDICT_PASS, "mail.example.com",
	    t + 500000) == -1 ||
	    rsv_preload(rsv, &ia[1], VERDICT_NONE, NULL, t + 60000) == -1 ||
	    rsv_preload(rsv, &ia[2], VERDICT_SKIPPED, NULL, t + 60000) == -1 ||
	    rsv_preload(rsv, &ia[3], VERDICT_TEMPERROR, NULL, t + 40000) == -1)
		_exit(12);
	_exit(cachefile_save(rsv, path) == 0 ? 0 : 13);
}

/* The next entry line of fp: want (without EXPIRES), EXPIRES +- 1 s. */
static void
expect_line(FILE *fp, const char *want, long long expires)
{
	char		 line[512], addr[64], word[16], host[256], rest[512];
	long long	 e;

	cr_assert_not_null(fgets(line, sizeof(line), fp), "want %s", want);
	cr_assert_eq(sscanf(line, "%63s %15s %lld %255s", addr, word, &e,
	    host), 4, "line %s", line);
	snprintf(rest, sizeof(rest), "%s %s %s", addr, word, host);
	cr_expect_str_eq(rest, want);
	cr_expect(e >= expires - 1 && e <= expires + 1, "%s: expires %lld, "
	    "not %lld", want, e, expires);
}

Test(cachefile, save_then_load)
{
	char		 line[512];
	long long	 wall = (long long)time(NULL);
	FILE		*fp;
	pid_t		 pid;
	int		 status;

	cr_assert_neq(pid = fork(), -1);
	if (pid == 0)
		save_child();
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "save failed: status %d", status);
	cr_assert_not_null(fp = fopen(path, "r"));
	cr_assert_not_null(fgets(line, sizeof(line), fp));
	cr_expect_str_eq(line, "ptrtag-cache 1\n");
	/* Least recently used first; skipped is never saved. */
	expect_line(fp, "192.0.2.1 pass mail.example.com", wall + 500);
	expect_line(fp, "2001:db8::2 none -", wall + 60);
	expect_line(fp, "192.0.2.4 temperror -", wall + 40);
	cr_assert_not_null(fgets(line, sizeof(line), fp));
	cr_expect_str_eq(line, "end 3\n");
	cr_expect_null(fgets(line, sizeof(line), fp), "more: %s", line);
	fclose(fp);

	cr_assert_eq(load(), 3);
	expect_entry(0, "192.0.2.4", VERDICT_TEMPERROR, "-", 40);
	expect_entry(1, "2001:db8::2", VERDICT_NONE, "-", 60);
	expect_entry(2, "192.0.2.1", VERDICT_PASS, "mail.example.com", 500);
}

/*
 * Child: save one entry of the longest kind ptrtag writes, an IPv6
 * address of 39 characters with a host of 253, expiring in 1000 s.
 */
static void
save_longest_child(const char *host)
{
	struct ipaddr	 ia;
	const char	*text = "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff";
	char		 err[256];

	if (ipaddr_parse(text, strlen(text), &ia) == -1 ||
	    cachefile_open(&cfg, err, sizeof(err)) == -1 ||
	    (rsv = rsv_create(&cfg, &st, err, sizeof(err))) == NULL ||
	    cachefile_load(rsv) != 0 ||
	    rsv_preload(rsv, &ia, VERDICT_PASS, host, now_ms() + 1000000) == -1)
		_exit(10);
	_exit(cachefile_save(rsv, path) == 0 ? 0 : 11);
}

/*
 * The line is written byte for byte, however long: fails if the hand
 * formatting of cachefile.c cuts a field, or runs the fields together.
 */
Test(cachefile, longest_line_saved_whole)
{
	char		 host[254], want[512], line[512];
	long long	 wall = (long long)time(NULL) + 1000;
	FILE		*fp;
	pid_t		 pid;
	int		 status, i, hit = 0;

	/* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 characters */
	memset(host, 'a', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	host[63] = host[127] = host[191] = '.';
	cr_assert_neq(pid = fork(), -1);
	if (pid == 0)
		save_longest_child(host);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "save failed: status %d", status);
	cr_assert_not_null(fp = fopen(path, "r"));
	cr_assert_not_null(fgets(line, sizeof(line), fp));
	cr_assert_not_null(fgets(line, sizeof(line), fp));
	for (i = -1; i <= 1; i++) {
		snprintf(want, sizeof(want), "2001:db8:ffff:ffff:ffff:ffff:"
		    "ffff:ffff pass %lld %s\n", wall + i, host);
		hit |= strcmp(line, want) == 0;
	}
	cr_expect(hit, "line %s", line);
	cr_assert_not_null(fgets(line, sizeof(line), fp));
	cr_expect_str_eq(line, "end 1\n");
	fclose(fp);
}

Test(cachefile, no_file_loads_nothing)
{
	cr_expect_eq(load(), 0);
	cr_expect_eq(access(path, F_OK), -1, "a file was left behind");
}

/* Each past its limit: clamped to the TTL option of its verdict. */
Test(cachefile, expiry_clamped)
{
	static const struct entry e[] = {
		{ "192.0.2.1", "pass", 100000, "a.example" },
		{ "192.0.2.2", "fail", 100000, "b.example" },
		{ "192.0.2.3", "none", 100000, "-" },
		{ "192.0.2.4", "temperror", 100000, "-" },
		{ "192.0.2.5", "permerror", 100000, "-" },
		{ "192.0.2.6", "pass", 300, "c.example" },
		{ "192.0.2.7", "none", -1, "-" },
	};

	write_entries(NENTRIES(e));
	cr_assert_eq(load(), 6, "the expired entry loaded");
	expect_entry(0, "192.0.2.6", VERDICT_PASS, "c.example", 300);
	expect_entry(1, "192.0.2.5", VERDICT_PERMERROR, "-", MAX_TTL);
	expect_entry(2, "192.0.2.4", VERDICT_TEMPERROR, "-", ERR_TTL);
	expect_entry(3, "192.0.2.3", VERDICT_NONE, "-", NEG_TTL);
	expect_entry(4, "192.0.2.2", VERDICT_FAIL, "b.example", MAX_TTL);
	expect_entry(5, "192.0.2.1", VERDICT_PASS, "a.example", MAX_TTL);
}

/* permerror stays the larger of --err-ttl and --max-ttl. */
Test(cachefile, permerror_err_ttl_above_max)
{
	static const struct entry e[] = {
		{ "192.0.2.5", "permerror", 100000, "-" },
	};

	cfg.cf_err_ttl = 2 * MAX_TTL;
	write_entries(NENTRIES(e));
	cr_assert_eq(load(), 1);
	expect_entry(0, "192.0.2.5", VERDICT_PERMERROR, "-", 2 * MAX_TTL);
}

/* Entries no lookup could make are dropped; the rest load. */
Test(cachefile, inconsistent_dropped)
{
	static const struct entry e[] = {
		{ "192.0.2.1", "pass", 60, "-" },
		{ "192.0.2.2", "none", 60, "host.example" },
		{ "192.0.2.3", "timeout", 60, "-" },
		{ "192.0.2.4", "skipped", 60, "-" },
		{ "192.0.2.5", "fail", 60, "bad_host..example" },
		{ "192.0.2.6", "permerror", 60, "p.example" },
		{ "192.0.2.7", "temperror", 30, "t.example" },
		{ "192.0.2.8", "fail", 60, "f.example" },
	};

	write_entries(NENTRIES(e));
	cr_assert_eq(load(), 2);
	expect_entry(0, "192.0.2.8", VERDICT_FAIL, "f.example", 60);
	expect_entry(1, "192.0.2.7", VERDICT_TEMPERROR, "t.example", 30);
}

/*
 * A verdict word the table does not know is a line that cannot be
 * parsed: the whole file is ignored (ptrtag.1, FILES), not the entry.
 */
Test(cachefile, unknown_verdict_ignores_file)
{
	static const struct entry e[] = {
		{ "192.0.2.1", "pass", 60, "a.example" },
		{ "192.0.2.2", "maybe", 60, "b.example" },
	};

	write_entries(NENTRIES(e));
	cr_expect_eq(load(), 0);
}

Test(cachefile, corrupt_files_ignored)
{
	write_file("ptrtag-cache 1\n192.0.2.1 pass 99999999999 a.example\n"
	    "end 2\n");
	cr_expect_eq(load(), 0, "wrong end count");
}

Test(cachefile, truncated_file_ignored)
{
	write_file("ptrtag-cache 1\n192.0.2.1 pass 99999999999 a.example\n");
	cr_expect_eq(load(), 0, "no end line");
}

Test(cachefile, other_version_ignored)
{
	write_file("ptrtag-cache 2\n192.0.2.1 pass 99999999999 a.example\n"
	    "end 1\n");
	cr_expect_eq(load(), 0);
}

Test(cachefile, garbage_line_ignores_file)
{
	write_file("ptrtag-cache 1\n192.0.2.1 pass 99999999999 a.example\n"
	    "192.0.2.2 pass\nend 2\n");
	cr_expect_eq(load(), 0);
}

/* At most --cache-size entries, the most recently used ones. */
Test(cachefile, cache_size_keeps_the_last)
{
	static const struct entry e[] = {
		{ "192.0.2.1", "none", 60, "-" },
		{ "192.0.2.2", "none", 60, "-" },
		{ "192.0.2.3", "none", 60, "-" },
		{ "192.0.2.4", "none", 60, "-" },
	};

	cfg.cf_cache_size = 2;
	write_entries(NENTRIES(e));
	cr_assert_eq(load(), 2);
	expect_entry(0, "192.0.2.4", VERDICT_NONE, "-", 60);
	expect_entry(1, "192.0.2.3", VERDICT_NONE, "-", 60);
}

Test(cachefile, group_writable_refused)
{
	char	err[256] = "";

	write_file("ptrtag-cache 1\nend 0\n");
	cr_assert_eq(chmod(path, 0620), 0);
	cr_expect_eq(cachefile_open(&cfg, err, sizeof(err)), -1);
	cr_expect_neq(strstr(err, path), NULL, "err: %s", err);
	cr_expect_neq(strstr(err, "writable by group or others"), NULL,
	    "err: %s", err);
}

Test(cachefile, symlink_refused)
{
	char	err[256] = "", target[80];

	snprintf(target, sizeof(target), "%s/real", dir);
	cr_assert_eq(symlink(target, path), 0);
	cr_expect_eq(cachefile_open(&cfg, err, sizeof(err)), -1);
	cr_expect_neq(strstr(err, "symbolic link"), NULL, "err: %s", err);
}
