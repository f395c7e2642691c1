/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "machine-config"

#include "config.h"

#include "machine-config.h"

#include <errno.h>
#include <glib/gi18n.h>

/* Command-line options: checked at once, replayed after --config. */

struct machine_config_cli {
  struct machine_config scratch;  /* takes each value once to check it */
  GPtrArray *options;             /* option name, value, name, value, ... */
};

struct machine_config_cli *
machine_config_cli_new (void)
{
  struct machine_config_cli *cli = g_new0 (struct machine_config_cli, 1);

  machine_config_init (&cli->scratch);
  cli->options = g_ptr_array_new_with_free_func (g_free);
  return cli;
}

void
machine_config_cli_free (struct machine_config_cli *cli)
{
  if (!cli)
    return;
  machine_config_clear (&cli->scratch);
  g_ptr_array_unref (cli->options);
  g_free (cli);
}

static gboolean
machine_config_cli_cb (const char *option_name, const char *value, gpointer data, GError **error)
{
  struct machine_config_cli *cli = data;
  const char *name = option_name;

  while (*name == '-')
    name++;
  if (machine_config_set_option (&cli->scratch, name, value, option_name, error) < 0)
    {
      /* GOptionContext reports G_OPTION_ERROR as a usage error. */
      if (error && *error)
        (*error)->domain = G_OPTION_ERROR, (*error)->code = G_OPTION_ERROR_BAD_VALUE;
      return FALSE;
    }
  g_ptr_array_add (cli->options, g_strdup (name));
  g_ptr_array_add (cli->options, g_strdup (value));
  return TRUE;
}

GOptionGroup *
machine_config_cli_option_group (struct machine_config_cli *cli)
{
  const GOptionEntry entries[] = {
    { "kernel", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("Linux kernel (bzImage) to boot"), N_("FILE") },
    { "initrd", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("Initial RAM disk"), N_("FILE") },
    { "cmdline", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("Kernel command line"), N_("TEXT") },
    { "memory", 'm', 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("Guest RAM, like 512M or 2G (default 1G)"), N_("SIZE") },
    { "cpus", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("Number of virtual CPUs, 1 to 64 (default 1)"), N_("N") },
    { "disk", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("Raw disk image; repeat for more disks"), N_("PATH[,readonly][,serial=ID]") },
    { "serial", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("Serial console (default stdio)"), N_("stdio|file:PATH|pty|none") },
    { "control", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("Serve the D-Bus control interface on this Unix socket"), N_("PATH") },
    { "no-reboot", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("Exit instead of rebooting when the guest reboots"), NULL },
    { "firmware", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("What boots: the kernel given with --kernel (linux, the default), SeaBIOS (bios) "
         "or OVMF (uefi)"), N_("linux|bios|uefi") },
    { "uefi-vars", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("File keeping the VM's UEFI variables (created from OVMF's template if missing)"),
      N_("FILE") },
    { "boot-order", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("Boot devices in order (default cdrom,disk)"), N_("cdrom,disk,net") },
    { "cdrom", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("ISO image in the CD-ROM drive (\"\": an empty drive, none: no drive)"),
      N_("ISO") },
    { "sound", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("Guest sound card, played through PulseAudio and SPICE (default on)"), N_("on|off") },
    { "spice", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("Share the display over SPICE (off by default; 127.0.0.1 unless addr is given)"),
      N_("port=N[,addr=A][,password-file=F][,tls-port=N,x509-dir=D][,disable-ticketing]") },
    { "display", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("Open a window on the guest's display (default none)"), N_("none|sdl") },
    { "display-adapter", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("The guest's display adapter: vga for firmware boots, virtio-gpu otherwise (default "
         "auto)"), N_("auto|virtio-gpu|vga") },
    { "scanouts", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("Number of displays (monitors), 1 to 4 (default 1)"), N_("N") },
    { "gpu-memory", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("Host memory the guest's GPU may use (default 256M)"), N_("SIZE") },
    { "net", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("Guest network: NAT (on, the default), none (off), or only forwarded ports "
         "(isolated)"), N_("on|off|isolated") },
    { "net-forward", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("Forward a host port into the guest (host address 127.0.0.1 unless given); repeat "
         "for more"), N_("[tcp:|udp:][HOSTADDR:]PORT-[GUESTADDR:]PORT") },
    { "mac", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("The guest network card's MAC address (default: derived from the UUID)"),
      N_("MAC") },
    { "name", 0, 0, G_OPTION_ARG_CALLBACK, machine_config_cli_cb,
      N_("Name of the virtual machine"), N_("NAME") },
    { NULL }
  };
  GOptionGroup *group = g_option_group_new ("machine", _("Virtual machine options"),
                                            _("Show the virtual machine options"), cli, NULL);

  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_group_add_entries (group, entries);
  return group;
}

int
machine_config_cli_apply (struct machine_config_cli *cli, struct machine_config *cfg,
                          GError **error)
{
  bool disks_replaced = false, forwards_replaced = false;

  for (unsigned i = 0; i + 1 < cli->options->len; i += 2)
    {
      const char *name = cli->options->pdata[i];
      g_autofree char *context = g_strconcat ("--", name, NULL);

      if (g_str_equal (name, "disk") && !disks_replaced)
        {
          for (unsigned d = 0; d < cfg->n_disks; d++)
            machine_disk_clear (&cfg->disks[d]);
          cfg->n_disks = 0;
          disks_replaced = true;
        }
      /* Like --disk: the command line's forwards replace the file's. */
      if (g_str_equal (name, "net-forward") && !forwards_replaced)
        {
          net_config_clear_forwards (&cfg->net);
          forwards_replaced = true;
        }
      if (machine_config_set_option (cfg, name, cli->options->pdata[i + 1], context, error) < 0)
        return -EINVAL;
    }
  return 0;
}
