/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Guest side of the virtio-blk benchmark (benchmarks/vmm-core): sequential
 * O_DIRECT write then read of /dev/vda in 1 MiB aligned blocks. The size in
 * MiB comes from blkbench.mib=N on the kernel command line (default 256).
 * Built static by the benchmark script and run as the scenario "blkbench".
 * Prints one line the host parses:
 *   blkbench: mib=N write MB/s=W read MB/s=R
 * MB/s are 10^6 bytes per second; write time includes the final fdatasync. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BLOCK (1024 * 1024)

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long
cmdline_mib (void)
{
  char buf[4096];
  long mib = 256;
  FILE *f = fopen ("/proc/cmdline", "r");
  if (f == NULL)
    return mib;
  size_t n = fread (buf, 1, sizeof buf - 1, f);
  fclose (f);
  buf[n] = '\0';
  char *p = strstr (buf, "blkbench.mib=");
  if (p != NULL)
    mib = strtol (p + strlen ("blkbench.mib="), NULL, 10);
  return mib > 0 ? mib : 256;
}

int
main (int argc, char **argv)
{
  const char *dev = argc > 1 ? argv[1] : "/dev/vda";
  long mib = argc > 2 ? strtol (argv[2], NULL, 10) : cmdline_mib ();
  void *buf;

  if (posix_memalign (&buf, 4096, BLOCK) != 0)
    {
      fprintf (stderr, "blkbench: posix_memalign failed\n");
      return 1;
    }
  int fd = open (dev, O_RDWR | O_DIRECT);
  if (fd < 0)
    {
      fprintf (stderr, "blkbench: open %s: %s\n", dev, strerror (errno));
      return 1;
    }

  /* Every block starts with its index so the read pass can check it. */
  memset (buf, 0x5a, BLOCK);
  double t0 = now ();
  for (long i = 0; i < mib; i++)
    {
      *(uint64_t *) buf = (uint64_t) i;
      ssize_t w = pwrite (fd, buf, BLOCK, (off_t) i * BLOCK);
      if (w != BLOCK)
        {
          fprintf (stderr, "blkbench: write block %ld: %s\n", i, w < 0 ? strerror (errno) : "short");
          return 1;
        }
    }
  if (fdatasync (fd) < 0)
    {
      fprintf (stderr, "blkbench: fdatasync: %s\n", strerror (errno));
      return 1;
    }
  double t1 = now ();

  for (long i = 0; i < mib; i++)
    {
      ssize_t r = pread (fd, buf, BLOCK, (off_t) i * BLOCK);
      if (r != BLOCK)
        {
          fprintf (stderr, "blkbench: read block %ld: %s\n", i, r < 0 ? strerror (errno) : "short");
          return 1;
        }
      if (*(uint64_t *) buf != (uint64_t) i)
        {
          fprintf (stderr, "blkbench: block %ld holds the wrong data\n", i);
          return 1;
        }
    }
  double t2 = now ();
  close (fd);

  double bytes = (double) mib * BLOCK;
  printf ("blkbench: mib=%ld write MB/s=%.1f read MB/s=%.1f\n", mib,
          bytes / (t1 - t0) / 1e6, bytes / (t2 - t1) / 1e6);
  return 0;
}
