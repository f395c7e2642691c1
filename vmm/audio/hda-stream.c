/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HD Audio stream descriptors: starting and resetting them, walking their
 * buffer descriptor lists in guest RAM, and turning what an output stream
 * plays into the machine's 48 kHz stereo. */
#define G_LOG_DOMAIN "hda"

#include "config.h"

#include <glib.h>

#include "hda-private.h"
#include "log.h"

#define HDA_BDL_ENTRY_SIZE 16
#define HDA_BDL_IOC        0x1
/* A list with this many empty entries in a row is not going anywhere. */
#define HDA_BDL_MAX_EMPTY  256

bool
_hda_format_parse (uint16_t fmt, unsigned *rate, unsigned *channels)
{
  unsigned mult = ((fmt >> 11) & 0x7) + 1;
  unsigned div = ((fmt >> 8) & 0x7) + 1;
  unsigned bits = (fmt >> 4) & 0x7;

  /* Bit 15: non-PCM. Bits 4-6 = 1: 16 bits per sample. */
  if ((fmt & 0x8000) || mult != 1 || div != 1 || bits != 1 || (fmt & 0xf) > 1)
    return false;
  *rate = (fmt & (1u << 14)) ? 44100 : 48000;
  *channels = (fmt & 0xf) + 1;
  return true;
}

static void
hda_stream_write_posbuf (struct hda_controller *h, struct hda_stream *s)
{
  uint32_t lo = hda_get32 (h, HDA_DPLBASE);
  uint64_t base = (uint64_t) hda_get32 (h, HDA_DPUBASE) << 32 | (lo & ~0x7fu);
  uint32_t pos = GUINT32_TO_LE (hda_get32 (h, hda_sd (s->index) + HDA_SD_LPIB));

  if (!(lo & HDA_DPLBASE_ENABLE))
    return;
  if (guest_memory_write (h->mem, base + s->index * 8ull, &pos, sizeof pos) < 0)
    vmm_guest_error ("hda: DMA position buffer at 0x%" G_GINT64_MODIFIER "x is outside RAM",
                     base);
}

/* A descriptor error: the stream stops and says so. */
static void
hda_stream_fail (struct hda_controller *h, struct hda_stream *s)
{
  s->running = false;
  h->regs[hda_sd (s->index) + HDA_SD_STS] |= HDA_SD_STS_DESE;
}

void
_hda_stream_reset (struct hda_controller *h, struct hda_stream *s)
{
  unsigned sd = hda_sd (s->index);
  unsigned index = s->index;

  memset (h->regs + sd, 0, HDA_SD_STRIDE);
  h->regs[sd + HDA_SD_STS] = HDA_SD_STS_FIFORDY;
  hda_set16 (h, sd + HDA_SD_FIFOS, 0x3f);
  hda_set16 (h, sd + HDA_SD_FIFOW, 0x4);
  *s = (struct hda_stream) { .index = index };
}

static void
hda_stream_start (struct hda_controller *h, struct hda_stream *s)
{
  unsigned sd = hda_sd (s->index);
  uint16_t fmt = hda_get16 (h, sd + HDA_SD_FMT);

  /* Input descriptors: there is no input on the codec, so no DMA. */
  if (s->index < HDA_N_ISS)
    return;
  if (!_hda_format_parse (fmt, &s->rate, &s->channels))
    {
      vmm_guest_error ("hda: stream %u: unsupported format 0x%04x", s->index, fmt);
      hda_stream_fail (h, s);
      return;
    }
  /* The specification asks for at least two entries. */
  if ((h->regs[sd + HDA_SD_LVI] & 0xff) < 1 || hda_get32 (h, sd + HDA_SD_CBL) == 0)
    {
      vmm_guest_error ("hda: stream %u: buffer of %u bytes in %u entries", s->index,
                       hda_get32 (h, sd + HDA_SD_CBL), h->regs[sd + HDA_SD_LVI] + 1u);
      hda_stream_fail (h, s);
      return;
    }
  vmm_debug ("hda: stream %u starts: %u Hz, %u channels, tag %u (the codec plays tag %u)",
             s->index, s->rate, s->channels, h->regs[sd + HDA_SD_CTL + 2] >> 4,
             h->codec.stream_tag);
  s->running = true;
  s->start_ns = hda_now (h);
  s->frames_done = 0;
  s->rs_frac = 0;
  s->rs_prev[0] = s->rs_prev[1] = 0;
  pthread_cond_signal (&h->wake);
}

void
_hda_stream_ctl_written (struct hda_controller *h, struct hda_stream *s, uint32_t old_ctl)
{
  unsigned sd = hda_sd (s->index);
  uint8_t ctl = h->regs[sd + HDA_SD_CTL];

  if (ctl & HDA_SD_CTL_SRST)
    {
      _hda_stream_reset (h, s);
      h->regs[sd + HDA_SD_CTL] = HDA_SD_CTL_SRST;
      return;
    }
  if ((ctl & HDA_SD_CTL_RUN) && !(old_ctl & HDA_SD_CTL_RUN))
    hda_stream_start (h, s);
  else if (!(ctl & HDA_SD_CTL_RUN))
    s->running = false;
}

static void
hda_stream_next_entry (struct hda_stream *s, unsigned lvi)
{
  s->civ = s->civ >= lvi ? 0 : s->civ + 1;
  s->bdl_off = 0;
}

/*
 * Reads up to @len bytes of the cyclic buffer into h->dma, walking the list
 * and moving LPIB. It stops early after an entry asking for an interrupt
 * (at the end of that frame), so that the guest reads the position it
 * expects when the interrupt comes. Returns the bytes read, or -1 when the
 * guest's list is unusable.
 */
static long
hda_stream_fetch (struct hda_controller *h, struct hda_stream *s, size_t len, size_t frame_bytes,
                  bool *ioc)
{
  unsigned sd = hda_sd (s->index);
  uint64_t bdl = (uint64_t) hda_get32 (h, sd + HDA_SD_BDPU) << 32 |
                 (hda_get32 (h, sd + HDA_SD_BDPL) & ~0x7fu);
  unsigned lvi = h->regs[sd + HDA_SD_LVI];
  uint32_t cbl = hda_get32 (h, sd + HDA_SD_CBL);
  uint32_t lpib = hda_get32 (h, sd + HDA_SD_LPIB);
  unsigned empty = 0;
  size_t done = 0;

  if (cbl == 0)
    return -1;
  while (done < len)
    {
      struct { uint64_t addr; uint32_t len; uint32_t flags; } e;
      uint64_t addr;
      size_t n;

      if (guest_memory_read (h->mem, bdl + s->civ * (uint64_t) HDA_BDL_ENTRY_SIZE, &e,
                             sizeof e) < 0)
        {
          vmm_guest_error ("hda: stream %u: BDL entry %u at 0x%" G_GINT64_MODIFIER "x is "
                           "outside RAM", s->index, s->civ, bdl);
          return -1;
        }
      e.addr = GUINT64_FROM_LE (e.addr);
      e.len = GUINT32_FROM_LE (e.len);
      e.flags = GUINT32_FROM_LE (e.flags);
      if (s->bdl_off >= e.len)
        {
          if (++empty > HDA_BDL_MAX_EMPTY)
            {
              vmm_guest_error ("hda: stream %u: the BDL has no data", s->index);
              return -1;
            }
          hda_stream_next_entry (s, lvi);
          continue;
        }
      empty = 0;
      n = MIN (len - done, (size_t) (e.len - s->bdl_off));
      addr = e.addr + s->bdl_off;
      if (addr < e.addr || guest_memory_read (h->mem, addr, h->dma + done, n) < 0)
        {
          vmm_guest_error ("hda: stream %u: buffer at 0x%" G_GINT64_MODIFIER "x (%u bytes) is "
                           "outside RAM", s->index, e.addr, e.len);
          return -1;
        }
      done += n;
      s->bdl_off += n;
      lpib = (uint32_t) ((lpib + (uint64_t) n) % cbl);
      if (s->bdl_off == e.len)
        {
          if (e.flags & HDA_BDL_IOC)
            {
              *ioc = true;
              len = MIN (len, (done + frame_bytes - 1) / frame_bytes * frame_bytes);
            }
          hda_stream_next_entry (s, lvi);
        }
    }
  hda_set32 (h, sd + HDA_SD_LPIB, lpib);
  return (long) done;
}

static inline int16_t
hda_sample (const uint8_t *p)
{
  return (int16_t) (p[0] | p[1] << 8);
}

/* @frames source frames from h->dma into h->out at 48 kHz; returns output frames. */
static size_t
hda_stream_convert (struct hda_controller *h, struct hda_stream *s, size_t frames)
{
  const size_t fb = s->channels * 2;
  size_t n = 0;

  for (size_t i = 0; i < frames; i++)
    {
      const uint8_t *p = h->dma + i * fb;
      int16_t cur[2];

      cur[0] = hda_sample (p);
      cur[1] = hda_sample (s->channels == 2 ? p + 2 : p);
      if (s->rate == AUDIO_RATE)
        {
          h->out[n * 2] = cur[0];
          h->out[n * 2 + 1] = cur[1];
          n++;
          continue;
        }
      /* Linear interpolation: outputs fall between the previous frame and
       * this one while the phase is below AUDIO_RATE. */
      while (s->rs_frac < AUDIO_RATE && n < HDA_MAX_STEP_FRAMES + 16)
        {
          for (unsigned ch = 0; ch < 2; ch++)
            h->out[n * 2 + ch] = (int16_t) (s->rs_prev[ch] +
                                            ((int32_t) cur[ch] - s->rs_prev[ch]) *
                                            (int32_t) s->rs_frac / AUDIO_RATE);
          n++;
          s->rs_frac += s->rate;
        }
      s->rs_frac -= AUDIO_RATE;
      s->rs_prev[0] = cur[0];
      s->rs_prev[1] = cur[1];
    }
  return n;
}

size_t
_hda_stream_advance (struct hda_controller *h, struct hda_stream *s, uint64_t now, bool to_codec)
{
  const size_t fb = s->channels * 2;
  uint64_t due, todo, cap = s->rate / 10;
  bool ioc = false;
  long got;

  if (!s->running)
    return 0;
  if (now <= s->start_ns)
    return 0;
  due = (now - s->start_ns) * s->rate / 1000000000ull;
  if (due <= s->frames_done)
    return 0;
  todo = due - s->frames_done;
  if (todo > cap)
    {
      /* Fell behind (a stalled host): drop the time, not the guest's sound. */
      s->frames_done = due - cap;
      todo = cap;
    }
  got = hda_stream_fetch (h, s, todo * fb, fb, &ioc);
  if (got < 0)
    {
      hda_stream_fail (h, s);
      return 0;
    }
  s->frames_done += (uint64_t) got / fb;
  /* Keep the product above from growing without end. */
  if (s->frames_done >= s->rate)
    {
      s->frames_done -= s->rate;
      s->start_ns += 1000000000ull;
    }
  if (ioc)
    h->regs[hda_sd (s->index) + HDA_SD_STS] |= HDA_SD_STS_BCIS;
  hda_stream_write_posbuf (h, s);
  return to_codec ? hda_stream_convert (h, s, (size_t) got / fb) : 0;
}
