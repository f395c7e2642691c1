/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CFI flash command state machine as OVMF drives it, and its backing file. */
#define G_LOG_DOMAIN "test-pflash"

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "firmware/pflash.h"

#define BLOCKS 8
#define SIZE (BLOCKS * PFLASH_BLOCK_SIZE)
#define BASE 0xffc00000ull

struct fixture {
  char *dir;
  char *template_path;
  char *vars_path;
  struct bus mmio;
  struct pflash flash;
  bool open;
  unsigned map_calls;
  bool mapped;
};

static int
count_mapping (void *opaque, bool mapped)
{
  struct fixture *f = opaque;

  f->map_calls++;
  f->mapped = mapped;
  return 0;
}

static const struct pflash_ops test_ops = { .set_mapped = count_mapping };

static void
fixture_setup (struct fixture *f, gconstpointer data)
{
  g_autofree uint8_t *contents = g_malloc (SIZE);
  g_autoptr (GError) error = NULL;

  memset (f, 0, sizeof *f);
  f->dir = g_dir_make_tmp ("test-pflash-XXXXXX", &error);
  g_assert_no_error (error);
  for (unsigned i = 0; i < SIZE; i++)
    contents[i] = i * 7;
  f->template_path = g_build_filename (f->dir, "template.fd", NULL);
  f->vars_path = g_build_filename (f->dir, "vars.fd", NULL);
  g_assert_true (g_file_set_contents (f->template_path, (char *) contents, SIZE, NULL));
  bus_init (&f->mmio, "mmio");
}

static void
close_flash (struct fixture *f)
{
  if (f->open)
    pflash_destroy (&f->flash);
  f->open = false;
}

static void
open_flash (struct fixture *f, const char *path)
{
  g_autofree char *why = NULL;

  g_assert_cmpint (pflash_open (&f->flash, path, f->template_path, SIZE, &why), ==, 0);
  g_assert_null (why);
  f->open = true;
  g_assert_cmpint (pflash_attach (&f->flash, &f->mmio, BASE, &test_ops, f), ==, 0);
  g_assert_true (f->mapped);
}

static void
fixture_teardown (struct fixture *f, gconstpointer data)
{
  close_flash (f);
  g_assert_cmpuint (f->mmio.n_ranges, ==, 0);
  bus_destroy (&f->mmio);
  g_unlink (f->template_path);
  g_unlink (f->vars_path);
  g_rmdir (f->dir);
  g_free (f->template_path);
  g_free (f->vars_path);
  g_free (f->dir);
}

static void
wr (struct fixture *f, uint64_t offset, uint8_t v)
{
  bus_write (&f->mmio, BASE + offset, &v, 1);
}

static uint8_t
rd (struct fixture *f, uint64_t offset)
{
  uint8_t v = 0;

  bus_read (&f->mmio, BASE + offset, &v, 1);
  return v;
}

static uint8_t
file_byte (struct fixture *f, const char *path, size_t offset)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, ==, SIZE);
  return (uint8_t) contents[offset];
}

/* OVMF's QemuFlashDetected(): a byte that reads back unchanged after 0x50,
 * then 0x00 for read-status; anything else and it treats the store as ROM. */
static void
test_ovmf_probe (struct fixture *f, gconstpointer data)
{
  const uint64_t at = 3;
  uint8_t original;

  open_flash (f, f->vars_path);
  original = rd (f, at);
  g_assert_cmpuint (original, ==, 21);
  wr (f, at, PFLASH_CMD_CLEAR_STATUS);
  g_assert_cmpuint (rd (f, at), ==, original);
  g_assert_true (f->mapped);
  wr (f, at, PFLASH_CMD_READ_STATUS);
  g_assert_false (f->mapped);
  g_assert_cmpuint (rd (f, at), ==, 0x00);
  wr (f, at, PFLASH_CMD_READ_ARRAY);
  g_assert_true (f->mapped);
  g_assert_cmpuint (rd (f, at), ==, original);
  /* Read ID: Intel. */
  wr (f, 0, PFLASH_CMD_READ_ID);
  g_assert_cmpuint (rd (f, 0), ==, PFLASH_ID_MANUFACTURER);
  g_assert_cmpuint (rd (f, 1), ==, PFLASH_ID_DEVICE);
  wr (f, 0, 0x00);
  g_assert_true (f->mapped);
}

/* QemuFlashEraseBlock() then QemuFlashWrite(), and the file follows. */
static void
test_erase_program_persist (struct fixture *f, gconstpointer data)
{
  const uint64_t block = 2 * PFLASH_BLOCK_SIZE;
  static const uint8_t bytes[] = { 0x12, 0x00, 0xff, 0x5a };

  open_flash (f, f->vars_path);
  /* Created from the template. */
  g_assert_cmpuint (file_byte (f, f->vars_path, 5), ==, 35);

  wr (f, block + 17, PFLASH_CMD_ERASE);
  wr (f, block + 17, PFLASH_CMD_ERASE_CONFIRM);
  /* Programming and erasing keep the array mapped: no slot churn. */
  g_assert_true (f->mapped);
  g_assert_cmpuint (f->map_calls, ==, 1);
  g_assert_cmpuint (rd (f, block) & PFLASH_STATUS_READY, ==, PFLASH_STATUS_READY);
  for (unsigned i = 0; i < G_N_ELEMENTS (bytes); i++)
    {
      wr (f, block + 100 + i, PFLASH_CMD_PROGRAM);
      wr (f, block + 100 + i, bytes[i]);
      g_assert_cmpuint (rd (f, block + 100 + i), ==, PFLASH_STATUS_READY);
    }
  wr (f, block + 103, PFLASH_CMD_READ_ARRAY);
  g_assert_true (f->mapped);
  g_assert_cmpuint (rd (f, block), ==, 0xff);
  g_assert_cmpuint (rd (f, block + PFLASH_BLOCK_SIZE - 1), ==, 0xff);
  g_assert_cmpuint (rd (f, block - 1), ==, (uint8_t) ((block - 1) * 7));
  g_assert_cmpuint (rd (f, block + PFLASH_BLOCK_SIZE), ==,
                    (uint8_t) ((block + PFLASH_BLOCK_SIZE) * 7));
  g_assert_cmpuint (rd (f, block + 100), ==, 0x12);
  g_assert_cmpuint (rd (f, block + 103), ==, 0x5a);

  /* On disk once the guest is back in array mode, before any close. */
  g_assert_cmpuint (file_byte (f, f->vars_path, block + 100), ==, 0x12);
  g_assert_cmpuint (file_byte (f, f->vars_path, block + 5), ==, 0xff);
  /* The template is untouched. */
  g_assert_cmpuint (file_byte (f, f->template_path, block + 100), ==,
                    (uint8_t) ((block + 100) * 7));

  /* And read back by a fresh boot. */
  close_flash (f);
  open_flash (f, f->vars_path);
  g_assert_cmpuint (rd (f, block + 101), ==, 0x00);
  g_assert_cmpuint (rd (f, block + 102), ==, 0xff);
}

static void
test_bad_sequences (struct fixture *f, gconstpointer data)
{
  open_flash (f, f->vars_path);
  /* Erase without its confirmation: an error, nothing erased. */
  wr (f, 0, PFLASH_CMD_ERASE);
  wr (f, 0, PFLASH_CMD_READ_ARRAY);
  g_assert_cmpuint (rd (f, 0) & 0x30, ==, 0x30);
  wr (f, 0, PFLASH_CMD_CLEAR_STATUS);
  g_assert_cmpuint (rd (f, 1), ==, 7);
  /* Unknown commands. */
  wr (f, 0, 0xe8);
  g_assert_cmpuint (rd (f, 0) & 0x30, ==, 0x30);
  wr (f, 0, PFLASH_CMD_CLEAR_STATUS);
  wr (f, 0, PFLASH_CMD_READ_STATUS);
  g_assert_cmpuint (rd (f, 0), ==, 0);
  wr (f, 0, PFLASH_CMD_READ_ARRAY);
  /* Accesses past the end, direct calls included. */
  uint8_t big[8] = { PFLASH_CMD_PROGRAM };

  pflash_write (&f->flash, SIZE - 4, big, 8);
  pflash_write (&f->flash, UINT64_MAX - 2, big, 4);
  pflash_write (&f->flash, SIZE, big, 1);
  pflash_read (&f->flash, SIZE + 100, big, 4);
  g_assert_cmpuint (rd (f, SIZE - 1), ==, (uint8_t) ((SIZE - 1) * 7));
  g_assert_true (f->mapped);
}

static void
test_in_memory (struct fixture *f, gconstpointer data)
{
  open_flash (f, NULL);
  wr (f, 10, PFLASH_CMD_PROGRAM);
  wr (f, 10, 0x42);
  wr (f, 10, PFLASH_CMD_READ_ARRAY);
  g_assert_cmpuint (rd (f, 10), ==, 0x42);
  close_flash (f);
  g_assert_cmpuint (file_byte (f, f->template_path, 10), ==, 70);
  g_assert_false (g_file_test (f->vars_path, G_FILE_TEST_EXISTS));
}

static void
test_bad_files (struct fixture *f, gconstpointer data)
{
  g_autofree char *why = NULL;
  g_autofree char *why2 = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "missing.fd", NULL);

  g_assert_true (g_file_set_contents (f->vars_path, "short", 5, NULL));
  g_assert_cmpint (pflash_open (&f->flash, f->vars_path, f->template_path, SIZE, &why), <, 0);
  g_assert_nonnull (strstr (why, "vars.fd"));
  pflash_destroy (&f->flash);
  g_unlink (f->vars_path);
  g_assert_cmpint (pflash_open (&f->flash, f->vars_path, missing, SIZE, &why2), <, 0);
  g_assert_nonnull (strstr (why2, "ovmf"));
  pflash_destroy (&f->flash);
  g_assert_false (g_file_test (f->vars_path, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, struct fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/Vmm/pflash/ovmf-probe", test_ovmf_probe);
  ADD ("/Vmm/pflash/erase-program-persist", test_erase_program_persist);
  ADD ("/Vmm/pflash/bad-sequences", test_bad_sequences);
  ADD ("/Vmm/pflash/in-memory", test_in_memory);
  ADD ("/Vmm/pflash/bad-files", test_bad_files);
#undef ADD
  return g_test_run ();
}
