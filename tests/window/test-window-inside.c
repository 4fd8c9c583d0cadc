/* test-window-inside.c: inside the head, in the real AttentionWindow under
 * Xvfb, one test per view:
 * - the Neuron page (win.neuron, Ctrl+U): a plain run holds no queries and
 *   keys; showing the page runs the sentence again with them; the page
 *   draws the [MASK]'s query, hovering an entry reads its value, a click or
 *   Up/Down picks another query, and the softmax of q·k/√d it draws is the
 *   attention the model returned (an independent check that the vectors are
 *   the head's own); saved as PNG, SVG and PDF;
 * - Show's "Attention × value norms": the sentence runs again with value
 *   norms and the matrix shown is a_ij ||f(x_j)|| with rows scaled to 1,
 *   computed here from the result's attentions and norms;
 * - "Why this prediction?" on a chip: the sentence runs again with the
 *   saliency of that candidate, and the token labels of the matrix are
 *   tinted (pixels of the window, red or blue, where they were grey).
 * Needs $ATTENTION_TEST_MODEL; nothing depends on timing. */

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "attention-application.h"
#include "attention-compare-page.h"
#include "attention-neuron-canvas.h"
#include "attention-neuron-page.h"
#include "attention-window-private.h"
#include "test-window-common.h"

#define SENTENCE "The animal didn't cross the street because it was too [MASK]."

static AttentionApplication *app;
static AttentionWindow *window;

static gboolean
idle (void)
{
  return !attention_window_get_busy (window) && !attention_selection_get_busy (window->selection) &&
         !attention_compare_page_get_busy (ATTENTION_COMPARE_PAGE (
             adw_view_stack_get_child_by_name (window->view_stack, "compare")));
}

static AttentionNeuronPage *
neuron (void)
{
  return ATTENTION_NEURON_PAGE (adw_view_stack_get_child_by_name (window->view_stack, "neuron"));
}

static AttentionNeuronCanvas *
canvas (void)
{
  return template_child (neuron (), ATTENTION_TYPE_NEURON_PAGE, "canvas");
}

static const char *
page (void)
{
  return adw_view_stack_get_visible_child_name (window->view_stack);
}

static AttentionResult *
result (void)
{
  return test_window_result (window);
}

static void
motion (double x, double y)
{
  g_signal_emit_by_name (find_controller (GTK_WIDGET (canvas ()), GTK_TYPE_EVENT_CONTROLLER_MOTION),
                         "motion", x, y);
}

/* Ctrl+U as the user presses it, through the window's shortcut controllers. */
static gboolean
press_ctrl_u (void)
{
  g_autoptr (GListModel) list = gtk_widget_observe_controllers (GTK_WIDGET (window));

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (GtkEventController) c = g_list_model_get_item (list, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (c))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (c)); k++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (c), k);
          g_autofree char *trigger =
              gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          if (g_strcmp0 (trigger, "<Control>u") == 0)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                 GTK_WIDGET (window), NULL);
        }
    }
  return FALSE;
}

static void
test_run (void)
{
  wait_for (idle);
  gtk_editable_set_text (GTK_EDITABLE (window->entry), SENTENCE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  wait_for (idle);
  g_assert_nonnull (result ());
  /* A plain run computes nothing extra. */
  g_assert_cmpuint (attention_result_get_head_size (result ()), ==, 0);
  g_assert_null (attention_result_get_value_norms (result (), 0, 0));
  g_assert_cmpuint (attention_result_get_n_saliency (result ()), ==, 0);
}

static gboolean
on_neuron (void)
{
  return g_strcmp0 (page (), "neuron") == 0;
}

/* Ctrl+U pressed for real (an X key event through xdotool) while the text
 * entry has the focus, as a user who has just typed presses it: the entry's
 * own Ctrl+U (delete to the line's start) must not take it, or the sentence
 * is lost and the Neuron page never shows. */
static void
test_ctrl_u_from_entry (void)
{
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  g_autoptr (GError) error = NULL;
  /* The pointer goes to the window's corner first: with no window manager
   * the keys go to the window under it, and a pointer resting on the matrix
   * would hover a token for the rest of the tests. */
  const char *argv[] = { NULL, "mousemove", "2", "2", "key", "ctrl+u", NULL };
  int status = 0;
  gint64 end;

  if (xdotool == NULL)
    {
      g_test_skip ("xdotool is not installed (build-aux/install-deps installs it)");
      return;
    }
  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_grab_focus (GTK_WIDGET (window->entry));
  gtk_editable_set_position (GTK_EDITABLE (window->entry), -1);
  attention_test_wait_frames (GTK_WIDGET (window), 3, TRUE);
  argv[0] = xdotool;
  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!on_neuron () && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpstr (page (), ==, "neuron");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (window->entry)), ==, SENTENCE);
  g_action_group_change_action_state (G_ACTION_GROUP (window), "view",
                                      g_variant_new_string ("single"));
  g_assert_cmpstr (page (), ==, "single");
  /* A real key press turns focus rings on (its key releases may come later);
   * the later pictures assume none. */
  attention_test_run_for (500);
  gtk_window_set_focus_visible (GTK_WINDOW (window), FALSE);
}

static void
test_neuron_page (void)
{
  AttentionResult *r;
  AttentionNeuronData data;
  AttentionNeuronValues values;
  guint n, d, mask, layer = 1, head = 2;
  double x, y;
  const float *matrix;
  g_autofree char *want = NULL;
  gboolean handled = FALSE;

  gtk_range_set_value (GTK_RANGE (window->layer_scale), layer + 1);
  gtk_range_set_value (GTK_RANGE (window->head_scale), head + 1);
  g_assert_true (press_ctrl_u ());
  g_assert_cmpstr (page (), ==, "neuron");
  wait_for (idle);
  r = result ();
  n = attention_result_get_n_tokens (r);
  d = attention_result_get_head_size (r);
  mask = attention_result_get_prediction_position (r, 0);
  g_assert_cmpuint (d, >, 0);
  g_assert_true (attention_neuron_page_get_shows_vectors (neuron ()));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (canvas ())));
  /* The [MASK] is the first query shown. */
  g_assert_cmpuint (attention_neuron_page_get_query (neuron ()), ==, mask);
  g_assert_true (attention_neuron_canvas_get_data (canvas (), &data));
  g_assert_cmpuint (data.n, ==, n);
  g_assert_true (data.queries == attention_result_get_queries (r, layer, head));

  /* softmax(q·k/√d) of the vectors is the attention row the model
   * returned. */
  g_assert_true (attention_neuron_values_init (&values, &data));
  matrix = attention_result_get_matrix (r, layer, head);
  for (guint j = 0; j < n; j++)
    g_assert_cmpfloat_with_epsilon (values.softmax[j], matrix[(gsize)mask * n + j], 1e-5);
  attention_neuron_values_clear (&values);

  /* Hovering k_3 entry 2 reads its value (once the page is laid out). */
  attention_test_wait_frames (GTK_WIDGET (canvas ()), 2, TRUE);
  g_assert_true (
      attention_neuron_canvas_get_center (canvas (), ATTENTION_NEURON_KEY, 3, 2, &x, &y));
  motion (x, y);
  want = g_strdup_printf ("%.4f", attention_result_get_keys (r, layer, head)[3 * d + 2]);
  g_assert_nonnull (strstr (attention_canvas_get_hover_text (ATTENTION_CANVAS (canvas ())), want));
  g_assert_nonnull (
      strstr (attention_canvas_get_hover_text (ATTENTION_CANVAS (canvas ())), "k[3]"));
  g_signal_emit_by_name (find_controller (GTK_WIDGET (canvas ()), GTK_TYPE_EVENT_CONTROLLER_MOTION),
                         "leave");

  /* A click on query token 2 picks it; Up and Down step. */
  g_assert_true (
      attention_neuron_canvas_get_center (canvas (), ATTENTION_NEURON_QUERY_TOKEN, 2, 0, &x, &y));
  g_signal_emit_by_name (find_controller (GTK_WIDGET (canvas ()), GTK_TYPE_GESTURE_CLICK),
                         "pressed", 1, x, y);
  g_assert_cmpuint (attention_neuron_page_get_query (neuron ()), ==, 2);
  g_signal_emit_by_name (find_controller (GTK_WIDGET (canvas ()), GTK_TYPE_EVENT_CONTROLLER_KEY),
                         "key-pressed", GDK_KEY_Down, 0, 0, &handled);
  g_assert_true (handled);
  g_assert_cmpuint (attention_neuron_page_get_query (neuron ()), ==, 3);
  g_signal_emit_by_name (find_controller (GTK_WIDGET (canvas ()), GTK_TYPE_EVENT_CONTROLLER_KEY),
                         "key-pressed", GDK_KEY_Up, 0, 0, &handled);
  g_assert_cmpuint (attention_neuron_page_get_query (neuron ()), ==, 2);
  attention_neuron_page_set_query (neuron (), mask);

  /* Another head of the same result needs no run. */
  gtk_range_set_value (GTK_RANGE (window->head_scale), 1);
  g_assert_false (attention_window_get_busy (window));
  g_assert_true (attention_neuron_page_get_shows_vectors (neuron ()));
  gtk_range_set_value (GTK_RANGE (window->head_scale), head + 1);
  /* The README's picture: the header's switcher eases to its new page over
   * a few frames (window-fit's shots wait the same half second). */
  if (g_getenv ("ATTENTION_SCREENSHOT_NEURON") != NULL)
    attention_test_run_for (500);
  g_object_unref (attention_test_render_window (GTK_WINDOW (window), window->stack,
                                                g_getenv ("ATTENTION_SCREENSHOT_NEURON")));
}

static void
test_neuron_export (void)
{
  g_autofree char *dir = g_dir_make_tmp ("attention-window-neuron-XXXXXX", NULL);
  const struct
  {
    AttentionExportFormat format;
    const char *magic;
  } formats[] = { { ATTENTION_EXPORT_PNG, "\x89PNG" },
                  { ATTENTION_EXPORT_SVG, "<?xml" },
                  { ATTENTION_EXPORT_PDF, "%PDF" } };

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autofree char *path = g_build_filename (dir, "neuron", NULL);
      g_autofree char *contents = NULL;
      g_autoptr (GError) error = NULL;
      gsize length = 0;

      g_assert_true (attention_neuron_page_export (neuron (), formats[f].format, path, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_cmpuint (length, >, 100);
      g_assert_cmpint (memcmp (contents, formats[f].magic, strlen (formats[f].magic)), ==, 0);
      g_unlink (path);
    }
  g_rmdir (dir);
}

/* Show's norms: a run with value norms, and the matrix is a_ij n_j over
 * its row's sum. */
static void
test_norms (void)
{
  AttentionResult *r;
  const float *shown, *matrix, *norms;
  guint n, layer = 2, head = 1;

  g_action_group_change_action_state (G_ACTION_GROUP (window), "view",
                                      g_variant_new_string ("single"));
  gtk_range_set_value (GTK_RANGE (window->layer_scale), layer + 1);
  gtk_range_set_value (GTK_RANGE (window->head_scale), head + 1);
  attention_selection_set_aggregate (window->selection, ATTENTION_AGGREGATE_NORMS);
  wait_for (idle);
  r = result ();
  norms = attention_result_get_value_norms (r, layer, head);
  g_assert_nonnull (norms);
  wait_for (idle);
  shown = attention_selection_get_matrix (window->selection);
  g_assert_nonnull (shown);
  n = attention_result_get_n_tokens (r);
  matrix = attention_result_get_matrix (r, layer, head);
  for (guint i = 0; i < n; i++)
    {
      double sum = 0;

      for (guint j = 0; j < n; j++)
        sum += (double)matrix[i * n + j] * norms[j];
      for (guint j = 0; j < n; j++)
        g_assert_cmpfloat_with_epsilon (shown[i * n + j], matrix[i * n + j] * norms[j] / sum, 1e-6);
    }
  /* The head slider still applies, and another head shows its own norms. */
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (window->head_scale)));
  g_object_unref (attention_test_render_window (GTK_WINDOW (window), window->stack,
                                                g_getenv ("ATTENTION_SCREENSHOT_NORMS")));
  attention_selection_set_aggregate (window->selection, ATTENTION_AGGREGATE_HEAD);
  wait_for (idle);
}

/* Strongly red or blue pixels in the row-label band of the matrix. */
static guint
tinted_label_pixels (GdkTexture *texture)
{
  AttentionView *view = test_window_view (window);
  g_autofree guchar *pixels = NULL;
  graphene_rect_t bounds;
  double origin_x, origin_y;
  int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
  guint tinted = 0;

  pixels = g_malloc ((gsize)width * height * 4);
  gdk_texture_download (texture, pixels, (gsize)width * 4);
  gtk_native_get_surface_transform (GTK_NATIVE (window), &origin_x, &origin_y);
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (view), GTK_WIDGET (window), &bounds));
  for (int y = 0; y < bounds.size.height; y++)
    for (int x = 0; x < bounds.size.width / 3; x++)
      {
        int px = (int)(origin_x + bounds.origin.x + x), py = (int)(origin_y + bounds.origin.y + y);
        const guchar *p;

        if (px < 0 || py < 0 || px >= width || py >= height)
          continue;
        /* BGRA in memory (little-endian ARGB32). */
        p = pixels + ((gsize)py * width + px) * 4;
        if (ABS ((int)p[2] - (int)p[0]) > 60)
          tinted++;
      }
  return tinted;
}

static void
test_saliency (void)
{
  AttentionResult *r;
  guint position;
  gint64 token_id;
  const AttentionCandidate *candidates;
  g_autoptr (GdkTexture) before = NULL;
  g_autoptr (GdkTexture) after = NULL;
  guint n_candidates;
  gint64 want_id;
  guint want_position;

  g_action_group_change_action_state (G_ACTION_GROUP (window), "view",
                                      g_variant_new_string ("single"));
  before = attention_test_render_window (GTK_WINDOW (window), window->stack, NULL);
  g_assert_cmpuint (tinted_label_pixels (before), <, 20);
  /* The chips' candidates: the raw top-k of the test model starts with
   * [unusedN] entries, which no chip shows. */
  candidates = attention_result_get_shown_candidates (result (), 0, &n_candidates);
  g_assert_cmpuint (n_candidates, >, 1);
  want_id = candidates[1].id;
  want_position = attention_result_get_prediction_position (result (), 0);
  /* The second candidate, as Ctrl+click or "Why this prediction?" asks. */
  g_signal_emit_by_name (window->predictions, "explain-candidate", 0, 1);
  wait_for (idle);
  r = result ();
  g_assert_cmpuint (attention_result_get_n_saliency (r), ==, 1);
  g_assert_nonnull (attention_result_get_saliency (r, 0));
  attention_result_get_saliency_target (r, 0, &position, &token_id);
  g_assert_cmpuint (position, ==, want_position);
  g_assert_cmpint (token_id, ==, want_id);
  /* The entry keeps the sentence; nothing was filled in. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (window->entry)), ==, SENTENCE);
  after = attention_test_render_window (GTK_WINDOW (window), window->stack,
                                        g_getenv ("ATTENTION_SCREENSHOT_SALIENCY"));
  g_assert_cmpuint (tinted_label_pixels (after), >, 200);
}

/* "Hide [CLS] and [SEP]" and a head switched off: the Neuron page and
 * Show's norms follow what the other views show. With the specials hidden
 * the page's softmax is the shown (renormalised) row, over the kept tokens;
 * the norms are a_ij ||f_j|| over the kept tokens, rows to 1, computed here
 * from the full result. A head switched off (All Heads' toggle) re-runs,
 * the Neuron page of that head shows zero weights and says why, and its
 * norms are zero. */
static void
test_hidden_and_heads_off (void)
{
  AttentionResult *full, *shown;
  AttentionNeuronData data;
  AttentionNeuronValues values;
  GtkLabel *query_label;
  guint n, n_shown, layer = 1, head = 2;
  g_autofree guint *keep = NULL;
  const float *matrix, *norms, *got;

  g_action_group_change_action_state (G_ACTION_GROUP (window), "view",
                                      g_variant_new_string ("single"));
  gtk_range_set_value (GTK_RANGE (window->layer_scale), layer + 1);
  gtk_range_set_value (GTK_RANGE (window->head_scale), head + 1);
  attention_selection_set_hide_special (window->selection, TRUE);
  attention_selection_set_aggregate (window->selection, ATTENTION_AGGREGATE_NORMS);
  wait_for (idle);
  full = result ();
  shown = attention_selection_get_shown_result (window->selection);
  n = attention_result_get_n_tokens (full);
  n_shown = attention_result_get_n_tokens (shown);
  g_assert_cmpuint (n_shown, ==, n - 2);
  keep = g_new (guint, n_shown);
  for (guint i = 0, k = 0; i < n; i++)
    if (g_strcmp0 (attention_result_get_token (full, i), "[CLS]") != 0 &&
        g_strcmp0 (attention_result_get_token (full, i), "[SEP]") != 0)
      keep[k++] = i;
  matrix = attention_result_get_matrix (full, layer, head);
  norms = attention_result_get_value_norms (full, layer, head);
  g_assert_nonnull (norms);
  got = attention_selection_get_matrix (window->selection);
  g_assert_nonnull (got);
  for (guint r = 0; r < n_shown; r++)
    {
      double sum = 0;

      for (guint c = 0; c < n_shown; c++)
        sum += (double)matrix[keep[r] * n + keep[c]] * norms[keep[c]];
      for (guint c = 0; c < n_shown; c++)
        g_assert_cmpfloat_with_epsilon (got[r * n_shown + c],
                                        matrix[keep[r] * n + keep[c]] * norms[keep[c]] / sum, 1e-5);
    }
  attention_selection_set_aggregate (window->selection, ATTENTION_AGGREGATE_HEAD);

  /* The Neuron page on the same tokens: its softmax is the shown row. */
  g_action_group_change_action_state (G_ACTION_GROUP (window), "view",
                                      g_variant_new_string ("neuron"));
  wait_for (idle);
  g_assert_true (attention_neuron_canvas_get_data (canvas (), &data));
  g_assert_cmpuint (data.n, ==, n_shown);
  g_assert_false (data.head_off);
  g_assert_true (attention_neuron_values_init (&values, &data));
  matrix = attention_result_get_matrix (attention_selection_get_shown_result (window->selection),
                                        layer, head);
  for (guint j = 0; j < n_shown; j++)
    g_assert_cmpfloat_with_epsilon (values.softmax[j], matrix[data.query * n_shown + j], 1e-5);
  attention_neuron_values_clear (&values);
  query_label = template_child (neuron (), ATTENTION_TYPE_NEURON_PAGE, "query_label");
  g_assert_nonnull (strstr (gtk_label_get_label (query_label), "[CLS] and [SEP] hidden"));
  g_object_unref (attention_test_render_window (GTK_WINDOW (window), window->stack,
                                                g_getenv ("ATTENTION_SCREENSHOT_NEURON_HIDDEN")));
  attention_selection_set_hide_special (window->selection, FALSE);

  /* That head switched off: the run asks again for the vectors, with the
   * head mask, and the page draws the zero weights the matrix holds. */
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (window), "win.toggle-head", "(uu)", layer, head));
  wait_for (idle);
  full = result ();
  g_assert_nonnull (attention_result_get_head_mask (full));
  g_assert_cmpuint (attention_result_get_head_size (full), >, 0);
  g_assert_true (attention_neuron_canvas_get_data (canvas (), &data));
  g_assert_true (data.head_off);
  g_assert_true (attention_neuron_values_init (&values, &data));
  for (guint j = 0; j < data.n; j++)
    g_assert_cmpfloat (values.softmax[j], ==, 0);
  attention_neuron_values_clear (&values);
  g_assert_nonnull (strstr (gtk_label_get_label (query_label), "switched off"));
  /* Show's norms of that head: a re-run with the same head mask, all 0. */
  g_action_group_change_action_state (G_ACTION_GROUP (window), "view",
                                      g_variant_new_string ("single"));
  attention_selection_set_aggregate (window->selection, ATTENTION_AGGREGATE_NORMS);
  wait_for (idle);
  full = result ();
  g_assert_nonnull (attention_result_get_head_mask (full));
  g_assert_cmpfloat (
      attention_result_get_head_mask (full)[layer * attention_result_get_n_heads (full) + head], ==,
      0);
  got = attention_selection_get_matrix (window->selection);
  g_assert_nonnull (got);
  n = attention_result_get_n_tokens (full);
  for (guint k = 0; k < n * n; k++)
    g_assert_cmpfloat (got[k], ==, 0);
  attention_selection_set_aggregate (window->selection, ATTENTION_AGGREGATE_HEAD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.heads-all-on", NULL));
  wait_for (idle);
  g_assert_null (attention_result_get_head_mask (result ()));
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

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

  app = attention_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));

  window = attention_window_new (GTK_APPLICATION (app));
  {
    int w = 1280, h = 1000;

    if (g_getenv ("ATTENTION_SCREENSHOT_SIZE") != NULL)
      g_assert_cmpint (sscanf (g_getenv ("ATTENTION_SCREENSHOT_SIZE"), "%dx%d", &w, &h), ==, 2);
    gtk_window_set_default_size (GTK_WINDOW (window), w, h);
  }
  gtk_window_present (GTK_WINDOW (window));

  /* Order matters: each test starts from the state the previous one left. */
  g_test_add_func ("/window-inside/run", test_run);
  g_test_add_func ("/window-inside/ctrl-u-from-entry", test_ctrl_u_from_entry);
  g_test_add_func ("/window-inside/neuron-page", test_neuron_page);
  g_test_add_func ("/window-inside/neuron-export", test_neuron_export);
  g_test_add_func ("/window-inside/norms", test_norms);
  g_test_add_func ("/window-inside/hidden-and-heads-off", test_hidden_and_heads_off);
  g_test_add_func ("/window-inside/saliency", test_saliency);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  return status;
}
