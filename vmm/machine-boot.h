/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "machine.h"

/* Builds a boot of @cfg with COM1 on @serial, with @net a network card on
 * that NAT and with @audio a sound card playing into it; NULL with *why
 * (g_free). */
struct machine_boot *machine_boot_new (const struct machine_config *cfg, const char *kvm_device,
                                       struct serial_backend *serial, struct display *display,
                                       struct net_slirp *net, struct audio *audio, char **why);
int machine_boot_start (struct machine_boot *b) __attribute__ ((warn_unused_result));
/* Stops the vCPUs and frees everything (NULL is fine). */
void machine_boot_free (struct machine_boot *b);
