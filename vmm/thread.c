#include <errno.h>
#include <semaphore.h>

#include "thread.h"

struct spawn {
	void *(*fn)(void *);
	void *arg;
	sem_t running;
};

static void *trampoline(void *p)
{
	struct spawn *s = p;
	void *(*fn)(void *) = s->fn;
	void *arg = s->arg;

	sem_post(&s->running);	/* s lives on the creator's stack: done with it */
	return fn(arg);
}

int thread_spawn(pthread_t *t, void *(*fn)(void *), void *arg)
{
	struct spawn s = { .fn = fn, .arg = arg };
	int r;

	if (sem_init(&s.running, 0, 0))
		return -errno;
	r = pthread_create(t, NULL, trampoline, &s);
	if (!r)
		while (sem_wait(&s.running) && errno == EINTR)
			;
	sem_destroy(&s.running);
	return -r;
}
