/* test-window-heads.c: the Heads page in the real AttentionWindow under
 * Xvfb: a file of sentences run from the page (its statistics checked
 * against a previous-token mean computed here from the model's own runs of
 * each line), a click on the heatmap lists that head's strongest sentences
 * (the strongest one found here independently), Open shows one in Single
 * Head on that head, the sample runs with progress and Cancel keeps what ran,
 * and the five exports write their files. ATTENTION_SCREENSHOT_DIR: where to
 * save pictures at 800×600 and 1280×800. Needs $ATTENTION_TEST_MODEL. */

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "attention-application.h"
#include "attention-compare-page.h"
#include "attention-heads-page.h"
#include "attention-heatmap.h"
#include "attention-window-private.h"
#include "test-private-home.h"
#include "test-window-common.h"

static const char *const lines[] = {
  "The cat sat on the mat.",
  "",
  "A dog barked at the moon all night!",
  "She said she would come back tomorrow.",
  "Rain fell, and the children stayed home.",
};

static AttentionApplication *app;
static AttentionWindow *window;
static char *folder;

static AttentionHeadsPage *
heads (void)
{
  return ATTENTION_HEADS_PAGE (adw_view_stack_get_child_by_name (window->view_stack, "heads"));
}

static gboolean
idle (void)
{
  return !attention_window_get_busy (window) && !attention_selection_get_busy (window->selection) &&
         !attention_heads_page_get_running (heads ()) &&
         !attention_compare_page_get_busy (ATTENTION_COMPARE_PAGE (
             adw_view_stack_get_child_by_name (window->view_stack, "compare")));
}

static void
test_run_file (void)
{
  g_autofree char *path = g_build_filename (folder, "lines.txt", NULL);
  g_autoptr (GString) text = g_string_new (NULL);
  AttentionModel *model;
  AttentionCorpusStats *stats;
  guint n_layers, n_heads;
  double *sum;
  guint64 count = 0;

  wait_for (idle);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "heads"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->view_stack), ==, "heads");

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    g_string_append_printf (text, "%s\n", lines[i]);
  g_assert_true (g_file_set_contents (path, text->str, -1, NULL));
  attention_heads_page_run (heads (), path, NULL);
  g_assert_true (attention_heads_page_get_running (heads ()));
  wait_for (idle);

  stats = attention_heads_page_get_stats (heads ());
  g_assert_nonnull (stats);
  g_assert_cmpuint (attention_corpus_stats_get_lines (stats), ==, 4);
  g_assert_cmpuint (attention_corpus_stats_get_n_skipped (stats), ==, 1);

  /* The reference: every line run on its own, A[i][i−1] summed here. */
  model = attention_selection_get_model (window->selection);
  n_layers = attention_corpus_stats_get_n_layers (stats);
  n_heads = attention_corpus_stats_get_n_heads (stats);
  sum = g_new0 (double, n_layers *n_heads);
  for (guint k = 0; k < G_N_ELEMENTS (lines); k++)
    {
      g_autoptr (AttentionResult) result = NULL;
      guint n;

      if (lines[k][0] == '\0')
        continue;
      result = attention_model_run (model, lines[k], 0, NULL, NULL);
      g_assert_nonnull (result);
      n = attention_result_get_n_tokens (result);
      for (guint l = 0; l < n_layers; l++)
        for (guint h = 0; h < n_heads; h++)
          {
            const float *m = attention_result_get_matrix (result, l, h);

            for (guint i = 1; i < n; i++)
              sum[l * n_heads + h] += m[i * n + i - 1];
          }
      count += n - 1;
    }
  for (guint l = 0; l < n_layers; l++)
    for (guint h = 0; h < n_heads; h++)
      g_assert_cmpfloat_with_epsilon (
          attention_corpus_stats_get_mean (stats, l, h, ATTENTION_CORPUS_PREVIOUS),
          sum[l * n_heads + h] / count, 1e-6);
  g_free (sum);
}

/* The strongest sentence of layer 2, head 3 for "previous", found here. */
static const char *
strongest_line (guint layer, guint head)
{
  AttentionModel *model = attention_selection_get_model (window->selection);
  const char *best = NULL;
  double best_value = -1;

  for (guint k = 0; k < G_N_ELEMENTS (lines); k++)
    {
      g_autoptr (AttentionResult) result = NULL;
      const float *m;
      double s = 0;
      guint n;

      if (lines[k][0] == '\0')
        continue;
      result = attention_model_run (model, lines[k], 0, NULL, NULL);
      n = attention_result_get_n_tokens (result);
      m = attention_result_get_matrix (result, layer, head);
      for (guint i = 1; i < n; i++)
        s += m[i * n + i - 1];
      if (s / (n - 1) > best_value)
        {
          best_value = s / (n - 1);
          best = lines[k];
        }
    }
  return best;
}

static void
test_click_head (void)
{
  GtkWidget *heatmap = template_child (heads (), ATTENTION_TYPE_HEADS_PAGE, "heatmap");
  GtkListBox *sentences = template_child (heads (), ATTENTION_TYPE_HEADS_PAGE, "sentences_list");
  GtkListBox *ranked = template_child (heads (), ATTENTION_TYPE_HEADS_PAGE, "ranked_list");
  GtkGesture *click = GTK_GESTURE (find_controller (heatmap, GTK_TYPE_GESTURE_CLICK));
  AttentionCorpusStats *stats = attention_heads_page_get_stats (heads ());
  guint n_layers = attention_corpus_stats_get_n_layers (stats);
  guint n_heads = attention_corpus_stats_get_n_heads (stats);
  AttentionHeatmapLayout layout;
  GtkWidget *row, *box, *label, *open;
  const char *expected;

  attention_heads_page_set_measure (heads (), ATTENTION_CORPUS_PREVIOUS);
  attention_test_wait_frames (GTK_WIDGET (window), 2, TRUE);
  g_assert_nonnull (gtk_list_box_get_row_at_index (ranked, 0));
  g_assert_null (gtk_list_box_get_row_at_index (sentences, 0));

  /* A click in the middle of the cell of layer 2, head 3. */
  attention_heatmap_layout (gtk_widget_get_width (heatmap), gtk_widget_get_height (heatmap),
                            n_layers, n_heads, &layout);
  g_signal_emit_by_name (click, "pressed", 1, layout.x + 2.5 * layout.cell_w,
                         layout.y + 1.5 * layout.cell_h);
  row = GTK_WIDGET (gtk_list_box_get_row_at_index (sentences, 0));
  g_assert_nonnull (row);
  g_assert_nonnull (gtk_list_box_get_row_at_index (sentences, 3));
  g_assert_null (gtk_list_box_get_row_at_index (sentences, 4));
  box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
  label = gtk_widget_get_first_child (box);
  expected = strongest_line (1, 2);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, expected);

  /* Open: that sentence on the Single Head page, on that head. */
  open = gtk_widget_get_last_child (box);
  g_signal_emit_by_name (open, "clicked");
  wait_for (idle);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->view_stack), ==, "single");
  g_assert_cmpstr (attention_result_get_text (test_window_result (window)), ==, expected);
  g_assert_cmpuint (attention_selection_get_layer (window->selection), ==, 1);
  g_assert_cmpuint (attention_selection_get_head (window->selection), ==, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "heads"));
}

static gboolean
progress_shown (void)
{
  GtkProgressBar *bar = template_child (heads (), ATTENTION_TYPE_HEADS_PAGE, "progress_bar");
  const char *text = gtk_progress_bar_get_text (bar);

  return text != NULL && strstr (text, "lines/s") != NULL && strstr (text, "left") != NULL;
}

static void
test_sample_cancel (void)
{
  GtkLabel *message = template_child (heads (), ATTENTION_TYPE_HEADS_PAGE, "message_label");
  AttentionCorpusStats *stats;
  GtkDropDown *measures = template_child (heads (), ATTENTION_TYPE_HEADS_PAGE, "measure_dropdown");

  attention_heads_page_run (heads (), NULL, NULL);
  wait_for (progress_shown);
  if (g_getenv ("ATTENTION_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *png =
          g_build_filename (g_getenv ("ATTENTION_SCREENSHOT_DIR"), "heads-running.png", NULL);
      g_autoptr (GdkTexture) t = attention_test_render_window (GTK_WINDOW (window), NULL, png);
    }
  attention_heads_page_cancel (heads ());
  wait_for (idle);
  stats = attention_heads_page_get_stats (heads ());
  g_assert_cmpuint (attention_corpus_stats_get_lines (stats), >, 0);
  g_assert_cmpuint (attention_corpus_stats_get_lines (stats), <, 2000);
  g_assert_nonnull (strstr (gtk_label_get_text (message), "Cancelled"));
  /* With results and the relations' names in the menu, the window still
   * fits 600 × 500. */
  {
    GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
    int width = 0, height = 0;

    gtk_widget_measure (content, GTK_ORIENTATION_HORIZONTAL, -1, &width, NULL, NULL, NULL);
    gtk_widget_measure (content, GTK_ORIENTATION_VERTICAL, width, &height, NULL, NULL, NULL);
    g_assert_cmpint (width, <=, 600);
    g_assert_cmpint (height, <=, 500);
  }
  /* The sample's four relations join the eight statistics. */
  g_assert_cmpuint (attention_corpus_stats_get_n_relations (stats), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (measures)), ==, 12);
}

static void
test_export (void)
{
  const char *formats[] = { "csv", "json", "png", "svg", "pdf" };
  const char *magic[] = { "layer,head,previous", "{", "\x89PNG", "<?xml", "%PDF" };

  attention_heads_page_set_measure (heads (), ATTENTION_CORPUS_N_STATS); /* det → noun */
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *name = g_strdup_printf ("heads.%s", formats[i]);
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autofree char *contents = NULL;
      g_autoptr (GError) error = NULL;
      gsize len;

      g_assert_true (attention_heads_page_export (heads (), formats[i], path, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      g_assert_true (g_str_has_prefix (contents, magic[i]));
      g_remove (path);
    }
}

static void
test_screenshots (void)
{
  const char *dir = g_getenv ("ATTENTION_SCREENSHOT_DIR");
  const int sizes[][2] = { { 800, 600 }, { 1280, 800 } };

  attention_heads_page_select_head (heads (), 0, 1);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *name = g_strdup_printf ("heads-%dx%d.png", sizes[i][0], sizes[i][1]);
      g_autofree char *png = dir != NULL ? g_build_filename (dir, name, NULL) : NULL;
      g_autoptr (GdkTexture) texture = NULL;

      gtk_window_set_default_size (GTK_WINDOW (window), sizes[i][0], sizes[i][1]);
      attention_test_wait_frames (GTK_WIDGET (window), 3, TRUE);
      texture = attention_test_render_window (GTK_WINDOW (window), NULL, png);
      g_assert_cmpint (gdk_texture_get_width (texture), >=, sizes[i][0]);
    }
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  attention_test_private_home ();
  if (g_getenv ("ATTENTION_TEST_MODEL") == NULL)
    {
      g_printerr ("ATTENTION_TEST_MODEL is not set\n");
      return 1;
    }
  g_setenv ("ATTENTION_MODEL", g_getenv ("ATTENTION_TEST_MODEL"), TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  folder = g_dir_make_tmp ("attention-heads-XXXXXX", &error);
  g_assert_no_error (error);

  app = attention_test_application_new ();

  window = attention_window_new (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));

  /* Order matters: each test starts from the state the previous one left. */
  g_test_add_func ("/window-heads/run-file", test_run_file);
  g_test_add_func ("/window-heads/click-head", test_click_head);
  g_test_add_func ("/window-heads/sample-cancel", test_sample_cancel);
  g_test_add_func ("/window-heads/export", test_export);
  g_test_add_func ("/window-heads/screenshots", test_screenshots);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  attention_test_remove_tree (folder);
  g_free (folder);
  return status;
}
