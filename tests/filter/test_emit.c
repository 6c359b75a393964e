/*
 * emit: slots of the window as the formats see them, and the counters
 * it keeps from what the format reports: a pending entry is written as
 * timeout, a shed slot with its own verdict, a host only from a settled
 * entry.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "fmttest.h"
#include "resolver.h"

static struct stats	st;

static void
setup(void)
{
	ft_setup();
	memset(&st, 0, sizeof(st));
}

TestSuite(emit, .init = setup, .fini = ft_teardown);

static void
slot(struct lslot *ls, const char *ip, struct dnsent *de, size_t so)
{
	memset(ls, 0, sizeof(*ls));
	cr_assert_eq(ipaddr_parse(ip, strlen(ip), &ls->ls_addr), 0);
	ls->ls_ent = de;
	ls->ls_so = so;
	ls->ls_eo = so + strlen(ip);
}

static void
entry(struct dnsent *de, enum verdict v, char *host)
{
	memset(de, 0, sizeof(*de));
	de->de_verdict = (uint8_t)v;
	de->de_host = host;
}

Test(emit, pending_is_timeout_and_shed_is_skipped)
{
	const char	*line = "a 192.0.2.1 b 2001:db8::1";
	struct dnsent	 de;
	struct lslot	 ls[2];
	char		 host[] = "not.yet";

	entry(&de, VERDICT_PENDING, host);
	slot(&ls[0], "192.0.2.1", &de, 2);
	slot(&ls[1], "2001:db8::1", NULL, 14);
	ls[1].ls_verdict = VERDICT_SKIPPED;
	emit_line(&ft_ob, &ft_cfg, line, strlen(line), ls, 2, 0, 0, NULL, &st);
	ft_expect("a 192.0.2.1 b 2001:db8::1 rdns_n=2 rdns_ip=192.0.2.1 "
	    "rdns_host=- rdns_fcrdns=timeout rdns_generic=false "
	    "rdns_ip=2001:db8::1 rdns_host=- rdns_fcrdns=skipped "
	    "rdns_generic=false");
	cr_expect_eq(st.st_lines_out, 1);
	cr_expect_eq(st.st_addrs, 2);
	cr_expect_eq(st.st_verdicts[VERDICT_TIMEOUT], 1);
	cr_expect_eq(st.st_verdicts[VERDICT_SKIPPED], 1);
	cr_expect_eq(st.st_verdicts[VERDICT_PENDING], 0);
}

Test(emit, settled_entry_gives_host_generic_role_and_helo)
{
	const char	*line = "helo=mx.example 192.0.2.7\n";
	struct dnsent	 de;
	struct lslot	 ls;
	char		 host[] = "mx.example";

	ft_cfg.cf_format = CFG_FORMAT_JSON;
	entry(&de, VERDICT_PASS, host);
	de.de_generic = 1;
	slot(&ls, "192.0.2.7", &de, 16);
	ls.ls_role = IPSCAN_ROLE_SRC;
	ls.ls_helo_so = 5;
	ls.ls_helo_eo = 15;
	/* 2026-12-06T02:15:31.123Z, the read time the stream layer gives. */
	emit_line(&ft_ob, &ft_cfg, line, strlen(line), &ls, 1, 0,
	    1796523331123ULL, NULL, &st);
	ft_expect("{\"@timestamp\":\"2026-12-06T02:15:31.123Z\",\"ecs\":"
	    "{\"version\":\"9.4.0\"},"
	    "\"message\":\"helo=mx.example 192.0.2.7\",\"rdns\":"
	    "[{\"ip\":\"192.0.2.7\",\"host\":\"mx.example\",\"fcrdns\":"
	    "\"pass\",\"generic\":true,\"helo\":\"match\"}],\"related\":"
	    "{\"ip\":[\"192.0.2.7\"],\"hosts\":[\"mx.example\"]},\"source\":"
	    "{\"ip\":\"192.0.2.7\",\"domain\":\"mx.example\"}}\n");
	cr_expect_eq(st.st_verdicts[VERDICT_PASS], 1);
}

Test(emit, counts_every_line_even_an_unanswered_piece)
{
	const char	*piece = "overlong piece";

	ft_cfg.cf_format = CFG_FORMAT_MMEXTERNAL;
	emit_line(&ft_ob, &ft_cfg, piece, strlen(piece), NULL, 0, 1, 0, NULL,
	    &st);
	emit_line(&ft_ob, &ft_cfg, "end\n", 4, NULL, 0, 1, 0, NULL, &st);
	ft_expect("{}\n");
	cr_expect_eq(st.st_lines_out, 2);
	cr_expect_eq(st.st_addrs, 0);
}

/*
 * kv: an entry answering its second line keeps its pairs (de_note), and
 * lines after that, with a helo pair after them or none, read as the
 * first did; an entry used once keeps nothing.
 */
Test(emit, kv_pairs_kept_from_the_second_use)
{
	const char	*line = "192.0.2.7\n";
	const char	*hline = "helo=mx.example 192.0.2.7\n";
	const char	*pairs = " rdns_ip=192.0.2.7 rdns_host=mx.example "
	    "rdns_fcrdns=pass rdns_generic=true";
	char		 host[] = "mx.example", want[256];
	struct dnsent	 de;
	struct lslot	 ls;
	int		 i;

	entry(&de, VERDICT_PASS, host);
	de.de_generic = 1;
	de.de_hostlen = (uint8_t)strlen(host);
	slot(&ls, "192.0.2.7", &de, 0);
	snprintf(want, sizeof(want), "192.0.2.7 rdns_n=1%s\n", pairs);
	for (i = 0; i < 3; i++) {
		ft_teardown();
		ft_setup();
		emit_line(&ft_ob, &ft_cfg, line, strlen(line), &ls, 1, 0, 0,
		    NULL, &st);
		ft_expect(want);
		if (i == 0)
			cr_expect_null(de.de_note, "kept after one use");
	}
	cr_assert_not_null(de.de_note);
	cr_expect_eq(de.de_notelen, strlen(pairs));
	cr_expect_eq(memcmp(de.de_note, pairs, strlen(pairs)), 0);
	ft_teardown();
	ft_setup();
	slot(&ls, "192.0.2.7", &de, 16);
	ls.ls_helo_so = 5;
	ls.ls_helo_eo = 15;
	emit_line(&ft_ob, &ft_cfg, hline, strlen(hline), &ls, 1, 0, 0, NULL,
	    &st);
	snprintf(want, sizeof(want), "helo=mx.example 192.0.2.7 rdns_n=1%s "
	    "rdns_helo=match\n", pairs);
	ft_expect(want);
	cr_expect_eq(st.st_verdicts[VERDICT_PASS], 4);
	free(de.de_note);
}
