/* test-colormap.c: colour maps, scalings, the renderer's default staying the
 * original grayscale, the legend, and the overview grid's layout */

#include <math.h>
#include <string.h>

#include "attention-colormap.h"
#include "attention-grid.h"
#include "attention-render.h"

static void
test_gray_is_original (void)
{
  /* GRAY + LINEAR must be the original rounding, bit for bit. */
  for (int k = -10; k <= 1010; k++)
    {
      float w = k / 1000.0f;
      guint32 g = attention_render_grey (w);

      g_assert_cmphex (
          attention_colormap_pixel (ATTENTION_COLORMAP_GRAY, ATTENTION_SCALE_LINEAR, w, 1), ==,
          0xff000000u | (g << 16) | (g << 8) | g);
    }
  g_assert_cmphex (
      attention_colormap_pixel (ATTENTION_COLORMAP_GRAY, ATTENTION_SCALE_LINEAR, NAN, 1), ==,
      0xff000000u);
}

static void
test_viridis (void)
{
  guint8 rgb[3];

  /* The ends and the middle of matplotlib's viridis. */
  attention_colormap_rgb (ATTENTION_COLORMAP_VIRIDIS, 0, rgb);
  g_assert_cmpuint (rgb[0], ==, 0x44);
  g_assert_cmpuint (rgb[1], ==, 0x01);
  g_assert_cmpuint (rgb[2], ==, 0x54);
  attention_colormap_rgb (ATTENTION_COLORMAP_VIRIDIS, 1, rgb);
  g_assert_cmpuint (rgb[0], ==, 0xfd);
  g_assert_cmpuint (rgb[1], ==, 0xe7);
  g_assert_cmpuint (rgb[2], ==, 0x25);
  attention_colormap_rgb (ATTENTION_COLORMAP_VIRIDIS, 0.5, rgb);
  g_assert_cmpuint (rgb[0], ==, 0x21);
  g_assert_cmpuint (rgb[1], ==, 0x91);
  g_assert_cmpuint (rgb[2], ==, 0x8c);
  /* Perceptual order: lightness (here green, its main carrier) rises. */
  for (int k = 1; k <= 100; k++)
    {
      guint8 a[3], b[3];

      attention_colormap_rgb (ATTENTION_COLORMAP_VIRIDIS, (k - 1) / 100.0, a);
      attention_colormap_rgb (ATTENTION_COLORMAP_VIRIDIS, k / 100.0, b);
      g_assert_cmpuint (b[1], >=, a[1]);
    }
}

static void
test_scales (void)
{
  g_assert_cmpfloat_with_epsilon (attention_colormap_scale (ATTENTION_SCALE_LINEAR, 0.3f, 1), 0.3,
                                  1e-6);
  /* log(1 + 99 w) / log 100: 0 → 0, 1 → 1, 0.01 → log 1.99 / log 100. */
  g_assert_cmpfloat_with_epsilon (attention_colormap_scale (ATTENTION_SCALE_LOG, 1, 1), 1, 1e-9);
  g_assert_cmpfloat_with_epsilon (attention_colormap_scale (ATTENTION_SCALE_LOG, 0.01f, 1),
                                  log (1.99) / log (100), 1e-6);
  g_assert_cmpfloat (attention_colormap_scale (ATTENTION_SCALE_LOG, 0, 1), ==, 0);
  /* Contrast divides by the largest weight shown. */
  g_assert_cmpfloat_with_epsilon (attention_colormap_scale (ATTENTION_SCALE_CONTRAST, 0.2f, 0.4f),
                                  0.5, 1e-6);
  g_assert_cmpfloat (attention_colormap_scale (ATTENTION_SCALE_CONTRAST, 0.4f, 0.4f), ==, 1);
  g_assert_cmpfloat (attention_colormap_scale (ATTENTION_SCALE_LINEAR, -1, 1), ==, 0);
  g_assert_cmpfloat (attention_colormap_scale (ATTENTION_SCALE_LINEAR, 7, 1), ==, 1);
  {
    const float v[] = { 0.1f, NAN, 0.7f, INFINITY, 0.3f };

    g_assert_cmpfloat (attention_colormap_max (v, G_N_ELEMENTS (v)), ==, 0.7f);
  }
}

static guint32
pixel_at (cairo_surface_t *s, int x, int y)
{
  cairo_surface_flush (s);
  return *(const guint32 *)(gconstpointer)(cairo_image_surface_get_data (s) +
                                           (gsize)y * cairo_image_surface_get_stride (s) +
                                           (gsize)x * 4) &
         0xffffff;
}

static void
test_render_colormap (void)
{
  const float m[] = { 0.0f, 0.5f, 0.25f, 0.125f };
  AttentionRenderStyle style = { 0 };
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 20, 20);
  cairo_t *cr = cairo_create (s);
  guint8 rgb[3];

  style.cell = 10;
  style.highlight_row = style.highlight_col = -1;
  style.colormap = ATTENTION_COLORMAP_VIRIDIS;
  attention_render_matrix (cr, &style, m, 2, NULL);
  attention_colormap_rgb (ATTENTION_COLORMAP_VIRIDIS, 0.5, rgb);
  g_assert_cmphex (pixel_at (s, 15, 5), ==, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);

  /* Contrast: 0.5 is the maximum, so it shows as the top of the map, and
   * 0.25 as the middle; vector cells draw the same colours. */
  style.scale = ATTENTION_SCALE_CONTRAST;
  style.vector_cells = TRUE;
  attention_render_matrix (cr, &style, m, 2, NULL);
  attention_colormap_rgb (ATTENTION_COLORMAP_VIRIDIS, 1, rgb);
  g_assert_cmphex (pixel_at (s, 15, 5), ==, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
  attention_colormap_rgb (ATTENTION_COLORMAP_VIRIDIS, 0.5, rgb);
  g_assert_cmphex (pixel_at (s, 5, 15), ==, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

static void
test_legend (void)
{
  const double white[3] = { 1, 1, 1 };
  double h = attention_colormap_legend_height (12);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 300, (int)ceil (h));
  cairo_t *cr = cairo_create (s);
  guint8 rgb[3];
  g_autofree char *log_line = attention_scale_describe (ATTENTION_SCALE_LOG, 1);

  g_assert_nonnull (strstr (log_line, "99"));
  attention_colormap_draw_legend (cr, ATTENTION_COLORMAP_VIRIDIS, ATTENTION_SCALE_LINEAR, 1, 300,
                                  12, white);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  /* Left end of the bar is the bottom of the map, right end the top: 256
   * steps over 300 px, so pixel 5 shows step 4 and pixel 290 step 247. */
  attention_colormap_rgb (ATTENTION_COLORMAP_VIRIDIS, 4 / 255.0, rgb);
  g_assert_cmphex (pixel_at (s, 5, 7), ==, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
  attention_colormap_rgb (ATTENTION_COLORMAP_VIRIDIS, 247 / 255.0, rgb);
  g_assert_cmphex (pixel_at (s, 290, 7), ==, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

static void
test_grid_sort_and_hit (void)
{
  /* 1 layer × 3 heads; scores .2 .9 .5 sort the row as heads 1, 2, 0. */
  const double scores[] = { 0.2, 0.9, 0.5 };
  AttentionGridStyle style;
  double width, height;
  guint layer, head;

  attention_grid_style_init (&style);
  attention_grid_get_size (&style, 2, 3, &width, &height);
  g_assert_cmpfloat (width, ==, 36 + 6 + 70 * 3);
  g_assert_true (attention_grid_hit (&style, 2, 3, 42 + 70 + 1, 42 + 70 + 1, &layer, &head));
  g_assert_cmpuint (layer, ==, 1);
  g_assert_cmpuint (head, ==, 1);
  /* The gap between thumbnails, and outside, select nothing. */
  g_assert_false (attention_grid_hit (&style, 2, 3, 42 + 66, 50, &layer, &head));
  g_assert_false (attention_grid_hit (&style, 2, 3, 10, 50, &layer, &head));
  g_assert_false (attention_grid_hit (&style, 2, 3, 42 + 70 * 3 + 1, 50, &layer, &head));

  style.scores = scores;
  style.sort_by_score = TRUE;
  g_assert_cmpuint (attention_grid_head_at (&style, 3, 0, 0), ==, 1);
  g_assert_cmpuint (attention_grid_head_at (&style, 3, 0, 1), ==, 2);
  g_assert_cmpuint (attention_grid_head_at (&style, 3, 0, 2), ==, 0);
  g_assert_true (attention_grid_hit (&style, 1, 3, 43, 43, &layer, &head));
  g_assert_cmpuint (head, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/colormap/gray-is-original", test_gray_is_original);
  g_test_add_func ("/colormap/viridis", test_viridis);
  g_test_add_func ("/colormap/scales", test_scales);
  g_test_add_func ("/colormap/render", test_render_colormap);
  g_test_add_func ("/colormap/legend", test_legend);
  g_test_add_func ("/colormap/grid", test_grid_sort_and_hit);
  return g_test_run ();
}
