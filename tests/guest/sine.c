/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Plays a 440 Hz sine for one second on the first sound card's PCM
 * (/dev/snd/pcmC0D0p), with ALSA's kernel interface only (no alsa-lib):
 * HW_PARAMS for S16_LE stereo at 48 kHz, PREPARE, WRITEI_FRAMES, DRAIN.
 * After the tone it plays more than a buffer of silence, so that whatever
 * the device reads past the end is silence too.
 *
 * Usage: sine [SECONDS] [FREQUENCY]
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <sound/asound.h>

#define RATE     48000
#define CHANNELS 2
#define PERIOD   960     /* 20 ms */
#define BUFFER   24000   /* 500 ms */
#define AMPLITUDE 16000

static struct snd_mask *
param_mask (struct snd_pcm_hw_params *p, int n)
{
  return &p->masks[n - SNDRV_PCM_HW_PARAM_FIRST_MASK];
}

static struct snd_interval *
param_interval (struct snd_pcm_hw_params *p, int n)
{
  return &p->intervals[n - SNDRV_PCM_HW_PARAM_FIRST_INTERVAL];
}

static void
mask_only (struct snd_pcm_hw_params *p, int n, unsigned bit)
{
  struct snd_mask *m = param_mask (p, n);

  memset (m->bits, 0, sizeof m->bits);
  m->bits[bit / 32] = 1u << (bit % 32);
}

static void
interval_set (struct snd_pcm_hw_params *p, int n, unsigned min, unsigned max)
{
  struct snd_interval *i = param_interval (p, n);

  i->min = min;
  i->max = max;
  i->openmin = i->openmax = 0;
  i->integer = 1;
}

static void
hw_params_any (struct snd_pcm_hw_params *p)
{
  memset (p, 0, sizeof *p);
  for (int n = SNDRV_PCM_HW_PARAM_FIRST_MASK; n <= SNDRV_PCM_HW_PARAM_LAST_MASK; n++)
    memset (param_mask (p, n)->bits, 0xff, sizeof param_mask (p, n)->bits);
  for (int n = SNDRV_PCM_HW_PARAM_FIRST_INTERVAL; n <= SNDRV_PCM_HW_PARAM_LAST_INTERVAL; n++)
    {
      struct snd_interval *i = param_interval (p, n);

      i->min = 0;
      i->max = ~0u;
    }
  p->rmask = ~0u;
  p->info = ~0u;
}

/* Writes @frames, recovering from an underrun; 0 or -1. */
static int
write_frames (int fd, const int16_t *buf, unsigned long frames, unsigned *xruns)
{
  while (frames)
    {
      struct snd_xferi x = { .buf = (void *) buf, .frames = frames };

      if (ioctl (fd, SNDRV_PCM_IOCTL_WRITEI_FRAMES, &x) < 0)
        {
          if (errno == EPIPE)
            {
              (*xruns)++;
              if (ioctl (fd, SNDRV_PCM_IOCTL_PREPARE) < 0)
                return -1;
              continue;
            }
          if (errno == EINTR || errno == EAGAIN)
            continue;
          return -1;
        }
      buf += x.result * CHANNELS;
      frames -= (unsigned long) x.result;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  double seconds = argc > 1 ? atof (argv[1]) : 1.0;
  double freq = argc > 2 ? atof (argv[2]) : 440.0;
  unsigned long tone = (unsigned long) (seconds * RATE), pad = BUFFER + RATE / 10;
  struct snd_pcm_hw_params p;
  struct timespec t0, t1;
  unsigned xruns = 0;
  int16_t *buf;
  int fd;

  fd = open ("/dev/snd/pcmC0D0p", O_RDWR | O_CLOEXEC);
  if (fd < 0)
    {
      perror ("sine: /dev/snd/pcmC0D0p");
      return 1;
    }
  hw_params_any (&p);
  mask_only (&p, SNDRV_PCM_HW_PARAM_ACCESS, SNDRV_PCM_ACCESS_RW_INTERLEAVED);
  mask_only (&p, SNDRV_PCM_HW_PARAM_FORMAT, SNDRV_PCM_FORMAT_S16_LE);
  mask_only (&p, SNDRV_PCM_HW_PARAM_SUBFORMAT, SNDRV_PCM_SUBFORMAT_STD);
  interval_set (&p, SNDRV_PCM_HW_PARAM_CHANNELS, CHANNELS, CHANNELS);
  interval_set (&p, SNDRV_PCM_HW_PARAM_RATE, RATE, RATE);
  interval_set (&p, SNDRV_PCM_HW_PARAM_PERIOD_SIZE, PERIOD, PERIOD);
  interval_set (&p, SNDRV_PCM_HW_PARAM_BUFFER_SIZE, PERIOD * 2, BUFFER);
  if (ioctl (fd, SNDRV_PCM_IOCTL_HW_PARAMS, &p) < 0)
    {
      perror ("sine: HW_PARAMS");
      return 1;
    }
  printf ("sine: %u Hz, %u channels, period %u frames, buffer %u frames\n",
          param_interval (&p, SNDRV_PCM_HW_PARAM_RATE)->min,
          param_interval (&p, SNDRV_PCM_HW_PARAM_CHANNELS)->min,
          param_interval (&p, SNDRV_PCM_HW_PARAM_PERIOD_SIZE)->min,
          param_interval (&p, SNDRV_PCM_HW_PARAM_BUFFER_SIZE)->min);
  if (ioctl (fd, SNDRV_PCM_IOCTL_PREPARE) < 0)
    {
      perror ("sine: PREPARE");
      return 1;
    }

  buf = calloc ((tone + pad) * CHANNELS, sizeof *buf);
  if (!buf)
    return 1;
  for (unsigned long i = 0; i < tone; i++)
    buf[i * 2] = buf[i * 2 + 1] = (int16_t) (AMPLITUDE * sin (2 * M_PI * freq * i / RATE));

  clock_gettime (CLOCK_MONOTONIC, &t0);
  if (write_frames (fd, buf, tone + pad, &xruns) < 0)
    {
      perror ("sine: WRITEI_FRAMES");
      return 1;
    }
  if (ioctl (fd, SNDRV_PCM_IOCTL_DRAIN) < 0)
    {
      perror ("sine: DRAIN");
      return 1;
    }
  clock_gettime (CLOCK_MONOTONIC, &t1);
  printf ("sine: played %.2f s of %.0f Hz and %.2f s of silence in %.2f s, %u underruns\n",
          seconds, freq, (double) pad / RATE,
          (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, xruns);
  close (fd);
  free (buf);
  return 0;
}
