/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "net/net-config.h"
#include "spice/spice-config.h"

/*
 * The per-VM configuration: THE one definition of the key file the app writes
 * and `terrarium-vmm --config FILE` reads (format: vmm/machine-config.md), and
 * of the command-line options that override it. Both go through
 * machine_config_set_option(), so a value means the same in either place.
 *
 * The loaded GKeyFile is kept: saving rewrites only the keys this struct
 * knows, so unknown keys and groups (a newer version's, the app's own)
 * survive a load/save round trip.
 */

#define MACHINE_CONFIG_MAX_CPUS       64
#define MACHINE_CONFIG_MAX_DISKS      16
#define MACHINE_CONFIG_DISK_SERIAL_MAX 20  /* virtio-blk's ID is 20 bytes */
#define MACHINE_CONFIG_MEMORY_MIN     (32ull << 20)
/* The guest-physical layout keeps high RAM below the 64-bit MMIO window. */
#define MACHINE_CONFIG_MEMORY_MAX     (256ull << 30)
#define MACHINE_CONFIG_MEMORY_DEFAULT (1ull << 30)

#define MACHINE_CONFIG_ERROR (machine_config_error_quark ())
GQuark machine_config_error_quark (void);

enum machine_config_error {
  MACHINE_CONFIG_ERROR_INVALID,   /* a value is malformed or out of range */
  MACHINE_CONFIG_ERROR_MISSING,   /* something required is not set */
};

#define MACHINE_CONFIG_MAX_SCANOUTS 4
#define MACHINE_CONFIG_GPU_MEMORY_DEFAULT (256ull << 20)

/* A window the VMM itself opens on the guest's display (the app shows its own). */
enum machine_window {
  MACHINE_WINDOW_NONE,
  MACHINE_WINDOW_SDL,
};

/* The guest's display adapter: auto is the VGA for firmware boots (it shows
 * the firmware's screens) and virtio-gpu for direct kernel boots. */
enum machine_display_adapter {
  MACHINE_ADAPTER_AUTO,
  MACHINE_ADAPTER_VIRTIO_GPU,
  MACHINE_ADAPTER_VGA,
};

/* What runs first: the Linux kernel directly, SeaBIOS, or OVMF (UEFI). */
enum machine_firmware {
  MACHINE_FIRMWARE_LINUX,
  MACHINE_FIRMWARE_BIOS,
  MACHINE_FIRMWARE_UEFI,
};

/* Boot devices, in the order firmware tries them (the `boot-order` key). */
enum machine_boot_device {
  MACHINE_BOOT_CDROM,
  MACHINE_BOOT_DISK,
  MACHINE_BOOT_NET,
};
#define MACHINE_CONFIG_MAX_BOOT 3

enum machine_serial {
  MACHINE_SERIAL_STDIO,
  MACHINE_SERIAL_FILE,
  MACHINE_SERIAL_PTY,
  MACHINE_SERIAL_NONE,
};

struct machine_disk {
  char *path;
  bool readonly;
  char *serial;  /* NULL: none */
};

struct machine_config {
  char *name;
  char *uuid;
  uint64_t memory;          /* bytes */
  unsigned cpus;
  char *kernel;
  char *initrd;             /* NULL: none */
  char *cmdline;            /* NULL: empty */
  enum machine_serial serial;
  char *serial_path;        /* for MACHINE_SERIAL_FILE */
  bool no_reboot;
  char *control;            /* D-Bus socket path; NULL: none */
  bool rng;
  bool sound;               /* [sound] enabled: an HD Audio card; default true */
  /* [display] */
  unsigned scanouts;        /* 1..MACHINE_CONFIG_MAX_SCANOUTS */
  uint64_t gpu_memory;      /* cap on host memory for the guest's GPU resources */
  enum machine_window window;
  enum machine_display_adapter adapter;
  /* [spice]: remote viewing, off unless enabled */
  struct spice_config spice;
  /* [network]: user-mode NAT, on unless disabled */
  struct net_config net;
  /* Firmware boot: [machine] firmware, uefi-vars, boot-order */
  enum machine_firmware firmware;
  char *uefi_vars;          /* per-VM OVMF variable store; NULL: in memory only */
  unsigned n_boot;
  enum machine_boot_device boot_order[MACHINE_CONFIG_MAX_BOOT];
  /* [cdrom]: a read-only CD-ROM drive (AHCI/ATAPI) */
  bool cdrom;               /* the drive exists */
  char *cdrom_path;         /* the inserted ISO image; NULL: the drive is empty */
  unsigned n_disks;
  struct machine_disk disks[MACHINE_CONFIG_MAX_DISKS];

  /* Private: the file as loaded (NULL until load or save), and where the
   * memory size came from, for validation messages. */
  GKeyFile *keyfile;
  char *memory_origin;
};

/* Defaults: 1 GiB, 1 CPU, serial on stdio, rng on, no disks. */
void machine_config_init (struct machine_config *cfg);
void machine_config_clear (struct machine_config *cfg);

/*
 * Reads @path (or @data, named @source in messages) over the current values.
 * Errors name the file, group, key and value:
 *   "machine.ini: [machine] memory: '3X' is not a size like 512M or 2G".
 * Returns 0, or -errno / -EINVAL with @error set.
 */
int machine_config_load (struct machine_config *cfg, const char *path, GError **error);
int machine_config_load_data (struct machine_config *cfg, const char *data, gsize len,
                              const char *source, GError **error);

/* Writes the struct back into the kept key file and saves it atomically and
 * durably (write, fsync, rename), mode 0600. */
int machine_config_save (struct machine_config *cfg, const char *path, GError **error);
/* The key file text that save would write (g_free). */
char *machine_config_to_data (struct machine_config *cfg, gsize *len);

/*
 * Checks what single values cannot: a kernel is set, and memory fits this
 * host (at most its MemTotal). Returns 0 or -EINVAL with @error set.
 */
int machine_config_validate (const struct machine_config *cfg, GError **error);
/* The host's RAM (MemTotal in /proc/meminfo) in bytes, 0 when unknown: the
 * most memory a guest may have. */
uint64_t machine_config_host_memory (void);

/*
 * Sets one option by its command-line name ("kernel", "initrd", "cmdline",
 * "memory", "cpus", "disk" (appends), "serial", "control", "no-reboot",
 * "name", "uuid", "rng", "sound" (on|off), "spice" (replaces the whole
 * [spice] group), "net",
 * "net-forward" (appends), "mac", "firmware" (linux, bios or uefi), "uefi-vars",
 * "boot-order" (comma-separated cdrom, disk, net), "cdrom" (ISO path; empty:
 * an empty drive; "none": no drive)), with
 * @value as on the command line (NULL for
 * no-reboot means true). @context prefixes error messages ("--memory").
 */
int machine_config_set_option (struct machine_config *cfg, const char *option,
                               const char *value, const char *context, GError **error);

/* Sizes: bytes, or a number with K, M, G or T (powers of 1024; "KiB", "MB"
 * spellings too). False on junk or overflow. */
bool machine_config_parse_size (const char *text, uint64_t *bytes);
/* "2G", "512M" or plain bytes, whichever is exact (g_free). */
char *machine_config_format_size (uint64_t bytes);

/* "PATH[,readonly][,serial=ID]"; ",," is a literal comma in PATH. Fills
 * @disk (free with machine_disk_clear). */
int machine_config_parse_disk_spec (const char *spec, struct machine_disk *disk, GError **error);
void machine_disk_clear (struct machine_disk *disk);

/* Names of the enums as the key file writes them. */
const char *machine_firmware_name (enum machine_firmware firmware);
const char *machine_boot_device_name (enum machine_boot_device device);

/* "stdio", "file:PATH", "pty" or "none"; *path is set (g_free) for a file. */
int machine_config_parse_serial (const char *text, enum machine_serial *serial, char **path,
                                 GError **error);

/*
 * Command-line options. The VMM lets --config FILE load first and the other
 * options override it, wherever they stand on the command line: the group's
 * callbacks check each value at once (so a typo is a usage error) and record
 * it; machine_config_cli_apply() replays them, in order, after the file.
 * --disk on the command line replaces the file's disks.
 */
struct machine_config_cli;
struct machine_config_cli *machine_config_cli_new (void);
void machine_config_cli_free (struct machine_config_cli *cli);
/* A group with --kernel --initrd --cmdline --memory --cpus --disk --serial
 * --control --no-reboot --name; @cli must outlive the option context. */
GOptionGroup *machine_config_cli_option_group (struct machine_config_cli *cli);
int machine_config_cli_apply (struct machine_config_cli *cli, struct machine_config *cfg,
                              GError **error);
