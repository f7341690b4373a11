/*
 * virtio-net (virtio 1.2, 5.1) on a tap device: one receive and one
 * transmit queue, the 12-byte header (5.1.6) shared with the tap
 * (IFF_VNET_HDR), mergeable receive buffers, and checksum and TSO offload
 * both ways (the tap is told what the guest accepts, TUNSETOFFLOAD).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>

#include "../sandbox.h"
#include "../util.h"
#include "net.h"
#include "virtio.h"

#define NET_QUEUE_SIZE		256
#define NET_RX			0	/* receiveq1 (5.1.2) */
#define NET_TX			1	/* transmitq1 */
#define NET_HDR_SIZE		sizeof(struct virtio_net_hdr_mrg_rxbuf)	/* 12 */
/* The largest frame a tap hands over with TSO: 64 KiB plus headers. */
#define NET_MAX_PACKET		(NET_HDR_SIZE + 65550)

struct net {
	struct virtio_dev vd;
	int tap;
	char ifname[IFNAMSIZ];
	struct virtio_net_config config;
	struct evloop_source tap_src;	/* EPOLLIN while the guest has room */
	uint8_t *packet;		/* a received frame, with its header */
	size_t pending;			/* its length; 0: none waiting */
	struct iovec *first;		/* the first receive buffer's iovecs */
	unsigned int nr_first;
	uint64_t rx_dropped, tx_dropped;
};

static void net_config_read(struct virtio_dev *vd, uint32_t off, void *data, uint32_t len)
{
	struct net *n = vd->priv;

	memcpy(data, (const uint8_t *)&n->config + off, len);
}

static void poll_tap(struct net *n, bool on)
{
	uint32_t want = on ? EPOLLIN : 0;

	if (n->tap_src.events == want)
		return;
	n->tap_src.events = want;
	evloop__modify(n->vd.loop, &n->tap_src);
}

/*
 * The pending frame into the guest's receive buffers: one buffer, or with
 * MRG_RXBUF as many as it takes, all published together with num_buffers in
 * the first header (5.1.6.4).  1 done (or dropped), 0 when the guest has too
 * few buffers now, -1 when the ring is malformed.  The caller publishes.
 */
static int deliver(struct net *n)
{
	struct virtio_dev *vd = &n->vd;
	bool mrg = virtio__has(vd, VIRTIO_NET_F_MRG_RXBUF);
	uint16_t heads[NET_QUEUE_SIZE];
	uint32_t lens[NET_QUEUE_SIZE];
	unsigned int k = 0;
	size_t done = 0;
	struct virtq_chain c;
	uint16_t nb;

	while (done < n->pending) {
		int r = k < NET_QUEUE_SIZE ? virtio__pop(vd, NET_RX, &c) : 0;
		size_t copied;

		if (r < 0)
			return -1;
		if (r == 0 || (!mrg && c.in_len < n->pending)) {
			if (r > 0) {
				/* Without mergeable buffers the frame must fit one. */
				n->rx_dropped++;
				virtq__unpop(&vd->q[NET_RX].vq);
			}
			while (k--)
				virtq__unpop(&vd->q[NET_RX].vq);
			if (r > 0) {
				n->pending = 0;
				return 1;
			}
			return 0;
		}
		if (k == 0) {
			n->nr_first = c.nr_in;
			memcpy(n->first, c.iov + c.nr_out, c.nr_in * sizeof(*n->first));
		}
		copied = iov_from_buf(c.iov + c.nr_out, c.nr_in, 0, n->packet + done,
				      n->pending - done);
		if (!copied && c.in_len) {
			/* a buffer too small to hold anything: a driver error */
			virtio__broken(vd, "a receive buffer of %llu bytes",
				       (unsigned long long)c.in_len);
			return -1;
		}
		heads[k] = c.head;
		lens[k++] = (uint32_t)copied;
		done += copied;
	}
	/* The tap leaves num_buffers alone: it is ours to fill. */
	nb = htole16((uint16_t)k);
	iov_from_buf(n->first, n->nr_first, offsetof(struct virtio_net_hdr_mrg_rxbuf, num_buffers),
		     &nb, sizeof(nb));
	for (unsigned int i = 0; i < k; i++)
		virtio__push(vd, NET_RX, heads[i], lens[i]);
	n->pending = 0;
	return 1;
}

/* Frames from the tap into the guest while it has buffers; one
 * notification for all the frames of a batch, not one per frame. */
static void rx_batch(struct net *n)
{
	for (;;) {
		int r;

		if (!n->pending) {
			ssize_t got = read(n->tap, n->packet, NET_MAX_PACKET);

			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				poll_tap(n, true);	/* EAGAIN: wait for the next frame */
				return;
			}
			if ((size_t)got <= NET_HDR_SIZE)
				continue;
			n->pending = (size_t)got;
		}
		r = deliver(n);
		if (r < 0)
			return;
		if (r == 0) {
			/* No room: stop reading the tap until the guest adds
			 * buffers (its kick brings us back). */
			virtio__done(&n->vd, NET_RX);
			poll_tap(n, false);
			if (!virtio__rearm(&n->vd, NET_RX))
				return;
		}
	}
}

static void rx(struct net *n)
{
	rx_batch(n);
	virtio__done(&n->vd, NET_RX);
}

static void tx(struct net *n)
{
	struct virtio_dev *vd = &n->vd;
	struct virtq_chain c;
	int r;

	do {
		while ((r = virtio__pop(vd, NET_TX, &c)) > 0) {
			if (c.out_len <= NET_HDR_SIZE) {
				virtio__broken(vd, "a transmit buffer without a frame");
				return;
			}
			/* The chain is header + frame, as the tap takes them. */
			while (writev(n->tap, c.iov, (int)c.nr_out) < 0) {
				if (errno != EINTR) {
					n->tx_dropped++;
					break;
				}
			}
			virtio__push(vd, NET_TX, c.head, 0);
		}
		virtio__done(vd, NET_TX);
		if (r < 0)
			return;
	} while (virtio__rearm(vd, NET_TX));
}

static void net_notify(struct virtio_dev *vd, unsigned int q)
{
	struct net *n = vd->priv;

	if (q == NET_TX)
		tx(n);
	else
		rx(n);
}

static void on_tap(struct evloop_source *src, uint32_t events)
{
	struct net *n = src->opaque;

	(void)events;
	pthread_mutex_lock(&n->vd.lock);
	if (virtio__running(&n->vd) && n->vd.q[NET_RX].ready)
		rx(n);
	else
		poll_tap(n, false);	/* until the driver starts the device */
	pthread_mutex_unlock(&n->vd.lock);
}

/* DRIVER_OK: the tap may hand over what the guest negotiated to receive. */
static int net_start(struct virtio_dev *vd)
{
	struct net *n = vd->priv;
	unsigned int off = 0;

	if (virtio__has(vd, VIRTIO_NET_F_GUEST_CSUM)) {
		off |= TUN_F_CSUM;
		if (virtio__has(vd, VIRTIO_NET_F_GUEST_TSO4))
			off |= TUN_F_TSO4;
		if (virtio__has(vd, VIRTIO_NET_F_GUEST_TSO6))
			off |= TUN_F_TSO6;
	}
	if (ioctl(n->tap, TUNSETOFFLOAD, off) < 0)
		return -errno;
	poll_tap(n, true);
	return 0;
}

static void net_reset(struct virtio_dev *vd)
{
	struct net *n = vd->priv;

	n->pending = 0;
	poll_tap(n, false);
}

static void net_stop(struct virtio_dev *vd)
{
	struct net *n = vd->priv;

	if (n->rx_dropped || n->tx_dropped)
		pr_info("--net tap=%s: %llu received and %llu sent frames dropped", n->ifname,
			(unsigned long long)n->rx_dropped, (unsigned long long)n->tx_dropped);
}

static const struct virtio_dev_ops net_ops = {
	.name = "virtio-net",
	.device_id = VIRTIO_ID_NET,
	.nr_queues = 2,
	.queue_size = NET_QUEUE_SIZE,
	.config_size = offsetof(struct virtio_net_config, max_virtqueue_pairs),
	.config_read = net_config_read,
	.start = net_start,
	.notify = net_notify,
	.reset = net_reset,
	.stop = net_stop,
};

/* The tap interface, created if it does not exist (CAP_NET_ADMIN then),
 * with the 12-byte virtio header on every frame. */
static int open_tap(const char *name, char *ifname)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int hdr = NET_HDR_SIZE, fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		die_errno(-errno, "--net tap=%s: /dev/net/tun", name);
	if (strlen(name) >= IFNAMSIZ)
		die("--net tap=%s: an interface name has at most %d characters", name,
		    IFNAMSIZ - 1);
	strcpy(ifr.ifr_name, name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		die_errno(-errno, "--net tap=%s: TUNSETIFF%s", name,
			  errno == EPERM ? " (create it first: ip tuntap add NAME mode tap user UID)" : "");
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0)
		die_errno(-errno, "--net tap=%s: TUNSETVNETHDRSZ", name);
	memcpy(ifname, ifr.ifr_name, IFNAMSIZ);
	return fd;
}

void net__create(struct kvm *kvm, const struct net_options *o)
{
	struct net *n = calloc(1, sizeof(*n));
	uint64_t features =
		(1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) |
		(1ULL << VIRTIO_NET_F_MRG_RXBUF) |
		(1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_HOST_TSO4) |
		(1ULL << VIRTIO_NET_F_HOST_TSO6) |
		(1ULL << VIRTIO_NET_F_GUEST_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_TSO4) |
		(1ULL << VIRTIO_NET_F_GUEST_TSO6);

	if (!n || !(n->packet = malloc(NET_MAX_PACKET)) ||
	    !(n->first = calloc(NET_QUEUE_SIZE, sizeof(*n->first))))
		die("--net: out of memory");
	n->tap = open_tap(o->tap, n->ifname);
	sandbox__allow_ioctl(n->tap, TUNSETOFFLOAD, "TUNSETOFFLOAD",
			     "a tap's offloads, set when the guest's driver starts");
	memcpy(n->config.mac, o->mac, sizeof(n->config.mac));
	n->config.status = htole16(VIRTIO_NET_S_LINK_UP);
	n->tap_src = (struct evloop_source){ .fd = n->tap, .events = 0, .fn = on_tap, .opaque = n };
	virtio__create(kvm, &n->vd, &net_ops, features, n);
	virtio__watch(&n->vd, &n->tap_src);
	pr_debug("--net tap=%s: mac %02x:%02x:%02x:%02x:%02x:%02x at 0x%llx", n->ifname,
		 o->mac[0], o->mac[1], o->mac[2], o->mac[3], o->mac[4], o->mac[5],
		 (unsigned long long)n->vd.dev.win.base);
}
