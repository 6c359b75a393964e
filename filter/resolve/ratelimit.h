/*
 * ratelimit: the --max-qps token bucket (ptrtag.1, OPTIONS). Pure: every
 * call takes the current monotonic time in ms. The bucket holds at most
 * one second's worth of queries and refills at qps per second; each query
 * sent spends one token, probes included, so the balance may go below
 * zero. A rate of 0 means no limit.
 */
#ifndef RATELIMIT_H
#define RATELIMIT_H

#include <stdint.h>

/* Embedded in its owner; the members are private to ratelimit.c. */
struct ratelimit {
	uint32_t	rl_qps;
	int64_t		rl_tokens;	/* thousandths of a query */
	uint64_t	rl_last_ms;	/* time of the last refill */
};

/* A full bucket for qps queries a second (0: unlimited) at now_ms. */
void	ratelimit_init(struct ratelimit *rl, uint32_t qps, uint64_t now_ms);

/* 1 when a new lookup may start at now_ms (a whole token left), else 0. */
int	ratelimit_allow(struct ratelimit *rl, uint64_t now_ms);

/* One query was sent: spend a token. */
void	ratelimit_spend(struct ratelimit *rl);

#endif /* RATELIMIT_H */
