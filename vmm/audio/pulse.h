/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>

struct audio;

/*
 * The guest's sound on this computer's speakers: a consumer of the machine's
 * audio (audio.h) playing through PulseAudio (or PipeWire's PulseAudio
 * server) with pa_simple, on a thread of its own. The server buffers 40 ms
 * (the delay to the speakers; TERRARIUM_SOUND_LATENCY_MS in the environment
 * says otherwise, for slow hosts); a bounded ring between the sound device and
 * that thread absorbs the device's jitter, so the device never waits. When
 * the guest falls behind, the server plays silence until sound comes again.
 *
 * With no server to connect to, one warning is printed and sound is off;
 * the machine runs on. Volume and mute are applied here, on the host.
 */
struct audio_pulse;

/* @name: the stream's name in the sound settings (the VM's name). */
struct audio_pulse *audio_pulse_new (struct audio *audio, const char *name);
/* Unregisters from the audio, then stops the thread. */
void audio_pulse_free (struct audio_pulse *pulse);

/* 0.0 (silent) .. 1.0 (as the guest plays it); linear. */
void audio_pulse_set_volume (struct audio_pulse *pulse, double volume);
double audio_pulse_get_volume (struct audio_pulse *pulse);
void audio_pulse_set_mute (struct audio_pulse *pulse, bool mute);
bool audio_pulse_get_mute (struct audio_pulse *pulse);
