/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The [network] group and the --net, --net-forward and --mac options. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "machine-config.h"

static void
check_forward (const char *spec, bool udp, const char *host, unsigned host_port,
               const char *guest, unsigned guest_port, const char *canonical)
{
  g_autoptr (GError) error = NULL;
  struct net_forward f;
  char buf[INET_ADDRSTRLEN];
  g_autofree char *back = NULL;

  g_assert_cmpint (net_forward_parse (spec, &f, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (f.udp, ==, udp);
  g_assert_cmpstr (inet_ntop (AF_INET, &f.host_addr, buf, sizeof buf), ==, host);
  g_assert_cmpuint (f.host_port, ==, host_port);
  if (guest)
    g_assert_cmpstr (inet_ntop (AF_INET, &f.guest_addr, buf, sizeof buf), ==, guest);
  else
    g_assert_cmpuint (f.guest_addr.s_addr, ==, 0);
  g_assert_cmpuint (f.guest_port, ==, guest_port);
  back = net_forward_to_string (&f);
  g_assert_cmpstr (back, ==, canonical);
}

static void
test_forward_parse (void)
{
  check_forward ("tcp:127.0.0.1:2222-:22", false, "127.0.0.1", 2222, NULL, 22,
                 "tcp:127.0.0.1:2222-:22");
  check_forward ("tcp::2222-:22", false, "127.0.0.1", 2222, NULL, 22, "tcp:127.0.0.1:2222-:22");
  check_forward ("2222-22", false, "127.0.0.1", 2222, NULL, 22, "tcp:127.0.0.1:2222-:22");
  check_forward ("udp:0.0.0.0:5353-10.0.2.15:53", true, "0.0.0.0", 5353, "10.0.2.15", 53,
                 "udp:0.0.0.0:5353-10.0.2.15:53");
  check_forward ("tcp:localhost:8080-:80", false, "127.0.0.1", 8080, NULL, 80,
                 "tcp:127.0.0.1:8080-:80");
}

static void
check_bad_forward (const char *spec, const char *says)
{
  g_autoptr (GError) error = NULL;
  struct net_forward f;

  g_assert_cmpint (net_forward_parse (spec, &f, &error), ==, -EINVAL);
  g_assert_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID);
  if (!strstr (error->message, says))
    g_error ("'%s': message '%s' lacks '%s'", spec, error->message, says);
}

static void
test_forward_bad (void)
{
  check_bad_forward ("tcp:2222", "needs HOSTPORT-GUESTPORT");
  check_bad_forward ("tcp:127.0.0.1:0-:22", "port on the host");
  check_bad_forward ("tcp:127.0.0.1:65536-:22", "port on the host");
  check_bad_forward ("tcp:127.0.0.1:x-:22", "port on the host");
  check_bad_forward ("tcp:300.0.0.1:2222-:22", "port on the host");
  check_bad_forward ("tcp:127.0.0.1:2222-:", "port in the guest");
  check_bad_forward ("tcp:127.0.0.1:2222-192.168.1.5:22", "10.0.2.0/24");
  check_bad_forward ("sctp:127.0.0.1:2222-:22", "port on the host");
}

static void
test_mac (void)
{
  g_autoptr (GError) error = NULL;
  struct net_config cfg;
  uint8_t mac[6], mac2[6];
  g_autofree char *text = NULL;

  net_config_init (&cfg);
  g_assert_true (cfg.enabled);
  g_assert_cmpint (net_config_parse_mac ("52:54:00:AB:cd:0f", mac, &error), ==, 0);
  text = net_config_format_mac (mac);
  g_assert_cmpstr (text, ==, "52:54:00:ab:cd:0f");
  g_assert_cmpint (net_config_parse_mac ("01:00:5e:00:00:01", mac, &error), ==, -EINVAL);
  g_assert_nonnull (strstr (error->message, "multicast"));
  g_clear_error (&error);
  g_assert_cmpint (net_config_parse_mac ("00:00:00:00:00:00", mac, &error), ==, -EINVAL);
  g_clear_error (&error);
  g_assert_cmpint (net_config_parse_mac ("52:54:00:ab:cd", mac, &error), ==, -EINVAL);
  g_clear_error (&error);
  g_assert_cmpint (net_config_parse_mac ("52-54-00-ab-cd-ef", mac, &error), ==, -EINVAL);
  g_clear_error (&error);
  g_assert_cmpint (net_config_parse_mac ("52:54:00:ab:cd:+f", mac, &error), ==, -EINVAL);
  g_clear_error (&error);

  /* No MAC set: one from the UUID, stable, different per VM, 52:54:00. */
  net_config_get_mac (&cfg, "0f8fad5b-d9cb-469f-a165-70867728950e", mac);
  net_config_get_mac (&cfg, "0f8fad5b-d9cb-469f-a165-70867728950e", mac2);
  g_assert_cmpmem (mac, 6, mac2, 6);
  g_assert_cmpmem (mac, 3, "\x52\x54\x00", 3);
  net_config_get_mac (&cfg, "1f8fad5b-d9cb-469f-a165-70867728950e", mac2);
  g_assert_true (memcmp (mac, mac2, 6) != 0);
  net_config_get_mac (&cfg, NULL, mac);
  g_assert_cmpmem (mac, 6, "\x52\x54\x00\x12\x34\x56", 6);
  g_assert_cmpint (net_config_set_option (&cfg, "mac", "52:54:00:01:02:03", &error), ==, 0);
  net_config_get_mac (&cfg, "0f8fad5b-d9cb-469f-a165-70867728950e", mac);
  g_assert_cmpmem (mac, 6, "\x52\x54\x00\x01\x02\x03", 6);
}

static const char net_file[] =
  "[machine]\n"
  "kernel=/vmlinuz\n"
  "[network]\n"
  "enabled=true\n"
  "isolated=true\n"
  "mac=52:54:00:11:22:33\n"
  "forwards=tcp:127.0.0.1:2222-:22;udp::5353-:53;\n"
  "future=kept\n";

static void
test_keyfile (void)
{
  g_autoptr (GError) error = NULL;
  struct machine_config cfg;
  g_autofree char *data = NULL;
  struct machine_config again;

  machine_config_init (&cfg);
  g_assert_true (cfg.net.enabled);
  g_assert_false (cfg.net.isolated);
  g_assert_cmpint (machine_config_load_data (&cfg, net_file, strlen (net_file), "vm.ini",
                                             &error), ==, 0);
  g_assert_no_error (error);
  g_assert_true (cfg.net.enabled);
  g_assert_true (cfg.net.isolated);
  g_assert_true (cfg.net.has_mac);
  g_assert_cmpmem (cfg.net.mac, 6, "\x52\x54\x00\x11\x22\x33", 6);
  g_assert_cmpuint (cfg.net.n_forwards, ==, 2);
  g_assert_true (cfg.net.forwards[1].udp);
  g_assert_cmpuint (cfg.net.forwards[1].host_port, ==, 5353);

  /* Saved and read back: the same, unknown keys kept. */
  data = machine_config_to_data (&cfg, NULL);
  g_assert_nonnull (strstr (data, "forwards=tcp:127.0.0.1:2222-:22;udp:127.0.0.1:5353-:53;"));
  g_assert_nonnull (strstr (data, "future=kept"));
  machine_config_init (&again);
  g_assert_cmpint (machine_config_load_data (&again, data, strlen (data), "saved", &error), ==,
                   0);
  g_assert_cmpmem (&again.net, sizeof again.net, &cfg.net, sizeof cfg.net);
  machine_config_clear (&again);

  /* Command-line options replace the file's forwards and mode. */
  g_assert_cmpint (machine_config_set_option (&cfg, "net", "off", "--net", &error), ==, 0);
  g_assert_false (cfg.net.enabled);
  g_assert_cmpint (machine_config_set_option (&cfg, "net", "on", "--net", &error), ==, 0);
  g_assert_true (cfg.net.enabled);
  g_assert_false (cfg.net.isolated);
  g_assert_cmpint (machine_config_set_option (&cfg, "net", "maybe", "--net", &error), ==,
                   -EINVAL);
  g_assert_cmpstr (error->message, ==, "--net: 'maybe' is not on, off or isolated");
  g_clear_error (&error);
  machine_config_clear (&cfg);
}

static void
check_bad_file (const char *text, const char *message)
{
  g_autoptr (GError) error = NULL;
  struct machine_config cfg;

  machine_config_init (&cfg);
  g_assert_cmpint (machine_config_load_data (&cfg, text, strlen (text), "vm.ini", &error), ==,
                   -EINVAL);
  if (!strstr (error->message, message))
    g_error ("message '%s' lacks '%s'", error->message, message);
  machine_config_clear (&cfg);
}

static void
test_keyfile_bad (void)
{
  check_bad_file ("[network]\nenabled=perhaps\n", "vm.ini: [network] enabled: 'perhaps'");
  check_bad_file ("[network]\nmac=ff:ff:ff:ff:ff:ff\n", "vm.ini: [network] mac: ");
  check_bad_file ("[network]\nforwards=tcp::2222-:22;tcp:127.0.0.1:2222-:23\n",
                  "host TCP port 2222 is already forwarded");
  check_bad_file ("[network]\nforwards=tcp:0.0.0.0:2222-:22;tcp:127.0.0.1:2222-:23\n",
                  "host TCP port 2222 is already forwarded");
  check_bad_file ("[network]\nforwards=tcp::99999-:22\n", "vm.ini: [network] forwards: ");
}

static void
test_cli (void)
{
  g_autoptr (GError) error = NULL;
  struct machine_config cfg;
  struct machine_config_cli *cli = machine_config_cli_new ();
  GOptionContext *context = g_option_context_new (NULL);
  char *args[] = { "vmm", "--net", "isolated", "--net-forward", "tcp:127.0.0.1:8080-:80",
                   "--mac", "52:54:00:00:00:01", NULL };
  char **argv = args;
  int argc = G_N_ELEMENTS (args) - 1;

  g_option_context_set_main_group (context, machine_config_cli_option_group (cli));
  g_assert_true (g_option_context_parse (context, &argc, &argv, &error));
  g_assert_no_error (error);
  machine_config_init (&cfg);
  g_assert_cmpint (machine_config_load_data (&cfg, net_file, strlen (net_file), "vm.ini",
                                             &error), ==, 0);
  g_assert_cmpint (machine_config_cli_apply (cli, &cfg, &error), ==, 0);
  g_assert_true (cfg.net.isolated);
  g_assert_cmpuint (cfg.net.n_forwards, ==, 1);
  g_assert_cmpuint (cfg.net.forwards[0].host_port, ==, 8080);
  g_assert_cmpmem (cfg.net.mac, 6, "\x52\x54\x00\x00\x00\x01", 6);
  machine_config_clear (&cfg);
  g_option_context_free (context);
  machine_config_cli_free (cli);
}

/* Isolated mode drops the guest's UDP: a UDP forward there could never
 * answer, so the machine is refused rather than started half-working. */
static void
test_isolated_udp (void)
{
  g_autoptr (GError) error = NULL;
  struct machine_config cfg;

  machine_config_init (&cfg);
  cfg.kernel = g_strdup ("/boot/vmlinuz");
  g_assert_cmpint (machine_config_set_option (&cfg, "net-forward", "udp::5353-:53", NULL, &error),
                   ==, 0);
  g_assert_cmpint (machine_config_set_option (&cfg, "net", "on", NULL, &error), ==, 0);
  g_assert_cmpint (machine_config_validate (&cfg, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (machine_config_set_option (&cfg, "net", "isolated", NULL, &error), ==, 0);
  g_assert_cmpint (machine_config_validate (&cfg, &error), ==, -EINVAL);
  g_assert_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "udp:127.0.0.1:5353-:53"));
  g_assert_nonnull (strstr (error->message, "isolated"));
  g_clear_error (&error);
  /* TCP forwards are what isolated mode is for. */
  net_config_clear_forwards (&cfg.net);
  g_assert_cmpint (machine_config_set_option (&cfg, "net-forward", "tcp::2222-:22", NULL, &error),
                   ==, 0);
  g_assert_cmpint (machine_config_validate (&cfg, &error), ==, 0);
  g_assert_no_error (error);
  machine_config_clear (&cfg);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/net-config/forward-parse", test_forward_parse);
  g_test_add_func ("/Vmm/net-config/forward-bad", test_forward_bad);
  g_test_add_func ("/Vmm/net-config/mac", test_mac);
  g_test_add_func ("/Vmm/net-config/keyfile", test_keyfile);
  g_test_add_func ("/Vmm/net-config/keyfile-bad", test_keyfile_bad);
  g_test_add_func ("/Vmm/net-config/cli", test_cli);
  g_test_add_func ("/Vmm/net-config/isolated-udp", test_isolated_udp);
  return g_test_run ();
}
