/*
 * rtt: how long the resolver takes to answer, learned from the answers,
 * and from it the learned wait: how long a line waits for a query in
 * flight before it is written without that answer (ptrtag.1, LINE
 * DELAY). A pure estimator, fed with samples and the time: no I/O, no
 * clock, so tests replay any history.
 *
 * The rule:
 * - A sample is the time from sending a query to its reply (of any
 *   rcode), for a query answered on its first try. An answer that came
 *   only after a retry is no sample, since it cannot tell which try it
 *   answers (Karn); it doubles the wait instead (back-off), until the
 *   next first-try answer. A query that gets nothing back is no sample
 *   and changes nothing: whoever writes the log chooses the names, and
 *   names that never answer must not teach ptrtag to wait longer.
 * - SRTT and RTTVAR follow TCP's retransmission timer (RFC 6298: gains
 *   1/8 and 1/4; the first sample R sets SRTT = R, RTTVAR = R/2).
 * - The recent maximum is the slowest sample of the last RTT_PERIODS
 *   periods of RTT_PERIOD_MS in which samples came (quiet time does not
 *   age it): a heavy tail, a few answers ten times slower than the rest,
 *   is what TCP's estimator, made for answers spread around one mean,
 *   would cut.
 * - The wait is max(SRTT + 4 RTTVAR, 3/2 x recent maximum, floor),
 *   doubled per back-off step, and never above the ceiling (--min-wait,
 *   -d). Until samples have come for RTT_LEARN_MS, it is the ceiling:
 *   nothing is known yet about the tail.
 */
#ifndef RTT_H
#define RTT_H

#include <stdint.h>

#define RTT_PERIODS		16
#define RTT_PERIOD_MS		2000
#define RTT_LEARN_MS		500
#define RTT_BACKOFF_MAX		8	/* doublings, at most */

/* Embedded in its owner; the members are private to rtt.c. */
struct rtt {
	uint32_t	rt_floor_ms;
	uint32_t	rt_ceil_ms;
	uint64_t	rt_samples;
	uint64_t	rt_first_ms;	/* time of the first sample */
	uint64_t	rt_period_ms;	/* start of the current period */
	uint32_t	rt_srtt8;	/* SRTT x 8, ms */
	uint32_t	rt_rttvar4;	/* RTTVAR x 4, ms */
	unsigned int	rt_cur;		/* the current period's index */
	unsigned int	rt_backoff;
	uint32_t	rt_max[RTT_PERIODS];	/* slowest sample per period */
};

/* No samples yet: the wait is ceil_ms. floor_ms above it counts less. */
void		rtt_init(struct rtt *rt, uint32_t floor_ms, uint32_t ceil_ms);

/* A query sent took_ms ago was answered on its first try, at now_ms. */
void		rtt_sample(struct rtt *rt, uint64_t now_ms, uint64_t took_ms);

/* A query was answered only after c-ares retried it: back off. */
void		rtt_retried(struct rtt *rt);

/* The learned wait at now_ms, in [floor, ceiling] (ceiling wins). */
uint32_t	rtt_wait_ms(const struct rtt *rt, uint64_t now_ms);

/* For --stats: SRTT, RTTVAR and the recent maximum (0: no sample). */
uint32_t	rtt_srtt_ms(const struct rtt *rt);
uint32_t	rtt_rttvar_ms(const struct rtt *rt);
uint32_t	rtt_max_ms(const struct rtt *rt);

#endif /* RTT_H */
