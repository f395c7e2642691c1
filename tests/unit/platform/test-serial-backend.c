/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-serial"

#include "config.h"

#include "test-log.h"

#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "irq-recorder.h"
#include "platform/serial-backend.h"
#include "platform/uart.h"

static char *
temp_path (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-serial-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (dir, "out.log", NULL);
}

static void
remove_temp (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_remove (path);
  g_rmdir (dir);
}

static void
test_file (void)
{
  g_autofree char *path = temp_path ();
  g_autofree char *spec = g_strdup_printf ("file:%s", path);
  g_autofree char *contents = NULL;
  struct serial_backend sb;
  GMainContext *ctx = g_main_context_new ();
  struct stat st;
  gsize len;
  gint64 deadline;

  g_assert_true (g_file_set_contents (path, "old contents", -1, NULL));
  g_assert_cmpint (serial_backend_open (&sb, spec), ==, 0);
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 0); /* truncated */
  g_assert_cmpint (serial_backend_attach (&sb, ctx), ==, 0);
  serial_backend_output (&sb, (const uint8_t *) "hello ", 6);
  serial_backend_output (&sb, (const uint8_t *) "world", 5);
  /* The main loop writes it. */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (stat (path, &st) == 0 && st.st_size < 11 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (ctx, TRUE);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpstr (contents, ==, "hello world");
  serial_backend_close (&sb);
  g_main_context_unref (ctx);

  /* Created 0600 when it did not exist. */
  g_remove (path);
  g_assert_cmpint (serial_backend_open (&sb, spec), ==, 0);
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmphex (st.st_mode & 0777, ==, 0600);
  serial_backend_close (&sb);
  remove_temp (path);
}

static void
test_ring_drops_oldest (void)
{
  g_autofree char *path = temp_path ();
  g_autofree char *spec = g_strdup_printf ("file:%s", path);
  g_autofree char *contents = NULL;
  g_autofree uint8_t *data = g_malloc (3 * SERIAL_BACKEND_RING_SIZE);
  struct serial_backend sb;
  gsize len;
  size_t i;

  for (i = 0; i < 3 * SERIAL_BACKEND_RING_SIZE; i++)
    data[i] = i * 7 + (i >> 12);
  g_assert_cmpint (serial_backend_open (&sb, spec), ==, 0);
  /* Nobody flushes: the writer never blocks, the oldest bytes go. */
  for (i = 0; i < 3 * SERIAL_BACKEND_RING_SIZE; i += 1000)
    serial_backend_output (&sb, data + i, MIN (1000, 3 * SERIAL_BACKEND_RING_SIZE - i));
  g_assert_cmpuint (sb.dropped, ==, 2 * SERIAL_BACKEND_RING_SIZE);
  serial_backend_flush (&sb);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, data + 2 * SERIAL_BACKEND_RING_SIZE, SERIAL_BACKEND_RING_SIZE);
  /* One huge write keeps its tail. */
  serial_backend_output (&sb, data, 3 * SERIAL_BACKEND_RING_SIZE);
  g_assert_cmpuint (sb.ring_len, ==, SERIAL_BACKEND_RING_SIZE);
  serial_backend_close (&sb);
  remove_temp (path);
}

static void
test_pty_to_uart (void)
{
  struct serial_backend sb;
  struct bus pio;
  struct uart uart;
  struct irq_recorder irqs = { 0 };
  struct irq_line irq = irq_recorder_line (&irqs, 4);
  GMainContext *ctx = g_main_context_new ();
  char buf[64] = "";
  uint8_t v, ier = 0x01;
  struct termios t;
  gint64 deadline;
  ssize_t n = 0;
  unsigned got = 0;
  int client;

  bus_init (&pio, "pio");
  g_assert_cmpint (serial_backend_open (&sb, "pty"), ==, 0);
  g_assert_nonnull (sb.pty_path);
  g_assert_true (g_str_has_prefix (sb.pty_path, "/dev/pts/"));
  g_assert_cmpint (uart_init (&uart, &pio, 0x3f8, &irq, serial_backend_output, &sb), ==, 0);
  serial_backend_connect_uart (&sb, &uart);
  g_assert_cmpint (serial_backend_attach (&sb, ctx), ==, 0);

  client = open (sb.pty_path, O_RDWR | O_NOCTTY | O_NONBLOCK);
  g_assert_cmpint (client, >=, 0);
  tcgetattr (client, &t);
  cfmakeraw (&t);
  tcsetattr (client, TCSANOW, &t);

  /* Guest to client. */
  for (const char *c = "boot\n"; *c; c++)
    {
      v = *c;
      bus_write (&pio, 0x3f8, &v, 1);
    }
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (got < 5 && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (ctx, FALSE);
      n = read (client, buf + got, sizeof buf - 1 - got);
      if (n > 0)
        got += n;
      else
        g_usleep (1000);
    }
  g_assert_cmpmem (buf, got, "boot\n", 5);

  /* Client to guest: 20 bytes, the FIFO takes 16, the rest follows as it drains. */
  bus_write (&pio, 0x3f8 + 2, &(uint8_t) { 0x07 }, 1);
  bus_write (&pio, 0x3f9, &ier, 1);
  g_assert_cmpint (write (client, "abcdefghijklmnopqrst", 20), ==, 20);
  got = 0;
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (got < 20 && g_get_monotonic_time () < deadline)
    {
      uint8_t lsr;

      g_main_context_iteration (ctx, FALSE);
      bus_read (&pio, 0x3fd, &lsr, 1);
      if (lsr & 0x01)
        {
          g_assert_cmpint (irqs.level[4], ==, 1);
          bus_read (&pio, 0x3f8, &v, 1);
          buf[got++] = v;
        }
      else
        g_usleep (1000);
    }
  g_assert_cmpmem (buf, got, "abcdefghijklmnopqrst", 20);
  g_assert_cmpint (irqs.level[4], ==, 0);

  close (client);
  serial_backend_close (&sb);
  uart_destroy (&uart);
  bus_destroy (&pio);
  g_main_context_unref (ctx);
}

static void
test_stdio_without_stdin (void)
{
  struct serial_backend sb;
  int saved = dup (0);
  int out_flags = fcntl (1, F_GETFL);

  close (0);
  g_assert_cmpint (serial_backend_open (&sb, "stdio"), ==, 0);
  g_assert_cmpint (sb.in_fd, ==, -1);
  g_assert_cmpint (fcntl (1, F_GETFL) & O_NONBLOCK, ==, O_NONBLOCK);
  serial_backend_close (&sb);
  g_assert_cmpint (fcntl (1, F_GETFL), ==, out_flags);
  g_assert_cmpint (dup2 (saved, 0), ==, 0);
  close (saved);
}

static void
test_specs (void)
{
  struct serial_backend sb;
  GLogLevelFlags saved_;

  g_assert_cmpint (serial_backend_open (&sb, "none"), ==, 0);
  serial_backend_output (&sb, (const uint8_t *) "x", 1);
  g_assert_cmpuint (sb.ring_len, ==, 0);
  serial_backend_close (&sb);
  saved_ = test_log_allow_warnings ();
  g_assert_cmpint (serial_backend_open (&sb, "tcp:1234"), ==, -EINVAL);
  test_log_restore (saved_);
  saved_ = test_log_allow_warnings ();
  g_assert_cmpint (serial_backend_open (&sb, "file:"), ==, -EINVAL);
  test_log_restore (saved_);
  saved_ = test_log_allow_warnings ();
  g_assert_cmpint (serial_backend_open (&sb, "file:/nonexistent/dir/x"), ==, -ENOENT);
  test_log_restore (saved_);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/serial-backend/file", test_file);
  g_test_add_func ("/Vmm/serial-backend/ring-drops-oldest", test_ring_drops_oldest);
  g_test_add_func ("/Vmm/serial-backend/pty-to-uart", test_pty_to_uart);
  g_test_add_func ("/Vmm/serial-backend/stdio-without-stdin", test_stdio_without_stdin);
  g_test_add_func ("/Vmm/serial-backend/specs", test_specs);
  return g_test_run ();
}
