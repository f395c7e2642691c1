/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The HD Audio controller: its PCI function and registers, the CORB/RIRB
 * command rings, the immediate command interface, interrupts, and the
 * thread that plays the output streams. */
#define G_LOG_DOMAIN "hda"

#include "config.h"

#include "hda-controller.h"

#include <errno.h>
#include <glib.h>
#include <time.h>

#include "hda-private.h"
#include "log.h"

/* How often the thread moves running streams on: often enough for short
 * periods, rarely enough to cost nothing. */
#define HDA_TICK_NS 4000000ull

/* GCAP: 4 output, 4 input, no bidirectional streams, 64-bit addressing. */
#define HDA_GCAP_VALUE ((HDA_N_OSS << 12) | (HDA_N_ISS << 8) | 0x1)
/* CORBSIZE/RIRBSIZE: only 256 entries offered (bit 6), 256 selected. */
#define HDA_RING_SIZE_VALUE 0x42

struct hda_reg {
  unsigned off, size;
  uint32_t wmask, w1c;
};

/* What the guest may write; everything else reads back as the device set it. */
static const struct hda_reg hda_global_regs[] = {
  { HDA_GCTL, 4, 0x00000103, 0 },
  { HDA_WAKEEN, 2, 0x7fff, 0 },
  { HDA_STATESTS, 2, 0, 0x7fff },
  { HDA_INTCTL, 4, 0xc00000ff, 0 },
  { HDA_SSYNC_OLD, 4, 0x000000ff, 0 },
  { HDA_SSYNC, 4, 0x000000ff, 0 },
  { HDA_CORBLBASE, 4, 0xffffff80, 0 },
  { HDA_CORBUBASE, 4, 0xffffffff, 0 },
  { HDA_CORBWP, 2, 0x00ff, 0 },
  { HDA_CORBRP, 2, HDA_CORBRP_RST, 0 },
  { HDA_CORBCTL, 1, 0x03, 0 },
  { HDA_CORBSTS, 1, 0, HDA_CORBSTS_CMEI },
  { HDA_CORBSIZE, 1, 0x03, 0 },
  { HDA_RIRBLBASE, 4, 0xffffff80, 0 },
  { HDA_RIRBUBASE, 4, 0xffffffff, 0 },
  { HDA_RIRBWP, 2, HDA_RIRBWP_RST, 0 },
  { HDA_RINTCNT, 2, 0x00ff, 0 },
  { HDA_RIRBCTL, 1, 0x07, 0 },
  { HDA_RIRBSTS, 1, 0, HDA_RIRBSTS_INT | HDA_RIRBSTS_OIS },
  { HDA_RIRBSIZE, 1, 0x03, 0 },
  { HDA_ICOI, 4, 0xffffffff, 0 },
  { HDA_ICIS, 2, HDA_ICIS_ICB, HDA_ICIS_IRV },
  { HDA_DPLBASE, 4, 0xffffff81, 0 },
  { HDA_DPUBASE, 4, 0xffffffff, 0 },
};

static const struct hda_reg hda_stream_regs[] = {
  { HDA_SD_CTL, 3, 0xf0001f, 0 },
  { HDA_SD_STS, 1, 0, HDA_SD_STS_BCIS | HDA_SD_STS_FIFOE | HDA_SD_STS_DESE },
  { HDA_SD_CBL, 4, 0xffffffff, 0 },
  { HDA_SD_LVI, 2, 0x00ff, 0 },
  { HDA_SD_FIFOW, 2, 0x0007, 0 },
  { HDA_SD_FMT, 2, 0x7f7f, 0 },
  { HDA_SD_BDPL, 4, 0xffffff80, 0 },
  { HDA_SD_BDPU, 4, 0xffffffff, 0 },
};

static void
hda_set_masks (struct hda_controller *h, unsigned base, const struct hda_reg *r)
{
  for (unsigned i = 0; i < r->size; i++)
    {
      h->wmask[base + r->off + i] = r->wmask >> (8 * i);
      h->w1cmask[base + r->off + i] = r->w1c >> (8 * i);
    }
}

static uint64_t
hda_monotonic_ns (void *opaque)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

/* --- Interrupts --- */

static void
hda_update_irq (struct hda_controller *h)
{
  uint32_t sts = 0, intctl = hda_get32 (h, HDA_INTCTL);
  uint8_t rirbsts = h->regs[HDA_RIRBSTS], rirbctl = h->regs[HDA_RIRBCTL];
  bool level;

  for (unsigned i = 0; i < HDA_N_STREAMS; i++)
    {
      uint8_t ctl = h->regs[hda_sd (i) + HDA_SD_CTL];
      uint8_t st = h->regs[hda_sd (i) + HDA_SD_STS];

      if (((st & HDA_SD_STS_BCIS) && (ctl & HDA_SD_CTL_IOCE)) ||
          ((st & HDA_SD_STS_FIFOE) && (ctl & HDA_SD_CTL_FEIE)) ||
          ((st & HDA_SD_STS_DESE) && (ctl & HDA_SD_CTL_DEIE)))
        sts |= 1u << i;
    }
  if (((rirbsts & HDA_RIRBSTS_INT) && (rirbctl & HDA_RIRBCTL_INT)) ||
      ((rirbsts & HDA_RIRBSTS_OIS) && (rirbctl & HDA_RIRBCTL_OIC)) ||
      ((h->regs[HDA_CORBSTS] & HDA_CORBSTS_CMEI) && (h->regs[HDA_CORBCTL] & HDA_CORBCTL_CMEIE)) ||
      (hda_get16 (h, HDA_STATESTS) & hda_get16 (h, HDA_WAKEEN)))
    sts |= HDA_INTCTL_CIE;
  if (sts)
    sts |= HDA_INTCTL_GIE;
  hda_set32 (h, HDA_INTSTS, sts);
  level = (intctl & HDA_INTCTL_GIE) && (sts & intctl & (HDA_INTCTL_CIE | 0xff));
  pci_device_set_intx (&h->pci, level);
}

/* --- Codec commands --- */

static unsigned
hda_ring_entries (uint8_t size_reg)
{
  switch (size_reg & 0x3)
    {
    case 0: return 2;
    case 1: return 16;
    default: return 256;
    }
}

static uint32_t
hda_codec_verb (struct hda_controller *h, uint32_t verb, bool *answered)
{
  /* Only codec address 0 exists; a real link gives no response for others. */
  *answered = (verb >> 28) == 0;
  return *answered ? hda_codec_command (&h->codec, verb & 0x0fffffff) : 0;
}

static void
hda_rirb_push (struct hda_controller *h, uint32_t response)
{
  unsigned entries = hda_ring_entries (h->regs[HDA_RIRBSIZE]);
  uint64_t base = (uint64_t) hda_get32 (h, HDA_RIRBUBASE) << 32 |
                  (hda_get32 (h, HDA_RIRBLBASE) & ~0x7fu);
  unsigned wp = ((hda_get16 (h, HDA_RIRBWP) & 0xff) + 1) & (entries - 1);
  unsigned rintcnt = h->regs[HDA_RINTCNT] ? h->regs[HDA_RINTCNT] : 256;
  uint32_t entry[2] = { GUINT32_TO_LE (response), 0 /* codec 0, solicited */ };

  if (!(h->regs[HDA_RIRBCTL] & HDA_RIRBCTL_DMA))
    return;
  if (guest_memory_write (h->mem, base + wp * 8ull, entry, sizeof entry) < 0)
    {
      vmm_guest_error ("hda: RIRB at 0x%" G_GINT64_MODIFIER "x is outside RAM", base);
      return;
    }
  hda_set16 (h, HDA_RIRBWP, wp);
  if (++h->rirb_count >= rintcnt)
    {
      h->regs[HDA_RIRBSTS] |= HDA_RIRBSTS_INT;
      h->rirb_count = 0;
    }
}

/* Runs what the guest queued in the CORB, each verb's response to the RIRB.
 * At most one ring's worth per call, whatever the pointers say. */
static void
hda_corb_run (struct hda_controller *h)
{
  unsigned entries = hda_ring_entries (h->regs[HDA_CORBSIZE]);
  uint64_t base = (uint64_t) hda_get32 (h, HDA_CORBUBASE) << 32 |
                  (hda_get32 (h, HDA_CORBLBASE) & ~0x7fu);
  unsigned wp = hda_get16 (h, HDA_CORBWP) & (entries - 1);
  uint16_t rp_reg = hda_get16 (h, HDA_CORBRP);
  unsigned rp = rp_reg & (entries - 1);

  if (!(h->regs[HDA_CORBCTL] & HDA_CORBCTL_RUN) || (rp_reg & HDA_CORBRP_RST))
    return;
  for (unsigned n = 0; rp != wp && n < entries; n++)
    {
      uint32_t verb, response;
      bool answered;

      rp = (rp + 1) & (entries - 1);
      if (guest_memory_read (h->mem, base + rp * 4ull, &verb, sizeof verb) < 0)
        {
          vmm_guest_error ("hda: CORB at 0x%" G_GINT64_MODIFIER "x is outside RAM", base);
          h->regs[HDA_CORBSTS] |= HDA_CORBSTS_CMEI;
          h->regs[HDA_CORBCTL] &= ~HDA_CORBCTL_RUN;
          break;
        }
      hda_set16 (h, HDA_CORBRP, rp);
      response = hda_codec_verb (h, GUINT32_FROM_LE (verb), &answered);
      if (answered)
        hda_rirb_push (h, response);
    }
  /* The ring is empty: the responses so far are all there will be. */
  if (h->rirb_count)
    {
      h->regs[HDA_RIRBSTS] |= HDA_RIRBSTS_INT;
      h->rirb_count = 0;
    }
}

/* --- Registers --- */

static void
hda_reset_registers (struct hda_controller *h)
{
  memset (h->regs, 0, sizeof h->regs);
  hda_set16 (h, HDA_GCAP, HDA_GCAP_VALUE);
  h->regs[HDA_VMIN] = 0;
  h->regs[HDA_VMAJ] = 1;
  hda_set16 (h, HDA_OUTPAY, 0x3c);
  hda_set16 (h, HDA_INPAY, 0x1d);
  h->regs[HDA_CORBSIZE] = HDA_RING_SIZE_VALUE;
  h->regs[HDA_RIRBSIZE] = HDA_RING_SIZE_VALUE;
  for (unsigned i = 0; i < HDA_N_STREAMS; i++)
    {
      h->streams[i].index = i;
      _hda_stream_reset (h, &h->streams[i]);
    }
  hda_codec_reset (&h->codec);
  h->rirb_count = 0;
}

static bool
hda_touches (uint64_t offset, unsigned size, unsigned reg, unsigned len)
{
  return offset < reg + len && reg < offset + size;
}

static void
hda_gctl_written (struct hda_controller *h, uint32_t old)
{
  uint32_t now = hda_get32 (h, HDA_GCTL);

  if ((old & HDA_GCTL_CRST) && !(now & HDA_GCTL_CRST))
    {
      /* Entering reset: everything but GCTL goes back to its default. */
      hda_reset_registers (h);
      hda_set32 (h, HDA_GCTL, now);
    }
  else if (!(old & HDA_GCTL_CRST) && (now & HDA_GCTL_CRST))
    {
      /* Leaving reset: the codec at address 0 announces itself. */
      hda_set16 (h, HDA_STATESTS, hda_get16 (h, HDA_STATESTS) | 0x1);
    }
}

static void
hda_immediate_command (struct hda_controller *h)
{
  bool answered;
  uint32_t response = hda_codec_verb (h, hda_get32 (h, HDA_ICOI), &answered);

  hda_set32 (h, HDA_IRII, response);
  hda_set16 (h, HDA_ICIS, (hda_get16 (h, HDA_ICIS) & ~HDA_ICIS_ICB) |
                          (answered ? HDA_ICIS_IRV : 0));
}

static void
hda_mmio_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  struct hda_controller *h = opaque;
  uint8_t val[8], old[HDA_REGS_SIZE];

  if (offset >= HDA_REGS_SIZE || size > sizeof val)
    return;
  size = MIN (size, HDA_REGS_SIZE - (unsigned) offset);
  memcpy (val, data, size);

  pthread_mutex_lock (&h->lock);
  memcpy (old, h->regs, sizeof old);
  for (unsigned i = 0; i < size; i++)
    {
      unsigned o = (unsigned) offset + i;
      uint8_t v = (h->regs[o] & ~h->wmask[o]) | (val[i] & h->wmask[o]);

      h->regs[o] = v & ~(val[i] & h->w1cmask[o]);
    }

  if (hda_touches (offset, size, HDA_GCTL, 4))
    hda_gctl_written (h, old[HDA_GCTL]);
  if (hda_touches (offset, size, HDA_CORBRP, 2) && (h->regs[HDA_CORBRP + 1] & 0x80))
    hda_set16 (h, HDA_CORBRP, HDA_CORBRP_RST);   /* read pointer to 0, reset seen */
  if (hda_touches (offset, size, HDA_RIRBWP, 2) && (h->regs[HDA_RIRBWP + 1] & 0x80))
    {
      hda_set16 (h, HDA_RIRBWP, 0);
      h->rirb_count = 0;
    }
  if (hda_touches (offset, size, HDA_CORBWP, 2) || hda_touches (offset, size, HDA_CORBCTL, 1))
    hda_corb_run (h);
  if (hda_touches (offset, size, HDA_ICIS, 2) && (h->regs[HDA_ICIS] & HDA_ICIS_ICB))
    hda_immediate_command (h);
  for (unsigned i = 0; i < HDA_N_STREAMS; i++)
    if (hda_touches (offset, size, hda_sd (i) + HDA_SD_CTL, 3))
      _hda_stream_ctl_written (h, &h->streams[i], old[hda_sd (i) + HDA_SD_CTL]);
  hda_update_irq (h);
  pthread_mutex_unlock (&h->lock);
}

static void
hda_mmio_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  struct hda_controller *h = opaque;
  uint64_t v = 0;

  /* 0x2000 up aliases the block: WALCLK and the LPIBs are read there. */
  if (offset >= 0x2000)
    offset -= 0x2000;
  if (size <= sizeof v && offset < HDA_REGS_SIZE)
    {
      size_t n = MIN (size, HDA_REGS_SIZE - (unsigned) offset);

      pthread_mutex_lock (&h->lock);
      /* A 24 MHz wall clock. */
      hda_set32 (h, HDA_WALCLK, (uint32_t) ((hda_now (h) - h->clock_base) * 3 / 125));
      memcpy (&v, h->regs + offset, n);
      pthread_mutex_unlock (&h->lock);
    }
  memcpy (data, &v, MIN (size, sizeof v));
}

static const struct bus_ops hda_mmio_ops = {
  .read = hda_mmio_read,
  .write = hda_mmio_write,
};

/* --- The stream thread --- */

static bool
hda_any_running (struct hda_controller *h)
{
  for (unsigned i = HDA_N_ISS; i < HDA_N_STREAMS; i++)
    if (h->streams[i].running)
      return true;
  return false;
}

void
hda_controller_advance (struct hda_controller *h)
{
  size_t frames = 0;
  bool playing = false, to_codec_taken = false;
  uint64_t now;

  pthread_mutex_lock (&h->lock);
  now = hda_now (h);
  for (unsigned i = HDA_N_ISS; i < HDA_N_STREAMS; i++)
    {
      struct hda_stream *s = &h->streams[i];
      unsigned tag = h->regs[hda_sd (i) + HDA_SD_CTL + 2] >> 4;
      /* The codec plays the one stream whose tag its DAC was given. */
      bool to_codec = s->running && !to_codec_taken && tag != 0 && tag == h->codec.stream_tag;
      size_t n = _hda_stream_advance (h, s, now, to_codec);

      if (to_codec && s->running)
        {
          to_codec_taken = playing = true;
          frames = n;
        }
    }
  hda_update_irq (h);
  pthread_mutex_unlock (&h->lock);

  /* The audio layer's consumers only copy; still, not under our lock. */
  if (!h->audio)
    return;
  if (playing != h->audio_playing)
    vmm_debug ("hda: the guest %s playing", playing ? "starts" : "stops");
  if (playing && !h->audio_playing)
    audio_start (h->audio);
  else if (!playing && h->audio_playing)
    audio_stop (h->audio);
  h->audio_playing = playing;
  if (frames)
    audio_write (h->audio, h->out, frames);
}

static void *
hda_thread (void *data)
{
  struct hda_controller *h = data;

  pthread_mutex_lock (&h->lock);
  while (!h->quit)
    {
      if (!hda_any_running (h))
        {
          pthread_mutex_unlock (&h->lock);
          /* Tells the consumers the sound stopped. */
          hda_controller_advance (h);
          pthread_mutex_lock (&h->lock);
          if (!h->quit && !hda_any_running (h))
            pthread_cond_wait (&h->wake, &h->lock);
          continue;
        }
      {
        struct timespec ts;
        uint64_t t = hda_monotonic_ns (NULL) + HDA_TICK_NS;

        ts.tv_sec = (time_t) (t / 1000000000ull);
        ts.tv_nsec = (long) (t % 1000000000ull);
        pthread_cond_timedwait (&h->wake, &h->lock, &ts);
      }
      if (h->quit)
        break;
      pthread_mutex_unlock (&h->lock);
      hda_controller_advance (h);
      pthread_mutex_lock (&h->lock);
    }
  pthread_mutex_unlock (&h->lock);
  return NULL;
}

/* --- Life cycle --- */

struct hda_controller *
hda_controller_new (const struct guest_memory *mem, struct audio *audio)
{
  struct hda_controller *h = g_new0 (struct hda_controller, 1);
  pthread_condattr_t attr;

  h->mem = mem;
  h->audio = audio;
  h->now_ns = hda_monotonic_ns;
  h->clock_base = hda_monotonic_ns (NULL);
  pthread_mutex_init (&h->lock, NULL);
  pthread_condattr_init (&attr);
  pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
  pthread_cond_init (&h->wake, &attr);
  pthread_condattr_destroy (&attr);

  for (unsigned i = 0; i < G_N_ELEMENTS (hda_global_regs); i++)
    hda_set_masks (h, 0, &hda_global_regs[i]);
  for (unsigned s = 0; s < HDA_N_STREAMS; s++)
    for (unsigned i = 0; i < G_N_ELEMENTS (hda_stream_regs); i++)
      hda_set_masks (h, hda_sd (s), &hda_stream_regs[i]);
  hda_reset_registers (h);

  h->pci.opaque = h;
  pci_device_init (&h->pci, "hda", 0x8086, 0x293e, 0x040300, 0x03, 0x1af4, 0x1100);
  pci_device_set_bar (&h->pci, 0, 0x4000, 0, &hda_mmio_ops, h);
  pci_device_set_interrupt_pin (&h->pci, 1);
  return h;
}

struct pci_device *
hda_controller_get_pci (struct hda_controller *h)
{
  return &h->pci;
}

void
hda_controller_set_clock (struct hda_controller *h, uint64_t (*now_ns) (void *opaque),
                          void *opaque)
{
  pthread_mutex_lock (&h->lock);
  h->now_ns = now_ns;
  h->now_opaque = opaque;
  h->clock_base = now_ns (opaque);
  pthread_mutex_unlock (&h->lock);
}

int
hda_controller_start (struct hda_controller *h)
{
  int ret = pthread_create (&h->thread, NULL, hda_thread, h);

  if (ret != 0)
    {
      vmm_error ("hda: cannot start the stream thread: %s", g_strerror (ret));
      return -ret;
    }
  h->thread_up = true;
  return 0;
}

void
hda_controller_stop (struct hda_controller *h)
{
  if (!h || !h->thread_up)
    return;
  pthread_mutex_lock (&h->lock);
  h->quit = true;
  pthread_cond_signal (&h->wake);
  pthread_mutex_unlock (&h->lock);
  pthread_join (h->thread, NULL);
  h->thread_up = false;
  if (h->audio && h->audio_playing)
    audio_stop (h->audio);
  h->audio_playing = false;
}

void
hda_controller_free (struct hda_controller *h)
{
  if (!h)
    return;
  hda_controller_stop (h);
  pthread_cond_destroy (&h->wake);
  pthread_mutex_destroy (&h->lock);
  g_free (h);
}
