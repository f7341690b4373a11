/*
 * The split virtqueue (vmm/virtio/queue.c) over a fake guest RAM: chains as
 * a device sees them, every malformed ring refused, the used ring and the
 * notification rules (virtio 1.2, 2.7).
 */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <linux/virtio_ring.h>

#include "check-main.h"
#include "virtio/queue.h"

#define GPA	0x40000000ULL
#define RAM	(64 * 1024)
#define QS	8
#define DESC	0x0000		/* offsets of the rings in RAM */
#define AVAIL	0x1000
#define USED	0x2000
#define DATA	0x4000

static uint8_t ram[RAM] __attribute__((aligned(4096)));
static struct guest_mem mem = { ram, GPA, RAM };
static struct virtq q;
static struct iovec iov[QS];
static struct virtq_chain c = { .iov = iov, .max = QS };

static struct vring_desc *desc_at(uint64_t off, unsigned int i)
{
	return (struct vring_desc *)(ram + off) + i;
}

static void desc(unsigned int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	*desc_at(DESC, i) = (struct vring_desc){ addr, len, flags, next };
}

static uint16_t *avail_idx(void) { return (uint16_t *)(ram + AVAIL + 2); }
static uint16_t *avail_ring(unsigned int i) { return (uint16_t *)(ram + AVAIL + 4) + i; }

static void offer(uint16_t head)
{
	*avail_ring(*avail_idx() % QS) = head;
	(*avail_idx())++;
}

static void setup(bool event_idx)
{
	memset(ram, 0, sizeof(ram));
	ck_assert_int_eq(virtq__enable(&q, &mem, QS, GPA + DESC, GPA + AVAIL, GPA + USED,
				       event_idx), 0);
}

static void setup_plain(void) { setup(false); }

static int pop(const char **why)
{
	*why = "";
	return virtq__pop(&q, &c, why);
}

START_TEST(enable_checks)
{
	/* Size a power of 2, aligned parts, all inside RAM. */
	ck_assert_int_eq(virtq__enable(&q, &mem, 6, GPA, GPA + AVAIL, GPA + USED, false), -EINVAL);
	ck_assert_int_eq(virtq__enable(&q, &mem, 0, GPA, GPA + AVAIL, GPA + USED, false), -EINVAL);
	ck_assert_int_eq(virtq__enable(&q, &mem, QS, GPA + 8, GPA + AVAIL, GPA + USED, false), -EINVAL);
	ck_assert_int_eq(virtq__enable(&q, &mem, QS, GPA, GPA + AVAIL + 1, GPA + USED, false), -EINVAL);
	ck_assert_int_eq(virtq__enable(&q, &mem, QS, GPA, GPA + AVAIL, GPA + USED + 2, false), -EINVAL);
	ck_assert_int_eq(virtq__enable(&q, &mem, QS, GPA - 4096, GPA + AVAIL, GPA + USED, false), -EINVAL);
	ck_assert_int_eq(virtq__enable(&q, &mem, QS, GPA, GPA + AVAIL, GPA + RAM - 16, false), -EINVAL);
	ck_assert_int_eq(virtq__enable(&q, &mem, 32768, GPA, GPA + AVAIL, GPA + USED, false), -EINVAL);
	ck_assert_int_eq(virtq__enable(&q, &mem, QS, GPA, GPA + AVAIL, GPA + USED, false), 0);
}
END_TEST

START_TEST(chain_out_then_in)
{
	const char *why;

	desc(0, GPA + DATA, 16, VRING_DESC_F_NEXT, 3);
	desc(3, GPA + DATA + 100, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 5);
	desc(5, GPA + DATA + 1000, 1, VRING_DESC_F_WRITE, 0);
	offer(0);
	ck_assert_int_eq(pop(&why), 1);
	ck_assert_uint_eq(c.head, 0);
	ck_assert_uint_eq(c.nr_out, 1);
	ck_assert_uint_eq(c.nr_in, 2);
	ck_assert_uint_eq(c.out_len, 16);
	ck_assert_uint_eq(c.in_len, 513);
	ck_assert_ptr_eq(iov[0].iov_base, ram + DATA);
	ck_assert_ptr_eq(iov[2].iov_base, ram + DATA + 1000);
	ck_assert_int_eq(pop(&why), 0);		/* nothing more */
}
END_TEST

START_TEST(indirect)
{
	const char *why;
	struct vring_desc *t = desc_at(0x3000, 0);

	t[0] = (struct vring_desc){ GPA + DATA, 16, VRING_DESC_F_NEXT, 1 };
	t[1] = (struct vring_desc){ GPA + DATA + 16, 4, VRING_DESC_F_WRITE, 0 };
	desc(2, GPA + 0x3000, 32, VRING_DESC_F_INDIRECT, 0);
	offer(2);
	ck_assert_int_eq(pop(&why), 1);
	ck_assert_uint_eq(c.head, 2);
	ck_assert_uint_eq(c.nr_out + c.nr_in, 2);
	ck_assert_uint_eq(c.in_len, 4);
	/* An indirect descriptor at the end of a normal chain (2.7.5.3.2). */
	desc(4, GPA + DATA, 8, VRING_DESC_F_NEXT, 6);
	desc(6, GPA + 0x3000, 32, VRING_DESC_F_INDIRECT, 0);
	offer(4);
	ck_assert_int_eq(pop(&why), 1);
	ck_assert_uint_eq(c.nr_out, 2);
	ck_assert_uint_eq(c.nr_in, 1);
}
END_TEST

/* Each malformed ring: -EINVAL, and the reason. */
static void expect_bad(const char *reason)
{
	const char *why;

	ck_assert_int_eq(pop(&why), -EINVAL);
	ck_assert_msg(strstr(why, reason), "'%s' lacks '%s'", why, reason);
}

START_TEST(bad_rings)
{
	struct vring_desc *t = desc_at(0x3000, 0);

	offer(QS);
	expect_bad("names no descriptor");
	setup(false);
	desc(0, GPA + DATA, 8, VRING_DESC_F_NEXT, 1);
	desc(1, GPA + DATA, 8, VRING_DESC_F_NEXT, 0);
	offer(0);
	expect_bad("loops");
	setup(false);
	desc(0, GPA + DATA, 8, VRING_DESC_F_NEXT, QS);
	offer(0);
	expect_bad("past the table");
	setup(false);
	desc(0, GPA - 16, 8, 0, 0);
	offer(0);
	expect_bad("outside guest RAM");
	setup(false);
	desc(0, GPA + RAM - 8, 16, 0, 0);
	offer(0);
	expect_bad("outside guest RAM");
	setup(false);
	desc(0, 0xFFFFFFFFFFFFFFF0ULL, 32, 0, 0);	/* addr + len wraps */
	offer(0);
	expect_bad("outside guest RAM");
	setup(false);
	desc(0, GPA + DATA, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	desc(1, GPA + DATA, 8, 0, 0);
	offer(0);
	expect_bad("readable buffer after a writable");
	setup(false);
	t[0] = (struct vring_desc){ GPA + 0x3000, 16, VRING_DESC_F_INDIRECT, 0 };
	desc(0, GPA + 0x3000, 16, VRING_DESC_F_INDIRECT, 0);
	offer(0);
	expect_bad("inside an indirect table");
	setup(false);
	desc(0, GPA + 0x3000, 17, VRING_DESC_F_INDIRECT, 0);
	offer(0);
	expect_bad("not whole descriptors");
	setup(false);
	desc(0, GPA + 0x3000, 16, VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
	offer(0);
	expect_bad("NEXT set");
	setup(false);
	desc(0, GPA + RAM - 16, 32, VRING_DESC_F_INDIRECT, 0);
	offer(0);
	expect_bad("indirect table outside");
	/* Longer than the caller accepts (c.max = QS). */
	setup(false);
	for (unsigned int i = 0; i < QS + 1; i++)
		t[i] = (struct vring_desc){ GPA + DATA, 1, i < QS ? VRING_DESC_F_NEXT : 0,
					    (uint16_t)(i + 1) };
	desc(0, GPA + 0x3000, (QS + 1) * 16, VRING_DESC_F_INDIRECT, 0);
	offer(0);
	expect_bad("longer than the device accepts");
	/* More than 4 GiB in one chain. */
	setup(false);
	desc(0, GPA + DATA, 0x80000000U, 0, 0);
	{
		struct guest_mem big = { ram, GPA, 0x200000000ULL };	/* a lie, never dereferenced */

		ck_assert_int_eq(virtq__enable(&q, &big, QS, GPA + DESC, GPA + AVAIL, GPA + USED,
					       false), 0);
		desc(0, GPA + DATA, 0xFFFFFFFFU, VRING_DESC_F_NEXT, 1);
		desc(1, GPA + DATA, 0xFFFFFFFFU, 0, 0);
		offer(0);
		expect_bad("more than 4 GiB");
	}
	/* The available index moving by more than the queue size. */
	setup(false);
	*avail_idx() = QS + 1;
	expect_bad("moved by more than the queue size");
}
END_TEST

START_TEST(used_ring)
{
	const char *why;
	uint16_t *used_idx = (uint16_t *)(ram + USED + 2);
	struct vring_used_elem *e = (struct vring_used_elem *)(ram + USED + 4);

	desc(0, GPA + DATA, 8, VRING_DESC_F_WRITE, 0);
	offer(0);
	offer(0);
	ck_assert_int_eq(pop(&why), 1);
	virtq__push(&q, c.head, 5);
	ck_assert_uint_eq(*used_idx, 0);	/* not visible before publish */
	ck_assert_int_eq(pop(&why), 1);
	virtq__push(&q, c.head, 7);
	virtq__publish(&q);
	ck_assert_uint_eq(*used_idx, 2);
	ck_assert_uint_eq(e[0].id, 0);
	ck_assert_uint_eq(e[0].len, 5);
	ck_assert_uint_eq(e[1].len, 7);
	/* Without EVENT_IDX: notify unless the driver set NO_INTERRUPT. */
	ck_assert(virtq__need_notify(&q));
	*(uint16_t *)(ram + AVAIL) = VRING_AVAIL_F_NO_INTERRUPT;
	ck_assert(!virtq__need_notify(&q));
	/* unpop gives the same chain back. */
	offer(0);
	ck_assert_int_eq(pop(&why), 1);
	virtq__unpop(&q);
	ck_assert_int_eq(pop(&why), 1);
	ck_assert_int_eq(pop(&why), 0);
}
END_TEST

START_TEST(event_idx)
{
	const char *why;
	uint16_t *used_event = avail_ring(QS), *avail_event = (uint16_t *)(ram + USED + 4 + 8 * QS);

	setup(true);
	desc(0, GPA + DATA, 8, VRING_DESC_F_WRITE, 0);
	for (int i = 0; i < 4; i++)
		offer(0);
	*used_event = 2;	/* interrupt me when used.idx passes 2 */
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(pop(&why), 1);
		virtq__push(&q, 0, 1);
	}
	virtq__publish(&q);
	ck_assert(virtq__need_notify(&q));	/* the first decision always notifies */
	ck_assert_int_eq(pop(&why), 1);
	virtq__push(&q, 0, 1);
	virtq__publish(&q);			/* used 2 -> 3 crosses used_event 2 */
	ck_assert(virtq__need_notify(&q));
	ck_assert_int_eq(pop(&why), 1);
	virtq__push(&q, 0, 1);
	virtq__publish(&q);			/* 3 -> 4: not asked for */
	ck_assert(!virtq__need_notify(&q));
	/* Re-arming asks for a kick at the next buffer, and sees a racing one. */
	ck_assert(!virtq__rearm(&q));
	ck_assert_uint_eq(*avail_event, 4);
	offer(0);
	ck_assert(virtq__rearm(&q));
}
END_TEST

START_TEST(iov_copies)
{
	uint8_t a[4] = { 0 }, b[6] = { 0 }, out[8];
	struct iovec v[2] = { { a, sizeof(a) }, { b, sizeof(b) } };

	ck_assert_uint_eq(iov_from_buf(v, 2, 2, "ABCDEFGH", 8), 8);
	ck_assert(!memcmp(a + 2, "AB", 2));
	ck_assert(!memcmp(b, "CDEFGH", 6));
	ck_assert_uint_eq(iov_to_buf(v, 2, 3, out, sizeof(out)), 7);
	ck_assert(!memcmp(out, "BCDEFGH", 7));
	ck_assert_uint_eq(iov_to_buf(v, 2, 10, out, 4), 0);	/* past the end */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("virtq");
	TCase *tc = tcase_create("split");

	tcase_add_checked_fixture(tc, setup_plain, NULL);
	tcase_add_test(tc, enable_checks);
	tcase_add_test(tc, chain_out_then_in);
	tcase_add_test(tc, indirect);
	tcase_add_test(tc, bad_rings);
	tcase_add_test(tc, used_ring);
	tcase_add_test(tc, event_idx);
	tcase_add_test(tc, iov_copies);
	suite_add_tcase(s, tc);
	return check_run(s);
}
