/*
 * boot-timer: run the VMM and measure, from the outside, the time to the
 * guest's first console byte and to a marker line, and the VMM's peak RSS
 * excluding guest RAM (sampled from /proc/PID/smaps every 10 ms).
 *
 *   boot-timer --mem-bytes N [--marker TEXT] [--then TEXT] -- VMM ARGS...
 *
 * After the marker, TEXT (e.g. "poweroff -f\n") is typed to the guest.
 * Prints one line of key=value numbers.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* RSS of every mapping except the guest RAM one (sized exactly mem bytes). */
static long rss_excluding_ram_kb(pid_t pid, unsigned long long mem, long *total_kb)
{
	char path[64], line[512];
	unsigned long long start, end, size = 0;
	long rss = 0, kb;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	*total_kb = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx ", &start, &end) == 2 && strchr(line, '-') < strchr(line, ' '))
			size = end - start;
		else if (sscanf(line, "Rss: %ld kB", &kb) == 1) {
			*total_kb += kb;
			if (size != mem)
				rss += kb;
		}
	}
	fclose(f);
	return rss;
}

int main(int argc, char **argv)
{
	unsigned long long mem = 256ULL << 20;
	const char *marker = NULL, *then = NULL;
	int in[2], out[2], i, status;
	double t0, first = -1, mark = -1;
	long peak = 0, peak_total = 0, cur, total = 0;
	char buf[4096], window[8192] = "";
	pid_t pid;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--mem-bytes") && i + 1 < argc)
			mem = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--marker") && i + 1 < argc)
			marker = argv[++i];
		else if (!strcmp(argv[i], "--then") && i + 1 < argc)
			then = argv[++i];
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: boot-timer --mem-bytes N [--marker T] [--then T] -- VMM ARGS\n");
		return 2;
	}
	if (pipe(in) || pipe(out))
		return 1;
	t0 = now_ms();
	pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		close(in[1]);
		close(out[0]);
		execvp(argv[i + 1], argv + i + 1);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		struct pollfd p = { .fd = out[0], .events = POLLIN };
		int r = poll(&p, 1, 10);
		ssize_t n;

		cur = rss_excluding_ram_kb(pid, mem, &total);
		if (cur > peak)
			peak = cur;
		if (total > peak_total)
			peak_total = total;
		if (r <= 0)
			continue;
		n = read(out[0], buf, sizeof(buf) - 1);
		if (n <= 0)
			break;
		buf[n] = 0;
		if (first < 0)
			first = now_ms() - t0;
		if (marker && mark < 0) {
			size_t w = strlen(window);

			/* keep a sliding window so a marker split across reads is found */
			if (w + n >= sizeof(window))
				memmove(window, window + w / 2, w - w / 2 + 1), w = strlen(window);
			memcpy(window + w, buf, n + 1);
			if (strstr(window, marker)) {
				mark = now_ms() - t0;
				if (then && write(in[1], then, strlen(then)) < 0)
					perror("boot-timer: write");
			}
		}
	}
	waitpid(pid, &status, 0);
	printf("first_byte_ms=%.0f marker_ms=%.0f total_ms=%.0f exit=%d vmm_peak_rss_kb_excluding_guest_ram=%ld vmm_peak_rss_kb_total=%ld\n",
	       first, mark, now_ms() - t0, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	       peak, peak_total);
	return 0;
}
