/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "net-slirp"

#include "config.h"

#include "slirp.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <libslirp.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "log.h"

/* Frames taken from the card per dispatch, so other sources get their turn. */
#define NET_SLIRP_TAKE_BATCH 256

struct net_slirp_poll {
  int fd;
  gpointer tag;                /* g_source_add_unix_fd's */
  GIOCondition events;
  bool wanted;                 /* asked for by the last slirp_pollfds_fill */
};

/* Polls slirp's sockets. Each prepare asks slirp which sockets want what;
 * only changes reach GLib, as every change wakes the loop once. */
struct net_slirp_source {
  GSource source;
  struct net_slirp *ns;
  GHashTable *polls;           /* fd -> struct net_slirp_poll */
  GPtrArray *round;            /* this round's polls, by slirp's index */
  gint64 deadline;             /* when slirp's own timers want a poll */
};

struct net_slirp_timer {
  struct net_slirp *ns;
  SlirpTimerId id;
  void *cb_opaque;
  GSource *source;
};

struct net_slirp {
  Slirp *slirp;
  GMainContext *context;
  struct net_slirp_source *source;
  GSource *wake_source;
  int wake_fd;
  const struct net_nic_ops *nic_ops;
  void *nic;
  uint8_t *frame;              /* NET_FRAME_MAX bytes */
  bool isolated;
  unsigned n_forwards;
  struct net_forward forwards[NET_CONFIG_MAX_FORWARDS];
};

/* ---- slirp's callbacks ---- */

static ssize_t
net_slirp_send_packet (const void *buf, size_t len, void *opaque)
{
  struct net_slirp *ns = opaque;

  /* Dropped when no card listens: TCP sends it again. */
  if (ns->nic_ops)
    ns->nic_ops->receive (ns->nic, buf, len);
  return (ssize_t) len;
}

static void
net_slirp_guest_error (const char *msg, void *opaque)
{
  vmm_guest_error ("slirp: %s", msg);
}

static int64_t
net_slirp_clock_get_ns (void *opaque)
{
  return g_get_monotonic_time () * 1000;
}

static gboolean
net_slirp_timer_fired (gpointer data)
{
  struct net_slirp_timer *t = data;

  g_clear_pointer (&t->source, g_source_unref);
  slirp_handle_timer (t->ns->slirp, t->id, t->cb_opaque);
  return G_SOURCE_REMOVE;
}

static void *
net_slirp_timer_new (SlirpTimerId id, void *cb_opaque, void *opaque)
{
  struct net_slirp_timer *t = g_new0 (struct net_slirp_timer, 1);

  t->ns = opaque;
  t->id = id;
  t->cb_opaque = cb_opaque;
  return t;
}

static void
net_slirp_timer_stop (struct net_slirp_timer *t)
{
  if (t->source)
    {
      g_source_destroy (t->source);
      g_clear_pointer (&t->source, g_source_unref);
    }
}

static void
net_slirp_timer_free (void *timer, void *opaque)
{
  net_slirp_timer_stop (timer);
  g_free (timer);
}

/* @expire_ms on the clock_get_ns clock, in milliseconds. */
static void
net_slirp_timer_mod (void *timer, int64_t expire_ms, void *opaque)
{
  struct net_slirp_timer *t = timer;
  int64_t now_ms = g_get_monotonic_time () / 1000;

  net_slirp_timer_stop (t);
  t->source = g_timeout_source_new ((guint) CLAMP (expire_ms - now_ms, 0, G_MAXINT));
  g_source_set_callback (t->source, net_slirp_timer_fired, t, NULL);
  g_source_attach (t->source, t->ns->context);
}

static void
net_slirp_register_poll_fd (int fd, void *opaque)
{
  /* Polled once a fill asks for it. */
}

static void
net_slirp_unregister_poll_fd (int fd, void *opaque)
{
  struct net_slirp *ns = opaque;

  struct net_slirp_poll *p;

  /* Closed next: a closed fd left in poll() would report POLLNVAL forever. */
  if (!ns->source)
    return;
  p = g_hash_table_lookup (ns->source->polls, GINT_TO_POINTER (fd));
  if (p)
    {
      g_source_remove_unix_fd (&ns->source->source, p->tag);
      g_hash_table_remove (ns->source->polls, GINT_TO_POINTER (fd));
    }
}

static void
net_slirp_notify (void *opaque)
{
  struct net_slirp *ns = opaque;

  /* Something slirp polls for changed: prepare asks it again. */
  g_main_context_wakeup (ns->context);
}

static const SlirpCb net_slirp_callbacks = {
  .send_packet = net_slirp_send_packet,
  .guest_error = net_slirp_guest_error,
  .clock_get_ns = net_slirp_clock_get_ns,
  .timer_free = net_slirp_timer_free,
  .timer_mod = net_slirp_timer_mod,
  .register_poll_fd = net_slirp_register_poll_fd,
  .unregister_poll_fd = net_slirp_unregister_poll_fd,
  .notify = net_slirp_notify,
  .timer_new_opaque = net_slirp_timer_new,
};

/* ---- the socket source ---- */

static GIOCondition
net_slirp_to_gio (int events)
{
  GIOCondition c = 0;

  if (events & SLIRP_POLL_IN)
    c |= G_IO_IN;
  if (events & SLIRP_POLL_OUT)
    c |= G_IO_OUT;
  if (events & SLIRP_POLL_PRI)
    c |= G_IO_PRI;
  if (events & SLIRP_POLL_ERR)
    c |= G_IO_ERR;
  if (events & SLIRP_POLL_HUP)
    c |= G_IO_HUP;
  return c;
}

static int
net_slirp_add_poll (int fd, int events, void *opaque)
{
  struct net_slirp_source *s = opaque;
  struct net_slirp_poll *p = g_hash_table_lookup (s->polls, GINT_TO_POINTER (fd));
  GIOCondition want = net_slirp_to_gio (events);

  if (!p)
    {
      p = g_new0 (struct net_slirp_poll, 1);
      p->fd = fd;
      p->events = want;
      p->tag = g_source_add_unix_fd (&s->source, fd, want);
      g_hash_table_insert (s->polls, GINT_TO_POINTER (fd), p);
    }
  else if (p->events != want)
    {
      p->events = want;
      g_source_modify_unix_fd (&s->source, p->tag, want);
    }
  p->wanted = true;
  g_ptr_array_add (s->round, p);
  return (int) s->round->len - 1;
}

static gboolean
net_slirp_prepare (GSource *source, gint *timeout)
{
  struct net_slirp_source *s = (struct net_slirp_source *) source;
  GHashTableIter iter;
  struct net_slirp_poll *p;
  uint32_t ms = UINT32_MAX;

  g_ptr_array_set_size (s->round, 0);
  g_hash_table_iter_init (&iter, s->polls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &p))
    p->wanted = false;
  slirp_pollfds_fill (s->ns->slirp, &ms, net_slirp_add_poll, s);
  /* A socket slirp does not want to hear from now (its buffer is full) may
   * still report HUP or ERR, which would wake us for nothing: drop it until
   * slirp asks again. */
  g_hash_table_iter_init (&iter, s->polls);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &p))
    if (!p->wanted)
      {
        g_source_remove_unix_fd (source, p->tag);
        g_hash_table_iter_remove (&iter);
      }

  *timeout = ms > G_MAXINT ? -1 : (gint) ms;
  s->deadline = ms > G_MAXINT ? -1 : g_source_get_time (source) + (gint64) ms * 1000;
  return ms == 0;
}

static gboolean
net_slirp_check (GSource *source)
{
  struct net_slirp_source *s = (struct net_slirp_source *) source;

  if (s->deadline >= 0 && g_source_get_time (source) >= s->deadline)
    return TRUE;
  for (unsigned i = 0; i < s->round->len; i++)
    {
      struct net_slirp_poll *p = s->round->pdata[i];

      if (g_source_query_unix_fd (source, p->tag))
        return TRUE;
    }
  return FALSE;
}

static int
net_slirp_get_revents (int idx, void *opaque)
{
  struct net_slirp_source *s = opaque;
  struct net_slirp_poll *p;
  GIOCondition c;
  int events = 0;

  if (idx < 0 || (unsigned) idx >= s->round->len)
    return 0;
  p = s->round->pdata[idx];
  c = g_source_query_unix_fd (&s->source, p->tag);
  if (c & G_IO_IN)
    events |= SLIRP_POLL_IN;
  if (c & G_IO_OUT)
    events |= SLIRP_POLL_OUT;
  if (c & G_IO_PRI)
    events |= SLIRP_POLL_PRI;
  if (c & (G_IO_ERR | G_IO_NVAL))
    events |= SLIRP_POLL_ERR;
  if (c & G_IO_HUP)
    events |= SLIRP_POLL_HUP;
  return events;
}

static gboolean
net_slirp_dispatch (GSource *source, GSourceFunc callback, gpointer data)
{
  struct net_slirp_source *s = (struct net_slirp_source *) source;

  /* Also runs slirp's TCP timers, which is why the deadline leads here. */
  slirp_pollfds_poll (s->ns->slirp, 0, net_slirp_get_revents, s);
  /* Polls may have closed and unregistered fds: the round is stale. */
  g_ptr_array_set_size (s->round, 0);
  return G_SOURCE_CONTINUE;
}

static void
net_slirp_finalize (GSource *source)
{
  struct net_slirp_source *s = (struct net_slirp_source *) source;

  g_ptr_array_unref (s->round);
  g_hash_table_unref (s->polls);
}

static GSourceFuncs net_slirp_source_funcs = {
  .prepare = net_slirp_prepare,
  .check = net_slirp_check,
  .dispatch = net_slirp_dispatch,
  .finalize = net_slirp_finalize,
};

/* ---- frames from the card ---- */

static gboolean
net_slirp_wake_ready (int fd, GIOCondition condition, gpointer data)
{
  struct net_slirp *ns = data;
  uint64_t count;
  unsigned n = 0;
  size_t len;

  if (read (fd, &count, sizeof count) < 0 && errno != EAGAIN)
    vmm_error ("net: reading the wake-up eventfd: %s", g_strerror (errno));
  if (!ns->nic_ops)
    return G_SOURCE_CONTINUE;
  while (n < NET_SLIRP_TAKE_BATCH &&
         (len = ns->nic_ops->take (ns->nic, ns->frame, NET_FRAME_MAX)) > 0)
    {
      slirp_input (ns->slirp, ns->frame, (int) len);
      n++;
    }
  /* More may wait: come back after the other sources. */
  if (n == NET_SLIRP_TAKE_BATCH)
    net_slirp_wake (ns);
  return G_SOURCE_CONTINUE;
}

void
net_slirp_wake (void *opaque)
{
  struct net_slirp *ns = opaque;
  uint64_t one = 1;

  if (write (ns->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
    vmm_error ("net: cannot wake the network loop: %s", g_strerror (errno));
}

void
net_slirp_attach (struct net_slirp *ns, const struct net_nic_ops *ops, void *nic)
{
  ns->nic_ops = ops;
  ns->nic = ops ? nic : NULL;
  /* Frames sent before the attach are waiting. */
  if (ops)
    net_slirp_wake (ns);
}

/* ---- set-up ---- */

static int
net_slirp_add_forwards (struct net_slirp *ns, const struct net_config *cfg, char **why)
{
  struct in_addr dhcp_addr;

  inet_pton (AF_INET, NET_CONFIG_GUEST_ADDR, &dhcp_addr);
  for (unsigned i = 0; i < cfg->n_forwards; i++)
    {
      const struct net_forward *f = &cfg->forwards[i];
      struct in_addr guest = f->guest_addr.s_addr ? f->guest_addr : dhcp_addr;
      int err;

      errno = 0;
      if (slirp_add_hostfwd (ns->slirp, f->udp, f->host_addr, f->host_port, guest,
                             f->guest_port) == 0)
        {
          ns->forwards[ns->n_forwards++] = *f;
          continue;
        }
      err = errno ? errno : EADDRINUSE;
      {
        g_autofree char *spec = net_forward_to_string (f);

        *why = g_strdup_printf (_("Cannot forward host port %u (%s): %s. Pick another port "
                                  "or stop what uses it."),
                                f->host_port, spec, g_strerror (err));
      }
      return -err;
    }
  return 0;
}

struct net_slirp *
net_slirp_new (const struct net_config *cfg, GMainContext *context, char **why)
{
  struct net_slirp *ns = g_new0 (struct net_slirp, 1);
  SlirpConfig sc = { 0 };

  ns->context = context ? g_main_context_ref (context) : g_main_context_ref_thread_default ();
  ns->wake_fd = -1;
  ns->isolated = cfg->isolated;
  ns->frame = g_malloc (NET_FRAME_MAX);

  /* QEMU's user networking addresses: what guides and guests expect. */
  sc.version = 4;
  sc.restricted = cfg->isolated;
  sc.in_enabled = true;
  inet_pton (AF_INET, NET_CONFIG_NETWORK, &sc.vnetwork);
  inet_pton (AF_INET, "255.255.255.0", &sc.vnetmask);
  inet_pton (AF_INET, NET_CONFIG_HOST, &sc.vhost);
  inet_pton (AF_INET, NET_CONFIG_GUEST_ADDR, &sc.vdhcp_start);
  inet_pton (AF_INET, NET_CONFIG_DNS, &sc.vnameserver);
  sc.in6_enabled = true;
  inet_pton (AF_INET6, "fec0::", &sc.vprefix_addr6);
  sc.vprefix_len = 64;
  inet_pton (AF_INET6, "fec0::2", &sc.vhost6);
  inet_pton (AF_INET6, "fec0::3", &sc.vnameserver6);
  ns->slirp = slirp_new (&sc, &net_slirp_callbacks, ns);
  if (!ns->slirp)
    {
      *why = g_strdup (_("Cannot set up the guest's network (libslirp refused its settings)."));
      goto fail;
    }

  ns->source = (struct net_slirp_source *) g_source_new (&net_slirp_source_funcs,
                                                         sizeof (struct net_slirp_source));
  ns->source->ns = ns;
  ns->source->polls = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  ns->source->round = g_ptr_array_new ();
  ns->source->deadline = -1;
  g_source_set_name (&ns->source->source, "slirp");
  g_source_attach (&ns->source->source, ns->context);

  ns->wake_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (ns->wake_fd < 0)
    {
      *why = g_strdup_printf (_("Cannot set up the guest's network: %s."), g_strerror (errno));
      goto fail;
    }
  ns->wake_source = g_unix_fd_source_new (ns->wake_fd, G_IO_IN);
  g_source_set_callback (ns->wake_source, G_SOURCE_FUNC (net_slirp_wake_ready), ns, NULL);
  g_source_attach (ns->wake_source, ns->context);

  if (net_slirp_add_forwards (ns, cfg, why) < 0)
    goto fail;
  return ns;

fail:
  net_slirp_free (ns);
  return NULL;
}

void
net_slirp_free (struct net_slirp *ns)
{
  if (!ns)
    return;
  if (ns->wake_source)
    {
      g_source_destroy (ns->wake_source);
      g_source_unref (ns->wake_source);
    }
  /* Cleanup unregisters fds through the source's table, then closes them. */
  if (ns->slirp)
    slirp_cleanup (ns->slirp);
  if (ns->source)
    {
      g_source_destroy (&ns->source->source);
      g_source_unref (&ns->source->source);
    }
  if (ns->wake_fd >= 0)
    close (ns->wake_fd);
  g_main_context_unref (ns->context);
  g_free (ns->frame);
  g_free (ns);
}

const struct net_forward *
net_slirp_get_forwards (struct net_slirp *ns, unsigned *n)
{
  *n = ns->n_forwards;
  return ns->forwards;
}

bool
net_slirp_is_isolated (struct net_slirp *ns)
{
  return ns->isolated;
}
