/* attention-lines-canvas.c: the scrollable drawing of the lines view (see
 * attention-lines-canvas.h). Implements GtkScrollable itself instead of
 * sitting in a GtkViewport: the widget is only as tall as what is seen, so a
 * frame draws the visible rows, and the header is simply drawn last, on top. */

#include "attention-lines-canvas.h"

#include <glib/gi18n.h>
#include <math.h>

#define FONT_FAMILY "Sans"
#define FONT_SIZE 13.0
#define ROW_HEIGHT 24.0
#define HEADER 32.0
#define LINE_WIDTH 1.5
#define MIN_GAP 120.0
/* Lines much longer than this read worse, not better: a wide window centres
 * the picture instead. */
#define MAX_GAP 640.0
#define MAX_LABEL 220.0

struct _AttentionLinesCanvas
{
  GtkWidget parent_instance;

  AttentionResult *result;
  guint layer;
  guint64 heads;
  AttentionColormap colormap;
  double threshold;
  double label_width; /* measured for the result; 0 = measure again */

  AttentionLinesSide hover_side;
  guint hover;
  AttentionLinesSide pinned_side;
  guint pinned;
  char *hover_text;
  double pointer_x, pointer_y; /* last pointer position; x < 0 when outside */

  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  GtkScrollablePolicy hscroll_policy;
  GtkScrollablePolicy vscroll_policy;
  guint n_frames;
};

enum
{
  PROP_0,
  PROP_HOVER_TEXT,
  PROP_PINNED,
  PROP_PINNED_SIDE,
  N_PROPS,
  /* GtkScrollable */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE_WITH_CODE (AttentionLinesCanvas,
                               attention_lines_canvas,
                               GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

static guint
n_tokens (AttentionLinesCanvas *self)
{
  return self->result ? attention_result_get_n_tokens (self->result) : 0;
}

static guint
n_heads (AttentionLinesCanvas *self)
{
  return self->result ? attention_result_get_n_heads (self->result) : 0;
}

/* The shown heads as matrices, at most 64; returns how many. */
static guint
shown_matrices (AttentionLinesCanvas *self, const float **matrices, guint *heads)
{
  guint count = 0;

  for (guint h = 0; self->result != NULL && h < MIN (n_heads (self), 64); h++)
    if (self->heads & (G_GUINT64_CONSTANT (1) << h))
      {
        matrices[count] = attention_result_get_matrix (self->result, self->layer, h);
        heads[count++] = h;
      }
  return count;
}

static void
make_style (AttentionLinesCanvas *self, double width, AttentionLinesStyle *style)
{
  guint8 rgb[3];
  guint shown = 0;

  attention_lines_style_init_export (style);
  style->font_family = FONT_FAMILY;
  style->font_size = FONT_SIZE;
  style->row_height = ROW_HEIGHT;
  style->header = HEADER;
  style->line_width = LINE_WIDTH;
  /* Lines rasterised at the screen's resolution (Cairo strokes are too
   * slow for thousands of lines a frame). */
  style->raster_scale = MAX (1, gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  style->colormap = self->colormap;
  style->threshold = (float)self->threshold;
  if (self->label_width <= 0 && self->result != NULL)
    self->label_width = attention_lines_measure_labels (
        style, attention_result_get_tokens (self->result), n_tokens (self), MAX_LABEL);
  style->label_width = MAX (self->label_width, 1);
  style->gap = CLAMP (floor (width - 2 * style->label_width), MIN_GAP, MAX_GAP);
  style->scroll = self->vadjustment ? floor (gtk_adjustment_get_value (self->vadjustment)) : 0;
  /* The picture is dark in either theme, as the matrix is: one head fades
   * into its colour map's zero, overlaid heads glow on black. */
  for (guint h = 0; h < MIN (n_heads (self), 64); h++)
    shown += (self->heads >> h) & 1;
  attention_colormap_rgb (shown > 1 ? ATTENTION_COLORMAP_GRAY : self->colormap, 0, rgb);
  for (guint c = 0; c < 3; c++)
    style->bg[c] = rgb[c] / 255.0;
  style->fg[0] = style->fg[1] = style->fg[2] = 0.92;
  style->focus_side = attention_lines_canvas_get_focus (self, &style->focus);
}

static void
current_style (AttentionLinesCanvas *self, AttentionLinesStyle *style)
{
  make_style (self, gtk_widget_get_width (GTK_WIDGET (self)), style);
}

/* Left edge of the (centred) picture in the canvas. */
static double
picture_x (AttentionLinesCanvas *self, const AttentionLinesStyle *style)
{
  double width;

  attention_lines_get_size (style, 0, &width, NULL);
  return MAX (0, floor ((gtk_widget_get_width (GTK_WIDGET (self)) - width) / 2));
}

static double
content_height (AttentionLinesCanvas *self)
{
  return HEADER + ROW_HEIGHT * n_tokens (self);
}

static void
configure_adjustments (AttentionLinesCanvas *self)
{
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double upper = MAX (content_height (self), height);

  if (self->vadjustment)
    gtk_adjustment_configure (
        self->vadjustment, CLAMP (gtk_adjustment_get_value (self->vadjustment), 0, upper - height),
        0, upper, ROW_HEIGHT, MAX (height - HEADER - ROW_HEIGHT, ROW_HEIGHT), height);
  if (self->hadjustment)
    gtk_adjustment_configure (self->hadjustment, 0, 0, width, 1, width, width);
}

/* --- hover and pin ----------------------------------------------------------- */

static char *
describe (AttentionLinesCanvas *self, AttentionLinesSide side, guint index)
{
  const float *matrices[64];
  guint heads[64], shown, n = n_tokens (self);
  guint best = 0, best_head = 0;
  float best_w = -1;

  if (side == ATTENTION_LINES_NONE || index >= n)
    return g_strdup ("");
  shown = shown_matrices (self, matrices, heads);
  for (guint m = 0; m < shown; m++)
    for (guint k = 0; k < n; k++)
      {
        float w = side == ATTENTION_LINES_QUERY ? matrices[m][(gsize)index * n + k]
                                                : matrices[m][(gsize)k * n + index];

        if (w > best_w)
          best_w = w, best = k, best_head = heads[m];
      }
  if (shown == 0)
    return g_strdup (attention_result_get_token (self->result, index));
  if (side == ATTENTION_LINES_QUERY)
    /* Translators: query token, its position, the key it attends to most,
     * the weight and the head. */
    return g_strdup_printf (_ ("Query “%s” (token %u) attends most to “%s”: %.2f (head %u)"),
                            attention_result_get_token (self->result, index), index + 1,
                            attention_result_get_token (self->result, best), best_w, best_head + 1);
  /* Translators: key token, its position, the query attending to it most,
   * the weight and the head. */
  return g_strdup_printf (_ ("Key “%s” (token %u) is attended to most by “%s”: %.2f (head %u)"),
                          attention_result_get_token (self->result, index), index + 1,
                          attention_result_get_token (self->result, best), best_w, best_head + 1);
}

static void
update_hover_text (AttentionLinesCanvas *self)
{
  g_autofree char *text = describe (self, self->hover_side, self->hover);

  if (g_strcmp0 (text, self->hover_text) == 0)
    return;
  g_free (self->hover_text);
  self->hover_text = g_steal_pointer (&text);
  /* Screen readers hear what the lines of the hovered token say. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->hover_text, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOVER_TEXT]);
}

static void
set_hover (AttentionLinesCanvas *self, AttentionLinesSide side, guint index)
{
  if (side == ATTENTION_LINES_NONE)
    index = 0;
  if (side == self->hover_side && index == self->hover)
    return;
  self->hover_side = side;
  self->hover = index;
  update_hover_text (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

AttentionLinesSide
attention_lines_canvas_get_focus (AttentionLinesCanvas *self, guint *index)
{
  g_return_val_if_fail (ATTENTION_IS_LINES_CANVAS (self), ATTENTION_LINES_NONE);

  if (self->hover_side != ATTENTION_LINES_NONE)
    {
      if (index)
        *index = self->hover;
      return self->hover_side;
    }
  if (index)
    *index = self->pinned;
  return self->pinned_side;
}

gboolean
attention_lines_canvas_hover_at (AttentionLinesCanvas *self, double x, double y)
{
  AttentionLinesStyle style;
  AttentionLinesSide side = ATTENTION_LINES_NONE;
  guint index = 0;

  g_return_val_if_fail (ATTENTION_IS_LINES_CANVAS (self), FALSE);

  self->pointer_x = x;
  self->pointer_y = y;
  current_style (self, &style);
  if (x < 0 || !attention_lines_hit (&style, n_tokens (self), x - picture_x (self, &style), y,
                                     &side, &index))
    side = ATTENTION_LINES_NONE;
  set_hover (self, side, index);
  return side != ATTENTION_LINES_NONE;
}

gboolean
attention_lines_canvas_click_at (AttentionLinesCanvas *self, double x, double y)
{
  AttentionLinesStyle style;
  AttentionLinesSide side = ATTENTION_LINES_NONE;
  guint index = 0;

  g_return_val_if_fail (ATTENTION_IS_LINES_CANVAS (self), FALSE);

  current_style (self, &style);
  if (!attention_lines_hit (&style, n_tokens (self), x - picture_x (self, &style), y, &side,
                            &index))
    {
      /* A click on the lines lets go of the pinned token. */
      attention_lines_canvas_set_pinned (self, ATTENTION_LINES_NONE, 0);
      return FALSE;
    }
  if (side == self->pinned_side && index == self->pinned)
    attention_lines_canvas_set_pinned (self, ATTENTION_LINES_NONE, 0);
  else
    attention_lines_canvas_set_pinned (self, side, index);
  return TRUE;
}

void
attention_lines_canvas_set_pinned (AttentionLinesCanvas *self, AttentionLinesSide side, guint index)
{
  g_return_if_fail (ATTENTION_IS_LINES_CANVAS (self));

  if (index >= n_tokens (self))
    side = ATTENTION_LINES_NONE;
  if (side == ATTENTION_LINES_NONE)
    index = 0;
  if (side == self->pinned_side && index == self->pinned)
    return;
  self->pinned_side = side;
  self->pinned = index;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED_SIDE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

AttentionLinesSide
attention_lines_canvas_get_pinned (AttentionLinesCanvas *self, guint *index)
{
  g_return_val_if_fail (ATTENTION_IS_LINES_CANVAS (self), ATTENTION_LINES_NONE);

  if (index)
    *index = self->pinned;
  return self->pinned_side;
}

gboolean
attention_lines_canvas_get_token_center (
    AttentionLinesCanvas *self, AttentionLinesSide side, guint index, double *x, double *y)
{
  AttentionLinesStyle style;

  g_return_val_if_fail (ATTENTION_IS_LINES_CANVAS (self), FALSE);

  if (side == ATTENTION_LINES_NONE || index >= n_tokens (self))
    return FALSE;
  current_style (self, &style);
  attention_lines_anchor (&style, side, index, x, y);
  *x += picture_x (self, &style);
  /* The anchor is the column's inner edge: move into the label. */
  *x += side == ATTENTION_LINES_QUERY ? -style.label_width / 2 : style.label_width / 2;
  return TRUE;
}

const char *
attention_lines_canvas_get_hover_text (AttentionLinesCanvas *self)
{
  g_return_val_if_fail (ATTENTION_IS_LINES_CANVAS (self), "");

  return self->hover_text;
}

void
attention_lines_canvas_get_style (AttentionLinesCanvas *self, AttentionLinesStyle *style)
{
  g_return_if_fail (ATTENTION_IS_LINES_CANVAS (self));

  current_style (self, style);
}

guint
attention_lines_canvas_get_n_frames (AttentionLinesCanvas *self)
{
  g_return_val_if_fail (ATTENTION_IS_LINES_CANVAS (self), 0);

  return self->n_frames;
}

/* --- state ------------------------------------------------------------------------ */

static void
changed (AttentionLinesCanvas *self)
{
  update_hover_text (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
attention_lines_canvas_set_result (AttentionLinesCanvas *self, AttentionResult *result)
{
  g_return_if_fail (ATTENTION_IS_LINES_CANVAS (self));
  g_return_if_fail (result == NULL || ATTENTION_IS_RESULT (result));

  if (!g_set_object (&self->result, result))
    return;
  self->label_width = 0;
  if (result != NULL)
    self->layer = MIN (self->layer, attention_result_get_n_layers (result) - 1);
  /* A hover or pin belongs to the old tokens. */
  self->hover_side = ATTENTION_LINES_NONE;
  attention_lines_canvas_set_pinned (self, ATTENTION_LINES_NONE, 0);
  if (self->vadjustment)
    gtk_adjustment_set_value (self->vadjustment, 0);
  changed (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
attention_lines_canvas_set_layer (AttentionLinesCanvas *self, guint layer)
{
  g_return_if_fail (ATTENTION_IS_LINES_CANVAS (self));

  if (self->result != NULL)
    layer = MIN (layer, attention_result_get_n_layers (self->result) - 1);
  if (self->layer == layer)
    return;
  self->layer = layer;
  changed (self);
}

void
attention_lines_canvas_set_heads (AttentionLinesCanvas *self, guint64 heads)
{
  g_return_if_fail (ATTENTION_IS_LINES_CANVAS (self));

  if (self->heads == heads)
    return;
  self->heads = heads;
  changed (self);
}

void
attention_lines_canvas_set_colormap (AttentionLinesCanvas *self, AttentionColormap colormap)
{
  g_return_if_fail (ATTENTION_IS_LINES_CANVAS (self));

  self->colormap = colormap;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
attention_lines_canvas_set_threshold (AttentionLinesCanvas *self, double threshold)
{
  g_return_if_fail (ATTENTION_IS_LINES_CANVAS (self));

  self->threshold = CLAMP (threshold, 0, 1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* --- GtkWidget --------------------------------------------------------------------- */

static void
attention_lines_canvas_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  AttentionLinesCanvas *self = ATTENTION_LINES_CANVAS (widget);
  const float *matrices[64];
  guint heads[64], shown;
  AttentionLinesStyle style;
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (self->result == NULL || width <= 0 || height <= 0)
    return;
  current_style (self, &style);
  shown = shown_matrices (self, matrices, heads);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  /* The dark ground spans the width; the picture is centred on it. */
  cairo_set_source_rgb (cr, style.bg[0], style.bg[1], style.bg[2]);
  cairo_paint (cr);
  cairo_translate (cr, picture_x (self, &style), 0);
  attention_lines_draw (cr, &style, matrices, heads, shown, n_heads (self), n_tokens (self),
                        attention_result_get_tokens (self->result));
  cairo_destroy (cr);
  self->n_frames++;
}

static void
attention_lines_canvas_measure (GtkWidget *widget,
                                GtkOrientation orientation,
                                int for_size,
                                int *minimum,
                                int *natural,
                                int *minimum_baseline,
                                int *natural_baseline)
{
  AttentionLinesCanvas *self = ATTENTION_LINES_CANVAS (widget);
  AttentionLinesStyle style;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      make_style (self, 0, &style);
      *minimum = (int)ceil (2 * style.label_width + MIN_GAP);
      *natural = *minimum + 200;
    }
  else
    {
      *minimum = (int)(HEADER + 3 * ROW_HEIGHT);
      *natural = MAX (*minimum, (int)ceil (content_height (self)));
    }
}

static void
attention_lines_canvas_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  configure_adjustments (ATTENTION_LINES_CANVAS (widget));
}

static void
vadjustment_changed_cb (GtkAdjustment *adjustment, AttentionLinesCanvas *self)
{
  /* The rows moved under a still pointer: it now hovers another token. */
  if (self->pointer_x >= 0)
    attention_lines_canvas_hover_at (self, self->pointer_x, self->pointer_y);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (AttentionLinesCanvas *self, GtkAdjustment **field, GtkAdjustment *adjustment)
{
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  if (*field == adjustment)
    return;
  if (*field != NULL)
    {
      g_signal_handlers_disconnect_by_func (*field, vadjustment_changed_cb, self);
      g_object_unref (*field);
    }
  *field = g_object_ref_sink (adjustment);
  g_signal_connect (adjustment, "value-changed", G_CALLBACK (vadjustment_changed_cb), self);
  configure_adjustments (self);
}

static void
motion_cb (GtkEventControllerMotion *controller, double x, double y, AttentionLinesCanvas *self)
{
  attention_lines_canvas_hover_at (self, x, y);
}

static void
leave_cb (GtkEventControllerMotion *controller, AttentionLinesCanvas *self)
{
  attention_lines_canvas_hover_at (self, -1, -1);
}

static void
click_cb (GtkGestureClick *gesture, int n_press, double x, double y, AttentionLinesCanvas *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  attention_lines_canvas_click_at (self, x, y);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint keyval,
                guint keycode,
                GdkModifierType state,
                AttentionLinesCanvas *self)
{
  int n = (int)n_tokens (self);
  int current = self->pinned_side == ATTENTION_LINES_QUERY ? (int)self->pinned : -1;

  /* As in the matrix view: T pins the next query token, Shift+T the
   * previous one, Escape lets go. */
  if (n == 0 || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) != 0)
    return FALSE;
  if (keyval == GDK_KEY_t || keyval == GDK_KEY_T)
    {
      int next = keyval == GDK_KEY_t ? current + 1 : (current < 0 ? n - 1 : current - 1);

      if (next >= 0 && next < n)
        attention_lines_canvas_set_pinned (self, ATTENTION_LINES_QUERY, (guint)next);
      else
        attention_lines_canvas_set_pinned (self, ATTENTION_LINES_NONE, 0);
      return TRUE;
    }
  if (keyval == GDK_KEY_Escape && self->pinned_side != ATTENTION_LINES_NONE)
    {
      attention_lines_canvas_set_pinned (self, ATTENTION_LINES_NONE, 0);
      return TRUE;
    }
  return FALSE;
}

static void
attention_lines_canvas_get_property (GObject *object,
                                     guint prop_id,
                                     GValue *value,
                                     GParamSpec *pspec)
{
  AttentionLinesCanvas *self = ATTENTION_LINES_CANVAS (object);

  switch (prop_id)
    {
      case PROP_HOVER_TEXT:
        g_value_set_string (value, self->hover_text);
        break;
      case PROP_PINNED:
        g_value_set_uint (value, self->pinned);
        break;
      case PROP_PINNED_SIDE:
        g_value_set_int (value, self->pinned_side);
        break;
      case PROP_HADJUSTMENT:
        g_value_set_object (value, self->hadjustment);
        break;
      case PROP_VADJUSTMENT:
        g_value_set_object (value, self->vadjustment);
        break;
      case PROP_HSCROLL_POLICY:
        g_value_set_enum (value, self->hscroll_policy);
        break;
      case PROP_VSCROLL_POLICY:
        g_value_set_enum (value, self->vscroll_policy);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_lines_canvas_set_property (GObject *object,
                                     guint prop_id,
                                     const GValue *value,
                                     GParamSpec *pspec)
{
  AttentionLinesCanvas *self = ATTENTION_LINES_CANVAS (object);

  switch (prop_id)
    {
      case PROP_HADJUSTMENT:
        set_adjustment (self, &self->hadjustment, g_value_get_object (value));
        break;
      case PROP_VADJUSTMENT:
        set_adjustment (self, &self->vadjustment, g_value_get_object (value));
        break;
      case PROP_HSCROLL_POLICY:
        self->hscroll_policy = g_value_get_enum (value);
        break;
      case PROP_VSCROLL_POLICY:
        self->vscroll_policy = g_value_get_enum (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_lines_canvas_dispose (GObject *object)
{
  AttentionLinesCanvas *self = ATTENTION_LINES_CANVAS (object);

  if (self->vadjustment)
    g_signal_handlers_disconnect_by_func (self->vadjustment, vadjustment_changed_cb, self);
  if (self->hadjustment)
    g_signal_handlers_disconnect_by_func (self->hadjustment, vadjustment_changed_cb, self);
  g_clear_object (&self->vadjustment);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->result);
  G_OBJECT_CLASS (attention_lines_canvas_parent_class)->dispose (object);
}

static void
attention_lines_canvas_finalize (GObject *object)
{
  AttentionLinesCanvas *self = ATTENTION_LINES_CANVAS (object);

  g_free (self->hover_text);
  G_OBJECT_CLASS (attention_lines_canvas_parent_class)->finalize (object);
}

static void
attention_lines_canvas_class_init (AttentionLinesCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = attention_lines_canvas_get_property;
  object_class->set_property = attention_lines_canvas_set_property;
  object_class->dispose = attention_lines_canvas_dispose;
  object_class->finalize = attention_lines_canvas_finalize;
  widget_class->snapshot = attention_lines_canvas_snapshot;
  widget_class->measure = attention_lines_canvas_measure;
  widget_class->size_allocate = attention_lines_canvas_size_allocate;

  properties[PROP_HOVER_TEXT] =
      g_param_spec_string ("hover-text", NULL, NULL, "", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PINNED] = g_param_spec_uint ("pinned", NULL, NULL, 0, G_MAXUINT, 0,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PINNED_SIDE] =
      g_param_spec_int ("pinned-side", NULL, NULL, ATTENTION_LINES_NONE, ATTENTION_LINES_KEY,
                        ATTENTION_LINES_NONE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  gtk_widget_class_set_css_name (widget_class, "attentionlines");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
attention_lines_canvas_init (AttentionLinesCanvas *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *controller;
  GtkGesture *click;

  self->hover_text = g_strdup ("");
  self->heads = 1;
  self->threshold = 0.05;
  self->pointer_x = -1;
  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (widget, controller);

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (click_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (widget, controller);

  gtk_accessible_update_property (
      GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
      _ ("Attention as lines from the query tokens on the left to the key tokens on the right"),
      -1);
}

GtkWidget *
attention_lines_canvas_new (void)
{
  return g_object_new (ATTENTION_TYPE_LINES_CANVAS, NULL);
}
