/* attention-window-actions.c: the win.* actions of AttentionWindow. The
 * string-parameter actions (open-model-file, export-to) are what the file
 * choosers, drag and drop and the tests all go through; win.view holds the
 * name of the page in view (Single Head; All Heads, win.overview, Ctrl+G;
 * Compare, win.compare, Ctrl+D; Lines, win.lines, Ctrl+K; Heads; Neuron,
 * win.neuron, Ctrl+U); win.run-text runs a given sentence. */

#include "attention-export-dialog.h"
#include "attention-export-registry.h"
#include "attention-models-dialog.h"
#include "attention-window-private.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>

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

/* Choosing the "Hugging Face folders" filter turns the Open chooser into a
 * folder chooser, so that the folder itself is chosen: GTK 4.8's Open action
 * cannot return a folder. A GtkFileChooserDialog, whose action can change
 * while it is shown (a GtkFileChooserNative hands its action over once, as it
 * shows its dialog or asks the portal). */
static void
open_filter_cb (GtkFileChooser *chooser, GParamSpec *pspec, GtkFileFilter *folders)
{
  GtkFileChooserAction action = gtk_file_chooser_get_filter (chooser) == folders
                                    ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                    : GTK_FILE_CHOOSER_ACTION_OPEN;

  if (gtk_file_chooser_get_action (chooser) != action)
    gtk_file_chooser_set_action (chooser, action);
}

static void
open_dialog_response_cb (GtkDialog *dialog, int response, AttentionWindow *self)
{
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (file != NULL)
    attention_window_open_model_file (self, file);
}

static void
open_model_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AttentionWindow *self = user_data;
  GtkWidget *dialog;
  g_autoptr (GtkFileFilter) bundles = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) folders = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) all = gtk_file_filter_new ();

  dialog = gtk_file_chooser_dialog_new (
      _ ("Open Model"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Cancel"),
      GTK_RESPONSE_CANCEL, _ ("_Open"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  gtk_file_filter_set_name (bundles, _ ("Models (.pt bundles, Hugging Face folders)"));
  gtk_file_filter_add_pattern (bundles, "*.pt");
  /* Here a Hugging Face folder opens through its config.json or
   * model.safetensors; the folders filter (and Open Model Folder) picks the
   * folder itself. */
  gtk_file_filter_add_pattern (bundles, "config.json");
  gtk_file_filter_add_pattern (bundles, "model.safetensors");
  gtk_file_filter_add_pattern (bundles, "pytorch_model.bin");
  gtk_file_filter_set_name (folders, _ ("Hugging Face folders"));
  gtk_file_filter_add_mime_type (folders, "inode/directory");
  gtk_file_filter_set_name (all, _ ("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), bundles);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), folders);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all);
  /* The chooser holds the filters it lists. */
  g_signal_connect (dialog, "notify::filter", G_CALLBACK (open_filter_cb), folders);
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  /* The handler goes with the window; the dialog goes with it too. */
  g_signal_connect_object (dialog, "response", G_CALLBACK (open_dialog_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
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
open_demo_model_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  attention_window_open_demo_model (user_data);
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

/* A sentence from elsewhere (the Heads page's strongest sentences): into
 * the entry, run, and shown on the Single Head page. */
static void
run_text_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AttentionWindow *self = user_data;

  gtk_editable_set_text (GTK_EDITABLE (self->entry), g_variant_get_string (parameter, NULL));
  attention_window_run (self);
  g_action_group_change_action_state (G_ACTION_GROUP (self), "view",
                                      g_variant_new_string ("single"));
}

static void
export_dialog_cb (AttentionExportDialog *dialog,
                  const char *target,
                  const char *folder,
                  AttentionWindow *self)
{
  g_action_group_change_action_state (G_ACTION_GROUP (self), "export-format",
                                      g_variant_new_string (target));
  g_autofree char *fallback = attention_window_default_export_folder ();

  /* The default folder is made on the first export into it, not before: a
   * dialog opened and cancelled leaves nothing behind. */
  if (strcmp (folder, fallback) == 0 && !g_file_test (folder, G_FILE_TEST_IS_DIR) &&
      g_mkdir_with_parents (folder, 0755) != 0)
    {
      int err = errno;
      g_autofree char *display = g_filename_display_name (folder);
      g_autofree char *message =
          g_strdup_printf (_ ("Could not make the folder “%s”: %s. Choose another folder in "
                              "Export (Ctrl+E)."),
                           display, g_strerror (err));

      attention_window_error (self, _ ("Export Failed"), message, NULL);
      return;
    }
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
      g_free (folder);
      folder = attention_window_default_export_folder ();
    }
  dialog = attention_export_dialog_new (GTK_WINDOW (self),
                                        attention_window_get_export_format (self), folder);
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

/* One step along the selection's layers or heads; it stops at the ends. */
static void
step (AttentionWindow *self, const char *property, int delta)
{
  guint value = 0;

  g_object_get (self->selection, property, &value, NULL);
  if (delta < 0 && value == 0)
    return;
  g_object_set (self->selection, property, value + delta, NULL);
}

static void
next_layer_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  step (user_data, "layer", +1);
}

static void
previous_layer_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  step (user_data, "layer", -1);
}

static void
next_head_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  step (user_data, "head", +1);
}

static void
previous_head_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  step (user_data, "head", -1);
}

static AttentionView *
single_view (gpointer user_data)
{
  return attention_single_page_get_view (ATTENTION_WINDOW (user_data)->single_page);
}

static void
zoom_in_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  attention_view_zoom_in (single_view (user_data));
}

static void
zoom_out_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  attention_view_zoom_out (single_view (user_data));
}

static void
zoom_reset_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  attention_view_zoom_reset (single_view (user_data));
}

/* ------------------------------------------------------------------ pages */

static void
view_change_state (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  AttentionWindow *self = user_data;
  GtkWidget *page =
      adw_view_stack_get_child_by_name (self->view_stack, g_variant_get_string (state, NULL));

  if (page == NULL)
    return;
  adw_view_stack_set_visible_child (self->view_stack, page);
  /* Each page knows what takes the keyboard. */
  gtk_widget_grab_focus (page);
}

/* Ctrl+G, Ctrl+D, Ctrl+K and Ctrl+U go to their page and back to the single head. */
static void
toggle_page (AttentionWindow *self, const char *page, gboolean show)
{
  g_action_group_change_action_state (G_ACTION_GROUP (self), "view",
                                      g_variant_new_string (show ? page : "single"));
}

static void
overview_change_state (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  toggle_page (user_data, "overview", g_variant_get_boolean (state));
}

static void
compare_change_state (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  toggle_page (user_data, "compare", g_variant_get_boolean (state));
}

static void
lines_change_state (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  toggle_page (user_data, "lines", g_variant_get_boolean (state));
}

static void
neuron_change_state (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  toggle_page (user_data, "neuron", g_variant_get_boolean (state));
}

static void
toggle_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_autoptr (GVariant) state = g_action_get_state (G_ACTION (action));

  g_action_change_state (G_ACTION (action), g_variant_new_boolean (!g_variant_get_boolean (state)));
}

void
attention_window_actions_show_page (AttentionWindow *self, const char *page)
{
  const char *toggles[] = { "overview", "compare", "lines", "neuron" };
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "view");

  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (page));
  for (gsize i = 0; i < G_N_ELEMENTS (toggles); i++)
    {
      action = g_action_map_lookup_action (G_ACTION_MAP (self), toggles[i]);
      g_simple_action_set_state (G_SIMPLE_ACTION (action),
                                 g_variant_new_boolean (g_str_equal (page, toggles[i])));
    }
}

/* ----------------------------------------------------------------- export */

static void
export_format_change_state (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  if (attention_export_kind_find (g_variant_get_string (state, NULL)) != NULL)
    g_simple_action_set_state (action, state);
}

const char *
attention_window_get_export_format (AttentionWindow *self)
{
  g_autoptr (GVariant) state = NULL;
  const AttentionExportKind *kind;

  g_return_val_if_fail (ATTENTION_IS_WINDOW (self), "png");

  state = g_action_group_get_action_state (G_ACTION_GROUP (self), "export-format");
  if (state == NULL)
    return "png";
  /* The table's own string: it outlives the state variant. */
  kind = attention_export_kind_find (g_variant_get_string (state, NULL));
  return kind != NULL ? kind->id : "png";
}

static const GActionEntry win_entries[] = {
  { .name = "open-model", .activate = open_model_activated },
  { .name = "get-models", .activate = get_models_activated },
  { .name = "open-demo-model", .activate = open_demo_model_activated },
  { .name = "open-model-folder", .activate = open_model_folder_activated },
  { .name = "open-model-file", .activate = open_model_file_activated, .parameter_type = "s" },
  { .name = "run", .activate = run_activated },
  { .name = "run-text", .activate = run_text_activated, .parameter_type = "s" },
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
  { .name = "view", .parameter_type = "s", .state = "'single'", .change_state = view_change_state },
  { .name = "overview",
    .activate = toggle_activated,
    .state = "false",
    .change_state = overview_change_state },
  { .name = "compare",
    .activate = toggle_activated,
    .state = "false",
    .change_state = compare_change_state },
  { .name = "lines",
    .activate = toggle_activated,
    .state = "false",
    .change_state = lines_change_state },
  { .name = "neuron",
    .activate = toggle_activated,
    .state = "false",
    .change_state = neuron_change_state },
  { .name = "export-format",
    .parameter_type = "s",
    .state = "'png'",
    .change_state = export_format_change_state },
};

void
attention_window_actions_init (AttentionWindow *self)
{
  g_autoptr (GPropertyAction) sidebar =
      g_property_action_new ("show-sidebar", self->flap, "reveal-flap");

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries),
                                   self);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (sidebar));
  attention_window_ask_init (self);
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
  gboolean has_result = attention_selection_get_result (self->selection) != NULL;
  gboolean exporting = self->export_cancellable != NULL;
  const char *view_actions[] = { "next-layer", "previous-layer", "next-head", "previous-head",
                                 "zoom-in",    "zoom-out",       "zoom-reset" };

  set_enabled (self, "export-all", has_result && !exporting);
  set_enabled (self, "export-to", has_result && !exporting);
  set_enabled (self, "cancel-export", exporting);
  for (gsize i = 0; i < G_N_ELEMENTS (view_actions); i++)
    set_enabled (self, view_actions[i], has_result);
  attention_window_ask_update_actions (self);
}
