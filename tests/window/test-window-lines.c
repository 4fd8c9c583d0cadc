/* test-window-lines.c: the lines view in the real AttentionWindow under Xvfb:
 * the Lines page of the header bar's view switcher (win.lines, Ctrl+K) and
 * its exchange with the other pages, the sidebar showing only what applies,
 * the layer and head sliders driving it (and following the legend), hovering a token (pointer
 * motion through the canvas' own controller) shows its lines only, a click pins, the head legend
 * overlays heads, the threshold, the lines export formats and saving what is shown. Needs
 * $ATTENTION_TEST_MODEL; nothing depends on timing. */

#include <glib/gstdio.h>
#include <stdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "attention-application.h"
#include "attention-compare-page.h"
#include "attention-export-registry.h"
#include "attention-lines-canvas.h"
#include "attention-lines-page.h"
#include "attention-window-private.h"
#include "test-private-home.h"
#include "test-window-common.h"

#define SENTENCE "The animal didn't cross the street because it was too [MASK]."

static AttentionApplication *app;
static AttentionWindow *window;
static guint frames_before;

static gboolean
idle (void)
{
  return !attention_window_get_busy (window) && !attention_selection_get_busy (window->selection) &&
         !attention_compare_page_get_busy (ATTENTION_COMPARE_PAGE (
             adw_view_stack_get_child_by_name (window->view_stack, "compare")));
}

static AttentionLinesPage *
lines (void)
{
  return ATTENTION_LINES_PAGE (adw_view_stack_get_child_by_name (window->view_stack, "lines"));
}

static AttentionLinesCanvas *
canvas (void)
{
  return template_child (lines (), ATTENTION_TYPE_LINES_PAGE, "canvas");
}

static gboolean
canvas_drawn (void)
{
  return gtk_widget_get_mapped (GTK_WIDGET (canvas ())) &&
         gtk_widget_get_height (GTK_WIDGET (canvas ())) > 0 &&
         attention_lines_canvas_get_n_frames (canvas ()) > frames_before;
}

/* Waits for a frame of the canvas drawn after now. */
static void
wait_frame (void)
{
  frames_before = attention_lines_canvas_get_n_frames (canvas ());
  gtk_widget_queue_draw (GTK_WIDGET (canvas ()));
  wait_for (canvas_drawn);
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
}

static const char *
page (void)
{
  return adw_view_stack_get_visible_child_name (window->view_stack);
}

/* Ctrl+K as the user presses it, through the window's shortcut controllers. */
static gboolean
press_ctrl_k (void)
{
  g_autoptr (GListModel) list = gtk_widget_observe_controllers (GTK_WIDGET (window));

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (GtkEventController) c = g_list_model_get_item (list, i);
      guint n;

      if (!GTK_IS_SHORTCUT_CONTROLLER (c))
        continue;
      n = g_list_model_get_n_items (G_LIST_MODEL (c));
      for (guint k = 0; k < n; k++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (c), k);
          g_autofree char *trigger =
              gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));

          if (g_strcmp0 (trigger, "<Control>k") == 0)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                 GTK_WIDGET (window), NULL);
        }
    }
  return FALSE;
}

static void
test_page (void)
{
  AdwViewStackPage *stack_page;

  /* One page of the switcher, beside the other three; no second switcher. */
  g_assert_nonnull (lines ());
  stack_page = adw_view_stack_get_page (window->view_stack, GTK_WIDGET (lines ()));
  g_assert_nonnull (stack_page);
  g_assert_cmpstr (adw_view_stack_page_get_name (stack_page), ==, "lines");
  g_assert_nonnull (adw_view_stack_page_get_icon_name (stack_page));
  g_assert_nonnull (adw_view_stack_get_child_by_name (window->view_stack, "single"));
  g_assert_nonnull (adw_view_stack_get_child_by_name (window->view_stack, "overview"));
  g_assert_nonnull (adw_view_stack_get_child_by_name (window->view_stack, "compare"));
  g_assert_false (action_state ("lines"));

  /* Ctrl+K goes there and gives the keyboard to the picture. */
  g_assert_true (press_ctrl_k ());
  g_assert_true (action_state ("lines"));
  g_assert_cmpstr (page (), ==, "lines");
  wait_frame ();
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (canvas ())));
  /* Again: back to the single head, as Ctrl+G and Ctrl+D do. */
  g_assert_true (press_ctrl_k ());
  g_assert_cmpstr (page (), ==, "single");
  g_assert_false (action_state ("lines"));

  /* The switcher itself (win.view) and the overview exchange the place. */
  g_action_group_change_action_state (G_ACTION_GROUP (window), "view",
                                      g_variant_new_string ("lines"));
  g_assert_true (action_state ("lines"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.overview", NULL));
  g_assert_true (action_state ("overview"));
  g_assert_false (action_state ("lines"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.lines", NULL));
  g_assert_false (action_state ("overview"));
  g_assert_true (action_state ("lines"));
  g_assert_cmpstr (page (), ==, "lines");

  /* Show (the matrix' aggregates) does not apply to the lines: a layer mean
   * chosen on the single head leaves both sliders live here. */
  attention_selection_set_aggregate (window->selection, ATTENTION_AGGREGATE_ALL_MEAN);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (GTK_RANGE (window->head_scale))));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (GTK_RANGE (window->layer_scale))));
  g_action_group_change_action_state (G_ACTION_GROUP (window), "view",
                                      g_variant_new_string ("single"));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (GTK_RANGE (window->head_scale))));
  attention_selection_set_aggregate (window->selection, ATTENTION_AGGREGATE_HEAD);
  g_action_group_change_action_state (G_ACTION_GROUP (window), "view",
                                      g_variant_new_string ("lines"));

  /* Colours follow the sidebar. */
  attention_selection_set_colormap (window->selection, ATTENTION_COLORMAP_VIRIDIS);
  {
    AttentionLinesStyle style;

    wait_frame ();
    attention_lines_canvas_get_style (canvas (), &style);
    g_assert_cmpint (style.colormap, ==, ATTENTION_COLORMAP_VIRIDIS);
  }
  attention_selection_set_colormap (window->selection, ATTENTION_COLORMAP_GRAY);
  wait_frame ();
}

static void
test_sliders (void)
{
  guint n_heads = attention_result_get_n_heads (test_window_result (window));
  g_autofree char *head_value = NULL;

  gtk_range_set_value (GTK_RANGE (window->layer_scale), 2);
  gtk_range_set_value (GTK_RANGE (window->head_scale), 3);
  g_assert_cmpuint (attention_lines_page_get_layer (lines ()), ==, 1);
  g_assert_cmpuint (attention_lines_page_get_heads (lines ()), ==, 1 << 2);
  /* Another layer keeps the heads overlaid in the legend. */
  attention_lines_page_set_heads (lines (), (1 << 2) | (1 << 0));
  gtk_range_set_value (GTK_RANGE (window->layer_scale), 1);
  g_assert_cmpuint (attention_lines_page_get_layer (lines ()), ==, 0);
  g_assert_cmpuint (attention_lines_page_get_heads (lines ()), ==, (1 << 2) | (1 << 0));
  /* The head row names every head drawn, and only the slider's elsewhere. */
  head_value = g_strdup_printf ("1, 3 of %u", n_heads);
  g_assert_cmpstr (gtk_label_get_label (window->head_value), ==, head_value);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "single"));
  g_clear_pointer (&head_value, g_free);
  head_value = g_strdup_printf ("3 of %u", n_heads);
  g_assert_cmpstr (gtk_label_get_label (window->head_value), ==, head_value);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "lines"));
  g_clear_pointer (&head_value, g_free);
  head_value = g_strdup_printf ("1, 3 of %u", n_heads);
  g_assert_cmpstr (gtk_label_get_label (window->head_value), ==, head_value);
  /* The slider's head switched off in the legend: the slider moves to a
   * drawn head and the overlay stays; one head left: the slider names it. */
  attention_lines_page_set_heads (lines (), (1 << 0) | (1 << 1));
  g_assert_cmpfloat (gtk_range_get_value (GTK_RANGE (window->head_scale)), ==, 1);
  g_assert_cmpuint (attention_lines_page_get_heads (lines ()), ==, (1 << 0) | (1 << 1));
  attention_lines_page_set_heads (lines (), 1 << 1);
  g_assert_cmpfloat (gtk_range_get_value (GTK_RANGE (window->head_scale)), ==, 2);
  gtk_range_set_value (GTK_RANGE (window->layer_scale), 2);
  gtk_range_set_value (GTK_RANGE (window->head_scale), 3);
  g_assert_cmpuint (attention_lines_page_get_heads (lines ()), ==, 1 << 2);
  wait_frame ();
}

static void
motion (double x, double y)
{
  GtkEventController *controller =
      find_controller (GTK_WIDGET (canvas ()), GTK_TYPE_EVENT_CONTROLLER_MOTION);

  g_signal_emit_by_name (controller, "motion", x, y);
}

static void
test_hover (void)
{
  AttentionResult *result = test_window_result (window);
  AttentionLinesStyle style;
  double x, y;
  guint index = 99;

  /* Over query token 2 ("animal"): only its lines, and words for it. */
  g_assert_true (
      attention_lines_canvas_get_token_center (canvas (), ATTENTION_LINES_QUERY, 2, &x, &y));
  motion (x, y);
  g_assert_cmpint (attention_lines_canvas_get_focus (canvas (), &index), ==, ATTENTION_LINES_QUERY);
  g_assert_cmpuint (index, ==, 2);
  g_assert_nonnull (strstr (attention_canvas_get_hover_text (ATTENTION_CANVAS (canvas ())),
                            attention_result_get_token (result, 2)));
  g_assert_nonnull (
      strstr (attention_canvas_get_hover_text (ATTENTION_CANVAS (canvas ())), "Query"));
  attention_lines_canvas_get_style (canvas (), &style);
  g_assert_cmpint (style.focus_side, ==, ATTENTION_LINES_QUERY);
  wait_frame ();

  /* Over a key token, then over the lines (nothing), then away. */
  g_assert_true (
      attention_lines_canvas_get_token_center (canvas (), ATTENTION_LINES_KEY, 4, &x, &y));
  motion (x, y);
  g_assert_cmpint (attention_lines_canvas_get_focus (canvas (), &index), ==, ATTENTION_LINES_KEY);
  g_assert_cmpuint (index, ==, 4);
  g_assert_nonnull (strstr (attention_canvas_get_hover_text (ATTENTION_CANVAS (canvas ())), "Key"));
  motion (gtk_widget_get_width (GTK_WIDGET (canvas ())) / 2.0, y);
  g_assert_cmpint (attention_lines_canvas_get_focus (canvas (), NULL), ==, ATTENTION_LINES_NONE);
  g_assert_cmpstr (attention_canvas_get_hover_text (ATTENTION_CANVAS (canvas ())), ==, "");
  g_signal_emit_by_name (find_controller (GTK_WIDGET (canvas ()), GTK_TYPE_EVENT_CONTROLLER_MOTION),
                         "leave");
  g_assert_cmpint (attention_lines_canvas_get_focus (canvas (), NULL), ==, ATTENTION_LINES_NONE);
}

static void
test_pin (void)
{
  GtkEventController *click = find_controller (GTK_WIDGET (canvas ()), GTK_TYPE_GESTURE_CLICK);
  gboolean handled = FALSE;
  double x, y, kx, ky;
  guint index = 99;

  /* A click on query 5 pins it: its lines stay when the pointer leaves. */
  g_assert_true (
      attention_lines_canvas_get_token_center (canvas (), ATTENTION_LINES_QUERY, 5, &x, &y));
  g_signal_emit_by_name (click, "pressed", 1, x, y);
  g_assert_cmpint (attention_lines_canvas_get_pinned (canvas (), &index), ==,
                   ATTENTION_LINES_QUERY);
  g_assert_cmpuint (index, ==, 5);
  g_signal_emit_by_name (find_controller (GTK_WIDGET (canvas ()), GTK_TYPE_EVENT_CONTROLLER_MOTION),
                         "leave");
  g_assert_cmpint (attention_lines_canvas_get_focus (canvas (), &index), ==, ATTENTION_LINES_QUERY);
  g_assert_cmpuint (index, ==, 5);

  /* Hovering another token shows that one meanwhile; the pin comes back. */
  g_assert_true (
      attention_lines_canvas_get_token_center (canvas (), ATTENTION_LINES_KEY, 1, &kx, &ky));
  motion (kx, ky);
  g_assert_cmpint (attention_lines_canvas_get_focus (canvas (), &index), ==, ATTENTION_LINES_KEY);
  g_signal_emit_by_name (find_controller (GTK_WIDGET (canvas ()), GTK_TYPE_EVENT_CONTROLLER_MOTION),
                         "leave");
  g_assert_cmpint (attention_lines_canvas_get_focus (canvas (), &index), ==, ATTENTION_LINES_QUERY);
  g_assert_cmpuint (index, ==, 5);
  wait_frame ();

  /* A second click lets go; Escape too. */
  g_signal_emit_by_name (click, "pressed", 1, x, y);
  g_assert_cmpint (attention_lines_canvas_get_pinned (canvas (), NULL), ==, ATTENTION_LINES_NONE);
  g_signal_emit_by_name (click, "pressed", 1, kx, ky);
  g_assert_cmpint (attention_lines_canvas_get_pinned (canvas (), &index), ==, ATTENTION_LINES_KEY);
  g_assert_cmpuint (index, ==, 1);
  g_signal_emit_by_name (find_controller (GTK_WIDGET (canvas ()), GTK_TYPE_EVENT_CONTROLLER_KEY),
                         "key-pressed", GDK_KEY_Escape, 0, 0, &handled);
  g_assert_true (handled);
  g_assert_cmpint (attention_lines_canvas_get_pinned (canvas (), NULL), ==, ATTENTION_LINES_NONE);
}

static void
test_overlay_and_threshold (void)
{
  AttentionResult *result = test_window_result (window);
  guint n_heads = attention_result_get_n_heads (result);
  AttentionLinesStyle style;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.lines", NULL));
  g_assert_false (action_state ("lines"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.lines", NULL));
  g_assert_cmpstr (page (), ==, "lines");
  /* Every head of the layer at once, then back to the slider's one. */
  attention_lines_page_set_heads (lines (), (1u << n_heads) - 1);
  g_assert_cmpuint (attention_lines_page_get_heads (lines ()), ==, (1u << n_heads) - 1);
  wait_frame ();
  gtk_range_set_value (GTK_RANGE (window->head_scale), 1);
  g_assert_cmpuint (attention_lines_page_get_heads (lines ()), ==, 1);
  /* No head is not a choice: the last one stays. */
  attention_lines_page_set_heads (lines (), 0);
  g_assert_cmpuint (attention_lines_page_get_heads (lines ()), ==, 1);

  attention_lines_page_set_threshold (lines (), 0.25);
  attention_lines_canvas_get_style (canvas (), &style);
  g_assert_cmpfloat_with_epsilon (style.threshold, 0.25, 1e-6);
  attention_lines_page_set_threshold (lines (), 0.05);
  wait_frame ();
}

/* Every head overlaid, a query token pinned: on screen, the canvas shows
 * lines in head colours (not grey) between its columns. */
static void
test_screenshot (void)
{
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  graphene_rect_t bounds;
  AttentionLinesStyle style;
  double origin_x, origin_y, qx, kx, y0;
  guint coloured = 0;
  int gap0, gap1;
  int width, height;

  attention_lines_page_set_heads (lines (), G_MAXUINT64);
  attention_lines_page_set_threshold (lines (), 0.02);
  attention_lines_canvas_set_pinned (
      canvas (), ATTENTION_LINES_QUERY,
      attention_result_get_prediction_position (test_window_result (window), 0));
  wait_frame ();
  gtk_native_get_surface_transform (GTK_NATIVE (window), &origin_x, &origin_y);
  texture = render_window (g_getenv ("ATTENTION_SCREENSHOT_LINES"));
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  pixels = g_malloc ((gsize)width * height * 4);
  gdk_texture_download (texture, pixels, (gsize)width * 4);

  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (canvas ()), GTK_WIDGET (window), &bounds));
  attention_lines_canvas_get_style (canvas (), &style);
  /* The gap between the columns, wherever the picture sits. */
  g_assert_true (
      attention_lines_canvas_get_token_center (canvas (), ATTENTION_LINES_QUERY, 0, &qx, &y0));
  g_assert_true (
      attention_lines_canvas_get_token_center (canvas (), ATTENTION_LINES_KEY, 0, &kx, &y0));
  gap0 = (int)(qx + style.label_width / 2) + 2;
  gap1 = (int)(kx - style.label_width / 2) - 40;
  for (int y = (int)(style.header + 2); y < bounds.size.height; y++)
    for (int x = gap0; x < gap1; x++)
      {
        int px = (int)(origin_x + bounds.origin.x + x), py = (int)(origin_y + bounds.origin.y + y);
        const guchar *p;

        if (px < 0 || py < 0 || px >= width || py >= height)
          continue;
        p = pixels + ((gsize)py * width + px) * 4;
        if (MAX (MAX (p[0], p[1]), p[2]) - MIN (MIN (p[0], p[1]), p[2]) > 40)
          coloured++;
      }
  g_assert_cmpuint (coloured, >, 200);
  attention_lines_canvas_set_pinned (canvas (), ATTENTION_LINES_NONE, 0);
  attention_lines_page_set_threshold (lines (), 0.05);
}

/* A new sentence keeps the heads overlaid in the legend. */
static void
test_keeps_overlay (void)
{
  attention_lines_page_set_heads (lines (), 5); /* heads 1 and 3 */
  gtk_editable_set_text (GTK_EDITABLE (window->entry), "A dog barked at the [MASK].");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  wait_for (idle);
  g_assert_cmpstr (attention_result_get_text (test_window_result (window)), ==,
                   "A dog barked at the [MASK].");
  g_assert_cmpuint (attention_lines_page_get_heads (lines ()), ==, 5);
  wait_frame ();
  gtk_editable_set_text (GTK_EDITABLE (window->entry), SENTENCE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  wait_for (idle);
  g_assert_cmpuint (attention_lines_page_get_heads (lines ()), ==, 5);
  attention_lines_page_set_heads (lines (), 1);
}

/* Escape lets go of the pin after the threshold's buttons took the focus
 * (the key reaches the page, not the canvas). */
static void
test_escape_after_threshold (void)
{
  GtkWidget *spin = template_child (lines (), ATTENTION_TYPE_LINES_PAGE, "threshold_spin");
  gboolean handled = FALSE;

  attention_lines_canvas_set_pinned (canvas (), ATTENTION_LINES_QUERY, 3);
  gtk_spin_button_spin (GTK_SPIN_BUTTON (spin), GTK_SPIN_STEP_FORWARD, 0.01);
  gtk_widget_grab_focus (spin);
  g_assert_false (gtk_widget_has_focus (GTK_WIDGET (canvas ())));
  g_signal_emit_by_name (find_controller (GTK_WIDGET (lines ()), GTK_TYPE_EVENT_CONTROLLER_KEY),
                         "key-pressed", GDK_KEY_Escape, 0, 0, &handled);
  g_assert_true (handled);
  g_assert_cmpint (attention_lines_canvas_get_pinned (canvas (), NULL), ==, ATTENTION_LINES_NONE);
  attention_lines_page_set_threshold (lines (), 0.05);
}

static guint
count_and_remove (const char *dir, const char *prefix)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_str_has_prefix (name, prefix))
        n++;
      g_unlink (path);
    }
  return n;
}

static void
test_export (void)
{
  AttentionResult *result = test_window_result (window);
  guint heads = attention_result_get_n_layers (result) * attention_result_get_n_heads (result);
  g_autofree char *dir = g_dir_make_tmp ("attention-window-lines-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "overlay.png", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  const char *formats[] = { "lines-png", "lines-svg", "lines-pdf" };
  gsize length = 0;

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      /* A row of the export dialog (Ctrl+E), as every other export. */
      g_assert_nonnull (attention_export_kind_find (formats[f]));
      g_action_group_change_action_state (G_ACTION_GROUP (window), "export-format",
                                          g_variant_new_string (formats[f]));
      g_assert_cmpstr (attention_window_get_export_format (window), ==, formats[f]);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-to", "s", dir));
      wait_for (idle);
      g_assert_cmpuint (count_and_remove (dir, "Lines_Layer"), ==, heads);
    }
  g_action_group_change_action_state (G_ACTION_GROUP (window), "export-format",
                                      g_variant_new_string ("png"));

  /* What the view shows, overlay included, as one picture in each format. */
  attention_lines_page_set_heads (lines (), 3);
  g_assert_true (attention_lines_page_export (lines (), ATTENTION_EXPORT_PNG, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 8);
  g_assert_cmpint (memcmp (contents, "\x89PNG", 4), ==, 0);
  g_unlink (path);
  g_clear_pointer (&contents, g_free);
  g_assert_true (attention_lines_page_export (lines (), ATTENTION_EXPORT_SVG, path, &error));
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_nonnull (strstr (contents, "<svg"));
  g_unlink (path);
  g_clear_pointer (&contents, g_free);
  g_assert_true (attention_lines_page_export (lines (), ATTENTION_EXPORT_PDF, path, &error));
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpint (memcmp (contents, "%PDF", 4), ==, 0);
  g_unlink (path);
  g_rmdir (dir);
}

/* Lines uses its room: a sentence that fits is drawn larger to fill the
 * canvas' height (up to 1.5 times its rows of 24 px), and the columns stand
 * apart by a share of their height, not 640 px with most of the canvas
 * empty between flat lines. */
static void
test_uses_room (void)
{
  AttentionLinesStyle style;
  guint n = attention_result_get_n_tokens (test_window_result (window));
  double height, qx, kx, y_first, y_last, gap, column, drawn;

  wait_frame ();
  height = gtk_widget_get_height (GTK_WIDGET (canvas ()));
  attention_lines_canvas_get_style (canvas (), &style);
  g_assert_true (
      attention_lines_canvas_get_token_center (canvas (), ATTENTION_LINES_QUERY, 0, &qx, &y_first));
  g_assert_true (attention_lines_canvas_get_token_center (canvas (), ATTENTION_LINES_KEY, n - 1,
                                                          &kx, &y_last));
  column = y_last - y_first + style.row_height;
  gap = (kx - style.label_width / 2) - (qx + style.label_width / 2);
  drawn = style.header + column;
  g_assert_cmpfloat (gap, <, 600);
  g_assert_cmpfloat (gap, <=, column);
  g_assert_cmpfloat (drawn, <=, height);
  g_assert_cmpfloat (drawn, >=, MIN (0.8 * height, 1.5 * (32 + 24.0 * n) - 1));
  /* The labels grow with the rows. */
  g_assert_cmpfloat (style.font_size / style.row_height, ==, 13.0 / 24.0);
}

int
main (int argc, char **argv)
{
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

  app = attention_test_application_new ();

  window = attention_window_new (GTK_APPLICATION (app));
  /* ATTENTION_SCREENSHOT_SIZE="1000x780" for the README picture. */
  {
    int w = 1280, h = 1000;

    if (g_getenv ("ATTENTION_SCREENSHOT_SIZE") != NULL)
      g_assert_cmpint (sscanf (g_getenv ("ATTENTION_SCREENSHOT_SIZE"), "%dx%d", &w, &h), ==, 2);
    gtk_window_set_default_size (GTK_WINDOW (window), w, h);
  }
  gtk_window_present (GTK_WINDOW (window));

  /* Order matters: each test starts from the state the previous one left. */
  g_test_add_func ("/window-lines/run", test_run);
  g_test_add_func ("/window-lines/page", test_page);
  g_test_add_func ("/window-lines/uses-room", test_uses_room);
  g_test_add_func ("/window-lines/sliders", test_sliders);
  g_test_add_func ("/window-lines/hover", test_hover);
  g_test_add_func ("/window-lines/pin", test_pin);
  g_test_add_func ("/window-lines/overlay-and-threshold", test_overlay_and_threshold);
  g_test_add_func ("/window-lines/screenshot", test_screenshot);
  g_test_add_func ("/window-lines/export", test_export);
  g_test_add_func ("/window-lines/keeps-overlay", test_keeps_overlay);
  g_test_add_func ("/window-lines/escape-after-threshold", test_escape_after_threshold);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  return status;
}
