/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The slirp backend on a GLib main loop, with a fake network card in place
 * of virtio-net: DHCP through the loop's wake-up path, a forwarded host port
 * polled by the loop, and a busy port refused with its number.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/slirp.h"

static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

struct fake_nic {
  GQueue out;        /* GBytes the "guest" sends */
  GPtrArray *in;     /* GBytes it received */
};

static size_t
fake_take (void *nic, void *buf, size_t size)
{
  struct fake_nic *f = nic;
  g_autoptr (GBytes) frame = g_queue_pop_head (&f->out);
  size_t len;
  const void *data;

  if (!frame)
    return 0;
  data = g_bytes_get_data (frame, &len);
  g_assert_cmpuint (len, <=, size);
  memcpy (buf, data, len);
  return len;
}

static bool
fake_receive (void *nic, const void *frame, size_t len)
{
  struct fake_nic *f = nic;

  g_ptr_array_add (f->in, g_bytes_new (frame, len));
  return true;
}

static const struct net_nic_ops fake_ops = { .take = fake_take, .receive = fake_receive };

static uint16_t
ip_checksum (const uint8_t *p, size_t len)
{
  uint32_t sum = 0;

  for (size_t i = 0; i + 1 < len; i += 2)
    sum += (uint32_t) p[i] << 8 | p[i + 1];
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

/* Ethernet + IPv4 + UDP 68->67 + BOOTP DHCPDISCOVER. */
static GBytes *
dhcp_discover (void)
{
  uint8_t f[14 + 20 + 8 + 240 + 4] = { 0 };
  uint8_t *ip = f + 14, *udp = ip + 20, *bootp = udp + 8;
  size_t udp_len = sizeof f - 14 - 20;
  uint16_t sum;

  memset (f, 0xff, 6);
  memcpy (f + 6, guest_mac, 6);
  f[12] = 0x08;
  ip[0] = 0x45;
  ip[2] = (sizeof f - 14) >> 8;
  ip[3] = (sizeof f - 14) & 0xff;
  ip[8] = 64;
  ip[9] = 17;
  memset (ip + 16, 0xff, 4);
  sum = ip_checksum (ip, 20);
  ip[10] = sum >> 8;
  ip[11] = sum & 0xff;
  udp[1] = 68;
  udp[3] = 67;
  udp[4] = udp_len >> 8;
  udp[5] = udp_len & 0xff;
  bootp[0] = 1;      /* BOOTREQUEST */
  bootp[1] = 1;      /* Ethernet */
  bootp[2] = 6;
  memcpy (bootp + 4, "\x12\x34\x56\x78", 4);
  memcpy (bootp + 28, guest_mac, 6);
  memcpy (bootp + 236, "\x63\x82\x53\x63", 4);
  memcpy (bootp + 240, "\x35\x01\x01\xff", 4);  /* DHCPDISCOVER, end */
  return g_bytes_new (f, sizeof f);
}

static bool
wait_for_frames (GMainContext *ctx, struct fake_nic *nic, unsigned n)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (nic->in->len < n && g_get_monotonic_time () < end)
    g_main_context_iteration (ctx, TRUE);
  return nic->in->len >= n;
}

static void
test_dhcp (void)
{
  g_autoptr (GMainContext) ctx = g_main_context_new ();
  struct net_config cfg;
  struct fake_nic nic = { G_QUEUE_INIT, g_ptr_array_new_with_free_func (
                            (GDestroyNotify) g_bytes_unref) };
  g_autofree char *why = NULL;
  struct net_slirp *ns;
  const uint8_t *reply;
  size_t len;

  net_config_init (&cfg);
  ns = net_slirp_new (&cfg, ctx, &why);
  g_assert_nonnull (ns);
  net_slirp_attach (ns, &fake_ops, &nic);
  g_queue_push_tail (&nic.out, dhcp_discover ());
  /* From another thread in the VMM; the loop picks it up. */
  net_slirp_wake (ns);
  /* Slirp may announce itself (IPv6 router advertisements) meanwhile. */
  reply = NULL;
  for (unsigned seen = 0; !reply; seen++)
    {
      g_assert_true (wait_for_frames (ctx, &nic, seen + 1));
      reply = g_bytes_get_data (nic.in->pdata[seen], &len);
      if (len < 14 + 20 + 8 + 240 || reply[12] != 0x08 || reply[13] != 0x00 ||
          reply[14 + 9] != 17 || reply[14 + 20 + 1] != 67)
        reply = NULL;
    }
  g_assert_true (memcmp (reply, guest_mac, 6) == 0 ||
                 memcmp (reply, "\xff\xff\xff\xff\xff\xff", 6) == 0);
  /* BOOTREPLY offering 10.0.2.15 from 10.0.2.2. */
  g_assert_cmpuint (reply[14 + 28], ==, 2);
  g_assert_cmpmem (reply + 14 + 28 + 16, 4, "\x0a\x00\x02\x0f", 4);
  g_assert_cmpmem (reply + 14 + 12, 4, "\x0a\x00\x02\x02", 4);
  net_slirp_free (ns);
  g_ptr_array_unref (nic.in);
}

/* A free TCP port on 127.0.0.1, still bound by the returned socket if @keep. */
static int
bind_port (unsigned *port)
{
  struct sockaddr_in a = { .sin_family = AF_INET };
  socklen_t alen = sizeof a;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &a, sizeof a), ==, 0);
  g_assert_cmpint (listen (fd, 1), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &a, &alen), ==, 0);
  *port = ntohs (a.sin_port);
  return fd;
}

static void
test_forward (void)
{
  g_autoptr (GMainContext) ctx = g_main_context_new ();
  g_autoptr (GError) error = NULL;
  struct net_config cfg;
  struct fake_nic nic = { G_QUEUE_INIT, g_ptr_array_new_with_free_func (
                            (GDestroyNotify) g_bytes_unref) };
  g_autofree char *why = NULL;
  g_autofree char *spec = NULL;
  struct net_slirp *ns;
  struct sockaddr_in a = { .sin_family = AF_INET };
  unsigned port, n;
  int busy, fd;
  const uint8_t *frame;
  size_t len;

  /* A port something else holds: refused, naming the port. */
  busy = bind_port (&port);
  net_config_init (&cfg);
  spec = g_strdup_printf ("tcp:127.0.0.1:%u-:22", port);
  g_assert_cmpint (net_config_set_option (&cfg, "net-forward", spec, &error), ==, 0);
  ns = net_slirp_new (&cfg, ctx, &why);
  g_assert_null (ns);
  g_assert_nonnull (why);
  if (!strstr (why, spec) || !strstr (why, "in use"))
    g_error ("unexpected message: %s", why);
  g_clear_pointer (&why, g_free);

  /* Freed: the same forward now works, and a connection to it reaches the
   * guest's side (an ARP request for 10.0.2.15, or the SYN itself). */
  close (busy);
  ns = net_slirp_new (&cfg, ctx, &why);
  g_assert_nonnull (ns);
  g_assert_true (net_slirp_get_forwards (ns, &n) != NULL && n == 1);
  net_slirp_attach (ns, &fake_ops, &nic);
  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  a.sin_port = htons (port);
  g_assert_true (connect (fd, (struct sockaddr *) &a, sizeof a) == 0 || errno == EINPROGRESS);
  g_assert_true (wait_for_frames (ctx, &nic, 1));
  frame = g_bytes_get_data (nic.in->pdata[0], &len);
  g_assert_true ((frame[12] == 0x08 && frame[13] == 0x06) ||
                 (frame[12] == 0x08 && frame[13] == 0x00 && frame[14 + 9] == 6));
  close (fd);
  net_slirp_free (ns);
  g_ptr_array_unref (nic.in);
}

static gboolean
set_flag (gpointer data)
{
  *(bool *) data = true;
  return G_SOURCE_REMOVE;
}

/* Idle, the loop sleeps: slirp's sockets are not polled in a busy loop. */
static void
test_idle (void)
{
  g_autoptr (GMainContext) ctx = g_main_context_new ();
  g_autoptr (GSource) timeout = g_timeout_source_new (500);
  struct net_config cfg;
  g_autofree char *why = NULL;
  struct net_slirp *ns;
  unsigned iterations = 0;
  bool done = false;

  net_config_init (&cfg);
  g_assert_cmpint (net_config_set_option (&cfg, "net-forward", "tcp:127.0.0.1:0-:22", NULL),
                   ==, -EINVAL);
  g_assert_cmpint (net_config_set_option (&cfg, "net-forward", "tcp:127.0.0.1:1-:22", NULL),
                   ==, 0);
  cfg.forwards[0].host_port = 0;   /* any free port: a listening socket to poll */
  ns = net_slirp_new (&cfg, ctx, &why);
  g_assert_nonnull (ns);
  g_source_set_callback (timeout, set_flag, &done, NULL);
  g_source_attach (timeout, ctx);
  while (!done)
    {
      g_main_context_iteration (ctx, TRUE);
      iterations++;
    }
  g_assert_cmpuint (iterations, <, 10);
  net_slirp_free (ns);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/net-slirp/dhcp", test_dhcp);
  g_test_add_func ("/Vmm/net-slirp/forward", test_forward);
  g_test_add_func ("/Vmm/net-slirp/idle", test_idle);
  return g_test_run ();
}
