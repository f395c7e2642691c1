/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdint.h>

/*
 * An Intel HD Audio controller (ICH9, 8086:293e, class 0x0403) with one
 * output codec (hda-codec.h): what Linux's snd-hda-intel and Windows' inbox
 * driver use without extra drivers. Registers live in a 16 KiB memory BAR;
 * the codec is reached through the CORB/RIRB rings or the immediate command
 * registers; four input and four output stream descriptors walk buffer
 * descriptor lists in guest RAM. Interrupts are INTx (the guest's driver
 * falls back to it since the function offers no MSI).
 *
 * Output streams are played by a thread of the controller's own, at the
 * stream's rate: it moves the link position (and the DMA position buffer),
 * raises IOC interrupts and hands the PCM, converted to 48 kHz stereo, to
 * the machine's audio (vmm/audio/audio.h). The vCPU never waits for sound.
 */

struct audio;
struct guest_memory;
struct pci_device;
struct hda_controller;

/* @audio: where the guest's sound goes; NULL: nowhere. */
struct hda_controller *hda_controller_new (const struct guest_memory *mem, struct audio *audio);
struct pci_device *hda_controller_get_pci (struct hda_controller *hda);

/* Starts the stream thread. Returns 0 or -errno (logged). */
int hda_controller_start (struct hda_controller *hda) __attribute__ ((warn_unused_result));
/* Stops the thread; after this no interrupt is raised. Before the PCI bus
 * goes (the thread drives INTx through it). */
void hda_controller_stop (struct hda_controller *hda);
void hda_controller_free (struct hda_controller *hda);

/* For tests: a clock in nanoseconds instead of CLOCK_MONOTONIC, and one step
 * of what the stream thread does (moves running streams up to the clock's
 * now). Only one thread may call hda_controller_advance() at a time. */
void hda_controller_set_clock (struct hda_controller *hda, uint64_t (*now_ns) (void *opaque),
                               void *opaque);
void hda_controller_advance (struct hda_controller *hda);
