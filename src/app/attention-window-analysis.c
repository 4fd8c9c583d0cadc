/* attention-window-analysis.c: wires the analysis views and the sidebar into
 * the window (see attention-window-analysis.h). The main view stays the
 * single source of layer, head and result; everything here follows its
 * notifications. */

#include "attention-window-analysis.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "attention-export-registry.h"
#include "attention-legend.h"
#include "attention-lines-view.h"
#include "attention-slider-label.h"
#include "attention-stats.h"
#include "attention-window-private.h"

/* The groups of the sidebar each page shows. */
#define SINGLE_GROUPS                                                                              \
  (ATTENTION_ANALYSIS_GROUP (MATRIX) | ATTENTION_ANALYSIS_GROUP (COLOURS) |                        \
   ATTENTION_ANALYSIS_GROUP (SCALE) | ATTENTION_ANALYSIS_GROUP (PATTERN))
#define OVERVIEW_GROUPS (ATTENTION_ANALYSIS_GROUP (COLOURS) | ATTENTION_ANALYSIS_GROUP (HEADS))
#define COMPARE_GROUPS                                                                             \
  (ATTENTION_ANALYSIS_GROUP (MATRIX) | ATTENTION_ANALYSIS_GROUP (COLOURS) |                        \
   ATTENTION_ANALYSIS_GROUP (SCALE))
/* The lines are the heads themselves in the colour map, linear in the
 * weight: Show, the scale and the pattern do not apply to them. */
#define LINES_GROUPS (ATTENTION_ANALYSIS_GROUP (COLOURS))
#define SCORE_LEGEND_WIDTH 160

#define ANALYSIS_KEY "attention-analysis"

typedef struct
{
  AttentionWindow *window; /* not owned: the data lives on it */
  AttentionOverview *overview;
  GtkWidget *score_stack; /* the overview's score legend, or a hint */
  GtkWidget *score_label;
  GtkWidget *score_bar;
  AttentionAnalysisBar *bar;
  AttentionCompare *compare;
  AttentionLinesView *lines;
  GtkAdjustment *head_adjustment; /* owned: its label follows the Lines overlay */
  gboolean lines_syncing;         /* the head slider follows the lines legend */
  GHashTable *page_groups;        /* page name → sidebar groups */
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
  g_signal_handlers_disconnect_by_data (a->head_adjustment, a);
  g_clear_object (&a->head_adjustment);
  g_hash_table_unref (a->page_groups);
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
  update_view_matrix (a, attention_compare_get_main_view (a->compare));
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
  attention_compare_set_result (a->compare, result);
  attention_lines_view_set_result (a->lines, result);
  attention_lines_view_set_layer (a->lines, attention_view_get_layer (view));
  attention_lines_view_set_head (a->lines, attention_view_get_head (view));
  update_matrix (a);
}

static void
view_position_cb (AttentionView *view, GParamSpec *pspec, Analysis *a)
{
  guint layer = attention_view_get_layer (view), head = attention_view_get_head (view);

  attention_overview_set_selected (a->overview, layer, head);
  attention_compare_set_layer (a->compare, layer);
  attention_compare_set_head (a->compare, head);
  attention_lines_view_set_layer (a->lines, layer);
  /* The head slider shows that head alone; another layer keeps the heads
   * overlaid in the legend, as bertviz does. */
  if (!a->lines_syncing && (pspec == NULL || g_str_equal (g_param_spec_get_name (pspec), "head")))
    attention_lines_view_set_head (a->lines, head);
  update_matrix (a);
}

/* Beside the head slider: "3 of 12", or in Lines with several heads
 * overlaid, all of them ("1, 3, 5 of 12"), since the picture shows them all.
 * The window leaves this label to us. */
static void
update_head_value (Analysis *a)
{
  GtkAdjustment *adjustment = a->window->head_adjustment;
  guint64 heads = 0;
  g_autofree char *text = NULL;

  if (g_strcmp0 (adw_view_stack_get_visible_child_name (a->window->view_stack), "lines") == 0)
    heads = attention_lines_view_get_heads (a->lines);
  if ((heads & (heads - 1)) == 0)
    heads = 0; /* one head: the slider's own, as on the other pages */
  text =
      attention_slider_label_for_set (heads, (guint)round (gtk_adjustment_get_value (adjustment)),
                                      (guint)gtk_adjustment_get_upper (adjustment));
  gtk_label_set_label (a->window->head_value, text);
}

/* The head slider always names a head the lines draw: the one left in the
 * legend, or the first overlaid when its own was switched off there. Moving
 * it here must not reset the overlay to that head alone. */
static void
lines_heads_cb (AttentionLinesView *lines, GParamSpec *pspec, Analysis *a)
{
  guint64 heads = attention_lines_view_get_heads (lines);
  guint current = attention_view_get_head (a->window->view);

  if (heads == 0 || (current < 64 && ((heads >> current) & 1) != 0))
    {
      update_head_value (a);
      return;
    }
  a->lines_syncing = TRUE;
  gtk_adjustment_set_value (a->window->head_adjustment, g_bit_nth_lsf ((gulong)heads, -1) + 1.0);
  a->lines_syncing = FALSE;
  update_head_value (a);
}

static void
head_selected_cb (AttentionOverview *overview, guint layer, guint head, Analysis *a)
{
  /* Through the sliders, so they, the view and the grid all agree. */
  gtk_adjustment_set_value (a->window->layer_adjustment, layer + 1);
  gtk_adjustment_set_value (a->window->head_adjustment, head + 1);
}

/* A click or Enter on a thumbnail opens that head in the single-head view. */
static void
head_activated_cb (AttentionOverview *overview, guint layer, guint head, Analysis *a)
{
  head_selected_cb (overview, layer, head, a);
  /* A head, not a mean, is what was picked. */
  attention_analysis_bar_set_aggregate (a->bar, ATTENTION_AGGREGATE_HEAD);
  adw_view_stack_set_visible_child_name (a->window->view_stack, "single");
}

static const char *
current_page (Analysis *a)
{
  const char *name = adw_view_stack_get_visible_child_name (a->window->view_stack);

  return name != NULL ? name : "single";
}

static guint
page_groups (Analysis *a, const char *page)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (a->page_groups, page));
}

/* Layer and head apply as far as the shown matrix uses them: a layer mean
 * has no head, the mean of all heads neither layer nor head. */
static void
update_sliders (Analysis *a)
{
  AttentionWindow *self = a->window;
  AttentionAggregate aggregate = attention_analysis_bar_get_aggregate (a->bar);
  gboolean uses_aggregate = (page_groups (a, current_page (a)) & ATTENTION_ANALYSIS_GROUP (MATRIX));
  gboolean layer = !uses_aggregate || aggregate != ATTENTION_AGGREGATE_ALL_MEAN;
  gboolean head = !uses_aggregate || aggregate == ATTENTION_AGGREGATE_HEAD;

  gtk_widget_set_sensitive (GTK_WIDGET (self->layer_scale), layer);
  gtk_widget_set_sensitive (GTK_WIDGET (self->layer_value), layer);
  gtk_widget_set_sensitive (GTK_WIDGET (self->head_scale), head);
  gtk_widget_set_sensitive (GTK_WIDGET (self->head_value), head);
}

static void
bar_matrix_cb (AttentionAnalysisBar *bar, GParamSpec *pspec, Analysis *a)
{
  update_matrix (a);
  update_sliders (a);
}

static void
bar_colours_cb (AttentionAnalysisBar *bar, GParamSpec *pspec, Analysis *a)
{
  AttentionColormap colormap = attention_analysis_bar_get_colormap (bar);
  AttentionScale scale = attention_analysis_bar_get_scale (bar);

  attention_view_set_colormap (a->window->view, colormap, scale);
  attention_view_set_colormap (attention_compare_get_main_view (a->compare), colormap, scale);
  attention_view_set_colormap (attention_compare_get_view (a->compare), colormap, scale);
  attention_overview_set_colormap (a->overview, colormap);
  attention_lines_view_set_colormap (a->lines, colormap);
  gtk_widget_queue_draw (a->score_bar);
}

static void
bar_score_cb (AttentionAnalysisBar *bar, GParamSpec *pspec, Analysis *a)
{
  int score = attention_analysis_bar_get_score (bar);

  attention_overview_set_score (a->overview, score, attention_analysis_bar_get_sort_by_score (bar));
  if (score >= 0)
    {
      g_autofree char *text = NULL;

      /* Translators: legend of the overview's colour bars, e.g. "Bars: previous token". */
      text = g_strdup_printf (_ ("Bars: %s"), attention_stats_pattern_name (score));
      gtk_label_set_text (GTK_LABEL (a->score_label), text);
    }
  gtk_stack_set_visible_child_name (GTK_STACK (a->score_stack), score >= 0 ? "legend" : "hint");
  gtk_widget_queue_draw (a->score_bar);
}

/* The overview's score legend: 0 … 1 in viridis, as the grid draws its
 * score bars whatever the thumbnails' colours (attention-grid.c). */
static void
draw_score_bar (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  AttentionLegendStyle style = {
    .colormap = ATTENTION_COLORMAP_VIRIDIS,
    .length = width - 32,
    .thickness = 10,
    .font_size = 11,
  };
  GdkRGBA fg;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  style.fg[0] = fg.red;
  style.fg[1] = fg.green;
  style.fg[2] = fg.blue;
  style.fg[3] = fg.alpha;
  cairo_translate (cr, 16, (height - style.thickness) / 2);
  attention_legend_draw (cr, &style);
}

/* The sidebar and the sliders follow the page; the toggles show it. */
static void
page_changed_cb (AdwViewStack *stack, GParamSpec *pspec, Analysis *a)
{
  const char *page = current_page (a);
  GAction *action;

  attention_analysis_bar_set_groups (a->bar, page_groups (a, page));
  update_sliders (a);
  update_head_value (a);
  action = g_action_map_lookup_action (G_ACTION_MAP (a->window), "view");
  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (page));
  action = g_action_map_lookup_action (G_ACTION_MAP (a->window), "overview");
  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_boolean (g_str_equal (page, "overview")));
  action = g_action_map_lookup_action (G_ACTION_MAP (a->window), "compare");
  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_boolean (g_str_equal (page, "compare")));
  action = g_action_map_lookup_action (G_ACTION_MAP (a->window), "lines");
  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_boolean (g_str_equal (page, "lines")));
}

/* ---------------------------------------------------------------- actions */

static void
view_change_state (GSimpleAction *action, GVariant *state, gpointer data)
{
  Analysis *a = data;
  const char *page = g_variant_get_string (state, NULL);

  if (adw_view_stack_get_child_by_name (a->window->view_stack, page) == NULL)
    return;
  adw_view_stack_set_visible_child_name (a->window->view_stack, page);
  if (g_str_equal (page, "overview"))
    gtk_widget_grab_focus (GTK_WIDGET (a->overview));
  else if (g_str_equal (page, "compare"))
    gtk_widget_grab_focus (GTK_WIDGET (attention_compare_get_entry (a->compare)));
  else if (g_str_equal (page, "lines"))
    gtk_widget_grab_focus (GTK_WIDGET (attention_lines_view_get_canvas (a->lines)));
  else if (g_str_equal (page, "single"))
    gtk_widget_grab_focus (GTK_WIDGET (a->window->view));
}

/* Ctrl+G, Ctrl+D and Ctrl+K go to their page and back to the single head. */
static void
toggle_page (Analysis *a, const char *page, gboolean show)
{
  g_action_group_change_action_state (G_ACTION_GROUP (a->window), "view",
                                      g_variant_new_string (show ? page : "single"));
}

static void
overview_change_state (GSimpleAction *action, GVariant *state, gpointer data)
{
  toggle_page (data, "overview", g_variant_get_boolean (state));
}

static void
compare_change_state (GSimpleAction *action, GVariant *state, gpointer data)
{
  toggle_page (data, "compare", g_variant_get_boolean (state));
}

static void
lines_change_state (GSimpleAction *action, GVariant *state, gpointer data)
{
  toggle_page (data, "lines", g_variant_get_boolean (state));
}

static void
toggle_activate (GSimpleAction *action, GVariant *parameter, gpointer data)
{
  GVariant *state = g_action_get_state (G_ACTION (action));

  g_action_change_state (G_ACTION (action), g_variant_new_boolean (!g_variant_get_boolean (state)));
  g_variant_unref (state);
}

static void
export_format_change_state (GSimpleAction *action, GVariant *state, gpointer data)
{
  if (attention_export_kind_find (g_variant_get_string (state, NULL)) != NULL)
    g_simple_action_set_state (action, state);
}

const char *
attention_window_analysis_get_export_format (AttentionWindow *self)
{
  g_autoptr (GVariant) state = NULL;
  const AttentionExportKind *kind;

  g_return_val_if_fail (ATTENTION_IS_WINDOW (self), "png");

  state = g_action_group_get_action_state (G_ACTION_GROUP (self), "export-format");
  if (state == NULL)
    return "png";
  /* The table's own string: it outlives the state variant. */
  kind = attention_export_kind_find (g_variant_get_string (state, NULL));
  return kind != NULL ? kind->id : "png";
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
attention_window_analysis_add_page (AttentionWindow *self,
                                    GtkWidget *child,
                                    const char *name,
                                    const char *title,
                                    const char *icon_name,
                                    guint groups)
{
  Analysis *a = get_analysis (self);
  AdwViewStackPage *page;

  g_return_if_fail (a != NULL);

  page = adw_view_stack_add_titled (self->view_stack, child, name, title);
  adw_view_stack_page_set_icon_name (page, icon_name);
  adw_view_stack_page_set_use_underline (page, TRUE);
  g_hash_table_insert (a->page_groups, g_strdup (name), GUINT_TO_POINTER (groups));
}

static GtkWidget *
make_overview_page (Analysis *a)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *legend = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *hint;

  a->overview = ATTENTION_OVERVIEW (attention_overview_new ());
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (a->overview));
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), scrolled);

  /* One line under the grid, the same height with or without a score. */
  a->score_stack = gtk_stack_new ();
  gtk_stack_set_hhomogeneous (GTK_STACK (a->score_stack), FALSE);
  gtk_widget_set_halign (a->score_stack, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (a->score_stack, 4);
  hint =
      gtk_label_new (_ ("Click a head to open it. Colour heads by a pattern in the sidebar (F9)."));
  gtk_label_set_ellipsize (GTK_LABEL (hint), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_stack_add_named (GTK_STACK (a->score_stack), hint, "hint");
  a->score_label = gtk_label_new ("");
  gtk_label_set_ellipsize (GTK_LABEL (a->score_label), PANGO_ELLIPSIZE_END);
  a->score_bar = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (a->score_bar), SCORE_LEGEND_WIDTH);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (a->score_bar), 18);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (a->score_bar), draw_score_bar, a, NULL);
  gtk_box_append (GTK_BOX (legend), a->score_label);
  gtk_box_append (GTK_BOX (legend), a->score_bar);
  gtk_stack_add_named (GTK_STACK (a->score_stack), legend, "legend");
  gtk_box_append (GTK_BOX (box), a->score_stack);
  return box;
}

void
attention_window_analysis_init (AttentionWindow *self)
{
  const GActionEntry entries[] = {
    { "view", NULL, "s", "'single'", view_change_state },
    { "overview", toggle_activate, NULL, "false", overview_change_state },
    { "compare", toggle_activate, NULL, "false", compare_change_state },
    { "lines", toggle_activate, NULL, "false", lines_change_state },
    { "export-format", NULL, "s", "'png'", export_format_change_state },
  };
  g_autoptr (GPropertyAction) sidebar = NULL;
  GtkEventController *shortcuts;
  Analysis *a;

  g_return_if_fail (ATTENTION_IS_WINDOW (self));
  if (get_analysis (self) != NULL)
    return;

  a = g_new0 (Analysis, 1);
  a->window = self;
  a->page_groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_object_set_data_full (G_OBJECT (self), ANALYSIS_KEY, a, analysis_free);
  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), a);

  /* The sidebar: every analysis option, grouped; each page shows its own. */
  a->bar = ATTENTION_ANALYSIS_BAR (attention_analysis_bar_new ());
  gtk_scrolled_window_set_child (self->sidebar, GTK_WIDGET (a->bar));
  sidebar = g_property_action_new ("show-sidebar", self->flap, "reveal-flap");
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (sidebar));

  /* The pages beside the template's "single". A new view is one more call
   * of attention_window_analysis_add_page () with the groups it uses. */
  g_hash_table_insert (a->page_groups, g_strdup ("single"), GUINT_TO_POINTER (SINGLE_GROUPS));
  attention_window_analysis_add_page (self, make_overview_page (a), "overview", _ ("_All Heads"),
                                      "view-grid-symbolic", OVERVIEW_GROUPS);
  a->compare = ATTENTION_COMPARE (attention_compare_new ());
  attention_window_analysis_add_page (self, GTK_WIDGET (a->compare), "compare", _ ("_Compare"),
                                      "view-dual-symbolic", COMPARE_GROUPS);
  a->lines = ATTENTION_LINES_VIEW (attention_lines_view_new ());
  attention_window_analysis_add_page (self, GTK_WIDGET (a->lines), "lines", _ ("L_ines"),
                                      "media-playlist-shuffle-symbolic", LINES_GROUPS);
  adw_view_stack_page_set_use_underline (
      adw_view_stack_get_page (self->view_stack,
                               adw_view_stack_get_child_by_name (self->view_stack, "single")),
      TRUE);

  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                     GTK_SHORTCUT_SCOPE_GLOBAL);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>g", "win.overview");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>d", "win.compare");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "<Control>k", "win.lines");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), "F9", "win.show-sidebar");
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  g_signal_connect (self->view, "notify::result", G_CALLBACK (view_result_cb), a);
  g_signal_connect (self->view, "notify::layer", G_CALLBACK (view_position_cb), a);
  g_signal_connect (self->view, "notify::head", G_CALLBACK (view_position_cb), a);
  g_signal_connect (self->view_stack, "notify::visible-child-name", G_CALLBACK (page_changed_cb),
                    a);
  g_signal_connect (a->lines, "notify::heads", G_CALLBACK (lines_heads_cb), a);
  /* Held, so the handlers can go with the Analysis whatever the window's
   * disposal order. */
  a->head_adjustment = g_object_ref (a->window->head_adjustment);
  g_signal_connect_swapped (a->head_adjustment, "value-changed", G_CALLBACK (update_head_value), a);
  g_signal_connect_swapped (a->head_adjustment, "changed", G_CALLBACK (update_head_value), a);
  g_signal_connect (a->overview, "head-selected", G_CALLBACK (head_selected_cb), a);
  g_signal_connect (a->overview, "head-activated", G_CALLBACK (head_activated_cb), a);
  g_signal_connect (attention_compare_get_view (a->compare), "notify::result",
                    G_CALLBACK (compare_result_cb), a);
  g_signal_connect (a->bar, "notify::aggregate", G_CALLBACK (bar_matrix_cb), a);
  g_signal_connect (a->bar, "notify::hide-special", G_CALLBACK (bar_matrix_cb), a);
  g_signal_connect (a->bar, "notify::colormap", G_CALLBACK (bar_colours_cb), a);
  g_signal_connect (a->bar, "notify::scale", G_CALLBACK (bar_colours_cb), a);
  g_signal_connect (a->bar, "notify::score", G_CALLBACK (bar_score_cb), a);
  g_signal_connect (a->bar, "notify::sort-by-score", G_CALLBACK (bar_score_cb), a);
  /* Hovering either compared matrix shows its weight in the read-out. */
  g_signal_connect_swapped (attention_compare_get_main_view (a->compare), "notify::hover-text",
                            G_CALLBACK (attention_window_show_hover), self);
  g_signal_connect_swapped (attention_compare_get_view (a->compare), "notify::hover-text",
                            G_CALLBACK (attention_window_show_hover), self);

  view_result_cb (self->view, NULL, a);
  bar_colours_cb (a->bar, NULL, a);
  bar_score_cb (a->bar, NULL, a);
  page_changed_cb (self->view_stack, NULL, a);
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

AttentionLinesView *
attention_window_get_lines_view (AttentionWindow *self)
{
  Analysis *a = get_analysis (self);

  return a ? a->lines : NULL;
}

gboolean
attention_window_get_aggregate_busy (AttentionWindow *self)
{
  Analysis *a = get_analysis (self);

  return a ? a->aggregate_pending > 0 : FALSE;
}
