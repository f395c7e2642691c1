/* terrarium-machine-tile.c
 *
 * One machine in the library grid: thumbnail, name, resources or why it is
 * broken, and its menu. The menu's items are the tile's own actions, which
 * forward to the window's actions with the machine's id, so one GMenu serves
 * every tile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "terrarium-machine-tile"

#include "config.h"

#include <glib/gi18n.h>

#include "terrarium-machine-tile.h"

struct _TerrariumMachineTile
{
  GtkWidget         parent_instance;

  TerrariumMachine *machine;
  gulong            notify_id;

  /* Template widgets */
  GtkWidget        *box;
  GtkPicture       *thumbnail;
  GtkImage         *placeholder;
  GtkLabel         *name_label;
  GtkLabel         *details_label;
  GtkMenuButton    *menu_button;
  GtkPopoverMenu   *context_menu;
};

G_DEFINE_FINAL_TYPE (TerrariumMachineTile, terrarium_machine_tile, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MACHINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
terrarium_machine_tile_new (void)
{
  return g_object_new (TERRARIUM_TYPE_MACHINE_TILE, NULL);
}

TerrariumMachine *
terrarium_machine_tile_get_machine (TerrariumMachineTile *self)
{
  g_return_val_if_fail (TERRARIUM_IS_MACHINE_TILE (self), NULL);
  return self->machine;
}

static void
terrarium_machine_tile_update_thumbnail (TerrariumMachineTile *self)
{
  g_autoptr(GdkTexture) texture = NULL;
  GFile *thumbnail = self->machine ? terrarium_machine_get_thumbnail (self->machine) : NULL;

  /* A fresh texture each time: the running machine rewrites the same file,
   * and GtkPicture would not read a GFile it already shows again. */
  texture = thumbnail ? gdk_texture_new_from_file (thumbnail, NULL) : NULL;
  gtk_picture_set_paintable (self->thumbnail, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (self->thumbnail), texture != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), texture == NULL);
}

static void
terrarium_machine_tile_update (TerrariumMachineTile *self)
{
  g_autofree char *details = NULL;
  g_autofree char *menu_label = NULL;
  TerrariumMachineState state;
  gboolean broken;
  gboolean stopped;
  gboolean live;

  if (!self->machine)
    return;

  state = terrarium_machine_get_state (self->machine);
  broken = state == TERRARIUM_MACHINE_STATE_BROKEN;
  gtk_label_set_label (self->name_label, terrarium_machine_get_name (self->machine));
  details = terrarium_machine_describe (self->machine);
  if (state == TERRARIUM_MACHINE_STATE_RUNNING)
    {
      /* Translators: a running machine's resources, like "2 GiB · 2 CPUs" */
      g_autofree char *running = g_strdup_printf (_("Running · %s"), details);

      g_free (details);
      details = g_steal_pointer (&running);
    }
  else if (state == TERRARIUM_MACHINE_STATE_PAUSED)
    {
      /* Translators: a paused machine's resources, like "2 GiB · 2 CPUs" */
      g_autofree char *paused = g_strdup_printf (_("Paused · %s"), details);

      g_free (details);
      details = g_steal_pointer (&paused);
    }
  gtk_label_set_label (self->details_label, details);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->details_label),
                               broken ? terrarium_machine_get_broken_reason (self->machine)
                                      : NULL);
  if (broken)
    gtk_widget_add_css_class (GTK_WIDGET (self->details_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->details_label), "error");

  stopped = state == TERRARIUM_MACHINE_STATE_STOPPED;
  live = state == TERRARIUM_MACHINE_STATE_RUNNING || state == TERRARIUM_MACHINE_STATE_PAUSED;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tile.run", stopped);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tile.show", live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tile.pause",
                                 state == TERRARIUM_MACHINE_STATE_RUNNING);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tile.resume",
                                 state == TERRARIUM_MACHINE_STATE_PAUSED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tile.shutdown", live);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tile.force-off", live);
  /* The VMM reads machine.ini and holds the disks while it runs. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tile.settings", stopped);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tile.delete", !live);
  /* Translators: the label of a machine's menu button for screen readers */
  menu_label = g_strdup_printf (_("Options for %s"), terrarium_machine_get_name (self->machine));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, menu_label, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->menu_button), menu_label);
}

static void
terrarium_machine_tile_machine_notify (TerrariumMachineTile *self,
                                       GParamSpec           *pspec)
{
  /* Only the thumbnail's own change reads the file again. */
  if (g_str_equal (pspec->name, "thumbnail"))
    terrarium_machine_tile_update_thumbnail (self);
  else
    terrarium_machine_tile_update (self);
}

void
terrarium_machine_tile_set_machine (TerrariumMachineTile *self,
                                    TerrariumMachine     *machine)
{
  g_return_if_fail (TERRARIUM_IS_MACHINE_TILE (self));
  g_return_if_fail (machine == NULL || TERRARIUM_IS_MACHINE (machine));

  if (self->machine == machine)
    return;
  if (self->machine)
    g_clear_signal_handler (&self->notify_id, self->machine);
  g_set_object (&self->machine, machine);
  if (machine)
    self->notify_id = g_signal_connect_object (machine, "notify",
                                               G_CALLBACK (terrarium_machine_tile_machine_notify),
                                               self, G_CONNECT_SWAPPED);
  terrarium_machine_tile_update (self);
  terrarium_machine_tile_update_thumbnail (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MACHINE]);
}

static void
terrarium_machine_tile_forward (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  TerrariumMachineTile *self = TERRARIUM_MACHINE_TILE (widget);
  const char *window_action;

  if (!self->machine)
    return;
  if (g_str_equal (action_name, "tile.settings"))
    window_action = "win.machine-settings";
  else if (g_str_equal (action_name, "tile.delete"))
    window_action = "win.delete-machine";
  else if (g_str_equal (action_name, "tile.run"))
    window_action = "win.run-machine";
  else if (g_str_equal (action_name, "tile.show"))
    window_action = "win.show-machine";
  else if (g_str_equal (action_name, "tile.pause"))
    window_action = "win.pause-machine";
  else if (g_str_equal (action_name, "tile.resume"))
    window_action = "win.resume-machine";
  else if (g_str_equal (action_name, "tile.shutdown"))
    window_action = "win.shutdown-machine";
  else if (g_str_equal (action_name, "tile.force-off"))
    window_action = "win.force-off-machine";
  else
    g_return_if_reached ();
  gtk_widget_activate_action (widget, window_action, "s", terrarium_machine_get_id (self->machine));
}

static void
terrarium_machine_tile_secondary_click (GtkGestureClick      *gesture,
                                        int                   n_press,
                                        double                x,
                                        double                y,
                                        TerrariumMachineTile *self)
{
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static void
terrarium_machine_tile_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  TerrariumMachineTile *self = TERRARIUM_MACHINE_TILE (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      g_value_set_object (value, self->machine);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
terrarium_machine_tile_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  TerrariumMachineTile *self = TERRARIUM_MACHINE_TILE (object);

  switch (prop_id)
    {
    case PROP_MACHINE:
      terrarium_machine_tile_set_machine (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Hand-written rather than GtkBinLayout: the context menu is a popover
 * child, which is presented, not allocated like the box. */
static void
terrarium_machine_tile_measure (GtkWidget      *widget,
                                GtkOrientation  orientation,
                                int             for_size,
                                int            *minimum,
                                int            *natural,
                                int            *minimum_baseline,
                                int            *natural_baseline)
{
  TerrariumMachineTile *self = TERRARIUM_MACHINE_TILE (widget);

  gtk_widget_measure (self->box, orientation, for_size, minimum, natural, minimum_baseline,
                      natural_baseline);
}

static void
terrarium_machine_tile_size_allocate (GtkWidget *widget,
                                      int        width,
                                      int        height,
                                      int        baseline)
{
  TerrariumMachineTile *self = TERRARIUM_MACHINE_TILE (widget);

  gtk_widget_allocate (self->box, width, height, baseline, NULL);
  gtk_popover_present (GTK_POPOVER (self->context_menu));
}

static void
terrarium_machine_tile_dispose (GObject *object)
{
  TerrariumMachineTile *self = TERRARIUM_MACHINE_TILE (object);

  terrarium_machine_tile_set_machine (self, NULL);
  g_clear_pointer ((GtkWidget **) &self->context_menu, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), TERRARIUM_TYPE_MACHINE_TILE);

  G_OBJECT_CLASS (terrarium_machine_tile_parent_class)->dispose (object);
}

static void
terrarium_machine_tile_class_init (TerrariumMachineTileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = terrarium_machine_tile_get_property;
  object_class->set_property = terrarium_machine_tile_set_property;
  object_class->dispose = terrarium_machine_tile_dispose;

  properties[PROP_MACHINE] =
    g_param_spec_object ("machine", NULL, NULL, TERRARIUM_TYPE_MACHINE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/terrarium/Terrarium/terrarium-machine-tile.ui");
  gtk_widget_class_bind_template_child (widget_class, TerrariumMachineTile, box);
  gtk_widget_class_bind_template_child (widget_class, TerrariumMachineTile, thumbnail);
  gtk_widget_class_bind_template_child (widget_class, TerrariumMachineTile, placeholder);
  gtk_widget_class_bind_template_child (widget_class, TerrariumMachineTile, name_label);
  gtk_widget_class_bind_template_child (widget_class, TerrariumMachineTile, details_label);
  gtk_widget_class_bind_template_child (widget_class, TerrariumMachineTile, menu_button);
  gtk_widget_class_bind_template_callback (widget_class, terrarium_machine_tile_secondary_click);

  gtk_widget_class_install_action (widget_class, "tile.settings", NULL,
                                   terrarium_machine_tile_forward);
  gtk_widget_class_install_action (widget_class, "tile.delete", NULL,
                                   terrarium_machine_tile_forward);
  gtk_widget_class_install_action (widget_class, "tile.run", NULL,
                                   terrarium_machine_tile_forward);
  gtk_widget_class_install_action (widget_class, "tile.show", NULL,
                                   terrarium_machine_tile_forward);
  gtk_widget_class_install_action (widget_class, "tile.pause", NULL,
                                   terrarium_machine_tile_forward);
  gtk_widget_class_install_action (widget_class, "tile.resume", NULL,
                                   terrarium_machine_tile_forward);
  gtk_widget_class_install_action (widget_class, "tile.shutdown", NULL,
                                   terrarium_machine_tile_forward);
  gtk_widget_class_install_action (widget_class, "tile.force-off", NULL,
                                   terrarium_machine_tile_forward);

  widget_class->measure = terrarium_machine_tile_measure;
  widget_class->size_allocate = terrarium_machine_tile_size_allocate;
  gtk_widget_class_set_css_name (widget_class, "terrarium-machine-tile");
}

static void
terrarium_machine_tile_init (TerrariumMachineTile *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->context_menu =
    GTK_POPOVER_MENU (gtk_popover_menu_new_from_model (gtk_menu_button_get_menu_model (self->menu_button)));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
  gtk_widget_set_halign (GTK_WIDGET (self->context_menu), GTK_ALIGN_START);
  gtk_widget_set_parent (GTK_WIDGET (self->context_menu), GTK_WIDGET (self));
}
