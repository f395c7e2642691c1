/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Linux direct boot against synthetic bzImages (and the real kernel when
 * tools/fetch-kernel has fetched it). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "boot/linux.h"
#include "memory/guest-memory.h"
#include "vm.h"

#define MiB ((uint64_t) 1 << 20)
#define PAYLOAD_SIZE (64 * 1024)

struct fixture {
  char *dir;
  struct guest_memory mem;
};

struct image_opts {
  uint16_t protocol;
  uint8_t setup_sects;
  uint8_t loadflags;
  uint16_t xloadflags;
  uint32_t init_size;
  uint32_t cmdline_size;
  uint32_t syssize;        /* 0: the payload's */
  size_t truncate_to;      /* 0: whole image */
  bool no_magic;
};

static const struct image_opts good = {
  .protocol = 0x020f, .setup_sects = 4, .loadflags = 0x01, .xloadflags = 0x3,
  .init_size = 32 * MiB, .cmdline_size = 2047,
};

static void
put16 (uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t) v;
  p[1] = (uint8_t) (v >> 8);
}

static void
put32 (uint8_t *p, uint32_t v)
{
  put16 (p, (uint16_t) v);
  put16 (p + 2, (uint16_t) (v >> 16));
}

static void
put64 (uint8_t *p, uint64_t v)
{
  put32 (p, (uint32_t) v);
  put32 (p + 4, (uint32_t) (v >> 32));
}

static uint16_t
get16 (const uint8_t *p)
{
  return (uint16_t) (p[0] | p[1] << 8);
}

static uint32_t
get32 (const uint8_t *p)
{
  return (uint32_t) get16 (p) | (uint32_t) get16 (p + 2) << 16;
}

static uint64_t
get64 (const uint8_t *p)
{
  return (uint64_t) get32 (p) | (uint64_t) get32 (p + 4) << 32;
}

static uint8_t
payload_byte (size_t i)
{
  return (uint8_t) (i * 7 + (i >> 8));
}

/* Writes a bzImage as the kernel's build would lay it out; returns its path. */
static char *
write_image (struct fixture *f, const char *name, const struct image_opts *o)
{
  size_t setup = ((o->setup_sects ? o->setup_sects : 4) + 1) * 512;
  size_t len = setup + PAYLOAD_SIZE;
  g_autofree uint8_t *img = g_malloc0 (len);
  char *path = g_build_filename (f->dir, name, NULL);

  img[0x1f1] = o->setup_sects;
  put32 (img + 0x1f4, o->syssize ? o->syssize : PAYLOAD_SIZE / 16);
  put16 (img + 0x1fe, 0xaa55);
  img[0x200] = 0xeb;
  img[0x201] = 0x6a;  /* header ends at 0x26c, as in 2.15 */
  if (!o->no_magic)
    memcpy (img + 0x202, "HdrS", 4);
  put16 (img + 0x206, o->protocol);
  img[0x211] = o->loadflags;
  put32 (img + 0x214, 0x100000);
  put32 (img + 0x22c, 0x7fffffff);
  put32 (img + 0x230, 0x200000);
  img[0x234] = 1;
  put16 (img + 0x236, o->xloadflags);
  put32 (img + 0x238, o->cmdline_size);
  put64 (img + 0x258, 0x1000000);
  put32 (img + 0x260, o->init_size);
  for (size_t i = 0; i < PAYLOAD_SIZE; i++)
    img[setup + i] = payload_byte (i);

  g_assert_true (g_file_set_contents (path, (char *) img,
                                      (gssize) (o->truncate_to ? o->truncate_to : len), NULL));
  return path;
}

static char *
write_initrd (struct fixture *f, uint64_t size)
{
  char *path = g_build_filename (f->dir, "initrd", NULL);
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  /* Sparse, with marks at both ends. */
  g_assert_cmpint (ftruncate (fd, (off_t) size), ==, 0);
  g_assert_cmpint (pwrite (fd, "INIT", 4, 0), ==, 4);
  g_assert_cmpint (pwrite (fd, "END!", 4, (off_t) size - 4), ==, 4);
  close (fd);
  return path;
}

static void
fixture_setup (struct fixture *f, uint64_t ram)
{
  f->dir = g_dir_make_tmp ("test-linux-boot-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  g_assert_cmpint (guest_memory_init (&f->mem, ram, VM_LOW_RAM_LIMIT), ==, 0);
}

static void
fixture_teardown (struct fixture *f)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  guest_memory_destroy (&f->mem);
}

static const uint8_t *
gp (struct fixture *f, uint64_t gpa, uint64_t len)
{
  const uint8_t *p = guest_memory_ptr (&f->mem, gpa, len);

  g_assert_nonnull (p);
  return p;
}

/* Walks the guest's page tables as the CPU would (4-level, 2 MiB pages). */
static uint64_t
translate (struct fixture *f, uint64_t cr3, uint64_t va)
{
  uint64_t pml4e = get64 (gp (f, cr3 + ((va >> 39) & 511) * 8, 8));
  uint64_t pdpte, pde;

  g_assert_true (pml4e & 1);
  pdpte = get64 (gp (f, (pml4e & ~0xfffull) + ((va >> 30) & 511) * 8, 8));
  g_assert_true (pdpte & 1);
  g_assert_false (pdpte & 0x80);
  pde = get64 (gp (f, (pdpte & ~0xfffull) + ((va >> 21) & 511) * 8, 8));
  g_assert_true (pde & 1);
  g_assert_true (pde & 2);
  g_assert_true (pde & 0x80);
  return (pde & ~0x1fffffull) + (va & 0x1fffff);
}

static void
check_e820 (struct fixture *f, const uint8_t *bp)
{
  unsigned n = bp[0x1e8];
  uint64_t ram = 0;
  uint64_t prev_end = 0;

  g_assert_cmpuint (n, >=, 4);
  for (unsigned i = 0; i < n; i++)
    {
      const uint8_t *e = bp + 0x2d0 + i * 20;
      uint64_t addr = get64 (e), size = get64 (e + 8);
      uint32_t type = get32 (e + 16);

      g_assert_cmpuint (size, >, 0);
      g_assert_cmpuint (addr, >=, prev_end);  /* sorted, no overlap */
      prev_end = addr + size;
      if (type == 1)
        {
          /* Every RAM range is backed by guest memory. */
          g_assert_nonnull (guest_memory_ptr (&f->mem, addr, size));
          ram += size;
        }
      else
        g_assert_cmpuint (type, ==, 2);
      if (addr <= 0xe0000 && 0xe0000 < addr + size)
        g_assert_cmpuint (type, ==, 2);  /* where the ACPI tables live */
      if (addr == VM_ECAM_BASE)
        {
          g_assert_cmpuint (size, ==, VM_ECAM_SIZE);
          g_assert_cmpuint (type, ==, 2);
        }
    }
  /* All RAM but the BIOS area below 1 MiB is usable. */
  g_assert_cmpuint (ram, ==, f->mem.size - (0x100000 - 0x9fc00));
}

static void
check_boot (struct fixture *f, const struct linux_boot_state *s, const char *cmdline)
{
  const uint8_t *bp = gp (f, LINUX_BOOT_ZERO_PAGE_ADDR, 4096);
  const uint8_t *kernel = gp (f, 0x100000, PAYLOAD_SIZE);

  /* Registers for the 64-bit entry. */
  g_assert_cmphex (s->rip, ==, 0x100200);
  g_assert_cmphex (s->rsi, ==, LINUX_BOOT_ZERO_PAGE_ADDR);
  g_assert_cmphex (s->cr3, ==, 0x9000);
  g_assert_cmphex (s->cr0 & 0x80000001, ==, 0x80000001);
  g_assert_cmphex (s->cr4 & 0x20, ==, 0x20);
  g_assert_cmphex (s->efer, ==, 0x500);
  g_assert_cmphex (s->rflags, ==, 0x2);
  g_assert_cmpuint (s->cs.selector, ==, 0x10);
  g_assert_cmpuint (s->cs.l, ==, 1);
  g_assert_cmpuint (s->cs.db, ==, 0);
  g_assert_cmpuint (s->ds.selector, ==, 0x18);
  g_assert_cmpuint (s->ss.selector, ==, 0x18);
  g_assert_cmpuint (s->es.selector, ==, 0x18);
  g_assert_cmpuint (s->tr.type, ==, 0xb);
  g_assert_cmpuint (s->tr.present, ==, 1);

  /* The GDT holds what the segment registers cache. */
  g_assert_cmphex (s->gdt_base, ==, 0x500);
  g_assert_cmpuint (s->gdt_limit, >=, 0x1f);
  g_assert_cmphex (get64 (gp (f, 0x510, 8)), ==, 0x00af9b000000ffffull);
  g_assert_cmphex (get64 (gp (f, 0x518, 8)), ==, 0x00cf93000000ffffull);

  /* Identity map of 0..4 GiB. */
  for (uint64_t va = 0; va < 0x100000000ull; va += 0x1fff000)
    g_assert_cmphex (translate (f, s->cr3, va), ==, va);
  g_assert_cmphex (translate (f, s->cr3, 0xffffffff), ==, 0xffffffff);
  g_assert_cmphex (translate (f, s->cr3, 0x100200), ==, 0x100200);

  /* The protected-mode kernel, copied at 1 MiB. */
  for (size_t i = 0; i < PAYLOAD_SIZE; i++)
    if (kernel[i] != payload_byte (i))
      g_error ("kernel byte %zu differs", i);
  g_assert_cmphex (s->kernel_addr, ==, 0x100000);
  /* Relocatable: runs at pref_address (16 MiB) and needs init_size there. */
  g_assert_cmphex (s->kernel_end, ==, 0x1000000 + 32 * MiB);

  /* Zero page. */
  g_assert_cmpmem (bp + 0x202, 4, "HdrS", 4);
  g_assert_cmphex (get16 (bp + 0x206), ==, 0x020f);
  g_assert_cmphex (bp[0x210], ==, 0xff);
  g_assert_true (bp[0x211] & 0x01);
  g_assert_cmphex (get16 (bp + 0x1fe), ==, 0xaa55);
  g_assert_cmphex (get32 (bp + 0x228), ==, 0x20000);
  g_assert_cmphex (get32 (bp + 0x260), ==, 32 * MiB);
  g_assert_cmphex (get64 (bp + 0x70), ==, 0xe0000);
  g_assert_cmpstr ((const char *) gp (f, 0x20000, strlen (cmdline) + 1), ==, cmdline);
  check_e820 (f, bp);
}

static void
test_boot_basic (void)
{
  struct fixture f;
  struct linux_boot_state s;
  g_autofree char *why = NULL;
  g_autofree char *kernel = NULL;
  const uint8_t *bp;

  fixture_setup (&f, 256 * MiB);
  kernel = write_image (&f, "bzImage", &good);
  g_assert_cmpint (linux_boot_load (&f.mem, kernel, NULL, "console=ttyS0 quiet", 0xe0000, &s,
                                    &why), ==, 0);
  g_assert_null (why);
  check_boot (&f, &s, "console=ttyS0 quiet");
  bp = gp (&f, LINUX_BOOT_ZERO_PAGE_ADDR, 4096);
  g_assert_cmphex (get32 (bp + 0x218), ==, 0);
  g_assert_cmphex (get32 (bp + 0x21c), ==, 0);
  g_assert_cmpuint (bp[0x1e8], ==, 4);  /* no high RAM */
  fixture_teardown (&f);
}

/* 3 GiB: 2 GiB below the PCI hole, 1 GiB above 4 GiB; an initrd at the top
 * of low RAM. */
static void
test_boot_high_ram_initrd (void)
{
  struct fixture f;
  struct linux_boot_state s;
  g_autofree char *why = NULL;
  g_autofree char *kernel = NULL;
  g_autofree char *initrd = NULL;
  const uint64_t initrd_size = 5 * MiB + 123;
  const uint8_t *bp;

  fixture_setup (&f, 3072 * MiB);
  kernel = write_image (&f, "bzImage", &good);
  initrd = write_initrd (&f, initrd_size);
  g_assert_cmpint (linux_boot_load (&f.mem, kernel, initrd, NULL, 0xe0000, &s, &why), ==, 0);
  check_boot (&f, &s, "");
  bp = gp (&f, LINUX_BOOT_ZERO_PAGE_ADDR, 4096);
  g_assert_cmpuint (bp[0x1e8], ==, 5);
  g_assert_cmphex (get64 (bp + 0x2d0 + 4 * 20), ==, 0x100000000ull);
  g_assert_cmphex (get64 (bp + 0x2d0 + 4 * 20 + 8), ==, 1024 * MiB);

  g_assert_cmphex (s.initrd_addr, ==, (0x80000000ull - initrd_size) & ~0xfffull);
  g_assert_cmpuint (s.initrd_size, ==, initrd_size);
  g_assert_cmphex (get32 (bp + 0x218), ==, s.initrd_addr);
  g_assert_cmphex (get32 (bp + 0x21c), ==, initrd_size);
  g_assert_cmphex (get32 (bp + 0xc0), ==, 0);
  g_assert_cmphex (get32 (bp + 0xc4), ==, 0);
  g_assert_cmpmem (gp (&f, s.initrd_addr, 4), 4, "INIT", 4);
  g_assert_cmpmem (gp (&f, s.initrd_addr + initrd_size - 4, 4), 4, "END!", 4);
  g_assert_cmpuint (s.initrd_addr, >=, s.kernel_end);
  fixture_teardown (&f);
}

static void
expect_error (const struct image_opts *o, uint64_t ram, uint64_t initrd_size,
              const char *cmdline, int err, const char *message)
{
  struct fixture f;
  struct linux_boot_state s;
  g_autofree char *why = NULL;
  g_autofree char *kernel = NULL;
  g_autofree char *initrd = NULL;

  fixture_setup (&f, ram);
  kernel = write_image (&f, "bzImage", o);
  if (initrd_size)
    initrd = write_initrd (&f, initrd_size);
  g_assert_cmpint (linux_boot_load (&f.mem, kernel, initrd, cmdline, 0, &s, &why), ==, -err);
  g_assert_nonnull (why);
  if (!strstr (why, message))
    g_error ("expected '%s' in '%s'", message, why);
  fixture_teardown (&f);
}

static void
test_boot_errors (void)
{
  struct image_opts o;
  g_autofree char *long_cmdline = g_strnfill (100, 'x');

  o = good, o.no_magic = true;
  expect_error (&o, 64 * MiB, 0, NULL, ENOEXEC, "not a bzImage (no HdrS)");
  o = good, o.protocol = 0x0206;
  expect_error (&o, 64 * MiB, 0, NULL, ENOEXEC, "boot protocol 2.06 is too old");
  o = good, o.xloadflags = 0;
  expect_error (&o, 64 * MiB, 0, NULL, ENOEXEC, "no 64-bit entry point");
  o = good, o.loadflags = 0;
  expect_error (&o, 64 * MiB, 0, NULL, ENOEXEC, "zImage");
  o = good, o.truncate_to = 2000;
  expect_error (&o, 64 * MiB, 0, NULL, ENOEXEC, "truncated");
  o = good, o.syssize = PAYLOAD_SIZE;  /* claims 16 times the payload */
  expect_error (&o, 64 * MiB, 0, NULL, ENOEXEC, "truncated");
  o = good, o.truncate_to = 0x100;
  expect_error (&o, 64 * MiB, 0, NULL, ENOEXEC, "not a bzImage");
  o = good, o.init_size = 0xf0000000;
  expect_error (&o, 64 * MiB, 0, NULL, E2BIG, "too large for guest memory");
  o = good;
  expect_error (&o, 64 * MiB, 40 * MiB, NULL, E2BIG, "initrd");
  expect_error (&o, 64 * MiB, 40 * MiB, NULL, E2BIG, "too large for guest memory");
  o = good, o.cmdline_size = 64;
  expect_error (&o, 64 * MiB, 0, long_cmdline, E2BIG, "command line too long: 100 bytes");
  /* Exactly cmdline_size bytes fit (the NUL is extra). */
  {
    struct fixture f;
    struct linux_boot_state s;
    g_autofree char *why = NULL;
    g_autofree char *kernel = NULL;

    fixture_setup (&f, 64 * MiB);
    kernel = write_image (&f, "bzImage", &o);
    long_cmdline[64] = '\0';
    g_assert_cmpint (linux_boot_load (&f.mem, kernel, NULL, long_cmdline, 0, &s, &why), ==, 0);
    fixture_teardown (&f);
  }
}

static void
test_boot_missing_files (void)
{
  struct fixture f;
  struct linux_boot_state s;
  g_autofree char *why = NULL;
  g_autofree char *kernel = NULL;
  g_autofree char *elf = NULL;

  fixture_setup (&f, 64 * MiB);
  g_assert_cmpint (linux_boot_load (&f.mem, "/nonexistent/vmlinuz", NULL, NULL, 0, &s, &why),
                   ==, -ENOENT);
  g_assert_cmpstr (why, ==, "kernel image /nonexistent/vmlinuz: No such file or directory");
  g_clear_pointer (&why, g_free);

  kernel = write_image (&f, "bzImage", &good);
  g_assert_cmpint (linux_boot_load (&f.mem, kernel, "/nonexistent/initrd", NULL, 0, &s, &why),
                   ==, -ENOENT);
  g_assert_cmpstr (why, ==, "initrd /nonexistent/initrd: No such file or directory");
  g_clear_pointer (&why, g_free);

  g_assert_cmpint (linux_boot_load (&f.mem, f.dir, NULL, NULL, 0, &s, &why), ==, -EINVAL);
  g_assert_nonnull (strstr (why, "not a regular file"));
  g_clear_pointer (&why, g_free);

  elf = g_build_filename (f.dir, "vmlinux", NULL);
  {
    char buf[4096] = "\177ELF\2\1\1";
    g_assert_true (g_file_set_contents (elf, buf, sizeof buf, NULL));
  }
  g_assert_cmpint (linux_boot_load (&f.mem, elf, NULL, NULL, 0, &s, &why), ==, -ENOEXEC);
  g_assert_nonnull (strstr (why, "vmlinux ELF"));
  fixture_teardown (&f);
}

static void
test_boot_e820_layout (void)
{
  struct guest_memory mem;
  struct linux_e820_entry e[8];
  unsigned n;

  g_assert_cmpint (guest_memory_init (&mem, 4096 * MiB, VM_LOW_RAM_LIMIT), ==, 0);
  n = linux_boot_build_e820 (&mem, e, G_N_ELEMENTS (e));
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmphex (e[0].addr, ==, 0);
  g_assert_cmphex (e[0].size, ==, 0x9fc00);
  g_assert_cmpuint (e[0].type, ==, LINUX_E820_RAM);
  g_assert_cmphex (e[1].addr, ==, 0x9fc00);
  g_assert_cmphex (e[1].addr + e[1].size, ==, 0x100000);
  g_assert_cmpuint (e[1].type, ==, LINUX_E820_RESERVED);
  g_assert_cmphex (e[2].addr, ==, 0x100000);
  g_assert_cmphex (e[2].addr + e[2].size, ==, 0x80000000);
  g_assert_cmphex (e[3].addr, ==, 0xb0000000);
  g_assert_cmphex (e[3].size, ==, 0x10000000);
  g_assert_cmpuint (e[3].type, ==, LINUX_E820_RESERVED);
  g_assert_cmphex (e[4].addr, ==, 0x100000000ull);
  g_assert_cmphex (e[4].size, ==, 2048 * MiB);
  /* A short table is cut, not overrun. */
  g_assert_cmpuint (linux_boot_build_e820 (&mem, e, 2), ==, 2);
  guest_memory_destroy (&mem);
}

/* The Debian kernel that tools/fetch-kernel unpacks, when it is there. */
static char *
find_real_kernel (void)
{
  const char *cache = "/root/.cache/terrarium/kernels";
  g_autoptr (GDir) dir = g_dir_open (cache, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *boot = NULL;
      g_autoptr (GDir) bdir = NULL;
      const char *file;

      if (!g_str_has_prefix (name, "linux-image-"))
        continue;
      boot = g_build_filename (cache, name, "boot", NULL);
      bdir = g_dir_open (boot, 0, NULL);
      while (bdir && (file = g_dir_read_name (bdir)))
        if (g_str_has_prefix (file, "vmlinuz-"))
          return g_build_filename (boot, file, NULL);
    }
  return NULL;
}

static void
test_boot_real_kernel (void)
{
  g_autofree char *kernel = find_real_kernel ();
  struct guest_memory mem;
  struct linux_boot_state s;
  g_autofree char *why = NULL;
  const uint8_t *bp;

  if (!kernel)
    {
      g_test_skip ("no kernel fetched (run tools/fetch-kernel)");
      return;
    }
  g_assert_cmpint (guest_memory_init (&mem, 512 * MiB, VM_LOW_RAM_LIMIT), ==, 0);
  if (linux_boot_load (&mem, kernel, NULL, "console=ttyS0", 0, &s, &why) < 0)
    g_error ("%s", why);
  g_assert_cmpuint (s.protocol, >=, 0x020c);
  g_assert_cmphex (s.rip, ==, 0x100200);
  g_assert_cmpuint (s.kernel_end, >, 16 * MiB);
  bp = guest_memory_ptr (&mem, LINUX_BOOT_ZERO_PAGE_ADDR, 4096);
  g_assert_cmpmem (bp + 0x202, 4, "HdrS", 4);
  g_test_message ("%s: protocol %x, %" G_GUINT64_FORMAT " bytes, boots up to %#"
                  G_GINT64_MODIFIER "x", kernel, s.protocol, s.kernel_size, s.kernel_end);
  /* Too little RAM for it is refused with the reason. */
  guest_memory_destroy (&mem);
  g_assert_cmpint (guest_memory_init (&mem, 16 * MiB, VM_LOW_RAM_LIMIT), ==, 0);
  g_clear_pointer (&why, g_free);
  g_assert_cmpint (linux_boot_load (&mem, kernel, NULL, NULL, 0, &s, &why), ==, -E2BIG);
  g_assert_nonnull (strstr (why, "too large for guest memory"));
  guest_memory_destroy (&mem);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/boot/linux/basic", test_boot_basic);
  g_test_add_func ("/Vmm/boot/linux/high-ram-initrd", test_boot_high_ram_initrd);
  g_test_add_func ("/Vmm/boot/linux/errors", test_boot_errors);
  g_test_add_func ("/Vmm/boot/linux/missing-files", test_boot_missing_files);
  g_test_add_func ("/Vmm/boot/linux/e820", test_boot_e820_layout);
  g_test_add_func ("/Vmm/boot/linux/real-kernel", test_boot_real_kernel);
  return g_test_run ();
}
