/* Threads that have really started when their creator goes on. */
#ifndef VMM_THREAD_H
#define VMM_THREAD_H

#include <pthread.h>

/*
 * pthread_create, then wait until the new thread runs fn: its start-up
 * syscalls (set_robust_list, rseq, ...) are done, so a seccomp filter
 * installed after this cannot catch them.  0 or a negative errno.
 */
int thread_spawn(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
