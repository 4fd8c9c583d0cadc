/* test-lines-render.c: pixels and hit-testing of the lines picture
 * (attention-lines-render) on hand-made 3-token matrices */

#include <math.h>
#include <string.h>

#include "attention-combine.h"
#include "attention-lines-render.h"

/* A known geometry: columns 100 wide, lines over 300, rows 40 tall under a
 * 40 high header, so query/key row i meets its lines at y = 60 + 40 i, the
 * left column at x = 100 and the right one at x = 400. */
/* Every picture test runs twice: lines as Cairo strokes (SVG, PDF) and
 * rasterised (the view, PNG); the rules are the same. */
static double raster_scale;

static void
style_init (AttentionLinesStyle *style)
{
  attention_lines_style_init_export (style);
  style->raster_scale = raster_scale;
  style->label_width = 100;
  style->gap = 300;
  style->header = 40;
  style->row_height = 40;
  style->line_width = 4;
  style->font_size = 10;
  style->threshold = 0.1f;
}

/* q0 → k0 1.0; q1 → k1 0.5 and → k2 0.5; q2 → k0 0.05 (under 0.1), → k1
 * 0.25, → k2 0.7. */
static const float matrix[9] = { 1.0f, 0, 0, 0, 0.5f, 0.5f, 0.05f, 0.25f, 0.7f };

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

static void
assert_grey_near (cairo_surface_t *s, int x, int y, float weight)
{
  int expected = (int)lrint (255.0 * weight);
  int got = (int)grey_of (s, x, y);

  if (ABS (got - expected) > 1)
    g_error ("pixel (%d, %d): grey %d, expected %d (weight %.2f)", x, y, got, expected, weight);
}

static cairo_surface_t *
draw (const AttentionLinesStyle *style,
      const float *const *matrices,
      const guint *heads,
      guint n_matrices,
      guint n_heads,
      const char *const *labels)
{
  double w, h;
  cairo_surface_t *surface;
  cairo_t *cr;

  attention_lines_get_size (style, 3, &w, &h);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int)w, (int)h);
  cr = cairo_create (surface);
  attention_lines_draw (cr, style, matrices, heads, n_matrices, n_heads, 3, labels);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static cairo_surface_t *
draw_one (const AttentionLinesStyle *style, const char *const *labels)
{
  const float *m[] = { matrix };

  return draw (style, m, NULL, 1, 1, labels);
}

static void
test_size (void)
{
  AttentionLinesStyle style;
  double w, h;

  style_init (&style);
  attention_lines_get_size (&style, 3, &w, &h);
  g_assert_cmpfloat (w, ==, 500);
  g_assert_cmpfloat (h, ==, 160);
  style.caption = "Layer 1, Head 1\nThe cat sat.";
  attention_lines_get_size (&style, 3, &w, &h);
  g_assert_cmpfloat (h, >, 160 + 2 * style.caption_size);
}

static void
test_opacity (void)
{
  AttentionLinesStyle style;
  cairo_surface_t *s;

  style_init (&style);
  s = draw_one (&style, NULL);
  /* Horizontal lines, halfway across: as light as the matrix cell would be. */
  assert_grey_near (s, 250, 60, 1.0f);
  assert_grey_near (s, 250, 100, 0.5f);
  assert_grey_near (s, 250, 140, 0.7f);
  /* The crossing pair a quarter of the way across: q1 → k2 runs through
   * (175, 110), q2 → k1 through (175, 130). */
  assert_grey_near (s, 175, 110, 0.5f);
  assert_grey_near (s, 175, 130, 0.25f);
  /* Where no line runs, and outside the gap (no labels here), black. */
  g_assert_cmpuint (grey_of (s, 250, 80), ==, 0);
  g_assert_cmpuint (grey_of (s, 50, 60), ==, 0);
  g_assert_cmpuint (grey_of (s, 450, 140), ==, 0);
  /* Lines start and end at the columns' edges. */
  assert_grey_near (s, 101, 60, 1.0f);
  assert_grey_near (s, 398, 60, 1.0f);
  cairo_surface_destroy (s);
}

static void
test_threshold (void)
{
  AttentionLinesStyle style;
  cairo_surface_t *s;

  /* q2 → k0 (0.05) runs through (175, 120): hidden at 0.1 ... */
  style_init (&style);
  s = draw_one (&style, NULL);
  g_assert_cmpuint (grey_of (s, 175, 120), ==, 0);
  cairo_surface_destroy (s);

  /* ... shown, faint, at 0.01 ... */
  style.threshold = 0.01f;
  s = draw_one (&style, NULL);
  assert_grey_near (s, 175, 120, 0.05f);
  cairo_surface_destroy (s);

  /* ... and at 0.6 only the 1.0 and 0.7 lines are left. */
  style.threshold = 0.6f;
  s = draw_one (&style, NULL);
  assert_grey_near (s, 250, 60, 1.0f);
  assert_grey_near (s, 250, 140, 0.7f);
  g_assert_cmpuint (grey_of (s, 250, 100), ==, 0);
  g_assert_cmpuint (grey_of (s, 175, 110), ==, 0);
  cairo_surface_destroy (s);
}

static void
test_viridis (void)
{
  AttentionLinesStyle style;
  cairo_surface_t *s;
  guint8 rgb[3];
  guint32 p;

  style_init (&style);
  style.colormap = ATTENTION_COLORMAP_VIRIDIS;
  s = draw_one (&style, NULL);
  /* A line is the colour map's colour of its weight. */
  attention_colormap_rgb (ATTENTION_COLORMAP_VIRIDIS, 128 / 255.0, rgb);
  p = pixel (s, 250, 100);
  g_assert_cmpint (ABS ((int)((p >> 16) & 0xff) - rgb[0]), <=, 1);
  g_assert_cmpint (ABS ((int)((p >> 8) & 0xff) - rgb[1]), <=, 1);
  g_assert_cmpint (ABS ((int)(p & 0xff) - rgb[2]), <=, 1);
  cairo_surface_destroy (s);
}

static void
test_overlay_colours (void)
{
  /* Head 0 draws q0 → k0 at 1.0, head 1 q2 → k2 at 1.0 and q1 → k1 at 0.5. */
  const float a[9] = { 1.0f, 0, 0, 0, 0, 0, 0, 0, 0 };
  const float b[9] = { 0, 0, 0, 0, 0.5f, 0, 0, 0, 1.0f };
  const float *m[] = { a, b };
  const guint heads[] = { 0, 1 };
  AttentionLinesStyle style;
  cairo_surface_t *s;
  double c0[3], c1[3];
  guint32 p;

  style_init (&style);
  s = draw (&style, m, heads, 2, 2, NULL);
  attention_lines_head_rgb (0, 2, c0);
  attention_lines_head_rgb (1, 2, c1);
  /* The two heads' colours differ visibly. */
  g_assert_cmpfloat (fabs (c0[0] - c1[0]) + fabs (c0[1] - c1[1]) + fabs (c0[2] - c1[2]), >, 0.5);

  p = pixel (s, 250, 60);
  g_assert_cmpint (ABS ((int)((p >> 16) & 0xff) - (int)lrint (255 * c0[0])), <=, 1);
  g_assert_cmpint (ABS ((int)((p >> 8) & 0xff) - (int)lrint (255 * c0[1])), <=, 1);
  g_assert_cmpint (ABS ((int)(p & 0xff) - (int)lrint (255 * c0[2])), <=, 1);
  p = pixel (s, 250, 140);
  g_assert_cmpint (ABS ((int)((p >> 16) & 0xff) - (int)lrint (255 * c1[0])), <=, 1);
  g_assert_cmpint (ABS ((int)((p >> 8) & 0xff) - (int)lrint (255 * c1[1])), <=, 1);
  g_assert_cmpint (ABS ((int)(p & 0xff) - (int)lrint (255 * c1[2])), <=, 1);
  /* Opacity 0.25 + 0.75 w: 0.625 of head 1's colour over black at 0.5. */
  p = pixel (s, 250, 100);
  g_assert_cmpint (ABS ((int)((p >> 16) & 0xff) - (int)lrint (0.625 * 255 * c1[0])), <=, 2);
  g_assert_cmpint (ABS ((int)((p >> 8) & 0xff) - (int)lrint (0.625 * 255 * c1[1])), <=, 2);
  g_assert_cmpint (ABS ((int)(p & 0xff) - (int)lrint (0.625 * 255 * c1[2])), <=, 2);
  cairo_surface_destroy (s);

  /* A weak line just above the threshold (0.12) stays visible: 0.34 of the
   * colour, not 0.12. */
  {
    const float weak[9] = { 0.12f, 0, 0, 0, 0, 0, 0, 0, 0 };
    const float *w[] = { weak, b };

    s = draw (&style, w, heads, 2, 2, NULL);
    p = pixel (s, 250, 60);
    g_assert_cmpint (ABS ((int)((p >> 16) & 0xff) - (int)lrint (0.34 * 255 * c0[0])), <=, 2);
    g_assert_cmpint (ABS ((int)((p >> 8) & 0xff) - (int)lrint (0.34 * 255 * c0[1])), <=, 2);
    g_assert_cmpint (ABS ((int)(p & 0xff) - (int)lrint (0.34 * 255 * c0[2])), <=, 2);
    cairo_surface_destroy (s);
  }
}

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
test_focus (void)
{
  AttentionLinesStyle style;
  cairo_surface_t *s;

  /* Query 1 focused: its two lines alone, each with its weight written at
   * the key end. */
  style_init (&style);
  style.focus_side = ATTENTION_LINES_QUERY;
  style.focus = 1;
  s = draw_one (&style, NULL);
  g_assert_cmpuint (grey_of (s, 250, 60), ==, 0);
  g_assert_cmpuint (grey_of (s, 250, 140), ==, 0);
  g_assert_cmpuint (grey_of (s, 175, 130), ==, 0);
  assert_grey_near (s, 250, 100, 0.5f);
  assert_grey_near (s, 175, 110, 0.5f);
  /* "0.50" near the right end of rows 1 and 2, nothing at row 0's. */
  g_assert_cmpuint (bright_pixels (s, 340, 92, 400, 108), >, 10);
  g_assert_cmpuint (bright_pixels (s, 340, 132, 400, 148), >, 10);
  g_assert_cmpuint (bright_pixels (s, 340, 52, 400, 68), ==, 0);
  cairo_surface_destroy (s);

  /* Key 1 focused: the lines into it (q1 0.5, q2 0.25), labels at the left. */
  style.focus_side = ATTENTION_LINES_KEY;
  style.focus = 1;
  s = draw_one (&style, NULL);
  g_assert_cmpuint (grey_of (s, 250, 60), ==, 0);
  assert_grey_near (s, 250, 100, 0.5f);
  assert_grey_near (s, 175, 130, 0.25f);
  g_assert_cmpuint (grey_of (s, 175, 110), ==, 0);
  g_assert_cmpuint (bright_pixels (s, 100, 92, 160, 108), >, 10);
  g_assert_cmpuint (bright_pixels (s, 100, 132, 160, 148), >, 10);
  cairo_surface_destroy (s);
}

/* Queries 0 and 2 pinned together: one line from their midpoint (row 1's
 * centre, y = 100) to each key, of their weights combined. By hand, from
 * the matrix above: mean → k0 (1.0 + 0.05) / 2 = 0.525, → k1 (0 + 0.25) / 2
 * = 0.125, → k2 (0 + 0.7) / 2 = 0.35; sum → k0 1.05 (drawn as 1), k1 0.25,
 * k2 0.7. */
static void
test_group (void)
{
  const guint group[] = { 0, 2 };
  AttentionLinesStyle style;
  cairo_surface_t *s;

  style_init (&style);
  style.focus_side = ATTENTION_LINES_QUERY;
  style.group = group;
  style.n_group = 2;
  style.group_combine = ATTENTION_COMBINE_MEAN;
  s = draw_one (&style, NULL);
  /* Halfway across: k0's line at y = 80, k1's at 100, k2's at 120. */
  assert_grey_near (s, 250, 80, 0.525f);
  assert_grey_near (s, 250, 100, 0.125f);
  assert_grey_near (s, 250, 120, 0.35f);
  /* No line of a single query: q0 → k0 would run at y = 60. */
  g_assert_cmpuint (grey_of (s, 250, 60), ==, 0);
  /* The weights at the key end of each row. */
  g_assert_cmpuint (bright_pixels (s, 340, 52, 400, 68), >, 10);
  g_assert_cmpuint (bright_pixels (s, 340, 132, 400, 148), >, 10);
  cairo_surface_destroy (s);

  style.group_combine = ATTENTION_COMBINE_SUM;
  s = draw_one (&style, NULL);
  assert_grey_near (s, 250, 80, 1.0f);
  assert_grey_near (s, 250, 100, 0.25f);
  assert_grey_near (s, 250, 120, 0.7f);
  cairo_surface_destroy (s);
}

static void
test_labels_and_sticky_header (void)
{
  const char *labels[] = { "the", "cat", "sat", NULL };
  AttentionLinesStyle style;
  cairo_surface_t *s, *scrolled;

  style_init (&style);
  style.font_size = 16;
  s = draw_one (&style, labels);
  /* Query labels right-aligned against the gap, keys left-aligned after it,
   * in their rows; titles in the header. */
  g_assert_cmpuint (bright_pixels (s, 50, 45, 100, 75), >, 10);
  g_assert_cmpuint (bright_pixels (s, 400, 125, 450, 155), >, 10);
  g_assert_cmpuint (bright_pixels (s, 0, 45, 20, 155), ==, 0);
  g_assert_cmpuint (bright_pixels (s, 0, 0, 100, 38), >, 10);
  g_assert_cmpuint (bright_pixels (s, 400, 0, 500, 38), >, 10);

  /* Scrolled down a row: the header is pixel for pixel the same (sticky),
   * and the rows moved up by 40. */
  style.scroll = 40;
  scrolled = draw_one (&style, labels);
  for (int y = 0; y < 40; y++)
    for (int x = 0; x < 500; x++)
      g_assert_cmpuint (pixel (scrolled, x, y), ==, pixel (s, x, y));
  for (int y = 40; y < 120; y++)
    for (int x = 0; x < 100; x++)
      g_assert_cmpuint (pixel (scrolled, x, y), ==, pixel (s, x, y + 40));
  assert_grey_near (scrolled, 250, 60, 0.5f);
  cairo_surface_destroy (scrolled);
  cairo_surface_destroy (s);
}

static void
test_hit (void)
{
  AttentionLinesStyle style;
  AttentionLinesSide side = ATTENTION_LINES_NONE;
  guint index = 99;

  style_init (&style);
  g_assert_true (attention_lines_hit (&style, 3, 50, 60, &side, &index));
  g_assert_cmpint (side, ==, ATTENTION_LINES_QUERY);
  g_assert_cmpuint (index, ==, 0);
  g_assert_true (attention_lines_hit (&style, 3, 450, 159, &side, &index));
  g_assert_cmpint (side, ==, ATTENTION_LINES_KEY);
  g_assert_cmpuint (index, ==, 2);
  /* Over the lines, the header, below the last row, outside: nothing. */
  g_assert_false (attention_lines_hit (&style, 3, 250, 60, &side, &index));
  g_assert_false (attention_lines_hit (&style, 3, 50, 20, &side, &index));
  g_assert_false (attention_lines_hit (&style, 3, 50, 161, &side, &index));
  g_assert_false (attention_lines_hit (&style, 3, 501, 60, &side, &index));
  g_assert_false (attention_lines_hit (&style, 3, -1, 60, &side, &index));
  /* Scrolled by a row, the first row under the header is token 1; the
   * header still hides what scrolled under it. */
  style.scroll = 40;
  g_assert_true (attention_lines_hit (&style, 3, 50, 60, &side, &index));
  g_assert_cmpuint (index, ==, 1);
  g_assert_false (attention_lines_hit (&style, 3, 50, 30, &side, &index));
}

static void
test_measure (void)
{
  const char *short_labels[] = { "a", "b", NULL };
  const char *long_labels[] = { "a", "supercalifragilisticexpialidocious", NULL };
  AttentionLinesStyle style;
  double narrow, wide;

  style_init (&style);
  narrow = attention_lines_measure_labels (&style, short_labels, 2, 1000);
  wide = attention_lines_measure_labels (&style, long_labels, 2, 1000);
  g_assert_cmpfloat (narrow, >, 0);
  g_assert_cmpfloat (wide, >, narrow + 50);
  g_assert_cmpfloat (attention_lines_measure_labels (&style, long_labels, 2, 80), ==, 80);
}

/* The arithmetic, by hand on the matrix above. */
static void
test_combine (void)
{
  const guint queries[] = { 0, 2, 7 }; /* 7: past the tokens, ignored */
  const guint keys[] = { 1, 2 };
  float out[3];

  attention_combine_tokens (matrix, 3, queries, 3, FALSE, ATTENTION_COMBINE_SUM, out);
  g_assert_cmpfloat_with_epsilon (out[0], 1.05f, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[1], 0.25f, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[2], 0.7f, 1e-6);
  attention_combine_tokens (matrix, 3, queries, 3, FALSE, ATTENTION_COMBINE_MEAN, out);
  g_assert_cmpfloat_with_epsilon (out[0], 0.525f, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[1], 0.125f, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[2], 0.35f, 1e-6);
  /* Keys 1 and 2 pinned: what each query gives them together. */
  attention_combine_tokens (matrix, 3, keys, 2, TRUE, ATTENTION_COMBINE_SUM, out);
  g_assert_cmpfloat_with_epsilon (out[0], 0.0f, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[1], 1.0f, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[2], 0.95f, 1e-6);
  attention_combine_tokens (matrix, 3, keys, 2, TRUE, ATTENTION_COMBINE_MEAN, out);
  g_assert_cmpfloat_with_epsilon (out[1], 0.5f, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[2], 0.475f, 1e-6);
}

/* Tokens 0, 1 in sentence A, 2 in B: A → B keeps q0 → k2 (0) and q1 → k2
 * (0.5) only; B → either keeps row 2 only. */
static void
test_filter_pair (void)
{
  const gint64 types[] = { 0, 0, 1 };
  float out[9];

  attention_filter_pair (matrix, 3, types, 0, 1, out);
  for (guint k = 0; k < 9; k++)
    g_assert_cmpfloat (out[k], ==, k == 5 ? 0.5f : 0.0f);
  attention_filter_pair (matrix, 3, types, 1, -1, out);
  for (guint k = 0; k < 9; k++)
    g_assert_cmpfloat (out[k], ==, k >= 6 ? matrix[k] : 0.0f);
  attention_filter_pair (matrix, 3, types, -1, -1, out);
  g_assert_cmpmem (out, sizeof out, matrix, sizeof matrix);
}

static const struct
{
  const char *name;
  void (*func) (void);
} pictures[] = {
  { "opacity", test_opacity }, { "threshold", test_threshold },
  { "viridis", test_viridis }, { "overlay-colours", test_overlay_colours },
  { "focus", test_focus },     { "labels-and-sticky-header", test_labels_and_sticky_header },
  { "group", test_group },
};

/* data: picture index × 2 + 1 when rasterised. */
static void
run_picture_test (gconstpointer data)
{
  guint k = GPOINTER_TO_UINT (data);

  raster_scale = k % 2;
  pictures[k / 2].func ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lines/size", test_size);
  g_test_add_func ("/lines/hit", test_hit);
  g_test_add_func ("/lines/measure", test_measure);
  g_test_add_func ("/lines/combine", test_combine);
  g_test_add_func ("/lines/filter-pair", test_filter_pair);
  for (guint i = 0; i < G_N_ELEMENTS (pictures); i++)
    for (guint raster = 0; raster < 2; raster++)
      {
        g_autofree char *path =
            g_strdup_printf ("/lines/%s/%s", raster ? "raster" : "stroke", pictures[i].name);

        g_test_add_data_func (path, GUINT_TO_POINTER (i * 2 + raster), run_picture_test);
      }
  return g_test_run ();
}
