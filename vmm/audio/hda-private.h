/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by hda-controller.c (registers, CORB/RIRB, interrupts, thread) and
 * hda-stream.c (stream descriptors and their DMA). */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "audio/audio.h"
#include "audio/hda-codec.h"
#include "memory/guest-memory.h"
#include "pci/pci.h"

#define HDA_N_ISS      4
#define HDA_N_OSS      4
#define HDA_N_STREAMS  (HDA_N_ISS + HDA_N_OSS)
#define HDA_SD_BASE    0x80
#define HDA_SD_STRIDE  0x20
#define HDA_REGS_SIZE  (HDA_SD_BASE + HDA_N_STREAMS * HDA_SD_STRIDE)

/* Global registers (offsets in BAR0). */
#define HDA_GCAP      0x00
#define HDA_VMIN      0x02
#define HDA_VMAJ      0x03
#define HDA_OUTPAY    0x04
#define HDA_INPAY     0x06
#define HDA_GCTL      0x08
#define HDA_WAKEEN    0x0c
#define HDA_STATESTS  0x0e
#define HDA_INTCTL    0x20
#define HDA_INTSTS    0x24
#define HDA_WALCLK    0x30
#define HDA_SSYNC_OLD 0x34
#define HDA_SSYNC     0x38
#define HDA_CORBLBASE 0x40
#define HDA_CORBUBASE 0x44
#define HDA_CORBWP    0x48
#define HDA_CORBRP    0x4a
#define HDA_CORBCTL   0x4c
#define HDA_CORBSTS   0x4d
#define HDA_CORBSIZE  0x4e
#define HDA_RIRBLBASE 0x50
#define HDA_RIRBUBASE 0x54
#define HDA_RIRBWP    0x58
#define HDA_RINTCNT   0x5a
#define HDA_RIRBCTL   0x5c
#define HDA_RIRBSTS   0x5d
#define HDA_RIRBSIZE  0x5e
#define HDA_ICOI      0x60
#define HDA_IRII      0x64
#define HDA_ICIS      0x68
#define HDA_DPLBASE   0x70
#define HDA_DPUBASE   0x74

/* Stream descriptor registers (offsets from the descriptor's base). */
#define HDA_SD_CTL    0x00   /* 3 bytes */
#define HDA_SD_STS    0x03
#define HDA_SD_LPIB   0x04
#define HDA_SD_CBL    0x08
#define HDA_SD_LVI    0x0c
#define HDA_SD_FIFOW  0x0e
#define HDA_SD_FIFOS  0x10
#define HDA_SD_FMT    0x12
#define HDA_SD_BDPL   0x18
#define HDA_SD_BDPU   0x1c

#define HDA_GCTL_CRST      0x1
#define HDA_INTCTL_GIE     (1u << 31)
#define HDA_INTCTL_CIE     (1u << 30)
#define HDA_CORBCTL_CMEIE  0x1
#define HDA_CORBCTL_RUN    0x2
#define HDA_CORBSTS_CMEI   0x1
#define HDA_CORBRP_RST     0x8000
#define HDA_RIRBWP_RST     0x8000
#define HDA_RIRBCTL_INT    0x1
#define HDA_RIRBCTL_DMA    0x2
#define HDA_RIRBCTL_OIC    0x4
#define HDA_RIRBSTS_INT    0x1
#define HDA_RIRBSTS_OIS    0x4
#define HDA_ICIS_ICB       0x1
#define HDA_ICIS_IRV       0x2
#define HDA_DPLBASE_ENABLE 0x1

#define HDA_SD_CTL_SRST    0x01
#define HDA_SD_CTL_RUN     0x02
#define HDA_SD_CTL_IOCE    0x04
#define HDA_SD_CTL_FEIE    0x08
#define HDA_SD_CTL_DEIE    0x10
#define HDA_SD_STS_BCIS    0x04
#define HDA_SD_STS_FIFOE   0x08
#define HDA_SD_STS_DESE    0x10
#define HDA_SD_STS_FIFORDY 0x20

/* Most a stream moves in one step: a stalled thread skips time rather than
 * bursting. 100 ms of 48 kHz stereo. */
#define HDA_MAX_STEP_FRAMES (AUDIO_RATE / 10)
#define HDA_MAX_STEP_BYTES  (HDA_MAX_STEP_FRAMES * AUDIO_FRAME_BYTES)

struct hda_stream {
  unsigned index;          /* 0..7, input descriptors first */
  bool running;            /* RUN set and the setup was valid */
  unsigned rate, channels; /* taken from SDnFMT when it started */
  uint64_t start_ns;       /* frames_done counts from here */
  uint64_t frames_done;
  unsigned civ;            /* current BDL entry */
  uint32_t bdl_off;        /* bytes of it done */
  /* 44.1 -> 48 kHz: the previous source frame and the phase (in 1/48000ths). */
  int16_t rs_prev[2];
  uint32_t rs_frac;
};

struct hda_controller {
  struct pci_device pci;
  const struct guest_memory *mem;
  struct audio *audio;
  uint64_t (*now_ns) (void *opaque);
  void *now_opaque;
  uint64_t clock_base;

  pthread_mutex_t lock;
  pthread_cond_t wake;
  pthread_t thread;
  bool thread_up, quit;

  /* Under lock. */
  uint8_t regs[HDA_REGS_SIZE];
  uint8_t wmask[HDA_REGS_SIZE];
  uint8_t w1cmask[HDA_REGS_SIZE];
  struct hda_codec codec;
  struct hda_stream streams[HDA_N_STREAMS];
  unsigned rirb_count;     /* responses since RINTFL was last raised */

  /* The advancing thread's own. */
  bool audio_playing;
  uint8_t dma[HDA_MAX_STEP_BYTES];
  int16_t out[(HDA_MAX_STEP_FRAMES + 16) * AUDIO_CHANNELS];
};

static inline uint16_t hda_get16 (const struct hda_controller *h, unsigned off)
{ return h->regs[off] | (uint16_t) h->regs[off + 1] << 8; }
static inline uint32_t hda_get32 (const struct hda_controller *h, unsigned off)
{ return hda_get16 (h, off) | (uint32_t) hda_get16 (h, off + 2) << 16; }
static inline void hda_set16 (struct hda_controller *h, unsigned off, uint16_t v)
{ h->regs[off] = v; h->regs[off + 1] = v >> 8; }
static inline void hda_set32 (struct hda_controller *h, unsigned off, uint32_t v)
{ hda_set16 (h, off, v); hda_set16 (h, off + 2, v >> 16); }
static inline unsigned hda_sd (unsigned stream)
{ return HDA_SD_BASE + stream * HDA_SD_STRIDE; }

static inline uint64_t
hda_now (struct hda_controller *h)
{
  return h->now_ns (h->now_opaque);
}

/* hda-stream.c, all with the lock held. */
void _hda_stream_reset (struct hda_controller *h, struct hda_stream *s);
void _hda_stream_ctl_written (struct hda_controller *h, struct hda_stream *s, uint32_t old_ctl);
/* Moves @s up to @now; returns 48 kHz stereo frames put in h->out when it
 * is the stream the codec plays (@to_codec), else 0. */
size_t _hda_stream_advance (struct hda_controller *h, struct hda_stream *s, uint64_t now,
                            bool to_codec);
/* Validates SDnFMT: 16-bit PCM, 44.1 or 48 kHz, one or two channels. */
bool _hda_format_parse (uint16_t fmt, unsigned *rate, unsigned *channels);
