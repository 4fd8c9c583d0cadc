/* test-colormap.c: colour maps, scalings, the renderer's default staying the
 * original grayscale, the legend, and the overview grid's layout and its
 * Spanish column labels */

#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>

#include "attention-colormap.h"
#include "attention-grid.h"
#include "attention-legend.h"
#include "attention-render.h"

static void
test_gray_is_original (void)
{
  /* GRAY + LINEAR must be the original rounding, bit for bit. */
  for (int k = -10; k <= 1010; k++)
    {
      float w = k / 1000.0f;
      guint32 g = attention_colormap_grey (w);

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

static guint32
viridis_at (double t)
{
  guint8 rgb[3];

  attention_colormap_rgb (ATTENTION_COLORMAP_VIRIDIS, t, rgb);
  return ((guint32)rgb[0] << 16) | ((guint32)rgb[1] << 8) | rgb[2];
}

/* Whether any pixel of [x0, x1) × [y0, y1) is not black. */
static gboolean
any_ink (cairo_surface_t *s, int x0, int y0, int x1, int y1)
{
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      if (pixel_at (s, x, y) != 0)
        return TRUE;
  return FALSE;
}

/* A legend drawn in viridis with white text at (x, y) on a black
 * width × height picture. */
static cairo_surface_t *
draw_legend (AttentionLegendStyle *style, int width, int height, double x, double y)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (s);

  style->colormap = ATTENTION_COLORMAP_VIRIDIS;
  style->fg[0] = style->fg[1] = style->fg[2] = style->fg[3] = 1;
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  cairo_translate (cr, x, y);
  attention_legend_draw (cr, style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  return s;
}

/* A 100-step vertical legend at (10, 10): the top weight on top, an outline,
 * ticks and values right of the bar where the scale puts their weights. */
static cairo_surface_t *
draw_vertical_legend (AttentionScale scale)
{
  AttentionLegendStyle style = {
    .scale = scale,
    .vmax = 1,
    .vertical = TRUE,
    .length = 100,
    .thickness = 12,
    .font_size = 10,
  };

  return draw_legend (&style, 200, 130, 10, 10);
}

static void
test_legend_vertical (void)
{
  cairo_surface_t *s = draw_vertical_legend (ATTENTION_SCALE_LINEAR);
  cairo_surface_t *log_scale = draw_vertical_legend (ATTENTION_SCALE_LOG);
  guint32 edge, inside;

  /* One colour per step, from the middle of its step: step 1 (below the
   * outline) is 1 - 1.5/100, step 98 is 1 - 98.5/100. */
  g_assert_cmphex (pixel_at (s, 15, 11), ==, viridis_at (0.985));
  g_assert_cmphex (pixel_at (s, 15, 108), ==, viridis_at (0.015));
  g_assert_cmphex (pixel_at (s, 15, 60), ==, viridis_at (0.495));
  /* The outline: white at half strength over the bar's left column. */
  edge = pixel_at (s, 10, 60);
  inside = viridis_at (0.495);
  for (int shift = 0; shift < 24; shift += 8)
    g_assert_cmpint (
        abs ((int)((edge >> shift) & 0xff) - (int)(((inside >> shift) & 0xff) + 255) / 2), <=, 1);
  /* Linear ticks at 1, ½ and 0: y 0.5, 50 and 99.5 of the bar; a tick mark
   * right of the bar at ½, none at 0.3 or at the log scale's 0.01. */
  g_assert_true (any_ink (s, 22, 59, 26, 61));
  g_assert_false (any_ink (s, 22, 30, 60, 45));
  g_assert_false (any_ink (s, 22, 94, 26, 96));
  /* Log ticks: 0.01 lands at log 1.99 / log 100 = 0.149 of the way up,
   * y = 85.1, and 0.1 at log 10.9 / log 100 = 0.519, y = 48.1. */
  g_assert_true (any_ink (log_scale, 22, 94, 26, 96));
  g_assert_true (any_ink (log_scale, 22, 57, 26, 59));
  g_assert_false (any_ink (log_scale, 22, 59, 26, 61));
  /* Values beside the ticks, nothing left of the bar. */
  g_assert_true (any_ink (s, 28, 50, 60, 66));
  g_assert_false (any_ink (s, 0, 0, 10, 130));
  cairo_surface_destroy (s);
  cairo_surface_destroy (log_scale);
}

/* A 128-step horizontal legend at (16, 4): the bottom weight before the bar,
 * the top one after it. */
static void
test_legend_horizontal (void)
{
  AttentionLegendStyle style = { .length = 128, .thickness = 10, .font_size = 11 };
  cairo_surface_t *s = draw_legend (&style, 160, 18, 16, 4);

  /* Left to right, bottom to top, no outline: step i at (i + ½) / 128. */
  g_assert_cmphex (pixel_at (s, 16, 4), ==, viridis_at (0.5 / 128));
  g_assert_cmphex (pixel_at (s, 16 + 64, 9), ==, viridis_at (64.5 / 128));
  g_assert_cmphex (pixel_at (s, 16 + 127, 13), ==, viridis_at (127.5 / 128));
  /* Nothing above or below the bar; "0" before it and "1" after it. */
  g_assert_false (any_ink (s, 16, 0, 144, 4));
  g_assert_false (any_ink (s, 16, 14, 144, 18));
  g_assert_true (any_ink (s, 0, 0, 16, 18));
  g_assert_true (any_ink (s, 144, 0, 160, 18));
  cairo_surface_destroy (s);
}

/* The difference map: ColorBrewer's RdBu (9 classes) as published, blue
 * for negative, its neutral middle for 0, red for positive. */
static void
test_diverging (void)
{
  static const struct
  {
    double t;
    guint32 rgb;
  } expect[] = {
    { -1, 0x2166ac },
    { -0.75, 0x4393c3 },
    { 0, 0xf7f7f7 },
    { 0.5, 0xf4a582 },
    { 1, 0xb2182b },
    { -7, 0x2166ac },
    { 7, 0xb2182b },
    { NAN, 0xf7f7f7 },
    /* Halfway between f7f7f7 and fddbc7: (247+253)/2, (247+219)/2, (247+199)/2. */
    { 0.125, 0xfae9df },
  };
  const float v[] = { 0.1f, -0.7f, NAN, 0.3f, -INFINITY };

  for (guint k = 0; k < G_N_ELEMENTS (expect); k++)
    {
      guint8 rgb[3];

      attention_colormap_diverging_rgb (expect[k].t, rgb);
      g_assert_cmphex (((guint32)rgb[0] << 16) | ((guint32)rgb[1] << 8) | rgb[2], ==,
                       expect[k].rgb);
    }
  /* A difference d of range r sits at d / r; no range, no colour. */
  g_assert_cmphex (attention_colormap_diverging_pixel (-0.15f, 0.2f), ==, 0xff4393c3);
  g_assert_cmphex (attention_colormap_diverging_pixel (0.4f, 0), ==, 0xfff7f7f7);
  g_assert_cmpfloat (attention_colormap_max_abs (v, G_N_ELEMENTS (v)), ==, 0.7f);
}

/* A matrix of differences drawn with `diverging` set: signed colours, the
 * colour map and scale ignored, on the image and the vector paths alike. */
static void
test_render_difference (void)
{
  const float m[] = { 0.3f, -0.3f, 0.0f, 0.15f };
  AttentionRenderStyle style = { 0 };
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 20, 20);
  cairo_t *cr = cairo_create (s);

  style.cell = 10;
  style.highlight_row = style.highlight_col = style.pinned = -1;
  style.colormap = ATTENTION_COLORMAP_VIRIDIS;
  style.scale = ATTENTION_SCALE_LOG;
  style.diverging = 0.3f;
  for (int vector = 0; vector < 2; vector++)
    {
      style.vector_cells = vector;
      attention_render_matrix (cr, &style, m, 2, NULL);
      g_assert_cmphex (pixel_at (s, 5, 5), ==, 0xb2182b);
      g_assert_cmphex (pixel_at (s, 15, 5), ==, 0x2166ac);
      g_assert_cmphex (pixel_at (s, 5, 15), ==, 0xf7f7f7);
      g_assert_cmphex (pixel_at (s, 15, 15), ==, 0xf4a582);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

/* A legend of differences: +range on top, −range at the bottom, the
 * neutral colour in the middle, a tick at 0 (y 50) as well as the ends. */
static void
test_legend_diverging (void)
{
  AttentionLegendStyle style = {
    .vertical = TRUE,
    .length = 100,
    .thickness = 12,
    .font_size = 10,
    .diverging = 0.4f,
  };
  cairo_surface_t *s = draw_legend (&style, 200, 130, 10, 10);
  guint8 top[3], bottom[3];

  attention_colormap_diverging_rgb (2 * 0.985 - 1, top);
  attention_colormap_diverging_rgb (2 * 0.015 - 1, bottom);
  g_assert_cmphex (pixel_at (s, 15, 11), ==, (top[0] << 16) | (top[1] << 8) | top[2]);
  g_assert_cmphex (pixel_at (s, 15, 108), ==, (bottom[0] << 16) | (bottom[1] << 8) | bottom[2]);
  /* Red above the middle, blue below it. */
  g_assert_cmpuint (pixel_at (s, 15, 20) >> 16, >, pixel_at (s, 15, 20) & 0xff);
  g_assert_cmpuint (pixel_at (s, 15, 100) >> 16, <, pixel_at (s, 15, 100) & 0xff);
  g_assert_true (any_ink (s, 22, 59, 26, 61));
  /* The top value ("+0.4") beside the bar. */
  g_assert_true (any_ink (s, 28, 8, 60, 24));
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

/* Ink runs along x in the grid's column-label band: one per label drawn. */
static GArray *
label_runs (cairo_surface_t *s, int x0, int x1, int y1)
{
  GArray *runs = g_array_new (FALSE, FALSE, sizeof (int) * 2);
  int start = -1, last = -100;

  for (int x = x0; x <= x1; x++)
    {
      gboolean ink = x < x1 && any_ink (s, x, 0, x + 1, y1);

      /* Letters and words of one label ("Head 1") are at most a space
       * apart. */
      if (ink && start >= 0 && x - last > 9)
        {
          int run[2] = { start, last + 1 };

          g_array_append_val (runs, run);
          start = -1;
        }
      if (ink && start < 0)
        start = x;
      if (ink)
        last = x;
    }
  if (start >= 0)
    {
      int run[2] = { start, last + 1 };

      g_array_append_val (runs, run);
    }
  return runs;
}

static GArray *
draw_grid_labels (guint n_heads, double thumb)
{
  AttentionGridStyle style;
  cairo_surface_t *s;
  cairo_t *cr;
  double width, height;
  GArray *runs;

  attention_grid_style_init (&style);
  style.thumb = thumb;
  style.gap = 4;
  attention_grid_get_size (&style, 1, n_heads, &width, &height);
  s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int)width, (int)height);
  cr = cairo_create (s);
  attention_grid_draw (cr, &style, NULL, 1, n_heads, 0);
  cairo_destroy (cr);
  /* The band above the thumbnails (3 × the label size, 36), right of the
   * row labels. */
  runs = label_runs (s, 36, (int)width, 34);
  cairo_surface_destroy (s);
  return runs;
}

/* 16 heads in narrow columns: labels never run together ("H10H11H12"),
 * every other one is left out instead; wide columns spell "Head 3". */
static void
test_grid_column_labels (void)
{
  GArray *narrow = draw_grid_labels (16, 20);
  GArray *wide = draw_grid_labels (4, 64);

  g_assert_cmpuint (narrow->len, >=, 4);
  for (guint i = 0; i < narrow->len; i++)
    {
      int *run = &g_array_index (narrow, int, 2 * i);

      /* One short label ("H16" is about 24 px at 12 px), not several. */
      g_assert_cmpint (run[1] - run[0], <, 36);
      if (i > 0)
        g_assert_cmpint (run[0] - (&g_array_index (narrow, int, 2 * (i - 1)))[1], >=, 10);
    }
  g_assert_cmpuint (wide->len, ==, 4);
  /* "Head 1" is far wider than "H1" (about 14 px). */
  g_assert_cmpint (g_array_index (wide, int, 1) - g_array_index (wide, int, 0), >, 28);
  g_array_unref (narrow);
  g_array_unref (wide);
}

/* The label the grid draws over column h, in its font. */
static char *
grid_column_label (guint n_heads, double thumb, guint h)
{
  AttentionGridStyle style;
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, 1);
  cairo_t *cr = cairo_create (s);
  char *label;

  attention_grid_style_init (&style);
  style.thumb = thumb;
  style.gap = 4;
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, style.label_size);
  label = attention_grid_column_label (cr, &style, n_heads, h);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
  return label;
}

/* In Spanish (the build tree's catalog), a column too narrow for "Cabeza
 * 12" reads "Cab. 12": a head, not the "Cb12" no reader could guess, nor
 * "C12", which is a layer ("Capa"). */
static void
test_grid_column_labels_es (void)
{
  g_autofree char *dir = g_build_filename (BUILD_ROOT, "po", NULL);
  g_autofree char *narrow = NULL;
  g_autofree char *wide = NULL;

  g_setenv ("LANGUAGE", "es", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  bindtextdomain (GETTEXT_PACKAGE, dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  narrow = grid_column_label (16, 20, 11);
  wide = grid_column_label (4, 64, 2);
  g_setenv ("LANGUAGE", "", TRUE);
  g_assert_cmpstr (wide, ==, "Cabeza 3");
  g_assert_cmpstr (narrow, ==, "Cab. 12");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/colormap/gray-is-original", test_gray_is_original);
  g_test_add_func ("/colormap/viridis", test_viridis);
  g_test_add_func ("/colormap/scales", test_scales);
  g_test_add_func ("/colormap/render", test_render_colormap);
  g_test_add_func ("/colormap/legend-vertical", test_legend_vertical);
  g_test_add_func ("/colormap/legend-horizontal", test_legend_horizontal);
  g_test_add_func ("/colormap/diverging", test_diverging);
  g_test_add_func ("/colormap/render-difference", test_render_difference);
  g_test_add_func ("/colormap/legend-diverging", test_legend_diverging);
  g_test_add_func ("/colormap/grid-column-labels", test_grid_column_labels);
  g_test_add_func ("/colormap/grid-column-labels-es", test_grid_column_labels_es);
  g_test_add_func ("/colormap/grid", test_grid_sort_and_hit);
  return g_test_run ();
}
