/*
 * load-bench: how the VMM should load a kernel Image into guest RAM.  Both
 * ways land the file in fresh anonymous memory (guest RAM as the VMM maps
 * it): one pread(2) of the whole file, or mmap(2) of the file and a copy.
 * Five alternating runs each, page cache warm; prints the medians.
 *
 *   load-bench FILE
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RUNS 5

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void *fresh(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);

	if (p == MAP_FAILED) {
		perror("load-bench: mmap");
		exit(1);
	}
	return p;
}

static double by_pread(int fd, size_t len)
{
	char *ram = fresh(len);
	double t = now_ms();
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, ram + done, len - done, (off_t)done);

		if (n <= 0) {
			perror("load-bench: pread");
			exit(1);
		}
		done += (size_t)n;
	}
	t = now_ms() - t;
	munmap(ram, len);
	return t;
}

static double by_mmap(int fd, size_t len)
{
	char *ram = fresh(len);
	double t = now_ms();
	void *file = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);

	if (file == MAP_FAILED) {
		perror("load-bench: mmap file");
		exit(1);
	}
	memcpy(ram, file, len);
	munmap(file, len);
	t = now_ms() - t;
	munmap(ram, len);
	return t;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	double p[RUNS], m[RUNS];
	struct stat st;
	int fd;

	if (argc != 2 || (fd = open(argv[1], O_RDONLY)) < 0 || fstat(fd, &st)) {
		fprintf(stderr, "usage: load-bench FILE\n");
		return 2;
	}
	by_pread(fd, (size_t)st.st_size);	/* warm the page cache */
	for (int i = 0; i < RUNS; i++) {
		p[i] = by_pread(fd, (size_t)st.st_size);
		m[i] = by_mmap(fd, (size_t)st.st_size);
	}
	qsort(p, RUNS, sizeof(p[0]), cmp);
	qsort(m, RUNS, sizeof(m[0]), cmp);
	printf("load_pread_ms=%.2f load_mmap_copy_ms=%.2f (median of %d; the VMM uses one pread)\n",
	       p[RUNS / 2], m[RUNS / 2], RUNS);
	return 0;
}
