/*
 * hostname: see hostname.h. ASCII only, whatever the locale.
 */
#include "hostname.h"

int
hostname_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}
