/* test-window-analysis.c: the analysis views in the real AttentionWindow under
 * Xvfb: the overview toggle and its sync with the sliders, aggregates computed
 * off the main thread, hiding [CLS]/[SEP], pinning a token by clicking its
 * label or by keyboard, the colour map, the strongest-pattern line and the
 * comparison of two sentences; then a screenshot. Needs
 * $ATTENTION_TEST_MODEL; nothing depends on timing. */

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "attention-application.h"
#include "attention-compare-page.h"
#include "attention-export-dialog.h"
#include "attention-export-registry.h"
#include "attention-overview-page.h"
#include "attention-overview.h"
#include "attention-stats.h"
#include "attention-window-private.h"
#include "test-private-home.h"
#include "test-window-common.h"

#define SENTENCE "The animal didn't cross the street because it was too [MASK]."

static AttentionApplication *app;
static AttentionWindow *window;

static AttentionOverview *
overview (void)
{
  return template_child (adw_view_stack_get_child_by_name (window->view_stack, "overview"),
                         ATTENTION_TYPE_OVERVIEW_PAGE, "overview");
}

static AttentionComparePage *
compare_page (void)
{
  return ATTENTION_COMPARE_PAGE (adw_view_stack_get_child_by_name (window->view_stack, "compare"));
}

/* The second sentence's view (right) and the window sentence's (left). */
static AttentionView *
compare_view (const char *side)
{
  return template_child (compare_page (), ATTENTION_TYPE_COMPARE_PAGE, side);
}

static const char *
pattern_text (void)
{
  return gtk_label_get_text (
      template_child (window->sidebar, ATTENTION_TYPE_SIDEBAR, "pattern_label"));
}

static gboolean
idle (void)
{
  return !attention_window_get_busy (window) && !attention_selection_get_busy (window->selection) &&
         !attention_compare_page_get_busy (compare_page ());
}

static gboolean
view_allocated (void)
{
  AttentionView *view = test_window_view (window);

  return gtk_widget_get_mapped (GTK_WIDGET (view)) && attention_view_get_cell_size (view) > 0;
}

static gboolean
overview_allocated (void)
{
  GtkWidget *widget = GTK_WIDGET (overview ());

  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

static gboolean
compare_allocated (void)
{
  AttentionView *view = compare_view ("view");

  return gtk_widget_get_mapped (GTK_WIDGET (view)) && attention_view_get_cell_size (view) > 0;
}

static gboolean
flap_closed (void)
{
  return adw_flap_get_reveal_progress (window->flap) == 0;
}

static gboolean
action_state (const char *name)
{
  g_autoptr (GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (window), name);

  return g_variant_get_boolean (state);
}

/* The whole window as drawn, optionally saved. */
static GdkTexture *
render_window (const char *save_to)
{
  return attention_test_render_window (GTK_WINDOW (window), window->stack, save_to);
}

static void
test_run (void)
{
  wait_for (idle);
  gtk_editable_set_text (GTK_EDITABLE (window->entry), SENTENCE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  wait_for (idle);
  g_assert_nonnull (test_window_result (window));
  wait_for (view_allocated);
  /* The strongest pattern of the shown head is named, or said to be none. */
  {
    const char *text = pattern_text ();

    g_assert_true (strstr (text, "mostly attends to") != NULL ||
                   strstr (text, "shows no single pattern") != NULL);
  }
}

static void
test_overview (void)
{
  AttentionOverview *grid = overview ();
  AttentionView *view = test_window_view (window);
  GtkEventController *click;
  double x, y;

  g_assert_false (action_state ("overview"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.overview", NULL));
  g_assert_true (action_state ("overview"));
  wait_for (overview_allocated);
  g_assert_true (attention_overview_get_result (grid) == test_window_result (window));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (grid)));

  /* A click on a thumbnail moves the sliders and the view, and opens the
   * head in the single-head view. */
  click = find_controller (GTK_WIDGET (grid), GTK_TYPE_GESTURE_CLICK);
  g_assert_true (attention_overview_get_thumbnail_center (grid, 1, 2, &x, &y));
  g_signal_emit_by_name (click, "pressed", 1, x, y);
  g_assert_cmpuint (attention_view_get_layer (view), ==, 1);
  g_assert_cmpuint (attention_view_get_head (view), ==, 2);
  g_assert_cmpfloat (gtk_range_get_value (GTK_RANGE (window->layer_scale)), ==, 2);
  g_assert_cmpfloat (gtk_range_get_value (GTK_RANGE (window->head_scale)), ==, 3);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->view_stack), ==, "single");
  g_assert_false (action_state ("overview"));

  /* Back in the grid: arrows only move the selection, Enter opens it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.overview", NULL));
  wait_for (overview_allocated);
  {
    GtkEventController *keys = find_controller (GTK_WIDGET (grid), GTK_TYPE_EVENT_CONTROLLER_KEY);
    gboolean handled = FALSE;

    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Left, 0, 0, &handled);
    g_assert_true (handled);
    g_assert_cmpuint (attention_view_get_head (view), ==, 1);
    g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->view_stack), ==, "overview");
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Return, 0, 0, &handled);
    g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->view_stack), ==, "single");
    g_assert_cmpuint (attention_view_get_head (view), ==, 1);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.overview", NULL));
  wait_for (overview_allocated);

  /* The sliders move the outline. */
  gtk_range_set_value (GTK_RANGE (window->head_scale), 1);
  g_assert_cmpuint (attention_overview_get_head (grid), ==, 0);

  if (g_getenv ("ATTENTION_SCREENSHOT_OVERVIEW") != NULL)
    {
      g_autoptr (GdkTexture) shot = NULL;

      attention_selection_set_score (window->selection, ATTENTION_PATTERN_PREVIOUS);
      shot = render_window (g_getenv ("ATTENTION_SCREENSHOT_OVERVIEW"));
      attention_selection_set_score (window->selection, -1);
    }

  /* The same action (Ctrl+G) goes back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.overview", NULL));
  g_assert_false (action_state ("overview"));
  wait_for (view_allocated);
}

static char *
expected_hover (const float *matrix, guint row, guint col)
{
  AttentionResult *result = test_window_result (window);
  guint n = attention_result_get_n_tokens (result);

  return g_strdup_printf ("%s → %s: %.4f", attention_result_get_token (result, row),
                          attention_result_get_token (result, col), matrix[row * n + col]);
}

static void
test_aggregates (void)
{
  AttentionView *view = test_window_view (window);
  AttentionResult *result = test_window_result (window);
  guint layer = attention_view_get_layer (view);
  const AttentionAggregate aggregates[] = { ATTENTION_AGGREGATE_LAYER_MEAN,
                                            ATTENTION_AGGREGATE_ALL_MEAN,
                                            ATTENTION_AGGREGATE_ROLLOUT };
  double x, y;

  g_assert_true (attention_view_get_cell_center (view, 2, 1, &x, &y));
  for (guint k = 0; k < G_N_ELEMENTS (aggregates); k++)
    {
      g_autofree float *want = attention_stats_compute (result, aggregates[k], layer, 0, FALSE);
      g_autofree char *text = expected_hover (want, 2, 1);

      attention_selection_set_aggregate (window->selection, aggregates[k]);
      wait_for (idle);
      g_assert_true (attention_canvas_hover_at (ATTENTION_CANVAS (view), x, y));
      g_assert_cmpstr (attention_canvas_get_hover_text (ATTENTION_CANVAS (view)), ==, text);
    }

  /* Hiding [CLS]/[SEP]: their rows and columns go, the rest is renormalised.
   * The sentence's tokens 1 … n − 2 are left: cell (2, 1) is token 3 → token
   * 2, its weight over the sum of row 3's weights to tokens 1 … n − 2. */
  attention_selection_set_aggregate (window->selection, ATTENTION_AGGREGATE_HEAD);
  attention_selection_set_hide_special (window->selection, TRUE);
  wait_for (idle);
  wait_for (view_allocated);
  {
    guint n = attention_result_get_n_tokens (result);
    const float *a = attention_result_get_matrix (result, layer, attention_view_get_head (view));
    g_autofree char *text = NULL;
    double sum = 0;

    g_assert_cmpstr (attention_result_get_token (result, 0), ==, "[CLS]");
    g_assert_cmpstr (attention_result_get_token (result, n - 1), ==, "[SEP]");
    g_assert_cmpuint (attention_canvas_get_n_tokens (ATTENTION_CANVAS (view)), ==, n - 2);
    for (guint j = 1; j < n - 1; j++)
      sum += a[3 * n + j];
    text = g_strdup_printf ("%s → %s: %.4f", attention_result_get_token (result, 3),
                            attention_result_get_token (result, 2), a[3 * n + 2] / sum);
    g_assert_true (attention_view_get_cell_center (view, 2, 1, &x, &y));
    g_assert_true (attention_canvas_hover_at (ATTENTION_CANVAS (view), x, y));
    g_assert_cmpstr (attention_canvas_get_hover_text (ATTENTION_CANVAS (view)), ==, text);
  }
  attention_selection_set_hide_special (window->selection, FALSE);
  wait_for (idle);
  attention_canvas_hover_at (ATTENTION_CANVAS (view), -1, -1);
}

static void
test_pin (void)
{
  AttentionView *view = test_window_view (window);
  GtkEventController *click = find_controller (GTK_WIDGET (view), GTK_TYPE_GESTURE_CLICK);
  GtkEventController *keys = find_controller (GTK_WIDGET (view), GTK_TYPE_EVENT_CONTROLLER_KEY);
  gboolean handled = FALSE;
  double x, y;

  g_assert_cmpint (attention_canvas_get_pinned (ATTENTION_CANVAS (view)), ==, -1);
  /* On row 3's label, left of the grid. */
  g_assert_true (attention_view_get_cell_center (view, 3, 0, &x, &y));
  x -= attention_view_get_cell_size (view);
  g_signal_emit_by_name (click, "pressed", 1, x, y);
  g_assert_cmpint (attention_canvas_get_pinned (ATTENTION_CANVAS (view)), ==, 3);
  g_signal_emit_by_name (click, "pressed", 1, x, y);
  g_assert_cmpint (attention_canvas_get_pinned (ATTENTION_CANVAS (view)), ==, -1);

  /* By keyboard: T pins the next token, Escape unpins. */
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_t, 0, 0, &handled);
  g_assert_true (handled);
  g_assert_cmpint (attention_canvas_get_pinned (ATTENTION_CANVAS (view)), ==, 0);
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_t, 0, 0, &handled);
  g_assert_cmpint (attention_canvas_get_pinned (ATTENTION_CANVAS (view)), ==, 1);
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Escape, 0, 0, &handled);
  g_assert_cmpint (attention_canvas_get_pinned (ATTENTION_CANVAS (view)), ==, -1);
}

static void
test_compare (void)
{
  AttentionComparePage *compare = compare_page ();
  GtkEditable *entry = template_child (compare, ATTENTION_TYPE_COMPARE_PAGE, "entry");
  AttentionView *other = compare_view ("view");
  AttentionResult *result;

  g_assert_false (action_state ("compare"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.compare", NULL));
  g_assert_true (action_state ("compare"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->view_stack), ==, "compare");
  gtk_editable_set_text (entry, "The animal didn't cross the street because it was too wide.");
  g_signal_emit_by_name (entry, "activate");
  while (attention_compare_page_get_busy (compare))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (
      gtk_label_get_text (template_child (compare, ATTENTION_TYPE_COMPARE_PAGE, "status")), ==, "");
  result = attention_view_get_result (other);
  g_assert_nonnull (result);
  g_assert_cmpstr (attention_result_get_token (result, 1), ==, "the");

  /* Same layer/head as the main view, following the sliders. */
  gtk_range_set_value (GTK_RANGE (window->layer_scale), 3);
  gtk_range_set_value (GTK_RANGE (window->head_scale), 2);
  g_assert_cmpuint (attention_view_get_layer (other), ==, 2);
  g_assert_cmpuint (attention_view_get_head (other), ==, 1);

  /* The second sentence follows the aggregate too. */
  attention_selection_set_aggregate (window->selection, ATTENTION_AGGREGATE_LAYER_MEAN);
  wait_for (idle);
  {
    g_autofree float *mean =
        attention_stats_compute (result, ATTENTION_AGGREGATE_LAYER_MEAN, 2, 0, FALSE);
    guint n = attention_result_get_n_tokens (result);
    g_autofree char *want =
        g_strdup_printf ("%s → %s: %.4f", attention_result_get_token (result, 2),
                         attention_result_get_token (result, 1), mean[2 * n + 1]);
    double x, y;

    wait_for (compare_allocated);
    g_assert_true (attention_view_get_cell_center (other, 2, 1, &x, &y));
    g_assert_true (attention_canvas_hover_at (ATTENTION_CANVAS (other), x, y));
    g_assert_cmpstr (attention_canvas_get_hover_text (ATTENTION_CANVAS (other)), ==, want);
    attention_canvas_hover_at (ATTENTION_CANVAS (other), -1, -1);
  }

  /* Lined up on one scale: same cell size, grids at the same height, the
   * right one half the page further. */
  {
    AttentionView *left = compare_view ("main_view");
    graphene_rect_t a, b;
    graphene_point_t pa, pb;

    g_assert_true (attention_view_get_result (left) == test_window_result (window));
    g_assert_cmpfloat (attention_view_get_cell_size (left), ==,
                       attention_view_get_cell_size (other));
    g_assert_true (attention_view_get_matrix_bounds (left, &a));
    g_assert_true (attention_view_get_matrix_bounds (other, &b));
    g_assert_true (
        gtk_widget_compute_point (GTK_WIDGET (left), GTK_WIDGET (window), &a.origin, &pa));
    g_assert_true (
        gtk_widget_compute_point (GTK_WIDGET (other), GTK_WIDGET (window), &b.origin, &pb));
    g_test_message ("compare: grids at (%.0f, %.0f) and (%.0f, %.0f), cells %.0f px", pa.x, pa.y,
                    pb.x, pb.y, attention_view_get_cell_size (other));
    g_assert_cmpfloat (fabs (pa.y - pb.y), <, 1);
    g_assert_cmpfloat (fabs (a.origin.x - b.origin.x), <=, 1);
  }
  attention_selection_set_aggregate (window->selection, ATTENTION_AGGREGATE_HEAD);
  wait_for (idle);
  if (g_getenv ("ATTENTION_SCREENSHOT_COMPARE") != NULL)
    {
      g_autoptr (GdkTexture) shot = NULL;

      /* Sidebar closed (F9): the two matrices get the whole width. */
      adw_flap_set_reveal_flap (window->flap, FALSE);
      wait_for (flap_closed);
      wait_for (compare_allocated);
      shot = render_window (g_getenv ("ATTENTION_SCREENSHOT_COMPARE"));
      adw_flap_set_reveal_flap (window->flap, TRUE);
    }
  /* Ctrl+D again: back to the single head. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.compare", NULL));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->view_stack), ==, "single");
}

static guint
count_and_remove (const char *dir, const char *suffix)
{
  g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_str_has_suffix (name, suffix))
        n++;
      g_unlink (path);
    }
  return n;
}

static guint
count_check_buttons (GtkWidget *widget)
{
  guint n = GTK_IS_CHECK_BUTTON (widget) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_check_buttons (child);
  return n;
}

static void
test_export_formats (void)
{
  AttentionResult *result = test_window_result (window);
  guint heads = attention_result_get_n_layers (result) * attention_result_get_n_heads (result);
  g_autofree char *dir = g_dir_make_tmp ("attention-window-formats-XXXXXX", NULL);
  struct
  {
    const char *format;
    const char *suffix;
    guint files;
  } cases[] = {
    { "svg", ".svg", heads },
    { "pdf", ".pdf", heads + 1 },
    { "pdf-pages", "attention.pdf", 1 },
    { "overview-png", "attention-overview.png", 1 },
    { "overview-pdf", "attention-overview.pdf", 1 },
    { "npy", ".npy", 1 },
    { "json", ".json", 1 },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_action_group_change_action_state (G_ACTION_GROUP (window), "export-format",
                                          g_variant_new_string (cases[c].format));
      g_assert_cmpstr (attention_window_get_export_format (window), ==, cases[c].format);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-to", "s", dir));
      wait_for (idle);
      g_assert_cmpuint (count_and_remove (dir, cases[c].suffix), ==, cases[c].files);
    }
  /* Unknown formats are refused; the original set stays the default. */
  g_action_group_change_action_state (G_ACTION_GROUP (window), "export-format",
                                      g_variant_new_string ("gif"));
  g_assert_cmpstr (attention_window_get_export_format (window), ==, "json");
  g_action_group_change_action_state (G_ACTION_GROUP (window), "export-format",
                                      g_variant_new_string ("png"));

  /* Ctrl+E: one dialog lists every export of the core's list, and exports
   * what it chose into the folder it chose. */
  {
    guint n_kinds = 0;
    AttentionExportDialog *dialog;

    attention_export_kinds (&n_kinds);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-all", NULL));
    dialog = ATTENTION_EXPORT_DIALOG (window->export_dialog);
    g_assert_nonnull (dialog);
    /* One choice per kind: what the user sees is what the table holds. */
    g_assert_cmpuint (count_check_buttons (GTK_WIDGET (dialog)), ==, n_kinds);
    g_assert_cmpstr (attention_export_dialog_get_target (dialog), ==, "png");
    if (g_getenv ("ATTENTION_SCREENSHOT_EXPORT") != NULL)
      {
        g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (dialog));
        g_autoptr (GskRenderNode) node = NULL;
        g_autoptr (GdkTexture) texture = NULL;
        int w = 0, h = 0;

        while (node == NULL)
          {
            g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();

            g_main_context_iteration (NULL, TRUE);
            w = gdk_paintable_get_intrinsic_width (paintable);
            h = gdk_paintable_get_intrinsic_height (paintable);
            gdk_paintable_snapshot (paintable, snapshot, w, h);
            node = w > 0 && h > 0 ? gtk_snapshot_to_node (snapshot) : NULL;
          }
        texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (dialog)), node,
                                               &GRAPHENE_RECT_INIT (0, 0, w, h));
        g_assert_true (gdk_texture_save_to_png (texture, g_getenv ("ATTENTION_SCREENSHOT_EXPORT")));
      }
    g_assert_true (attention_export_dialog_set_target (dialog, "json"));
    g_assert_false (attention_export_dialog_set_target (dialog, "gif"));
    attention_export_dialog_set_folder (dialog, dir);
    attention_export_dialog_export (dialog);
    wait_for (idle);
    g_assert_null (window->export_dialog);
    g_assert_cmpuint (count_and_remove (dir, "attention.json"), ==, 1);
    g_assert_cmpstr (attention_window_get_export_format (window), ==, "json");
    g_action_group_change_action_state (G_ACTION_GROUP (window), "export-format",
                                        g_variant_new_string ("png"));
  }
  g_rmdir (dir);
}

/* Viridis on, the tired/wide pair side by side, the [MASK] row pinned: the
 * README picture. Checks the view's cells are coloured (not grey). */
static void
test_screenshot (void)
{
  AttentionView *view = test_window_view (window);
  const char *save_to = g_getenv ("ATTENTION_SCREENSHOT");
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  graphene_rect_t bounds;
  double origin_x, origin_y, x, y;
  int width = 0, height = 0, px, py;
  const guchar *p;

  attention_selection_set_colormap (window->selection, ATTENTION_COLORMAP_VIRIDIS);
  attention_canvas_set_pinned (
      ATTENTION_CANVAS (view),
      (int)attention_result_get_prediction_position (test_window_result (window), 0));
  wait_for (view_allocated);
  gtk_native_get_surface_transform (GTK_NATIVE (window), &origin_x, &origin_y);
  texture = render_window (save_to);
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  pixels = g_malloc ((gsize)width * height * 4);
  gdk_texture_download (texture, pixels, (gsize)width * 4);

  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (view), GTK_WIDGET (window), &bounds));
  g_assert_true (attention_view_get_cell_center (view, 1, 1, &x, &y));
  px = (int)(origin_x + bounds.origin.x + x);
  py = (int)(origin_y + bounds.origin.y + y);
  g_assert_true (px >= 0 && py >= 0 && px < width && py < height);
  p = pixels + ((gsize)py * width + px) * 4;
  /* Viridis has no greys: blue and green never equal red there. */
  g_assert_true (p[0] != p[1] || p[1] != p[2]);
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
  g_setenv ("ATTENTION_MODEL", g_getenv ("ATTENTION_TEST_MODEL"), TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  attention_test_private_home ();

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  /* No cursor blinking: its timer depends on focus events Xvfb without a
   * window manager does not always deliver, and on time. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  app = attention_test_application_new ();

  window = attention_window_new (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 780);
  gtk_window_present (GTK_WINDOW (window));

  /* Order matters: each test starts from the state the previous one left. */
  g_test_add_func ("/window-analysis/run", test_run);
  g_test_add_func ("/window-analysis/overview", test_overview);
  g_test_add_func ("/window-analysis/aggregates", test_aggregates);
  g_test_add_func ("/window-analysis/pin", test_pin);
  g_test_add_func ("/window-analysis/compare", test_compare);
  g_test_add_func ("/window-analysis/export-formats", test_export_formats);
  g_test_add_func ("/window-analysis/screenshot", test_screenshot);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  return status;
}
