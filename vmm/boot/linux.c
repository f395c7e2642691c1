/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "linux-boot"

#include "config.h"

#include "linux.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "vm.h"

/* Offsets in the bzImage's first sectors, which double as the zero page's. */
#define HDR_START            0x1f1
#define HDR_SETUP_SECTS      0x1f1
#define HDR_JUMP             0x200
#define HDR_MAGIC            0x202
#define HDR_VERSION          0x206
#define HDR_TYPE_OF_LOADER   0x210
#define HDR_LOADFLAGS        0x211
#define HDR_SYSSIZE          0x1f4
#define HDR_RAMDISK_IMAGE    0x218
#define HDR_RAMDISK_SIZE     0x21c
#define HDR_CMD_LINE_PTR     0x228
#define HDR_INITRD_ADDR_MAX  0x22c
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE      0x234
#define HDR_XLOADFLAGS       0x236
#define HDR_CMDLINE_SIZE     0x238
#define HDR_SETUP_DATA       0x250
#define HDR_PREF_ADDRESS     0x258
#define HDR_INIT_SIZE        0x260
/* struct boot_params puts edd_mbr_sig_buffer here: the header never reaches it. */
#define HDR_END_MAX          0x290

#define BP_ACPI_RSDP_ADDR    0x070
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE  0x0c4
#define BP_EXT_CMD_LINE_PTR  0x0c8
#define BP_E820_ENTRIES      0x1e8
#define BP_E820_TABLE        0x2d0
#define BP_SIZE              4096

#define LOADED_HIGH          0x01
#define XLF_KERNEL_64        0x0001

/* 2.12 introduced xloadflags, without which the 64-bit entry is unknown. */
#define MIN_PROTOCOL         0x020c

#define CR0_PE   (1ull << 0)
#define CR0_ET   (1ull << 4)
#define CR0_NE   (1ull << 5)
#define CR0_PG   (1ull << 31)
#define CR4_PAE  (1ull << 5)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)

#define PTE_PRESENT 0x1ull
#define PTE_RW      0x2ull
#define PTE_PS      0x80ull

#define MiB ((uint64_t) 1 << 20)

struct bzimage {
  uint8_t head[1024];     /* boot sector and setup header */
  uint64_t file_size;
  uint64_t setup_size;    /* real-mode part, which we skip */
  uint64_t payload_size;  /* the protected-mode kernel */
  size_t hdr_end;         /* end of the setup header to copy */
  uint16_t protocol;
  uint32_t kernel_alignment;
  uint8_t relocatable;
  uint64_t pref_address;
  uint32_t init_size;
  uint32_t cmdline_size;
  uint32_t initrd_addr_max;
};

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

/* pread() all of [off, off + len) into @dst; a short file is an error, since
 * the size was checked before (the file changed under us). */
static int
linux_boot_read_all (int fd, uint64_t off, void *dst, uint64_t len, const char *what,
                     const char *path, char **why)
{
  uint8_t *p = dst;

  while (len > 0)
    {
      size_t chunk = (size_t) MIN (len, 64 * MiB);
      ssize_t n = pread (fd, p, chunk, (off_t) off);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int err = errno;
          *why = g_strdup_printf ("%s %s: cannot read: %s", what, path, g_strerror (err));
          return -err;
        }
      if (n == 0)
        {
          *why = g_strdup_printf ("%s %s: file is shorter than expected (did it change while "
                                  "being loaded?)", what, path);
          return -EIO;
        }
      p += n;
      off += (uint64_t) n;
      len -= (uint64_t) n;
    }
  return 0;
}

static int
linux_boot_open (const char *what, const char *path, uint64_t *size, char **why)
{
  struct stat st;
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  int err;

  if (fd < 0)
    {
      err = errno;
      *why = g_strdup_printf ("%s %s: %s", what, path, g_strerror (err));
      return -err;
    }
  if (fstat (fd, &st) < 0)
    {
      err = errno;
      *why = g_strdup_printf ("%s %s: %s", what, path, g_strerror (err));
      close (fd);
      return -err;
    }
  if (!S_ISREG (st.st_mode))
    {
      *why = g_strdup_printf ("%s %s: not a regular file", what, path);
      close (fd);
      return -EINVAL;
    }
  *size = (uint64_t) st.st_size;
  return fd;
}

static int
linux_boot_parse (int fd, const char *path, struct bzimage *img, char **why)
{
  size_t head_len = (size_t) MIN (img->file_size, sizeof img->head);
  unsigned setup_sects;
  uint32_t syssize;
  int ret;

  ret = linux_boot_read_all (fd, 0, img->head, head_len, "kernel image", path, why);
  if (ret < 0)
    return ret;

  if (head_len < HDR_END_MAX || memcmp (img->head + HDR_MAGIC, "HdrS", 4) != 0)
    {
      if (head_len >= 4 && memcmp (img->head, "\177ELF", 4) == 0)
        *why = g_strdup_printf ("kernel image %s: not a bzImage (no HdrS): this looks like an "
                                "uncompressed vmlinux ELF file; use arch/x86/boot/bzImage "
                                "or /boot/vmlinuz-*", path);
      else
        *why = g_strdup_printf ("kernel image %s: not a bzImage (no HdrS)", path);
      return -ENOEXEC;
    }

  img->protocol = get16 (img->head + HDR_VERSION);
  if (img->protocol < MIN_PROTOCOL)
    {
      *why = g_strdup_printf ("kernel image %s: boot protocol %u.%02u is too old; the 64-bit "
                              "entry point needs 2.12 or newer (Linux 3.8 or later)",
                              path, img->protocol >> 8, img->protocol & 0xff);
      return -ENOEXEC;
    }
  if (!(img->head[HDR_LOADFLAGS] & LOADED_HIGH))
    {
      *why = g_strdup_printf ("kernel image %s: a zImage that loads at 0x10000 is not "
                              "supported; build a bzImage", path);
      return -ENOEXEC;
    }
  if (!(get16 (img->head + HDR_XLOADFLAGS) & XLF_KERNEL_64))
    {
      *why = g_strdup_printf ("kernel image %s: has no 64-bit entry point (a 32-bit kernel?); "
                              "an x86-64 kernel is needed", path);
      return -ENOEXEC;
    }

  /* The byte after the jump opcode says where the setup header ends. */
  img->hdr_end = MIN ((size_t) HDR_JUMP + 2 + img->head[HDR_JUMP + 1], (size_t) HDR_END_MAX);

  setup_sects = img->head[HDR_SETUP_SECTS];
  if (setup_sects == 0)
    setup_sects = 4;
  img->setup_size = (uint64_t) (setup_sects + 1) * 512;
  if (img->setup_size >= img->file_size)
    {
      *why = g_strdup_printf ("kernel image %s: truncated: %" G_GUINT64_FORMAT " bytes, but its "
                              "setup code alone is %" G_GUINT64_FORMAT, path, img->file_size,
                              img->setup_size);
      return -ENOEXEC;
    }
  img->payload_size = img->file_size - img->setup_size;
  syssize = get32 (img->head + HDR_SYSSIZE);
  if ((uint64_t) syssize * 16 > img->payload_size)
    {
      *why = g_strdup_printf ("kernel image %s: truncated: the kernel is %" G_GUINT64_FORMAT
                              " bytes but the header says %" G_GUINT64_FORMAT, path,
                              img->payload_size, (uint64_t) syssize * 16);
      return -ENOEXEC;
    }

  img->kernel_alignment = get32 (img->head + HDR_KERNEL_ALIGNMENT);
  img->relocatable = img->head[HDR_RELOCATABLE];
  img->pref_address = get64 (img->head + HDR_PREF_ADDRESS);
  img->init_size = get32 (img->head + HDR_INIT_SIZE);
  img->cmdline_size = get32 (img->head + HDR_CMDLINE_SIZE);
  img->initrd_addr_max = get32 (img->head + HDR_INITRD_ADDR_MAX);

  if (img->relocatable && (img->kernel_alignment == 0 ||
                           (img->kernel_alignment & (img->kernel_alignment - 1)) != 0))
    {
      *why = g_strdup_printf ("kernel image %s: invalid kernel_alignment %#x in its header",
                              path, img->kernel_alignment);
      return -ENOEXEC;
    }
  return 0;
}

/*
 * Where the kernel's boot footprint ends. The 64-bit entry code decompresses
 * to its load address rounded up to kernel_alignment, but never below
 * LOAD_PHYSICAL_ADDR (which pref_address holds), and needs init_size bytes
 * there; a non-relocatable kernel always runs at pref_address.
 * Returns 0 when that does not fit below @limit.
 */
static uint64_t
linux_boot_kernel_end (const struct bzimage *img, uint64_t limit)
{
  uint64_t run = LINUX_BOOT_KERNEL_ADDR;
  uint64_t end;

  if (img->relocatable)
    {
      run = (run + img->kernel_alignment - 1) & ~((uint64_t) img->kernel_alignment - 1);
      run = MAX (run, img->pref_address);
    }
  else if (img->pref_address)
    run = img->pref_address;

  if (run > limit || img->init_size > limit - run)
    return 0;
  end = MAX (run + img->init_size, LINUX_BOOT_KERNEL_ADDR + img->payload_size);
  return end <= limit ? end : 0;
}

unsigned
linux_boot_build_e820 (const struct guest_memory *mem, struct linux_e820_entry *out, unsigned max)
{
  uint64_t low = guest_memory_low_size (mem);
  unsigned n = 0;

#define ADD(a, s, t)                                                       \
  do                                                                       \
    {                                                                      \
      if ((s) > 0 && n < max)                                              \
        out[n++] = (struct linux_e820_entry) { (a), (s), (t) };            \
    }                                                                      \
  while (0)

  ADD (0, MIN (low, LINUX_BOOT_EBDA_ADDR), LINUX_E820_RAM);
  ADD (LINUX_BOOT_EBDA_ADDR, LINUX_BOOT_KERNEL_ADDR - LINUX_BOOT_EBDA_ADDR, LINUX_E820_RESERVED);
  if (low > LINUX_BOOT_KERNEL_ADDR)
    ADD (LINUX_BOOT_KERNEL_ADDR, low - LINUX_BOOT_KERNEL_ADDR, LINUX_E820_RAM);
  ADD (VM_ECAM_BASE, VM_ECAM_SIZE, LINUX_E820_RESERVED);
  for (unsigned i = 1; i < mem->n_regions; i++)
    ADD (mem->regions[i].gpa, mem->regions[i].size, LINUX_E820_RAM);
#undef ADD
  return n;
}

static void
linux_boot_segment_encode (const struct linux_boot_segment *s, uint8_t *desc)
{
  uint32_t limit = s->g ? s->limit >> 12 : s->limit;
  uint64_t d;

  d = (limit & 0xffffull) | (s->base & 0xffffffull) << 16 | (uint64_t) (s->type & 0xf) << 40 |
      (uint64_t) (s->s & 1) << 44 | (uint64_t) (s->dpl & 3) << 45 |
      (uint64_t) (s->present & 1) << 47 | (uint64_t) ((limit >> 16) & 0xf) << 48 |
      (uint64_t) (s->l & 1) << 53 | (uint64_t) (s->db & 1) << 54 | (uint64_t) (s->g & 1) << 55 |
      ((s->base >> 24) & 0xffull) << 56;
  put64 (desc, d);
  if (!s->s)  /* system descriptors are 16 bytes in long mode */
    put64 (desc + 8, s->base >> 32);
}

/* The GDT, TSS, page tables and register state. */
static int
linux_boot_setup_cpu (struct guest_memory *mem, struct linux_boot_state *state, char **why)
{
  uint8_t gdt[6 * 8] = { 0 };
  uint8_t page[4096];
  static const uint8_t tss[104];

  state->cs = (struct linux_boot_segment) {
    .base = 0, .limit = 0xffffffff, .selector = LINUX_BOOT_CS_SELECTOR,
    .type = 0xb /* execute/read, accessed */, .present = 1, .s = 1, .l = 1, .g = 1,
  };
  state->ds = (struct linux_boot_segment) {
    .base = 0, .limit = 0xffffffff, .selector = LINUX_BOOT_DS_SELECTOR,
    .type = 0x3 /* read/write, accessed */, .present = 1, .s = 1, .db = 1, .g = 1,
  };
  state->es = state->fs = state->gs = state->ss = state->ds;
  state->tr = (struct linux_boot_segment) {
    .base = LINUX_BOOT_TSS_ADDR, .limit = sizeof tss - 1, .selector = LINUX_BOOT_TR_SELECTOR,
    .type = 0xb /* busy 64-bit TSS */, .present = 1,
  };
  linux_boot_segment_encode (&state->cs, gdt + LINUX_BOOT_CS_SELECTOR);
  linux_boot_segment_encode (&state->ds, gdt + LINUX_BOOT_DS_SELECTOR);
  linux_boot_segment_encode (&state->tr, gdt + LINUX_BOOT_TR_SELECTOR);
  state->gdt_base = LINUX_BOOT_GDT_ADDR;
  state->gdt_limit = sizeof gdt - 1;

  if (guest_memory_write (mem, LINUX_BOOT_GDT_ADDR, gdt, sizeof gdt) < 0 ||
      guest_memory_write (mem, LINUX_BOOT_TSS_ADDR, tss, sizeof tss) < 0)
    goto no_ram;

  /* Identity map of the first 4 GiB with 2 MiB pages: the boot protocol
   * wants the kernel, zero page and command line mapped; the MMIO hole comes
   * for free. */
  memset (page, 0, sizeof page);
  put64 (page, LINUX_BOOT_PDPT_ADDR | PTE_PRESENT | PTE_RW);
  if (guest_memory_write (mem, LINUX_BOOT_PML4_ADDR, page, sizeof page) < 0)
    goto no_ram;
  memset (page, 0, sizeof page);
  for (unsigned i = 0; i < 4; i++)
    put64 (page + i * 8, (LINUX_BOOT_PD_ADDR + i * 4096ull) | PTE_PRESENT | PTE_RW);
  if (guest_memory_write (mem, LINUX_BOOT_PDPT_ADDR, page, sizeof page) < 0)
    goto no_ram;
  for (unsigned pd = 0; pd < 4; pd++)
    {
      for (unsigned i = 0; i < 512; i++)
        put64 (page + i * 8, (((uint64_t) pd * 512 + i) << 21) | PTE_PRESENT | PTE_RW | PTE_PS);
      if (guest_memory_write (mem, LINUX_BOOT_PD_ADDR + pd * 4096ull, page, sizeof page) < 0)
        goto no_ram;
    }

  state->cr3 = LINUX_BOOT_PML4_ADDR;
  state->cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
  state->cr4 = CR4_PAE;
  state->efer = EFER_LME | EFER_LMA;
  state->rflags = 0x2;  /* bit 1 is always set; interrupts off */
  state->rsp = LINUX_BOOT_STACK_TOP;
  state->rsi = LINUX_BOOT_ZERO_PAGE_ADDR;
  state->rip = state->kernel_addr + 0x200;
  return 0;

no_ram:
  *why = g_strdup ("guest memory is too small for the boot page tables");
  return -ENOMEM;
}

static int
linux_boot_load_initrd (struct guest_memory *mem, const char *path, const struct bzimage *img,
                        uint64_t kernel_end, struct linux_boot_state *state, char **why)
{
  uint64_t size;
  uint64_t top;
  uint64_t addr;
  void *dst;
  int fd;
  int ret;

  fd = linux_boot_open ("initrd", path, &size, why);
  if (fd < 0)
    return fd;

  /* As high as the kernel allows in low RAM, leaving the space after the
   * kernel free for it to decompress into. */
  top = MIN ((uint64_t) img->initrd_addr_max + 1, guest_memory_low_size (mem));
  kernel_end = (kernel_end + 4095) & ~4095ull;
  if (size > top || ((top - size) & ~4095ull) < kernel_end)
    {
      *why = g_strdup_printf ("initrd %s: too large for guest memory (%" G_GUINT64_FORMAT
                              " MiB, but only %" G_GUINT64_FORMAT " MiB are free below %"
                              G_GUINT64_FORMAT " MiB after the kernel); give the VM more memory",
                              path, (size + MiB - 1) / MiB,
                              top > kernel_end ? (top - kernel_end) / MiB : 0, top / MiB);
      close (fd);
      return -E2BIG;
    }
  addr = (top - size) & ~4095ull;
  dst = guest_memory_ptr (mem, addr, size);
  if (!dst)  /* cannot happen: addr..top lies in low RAM */
    {
      *why = g_strdup_printf ("initrd %s: no RAM at %#" G_GINT64_MODIFIER "x", path, addr);
      close (fd);
      return -EFAULT;
    }
  ret = linux_boot_read_all (fd, 0, dst, size, "initrd", path, why);
  close (fd);
  if (ret < 0)
    return ret;
  state->initrd_addr = size ? addr : 0;
  state->initrd_size = size;
  return 0;
}

static int
linux_boot_write_zero_page (struct guest_memory *mem, const struct bzimage *img,
                            const struct linux_boot_state *state, uint64_t acpi_rsdp_addr)
{
  uint8_t bp[BP_SIZE] = { 0 };
  struct linux_e820_entry e820[LINUX_E820_MAX_ENTRIES];
  unsigned n;

  memcpy (bp + HDR_START, img->head + HDR_START, img->hdr_end - HDR_START);

  bp[HDR_TYPE_OF_LOADER] = 0xff;  /* undefined loader */
  put64 (bp + HDR_SETUP_DATA, 0);  /* a loader's field: no setup_data list */
  /* No heap or segment flags: they concern the real-mode setup code and the
   * 32-bit entry, which the 64-bit entry skips. */
  bp[HDR_LOADFLAGS] = LOADED_HIGH;
  put32 (bp + HDR_CMD_LINE_PTR, (uint32_t) state->cmdline_addr);
  put32 (bp + BP_EXT_CMD_LINE_PTR, (uint32_t) (state->cmdline_addr >> 32));
  put32 (bp + HDR_RAMDISK_IMAGE, (uint32_t) state->initrd_addr);
  put32 (bp + HDR_RAMDISK_SIZE, (uint32_t) state->initrd_size);
  put32 (bp + BP_EXT_RAMDISK_IMAGE, (uint32_t) (state->initrd_addr >> 32));
  put32 (bp + BP_EXT_RAMDISK_SIZE, (uint32_t) (state->initrd_size >> 32));
  put64 (bp + BP_ACPI_RSDP_ADDR, acpi_rsdp_addr);

  n = linux_boot_build_e820 (mem, e820, G_N_ELEMENTS (e820));
  bp[BP_E820_ENTRIES] = (uint8_t) n;
  for (unsigned i = 0; i < n; i++)
    {
      uint8_t *e = bp + BP_E820_TABLE + i * 20;

      put64 (e, e820[i].addr);
      put64 (e + 8, e820[i].size);
      put32 (e + 16, e820[i].type);
    }
  return guest_memory_write (mem, LINUX_BOOT_ZERO_PAGE_ADDR, bp, sizeof bp);
}

int
linux_boot_load (struct guest_memory *mem, const char *kernel_path, const char *initrd_path,
                 const char *cmdline, uint64_t acpi_rsdp_addr,
                 struct linux_boot_state *state, char **why)
{
  g_autofree struct bzimage *img = g_new0 (struct bzimage, 1);
  uint64_t low = guest_memory_low_size (mem);
  size_t cmdline_len;
  void *dst;
  int fd;
  int ret;

  g_return_val_if_fail (mem && kernel_path && state && why, -EINVAL);

  memset (state, 0, sizeof *state);
  *why = NULL;
  if (cmdline == NULL)
    cmdline = "";

  fd = linux_boot_open ("kernel image", kernel_path, &img->file_size, why);
  if (fd < 0)
    return fd;
  ret = linux_boot_parse (fd, kernel_path, img, why);
  if (ret < 0)
    goto out;

  state->protocol = img->protocol;
  state->kernel_addr = LINUX_BOOT_KERNEL_ADDR;
  state->kernel_size = img->payload_size;
  state->kernel_end = low > LINUX_BOOT_KERNEL_ADDR ? linux_boot_kernel_end (img, low) : 0;
  if (state->kernel_end == 0)
    {
      uint64_t need = MAX (img->pref_address, (uint64_t) LINUX_BOOT_KERNEL_ADDR) / MiB +
                      MAX ((uint64_t) img->init_size, img->payload_size) / MiB + 1;

      *why = g_strdup_printf ("kernel image %s: too large for guest memory: it needs about %"
                              G_GUINT64_FORMAT " MiB of RAM to boot, the VM has %" G_GUINT64_FORMAT
                              " MiB below 4 GiB", kernel_path, need, low / MiB);
      ret = -E2BIG;
      goto out;
    }

  cmdline_len = strlen (cmdline);
  if (cmdline_len > img->cmdline_size || cmdline_len >= LINUX_BOOT_CMDLINE_MAX)
    {
      *why = g_strdup_printf ("kernel command line too long: %zu bytes, this kernel accepts at "
                              "most %u", cmdline_len,
                              (unsigned) MIN (img->cmdline_size, LINUX_BOOT_CMDLINE_MAX - 1));
      ret = -E2BIG;
      goto out;
    }
  state->cmdline_addr = LINUX_BOOT_CMDLINE_ADDR;
  if (guest_memory_write (mem, LINUX_BOOT_CMDLINE_ADDR, cmdline, cmdline_len + 1) < 0)
    {
      *why = g_strdup ("guest memory is too small for the kernel command line");
      ret = -ENOMEM;
      goto out;
    }

  dst = guest_memory_ptr (mem, LINUX_BOOT_KERNEL_ADDR, img->payload_size);
  if (!dst)  /* cannot happen: kernel_end checked it */
    {
      *why = g_strdup_printf ("kernel image %s: too large for guest memory", kernel_path);
      ret = -E2BIG;
      goto out;
    }
  ret = linux_boot_read_all (fd, img->setup_size, dst, img->payload_size, "kernel image",
                             kernel_path, why);
  if (ret < 0)
    goto out;

  if (initrd_path)
    {
      ret = linux_boot_load_initrd (mem, initrd_path, img, state->kernel_end, state, why);
      if (ret < 0)
        goto out;
    }

  ret = linux_boot_setup_cpu (mem, state, why);
  if (ret < 0)
    goto out;
  if (linux_boot_write_zero_page (mem, img, state, acpi_rsdp_addr) < 0)
    {
      *why = g_strdup ("guest memory is too small for the zero page");
      ret = -ENOMEM;
      goto out;
    }
  vmm_debug ("kernel at %#" G_GINT64_MODIFIER "x (%" G_GUINT64_FORMAT " bytes, protocol %x), "
             "initrd at %#" G_GINT64_MODIFIER "x (%" G_GUINT64_FORMAT " bytes)",
             state->kernel_addr, state->kernel_size, state->protocol, state->initrd_addr,
             state->initrd_size);

out:
  close (fd);
  return ret;
}
