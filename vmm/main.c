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

#include "kvm/kvm-system.h"

/* Exit statuses, documented in --help and the README. */
enum {
  VMM_EXIT_OK = 0,
  VMM_EXIT_FAILURE = 1,
  VMM_EXIT_USAGE = 2,
};

static int
vmm_check_kvm (const char *path)
{
  struct kvm_system kvm;
  g_autofree char *why = NULL;

  if (kvm_system_open (&kvm, path, &why) < 0)
    {
      g_printerr ("terrarium-vmm: %s\n", why);
      return VMM_EXIT_FAILURE;
    }
  g_print ("%s: KVM API version %d, usable.\n", path ? path : KVM_SYSTEM_DEFAULT_PATH,
           kvm.api_version);
  kvm_system_close (&kvm);
  return VMM_EXIT_OK;
}

int
main (int argc, char **argv)
{
  gboolean version = FALSE;
  gboolean check_kvm = FALSE;
  g_autofree char *kvm_path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = NULL;
  const GOptionEntry entries[] = {
    { "version", 'V', 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { "check-kvm", 0, 0, G_OPTION_ARG_NONE, &check_kvm,
      N_("Check that KVM is usable, say how to enable it if not, and exit"), NULL },
    { "kvm-device", 0, 0, G_OPTION_ARG_FILENAME, &kvm_path,
      N_("KVM device to use (default /dev/kvm)"), N_("PATH") },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  context = g_option_context_new (NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Terrarium's virtual machine monitor: runs one virtual machine on KVM."));
  g_option_context_set_description (context,
    _("Exit status: 0 when the guest powered off or the command succeeded, 1 on an error, "
      "2 on a usage error.\n\nReport bugs through the Terrarium issue tracker."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("terrarium-vmm: %s\n", error->message);
      g_printerr (_("Try “terrarium-vmm --help” for more information.\n"));
      return VMM_EXIT_USAGE;
    }
  if (argc > 1)
    {
      g_printerr (_("terrarium-vmm: unexpected argument “%s”\n"), argv[1]);
      return VMM_EXIT_USAGE;
    }

  if (version)
    {
      g_print ("terrarium-vmm %s\n", PACKAGE_VERSION);
      return VMM_EXIT_OK;
    }
  if (check_kvm)
    return vmm_check_kvm (kvm_path);

  g_printerr (_("terrarium-vmm: nothing to do: no virtual machine was given (see --help)\n"));
  return VMM_EXIT_USAGE;
}
