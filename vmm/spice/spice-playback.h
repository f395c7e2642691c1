/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <spice.h>

struct audio;

/*
 * SPICE playback: a consumer of the machine's audio (vmm/audio/audio.h),
 * beside PulseAudio, sending the guest's sound to the connected client.
 * PCM arrives on the sound device's thread into a bounded ring; the main
 * context (where the server's sound channel lives) drains it into the
 * server's 10 ms buffers. With no sound card (--sound off), it stays silent.
 */
struct spice_playback;

struct spice_playback *spice_playback_new (SpiceServer *server, struct audio *audio, char **why);
/* Unregisters from the audio first, then removes the interface. */
void spice_playback_free (struct spice_playback *sp);
