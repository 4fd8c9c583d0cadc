/* test-window-robust.c: the window against hostile bundles.
 *
 * Quitting the app (Ctrl+Q's app.quit) or closing its window while a model
 * loads, while a sentence runs, while an export writes, and (Ctrl+Q in the
 * Get Models dialog) while a download runs, its partial file kept, ends the process
 * cleanly: exit status 0, no crash, within the bounded wait (2 s) plus
 * teardown, and no half-written file left behind. A bundle that raises or
 * produces NaN shows a dialog with the reason (and the traceback behind
 * Details) and keeps the previous result; an export into a folder holding an
 * earlier, bigger set asks whether to replace it.
 *
 *   test-window-robust PYTHON MAKE_BAD_MODELS_PY
 *
 * The slow bundles (a forward pass that spins for about a minute, on every
 * input or on real sentences only) are written at test time by
 * tests/fixtures/make_bad_models.py from $ATTENTION_TEST_MODEL. Each case runs the
 * real AttentionApplication in a subprocess; run under xvfb-run and
 * dbus-run-session. */

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <stdio.h>
#include <string.h>

#include "attention-application.h"
#include "attention-hub.h"
#include "attention-models-dialog.h"
#include "attention-window-private.h"
#include "test-window-common.h"

typedef enum
{
  QUIT_DURING_LOAD,
  QUIT_DURING_RUN,
  CLOSE_DURING_RUN,
  QUIT_DURING_EXPORT,
  QUIT_DURING_DOWNLOAD,
} Scenario;

typedef struct
{
  const char *name;
  Scenario scenario;
  const char *model; /* in the fixture folder; NULL: the test model */
} QuitCase;

static const QuitCase cases[] = {
  { "/quit/during-load", QUIT_DURING_LOAD, "slow-load.pt" },
  { "/quit/during-run", QUIT_DURING_RUN, "slow-run.pt" },
  { "/quit/close-window-during-run", CLOSE_DURING_RUN, "slow-run.pt" },
  { "/quit/during-export", QUIT_DURING_EXPORT, NULL },
  { "/quit/during-download", QUIT_DURING_DOWNLOAD, NULL },
};

/* The model the Get Models dialog downloads from the local hub. */
#define DOWNLOAD_ID "google/bert_uncased_L-2_H-128_A-2"

/* The app's models folder in the download case: $XDG_DATA_HOME is set for
 * the child only, and GLib caches the parent's. */
static char *
download_models_dir (void)
{
  return g_build_filename (g_getenv ("ATTENTION_QUIT_FIXTURES"), "data", "attention", "models",
                           NULL);
}

static char *
download_part (void)
{
  g_autofree char *models = download_models_dir ();

  return g_build_filename (models, ".downloads", "google--bert_uncased_L-2_H-128_A-2",
                           "model.safetensors.part", NULL);
}

static AttentionModelsDialog *
find_models_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* owned by GTK */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) w = g_list_model_get_item (toplevels, i);

      if (ATTENTION_IS_MODELS_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return ATTENTION_MODELS_DIALOG (w);
    }
  return NULL;
}

/* --- the subprocess: the app, driven by a timer ---------------------------- */

typedef struct
{
  const QuitCase *c;
  AttentionApplication *app;
  gint64 started; /* when the awaited state was reached */
  int step;
} Driver;

static void
write_quit_time (void)
{
  const char *path = g_getenv ("ATTENTION_QUIT_STAMP");
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_monotonic_time ());

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static void
quit_now (Driver *d, AttentionWindow *window)
{
  write_quit_time ();
  if (d->c->scenario == CLOSE_DURING_RUN)
    gtk_window_close (GTK_WINDOW (window));
  else
    g_action_group_activate_action (G_ACTION_GROUP (d->app), "quit", NULL);
}

static char *
long_sentence (guint words)
{
  GString *s = g_string_new ("[MASK]");

  for (guint i = 0; i < words; i++)
    g_string_append (s, " the");
  return g_string_free (s, FALSE);
}

static gboolean
drive (gpointer data)
{
  Driver *d = data;
  AttentionWindow *window = NULL;

  /* The main window, whichever is active (the Get Models dialog may be). */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (d->app)); l != NULL; l = l->next)
    if (window == NULL && ATTENTION_IS_WINDOW (l->data))
      window = ATTENTION_WINDOW (l->data);
  gint64 now = g_get_monotonic_time ();

  if (window == NULL)
    return G_SOURCE_CONTINUE;

  switch (d->c->scenario)
    {
      case QUIT_DURING_LOAD:
        /* The slow bundle is loading (the app's preload). */
        if (d->step == 0 && attention_window_get_busy (window))
          {
            d->step = 1;
            d->started = now;
          }
        if (d->step == 1 && now - d->started > G_USEC_PER_SEC / 2)
          {
            g_assert_null (attention_selection_get_model (window->selection));
            quit_now (d, window);
            return G_SOURCE_REMOVE;
          }
        break;

      case QUIT_DURING_RUN:
      case CLOSE_DURING_RUN:
      case QUIT_DURING_EXPORT:
        /* The loaded model runs the example sentence at once (the first
         * launch's run): on the slow bundle that already is a run to quit
         * during, and waiting for its minute to end would only risk the
         * subprocess's time limit on a busy machine. */
        if (d->step == 0 && d->c->scenario != QUIT_DURING_EXPORT &&
            attention_selection_get_model (window->selection) != NULL &&
            attention_window_get_busy (window))
          {
            d->step = 1;
            d->started = now;
          }
        else if (d->step == 0 && attention_selection_get_model (window->selection) != NULL &&
                 !attention_window_get_busy (window))
          {
            g_autofree char *text = d->c->scenario == QUIT_DURING_EXPORT
                                        ? long_sentence (300)
                                        : g_strdup ("the cat sat on the [MASK] .");

            gtk_editable_set_text (GTK_EDITABLE (window->entry), text);
            g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
            d->step = 1;
            d->started = now;
          }
        else if (d->step == 1 && d->c->scenario != QUIT_DURING_EXPORT &&
                 now - d->started > G_USEC_PER_SEC / 2)
          {
            /* Still inside the bundle's minute-long forward pass. */
            g_assert_true (attention_window_get_busy (window));
            quit_now (d, window);
            return G_SOURCE_REMOVE;
          }
        else if (d->step == 1 && d->c->scenario == QUIT_DURING_EXPORT &&
                 attention_selection_get_result (window->selection) != NULL)
          {
            const char *dir = g_getenv ("ATTENTION_QUIT_DIR");

            g_assert_true (
                gtk_widget_activate_action (GTK_WIDGET (window), "win.export-to", "s", dir));
            /* Quit in the same tick the export started: on a fast, idle
             * machine its 12 diagrams can all be written before the next
             * tick, and then there would be no export left to quit during. */
            g_assert_true (attention_window_get_busy (window));
            quit_now (d, window);
            return G_SOURCE_REMOVE;
          }
        break;

      case QUIT_DURING_DOWNLOAD:
        if (d->step == 0 && attention_selection_get_model (window->selection) != NULL &&
            !attention_window_get_busy (window))
          {
            AttentionModelsDialog *dialog;

            g_assert_true (
                gtk_widget_activate_action (GTK_WIDGET (window), "win.get-models", NULL));
            dialog = find_models_dialog ();
            g_assert_nonnull (dialog);
            attention_models_dialog_download (dialog, DOWNLOAD_ID);
            d->step = 1;
          }
        else if (d->step == 1)
          {
            g_autofree char *part = download_part ();
            AttentionModelsDialog *dialog = find_models_dialog ();
            GStatBuf st;

            if (g_stat (part, &st) == 0 && st.st_size > 0)
              {
                g_assert_nonnull (dialog);
                write_quit_time ();
                /* What Ctrl+Q does with the focus in the dialog: the
                 * application's accelerators reach only its own windows. */
                g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "app.quit", NULL));
                return G_SOURCE_REMOVE;
              }
          }
        break;
    }
  return G_SOURCE_CONTINUE;
}

static void
run_app (const QuitCase *c)
{
  Driver d = { c, NULL, 0, 0 };
  int status;

  d.app = attention_application_new ();
  g_application_set_flags (G_APPLICATION (d.app), G_APPLICATION_NON_UNIQUE);
  g_timeout_add (20, drive, &d);
  status = g_application_run (G_APPLICATION (d.app), 0, NULL);
  g_object_unref (d.app);
  /* Reached only when every worker ended within the wait. */
  g_assert_cmpint (status, ==, 0);
}

/* --- the parent ---------------------------------------------------------- */

static char *fixtures;

/* tests/fixtures/local_hub.py serving the test model's folder as DOWNLOAD_ID
 * at 4 kB/s (minutes for its weights); its URL goes into
 * $ATTENTION_HUB_URL for the app. */
static GSubprocess *
start_slow_hub (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *script =
      g_test_build_filename (G_TEST_DIST, "..", "fixtures", "local_hub.py", NULL);
  g_autofree char *root = g_build_filename (fixtures, "hub", NULL);
  g_autofree char *model_dir = g_build_filename (root, DOWNLOAD_ID, NULL);
  g_autofree char *faults = g_build_filename (model_dir, "hub.json", NULL);
  g_autofree char *url = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  const char *names[] = { "config.json", "vocab.txt", "tokenizer_config.json",
                          "model.safetensors" };
  GSubprocess *hub;

  g_assert_cmpint (g_mkdir_with_parents (model_dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *from = g_build_filename (g_getenv ("ATTENTION_TEST_MODEL_DIR"),
                                                "hf-safetensors", names[i], NULL);
      g_autofree char *to = g_build_filename (model_dir, names[i], NULL);
      g_autofree char *contents = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
      g_assert_true (g_file_set_contents (to, contents, len, NULL));
    }
  g_assert_true (
      g_file_set_contents (faults, "{\"slow\": {\"model.safetensors\": 4000}}", -1, NULL));
  hub = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                          g_getenv ("ATTENTION_PYTHON"), script, root, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (hub));
  url = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_setenv ("ATTENTION_HUB_URL", url, TRUE);
  /* The app's downloads in the fixture folder, never in the user's. */
  {
    g_autofree char *data = g_build_filename (fixtures, "data", NULL);

    g_setenv ("XDG_DATA_HOME", data, TRUE);
  }
  g_setenv ("ATTENTION_HUB_TIMEOUT", "20", TRUE);
  g_setenv ("no_proxy", "127.0.0.1", TRUE);
  g_unsetenv ("http_proxy");
  return hub;
}

static void
test_quit (gconstpointer data)
{
  const QuitCase *c = data;
  g_autofree char *model = NULL;
  g_autofree char *stamp = g_build_filename (fixtures, "quit-stamp", NULL);
  g_autofree char *dir = g_build_filename (fixtures, "export", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GDir) listing = NULL;
  const char *name;
  gint64 quit_at, end;
  double seconds;
  g_autoptr (GSubprocess) hub = NULL;

  if (g_test_subprocess ())
    {
      run_app (c);
      return;
    }

  if (c->scenario == QUIT_DURING_DOWNLOAD)
    hub = start_slow_hub ();
  model = c->model != NULL ? g_build_filename (fixtures, c->model, NULL)
                           : g_strdup (g_getenv ("ATTENTION_TEST_MODEL"));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_unlink (stamp);
  g_setenv ("ATTENTION_MODEL", model, TRUE);
  g_setenv ("ATTENTION_QUIT_STAMP", stamp, TRUE);
  g_setenv ("ATTENTION_QUIT_DIR", dir, TRUE);

  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  end = g_get_monotonic_time ();
  g_test_trap_assert_passed ();

  g_assert_true (g_file_get_contents (stamp, &text, NULL, NULL));
  quit_at = g_ascii_strtoll (text, NULL, 10);
  seconds = (end - quit_at) / (double)G_USEC_PER_SEC;
  /* The app waits at most 2 s for a worker it cannot stop; the rest is
   * process teardown on a loaded machine. */
  g_test_message ("%s: gone %.2f s after the quit", c->name, seconds);
  printf ("# %s: gone %.2f s after the quit\n", c->name, seconds);
  g_assert_cmpfloat (seconds, <, 4.0);

  if (hub != NULL)
    {
      g_autofree char *part = download_part ();
      g_autofree char *installed = NULL;
      g_autofree char *models = download_models_dir ();
      GStatBuf st;

      /* Cancelled, not installed, the partial file kept for a resume. */
      g_assert_cmpint (g_stat (part, &st), ==, 0);
      g_assert_cmpint (st.st_size, >, 0);
      g_assert_false (attention_hub_is_installed (models, DOWNLOAD_ID));
      g_output_stream_close (g_subprocess_get_stdin_pipe (hub), NULL, NULL);
      g_subprocess_wait (hub, NULL, NULL);
      g_unsetenv ("ATTENTION_HUB_URL");
      g_unsetenv ("XDG_DATA_HOME");
    }

  /* No hidden temporary file of a diagram left behind. */
  listing = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (name[0] == '.')
        g_error ("%s: left behind", name);
      g_unlink (path);
    }
}

/* --- in this process: failures and questions in the window ---------------- */

static AttentionApplication *app;
static AttentionWindow *window;

static gboolean
idle (void)
{
  return !attention_window_get_busy (window);
}

/* The message dialog with this heading, if one is open. */
static AdwMessageDialog *
find_dialog (const char *heading)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* owned by GTK */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)) &&
          g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (w)), heading) == 0)
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

static const char *wanted_heading;

static gboolean
dialog_open (void)
{
  return find_dialog (wanted_heading) != NULL;
}

static AdwMessageDialog *
wait_dialog (const char *heading)
{
  wanted_heading = heading;
  wait_for (dialog_open);
  return find_dialog (heading);
}

/* Opening a model runs the sentence in the entry on it (the window's "run
 * the waiting sentence"): "[MASK]" there, which the hostile bundles answer,
 * so that no error dialog of that run is open when the test waits for its
 * own run's dialog, and the run gives the result the test starts from. */
static void
open_model (const char *path)
{
  gtk_editable_set_text (GTK_EDITABLE (window->entry), "[MASK]");
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (window), "win.open-model-file", "s", path));
  /* From the test's folder: asked about first. */
  attention_test_answer_trust (window, "open");
  wait_for (idle);
  g_assert_cmpstr (attention_model_get_path (attention_selection_get_model (window->selection)), ==,
                   path);
}

static void
run_sentence (const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (window->entry), text);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  wait_for (idle);
}

/* The text of the label inside the dialog's Details expander. */
static const char *
details_of (AdwMessageDialog *dialog)
{
  GtkWidget *extra = adw_message_dialog_get_extra_child (dialog);

  if (extra == NULL)
    return NULL;
  g_assert_true (GTK_IS_EXPANDER (extra));
  for (GtkWidget *w = gtk_expander_get_child (GTK_EXPANDER (extra)); w != NULL;
       w = gtk_widget_get_first_child (w))
    if (GTK_IS_LABEL (w))
      return gtk_label_get_label (GTK_LABEL (w));
  return NULL;
}

static void
test_run_failures (void)
{
  g_autofree char *nan_model = g_build_filename (fixtures, "nan-attentions.pt", NULL);
  g_autofree char *raising = g_build_filename (fixtures, "raises.pt", NULL);
  AttentionResult *before;
  AdwMessageDialog *dialog;
  const char *details;

  /* NaN: an error, and the previous result stays on screen. The bundles
   * misbehave only past 3 tokens: "[MASK]" alone gives a result first. */
  wait_for (idle);
  open_model (nan_model);
  run_sentence ("[MASK]");
  before = attention_selection_get_result (window->selection);
  g_assert_nonnull (before);
  run_sentence ("the dog sat on the [MASK] .");
  dialog = wait_dialog ("Could Not Run the Sentence");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "NaN/inf"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "previous result"));
  g_assert_true (attention_selection_get_result (window->selection) == before);
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The bundle's own exception, and its traceback behind Details. */
  open_model (raising);
  run_sentence ("[MASK]");
  before = attention_selection_get_result (window->selection);
  g_assert_nonnull (before);
  run_sentence ("the bird sat on the [MASK] .");
  dialog = wait_dialog ("Could Not Run the Sentence");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog),
                            "RuntimeError: this bundle refuses sentences longer than 3 tokens"));
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), "The following operation"));
  details = details_of (dialog);
  g_assert_nonnull (details);
  g_assert_nonnull (strstr (details, "Traceback of TorchScript"));
  g_assert_true (attention_selection_get_result (window->selection) == before);
  gtk_window_destroy (GTK_WINDOW (dialog));

  open_model (g_getenv ("ATTENTION_TEST_MODEL"));
  run_sentence ("the cat sat on the [MASK] .");
}

static gboolean
exported (void)
{
  return idle () && attention_window_get_last_message (window) != NULL &&
         strstr (attention_window_get_last_message (window), "Exported") != NULL;
}

static void
export_with_stale (const char *answer)
{
  g_autofree char *dir = g_build_filename (fixtures, "stale", answer, NULL);
  g_autofree char *stale = g_build_filename (dir, "Attention_Layer9_Head9.png", NULL);
  g_autofree char *first = g_build_filename (dir, "Attention_Layer1_Head1.png", NULL);
  AdwMessageDialog *dialog;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (stale, "old", -1, NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-to", "s", dir));
  dialog = wait_dialog ("Replace the Diagrams in the Folder?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Attention_Layer9_Head9.png"));
  /* Nothing is written before the answer. */
  g_assert_false (g_file_test (first, G_FILE_TEST_EXISTS));
  g_free (window->last_message);
  window->last_message = NULL;
  adw_message_dialog_response (dialog, answer);
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_for (exported);
  g_assert_true (g_file_test (first, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (stale, G_FILE_TEST_EXISTS) == (strcmp (answer, "keep") == 0));
}

static void
test_stale_question (void)
{
  wait_for (idle);
  if (attention_selection_get_result (window->selection) == NULL)
    run_sentence ("the cat sat on the [MASK] .");
  export_with_stale ("replace");
  export_with_stale ("keep");
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        remove_tree (child);
      }
  g_remove (path);
}

int
main (int argc, char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);

  if (g_test_subprocess ())
    fixtures = g_strdup (g_getenv ("ATTENTION_QUIT_FIXTURES"));
  else
    {
      g_autoptr (GError) error = NULL;
      const char *good = g_getenv ("ATTENTION_TEST_MODEL");

      g_assert_cmpint (argc, >=, 3);
      g_assert_nonnull (good);
      fixtures = g_dir_make_tmp ("attention-quit-XXXXXX", &error);
      g_assert_no_error (error);
      {
        const char *args[] = { argv[1], argv[2], fixtures, good, "--hostile-only", NULL };

        g_assert_true (g_spawn_sync (NULL, (char **)args, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                                     NULL, &status, &error));
      }
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_setenv ("ATTENTION_QUIT_FIXTURES", fixtures, TRUE);
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_test_add_data_func (cases[i].name, &cases[i], test_quit);

  if (!g_test_subprocess ())
    {
      g_autoptr (GError) error = NULL;

      /* The window of the in-process cases, on the test model. */
      g_setenv ("ATTENTION_MODEL", g_getenv ("ATTENTION_TEST_MODEL"), TRUE);
      app = attention_test_application_new ();
      window = attention_window_new (GTK_APPLICATION (app));
      gtk_window_present (GTK_WINDOW (window));
      g_test_add_func ("/window-robust/run-failures", test_run_failures);
      g_test_add_func ("/window-robust/stale-question", test_stale_question);
    }

  status = g_test_run ();
  if (!g_test_subprocess ())
    {
      gtk_window_destroy (GTK_WINDOW (window));
      g_application_release (G_APPLICATION (app));
      g_clear_object (&app);
      remove_tree (fixtures);
    }
  return status;
}
