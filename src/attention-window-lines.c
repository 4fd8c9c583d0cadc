/* attention-window-lines.c: the lines view in today's window (see
 * attention-window-lines.h). The matrix view stays the one source of result
 * and layer/head; the lines view follows its notifications, and the colour
 * map follows the analysis bar. */

#include "attention-window-lines.h"

#include <glib/gi18n.h>

#include "attention-window-analysis.h"
#include "attention-window-private.h"

#define LINES_KEY "attention-lines"

typedef struct
{
  AttentionWindow *window; /* not owned */
  GtkStack *view_stack;    /* analysis' "single" / "overview" stack */
  AttentionLinesView *lines;
  GSimpleAction *action;
} Lines;

static Lines *
get_lines (AttentionWindow *self)
{
  return g_object_get_data (G_OBJECT (self), LINES_KEY);
}

static void
view_result_cb (AttentionView *view, GParamSpec *pspec, Lines *l)
{
  attention_lines_view_set_result (l->lines, attention_view_get_result (view));
  attention_lines_view_set_layer (l->lines, attention_view_get_layer (view));
  attention_lines_view_set_head (l->lines, attention_view_get_head (view));
}

static void
view_layer_cb (AttentionView *view, GParamSpec *pspec, Lines *l)
{
  attention_lines_view_set_layer (l->lines, attention_view_get_layer (view));
}

static void
view_head_cb (AttentionView *view, GParamSpec *pspec, Lines *l)
{
  attention_lines_view_set_head (l->lines, attention_view_get_head (view));
}

static void
colormap_cb (AttentionAnalysisBar *bar, GParamSpec *pspec, Lines *l)
{
  attention_lines_view_set_colormap (l->lines, attention_analysis_bar_get_colormap (bar));
}

/* Another page (the overview's toggle) took the stack: the toggle follows. */
static void
visible_child_cb (GtkStack *stack, GParamSpec *pspec, Lines *l)
{
  gboolean shown = g_strcmp0 (gtk_stack_get_visible_child_name (stack), "lines") == 0;

  g_simple_action_set_state (l->action, g_variant_new_boolean (shown));
}

static void
lines_change_state (GSimpleAction *action, GVariant *state, gpointer data)
{
  Lines *l = data;
  gboolean show = g_variant_get_boolean (state);

  if (show)
    {
      /* Off with the overview first, so its toggle does not stay pressed. */
      g_action_group_change_action_state (G_ACTION_GROUP (l->window), "overview",
                                          g_variant_new_boolean (FALSE));
      gtk_stack_set_visible_child_name (l->view_stack, "lines");
      gtk_widget_grab_focus (GTK_WIDGET (attention_lines_view_get_canvas (l->lines)));
    }
  else if (g_strcmp0 (gtk_stack_get_visible_child_name (l->view_stack), "lines") == 0)
    {
      gtk_stack_set_visible_child_name (l->view_stack, "single");
      gtk_widget_grab_focus (GTK_WIDGET (l->window->view));
    }
  g_simple_action_set_state (action, state);
}

static void
toggle_activate (GSimpleAction *action, GVariant *parameter, gpointer data)
{
  g_autoptr (GVariant) state = g_action_get_state (G_ACTION (action));

  g_action_change_state (G_ACTION (action), g_variant_new_boolean (!g_variant_get_boolean (state)));
}

/* The toggle row analysis built: the parent of the button for win.compare. */
static GtkWidget *
find_toggles (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_ACTIONABLE (child) &&
          g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), "win.compare") == 0)
        return widget;
      if ((found = find_toggles (child)) != NULL)
        return found;
    }
  return NULL;
}

void
attention_window_lines_init (AttentionWindow *self)
{
  GtkWidget *widget, *toggles, *button;
  GtkEventController *shortcuts;
  Lines *l;

  g_return_if_fail (ATTENTION_IS_WINDOW (self));
  if (get_lines (self) != NULL)
    return;

  /* The analysis' view stack is the nearest stack above the matrix view. */
  widget = gtk_widget_get_parent (GTK_WIDGET (self->view));
  while (widget != NULL && !GTK_IS_STACK (widget))
    widget = gtk_widget_get_parent (widget);
  g_return_if_fail (widget != NULL && widget != GTK_WIDGET (self->stack));

  l = g_new0 (Lines, 1);
  l->window = self;
  l->view_stack = GTK_STACK (widget);
  g_object_set_data_full (G_OBJECT (self), LINES_KEY, l, g_free);

  l->lines = ATTENTION_LINES_VIEW (attention_lines_view_new ());
  gtk_stack_add_named (l->view_stack, GTK_WIDGET (l->lines), "lines");

  l->action = g_simple_action_new_stateful ("lines", NULL, g_variant_new_boolean (FALSE));
  g_signal_connect (l->action, "activate", G_CALLBACK (toggle_activate), l);
  g_signal_connect (l->action, "change-state", G_CALLBACK (lines_change_state), l);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (l->action));
  g_object_unref (l->action);

  button = gtk_toggle_button_new_with_mnemonic (_ ("_Lines"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.lines");
  gtk_widget_set_tooltip_text (button, _ ("Attention as lines from query to key tokens (Ctrl+K)"));
  toggles = find_toggles (self->controls);
  if (toggles != NULL)
    gtk_box_append (GTK_BOX (toggles), button);
  else
    gtk_box_append (GTK_BOX (self->controls), button);

  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                     GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_shortcut_controller_add_shortcut (
      GTK_SHORTCUT_CONTROLLER (shortcuts),
      gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>k"),
                        gtk_named_action_new ("win.lines")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  g_signal_connect (l->view_stack, "notify::visible-child-name", G_CALLBACK (visible_child_cb), l);
  g_signal_connect (self->view, "notify::result", G_CALLBACK (view_result_cb), l);
  g_signal_connect (self->view, "notify::layer", G_CALLBACK (view_layer_cb), l);
  g_signal_connect (self->view, "notify::head", G_CALLBACK (view_head_cb), l);
  if (attention_window_get_analysis_bar (self) != NULL)
    {
      g_signal_connect (attention_window_get_analysis_bar (self), "notify::colormap",
                        G_CALLBACK (colormap_cb), l);
      colormap_cb (attention_window_get_analysis_bar (self), NULL, l);
    }
  view_result_cb (self->view, NULL, l);
}

AttentionLinesView *
attention_window_get_lines_view (AttentionWindow *self)
{
  Lines *l = get_lines (self);

  return l ? l->lines : NULL;
}
