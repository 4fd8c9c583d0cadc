/* test-models-dialog.c: "Get Models…" in the real window under Xvfb, against
 * tests/fixtures/local_hub.py on 127.0.0.1 serving the test model's Hugging Face
 * folder: the menu action presents the dialog, no network gives the clear
 * message, Cancel keeps the partial file, Download fetches and opens the
 * model in the window, a downloaded model is listed and can be removed.
 *
 * Needs $ATTENTION_TEST_MODEL (the window's start-up model),
 * $ATTENTION_TEST_MODEL_DIR (its hf-safetensors/ folder is the payload) and
 * $ATTENTION_PYTHON; HOME and XDG_DATA_HOME are a fresh temporary folder. */

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "attention-application.h"
#include "attention-hub.h"
#include "attention-model.h"
#include "attention-models-dialog.h"
#include "attention-window-private.h"
#include "test-window-common.h"

#define MODEL_ID "google/bert_uncased_L-2_H-128_A-2"

static AttentionApplication *app;
static AttentionWindow *window;
static AttentionModelsDialog *dialog;
static char *tmp_dir;
static char *hub_root;
static char *hub_url;
static char *payload;
static char *models_dir;

static gboolean
window_idle (void)
{
  return !attention_window_get_busy (window);
}

static gboolean
dialog_idle (void)
{
  return !attention_models_dialog_get_busy (dialog);
}

static gboolean
dialog_receiving_weights (void)
{
  const char *status = attention_models_dialog_get_status (dialog);
  g_autofree char *part =
      g_build_filename (models_dir, ".downloads", "google--bert_uncased_L-2_H-128_A-2",
                        "model.safetensors.part", NULL);
  GStatBuf st;

  return status != NULL && strstr (status, "model.safetensors") != NULL &&
         g_stat (part, &st) == 0 && st.st_size > 0;
}

/* "… · 97.7 kB/s, 2 minutes left": a speed, and the time left. */
static gboolean
dialog_shows_speed (void)
{
  const char *status = attention_models_dialog_get_status (dialog);

  return status != NULL && strstr (status, "B/s, ") != NULL && strstr (status, " left") != NULL;
}

static gboolean
dialog_drawn (void)
{
  return gtk_widget_get_mapped (GTK_WIDGET (dialog)) &&
         gtk_widget_get_width (GTK_WIDGET (dialog)) > 0;
}

/* With $ATTENTION_SCREENSHOT_DIR set, saves the dialog as drawn into
 * DIR/NAME.png (for documentation and for looking at it by eye). */
static void
save_screenshot (const char *name)
{
  const char *dir = g_getenv ("ATTENTION_SCREENSHOT_DIR");
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;

  if (dir == NULL)
    return;
  wait_for (dialog_drawn);
  /* Let the revealer's slide and the first frames finish. */
  attention_test_run_for (500);
  paintable = gtk_widget_paintable_new (GTK_WIDGET (dialog));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (GTK_WIDGET (dialog)),
                          gtk_widget_get_height (GTK_WIDGET (dialog)));
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (dialog)), node, NULL);
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static void
write_faults (const char *json)
{
  g_autofree char *path = g_build_filename (hub_root, MODEL_ID, "hub.json", NULL);

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
}

/* Presents the dialog the way the menu item does. */
static void
open_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.get-models", NULL));
  g_clear_object (&dialog);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (toplevels, i);

      if (ATTENTION_IS_MODELS_DIALOG (item) && gtk_widget_get_visible (GTK_WIDGET (item)))
        dialog = g_object_ref (ATTENTION_MODELS_DIALOG (item));
    }
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
}

static void
close_dialog (void)
{
  gtk_window_close (GTK_WINDOW (dialog));
  g_clear_object (&dialog);
}

static void
test_no_network (void)
{
  g_autofree char *folder = attention_hub_model_dir (models_dir, MODEL_ID);

  g_setenv ("ATTENTION_HUB_URL", "http://127.0.0.1:9", TRUE); /* discard: closed */
  open_dialog ();
  attention_models_dialog_download (dialog, MODEL_ID);
  g_assert_true (attention_models_dialog_get_busy (dialog));
  wait_for (dialog_idle);
  g_assert_true (g_str_has_prefix (attention_models_dialog_get_status (dialog),
                                   "Could not download " MODEL_ID ": Cannot reach 127.0.0.1: "
                                   "check your network connection ("));
  save_screenshot ("models-dialog-no-network");
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  close_dialog ();
  g_setenv ("ATTENTION_HUB_URL", hub_url, TRUE);
}

static void
test_bad_id (void)
{
  open_dialog ();
  attention_models_dialog_download (dialog, "../../etc");
  g_assert_false (attention_models_dialog_get_busy (dialog));
  g_assert_nonnull (
      strstr (attention_models_dialog_get_status (dialog), "is not a Hugging Face model id"));
  close_dialog ();
}

static void
test_cancel (void)
{
  g_autofree char *folder = attention_hub_model_dir (models_dir, MODEL_ID);

  write_faults ("{\"slow\": {\"model.safetensors\": 100000}}");
  open_dialog ();
  attention_models_dialog_download (dialog, MODEL_ID);
  wait_for (dialog_receiving_weights);
  g_assert_true (g_str_has_prefix (attention_models_dialog_get_status (dialog),
                                   "Downloading " MODEL_ID ": model.safetensors, "));
  /* After a second of it: the speed and the time left. */
  wait_for (dialog_shows_speed);
  save_screenshot ("models-dialog-progress");
  attention_models_dialog_cancel (dialog);
  wait_for (dialog_idle);
  g_assert_cmpstr (attention_models_dialog_get_status (dialog), ==,
                   "Download cancelled. Download it again to resume.");
  /* The user's own Cancel is not shown as a failure. */
  g_assert_false (attention_models_dialog_get_status_is_error (dialog));
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  close_dialog ();
  write_faults ("{}");
}

/* Closing the dialog mid-download cancels it and keeps the partial file. */
static void
test_close_cancels (void)
{
  g_autofree char *folder = attention_hub_model_dir (models_dir, MODEL_ID);
  g_autofree char *part =
      g_build_filename (models_dir, ".downloads", "google--bert_uncased_L-2_H-128_A-2",
                        "model.safetensors.part", NULL);
  AttentionModelsDialog *closed;

  write_faults ("{\"slow\": {\"model.safetensors\": 100000}}");
  open_dialog ();
  attention_models_dialog_download (dialog, MODEL_ID);
  wait_for (dialog_receiving_weights);
  closed = g_steal_pointer (&dialog);
  gtk_window_close (GTK_WINDOW (closed));
  dialog = closed;
  wait_for (dialog_idle);
  g_clear_object (&dialog);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (part, G_FILE_TEST_IS_REGULAR));
  write_faults ("{}");
}

/* The cancelled download left a part: its button offers to resume. */
static void
test_resume_label (void)
{
  open_dialog ();
  g_assert_cmpstr (attention_models_dialog_get_button_label (dialog, MODEL_ID), ==, "_Resume");
  g_assert_cmpstr (attention_models_dialog_get_button_label (dialog, "bert-base-uncased"), ==,
                   "_Download");
  close_dialog ();
}

static void
test_download_opens (void)
{
  g_autofree char *folder = attention_hub_model_dir (models_dir, MODEL_ID);
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionModel) probe = NULL;
  AttentionModel *model;

  open_dialog ();
  attention_models_dialog_download (dialog, MODEL_ID);
  wait_for (dialog_idle);
  g_assert_null (attention_models_dialog_get_status (dialog));
  g_assert_true (attention_hub_is_installed (models_dir, MODEL_ID));
  g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));
  /* The dialog closed itself and asked the window to open the folder. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_clear_object (&dialog);
  wait_for (window_idle);

  probe = attention_model_new_from_file (payload, &error);
  if (probe == NULL)
    {
      g_test_skip_printf ("this build cannot open a Hugging Face folder (%s)", error->message);
      return;
    }
  model = attention_selection_get_model (window->selection);
  g_assert_nonnull (model);
  g_assert_cmpstr (attention_model_get_path (model), ==, folder);
  g_assert_cmpuint (attention_model_get_info (model)->n_layers, ==,
                    attention_model_get_info (probe)->n_layers);
}

static void
test_installed_and_remove (void)
{
  g_autofree char *folder = attention_hub_model_dir (models_dir, MODEL_ID);
  g_auto (GStrv) listed = NULL;
  g_auto (GStrv) after = NULL;

  open_dialog ();
  listed = attention_models_dialog_list_installed (dialog);
  g_assert_cmpuint (g_strv_length (listed), ==, 1);
  g_assert_cmpstr (listed[0], ==, MODEL_ID);
  save_screenshot ("models-dialog-installed");
  /* The window shows it (Download opened it): removing it asks so, and
   * takes the window back to the demo model. */
  if (g_strcmp0 (attention_window_get_model_path (window), folder) == 0)
    {
      AdwMessageDialog *question = attention_models_dialog_ask_remove (dialog, MODEL_ID);

      g_assert_nonnull (strstr (adw_message_dialog_get_body (question), "the model in use"));
      adw_message_dialog_response (question, "remove");
      wait_for (window_idle);
      g_assert_cmpstr (attention_window_get_model_path (window), ==, g_getenv ("ATTENTION_MODEL"));
    }
  else
    /* This build could not open the folder (download-opens skipped). */
    g_assert_true (attention_models_dialog_remove (dialog, MODEL_ID));
  after = attention_models_dialog_list_installed (dialog);
  g_assert_cmpuint (g_strv_length (after), ==, 0);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  /* One folder per id: no owner folder was made, none is left. */
  {
    g_autofree char *owner = g_build_filename (models_dir, "google", NULL);

    g_assert_false (g_file_test (owner, G_FILE_TEST_EXISTS));
  }
  close_dialog ();
}

static void
copy_payload (const char *dest_dir)
{
  const char *names[] = { "config.json", "vocab.txt", "tokenizer_config.json",
                          "model.safetensors" };

  g_assert_cmpint (g_mkdir_with_parents (dest_dir, 0755), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *from = g_build_filename (payload, names[i], NULL);
      g_autofree char *to = g_build_filename (dest_dir, names[i], NULL);
      g_autofree char *contents = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
      g_assert_true (g_file_set_contents (to, contents, len, NULL));
    }
}

static GSubprocess *
start_hub (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *script =
      g_test_build_filename (G_TEST_DIST, "..", "fixtures", "local_hub.py", NULL);
  g_autoptr (GDataInputStream) out = NULL;
  GSubprocess *hub;

  hub = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                          g_getenv ("ATTENTION_PYTHON"), script, hub_root, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (hub));
  hub_url = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hub_url, "http://127.0.0.1:"));
  return hub;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) hub = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *model_dir = NULL;
  int status;

  if (g_getenv ("ATTENTION_TEST_MODEL") == NULL || g_getenv ("ATTENTION_TEST_MODEL_DIR") == NULL ||
      g_getenv ("ATTENTION_PYTHON") == NULL)
    {
      g_printerr (
          "ATTENTION_TEST_MODEL, ATTENTION_TEST_MODEL_DIR or ATTENTION_PYTHON is not set\n");
      return 1;
    }
  tmp_dir = g_dir_make_tmp ("attention-models-dialog-XXXXXX", &error);
  g_assert_no_error (error);
  data_dir = g_build_filename (tmp_dir, "data", NULL);
  /* Before anything asks GLib for the user folders (it caches them). */
  g_setenv ("HOME", tmp_dir, TRUE);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);
  g_setenv ("ATTENTION_MODEL", g_getenv ("ATTENTION_TEST_MODEL"), TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("ATTENTION_HUB_TIMEOUT", "20", TRUE);
  g_setenv ("no_proxy", "127.0.0.1", TRUE);
  g_unsetenv ("http_proxy");
  g_unsetenv ("https_proxy");
  g_unsetenv ("all_proxy");
  models_dir = attention_hub_get_models_dir ();
  payload = g_build_filename (g_getenv ("ATTENTION_TEST_MODEL_DIR"), "hf-safetensors", NULL);
  hub_root = g_build_filename (tmp_dir, "hub", NULL);
  model_dir = g_build_filename (hub_root, MODEL_ID, NULL);

  g_test_init (&argc, &argv, NULL);

  copy_payload (model_dir);
  hub = start_hub ();
  g_setenv ("ATTENTION_HUB_URL", hub_url, TRUE);

  app = attention_test_application_new ();
  window = attention_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (window));
  wait_for (window_idle);

  /* Order matters: each test starts from the state the previous one left. */
  g_test_add_func ("/models-dialog/no-network", test_no_network);
  g_test_add_func ("/models-dialog/bad-id", test_bad_id);
  g_test_add_func ("/models-dialog/cancel", test_cancel);
  g_test_add_func ("/models-dialog/close-cancels", test_close_cancels);
  g_test_add_func ("/models-dialog/resume-label", test_resume_label);
  g_test_add_func ("/models-dialog/download-opens", test_download_opens);
  g_test_add_func ("/models-dialog/installed-and-remove", test_installed_and_remove);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  /* Closing its standard input stops the hub. */
  g_output_stream_close (g_subprocess_get_stdin_pipe (hub), NULL, NULL);
  g_subprocess_wait (hub, NULL, NULL);
  {
    const char *argv_rm[] = { "rm", "-rf", tmp_dir, NULL };

    g_spawn_sync (NULL, (char **)argv_rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                  NULL);
  }
  g_free (tmp_dir);
  g_free (hub_root);
  g_free (hub_url);
  g_free (payload);
  g_free (models_dir);
  return status;
}
