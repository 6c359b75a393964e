/*
 * sandbox_filter: the seccomp half of the sandbox (ptrtag.1, SANDBOX):
 * the system calls ptrtag may still make once it runs.
 */
#ifndef SANDBOX_FILTER_H
#define SANDBOX_FILTER_H

#include <stddef.h>

/*
 * Sanitizer builds (ASan, LSan, UBSan) make system calls of their own:
 * the leak checker stops the process with a ptrace(2)-ing thread at
 * exit. SANDBOX_SANITIZED is 1 in such builds only, and widens the
 * filter and the Landlock rules for them alone.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define SANDBOX_SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || \
    __has_feature(undefined_behavior_sanitizer)
#define SANDBOX_SANITIZED	1
#endif
#endif
#ifndef SANDBOX_SANITIZED
#define SANDBOX_SANITIZED	0
#endif

/*
 * Load the filter into this process (no_new_privs must be set). A call
 * not on the list fails with EPERM. Returns 0, or -1 with the reason
 * in errbuf.
 */
int	sandbox_filter_load(char *errbuf, size_t errlen);

#endif /* SANDBOX_FILTER_H */
