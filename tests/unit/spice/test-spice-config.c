/* SPDX-License-Identifier: GPL-3.0-or-later */
/* --spice and [spice]: parsing, refusals, the password file, and .vv files. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "machine-config.h"
#include "spice/spice-config.h"
#include "spice/spice-vv.h"

static void
test_parse_good (void)
{
  struct spice_config cfg = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *spec = NULL;

  g_assert_cmpint (spice_config_parse ("port=5901", &cfg, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_true (cfg.enabled);
  g_assert_cmpuint (cfg.port, ==, 5901);
  g_assert_null (cfg.addr);
  /* Loopback unless told otherwise. */
  g_assert_cmpstr (spice_config_get_addr (&cfg), ==, "127.0.0.1");

  g_assert_cmpint (spice_config_parse ("port=5902,addr=0.0.0.0,password-file=/run/pw,"
                                       "tls-port=5903,x509-dir=/etc/pki", &cfg, &error), ==, 0);
  g_assert_cmpuint (cfg.port, ==, 5902);
  g_assert_cmpuint (cfg.tls_port, ==, 5903);
  g_assert_cmpstr (cfg.addr, ==, "0.0.0.0");
  g_assert_cmpstr (cfg.password_file, ==, "/run/pw");
  g_assert_cmpstr (cfg.x509_dir, ==, "/etc/pki");
  spec = spice_config_to_spec (&cfg);
  g_assert_cmpstr (spec, ==, "port=5902,addr=0.0.0.0,password-file=/run/pw,tls-port=5903,"
                             "x509-dir=/etc/pki");

  /* TLS alone on the network is fine: the traffic is private. */
  g_assert_cmpint (spice_config_parse ("tls-port=5904,x509-dir=/d,addr=192.168.1.2", &cfg,
                                       &error), ==, 0);
  g_assert_cmpint (spice_config_parse ("port=5900,disable-ticketing", &cfg, &error), ==, 0);
  g_assert_true (cfg.disable_ticketing);
  g_assert_cmpint (spice_config_parse ("port=5900,addr=::1", &cfg, &error), ==, 0);
  g_assert_cmpint (spice_config_parse ("off", &cfg, &error), ==, 0);
  g_assert_false (cfg.enabled);
  g_assert_cmpuint (cfg.port, ==, 0);
  spice_config_clear (&cfg);
}

/* Each bad spec fails with a message holding @needle. */
static void
expect_refused (const char *spec, const char *needle)
{
  struct spice_config cfg = { 0 };
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (spice_config_parse ("port=5999", &cfg, NULL), ==, 0);
  g_assert_cmpint (spice_config_parse (spec, &cfg, &error), <, 0);
  g_assert_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID);
  if (!strstr (error->message, needle))
    g_error ("'%s': message '%s' lacks '%s'", spec, error->message, needle);
  /* A refused spec leaves the old value. */
  g_assert_cmpuint (cfg.port, ==, 5999);
  spice_config_clear (&cfg);
}

static void
test_parse_refused (void)
{
  expect_refused ("port=5900,addr=0.0.0.0", "without a password or TLS");
  expect_refused ("port=5900,addr=192.168.1.20", "password-file=FILE");
  expect_refused ("port=5900,addr=::", "without a password or TLS");
  expect_refused ("port=0", "is not a TCP port from 1 to 65535");
  expect_refused ("port=65536", "is not a TCP port");
  expect_refused ("port=59x", "is not a TCP port");
  expect_refused ("port", "needs a value");
  expect_refused ("addr=127.0.0.1", "no port to listen on");
  expect_refused ("port=5900,password=secret", "visible to others");
  expect_refused ("port=5900,colour=blue", "unknown SPICE option 'colour'");
  expect_refused ("port=5900,tls-port=5901", "x509-dir");
  expect_refused ("port=5900,x509-dir=/d", "tls-port");
  expect_refused ("port=5900,tls-port=5900,x509-dir=/d", "two different ports");
  expect_refused ("port=5900,password-file=/p,disable-ticketing", "contradict");
  expect_refused ("port=5900,enabled=true", "unknown SPICE option 'enabled'");
  expect_refused ("port=5900,addr=", "addr is empty");

  g_assert_true (spice_config_addr_is_loopback ("127.0.0.1"));
  g_assert_true (spice_config_addr_is_loopback ("127.3.2.1"));
  g_assert_true (spice_config_addr_is_loopback ("::1"));
  g_assert_true (spice_config_addr_is_loopback ("localhost"));
  g_assert_false (spice_config_addr_is_loopback ("0.0.0.0"));
  g_assert_false (spice_config_addr_is_loopback ("::"));
  g_assert_false (spice_config_addr_is_loopback ("10.0.0.1"));
  g_assert_false (spice_config_addr_is_loopback ("example.org"));
}

/* The per-VM file and the command line go through machine-config. */
static void
test_machine_config (void)
{
  static const char file[] =
    "[machine]\nkernel=/k\n"
    "[spice]\nenabled=true\nport=5910\npassword-file=/home/u/.vm-pw\naddr=0.0.0.0\n"
    "future=kept\n";
  struct machine_config cfg;
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;

  machine_config_init (&cfg);
  g_assert_false (cfg.spice.enabled);  /* off by default */
  g_assert_cmpint (machine_config_load_data (&cfg, file, strlen (file), "vm.ini", &error), ==, 0);
  g_assert_no_error (error);
  g_assert_true (cfg.spice.enabled);
  g_assert_cmpuint (cfg.spice.port, ==, 5910);
  g_assert_cmpstr (cfg.spice.password_file, ==, "/home/u/.vm-pw");

  data = machine_config_to_data (&cfg, NULL);
  g_assert_nonnull (strstr (data, "[spice]\nenabled=true\nport=5910\n"));
  g_assert_nonnull (strstr (data, "password-file=/home/u/.vm-pw\n"));
  g_assert_nonnull (strstr (data, "future=kept\n"));

  /* The command line replaces the file's settings as a whole. */
  g_assert_cmpint (machine_config_set_option (&cfg, "spice", "port=5920", "--spice", &error),
                   ==, 0);
  g_assert_cmpuint (cfg.spice.port, ==, 5920);
  g_assert_null (cfg.spice.addr);
  g_assert_null (cfg.spice.password_file);
  g_assert_cmpint (machine_config_set_option (&cfg, "spice", "port=5900,addr=10.1.1.1",
                                              "--spice", &error), <, 0);
  g_assert_nonnull (strstr (error->message, "--spice: refusing to share"));
  g_clear_error (&error);
  machine_config_clear (&cfg);

  /* A file that shares on the network without a password is refused too. */
  machine_config_init (&cfg);
  g_assert_cmpint (machine_config_load_data (&cfg, "[spice]\nenabled=true\nport=1\naddr=::\n",
                                             (gsize) -1, "vm.ini", &error), <, 0);
  g_assert_nonnull (strstr (error->message, "vm.ini: [spice]: refusing"));
  g_clear_error (&error);
  g_assert_cmpint (machine_config_load_data (&cfg, "[spice]\nport=99999\n", (gsize) -1, "vm.ini",
                                             &error), <, 0);
  g_assert_nonnull (strstr (error->message, "vm.ini: [spice] port: port '99999'"));
  g_clear_error (&error);
  /* Disabled but configured: kept for D-Bus StartSpice, not checked as shared. */
  g_assert_cmpint (machine_config_load_data (&cfg, "[spice]\nport=5930\n", (gsize) -1, "vm.ini",
                                             &error), ==, 0);
  g_assert_false (cfg.spice.enabled);
  g_assert_cmpuint (cfg.spice.port, ==, 5930);
  machine_config_clear (&cfg);

  /* A VM that never shared gets no [spice] group. */
  machine_config_init (&cfg);
  g_clear_pointer (&data, g_free);
  data = machine_config_to_data (&cfg, NULL);
  g_assert_null (strstr (data, "[spice]"));
  machine_config_clear (&cfg);
}

static void
test_password_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("spice-pw-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "pw", NULL);
  g_autofree char *password = NULL;
  g_autoptr (GError) error = NULL;
  char long_pw[80];

  g_assert_cmpint (spice_config_read_password (path, &password, &error), <, 0);
  g_assert_nonnull (strstr (error->message, "cannot read the SPICE password file"));
  g_assert_null (password);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, "s3cret\nignored\n", -1, NULL));
  g_assert_cmpint (spice_config_read_password (path, &password, &error), ==, 0);
  g_assert_cmpstr (password, ==, "s3cret");
  g_clear_pointer (&password, g_free);

  g_assert_true (g_file_set_contents (path, "crlf\r\n", -1, NULL));
  g_assert_cmpint (spice_config_read_password (path, &password, &error), ==, 0);
  g_assert_cmpstr (password, ==, "crlf");
  g_clear_pointer (&password, g_free);

  g_assert_true (g_file_set_contents (path, "\n", -1, NULL));
  g_assert_cmpint (spice_config_read_password (path, &password, &error), <, 0);
  g_assert_nonnull (strstr (error->message, "is empty"));
  g_clear_error (&error);

  memset (long_pw, 'x', sizeof long_pw - 1);
  long_pw[sizeof long_pw - 1] = '\0';
  g_assert_true (g_file_set_contents (path, long_pw, -1, NULL));
  g_assert_cmpint (spice_config_read_password (path, &password, &error), <, 0);
  g_assert_nonnull (strstr (error->message, "longer than 60"));
  g_clear_error (&error);

  /* Unreadable: a folder where the file should be. */
  g_assert_cmpint (spice_config_read_password (dir, &password, &error), <, 0);
  g_assert_nonnull (strstr (error->message, "cannot read"));
  g_clear_error (&error);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_vv (void)
{
  struct spice_vv_params params = {
    .host = "127.0.0.1", .port = 5905, .password = "pass word", .title = "My VM",
  };
  g_autofree char *text = spice_vv_generate (&params);
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *type = NULL, *host = NULL, *password = NULL, *title = NULL, *ca = NULL;

  g_assert_true (g_str_has_prefix (text, "[virt-viewer]\n"));
  g_assert_true (g_key_file_load_from_data (kf, text, -1, 0, NULL));
  type = g_key_file_get_string (kf, "virt-viewer", "type", NULL);
  host = g_key_file_get_string (kf, "virt-viewer", "host", NULL);
  password = g_key_file_get_string (kf, "virt-viewer", "password", NULL);
  title = g_key_file_get_string (kf, "virt-viewer", "title", NULL);
  g_assert_cmpstr (type, ==, "spice");
  g_assert_cmpstr (host, ==, "127.0.0.1");
  g_assert_cmpint (g_key_file_get_integer (kf, "virt-viewer", "port", NULL), ==, 5905);
  g_assert_cmpstr (password, ==, "pass word");
  g_assert_cmpstr (title, ==, "My VM");
  g_assert_false (g_key_file_has_key (kf, "virt-viewer", "tls-port", NULL));
  g_assert_false (g_key_file_has_key (kf, "virt-viewer", "ca", NULL));

  /* Listening everywhere: the file points at this computer. TLS: CA inline. */
  params = (struct spice_vv_params) { .host = "0.0.0.0", .tls_port = 5906,
                                      .ca_pem = "-----BEGIN CERTIFICATE-----\nAAAA\n"
                                                "-----END CERTIFICATE-----\n" };
  g_clear_pointer (&text, g_free);
  text = spice_vv_generate (&params);
  g_assert_true (g_key_file_load_from_data (kf, text, -1, 0, NULL));
  g_clear_pointer (&host, g_free);
  host = g_key_file_get_string (kf, "virt-viewer", "host", NULL);
  g_assert_cmpstr (host, ==, "localhost");
  g_assert_false (g_key_file_has_key (kf, "virt-viewer", "port", NULL));
  g_assert_false (g_key_file_has_key (kf, "virt-viewer", "password", NULL));
  g_assert_cmpint (g_key_file_get_integer (kf, "virt-viewer", "tls-port", NULL), ==, 5906);
  ca = g_key_file_get_string (kf, "virt-viewer", "ca", NULL);
  g_assert_cmpstr (ca, ==, params.ca_pem);
  /* One line in the file: virt-viewer reads \n escapes. */
  g_assert_nonnull (strstr (text, "ca=-----BEGIN CERTIFICATE-----\\nAAAA\\n"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/spice-config/parse-good", test_parse_good);
  g_test_add_func ("/Vmm/spice-config/parse-refused", test_parse_refused);
  g_test_add_func ("/Vmm/spice-config/machine-config", test_machine_config);
  g_test_add_func ("/Vmm/spice-config/password-file", test_password_file);
  g_test_add_func ("/Vmm/spice-config/vv", test_vv);
  return g_test_run ();
}
