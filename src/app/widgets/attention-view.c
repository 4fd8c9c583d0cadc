/* attention-view.c: the matrix view, an AttentionCanvas that draws one
 * layer/head attention matrix with the shared renderer, laid out by
 * attention-matrix-layout.
 *
 * Cells are whole logical pixels at a whole-pixel origin, so the grid stays
 * sharp at every size and scale factor; the cairo node is rasterised at the
 * surface's scale, so HiDPI screens get full-resolution text. */

#include "attention-view.h"

#include <glib/gi18n.h>
#include <math.h>

#include "attention-legend.h"
#include "attention-matrix-layout.h"
#include "attention-render-enums.h"
#include "attention-render.h"

#define FONT_FAMILY "Sans"
#define MIN_ZOOM_CELL 2.0
#define MAX_ZOOM_CELL 160.0
#define ZOOM_STEP 1.25

struct _AttentionView
{
  AttentionCanvas parent_instance;

  guint head;
  AttentionScale scale;
  gboolean diverging;
  double zoom_cell; /* 0: fit the widget */
  double last_cell;

  /* Widest label per font size is cached: measuring 512 labels per frame is
   * wasted work. */
  double label_width_font;
  double label_width;
  double token_width_font; /* the tokens alone, for the column band's depth */
  double token_width;

  AttentionMatrixHit hit;
  guint hit_row;
  guint hit_col;
  /* The hit is the keyboard's cell (Shift + arrows), not the pointer's:
   * screen readers hear it. */
  gboolean keyboard_cell;
  int combined_col; /* the column hovered in the pins' combined row; -1 */

  float *matrix_override; /* n × n shown instead of layer/head; NULL for none */

  /* Zooming keeps this point of the content (fractions) at the centre. */
  gboolean zoom_anchor;
  double anchor_x, anchor_y;

  AttentionView *partner; /* compare: same cells, margin and colours; weak */

  gboolean drew_matrix; /* a snapshot has drawn a matrix (start-up benchmark) */
  char *legend_title;
};

G_DEFINE_FINAL_TYPE (AttentionView, attention_view, ATTENTION_TYPE_CANVAS)

enum
{
  PROP_0,
  PROP_HEAD,
  PROP_SCALE,
  PROP_DIVERGING,
  PROP_N_LAYERS,
  PROP_N_HEADS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static AttentionResult *
result_of (AttentionView *self)
{
  return attention_canvas_get_result (ATTENTION_CANVAS (self));
}

static guint
n_tokens (AttentionView *self)
{
  return attention_canvas_get_n_tokens (ATTENTION_CANVAS (self));
}

/* Several pinned tokens: a gap and their combined row under the grid. */
static guint
extra_rows (AttentionView *self)
{
  guint n_pins = 0;

  attention_canvas_get_pins (ATTENTION_CANVAS (self), &n_pins);
  return n_pins >= 2 ? 2 : 0;
}

/* Linked views lay out for the longer of the two sentences. */
static guint
n_layout (AttentionView *self)
{
  guint n = n_tokens (self) + extra_rows (self);

  if (self->partner != NULL && n > 0)
    n = MAX (n, n_tokens (self->partner) + extra_rows (self->partner));
  return n;
}

/* The axis titles, in the corner the label bands leave free, smaller than
 * the labels: which way rows and columns read, as the lines' header says. */
#define TITLE_SCALE 0.85
/* …but never below this many pixels: on a long sentence the labels shrink
 * to a few pixels, and the titles must still be read. */
#define MIN_TITLE_SIZE 9.0

static double
title_size (double font_size)
{
  return MAX (font_size * TITLE_SCALE, MIN_TITLE_SIZE);
}

static const char *
query_title (void)
{
  return _ ("Query (attending) ↓");
}

static const char *
key_title (void)
{
  return _ ("Key (attended to) →");
}

/* Widest token at font_size, measured the way the renderer draws text. */
static double
widest_token (AttentionView *self, double font_size)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  double widest = 0;

  if (self->token_width_font == font_size)
    return self->token_width;
  surface = cairo_image_surface_create (CAIRO_FORMAT_A8, 1, 1);
  cr = cairo_create (surface);
  cairo_select_font_face (cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, font_size);
  for (guint i = 0; i < n_tokens (self); i++)
    {
      cairo_text_extents_t extents;

      cairo_text_extents (cr, attention_result_get_token (result_of (self), i), &extents);
      widest = MAX (widest, extents.x_advance);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  self->token_width_font = font_size;
  self->token_width = widest;
  return widest;
}

/* Widest label at font_size, measured the way the renderer draws text; the
 * band is at least as wide as the axis titles. */
static double
widest_label (AttentionView *self, double font_size)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  guint n = n_tokens (self);
  double widest = 0;

  if (self->label_width_font == font_size)
    return self->label_width;

  surface = cairo_image_surface_create (CAIRO_FORMAT_A8, 1, 1);
  cr = cairo_create (surface);
  cairo_select_font_face (cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, font_size);
  for (guint i = 0; i < n; i++)
    {
      cairo_text_extents_t extents;

      cairo_text_extents (cr, attention_result_get_token (result_of (self), i), &extents);
      widest = MAX (widest, extents.x_advance);
    }
  cairo_set_font_size (cr, title_size (font_size));
  for (int t = 0; t < 2 && n > 0; t++)
    {
      cairo_text_extents_t extents;

      cairo_text_extents (cr, t == 0 ? query_title () : key_title (), &extents);
      widest = MAX (widest, extents.x_advance);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  self->label_width_font = font_size;
  self->label_width = widest;
  return widest;
}

/* Linked views share the margin, so their grids start at the same place. */
static double
label_width_cb (double font_size, gpointer data)
{
  AttentionView *self = data;
  double widest = widest_label (self, font_size);

  if (self->partner != NULL && result_of (self->partner) != NULL)
    widest = MAX (widest, widest_label (self->partner, font_size));
  return widest;
}

/* The column band's depth: the labels turned upright, and two lines for
 * the axis titles in its corner, which need not be as deep as they are wide:
 * at 800 × 600 a square band as wide as "Query (attending) ↓" left 80 px
 * empty above the column labels, taken from the matrix. */
static double
label_depth_cb (double font_size, gpointer data)
{
  AttentionView *self = data;
  double size = title_size (font_size), pad = MAX (font_size * 0.3, 2.0);
  double labels = widest_token (self, font_size);

  if (self->partner != NULL && result_of (self->partner) != NULL)
    labels = MAX (labels, widest_token (self->partner, font_size));
  return MAX (labels + font_size * 0.75, 3 * size + 2 * pad);
}

static void
compute_layout (AttentionView *self, double width, double height, AttentionMatrixLayout *layout)
{
  guint n = n_layout (self);
  double cell = self->zoom_cell;

  if (n_tokens (self) > 0 && cell == 0)
    {
      cell = attention_matrix_layout_fit_cell_full (n, width, height, label_width_cb,
                                                    label_depth_cb, self);
      /* Linked views fit the smaller of the two, so both show the same cells. */
      if (self->partner != NULL && gtk_widget_get_width (GTK_WIDGET (self->partner)) > 0)
        cell = MIN (cell, attention_matrix_layout_fit_cell_full (
                              n, gtk_widget_get_width (GTK_WIDGET (self->partner)),
                              gtk_widget_get_height (GTK_WIDGET (self->partner)), label_width_cb,
                              label_depth_cb, self));
    }
  attention_matrix_layout_place_full (
      layout, n_tokens (self), n, cell, width, height,
      attention_canvas_get_scroll (ATTENTION_CANVAS (self), GTK_ORIENTATION_HORIZONTAL),
      attention_canvas_get_scroll (ATTENTION_CANVAS (self), GTK_ORIENTATION_VERTICAL),
      label_width_cb, label_depth_cb, self);
}

static void
current_layout (AttentionView *self, AttentionMatrixLayout *layout)
{
  compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)),
                  gtk_widget_get_height (GTK_WIDGET (self)), layout);
}

static const float *
current_matrix (AttentionView *self)
{
  if (result_of (self) == NULL)
    return NULL;
  if (self->matrix_override != NULL)
    return self->matrix_override;
  return attention_result_get_matrix (
      result_of (self), attention_canvas_get_layer (ATTENTION_CANVAS (self)), self->head);
}

/* A difference map's range: ± the largest difference shown (never 0, so an
 * all-zero difference is drawn neutral, not undefined). */
static float
shown_range (AttentionView *self)
{
  const float *matrix = current_matrix (self);
  guint n = n_tokens (self);
  float range = matrix != NULL ? attention_colormap_max_abs (matrix, (gsize)n * n) : 0;

  return range > 0 ? range : 1e-6f;
}

/* The pins' rows summed (or their mean) over the shown matrix: n values,
 * NULL for fewer than two pins. */
static float *
combined_row (AttentionView *self)
{
  const float *matrix = current_matrix (self);
  guint n_pins = 0, n = n_tokens (self);
  const guint *pins = attention_canvas_get_pins (ATTENTION_CANVAS (self), &n_pins);
  float *row;

  if (matrix == NULL || n_pins < 2)
    return NULL;
  row = g_new (float, n);
  attention_combine_tokens (matrix, n, pins, n_pins, FALSE,
                            attention_canvas_get_combine (ATTENTION_CANVAS (self)), row);
  return row;
}

/* The top of the colour scale: the largest weight shown, of both linked
 * views, so that equal colours mean equal weights side by side. */
static float
shown_vmax (AttentionView *self)
{
  const float *matrix = current_matrix (self);
  guint n = n_tokens (self);
  float vmax = matrix != NULL ? attention_colormap_max (matrix, (gsize)n * n) : 1;

  if (self->partner != NULL && current_matrix (self->partner) != NULL)
    {
      guint m = n_tokens (self->partner);

      vmax = MAX (vmax, attention_colormap_max (current_matrix (self->partner), (gsize)m * m));
    }
  return vmax > 0 ? vmax : 1;
}

static AttentionMatrixHit
hit_test (AttentionView *self, double x, double y, guint *row, guint *col)
{
  AttentionMatrixLayout l;

  current_layout (self, &l);
  return attention_matrix_layout_hit (&l, x, y, row, col);
}

/* The column of the combined row under (x, y), -1 for none. */
static int
combined_hit (AttentionView *self, double x, double y)
{
  AttentionMatrixLayout l;
  double gx, gy, side;

  if (extra_rows (self) == 0 || x < 0)
    return -1;
  current_layout (self, &l);
  if (l.n == 0)
    return -1;
  attention_matrix_layout_grid (&l, &gx, &gy, &side);
  gy += (l.n + 1) * l.cell;
  if (y < gy || y >= gy + l.cell || x < gx || x >= gx + side || x < l.band_x + l.margin ||
      x >= l.clip_right)
    return -1;
  return (int)((x - gx) / l.cell);
}

/* "Sum of “the”, “cat” → “sat”: 0.8312" for the combined row's column. */
static char *
describe_combined (AttentionView *self, guint col)
{
  AttentionResult *result = result_of (self);
  g_autofree float *row = combined_row (self);
  guint n_pins = 0;
  const guint *pins = attention_canvas_get_pins (ATTENTION_CANVAS (self), &n_pins);
  g_autoptr (GString) names = g_string_new (NULL);

  if (row == NULL || col >= n_tokens (self))
    return g_strdup ("");
  for (guint p = 0; p < n_pins; p++)
    {
      if (p > 0)
        /* Translators: between two of the model's guesses. */
        g_string_append (names, _ (", "));
      g_string_append_printf (names, "“%s”", attention_result_get_token (result, pins[p]));
    }
  if (attention_canvas_get_combine (ATTENTION_CANVAS (self)) == ATTENTION_COMBINE_MEAN)
    /* Translators: the pinned tokens, the key token, the mean of their
     * weights. */
    return g_strdup_printf (_ ("Mean of %s → “%s”: %.4f"), names->str,
                            attention_result_get_token (result, col), row[col]);
  /* Translators: the pinned tokens, the key token, the sum of their
   * weights. */
  return g_strdup_printf (_ ("Sum of %s → “%s”: %.4f"), names->str,
                          attention_result_get_token (result, col), row[col]);
}

static char *
describe_hit (AttentionView *self, AttentionMatrixHit hit, guint row, guint col)
{
  AttentionResult *result = result_of (self);
  const float *matrix = current_matrix (self);
  guint n = n_tokens (self);
  g_autofree char *text = NULL;
  g_autofree char *guesses = NULL;

  if (hit == ATTENTION_MATRIX_HIT_NONE || row >= n || col >= n)
    return g_strdup ("");
  if (hit == ATTENTION_MATRIX_HIT_CELL && self->diverging)
    /* Translators: query token → key token: a difference of two weights,
     * with its sign. */
    text = g_strdup_printf (_ ("%s → %s: %+.4f"), attention_result_get_token (result, row),
                            attention_result_get_token (result, col), matrix[(gsize)row * n + col]);
  else if (hit == ATTENTION_MATRIX_HIT_CELL)
    /* Translators: query token → key token: attention weight. */
    text = g_strdup_printf (_ ("%s → %s: %.4f"), attention_result_get_token (result, row),
                            attention_result_get_token (result, col), matrix[(gsize)row * n + col]);
  else
    text = g_strdup_printf (_ ("“%s” (token %u): row and column highlighted"),
                            attention_result_get_token (result, row), row + 1);
  /* Every position's guesses (exBERT): the query's, or the label's. */
  guesses = attention_canvas_describe_guesses (
      result, hit == ATTENTION_MATRIX_HIT_COLUMN_LABEL ? col : row);
  if (guesses == NULL)
    return g_steal_pointer (&text);
  /* Translators: the hover read-out, then the model's guesses there. */
  return g_strdup_printf (_ ("%s · %s"), text, guesses);
}

static char *
attention_view_describe_hover (AttentionCanvas *canvas)
{
  AttentionView *self = ATTENTION_VIEW (canvas);

  if (self->combined_col >= 0)
    return describe_combined (self, (guint)self->combined_col);
  return describe_hit (self, self->hit, self->hit_row, self->hit_col);
}

static void update_accessible_cell (AttentionView *self);

static gboolean
attention_view_hover (AttentionCanvas *canvas, double x, double y)
{
  AttentionView *self = ATTENTION_VIEW (canvas);
  AttentionMatrixHit hit = ATTENTION_MATRIX_HIT_NONE;
  guint row = 0, col = 0;
  int combined = combined_hit (self, x, y);

  if (x >= 0)
    hit = hit_test (self, x, y, &row, &col);
  /* The pointer takes over from the keyboard: the matrix is named as the
   * matrix again. */
  if (self->keyboard_cell)
    {
      self->keyboard_cell = FALSE;
      update_accessible_cell (self);
    }
  if (combined != self->combined_col)
    {
      self->combined_col = combined;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  if (hit != self->hit || row != self->hit_row || col != self->hit_col)
    {
      self->hit = hit;
      self->hit_row = row;
      self->hit_col = col;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  return hit != ATTENTION_MATRIX_HIT_NONE || combined >= 0;
}

/* The keyboard's cell as the matrix's name, "the → cat, 0.42": a screen
 * reader says the focused widget's name when it changes (GTK 4.8 has no
 * announcement of its own). Without one, the name is the matrix's. */
static void
update_accessible_cell (AttentionView *self)
{
  AttentionResult *result = result_of (self);
  const float *matrix = current_matrix (self);
  guint n = n_tokens (self);
  g_autofree char *label = NULL;

  if (self->keyboard_cell && self->hit == ATTENTION_MATRIX_HIT_CELL && matrix != NULL &&
      self->hit_row < n && self->hit_col < n)
    {
      float w = matrix[(gsize)self->hit_row * n + self->hit_col];

      label = self->diverging
                  /* Translators: the focused cell for screen readers: query
                   * token → key token, a signed difference of weights. */
                  ? g_strdup_printf (_ ("%s → %s, %+.2f"),
                                     attention_result_get_token (result, self->hit_row),
                                     attention_result_get_token (result, self->hit_col), w)
                  /* Translators: the focused cell for screen readers: query
                   * token → key token, attention weight. */
                  : g_strdup_printf (_ ("%s → %s, %.2f"),
                                     attention_result_get_token (result, self->hit_row),
                                     attention_result_get_token (result, self->hit_col), w);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label != NULL ? label : _ ("Attention matrix"), -1);
}

static void
update_accessible (AttentionView *self)
{
  AttentionResult *result = result_of (self);
  const float *matrix = current_matrix (self);
  g_autofree char *description = NULL;
  guint n = n_tokens (self);

  if (matrix == NULL || n == 0)
    {
      description = g_strdup (_ ("No sentence has been run yet."));
    }
  else if (self->diverging)
    {
      gsize best = 0;

      for (gsize k = 1; k < (gsize)n * n; k++)
        if (fabsf (matrix[k]) > fabsf (matrix[best]))
          best = k;
      description = g_strdup_printf (
          _ ("Difference of two sentences’ attention, %u tokens. Red cells: the first attends "
             "more; blue: the second. Largest: %s → %s (%+.2f)."),
          n, attention_result_get_token (result, best / n),
          attention_result_get_token (result, best % n), matrix[best]);
    }
  else
    {
      gsize best = 0;

      for (gsize k = 1; k < (gsize)n * n; k++)
        if (matrix[k] > matrix[best])
          best = k;
      description = g_strdup_printf (
          _ ("Layer %u, head %u, %u tokens. Lighter cells mean more attention. Strongest: "
             "%s → %s (%.2f)."),
          attention_canvas_get_layer (ATTENTION_CANVAS (self)) + 1, self->head + 1, n,
          attention_result_get_token (result, best / n),
          attention_result_get_token (result, best % n), matrix[best]);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description, -1);
  update_accessible_cell (self);
}

/* The matrix, the colours or the hovered weight changed; a linked view's
 * colour scale may follow. */
static void
attention_view_changed (AttentionCanvas *canvas)
{
  AttentionView *self = ATTENTION_VIEW (canvas);

  ATTENTION_CANVAS_CLASS (attention_view_parent_class)->changed (canvas);
  update_accessible (self);
  if (self->partner != NULL)
    gtk_widget_queue_draw (GTK_WIDGET (self->partner));
}

/* A vertical colour bar, the top weight at the top, with three ticks. */
static void
draw_legend (AttentionView *self,
             cairo_t *cr,
             const AttentionMatrixLayout *l,
             const GdkRGBA *fg,
             float vmax,
             float diverging)
{
  AttentionLegendStyle style = {
    .diverging = diverging,
    .colormap = attention_canvas_get_colormap (ATTENTION_CANVAS (self)),
    .scale = self->scale,
    .vmax = vmax,
    .vertical = TRUE,
    .length = l->legend_height,
    .thickness = l->legend_thickness,
    .font_size = l->legend_font_size,
    .font_family = FONT_FAMILY,
    .fg = { fg->red, fg->green, fg->blue, fg->alpha },
    .title = self->legend_title,
  };

  if (l->legend_height <= 0)
    return;
  cairo_save (cr);
  cairo_translate (cr, l->legend_x, l->legend_y);
  attention_legend_draw (cr, &style);
  cairo_restore (cr);
}

/* Right-aligned in the corner above the row labels and left of the column
 * labels: the key title halfway down, pointing at the columns, the query
 * title at the bottom, pointing down the rows. */
static void
draw_axis_titles (cairo_t *cr, const AttentionMatrixLayout *l, const GdkRGBA *fg)
{
  cairo_font_extents_t fext;
  double size = title_size (l->font_size), pad = MAX (l->font_size * 0.3, 2.0);
  const char *titles[] = { key_title (), query_title () };
  double baselines[2];

  cairo_save (cr);
  cairo_rectangle (cr, l->band_x, l->band_y, l->margin, l->top);
  cairo_clip (cr);
  cairo_select_font_face (cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
  cairo_font_extents (cr, &fext);
  baselines[1] = l->band_y + l->top - pad - fext.descent;
  baselines[0] = MIN (l->band_y + l->top / 2, baselines[1] - fext.height * 1.2);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha * 0.7);
  for (int t = 0; t < 2; t++)
    {
      cairo_text_extents_t ext;

      cairo_text_extents (cr, titles[t], &ext);
      cairo_move_to (cr, l->band_x + l->margin - pad - ext.x_advance, baselines[t]);
      cairo_show_text (cr, titles[t]);
    }
  cairo_restore (cr);
}

/* Under the grid, a row apart: the pins' combined row in the matrix's
 * colours (the top of the scale raised if a sum goes past it), framed in
 * the pinned look, with "Sum"/"Mean" in the row labels' band. */
static void
draw_combined (
    AttentionView *self, cairo_t *cr, const AttentionMatrixLayout *l, const GdkRGBA *fg, float vmax)
{
  g_autofree float *row = combined_row (self);
  guint n = n_tokens (self);
  double gx, gy, side, pad = l->font_size * 0.3;
  float top;
  const char *title;
  cairo_text_extents_t ext;
  cairo_font_extents_t fext;

  if (row == NULL)
    return;
  attention_matrix_layout_grid (l, &gx, &gy, &side);
  gy += (l->n + 1) * l->cell;
  top = MAX (vmax, attention_colormap_max (row, n));
  cairo_save (cr);
  cairo_rectangle (cr, l->band_x + l->margin, gy - l->cell,
                   MAX (0, l->clip_right - l->band_x - l->margin), 3 * l->cell);
  cairo_clip (cr);
  for (guint k = 0; k < n; k++)
    {
      guint32 pixel = attention_colormap_pixel (
          attention_canvas_get_colormap (ATTENTION_CANVAS (self)), self->scale, row[k], top);

      cairo_set_source_rgb (cr, ((pixel >> 16) & 0xff) / 255.0, ((pixel >> 8) & 0xff) / 255.0,
                            (pixel & 0xff) / 255.0);
      cairo_rectangle (cr, gx + k * l->cell, gy, l->cell, l->cell);
      cairo_fill (cr);
    }
  cairo_set_source_rgb (cr, 1.0, 0.471, 0.0);
  cairo_set_line_width (cr, MAX (1.0, MIN (2.0, l->cell / 6)));
  cairo_rectangle (cr, gx, gy, side, l->cell);
  cairo_stroke (cr);
  if (self->combined_col >= 0 && (guint)self->combined_col < n)
    {
      cairo_set_source_rgb (cr, 0.208, 0.518, 0.894);
      cairo_rectangle (cr, gx + self->combined_col * l->cell, gy, l->cell, l->cell);
      cairo_stroke (cr);
    }
  cairo_restore (cr);

  /* Translators: beside the row of several pinned tokens' weights added. */
  title = attention_canvas_get_combine (ATTENTION_CANVAS (self)) == ATTENTION_COMBINE_MEAN
              ? C_ ("pinned tokens", "Mean")
              : C_ ("pinned tokens", "Sum");
  cairo_save (cr);
  cairo_rectangle (cr, l->band_x, gy, l->margin, l->cell);
  cairo_clip (cr);
  cairo_select_font_face (cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, l->font_size);
  cairo_font_extents (cr, &fext);
  cairo_text_extents (cr, title, &ext);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha);
  cairo_move_to (cr, l->band_x + l->margin - pad - ext.x_advance,
                 gy + l->cell / 2 + (fext.ascent - fext.descent) / 2);
  cairo_show_text (cr, title);
  cairo_restore (cr);
}

static void
render_clipped (cairo_t *cr,
                const AttentionRenderStyle *style,
                const float *matrix,
                guint n,
                const char *const *labels,
                double x,
                double y,
                double clip_x,
                double clip_y,
                double clip_w,
                double clip_h)
{
  if (clip_w <= 0 || clip_h <= 0)
    return;
  cairo_save (cr);
  cairo_rectangle (cr, clip_x, clip_y, clip_w, clip_h);
  cairo_clip (cr);
  cairo_translate (cr, x, y);
  attention_render_matrix (cr, style, matrix, n, labels);
  cairo_restore (cr);
}

static void
attention_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  AttentionView *self = ATTENTION_VIEW (widget);
  const float *matrix = current_matrix (self);
  const char *const *labels;
  AttentionRenderStyle style = { 0 };
  GdkRGBA fg;
  AttentionMatrixLayout l;
  cairo_t *cr;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  guint n = n_tokens (self);
  int pinned = attention_canvas_get_pinned (ATTENTION_CANVAS (self));
  double band_w, band_h;

  current_layout (self, &l);
  self->last_cell = l.cell;
  if (matrix == NULL || n == 0)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  style.cell = l.cell;
  style.margin = l.margin;
  style.font_size = l.font_size;
  style.font_family = FONT_FAMILY;
  /* Labels follow the theme (light or dark); the cells stay grayscale. */
  style.fg[0] = fg.red;
  style.fg[1] = fg.green;
  style.fg[2] = fg.blue;
  style.draw_background = FALSE;
  style.highlight_row = self->hit != ATTENTION_MATRIX_HIT_NONE ? (int)self->hit_row : -1;
  style.highlight_col = self->hit != ATTENTION_MATRIX_HIT_NONE ? (int)self->hit_col : -1;
  /* A pinned token keeps its row (what it attends to) and column (what
   * attends to it) outlined whatever the pointer does, in its own look. */
  style.pinned = pinned;
  style.pins = attention_canvas_get_pins (ATTENTION_CANVAS (self), &style.n_pins);
  style.colormap = attention_canvas_get_colormap (ATTENTION_CANVAS (self));
  style.scale = self->scale;
  style.vmax = shown_vmax (self);
  style.diverging = self->diverging ? shown_range (self) : 0;
  style.hatch_from = attention_result_get_hatch_from (result_of (self));
  labels = attention_result_get_tokens (result_of (self));
  /* "Why this prediction?": the tokens tinted by their saliency. */
  if (attention_result_get_n_saliency (result_of (self)) > 0)
    {
      style.label_shade = attention_result_get_saliency (result_of (self), 0);
      style.label_shade_vmax = attention_colormap_max_abs (style.label_shade, n);
    }

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  /* Three passes of the same drawing, each clipped to its part: the cells
   * (scrolled both ways), the row labels (scrolled up and down only) and the
   * column labels (left and right only). The renderer draws only what meets
   * the clip, so this costs little more than one pass. */
  band_w = l.clip_right - l.band_x - l.margin;
  band_h = height - l.band_y - l.top;
  render_clipped (cr, &style, matrix, n, labels, l.x, l.y, l.band_x + l.margin, l.band_y + l.top,
                  band_w, band_h);
  render_clipped (cr, &style, matrix, n, labels, l.band_x, l.y, l.band_x, l.band_y + l.top,
                  l.margin, band_h);
  /* The renderer's band is square: its upper part lies above the clip. */
  render_clipped (cr, &style, matrix, n, labels, l.x, l.band_y - (l.margin - l.top),
                  l.band_x + l.margin, l.band_y, band_w, l.top);
  draw_combined (self, cr, &l, &fg, style.vmax);
  draw_axis_titles (cr, &l, &fg);
  draw_legend (self, cr, &l, &fg, style.vmax, style.diverging);
  cairo_destroy (cr);
  self->drew_matrix = TRUE;
}

static void
attention_view_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  AttentionView *self = ATTENTION_VIEW (widget);
  AttentionCanvas *canvas = ATTENTION_CANVAS (widget);
  AttentionMatrixLayout l;

  compute_layout (self, width, height, &l);
  attention_canvas_configure_scroll (canvas, GTK_ORIENTATION_HORIZONTAL, width, l.content_width,
                                     self->zoom_anchor ? self->anchor_x : -1, MAX (width * 0.1, 1),
                                     width * 0.9);
  attention_canvas_configure_scroll (canvas, GTK_ORIENTATION_VERTICAL, height, l.content_height,
                                     self->zoom_anchor ? self->anchor_y : -1, MAX (height * 0.1, 1),
                                     height * 0.9);
  self->zoom_anchor = FALSE;
  attention_canvas_present_menu (canvas);
}

static void
attention_view_measure (GtkWidget *widget,
                        GtkOrientation orientation,
                        int for_size,
                        int *minimum,
                        int *natural,
                        int *minimum_baseline,
                        int *natural_baseline)
{
  /* Any size will do: Fit shrinks the cells and zoom scrolls. Content never
   * asks for more room, so it never grows the window. */
  *minimum = 0;
  *natural = n_tokens (ATTENTION_VIEW (widget)) > 0 ? 320 : 0;
}

static gboolean
query_tooltip_cb (GtkWidget *widget,
                  int x,
                  int y,
                  gboolean keyboard_mode,
                  GtkTooltip *tooltip,
                  AttentionView *self)
{
  g_autofree char *text = NULL;
  guint row = 0, col = 0;
  AttentionMatrixHit hit = hit_test (self, x, y, &row, &col);

  if (hit != ATTENTION_MATRIX_HIT_CELL)
    return FALSE;
  text = describe_hit (self, hit, row, col);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* Shift + arrows move through the cells, from the pinned token's diagonal
 * cell or the first; the cell is outlined, read out and named for screen
 * readers. */
static gboolean
move_cell (AttentionView *self, guint keyval)
{
  guint n = n_tokens (self);
  int row, col, pinned = attention_canvas_get_pinned (ATTENTION_CANVAS (self));

  if (n == 0)
    return FALSE;
  if (self->keyboard_cell && self->hit == ATTENTION_MATRIX_HIT_CELL)
    row = (int)self->hit_row, col = (int)self->hit_col;
  else
    row = col = MAX (pinned, 0);
  switch (keyval)
    {
      case GDK_KEY_Left:
      case GDK_KEY_KP_Left:
        col--;
        break;
      case GDK_KEY_Right:
      case GDK_KEY_KP_Right:
        col++;
        break;
      case GDK_KEY_Up:
      case GDK_KEY_KP_Up:
        row--;
        break;
      case GDK_KEY_Down:
      case GDK_KEY_KP_Down:
        row++;
        break;
      default:
        return FALSE;
    }
  /* The first press shows where the cursor starts. */
  if (!(self->keyboard_cell && self->hit == ATTENTION_MATRIX_HIT_CELL))
    row = col = MAX (pinned, 0);
  self->hit = ATTENTION_MATRIX_HIT_CELL;
  self->hit_row = (guint)CLAMP (row, 0, (int)n - 1);
  self->hit_col = (guint)CLAMP (col, 0, (int)n - 1);
  self->keyboard_cell = TRUE;
  attention_canvas_changed (ATTENTION_CANVAS (self));
  return TRUE;
}

/* Arrows step through heads (left, right) and layers (up, down). */
static gboolean
attention_view_key_pressed (AttentionCanvas *canvas, guint keyval, GdkModifierType state)
{
  AttentionView *self = ATTENTION_VIEW (canvas);
  AttentionResult *result = result_of (self);
  guint layer = attention_canvas_get_layer (canvas);

  if (result == NULL)
    return FALSE;
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK | GDK_SUPER_MASK)) ==
      GDK_SHIFT_MASK)
    return move_cell (self, keyval);
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK | GDK_SUPER_MASK)) != 0)
    return FALSE;

  switch (keyval)
    {
      case GDK_KEY_Left:
      case GDK_KEY_KP_Left:
        attention_view_set_head (self, self->head > 0 ? self->head - 1 : 0);
        return TRUE;
      case GDK_KEY_Right:
      case GDK_KEY_KP_Right:
        attention_view_set_head (self, self->head + 1);
        return TRUE;
      case GDK_KEY_Up:
      case GDK_KEY_KP_Up:
      case GDK_KEY_Page_Up:
      case GDK_KEY_KP_Page_Up:
        attention_canvas_set_layer (canvas, layer > 0 ? layer - 1 : 0);
        return TRUE;
      case GDK_KEY_Down:
      case GDK_KEY_KP_Down:
      case GDK_KEY_Page_Down:
      case GDK_KEY_KP_Page_Down:
        attention_canvas_set_layer (canvas, layer + 1);
        return TRUE;
      case GDK_KEY_Home:
      case GDK_KEY_KP_Home:
        attention_canvas_set_layer (canvas, 0);
        attention_view_set_head (self, 0);
        return TRUE;
      case GDK_KEY_End:
      case GDK_KEY_KP_End:
        attention_canvas_set_layer (canvas, attention_result_get_n_layers (result) - 1);
        attention_view_set_head (self, attention_result_get_n_heads (result) - 1);
        return TRUE;
      default:
        return FALSE;
    }
}

/* Ctrl + wheel zooms; the plain wheel scrolls the surrounding window. */
static gboolean
scroll_cb (GtkEventControllerScroll *controller, double dx, double dy, AttentionView *self)
{
  GdkModifierType state =
      gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if ((state & GDK_CONTROL_MASK) == 0 || dy == 0)
    return FALSE;
  if (dy < 0)
    attention_view_zoom_in (self);
  else
    attention_view_zoom_out (self);
  return TRUE;
}

/* A click on a token's label pins it; a second click unpins. */
static void
attention_view_click (AttentionCanvas *canvas, double x, double y)
{
  guint row = 0, col = 0;
  AttentionMatrixHit hit = hit_test (ATTENTION_VIEW (canvas), x, y, &row, &col);

  if (hit == ATTENTION_MATRIX_HIT_ROW_LABEL || hit == ATTENTION_MATRIX_HIT_COLUMN_LABEL)
    attention_canvas_set_pinned (canvas,
                                 attention_canvas_get_pinned (canvas) == (int)row ? -1 : (int)row);
}

static int
attention_view_token_at (AttentionCanvas *canvas, double x, double y)
{
  guint row = 0, col = 0;
  AttentionMatrixHit hit = hit_test (ATTENTION_VIEW (canvas), x, y, &row, &col);

  if (hit == ATTENTION_MATRIX_HIT_ROW_LABEL)
    return (int)row;
  if (hit == ATTENTION_MATRIX_HIT_COLUMN_LABEL)
    return (int)col;
  return -1;
}

/* An override belongs to the old tokens; the new result may have fewer
 * heads, and a longer sentence changes the partner's shared layout. */
static void
attention_view_result_changed (AttentionCanvas *canvas)
{
  AttentionView *self = ATTENTION_VIEW (canvas);

  g_clear_pointer (&self->matrix_override, g_free);
  self->label_width_font = self->token_width_font = -1;
  if (result_of (self) != NULL)
    attention_view_set_head (self, self->head);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LAYERS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_HEADS]);
  if (self->partner != NULL)
    gtk_widget_queue_resize (GTK_WIDGET (self->partner));
}

static void
attention_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AttentionView *self = ATTENTION_VIEW (object);
  AttentionResult *result = result_of (self);

  switch (prop_id)
    {
      case PROP_HEAD:
        g_value_set_uint (value, self->head);
        break;
      case PROP_SCALE:
        g_value_set_enum (value, self->scale);
        break;
      case PROP_DIVERGING:
        g_value_set_boolean (value, self->diverging);
        break;
      case PROP_N_LAYERS:
        g_value_set_uint (value, result ? attention_result_get_n_layers (result) : 0);
        break;
      case PROP_N_HEADS:
        g_value_set_uint (value, result ? attention_result_get_n_heads (result) : 0);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AttentionView *self = ATTENTION_VIEW (object);

  switch (prop_id)
    {
      case PROP_HEAD:
        attention_view_set_head (self, g_value_get_uint (value));
        break;
      case PROP_SCALE:
        attention_view_set_scale (self, g_value_get_enum (value));
        break;
      case PROP_DIVERGING:
        attention_view_set_diverging (self, g_value_get_boolean (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_view_dispose (GObject *object)
{
  attention_view_set_partner (ATTENTION_VIEW (object), NULL);
  G_OBJECT_CLASS (attention_view_parent_class)->dispose (object);
}

static void
attention_view_finalize (GObject *object)
{
  g_free (ATTENTION_VIEW (object)->matrix_override);
  g_free (ATTENTION_VIEW (object)->legend_title);
  G_OBJECT_CLASS (attention_view_parent_class)->finalize (object);
}

static void
attention_view_class_init (AttentionViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  AttentionCanvasClass *canvas_class = ATTENTION_CANVAS_CLASS (klass);

  object_class->get_property = attention_view_get_property;
  object_class->set_property = attention_view_set_property;
  object_class->dispose = attention_view_dispose;
  object_class->finalize = attention_view_finalize;
  widget_class->snapshot = attention_view_snapshot;
  widget_class->measure = attention_view_measure;
  widget_class->size_allocate = attention_view_size_allocate;
  canvas_class->hover = attention_view_hover;
  canvas_class->describe_hover = attention_view_describe_hover;
  canvas_class->click = attention_view_click;
  canvas_class->token_at = attention_view_token_at;
  canvas_class->key_pressed = attention_view_key_pressed;
  canvas_class->result_changed = attention_view_result_changed;
  canvas_class->changed = attention_view_changed;

  properties[PROP_HEAD] =
      g_param_spec_uint ("head", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCALE] =
      g_param_spec_enum ("scale", NULL, NULL, ATTENTION_TYPE_SCALE, ATTENTION_SCALE_LINEAR,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIVERGING] =
      g_param_spec_boolean ("diverging", NULL, NULL, FALSE,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_LAYERS] = g_param_spec_uint ("n-layers", NULL, NULL, 0, G_MAXUINT, 0,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_HEADS] = g_param_spec_uint ("n-heads", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "attentionview");
}

static void
attention_view_init (AttentionView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *controller;

  self->label_width_font = self->token_width_font = -1;
  self->combined_col = -1;
  /* The combined row comes and goes with the second pin. */
  g_signal_connect (self, "notify::n-pins", G_CALLBACK (gtk_widget_queue_resize), NULL);

  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (widget, controller);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Attention matrix"), -1);
  update_accessible (self);
}

GtkWidget *
attention_view_new (void)
{
  return g_object_new (ATTENTION_TYPE_VIEW, NULL);
}

AttentionResult *
attention_view_get_result (AttentionView *self)
{
  g_return_val_if_fail (ATTENTION_IS_VIEW (self), NULL);

  return result_of (self);
}

gboolean
attention_view_get_drew_matrix (AttentionView *self)
{
  g_return_val_if_fail (ATTENTION_IS_VIEW (self), FALSE);

  return self->drew_matrix;
}

void
attention_view_set_layer (AttentionView *self, guint layer)
{
  g_return_if_fail (ATTENTION_IS_VIEW (self));

  attention_canvas_set_layer (ATTENTION_CANVAS (self), layer);
}

guint
attention_view_get_layer (AttentionView *self)
{
  g_return_val_if_fail (ATTENTION_IS_VIEW (self), 0);

  return attention_canvas_get_layer (ATTENTION_CANVAS (self));
}

void
attention_view_set_head (AttentionView *self, guint head)
{
  AttentionResult *result;

  g_return_if_fail (ATTENTION_IS_VIEW (self));

  result = result_of (self);
  if (result != NULL)
    head = MIN (head, attention_result_get_n_heads (result) - 1);
  if (self->head == head)
    return;
  self->head = head;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEAD]);
  attention_canvas_changed (ATTENTION_CANVAS (self));
}

guint
attention_view_get_head (AttentionView *self)
{
  g_return_val_if_fail (ATTENTION_IS_VIEW (self), 0);

  return self->head;
}

void
attention_view_set_scale (AttentionView *self, AttentionScale scale)
{
  g_return_if_fail (ATTENTION_IS_VIEW (self));
  g_return_if_fail (scale < ATTENTION_N_SCALES);

  if (self->scale == scale)
    return;
  self->scale = scale;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
  attention_canvas_changed (ATTENTION_CANVAS (self));
}

AttentionScale
attention_view_get_scale (AttentionView *self)
{
  g_return_val_if_fail (ATTENTION_IS_VIEW (self), ATTENTION_SCALE_LINEAR);

  return self->scale;
}

void
attention_view_set_diverging (AttentionView *self, gboolean diverging)
{
  g_return_if_fail (ATTENTION_IS_VIEW (self));

  diverging = !!diverging;
  if (self->diverging == diverging)
    return;
  self->diverging = diverging;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIVERGING]);
  attention_canvas_changed (ATTENTION_CANVAS (self));
}

gboolean
attention_view_get_diverging (AttentionView *self)
{
  g_return_val_if_fail (ATTENTION_IS_VIEW (self), FALSE);

  return self->diverging;
}

static void
set_zoom_cell_one (AttentionView *self, double cell)
{
  AttentionMatrixLayout l;
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));

  if (self->zoom_cell == cell)
    return;
  /* Keep the content point at the centre of the view where it is. */
  current_layout (self, &l);
  if (l.content_width > 0 && l.content_height > 0)
    {
      AttentionCanvas *canvas = ATTENTION_CANVAS (self);

      self->zoom_anchor = TRUE;
      self->anchor_x =
          (attention_canvas_get_scroll (canvas, GTK_ORIENTATION_HORIZONTAL) + width / 2) /
          MAX (l.content_width, width);
      self->anchor_y =
          (attention_canvas_get_scroll (canvas, GTK_ORIENTATION_VERTICAL) + height / 2) /
          MAX (l.content_height, height);
    }
  self->zoom_cell = cell;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* Linked views zoom together, so they stay lined up. */
static void
set_zoom_cell (AttentionView *self, double cell)
{
  set_zoom_cell_one (self, cell);
  if (self->partner != NULL)
    set_zoom_cell_one (self->partner, cell);
}

static double
shown_cell (AttentionView *self)
{
  AttentionMatrixLayout l;

  if (self->zoom_cell > 0)
    return self->zoom_cell;
  current_layout (self, &l);
  return l.cell > 0 ? l.cell : MIN_ZOOM_CELL;
}

void
attention_view_zoom_in (AttentionView *self)
{
  g_return_if_fail (ATTENTION_IS_VIEW (self));

  set_zoom_cell (self, MIN (MAX_ZOOM_CELL, ceil (shown_cell (self) * ZOOM_STEP)));
}

void
attention_view_zoom_out (AttentionView *self)
{
  g_return_if_fail (ATTENTION_IS_VIEW (self));

  set_zoom_cell (self, MAX (MIN_ZOOM_CELL, floor (shown_cell (self) / ZOOM_STEP)));
}

void
attention_view_zoom_reset (AttentionView *self)
{
  g_return_if_fail (ATTENTION_IS_VIEW (self));

  set_zoom_cell (self, 0);
}

double
attention_view_get_axis_title_size (AttentionView *self)
{
  AttentionMatrixLayout l;

  g_return_val_if_fail (ATTENTION_IS_VIEW (self), 0);

  current_layout (self, &l);
  return l.n > 0 ? title_size (l.font_size) : 0;
}

double
attention_view_get_cell_size (AttentionView *self)
{
  g_return_val_if_fail (ATTENTION_IS_VIEW (self), 0);

  return self->last_cell;
}

gboolean
attention_view_get_cell_center (AttentionView *self, guint row, guint col, double *x, double *y)
{
  AttentionMatrixLayout l;

  g_return_val_if_fail (ATTENTION_IS_VIEW (self), FALSE);

  current_layout (self, &l);
  return attention_matrix_layout_cell_center (&l, row, col, x, y);
}

gboolean
attention_view_get_combined_center (AttentionView *self, guint col, double *x, double *y)
{
  AttentionMatrixLayout l;
  double gx, gy, side;

  g_return_val_if_fail (ATTENTION_IS_VIEW (self), FALSE);

  current_layout (self, &l);
  if (extra_rows (self) == 0 || l.n == 0 || col >= l.n)
    return FALSE;
  attention_matrix_layout_grid (&l, &gx, &gy, &side);
  *x = gx + (col + 0.5) * l.cell;
  *y = gy + (l.n + 1.5) * l.cell;
  return TRUE;
}

gboolean
attention_view_get_matrix_bounds (AttentionView *self, graphene_rect_t *bounds)
{
  AttentionMatrixLayout l;
  double x, y, side;

  g_return_val_if_fail (ATTENTION_IS_VIEW (self), FALSE);

  current_layout (self, &l);
  if (l.n == 0)
    return FALSE;
  attention_matrix_layout_grid (&l, &x, &y, &side);
  graphene_rect_init (bounds, x, y, side, side);
  return TRUE;
}

static void
partner_gone (gpointer data, GObject *where_the_object_was)
{
  AttentionView *self = data;

  self->partner = NULL;
  self->label_width_font = self->token_width_font = -1;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
attention_view_set_partner (AttentionView *self, AttentionView *partner)
{
  g_return_if_fail (ATTENTION_IS_VIEW (self));
  g_return_if_fail (partner == NULL || ATTENTION_IS_VIEW (partner));

  if (self->partner == partner)
    return;
  if (self->partner != NULL)
    {
      AttentionView *old = self->partner;

      g_object_weak_unref (G_OBJECT (old), partner_gone, self);
      self->partner = NULL;
      attention_view_set_partner (old, NULL);
    }
  self->partner = partner;
  if (partner != NULL)
    {
      g_object_weak_ref (G_OBJECT (partner), partner_gone, self);
      partner->zoom_cell = self->zoom_cell;
      attention_view_set_partner (partner, self);
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
attention_view_set_matrix_override (AttentionView *self, const float *matrix)
{
  guint n;

  g_return_if_fail (ATTENTION_IS_VIEW (self));

  n = n_tokens (self);
  g_clear_pointer (&self->matrix_override, g_free);
  if (matrix != NULL && n > 0)
    self->matrix_override = g_memdup2 (matrix, (gsize)n * n * sizeof (float));
  attention_canvas_changed (ATTENTION_CANVAS (self));
}

void
attention_view_set_legend_title (AttentionView *self, const char *title)
{
  g_return_if_fail (ATTENTION_IS_VIEW (self));

  if (g_strcmp0 (self->legend_title, title) == 0)
    return;
  g_free (self->legend_title);
  self->legend_title = g_strdup (title);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
