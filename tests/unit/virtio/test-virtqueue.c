/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-virtqueue"

#include "config.h"

#include <glib.h>

#include "virtio-test-driver.h"

#define RING   0x10000ull
#define TABLE  0x80000ull
#define BUF    0x100000ull
#define MIB    (1ull << 20)

struct fixture {
  struct guest_memory mem;
  struct virtqueue vq;
  struct test_vq t;
};

static void
fixture_setup (struct fixture *f, uint16_t size, bool indirect, bool event_idx)
{
  /* 16 MiB below the hole, 16 MiB at 4 GiB. */
  g_assert_cmpint (guest_memory_init (&f->mem, 32 * MIB, 16 * MIB), ==, 0);
  virtqueue_init (&f->vq, &f->mem, 1024);
  tvq_init (&f->t, &f->mem, &f->vq, size, RING);
  f->vq.indirect = indirect;
  f->vq.event_idx = event_idx;
  g_assert_cmpint (virtqueue_enable (&f->vq), ==, 0);
}

static void
fixture_teardown (struct fixture *f)
{
  virtqueue_destroy (&f->vq);
  guest_memory_destroy (&f->mem);
}

/* The chain at @head must break the queue, for good. */
static void
expect_broken (struct fixture *f, uint16_t head)
{
  struct virtqueue_elem elem;

  tvq_publish (&f->t, head);
  g_assert_cmpint (virtqueue_pop (&f->vq, &elem), ==, -EIO);
  g_assert_true (f->vq.broken);
  g_assert_cmpint (virtqueue_pop (&f->vq, &elem), ==, -EIO);
  g_assert_false (virtqueue_should_notify (&f->vq));
}

static void
test_direct (void)
{
  struct fixture f;
  struct virtqueue_elem elem;
  uint32_t id = 0, len = 0;

  fixture_setup (&f, 16, false, false);
  memcpy (guest_memory_ptr (&f.mem, BUF, 4), "abcd", 4);
  tvq_set_desc (&f.t, 3, BUF, 4, VRING_DESC_F_NEXT, 7);
  tvq_set_desc (&f.t, 7, BUF + 0x1000, 100, VRING_DESC_F_NEXT, 1);
  tvq_set_desc (&f.t, 1, BUF + 0x2000, 50, VRING_DESC_F_WRITE, 0);
  tvq_publish (&f.t, 3);

  g_assert_cmpint (virtqueue_pop (&f.vq, &elem), ==, 1);
  g_assert_cmpuint (elem.head, ==, 3);
  g_assert_cmpuint (elem.out_num, ==, 2);
  g_assert_cmpuint (elem.in_num, ==, 1);
  g_assert_cmpuint (elem.out_len, ==, 104);
  g_assert_cmpuint (elem.in_len, ==, 50);
  g_assert_true (elem.iov[0].iov_base == guest_memory_ptr (&f.mem, BUF, 4));
  g_assert_true (elem.iov[2].iov_base == guest_memory_ptr (&f.mem, BUF + 0x2000, 50));
  g_assert_cmpmem (elem.iov[0].iov_base, 4, "abcd", 4);
  g_assert_cmpint (virtqueue_pop (&f.vq, &elem), ==, 0);

  virtqueue_push (&f.vq, &elem, 20);
  g_assert_true (virtqueue_should_notify (&f.vq));
  g_assert_true (tvq_get_used (&f.t, &id, &len));
  g_assert_cmpuint (id, ==, 3);
  g_assert_cmpuint (len, ==, 20);

  /* A device claiming more than the buffer holds is clamped. */
  tvq_publish (&f.t, 3);
  g_assert_cmpint (virtqueue_pop (&f.vq, &elem), ==, 1);
  virtqueue_push (&f.vq, &elem, 1000);
  g_assert_true (tvq_get_used (&f.t, &id, &len));
  g_assert_cmpuint (len, ==, 50);

  /* The driver may turn interrupts off without event idx. */
  tvq_set_avail_flags (&f.t, VRING_AVAIL_F_NO_INTERRUPT);
  g_assert_false (virtqueue_should_notify (&f.vq));
  fixture_teardown (&f);
}

static void
test_indirect (void)
{
  struct fixture f;
  struct virtqueue_elem elem;

  fixture_setup (&f, 8, true, false);
  tvq_set_desc_in (&f.t, TABLE, 0, BUF, 16, VRING_DESC_F_NEXT, 2);
  tvq_set_desc_in (&f.t, TABLE, 2, BUF + 0x1000, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
  tvq_set_desc_in (&f.t, TABLE, 1, BUF + 0x2000, 1, VRING_DESC_F_WRITE, 0);
  tvq_set_desc (&f.t, 5, TABLE, 3 * 16, VRING_DESC_F_INDIRECT, 0);
  tvq_publish (&f.t, 5);
  g_assert_cmpint (virtqueue_pop (&f.vq, &elem), ==, 1);
  g_assert_cmpuint (elem.head, ==, 5);
  g_assert_cmpuint (elem.out_num, ==, 1);
  g_assert_cmpuint (elem.in_num, ==, 2);
  g_assert_cmpuint (elem.in_len, ==, 513);
  g_assert_true (elem.iov[2].iov_base == guest_memory_ptr (&f.mem, BUF + 0x2000, 1));

  /* Buffers in the high region, above the hole, are fine. */
  tvq_set_desc (&f.t, 0, GUEST_MEMORY_HIGH_BASE + 0x1000, 4096, VRING_DESC_F_WRITE, 0);
  tvq_publish (&f.t, 0);
  g_assert_cmpint (virtqueue_pop (&f.vq, &elem), ==, 1);
  g_assert_cmpuint (elem.in_len, ==, 4096);
  fixture_teardown (&f);
}

static void
test_event_idx (void)
{
  struct fixture f;
  struct virtqueue_elem elem;

  fixture_setup (&f, 8, false, true);
  tvq_set_desc (&f.t, 0, BUF, 8, VRING_DESC_F_WRITE, 0);

  g_assert_false (virtqueue_enable_notify (&f.vq));
  g_assert_cmpuint (tvq_avail_event (&f.t), ==, 0);

  /* used_event 0: the driver wants an interrupt for the first one. */
  tvq_publish (&f.t, 0);
  g_assert_true (virtqueue_enable_notify (&f.vq));  /* it arrived meanwhile */
  g_assert_cmpint (virtqueue_pop (&f.vq, &elem), ==, 1);
  virtqueue_push (&f.vq, &elem, 8);
  g_assert_true (virtqueue_should_notify (&f.vq));
  g_assert_false (virtqueue_enable_notify (&f.vq));
  g_assert_cmpuint (tvq_avail_event (&f.t), ==, 1);

  /* used_event 2: no interrupt for used idx 2, one when it passes 3. */
  tvq_set_used_event (&f.t, 2);
  tvq_publish (&f.t, 0);
  g_assert_cmpint (virtqueue_pop (&f.vq, &elem), ==, 1);
  virtqueue_push (&f.vq, &elem, 8);
  g_assert_false (virtqueue_should_notify (&f.vq));
  tvq_publish (&f.t, 0);
  g_assert_cmpint (virtqueue_pop (&f.vq, &elem), ==, 1);
  virtqueue_push (&f.vq, &elem, 8);
  g_assert_true (virtqueue_should_notify (&f.vq));
  /* Nothing new: no interrupt. */
  g_assert_false (virtqueue_should_notify (&f.vq));
  g_assert_cmpuint (tvq_used_idx (&f.t), ==, 3);
  fixture_teardown (&f);
}

static void
test_zero_length (void)
{
  struct fixture f;
  struct virtqueue_elem elem;

  fixture_setup (&f, 8, false, false);
  /* An empty buffer at an address outside RAM touches nothing: skipped. */
  tvq_set_desc (&f.t, 0, BUF, 4, VRING_DESC_F_NEXT, 1);
  tvq_set_desc (&f.t, 1, 0xdead00000000ull, 0, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
  tvq_set_desc (&f.t, 2, BUF + 8, 1, VRING_DESC_F_WRITE, 0);
  tvq_publish (&f.t, 0);
  g_assert_cmpint (virtqueue_pop (&f.vq, &elem), ==, 1);
  g_assert_cmpuint (elem.out_num, ==, 1);
  g_assert_cmpuint (elem.in_num, ==, 1);
  g_assert_cmpuint (elem.in_len, ==, 1);
  fixture_teardown (&f);
}

static void
test_enable_checks (void)
{
  struct guest_memory mem;
  struct virtqueue vq;
  struct test_vq t;

  g_assert_cmpint (guest_memory_init (&mem, 32 * MIB, 16 * MIB), ==, 0);
  virtqueue_init (&vq, &mem, 256);
  tvq_init (&t, &mem, &vq, 16, RING);

  vq.size = 0;
  g_assert_cmpint (virtqueue_enable (&vq), ==, -EINVAL);
  vq.size = 24;
  g_assert_cmpint (virtqueue_enable (&vq), ==, -EINVAL);
  vq.size = 512;  /* above the device's maximum */
  g_assert_cmpint (virtqueue_enable (&vq), ==, -EINVAL);
  vq.size = 16;
  vq.desc_gpa = RING + 8;  /* misaligned */
  g_assert_cmpint (virtqueue_enable (&vq), ==, -EINVAL);
  vq.desc_gpa = 16 * MIB - 16 * 4;  /* runs into the hole */
  g_assert_cmpint (virtqueue_enable (&vq), ==, -EINVAL);
  vq.desc_gpa = GUEST_MEMORY_HIGH_BASE + 16 * MIB;  /* past the end */
  g_assert_cmpint (virtqueue_enable (&vq), ==, -EINVAL);
  vq.desc_gpa = t.desc;
  vq.used_gpa = UINT64_MAX - 3;
  g_assert_cmpint (virtqueue_enable (&vq), ==, -EINVAL);
  g_assert_false (vq.ready);
  vq.used_gpa = t.used;
  g_assert_cmpint (virtqueue_enable (&vq), ==, 0);
  g_assert_true (vq.ready);

  virtqueue_destroy (&vq);
  guest_memory_destroy (&mem);
}

static void
test_loop (void)
{
  struct fixture f;

  fixture_setup (&f, 8, false, false);
  tvq_set_desc (&f.t, 0, BUF, 4, VRING_DESC_F_NEXT, 1);
  tvq_set_desc (&f.t, 1, BUF, 4, VRING_DESC_F_NEXT, 0);
  expect_broken (&f, 0);
  fixture_teardown (&f);
}

static void
test_self_loop_write (void)
{
  struct fixture f;

  /* Longer than the queue while looking legitimate: writable to itself. */
  fixture_setup (&f, 4, false, false);
  tvq_set_desc (&f.t, 2, BUF, 4, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
  expect_broken (&f, 2);
  fixture_teardown (&f);
}

static void
test_index_out_of_range (void)
{
  struct fixture f;

  fixture_setup (&f, 8, false, false);
  expect_broken (&f, 8);
  fixture_teardown (&f);

  fixture_setup (&f, 8, false, false);
  tvq_set_desc (&f.t, 0, BUF, 4, VRING_DESC_F_NEXT, 200);
  expect_broken (&f, 0);
  fixture_teardown (&f);
}

static void
test_indirect_bad (void)
{
  struct fixture f;
  const uint32_t bad_len[] = { 0, 24, 9 * 16, 0xfffffff0 };

  /* Not negotiated. */
  fixture_setup (&f, 8, false, false);
  tvq_set_desc_in (&f.t, TABLE, 0, BUF, 4, 0, 0);
  tvq_set_desc (&f.t, 0, TABLE, 16, VRING_DESC_F_INDIRECT, 0);
  expect_broken (&f, 0);
  fixture_teardown (&f);

  /* Inside an indirect table. */
  fixture_setup (&f, 8, true, false);
  tvq_set_desc_in (&f.t, TABLE, 0, BUF, 4, VRING_DESC_F_NEXT, 1);
  tvq_set_desc_in (&f.t, TABLE, 1, TABLE, 32, VRING_DESC_F_INDIRECT, 0);
  tvq_set_desc (&f.t, 0, TABLE, 32, VRING_DESC_F_INDIRECT, 0);
  expect_broken (&f, 0);
  fixture_teardown (&f);

  /* With a next flag too. */
  fixture_setup (&f, 8, true, false);
  tvq_set_desc_in (&f.t, TABLE, 0, BUF, 4, 0, 0);
  tvq_set_desc (&f.t, 0, TABLE, 16, VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
  expect_broken (&f, 0);
  fixture_teardown (&f);

  /* Loop inside the table. */
  fixture_setup (&f, 8, true, false);
  tvq_set_desc_in (&f.t, TABLE, 0, BUF, 4, VRING_DESC_F_NEXT, 1);
  tvq_set_desc_in (&f.t, TABLE, 1, BUF, 4, VRING_DESC_F_NEXT, 0);
  tvq_set_desc (&f.t, 0, TABLE, 32, VRING_DESC_F_INDIRECT, 0);
  expect_broken (&f, 0);
  fixture_teardown (&f);

  /* Next index past the table's end. */
  fixture_setup (&f, 8, true, false);
  tvq_set_desc_in (&f.t, TABLE, 0, BUF, 4, VRING_DESC_F_NEXT, 2);
  tvq_set_desc (&f.t, 0, TABLE, 32, VRING_DESC_F_INDIRECT, 0);
  expect_broken (&f, 0);
  fixture_teardown (&f);

  /* Lengths: zero, not a multiple of 16, longer than the queue, huge. */
  for (unsigned i = 0; i < G_N_ELEMENTS (bad_len); i++)
    {
      fixture_setup (&f, 8, true, false);
      tvq_set_desc (&f.t, 0, TABLE, bad_len[i], VRING_DESC_F_INDIRECT, 0);
      expect_broken (&f, 0);
      fixture_teardown (&f);
    }

  /* A table straddling the PCI hole. */
  fixture_setup (&f, 8, true, false);
  tvq_set_desc (&f.t, 0, 16 * MIB - 16, 32, VRING_DESC_F_INDIRECT, 0);
  expect_broken (&f, 0);
  fixture_teardown (&f);
}

static void
test_bad_buffers (void)
{
  struct fixture f;
  const struct { uint64_t addr; uint32_t len; } bad[] = {
    { 16 * MIB - 8, 16 },                          /* straddles the PCI hole */
    { 16 * MIB, 4 },                               /* inside the hole */
    { GUEST_MEMORY_HIGH_BASE + 16 * MIB - 4, 8 },  /* past the end of RAM */
    { GUEST_MEMORY_HIGH_BASE + 16 * MIB, 1 },
    { BUF, 0xffffffff },                           /* huge */
    { UINT64_MAX, 2 },                             /* wraps */
    { UINT64_MAX - 0xfff, 0x1000 },
  };

  for (unsigned i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      fixture_setup (&f, 8, false, false);
      tvq_set_desc (&f.t, 0, BUF, 16, VRING_DESC_F_NEXT, 1);
      tvq_set_desc (&f.t, 1, bad[i].addr, bad[i].len, VRING_DESC_F_WRITE, 0);
      expect_broken (&f, 0);
      fixture_teardown (&f);
    }
}

static void
test_readable_after_writable (void)
{
  struct fixture f;

  fixture_setup (&f, 8, false, false);
  tvq_set_desc (&f.t, 0, BUF, 16, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
  tvq_set_desc (&f.t, 1, BUF + 16, 16, 0, 0);
  expect_broken (&f, 0);
  fixture_teardown (&f);
}

static void
test_avail_jump (void)
{
  struct fixture f;
  struct virtqueue_elem elem;

  fixture_setup (&f, 8, false, false);
  tvq_set_avail_idx (&f.t, 9);
  g_assert_cmpint (virtqueue_pop (&f.vq, &elem), ==, -EIO);
  g_assert_true (f.vq.broken);
  fixture_teardown (&f);

  /* Exactly a full ring is legitimate. */
  fixture_setup (&f, 8, false, false);
  tvq_set_desc (&f.t, 0, BUF, 16, 0, 0);
  tvq_set_avail_idx (&f.t, 8);
  for (int i = 0; i < 8; i++)
    g_assert_cmpint (virtqueue_pop (&f.vq, &elem), ==, 1);
  g_assert_cmpint (virtqueue_pop (&f.vq, &elem), ==, 0);
  fixture_teardown (&f);
}

static void
test_total_overflow (void)
{
  struct fixture f;

  /* 300 buffers of 16 MiB each: more than 4 GiB in one request. */
  fixture_setup (&f, 512, true, false);
  for (unsigned i = 0; i < 300; i++)
    tvq_set_desc_in (&f.t, TABLE, i, 0, 16 * MIB, VRING_DESC_F_NEXT, i + 1);
  tvq_set_desc_in (&f.t, TABLE, 299, 0, 16 * MIB, 0, 0);
  tvq_set_desc (&f.t, 0, TABLE, 300 * 16, VRING_DESC_F_INDIRECT, 0);
  expect_broken (&f, 0);
  fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/virtqueue/direct", test_direct);
  g_test_add_func ("/Vmm/virtqueue/indirect", test_indirect);
  g_test_add_func ("/Vmm/virtqueue/event-idx", test_event_idx);
  g_test_add_func ("/Vmm/virtqueue/zero-length", test_zero_length);
  g_test_add_func ("/Vmm/virtqueue/enable-checks", test_enable_checks);
  g_test_add_func ("/Vmm/virtqueue/hostile/loop", test_loop);
  g_test_add_func ("/Vmm/virtqueue/hostile/longer-than-queue", test_self_loop_write);
  g_test_add_func ("/Vmm/virtqueue/hostile/index-out-of-range", test_index_out_of_range);
  g_test_add_func ("/Vmm/virtqueue/hostile/indirect", test_indirect_bad);
  g_test_add_func ("/Vmm/virtqueue/hostile/bad-buffers", test_bad_buffers);
  g_test_add_func ("/Vmm/virtqueue/hostile/readable-after-writable",
                   test_readable_after_writable);
  g_test_add_func ("/Vmm/virtqueue/hostile/avail-jump", test_avail_jump);
  g_test_add_func ("/Vmm/virtqueue/hostile/total-overflow", test_total_overflow);
  return g_test_run ();
}
