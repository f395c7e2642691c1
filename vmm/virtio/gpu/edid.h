/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdint.h>

/*
 * An EDID 1.4 base block (no extensions) for a virtual monitor named
 * "Terrarium": the preferred detailed timing is @width x @height, plus the
 * common modes as established and standard timings, so a guest's mode list
 * offers them.
 */

#define VIRTIO_GPU_EDID_SIZE 128
/* What the 12-bit fields of a detailed timing can carry. */
#define VIRTIO_GPU_EDID_MAX_ACTIVE 4095

/* @serial tells monitors apart (the scanout index). Sizes beyond what a
 * detailed timing can carry are clamped. */
void virtio_gpu_edid_build (uint8_t edid[VIRTIO_GPU_EDID_SIZE], uint32_t width, uint32_t height,
                            uint32_t serial);
