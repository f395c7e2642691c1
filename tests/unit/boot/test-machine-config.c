/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The per-VM config file and the command-line options that map onto it. */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "machine-config.h"

#define GiB ((uint64_t) 1 << 30)
#define MiB ((uint64_t) 1 << 20)

static const char good_file[] =
  "# my VM\n"
  "[machine]\n"
  "name=Debian test\n"
  "uuid=0f8fad5b-d9cb-469f-a165-70867728950e\n"
  "memory=2G\n"
  "cpus=4\n"
  "kernel=/var/lib/vm/vmlinuz\n"
  "initrd=/var/lib/vm/initrd.img\n"
  "cmdline=console=ttyS0 root=/dev/vda1 quiet\n"
  "serial=file:/tmp/serial.log\n"
  "no-reboot=true\n"
  "control=/run/user/1000/vm.sock\n"
  "future-key=kept\n"
  "\n"
  "[disk1]\n"
  "path=/data/second.img\n"
  "\n"
  "[disk0]\n"
  "path=/data/root.img\n"
  "readonly=false\n"
  "serial=ROOT-1234\n"
  "\n"
  "[rng]\n"
  "enabled=false\n"
  "\n"
  "[app]\n"
  "icon=debian\n";

static void
test_config_good (void)
{
  struct machine_config cfg;
  g_autoptr (GError) error = NULL;

  machine_config_init (&cfg);
  g_assert_cmpint (machine_config_load_data (&cfg, good_file, strlen (good_file), "machine.ini",
                                             &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpstr (cfg.name, ==, "Debian test");
  g_assert_cmpstr (cfg.uuid, ==, "0f8fad5b-d9cb-469f-a165-70867728950e");
  g_assert_cmpuint (cfg.memory, ==, 2 * GiB);
  g_assert_cmpuint (cfg.cpus, ==, 4);
  g_assert_cmpstr (cfg.kernel, ==, "/var/lib/vm/vmlinuz");
  g_assert_cmpstr (cfg.initrd, ==, "/var/lib/vm/initrd.img");
  g_assert_cmpstr (cfg.cmdline, ==, "console=ttyS0 root=/dev/vda1 quiet");
  g_assert_cmpint (cfg.serial, ==, MACHINE_SERIAL_FILE);
  g_assert_cmpstr (cfg.serial_path, ==, "/tmp/serial.log");
  g_assert_true (cfg.no_reboot);
  g_assert_cmpstr (cfg.control, ==, "/run/user/1000/vm.sock");
  g_assert_false (cfg.rng);
  /* Disks in index order, whatever the file's order. */
  g_assert_cmpuint (cfg.n_disks, ==, 2);
  g_assert_cmpstr (cfg.disks[0].path, ==, "/data/root.img");
  g_assert_false (cfg.disks[0].readonly);
  g_assert_cmpstr (cfg.disks[0].serial, ==, "ROOT-1234");
  g_assert_cmpstr (cfg.disks[1].path, ==, "/data/second.img");
  g_assert_null (cfg.disks[1].serial);
  machine_config_clear (&cfg);
}

static void
test_config_defaults (void)
{
  struct machine_config cfg;
  g_autoptr (GError) error = NULL;
  const char *text = "[machine]\nkernel=/k\n";

  machine_config_init (&cfg);
  g_assert_cmpint (machine_config_load_data (&cfg, text, strlen (text), "m.ini", &error), ==, 0);
  g_assert_cmpuint (cfg.memory, ==, 1 * GiB);
  g_assert_cmpuint (cfg.cpus, ==, 1);
  g_assert_cmpint (cfg.serial, ==, MACHINE_SERIAL_STDIO);
  g_assert_true (cfg.rng);
  g_assert_false (cfg.no_reboot);
  g_assert_null (cfg.initrd);
  g_assert_null (cfg.control);
  g_assert_cmpuint (cfg.n_disks, ==, 0);
  g_assert_cmpint (machine_config_validate (&cfg, &error), ==, 0);
  machine_config_clear (&cfg);
}

static void
expect_bad (const char *text, const char *message)
{
  struct machine_config cfg;
  g_autoptr (GError) error = NULL;

  machine_config_init (&cfg);
  g_assert_cmpint (machine_config_load_data (&cfg, text, strlen (text), "machine.ini", &error),
                   ==, -EINVAL);
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==, message);
  machine_config_clear (&cfg);
}

static void
test_config_bad_values (void)
{
  expect_bad ("[machine]\nmemory=3X\n",
              "machine.ini: [machine] memory: '3X' is not a size like 512M or 2G");
  expect_bad ("[machine]\nmemory=\n",
              "machine.ini: [machine] memory: '' is not a size like 512M or 2G");
  expect_bad ("[machine]\nmemory=1000\n",
              "machine.ini: [machine] memory: '1000' is not a whole number of MiB from 32M to 256G");
  expect_bad ("[machine]\nmemory=1T\n",
              "machine.ini: [machine] memory: '1T' is not a whole number of MiB from 32M to 256G");
  expect_bad ("[machine]\nmemory=99999999999999999999G\n",
              "machine.ini: [machine] memory: '99999999999999999999G' is not a size like 512M or 2G");
  expect_bad ("[machine]\ncpus=0\n",
              "machine.ini: [machine] cpus: '0' is not a number of CPUs from 1 to 64");
  expect_bad ("[machine]\ncpus=65\n",
              "machine.ini: [machine] cpus: '65' is not a number of CPUs from 1 to 64");
  expect_bad ("[machine]\ncpus=two\n",
              "machine.ini: [machine] cpus: 'two' is not a number of CPUs from 1 to 64");
  expect_bad ("[machine]\nserial=tty\n",
              "machine.ini: [machine] serial: 'tty' is not one of stdio, file:PATH, pty or none");
  expect_bad ("[machine]\nserial=file:\n",
              "machine.ini: [machine] serial: 'file:' is not one of stdio, file:PATH, pty or none");
  expect_bad ("[machine]\nno-reboot=maybe\n",
              "machine.ini: [machine] no-reboot: 'maybe' is not true or false");
  expect_bad ("[machine]\nuuid=1234\n",
              "machine.ini: [machine] uuid: '1234' is not a UUID like "
              "0f8fad5b-d9cb-469f-a165-70867728950e");
  expect_bad ("[rng]\nenabled=2\n", "machine.ini: [rng] enabled: '2' is not true or false");
  expect_bad ("[disk0]\nreadonly=true\n", "machine.ini: [disk0] has no path");
  expect_bad ("[disk0]\npath=/a\nreadonly=ro\n",
              "machine.ini: [disk0] readonly: 'ro' is not true or false");
  expect_bad ("[disk0]\npath=/a\nserial=123456789012345678901\n",
              "machine.ini: [disk0] serial: '123456789012345678901' is longer than 20 characters");
  /* Syntax errors carry GLib's (translated) text after the file name. */
  {
    struct machine_config cfg;
    g_autoptr (GError) error = NULL;

    machine_config_init (&cfg);
    g_assert_cmpint (machine_config_load_data (&cfg, "[machine\n", 9, "machine.ini", &error),
                     ==, -EINVAL);
    g_assert_true (g_str_has_prefix (error->message, "machine.ini: "));
    machine_config_clear (&cfg);
  }
}

/* The firmware keys and the CD-ROM survive a save and load, and bad values are named. */
/* [display] adapter: auto unless set, saved only when set. */
static void
test_config_display_adapter (void)
{
  static const char text[] = "[display]\nadapter=vga\n";
  struct machine_config cfg;
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len;

  machine_config_init (&cfg);
  g_assert_cmpint (cfg.adapter, ==, MACHINE_ADAPTER_AUTO);
  data = machine_config_to_data (&cfg, &len);
  g_assert_null (strstr (data, "adapter="));
  g_clear_pointer (&data, g_free);
  g_assert_cmpint (machine_config_load_data (&cfg, text, sizeof text - 1, "m.ini", &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (cfg.adapter, ==, MACHINE_ADAPTER_VGA);
  data = machine_config_to_data (&cfg, &len);
  g_assert_nonnull (strstr (data, "adapter=vga\n"));
  g_assert_cmpint (machine_config_set_option (&cfg, "display-adapter", "virtio-gpu", NULL, NULL),
                   ==, 0);
  g_assert_cmpint (cfg.adapter, ==, MACHINE_ADAPTER_VIRTIO_GPU);
  g_assert_cmpint (machine_config_set_option (&cfg, "display-adapter", "cirrus",
                                              "--display-adapter", &error), ==, -EINVAL);
  g_assert_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID);
  g_assert_cmpint (cfg.adapter, ==, MACHINE_ADAPTER_VIRTIO_GPU);
  machine_config_clear (&cfg);
}

static void
test_config_firmware (void)
{
  static const char text[] =
    "[machine]\nfirmware=uefi\nuefi-vars=/vm/uefi-vars.fd\nboot-order=disk, cdrom\n"
    "[cdrom]\npath=/isos/debian.iso\n";
  struct machine_config cfg, again;
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len;

  machine_config_init (&cfg);
  g_assert_cmpint (cfg.firmware, ==, MACHINE_FIRMWARE_LINUX);
  g_assert_cmpuint (cfg.n_boot, ==, 2);
  g_assert_cmpint (cfg.boot_order[0], ==, MACHINE_BOOT_CDROM);
  g_assert_false (cfg.cdrom);
  g_assert_cmpint (machine_config_load_data (&cfg, text, sizeof text - 1, "m.ini", &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (cfg.firmware, ==, MACHINE_FIRMWARE_UEFI);
  g_assert_cmpstr (cfg.uefi_vars, ==, "/vm/uefi-vars.fd");
  g_assert_cmpuint (cfg.n_boot, ==, 2);
  g_assert_cmpint (cfg.boot_order[0], ==, MACHINE_BOOT_DISK);
  g_assert_cmpint (cfg.boot_order[1], ==, MACHINE_BOOT_CDROM);
  g_assert_true (cfg.cdrom);
  g_assert_cmpstr (cfg.cdrom_path, ==, "/isos/debian.iso");

  /* Ejecting keeps an empty drive; "none" removes it. */
  data = machine_config_to_data (&cfg, &len);
  machine_config_init (&again);
  g_assert_cmpint (machine_config_load_data (&again, data, len, "again.ini", NULL), ==, 0);
  g_assert_cmpint (again.firmware, ==, MACHINE_FIRMWARE_UEFI);
  g_assert_cmpint (again.boot_order[0], ==, MACHINE_BOOT_DISK);
  g_assert_cmpstr (again.cdrom_path, ==, "/isos/debian.iso");
  g_assert_cmpint (machine_config_set_option (&again, "cdrom", "", NULL, NULL), ==, 0);
  g_assert_true (again.cdrom);
  g_assert_null (again.cdrom_path);
  g_clear_pointer (&data, g_free);
  data = machine_config_to_data (&again, &len);
  g_assert_nonnull (strstr (data, "[cdrom]\npath=\n"));
  g_assert_cmpint (machine_config_set_option (&again, "cdrom", "none", NULL, NULL), ==, 0);
  g_clear_pointer (&data, g_free);
  data = machine_config_to_data (&again, &len);
  g_assert_null (strstr (data, "[cdrom]"));
  machine_config_clear (&again);

  g_assert_cmpint (machine_config_set_option (&cfg, "firmware", "coreboot", "--firmware", &error),
                   ==, -EINVAL);
  g_assert_cmpstr (error->message, ==, "--firmware: 'coreboot' is not linux, bios or uefi");
  g_clear_error (&error);
  g_assert_cmpint (machine_config_set_option (&cfg, "boot-order", "disk,floppy", "--boot-order",
                                              &error), ==, -EINVAL);
  g_assert_cmpstr (error->message, ==, "--boot-order: 'floppy' is not cdrom, disk or net");
  g_clear_error (&error);
  g_assert_cmpint (machine_config_set_option (&cfg, "boot-order", "disk,disk", NULL, &error),
                   ==, -EINVAL);
  g_assert_cmpstr (error->message, ==, "'disk' is listed twice");
  g_clear_error (&error);
  g_assert_cmpint (machine_config_set_option (&cfg, "boot-order", ",", NULL, &error), ==, -EINVAL);
  g_clear_error (&error);
  machine_config_clear (&cfg);
}

static void
test_config_validate (void)
{
  struct machine_config cfg;
  g_autoptr (GError) error = NULL;
  g_autofree char *meminfo = NULL;
  const char *p;
  uint64_t host;

  machine_config_init (&cfg);
  g_assert_cmpint (machine_config_validate (&cfg, &error), ==, -EINVAL);
  g_assert_cmpstr (error->message, ==,
                   "nothing to boot: pass --kernel FILE (or set kernel= in [machine]), "
                   "or boot firmware with --firmware bios|uefi");
  g_clear_error (&error);

  /* Firmware boots without a kernel, and a kernel next to firmware is a mistake. */
  cfg.firmware = MACHINE_FIRMWARE_BIOS;
  g_assert_cmpint (machine_config_validate (&cfg, NULL), ==, 0);
  cfg.kernel = g_strdup ("/k");
  g_assert_cmpint (machine_config_validate (&cfg, &error), ==, -EINVAL);
  g_assert_nonnull (strstr (error->message, "firmware is bios"));
  g_clear_error (&error);
  g_clear_pointer (&cfg.kernel, g_free);
  cfg.firmware = MACHINE_FIRMWARE_LINUX;

  /* More memory than this host has is refused, naming what it has. */
  g_assert_true (g_file_get_contents ("/proc/meminfo", &meminfo, NULL, NULL));
  p = strstr (meminfo, "MemTotal:");
  g_assert_nonnull (p);
  host = g_ascii_strtoull (p + 9, NULL, 10) * 1024;
  cfg.kernel = g_strdup ("/k");
  if (host + 1 * GiB <= MACHINE_CONFIG_MEMORY_MAX)
    {
      g_autofree char *size = g_strdup_printf ("%" G_GUINT64_FORMAT "G", host / GiB + 1);
      g_autofree char *host_text = g_strdup_printf ("(%.1f GiB)", (double) host / GiB);

      g_assert_cmpint (machine_config_set_option (&cfg, "memory", size, "--memory", &error), ==, 0);
      g_assert_cmpint (machine_config_validate (&cfg, &error), ==, -EINVAL);
      g_assert_true (g_str_has_prefix (error->message, "--memory: "));
      g_assert_nonnull (strstr (error->message, "is more than this computer's memory"));
      g_assert_nonnull (strstr (error->message, host_text));
      g_clear_error (&error);
    }
  g_assert_cmpint (machine_config_set_option (&cfg, "memory", "64M", "--memory", &error), ==, 0);
  g_assert_cmpint (machine_config_validate (&cfg, &error), ==, 0);
  machine_config_clear (&cfg);
}

static void
test_config_sizes (void)
{
  static const struct { const char *text; uint64_t bytes; } ok[] = {
    { "0", 0 }, { "4096", 4096 }, { "512M", 512 * MiB }, { "512m", 512 * MiB },
    { "2G", 2 * GiB }, { "2GiB", 2 * GiB }, { "2GB", 2 * GiB }, { "64K", 65536 },
    { "1T", 1024 * GiB }, { "16777215T", 16777215ull << 40 },
  };
  static const char *const bad[] = {
    "", "G", "-1", "1.5G", "2X", "2 G", "2Gi", "2GBs", " 2G", "16777216T",
    "18446744073709551616", "99999999999999999999",
  };
  uint64_t v;

  for (unsigned i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_assert_true (machine_config_parse_size (ok[i].text, &v));
      g_assert_cmpuint (v, ==, ok[i].bytes);
    }
  for (unsigned i = 0; i < G_N_ELEMENTS (bad); i++)
    if (machine_config_parse_size (bad[i], &v))
      g_error ("'%s' parsed as a size", bad[i]);

  {
    g_autofree char *a = machine_config_format_size (2 * GiB);
    g_autofree char *b = machine_config_format_size (1536 * MiB);
    g_autofree char *c = machine_config_format_size (1000);
    g_autofree char *d = machine_config_format_size (0);
    g_assert_cmpstr (a, ==, "2G");
    g_assert_cmpstr (b, ==, "1536M");
    g_assert_cmpstr (c, ==, "1000");
    g_assert_cmpstr (d, ==, "0");
  }
}

static void
test_config_disk_spec (void)
{
  struct machine_disk d;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (machine_config_parse_disk_spec ("/a/b.img", &d, &error), ==, 0);
  g_assert_cmpstr (d.path, ==, "/a/b.img");
  g_assert_false (d.readonly);
  g_assert_null (d.serial);
  machine_disk_clear (&d);

  g_assert_cmpint (machine_config_parse_disk_spec ("/a/b.img,readonly,serial=DISK1", &d, &error),
                   ==, 0);
  g_assert_cmpstr (d.path, ==, "/a/b.img");
  g_assert_true (d.readonly);
  g_assert_cmpstr (d.serial, ==, "DISK1");
  machine_disk_clear (&d);

  g_assert_cmpint (machine_config_parse_disk_spec ("x,serial=S,ro", &d, &error), ==, 0);
  g_assert_true (d.readonly);
  g_assert_cmpstr (d.serial, ==, "S");
  machine_disk_clear (&d);

  g_assert_cmpint (machine_config_parse_disk_spec ("x,readonly=off", &d, &error), ==, 0);
  g_assert_false (d.readonly);
  machine_disk_clear (&d);

  /* ",," is a comma in the path. */
  g_assert_cmpint (machine_config_parse_disk_spec ("/my,,disk.img,readonly", &d, &error), ==, 0);
  g_assert_cmpstr (d.path, ==, "/my,disk.img");
  g_assert_true (d.readonly);
  machine_disk_clear (&d);

  g_assert_cmpint (machine_config_parse_disk_spec ("x.img,cache=none", &d, &error), ==, -EINVAL);
  g_assert_cmpstr (error->message, ==,
                   "'x.img,cache=none': unknown disk option 'cache=none' (known: readonly, serial=ID)");
  g_assert_null (d.path);
  g_clear_error (&error);

  g_assert_cmpint (machine_config_parse_disk_spec (",readonly", &d, &error), ==, -EINVAL);
  g_assert_cmpstr (error->message, ==,
                   "',readonly' has no disk image path (expected PATH[,readonly][,serial=ID])");
  g_clear_error (&error);

  g_assert_cmpint (machine_config_parse_disk_spec ("x,serial=ABCDEFGHIJKLMNOPQRSTU", &d, &error),
                   ==, -EINVAL);
  g_assert_cmpstr (error->message, ==,
                   "'x,serial=ABCDEFGHIJKLMNOPQRSTU': serial 'ABCDEFGHIJKLMNOPQRSTU' is longer "
                   "than 20 characters");
  g_clear_error (&error);
  g_assert_cmpint (machine_config_parse_disk_spec ("x,serial=ABCDEFGHIJKLMNOPQRST", &d, &error),
                   ==, 0);
  machine_disk_clear (&d);
  g_assert_cmpint (machine_config_parse_disk_spec ("x,readonly=perhaps", &d, &error), ==, -EINVAL);
  g_clear_error (&error);
}

/* Unknown keys, groups and comments survive a load/save round trip; what the
 * struct changed is written; removed disks go away. */
static void
test_config_round_trip (void)
{
  struct machine_config cfg, again;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-machine-config-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "machine.ini", NULL);
  g_autofree char *saved = NULL;
  GStatBuf st;

  machine_config_init (&cfg);
  g_assert_cmpint (machine_config_load_data (&cfg, good_file, strlen (good_file), "machine.ini",
                                             &error), ==, 0);
  cfg.memory = 1536 * MiB;
  cfg.cpus = 2;
  g_clear_pointer (&cfg.initrd, g_free);
  machine_disk_clear (&cfg.disks[1]);
  cfg.n_disks = 1;
  g_assert_cmpint (machine_config_save (&cfg, path, &error), ==, 0);
  g_assert_no_error (error);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  g_assert_nonnull (strstr (saved, "# my VM"));
  g_assert_nonnull (strstr (saved, "future-key=kept"));
  g_assert_nonnull (strstr (saved, "[app]\nicon=debian"));
  g_assert_nonnull (strstr (saved, "memory=1536M"));
  g_assert_null (strstr (saved, "initrd="));
  g_assert_null (strstr (saved, "[disk1]"));

  machine_config_init (&again);
  g_assert_cmpint (machine_config_load (&again, path, &error), ==, 0);
  g_assert_cmpuint (again.memory, ==, 1536 * MiB);
  g_assert_cmpuint (again.cpus, ==, 2);
  g_assert_null (again.initrd);
  g_assert_cmpstr (again.cmdline, ==, cfg.cmdline);
  g_assert_cmpint (again.serial, ==, MACHINE_SERIAL_FILE);
  g_assert_cmpstr (again.serial_path, ==, "/tmp/serial.log");
  g_assert_true (again.no_reboot);
  g_assert_false (again.rng);
  g_assert_cmpuint (again.n_disks, ==, 1);
  g_assert_cmpstr (again.disks[0].serial, ==, "ROOT-1234");
  machine_config_clear (&again);
  machine_config_clear (&cfg);

  /* A fresh config saves too, and a missing file says so. */
  machine_config_init (&cfg);
  cfg.kernel = g_strdup ("/boot/vmlinuz");
  g_assert_cmpint (machine_config_save (&cfg, path, &error), ==, 0);
  machine_config_clear (&cfg);
  machine_config_init (&cfg);
  g_assert_cmpint (machine_config_load (&cfg, path, &error), ==, 0);
  g_assert_cmpstr (cfg.kernel, ==, "/boot/vmlinuz");
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (machine_config_load (&cfg, path, &error), ==, -ENOENT);
  g_assert_nonnull (strstr (error->message, path));
  machine_config_clear (&cfg);
  g_rmdir (dir);
}

/* --config loads first, options override it wherever they stand. */
static void
test_config_cli (void)
{
  struct machine_config cfg;
  g_autoptr (GError) error = NULL;
  struct machine_config_cli *cli = machine_config_cli_new ();
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  char *config_path = NULL;
  const GOptionEntry main_entries[] = {
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_path, "", "FILE" },
    { NULL }
  };
  const char *args[] = {
    "terrarium-vmm", "--memory", "512M", "--disk", "/x.img,readonly", "--config", "machine.ini",
    "--cpus=3", "--no-reboot", "--serial", "pty", "--disk", "/y.img,serial=Y", "--kernel", "/k2",
  };
  int argc = G_N_ELEMENTS (args);
  g_auto (GStrv) argv = g_new0 (char *, argc + 1);

  for (int i = 0; i < argc; i++)
    argv[i] = g_strdup (args[i]);
  g_option_context_set_main_group (context, machine_config_cli_option_group (cli));
  g_option_context_add_main_entries (context, main_entries, NULL);
  g_assert_true (g_option_context_parse_strv (context, &argv, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (config_path, ==, "machine.ini");

  machine_config_init (&cfg);
  g_assert_cmpint (machine_config_load_data (&cfg, good_file, strlen (good_file), config_path,
                                             &error), ==, 0);
  g_assert_cmpint (machine_config_cli_apply (cli, &cfg, &error), ==, 0);
  g_assert_cmpuint (cfg.memory, ==, 512 * MiB);
  g_assert_cmpuint (cfg.cpus, ==, 3);
  g_assert_true (cfg.no_reboot);
  g_assert_cmpint (cfg.serial, ==, MACHINE_SERIAL_PTY);
  g_assert_null (cfg.serial_path);
  g_assert_cmpstr (cfg.kernel, ==, "/k2");
  g_assert_cmpstr (cfg.initrd, ==, "/var/lib/vm/initrd.img");  /* from the file */
  /* Command-line disks replace the file's. */
  g_assert_cmpuint (cfg.n_disks, ==, 2);
  g_assert_cmpstr (cfg.disks[0].path, ==, "/x.img");
  g_assert_true (cfg.disks[0].readonly);
  g_assert_cmpstr (cfg.disks[1].path, ==, "/y.img");
  g_assert_cmpstr (cfg.disks[1].serial, ==, "Y");
  machine_config_clear (&cfg);
  g_free (config_path);
  g_clear_pointer (&context, g_option_context_free);
  machine_config_cli_free (cli);
}

static void
test_config_cli_bad (void)
{
  static const struct { const char *arg, *value, *message; } cases[] = {
    { "--memory", "3X", "--memory: '3X' is not a size like 512M or 2G" },
    { "--cpus", "100", "--cpus: '100' is not a number of CPUs from 1 to 64" },
    { "--serial", "com1", "--serial: 'com1' is not one of stdio, file:PATH, pty or none" },
    { "--disk", "a,b", "--disk: 'a,b': unknown disk option 'b' (known: readonly, serial=ID)" },
  };

  for (unsigned i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      struct machine_config_cli *cli = machine_config_cli_new ();
      GOptionContext *context = g_option_context_new (NULL);
      g_autoptr (GError) error = NULL;
      char *args[] = { "terrarium-vmm", (char *) cases[i].arg, (char *) cases[i].value, NULL };
      char **argv = args;
      int argc = 3;

      g_option_context_set_main_group (context, machine_config_cli_option_group (cli));
      g_assert_false (g_option_context_parse (context, &argc, &argv, &error));
      g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_option_context_free (context);
      machine_config_cli_free (cli);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/machine-config/good", test_config_good);
  g_test_add_func ("/Vmm/machine-config/defaults", test_config_defaults);
  g_test_add_func ("/Vmm/machine-config/bad-values", test_config_bad_values);
  g_test_add_func ("/Vmm/machine-config/validate", test_config_validate);
  g_test_add_func ("/Vmm/machine-config/sizes", test_config_sizes);
  g_test_add_func ("/Vmm/machine-config/disk-spec", test_config_disk_spec);
  g_test_add_func ("/Vmm/machine-config/round-trip", test_config_round_trip);
  g_test_add_func ("/Vmm/machine-config/firmware", test_config_firmware);
  g_test_add_func ("/Vmm/machine-config/display-adapter", test_config_display_adapter);
  g_test_add_func ("/Vmm/machine-config/cli", test_config_cli);
  g_test_add_func ("/Vmm/machine-config/cli-bad", test_config_cli_bad);
  return g_test_run ();
}
