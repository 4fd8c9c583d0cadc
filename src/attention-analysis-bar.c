/* attention-analysis-bar.c: the analysis controls (see attention-analysis-bar.h) */

#include "attention-analysis-bar.h"

#include <glib/gi18n.h>
#include <math.h>

#define LEGEND_FONT 11
#define LEGEND_WIDTH 260

struct _AttentionAnalysisBar
{
  GtkWidget parent_instance;

  GtkWidget *aggregate_drop;
  GtkWidget *hide_check;
  GtkWidget *colormap_drop;
  GtkWidget *scale_drop;
  GtkWidget *legend;
  GtkWidget *pattern_label;
  GtkWidget *score_drop;
  GtkWidget *sort_check;

  AttentionAggregate aggregate;
  gboolean hide_special;
  AttentionColormap colormap;
  AttentionScale scale;
  int score;
  gboolean sort_by_score;
  float vmax; /* largest weight shown, for the contrast legend */
};

G_DEFINE_FINAL_TYPE (AttentionAnalysisBar, attention_analysis_bar, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_AGGREGATE,
  PROP_HIDE_SPECIAL,
  PROP_COLORMAP,
  PROP_SCALE,
  PROP_SCORE,
  PROP_SORT_BY_SCORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
draw_legend (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  AttentionAnalysisBar *self = data;
  GdkRGBA fg;
  double rgb[3];

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  rgb[0] = fg.red;
  rgb[1] = fg.green;
  rgb[2] = fg.blue;
  attention_colormap_draw_legend (cr, self->colormap, self->scale, self->vmax, width - 1,
                                  LEGEND_FONT, rgb);
}

/* One handler for every drop-down: the widget's "selected" is the truth the
 * properties mirror. */
static void
selected_cb (GtkDropDown *drop, GParamSpec *pspec, AttentionAnalysisBar *self)
{
  guint selected = gtk_drop_down_get_selected (drop);

  if (selected == GTK_INVALID_LIST_POSITION)
    return;
  if (GTK_WIDGET (drop) == self->aggregate_drop)
    attention_analysis_bar_set_aggregate (self, (AttentionAggregate)selected);
  else if (GTK_WIDGET (drop) == self->colormap_drop)
    attention_analysis_bar_set_colormap (self, (AttentionColormap)selected);
  else if (GTK_WIDGET (drop) == self->scale_drop)
    attention_analysis_bar_set_scale (self, (AttentionScale)selected);
  else if (GTK_WIDGET (drop) == self->score_drop)
    attention_analysis_bar_set_score (self, (int)selected - 1);
}

static void
toggled_cb (GtkCheckButton *check, AttentionAnalysisBar *self)
{
  gboolean active = gtk_check_button_get_active (check);

  if (GTK_WIDGET (check) == self->hide_check)
    attention_analysis_bar_set_hide_special (self, active);
  else if (active != self->sort_by_score)
    {
      self->sort_by_score = active;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_BY_SCORE]);
    }
}

/* Adds a control to a row; a flow box row wraps its controls on narrow
 * windows, so the bar never forces the window wider than a laptop screen. */
static void
append_item (GtkWidget *row, GtkWidget *item)
{
  if (GTK_IS_FLOW_BOX (row))
    {
      gtk_flow_box_append (GTK_FLOW_BOX (row), item);
      /* The wrapper is layout only: focus goes straight to the control. */
      gtk_widget_set_focusable (gtk_widget_get_parent (item), FALSE);
    }
  else
    gtk_box_append (GTK_BOX (row), item);
}

/* A mnemonic label and its drop-down, side by side in row. */
static GtkWidget *
add_drop (GtkWidget *row,
          const char *label_text,
          const char *const *items,
          AttentionAnalysisBar *self)
{
  GtkWidget *group = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (label_text);
  GtkWidget *drop = gtk_drop_down_new_from_strings (items);

  gtk_label_set_mnemonic_widget (GTK_LABEL (label), drop);
  gtk_box_append (GTK_BOX (group), label);
  gtk_box_append (GTK_BOX (group), drop);
  append_item (row, group);
  g_signal_connect (drop, "notify::selected", G_CALLBACK (selected_cb), self);
  return drop;
}

static void
attention_analysis_bar_get_property (GObject *object,
                                     guint prop_id,
                                     GValue *value,
                                     GParamSpec *pspec)
{
  AttentionAnalysisBar *self = ATTENTION_ANALYSIS_BAR (object);

  switch (prop_id)
    {
      case PROP_AGGREGATE:
        g_value_set_int (value, self->aggregate);
        break;
      case PROP_HIDE_SPECIAL:
        g_value_set_boolean (value, self->hide_special);
        break;
      case PROP_COLORMAP:
        g_value_set_int (value, self->colormap);
        break;
      case PROP_SCALE:
        g_value_set_int (value, self->scale);
        break;
      case PROP_SCORE:
        g_value_set_int (value, self->score);
        break;
      case PROP_SORT_BY_SCORE:
        g_value_set_boolean (value, self->sort_by_score);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_analysis_bar_set_property (GObject *object,
                                     guint prop_id,
                                     const GValue *value,
                                     GParamSpec *pspec)
{
  AttentionAnalysisBar *self = ATTENTION_ANALYSIS_BAR (object);

  switch (prop_id)
    {
      case PROP_AGGREGATE:
        attention_analysis_bar_set_aggregate (self, g_value_get_int (value));
        break;
      case PROP_HIDE_SPECIAL:
        attention_analysis_bar_set_hide_special (self, g_value_get_boolean (value));
        break;
      case PROP_COLORMAP:
        attention_analysis_bar_set_colormap (self, g_value_get_int (value));
        break;
      case PROP_SCALE:
        attention_analysis_bar_set_scale (self, g_value_get_int (value));
        break;
      case PROP_SCORE:
        attention_analysis_bar_set_score (self, g_value_get_int (value));
        break;
      case PROP_SORT_BY_SCORE:
        gtk_check_button_set_active (GTK_CHECK_BUTTON (self->sort_check),
                                     g_value_get_boolean (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_analysis_bar_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (attention_analysis_bar_parent_class)->dispose (object);
}

static void
attention_analysis_bar_class_init (AttentionAnalysisBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = attention_analysis_bar_get_property;
  object_class->set_property = attention_analysis_bar_set_property;
  object_class->dispose = attention_analysis_bar_dispose;

  properties[PROP_AGGREGATE] =
      g_param_spec_int ("aggregate", NULL, NULL, 0, ATTENTION_AGGREGATE_ROLLOUT, 0, flags);
  properties[PROP_HIDE_SPECIAL] = g_param_spec_boolean ("hide-special", NULL, NULL, FALSE, flags);
  properties[PROP_COLORMAP] =
      g_param_spec_int ("colormap", NULL, NULL, 0, ATTENTION_N_COLORMAPS - 1, 0, flags);
  properties[PROP_SCALE] =
      g_param_spec_int ("scale", NULL, NULL, 0, ATTENTION_N_SCALES - 1, 0, flags);
  properties[PROP_SCORE] =
      g_param_spec_int ("score", NULL, NULL, -1, ATTENTION_N_PATTERNS - 1, -1, flags);
  properties[PROP_SORT_BY_SCORE] = g_param_spec_boolean ("sort-by-score", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attention-analysis-bar");
}

static void
attention_analysis_bar_init (AttentionAnalysisBar *self)
{
  const char *aggregates[] = { _ ("This head"), _ ("Mean of the layer's heads"),
                               _ ("Mean of all heads"), _ ("Rollout up to this layer"), NULL };
  const char *colormaps[] = { attention_colormap_get_name (ATTENTION_COLORMAP_GRAY),
                              attention_colormap_get_name (ATTENTION_COLORMAP_VIRIDIS), NULL };
  const char *scales[] = { attention_scale_get_name (ATTENTION_SCALE_LINEAR),
                           attention_scale_get_name (ATTENTION_SCALE_LOG),
                           attention_scale_get_name (ATTENTION_SCALE_CONTRAST), NULL };
  const char *scores[ATTENTION_N_PATTERNS + 2];
  GtkWidget *row1, *row2;

  self->score = -1;
  self->vmax = 1;
  gtk_orientable_set_orientation (
      GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                              6);

  row1 = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (row1), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (row1), 8);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (row1), 12);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (row1), 6);
  row2 = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_parent (row1, GTK_WIDGET (self));
  gtk_widget_set_parent (row2, GTK_WIDGET (self));

  self->aggregate_drop = add_drop (row1, _ ("_Show"), aggregates, self);
  self->hide_check =
      gtk_check_button_new_with_mnemonic (_ ("_Hide [CLS]/[SEP] (rows renormalised)"));
  gtk_widget_set_tooltip_text (self->hide_check,
                               _ ("Drops the weight on [CLS] and [SEP] and rescales each row to "
                                  "sum 1, so the other tokens are not washed out"));
  g_signal_connect (self->hide_check, "toggled", G_CALLBACK (toggled_cb), self);
  append_item (row1, self->hide_check);
  self->colormap_drop = add_drop (row1, _ ("Co_lours"), colormaps, self);
  self->scale_drop = add_drop (row1, _ ("Sc_ale"), scales, self);

  self->legend = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self->legend), LEGEND_WIDTH);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self->legend),
                                       (int)ceil (attention_colormap_legend_height (LEGEND_FONT)));
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->legend), draw_legend, self, NULL);
  append_item (row1, self->legend);

  self->pattern_label = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->pattern_label), 0);
  gtk_widget_set_hexpand (self->pattern_label, TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (self->pattern_label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (row2), self->pattern_label);

  scores[0] = _ ("Nothing");
  for (int p = 0; p < ATTENTION_N_PATTERNS; p++)
    scores[p + 1] = attention_stats_pattern_name (p);
  scores[ATTENTION_N_PATTERNS + 1] = NULL;
  self->score_drop = add_drop (row2, _ ("Colour heads _by"), scores, self);
  self->sort_check = gtk_check_button_new_with_mnemonic (_ ("S_ort heads"));
  g_signal_connect (self->sort_check, "toggled", G_CALLBACK (toggled_cb), self);
  gtk_box_append (GTK_BOX (row2), self->sort_check);
}

GtkWidget *
attention_analysis_bar_new (void)
{
  return g_object_new (ATTENTION_TYPE_ANALYSIS_BAR, NULL);
}

AttentionAggregate
attention_analysis_bar_get_aggregate (AttentionAnalysisBar *self)
{
  g_return_val_if_fail (ATTENTION_IS_ANALYSIS_BAR (self), 0);
  return self->aggregate;
}

void
attention_analysis_bar_set_aggregate (AttentionAnalysisBar *self, AttentionAggregate aggregate)
{
  g_return_if_fail (ATTENTION_IS_ANALYSIS_BAR (self));
  g_return_if_fail (aggregate <= ATTENTION_AGGREGATE_ROLLOUT);

  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->aggregate_drop), aggregate);
  if (self->aggregate == aggregate)
    return;
  self->aggregate = aggregate;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AGGREGATE]);
}

gboolean
attention_analysis_bar_get_hide_special (AttentionAnalysisBar *self)
{
  g_return_val_if_fail (ATTENTION_IS_ANALYSIS_BAR (self), FALSE);
  return self->hide_special;
}

void
attention_analysis_bar_set_hide_special (AttentionAnalysisBar *self, gboolean hide)
{
  g_return_if_fail (ATTENTION_IS_ANALYSIS_BAR (self));

  hide = !!hide;
  gtk_check_button_set_active (GTK_CHECK_BUTTON (self->hide_check), hide);
  if (self->hide_special == hide)
    return;
  self->hide_special = hide;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIDE_SPECIAL]);
}

AttentionColormap
attention_analysis_bar_get_colormap (AttentionAnalysisBar *self)
{
  g_return_val_if_fail (ATTENTION_IS_ANALYSIS_BAR (self), 0);
  return self->colormap;
}

void
attention_analysis_bar_set_colormap (AttentionAnalysisBar *self, AttentionColormap colormap)
{
  g_return_if_fail (ATTENTION_IS_ANALYSIS_BAR (self));
  g_return_if_fail (colormap < ATTENTION_N_COLORMAPS);

  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->colormap_drop), colormap);
  if (self->colormap == colormap)
    return;
  self->colormap = colormap;
  gtk_widget_queue_draw (self->legend);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLORMAP]);
}

AttentionScale
attention_analysis_bar_get_scale (AttentionAnalysisBar *self)
{
  g_return_val_if_fail (ATTENTION_IS_ANALYSIS_BAR (self), 0);
  return self->scale;
}

void
attention_analysis_bar_set_scale (AttentionAnalysisBar *self, AttentionScale scale)
{
  g_return_if_fail (ATTENTION_IS_ANALYSIS_BAR (self));
  g_return_if_fail (scale < ATTENTION_N_SCALES);

  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->scale_drop), scale);
  if (self->scale == scale)
    return;
  self->scale = scale;
  gtk_widget_queue_draw (self->legend);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
}

int
attention_analysis_bar_get_score (AttentionAnalysisBar *self)
{
  g_return_val_if_fail (ATTENTION_IS_ANALYSIS_BAR (self), -1);
  return self->score;
}

void
attention_analysis_bar_set_score (AttentionAnalysisBar *self, int pattern)
{
  g_return_if_fail (ATTENTION_IS_ANALYSIS_BAR (self));
  g_return_if_fail (pattern >= -1 && pattern < ATTENTION_N_PATTERNS);

  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->score_drop), (guint)(pattern + 1));
  if (self->score == pattern)
    return;
  self->score = pattern;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCORE]);
}

gboolean
attention_analysis_bar_get_sort_by_score (AttentionAnalysisBar *self)
{
  g_return_val_if_fail (ATTENTION_IS_ANALYSIS_BAR (self), FALSE);
  return self->sort_by_score;
}

void
attention_analysis_bar_show_head (AttentionAnalysisBar *self,
                                  AttentionResult *result,
                                  guint layer,
                                  guint head,
                                  const float *matrix)
{
  g_autofree float *computed = NULL;
  g_autofree guint8 *classes = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *text = NULL;
  AttentionHeadScores scores;
  guint n;

  g_return_if_fail (ATTENTION_IS_ANALYSIS_BAR (self));

  if (result == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->pattern_label), "");
      return;
    }
  n = attention_result_get_n_tokens (result);
  if (matrix == NULL && self->aggregate != ATTENTION_AGGREGATE_ROLLOUT)
    matrix = computed =
        attention_stats_compute (result, self->aggregate, layer, head, self->hide_special);
  if (matrix == NULL)
    {
      text = g_strdup_printf (_ ("Rollout through layers 1 to %u"), layer + 1);
      gtk_label_set_text (GTK_LABEL (self->pattern_label), text);
      return;
    }

  self->vmax = attention_colormap_max (matrix, (gsize)n * n);
  gtk_widget_queue_draw (self->legend);

  classes = attention_stats_classify_tokens (attention_result_get_tokens (result), n);
  attention_stats_head_scores (matrix, n, classes, &scores);
  pattern = attention_stats_describe_pattern (&scores);
  switch (self->aggregate)
    {
      case ATTENTION_AGGREGATE_LAYER_MEAN:
        text = g_strdup_printf (_ ("Layer %u, mean of its heads: %s"), layer + 1, pattern);
        break;
      case ATTENTION_AGGREGATE_ALL_MEAN:
        text = g_strdup_printf (_ ("Mean of all heads: %s"), pattern);
        break;
      case ATTENTION_AGGREGATE_ROLLOUT:
        text = g_strdup_printf (_ ("Rollout through layers 1 to %u: %s"), layer + 1, pattern);
        break;
      case ATTENTION_AGGREGATE_HEAD:
      default:
        text = g_strdup_printf (_ ("Layer %u, head %u %s"), layer + 1, head + 1, pattern);
        break;
    }
  gtk_label_set_text (GTK_LABEL (self->pattern_label), text);
}

const char *
attention_analysis_bar_get_pattern_text (AttentionAnalysisBar *self)
{
  g_return_val_if_fail (ATTENTION_IS_ANALYSIS_BAR (self), "");
  return gtk_label_get_text (GTK_LABEL (self->pattern_label));
}
