/* test-window-fit.c: what used to be cut off or run together now fits, in
 * the real window under Xvfb with the demo model (data/models): its name in
 * the header bar at 1000 px and wider, the axis titles on a long sentence,
 * the sidebar's "Show" choice, "+2 more" for candidates a narrow window
 * hides, the sidebar folding into an overlay below 900 px, the matrix's
 * room at 800 × 600, and error
 * dialogs that say what to do next. */

#include <glib/gi18n.h>
#include <gtk/gtk.h>
#include <string.h>

#include "attention-application.h"
#include "attention-compare-page.h"
#include "attention-stats.h"
#include "attention-models-dialog.h"
#include "attention-sidebar.h"
#include "attention-window-private.h"
#include "test-private-home.h"
#include "test-window-common.h"

#define SENTENCE "The cat sat on the [MASK]."

static AttentionApplication *app;
static const char *language; /* --language: NULL for English */
static AttentionWindow *window;
static int want_width, want_height;

static gboolean
idle (void)
{
  return !attention_window_get_busy (window) && !attention_selection_get_busy (window->selection);
}

static gboolean
sized (void)
{
  return gtk_widget_get_width (GTK_WIDGET (window)) <= want_width + 60 &&
         gtk_widget_get_width (GTK_WIDGET (window)) >= want_width - 60 &&
         gtk_widget_get_height (GTK_WIDGET (window)) >= want_height - 60;
}

static void
resize (int width, int height)
{
  want_width = width;
  want_height = height;
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  wait_for (sized);
  attention_test_wait_frames (GTK_WIDGET (window), 3, TRUE);
}

static void
run_sentence (const char *text)
{
  wait_for (idle);
  gtk_editable_set_text (GTK_EDITABLE (window->entry), text);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  wait_for (idle);
  g_assert_cmpstr (attention_result_get_text (test_window_result (window)), ==, text);
}

/* Whole: mapped, and not cut short with an ellipsis. */
static void
assert_whole (GtkLabel *label, const char *text)
{
  g_assert_cmpstr (gtk_label_get_text (label), ==, text);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (label)));
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (label)));
}

static void
test_model_name (void)
{
  const int widths[] = { 1000, 1280 };

  wait_for (idle);
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      resize (widths[i], 780);
      assert_whole (window->model_label, "Demo model");
      assert_whole (window->model_note, "not Google’s BERT");
    }
}

/* No label drawn under WIDGET is cut short with an ellipsis. */
static gboolean
labels_whole (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (widget))))
    {
      g_test_message ("cut: “%s”", gtk_label_get_text (GTK_LABEL (widget)));
      return FALSE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (!labels_whole (child))
      return FALSE;
  return TRUE;
}

/* Six pages in the header bar (in English, and in Spanish with
 * --language es): at 1000 px and wider the switcher, every page's title
 * whole, beside the model's name; narrower, the title and its subtitle
 * name the model. Whichever shows stays: the name coming back cannot push
 * the switcher out (the two used to take turns). */
static void
test_switcher (void)
{
  /* The default width first: run alone (window-fit-es), the window has
   * only just been mapped, and a resize then can be lost to the map's own
   * configure event. */
  const int widths[] = { 1000, 1280, 900, 800, 1000 };

  wait_for (idle);
  attention_test_wait_frames (GTK_WIDGET (window), 5, TRUE);
  /* Translated indeed, not English again. */
  g_test_message ("model: “%s”, “%s”", gtk_label_get_text (window->model_label),
                  gtk_label_get_text (window->model_note));
  if (language != NULL)
    g_assert_cmpstr (gtk_label_get_text (window->model_label), !=, "Demo model");
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      gboolean title;

      resize (widths[i], 780);
      attention_test_wait_frames (GTK_WIDGET (window), 5, TRUE);
      title = adw_view_switcher_title_get_title_visible (window->switcher_title);
      g_test_message ("%d px: %s", gtk_widget_get_width (GTK_WIDGET (window)),
                      title ? "title" : "switcher");
      attention_test_wait_frames (GTK_WIDGET (window), 10, TRUE);
      g_assert_cmpint (adw_view_switcher_title_get_title_visible (window->switcher_title), ==,
                       title);
      if (widths[i] >= 1000)
        g_assert_false (title);
      if (title)
        {
          g_assert_false (gtk_widget_get_visible (window->model_box));
          g_assert_cmpstr (adw_view_switcher_title_get_subtitle (window->switcher_title), !=, "");
        }
      else
        {
          g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window->model_label)));
          g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window->model_note)));
          g_assert_true (labels_whole (window->model_box));
          g_assert_true (labels_whole (GTK_WIDGET (window->switcher_title)));
        }
    }
}

static gboolean
view_allocated (void)
{
  AttentionView *view = test_window_view (window);

  return gtk_widget_get_mapped (GTK_WIDGET (view)) && attention_view_get_cell_size (view) > 0;
}

/* 60 words: the smallest labels; the titles stay at 9 px or more, and fit
 * left of the grid. */
static void
test_axis_titles (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  AttentionView *view = test_window_view (window);
  graphene_rect_t grid;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, 1, 1);
  cairo_t *cr = cairo_create (surface);
  cairo_text_extents_t ext;
  double size;

  for (int i = 0; i < 60; i++)
    g_string_append (text, i % 2 ? "dog " : "cat ");
  g_string_append (text, "[MASK].");
  run_sentence (text->str);
  wait_for (view_allocated);
  size = attention_view_get_axis_title_size (view);
  g_assert_cmpfloat (size, >=, 9.0);
  g_assert_true (attention_view_get_matrix_bounds (view, &grid));
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
  cairo_text_extents (cr, "Query (attending) ↓", &ext);
  g_assert_cmpfloat (ext.x_advance, <, grid.origin.x);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* "Mean of the layer’s heads" on a line of its own, whole. */
static void
test_show_choice (void)
{
  AdwComboRow *row = template_child (window->sidebar, ATTENTION_TYPE_SIDEBAR, "aggregate_row");

  g_assert_true (adw_combo_row_get_use_subtitle (row));
  adw_combo_row_set_selected (row, 1);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "Mean of the layer’s heads");
  adw_combo_row_set_selected (row, 0);
  wait_for (idle);
}

/* Candidates a narrow window has no room for are counted, not dropped in
 * silence; all shown: no count. */
static void
test_more (void)
{
  guint shown = 0, total;
  g_autofree char *want = NULL;
  const char *more;

  run_sentence (SENTENCE);
  resize (600, 500);
  total = attention_predictions_get_n_buttons (window->predictions);
  g_assert_cmpuint (total, ==, 5);
  for (guint c = 0; c < total; c++)
    shown +=
        gtk_widget_get_child_visible (attention_predictions_get_button (window->predictions, 0, c));
  g_assert_cmpuint (shown, <, total);
  g_assert_cmpuint (shown, >=, 1);
  want = g_strdup_printf ("+%u more", total - shown);
  more = attention_predictions_get_more (window->predictions, 0);
  g_assert_cmpstr (more, ==, want);

  resize (1280, 780);
  for (guint c = 0; c < total; c++)
    g_assert_true (gtk_widget_get_child_visible (
        attention_predictions_get_button (window->predictions, 0, c)));
  g_assert_null (attention_predictions_get_more (window->predictions, 0));
}

/* Below 900 px the sidebar is an overlay (it does not take the matrix's
 * room); wider, it is docked beside it. */
static void
test_fold (void)
{
  resize (1000, 780);
  g_assert_false (adw_flap_get_folded (window->flap));
  resize (850, 700);
  g_assert_true (adw_flap_get_folded (window->flap));
  resize (1000, 780);
  g_assert_false (adw_flap_get_folded (window->flap));
}

/* At 800 × 600 the matrix gets the room: the column labels' band is as
 * deep as the labels and the axis titles' lines, not as deep as "Query
 * (attending) ↓" is wide, which left about 80 px empty above the labels and
 * a matrix of about 57 % of the view's height. */
static void
test_matrix_room (void)
{
  AttentionView *view = test_window_view (window);
  graphene_rect_t grid;
  double height;

  g_action_group_change_action_state (G_ACTION_GROUP (window), "view",
                                      g_variant_new_string ("single"));
  resize (800, 600);
  run_sentence ("The animal did not cross the street because it was too [MASK].");
  wait_for (view_allocated);
  attention_test_wait_frames (GTK_WIDGET (window), 3, TRUE);
  g_assert_true (attention_view_get_matrix_bounds (view, &grid));
  height = gtk_widget_get_height (GTK_WIDGET (view));
  g_test_message ("matrix %.0f px of a %.0f px view at 800 × 600", grid.size.height, height);
  g_assert_cmpfloat (grid.size.height, >=, 0.68 * height);
  /* The axis titles keep their place, above the row labels. */
  g_assert_cmpfloat (attention_view_get_axis_title_size (view), >=, 9);
  resize (1000, 780);
  run_sentence (SENTENCE);
}

static gboolean
models_dialog_open (void)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* not ours */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, ATTENTION_TYPE_MODELS_DIALOG))
        return TRUE;
    }
  return FALSE;
}

static void
close_models_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* not ours */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, ATTENTION_TYPE_MODELS_DIALOG))
        gtk_window_destroy (GTK_WINDOW (w));
    }
}

/* A model that cannot load: the dialog says what to do, and its button
 * does it (Get Models opens). */
static void
test_error_next (void)
{
  g_autofree char *missing = g_build_filename (g_get_home_dir (), "missing.pt", NULL);
  const char *body;

  wait_for (idle);
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (window), "win.open-model-file", "s", missing));
  wait_for (idle);
  g_assert_nonnull (window->error_dialog);
  body = adw_message_dialog_get_body (window->error_dialog);
  g_assert_nonnull (strstr (body, "missing.pt"));
  g_assert_nonnull (strstr (body, "Get Models"));
  g_assert_true (adw_message_dialog_has_response (window->error_dialog, "next"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (window->error_dialog, "next"), ==,
                   "_Get Models…");
  g_assert_false (models_dialog_open ());
  adw_message_dialog_response (window->error_dialog, "next");
  g_assert_true (models_dialog_open ());
  close_models_dialog ();
}

static gboolean
compare_idle (void)
{
  return idle () && !attention_compare_page_get_busy (ATTENTION_COMPARE_PAGE (
                        adw_view_stack_get_child_by_name (window->view_stack, "compare")));
}

static void
shoot (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GdkTexture) texture = NULL;

  /* Buttons fade between states (Adwaita's transitions): let them end. */
  attention_test_run_for (500);
  attention_test_wait_frames (GTK_WIDGET (window), 3, TRUE);
  texture = attention_test_render_window (GTK_WINDOW (window), window->stack, path);
  g_test_message ("saved %s", path);
}

/* The README's pictures, at 1280 × 800 on the demo model, when
 * $ATTENTION_SCREENSHOT_DIR names a folder (docs/ in the source tree);
 * nothing is checked here, only drawn. */
static void
test_screenshots (void)
{
  const char *dir = g_getenv ("ATTENTION_SCREENSHOT_DIR");
  GtkWidget *compare;

  if (dir == NULL)
    {
      g_test_skip ("$ATTENTION_SCREENSHOT_DIR is not set");
      return;
    }
  resize (1280, 800);
  adw_flap_set_reveal_flap (window->flap, TRUE);
  run_sentence ("The cat sat on the [MASK] .");
  g_action_group_change_action_state (G_ACTION_GROUP (window), "view",
                                      g_variant_new_string ("single"));
  attention_selection_set_layer (window->selection, 0);
  attention_selection_set_head (window->selection, 0);
  wait_for (idle);
  shoot (dir, "screenshot.png");

  attention_selection_set_score (window->selection, ATTENTION_PATTERN_PREVIOUS);
  g_action_group_change_action_state (G_ACTION_GROUP (window), "view",
                                      g_variant_new_string ("overview"));
  wait_for (idle);
  shoot (dir, "analysis-overview.png");

  run_sentence ("The animal didn't cross the street because it was too [MASK].");
  g_action_group_change_action_state (G_ACTION_GROUP (window), "view",
                                      g_variant_new_string ("compare"));
  compare = adw_view_stack_get_child_by_name (window->view_stack, "compare");
  gtk_editable_set_text (
      GTK_EDITABLE (template_child (compare, ATTENTION_TYPE_COMPARE_PAGE, "entry")),
      "The animal didn't cross the road because it was too [MASK].");
  g_signal_emit_by_name (template_child (compare, ATTENTION_TYPE_COMPARE_PAGE, "entry"),
                         "activate");
  wait_for (compare_idle);
  attention_selection_set_layer (window->selection, 2);
  attention_selection_set_head (window->selection, 1);
  wait_for (compare_idle);
  shoot (dir, "analysis-compare.png");
  gtk_toggle_button_set_active (
      template_child (compare, ATTENTION_TYPE_COMPARE_PAGE, "difference_button"), TRUE);
  wait_for (compare_idle);
  shoot (dir, "analysis-difference.png");
  gtk_toggle_button_set_active (
      template_child (compare, ATTENTION_TYPE_COMPARE_PAGE, "sides_button"), TRUE);

  g_action_group_change_action_state (G_ACTION_GROUP (window), "view",
                                      g_variant_new_string ("single"));
}

int
main (int argc, char **argv)
{
  g_autofree char *demo = NULL;
  int status;

  /* --language es: the window in Spanish, from the build tree's catalog
   * (before GTK reads the locale). */
  if (argc > 2 && strcmp (argv[1], "--language") == 0)
    {
      language = argv[2];
      g_setenv ("LANGUAGE", language, TRUE);
      bindtextdomain (GETTEXT_PACKAGE, BUILD_ROOT "/po");
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
      argv[2] = argv[0];
      argv += 2;
      argc -= 2;
    }
  g_test_init (&argc, &argv, NULL);
  demo = g_test_build_filename (G_TEST_DIST, "..", "..", "data", "models", "demo-bert.pt", NULL);
  if (!g_file_test (demo, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("no demo model at %s\n", demo);
      return 1;
    }
  g_setenv ("ATTENTION_MODEL", demo, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  attention_test_private_home ();

  gtk_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  app = attention_test_application_new ();

  window = attention_window_new (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 780);
  gtk_window_present (GTK_WINDOW (window));

  /* Order matters: each test starts from the state the previous one left. */
  g_test_add_func ("/window-fit/model-name", test_model_name);
  g_test_add_func ("/window-fit/switcher", test_switcher);
  g_test_add_func ("/window-fit/axis-titles", test_axis_titles);
  g_test_add_func ("/window-fit/show-choice", test_show_choice);
  g_test_add_func ("/window-fit/more", test_more);
  g_test_add_func ("/window-fit/fold", test_fold);
  g_test_add_func ("/window-fit/matrix-room", test_matrix_room);
  g_test_add_func ("/window-fit/error-next", test_error_next);
  g_test_add_func ("/window-fit/screenshots", test_screenshots);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  return status;
}
