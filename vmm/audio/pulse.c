/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "audio"

#include "config.h"

#include "pulse.h"

#include <glib.h>
#include <math.h>
#include <pthread.h>
#include <pulse/error.h>
#include <pulse/simple.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "audio.h"
#include "log.h"

/* The server holds this much: the delay between the guest and the speakers.
 * A host too busy to run the sound threads every few tens of milliseconds
 * (an emulated one, as in the tests) needs more, from the environment.
 * Our ring only absorbs jitter between the sound device's thread and ours
 * (blocked while the server is full); it stays nearly empty, and past twice
 * the latency (and at least 100 ms) the oldest sound goes, so the delay
 * cannot grow without end. */
#define PULSE_LATENCY_MS_DEFAULT 40
#define PULSE_LATENCY_ENV "TERRARIUM_SOUND_LATENCY_MS"
#define PULSE_RING_MS_MIN 100
#define PULSE_CHUNK_MS   10
#define PULSE_FRAMES(ms) (AUDIO_RATE * (ms) / 1000)

struct audio_pulse {
  struct audio_consumer *consumer;
  char *name;
  pthread_t thread;
  atomic_bool disabled;     /* no server: the ring is not even filled */
  _Atomic double volume;
  atomic_bool mute;

  pthread_mutex_t lock;
  pthread_cond_t wake;
  bool quit;
  unsigned latency_ms;
  int16_t *ring;
  size_t cap, head, count;  /* in frames */
  bool dropping;
};

/* --- Sound device thread (the audio lock held): copy and return --- */

static void
audio_pulse_write (void *opaque, const int16_t *frames, size_t n_frames)
{
  struct audio_pulse *p = opaque;
  const size_t cap = p->cap;

  if (atomic_load (&p->disabled))
    return;
  pthread_mutex_lock (&p->lock);
  for (size_t i = 0; i < n_frames; i++)
    {
      size_t slot = (p->head + p->count) % cap;

      p->ring[slot * 2] = frames[i * 2];
      p->ring[slot * 2 + 1] = frames[i * 2 + 1];
      /* Full: the oldest sound goes, so the delay stays bounded. */
      if (p->count < cap)
        p->count++;
      else
        {
          p->head = (p->head + 1) % cap;
          if (!p->dropping)
            vmm_debug ("PulseAudio takes no sound for a while; dropping the oldest");
          p->dropping = true;
        }
    }
  pthread_cond_signal (&p->wake);
  pthread_mutex_unlock (&p->lock);
}

/* Start and stop need nothing: the ring empties by itself. */
static const struct audio_consumer_ops audio_pulse_ops = {
  .write = audio_pulse_write,
};

/* --- The playback thread --- */

static void
audio_pulse_scale (struct audio_pulse *p, int16_t *buf, size_t n_samples)
{
  double volume = atomic_load (&p->volume);

  if (atomic_load (&p->mute))
    volume = 0.0;
  if (volume >= 1.0)
    return;
  for (size_t i = 0; i < n_samples; i++)
    buf[i] = (int16_t) lrint (buf[i] * volume);
}

/* Waits for sound; false once it is time to quit and nothing is left: what
 * the guest played last still reaches the server. */
static bool
audio_pulse_take (struct audio_pulse *p, int16_t *buf, size_t *n)
{
  const size_t cap = p->cap;
  bool go_on;

  pthread_mutex_lock (&p->lock);
  while (!p->quit && p->count == 0)
    pthread_cond_wait (&p->wake, &p->lock);
  *n = MIN (p->count, (size_t) PULSE_FRAMES (PULSE_CHUNK_MS));
  for (size_t i = 0; i < *n; i++)
    {
      size_t slot = (p->head + i) % cap;

      buf[i * 2] = p->ring[slot * 2];
      buf[i * 2 + 1] = p->ring[slot * 2 + 1];
    }
  p->head = (p->head + *n) % cap;
  p->count -= *n;
  p->dropping = false;
  go_on = !p->quit || *n > 0;
  pthread_mutex_unlock (&p->lock);
  return go_on;
}

static void *
audio_pulse_thread (void *data)
{
  struct audio_pulse *p = data;
  const pa_sample_spec spec = { PA_SAMPLE_S16LE, AUDIO_RATE, AUDIO_CHANNELS };
  const pa_buffer_attr attr = {
    .maxlength = (uint32_t) -1,
    .tlength = PULSE_FRAMES (p->latency_ms) * AUDIO_FRAME_BYTES,
    .prebuf = (uint32_t) -1,
    .minreq = (uint32_t) -1,
    .fragsize = (uint32_t) -1,
  };
  int16_t buf[PULSE_FRAMES (PULSE_CHUNK_MS) * AUDIO_CHANNELS];
  pa_simple *pa;
  int err = 0;
  size_t n;

  pa = pa_simple_new (NULL, "Terrarium", PA_STREAM_PLAYBACK, NULL, p->name, &spec, NULL, &attr,
                      &err);
  if (!pa)
    {
      atomic_store (&p->disabled, true);
      g_warning ("no PulseAudio server to play the guest's sound (%s); sound is off",
                 pa_strerror (err));
      return NULL;
    }

  vmm_debug ("playing the guest's sound through PulseAudio, %u ms behind", p->latency_ms);
  /* When the guest is late (or stops), the server runs dry and plays
   * silence; it starts again once it has a buffer's worth. */
  while (audio_pulse_take (p, buf, &n))
    {
      audio_pulse_scale (p, buf, n * AUDIO_CHANNELS);
      if (pa_simple_write (pa, buf, n * AUDIO_FRAME_BYTES, &err) < 0)
        {
          atomic_store (&p->disabled, true);
          g_warning ("PulseAudio playback failed (%s); sound is off", pa_strerror (err));
          break;
        }
    }
  /* Freeing the stream throws away what the server has not played yet: up
   * to the latency, the end of a guest's last sound (a shutdown chime). Let
   * it play out, for at most the latency (no pa_simple_drain(), which waits
   * without a limit on a stalled sink). */
  if (!atomic_load (&p->disabled))
    {
      pa_usec_t queued = pa_simple_get_latency (pa, &err);

      if (queued != (pa_usec_t) -1 && queued > 0)
        g_usleep (MIN (queued, (pa_usec_t) p->latency_ms * 1000 + 100000));
    }
  pa_simple_free (pa);
  return NULL;
}

struct audio_pulse *
audio_pulse_new (struct audio *audio, const char *name)
{
  struct audio_pulse *p = g_new0 (struct audio_pulse, 1);
  pthread_condattr_t attr;
  int ret;
  const char *latency = g_getenv (PULSE_LATENCY_ENV);
  guint64 ms;

  p->name = g_strdup (name && *name ? name : "Virtual machine");
  p->latency_ms = PULSE_LATENCY_MS_DEFAULT;
  if (latency && g_ascii_string_to_unsigned (latency, 10, 10, 2000, &ms, NULL))
    p->latency_ms = (unsigned) ms;
  else if (latency)
    vmm_error ("%s: '%s' is not a number of milliseconds from 10 to 2000; using %u",
               PULSE_LATENCY_ENV, latency, p->latency_ms);
  p->cap = PULSE_FRAMES (MAX (2 * p->latency_ms, PULSE_RING_MS_MIN));
  p->ring = g_new (int16_t, p->cap * AUDIO_CHANNELS);
  atomic_store (&p->volume, 1.0);
  pthread_mutex_init (&p->lock, NULL);
  pthread_condattr_init (&attr);
  pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
  pthread_cond_init (&p->wake, &attr);
  pthread_condattr_destroy (&attr);
  ret = pthread_create (&p->thread, NULL, audio_pulse_thread, p);
  if (ret != 0)
    {
      vmm_error ("cannot start the sound thread: %s", g_strerror (ret));
      pthread_cond_destroy (&p->wake);
      pthread_mutex_destroy (&p->lock);
      g_free (p->ring);
      g_free (p->name);
      g_free (p);
      return NULL;
    }
  p->consumer = audio_register (audio, &audio_pulse_ops, p);
  return p;
}

void
audio_pulse_free (struct audio_pulse *p)
{
  if (!p)
    return;
  audio_unregister (p->consumer);
  pthread_mutex_lock (&p->lock);
  p->quit = true;
  pthread_cond_signal (&p->wake);
  pthread_mutex_unlock (&p->lock);
  pthread_join (p->thread, NULL);
  pthread_cond_destroy (&p->wake);
  pthread_mutex_destroy (&p->lock);
  g_free (p->ring);
  g_free (p->name);
  g_free (p);
}

void
audio_pulse_set_volume (struct audio_pulse *p, double volume)
{
  atomic_store (&p->volume, CLAMP (volume, 0.0, 1.0));
}

double
audio_pulse_get_volume (struct audio_pulse *p)
{
  return atomic_load (&p->volume);
}

void
audio_pulse_set_mute (struct audio_pulse *p, bool mute)
{
  atomic_store (&p->mute, mute);
}

bool
audio_pulse_get_mute (struct audio_pulse *p)
{
  return atomic_load (&p->mute);
}
