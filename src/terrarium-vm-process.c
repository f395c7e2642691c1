/* terrarium-vm-process.c
 *
 * A running machine is a terrarium-vmm process of its own, which the app
 * only talks to over the VMM's D-Bus control socket (peer to peer). This
 * object spawns it, waits for its socket, follows its State and turns its
 * exit status into "stopped" or a reason to show.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "terrarium-vm-process"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exit-status.h"
#include "terrarium-vm-process.h"

#define VMM_OBJECT_PATH "/org/terrarium/Terrarium/Vmm"
#define VMM_LOG_FILE "vmm.log"
#define SOCKET_POLL_MS 50
#define THUMBNAIL_INTERVAL_S 5
#define LOG_TAIL_LINES 10

struct _TerrariumVmProcess
{
  GObject           parent_instance;

  TerrariumMachine *machine;
  char             *socket_path;
  char             *log_path;

  /* One run: from start to exit. */
  GSubprocess      *subprocess;
  /* Or a VMM that an earlier session of the app left running: no process
   * of ours to wait for, its connection closing is its end. */
  gboolean          attaching;
  gboolean          adopted;
  GCancellable     *cancellable;
  guint             poll_id;
  gboolean          connecting;
  GDBusConnection  *connection;
  TerrariumVmm1    *proxy;
  gboolean          forced;
  guint             thumbnail_id;
  gboolean          thumbnail_busy;
  /* The first display is on and changed since the last thumbnail: a
   * screenshot of a display that is off is an error (and a line in
   * vmm.log), one of an unchanged display is wasted work. */
  gboolean          display_on;
  gboolean          display_changed;

  char             *failure;
  char             *failure_log;
};

G_DEFINE_FINAL_TYPE (TerrariumVmProcess, terrarium_vm_process, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MACHINE,
  PROP_RUNNING,
  PROP_PROXY,
  PROP_FAILURE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

char *
terrarium_vm_process_socket_path (const char *runtime_dir,
                                  const char *id)
{
  g_autofree char *name = g_strconcat (id, ".sock", NULL);

  g_return_val_if_fail (runtime_dir != NULL && id != NULL, NULL);
  return g_build_filename (runtime_dir, "terrarium", name, NULL);
}

char *
terrarium_vm_process_find_vmm (void)
{
  const char *env = g_getenv ("TERRARIUM_VMM");
  char *found;

  /* Tests and developers run the VMM of a build folder. */
  if (env && *env)
    return g_strdup (env);
  found = g_find_program_in_path ("terrarium-vmm");
  if (found)
    return found;
  return g_build_filename (BINDIR, "terrarium-vmm", NULL);
}

char *
terrarium_vm_process_log_tail (const char *path,
                               guint       n_lines)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  const char *start;
  guint seen = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &len, NULL) || len == 0 || n_lines == 0)
    return g_strdup ("");
  /* A final newline ends the last line; it does not start an empty one. */
  while (len > 0 && (contents[len - 1] == '\n' || contents[len - 1] == '\r'))
    contents[--len] = '\0';
  start = contents + len;
  while (start > contents)
    {
      if (start[-1] == '\n' && ++seen == n_lines)
        break;
      start--;
    }
  /* The VMM writes UTF-8, but a guest's serial console may end up here too. */
  return g_utf8_make_valid (start, -1);
}

char *
terrarium_vm_process_exit_reason (int      wait_status,
                                  gboolean forced)
{
  /* A force-off before the control socket was up is a SIGKILL of ours. */
  if (forced && WIFSIGNALED (wait_status) && WTERMSIG (wait_status) == SIGKILL)
    return NULL;
  if (WIFSIGNALED (wait_status))
    /* Translators: %d is a signal number, %s its description */
    return g_strdup_printf (_("terrarium-vmm was killed by signal %d (%s)."),
                            WTERMSIG (wait_status), g_strsignal (WTERMSIG (wait_status)));
  if (!WIFEXITED (wait_status))
    return g_strdup (_("terrarium-vmm ended in an unknown way."));

  switch (WEXITSTATUS (wait_status))
    {
    case VMM_EXIT_POWEROFF:
      return NULL;
    case VMM_EXIT_FORCED_OFF:
      /* Asked for by the user: an ordinary stop. */
      if (forced)
        return NULL;
      return g_strdup (_("The virtual machine was forced off because it did not shut down."));
    case VMM_EXIT_ERROR:
      return g_strdup (_("The virtual machine could not start or run."));
    case VMM_EXIT_USAGE:
      return g_strdup (_("The virtual machine’s settings were refused."));
    case VMM_EXIT_REBOOT:
      return g_strdup (_("The guest restarted, and this machine is set not to reboot."));
    case VMM_EXIT_CRASH:
      return g_strdup (_("The guest crashed (a triple fault or a KVM error)."));
    default:
      /* Translators: %d is a process exit status */
      return g_strdup_printf (_("terrarium-vmm exited with status %d."),
                              WEXITSTATUS (wait_status));
    }
}

TerrariumVmProcess *
terrarium_vm_process_new (TerrariumMachine *machine)
{
  g_return_val_if_fail (TERRARIUM_IS_MACHINE (machine), NULL);
  return g_object_new (TERRARIUM_TYPE_VM_PROCESS, "machine", machine, NULL);
}

TerrariumMachine *
terrarium_vm_process_get_machine (TerrariumVmProcess *self)
{
  g_return_val_if_fail (TERRARIUM_IS_VM_PROCESS (self), NULL);
  return self->machine;
}

static gboolean
terrarium_vm_process_live (TerrariumVmProcess *self)
{
  return self->subprocess != NULL || self->adopted;
}

gboolean
terrarium_vm_process_is_running (TerrariumVmProcess *self)
{
  g_return_val_if_fail (TERRARIUM_IS_VM_PROCESS (self), FALSE);
  return terrarium_vm_process_live (self);
}

TerrariumVmm1 *
terrarium_vm_process_get_proxy (TerrariumVmProcess *self)
{
  g_return_val_if_fail (TERRARIUM_IS_VM_PROCESS (self), NULL);
  return self->proxy;
}

const char *
terrarium_vm_process_get_failure (TerrariumVmProcess *self)
{
  g_return_val_if_fail (TERRARIUM_IS_VM_PROCESS (self), NULL);
  return self->failure;
}

const char *
terrarium_vm_process_get_failure_log (TerrariumVmProcess *self)
{
  g_return_val_if_fail (TERRARIUM_IS_VM_PROCESS (self), NULL);
  return self->failure_log;
}

static void
terrarium_vm_process_follow_state (TerrariumVmProcess *self,
                                   const char         *state)
{
  if (!state || !terrarium_vm_process_live (self))
    return;
  /* "created", "shutting-down" and "stopped" are still a live process: the
   * machine cannot be edited until it has exited. */
  if (g_str_equal (state, "paused"))
    terrarium_machine_set_state (self->machine, TERRARIUM_MACHINE_STATE_PAUSED);
  else
    terrarium_machine_set_state (self->machine, TERRARIUM_MACHINE_STATE_RUNNING);
}

static void
terrarium_vm_process_on_state_changed (TerrariumVmm1      *proxy,
                                       const char         *state,
                                       TerrariumVmProcess *self)
{
  g_debug ("%s: %s", terrarium_machine_get_id (self->machine), state);
  terrarium_vm_process_follow_state (self, state);
}

static void
terrarium_vm_process_thumbnail_done (GObject      *source,
                                     GAsyncResult *result,
                                     gpointer      user_data)
{
  g_autoptr(TerrariumVmProcess) self = user_data;
  g_autoptr(GError) error = NULL;

  self->thumbnail_busy = FALSE;
  if (terrarium_vmm1_call_screenshot_to_file_finish (TERRARIUM_VMM1 (source), result, &error))
    terrarium_machine_thumbnail_changed (self->machine);
  else
    /* The display is off (still booting, or text mode): try again later. */
    g_debug ("thumbnail: %s", error->message);
}

static gboolean
terrarium_vm_process_take_thumbnail (gpointer user_data)
{
  TerrariumVmProcess *self = user_data;
  g_autofree char *path = NULL;

  if (!self->proxy || self->thumbnail_busy || !self->display_on || !self->display_changed ||
      terrarium_machine_get_state (self->machine) != TERRARIUM_MACHINE_STATE_RUNNING)
    return G_SOURCE_CONTINUE;
  self->display_changed = FALSE;
  path = g_build_filename (terrarium_machine_get_folder (self->machine),
                           TERRARIUM_MACHINE_THUMBNAIL_FILE, NULL);
  self->thumbnail_busy = TRUE;
  terrarium_vmm1_call_screenshot_to_file (self->proxy, 0, path, self->cancellable,
                                          terrarium_vm_process_thumbnail_done,
                                          g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

static void
terrarium_vm_process_on_surface_changed (TerrariumVmm1      *proxy,
                                         guint               scanout,
                                         gboolean            enabled,
                                         TerrariumVmProcess *self)
{
  if (scanout != 0)
    return;
  self->display_on = enabled;
  self->display_changed = enabled;
}

static void
terrarium_vm_process_on_damage (TerrariumVmm1      *proxy,
                                guint               scanout,
                                int                 x,
                                int                 y,
                                guint               width,
                                guint               height,
                                TerrariumVmProcess *self)
{
  if (scanout != 0)
    return;
  /* Damage only comes from a display that is on. */
  self->display_on = TRUE;
  self->display_changed = TRUE;
}

static void
terrarium_vm_process_proxy_ready (GObject      *source,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  g_autoptr(TerrariumVmProcess) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TerrariumVmm1) proxy = terrarium_vmm1_proxy_new_finish (result, &error);

  self->connecting = FALSE;
  if (!proxy)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("%s: %s", terrarium_machine_get_id (self->machine), error->message);
      return;
    }
  if (!terrarium_vm_process_live (self))
    return;

  /* Calls may take a while on a busy host (screenshots of a big display);
   * the default 25 s is fine, but never block the UI: every call is async. */
  self->proxy = g_steal_pointer (&proxy);
  g_signal_connect_object (self->proxy, "state-changed",
                           G_CALLBACK (terrarium_vm_process_on_state_changed), self, 0);
  g_signal_connect_object (self->proxy, "surface-changed",
                           G_CALLBACK (terrarium_vm_process_on_surface_changed), self, 0);
  g_signal_connect_object (self->proxy, "damage",
                           G_CALLBACK (terrarium_vm_process_on_damage), self, 0);
  terrarium_vm_process_follow_state (self, terrarium_vmm1_get_state (self->proxy));
  self->thumbnail_id = g_timeout_add_seconds (THUMBNAIL_INTERVAL_S,
                                              terrarium_vm_process_take_thumbnail, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROXY]);
}

static void terrarium_vm_process_clear_run (TerrariumVmProcess *self);

static void
terrarium_vm_process_closed (GDBusConnection    *connection,
                             gboolean            remote_peer_vanished,
                             GError             *error,
                             TerrariumVmProcess *self)
{
  /* A process of ours ends through its exit status instead. */
  if (!self->adopted || connection != self->connection)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  terrarium_vm_process_clear_run (self);
  terrarium_machine_set_state (self->machine, TERRARIUM_MACHINE_STATE_STOPPED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROXY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
terrarium_vm_process_connected (GObject      *source,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(TerrariumVmProcess) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) connection = g_dbus_connection_new_for_address_finish (result, &error);

  if (!connection)
    {
      self->connecting = FALSE;
      /* A stale socket of an earlier run, not yet replaced: the poll tries
       * again while the process lives. When attaching, nobody listens: the
       * machine is stopped. */
      g_debug ("connect: %s", error->message);
      if (self->attaching)
        {
          self->attaching = FALSE;
          g_clear_object (&self->cancellable);
        }
      return;
    }
  if (self->attaching)
    {
      self->attaching = FALSE;
      self->adopted = TRUE;
      g_signal_connect_object (connection, "closed",
                               G_CALLBACK (terrarium_vm_process_closed), self, 0);
      g_message ("%s: still running from an earlier session",
                 terrarium_machine_get_id (self->machine));
      terrarium_machine_set_state (self->machine, TERRARIUM_MACHINE_STATE_RUNNING);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
    }
  if (!terrarium_vm_process_live (self))
    return;

  g_clear_handle_id (&self->poll_id, g_source_remove);
  self->connection = g_steal_pointer (&connection);
  /* No bus, so no name: the proxy talks to the peer itself. */
  terrarium_vmm1_proxy_new (self->connection, G_DBUS_PROXY_FLAGS_NONE, NULL, VMM_OBJECT_PATH,
                            self->cancellable, terrarium_vm_process_proxy_ready,
                            g_object_ref (self));
}

static gboolean
terrarium_vm_process_poll_socket (gpointer user_data)
{
  TerrariumVmProcess *self = user_data;
  g_autofree char *escaped = NULL;
  g_autofree char *address = NULL;

  if (self->connecting || !g_file_test (self->socket_path, G_FILE_TEST_EXISTS))
    return G_SOURCE_CONTINUE;

  escaped = g_dbus_address_escape_value (self->socket_path);
  address = g_strconcat ("unix:path=", escaped, NULL);
  self->connecting = TRUE;
  g_dbus_connection_new_for_address (address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT,
                                     NULL, self->cancellable, terrarium_vm_process_connected,
                                     g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

/* Everything of one run, except the failure, which outlives it. */
static void
terrarium_vm_process_clear_run (TerrariumVmProcess *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_handle_id (&self->thumbnail_id, g_source_remove);
  g_clear_object (&self->subprocess);
  g_clear_object (&self->proxy);
  if (self->connection)
    g_dbus_connection_close (self->connection, NULL, NULL, NULL);
  g_clear_object (&self->connection);
  self->connecting = FALSE;
  self->attaching = FALSE;
  self->adopted = FALSE;
  self->thumbnail_busy = FALSE;
  self->display_on = FALSE;
  self->display_changed = FALSE;
}

static void
terrarium_vm_process_exited (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(TerrariumVmProcess) self = user_data;
  GSubprocess *subprocess = G_SUBPROCESS (source);
  g_autofree char *reason = NULL;

  /* Cancelled only by dispose; a later run has its own subprocess. */
  if (!g_subprocess_wait_finish (subprocess, result, NULL) || subprocess != self->subprocess)
    return;

  reason = terrarium_vm_process_exit_reason (g_subprocess_get_status (subprocess), self->forced);
  g_clear_pointer (&self->failure, g_free);
  g_clear_pointer (&self->failure_log, g_free);
  if (reason)
    {
      self->failure_log = terrarium_vm_process_log_tail (self->log_path, LOG_TAIL_LINES);
      self->failure = g_steal_pointer (&reason);
      g_message ("%s stopped unexpectedly: %s\n%s", terrarium_machine_get_id (self->machine),
                 self->failure, self->failure_log);
    }

  g_object_freeze_notify (G_OBJECT (self));
  terrarium_vm_process_clear_run (self);
  terrarium_machine_set_state (self->machine, TERRARIUM_MACHINE_STATE_STOPPED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROXY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILURE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
terrarium_vm_process_child_setup (gpointer user_data)
{
  /* Its own session: Ctrl+C in the terminal that started the app, or the
   * app quitting, must not take running machines down with it. */
  setsid ();
}

gboolean
terrarium_vm_process_start (TerrariumVmProcess  *self,
                            GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) subprocess = NULL;
  g_autofree char *vmm = NULL;
  g_autofree char *socket_dir = NULL;
  int log_fd;

  g_return_val_if_fail (TERRARIUM_IS_VM_PROCESS (self), FALSE);

  if (terrarium_vm_process_live (self) || self->attaching)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, _("“%s” is already running"),
                   terrarium_machine_get_name (self->machine));
      return FALSE;
    }
  if (!terrarium_machine_get_config (self->machine))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("“%s” cannot be started: %s"),
                   terrarium_machine_get_name (self->machine),
                   terrarium_machine_get_broken_reason (self->machine));
      return FALSE;
    }

  socket_dir = g_path_get_dirname (self->socket_path);
  if (g_mkdir_with_parents (socket_dir, 0700) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder %s: %s"), socket_dir, g_strerror (saved_errno));
      return FALSE;
    }

  /* One log per run: what the last run said is what explains its end. */
  log_fd = g_open (self->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (log_fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create %s: %s"), self->log_path, g_strerror (saved_errno));
      return FALSE;
    }

  vmm = terrarium_vm_process_find_vmm ();
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_cwd (launcher, terrarium_machine_get_folder (self->machine));
  g_subprocess_launcher_take_stdout_fd (launcher, dup (log_fd));
  g_subprocess_launcher_take_stderr_fd (launcher, log_fd);
  g_subprocess_launcher_set_child_setup (launcher, terrarium_vm_process_child_setup, NULL, NULL);
  subprocess = g_subprocess_launcher_spawn (launcher, error, vmm,
                                            "--config",
                                            terrarium_machine_get_config_path (self->machine),
                                            "--control", self->socket_path,
                                            NULL);
  if (!subprocess)
    return FALSE;

  g_debug ("started %s for %s (pid %s)", vmm, terrarium_machine_get_id (self->machine),
           g_subprocess_get_identifier (subprocess));
  g_clear_pointer (&self->failure, g_free);
  g_clear_pointer (&self->failure_log, g_free);
  self->forced = FALSE;
  self->subprocess = g_steal_pointer (&subprocess);
  self->cancellable = g_cancellable_new ();
  g_subprocess_wait_async (self->subprocess, NULL, terrarium_vm_process_exited,
                           g_object_ref (self));
  self->poll_id = g_timeout_add (SOCKET_POLL_MS, terrarium_vm_process_poll_socket, self);

  terrarium_machine_set_state (self->machine, TERRARIUM_MACHINE_STATE_RUNNING);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILURE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  return TRUE;
}

void
terrarium_vm_process_attach (TerrariumVmProcess *self)
{
  g_autofree char *escaped = NULL;
  g_autofree char *address = NULL;

  g_return_if_fail (TERRARIUM_IS_VM_PROCESS (self));

  if (terrarium_vm_process_live (self) || self->attaching ||
      !g_file_test (self->socket_path, G_FILE_TEST_EXISTS))
    return;
  escaped = g_dbus_address_escape_value (self->socket_path);
  address = g_strconcat ("unix:path=", escaped, NULL);
  self->attaching = TRUE;
  self->connecting = TRUE;
  self->cancellable = g_cancellable_new ();
  g_dbus_connection_new_for_address (address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT,
                                     NULL, self->cancellable, terrarium_vm_process_connected,
                                     g_object_ref (self));
}

static void
terrarium_vm_process_call_done (GObject      *source,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(TerrariumVmProcess) self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);
  if (!reply && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_dbus_error_strip_remote_error (error);
      g_signal_emit (self, signals[SIGNAL_ERROR], 0, error->message);
    }
}

/* The buttons' calls: no reply to wait for, but a refusal is shown. */
static void
terrarium_vm_process_call (TerrariumVmProcess *self,
                           const char         *method)
{
  if (!self->proxy)
    {
      if (terrarium_vm_process_live (self))
        g_signal_emit (self, signals[SIGNAL_ERROR], 0,
                       _("The virtual machine is still starting; try again in a moment"));
      return;
    }
  g_dbus_proxy_call (G_DBUS_PROXY (self->proxy), method, NULL, G_DBUS_CALL_FLAGS_NONE, -1,
                     self->cancellable, terrarium_vm_process_call_done, g_object_ref (self));
}

void
terrarium_vm_process_power_button (TerrariumVmProcess *self)
{
  g_return_if_fail (TERRARIUM_IS_VM_PROCESS (self));
  terrarium_vm_process_call (self, "PowerButton");
}

void
terrarium_vm_process_force_off (TerrariumVmProcess *self)
{
  g_return_if_fail (TERRARIUM_IS_VM_PROCESS (self));

  if (!terrarium_vm_process_live (self))
    return;
  self->forced = TRUE;
  if (self->proxy || !self->subprocess)
    terrarium_vm_process_call (self, "ForceOff");
  else
    /* Not listening yet (or wedged): the plug is pulled all the same. */
    g_subprocess_force_exit (self->subprocess);
}

void
terrarium_vm_process_flush (TerrariumVmProcess *self)
{
  g_return_if_fail (TERRARIUM_IS_VM_PROCESS (self));

  if (self->connection)
    g_dbus_connection_flush_sync (self->connection, NULL, NULL);
}

void
terrarium_vm_process_pause (TerrariumVmProcess *self)
{
  g_return_if_fail (TERRARIUM_IS_VM_PROCESS (self));
  terrarium_vm_process_call (self, "Pause");
}

void
terrarium_vm_process_resume (TerrariumVmProcess *self)
{
  g_return_if_fail (TERRARIUM_IS_VM_PROCESS (self));
  terrarium_vm_process_call (self, "Resume");
}

void
terrarium_vm_process_reset (TerrariumVmProcess *self)
{
  g_return_if_fail (TERRARIUM_IS_VM_PROCESS (self));
  terrarium_vm_process_call (self, "Reset");
}

static void
terrarium_vm_process_constructed (GObject *object)
{
  TerrariumVmProcess *self = TERRARIUM_VM_PROCESS (object);

  G_OBJECT_CLASS (terrarium_vm_process_parent_class)->constructed (object);

  self->socket_path = terrarium_vm_process_socket_path (g_get_user_runtime_dir (),
                                                        terrarium_machine_get_id (self->machine));
  self->log_path = g_build_filename (terrarium_machine_get_folder (self->machine), VMM_LOG_FILE,
                                     NULL);
}

static void
terrarium_vm_process_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TerrariumVmProcess *self = TERRARIUM_VM_PROCESS (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      g_value_set_object (value, self->machine);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, terrarium_vm_process_live (self));
      break;
    case PROP_PROXY:
      g_value_set_object (value, self->proxy);
      break;
    case PROP_FAILURE:
      g_value_set_string (value, self->failure);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
terrarium_vm_process_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  TerrariumVmProcess *self = TERRARIUM_VM_PROCESS (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      self->machine = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
terrarium_vm_process_dispose (GObject *object)
{
  TerrariumVmProcess *self = TERRARIUM_VM_PROCESS (object);

  /* The process itself keeps running: machines are independent of the app. */
  terrarium_vm_process_clear_run (self);

  G_OBJECT_CLASS (terrarium_vm_process_parent_class)->dispose (object);
}

static void
terrarium_vm_process_finalize (GObject *object)
{
  TerrariumVmProcess *self = TERRARIUM_VM_PROCESS (object);

  g_clear_object (&self->machine);
  g_free (self->socket_path);
  g_free (self->log_path);
  g_free (self->failure);
  g_free (self->failure_log);

  G_OBJECT_CLASS (terrarium_vm_process_parent_class)->finalize (object);
}

static void
terrarium_vm_process_class_init (TerrariumVmProcessClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = terrarium_vm_process_constructed;
  object_class->get_property = terrarium_vm_process_get_property;
  object_class->set_property = terrarium_vm_process_set_property;
  object_class->dispose = terrarium_vm_process_dispose;
  object_class->finalize = terrarium_vm_process_finalize;

  properties[PROP_MACHINE] =
    g_param_spec_object ("machine", NULL, NULL, TERRARIUM_TYPE_MACHINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROXY] =
    g_param_spec_object ("proxy", NULL, NULL, TERRARIUM_TYPE_VMM1,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FAILURE] =
    g_param_spec_string ("failure", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TerrariumVmProcess::error:
   * @message: why the VMM refused a request
   *
   * A button's request (pause, shut down...) failed; the window shows it.
   */
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
terrarium_vm_process_init (TerrariumVmProcess *self)
{
}
