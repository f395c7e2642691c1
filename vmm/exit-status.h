/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* terrarium-vmm's exit statuses; the app and the README rely on them. */
enum vmm_exit_status {
  VMM_EXIT_POWEROFF = 0,   /* the guest powered off (or a query succeeded) */
  VMM_EXIT_ERROR = 1,      /* the VM could not start or run: the reason is on stderr */
  VMM_EXIT_USAGE = 2,      /* bad command line or configuration */
  VMM_EXIT_REBOOT = 3,     /* the guest rebooted and --no-reboot was given */
  VMM_EXIT_FORCED_OFF = 4, /* ForceOff, or a second SIGTERM / shutdown timeout */
  VMM_EXIT_CRASH = 5,      /* triple fault or KVM error: registers dumped on stderr */
};
