/* test-window-ask.c: asking the model in the real AttentionWindow under
 * Xvfb. "Mask this token" from a token's context menu (a right-click in
 * Lines through the canvas's own gesture; Shift+F10 and the Menu key on the
 * matrix's pinned token), every word piece of the word masked and the
 * predictions naming the word, [CLS] offered nothing to mask and refused
 * with the shown result kept, Restore; Every Position's guesses in the
 * matrix's read-out and under Lines' tokens. Needs $ATTENTION_TEST_MODEL; nothing
 * depends on timing. */

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <stdio.h>
#include <string.h>

#include "attention-application.h"
#include "attention-importance-panel.h"
#include "attention-overview-page.h"
#include "attention-overview.h"
#include "attention-lines-canvas.h"
#include "attention-lines-page.h"
#include "attention-single-page.h"
#include "attention-window-private.h"
#include "test-private-home.h"
#include "test-window-common.h"

/* "walked" and "quickly" are two word pieces each in the test model's
 * vocabulary (tools/attention_testmodel.py: "walk" + "##ed", "quick" +
 * "##ly"). */
#define SENTENCE "The cat walked quickly to paris."

static AttentionApplication *app;
static AttentionWindow *window;

static gboolean
idle (void)
{
  return !attention_window_get_busy (window) && !attention_selection_get_busy (window->selection);
}

static AttentionLinesCanvas *
lines_canvas (void)
{
  GtkWidget *page = adw_view_stack_get_child_by_name (window->view_stack, "lines");

  return template_child (page, ATTENTION_TYPE_LINES_PAGE, "canvas");
}

/* The canvas's right-click gesture. */
static GtkEventController *
secondary_click (GtkWidget *widget)
{
  g_autoptr (GListModel) list = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (GtkEventController) c = g_list_model_get_item (list, i);

      if (GTK_IS_GESTURE_CLICK (c) &&
          gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (c)) == GDK_BUTTON_SECONDARY)
        return c;
    }
  g_assert_not_reached ();
}

/* The context menu a canvas opened (its popover child), or NULL. */
static GtkPopover *
open_menu (GtkWidget *canvas)
{
  for (GtkWidget *c = gtk_widget_get_first_child (canvas); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_POPOVER_MENU (c) && gtk_widget_get_visible (c))
      return GTK_POPOVER (c);
  return NULL;
}

/* The menu's items as "action(target)" joined by spaces. */
static char *
describe_menu (GtkPopover *popover)
{
  GMenuModel *model = gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (popover));
  GString *out = g_string_new (NULL);

  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *action = NULL;
      g_autoptr (GVariant) target =
          g_menu_model_get_item_attribute_value (model, i, G_MENU_ATTRIBUTE_TARGET, NULL);

      g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &action);
      g_string_append_printf (out, "%s%s", i > 0 ? " " : "", action);
      if (target != NULL && g_variant_is_of_type (target, G_VARIANT_TYPE_INT32))
        g_string_append_printf (out, "(%d)", g_variant_get_int32 (target));
      else if (target != NULL)
        {
          g_autofree char *printed = g_variant_print (target, FALSE);

          g_string_append (out, printed);
        }
    }
  return g_string_free (out, FALSE);
}

/* Activates the menu's first item as a click on it does. */
static void
activate_first_item (GtkWidget *canvas, GtkPopover *popover)
{
  GMenuModel *model = gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (popover));
  g_autofree char *action = NULL;
  g_autoptr (GVariant) target =
      g_menu_model_get_item_attribute_value (model, 0, G_MENU_ATTRIBUTE_TARGET, NULL);

  g_assert_true (g_menu_model_get_item_attribute (model, 0, G_MENU_ATTRIBUTE_ACTION, "s", &action));
  gtk_popover_popdown (popover);
  g_assert_true (gtk_widget_activate_action_variant (canvas, action, target));
}

static gboolean
action_enabled (const char *name)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (window), name);
}

static void
test_run (void)
{
  wait_for (idle);
  gtk_editable_set_text (GTK_EDITABLE (window->entry), SENTENCE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  wait_for (idle);
  g_assert_nonnull (test_window_result (window));
  g_assert_false (action_enabled ("restore-text"));
}

/* A right-click on "##ly" in Lines offers to mask it; the whole word goes,
 * one [MASK] per piece, and runs at once; the predictions say which word
 * and piece. */
static void
test_mask_from_lines (void)
{
  AttentionResult *result = test_window_result (window);
  GtkWidget *canvas = GTK_WIDGET (lines_canvas ());
  g_autofree char *menu = NULL;
  GtkPopover *popover;
  double x, y;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.lines", NULL));
  attention_test_wait_frames (canvas, 2, TRUE);
  g_assert_cmpstr (attention_result_get_token (result, 6), ==, "##ly");
  g_assert_true (
      attention_lines_canvas_get_token_center (lines_canvas (), ATTENTION_LINES_QUERY, 6, &x, &y));
  g_signal_emit_by_name (secondary_click (canvas), "pressed", 1, x, y);
  popover = open_menu (canvas);
  g_assert_nonnull (popover);
  menu = describe_menu (popover);
  g_assert_cmpstr (menu, ==, "win.mask-token(6) win.restore-text");
  g_assert_false (action_enabled ("restore-text"));

  activate_first_item (canvas, popover);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (window->entry)), ==,
                   "The cat walked [MASK][MASK] to paris.");
  wait_for (idle);
  result = test_window_result (window);
  g_assert_cmpstr (attention_result_get_text (result), ==, "The cat walked [MASK][MASK] to paris.");
  g_assert_cmpuint (attention_result_get_n_predictions (result), ==, 2);
  g_assert_cmpuint (attention_result_get_prediction_position (result, 0), ==, 5);
  g_assert_cmpuint (attention_result_get_prediction_position (result, 1), ==, 6);
  g_assert_cmpstr (attention_predictions_get_heading (window->predictions, 0), ==,
                   "“quickly” piece 1 of 2");
  g_assert_cmpstr (attention_predictions_get_heading (window->predictions, 1), ==,
                   "“quickly” piece 2 of 2");
  g_assert_true (action_enabled ("restore-text"));
}

/* [CLS] is offered nothing to mask; asked all the same, the window says
 * why and keeps the result it shows. */
static void
test_special_tokens (void)
{
  AttentionResult *before = test_window_result (window);
  GtkWidget *canvas = GTK_WIDGET (lines_canvas ());
  g_autofree char *menu = NULL;
  GtkPopover *popover;
  double x, y;

  g_assert_true (
      attention_lines_canvas_get_token_center (lines_canvas (), ATTENTION_LINES_KEY, 0, &x, &y));
  g_signal_emit_by_name (secondary_click (canvas), "pressed", 1, x, y);
  popover = open_menu (canvas);
  g_assert_nonnull (popover);
  menu = describe_menu (popover);
  g_assert_cmpstr (menu, ==, "win.restore-text");
  gtk_popover_popdown (popover);

  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (window), "win.mask-token", "i", (gint32)0));
  wait_for (idle);
  g_assert_true (test_window_result (window) == before);
  g_assert_cmpstr (window->last_message, ==,
                   "“[CLS]” cannot be masked: only the sentence's own words can.");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (window->entry)), ==,
                   "The cat walked [MASK][MASK] to paris.");
}

/* In the matrix, from the keyboard: T pins "cat", Shift+F10 opens its menu;
 * the Menu key too. A second mask adds up, Restore puts back the sentence
 * from before the first. */
static void
test_mask_from_matrix_and_restore (void)
{
  GtkWidget *view = GTK_WIDGET (test_window_view (window));
  GtkEventController *keys = find_controller (view, GTK_TYPE_EVENT_CONTROLLER_KEY);
  g_autofree char *menu = NULL;
  GtkPopover *popover;
  gboolean handled = FALSE;
  AttentionResult *result;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "single"));
  attention_test_wait_frames (view, 2, TRUE);
  for (int i = 0; i < 3; i++)
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_t, 0, 0, &handled);
  g_assert_cmpint (attention_canvas_get_pinned (ATTENTION_CANVAS (view)), ==, 2);
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_F10, 0, GDK_SHIFT_MASK, &handled);
  g_assert_true (handled);
  popover = open_menu (view);
  g_assert_nonnull (popover);
  menu = describe_menu (popover);
  g_assert_cmpstr (menu, ==, "win.mask-token(2) win.restore-text");
  gtk_popover_popdown (popover);
  handled = FALSE;
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Menu, 0, 0, &handled);
  g_assert_true (handled);
  popover = open_menu (view);
  g_assert_nonnull (popover);

  activate_first_item (view, popover);
  wait_for (idle);
  result = test_window_result (window);
  g_assert_cmpstr (attention_result_get_text (result), ==,
                   "The [MASK] walked [MASK][MASK] to paris.");
  g_assert_cmpuint (attention_result_get_n_predictions (result), ==, 3);
  g_assert_cmpstr (attention_predictions_get_heading (window->predictions, 0), ==, "“cat”");
  g_assert_cmpstr (attention_predictions_get_heading (window->predictions, 2), ==,
                   "“quickly” piece 2 of 2");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.restore-text", NULL));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (window->entry)), ==, SENTENCE);
  wait_for (idle);
  g_assert_cmpstr (attention_result_get_text (test_window_result (window)), ==, SENTENCE);
  g_assert_false (action_enabled ("restore-text"));
  g_assert_cmpstr (attention_predictions_get_note (window->predictions), !=, "");
}

/* A user's own edit after a mask: Restore has nothing to put back. */
static void
test_edit_forgets (void)
{
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (window), "win.mask-token", "i", (gint32)2));
  wait_for (idle);
  g_assert_true (action_enabled ("restore-text"));
  gtk_editable_set_text (GTK_EDITABLE (window->entry), "The [MASK] sat on the mat.");
  g_assert_false (action_enabled ("restore-text"));
}

/* Every Position: the sentence runs again with the model's guesses at every
 * token; hovering a cell of the matrix reads out its query's, Lines shows
 * the focused token's under the tokens; off again, they go. */
static void
test_every_position (void)
{
  AttentionView *view = test_window_view (window);
  GtkWidget *page = adw_view_stack_get_child_by_name (window->view_stack, "lines");
  GtkLabel *guesses = template_child (page, ATTENTION_TYPE_LINES_PAGE, "guesses_label");
  AttentionResult *result;
  const AttentionCandidate *c;
  g_autofree char *want = NULL;
  guint n_candidates = 0;
  double x, y, px, py;

  gtk_editable_set_text (GTK_EDITABLE (window->entry), SENTENCE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  wait_for (idle);
  g_assert_false (attention_result_has_position_candidates (test_window_result (window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.all-positions", NULL));
  wait_for (idle);
  result = test_window_result (window);
  g_assert_true (attention_result_has_position_candidates (result));
  /* [CLS] and [SEP] have theirs too. */
  c = attention_result_get_position_candidates (result, 0, &n_candidates);
  g_assert_nonnull (c);
  g_assert_cmpuint (n_candidates, >, 0);
  c = attention_result_get_position_candidates (result, 8, &n_candidates);
  g_assert_cmpstr (attention_result_get_token (result, 8), ==, "paris");
  want = g_strdup_printf ("Guesses at “paris” (token 9): %s %.1f %%", c[0].token,
                          100.0 * c[0].probability);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "single"));
  attention_test_wait_frames (GTK_WIDGET (view), 2, TRUE);
  attention_view_get_cell_center (view, 8, 3, &x, &y);
  g_assert_true (attention_canvas_hover_at (ATTENTION_CANVAS (view), x, y));
  g_assert_nonnull (strstr (attention_canvas_get_hover_text (ATTENTION_CANVAS (view)), want));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.lines", NULL));
  attention_test_wait_frames (GTK_WIDGET (lines_canvas ()), 2, TRUE);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (guesses)));
  g_assert_true (attention_lines_canvas_get_token_center (lines_canvas (), ATTENTION_LINES_QUERY, 8,
                                                          &px, &py));
  g_assert_true (attention_canvas_hover_at (ATTENTION_CANVAS (lines_canvas ()), px, py));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (guesses), want));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.all-positions", NULL));
  wait_for (idle);
  g_assert_false (attention_result_has_position_candidates (test_window_result (window)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (guesses)));
}

/* The probability label of a candidate's button ("61.0% → 34.0%"). */
static const char *
percent_label (guint mask, guint candidate)
{
  GtkWidget *button = attention_predictions_get_button (window->predictions, mask, candidate);
  GtkWidget *box = gtk_button_get_child (GTK_BUTTON (button));

  return gtk_label_get_text (GTK_LABEL (gtk_widget_get_last_child (box)));
}

/* All Heads: Ctrl+Enter on the selected head (as Ctrl+click) switches it
 * off and the sentence runs again at once with it off (its attention all
 * zero); the predictions show the change from every head on; the head's
 * context menu offers to turn it on again and all back on; Turn All Back On
 * resets. */
static void
test_switch_heads (void)
{
  GtkWidget *page = adw_view_stack_get_child_by_name (window->view_stack, "overview");
  AttentionOverview *overview = template_child (page, ATTENTION_TYPE_OVERVIEW_PAGE, "overview");
  GtkEventController *keys = find_controller (GTK_WIDGET (overview), GTK_TYPE_EVENT_CONTROLLER_KEY);
  g_autoptr (AttentionResult) before = NULL;
  AttentionResult *after;
  const AttentionCandidate *c;
  const float *m;
  g_autofree char *want = NULL;
  g_autofree char *menu = NULL;
  gboolean handled = FALSE;
  guint n_candidates = 0, n, H;
  GtkPopover *popover;

  gtk_editable_set_text (GTK_EDITABLE (window->entry), "The cat sat on the [MASK].");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  wait_for (idle);
  before = g_object_ref (test_window_result (window));
  g_assert_null (attention_result_get_head_mask (before));
  g_assert_false (action_enabled ("heads-all-on"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.overview", NULL));
  attention_test_wait_frames (GTK_WIDGET (overview), 2, TRUE);
  attention_selection_set_layer (window->selection, 1);
  attention_selection_set_head (window->selection, 2);
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Return, 0, GDK_CONTROL_MASK, &handled);
  g_assert_true (handled);
  wait_for (idle);
  after = test_window_result (window);
  g_assert_true (after != before);
  H = attention_result_get_n_heads (after);
  m = attention_result_get_head_mask (after);
  g_assert_nonnull (m);
  for (guint k = 0; k < attention_result_get_n_layers (after) * H; k++)
    g_assert_cmpfloat (m[k], ==, k == 1 * H + 2 ? 0 : 1);
  n = attention_result_get_n_tokens (after);
  for (gsize i = 0; i < (gsize)n * n; i++)
    g_assert_cmpfloat (attention_result_get_matrix (after, 1, 2)[i], ==, 0);
  g_assert_cmpstr (attention_predictions_get_heads_off_text (window->predictions), ==,
                   "1 head is switched off: the predictions changed.");
  c = attention_result_get_candidates (after, 0, &n_candidates);
  want = g_strdup_printf ("%.1f%% → %.1f%%",
                          attention_result_get_mask_probability (before, 0, c[0].id) * 100.0,
                          c[0].probability * 100.0);
  g_assert_cmpstr (percent_label (0, 0), ==, want);
  g_assert_true (action_enabled ("heads-all-on"));

  /* The selected head's menu (Menu key): on again, or all back on. */
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Menu, 0, 0, &handled);
  popover = open_menu (GTK_WIDGET (overview));
  g_assert_nonnull (popover);
  menu = describe_menu (popover);
  g_assert_cmpstr (menu, ==, "win.toggle-head(1, 2) win.heads-all-on");
  gtk_popover_popdown (popover);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.heads-all-on", NULL));
  wait_for (idle);
  g_assert_null (attention_result_get_head_mask (test_window_result (window)));
  g_assert_null (attention_predictions_get_heads_off_text (window->predictions));
  g_assert_false (action_enabled ("heads-all-on"));
}

static gboolean
importance_idle (void)
{
  GtkWidget *page = adw_view_stack_get_child_by_name (window->view_stack, "overview");
  AttentionImportancePanel *panel =
      template_child (page, ATTENTION_TYPE_OVERVIEW_PAGE, "importance");

  return !attention_importance_panel_get_busy (panel);
}

/* Which heads matter?: every head measured for the shown sentence, the
 * ranking lists the largest drop first; Cancel stops a measurement and
 * keeps nothing half done. */
static void
test_head_importance (void)
{
  GtkWidget *page = adw_view_stack_get_child_by_name (window->view_stack, "overview");
  AttentionImportancePanel *panel =
      template_child (page, ATTENTION_TYPE_OVERVIEW_PAGE, "importance");
  AttentionResult *result = test_window_result (window);
  guint L = attention_result_get_n_layers (result), H = attention_result_get_n_heads (result);
  const float *dp;
  guint best = 0;
  g_autofree char *first = NULL;

  attention_importance_panel_start (panel);
  g_assert_true (attention_importance_panel_get_busy (panel));
  attention_importance_panel_cancel (panel);
  g_assert_false (attention_importance_panel_get_busy (panel));
  g_assert_null (attention_importance_panel_get_importance (panel));
  g_assert_cmpstr (attention_importance_panel_get_status (panel), ==, "Cancelled.");

  attention_importance_panel_start (panel);
  wait_for (importance_idle);
  dp = attention_importance_panel_get_importance (panel);
  g_assert_nonnull (dp);
  for (guint k = 1; k < L * H; k++)
    if (dp[k] > dp[best])
      best = k;
  first = g_strdup_printf ("1. L%u H%u %+.1f", best / H + 1, best % H + 1, 100.0 * dp[best]);
  g_assert_true (g_str_has_prefix (attention_importance_panel_get_ranking (panel), first));
  /* A new result: the measurement belonged to the old one. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  wait_for (idle);
  g_assert_null (attention_importance_panel_get_importance (panel));
}

static int
selection_pinned (void)
{
  int pinned = -2;

  g_object_get (window->selection, "pinned", &pinned, NULL);
  return pinned;
}

/* The motion controller of a widget, as the pointer moves over it. */
static void
move_pointer (GtkWidget *widget, double x, double y)
{
  g_signal_emit_by_name (find_controller (widget, GTK_TYPE_EVENT_CONTROLLER_MOTION), "motion", x,
                         y);
}

static void
press_escape (GtkWidget *widget)
{
  gboolean handled = FALSE;

  g_signal_emit_by_name (find_controller (widget, GTK_TYPE_EVENT_CONTROLLER_KEY), "key-pressed",
                         GDK_KEY_Escape, 0, 0, &handled);
  g_assert_true (handled);
}

/* "Sum of “a”, “b” → “c”: 0.1234" as the test expects it, from the shown
 * matrix added up here. */
static char *
expected_combined (AttentionResult *result,
                   const float *matrix,
                   const guint *rows,
                   guint n_rows,
                   guint col,
                   gboolean mean)
{
  guint n = attention_result_get_n_tokens (result);
  double sum = 0;

  for (guint r = 0; r < n_rows; r++)
    sum += matrix[(gsize)rows[r] * n + col];
  return g_strdup_printf ("%s of “%s”, “%s” → “%s”: %.4f", mean ? "Mean" : "Sum",
                          attention_result_get_token (result, rows[0]),
                          attention_result_get_token (result, rows[1]),
                          attention_result_get_token (result, col), mean ? sum / n_rows : sum);
}

/* Ctrl+click pins several tokens (bertviz #125): the matrix outlines their
 * rows and adds a row of their weights summed, or their mean; Lines draws
 * one line per key from their midpoint, of their weights combined. Escape
 * lets go of all. */
static void
test_pin_several (void)
{
  AttentionView *view = test_window_view (window);
  AttentionLinesCanvas *lines = lines_canvas ();
  GtkWidget *single = adw_view_stack_get_child_by_name (window->view_stack, "single");
  GtkWidget *lines_page = adw_view_stack_get_child_by_name (window->view_stack, "lines");
  GtkWidget *single_bar = template_child (single, ATTENTION_TYPE_SINGLE_PAGE, "combine_bar");
  GtkDropDown *single_choice =
      template_child (single, ATTENTION_TYPE_SINGLE_PAGE, "combine_dropdown");
  GtkDropDown *lines_choice =
      template_child (lines_page, ATTENTION_TYPE_LINES_PAGE, "combine_dropdown");
  AttentionResult *result;
  const guint rows[] = { 2, 4 };
  const guint *pins;
  const float *matrix;
  guint n_pins = 0, col = 3;
  graphene_rect_t grid;
  double x, y;
  AttentionLinesStyle style;
  g_autofree char *sum = NULL;
  g_autofree char *mean = NULL;

  gtk_editable_set_text (GTK_EDITABLE (window->entry), SENTENCE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  wait_for (idle);
  result = test_window_result (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "single"));
  attention_test_wait_frames (GTK_WIDGET (view), 2, TRUE);

  /* A click on row 2's label pins it; Ctrl+click on row 4's adds it. */
  g_assert_true (attention_view_get_matrix_bounds (view, &grid));
  g_assert_true (attention_view_get_cell_center (view, rows[0], 0, &x, &y));
  attention_canvas_click_at (ATTENTION_CANVAS (view), grid.origin.x - 4, y, 0);
  g_assert_cmpint (selection_pinned (), ==, (int)rows[0]);
  g_assert_false (gtk_widget_get_visible (single_bar));
  g_assert_true (attention_view_get_cell_center (view, rows[1], 0, &x, &y));
  attention_canvas_click_at (ATTENTION_CANVAS (view), grid.origin.x - 4, y, GDK_CONTROL_MASK);
  pins = attention_canvas_get_pins (ATTENTION_CANVAS (view), &n_pins);
  g_assert_cmpuint (n_pins, ==, 2);
  g_assert_cmpuint (pins[0], ==, rows[0]);
  g_assert_cmpuint (pins[1], ==, rows[1]);
  g_assert_true (gtk_widget_get_visible (single_bar));
  attention_test_wait_frames (GTK_WIDGET (view), 2, TRUE);

  /* The combined row under the grid reads out the sum, then the mean. */
  matrix = attention_selection_get_matrix (window->selection);
  g_assert_nonnull (matrix);
  sum = expected_combined (result, matrix, rows, 2, col, FALSE);
  mean = expected_combined (result, matrix, rows, 2, col, TRUE);
  /* The grid made room for the row under it. */
  g_assert_true (attention_view_get_matrix_bounds (view, &grid));
  g_assert_true (attention_view_get_combined_center (view, col, &x, &y));
  g_assert_cmpfloat (y, >, grid.origin.y + grid.size.height);
  move_pointer (GTK_WIDGET (view), x, y);
  g_assert_cmpstr (attention_canvas_get_hover_text (ATTENTION_CANVAS (view)), ==, sum);
  gtk_drop_down_set_selected (single_choice, 1);
  g_assert_cmpstr (attention_canvas_get_hover_text (ATTENTION_CANVAS (view)), ==, mean);
  g_object_unref (attention_test_render_window (GTK_WINDOW (window), window->stack,
                                                g_getenv ("ATTENTION_SCREENSHOT_PINS_MATRIX")));
  /* Ctrl+click on a pinned row's label takes it out: one pin, no row. */
  g_assert_true (attention_view_get_cell_center (view, rows[1], 0, &x, &y));
  attention_canvas_click_at (ATTENTION_CANVAS (view), grid.origin.x - 4, y, GDK_CONTROL_MASK);
  attention_canvas_get_pins (ATTENTION_CANVAS (view), &n_pins);
  g_assert_cmpuint (n_pins, ==, 1);
  g_assert_false (attention_view_get_combined_center (view, col, &x, &y));
  press_escape (GTK_WIDGET (view));
  g_assert_cmpint (selection_pinned (), ==, -1);

  /* Lines: the same choice (shared), one line per key from the group. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "lines"));
  attention_test_wait_frames (GTK_WIDGET (lines), 2, TRUE);
  g_assert_cmpuint (gtk_drop_down_get_selected (lines_choice), ==, 1);
  g_assert_true (
      attention_lines_canvas_get_token_center (lines, ATTENTION_LINES_QUERY, rows[0], &x, &y));
  attention_canvas_click_at (ATTENTION_CANVAS (lines), x, y, 0);
  g_assert_true (
      attention_lines_canvas_get_token_center (lines, ATTENTION_LINES_QUERY, rows[1], &x, &y));
  attention_canvas_click_at (ATTENTION_CANVAS (lines), x, y, GDK_CONTROL_MASK);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (lines_choice)));
  g_signal_emit_by_name (find_controller (GTK_WIDGET (lines), GTK_TYPE_EVENT_CONTROLLER_MOTION),
                         "leave");
  attention_lines_canvas_get_style (lines, &style);
  g_assert_cmpint (style.focus_side, ==, ATTENTION_LINES_QUERY);
  g_assert_cmpuint (style.n_group, ==, 2);
  g_assert_cmpuint (style.group[0], ==, rows[0]);
  g_assert_cmpuint (style.group[1], ==, rows[1]);
  g_assert_cmpuint (style.group_combine, ==, ATTENTION_COMBINE_MEAN);
  gtk_drop_down_set_selected (lines_choice, 0);
  attention_lines_canvas_get_style (lines, &style);
  g_assert_cmpuint (style.group_combine, ==, ATTENTION_COMBINE_SUM);
  g_object_unref (attention_test_render_window (GTK_WINDOW (window), window->stack,
                                                g_getenv ("ATTENTION_SCREENSHOT_PINS_LINES")));
  /* A key token Ctrl+clicked starts pins of its own column. */
  g_assert_true (attention_lines_canvas_get_token_center (lines, ATTENTION_LINES_KEY, 1, &x, &y));
  attention_canvas_click_at (ATTENTION_CANVAS (lines), x, y, GDK_CONTROL_MASK);
  g_assert_cmpint (attention_lines_canvas_get_pinned (lines, NULL), ==, ATTENTION_LINES_KEY);
  attention_canvas_get_pins (ATTENTION_CANVAS (lines), &n_pins);
  g_assert_cmpuint (n_pins, ==, 1);
  press_escape (GTK_WIDGET (lines));
  attention_canvas_get_pins (ATTENTION_CANVAS (lines), &n_pins);
  g_assert_cmpuint (n_pins, ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (lines_choice)));
}

/* Lines drawn in a Lines SVG: each is one stroke of the export's width. */
static guint
count_lines (const char *svg)
{
  guint count = 0;

  for (const char *p = strstr (svg, "stroke-width:2;stroke-linecap:butt"); p != NULL;
       p = strstr (p + 1, "stroke-width:2;stroke-linecap:butt"))
    count++;
  return count;
}

/* A second sentence: the run reads the pair, the token types say which
 * sentence each token is in, and Lines offers bertviz's filter. */
static void
test_pair (void)
{
  GtkWidget *page = adw_view_stack_get_child_by_name (window->view_stack, "lines");
  GtkDropDown *filter = template_child (page, ATTENTION_TYPE_LINES_PAGE, "sentences_dropdown");
  AttentionResult *result;
  const gint64 *types;
  guint n;

  gtk_editable_set_text (GTK_EDITABLE (window->entry), "The cat sat.");
  gtk_editable_set_text (GTK_EDITABLE (window->pair_entry), "It was [MASK].");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  wait_for (idle);
  result = test_window_result (window);
  g_assert_cmpstr (attention_result_get_pair_text (result), ==, "It was [MASK].");
  n = attention_result_get_n_tokens (result);
  types = attention_result_get_token_type_ids (result);
  /* [CLS] the cat sat . [SEP] it was [MASK] . [SEP] */
  g_assert_cmpuint (n, ==, 11);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (types[i], ==, i < 6 ? 0 : 1);
  g_assert_cmpuint (attention_result_get_prediction_position (result, 0), ==, 8);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.lines", NULL));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (filter)));
  gtk_drop_down_set_selected (filter, 2); /* A → B */
  attention_test_wait_frames (GTK_WIDGET (lines_canvas ()), 2, TRUE);

  /* Saving the picture keeps the filter, and its caption says so: exactly
   * the lines from A to B at or above the threshold, counted here. */
  {
    g_autofree char *dir = g_dir_make_tmp ("attention-window-ask-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "pair.svg", NULL);
    g_autofree char *svg = NULL;
    g_autofree char *caption = NULL;
    g_autoptr (GError) error = NULL;
    AttentionLinesPage *lines_page = ATTENTION_LINES_PAGE (page);
    const float *m =
        attention_result_get_matrix (result, attention_lines_page_get_layer (lines_page),
                                     attention_selection_get_head (window->selection));
    double threshold = attention_lines_page_get_threshold (lines_page);
    guint expected = 0, all = 0;

    attention_lines_page_set_heads (lines_page,
                                    1u << attention_selection_get_head (window->selection));
    for (guint q = 0; q < n; q++)
      for (guint k = 0; k < n; k++)
        if (m[q * n + k] >= (float)threshold)
          {
            all++;
            expected += types[q] == 0 && types[k] == 1;
          }
    g_assert_cmpuint (expected, <, all);
    g_assert_true (attention_lines_page_export (lines_page, ATTENTION_EXPORT_SVG, path, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (path, &svg, NULL, NULL));
    g_assert_cmpuint (count_lines (svg), ==, expected);
    caption = attention_lines_page_get_caption (lines_page);
    g_assert_nonnull (strstr (caption, "only lines from sentence A to sentence B"));
    g_clear_pointer (&caption, g_free);
    g_clear_pointer (&svg, g_free);
    gtk_drop_down_set_selected (filter, 0);
    g_assert_true (attention_lines_page_export (lines_page, ATTENTION_EXPORT_SVG, path, &error));
    g_assert_true (g_file_get_contents (path, &svg, NULL, NULL));
    g_assert_cmpuint (count_lines (svg), ==, all);
    caption = attention_lines_page_get_caption (lines_page);
    g_assert_null (strstr (caption, "only lines"));
    g_unlink (path);
    g_rmdir (dir);
    gtk_drop_down_set_selected (filter, 2);
  }

  /* Mask this token in the second sentence masks it there. */
  g_assert_true (
      gtk_widget_activate_action (GTK_WIDGET (window), "win.mask-token", "i", (gint32)7));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (window->pair_entry)), ==,
                   "It [MASK] [MASK].");
  wait_for (idle);
  g_assert_cmpuint (attention_result_get_n_predictions (test_window_result (window)), ==, 2);

  /* Back to one sentence: no filter. */
  gtk_editable_set_text (GTK_EDITABLE (window->pair_entry), "");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  wait_for (idle);
  g_assert_null (attention_result_get_pair_text (test_window_result (window)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (filter)));
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

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  app = attention_test_application_new ();

  window = attention_window_new (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));

  /* Order matters: each test starts from the state the previous one left. */
  g_test_add_func ("/window-ask/run", test_run);
  g_test_add_func ("/window-ask/mask-from-lines", test_mask_from_lines);
  g_test_add_func ("/window-ask/special-tokens", test_special_tokens);
  g_test_add_func ("/window-ask/mask-from-matrix-and-restore", test_mask_from_matrix_and_restore);
  g_test_add_func ("/window-ask/edit-forgets", test_edit_forgets);
  g_test_add_func ("/window-ask/every-position", test_every_position);
  g_test_add_func ("/window-ask/switch-heads", test_switch_heads);
  g_test_add_func ("/window-ask/head-importance", test_head_importance);
  g_test_add_func ("/window-ask/pin-several", test_pin_several);
  g_test_add_func ("/window-ask/pair", test_pair);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  return status;
}
