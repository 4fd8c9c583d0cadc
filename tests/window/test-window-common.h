/* test-window-common.h: what the window tests share: running the main loop
 * until a condition holds or frames were drawn, and a picture of the whole
 * window as drawn, the window's matrix and result. Header-only, as
 * test-private-home.h. */

#pragma once

#include <gtk/gtk.h>
#include <string.h>

#include "attention-application.h"
#include "attention-window-private.h"

typedef gboolean (*Condition) (void);

static inline void
wait_for (Condition condition)
{
  while (!condition ())
    g_main_context_iteration (NULL, TRUE);
}

/* Runs the main loop for MS milliseconds, without waiting for events: for
 * animations (a revealer, the header switcher) to finish before a picture. */
static inline void
attention_test_run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/* The app as a test runs it: not unique (tests run side by side), registered
 * and held, so it stays up between the test's windows. */
static inline AttentionApplication *
attention_test_application_new (void)
{
  g_autoptr (GError) error = NULL;
  AttentionApplication *app = attention_application_new ();

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));
  return app;
}

static inline gboolean
attention_test_count_frame (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  (*(guint *)user_data)++;
  return G_SOURCE_CONTINUE;
}

static inline gboolean
attention_test_count_drawn_frame (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  (*(guint *)user_data)++;
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

/* WIDGET's first event controller of TYPE; there must be one. The
 * widget keeps it alive after the list and this reference go. */
static inline GtkEventController *
find_controller (GtkWidget *widget, GType type)
{
  g_autoptr (GListModel) list = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (GtkEventController) c = g_list_model_get_item (list, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type))
        return c;
    }
  g_assert_not_reached ();
}

/* The child of WIDGET's template of class TYPE named NAME (its id there);
 * there must be one. */
static inline gpointer
template_child (gpointer widget, GType type, const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (child);
  return child;
}

/* Runs the main loop until N whole frames (layout and paint) have passed,
 * counted by a tick callback on WIDGET; with REDRAW, each one repaints it. */
static inline void
attention_test_wait_frames (GtkWidget *widget, guint n, gboolean redraw)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (
      widget, redraw ? attention_test_count_drawn_frame : attention_test_count_frame, &frames,
      NULL);

  while (frames < n)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (widget, id);
}

/* The whole window as drawn (client-side shadow included), saved as PNG when
 * SAVE_TO is not NULL. STACK's page transition (if any) must be over and a
 * frame drawn since, to show one page: the paintable holds the last drawn
 * frame. */
static inline GdkTexture *
attention_test_render_window (GtkWindow *window, GtkStack *stack, const char *save_to)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  g_autoptr (GskRenderNode) node = NULL;
  GdkTexture *texture;
  int width = 0, height = 0;

  while (stack != NULL && gtk_stack_get_transition_running (stack))
    g_main_context_iteration (NULL, TRUE);
  attention_test_wait_frames (GTK_WIDGET (window), 2, TRUE);
  while (node == NULL)
    {
      g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();

      width = gdk_paintable_get_intrinsic_width (paintable);
      height = gdk_paintable_get_intrinsic_height (paintable);
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = width > 0 && height > 0 ? gtk_snapshot_to_node (snapshot) : NULL;
      if (node == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (save_to != NULL)
    g_assert_true (gdk_texture_save_to_png (texture, save_to));
  return texture;
}

/* Answers the question asked before a bundle from outside the app's folders
 * is opened ("open" or "cancel"); it must be open, and say why in full. */
static inline void
attention_test_answer_trust (AttentionWindow *window, const char *response)
{
  g_assert_nonnull (window->trust_dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (window->trust_dialog),
                            "Model bundles contain code that runs on this computer"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (window->trust_dialog),
                            "Open only bundles from a source you trust."));
  adw_message_dialog_response (window->trust_dialog, response);
  g_assert_null (window->trust_dialog);
}

/* The Single Head page's matrix. */
static inline AttentionView *
test_window_view (AttentionWindow *window)
{
  return attention_single_page_get_view (window->single_page);
}

/* The result the window shows, or NULL. */
static inline AttentionResult *
test_window_result (AttentionWindow *window)
{
  return attention_selection_get_result (window->selection);
}
