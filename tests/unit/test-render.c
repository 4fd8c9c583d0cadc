/* test-render.c: pixels of the attention diagram */

#include <math.h>
#include <string.h>

#include "attention-render.h"

static guint32
pixel (cairo_surface_t *surface, int x, int y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  return ((const guint32 *)(gconstpointer)(data + (gsize)y * stride))[x] & 0xffffff;
}

static guint
grey_of (cairo_surface_t *surface, int x, int y)
{
  guint32 p = pixel (surface, x, y);

  g_assert_cmpuint ((p >> 16) & 0xff, ==, p & 0xff);
  g_assert_cmpuint ((p >> 8) & 0xff, ==, p & 0xff);
  return p & 0xff;
}

static cairo_surface_t *
draw (const AttentionRenderStyle *style, const float *m, guint n, const char *const *labels)
{
  double w, h;
  cairo_surface_t *surface;
  cairo_t *cr;

  attention_render_get_size (style, n, &w, &h);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int)w, (int)h);
  cr = cairo_create (surface);
  attention_render_matrix (cr, style, m, n, labels);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static void
test_grey_levels (void)
{
  g_assert_cmpuint (attention_colormap_grey (0.0f), ==, 0);
  g_assert_cmpuint (attention_colormap_grey (1.0f), ==, 255);
  g_assert_cmpuint (attention_colormap_grey (0.5f), ==, 128);
  g_assert_cmpuint (attention_colormap_grey (0.2f), ==, 51);
  g_assert_cmpuint (attention_colormap_grey (-0.1f), ==, 0);
  g_assert_cmpuint (attention_colormap_grey (1.5f), ==, 255);
  g_assert_cmpuint (attention_colormap_grey (NAN), ==, 0);
}

static void
test_size (void)
{
  AttentionRenderStyle style;
  double w, h;

  attention_render_style_init_export (&style);
  attention_render_get_size (&style, 12, &w, &h);
  g_assert_cmpfloat (w, ==, 680);
  g_assert_cmpfloat (h, ==, 680);

  style.caption = "Layer 1, Head 1\nThe capital of France is [MASK].";
  attention_render_get_size (&style, 12, &w, &h);
  g_assert_cmpfloat (w, ==, 680);
  g_assert_cmpfloat (h, >, 680 + 2 * style.caption_size);
}

static void
test_cells (void)
{
  const float m[9] = { 0.0f, 1.0f, 0.5f, 0.2f, 0.25f, 0.55f, 1.0f, 0.0f, 0.0f };
  const char *labels[] = { "[CLS]", "hello", "[SEP]", NULL };
  AttentionRenderStyle style;
  cairo_surface_t *s;

  attention_render_style_init_export (&style);
  s = draw (&style, m, 3, labels);

  for (guint i = 0; i < 3; i++)
    for (guint j = 0; j < 3; j++)
      {
        guint expected = (guint)lrint (255.0 * m[i * 3 + j]);
        int x0 = 200 + 40 * j, y0 = 200 + 40 * i;

        /* Every pixel of the cell, corners included: no seams, no blur. */
        g_assert_cmpuint (grey_of (s, x0, y0), ==, expected);
        g_assert_cmpuint (grey_of (s, x0 + 39, y0), ==, expected);
        g_assert_cmpuint (grey_of (s, x0, y0 + 39), ==, expected);
        g_assert_cmpuint (grey_of (s, x0 + 39, y0 + 39), ==, expected);
        g_assert_cmpuint (grey_of (s, x0 + 20, y0 + 20), ==, expected);
      }
  cairo_surface_destroy (s);
}

/* Counts bright pixels in a rectangle. */
static guint
bright_pixels (cairo_surface_t *s, int x0, int y0, int x1, int y1)
{
  guint count = 0;

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      if ((pixel (s, x, y) & 0xff) > 128)
        count++;
  return count;
}

static void
test_labels (void)
{
  const float m[4] = { 0 };
  const char *labels[] = { "left", "right", NULL };
  AttentionRenderStyle style;
  cairo_surface_t *s;

  attention_render_style_init_export (&style);
  s = draw (&style, m, 2, labels);

  /* Row labels sit left of the grid, in their row's band, and end near it. */
  g_assert_cmpuint (bright_pixels (s, 0, 200, 200, 240), >, 50);
  g_assert_cmpuint (bright_pixels (s, 0, 240, 200, 280), >, 50);
  g_assert_cmpuint (bright_pixels (s, 150, 200, 200, 240), >, 10);
  g_assert_cmpuint (bright_pixels (s, 0, 200, 40, 280), ==, 0);
  /* Column labels are rotated: in the top margin, inside the column band,
   * starting at the grid and reading upwards. */
  g_assert_cmpuint (bright_pixels (s, 200, 0, 240, 200), >, 50);
  g_assert_cmpuint (bright_pixels (s, 240, 0, 280, 200), >, 50);
  g_assert_cmpuint (bright_pixels (s, 200, 150, 240, 200), >, 10);
  /* Nothing is drawn in the corner or over the (black) grid. */
  g_assert_cmpuint (bright_pixels (s, 0, 0, 200, 200), ==, 0);
  g_assert_cmpuint (bright_pixels (s, 200, 200, 280, 280), ==, 0);
  cairo_surface_destroy (s);
}

static void
test_long_label_is_ellipsized (void)
{
  const float m[1] = { 1.0f };
  const char *labels[] = { "supercalifragilisticexpialidocious-and-then-some", NULL };
  AttentionRenderStyle style;
  cairo_surface_t *s;

  attention_render_style_init_export (&style);
  s = draw (&style, m, 1, labels);
  /* Text stays inside the margin: the first columns and top rows stay dark. */
  g_assert_cmpuint (bright_pixels (s, 0, 200, 4, 240), ==, 0);
  g_assert_cmpuint (bright_pixels (s, 200, 0, 240, 4), ==, 0);
  g_assert_cmpuint (bright_pixels (s, 20, 200, 200, 240), >, 100);
  cairo_surface_destroy (s);
}

static void
test_highlight (void)
{
  const float m[9] = { 0 };
  AttentionRenderStyle style;
  cairo_surface_t *s;
  guint32 p;

  attention_render_style_init_export (&style);
  style.highlight_row = 1;
  s = draw (&style, m, 3, NULL);
  /* The outline is coloured (not grey) on the row's edge, and cells away from
   * it keep their exact value. */
  p = pixel (s, 200 + 60, 240 + 1);
  g_assert_cmpuint (p & 0xff, >, (p >> 16) & 0xff);
  g_assert_cmpuint (grey_of (s, 220, 220), ==, 0);
  g_assert_cmpuint (grey_of (s, 260, 300), ==, 0);
  cairo_surface_destroy (s);
}

static void
test_scaled (void)
{
  /* The view draws the same diagram scaled: cells stay exact at other sizes. */
  const float m[4] = { 1.0f, 0.0f, 0.0f, 0.5f };
  AttentionRenderStyle style;
  cairo_surface_t *s;

  attention_render_style_init_export (&style);
  style.cell = 13;
  style.margin = 50;
  style.font_size = 9;
  s = draw (&style, m, 2, NULL);
  g_assert_cmpuint (grey_of (s, 50, 50), ==, 255);
  g_assert_cmpuint (grey_of (s, 62, 62), ==, 255);
  g_assert_cmpuint (grey_of (s, 63, 50), ==, 0);
  g_assert_cmpuint (grey_of (s, 70, 70), ==, 128);
  cairo_surface_destroy (s);
}

static void
test_grey_rounding (void)
{
  /* The renderer rounds by adding ½; the original (Python's round of 255 ×
   * score) rounds half to even. Same result for every float in (0, 1): check
   * a spread of bit patterns across the whole range, all exponents. */
  guint32 lo, hi;
  float f;

  f = 1e-30f;
  memcpy (&lo, &f, sizeof lo);
  f = 1.0f;
  memcpy (&hi, &f, sizeof hi);
  for (guint32 bits = lo; bits < hi; bits += 997)
    {
      float score;

      memcpy (&score, &bits, sizeof score);
      g_assert_cmpuint (attention_colormap_grey (score), ==, (guint)lrint (255.0 * score));
    }
  /* The one exact half, 127.5, and its neighbours. */
  g_assert_cmpuint (attention_colormap_grey (0.5f), ==, 128);
  g_assert_cmpuint (attention_colormap_grey (nextafterf (0.5f, 0)), ==, 127);
  g_assert_cmpuint (attention_colormap_grey (nextafterf (1.0f, 0)), ==, 255);
  g_assert_cmpuint (attention_colormap_grey (1.0f / 510), ==, 1);
}

/* Draws into a surface the size of the whole diagram, with an optional clip
 * rectangle, on a grey backdrop that shows what was not drawn. */
static cairo_surface_t *
draw_clipped (const AttentionRenderStyle *style,
              const float *m,
              guint n,
              const char *const *labels,
              const double *clip)
{
  double w, h;
  cairo_surface_t *surface;
  cairo_t *cr;

  attention_render_get_size (style, n, &w, &h);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int)w, (int)h);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  cairo_paint (cr);
  if (clip)
    {
      cairo_rectangle (cr, clip[0], clip[1], clip[2], clip[3]);
      cairo_clip (cr);
    }
  attention_render_matrix (cr, style, m, n, labels);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static void
test_clip_matches_full_drawing (void)
{
  /* A view scrolled into a long sentence: only what meets the clip is
   * drawn, and that part must be the same pixels as the full diagram,
   * including rows, columns and labels cut by the clip's edges. */
  static const char *words[] = { "the", "capital", "of", "france", "is", "[MASK]", "." };
  const guint n = 30;
  const double clips[][4] = {
    { 0, 0, 200, 200 },       /* the corner: labels only */
    { 77, 213, 300, 250 },    /* row labels and cells, cut mid-row */
    { 251, 31, 333, 400 },    /* column labels and cells, cut mid-column */
    { 900, 900, 150, 150 },   /* deep inside the grid */
    { 1350, 1350, 200, 200 }, /* past the grid */
  };
  g_autofree float *m = g_new (float, n *n);
  g_autofree const char **labels = g_new0 (const char *, n + 1);
  AttentionRenderStyle style;
  cairo_surface_t *full;

  for (guint k = 0; k < n * n; k++)
    m[k] = (float)((k * 37) % 101) / 100.0f;
  for (guint i = 0; i < n; i++)
    labels[i] = words[i % G_N_ELEMENTS (words)];
  attention_render_style_init_export (&style);
  style.highlight_row = 7;
  style.highlight_col = 9;
  full = draw_clipped (&style, m, n, labels, NULL);

  for (guint c = 0; c < G_N_ELEMENTS (clips); c++)
    {
      cairo_surface_t *part = draw_clipped (&style, m, n, labels, clips[c]);
      int w = cairo_image_surface_get_width (full), h = cairo_image_surface_get_height (full);
      int x1 = MIN (w, (int)(clips[c][0] + clips[c][2]));
      int y1 = MIN (h, (int)(clips[c][1] + clips[c][3]));

      for (int y = (int)clips[c][1]; y < y1; y++)
        for (int x = (int)clips[c][0]; x < x1; x++)
          if (pixel (part, x, y) != pixel (full, x, y))
            g_error ("clip %u: pixel (%d, %d) is %06x, full drawing has %06x", c, x, y,
                     pixel (part, x, y), pixel (full, x, y));
      cairo_surface_destroy (part);
    }
  cairo_surface_destroy (full);
}

/* Bright pixels in a band of rows [y0, y1) of the left margin. */
static guint
bright_rows (cairo_surface_t *s, int margin, int y0, int y1)
{
  return bright_pixels (s, 0, y0, margin, y1);
}

static void
test_dense_labels_are_thinned (void)
{
  /* 40 rows of 4 px with 12 px text: every label drawn would pile into one
   * smear. Only every step-th is drawn, step = text height / cell, so there
   * is dark space between the labels drawn. */
  const guint n = 40;
  g_autofree float *m = g_new0 (float, n *n);
  g_autofree const char **labels = g_new0 (const char *, n + 1);
  AttentionRenderStyle style;
  cairo_surface_t *s;
  cairo_font_extents_t fext;
  cairo_t *cr;
  guint step;
  int margin = 60;

  for (guint i = 0; i < n; i++)
    labels[i] = "X";
  attention_render_style_init_export (&style);
  style.cell = 4;
  style.margin = margin;
  style.font_size = 12;
  s = draw_clipped (&style, m, n, labels, NULL);

  cr = cairo_create (s);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 12);
  cairo_font_extents (cr, &fext);
  cairo_destroy (cr);
  step = (guint)ceil ((fext.ascent + fext.descent) / style.cell - 1e-6);
  g_assert_cmpuint (step, >=, 3);

  /* A label's glyph "X" stands within ±6 px of its row's centre; halfway
   * between two labels drawn, nothing. */
  for (guint i = 0; i + step < n; i += step)
    {
      int centre = margin + 4 * (int)i + 2;
      int next = centre + 4 * (int)step;
      int mid = (centre + next) / 2;

      g_assert_cmpuint (bright_rows (s, margin, centre - 2, centre + 2), >, 0);
      if (next - centre >= 14)
        g_assert_cmpuint (bright_rows (s, margin, mid - 1, mid + 1), ==, 0);
    }

  /* Scrolled: the same labels are drawn, not the first ones in view, and a
   * label whose row (column) starts a pixel past the clip still shows its
   * edge in it. */
  {
    const double from = margin + 4 * 5 + 1, to = margin + 4 * 6 * step - 1;
    const double clips[2][4] = { { 0, from, margin + 30, to - from },
                                 { from, 0, to - from, margin + 30 } };

    for (guint c = 0; c < 2; c++)
      {
        cairo_surface_t *part = draw_clipped (&style, m, n, labels, clips[c]);

        for (int y = (int)clips[c][1]; y < (int)(clips[c][1] + clips[c][3]); y++)
          for (int x = (int)clips[c][0]; x < (int)(clips[c][0] + clips[c][2]); x++)
            g_assert_cmphex (pixel (part, x, y), ==, pixel (s, x, y));
        cairo_surface_destroy (part);
      }
  }
  cairo_surface_destroy (s);
}

static void
test_tiny_labels_are_skipped (void)
{
  /* The export layout shrunk 6× (28 px labels become 4.7 px): no label
   * smudges in the margins; at 4× (7 px) the labels are there. */
  const float m[4] = { 1.0f, 0.0f, 0.0f, 1.0f };
  const char *labels[] = { "attention", "matrix", NULL };
  AttentionRenderStyle style;

  attention_render_style_init_export (&style);
  for (int shrink = 4; shrink <= 6; shrink += 2)
    {
      cairo_surface_t *s =
          cairo_image_surface_create (CAIRO_FORMAT_RGB24, 280 / shrink, 280 / shrink);
      cairo_t *cr = cairo_create (s);
      guint lit = 0;

      cairo_scale (cr, 1.0 / shrink, 1.0 / shrink);
      attention_render_matrix (cr, &style, m, 2, labels);
      cairo_destroy (cr);
      cairo_surface_flush (s);
      /* Any light pixel in the left margin, beside the grid. */
      for (int y = 200 / shrink; y < 280 / shrink; y++)
        for (int x = 0; x < 200 / shrink - 1; x++)
          lit += (pixel (s, x, y) & 0xff) > 40;
      if (shrink == 6)
        g_assert_cmpuint (lit, ==, 0);
      else
        g_assert_cmpuint (lit, >, 0);
      /* The cells are there either way. */
      g_assert_cmpuint (grey_of (s, 200 / shrink + 1, 200 / shrink + 1), ==, 255);
      cairo_surface_destroy (s);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/grey-levels", test_grey_levels);
  g_test_add_func ("/render/size", test_size);
  g_test_add_func ("/render/cells", test_cells);
  g_test_add_func ("/render/labels", test_labels);
  g_test_add_func ("/render/long-label", test_long_label_is_ellipsized);
  g_test_add_func ("/render/highlight", test_highlight);
  g_test_add_func ("/render/scaled", test_scaled);
  g_test_add_func ("/render/grey-rounding", test_grey_rounding);
  g_test_add_func ("/render/clip", test_clip_matches_full_drawing);
  g_test_add_func ("/render/dense-labels", test_dense_labels_are_thinned);
  g_test_add_func ("/render/tiny-labels", test_tiny_labels_are_skipped);
  return g_test_run ();
}
