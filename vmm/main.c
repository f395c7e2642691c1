/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * terrarium-vmm: the virtual machine monitor, one process per running VM.
 * The Terrarium app spawns it; people and tests can run it directly.
 */
#define G_LOG_DOMAIN "terrarium-vmm"

#include "config.h"

#include <glib.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "exit-status.h"
#include "kvm/kvm-system.h"
#include "machine-config.h"
#include "machine.h"

static int
vmm_check_kvm (const char *path)
{
  struct kvm_system kvm;
  g_autofree char *why = NULL;

  if (kvm_system_open (&kvm, path, &why) < 0)
    {
      g_printerr ("terrarium-vmm: %s\n", why);
      return VMM_EXIT_ERROR;
    }
  g_print ("%s: KVM API version %d, usable.\n", path ? path : KVM_SYSTEM_DEFAULT_PATH,
           kvm.api_version);
  kvm_system_close (&kvm);
  return VMM_EXIT_POWEROFF;
}

static int
vmm_run (const struct machine_config *cfg, const char *kvm_device, const char *screenshot)
{
  struct machine m;
  g_autofree char *why = NULL;
  int status;

  if (machine_create (&m, cfg, kvm_device, &why) < 0)
    {
      g_printerr ("terrarium-vmm: %s\n", why);
      machine_destroy (&m);
      return VMM_EXIT_ERROR;
    }
  if (screenshot)
    machine_set_screenshot_on_exit (&m, screenshot);
  status = machine_run (&m);
  machine_destroy (&m);
  return status;
}

int
main (int argc, char **argv)
{
  gboolean version = FALSE;
  gboolean check_kvm = FALSE;
  g_autofree char *kvm_path = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *screenshot_path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = NULL;
  struct machine_config_cli *cli;
  struct machine_config cfg;
  int status;
  const GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      N_("Per-VM configuration file (other options override it)"), N_("FILE") },
    { "version", 'V', 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { "check-kvm", 0, 0, G_OPTION_ARG_NONE, &check_kvm,
      N_("Check that KVM is usable, say how to enable it if not, and exit"), NULL },
    { "screenshot-on-exit", 0, 0, G_OPTION_ARG_FILENAME, &screenshot_path,
      N_("Write a PNG of the first display when the virtual machine stops"), N_("PATH") },
    { "kvm-device", 0, 0, G_OPTION_ARG_FILENAME, &kvm_path,
      N_("KVM device to use (default /dev/kvm)"), N_("PATH") },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  cli = machine_config_cli_new ();
  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Terrarium's virtual machine monitor: runs one virtual machine on KVM.\n\n"
      "  terrarium-vmm --kernel bzImage --initrd initrd.img --cmdline \"console=ttyS0\" \\\n"
      "                --memory 2G --cpus 2 --disk disk.img --serial stdio"));
  g_option_context_set_description (context,
    _("Exit status:\n"
      "  0  the guest powered off (or --version/--check-kvm succeeded)\n"
      "  1  the virtual machine could not start or run (the reason is printed)\n"
      "  2  bad command line or configuration\n"
      "  3  the guest rebooted and --no-reboot was given\n"
      "  4  forced off (ForceOff, a second SIGTERM, or the guest ignored the power button)\n"
      "  5  the guest crashed (triple fault or KVM error; registers are printed)\n\n"
      "SIGTERM presses the guest's power button; a second SIGTERM forces it off.\n"
      "Report bugs through the Terrarium issue tracker."));
  g_option_context_set_main_group (context, machine_config_cli_option_group (cli));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("terrarium-vmm: %s\n", error->message);
      g_printerr (_("Try “terrarium-vmm --help” for more information.\n"));
      machine_config_cli_free (cli);
      return VMM_EXIT_USAGE;
    }
  if (argc > 1)
    {
      g_printerr (_("terrarium-vmm: unexpected argument “%s”\n"), argv[1]);
      machine_config_cli_free (cli);
      return VMM_EXIT_USAGE;
    }

  if (version)
    {
      g_print ("terrarium-vmm %s\n", PACKAGE_VERSION);
      machine_config_cli_free (cli);
      return VMM_EXIT_POWEROFF;
    }
  if (check_kvm)
    {
      machine_config_cli_free (cli);
      return vmm_check_kvm (kvm_path);
    }

  machine_config_init (&cfg);
  if ((config_path && machine_config_load (&cfg, config_path, &error) < 0) ||
      machine_config_cli_apply (cli, &cfg, &error) < 0 ||
      machine_config_validate (&cfg, &error) < 0)
    {
      g_printerr ("terrarium-vmm: %s\n", error->message);
      status = VMM_EXIT_USAGE;
    }
  else
    status = vmm_run (&cfg, kvm_path, screenshot_path);

  machine_config_cli_free (cli);
  machine_config_clear (&cfg);
  return status;
}
