/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * The guest's sound output as every listener hears it: a sound device (the
 * producer: the HD Audio card, hda-controller.h) writes PCM here, and each
 * registered consumer (PulseAudio on this computer, SPICE playback to a
 * remote viewer, a test) gets a copy. One format for all:
 * AUDIO_RATE Hz, AUDIO_CHANNELS channels, signed 16-bit little-endian,
 * interleaved; a frame is one sample per channel.
 *
 * Threads: producer calls come from the device's thread and never wait for a
 * consumer. A consumer's ops run on that thread with the audio lock held:
 * they copy what they need (into a ring buffer of their own) and return;
 * they must not call back into audio_*. Register and unregister from any
 * thread; after audio_unregister() returns no op runs any more.
 */

#define AUDIO_RATE     48000
#define AUDIO_CHANNELS 2
#define AUDIO_FRAME_BYTES (AUDIO_CHANNELS * 2)

struct audio_consumer_ops {
  /* The guest starts or stops playing (a stream opens or closes). */
  void (*start) (void *opaque);
  void (*stop) (void *opaque);
  /* @n_frames frames of PCM while started. */
  void (*write) (void *opaque, const int16_t *frames, size_t n_frames);
};

struct audio;
struct audio_consumer;

struct audio *audio_new (void);
/* Every consumer must have unregistered. */
void audio_free (struct audio *audio);

/* A consumer added while the guest plays is started at once. */
struct audio_consumer *audio_register (struct audio *audio, const struct audio_consumer_ops *ops,
                                       void *opaque);
void audio_unregister (struct audio_consumer *consumer);

/* --- Producer side --- */
void audio_start (struct audio *audio);
void audio_stop (struct audio *audio);
void audio_write (struct audio *audio, const int16_t *frames, size_t n_frames);
