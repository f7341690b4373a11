/*
 * disk-test: run inside the Linux test guest (static aarch64 binary).
 *
 *   disk-test verify DEV THREADS BYTES
 *	Write a pattern over the first BYTES of DEV with O_DIRECT from THREADS
 *	threads at once (interleaved 64 KiB blocks), then read everything
 *	back, again from THREADS threads, and compare each 8-byte word.
 *	Prints "disk-test: verify ok bytes=N threads=T write_mibs=W read_mibs=R"
 *	or "disk-test: verify MISMATCH ..." and exits 1.
 *   disk-test randread DEV THREADS SECONDS
 *	4 KiB O_DIRECT reads at random aligned offsets for SECONDS:
 *	"disk-test: randread iops=N".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

#define BLOCK		(64 * 1024)
#define SMALL		4096
#define MAX_THREADS	64

static const char *dev;
static uint64_t bytes, seed;
static int nthreads;
static volatile int failed;
static uint64_t first_bad = UINT64_MAX, nr_bad;
static pthread_mutex_t bad_lock = PTHREAD_MUTEX_INITIALIZER;
static double seconds;
static uint64_t ios[MAX_THREADS];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int open_dev(void)
{
	int fd = open(dev, O_RDWR | O_DIRECT);

	if (fd < 0) {
		fprintf(stderr, "disk-test: %s: %s\n", dev, strerror(errno));
		exit(2);
	}
	return fd;
}

static void fill(uint64_t *b, uint64_t off)
{
	for (size_t i = 0; i < BLOCK / 8; i++)
		b[i] = (off + 8 * i) ^ seed;
}

static void *writer(void *arg)
{
	long t = (long)arg;
	int fd = open_dev();
	uint64_t *b;

	if (posix_memalign((void **)&b, SMALL, BLOCK))
		exit(2);
	for (uint64_t off = (uint64_t)t * BLOCK; off < bytes; off += (uint64_t)nthreads * BLOCK) {
		fill(b, off);
		if (pwrite(fd, b, BLOCK, (off_t)off) != BLOCK) {
			fprintf(stderr, "disk-test: write at %llu: %s\n", (unsigned long long)off,
				strerror(errno));
			failed = 1;
			break;
		}
	}
	if (fsync(fd))
		failed = 1;
	close(fd);
	free(b);
	return NULL;
}

static void *reader(void *arg)
{
	long t = (long)arg;
	int fd = open_dev();
	uint64_t *b;

	if (posix_memalign((void **)&b, SMALL, BLOCK))
		exit(2);
	for (uint64_t off = (uint64_t)t * BLOCK; off < bytes; off += (uint64_t)nthreads * BLOCK) {
		if (pread(fd, b, BLOCK, (off_t)off) != BLOCK) {
			fprintf(stderr, "disk-test: read at %llu: %s\n", (unsigned long long)off,
				strerror(errno));
			failed = 1;
			break;
		}
		for (size_t i = 0; i < BLOCK / 8; i++) {
			if (b[i] == ((off + 8 * i) ^ seed))
				continue;
			pthread_mutex_lock(&bad_lock);
			nr_bad++;
			if (off + 8 * i < first_bad)
				first_bad = off + 8 * i;
			pthread_mutex_unlock(&bad_lock);
		}
	}
	close(fd);
	free(b);
	return NULL;
}

static double run(void *(*fn)(void *))
{
	pthread_t th[MAX_THREADS];
	double t0 = now();

	for (long i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, fn, (void *)i);
	for (int i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	return now() - t0;
}

static void *randreader(void *arg)
{
	long t = (long)arg;
	int fd = open_dev();
	uint64_t blocks = bytes / SMALL, x = seed + (uint64_t)t * 0x9E3779B97F4A7C15ULL;
	double end = now() + seconds;
	void *b;

	if (posix_memalign(&b, SMALL, SMALL))
		exit(2);
	while (now() < end) {
		for (int i = 0; i < 64; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			if (pread(fd, b, SMALL, (off_t)((x % blocks) * SMALL)) != SMALL) {
				failed = 1;
				goto out;
			}
			ios[t]++;
		}
	}
out:
	close(fd);
	free(b);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 5 || (strcmp(argv[1], "verify") && strcmp(argv[1], "randread"))) {
		fprintf(stderr, "usage: disk-test verify|randread DEV THREADS BYTES|SECONDS\n");
		return 2;
	}
	dev = argv[2];
	nthreads = atoi(argv[3]);
	if (nthreads < 1 || nthreads > MAX_THREADS)
		return 2;
	seed = (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ULL;
	if (!strcmp(argv[1], "randread")) {
		int fd = open_dev();
		uint64_t total = 0;

		seconds = atof(argv[4]);
		if (ioctl(fd, BLKGETSIZE64, &bytes) < 0)
			return 2;
		close(fd);
		run(randreader);
		for (int i = 0; i < nthreads; i++)
			total += ios[i];
		printf("disk-test: randread iops=%.0f threads=%d%s\n", total / seconds, nthreads,
		       failed ? " ERRORS" : "");
		return failed;
	}
	bytes = strtoull(argv[4], NULL, 0) / BLOCK * BLOCK;
	double tw = run(writer), tr = run(reader);

	if (failed || nr_bad) {
		printf("disk-test: verify MISMATCH bytes=%llu bad_words=%llu first_bad_offset=%llu%s\n",
		       (unsigned long long)bytes, (unsigned long long)nr_bad,
		       (unsigned long long)first_bad, failed ? " (I/O errors)" : "");
		return 1;
	}
	printf("disk-test: verify ok bytes=%llu threads=%d write_mibs=%.1f read_mibs=%.1f\n",
	       (unsigned long long)bytes, nthreads, bytes / tw / 1048576.0,
	       bytes / tr / 1048576.0);
	return 0;
}
