/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The HD Audio controller and codec, driven the way snd-hda-intel drives
 * them, then by a hostile guest: bad rings, lists, addresses and formats
 * must be refused without harm to the host. */
#define G_LOG_DOMAIN "test-hda"

#include "config.h"

#include <glib.h>
#include <string.h>

#include "audio/audio.h"
#include "audio/hda-controller.h"
#include "audio/hda-private.h"
#include "memory/guest-memory.h"
#include "pci/pci.h"

#define MIB (1ull << 20)
#define RAM (32 * MIB)
#define CORB_GPA 0x10000
#define RIRB_GPA 0x11000
#define POS_GPA  0x12000
#define BDL_GPA  0x13000
#define BUF_GPA  0x20000
#define OUT0     HDA_N_ISS    /* the first output descriptor */

struct fx {
  struct guest_memory mem;
  struct audio *audio;
  struct audio_consumer *consumer;
  struct hda_controller *hda;
  struct pci_device *pci;
  uint64_t now;
  GArray *heard;   /* int16_t, interleaved stereo */
  unsigned starts, stops;
  unsigned corb_wp;
};

static uint64_t
fx_clock (void *opaque)
{
  return ((struct fx *) opaque)->now;
}

static void
fx_start (void *opaque)
{
  ((struct fx *) opaque)->starts++;
}

static void
fx_stop (void *opaque)
{
  ((struct fx *) opaque)->stops++;
}

static void
fx_write (void *opaque, const int16_t *frames, size_t n)
{
  g_array_append_vals (((struct fx *) opaque)->heard, frames, (guint) n * 2);
}

static const struct audio_consumer_ops fx_ops = { fx_start, fx_stop, fx_write };

static void
fx_init (struct fx *f)
{
  memset (f, 0, sizeof *f);
  g_assert_cmpint (guest_memory_init (&f->mem, RAM, RAM), ==, 0);
  f->audio = audio_new ();
  f->heard = g_array_new (FALSE, FALSE, sizeof (int16_t));
  f->consumer = audio_register (f->audio, &fx_ops, f);
  f->hda = hda_controller_new (&f->mem, f->audio);
  f->pci = hda_controller_get_pci (f->hda);
  f->now = 1000000000ull;
  hda_controller_set_clock (f->hda, fx_clock, f);
}

static void
fx_clear (struct fx *f)
{
  hda_controller_free (f->hda);
  audio_unregister (f->consumer);
  audio_free (f->audio);
  g_array_unref (f->heard);
  guest_memory_destroy (&f->mem);
}

static uint32_t
rd (struct fx *f, uint64_t off, unsigned size)
{
  uint64_t v = 0;

  f->pci->bars[0].ops->read (f->pci->bars[0].opaque, off, &v, size);
  return (uint32_t) v;
}

static void
wr (struct fx *f, uint64_t off, unsigned size, uint64_t v)
{
  f->pci->bars[0].ops->write (f->pci->bars[0].opaque, off, &v, size);
}

static void
put32 (struct fx *f, uint64_t gpa, uint32_t v)
{
  g_assert_cmpint (guest_memory_write (&f->mem, gpa, &v, 4), ==, 0);
}

static uint32_t
get32 (struct fx *f, uint64_t gpa)
{
  uint32_t v = 0;

  g_assert_cmpint (guest_memory_read (&f->mem, gpa, &v, 4), ==, 0);
  return v;
}

static void
bdl_entry (struct fx *f, uint64_t bdl, unsigned i, uint64_t addr, uint32_t len, uint32_t flags)
{
  put32 (f, bdl + i * 16, (uint32_t) addr);
  put32 (f, bdl + i * 16 + 4, addr >> 32);
  put32 (f, bdl + i * 16 + 8, len);
  put32 (f, bdl + i * 16 + 12, flags);
}

/* What the driver does at probe: reset, rings, interrupts on. */
static void
fx_bring_up (struct fx *f)
{
  wr (f, HDA_GCTL, 4, 0);
  g_assert_cmpuint (rd (f, HDA_GCTL, 4) & 1, ==, 0);
  wr (f, HDA_GCTL, 4, 1);
  g_assert_cmpuint (rd (f, HDA_GCTL, 4) & 1, ==, 1);
  g_assert_cmpuint (rd (f, HDA_STATESTS, 2), ==, 1);
  wr (f, HDA_STATESTS, 2, 1);
  g_assert_cmpuint (rd (f, HDA_STATESTS, 2), ==, 0);

  wr (f, HDA_CORBLBASE, 4, CORB_GPA);
  wr (f, HDA_CORBUBASE, 4, 0);
  wr (f, HDA_CORBSIZE, 1, 2);
  wr (f, HDA_CORBWP, 2, 0);
  wr (f, HDA_CORBRP, 2, 0x8000);
  g_assert_cmpuint (rd (f, HDA_CORBRP, 2), ==, 0x8000);
  wr (f, HDA_CORBRP, 2, 0);
  g_assert_cmpuint (rd (f, HDA_CORBRP, 2), ==, 0);
  wr (f, HDA_CORBCTL, 1, HDA_CORBCTL_RUN);
  wr (f, HDA_RIRBLBASE, 4, RIRB_GPA);
  wr (f, HDA_RIRBUBASE, 4, 0);
  wr (f, HDA_RIRBSIZE, 1, 2);
  wr (f, HDA_RIRBWP, 2, 0x8000);
  wr (f, HDA_RINTCNT, 2, 1);
  wr (f, HDA_RIRBCTL, 1, HDA_RIRBCTL_DMA | HDA_RIRBCTL_INT);
  wr (f, HDA_INTCTL, 4, HDA_INTCTL_GIE | HDA_INTCTL_CIE);
  f->corb_wp = 0;
}

/* Sends @verb through the CORB; returns the response (asserting there is one). */
static uint32_t
fx_verb (struct fx *f, uint32_t verb)
{
  unsigned wp0 = rd (f, HDA_RIRBWP, 2) & 0xff;

  f->corb_wp = (f->corb_wp + 1) & 0xff;
  put32 (f, CORB_GPA + f->corb_wp * 4, verb);
  wr (f, HDA_CORBWP, 2, f->corb_wp);
  g_assert_cmpuint (rd (f, HDA_CORBRP, 2), ==, f->corb_wp);
  g_assert_cmpuint (rd (f, HDA_RIRBWP, 2) & 0xff, ==, (wp0 + 1) & 0xff);
  g_assert_true (rd (f, HDA_RIRBSTS, 1) & HDA_RIRBSTS_INT);
  g_assert_true (rd (f, HDA_INTSTS, 4) & (HDA_INTCTL_GIE | HDA_INTCTL_CIE));
  g_assert_cmpint (f->pci->intx_level, ==, 1);
  wr (f, HDA_RIRBSTS, 1, HDA_RIRBSTS_INT);
  g_assert_cmpint (f->pci->intx_level, ==, 0);
  return get32 (f, RIRB_GPA + ((wp0 + 1) & 0xff) * 8);
}

#define VERB(nid, verb, payload) (((uint32_t) (nid) << 20) | ((uint32_t) (verb) << 8) | (payload))

static void
test_codec (void)
{
  struct fx f;

  fx_init (&f);
  g_assert_cmpuint (pci_config_get16 (f.pci, PCI_VENDOR_ID), ==, 0x8086);
  g_assert_cmpuint (pci_config_get16 (f.pci, PCI_DEVICE_ID), ==, 0x293e);
  g_assert_cmpuint (f.pci->config[0x0b], ==, 0x04);
  g_assert_cmpuint (f.pci->config[0x0a], ==, 0x03);
  g_assert_cmpuint (f.pci->bars[0].size, ==, 0x4000);
  g_assert_cmpuint (rd (&f, HDA_GCAP, 2), ==, 0x4401);
  fx_bring_up (&f);

  g_assert_cmpuint (fx_verb (&f, VERB (0, 0xf00, 0x00)), ==, 0x1af40021);
  g_assert_cmpuint (fx_verb (&f, VERB (0, 0xf00, 0x04)), ==, 0x00010001);
  g_assert_cmpuint (fx_verb (&f, VERB (1, 0xf00, 0x05)) & 0xff, ==, 0x01);
  g_assert_cmpuint (fx_verb (&f, VERB (1, 0xf00, 0x04)), ==, 0x00020002);
  g_assert_cmpuint (fx_verb (&f, VERB (2, 0xf00, 0x09)) >> 20, ==, 0);     /* output */
  g_assert_cmpuint (fx_verb (&f, VERB (3, 0xf00, 0x09)) >> 20, ==, 4);     /* pin */
  g_assert_cmpuint (fx_verb (&f, VERB (3, 0xf02, 0)), ==, 2);
  g_assert_cmpuint (fx_verb (&f, VERB (3, 0xf1c, 0)), !=, 0);
  g_assert_cmpuint (fx_verb (&f, VERB (2, 0xf00, 0x0a)) & (1u << 17), !=, 0);
  /* Format, stream, amplifier round trips. */
  fx_verb (&f, VERB (2, 0x200, 0) | 0x4011);
  g_assert_cmpuint (fx_verb (&f, VERB (2, 0xa00, 0)), ==, 0x4011);
  fx_verb (&f, VERB (2, 0x706, 0x35));
  g_assert_cmpuint (fx_verb (&f, VERB (2, 0xf06, 0)), ==, 0x35);
  /* No amplifiers (a guest would start them muted). */
  g_assert_cmpuint (fx_verb (&f, VERB (2, 0xf00, 0x09)) & 0x6, ==, 0);
  g_assert_cmpuint (fx_verb (&f, VERB (2, 0xf00, 0x12)), ==, 0);
  fx_verb (&f, VERB (2, 0x300, 0) | 0xb000 | 0x80);
  g_assert_cmpuint (fx_verb (&f, VERB (2, 0xb00, 0) | 0xa000), ==, 0);
  fx_verb (&f, VERB (1, 0x705, 3));
  g_assert_cmpuint (fx_verb (&f, VERB (1, 0xf05, 0)), ==, 0x33);
  /* Unknown verbs and nodes answer 0. */
  g_assert_cmpuint (fx_verb (&f, VERB (0x7f, 0xf00, 0)), ==, 0);
  g_assert_cmpuint (fx_verb (&f, VERB (2, 0xfff, 0xff)), ==, 0);

  /* The immediate command interface. */
  wr (&f, HDA_ICOI, 4, VERB (0, 0xf00, 0));
  wr (&f, HDA_ICIS, 2, HDA_ICIS_ICB);
  g_assert_cmpuint (rd (&f, HDA_ICIS, 2), ==, HDA_ICIS_IRV);
  g_assert_cmpuint (rd (&f, HDA_IRII, 4), ==, 0x1af40021);
  wr (&f, HDA_ICIS, 2, HDA_ICIS_IRV);
  g_assert_cmpuint (rd (&f, HDA_ICIS, 2), ==, 0);
  fx_clear (&f);
}

/* Output stream @sd plays @n entries of @len bytes at BUF_GPA, each with IOC. */
static void
fx_setup_stream (struct fx *f, unsigned stream, uint16_t fmt, unsigned n, uint32_t len)
{
  unsigned sd = hda_sd (stream);

  for (unsigned i = 0; i < n; i++)
    bdl_entry (f, BDL_GPA, i, BUF_GPA + (uint64_t) i * len, len, 1);
  wr (f, sd + HDA_SD_CTL, 1, HDA_SD_CTL_SRST);
  g_assert_cmpuint (rd (f, sd + HDA_SD_CTL, 1) & HDA_SD_CTL_SRST, !=, 0);
  wr (f, sd + HDA_SD_CTL, 1, 0);
  wr (f, sd + HDA_SD_CTL + 2, 1, 1 << 4);   /* stream tag 1 */
  wr (f, sd + HDA_SD_CBL, 4, n * len);
  wr (f, sd + HDA_SD_LVI, 2, n - 1);
  wr (f, sd + HDA_SD_FMT, 2, fmt);
  wr (f, sd + HDA_SD_BDPL, 4, BDL_GPA);
  wr (f, sd + HDA_SD_BDPU, 4, 0);
  wr (f, HDA_INTCTL, 4, rd (f, HDA_INTCTL, 4) | (1u << stream));
}

static void
fx_run (struct fx *f, unsigned stream)
{
  unsigned sd = hda_sd (stream);

  wr (f, sd + HDA_SD_CTL, 1, HDA_SD_CTL_RUN | HDA_SD_CTL_IOCE | HDA_SD_CTL_DEIE);
}

static void
fx_step (struct fx *f, uint64_t ms)
{
  f->now += ms * 1000000ull;
  hda_controller_advance (f->hda);
}

static void
test_playback (void)
{
  struct fx f;
  unsigned sd = hda_sd (OUT0);
  int16_t *buf;
  uint32_t wall0;

  fx_init (&f);
  fx_bring_up (&f);
  fx_verb (&f, VERB (2, 0x706, 0x10));
  fx_verb (&f, VERB (2, 0x200, 0) | 0x0011);
  /* Two periods of 20 ms at 48 kHz stereo: 960 frames, 3840 bytes each. */
  buf = guest_memory_ptr (&f.mem, BUF_GPA, 2 * 3840);
  for (unsigned i = 0; i < 2 * 960 * 2; i++)
    buf[i] = (int16_t) (i * 7 - 3000);
  fx_setup_stream (&f, OUT0, 0x0011, 2, 3840);
  wr (&f, HDA_DPLBASE, 4, POS_GPA | 1);
  wall0 = rd (&f, HDA_WALCLK, 4);
  fx_run (&f, OUT0);
  fx_step (&f, 10);
  g_assert_cmpuint (f.starts, ==, 1);
  g_assert_cmpuint (f.heard->len, ==, 480 * 2);
  g_assert_cmpuint (rd (&f, sd + HDA_SD_LPIB, 4), ==, 1920);
  g_assert_cmpuint (get32 (&f, POS_GPA + OUT0 * 8), ==, 1920);
  g_assert_cmpint (f.pci->intx_level, ==, 0);
  fx_step (&f, 10);
  /* A period done: the interrupt, and the position on the boundary. */
  g_assert_cmpuint (rd (&f, sd + HDA_SD_LPIB, 4), ==, 3840);
  g_assert_cmpuint (rd (&f, 0x2000 + sd + HDA_SD_LPIB, 4), ==, 3840);
  g_assert_cmpuint (rd (&f, sd + HDA_SD_STS, 1) & HDA_SD_STS_BCIS, !=, 0);
  g_assert_cmpuint (rd (&f, HDA_INTSTS, 4), ==, HDA_INTCTL_GIE | (1u << OUT0));
  g_assert_cmpint (f.pci->intx_level, ==, 1);
  g_assert_cmpuint (rd (&f, HDA_WALCLK, 4) - wall0, ==, 20 * 24000);
  wr (&f, sd + HDA_SD_STS, 1, HDA_SD_STS_BCIS);
  g_assert_cmpint (f.pci->intx_level, ==, 0);
  g_assert_cmpuint (f.heard->len, ==, 960 * 2);
  g_assert_cmpmem (f.heard->data, 960 * 4, buf, 960 * 4);
  /* Wraps around after the last entry. */
  fx_step (&f, 20);
  fx_step (&f, 20);
  g_assert_cmpuint (rd (&f, sd + HDA_SD_LPIB, 4), ==, 3840);
  g_assert_cmpmem ((int16_t *) f.heard->data + 2 * 960 * 2, 960 * 4, buf, 960 * 4);
  wr (&f, sd + HDA_SD_STS, 1, HDA_SD_STS_BCIS);
  /* The codec plays another stream tag: this one runs on, unheard. */
  fx_verb (&f, VERB (2, 0x706, 0x20));
  fx_step (&f, 20);
  g_assert_cmpuint (f.heard->len, ==, 3 * 960 * 2);
  g_assert_cmpuint (f.stops, ==, 1);
  g_assert_cmpuint (rd (&f, sd + HDA_SD_STS, 1) & HDA_SD_STS_BCIS, !=, 0);
  wr (&f, sd + HDA_SD_STS, 1, HDA_SD_STS_BCIS);
  fx_verb (&f, VERB (2, 0x706, 0x10));
  fx_step (&f, 20);
  g_assert_cmpuint (f.starts, ==, 2);
  g_assert_cmpuint (f.heard->len, ==, 4 * 960 * 2);
  /* A stalled host does not burst: at most 100 ms. */
  fx_step (&f, 5000);
  g_assert_cmpuint (f.heard->len, <=, (4 * 960 + 4800 + 960) * 2);
  /* Stop. */
  wr (&f, sd + HDA_SD_CTL, 1, 0);
  fx_step (&f, 20);
  g_assert_cmpuint (f.stops, ==, 2);
  fx_clear (&f);
}

static void
test_44k (void)
{
  struct fx f;
  int16_t *buf;

  fx_init (&f);
  fx_bring_up (&f);
  fx_verb (&f, VERB (2, 0x706, 0x10));
  buf = guest_memory_ptr (&f.mem, BUF_GPA, 2 * 4410 * 2);
  for (unsigned i = 0; i < 2 * 4410; i++)
    buf[i] = 1000;
  /* Mono at 44.1 kHz, 100 ms per entry. */
  fx_setup_stream (&f, OUT0, 0x4010, 2, 4410 * 2);
  fx_run (&f, OUT0);
  for (unsigned i = 0; i < 50; i++)
    fx_step (&f, 4);
  /* 200 ms at 48 kHz, give or take a frame, mono copied to both sides. */
  g_assert_cmpuint (f.heard->len / 2, >=, 9598);
  g_assert_cmpuint (f.heard->len / 2, <=, 9601);
  g_assert_cmpint (g_array_index (f.heard, int16_t, 2000), ==, 1000);
  g_assert_cmpint (g_array_index (f.heard, int16_t, 2001), ==, 1000);
  fx_clear (&f);
}

static void
assert_refused (struct fx *f, unsigned stream)
{
  unsigned sd = hda_sd (stream);

  g_assert_cmpuint (rd (f, sd + HDA_SD_STS, 1) & HDA_SD_STS_DESE, !=, 0);
  g_assert_cmpint (f->pci->intx_level, ==, 1);
  g_assert_false (f->hda->streams[stream].running);
  wr (f, sd + HDA_SD_STS, 1, HDA_SD_STS_DESE);
  g_assert_cmpint (f->pci->intx_level, ==, 0);
  wr (f, sd + HDA_SD_CTL, 1, 0);
}

static void
test_hostile_streams (void)
{
  static const uint16_t bad_formats[] = {
    0x0021,           /* 20 bits */
    0x0041,           /* 32 bits */
    0x0001,           /* 8 bits */
    0x0017,           /* 8 channels */
    0x0811,           /* 96 kHz */
    0x0111,           /* 24 kHz */
    0x7f7f,
  };
  struct fx f;
  unsigned sd = hda_sd (OUT0);

  fx_init (&f);
  fx_bring_up (&f);
  fx_verb (&f, VERB (2, 0x706, 0x10));

  for (unsigned i = 0; i < G_N_ELEMENTS (bad_formats); i++)
    {
      fx_setup_stream (&f, OUT0, bad_formats[i], 2, 3840);
      fx_run (&f, OUT0);
      assert_refused (&f, OUT0);
    }

  /* Fewer than two entries; no buffer length. */
  fx_setup_stream (&f, OUT0, 0x0011, 1, 3840);
  fx_run (&f, OUT0);
  assert_refused (&f, OUT0);
  fx_setup_stream (&f, OUT0, 0x0011, 2, 3840);
  wr (&f, sd + HDA_SD_CBL, 4, 0);
  fx_run (&f, OUT0);
  assert_refused (&f, OUT0);

  /* Buffers outside RAM, at its very end, in the 64-bit wrap. */
  fx_setup_stream (&f, OUT0, 0x0011, 2, 3840);
  bdl_entry (&f, BDL_GPA, 0, RAM + 0x1000, 3840, 1);
  fx_run (&f, OUT0);
  fx_step (&f, 10);
  assert_refused (&f, OUT0);
  fx_setup_stream (&f, OUT0, 0x0011, 2, 3840);
  bdl_entry (&f, BDL_GPA, 0, RAM - 100, 3840, 1);
  fx_run (&f, OUT0);
  fx_step (&f, 10);
  assert_refused (&f, OUT0);
  fx_setup_stream (&f, OUT0, 0x0011, 2, 3840);
  bdl_entry (&f, BDL_GPA, 0, UINT64_MAX - 10, 3840, 1);
  fx_run (&f, OUT0);
  fx_step (&f, 10);
  assert_refused (&f, OUT0);

  /* A huge entry: read in pieces as time goes, until it leaves RAM. */
  fx_setup_stream (&f, OUT0, 0x0011, 2, 3840);
  bdl_entry (&f, BDL_GPA, 0, RAM - 8 * 3840, 0xffffffff, 1);
  wr (&f, sd + HDA_SD_CBL, 4, 0xffffffff);
  fx_run (&f, OUT0);
  fx_step (&f, 20);
  g_assert_true (f.hda->streams[OUT0].running);
  fx_step (&f, 100);
  fx_step (&f, 100);
  assert_refused (&f, OUT0);

  /* Zero-length entries only: refused, not spun on. */
  fx_setup_stream (&f, OUT0, 0x0011, 256, 0);
  wr (&f, sd + HDA_SD_CBL, 4, 3840);
  fx_run (&f, OUT0);
  fx_step (&f, 10);
  assert_refused (&f, OUT0);

  /* The list itself runs past the end of RAM (LVI beyond the list). */
  fx_setup_stream (&f, OUT0, 0x0011, 2, 3840);
  wr (&f, sd + HDA_SD_BDPL, 4, (uint32_t) (RAM - 128));
  wr (&f, sd + HDA_SD_LVI, 2, 255);
  bdl_entry (&f, RAM - 128, 0, BUF_GPA, 16, 0);
  for (unsigned i = 1; i < 8; i++)
    bdl_entry (&f, RAM - 128, i, BUF_GPA, 16, 0);
  fx_run (&f, OUT0);
  fx_step (&f, 10);
  assert_refused (&f, OUT0);
  fx_setup_stream (&f, OUT0, 0x0011, 2, 3840);
  wr (&f, sd + HDA_SD_BDPU, 4, 0xffffffff);
  fx_run (&f, OUT0);
  fx_step (&f, 10);
  assert_refused (&f, OUT0);

  /* LVI changed under a running stream, CBL shorter than the list: runs on. */
  fx_setup_stream (&f, OUT0, 0x0011, 4, 384);
  fx_run (&f, OUT0);
  fx_step (&f, 10);
  wr (&f, sd + HDA_SD_LVI, 2, 1);
  wr (&f, sd + HDA_SD_CBL, 4, 100);
  fx_step (&f, 10);
  fx_step (&f, 10);
  g_assert_true (f.hda->streams[OUT0].running);
  g_assert_cmpuint (rd (&f, sd + HDA_SD_LPIB, 4), <, 100);

  /* Input descriptors run without DMA; the position buffer outside RAM is skipped. */
  wr (&f, HDA_DPLBASE, 4, 0xffffff81);
  wr (&f, HDA_DPUBASE, 4, 0xffffffff);
  fx_setup_stream (&f, 0, 0x0011, 2, 3840);
  fx_run (&f, 0);
  fx_step (&f, 20);
  g_assert_cmpuint (rd (&f, hda_sd (0) + HDA_SD_LPIB, 4), ==, 0);
  fx_clear (&f);
}

static void
test_hostile_rings (void)
{
  struct fx f;
  unsigned wp;

  fx_init (&f);
  fx_bring_up (&f);

  /* A write pointer past the ring's size is taken modulo it. */
  wr (&f, HDA_CORBSIZE, 1, 0);   /* 2 entries */
  wr (&f, HDA_RIRBSIZE, 1, 0);
  wr (&f, HDA_CORBRP, 2, 0x8000);
  wr (&f, HDA_CORBRP, 2, 0);
  wr (&f, HDA_RIRBWP, 2, 0x8000);
  put32 (&f, CORB_GPA + 4, VERB (0, 0xf00, 0));
  wr (&f, HDA_CORBWP, 2, 0xff);
  g_assert_cmpuint (rd (&f, HDA_CORBRP, 2), ==, 1);
  g_assert_cmpuint (rd (&f, HDA_RIRBWP, 2), ==, 1);
  g_assert_cmpuint (get32 (&f, RIRB_GPA + 8), ==, 0x1af40021);
  wr (&f, HDA_CORBSIZE, 1, 2);
  wr (&f, HDA_RIRBSIZE, 1, 2);

  /* A full lap of the ring (write pointer just behind the read pointer):
   * 255 verbs, then nothing more to do. */
  wr (&f, HDA_CORBRP, 2, 0x8000);
  wr (&f, HDA_CORBRP, 2, 0);
  for (unsigned i = 0; i < 256; i++)
    put32 (&f, CORB_GPA + i * 4, VERB (2, 0xf00, 0x09));
  wr (&f, HDA_CORBWP, 2, 0xff);
  g_assert_cmpuint (rd (&f, HDA_CORBRP, 2), ==, 0xff);
  wr (&f, HDA_CORBWP, 2, 0xff);
  g_assert_cmpuint (rd (&f, HDA_CORBRP, 2), ==, 0xff);

  /* Other codec addresses get no response. */
  wp = rd (&f, HDA_RIRBWP, 2);
  put32 (&f, CORB_GPA + 0, 0x50000000 | VERB (0, 0xf00, 0));
  wr (&f, HDA_CORBWP, 2, 0);
  g_assert_cmpuint (rd (&f, HDA_RIRBWP, 2), ==, wp);

  /* A RIRB outside RAM: responses are lost, nothing else. */
  wr (&f, HDA_RIRBUBASE, 4, 0xffffffff);
  put32 (&f, CORB_GPA + 4, VERB (0, 0xf00, 0));
  wr (&f, HDA_CORBWP, 2, 1);
  g_assert_cmpuint (rd (&f, HDA_CORBRP, 2), ==, 1);
  g_assert_cmpuint (rd (&f, HDA_RIRBWP, 2), ==, wp);

  /* A CORB outside RAM: a memory error, and the CORB stops. */
  wr (&f, HDA_RIRBSTS, 1, HDA_RIRBSTS_INT);
  g_assert_cmpint (f.pci->intx_level, ==, 0);
  wr (&f, HDA_CORBCTL, 1, HDA_CORBCTL_RUN | HDA_CORBCTL_CMEIE);
  wr (&f, HDA_CORBUBASE, 4, 0x1);
  wr (&f, HDA_CORBWP, 2, 5);
  g_assert_cmpuint (rd (&f, HDA_CORBSTS, 1), ==, HDA_CORBSTS_CMEI);
  g_assert_cmpuint (rd (&f, HDA_CORBCTL, 1) & HDA_CORBCTL_RUN, ==, 0);
  g_assert_cmpint (f.pci->intx_level, ==, 1);
  wr (&f, HDA_CORBSTS, 1, HDA_CORBSTS_CMEI);
  g_assert_cmpint (f.pci->intx_level, ==, 0);

  /* Accesses off the registers, odd sizes, read-only registers. */
  wr (&f, HDA_REGS_SIZE - 2, 8, ~0ull);
  wr (&f, 0x3ffc, 4, ~0ull);
  wr (&f, 0x2000, 4, ~0ull);
  g_assert_cmpuint (rd (&f, 0x3ff8, 8), ==, 0);
  g_assert_cmpuint (rd (&f, HDA_REGS_SIZE - 1, 8), ==, rd (&f, HDA_REGS_SIZE - 1, 1));
  wr (&f, HDA_GCAP, 2, 0);
  g_assert_cmpuint (rd (&f, HDA_GCAP, 2), ==, 0x4401);
  wr (&f, HDA_INTSTS, 4, ~0u);
  wr (&f, HDA_WALCLK, 4, 0);

  /* Reset in the middle of it all clears the rings' state. */
  wr (&f, HDA_GCTL, 4, 0);
  g_assert_cmpuint (rd (&f, HDA_CORBCTL, 1), ==, 0);
  g_assert_cmpuint (rd (&f, HDA_CORBSIZE, 1), ==, 0x42);
  fx_clear (&f);
}

/* The real thread plays at the real rate. */
static void
test_thread (void)
{
  struct fx f;
  gint64 t0, t1;

  fx_init (&f);
  hda_controller_free (f.hda);
  f.hda = hda_controller_new (&f.mem, f.audio);
  f.pci = hda_controller_get_pci (f.hda);
  g_assert_cmpint (hda_controller_start (f.hda), ==, 0);
  fx_bring_up (&f);
  fx_verb (&f, VERB (2, 0x706, 0x10));
  fx_setup_stream (&f, OUT0, 0x0011, 4, 3840);
  t0 = g_get_monotonic_time ();
  fx_run (&f, OUT0);
  g_usleep (200000);
  hda_controller_stop (f.hda);
  t1 = g_get_monotonic_time ();
  /* 200 ms is 9600 frames: not more than the time allows, and not much
   * less even on a busy machine. */
  g_assert_cmpuint (f.heard->len / 2, >=, 4800);
  g_assert_cmpuint (f.heard->len / 2, <=, (t1 - t0) * 48 / 1000 + 960);
  g_assert_cmpuint (f.starts, ==, 1);
  g_assert_cmpuint (f.stops, ==, 1);
  fx_clear (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Hostile guests make the device log; that is expected here. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_test_add_func ("/Vmm/hda/codec", test_codec);
  g_test_add_func ("/Vmm/hda/playback", test_playback);
  g_test_add_func ("/Vmm/hda/44k", test_44k);
  g_test_add_func ("/Vmm/hda/hostile-streams", test_hostile_streams);
  g_test_add_func ("/Vmm/hda/hostile-rings", test_hostile_rings);
  g_test_add_func ("/Vmm/hda/thread", test_thread);
  return g_test_run ();
}
