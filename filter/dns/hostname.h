/*
 * hostname: the host-name alphabet (ptrtag.1, VERDICTS: a PTR name that
 * is not a valid host name is permerror). Every label byte is a letter,
 * digit, '-' or '_'; dnsmsg.h states the rest of the rule. The DNS
 * parser (dnsmsg.c) accepts, and the output formats write unescaped,
 * exactly these bytes and '.'.
 */
#ifndef HOSTNAME_H
#define HOSTNAME_H

/* 1 when c may appear inside a label of a usable host name, else 0. */
int	hostname_char(unsigned char c);

#endif /* HOSTNAME_H */
