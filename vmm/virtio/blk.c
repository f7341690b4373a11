/*
 * virtio-blk (virtio 1.2, 5.2) on a raw image file or block device: read,
 * write, flush (fdatasync), get-id, discard and write-zeroes (fallocate),
 * read-only disks.  Requests run synchronously on the device's I/O thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>
#include <sys/ioctl.h>

#include "../util.h"
#include "blk.h"
#include "virtio.h"

#define BLK_QUEUE_SIZE		256
#define BLK_SECTOR		512ULL
#define BLK_HDR_SIZE		16	/* struct virtio_blk_outhdr */
#define BLK_SEG_SIZE		16	/* struct virtio_blk_discard_write_zeroes */
/* 5.2.6.1: a request's chain fits in the queue, header and status too. */
#define BLK_SEG_MAX		(BLK_QUEUE_SIZE - 2)
#define BLK_MAX_RANGE_SEGS	32
#define BLK_MAX_RANGE_SECTORS	(1U << 22)	/* 2 GiB per discard/zeroes segment */

struct blk {
	struct virtio_dev vd;
	int fd;
	const char *path;
	bool ro, ranges;		/* read-only; discard and write-zeroes offered */
	uint64_t capacity;		/* 512-byte sectors */
	struct virtio_blk_config config;
	char serial[VIRTIO_BLK_ID_BYTES];
	struct iovec *data;		/* a request's data buffers */
};

static void blk_config_read(struct virtio_dev *vd, uint32_t off, void *data, uint32_t len)
{
	struct blk *b = vd->priv;

	memcpy(data, (const uint8_t *)&b->config + off, len);
}

/* The bytes [off, off + len) of c's readable (out) or writable (in) buffers
 * as iovecs in b->data; the number of them. */
static unsigned int slice(struct blk *b, const struct virtq_chain *c, bool in, uint64_t off,
			  uint64_t len)
{
	const struct iovec *iov = in ? c->iov + c->nr_out : c->iov;
	unsigned int n = in ? c->nr_in : c->nr_out, out = 0;

	for (unsigned int i = 0; i < n && len; i++) {
		uint64_t l = iov[i].iov_len, chunk;

		if (off >= l) {
			off -= l;
			continue;
		}
		chunk = l - off < len ? l - off : len;
		b->data[out++] = (struct iovec){ (uint8_t *)iov[i].iov_base + off, chunk };
		len -= chunk;
		off = 0;
	}
	return out;
}

/* preadv/pwritev of the whole iovec array at pos; 0 or a negative errno. */
static int rw_all(struct blk *b, struct iovec *iov, unsigned int n, uint64_t pos, bool write)
{
	while (n) {
		ssize_t r = write ? pwritev(b->fd, iov, (int)n, (off_t)pos) :
				    preadv(b->fd, iov, (int)n, (off_t)pos);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;	/* the file shrank under the disk */
		pos += (uint64_t)r;
		while (n && (size_t)r >= iov->iov_len) {
			r -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n) {
			iov->iov_base = (uint8_t *)iov->iov_base + r;
			iov->iov_len -= (size_t)r;
		}
	}
	return 0;
}

/* sector and len inside the disk, len whole sectors (5.2.6.1). */
static bool in_disk(const struct blk *b, uint64_t sector, uint64_t len)
{
	return len % BLK_SECTOR == 0 && sector <= b->capacity &&
	       len / BLK_SECTOR <= b->capacity - sector;
}

static uint8_t do_read(struct blk *b, const struct virtq_chain *c, uint64_t sector, uint32_t *used)
{
	uint64_t len = c->in_len - 1;

	if (!in_disk(b, sector, len))
		return VIRTIO_BLK_S_IOERR;
	if (rw_all(b, b->data, slice(b, c, true, 0, len), sector * BLK_SECTOR, false))
		return VIRTIO_BLK_S_IOERR;
	*used = (uint32_t)c->in_len;
	return VIRTIO_BLK_S_OK;
}

static uint8_t do_write(struct blk *b, const struct virtq_chain *c, uint64_t sector)
{
	uint64_t len = c->out_len - BLK_HDR_SIZE;

	/* 5.2.6.2: a read-only device fails writes and writes nothing. */
	if (b->ro || !in_disk(b, sector, len))
		return VIRTIO_BLK_S_IOERR;
	if (rw_all(b, b->data, slice(b, c, false, BLK_HDR_SIZE, len), sector * BLK_SECTOR, true))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

static uint8_t do_get_id(struct blk *b, const struct virtq_chain *c, uint32_t *used)
{
	size_t n = c->in_len - 1 < sizeof(b->serial) ? c->in_len - 1 : sizeof(b->serial);

	iov_from_buf(c->iov + c->nr_out, c->nr_in, 0, b->serial, n);
	*used = (uint32_t)n + 1;
	return VIRTIO_BLK_S_OK;
}

/* One discard or write-zeroes segment (5.2.6.2). */
static uint8_t do_range(struct blk *b, uint32_t type, uint64_t sector, uint32_t num,
			uint32_t flags)
{
	off_t pos = (off_t)(sector * BLK_SECTOR), len = (off_t)(num * BLK_SECTOR);
	bool unmap = flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP;

	if ((flags & ~VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP) ||
	    (type == VIRTIO_BLK_T_DISCARD && unmap))
		return VIRTIO_BLK_S_UNSUPP;
	if (num > BLK_MAX_RANGE_SECTORS || !in_disk(b, sector, num * BLK_SECTOR))
		return VIRTIO_BLK_S_IOERR;
	if (type == VIRTIO_BLK_T_DISCARD) {
		/* Discard is a hint: a file system that cannot punch holes
		 * keeps the data, which is allowed. */
		fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, pos, len);
		return VIRTIO_BLK_S_OK;
	}
	/* After write-zeroes, reads return zeroes (5.2.6.2). */
	if (!fallocate(b->fd, unmap ? FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE :
			      FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, pos, len) ||
	    !fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, pos, len))
		return VIRTIO_BLK_S_OK;
	return VIRTIO_BLK_S_IOERR;
}

static uint8_t do_ranges(struct blk *b, const struct virtq_chain *c, uint32_t type)
{
	uint64_t len = c->out_len - BLK_HDR_SIZE;
	struct virtio_blk_discard_write_zeroes seg;

	if (b->ro)
		return VIRTIO_BLK_S_IOERR;
	if (!b->ranges)
		return VIRTIO_BLK_S_UNSUPP;
	if (!len || len % BLK_SEG_SIZE || len / BLK_SEG_SIZE > BLK_MAX_RANGE_SEGS)
		return VIRTIO_BLK_S_IOERR;
	for (uint64_t off = BLK_HDR_SIZE; off < c->out_len; off += BLK_SEG_SIZE) {
		uint8_t st;

		iov_to_buf(c->iov, c->nr_out, off, &seg, sizeof(seg));
		st = do_range(b, type, le64toh(seg.sector), le32toh(seg.num_sectors),
			      le32toh(seg.flags));
		if (st != VIRTIO_BLK_S_OK)
			return st;
	}
	return VIRTIO_BLK_S_OK;
}

/* One request (5.2.6): the status, and the bytes written into the guest's
 * buffers in *used.  false when the chain is no request at all. */
static bool request(struct blk *b, const struct virtq_chain *c, uint32_t *used)
{
	struct virtio_blk_outhdr hdr;
	uint8_t status;

	/* A header to read and a status byte to write, at least. */
	if (c->out_len < BLK_HDR_SIZE || c->in_len < 1) {
		virtio__broken(&b->vd, "a block request without a 16-byte header and a status byte");
		return false;
	}
	iov_to_buf(c->iov, c->nr_out, 0, &hdr, sizeof(hdr));
	*used = 1;
	switch (le32toh(hdr.type)) {
	case VIRTIO_BLK_T_IN:
		status = do_read(b, c, le64toh(hdr.sector), used);
		break;
	case VIRTIO_BLK_T_OUT:
		status = do_write(b, c, le64toh(hdr.sector));
		break;
	case VIRTIO_BLK_T_FLUSH:
		status = b->ro || !fdatasync(b->fd) ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID:
		status = do_get_id(b, c, used);
		break;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		status = do_ranges(b, c, le32toh(hdr.type));
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	/* The status is the last byte of the writable buffers. */
	iov_from_buf(c->iov + c->nr_out, c->nr_in, c->in_len - 1, &status, 1);
	return true;
}

static void blk_notify(struct virtio_dev *vd, unsigned int q)
{
	struct blk *b = vd->priv;
	struct virtq_chain c;
	int r;

	do {
		while ((r = virtio__pop(vd, q, &c)) > 0) {
			uint32_t used = 0;

			if (!request(b, &c, &used))
				return;
			virtio__push(vd, q, c.head, used);
			virtio__done(vd, q);
		}
		if (r < 0)
			return;
	} while (virtio__rearm(vd, q));
}

static void blk_stop(struct virtio_dev *vd)
{
	struct blk *b = vd->priv;

	/* Whatever the guest wrote is in the file already; make it durable. */
	if (!b->ro && fdatasync(b->fd))
		pr_err("--disk %s: fdatasync at exit: %s", b->path, strerror(errno));
}

static const struct virtio_dev_ops blk_ops = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.nr_queues = 1,
	.queue_size = BLK_QUEUE_SIZE,
	.config_size = sizeof(struct virtio_blk_config),
	.config_read = blk_config_read,
	.notify = blk_notify,
	.stop = blk_stop,
};

/* Whether the file system under fd can punch holes (discard, zeroes). */
static bool can_punch(int fd, uint64_t size)
{
	return !fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)size, 1);
}

static uint64_t disk_size(int fd, const struct stat *st, const char *path)
{
	uint64_t size = (uint64_t)st->st_size;

	if (S_ISBLK(st->st_mode) && ioctl(fd, BLKGETSIZE64, &size) < 0)
		die_errno(-errno, "--disk %s: BLKGETSIZE64", path);
	return size;
}

void blk__create(struct kvm *kvm, const char *path, bool ro)
{
	struct blk *b = calloc(1, sizeof(*b));
	uint64_t features = (1ULL << VIRTIO_BLK_F_SEG_MAX) | (1ULL << VIRTIO_BLK_F_FLUSH);
	struct stat st;
	char *base;

	if (!b || !(b->data = calloc(BLK_QUEUE_SIZE, sizeof(*b->data))))
		die("--disk %s: out of memory", path);
	b->path = path;
	b->ro = ro;
	/* Not blocking on a FIFO; only files and block devices are disks. */
	b->fd = open(path, (ro ? O_RDONLY : O_RDWR) | O_NONBLOCK | O_CLOEXEC);
	if (b->fd < 0)
		die_errno(-errno, "--disk %s", path);
	if (fstat(b->fd, &st) < 0)
		die_errno(-errno, "--disk %s", path);
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		die("--disk %s: not a regular file or block device", path);
	/* Two VMs writing one image corrupt it: a writer locks it exclusively. */
	if (flock(b->fd, (ro ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0)
		die("--disk %s: in use by another process (%s)", path,
		    errno == EWOULDBLOCK ? "locked" : strerror(errno));
	b->capacity = disk_size(b->fd, &st, path) / BLK_SECTOR;
	if (!b->capacity)
		die("--disk %s: smaller than one 512-byte sector", path);
	b->ranges = !ro && can_punch(b->fd, b->capacity * BLK_SECTOR);

	b->config.capacity = htole64(b->capacity);
	b->config.seg_max = htole32(BLK_SEG_MAX);
	if (ro)
		features |= 1ULL << VIRTIO_BLK_F_RO;
	if (b->ranges) {
		features |= (1ULL << VIRTIO_BLK_F_DISCARD) | (1ULL << VIRTIO_BLK_F_WRITE_ZEROES);
		b->config.max_discard_sectors = htole32(BLK_MAX_RANGE_SECTORS);
		b->config.max_discard_seg = htole32(BLK_MAX_RANGE_SEGS);
		b->config.discard_sector_alignment = htole32(8);	/* 4 KiB */
		b->config.max_write_zeroes_sectors = htole32(BLK_MAX_RANGE_SECTORS);
		b->config.max_write_zeroes_seg = htole32(BLK_MAX_RANGE_SEGS);
		b->config.write_zeroes_may_unmap = 1;
	}
	/* The serial number the guest sees (/sys/block/vdX/serial): the
	 * image's name, NUL-padded or cut at 20 bytes (5.2.6). */
	base = strdup(path);
	if (base) {
		const char *name = basename(base);

		memcpy(b->serial, name, strnlen(name, sizeof(b->serial)));
	}
	free(base);
	virtio__create(kvm, &b->vd, &blk_ops, features, b);
	pr_debug("--disk %s: %llu sectors%s%s at 0x%llx", path, (unsigned long long)b->capacity,
		 ro ? ", read-only" : "", b->ranges ? ", discard" : "",
		 (unsigned long long)b->vd.dev.win.base);
}
