/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The VGA adapter played from the guest's side: registers over the ports,
 * the legacy window, Bochs DISPI and the PCI face, with the picture checked
 * in the display's surface. */
#define G_LOG_DOMAIN "test-vga"

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "bus.h"
#include "display/display.h"
#include "display/vga.h"
#include "pci/pci.h"
#include "vm.h"

#define SLOT 2

struct fixture {
  struct bus pio, mmio;
  struct pci_bus pci;
  struct display *display;
  struct vga *vga;
  uint64_t lfb, regs;
  char *rom_path;
};

static void
outb (struct fixture *f, uint16_t port, uint8_t v)
{
  g_assert_true (bus_write (&f->pio, port, &v, 1));
}

static uint8_t
inb (struct fixture *f, uint16_t port)
{
  uint8_t v = 0;

  g_assert_true (bus_read (&f->pio, port, &v, 1));
  return v;
}

static void
outw (struct fixture *f, uint16_t port, uint16_t v)
{
  g_assert_true (bus_write (&f->pio, port, &v, 2));
}

static uint16_t
inw (struct fixture *f, uint16_t port)
{
  uint16_t v = 0;

  g_assert_true (bus_read (&f->pio, port, &v, 2));
  return v;
}

static void
dispi (struct fixture *f, uint16_t index, uint16_t value)
{
  outw (f, 0x1ce, index);
  outw (f, 0x1cf, value);
}

static uint16_t
dispi_get (struct fixture *f, uint16_t index)
{
  outw (f, 0x1ce, index);
  return inw (f, 0x1cf);
}

static void
memb (struct fixture *f, uint64_t addr, uint8_t v)
{
  g_assert_true (bus_write (&f->mmio, addr, &v, 1));
}

static uint8_t
memb_get (struct fixture *f, uint64_t addr)
{
  uint8_t v = 0;

  bus_read (&f->mmio, addr, &v, 1);
  return v;
}

static uint32_t
cfg_read (struct fixture *f, unsigned off, unsigned size)
{
  return pci_bus_config_read (&f->pci, 0, PCI_DEVFN (SLOT, 0), off, size);
}

static void
cfg_write (struct fixture *f, unsigned off, unsigned size, uint32_t v)
{
  pci_bus_config_write (&f->pci, 0, PCI_DEVFN (SLOT, 0), off, size, v);
}

static void
fixture_setup (struct fixture *f, gconstpointer data)
{
  memset (f, 0, sizeof *f);
  bus_init (&f->pio, "pio");
  bus_init (&f->mmio, "mmio");
  g_assert_cmpint (pci_bus_init (&f->pci, &f->pio, &f->mmio, VM_ECAM_BASE, VM_ECAM_SIZE), ==, 0);
  f->display = display_new (1);
  f->vga = vga_new (f->display, 0);
  g_assert_nonnull (f->vga);
  g_assert_cmpint (vga_claim_legacy (f->vga, &f->pio, &f->mmio), ==, 0);
  if (data)
    {
      /* A 3000-byte "BIOS": 0x55 0xaa then a counting pattern. */
      uint8_t rom[3000];
      g_autoptr (GError) error = NULL;
      int fd = g_file_open_tmp ("test-vga-rom-XXXXXX", &f->rom_path, &error);

      g_assert_no_error (error);
      close (fd);
      for (unsigned i = 0; i < sizeof rom; i++)
        rom[i] = (uint8_t) i;
      rom[0] = 0x55;
      rom[1] = 0xaa;
      g_assert_true (g_file_set_contents (f->rom_path, (char *) rom, sizeof rom, NULL));
    }
  g_assert_cmpint (vga_pci_add (f->vga, &f->pci, SLOT, NULL, f->rom_path), ==, 0);
  g_assert_cmpint (pci_bus_assign_resources (&f->pci), ==, 0);
  f->lfb = cfg_read (f, PCI_BASE_ADDRESS_0, 4) & ~0xfull;
  f->regs = cfg_read (f, PCI_BASE_ADDRESS_0 + 8, 4) & ~0xfull;
  g_assert_cmpuint (f->lfb, !=, 0);
  g_assert_cmpuint (f->regs, !=, 0);
}

static void
fixture_teardown (struct fixture *f, gconstpointer data)
{
  pci_bus_destroy (&f->pci);
  vga_free (f->vga);
  display_free (f->display);
  bus_destroy (&f->mmio);
  bus_destroy (&f->pio);
  if (f->rom_path)
    {
      g_unlink (f->rom_path);
      g_free (f->rom_path);
    }
}

static struct display_surface *
refresh (struct fixture *f)
{
  struct display_surface *s;

  vga_refresh (f->vga);
  s = display_get_surface (f->display, 0);
  g_assert_nonnull (s);
  display_surface_unref (s);  /* the adapter keeps its own reference */
  return s;
}

static uint32_t
pixel (struct display_surface *s, uint32_t x, uint32_t y)
{
  return ((uint32_t *) (s->data + (uint64_t) y * s->stride))[x];
}

/* Index/data pairs, 16-bit writes to an index port, the attribute
 * flip-flop, the DAC's auto-increment and the CRTC's write protection. */
static void
test_registers (struct fixture *f, gconstpointer data)
{
  outb (f, 0x3c4, 0x02);
  outb (f, 0x3c5, 0xff);
  g_assert_cmpuint (inb (f, 0x3c5), ==, 0x0f);  /* map mask has 4 bits */
  outw (f, 0x3ce, 0x0508);                       /* GR8 (bit mask) = 0x05 in one outw */
  outb (f, 0x3ce, 0x08);
  g_assert_cmpuint (inb (f, 0x3cf), ==, 0x05);

  inb (f, 0x3da);                                /* flip-flop to "index" */
  outb (f, 0x3c0, 0x21);                         /* index 1, screen on */
  outb (f, 0x3c0, 0x3a);
  g_assert_cmpuint (inb (f, 0x3c0), ==, 0x21);
  g_assert_cmpuint (inb (f, 0x3c1), ==, 0x3a);
  outb (f, 0x3c0, 0x22);                         /* index again: the flip-flop toggled */
  g_assert_cmpuint (inb (f, 0x3c0), ==, 0x22);
  inb (f, 0x3da);
  outb (f, 0x3c0, 0x20);

  outb (f, 0x3c8, 5);
  outb (f, 0x3c9, 1);
  outb (f, 0x3c9, 2);
  outb (f, 0x3c9, 3);
  outb (f, 0x3c9, 4);                            /* entry 6 starts */
  g_assert_cmpuint (inb (f, 0x3c8), ==, 6);
  outb (f, 0x3c7, 5);
  g_assert_cmpuint (inb (f, 0x3c7), ==, 3);
  g_assert_cmpuint (inb (f, 0x3c9), ==, 1);
  g_assert_cmpuint (inb (f, 0x3c9), ==, 2);
  g_assert_cmpuint (inb (f, 0x3c9), ==, 3);
  /* Entry 6 got one of its three values: not stored yet. */
  g_assert_cmpuint (inb (f, 0x3c9), ==, 0x2a);

  outb (f, 0x3d4, 0x11);
  outb (f, 0x3d5, 0x80);                         /* protect CR0..CR7 */
  outb (f, 0x3d4, 0x01);
  outb (f, 0x3d5, 0x12);
  g_assert_cmpuint (inb (f, 0x3d5), ==, 0x4f);
  outb (f, 0x3d4, 0x11);
  outb (f, 0x3d5, 0x00);
  outb (f, 0x3d4, 0x01);
  outb (f, 0x3d5, 0x4f);
  /* The mono alias reaches the same CRTC. */
  outb (f, 0x3b4, 0x0e);
  outb (f, 0x3b5, 0x12);
  outb (f, 0x3d4, 0x0e);
  g_assert_cmpuint (inb (f, 0x3d5), ==, 0x12);
  /* Input status 1 toggles retrace so polling loops end. */
  g_assert_cmpuint (inb (f, 0x3da) & 8, !=, inb (f, 0x3da) & 8);
}

/* Loads a glyph into plane 2 the way a VGA BIOS does. */
static void
load_glyph (struct fixture *f, uint8_t ch, const uint8_t rows[16])
{
  outw (f, 0x3c4, 0x0402);   /* map mask: plane 2 */
  outw (f, 0x3c4, 0x0604);   /* sequential addressing */
  outw (f, 0x3ce, 0x0005);   /* write mode 0, no odd/even */
  outw (f, 0x3ce, 0x0406);   /* A0000, 64 KiB, text */
  outw (f, 0x3ce, 0x0204);   /* read plane 2 */
  for (unsigned i = 0; i < 16; i++)
    memb (f, 0xa0000 + ch * 32u + i, rows[i]);
  for (unsigned i = 0; i < 16; i++)
    g_assert_cmpuint (memb_get (f, 0xa0000 + ch * 32u + i), ==, rows[i]);
  outw (f, 0x3c4, 0x0302);
  outw (f, 0x3c4, 0x0204);
  outw (f, 0x3ce, 0x1005);
  outw (f, 0x3ce, 0x0e06);
  outw (f, 0x3ce, 0x0004);
}

static const uint8_t glyph_bar[16] = {
  0x00, 0x00, 0x81, 0x81, 0x81, 0x81, 0xff, 0x81, 0x81, 0x81, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void
test_text (struct fixture *f, gconstpointer data)
{
  const uint32_t white = 0xffffffffu, blue = 0xff0000aau, black = 0xff000000u;
  struct display_surface *s;

  load_glyph (f, 'H', glyph_bar);
  memb (f, 0xb8000, 'H');
  memb (f, 0xb8001, 0x1f);                   /* white on blue */
  memb (f, 0xb8002 + 160, 'H');              /* row 1, column 1 */
  memb (f, 0xb8003 + 160, 0x07);
  g_assert_cmpuint (memb_get (f, 0xb8000), ==, 'H');
  g_assert_cmpuint (memb_get (f, 0xb8001), ==, 0x1f);
  outw (f, 0x3d4, 0x200a);                   /* cursor off */

  s = refresh (f);
  g_assert_cmpuint (s->width, ==, 720);
  g_assert_cmpuint (s->height, ==, 400);
  /* Row 6 of the glyph is solid over 8 dots; the ninth is background. */
  for (unsigned x = 0; x < 8; x++)
    g_assert_cmphex (pixel (s, x, 6), ==, white);
  g_assert_cmphex (pixel (s, 8, 6), ==, blue);
  g_assert_cmphex (pixel (s, 0, 2), ==, white);
  g_assert_cmphex (pixel (s, 1, 2), ==, blue);
  g_assert_cmphex (pixel (s, 7, 2), ==, white);
  g_assert_cmphex (pixel (s, 0, 0), ==, blue);
  /* The second cell: light grey on black. */
  g_assert_cmphex (pixel (s, 9, 16 + 6), ==, 0xffaaaaaau);
  g_assert_cmphex (pixel (s, 9, 16), ==, black);
  g_assert_cmphex (pixel (s, 100, 100), ==, black);

  /* 8-dot characters: 640 wide. */
  outw (f, 0x3c4, 0x0101);
  s = refresh (f);
  g_assert_cmpuint (s->width, ==, 640);
  g_assert_cmphex (pixel (s, 8, 16 + 6), ==, 0xffaaaaaau);

  /* A cursor on cell 0, lines 14..15. */
  outw (f, 0x3d4, 0x0e0a);
  outw (f, 0x3d4, 0x0f0b);
  outw (f, 0x3d4, 0x000e);
  outw (f, 0x3d4, 0x000f);
  s = refresh (f);
  g_assert_cmphex (pixel (s, 3, 14), ==, white);
  g_assert_cmphex (pixel (s, 3, 13), ==, blue);

  /* Blanked by the attribute controller's PAS bit. */
  inb (f, 0x3da);
  outb (f, 0x3c0, 0x00);
  s = refresh (f);
  g_assert_cmphex (pixel (s, 0, 6), ==, 0);
}

/* Planar writes: set/reset, latches copied by write mode 1, read mode 1,
 * and a 640x480 16-colour picture. */
static void
test_planar (struct fixture *f, gconstpointer data)
{
  struct display_surface *s;

  /* Mode 12h's essentials. */
  outw (f, 0x3c4, 0x0f02);
  outw (f, 0x3c4, 0x0604);
  outw (f, 0x3ce, 0x0506);                   /* graphics, A0000 64 KiB */
  outw (f, 0x3ce, 0x0005);
  outw (f, 0x3d4, 0xdf12);                   /* 480 lines: 0x1df */
  outw (f, 0x3d4, 0x3e07);                   /* overflow bits 8 and 9 */
  outw (f, 0x3d4, 0x4009);                   /* one scan line per row */
  outw (f, 0x3d4, 0x2813);                   /* 80 bytes per row */

  /* Colour 9 (blue + intensity) everywhere in the first byte via set/reset. */
  outw (f, 0x3ce, 0x0900);
  outw (f, 0x3ce, 0x0f01);
  memb (f, 0xa0000, 0x00);
  outw (f, 0x3ce, 0x0001);
  /* Copy it with write mode 1 through the latches. */
  memb_get (f, 0xa0000);
  outw (f, 0x3ce, 0x0105);
  memb (f, 0xa0001, 0x00);
  outw (f, 0x3ce, 0x0005);
  /* Read mode 1: which pixels are colour 9. */
  outw (f, 0x3ce, 0x0805);
  outw (f, 0x3ce, 0x0902);
  outw (f, 0x3ce, 0x0f07);
  g_assert_cmphex (memb_get (f, 0xa0001), ==, 0xff);
  outw (f, 0x3ce, 0x0a02);
  g_assert_cmphex (memb_get (f, 0xa0001), ==, 0x00);
  outw (f, 0x3ce, 0x0005);
  /* Bit mask: only the left half of byte 2, colour 4 (red) through mode 2. */
  outw (f, 0x3ce, 0x0205);
  outw (f, 0x3ce, 0xf008);
  memb_get (f, 0xa0002);
  memb (f, 0xa0002, 0x04);
  outw (f, 0x3ce, 0xff08);
  outw (f, 0x3ce, 0x0005);

  s = refresh (f);
  g_assert_cmpuint (s->width, ==, 640);
  g_assert_cmpuint (s->height, ==, 480);
  g_assert_cmphex (pixel (s, 0, 0), ==, 0xff5555ffu);   /* EGA colour 9 */
  g_assert_cmphex (pixel (s, 15, 0), ==, 0xff5555ffu);
  g_assert_cmphex (pixel (s, 16, 0), ==, 0xffaa0000u);  /* red */
  g_assert_cmphex (pixel (s, 20, 0), ==, 0xff000000u);
  g_assert_cmphex (pixel (s, 0, 1), ==, 0xff000000u);
}

/* Mode 13h: chain 4, 320x200, 256 colours through the DAC. */
static void
test_mode13 (struct fixture *f, gconstpointer data)
{
  struct display_surface *s;

  outw (f, 0x3c4, 0x0e04);                   /* chain 4 */
  outw (f, 0x3c4, 0x0f02);
  outw (f, 0x3c4, 0x0101);                   /* 8-dot clock */
  outw (f, 0x3ce, 0x4005);                   /* 256-colour shift */
  outw (f, 0x3ce, 0x0506);
  outw (f, 0x3d4, 0x4109);                   /* double scan: 400 lines show 200 */
  outw (f, 0x3d4, 0x2813);
  outb (f, 0x3c8, 200);
  outb (f, 0x3c9, 63);
  outb (f, 0x3c9, 0);
  outb (f, 0x3c9, 63);
  memb (f, 0xa0000 + 320 * 10 + 5, 200);
  s = refresh (f);
  g_assert_cmpuint (s->width, ==, 320);
  g_assert_cmpuint (s->height, ==, 200);
  g_assert_cmphex (pixel (s, 5, 10), ==, 0xffff00ffu);
  g_assert_cmphex (pixel (s, 6, 10), ==, 0xff000000u);
}

/* DISPI over the ports: identification, capabilities, a mode, the LFB. */
static void
test_dispi_mode (struct fixture *f, gconstpointer data)
{
  struct display_surface *s;
  uint32_t px = 0x00123456;
  uint16_t px16 = 0xf800;                     /* pure red in RGB565 */

  dispi (f, 0, 0xb0c0);
  g_assert_cmphex (dispi_get (f, 0), ==, 0xb0c0);
  dispi (f, 0, 0xb0c5);
  dispi (f, 0, 0x1234);                      /* not an ID: ignored */
  g_assert_cmphex (dispi_get (f, 0), ==, 0xb0c5);
  g_assert_cmpuint (dispi_get (f, 0xa), ==, 256);  /* 16 MiB in 64 KiB units */
  dispi (f, 4, 0x02);
  g_assert_cmpuint (dispi_get (f, 1), ==, 2560);
  g_assert_cmpuint (dispi_get (f, 3), ==, 32);
  dispi (f, 4, 0);

  dispi (f, 1, 800);
  dispi (f, 2, 600);
  dispi (f, 3, 32);
  dispi (f, 4, 0x41);
  g_assert_cmpuint (dispi_get (f, 6), ==, 800);
  g_assert_cmpuint (dispi_get (f, 7), ==, (16u << 20) / 3200);
  g_assert_true (bus_write (&f->mmio, f->lfb + (10 * 800 + 20) * 4, &px, 4));
  s = refresh (f);
  g_assert_cmpuint (s->width, ==, 800);
  g_assert_cmpuint (s->height, ==, 600);
  g_assert_cmphex (pixel (s, 20, 10) & 0xffffff, ==, 0x123456);
  g_assert_cmphex (pixel (s, 21, 10) & 0xffffff, ==, 0);
  /* Later writes reach the surface through the dirty pages. */
  px = 0x00abcdef;
  g_assert_true (bus_write (&f->mmio, f->lfb + (599 * 800 + 799) * 4, &px, 4));
  s = refresh (f);
  g_assert_cmphex (pixel (s, 799, 599) & 0xffffff, ==, 0xabcdef);
  /* Panning: Y_OFFSET 10 shows row 10 at the top. */
  dispi (f, 9, 10);
  s = refresh (f);
  g_assert_cmphex (pixel (s, 20, 0) & 0xffffff, ==, 0x123456);
  dispi (f, 9, 0);

  /* 16 bpp, through the banked window this time. */
  dispi (f, 4, 0);
  dispi (f, 1, 640);
  dispi (f, 2, 480);
  dispi (f, 3, 16);
  dispi (f, 4, 0x01);
  dispi (f, 5, 1);                            /* bank 1: bytes 64K..128K */
  g_assert_true (bus_write (&f->mmio, 0xa0000 + 0x100, &px16, 2));
  g_assert_cmphex (memb_get (f, 0xa0000 + 0x101), ==, 0xf8);
  s = refresh (f);
  g_assert_cmpuint (s->width, ==, 640);
  /* byte 0x10100 = pixel 0x8080 = row 51, column 256 */
  g_assert_cmphex (pixel (s, 256, 51), ==, 0xffff0000u);

  /* Off again: back to text. */
  dispi (f, 4, 0);
  s = refresh (f);
  g_assert_cmpuint (s->width, ==, 720);
}

/* A guest that asks for nonsense gets a black 640x480, never a crash or an
 * access outside VRAM. */
static void
test_dispi_hostile (struct fixture *f, gconstpointer data)
{
  struct display_surface *s;
  uint32_t v = 0xffffffff;

  dispi (f, 1, 0xffff);
  dispi (f, 2, 0xffff);
  dispi (f, 3, 32);
  dispi (f, 4, 0x41);
  s = refresh (f);
  g_assert_cmpuint (s->width, ==, 640);
  g_assert_cmpuint (s->height, ==, 480);
  g_assert_cmphex (pixel (s, 0, 0), ==, 0);

  dispi (f, 4, 0);
  dispi (f, 1, 1024);
  dispi (f, 2, 768);
  dispi (f, 3, 0xff);
  dispi (f, 4, 0x41);
  s = refresh (f);
  g_assert_cmpuint (s->width, ==, 640);

  dispi (f, 3, 32);
  dispi (f, 9, 0xffff);                       /* far beyond VRAM */
  s = refresh (f);
  g_assert_cmpuint (s->width, ==, 640);
  /* The last rows of VRAM exactly: shown; one pixel further: not. */
  dispi (f, 9, 3328);
  s = refresh (f);
  g_assert_cmpuint (s->width, ==, 1024);
  dispi (f, 8, 1);
  s = refresh (f);
  g_assert_cmpuint (s->width, ==, 640);
  dispi (f, 9, 0);
  dispi (f, 8, 0);
  dispi (f, 6, 0xffff);                       /* a virtual width past VRAM */
  s = refresh (f);
  g_assert_cmpuint (s->width, ==, 640);
  dispi (f, 6, 1024);
  s = refresh (f);
  g_assert_cmpuint (s->width, ==, 1024);
  g_assert_cmpuint (s->height, ==, 768);

  /* Banks past VRAM are refused; the window stays inside it. */
  dispi (f, 5, 255);
  dispi (f, 5, 256);
  g_assert_cmpuint (dispi_get (f, 5), ==, 255);
  dispi (f, 5, 0xffff);
  g_assert_cmpuint (dispi_get (f, 5), ==, 255);
  memb (f, 0xaffff, 0x5a);
  g_assert_cmphex (memb_get (f, 0xaffff), ==, 0x5a);
  g_assert_cmphex (memb_get (f, 0xb0000), ==, 0xff);   /* outside the 64 KiB bank */
  /* Index registers past the end. */
  dispi (f, 0x7fff, 1);
  g_assert_cmpuint (dispi_get (f, 0x7fff), ==, 0);
  /* The LFB BAR's end, and accesses straddling it. */
  g_assert_true (bus_write (&f->mmio, f->lfb + (16u << 20) - 4, &v, 4));
  g_assert_true (bus_write (&f->mmio, f->lfb + (16u << 20) - 2, &v, 8));
  /* Unknown MMIO registers. */
  g_assert_true (bus_write (&f->mmio, f->regs + 0xffc, &v, 4));
  g_assert_true (bus_write (&f->mmio, f->regs + 0x515, &v, 4));
  refresh (f);
}

/* The PCI face: IDs, BAR sizes, MMIO registers, the expansion ROM. */
static void
test_pci (struct fixture *f, gconstpointer data)
{
  uint32_t v = 0;
  uint16_t w;

  g_assert_cmphex (cfg_read (f, 0, 4), ==, 0x11111234);
  g_assert_cmphex (cfg_read (f, 8, 4) >> 8, ==, 0x030000);
  cfg_write (f, PCI_BASE_ADDRESS_0, 4, 0xffffffff);
  g_assert_cmphex (cfg_read (f, PCI_BASE_ADDRESS_0, 4), ==, 0xff000008);  /* 16 MiB, prefetch */
  cfg_write (f, PCI_BASE_ADDRESS_0, 4, (uint32_t) f->lfb);
  cfg_write (f, PCI_BASE_ADDRESS_0 + 8, 4, 0xffffffff);
  g_assert_cmphex (cfg_read (f, PCI_BASE_ADDRESS_0 + 8, 4), ==, 0xfffff000);
  cfg_write (f, PCI_BASE_ADDRESS_0 + 8, 4, (uint32_t) f->regs);

  /* DISPI at 0x500 + 2 * index; VGA ports at 0x400; the extended registers. */
  w = 1024;
  g_assert_true (bus_write (&f->mmio, f->regs + 0x500 + 2 * 1, &w, 2));
  g_assert_cmpuint (dispi_get (f, 1), ==, 1024);
  g_assert_true (bus_read (&f->mmio, f->regs + 0x500, &w, 2));
  g_assert_cmphex (w, ==, 0xb0c5);
  v = 0x34;
  g_assert_true (bus_write (&f->mmio, f->regs + 0x400 + 0x08, &v, 1));
  g_assert_cmpuint (inb (f, 0x3c8), ==, 0x34);
  g_assert_true (bus_read (&f->mmio, f->regs + 0x600, &v, 4));
  g_assert_cmpuint (v, ==, 8);
  g_assert_true (bus_read (&f->mmio, f->regs + 0x604, &v, 4));
  g_assert_cmphex (v, ==, 0x1e1e1e1e);

  if (!data)
    {
      cfg_write (f, 0x30, 4, 0xffffffff);
      g_assert_cmphex (cfg_read (f, 0x30, 4), ==, 0);   /* no ROM */
      return;
    }
  cfg_write (f, 0x30, 4, 0xfffff800);
  g_assert_cmphex (cfg_read (f, 0x30, 4), ==, 0xfffff000);  /* 4 KiB for 3000 bytes */
  cfg_write (f, 0x30, 4, 0xd0000000 | 1);
  g_assert_true (bus_read (&f->mmio, 0xd0000000, &w, 2));
  g_assert_cmphex (w, ==, 0xaa55);
  g_assert_cmphex (memb_get (f, 0xd0000000 + 2999), ==, (uint8_t) 2999);
  g_assert_cmphex (memb_get (f, 0xd0000000 + 3000), ==, 0);
  /* Decoding off: the ROM disappears. */
  cfg_write (f, 0x30, 4, 0xd0000000);
  g_assert_false (bus_read (&f->mmio, 0xd0000000, &w, 2));
  cfg_write (f, 0x30, 4, 0xd0000000 | 1);
  cfg_write (f, PCI_COMMAND, 2, 0);
  g_assert_false (bus_read (&f->mmio, 0xd0000000, &w, 2));
}

static void
read_edid (struct fixture *f, uint8_t edid[128], unsigned *width, unsigned *height)
{
  unsigned sum = 0;

  for (unsigned i = 0; i < 128; i += 4)
    g_assert_true (bus_read (&f->mmio, f->regs + i, edid + i, 4));
  for (unsigned i = 0; i < 128; i++)
    sum += edid[i];
  g_assert_cmpuint (sum % 256, ==, 0);
  g_assert_cmpmem (edid, 8, "\x00\xff\xff\xff\xff\xff\xff\x00", 8);
  /* The first detailed timing is the preferred mode. */
  *width = edid[56] | (edid[58] >> 4) << 8;
  *height = edid[59] | (edid[61] >> 4) << 8;
}

/* The EDID in BAR2 offers 1024x768 first, then what a viewer asks for. */
static void
test_edid (struct fixture *f, gconstpointer data)
{
  uint8_t edid[128];
  unsigned w, h;
  uint32_t v;

  read_edid (f, edid, &w, &h);
  g_assert_cmpuint (w, ==, 1024);
  g_assert_cmpuint (h, ==, 768);
  display_request_size (f->display, 0, 1280, 720);
  read_edid (f, edid, &w, &h);
  g_assert_cmpuint (w, ==, 1280);
  g_assert_cmpuint (h, ==, 720);
  /* Clamped to what DISPI can show; disconnecting changes nothing. */
  display_request_size (f->display, 0, 8000, 100);
  read_edid (f, edid, &w, &h);
  g_assert_cmpuint (w, ==, 2560);
  g_assert_cmpuint (h, ==, 480);
  display_request_size (f->display, 0, 0, 0);
  read_edid (f, edid, &w, &h);
  g_assert_cmpuint (w, ==, 2560);
  /* Past the EDID: zeros up to the VGA ports. */
  g_assert_true (bus_read (&f->mmio, f->regs + 0x3fc, &v, 4));
  g_assert_cmphex (v, ==, 0);
}

/* The scanout thread picks up a mode change by itself; teardown stops it. */
static void
test_thread (struct fixture *f, gconstpointer data)
{
  struct display_surface *s = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_cmpint (vga_start (f->vga), ==, 0);
  dispi (f, 1, 800);
  dispi (f, 2, 600);
  dispi (f, 3, 32);
  dispi (f, 4, 0x41);
  while (g_get_monotonic_time () < deadline)
    {
      s = display_get_surface (f->display, 0);
      if (s && s->width == 800 && s->height == 600)
        break;
      g_clear_pointer (&s, display_surface_unref);
      g_usleep (10000);
    }
  g_assert_nonnull (s);
  display_surface_unref (s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn, data) \
  g_test_add ("/Vmm/vga/" path, struct fixture, data, fixture_setup, fn, fixture_teardown)
  ADD ("registers", test_registers, NULL);
  ADD ("text", test_text, NULL);
  ADD ("planar", test_planar, NULL);
  ADD ("mode13", test_mode13, NULL);
  ADD ("dispi-mode", test_dispi_mode, NULL);
  ADD ("dispi-hostile", test_dispi_hostile, NULL);
  ADD ("pci", test_pci, NULL);
  ADD ("pci-rom", test_pci, "rom");
  ADD ("thread", test_thread, NULL);
  ADD ("edid", test_edid, NULL);
#undef ADD
  return g_test_run ();
}
