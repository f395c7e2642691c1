/* terrarium-machine.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "terrarium-machine"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "terrarium-machine.h"

struct _TerrariumMachine
{
  GObject                parent_instance;

  char                  *id;
  char                  *folder;
  char                  *config_path;
  TerrariumMachineState  state;
  char                  *broken_reason;
  gboolean               have_config;
  struct machine_config  config;
  GFile                 *thumbnail;
};

G_DEFINE_FINAL_TYPE (TerrariumMachine, terrarium_machine, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_FOLDER,
  PROP_NAME,
  PROP_STATE,
  PROP_BROKEN_REASON,
  PROP_MEMORY,
  PROP_CPUS,
  PROP_DISK_SIZE,
  PROP_DESCRIPTION,
  PROP_THUMBNAIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GType
terrarium_machine_state_get_type (void)
{
  static gsize type;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { TERRARIUM_MACHINE_STATE_STOPPED, "TERRARIUM_MACHINE_STATE_STOPPED", "stopped" },
        { TERRARIUM_MACHINE_STATE_RUNNING, "TERRARIUM_MACHINE_STATE_RUNNING", "running" },
        { TERRARIUM_MACHINE_STATE_PAUSED, "TERRARIUM_MACHINE_STATE_PAUSED", "paused" },
        { TERRARIUM_MACHINE_STATE_BROKEN, "TERRARIUM_MACHINE_STATE_BROKEN", "broken" },
        { 0, NULL, NULL },
      };
      g_once_init_leave (&type, g_enum_register_static ("TerrariumMachineState", values));
    }
  return type;
}

static void
terrarium_machine_notify_config (TerrariumMachine *self)
{
  static const int props[] = {
    PROP_NAME, PROP_STATE, PROP_BROKEN_REASON, PROP_MEMORY, PROP_CPUS, PROP_DISK_SIZE,
    PROP_DESCRIPTION,
  };

  for (guint i = 0; i < G_N_ELEMENTS (props); i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[props[i]]);
}

TerrariumMachine *
terrarium_machine_load (const char *folder)
{
  TerrariumMachine *self;
  g_autoptr(GError) error = NULL;
  g_autofree char *thumbnail = NULL;

  g_return_val_if_fail (folder != NULL, NULL);

  self = g_object_new (TERRARIUM_TYPE_MACHINE, NULL);
  self->folder = g_strdup (folder);
  self->id = g_path_get_basename (folder);
  self->config_path = g_build_filename (folder, TERRARIUM_MACHINE_CONFIG_FILE, NULL);
  thumbnail = g_build_filename (folder, TERRARIUM_MACHINE_THUMBNAIL_FILE, NULL);
  self->thumbnail = g_file_new_for_path (thumbnail);

  if (machine_config_load (&self->config, self->config_path, &error) < 0)
    {
      machine_config_clear (&self->config);
      machine_config_init (&self->config);
      self->state = TERRARIUM_MACHINE_STATE_BROKEN;
      self->broken_reason = g_strdup (error->message);
      g_message ("%s: %s", folder, error->message);
      return self;
    }
  self->have_config = TRUE;
  return self;
}

const char *
terrarium_machine_get_id (TerrariumMachine *self)
{
  g_return_val_if_fail (TERRARIUM_IS_MACHINE (self), NULL);
  return self->id;
}

const char *
terrarium_machine_get_folder (TerrariumMachine *self)
{
  g_return_val_if_fail (TERRARIUM_IS_MACHINE (self), NULL);
  return self->folder;
}

const char *
terrarium_machine_get_config_path (TerrariumMachine *self)
{
  g_return_val_if_fail (TERRARIUM_IS_MACHINE (self), NULL);
  return self->config_path;
}

const char *
terrarium_machine_get_name (TerrariumMachine *self)
{
  g_return_val_if_fail (TERRARIUM_IS_MACHINE (self), NULL);

  /* A broken machine still needs a label: its folder's name is all we know. */
  if (self->have_config && self->config.name && *self->config.name)
    return self->config.name;
  return self->id;
}

TerrariumMachineState
terrarium_machine_get_state (TerrariumMachine *self)
{
  g_return_val_if_fail (TERRARIUM_IS_MACHINE (self), TERRARIUM_MACHINE_STATE_BROKEN);
  return self->state;
}

void
terrarium_machine_set_state (TerrariumMachine      *self,
                             TerrariumMachineState  state)
{
  g_return_if_fail (TERRARIUM_IS_MACHINE (self));
  /* Broken is decided by the file alone, never by a caller. */
  g_return_if_fail (state != TERRARIUM_MACHINE_STATE_BROKEN);

  if (self->state == state || self->state == TERRARIUM_MACHINE_STATE_BROKEN)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

const char *
terrarium_machine_get_broken_reason (TerrariumMachine *self)
{
  g_return_val_if_fail (TERRARIUM_IS_MACHINE (self), NULL);
  return self->broken_reason;
}

guint64
terrarium_machine_get_memory (TerrariumMachine *self)
{
  g_return_val_if_fail (TERRARIUM_IS_MACHINE (self), 0);
  return self->have_config ? self->config.memory : 0;
}

guint
terrarium_machine_get_cpus (TerrariumMachine *self)
{
  g_return_val_if_fail (TERRARIUM_IS_MACHINE (self), 0);
  return self->have_config ? self->config.cpus : 0;
}

guint64
terrarium_machine_get_disk_size (TerrariumMachine *self)
{
  GStatBuf st;

  g_return_val_if_fail (TERRARIUM_IS_MACHINE (self), 0);

  if (!self->have_config || self->config.n_disks == 0 ||
      g_stat (self->config.disks[0].path, &st) != 0)
    return 0;
  return (guint64) st.st_size;
}

GFile *
terrarium_machine_get_thumbnail (TerrariumMachine *self)
{
  g_return_val_if_fail (TERRARIUM_IS_MACHINE (self), NULL);
  return self->thumbnail;
}

void
terrarium_machine_thumbnail_changed (TerrariumMachine *self)
{
  g_return_if_fail (TERRARIUM_IS_MACHINE (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THUMBNAIL]);
}

char *
terrarium_machine_describe (TerrariumMachine *self)
{
  g_autofree char *memory = NULL;
  g_autofree char *disk = NULL;
  guint64 disk_size;

  g_return_val_if_fail (TERRARIUM_IS_MACHINE (self), NULL);

  if (!self->have_config)
    return g_strdup (_("Cannot be used"));

  memory = g_format_size_full (self->config.memory, G_FORMAT_SIZE_IEC_UNITS);
  disk_size = terrarium_machine_get_disk_size (self);
  if (disk_size == 0)
    /* Translators: memory size · number of virtual CPUs */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u CPU", "%s · %u CPUs",
                                         self->config.cpus),
                            memory, self->config.cpus);
  disk = g_format_size_full (disk_size, G_FORMAT_SIZE_IEC_UNITS);
  /* Translators: memory size · number of virtual CPUs · disk size */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u CPU · %s disk",
                                       "%s · %u CPUs · %s disk", self->config.cpus),
                          memory, self->config.cpus, disk);
}

const struct machine_config *
terrarium_machine_get_config (TerrariumMachine *self)
{
  g_return_val_if_fail (TERRARIUM_IS_MACHINE (self), NULL);
  return self->have_config ? &self->config : NULL;
}

static void
terrarium_machine_restore (TerrariumMachine *self,
                           const char       *data,
                           gsize             len)
{
  g_autoptr(GError) error = NULL;

  machine_config_clear (&self->config);
  machine_config_init (&self->config);
  /* The text came from this very struct a moment ago: it always parses. */
  if (machine_config_load_data (&self->config, data, len, self->config_path, &error) < 0)
    g_critical ("%s: could not restore the configuration: %s", self->config_path, error->message);
}

gboolean
terrarium_machine_update (TerrariumMachine      *self,
                          TerrariumMachineEdit   edit,
                          gpointer               user_data,
                          GError               **error)
{
  g_autofree char *backup = NULL;
  gsize backup_len = 0;

  g_return_val_if_fail (TERRARIUM_IS_MACHINE (self), FALSE);
  g_return_val_if_fail (edit != NULL, FALSE);

  if (!self->have_config)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” cannot be changed: %s"), self->id, self->broken_reason);
      return FALSE;
    }
  if (self->state != TERRARIUM_MACHINE_STATE_STOPPED)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   _("“%s” is running; shut it down before changing its settings"),
                   terrarium_machine_get_name (self));
      return FALSE;
    }

  /* The struct owns strings and a key file; a text copy is the simplest
   * faithful snapshot to roll back to. */
  backup = machine_config_to_data (&self->config, &backup_len);
  if (!edit (&self->config, user_data, error) ||
      machine_config_validate (&self->config, error) < 0 ||
      machine_config_save (&self->config, self->config_path, error) < 0)
    {
      terrarium_machine_restore (self, backup, backup_len);
      return FALSE;
    }
  terrarium_machine_notify_config (self);
  return TRUE;
}

static gboolean
terrarium_machine_set_name_edit (struct machine_config  *cfg,
                                 gpointer                user_data,
                                 GError                **error)
{
  const char *name = user_data;

  g_free (cfg->name);
  cfg->name = g_strdup (name);
  return TRUE;
}

gboolean
terrarium_machine_rename (TerrariumMachine  *self,
                          const char        *name,
                          GError           **error)
{
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (TERRARIUM_IS_MACHINE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  stripped = g_strstrip (g_strdup (name));
  if (*stripped == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A virtual machine needs a name"));
      return FALSE;
    }
  return terrarium_machine_update (self, terrarium_machine_set_name_edit, stripped, error);
}

static void
terrarium_machine_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TerrariumMachine *self = TERRARIUM_MACHINE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_FOLDER:
      g_value_set_string (value, self->folder);
      break;
    case PROP_NAME:
      g_value_set_string (value, terrarium_machine_get_name (self));
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_BROKEN_REASON:
      g_value_set_string (value, self->broken_reason);
      break;
    case PROP_MEMORY:
      g_value_set_uint64 (value, terrarium_machine_get_memory (self));
      break;
    case PROP_CPUS:
      g_value_set_uint (value, terrarium_machine_get_cpus (self));
      break;
    case PROP_DISK_SIZE:
      g_value_set_uint64 (value, terrarium_machine_get_disk_size (self));
      break;
    case PROP_DESCRIPTION:
      g_value_take_string (value, terrarium_machine_describe (self));
      break;
    case PROP_THUMBNAIL:
      g_value_set_object (value, self->thumbnail);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
terrarium_machine_finalize (GObject *object)
{
  TerrariumMachine *self = TERRARIUM_MACHINE (object);

  g_free (self->id);
  g_free (self->folder);
  g_free (self->config_path);
  g_free (self->broken_reason);
  g_clear_object (&self->thumbnail);
  machine_config_clear (&self->config);

  G_OBJECT_CLASS (terrarium_machine_parent_class)->finalize (object);
}

static void
terrarium_machine_class_init (TerrariumMachineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = terrarium_machine_get_property;
  object_class->finalize = terrarium_machine_finalize;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_FOLDER] = g_param_spec_string ("folder", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, TERRARIUM_TYPE_MACHINE_STATE,
                                              TERRARIUM_MACHINE_STATE_STOPPED, flags);
  properties[PROP_BROKEN_REASON] = g_param_spec_string ("broken-reason", NULL, NULL, NULL, flags);
  properties[PROP_MEMORY] = g_param_spec_uint64 ("memory", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_CPUS] = g_param_spec_uint ("cpus", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_DISK_SIZE] = g_param_spec_uint64 ("disk-size", NULL, NULL, 0, G_MAXUINT64, 0,
                                                    flags);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);
  properties[PROP_THUMBNAIL] = g_param_spec_object ("thumbnail", NULL, NULL, G_TYPE_FILE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
terrarium_machine_init (TerrariumMachine *self)
{
  self->state = TERRARIUM_MACHINE_STATE_STOPPED;
  machine_config_init (&self->config);
}
