/* attention-window-analysis.c: wires the analysis widgets into the window
 * (see attention-window-analysis.h). The main view stays the single source of
 * layer, head and result; everything here follows its notifications. */

#include "attention-window-analysis.h"

#include <glib/gi18n.h>
#include <string.h>

#include "attention-stats.h"
#include "attention-window-private.h"

#define ANALYSIS_KEY "attention-analysis"

typedef struct
{
  AttentionWindow *window; /* not owned: the data lives on it */
  GtkStack *view_stack;    /* "single" (the view) / "overview" */
  AttentionOverview *overview;
  AttentionAnalysisBar *bar;
  AttentionCompare *compare;
  GCancellable *aggregate_cancellable;
  int aggregate_pending; /* aggregates being computed in workers */
} Analysis;

static Analysis *
get_analysis (AttentionWindow *self)
{
  return g_object_get_data (G_OBJECT (self), ANALYSIS_KEY);
}

static void
analysis_free (gpointer data)
{
  Analysis *a = data;

  g_cancellable_cancel (a->aggregate_cancellable);
  g_clear_object (&a->aggregate_cancellable);
  g_free (a);
}

/* ------------------------------------------------------------ aggregates */

typedef struct
{
  Analysis *analysis;    /* valid while the cancellable is not cancelled */
  AttentionView *target; /* the main view or the compare view; likewise */
  AttentionResult *result;
  guint layer;
  guint head;
} AggregateJob;

static void
aggregate_job_free (AggregateJob *job)
{
  g_object_unref (job->result);
  g_free (job);
}

static void
aggregate_done (GObject *source, GAsyncResult *res, gpointer data)
{
  AggregateJob *job = data;
  g_autoptr (GError) error = NULL;
  g_autofree float *matrix = NULL;
  Analysis *a;

  matrix = attention_stats_compute_finish (ATTENTION_RESULT (source), res, &error);
  if (matrix == NULL)
    {
      /* Cancelled: a newer request (or the window's end) took over. */
      aggregate_job_free (job);
      return;
    }
  a = job->analysis;
  if (attention_view_get_result (job->target) == job->result)
    {
      attention_view_set_matrix_override (job->target, matrix);
      if (job->target == a->window->view)
        attention_analysis_bar_show_head (a->bar, job->result, job->layer, job->head, matrix);
    }
  a->aggregate_pending--;
  aggregate_job_free (job);
}

/* Shows what the bar asks for in one view: the plain head directly, anything
 * else computed in a worker (rollout of a long sentence takes several frames). */
static void
update_view_matrix (Analysis *a, AttentionView *view)
{
  AttentionResult *result = attention_view_get_result (view);
  AttentionAggregate aggregate = attention_analysis_bar_get_aggregate (a->bar);
  gboolean hide = attention_analysis_bar_get_hide_special (a->bar);
  guint layer = attention_view_get_layer (view), head = attention_view_get_head (view);
  gboolean main_view = view == a->window->view;
  AggregateJob *job;

  if (result == NULL)
    {
      if (main_view)
        attention_analysis_bar_show_head (a->bar, NULL, 0, 0, NULL);
      return;
    }
  if (aggregate == ATTENTION_AGGREGATE_HEAD && !hide)
    {
      attention_view_set_matrix_override (view, NULL);
      if (main_view)
        attention_analysis_bar_show_head (a->bar, result, layer, head,
                                          attention_result_get_matrix (result, layer, head));
      return;
    }

  job = g_new0 (AggregateJob, 1);
  job->analysis = a;
  job->target = view;
  job->result = g_object_ref (result);
  job->layer = layer;
  job->head = head;
  a->aggregate_pending++;
  attention_stats_compute_async (result, aggregate, layer, head, hide, a->aggregate_cancellable,
                                 aggregate_done, job);
}

/* Both sentences follow the bar, so a comparison compares like with like. */
static void
update_matrix (Analysis *a)
{
  g_cancellable_cancel (a->aggregate_cancellable);
  g_clear_object (&a->aggregate_cancellable);
  a->aggregate_cancellable = g_cancellable_new ();
  a->aggregate_pending = 0;
  update_view_matrix (a, a->window->view);
  update_view_matrix (a, attention_compare_get_view (a->compare));
}

static void
compare_result_cb (AttentionView *view, GParamSpec *pspec, Analysis *a)
{
  update_matrix (a);
}

/* ---------------------------------------------------------- notifications */

static void
view_result_cb (AttentionView *view, GParamSpec *pspec, Analysis *a)
{
  AttentionResult *result = attention_view_get_result (view);

  attention_overview_set_result (a->overview, result);
  attention_overview_set_selected (a->overview, attention_view_get_layer (view),
                                   attention_view_get_head (view));
  attention_compare_set_model (a->compare, a->window->model);
  update_matrix (a);
}

static void
view_position_cb (AttentionView *view, GParamSpec *pspec, Analysis *a)
{
  guint layer = attention_view_get_layer (view), head = attention_view_get_head (view);

  attention_overview_set_selected (a->overview, layer, head);
  attention_compare_set_layer (a->compare, layer);
  attention_compare_set_head (a->compare, head);
  update_matrix (a);
}

static void
head_selected_cb (AttentionOverview *overview, guint layer, guint head, Analysis *a)
{
  /* Through the sliders, so they, the view and the grid all agree. */
  gtk_adjustment_set_value (a->window->layer_adjustment, layer + 1);
  gtk_adjustment_set_value (a->window->head_adjustment, head + 1);
}

static void
bar_matrix_cb (AttentionAnalysisBar *bar, GParamSpec *pspec, Analysis *a)
{
  update_matrix (a);
}

static void
bar_colours_cb (AttentionAnalysisBar *bar, GParamSpec *pspec, Analysis *a)
{
  AttentionColormap colormap = attention_analysis_bar_get_colormap (bar);
  AttentionScale scale = attention_analysis_bar_get_scale (bar);

  attention_view_set_colormap (a->window->view, colormap, scale);
  attention_view_set_colormap (attention_compare_get_view (a->compare), colormap, scale);
  attention_overview_set_colormap (a->overview, colormap);
}

static void
bar_score_cb (AttentionAnalysisBar *bar, GParamSpec *pspec, Analysis *a)
{
  attention_overview_set_score (a->overview, attention_analysis_bar_get_score (bar),
                                attention_analysis_bar_get_sort_by_score (bar));
}

/* ---------------------------------------------------------------- actions */

static void
overview_change_state (GSimpleAction *action, GVariant *state, gpointer data)
{
  Analysis *a = data;
  gboolean show = g_variant_get_boolean (state);

  g_simple_action_set_state (action, state);
  gtk_stack_set_visible_child_name (a->view_stack, show ? "overview" : "single");
  gtk_widget_grab_focus (show ? GTK_WIDGET (a->overview) : GTK_WIDGET (a->window->view));
}

static void
compare_change_state (GSimpleAction *action, GVariant *state, gpointer data)
{
  Analysis *a = data;
  gboolean show = g_variant_get_boolean (state);

  g_simple_action_set_state (action, state);
  gtk_widget_set_visible (GTK_WIDGET (a->compare), show);
  if (show)
    gtk_widget_grab_focus (GTK_WIDGET (attention_compare_get_entry (a->compare)));
}

static void
toggle_activate (GSimpleAction *action, GVariant *parameter, gpointer data)
{
  GVariant *state = g_action_get_state (G_ACTION (action));

  g_action_change_state (G_ACTION (action), g_variant_new_boolean (!g_variant_get_boolean (state)));
  g_variant_unref (state);
}

static const struct
{
  const char *id;
  const char *label;
} export_formats[] = {
  { "png", N_ ("PNG diagrams (the original set)") },
  { "svg", N_ ("SVG diagrams") },
  { "pdf", N_ ("PDF diagrams and one PDF of all heads") },
  { "overview-png", N_ ("Overview grid as one PNG") },
  { "overview-svg", N_ ("Overview grid as one SVG") },
  { "lines-png", N_ ("Lines pictures as PNG (Lines_Layer…_Head….png)") },
  { "lines-svg", N_ ("Lines pictures as SVG") },
  { "lines-pdf", N_ ("Lines pictures as PDF") },
  { "npy", N_ ("NumPy array (attention.npy)") },
  { "json", N_ ("JSON data (attention.json)") },
};

static gboolean
known_export_format (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (export_formats); i++)
    if (g_strcmp0 (id, export_formats[i].id) == 0)
      return TRUE;
  return FALSE;
}

static void
export_format_change_state (GSimpleAction *action, GVariant *state, gpointer data)
{
  if (known_export_format (g_variant_get_string (state, NULL)))
    g_simple_action_set_state (action, state);
}

const char *
attention_window_analysis_get_export_format (AttentionWindow *self)
{
  g_autoptr (GVariant) state = NULL;
  const char *id;

  g_return_val_if_fail (ATTENTION_IS_WINDOW (self), "png");

  state = g_action_group_get_action_state (G_ACTION_GROUP (self), "export-format");
  if (state == NULL)
    return "png";
  /* Interned: the id outlives the state variant. */
  id = g_variant_get_string (state, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (export_formats); i++)
    if (strcmp (id, export_formats[i].id) == 0)
      return export_formats[i].id;
  return "png";
}

void
attention_window_analysis_add_export_choice (AttentionWindow *self, GtkFileChooser *chooser)
{
  const char *ids[G_N_ELEMENTS (export_formats) + 1];
  const char *labels[G_N_ELEMENTS (export_formats) + 1];

  g_return_if_fail (ATTENTION_IS_WINDOW (self));

  for (guint i = 0; i < G_N_ELEMENTS (export_formats); i++)
    {
      ids[i] = export_formats[i].id;
      labels[i] = _ (export_formats[i].label);
    }
  ids[G_N_ELEMENTS (export_formats)] = labels[G_N_ELEMENTS (export_formats)] = NULL;
  gtk_file_chooser_add_choice (chooser, "format", _ ("Format"), ids, labels);
  gtk_file_chooser_set_choice (chooser, "format",
                               attention_window_analysis_get_export_format (self));
}

void
attention_window_analysis_take_export_choice (AttentionWindow *self, GtkFileChooser *chooser)
{
  const char *id = gtk_file_chooser_get_choice (chooser, "format");

  g_return_if_fail (ATTENTION_IS_WINDOW (self));

  if (known_export_format (id))
    g_action_group_change_action_state (G_ACTION_GROUP (self), "export-format",
                                        g_variant_new_string (id));
}

gboolean
attention_window_analysis_export (AttentionResult *result,
                                  const char *format,
                                  const char *dir,
                                  const char *model_name,
                                  AttentionExportProgress progress,
                                  gpointer progress_data,
                                  GCancellable *cancellable,
                                  guint *n_written,
                                  GError **error)
{
  AttentionExportFormat f = ATTENTION_EXPORT_PNG;

  if (g_str_has_prefix (format, "overview-"))
    {
      g_autofree char *path = NULL;
      gboolean ok;

      attention_export_format_from_string (format + strlen ("overview-"), &f);
      path =
          g_strdup_printf ("%s/attention-overview.%s", dir, attention_export_format_to_string (f));
      /* The exported pictures stay grayscale, as the original set. */
      ok = attention_export_overview (result, f, ATTENTION_COLORMAP_GRAY, path, error);
      if (n_written)
        *n_written = ok ? 1 : 0;
      return ok;
    }
  attention_export_format_from_string (format, &f);
  return attention_export_all_format (result, f, dir, model_name, progress, progress_data,
                                      cancellable, n_written, error);
}

static void
add_shortcut (GtkShortcutController *controller, const char *trigger, const char *action)
{
  gtk_shortcut_controller_add_shortcut (
      controller, gtk_shortcut_new (gtk_shortcut_trigger_parse_string (trigger),
                                    gtk_named_action_new (action)));
}

/* ------------------------------------------------------------------ setup */

void
attention_window_analysis_init (AttentionWindow *self)
{
  const GActionEntry entries[] = {
    { "overview", toggle_activate, NULL, "false", overview_change_state },
    { "compare", toggle_activate, NULL, "false", compare_change_state },
    { "export-format", NULL, "s", "'png'", export_format_change_state },
  };
  GtkWidget *scrolled, *row, *views, *overview_scroll, *toggles, *button;
  GtkEventController *shortcuts;
  Analysis *a;

  g_return_if_fail (ATTENTION_IS_WINDOW (self));
  if (get_analysis (self) != NULL)
    return;

  a = g_new0 (Analysis, 1);
  a->window = self;
  g_object_set_data_full (G_OBJECT (self), ANALYSIS_KEY, a, analysis_free);

  /* The view's page becomes [single view | overview] beside the compare
   * pane; the page keeps its name, so the window's page logic still holds. */
  scrolled = gtk_widget_get_parent (GTK_WIDGET (self->view));
  while (scrolled != NULL && !GTK_IS_SCROLLED_WINDOW (scrolled))
    scrolled = gtk_widget_get_parent (scrolled);
  g_return_if_fail (scrolled != NULL &&
                    gtk_widget_get_parent (scrolled) == GTK_WIDGET (self->stack));
  g_object_ref (scrolled);
  gtk_stack_remove (self->stack, scrolled);

  a->view_stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (a->view_stack), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (a->view_stack), TRUE);
  gtk_stack_add_named (a->view_stack, scrolled, "single");
  g_object_unref (scrolled);

  a->overview = ATTENTION_OVERVIEW (attention_overview_new ());
  overview_scroll = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (overview_scroll), GTK_WIDGET (a->overview));
  gtk_stack_add_named (a->view_stack, overview_scroll, "overview");

  a->compare = ATTENTION_COMPARE (attention_compare_new ());
  gtk_widget_set_visible (GTK_WIDGET (a->compare), FALSE);
  gtk_widget_set_hexpand (GTK_WIDGET (a->compare), TRUE);
  gtk_widget_set_margin_start (GTK_WIDGET (a->compare), 6);
  gtk_widget_set_margin_end (GTK_WIDGET (a->compare), 6);

  views = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  /* Side by side, the two sentences get the same room. */
  gtk_box_set_homogeneous (GTK_BOX (views), TRUE);
  gtk_box_append (GTK_BOX (views), GTK_WIDGET (a->view_stack));
  gtk_box_append (GTK_BOX (views), GTK_WIDGET (a->compare));
  gtk_stack_add_named (self->stack, views, "view");

  /* Controls: the toggles and the analysis bar under the sliders. */
  a->bar = ATTENTION_ANALYSIS_BAR (attention_analysis_bar_new ());
  toggles = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  button = gtk_toggle_button_new_with_mnemonic (_ ("All h_eads"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.overview");
  gtk_widget_set_tooltip_text (button, _ ("Every layer and head at a glance (Ctrl+G)"));
  gtk_box_append (GTK_BOX (toggles), button);
  button = gtk_toggle_button_new_with_mnemonic (_ ("Co_mpare"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.compare");
  gtk_widget_set_tooltip_text (button, _ ("A second sentence beside this one (Ctrl+D)"));
  gtk_box_append (GTK_BOX (toggles), button);
  gtk_widget_set_valign (toggles, GTK_ALIGN_START);
  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_append (GTK_BOX (row), toggles);
  gtk_widget_set_hexpand (GTK_WIDGET (a->bar), TRUE);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (a->bar));
  gtk_box_append (GTK_BOX (self->controls), row);

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), a);
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                     GTK_SHORTCUT_SCOPE_GLOBAL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>g", "win.overview");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>d", "win.compare");
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  g_signal_connect (self->view, "notify::result", G_CALLBACK (view_result_cb), a);
  g_signal_connect (self->view, "notify::layer", G_CALLBACK (view_position_cb), a);
  g_signal_connect (self->view, "notify::head", G_CALLBACK (view_position_cb), a);
  g_signal_connect (a->overview, "head-selected", G_CALLBACK (head_selected_cb), a);
  g_signal_connect (attention_compare_get_view (a->compare), "notify::result",
                    G_CALLBACK (compare_result_cb), a);
  g_signal_connect (a->bar, "notify::aggregate", G_CALLBACK (bar_matrix_cb), a);
  g_signal_connect (a->bar, "notify::hide-special", G_CALLBACK (bar_matrix_cb), a);
  g_signal_connect (a->bar, "notify::colormap", G_CALLBACK (bar_colours_cb), a);
  g_signal_connect (a->bar, "notify::scale", G_CALLBACK (bar_colours_cb), a);
  g_signal_connect (a->bar, "notify::score", G_CALLBACK (bar_score_cb), a);
  g_signal_connect (a->bar, "notify::sort-by-score", G_CALLBACK (bar_score_cb), a);

  view_result_cb (self->view, NULL, a);
}

AttentionOverview *
attention_window_get_overview (AttentionWindow *self)
{
  Analysis *a = get_analysis (self);

  return a ? a->overview : NULL;
}

AttentionAnalysisBar *
attention_window_get_analysis_bar (AttentionWindow *self)
{
  Analysis *a = get_analysis (self);

  return a ? a->bar : NULL;
}

AttentionCompare *
attention_window_get_compare (AttentionWindow *self)
{
  Analysis *a = get_analysis (self);

  return a ? a->compare : NULL;
}

gboolean
attention_window_get_aggregate_busy (AttentionWindow *self)
{
  Analysis *a = get_analysis (self);

  return a ? a->aggregate_pending > 0 : FALSE;
}
