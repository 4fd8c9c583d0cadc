/* attention-overview.c: the model overview widget (see attention-overview.h) */

#include "attention-overview.h"

#include <glib/gi18n.h>
#include <math.h>

#include "attention-grid.h"

#define NATURAL_THUMB 56
#define MIN_THUMB 12

struct _AttentionOverview
{
  GtkWidget parent_instance;

  AttentionResult *result;
  AttentionHeadScores *scores; /* per head, computed once per result in a worker */
  GCancellable *scores_cancellable;
  double *score_values; /* the chosen score, 0..1, per head */
  float *importance;    /* head importance (Δp) per head, or NULL */
  guint layer;
  guint head;
  AttentionColormap colormap;
  int score;
  gboolean sort;

  /* The grid without selection, drawn once per result, size, colour map or
   * score: 144 thumbnails of a long sentence take longer than a frame, and
   * moving the selection must not pay that. */
  cairo_surface_t *cache;
  GtkWidget *menu; /* a head's context menu, or NULL */
};

G_DEFINE_FINAL_TYPE (AttentionOverview, attention_overview, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_RESULT,
  PROP_LAYER,
  PROP_HEAD,
  PROP_SCORES_READY,
  N_PROPS
};

enum
{
  HEAD_SELECTED,
  HEAD_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static guint
n_layers (AttentionOverview *self)
{
  return self->result ? attention_result_get_n_layers (self->result) : 0;
}

static guint
n_heads (AttentionOverview *self)
{
  return self->result ? attention_result_get_n_heads (self->result) : 0;
}

static void
update_score_values (AttentionOverview *self)
{
  guint total = n_layers (self) * n_heads (self);
  guint n = self->result ? attention_result_get_n_tokens (self->result) : 0;

  g_clear_pointer (&self->score_values, g_free);
  /* Head importance, when measured, colours the bars instead: Δp over the
   * largest drop, so the most important head is full. */
  if (self->result != NULL && self->importance != NULL)
    {
      double max = 0;

      for (guint k = 0; k < total; k++)
        max = MAX (max, self->importance[k]);
      self->score_values = g_new (double, MAX (total, 1));
      for (guint k = 0; k < total; k++)
        self->score_values[k] = max > 0 ? CLAMP (self->importance[k] / max, 0.0, 1.0) : 0;
      return;
    }
  /* Until the worker has the scores the grid shows plain thumbnails. */
  if (self->result == NULL || self->scores == NULL || self->score < 0 ||
      self->score >= ATTENTION_N_PATTERNS)
    return;
  self->score_values = g_new (double, MAX (total, 1));
  for (guint k = 0; k < total; k++)
    {
      double v = self->scores[k].score[self->score];

      /* Entropy in nats runs to log n; weights already run to 1. */
      if (self->score == ATTENTION_PATTERN_ENTROPY)
        v = n > 1 ? v / log (n) : 0;
      self->score_values[k] = CLAMP (v, 0.0, 1.0);
    }
}

/* The grid style for the current size: thumbnails shrink to fit. */
static void
get_style (AttentionOverview *self, AttentionGridStyle *style)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double w1, h1, thumb_w, thumb_h;

  attention_grid_style_init (style);
  style->colormap = self->colormap;
  style->scores = self->score_values;
  style->sort_by_score = self->sort;
  style->selected_layer = self->result ? (int)self->layer : -1;
  style->selected_head = self->result ? (int)self->head : -1;
  style->draw_background = FALSE;
  if (n_layers (self) == 0 || n_heads (self) == 0)
    return;

  /* Size at thumb = 1 is linear in thumb (labels and gaps are fixed), so two
   * probes give the largest thumb that fits. */
  style->thumb = 0;
  attention_grid_get_size (style, n_layers (self), n_heads (self), &w1, &h1);
  style->thumb = 1;
  {
    double w2, h2;

    attention_grid_get_size (style, n_layers (self), n_heads (self), &w2, &h2);
    thumb_w = (width - w1) / MAX (w2 - w1, 1e-6);
    thumb_h = (height - h1) / MAX (h2 - h1, 1e-6);
  }
  style->thumb = MAX (MIN_THUMB, floor (MIN (thumb_w, thumb_h)));
}

/* The grid is centred across the widget, like the matrix in the view. */
static double
grid_offset_x (AttentionOverview *self, const AttentionGridStyle *style)
{
  double width, height;

  attention_grid_get_size (style, n_layers (self), n_heads (self), &width, &height);
  return MAX (0, floor ((gtk_widget_get_width (GTK_WIDGET (self)) - ceil (width)) / 2));
}

static void
invalidate_cache (AttentionOverview *self)
{
  g_clear_pointer (&self->cache, cairo_surface_destroy);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
ensure_cache (AttentionOverview *self, const AttentionGridStyle *style, int width, int height)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  AttentionGridStyle unselected = *style;
  cairo_t *cr;

  if (self->cache != NULL && cairo_image_surface_get_width (self->cache) == width * scale &&
      cairo_image_surface_get_height (self->cache) == height * scale)
    return;

  g_clear_pointer (&self->cache, cairo_surface_destroy);
  self->cache = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale, height * scale);
  cairo_surface_set_device_scale (self->cache, scale, scale);
  unselected.selected_layer = -1;
  unselected.selected_head = -1;
  cr = cairo_create (self->cache);
  attention_grid_draw (cr, &unselected, attention_result_get_attentions (self->result),
                       n_layers (self), n_heads (self),
                       attention_result_get_n_tokens (self->result));
  cairo_destroy (cr);
}

static void
attention_overview_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  AttentionOverview *self = ATTENTION_OVERVIEW (widget);
  AttentionGridStyle style;
  GtkStyleContext *context;
  GdkRGBA fg;
  double width, height, cx, cy;
  cairo_t *cr;

  if (self->result == NULL)
    return;

  get_style (self, &style);
  /* Labels in the theme's text colour, so light and dark styles both read. */
  context = gtk_widget_get_style_context (widget);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (context, &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  style.fg[0] = fg.red;
  style.fg[1] = fg.green;
  style.fg[2] = fg.blue;
  attention_grid_get_size (&style, n_layers (self), n_heads (self), &width, &height);
  ensure_cache (self, &style, (int)ceil (width), (int)ceil (height));

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (grid_offset_x (self, &style), 0));
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_source_surface (cr, self->cache, 0, 0);
  cairo_paint (cr);
  if (attention_overview_get_thumbnail_center (self, self->layer, self->head, &cx, &cy))
    {
      /* The selection outline, as attention_grid_draw would draw it. */
      double w = MAX (2.0, style.gap / 2);
      double bar = style.scores != NULL ? style.thumb / 10 + 2 : 0;

      /* In the grid's own coordinates, like the cache. */
      cx -= grid_offset_x (self, &style);

      cairo_set_source_rgb (cr, 0.208, 0.518, 0.894);
      cairo_set_line_width (cr, w);
      cairo_rectangle (cr, cx - style.thumb / 2 - w / 2, cy - style.thumb / 2 - w / 2,
                       style.thumb + w, style.thumb + bar + w);
      cairo_stroke (cr);
    }
  /* Heads the run switched off: crossed out. */
  if (attention_result_get_head_mask (self->result) != NULL)
    {
      const float *mask = attention_result_get_head_mask (self->result);

      cairo_set_source_rgb (cr, 0.878, 0.106, 0.141);
      cairo_set_line_width (cr, MAX (2.0, style.thumb / 16));
      for (guint l = 0; l < n_layers (self); l++)
        for (guint h = 0; h < n_heads (self); h++)
          if (mask[l * n_heads (self) + h] == 0 &&
              attention_overview_get_thumbnail_center (self, l, h, &cx, &cy))
            {
              double r = style.thumb / 2;

              cx -= grid_offset_x (self, &style);
              cairo_move_to (cr, cx - r, cy - r);
              cairo_line_to (cr, cx + r, cy + r);
              cairo_move_to (cr, cx + r, cy - r);
              cairo_line_to (cr, cx - r, cy + r);
              cairo_stroke (cr);
            }
    }
  if (gtk_widget_has_visible_focus (widget))
    {
      /* Keyboard focus: a dashed frame around the whole grid. */
      double dash = 4;

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
      cairo_set_dash (cr, &dash, 1, 0);
      cairo_set_line_width (cr, 1);
      cairo_rectangle (cr, 0.5, 0.5, width - 1, height - 1);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
  gtk_snapshot_restore (snapshot);
}

static void
attention_overview_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (attention_overview_parent_class)->css_changed (widget, change);
  /* The labels in the cache carry the old text colour (light/dark switch). */
  invalidate_cache (ATTENTION_OVERVIEW (widget));
}

static void
attention_overview_measure (GtkWidget *widget,
                            GtkOrientation orientation,
                            int for_size,
                            int *minimum,
                            int *natural,
                            int *minimum_baseline,
                            int *natural_baseline)
{
  AttentionOverview *self = ATTENTION_OVERVIEW (widget);
  AttentionGridStyle style;
  double min_w, min_h, nat_w, nat_h;
  guint layers = MAX (n_layers (self), 1), heads = MAX (n_heads (self), 1);

  attention_grid_style_init (&style);
  style.scores = self->score_values;
  style.thumb = MIN_THUMB;
  attention_grid_get_size (&style, layers, heads, &min_w, &min_h);
  style.thumb = NATURAL_THUMB;
  attention_grid_get_size (&style, layers, heads, &nat_w, &nat_h);
  *minimum = (int)ceil (orientation == GTK_ORIENTATION_HORIZONTAL ? min_w : min_h);
  *natural = (int)ceil (orientation == GTK_ORIENTATION_HORIZONTAL ? nat_w : nat_h);
}

gboolean
attention_overview_pick (AttentionOverview *self, double x, double y, guint *layer, guint *head)
{
  AttentionGridStyle style;

  g_return_val_if_fail (ATTENTION_IS_OVERVIEW (self), FALSE);

  if (self->result == NULL)
    return FALSE;
  get_style (self, &style);
  return attention_grid_hit (&style, n_layers (self), n_heads (self),
                             x - grid_offset_x (self, &style), y, layer, head);
}

gboolean
attention_overview_get_thumbnail_center (
    AttentionOverview *self, guint layer, guint head, double *x, double *y)
{
  AttentionGridStyle style;
  guint L = n_layers (self), H = n_heads (self);

  g_return_val_if_fail (ATTENTION_IS_OVERVIEW (self), FALSE);

  if (self->result == NULL || layer >= L || head >= H)
    return FALSE;
  get_style (self, &style);
  /* Search the row: with sorting, the column of a head depends on scores. */
  for (guint c = 0; c < H; c++)
    if (attention_grid_head_at (&style, H, layer, c) == head)
      {
        double origin = (style.label_size > 0 ? style.label_size * 3 : 0) + style.gap;
        double bar = style.scores != NULL ? style.thumb / 10 + 2 : 0;

        if (x)
          *x = grid_offset_x (self, &style) + origin + (style.thumb + style.gap) * c +
               style.thumb / 2;
        if (y)
          *y = origin + (style.thumb + bar + style.gap) * layer + style.thumb / 2;
        return TRUE;
      }
  return FALSE;
}

static void
select_and_emit (AttentionOverview *self, guint layer, guint head)
{
  attention_overview_set_selected (self, layer, head);
  g_signal_emit (self, signals[HEAD_SELECTED], 0, self->layer, self->head);
}

/* The window's win.toggle-head: the head goes off (or on again) and the
 * sentence runs again. */
static void
toggle_head (AttentionOverview *self, guint layer, guint head)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toggle-head", "(uu)", layer, head);
}

static void
popup_menu (AttentionOverview *self, guint layer, guint head, double x, double y)
{
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenuItem) item = NULL;
  const float *mask = attention_result_get_head_mask (self->result);
  gboolean off = mask != NULL && mask[layer * n_heads (self) + head] == 0;
  GdkRectangle rect = { (int)x, (int)y, 1, 1 };

  item = g_menu_item_new (off ? _ ("Turn This Head _On") : _ ("Turn This Head _Off"), NULL);
  g_menu_item_set_action_and_target_value (item, "win.toggle-head",
                                           g_variant_new ("(uu)", layer, head));
  g_menu_append_item (menu, item);
  g_menu_append (menu, _ ("Turn _All Back On"), "win.heads-all-on");
  if (self->menu == NULL)
    {
      self->menu = gtk_popover_menu_new_from_model (NULL);
      gtk_widget_set_parent (self->menu, GTK_WIDGET (self));
    }
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->menu), G_MENU_MODEL (menu));
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &rect);
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static void
click_cb (GtkGestureClick *gesture, int n_press, double x, double y, AttentionOverview *self)
{
  guint layer, head;
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  GdkModifierType state =
      gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (!attention_overview_pick (self, x, y, &layer, &head))
    return;
  if (button == GDK_BUTTON_SECONDARY)
    popup_menu (self, layer, head, x, y);
  else if (state & GDK_CONTROL_MASK)
    /* Ctrl+click switches the head off or on, and leaves the selection. */
    toggle_head (self, layer, head);
  else
    {
      select_and_emit (self, layer, head);
      g_signal_emit (self, signals[HEAD_ACTIVATED], 0, self->layer, self->head);
    }
}

static gboolean
key_cb (GtkEventControllerKey *controller,
        guint keyval,
        guint keycode,
        GdkModifierType state,
        AttentionOverview *self)
{
  int layer = (int)self->layer, head = (int)self->head;

  if (self->result == NULL)
    return FALSE;
  /* The selected head's menu from the keyboard. */
  if (keyval == GDK_KEY_Menu ||
      (keyval == GDK_KEY_F10 && (state & GDK_MODIFIER_MASK) == GDK_SHIFT_MASK))
    {
      double cx, cy;

      if (attention_overview_get_thumbnail_center (self, self->layer, self->head, &cx, &cy))
        popup_menu (self, self->layer, self->head, cx, cy);
      return TRUE;
    }
  if ((state & GDK_CONTROL_MASK) &&
      (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_space))
    {
      toggle_head (self, self->layer, self->head);
      return TRUE;
    }
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return FALSE;
  switch (keyval)
    {
      case GDK_KEY_Left:
      case GDK_KEY_KP_Left:
        head--;
        break;
      case GDK_KEY_Right:
      case GDK_KEY_KP_Right:
        head++;
        break;
      case GDK_KEY_Up:
      case GDK_KEY_KP_Up:
        layer--;
        break;
      case GDK_KEY_Down:
      case GDK_KEY_KP_Down:
        layer++;
        break;
      case GDK_KEY_Return:
      case GDK_KEY_KP_Enter:
      case GDK_KEY_space:
        select_and_emit (self, self->layer, self->head);
        g_signal_emit (self, signals[HEAD_ACTIVATED], 0, self->layer, self->head);
        return TRUE;
      default:
        return FALSE;
    }
  layer = CLAMP (layer, 0, (int)n_layers (self) - 1);
  head = CLAMP (head, 0, (int)n_heads (self) - 1);
  /* Arrows move the selection and the main view follows at once. */
  select_and_emit (self, (guint)layer, (guint)head);
  return TRUE;
}

static gboolean
query_tooltip_cb (GtkWidget *widget,
                  int x,
                  int y,
                  gboolean keyboard,
                  GtkTooltip *tooltip,
                  AttentionOverview *self)
{
  guint layer, head;
  g_autofree AttentionHeadScores *one = NULL;
  const AttentionHeadScores *scores;
  g_autofree char *pattern = NULL;
  g_autofree char *text = NULL;

  if (keyboard)
    {
      layer = self->layer;
      head = self->head;
      if (self->result == NULL)
        return FALSE;
    }
  else if (!attention_overview_pick (self, x, y, &layer, &head))
    return FALSE;

  /* Before the worker is done, this head alone is quick enough. */
  if (self->scores != NULL)
    scores = &self->scores[layer * n_heads (self) + head];
  else
    scores = one = attention_stats_one_head_scores (self->result, layer, head);
  pattern = attention_stats_describe_pattern (scores);
  text = g_strdup_printf (_ ("Layer %u, Head %u: %s"), layer + 1, head + 1, pattern);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
attention_overview_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AttentionOverview *self = ATTENTION_OVERVIEW (object);

  switch (prop_id)
    {
      case PROP_RESULT:
        g_value_set_object (value, self->result);
        break;
      case PROP_LAYER:
        g_value_set_uint (value, self->layer);
        break;
      case PROP_HEAD:
        g_value_set_uint (value, self->head);
        break;
      case PROP_SCORES_READY:
        g_value_set_boolean (value, self->scores != NULL);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_overview_set_property (GObject *object,
                                 guint prop_id,
                                 const GValue *value,
                                 GParamSpec *pspec)
{
  AttentionOverview *self = ATTENTION_OVERVIEW (object);

  switch (prop_id)
    {
      case PROP_RESULT:
        attention_overview_set_result (self, g_value_get_object (value));
        break;
      case PROP_LAYER:
        attention_overview_set_selected (self, g_value_get_uint (value), self->head);
        break;
      case PROP_HEAD:
        attention_overview_set_selected (self, self->layer, g_value_get_uint (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_overview_dispose (GObject *object)
{
  AttentionOverview *self = ATTENTION_OVERVIEW (object);

  g_cancellable_cancel (self->scores_cancellable);
  g_clear_object (&self->scores_cancellable);
  g_clear_object (&self->result);
  g_clear_pointer (&self->cache, cairo_surface_destroy);
  g_clear_pointer (&self->scores, g_free);
  g_clear_pointer (&self->score_values, g_free);
  g_clear_pointer (&self->importance, g_free);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  G_OBJECT_CLASS (attention_overview_parent_class)->dispose (object);
}

static void
attention_overview_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  AttentionOverview *self = ATTENTION_OVERVIEW (widget);

  if (self->menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->menu));
}

static void
attention_overview_class_init (AttentionOverviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = attention_overview_get_property;
  object_class->set_property = attention_overview_set_property;
  object_class->dispose = attention_overview_dispose;
  widget_class->snapshot = attention_overview_snapshot;
  widget_class->measure = attention_overview_measure;
  widget_class->size_allocate = attention_overview_size_allocate;
  widget_class->css_changed = attention_overview_css_changed;

  properties[PROP_RESULT] = g_param_spec_object ("result", NULL, NULL, ATTENTION_TYPE_RESULT,
                                                 G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAYER] =
      g_param_spec_uint ("layer", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEAD] =
      g_param_spec_uint ("head", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* TRUE once the worker has scored every head of the result. */
  properties[PROP_SCORES_READY] = g_param_spec_boolean ("scores-ready", NULL, NULL, FALSE,
                                                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* ::head-selected (layer, head), 0-indexed, when the user picks a head. */
  signals[HEAD_SELECTED] =
      g_signal_new ("head-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  /* ::head-activated (layer, head), after ::head-selected, when the user
   * opens a head: a click, Enter or Space. Arrow keys only select. */
  signals[HEAD_ACTIVATED] =
      g_signal_new ("head-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

  gtk_widget_class_set_css_name (widget_class, "attention-overview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GRID);
}

static void
attention_overview_init (AttentionOverview *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->score = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  /* Any button: the secondary one opens a head's menu. */
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "pressed", G_CALLBACK (click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("All heads"), -1);
}

GtkWidget *
attention_overview_new (void)
{
  return g_object_new (ATTENTION_TYPE_OVERVIEW, NULL);
}

static void
scores_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (AttentionOverview) self = data;
  g_autoptr (GError) error = NULL;
  AttentionHeadScores *scores;

  scores = attention_stats_all_head_scores_finish (ATTENTION_RESULT (source), res, &error);
  /* Cancelled: a newer result or the widget went away. */
  if (scores == NULL)
    return;
  g_free (self->scores);
  self->scores = scores;
  update_score_values (self);
  invalidate_cache (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCORES_READY]);
}

void
attention_overview_set_result (AttentionOverview *self, AttentionResult *result)
{
  g_return_if_fail (ATTENTION_IS_OVERVIEW (self));
  g_return_if_fail (result == NULL || ATTENTION_IS_RESULT (result));

  if (!g_set_object (&self->result, result))
    return;
  g_cancellable_cancel (self->scores_cancellable);
  g_clear_object (&self->scores_cancellable);
  g_clear_pointer (&self->scores, g_free);
  g_clear_pointer (&self->importance, g_free);
  if (result != NULL)
    {
      /* Sorting and colouring by a score need every head's scores: half a
       * second at 512 tokens for bert-base, so never on the main thread. */
      self->scores_cancellable = g_cancellable_new ();
      attention_stats_all_head_scores_async (result, self->scores_cancellable, scores_done_cb,
                                             g_object_ref (self));
    }
  update_score_values (self);
  invalidate_cache (self);
  /* Keep the selection where it was if the new result has that head. */
  attention_overview_set_selected (self, self->layer, self->head);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
}

AttentionResult *
attention_overview_get_result (AttentionOverview *self)
{
  g_return_val_if_fail (ATTENTION_IS_OVERVIEW (self), NULL);
  return self->result;
}

void
attention_overview_set_selected (AttentionOverview *self, guint layer, guint head)
{
  g_return_if_fail (ATTENTION_IS_OVERVIEW (self));

  if (self->result != NULL)
    {
      layer = MIN (layer, MAX (n_layers (self), 1) - 1);
      head = MIN (head, MAX (n_heads (self), 1) - 1);
    }
  g_object_freeze_notify (G_OBJECT (self));
  if (layer != self->layer)
    {
      self->layer = layer;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYER]);
    }
  if (head != self->head)
    {
      self->head = head;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEAD]);
    }
  g_object_thaw_notify (G_OBJECT (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
attention_overview_get_layer (AttentionOverview *self)
{
  g_return_val_if_fail (ATTENTION_IS_OVERVIEW (self), 0);
  return self->layer;
}

guint
attention_overview_get_head (AttentionOverview *self)
{
  g_return_val_if_fail (ATTENTION_IS_OVERVIEW (self), 0);
  return self->head;
}

void
attention_overview_set_colormap (AttentionOverview *self, AttentionColormap colormap)
{
  g_return_if_fail (ATTENTION_IS_OVERVIEW (self));

  self->colormap = colormap;
  invalidate_cache (self);
}

void
attention_overview_set_importance (AttentionOverview *self, const float *importance)
{
  guint total;

  g_return_if_fail (ATTENTION_IS_OVERVIEW (self));
  total = n_layers (self) * n_heads (self);
  g_clear_pointer (&self->importance, g_free);
  if (importance != NULL && total > 0)
    self->importance = g_memdup2 (importance, total * sizeof (float));
  update_score_values (self);
  invalidate_cache (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
attention_overview_set_score (AttentionOverview *self, int pattern, gboolean sort)
{
  g_return_if_fail (ATTENTION_IS_OVERVIEW (self));
  g_return_if_fail (pattern >= -1 && pattern < ATTENTION_N_PATTERNS);

  self->score = pattern;
  self->sort = sort && pattern >= 0;
  update_score_values (self);
  invalidate_cache (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

gboolean
attention_overview_get_scores_ready (AttentionOverview *self)
{
  g_return_val_if_fail (ATTENTION_IS_OVERVIEW (self), FALSE);
  return self->scores != NULL;
}
