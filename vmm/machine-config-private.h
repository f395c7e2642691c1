/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "machine-config.h"

/* Shared by machine-config.c and machine-config-values.c only. */

/* "true"/"false", "yes"/"no", "on"/"off", "1"/"0". */
bool machine_config_parse_bool (const char *text, bool *value);
/* NULL when @id is a valid disk serial, else why not. */
const char *machine_config_check_serial_id (const char *id);
/* "linux", "bios" or "uefi". */
bool machine_config_parse_firmware (const char *text, enum machine_firmware *firmware);
/* "cdrom,disk": into cfg->boot_order, each device at most once. */
int machine_config_parse_boot_order (struct machine_config *cfg, const char *value,
                                     GError **error);
