/* attention-sidebar.c: the window's sidebar of analysis options (see the
 * header). */

#include "attention-sidebar.h"

#include <adwaita.h>
#include <glib/gi18n.h>

struct _AttentionSidebar
{
  GtkWidget parent_instance;

  AttentionSelection *selection;

  GtkWidget *matrix_group;
  GtkWidget *colours_group;
  GtkWidget *heads_group;
  GtkWidget *pattern_group;
  AdwComboRow *aggregate_row;
  GtkWidget *hide_switch;
  AdwComboRow *colormap_row;
  AdwComboRow *scale_row;
  AdwComboRow *score_row;
  GtkWidget *sort_switch;
  GtkLabel *pattern_label;
};

G_DEFINE_FINAL_TYPE (AttentionSidebar, attention_sidebar, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SELECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A combo row's position is the value (an enum's, or the score's), plus
 * offset: the score's first row is "Nothing", for -1. */
static gboolean
value_to_position (GBinding *binding, const GValue *from, GValue *to, gpointer offset)
{
  int value = G_VALUE_HOLDS_ENUM (from) ? g_value_get_enum (from) : g_value_get_int (from);

  g_value_set_uint (to, (guint)(value + GPOINTER_TO_INT (offset)));
  return TRUE;
}

static gboolean
position_to_value (GBinding *binding, const GValue *from, GValue *to, gpointer offset)
{
  guint position = g_value_get_uint (from);
  int value = (int)position - GPOINTER_TO_INT (offset);

  if (position == GTK_INVALID_LIST_POSITION)
    return FALSE;
  if (G_VALUE_HOLDS_ENUM (to))
    g_value_set_enum (to, value);
  else
    g_value_set_int (to, value);
  return TRUE;
}

static void
bind_row (AttentionSidebar *self, const char *property, AdwComboRow *row, int offset)
{
  g_object_bind_property_full (self->selection, property, row, "selected",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE, value_to_position,
                               position_to_value, GINT_TO_POINTER (offset), NULL);
}

static void
fill_row (AdwComboRow *row, const char *const *items)
{
  g_autoptr (GtkStringList) model = gtk_string_list_new (items);

  adw_combo_row_set_model (row, G_LIST_MODEL (model));
}

/* The strongest-pattern line for the matrix shown. While an aggregate is
 * computed the last line stays, as the last matrix does. */
static void
update_pattern (AttentionSidebar *self)
{
  AttentionResult *result = attention_selection_get_shown_result (self->selection);
  const float *matrix = attention_selection_get_matrix (self->selection);
  guint layer = attention_selection_get_layer (self->selection);
  g_autofree guint8 *classes = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *text = NULL;
  AttentionHeadScores scores;
  guint n;

  if (result == NULL)
    {
      gtk_label_set_text (self->pattern_label, "");
      return;
    }
  if (matrix == NULL)
    return;
  n = attention_result_get_n_tokens (result);
  classes = attention_stats_classify_tokens (attention_result_get_tokens (result), n);
  attention_stats_head_scores (matrix, n, classes, &scores);
  pattern = attention_stats_describe_pattern (&scores);
  switch (attention_selection_get_aggregate (self->selection))
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
      case ATTENTION_AGGREGATE_NORMS:
        if (attention_result_get_specials_hidden (result))
          /* Translators: Kobayashi et al. 2020's ||αf|| over the tokens
           * left when [CLS] and [SEP] are hidden, rows as shares. */
          text = g_strdup_printf (_ ("Layer %u, head %u, attention × value norms without [CLS] "
                                     "and [SEP] (rows sum to 1 over the tokens shown): %s"),
                                  layer + 1, attention_selection_get_head (self->selection) + 1,
                                  pattern);
        else
          /* Translators: Kobayashi et al. 2020's ||αf||, rows as shares. */
          text = g_strdup_printf (_ ("Layer %u, head %u, attention × value norms (rows sum to "
                                     "1): %s"),
                                  layer + 1, attention_selection_get_head (self->selection) + 1,
                                  pattern);
        break;
      case ATTENTION_AGGREGATE_HEAD:
      default:
        text = g_strdup_printf (_ ("Layer %u, head %u %s"), layer + 1,
                                attention_selection_get_head (self->selection) + 1, pattern);
        break;
    }
  gtk_label_set_text (self->pattern_label, text);
}

void
attention_sidebar_set_groups (AttentionSidebar *self, AttentionPageGroups groups)
{
  g_return_if_fail (ATTENTION_IS_SIDEBAR (self));

  gtk_widget_set_visible (self->matrix_group, (groups & ATTENTION_PAGE_GROUP_MATRIX) != 0);
  /* Colour map and scale share one group; the scale row only shows where
   * weights are coloured by it. */
  gtk_widget_set_visible (self->colours_group, (groups & (ATTENTION_PAGE_GROUP_COLOURS |
                                                          ATTENTION_PAGE_GROUP_SCALE)) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->colormap_row),
                          (groups & ATTENTION_PAGE_GROUP_COLOURS) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->scale_row), (groups & ATTENTION_PAGE_GROUP_SCALE) != 0);
  gtk_widget_set_visible (self->heads_group, (groups & ATTENTION_PAGE_GROUP_HEADS) != 0);
  gtk_widget_set_visible (self->pattern_group, (groups & ATTENTION_PAGE_GROUP_PATTERN) != 0);
}

static void
attention_sidebar_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AttentionSidebar *self = ATTENTION_SIDEBAR (object);

  switch (prop_id)
    {
      case PROP_SELECTION:
        g_value_set_object (value, self->selection);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_sidebar_set_property (GObject *object,
                                guint prop_id,
                                const GValue *value,
                                GParamSpec *pspec)
{
  AttentionSidebar *self = ATTENTION_SIDEBAR (object);

  switch (prop_id)
    {
      case PROP_SELECTION:
        self->selection = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_sidebar_constructed (GObject *object)
{
  AttentionSidebar *self = ATTENTION_SIDEBAR (object);

  G_OBJECT_CLASS (attention_sidebar_parent_class)->constructed (object);
  if (self->selection == NULL)
    self->selection = attention_selection_new ();

  bind_row (self, "aggregate", self->aggregate_row, 0);
  bind_row (self, "colormap", self->colormap_row, 0);
  bind_row (self, "scale", self->scale_row, 0);
  bind_row (self, "score", self->score_row, 1);
  g_object_bind_property (self->selection, "hide-special", self->hide_switch, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->selection, "sort-by-score", self->sort_switch, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->selection, "notify::matrix", G_CALLBACK (update_pattern), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::shown-result", G_CALLBACK (update_pattern),
                           self, G_CONNECT_SWAPPED);
  update_pattern (self);
}

static void
attention_sidebar_dispose (GObject *object)
{
  AttentionSidebar *self = ATTENTION_SIDEBAR (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), ATTENTION_TYPE_SIDEBAR);
  g_clear_object (&self->selection);
  G_OBJECT_CLASS (attention_sidebar_parent_class)->dispose (object);
}

static void
attention_sidebar_class_init (AttentionSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = attention_sidebar_get_property;
  object_class->set_property = attention_sidebar_set_property;
  object_class->constructed = attention_sidebar_constructed;
  object_class->dispose = attention_sidebar_dispose;

  properties[PROP_SELECTION] =
      g_param_spec_object ("selection", NULL, NULL, ATTENTION_TYPE_SELECTION,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/example/Attention/ui/attention-sidebar.ui");
  gtk_widget_class_bind_template_child (widget_class, AttentionSidebar, matrix_group);
  gtk_widget_class_bind_template_child (widget_class, AttentionSidebar, colours_group);
  gtk_widget_class_bind_template_child (widget_class, AttentionSidebar, heads_group);
  gtk_widget_class_bind_template_child (widget_class, AttentionSidebar, pattern_group);
  gtk_widget_class_bind_template_child (widget_class, AttentionSidebar, aggregate_row);
  gtk_widget_class_bind_template_child (widget_class, AttentionSidebar, hide_switch);
  gtk_widget_class_bind_template_child (widget_class, AttentionSidebar, colormap_row);
  gtk_widget_class_bind_template_child (widget_class, AttentionSidebar, scale_row);
  gtk_widget_class_bind_template_child (widget_class, AttentionSidebar, score_row);
  gtk_widget_class_bind_template_child (widget_class, AttentionSidebar, sort_switch);
  gtk_widget_class_bind_template_child (widget_class, AttentionSidebar, pattern_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attention-analysis-bar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
attention_sidebar_init (AttentionSidebar *self)
{
  /* Names the other libraries translate. */
  const char *colormaps[] = { attention_colormap_get_name (ATTENTION_COLORMAP_GRAY),
                              attention_colormap_get_name (ATTENTION_COLORMAP_VIRIDIS), NULL };
  const char *scales[] = { attention_scale_get_name (ATTENTION_SCALE_LINEAR),
                           attention_scale_get_name (ATTENTION_SCALE_LOG),
                           attention_scale_get_name (ATTENTION_SCALE_CONTRAST), NULL };
  const char *scores[ATTENTION_N_PATTERNS + 2];
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 18);
  gtk_widget_init_template (GTK_WIDGET (self));

  fill_row (self->colormap_row, colormaps);
  fill_row (self->scale_row, scales);
  scores[0] = _ ("Nothing");
  for (int p = 0; p < ATTENTION_N_PATTERNS; p++)
    scores[p + 1] = attention_stats_pattern_name (p);
  scores[ATTENTION_N_PATTERNS + 1] = NULL;
  fill_row (self->score_row, scores);
}
