/*
 * usage: the texts of -h/--help and -V/--version on standard output.
 * Both return; the caller exits 0 (options.c).
 */
#ifndef USAGE_H
#define USAGE_H

/* The options with their defaults and ranges, then the verdicts. */
void	usage(void);

/* The version of ptrtag and of the libraries it runs with. */
void	version(void);

#endif /* USAGE_H */
