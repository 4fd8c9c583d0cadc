/* attention-neuron-canvas.c: the scrollable drawing of the neuron page (see
 * attention-neuron-canvas.h). It scrolls itself, as the lines canvas does, so
 * a frame draws only the rows in sight and the header stays on top. */

#include "attention-neuron-canvas.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#define FONT_FAMILY "Sans"
#define FONT_SIZE 13.0
#define ROW_HEIGHT 24.0
#define HEADER 30.0
#define NUMBER_WIDTH 58.0
#define GAP 12.0
#define MAX_LABEL 160.0
/* Entries narrower than this cannot be pointed at; wider ones waste room. */
#define MIN_CELL 1.0
#define MAX_CELL 12.0

struct _AttentionNeuronCanvas
{
  AttentionCanvas parent_instance;

  guint head;
  double label_width; /* measured for the result; 0 = measure again */
  AttentionNeuronPart hover_part;
  guint hover_row;
  guint hover_dim;
  /* The numbers of the last picture, for the key (result, layer, head,
   * query); values.scores NULL when none. */
  AttentionNeuronValues values;
  gconstpointer values_keys;
  guint values_query;
};

G_DEFINE_FINAL_TYPE (AttentionNeuronCanvas, attention_neuron_canvas, ATTENTION_TYPE_CANVAS)

static AttentionResult *
result_of (AttentionNeuronCanvas *self)
{
  return attention_canvas_get_result (ATTENTION_CANVAS (self));
}

static guint
n_tokens (AttentionNeuronCanvas *self)
{
  return attention_canvas_get_n_tokens (ATTENTION_CANVAS (self));
}

static guint
head_size (AttentionNeuronCanvas *self)
{
  return result_of (self) ? attention_result_get_head_size (result_of (self)) : 0;
}

guint
attention_neuron_canvas_get_query (AttentionNeuronCanvas *self)
{
  AttentionResult *result;
  int pinned;

  g_return_val_if_fail (ATTENTION_IS_NEURON_CANVAS (self), 0);

  result = result_of (self);
  if (result == NULL)
    return 0;
  pinned = attention_canvas_get_pinned (ATTENTION_CANVAS (self));
  if (pinned >= 0 && (guint)pinned < n_tokens (self))
    return (guint)pinned;
  /* The [MASK] is what the user asked about. */
  if (attention_result_get_n_predictions (result) > 0)
    return attention_result_get_prediction_position (result, 0);
  return n_tokens (self) > 1 ? 1 : 0;
}

gboolean
attention_neuron_canvas_get_data (AttentionNeuronCanvas *self, AttentionNeuronData *data)
{
  AttentionResult *result;
  guint layer;

  g_return_val_if_fail (ATTENTION_IS_NEURON_CANVAS (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  result = result_of (self);
  memset (data, 0, sizeof *data);
  if (result == NULL || head_size (self) == 0)
    return FALSE;
  layer = attention_canvas_get_layer (ATTENTION_CANVAS (self));
  data->n = n_tokens (self);
  data->d = head_size (self);
  data->query = attention_neuron_canvas_get_query (self);
  data->queries = attention_result_get_queries (result, layer, self->head);
  data->keys = attention_result_get_keys (result, layer, self->head);
  data->labels = attention_result_get_tokens (result);
  data->hatch_from = attention_result_get_hatch_from (result);
  data->head_off = attention_result_get_head_mask (result) != NULL &&
                   attention_result_get_head_mask (
                       result)[layer * attention_result_get_n_heads (result) + self->head] == 0;
  return data->queries != NULL && data->keys != NULL && data->n > 0;
}

gboolean
attention_neuron_canvas_has_vectors (AttentionNeuronCanvas *self)
{
  AttentionNeuronData data;

  g_return_val_if_fail (ATTENTION_IS_NEURON_CANVAS (self), FALSE);

  return attention_neuron_canvas_get_data (self, &data);
}

/* The numbers for what is shown, computed again only when it changed. */
static const AttentionNeuronValues *
current_values (AttentionNeuronCanvas *self, const AttentionNeuronData *data)
{
  if (self->values.scores != NULL && self->values_keys == data->keys &&
      self->values_query == data->query)
    return &self->values;
  attention_neuron_values_clear (&self->values);
  self->values_keys = NULL;
  if (!attention_neuron_values_init (&self->values, data))
    return NULL;
  self->values_keys = data->keys;
  self->values_query = data->query;
  return &self->values;
}

static void
make_style (AttentionNeuronCanvas *self, double width, AttentionNeuronStyle *style)
{
  attention_neuron_style_init_export (style);
  style->font_family = FONT_FAMILY;
  style->font_size = FONT_SIZE;
  style->row_height = ROW_HEIGHT;
  style->header = HEADER;
  style->number_width = NUMBER_WIDTH;
  style->gap = GAP;
  style->colormap = attention_canvas_get_colormap (ATTENTION_CANVAS (self));
  if (self->label_width <= 0 && result_of (self) != NULL)
    self->label_width = attention_neuron_measure_labels (
        style, attention_result_get_tokens (result_of (self)), n_tokens (self), MAX_LABEL);
  style->label_width = MAX (self->label_width, 1);
  style->cell_width =
      attention_neuron_fit_cells (style, MAX (head_size (self), 1), width, MIN_CELL, MAX_CELL);
  style->scroll =
      floor (attention_canvas_get_scroll (ATTENTION_CANVAS (self), GTK_ORIENTATION_VERTICAL));
  style->hover_part = self->hover_part;
  style->hover_row = self->hover_row;
  style->hover_dim = self->hover_dim;
  /* On the window's own ground, in either theme: the strips carry their
   * own colours. */
  style->draw_background = FALSE;
  if (adw_style_manager_get_dark (adw_style_manager_get_default ()))
    style->fg[0] = style->fg[1] = style->fg[2] = 0.92;
}

static void
current_style (AttentionNeuronCanvas *self, AttentionNeuronStyle *style)
{
  make_style (self, gtk_widget_get_width (GTK_WIDGET (self)), style);
}

/* Left edge of the (centred) picture in the canvas. */
static double
picture_x (AttentionNeuronCanvas *self, const AttentionNeuronStyle *style)
{
  double width;

  attention_neuron_get_size (style, 0, MAX (head_size (self), 1), &width, NULL);
  return MAX (0, floor ((gtk_widget_get_width (GTK_WIDGET (self)) - width) / 2));
}

static double
content_height (AttentionNeuronCanvas *self)
{
  return HEADER + 1.5 * ROW_HEIGHT + ROW_HEIGHT * n_tokens (self);
}

/* --- hover and pick ---------------------------------------------------------- */

static char *
describe (AttentionNeuronCanvas *self)
{
  AttentionNeuronData data;
  const AttentionNeuronValues *values;
  const char *key, *query;
  guint j = self->hover_row, e = self->hover_dim;

  if (self->hover_part == ATTENTION_NEURON_NONE ||
      !attention_neuron_canvas_get_data (self, &data) || j >= data.n || e >= data.d ||
      (values = current_values (self, &data)) == NULL)
    return g_strdup ("");
  key = data.labels[j];
  query = data.labels[data.query];
  switch (self->hover_part)
    {
      case ATTENTION_NEURON_QUERY:
        /* Translators: entry e of the query vector of a token, and its value. */
        return g_strdup_printf (_ ("q[%u] of “%s”: %.4f"), e + 1, query,
                                data.queries[(gsize)data.query * data.d + e]);
      case ATTENTION_NEURON_KEY:
        /* Translators: entry e of the key vector of a token, and its value. */
        return g_strdup_printf (_ ("k[%u] of “%s” (token %u): %.4f"), e + 1, key, j + 1,
                                data.keys[(gsize)j * data.d + e]);
      case ATTENTION_NEURON_PRODUCT:
        /* Translators: the elementwise product of entry e of the query and a key. */
        return g_strdup_printf (_ ("q[%u] × k[%u] of “%s” and “%s”: %.4f"), e + 1, e + 1, query,
                                key, values->products[(gsize)j * data.d + e]);
      case ATTENTION_NEURON_SCORE:
        /* Translators: the scaled dot product of the query and a key, and d. */
        return g_strdup_printf (_ ("q·k/√%u of “%s” and “%s”: %.4f"), data.d, query, key,
                                values->scores[j]);
      case ATTENTION_NEURON_SOFTMAX:
        /* Translators: the softmax of the scores: the attention weight. */
        return g_strdup_printf (_ ("Softmax: “%s” attends to “%s” with %.4f"), query, key,
                                values->softmax[j]);
      case ATTENTION_NEURON_QUERY_TOKEN:
        /* Translators: a query token; clicking shows its vectors. */
        return g_strdup_printf (_ ("“%s” (token %u): click to show its query"), key, j + 1);
      case ATTENTION_NEURON_KEY_TOKEN:
        return g_strdup_printf (_ ("Key “%s” (token %u): weight %.4f"), key, j + 1,
                                values->softmax[j]);
      case ATTENTION_NEURON_NONE:
      default:
        return g_strdup ("");
    }
}

static char *
attention_neuron_canvas_describe_hover (AttentionCanvas *canvas)
{
  return describe (ATTENTION_NEURON_CANVAS (canvas));
}

static void
hover_text_cb (AttentionNeuronCanvas *self, GParamSpec *pspec, gpointer data)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  attention_canvas_get_hover_text (ATTENTION_CANVAS (self)), -1);
}

static AttentionNeuronPart
part_at (AttentionNeuronCanvas *self, double x, double y, guint *row, guint *dim)
{
  AttentionNeuronStyle style;

  if (!attention_neuron_canvas_has_vectors (self))
    return ATTENTION_NEURON_NONE;
  current_style (self, &style);
  return attention_neuron_hit (&style, n_tokens (self), head_size (self),
                               attention_neuron_canvas_get_query (self),
                               x - picture_x (self, &style), y, row, dim);
}

static gboolean
attention_neuron_canvas_hover (AttentionCanvas *canvas, double x, double y)
{
  AttentionNeuronCanvas *self = ATTENTION_NEURON_CANVAS (canvas);
  AttentionNeuronPart part = ATTENTION_NEURON_NONE;
  guint row = 0, dim = 0;

  if (x >= 0)
    part = part_at (self, x, y, &row, &dim);
  if (part != self->hover_part || row != self->hover_row || dim != self->hover_dim)
    {
      self->hover_part = part;
      self->hover_row = row;
      self->hover_dim = dim;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  return part != ATTENTION_NEURON_NONE;
}

/* A click on a token (either column) makes it the query. */
static void
attention_neuron_canvas_click (AttentionCanvas *canvas, double x, double y)
{
  AttentionNeuronCanvas *self = ATTENTION_NEURON_CANVAS (canvas);
  guint row = 0, dim = 0;
  AttentionNeuronPart part = part_at (self, x, y, &row, &dim);

  if (part == ATTENTION_NEURON_QUERY_TOKEN || part == ATTENTION_NEURON_KEY_TOKEN)
    attention_canvas_set_pinned (canvas, (int)row);
}

/* The pin keys and Up/Down step from the query shown, pinned or not. */
static int
attention_neuron_canvas_get_key_pin (AttentionCanvas *canvas)
{
  if (result_of (ATTENTION_NEURON_CANVAS (canvas)) == NULL)
    return -1;
  return (int)attention_neuron_canvas_get_query (ATTENTION_NEURON_CANVAS (canvas));
}

static gboolean
attention_neuron_canvas_key_pressed (AttentionCanvas *canvas, guint keyval, GdkModifierType state)
{
  AttentionNeuronCanvas *self = ATTENTION_NEURON_CANVAS (canvas);
  guint n = n_tokens (self), query;

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0 || n == 0)
    return FALSE;
  query = attention_neuron_canvas_get_query (self);
  switch (keyval)
    {
      case GDK_KEY_Up:
      case GDK_KEY_KP_Up:
        attention_canvas_set_pinned (canvas, (int)(query > 0 ? query - 1 : 0));
        return TRUE;
      case GDK_KEY_Down:
      case GDK_KEY_KP_Down:
        attention_canvas_set_pinned (canvas, (int)MIN (query + 1, n - 1));
        return TRUE;
      default:
        return FALSE;
    }
}

gboolean
attention_neuron_canvas_get_center (AttentionNeuronCanvas *self,
                                    AttentionNeuronPart part,
                                    guint row,
                                    guint dim,
                                    double *x,
                                    double *y)
{
  AttentionNeuronStyle style;
  double left;
  guint n, d;

  g_return_val_if_fail (ATTENTION_IS_NEURON_CANVAS (self), FALSE);

  n = n_tokens (self);
  d = head_size (self);
  if (!attention_neuron_canvas_has_vectors (self) || row >= n || dim >= d)
    return FALSE;
  current_style (self, &style);
  left = picture_x (self, &style);
  /* Searched, not recomputed: the renderer's own hit-test is the layout's
   * one definition. Rows are a row_height apart; a part spans columns. */
  for (double py = 0; py < gtk_widget_get_height (GTK_WIDGET (self)); py += style.row_height / 4)
    for (double px = 0; px < gtk_widget_get_width (GTK_WIDGET (self)); px += 0.5)
      {
        guint r, e;

        if (attention_neuron_hit (&style, n, d, attention_neuron_canvas_get_query (self), px - left,
                                  py, &r, &e) == part &&
            r == row &&
            (e == dim || part >= ATTENTION_NEURON_SCORE || part == ATTENTION_NEURON_QUERY_TOKEN))
          {
            *x = px + (part == ATTENTION_NEURON_KEY || part == ATTENTION_NEURON_PRODUCT ||
                               part == ATTENTION_NEURON_QUERY
                           ? style.cell_width / 2
                           : 8);
            *y = py + style.row_height / 4;
            return TRUE;
          }
      }
  return FALSE;
}

/* --- state ------------------------------------------------------------------------ */

static void
attention_neuron_canvas_result_changed (AttentionCanvas *canvas)
{
  AttentionNeuronCanvas *self = ATTENTION_NEURON_CANVAS (canvas);
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (canvas));

  self->label_width = 0;
  self->hover_part = ATTENTION_NEURON_NONE;
  attention_neuron_values_clear (&self->values);
  self->values_keys = NULL;
  if (vadjustment != NULL)
    gtk_adjustment_set_value (vadjustment, 0);
}

void
attention_neuron_canvas_set_head (AttentionNeuronCanvas *self, guint head)
{
  g_return_if_fail (ATTENTION_IS_NEURON_CANVAS (self));

  if (self->head == head)
    return;
  self->head = head;
  attention_canvas_changed (ATTENTION_CANVAS (self));
}

guint
attention_neuron_canvas_get_head (AttentionNeuronCanvas *self)
{
  g_return_val_if_fail (ATTENTION_IS_NEURON_CANVAS (self), 0);

  return self->head;
}

/* --- GtkWidget --------------------------------------------------------------------- */

static void
attention_neuron_canvas_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  AttentionNeuronCanvas *self = ATTENTION_NEURON_CANVAS (widget);
  AttentionNeuronStyle style;
  AttentionNeuronData data;
  const AttentionNeuronValues *values;
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0 || !attention_neuron_canvas_get_data (self, &data) ||
      (values = current_values (self, &data)) == NULL)
    return;
  current_style (self, &style);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_translate (cr, picture_x (self, &style), 0);
  attention_neuron_draw (cr, &style, &data, values);
  cairo_destroy (cr);
}

static void
attention_neuron_canvas_measure (GtkWidget *widget,
                                 GtkOrientation orientation,
                                 int for_size,
                                 int *minimum,
                                 int *natural,
                                 int *minimum_baseline,
                                 int *natural_baseline)
{
  AttentionNeuronCanvas *self = ATTENTION_NEURON_CANVAS (widget);
  AttentionNeuronStyle style;
  double width;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      make_style (self, 0, &style);
      style.cell_width = MIN_CELL;
      attention_neuron_get_size (&style, 0, MAX (head_size (self), 1), &width, NULL);
      *minimum = (int)ceil (width);
      *natural = *minimum + 200;
    }
  else
    {
      *minimum = (int)(HEADER + 4.5 * ROW_HEIGHT);
      *natural = MAX (*minimum, (int)ceil (content_height (self)));
    }
}

static void
attention_neuron_canvas_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  AttentionCanvas *canvas = ATTENTION_CANVAS (widget);

  attention_canvas_configure_scroll (
      canvas, GTK_ORIENTATION_VERTICAL, height, content_height (ATTENTION_NEURON_CANVAS (widget)),
      -1, ROW_HEIGHT, MAX (height - HEADER - 2.5 * ROW_HEIGHT, ROW_HEIGHT));
  attention_canvas_configure_scroll (canvas, GTK_ORIENTATION_HORIZONTAL, width, width, -1, 1,
                                     width);
}

static void
attention_neuron_canvas_finalize (GObject *object)
{
  attention_neuron_values_clear (&ATTENTION_NEURON_CANVAS (object)->values);
  G_OBJECT_CLASS (attention_neuron_canvas_parent_class)->finalize (object);
}

static void
attention_neuron_canvas_class_init (AttentionNeuronCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  AttentionCanvasClass *canvas_class = ATTENTION_CANVAS_CLASS (klass);

  object_class->finalize = attention_neuron_canvas_finalize;
  widget_class->snapshot = attention_neuron_canvas_snapshot;
  widget_class->measure = attention_neuron_canvas_measure;
  widget_class->size_allocate = attention_neuron_canvas_size_allocate;
  canvas_class->hover = attention_neuron_canvas_hover;
  canvas_class->describe_hover = attention_neuron_canvas_describe_hover;
  canvas_class->click = attention_neuron_canvas_click;
  canvas_class->get_key_pin = attention_neuron_canvas_get_key_pin;
  canvas_class->key_pressed = attention_neuron_canvas_key_pressed;
  canvas_class->result_changed = attention_neuron_canvas_result_changed;

  gtk_widget_class_set_css_name (widget_class, "attentionneuron");
}

static void
attention_neuron_canvas_init (AttentionNeuronCanvas *self)
{
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  g_signal_connect (self, "notify::hover-text", G_CALLBACK (hover_text_cb), NULL);
  gtk_accessible_update_property (
      GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
      _ ("The query vector of the picked token, every key vector, their products, scaled dot "
         "products and softmax"),
      -1);
}

GtkWidget *
attention_neuron_canvas_new (void)
{
  return g_object_new (ATTENTION_TYPE_NEURON_CANVAS, NULL);
}
