/* attention-lines-canvas.c: the scrollable drawing of the lines view (see
 * attention-lines-canvas.h). Scrolls itself (AttentionCanvas) instead of
 * sitting in a GtkViewport: the widget is only as tall as what is seen, so a
 * frame draws the visible rows, and the header is simply drawn last, on top. */

#include "attention-lines-canvas.h"

#include <glib/gi18n.h>
#include <math.h>

#include "attention-combine.h"

#define FONT_FAMILY "Sans"
#define FONT_SIZE 13.0
#define ROW_HEIGHT 24.0
#define HEADER 32.0
#define LINE_WIDTH 1.5
#define MIN_GAP 120.0
/* Lines much longer than this read worse, not better: a wide window centres
 * the picture instead. */
#define MAX_GAP 640.0
/* The gap as a share of the columns' height: the lines keep the slopes that
 * tell their rows apart, instead of running nearly flat across a wide gap
 * (columns 640 px apart for 15 tokens 360 px tall left the picture empty). */
#define GAP_PER_HEIGHT 0.6
/* A short sentence is drawn larger, up to this, to fill the height. */
#define MAX_SCALE 1.5
#define MAX_LABEL 220.0

struct _AttentionLinesCanvas
{
  AttentionCanvas parent_instance;

  guint64 heads;
  double threshold;
  double label_width; /* measured for the result; 0 = measure again */

  AttentionLinesSide hover_side;
  guint hover;
  /* Which column the pinned token (the canvas' "pinned") is in. */
  AttentionLinesSide pinned_side;

  guint n_frames;

  /* bertviz's sentence filter: lines from sentence from_type to to_type
   * only (-1: any); the filtered copies of the shown heads live here. */
  int from_type, to_type;
  float *filtered;
};

G_DEFINE_FINAL_TYPE (AttentionLinesCanvas, attention_lines_canvas, ATTENTION_TYPE_CANVAS)

static AttentionResult *
result_of (AttentionLinesCanvas *self)
{
  return attention_canvas_get_result (ATTENTION_CANVAS (self));
}

static guint
n_tokens (AttentionLinesCanvas *self)
{
  return attention_canvas_get_n_tokens (ATTENTION_CANVAS (self));
}

static guint
n_heads (AttentionLinesCanvas *self)
{
  return result_of (self) ? attention_result_get_n_heads (result_of (self)) : 0;
}

/* The shown heads as matrices, at most 64; returns how many. With the
 * sentence filter, copies with every weight outside it 0. */
static guint
shown_matrices (AttentionLinesCanvas *self, const float **matrices, guint *heads)
{
  guint layer = attention_canvas_get_layer (ATTENTION_CANVAS (self));
  guint count = 0, n = n_tokens (self);
  const gint64 *types = NULL;

  for (guint h = 0; result_of (self) != NULL && h < MIN (n_heads (self), 64); h++)
    if (self->heads & (G_GUINT64_CONSTANT (1) << h))
      {
        matrices[count] = attention_result_get_matrix (result_of (self), layer, h);
        heads[count++] = h;
      }
  if (count == 0 || (self->from_type < 0 && self->to_type < 0))
    return count;
  types = attention_result_get_token_type_ids (result_of (self));
  g_free (self->filtered);
  self->filtered = g_new (float, (gsize)count *n *n);
  for (guint m = 0; m < count; m++)
    {
      float *out = self->filtered + (gsize)m * n * n;

      attention_filter_pair (matrices[m], n, types, self->from_type, self->to_type, out);
      matrices[m] = out;
    }
  return count;
}

void
attention_lines_canvas_set_sentences (AttentionLinesCanvas *self, int from_type, int to_type)
{
  g_return_if_fail (ATTENTION_IS_LINES_CANVAS (self));
  if (self->from_type == from_type && self->to_type == to_type)
    return;
  self->from_type = from_type;
  self->to_type = to_type;
  attention_canvas_changed (ATTENTION_CANVAS (self));
}

/* How much larger than its rows of ROW_HEIGHT the picture is drawn in a
 * canvas `height` tall: as large as fits, from 1 to MAX_SCALE; 1 when the
 * rows scroll. */
static double
scale_for (AttentionLinesCanvas *self, double height)
{
  double natural = HEADER + ROW_HEIGHT * n_tokens (self);

  return CLAMP (floor (height / natural * 8) / 8, 1.0, MAX_SCALE);
}

static void
make_style (AttentionLinesCanvas *self, double width, double height, AttentionLinesStyle *style)
{
  AttentionColormap colormap = attention_canvas_get_colormap (ATTENTION_CANVAS (self));
  double scale = scale_for (self, height);
  guint8 rgb[3];
  guint shown = 0;

  attention_lines_style_init_export (style);
  style->font_family = FONT_FAMILY;
  style->font_size = FONT_SIZE * scale;
  style->row_height = ROW_HEIGHT * scale;
  style->header = HEADER * scale;
  style->line_width = LINE_WIDTH;
  /* Lines rasterised at the screen's resolution (Cairo strokes are too
   * slow for thousands of lines a frame). */
  style->raster_scale = MAX (1, gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  style->colormap = colormap;
  style->threshold = (float)self->threshold;
  if (self->label_width <= 0 && result_of (self) != NULL)
    self->label_width = attention_lines_measure_labels (
        style, attention_result_get_tokens (result_of (self)), n_tokens (self), MAX_LABEL);
  /* Measured at FONT_SIZE: a label's width grows with its font. */
  style->label_width = MAX (ceil (self->label_width * scale), 1);
  style->gap =
      CLAMP (floor (GAP_PER_HEIGHT * style->row_height * n_tokens (self)), MIN_GAP, MAX_GAP);
  style->gap = MAX (MIN (style->gap, floor (width - 2 * style->label_width)), MIN_GAP);
  style->scroll =
      floor (attention_canvas_get_scroll (ATTENTION_CANVAS (self), GTK_ORIENTATION_VERTICAL));
  /* The picture is dark in either theme, as the matrix is: one head fades
   * into its colour map's zero, overlaid heads glow on black. */
  for (guint h = 0; h < MIN (n_heads (self), 64); h++)
    shown += (self->heads >> h) & 1;
  attention_colormap_rgb (shown > 1 ? ATTENTION_COLORMAP_GRAY : colormap, 0, rgb);
  for (guint c = 0; c < 3; c++)
    style->bg[c] = rgb[c] / 255.0;
  style->fg[0] = style->fg[1] = style->fg[2] = 0.92;
  style->focus_side = attention_lines_canvas_get_focus (self, &style->focus);
  /* Several tokens pinned (and none hovered): their lines together. */
  if (self->hover_side == ATTENTION_LINES_NONE && style->focus_side != ATTENTION_LINES_NONE)
    {
      style->group = attention_canvas_get_pins (ATTENTION_CANVAS (self), &style->n_group);
      style->group_combine = attention_canvas_get_combine (ATTENTION_CANVAS (self));
      if (style->n_group < 2)
        style->group = NULL, style->n_group = 0;
    }
  if (result_of (self) != NULL)
    style->hatch_from = attention_result_get_hatch_from (result_of (self));
  /* "Why this prediction?": the tokens tinted by their saliency. */
  if (result_of (self) != NULL && attention_result_get_n_saliency (result_of (self)) > 0)
    {
      style->label_shade = attention_result_get_saliency (result_of (self), 0);
      style->label_shade_vmax = attention_colormap_max_abs (style->label_shade, n_tokens (self));
    }
}

static void
current_style (AttentionLinesCanvas *self, AttentionLinesStyle *style)
{
  make_style (self, gtk_widget_get_width (GTK_WIDGET (self)),
              gtk_widget_get_height (GTK_WIDGET (self)), style);
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
content_height (AttentionLinesCanvas *self, double height)
{
  return (HEADER + ROW_HEIGHT * n_tokens (self)) * scale_for (self, height);
}

/* The token label under (x, y), if any. */
static AttentionLinesSide
token_at (AttentionLinesCanvas *self, double x, double y, guint *index)
{
  AttentionLinesStyle style;
  AttentionLinesSide side = ATTENTION_LINES_NONE;

  current_style (self, &style);
  if (!attention_lines_hit (&style, n_tokens (self), x - picture_x (self, &style), y, &side, index))
    return ATTENTION_LINES_NONE;
  return side;
}

/* --- hover and pin ----------------------------------------------------------- */

static char *
describe (AttentionLinesCanvas *self, AttentionLinesSide side, guint index)
{
  AttentionResult *result = result_of (self);
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
    return g_strdup (attention_result_get_token (result, index));
  if (side == ATTENTION_LINES_QUERY)
    /* Translators: query token, its position, the key it attends to most,
     * the weight and the head. */
    return g_strdup_printf (_ ("Query “%s” (token %u) attends most to “%s”: %.2f (head %u)"),
                            attention_result_get_token (result, index), index + 1,
                            attention_result_get_token (result, best), best_w, best_head + 1);
  /* Translators: key token, its position, the query attending to it most,
   * the weight and the head. */
  return g_strdup_printf (_ ("Key “%s” (token %u) is attended to most by “%s”: %.2f (head %u)"),
                          attention_result_get_token (result, index), index + 1,
                          attention_result_get_token (result, best), best_w, best_head + 1);
}

static char *
attention_lines_canvas_describe_hover (AttentionCanvas *canvas)
{
  AttentionLinesCanvas *self = ATTENTION_LINES_CANVAS (canvas);

  return describe (self, self->hover_side, self->hover);
}

/* Screen readers hear what the lines of the hovered token say. */
static void
hover_text_cb (AttentionLinesCanvas *self, GParamSpec *pspec, gpointer data)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  attention_canvas_get_hover_text (ATTENTION_CANVAS (self)), -1);
}

static gboolean
attention_lines_canvas_hover (AttentionCanvas *canvas, double x, double y)
{
  AttentionLinesCanvas *self = ATTENTION_LINES_CANVAS (canvas);
  AttentionLinesSide side = ATTENTION_LINES_NONE;
  guint index = 0;

  if (x >= 0)
    side = token_at (self, x, y, &index);
  if (side == ATTENTION_LINES_NONE)
    index = 0;
  if (side != self->hover_side || index != self->hover)
    {
      self->hover_side = side;
      self->hover = index;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  return side != ATTENTION_LINES_NONE;
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
  return attention_lines_canvas_get_pinned (self, index);
}

/* A click on a token pins it, a second click or a click on the lines lets
 * go. */
static void
attention_lines_canvas_click (AttentionCanvas *canvas, double x, double y)
{
  AttentionLinesCanvas *self = ATTENTION_LINES_CANVAS (canvas);
  guint index = 0, pinned = 0;
  AttentionLinesSide side = token_at (self, x, y, &index);

  if (side == attention_lines_canvas_get_pinned (self, &pinned) && index == pinned)
    side = ATTENTION_LINES_NONE;
  attention_lines_canvas_set_pinned (self, side, index);
}

/* Ctrl+click: the token joins the pins of its column, or leaves them; a
 * token of the other column starts pins of its own. */
static void
attention_lines_canvas_toggle_click (AttentionCanvas *canvas, double x, double y)
{
  AttentionLinesCanvas *self = ATTENTION_LINES_CANVAS (canvas);
  guint index = 0;
  AttentionLinesSide side = token_at (self, x, y, &index);

  if (side == ATTENTION_LINES_NONE)
    return;
  if (attention_lines_canvas_get_pinned (self, NULL) != side)
    attention_lines_canvas_set_pinned (self, side, index);
  else
    attention_canvas_toggle_pin (canvas, (int)index);
}

/* The pin keys step through the query tokens. */
static int
attention_lines_canvas_get_key_pin (AttentionCanvas *canvas)
{
  guint index = 0;

  if (attention_lines_canvas_get_pinned (ATTENTION_LINES_CANVAS (canvas), &index) !=
      ATTENTION_LINES_QUERY)
    return -1;
  return (int)index;
}

/* Pinned by a key or as a property: a query token. */
static void
attention_lines_canvas_pin (AttentionCanvas *canvas, int token)
{
  attention_lines_canvas_set_pinned (ATTENTION_LINES_CANVAS (canvas),
                                     token >= 0 ? ATTENTION_LINES_QUERY : ATTENTION_LINES_NONE,
                                     token >= 0 ? (guint)token : 0);
}

void
attention_lines_canvas_set_pinned (AttentionLinesCanvas *self, AttentionLinesSide side, guint index)
{
  int token;

  g_return_if_fail (ATTENTION_IS_LINES_CANVAS (self));

  token = side != ATTENTION_LINES_NONE && index < n_tokens (self) ? (int)index : -1;
  if (token >= 0 && side != self->pinned_side)
    {
      /* The pins of the other column go: same index, other token. */
      ATTENTION_CANVAS_CLASS (attention_lines_canvas_parent_class)
          ->pin (ATTENTION_CANVAS (self), -1);
      self->pinned_side = side;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  ATTENTION_CANVAS_CLASS (attention_lines_canvas_parent_class)
      ->pin (ATTENTION_CANVAS (self), token);
}

AttentionLinesSide
attention_lines_canvas_get_pinned (AttentionLinesCanvas *self, guint *index)
{
  int pinned;

  g_return_val_if_fail (ATTENTION_IS_LINES_CANVAS (self), ATTENTION_LINES_NONE);

  pinned = attention_canvas_get_pinned (ATTENTION_CANVAS (self));
  if (index)
    *index = pinned >= 0 ? (guint)pinned : 0;
  return pinned >= 0 ? self->pinned_side : ATTENTION_LINES_NONE;
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

/* New tokens: measure their labels again, and start at the top. */
static void
attention_lines_canvas_result_changed (AttentionCanvas *canvas)
{
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (canvas));

  ATTENTION_LINES_CANVAS (canvas)->label_width = 0;
  if (vadjustment != NULL)
    gtk_adjustment_set_value (vadjustment, 0);
}

void
attention_lines_canvas_set_result (AttentionLinesCanvas *self, AttentionResult *result)
{
  g_return_if_fail (ATTENTION_IS_LINES_CANVAS (self));

  attention_canvas_set_result (ATTENTION_CANVAS (self), result);
}

void
attention_lines_canvas_set_layer (AttentionLinesCanvas *self, guint layer)
{
  g_return_if_fail (ATTENTION_IS_LINES_CANVAS (self));

  attention_canvas_set_layer (ATTENTION_CANVAS (self), layer);
}

void
attention_lines_canvas_set_heads (AttentionLinesCanvas *self, guint64 heads)
{
  g_return_if_fail (ATTENTION_IS_LINES_CANVAS (self));

  if (self->heads == heads)
    return;
  self->heads = heads;
  attention_canvas_changed (ATTENTION_CANVAS (self));
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

  if (result_of (self) == NULL || width <= 0 || height <= 0)
    return;
  current_style (self, &style);
  shown = shown_matrices (self, matrices, heads);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  /* The dark ground spans the width; the picture is centred on it. */
  cairo_set_source_rgb (cr, style.bg[0], style.bg[1], style.bg[2]);
  cairo_paint (cr);
  cairo_translate (cr, picture_x (self, &style), 0);
  attention_lines_draw (cr, &style, matrices, heads, shown, n_heads (self), n_tokens (self),
                        attention_result_get_tokens (result_of (self)));
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
      make_style (self, 0, 0, &style);
      *minimum = (int)ceil (2 * style.label_width + MIN_GAP);
      *natural = *minimum + 200;
    }
  else
    {
      *minimum = (int)(HEADER + 3 * ROW_HEIGHT);
      *natural = MAX (*minimum, (int)ceil (content_height (self, 0)));
    }
}

/* Rows scroll, a row at a time by the arrows and a screen less the header by
 * Page Up and Down; the picture is centred across, never scrolled. */
static void
attention_lines_canvas_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  AttentionCanvas *canvas = ATTENTION_CANVAS (widget);

  attention_canvas_configure_scroll (canvas, GTK_ORIENTATION_VERTICAL, height,
                                     content_height (ATTENTION_LINES_CANVAS (widget), height), -1,
                                     ROW_HEIGHT, MAX (height - HEADER - ROW_HEIGHT, ROW_HEIGHT));
  attention_canvas_configure_scroll (canvas, GTK_ORIENTATION_HORIZONTAL, width, width, -1, 1,
                                     width);
  attention_canvas_present_menu (canvas);
}

static int
attention_lines_canvas_token_at (AttentionCanvas *canvas, double x, double y)
{
  guint index = 0;

  if (token_at (ATTENTION_LINES_CANVAS (canvas), x, y, &index) == ATTENTION_LINES_NONE)
    return -1;
  return (int)index;
}

static void
attention_lines_canvas_finalize (GObject *object)
{
  g_free (ATTENTION_LINES_CANVAS (object)->filtered);
  G_OBJECT_CLASS (attention_lines_canvas_parent_class)->finalize (object);
}

static void
attention_lines_canvas_class_init (AttentionLinesCanvasClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  AttentionCanvasClass *canvas_class = ATTENTION_CANVAS_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = attention_lines_canvas_finalize;
  widget_class->snapshot = attention_lines_canvas_snapshot;
  widget_class->measure = attention_lines_canvas_measure;
  widget_class->size_allocate = attention_lines_canvas_size_allocate;
  canvas_class->hover = attention_lines_canvas_hover;
  canvas_class->describe_hover = attention_lines_canvas_describe_hover;
  canvas_class->click = attention_lines_canvas_click;
  canvas_class->token_at = attention_lines_canvas_token_at;
  canvas_class->pin = attention_lines_canvas_pin;
  canvas_class->toggle_click = attention_lines_canvas_toggle_click;
  canvas_class->get_key_pin = attention_lines_canvas_get_key_pin;
  canvas_class->result_changed = attention_lines_canvas_result_changed;

  gtk_widget_class_set_css_name (widget_class, "attentionlines");
}

static void
attention_lines_canvas_init (AttentionLinesCanvas *self)
{
  self->heads = 1;
  self->threshold = 0.05;
  self->from_type = self->to_type = -1;
  self->pinned_side = ATTENTION_LINES_QUERY;
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  g_signal_connect (self, "notify::hover-text", G_CALLBACK (hover_text_cb), NULL);

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
