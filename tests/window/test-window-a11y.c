/* test-window-a11y.c: what a screen reader gets from the window, read
 * through GTK's test accessibility context (GTK_A11Y=none gives it): Shift
 * and the arrows move through the matrix's cells, and the matrix's name
 * becomes the focused cell ("the → cat, 0.42", the weight taken from the
 * result here); the pages and the sidebar's switches have names. Needs
 * $ATTENTION_TEST_MODEL. */

#include <gtk/gtk.h>
#include <string.h>

#include "attention-application.h"
#include "attention-sidebar.h"
#include "attention-window-private.h"
#include "test-private-home.h"
#include "test-window-common.h"

#define SENTENCE "The cat sat on the [MASK]."

static AttentionApplication *app;
static AttentionWindow *window;

static gboolean
idle (void)
{
  return !attention_window_get_busy (window) && !attention_selection_get_busy (window->selection);
}

static gboolean
view_allocated (void)
{
  AttentionView *view = test_window_view (window);

  return gtk_widget_get_mapped (GTK_WIDGET (view)) && attention_view_get_cell_size (view) > 0;
}

/* The name a screen reader hears for a cell, made here from the result. */
static char *
cell_name (guint row, guint col)
{
  AttentionResult *result = test_window_result (window);
  guint n = attention_result_get_n_tokens (result);
  const float *m =
      attention_result_get_matrix (result, attention_selection_get_layer (window->selection),
                                   attention_selection_get_head (window->selection));

  return g_strdup_printf ("%s → %s, %.2f", attention_result_get_token (result, row),
                          attention_result_get_token (result, col), m[(gsize)row * n + col]);
}

static void
press (GtkEventController *keys, guint keyval, GdkModifierType state)
{
  gboolean handled = FALSE;

  g_signal_emit_by_name (keys, "key-pressed", keyval, 0, state, &handled);
  g_assert_true (handled);
}

static void
test_cells (void)
{
  AttentionView *view = test_window_view (window);
  GtkEventController *keys = find_controller (GTK_WIDGET (view), GTK_TYPE_EVENT_CONTROLLER_KEY);
  g_autofree char *want = NULL;
  guint layer, head;

  gtk_editable_set_text (GTK_EDITABLE (window->entry), SENTENCE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  wait_for (idle);
  wait_for (view_allocated);
  gtk_test_accessible_assert_property (view, GTK_ACCESSIBLE_PROPERTY_LABEL, "Attention matrix");
  layer = attention_selection_get_layer (window->selection);
  head = attention_selection_get_head (window->selection);

  /* The first press shows where the cursor starts: the first cell. */
  press (keys, GDK_KEY_Right, GDK_SHIFT_MASK);
  want = cell_name (0, 0);
  gtk_test_accessible_assert_property (view, GTK_ACCESSIBLE_PROPERTY_LABEL, want);
  press (keys, GDK_KEY_Right, GDK_SHIFT_MASK);
  press (keys, GDK_KEY_Right, GDK_SHIFT_MASK);
  press (keys, GDK_KEY_Down, GDK_SHIFT_MASK);
  g_clear_pointer (&want, g_free);
  want = cell_name (1, 2);
  gtk_test_accessible_assert_property (view, GTK_ACCESSIBLE_PROPERTY_LABEL, want);
  /* The read-out shows it too, for sighted keyboard users. */
  g_assert_nonnull (strstr (attention_canvas_get_hover_text (ATTENTION_CANVAS (view)),
                            attention_result_get_token (test_window_result (window), 1)));
  /* Moving through cells moves neither layer nor head. */
  g_assert_cmpuint (attention_selection_get_layer (window->selection), ==, layer);
  g_assert_cmpuint (attention_selection_get_head (window->selection), ==, head);
  /* At the edge it stays. */
  press (keys, GDK_KEY_Up, GDK_SHIFT_MASK);
  press (keys, GDK_KEY_Up, GDK_SHIFT_MASK);
  g_clear_pointer (&want, g_free);
  want = cell_name (0, 2);
  gtk_test_accessible_assert_property (view, GTK_ACCESSIBLE_PROPERTY_LABEL, want);

  /* Plain arrows still step heads; the name follows the new weights. */
  press (keys, GDK_KEY_Right, 0);
  g_assert_cmpuint (attention_selection_get_head (window->selection), ==, head + 1);
  g_clear_pointer (&want, g_free);
  want = cell_name (0, 2);
  gtk_test_accessible_assert_property (view, GTK_ACCESSIBLE_PROPERTY_LABEL, want);

  /* The pointer takes over: the matrix is the matrix again. */
  attention_canvas_hover_at (ATTENTION_CANVAS (view), -1, -1);
  gtk_test_accessible_assert_property (view, GTK_ACCESSIBLE_PROPERTY_LABEL, "Attention matrix");
}

static void
test_names (void)
{
  static const struct
  {
    const char *page, *name;
  } pages[] = {
    { "single", "Single Head" }, { "overview", "All Heads" }, { "compare", "Compare" },
    { "lines", "Lines" },        { "heads", "Heads" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *page = adw_view_stack_get_child_by_name (window->view_stack, pages[i].page);

      g_assert_nonnull (page);
      gtk_test_accessible_assert_role (page, GTK_ACCESSIBLE_ROLE_GROUP);
      gtk_test_accessible_assert_property (page, GTK_ACCESSIBLE_PROPERTY_LABEL, pages[i].name);
    }
  gtk_test_accessible_assert_property (
      template_child (window->sidebar, ATTENTION_TYPE_SIDEBAR, "hide_switch"),
      GTK_ACCESSIBLE_PROPERTY_LABEL, "Hide [CLS] and [SEP]");
  gtk_test_accessible_assert_property (
      template_child (window->sidebar, ATTENTION_TYPE_SIDEBAR, "sort_switch"),
      GTK_ACCESSIBLE_PROPERTY_LABEL, "Sort heads");
  gtk_test_accessible_assert_property (
      template_child (window->sidebar, ATTENTION_TYPE_SIDEBAR, "aggregate_row"),
      GTK_ACCESSIBLE_PROPERTY_LABEL, "Show");
  gtk_test_accessible_assert_property (
      template_child (window->sidebar, ATTENTION_TYPE_SIDEBAR, "colormap_row"),
      GTK_ACCESSIBLE_PROPERTY_LABEL, "Colours");
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

  /* GTK's test context: it records what a screen reader would be told
   * ("none" gives no context at all). */
  g_setenv ("GTK_A11Y", "test", TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  app = attention_test_application_new ();

  window = attention_window_new (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 780);
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/window-a11y/cells", test_cells);
  g_test_add_func ("/window-a11y/names", test_names);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  return status;
}
