/* attention-window-actions.c: the win.* actions of AttentionWindow. The
 * string-parameter actions (open-model-file, export-to) are what the file
 * choosers, drag and drop and the tests all go through. */

#include "attention-export-dialog.h"
#include "attention-models-dialog.h"
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
  gtk_file_filter_set_name (bundles, _ ("Models (.pt bundles, Hugging Face folders)"));
  gtk_file_filter_add_pattern (bundles, "*.pt");
  /* A Hugging Face folder opens through its config.json or model.safetensors
   * (GTK 4.8's Open chooser cannot return a folder); Open Model Folder picks
   * the folder itself. */
  gtk_file_filter_add_pattern (bundles, "config.json");
  gtk_file_filter_add_pattern (bundles, "model.safetensors");
  gtk_file_filter_set_name (all, _ ("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), bundles);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  /* The handler goes with the window; the chooser is freed either way. */
  g_signal_connect_object (dialog, "response", G_CALLBACK (open_model_response_cb), self, 0);
  g_signal_connect_after (dialog, "response", G_CALLBACK (g_object_unref), NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
get_models_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  gtk_window_present (GTK_WINDOW (attention_models_dialog_new (GTK_WINDOW (user_data))));
}

static void
open_model_folder_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AttentionWindow *self = user_data;
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_ ("Open Model Folder"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _ ("_Open"),
                                        _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  /* The handler goes with the window; the chooser is freed either way. */
  g_signal_connect_object (dialog, "response", G_CALLBACK (open_model_response_cb), self, 0);
  g_signal_connect_after (dialog, "response", G_CALLBACK (g_object_unref), NULL);
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
export_dialog_cb (AttentionExportDialog *dialog,
                  const char *target,
                  const char *folder,
                  AttentionWindow *self)
{
  g_action_group_change_action_state (G_ACTION_GROUP (self), "export-format",
                                      g_variant_new_string (target));
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "export-folder", folder);
  attention_window_export_to (self, folder);
}

/* Ctrl+E: what and where in one dialog; the window then shows the progress. */
static void
export_all_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AttentionWindow *self = user_data;
  g_autofree char *folder = NULL;
  AttentionExportDialog *dialog;

  /* One export dialog at a time: Ctrl+E again brings it forward. */
  if (self->export_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->export_dialog));
      return;
    }
  if (self->settings != NULL)
    folder = g_settings_get_string (self->settings, "export-folder");
  if (folder == NULL || *folder == '\0' || !g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      const char *pictures = g_get_user_special_dir (G_USER_DIRECTORY_PICTURES);

      g_free (folder);
      folder = g_strdup (pictures != NULL && g_file_test (pictures, G_FILE_TEST_IS_DIR)
                             ? pictures
                             : g_get_home_dir ());
    }
  dialog = attention_export_dialog_new (GTK_WINDOW (self),
                                        attention_window_analysis_get_export_format (self), folder);
  g_signal_connect_object (dialog, "export", G_CALLBACK (export_dialog_cb), self, 0);
  self->export_dialog = GTK_WIDGET (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&self->export_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
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
  { .name = "get-models", .activate = get_models_activated },
  { .name = "open-model-folder", .activate = open_model_folder_activated },
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
