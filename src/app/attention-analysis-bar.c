/* attention-analysis-bar.c: the analysis controls of the window's sidebar
 * (see attention-analysis-bar.h) */

#include "attention-analysis-bar.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

struct _AttentionAnalysisBar
{
  GtkWidget parent_instance;

  GtkWidget *groups[ATTENTION_ANALYSIS_N_GROUPS];
  GtkWidget *aggregate_row;
  GtkWidget *hide_switch;
  GtkWidget *colormap_row;
  GtkWidget *scale_row;
  GtkWidget *pattern_label;
  GtkWidget *score_row;
  GtkWidget *sort_switch;

  AttentionAggregate aggregate;
  gboolean hide_special;
  AttentionColormap colormap;
  AttentionScale scale;
  int score;
  gboolean sort_by_score;
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

/* One handler for every combo row: the row's "selected" is the truth the
 * properties mirror. */
static void
selected_cb (AdwComboRow *row, GParamSpec *pspec, AttentionAnalysisBar *self)
{
  guint selected = adw_combo_row_get_selected (row);

  if (selected == GTK_INVALID_LIST_POSITION)
    return;
  if (GTK_WIDGET (row) == self->aggregate_row)
    attention_analysis_bar_set_aggregate (self, (AttentionAggregate)selected);
  else if (GTK_WIDGET (row) == self->colormap_row)
    attention_analysis_bar_set_colormap (self, (AttentionColormap)selected);
  else if (GTK_WIDGET (row) == self->scale_row)
    attention_analysis_bar_set_scale (self, (AttentionScale)selected);
  else if (GTK_WIDGET (row) == self->score_row)
    attention_analysis_bar_set_score (self, (int)selected - 1);
}

static void
switch_cb (GtkSwitch *sw, GParamSpec *pspec, AttentionAnalysisBar *self)
{
  gboolean active = gtk_switch_get_active (sw);

  if (GTK_WIDGET (sw) == self->hide_switch)
    attention_analysis_bar_set_hide_special (self, active);
  else if (active != self->sort_by_score)
    {
      self->sort_by_score = active;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_BY_SCORE]);
    }
}

static GtkWidget *
add_group (AttentionAnalysisBar *self, AttentionAnalysisGroup group, const char *title)
{
  GtkWidget *widget = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (widget), title);
  gtk_widget_set_parent (widget, GTK_WIDGET (self));
  self->groups[group] = widget;
  return widget;
}

/* A combo row; its title is the mnemonic label of the drop-down. */
static GtkWidget *
add_combo (GtkWidget *group,
           const char *title,
           const char *subtitle,
           const char *const *items,
           AttentionAnalysisBar *self)
{
  GtkWidget *row = adw_combo_row_new ();
  GtkStringList *model = gtk_string_list_new (items);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  g_object_unref (model);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  g_signal_connect (row, "notify::selected", G_CALLBACK (selected_cb), self);
  return row;
}

static GtkWidget *
add_switch (GtkWidget *group, const char *title, const char *subtitle, AttentionAnalysisBar *self)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  g_signal_connect (sw, "notify::active", G_CALLBACK (switch_cb), self);
  return sw;
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
        gtk_switch_set_active (GTK_SWITCH (self->sort_switch), g_value_get_boolean (value));
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
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
attention_analysis_bar_init (AttentionAnalysisBar *self)
{
  const char *aggregates[] = { _ ("This head"), _ ("Mean of the layer’s heads"),
                               _ ("Mean of all heads"), _ ("Rollout up to this layer"), NULL };
  const char *colormaps[] = { attention_colormap_get_name (ATTENTION_COLORMAP_GRAY),
                              attention_colormap_get_name (ATTENTION_COLORMAP_VIRIDIS), NULL };
  const char *scales[] = { attention_scale_get_name (ATTENTION_SCALE_LINEAR),
                           attention_scale_get_name (ATTENTION_SCALE_LOG),
                           attention_scale_get_name (ATTENTION_SCALE_CONTRAST), NULL };
  const char *scores[ATTENTION_N_PATTERNS + 2];
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  GtkWidget *group;

  self->score = -1;
  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 18);
  gtk_widget_set_margin_start (GTK_WIDGET (self), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 12);

  group = add_group (self, ATTENTION_ANALYSIS_MATRIX, _ ("Matrix"));
  self->aggregate_row = add_combo (group, _ ("Sho_w"), NULL, aggregates, self);
  self->hide_switch =
      add_switch (group, _ ("Hi_de [CLS] and [SEP]"), _ ("Rows renormalised"), self);
  gtk_widget_set_tooltip_text (self->hide_switch,
                               _ ("Drops the weight on [CLS] and [SEP] and rescales each row to "
                                  "sum 1, so the other tokens are not washed out"));

  group = add_group (self, ATTENTION_ANALYSIS_COLOURS, _ ("Colours"));
  self->colormap_row = add_combo (group, _ ("C_olours"), NULL, colormaps, self);
  self->groups[ATTENTION_ANALYSIS_SCALE] = group;
  self->scale_row = add_combo (group, _ ("Scal_e"), NULL, scales, self);

  scores[0] = _ ("Nothing");
  for (int p = 0; p < ATTENTION_N_PATTERNS; p++)
    scores[p + 1] = attention_stats_pattern_name (p);
  scores[ATTENTION_N_PATTERNS + 1] = NULL;
  group = add_group (self, ATTENTION_ANALYSIS_HEADS, _ ("Heads"));
  self->score_row = add_combo (group, _ ("Colour b_y"), NULL, scores, self);
  self->sort_switch = add_switch (group, _ ("Sor_t heads"), _ ("Highest score first"), self);

  /* Last, so that its changing length moves no control under the pointer. */
  group = add_group (self, ATTENTION_ANALYSIS_PATTERN, _ ("Pattern"));
  self->pattern_label = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->pattern_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->pattern_label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (self->pattern_label), TRUE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->pattern_label);

  attention_analysis_bar_set_groups (self, ATTENTION_ANALYSIS_ALL);
}

void
attention_analysis_bar_set_groups (AttentionAnalysisBar *self, guint groups)
{
  g_return_if_fail (ATTENTION_IS_ANALYSIS_BAR (self));

  gtk_widget_set_visible (self->groups[ATTENTION_ANALYSIS_MATRIX],
                          (groups & ATTENTION_ANALYSIS_GROUP (MATRIX)) != 0);
  /* Colour map and scale share one group; the scale row only shows where
   * weights are coloured by it. */
  gtk_widget_set_visible (
      self->groups[ATTENTION_ANALYSIS_COLOURS],
      (groups & (ATTENTION_ANALYSIS_GROUP (COLOURS) | ATTENTION_ANALYSIS_GROUP (SCALE))) != 0);
  gtk_widget_set_visible (self->colormap_row, (groups & ATTENTION_ANALYSIS_GROUP (COLOURS)) != 0);
  gtk_widget_set_visible (self->scale_row, (groups & ATTENTION_ANALYSIS_GROUP (SCALE)) != 0);
  gtk_widget_set_visible (self->groups[ATTENTION_ANALYSIS_HEADS],
                          (groups & ATTENTION_ANALYSIS_GROUP (HEADS)) != 0);
  gtk_widget_set_visible (self->groups[ATTENTION_ANALYSIS_PATTERN],
                          (groups & ATTENTION_ANALYSIS_GROUP (PATTERN)) != 0);
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

  adw_combo_row_set_selected (ADW_COMBO_ROW (self->aggregate_row), aggregate);
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
  gtk_switch_set_active (GTK_SWITCH (self->hide_switch), hide);
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

  adw_combo_row_set_selected (ADW_COMBO_ROW (self->colormap_row), colormap);
  if (self->colormap == colormap)
    return;
  self->colormap = colormap;
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

  adw_combo_row_set_selected (ADW_COMBO_ROW (self->scale_row), scale);
  if (self->scale == scale)
    return;
  self->scale = scale;
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

  adw_combo_row_set_selected (ADW_COMBO_ROW (self->score_row), (guint)(pattern + 1));
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
