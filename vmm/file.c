/* Input files (file.h). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "util.h"

int file__open_regular(const char *path, const char *what, uint64_t *size)
{
	struct stat st;
	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		die_errno(-errno, "%s %s", what, path);
	if (fstat(fd, &st) < 0)
		die_errno(-errno, "%s %s", what, path);
	if (!S_ISREG(st.st_mode))
		die("%s %s: not a regular file", what, path);
	if (size)
		*size = (uint64_t)st.st_size;
	return fd;
}
