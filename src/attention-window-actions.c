/* attention-window-actions.c: the win.* actions of AttentionWindow. The
 * string-parameter actions (open-model-file, export-to) are what the file
 * choosers, drag and drop and the tests all go through. */

#include "attention-window-analysis.h"
#include "attention-window-private.h"

#include <glib/gi18n.h>

static void
open_model_response_cb (GtkNativeDialog *dialog, int response, AttentionWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        attention_window_open_model_file (self, file);
    }
  g_object_unref (dialog);
}

static void
open_model_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AttentionWindow *self = user_data;
  GtkFileChooserNative *dialog;
  g_autoptr (GtkFileFilter) bundles = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) all = gtk_file_filter_new ();

  dialog = gtk_file_chooser_native_new (_ ("Open Model"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Open"), _ ("_Cancel"));
  gtk_file_filter_set_name (bundles, _ ("Model bundles (.pt)"));
  gtk_file_filter_add_pattern (bundles, "*.pt");
  gtk_file_filter_set_name (all, _ ("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), bundles);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (open_model_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_model_file_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  attention_window_load_model (user_data, g_variant_get_string (parameter, NULL), TRUE);
}

static void
run_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  attention_window_run (user_data);
}

static void
export_all_response_cb (GtkNativeDialog *dialog, int response, AttentionWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      attention_window_analysis_take_export_choice (self, GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = folder != NULL ? g_file_get_path (folder) : NULL;

      if (path != NULL)
        attention_window_export_to (self, path);
      else
        attention_window_error (self, _ ("Export Failed"),
                                _ ("Export failed: only local folders can be used"), NULL);
    }
  g_object_unref (dialog);
}

static void
export_all_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AttentionWindow *self = user_data;
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_ ("Export All Diagrams"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _ ("_Export"),
                                        _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  attention_window_analysis_add_export_choice (self, GTK_FILE_CHOOSER (dialog));
  g_signal_connect (dialog, "response", G_CALLBACK (export_all_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
export_to_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  attention_window_export_to (user_data, g_variant_get_string (parameter, NULL));
}

static void
cancel_export_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AttentionWindow *self = user_data;

  if (self->export_cancellable != NULL)
    g_cancellable_cancel (self->export_cancellable);
}

static void
open_folder_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  gtk_show_uri (GTK_WINDOW (user_data), g_variant_get_string (parameter, NULL), GDK_CURRENT_TIME);
}

static void
focus_entry_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AttentionWindow *self = user_data;

  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static void
next_layer_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  attention_window_step_layer (user_data, +1);
}

static void
previous_layer_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  attention_window_step_layer (user_data, -1);
}

static void
next_head_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  attention_window_step_head (user_data, +1);
}

static void
previous_head_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  attention_window_step_head (user_data, -1);
}

static void
zoom_in_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  attention_view_zoom_in (ATTENTION_WINDOW (user_data)->view);
}

static void
zoom_out_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  attention_view_zoom_out (ATTENTION_WINDOW (user_data)->view);
}

static void
zoom_reset_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  attention_view_zoom_reset (ATTENTION_WINDOW (user_data)->view);
}

static const GActionEntry win_entries[] = {
  { .name = "open-model", .activate = open_model_activated },
  { .name = "open-model-file", .activate = open_model_file_activated, .parameter_type = "s" },
  { .name = "run", .activate = run_activated },
  { .name = "export-all", .activate = export_all_activated },
  { .name = "export-to", .activate = export_to_activated, .parameter_type = "s" },
  { .name = "cancel-export", .activate = cancel_export_activated },
  { .name = "open-folder", .activate = open_folder_activated, .parameter_type = "s" },
  { .name = "focus-entry", .activate = focus_entry_activated },
  { .name = "next-layer", .activate = next_layer_activated },
  { .name = "previous-layer", .activate = previous_layer_activated },
  { .name = "next-head", .activate = next_head_activated },
  { .name = "previous-head", .activate = previous_head_activated },
  { .name = "zoom-in", .activate = zoom_in_activated },
  { .name = "zoom-out", .activate = zoom_out_activated },
  { .name = "zoom-reset", .activate = zoom_reset_activated },
};

void
attention_window_actions_init (AttentionWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries),
                                   self);
}

static void
set_enabled (AttentionWindow *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

void
attention_window_update_actions (AttentionWindow *self)
{
  gboolean has_result = self->result != NULL;
  gboolean exporting = self->export_cancellable != NULL;
  const char *view_actions[] = { "next-layer", "previous-layer", "next-head", "previous-head",
                                 "zoom-in",    "zoom-out",       "zoom-reset" };

  set_enabled (self, "export-all", has_result && !exporting);
  set_enabled (self, "export-to", has_result && !exporting);
  set_enabled (self, "cancel-export", exporting);
  for (gsize i = 0; i < G_N_ELEMENTS (view_actions); i++)
    set_enabled (self, view_actions[i], has_result);
}
