/* test-window.c: the real AttentionWindow under Xvfb: load the test model, run
 * a sentence, move layer and head, hover a cell, export every diagram, report
 * errors in the window, and check a rendering of the window is not blank.
 *
 * Needs $ATTENTION_TEST_MODEL (a bundle from tools/make-test-model) and
 * GSETTINGS_SCHEMA_DIR pointing at the compiled schema; run it through
 * xvfb-run and dbus-run-session. Waits iterate the main loop until a state is
 * reached; nothing here depends on timing (meson's timeout guards hangs). */

#include <errno.h>
#include <stdio.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "attention-application.h"
#include "attention-compare-page.h"
#include "attention-export-private.h"
#include "attention-export.h"
#include "attention-window-private.h"
#include "attention-window.h"
#include "test-private-home.h"
#include "test-window-common.h"

#define SENTENCE "The capital of France is [MASK]."

static AttentionApplication *app;
static AttentionWindow *window;
static GSettings *settings; /* the same settings as the window's */

static gboolean
idle (void)
{
  return !attention_window_get_busy (window);
}

/* The view is on screen: laid out, drawn, and the page cross-fade is over. */
static gboolean
view_allocated (void)
{
  AttentionView *view = test_window_view (window);

  if (!gtk_widget_get_mapped (GTK_WIDGET (view)) || gtk_widget_get_width (GTK_WIDGET (view)) <= 0 ||
      attention_view_get_cell_size (view) <= 0)
    return FALSE;
  /* The view sits in nested stacks (content pages, then view modes): every
   * one of them must have finished its cross-fade, or a frame still shows
   * the page that is fading out. */
  for (GtkWidget *w = gtk_widget_get_parent (GTK_WIDGET (view)); w != NULL;
       w = gtk_widget_get_parent (w))
    if (GTK_IS_STACK (w) && gtk_stack_get_transition_running (GTK_STACK (w)))
      return FALSE;
  return TRUE;
}

/* Runs text through the window as a user would: type, then activate. */
static void
run_sentence (const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (window->entry), text);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  g_assert_true (attention_window_get_busy (window));
  wait_for (idle);
}

/* The first launch (no remembered sentence) opens on the example's result,
 * with the keyboard in the entry: typing at once, without a click, replaces
 * the example (its text is selected) and Enter runs it. */
static void
test_first_launch_typing (void)
{
  GtkWidget *focus;
  GtkEditable *editable;
  int start = -1, end = -1;
  const char *typed = SENTENCE;

  while (test_window_result (window) == NULL || attention_window_get_busy (window))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (attention_result_get_text (test_window_result (window)), ==,
                   attention_window_example_sentence ());
  g_assert_cmpuint (attention_result_get_n_predictions (test_window_result (window)), ==, 1);

  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_true (focus == GTK_WIDGET (window->entry) ||
                 gtk_widget_is_ancestor (focus, GTK_WIDGET (window->entry)));
  g_assert_true (GTK_IS_EDITABLE (focus));
  editable = GTK_EDITABLE (focus);
  g_assert_true (gtk_editable_get_selection_bounds (editable, &start, &end));
  g_assert_cmpint (start, ==, 0);
  g_assert_cmpint (end, ==, g_utf8_strlen (gtk_editable_get_text (editable), -1));

  /* What a key press does in the focused text: replace the selection, one
   * character after another; then Enter. */
  gtk_editable_delete_selection (editable);
  for (const char *p = typed; *p != '\0'; p = g_utf8_next_char (p))
    {
      int position = gtk_editable_get_position (editable);

      gtk_editable_insert_text (editable, p, (int)(g_utf8_next_char (p) - p), &position);
      gtk_editable_set_position (editable, position);
    }
  g_signal_emit_by_name (focus, "activate");
  g_assert_true (attention_window_get_busy (window));
  wait_for (idle);
  g_assert_cmpstr (attention_result_get_text (test_window_result (window)), ==, SENTENCE);
}

static void
test_load_model (void)
{
  AttentionModel *model;
  const AttentionModelInfo *info;

  wait_for (idle);
  model = attention_selection_get_model (window->selection);
  g_assert_nonnull (model);
  info = attention_model_get_info (model);
  g_assert_cmpuint (info->n_layers, >=, 2);
  g_assert_cmpuint (info->n_heads, >=, 2);
  /* The sliders span 1..L and 1..H. */
  g_assert_cmpfloat (
      gtk_adjustment_get_upper (gtk_range_get_adjustment (GTK_RANGE (window->layer_scale))), ==,
      info->n_layers);
  g_assert_cmpfloat (
      gtk_adjustment_get_upper (gtk_range_get_adjustment (GTK_RANGE (window->head_scale))), ==,
      info->n_heads);
}

static void
test_run_sentence (void)
{
  AttentionResult *result;
  AttentionView *view = test_window_view (window);

  run_sentence (SENTENCE);
  result = test_window_result (window);
  g_assert_nonnull (result);
  g_assert_cmpstr (attention_result_get_text (result), ==, SENTENCE);
  g_assert_cmpuint (attention_result_get_n_predictions (result), ==, 1);
  g_assert_true (attention_view_get_result (view) == result);
  g_assert_cmpstr (attention_result_get_token (result, 0), ==, "[CLS]");
  wait_for (view_allocated);
  {
    g_autofree char *saved = g_settings_get_string (settings, "last-sentence");

    g_assert_cmpstr (saved, ==, SENTENCE);
  }
}

/* Distance between two neighbouring cell centres: the cell edge now. */
static double
cell_pitch (void)
{
  double x0, x1, y;

  g_assert_true (attention_view_get_cell_center (test_window_view (window), 0, 0, &x0, &y));
  g_assert_true (attention_view_get_cell_center (test_window_view (window), 0, 1, &x1, &y));
  return x1 - x0;
}

static void
test_zoom (void)
{
  double fit = cell_pitch ();

  gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-in", NULL);
  g_assert_cmpfloat (cell_pitch (), >, fit);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-out", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-out", NULL);
  g_assert_cmpfloat (cell_pitch (), <, fit);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-reset", NULL);
  g_assert_cmpfloat (cell_pitch (), ==, fit);
  /* Whole pixels keep the grid sharp. */
  g_assert_cmpfloat (fit, ==, (double)(int)fit);
}

static void
test_sliders (void)
{
  AttentionView *view = test_window_view (window);
  AttentionResult *result = test_window_result (window);
  GtkRange *layer = GTK_RANGE (window->layer_scale);
  GtkRange *head = GTK_RANGE (window->head_scale);
  guint n_layers = attention_result_get_n_layers (result);
  guint n_heads = attention_result_get_n_heads (result);

  /* Sliders count from 1, the view from 0. */
  gtk_range_set_value (layer, 2);
  gtk_range_set_value (head, n_heads);
  g_assert_cmpuint (attention_view_get_layer (view), ==, 1);
  g_assert_cmpuint (attention_view_get_head (view), ==, n_heads - 1);

  /* Keyboard accelerators go through the win.* actions. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.previous-head", NULL);
  g_assert_cmpuint (attention_view_get_head (view), ==, n_heads - 2);
  g_assert_cmpfloat (gtk_range_get_value (head), ==, n_heads - 1);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.next-layer", NULL);
  g_assert_cmpuint (attention_view_get_layer (view), ==, MIN (2, n_layers - 1));

  /* The view drives the sliders back, clamped to the model. */
  attention_view_set_layer (view, 1000);
  g_assert_cmpuint (attention_view_get_layer (view), ==, n_layers - 1);
  g_assert_cmpfloat (gtk_range_get_value (layer), ==, n_layers);
  attention_view_set_head (view, 0);
  g_assert_cmpfloat (gtk_range_get_value (head), ==, 1);

  /* Moving the sliders never re-runs the model. */
  g_assert_false (attention_window_get_busy (window));
  g_assert_true (test_window_result (window) == result);
}

static void
test_hover (void)
{
  AttentionView *view = test_window_view (window);
  AttentionResult *result = test_window_result (window);
  guint n = attention_result_get_n_tokens (result);
  const float *matrix;
  g_autofree char *expected = NULL;
  double x, y;

  wait_for (view_allocated);
  matrix = attention_result_get_matrix (result, attention_view_get_layer (view),
                                        attention_view_get_head (view));
  g_assert_true (attention_view_get_cell_center (view, 1, n - 1, &x, &y));
  g_assert_true (attention_canvas_hover_at (ATTENTION_CANVAS (view), x, y));
  expected = g_strdup_printf ("%s → %s: %.4f", attention_result_get_token (result, 1),
                              attention_result_get_token (result, n - 1), matrix[n + n - 1]);
  g_assert_cmpstr (attention_canvas_get_hover_text (ATTENTION_CANVAS (view)), ==, expected);

  /* Left of the grid, on row 2's label. */
  g_assert_true (attention_view_get_cell_center (view, 2, 0, &x, &y));
  g_assert_true (attention_canvas_hover_at (ATTENTION_CANVAS (view),
                                            x - attention_view_get_cell_size (view), y));
  g_assert_nonnull (strstr (attention_canvas_get_hover_text (ATTENTION_CANVAS (view)),
                            attention_result_get_token (result, 2)));

  g_assert_false (attention_canvas_hover_at (ATTENTION_CANVAS (view), -1, -1));
  g_assert_cmpstr (attention_canvas_get_hover_text (ATTENTION_CANVAS (view)), ==, "");
}

static void
test_export_all (void)
{
  AttentionResult *result = test_window_result (window);
  guint n_layers = attention_result_get_n_layers (result);
  guint n_heads = attention_result_get_n_heads (result);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("attention-window-XXXXXX", &error);
  g_autofree char *count = NULL;
  g_autoptr (GDir) listing = NULL;
  guint n_files = 0;

  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-to", "s", dir));
  g_assert_true (attention_window_get_busy (window));
  wait_for (idle);

  for (guint l = 0; l < n_layers; l++)
    for (guint h = 0; h < n_heads; h++)
      {
        g_autofree char *name = g_strdup_printf ("Attention_Layer%u_Head%u.png", l + 1, h + 1);
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autofree char *contents = NULL;
        gsize length = 0;

        g_assert_true (g_file_get_contents (path, &contents, &length, &error));
        g_assert_no_error (error);
        g_assert_cmpuint (length, >, 8);
        g_assert_cmpmem (contents, 8, "\x89PNG\r\n\x1a\n", 8);
      }

  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  for (const char *name; (name = g_dir_read_name (listing)) != NULL; n_files++)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_assert_cmpuint (n_files, ==, n_layers * n_heads);
  g_rmdir (dir);

  count = g_strdup_printf ("%u", n_layers * n_heads);
  g_assert_nonnull (strstr (attention_window_get_last_message (window), count));
  g_assert_nonnull (strstr (attention_window_get_last_message (window), dir));
}

/* A full disk part-way: the window says so, with how many files were written. */
static void
test_export_disk_full (void)
{
  AttentionResult *result = test_window_result (window);
  guint total = attention_result_get_n_layers (result) * attention_result_get_n_heads (result);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("attention-window-XXXXXX", &error);
  g_autofree char *written = NULL;
  g_autofree char *of_total = NULL;
  g_autoptr (GDir) listing = NULL;
  const char *message;
  guint n_files = 0;

  g_assert_no_error (error);
  attention_export_inject_write_failure (3, ENOSPC);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-to", "s", dir));
  wait_for (idle);
  attention_export_inject_write_failure (-1, 0);

  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  for (const char *name; (name = g_dir_read_name (listing)) != NULL;)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_str_has_suffix (name, ".png"))
        n_files++;
      g_unlink (path);
    }
  g_rmdir (dir);

  g_assert_cmpuint (n_files, <, total);
  message = attention_window_get_last_message (window);
  g_test_message ("%s", message);
  g_assert_true (g_str_has_prefix (message, "Export failed: "));
  written = g_strdup_printf ("%u", n_files);
  of_total = g_strdup_printf ("%u", total);
  g_assert_nonnull (strstr (message, written));
  g_assert_nonnull (strstr (message, of_total));
}

/* Cancel right after starting: the export stops, the window is idle again
 * and says how many files it wrote. (On a fast machine the workers may
 * finish every file first; then the success message must be there.) */
static void
test_export_cancel (void)
{
  AttentionResult *result = test_window_result (window);
  guint total = attention_result_get_n_layers (result) * attention_result_get_n_heads (result);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("attention-window-XXXXXX", &error);
  g_autofree char *written = NULL;
  g_autoptr (GDir) listing = NULL;
  const char *message;
  guint n_files = 0;

  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-to", "s", dir));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-export", NULL));
  wait_for (idle);

  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  for (const char *name; (name = g_dir_read_name (listing)) != NULL; n_files++)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      /* Never a half-written file left behind. */
      g_assert_true (g_str_has_prefix (name, "Attention_Layer") && g_str_has_suffix (name, ".png"));
      g_unlink (path);
    }
  g_rmdir (dir);

  message = attention_window_get_last_message (window);
  g_test_message ("%s", message);
  written = g_strdup_printf ("%u", n_files);
  if (n_files < total)
    g_assert_false (g_str_has_prefix (message, "Exported "));
  g_assert_nonnull (strstr (message, written));
  /* Usable again. */
  g_assert_true (
      g_action_get_enabled (g_action_map_lookup_action (G_ACTION_MAP (window), "export-all")));
}

static void
test_export_missing_folder (void)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "win.export-to", "s",
                              "/nonexistent/attention-export");
  g_assert_false (attention_window_get_busy (window));
  g_assert_nonnull (strstr (attention_window_get_last_message (window), "/nonexistent"));
}

static void
test_no_mask (void)
{
  AttentionResult *result;
  g_autofree char *before = g_strdup (attention_window_get_last_message (window));

  run_sentence ("A sentence without a mask.");
  result = test_window_result (window);
  g_assert_cmpstr (attention_result_get_text (result), ==, "A sentence without a mask.");
  g_assert_cmpuint (attention_result_get_n_predictions (result), ==, 0);
  /* Said once, in the predictions row, not again in a toast. */
  g_assert_nonnull (strstr (attention_predictions_get_note (window->predictions), "[MASK]"));
  g_assert_cmpstr (attention_window_get_last_message (window), ==, before);
}

/* "[mask]" in lower case gets "Did you mean [MASK]?" and a button that
 * fixes and runs it. */
static void
test_lowercase_mask (void)
{
  run_sentence ("The capital of France is [mask].");
  g_assert_cmpuint (attention_result_get_n_predictions (test_window_result (window)), ==, 0);
  g_assert_nonnull (strstr (attention_predictions_get_note (window->predictions), "Did you mean"));
  g_signal_emit_by_name (window->predictions, "use-mask");
  g_assert_true (attention_window_get_busy (window));
  wait_for (idle);
  g_assert_cmpstr (attention_result_get_text (test_window_result (window)), ==, SENTENCE);
  g_assert_cmpuint (attention_result_get_n_predictions (test_window_result (window)), ==, 1);
  g_assert_cmpstr (attention_predictions_get_note (window->predictions), ==, "");
}

static void
test_too_long (void)
{
  AttentionResult *before = test_window_result (window);
  const AttentionModelInfo *info =
      attention_model_get_info (attention_selection_get_model (window->selection));
  g_autoptr (GString) text = g_string_new ("[MASK]");
  g_autofree char *message_before = g_strdup (attention_window_get_last_message (window));

  for (guint i = 0; i < info->max_positions; i++)
    g_string_append (text, " word");
  run_sentence (text->str);
  /* The error is in the window and the previous result stays. */
  g_assert_true (test_window_result (window) == before);
  g_assert_nonnull (attention_window_get_last_message (window));
  g_assert_cmpstr (attention_window_get_last_message (window), !=, message_before);
}

static void
test_typing_cancels (void)
{
  AttentionResult *before = test_window_result (window);

  gtk_editable_set_text (GTK_EDITABLE (window->entry), SENTENCE);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  g_assert_true (attention_window_get_busy (window));
  /* Typing makes the running sentence stale: the run is dropped at once. */
  gtk_editable_set_text (GTK_EDITABLE (window->entry), "The capital of France is");
  g_assert_false (attention_window_get_busy (window));
  g_assert_true (test_window_result (window) == before);
}

static void
test_bad_model_keeps_previous (void)
{
  AttentionModel *before = attention_selection_get_model (window->selection);
  g_autofree char *dir = g_dir_make_tmp ("attention-bad-XXXXXX", NULL);
  g_autofree char *model = NULL;
  gsize model_len = 0;
  /* The broken files a user can make without torch; test-bad-models covers
   * the rest of the list through the same AttentionModel code. */
  struct
  {
    const char *name;
    const char *contents; /* NULL: see below */
    const char *reason;
  } cases[] = {
    { "empty.pt", "", "the file is empty" },
    { "random.pt", "not a model \x01\x02\xff", "not a zip archive" },
    { "truncated.pt", NULL, "truncated" },
    { "folder.pt", NULL, "folder" },
    { "missing.pt", NULL, "does not exist" },
  };

  g_assert_true (g_file_get_contents (g_getenv ("ATTENTION_TEST_MODEL"), &model, &model_len, NULL));
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *path = g_build_filename (dir, cases[c].name, NULL);
      const char *message;

      if (cases[c].contents != NULL)
        g_assert_true (g_file_set_contents (path, cases[c].contents, -1, NULL));
      else if (g_str_equal (cases[c].name, "truncated.pt"))
        g_assert_true (g_file_set_contents (path, model, model_len / 2, NULL));
      else if (g_str_equal (cases[c].name, "folder.pt"))
        g_assert_cmpint (g_mkdir (path, 0755), ==, 0);

      gtk_widget_activate_action (GTK_WIDGET (window), "win.open-model-file", "s", path);
      /* A file from elsewhere is asked about first (not a missing one or a
       * folder: nothing of them could run). */
      if (window->trust_dialog != NULL)
        attention_test_answer_trust (window, "open");
      g_assert_true (attention_window_get_busy (window));
      wait_for (idle);

      g_assert_true (attention_selection_get_model (window->selection) == before);
      message = attention_window_get_last_message (window);
      if (strstr (message, cases[c].name) == NULL || strstr (message, cases[c].reason) == NULL)
        g_error ("%s: the window said “%s”", cases[c].name, message);
      if (g_str_equal (cases[c].name, "folder.pt"))
        g_rmdir (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);

  /* The previous model still answers. */
  run_sentence (SENTENCE);
  g_assert_true (attention_selection_get_model (window->selection) == before);
  g_assert_nonnull (test_window_result (window));
}

/* A click on a prediction chip puts the word in and runs at once: a new
 * result, matrix and predictions row without pressing Enter. */
static void
test_predictions_fill (void)
{
  AttentionResult *result;
  GtkWidget *chip;
  g_autofree char *filled = NULL;

  run_sentence (SENTENCE);
  result = test_window_result (window);
  g_assert_cmpuint (attention_result_get_n_predictions (result), ==, 1);
  filled = attention_result_fill_mask (result, 0, 1);
  g_assert_null (strstr (filled, "[MASK]"));
  chip = attention_predictions_get_button (window->predictions, 0, 1);
  g_assert_nonnull (chip);
  g_signal_emit_by_name (chip, "clicked");
  g_assert_true (attention_window_get_busy (window));
  wait_for (idle);
  g_assert_true (test_window_result (window) != result);
  g_assert_cmpstr (attention_result_get_text (test_window_result (window)), ==, filled);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (window->entry)), ==, filled);
  g_assert_true (attention_view_get_result (test_window_view (window)) ==
                 test_window_result (window));
  /* The filled sentence has no [MASK]: the row says so instead of chips. */
  g_assert_cmpuint (attention_predictions_get_n_buttons (window->predictions), ==, 0);
}

/* Runs frames until the window's layout has settled: six whole frames, each
 * with its layout and paint, counted by a tick callback. Not by queueing a
 * resize of the window: that makes GTK renegotiate the toplevel's size with
 * the X server, and a frame painted before its answer snapshots the
 * window's content unallocated (a fatal warning) on a busy machine. */
static void
settle (void)
{
  attention_test_wait_frames (GTK_WIDGET (window), 6, FALSE);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* For 12 tokens or fewer at 1000×780 the matrix gets at least half the
 * window's height. */
static void
test_matrix_size (void)
{
  AttentionView *view = test_window_view (window);
  graphene_rect_t grid;
  int width, height;

  run_sentence (SENTENCE);
  g_assert_cmpuint (attention_result_get_n_tokens (test_window_result (window)), <=, 12);
  wait_for (view_allocated);
  settle ();
  /* The default size is the window's outside size; the client-side frame
   * takes a few pixels of it. Half of the full 780 is what is asked. */
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (height, ==, 780);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window)), >=, 760);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), >=, 980);
  g_assert_true (attention_view_get_matrix_bounds (view, &grid));
  g_test_message ("%u tokens at %d×%d, sidebar %s: matrix %.0f×%.0f px, %.0f%% of the height",
                  attention_result_get_n_tokens (test_window_result (window)),
                  gtk_widget_get_width (GTK_WIDGET (window)), height,
                  adw_flap_get_reveal_flap (window->flap) ? "shown" : "hidden", grid.size.width,
                  grid.size.height, 100.0 * grid.size.height / height);
  g_assert_cmpfloat (grid.size.height, >=, 0.5 * height);
  g_assert_cmpfloat (grid.size.width, ==, grid.size.height);
}

static void
measure_min (GtkWidget *widget, int *width, int *height)
{
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, width, NULL, NULL, NULL);
  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, *width, height, NULL, NULL, NULL);
}

/* The window's minimum size stays at most 600×500 whatever is shown. */
static void
check_min_size (const char *after)
{
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
  int width = 0, height = 0;

  settle ();
  measure_min (content, &width, &height);
  g_test_message ("minimum size after %s: %d×%d", after, width, height);
  g_assert_cmpint (width, <=, 600);
  g_assert_cmpint (height, <=, 500);
}

static void
test_min_size (void)
{
  g_autoptr (GString) text = g_string_new ("[MASK]");
  const char *pages[] = { "overview", "compare", "single" };

  check_min_size ("a short sentence");
  for (guint i = 0; i < 60; i++)
    g_string_append (text, " word");
  run_sentence (text->str);
  check_min_size ("a 63-token sentence");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-in", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-in", NULL);
  check_min_size ("zooming in");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-reset", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *what = g_strdup_printf ("showing %s", pages[i]);

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", pages[i]));
      check_min_size (what);
    }
  adw_flap_set_reveal_flap (window->flap, !adw_flap_get_reveal_flap (window->flap));
  check_min_size ("toggling the sidebar");
  adw_flap_set_reveal_flap (window->flap, !adw_flap_get_reveal_flap (window->flap));
  run_sentence (SENTENCE);
}

/* Long sentences: Fit shows the whole matrix, and zoomed in, the labels stay
 * at the edges while the cells scroll under them. */
static void
test_long_sentence (void)
{
  AttentionView *view = test_window_view (window);
  g_autoptr (GString) text = g_string_new ("The [MASK]");
  GtkAdjustment *vadj;
  graphene_rect_t grid;
  double x, y, fit_cell;
  guint n;

  for (guint i = 0; i < 42; i++)
    g_string_append (text, " cat");
  run_sentence (text->str);
  n = attention_result_get_n_tokens (test_window_result (window));
  g_assert_cmpuint (n, >=, 45);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-reset", NULL);
  wait_for (view_allocated);
  settle ();
  g_assert_true (attention_view_get_matrix_bounds (view, &grid));
  g_test_message ("%u tokens, fit: cells %.0f px", n, attention_view_get_cell_size (view));
  g_assert_cmpfloat (grid.origin.x, >=, 0);
  g_assert_cmpfloat (grid.origin.y, >=, 0);
  g_assert_cmpfloat (grid.origin.x + grid.size.width, <=, gtk_widget_get_width (GTK_WIDGET (view)));
  g_assert_cmpfloat (grid.origin.y + grid.size.height, <=,
                     gtk_widget_get_height (GTK_WIDGET (view)));
  fit_cell = attention_view_get_cell_size (view);

  /* Readable by zooming: cells of 20 px or more, then scroll to the end. */
  while (attention_view_get_cell_size (view) < 20)
    {
      gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-in", NULL);
      settle ();
    }
  g_assert_cmpfloat (attention_view_get_cell_size (view), >, fit_cell);
  vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  g_assert_cmpfloat (gtk_adjustment_get_upper (vadj), >, gtk_adjustment_get_page_size (vadj));
  gtk_adjustment_set_value (vadj, gtk_adjustment_get_upper (vadj));
  gtk_adjustment_set_value (gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (view)), 0);
  settle ();
  /* The last row is on screen; the column labels are still at the top. */
  g_assert_true (attention_view_get_cell_center (view, n - 1, 1, &x, &y));
  g_assert_cmpfloat (y, <, gtk_widget_get_height (GTK_WIDGET (view)));
  g_assert_true (attention_view_get_matrix_bounds (view, &grid));
  g_test_message ("zoomed: cells %.0f px, grid at %.0f,%.0f, cell (%u, 1) at %.0f,%.0f, view %d×%d",
                  attention_view_get_cell_size (view), grid.origin.x, grid.origin.y, n - 1, x, y,
                  gtk_widget_get_width (GTK_WIDGET (view)),
                  gtk_widget_get_height (GTK_WIDGET (view)));
  g_assert_true (attention_canvas_hover_at (ATTENTION_CANVAS (view), x, 14));
  g_assert_nonnull (
      strstr (attention_canvas_get_hover_text (ATTENTION_CANVAS (view)), "(token 2)"));
  attention_canvas_hover_at (ATTENTION_CANVAS (view), -1, -1);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.zoom-reset", NULL);
  run_sentence (SENTENCE);
}

/* Compare never changes the window's size, nor the size saved at close. */
static void
test_compare_keeps_size (void)
{
  AttentionComparePage *compare =
      ATTENTION_COMPARE_PAGE (adw_view_stack_get_child_by_name (window->view_stack, "compare"));
  GtkEditable *entry = template_child (compare, ATTENTION_TYPE_COMPARE_PAGE, "entry");
  g_autoptr (GString) text = g_string_new ("The animal didn't cross the street because");
  int width = gtk_widget_get_width (GTK_WIDGET (window));
  int height = gtk_widget_get_height (GTK_WIDGET (window));
  int default_width = 0, default_height = 0, w, h;

  gtk_window_get_default_size (GTK_WINDOW (window), &default_width, &default_height);
  /* 47 tokens: at the old 14-px minimum cell this grew the window. */
  for (guint i = 0; i < 10; i++)
    g_string_append (text, " it was too wide");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.compare", NULL));
  gtk_editable_set_text (entry, text->str);
  g_signal_emit_by_name (entry, "activate");
  while (attention_compare_page_get_busy (compare))
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (
      attention_view_get_result (template_child (compare, ATTENTION_TYPE_COMPARE_PAGE, "view")));
  settle ();
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), ==, width);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window)), ==, height);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.compare", NULL));
  settle ();
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), ==, width);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window)), ==, height);
  gtk_window_get_default_size (GTK_WINDOW (window), &w, &h);
  g_assert_cmpint (w, ==, default_width);
  g_assert_cmpint (h, ==, default_height);
}

/* Renders the window as it is on screen and checks it is a real picture: many
 * colours overall, and the matrix area full of distinct greys. */
static void
test_screenshot (void)
{
  AttentionView *view = test_window_view (window);
  double origin_x, origin_y;
  int width, height;
  g_autoptr (GdkTexture) texture = NULL;
  g_autoptr (GHashTable) colours = g_hash_table_new (NULL, NULL);
  gboolean greys[256] = { FALSE };
  guint n_greys = 0;
  graphene_rect_t bounds;
  g_autofree guchar *pixels = NULL;
  const char *save_to = g_getenv ("ATTENTION_SCREENSHOT");

  guint shot_layer = 2, shot_head = 2;

  /* ATTENTION_SCREENSHOT_HEAD="L,H" picks the head of the README picture. */
  if (g_getenv ("ATTENTION_SCREENSHOT_HEAD") != NULL)
    g_assert_cmpint (
        sscanf (g_getenv ("ATTENTION_SCREENSHOT_HEAD"), "%u,%u", &shot_layer, &shot_head), ==, 2);
  run_sentence (SENTENCE);
  gtk_range_set_value (GTK_RANGE (window->layer_scale), shot_layer);
  gtk_range_set_value (GTK_RANGE (window->head_scale), shot_head);
  wait_for (view_allocated);
  {
    /* Hover the [MASK] row, to show the highlight and the read-out. */
    AttentionResult *result = test_window_result (window);
    double x, y;

    g_assert_true (attention_view_get_cell_center (
        view, attention_result_get_prediction_position (result, 0), 1, &x, &y));
    g_assert_true (attention_canvas_hover_at (ATTENTION_CANVAS (view), x, y));
  }

  /* The whole window as drawn, client-side shadow included; the widget's
   * origin sits at the surface transform inside that picture. */
  gtk_native_get_surface_transform (GTK_NATIVE (window), &origin_x, &origin_y);
  texture = attention_test_render_window (GTK_WINDOW (window), NULL, save_to);

  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  pixels = g_malloc ((gsize)width * height * 4);
  gdk_texture_download (texture, pixels, (gsize)width * 4);
  for (gsize i = 0; i < (gsize)width * height; i++)
    {
      guint32 pixel;

      memcpy (&pixel, pixels + i * 4, 4);
      g_hash_table_add (colours, GUINT_TO_POINTER (pixel));
    }
  g_assert_cmpuint (g_hash_table_size (colours), >, 100);

  /* Greys inside the matrix: sample the centre of every cell. */
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (view), GTK_WIDGET (window), &bounds));
  {
    guint n = attention_result_get_n_tokens (test_window_result (window));

    for (guint r = 0; r < n; r++)
      for (guint c = 0; c < n; c++)
        {
          double x, y;
          const guchar *p;
          int px, py;

          g_assert_true (attention_view_get_cell_center (view, r, c, &x, &y));
          px = (int)(origin_x + bounds.origin.x + x);
          py = (int)(origin_y + bounds.origin.y + y);
          if (px < 0 || py < 0 || px >= width || py >= height)
            continue;
          p = pixels + ((gsize)py * width + px) * 4;
          /* Grayscale: all channels equal. */
          g_assert_cmpuint (p[0], ==, p[1]);
          g_assert_cmpuint (p[1], ==, p[2]);
          if (!greys[p[0]])
            n_greys++;
          greys[p[0]] = TRUE;
        }
  }
  g_assert_cmpuint (n_greys, >=, 4);
}

/* Closing saves the window state and a new window restores it; run last. */
/* A Hugging Face folder opens like a bundle, also through a file inside it
 * (what Open and drag and drop hand over); it is data, so nothing is asked,
 * and the window says the model changed. A .pt from outside the app's
 * folders is asked about first, saying that it runs code. */
static void
test_open_folder (void)
{
  g_autofree char *dir = g_path_get_dirname (g_getenv ("ATTENTION_TEST_MODEL"));
  g_autofree char *folder = g_build_filename (dir, "hf-safetensors", NULL);
  g_autofree char *weights = g_build_filename (folder, "model.safetensors", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (weights);
  g_autofree char *bundle_name = g_path_get_basename (g_getenv ("ATTENTION_TEST_MODEL"));
  AttentionModel *model;
  const char *message;

  attention_window_open_model_file (window, file);
  g_assert_true (attention_window_get_busy (window));
  wait_for (idle);
  model = attention_selection_get_model (window->selection);
  g_assert_cmpstr (attention_model_get_path (model), ==, folder);
  g_assert_cmpstr (attention_model_get_info (model)->name, ==, "hf-safetensors");
  g_assert_cmpstr (attention_window_get_last_message (window), ==,
                   "Switched to the model “hf-safetensors”");
  run_sentence (SENTENCE);
  g_assert_nonnull (test_window_result (window));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-model-file", "s",
                              g_getenv ("ATTENTION_TEST_MODEL"));
  g_assert_nonnull (window->trust_dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (window->trust_dialog), bundle_name));
  attention_test_answer_trust (window, "open");
  wait_for (idle);
  g_assert_cmpstr (attention_model_get_path (attention_selection_get_model (window->selection)), ==,
                   g_getenv ("ATTENTION_TEST_MODEL"));
  message = attention_window_get_last_message (window);
  g_assert_cmpstr (message, ==, "Switched to the model “Attention test model”");
}

static void
test_close_saves_state (void)
{
  gtk_range_set_value (GTK_RANGE (window->layer_scale), 2);
  gtk_range_set_value (GTK_RANGE (window->head_scale), 3);
  g_assert_false (adw_flap_get_folded (window->flap));
  adw_flap_set_reveal_flap (window->flap, FALSE);
  gtk_window_close (GTK_WINDOW (window));
  window = NULL;
  g_assert_cmpuint (g_settings_get_uint (settings, "layer"), ==, 2);
  g_assert_cmpuint (g_settings_get_uint (settings, "head"), ==, 3);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), >, 0);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
  g_assert_false (g_settings_get_boolean (settings, "sidebar-revealed"));

  /* A new window restores the sentence, runs it, and shows layer 2, head 3. */
  window = attention_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (window->entry)), ==, SENTENCE);
  while (test_window_result (window) == NULL || attention_window_get_busy (window))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpfloat (gtk_range_get_value (GTK_RANGE (window->layer_scale)), ==, 2);
  g_assert_cmpfloat (gtk_range_get_value (GTK_RANGE (window->head_scale)), ==, 3);
  g_assert_cmpuint (attention_view_get_layer (test_window_view (window)), ==, 1);
  g_assert_cmpuint (attention_view_get_head (test_window_view (window)), ==, 2);
  /* The sidebar stays as the user left it; shown again, that is kept too. */
  g_assert_false (adw_flap_get_reveal_flap (window->flap));
  adw_flap_set_reveal_flap (window->flap, TRUE);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (g_settings_get_boolean (settings, "sidebar-revealed"));
  window = attention_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (adw_flap_get_reveal_flap (window->flap));
  while (test_window_result (window) == NULL || attention_window_get_busy (window))
    g_main_context_iteration (NULL, TRUE);
}

int
main (int argc, char **argv)
{
  int status;

  if (g_getenv ("ATTENTION_TEST_MODEL") == NULL)
    {
      g_printerr ("ATTENTION_TEST_MODEL is not set\n");
      return 1;
    }
  /* The window loads the default model, which tests point at the fixture. */
  g_setenv ("ATTENTION_MODEL", g_getenv ("ATTENTION_TEST_MODEL"), TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  attention_test_private_home ();

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  /* No cursor blinking: its timer depends on focus events Xvfb without a
   * window manager does not always deliver, and on time; its warning is
   * fatal in a test. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  app = attention_test_application_new ();
  settings = g_settings_new (APP_ID);

  window = attention_window_new (GTK_APPLICATION (app));
  /* It opens its own (the memory backend is one for the process). */
  g_assert_nonnull (window->settings);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 780);
  gtk_window_present (GTK_WINDOW (window));

  /* Order matters: each test starts from the state the previous one left. */
  g_test_add_func ("/window/first-launch-typing", test_first_launch_typing);
  g_test_add_func ("/window/load-model", test_load_model);
  g_test_add_func ("/window/run-sentence", test_run_sentence);
  g_test_add_func ("/window/sliders", test_sliders);
  g_test_add_func ("/window/hover", test_hover);
  g_test_add_func ("/window/zoom", test_zoom);
  g_test_add_func ("/window/matrix-size", test_matrix_size);
  g_test_add_func ("/window/screenshot", test_screenshot);
  g_test_add_func ("/window/export-all", test_export_all);
  g_test_add_func ("/window/export-disk-full", test_export_disk_full);
  g_test_add_func ("/window/export-cancel", test_export_cancel);
  g_test_add_func ("/window/export-missing-folder", test_export_missing_folder);
  g_test_add_func ("/window/no-mask", test_no_mask);
  g_test_add_func ("/window/lowercase-mask", test_lowercase_mask);
  g_test_add_func ("/window/too-long", test_too_long);
  g_test_add_func ("/window/typing-cancels", test_typing_cancels);
  g_test_add_func ("/window/bad-model-keeps-previous", test_bad_model_keeps_previous);
  g_test_add_func ("/window/predictions-fill", test_predictions_fill);
  g_test_add_func ("/window/min-size", test_min_size);
  g_test_add_func ("/window/long-sentence", test_long_sentence);
  g_test_add_func ("/window/compare-keeps-size", test_compare_keeps_size);
  g_test_add_func ("/window/open-folder", test_open_folder);
  g_test_add_func ("/window/close-saves-state", test_close_saves_state);
  status = g_test_run ();

  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  g_clear_object (&settings);
  return status;
}
