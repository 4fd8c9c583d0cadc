/* test-render.c: pixels of the attention diagram */

#include <math.h>

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
  g_assert_cmpuint (attention_render_grey (0.0f), ==, 0);
  g_assert_cmpuint (attention_render_grey (1.0f), ==, 255);
  g_assert_cmpuint (attention_render_grey (0.5f), ==, 128);
  g_assert_cmpuint (attention_render_grey (0.2f), ==, 51);
  g_assert_cmpuint (attention_render_grey (-0.1f), ==, 0);
  g_assert_cmpuint (attention_render_grey (1.5f), ==, 255);
  g_assert_cmpuint (attention_render_grey (NAN), ==, 0);
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
  return g_test_run ();
}
