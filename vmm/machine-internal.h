/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by machine.c (the machine's life) and machine-control.c (what
 * D-Bus, SPICE and the window ask of it); not for other modules. */
#pragma once

#include <glib.h>

#include "machine.h"

struct control_callbacks;
struct sdl_window_input_ops;
struct spice_remote_ops;

void machine_set_state (struct machine *m, const char *state);
void machine_stop (struct machine *m, int exit_status);
gboolean machine_on_terminate (gpointer data);
int machine_power_button (void *data);
int machine_reset (void *data);
int machine_force_off (void *data);
int machine_pause (void *data);
int machine_resume (void *data);

extern const struct control_callbacks machine_control_callbacks;
extern const struct spice_remote_ops machine_spice_ops;
extern const struct sdl_window_input_ops machine_ui_ops;
