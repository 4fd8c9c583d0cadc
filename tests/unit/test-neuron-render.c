/* test-neuron-render.c: the neuron view's numbers, pixels and hit-testing
 * (attention-neuron-render) on a hand-made 3-token head of size 4 */

#include <math.h>
#include <string.h>

#include "attention-neuron-render.h"

/* q_0 = (1, -2, 0, 0.5); keys k_0 = (1, 1, 1, 1), k_1 = (0, -1, 0, 2),
 * k_2 = (-1, 0, 3, 0). By hand: q_0·k = -0.5, 3, -1; /√4 = -0.25, 1.5,
 * -0.5; softmax = e^s / Σ e^s with Σ = e^-0.25 + e^1.5 + e^-0.5
 * = 0.778801 + 4.481689 + 0.606531 = 5.867021, so 0.132742, 0.763878,
 * 0.103380. */
static const float queries[12] = { 1, -2, 0, 0.5f, 9, 9, 9, 9, -9, -9, -9, -9 };
static const float keys[12] = { 1, 1, 1, 1, 0, -1, 0, 2, -1, 0, 3, 0 };
static const char *const labels[3] = { "[CLS]", "cat", "[SEP]" };

static void
data_init (AttentionNeuronData *data, guint query)
{
  memset (data, 0, sizeof *data);
  data->n = 3;
  data->d = 4;
  data->query = query;
  data->queries = queries;
  data->keys = keys;
  data->labels = labels;
}

static void
test_values (void)
{
  AttentionNeuronData data;
  AttentionNeuronValues values;
  const float scores[3] = { -0.25f, 1.5f, -0.5f };
  const float softmax[3] = { 0.132742f, 0.763878f, 0.103380f };
  const float products[12] = { 1, -2, 0, 0.5f, 0, 2, 0, 1, -1, 0, 0, 0 };

  data_init (&data, 0);
  g_assert_true (attention_neuron_values_init (&values, &data));
  for (guint j = 0; j < 3; j++)
    {
      g_assert_cmpfloat_with_epsilon (values.scores[j], scores[j], 1e-6);
      g_assert_cmpfloat_with_epsilon (values.softmax[j], softmax[j], 1e-6);
    }
  for (guint e = 0; e < 12; e++)
    g_assert_cmpfloat_with_epsilon (values.products[e], products[e], 1e-6);
  /* The strips' scale: the largest |entry| of q_0 and the keys (k_2's 3),
   * not of the other queries (9). */
  g_assert_cmpfloat (values.vmax_qk, ==, 3);
  g_assert_cmpfloat (values.vmax_product, ==, 2);
  g_assert_cmpfloat (values.vmax_score, ==, 1.5f);
  attention_neuron_values_clear (&values);

  /* Scores that would overflow exp () directly still give a softmax. */
  {
    const float big_q[2] = { 1000, 0 };
    const float big_k[4] = { 1000, 0, 999, 0 };
    AttentionNeuronData big = { 2, 2, 0, big_q, big_k, labels };

    g_assert_true (attention_neuron_values_init (&values, &big));
    /* s = 1e6/√2 and 999e3/√2: the difference is 1000/√2 ≈ 707, so the first
     * takes everything. */
    g_assert_cmpfloat_with_epsilon (values.softmax[0], 1.0, 1e-6);
    g_assert_cmpfloat_with_epsilon (values.softmax[1], 0.0, 1e-6);
    attention_neuron_values_clear (&values);
  }

  /* A query past the tokens is refused, not read. */
  data.query = 3;
  g_assert_false (attention_neuron_values_init (&values, &data));
  g_assert_null (values.scores);
}

static void
test_diverging (void)
{
  double rgb[3];

  attention_neuron_diverging_rgb (0, 1, rgb);
  g_assert_cmpfloat (rgb[0], ==, 1);
  g_assert_cmpfloat (rgb[1], ==, 1);
  g_assert_cmpfloat (rgb[2], ==, 1);
  /* Positive is red, negative blue; past vmax the ends. */
  attention_neuron_diverging_rgb (2, 1, rgb);
  g_assert_cmpfloat_with_epsilon (rgb[0], 0.698, 1e-9);
  g_assert_cmpfloat_with_epsilon (rgb[2], 0.169, 1e-9);
  attention_neuron_diverging_rgb (-1, 1, rgb);
  g_assert_cmpfloat_with_epsilon (rgb[0], 0.129, 1e-9);
  g_assert_cmpfloat_with_epsilon (rgb[2], 0.675, 1e-9);
  /* Half way: half way from white to the end. */
  attention_neuron_diverging_rgb (0.5f, 1, rgb);
  g_assert_cmpfloat_with_epsilon (rgb[0], (1 + 0.698) / 2, 1e-9);
  g_assert_cmpfloat_with_epsilon (rgb[1], (1 + 0.094) / 2, 1e-9);
  /* NaN is drawn as 0, not as garbage. */
  attention_neuron_diverging_rgb (NAN, 1, rgb);
  g_assert_cmpfloat (rgb[1], ==, 1);
}

/* A known geometry: labels 100 wide, cells 10 wide (strips 40), numbers 50,
 * gaps 10, header 30, rows 20: columns start at key 110, product 160,
 * score 210, softmax 270, key label 330; the q band is y 30..60 (its strip
 * 32..48) and row j spans y 60 + 20 j .. 80 + 20 j, its cells 2..18 in. */
static void
style_init (AttentionNeuronStyle *style)
{
  attention_neuron_style_init_export (style);
  style->label_width = 100;
  style->cell_width = 10;
  style->number_width = 50;
  style->gap = 10;
  style->header = 30;
  style->row_height = 20;
  style->font_size = 8;
}

static void
test_geometry (void)
{
  AttentionNeuronStyle style;
  double w, h;
  guint row, dim;

  style_init (&style);
  attention_neuron_get_size (&style, 3, 4, &w, &h);
  g_assert_cmpfloat (w, ==, 430);
  g_assert_cmpfloat (h, ==, 30 + 30 + 60);
  g_assert_cmpfloat (attention_neuron_get_sticky_height (&style), ==, 60);

  g_assert_cmpint (attention_neuron_hit (&style, 3, 4, 1, 135, 40, &row, &dim), ==,
                   ATTENTION_NEURON_QUERY);
  g_assert_cmpuint (row, ==, 1);
  g_assert_cmpuint (dim, ==, 2);
  /* Between the q band's strip and the rows: nothing. */
  g_assert_cmpint (attention_neuron_hit (&style, 3, 4, 1, 135, 55, &row, &dim), ==,
                   ATTENTION_NEURON_NONE);
  g_assert_cmpint (attention_neuron_hit (&style, 3, 4, 0, 50, 90, &row, &dim), ==,
                   ATTENTION_NEURON_QUERY_TOKEN);
  g_assert_cmpuint (row, ==, 1);
  g_assert_cmpint (attention_neuron_hit (&style, 3, 4, 0, 119, 110, &row, &dim), ==,
                   ATTENTION_NEURON_KEY);
  g_assert_cmpuint (row, ==, 2);
  g_assert_cmpuint (dim, ==, 0);
  g_assert_cmpint (attention_neuron_hit (&style, 3, 4, 0, 199, 70, &row, &dim), ==,
                   ATTENTION_NEURON_PRODUCT);
  g_assert_cmpuint (row, ==, 0);
  g_assert_cmpuint (dim, ==, 3);
  g_assert_cmpint (attention_neuron_hit (&style, 3, 4, 0, 230, 70, &row, &dim), ==,
                   ATTENTION_NEURON_SCORE);
  g_assert_cmpint (attention_neuron_hit (&style, 3, 4, 0, 300, 70, &row, &dim), ==,
                   ATTENTION_NEURON_SOFTMAX);
  g_assert_cmpint (attention_neuron_hit (&style, 3, 4, 0, 400, 70, &row, &dim), ==,
                   ATTENTION_NEURON_KEY_TOKEN);
  /* The gaps, the header, below the last row: nothing. */
  g_assert_cmpint (attention_neuron_hit (&style, 3, 4, 0, 155, 70, &row, &dim), ==,
                   ATTENTION_NEURON_NONE);
  g_assert_cmpint (attention_neuron_hit (&style, 3, 4, 0, 135, 10, &row, &dim), ==,
                   ATTENTION_NEURON_NONE);
  g_assert_cmpint (attention_neuron_hit (&style, 3, 4, 0, 135, 121, &row, &dim), ==,
                   ATTENTION_NEURON_NONE);
  /* Scrolled by one row: row 1 is where row 0 was; the q band stays. */
  style.scroll = 20;
  g_assert_cmpint (attention_neuron_hit (&style, 3, 4, 0, 230, 70, &row, &dim), ==,
                   ATTENTION_NEURON_SCORE);
  g_assert_cmpuint (row, ==, 1);
  g_assert_cmpint (attention_neuron_hit (&style, 3, 4, 0, 135, 40, &row, &dim), ==,
                   ATTENTION_NEURON_QUERY);

  /* The cells that fit: 2 labels, 2 numbers and 5 gaps take 350 of 430, so
   * 8 entries take 80: 10 each. */
  g_assert_cmpfloat (attention_neuron_fit_cells (&style, 4, 430, 1, 20), ==, 10);
  g_assert_cmpfloat (attention_neuron_fit_cells (&style, 4, 100, 1, 20), ==, 1);
}

static void
rgb_at (cairo_surface_t *surface, int x, int y, double rgb[3])
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 p = ((const guint32 *)(gconstpointer)(data + (gsize)y * stride))[x];

  rgb[0] = ((p >> 16) & 0xff) / 255.0;
  rgb[1] = ((p >> 8) & 0xff) / 255.0;
  rgb[2] = (p & 0xff) / 255.0;
}

static void
assert_rgb_near (cairo_surface_t *surface, int x, int y, const double want[3])
{
  double got[3];

  rgb_at (surface, x, y, got);
  for (int c = 0; c < 3; c++)
    if (fabs (got[c] - want[c]) > 1.5 / 255)
      g_error ("pixel (%d, %d): (%.3f, %.3f, %.3f), expected (%.3f, %.3f, %.3f)", x, y, got[0],
               got[1], got[2], want[0], want[1], want[2]);
}

/* Each cell has the colour of its hand-computed value: the q band holds q_0
 * on ±3, k_1 on ±3, q_0 ⊙ k_1 on ±2, the score of k_1 (1.5, the largest) at
 * full red, and its softmax as the grey round(255 × 0.763878). */
static void
test_pixels (void)
{
  AttentionNeuronStyle style;
  AttentionNeuronData data;
  AttentionNeuronValues values;
  cairo_surface_t *surface;
  cairo_t *cr;
  double want[3];
  double grey = round (255 * 0.763878) / 255;

  style_init (&style);
  data_init (&data, 0);
  g_assert_true (attention_neuron_values_init (&values, &data));
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 430, 120);
  cr = cairo_create (surface);
  attention_neuron_draw (cr, &style, &data, &values);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  /* q band, entry 1 (-2 on ±3); away from the strip's outline. */
  attention_neuron_diverging_rgb (-2, 3, want);
  assert_rgb_near (surface, 125, 40, want);
  /* Row 1 (y 80..100): k_1 entry 3 (2 on ±3), product entry 1 (2 on ±2). */
  attention_neuron_diverging_rgb (2, 3, want);
  assert_rgb_near (surface, 145, 90, want);
  attention_neuron_diverging_rgb (2, 2, want);
  assert_rgb_near (surface, 175, 90, want);
  /* Product entry 0 of row 1 is 0: white. */
  want[0] = want[1] = want[2] = 1;
  assert_rgb_near (surface, 165, 90, want);
  /* The score cell's corner (clear of its number). */
  attention_neuron_diverging_rgb (1.5f, 1.5f, want);
  assert_rgb_near (surface, 212, 83, want);
  want[0] = want[1] = want[2] = grey;
  assert_rgb_near (surface, 272, 83, want);
  /* Row 2's softmax 0.103380. */
  want[0] = want[1] = want[2] = round (255 * 0.103380) / 255;
  assert_rgb_near (surface, 272, 103, want);

  cairo_surface_destroy (surface);
  attention_neuron_values_clear (&values);
}

/* The hovered entry is outlined in focus blue, and so is the q entry it
 * multiplies. */
static void
test_hover_outline (void)
{
  AttentionNeuronStyle style;
  AttentionNeuronData data;
  AttentionNeuronValues values;
  cairo_surface_t *surface;
  cairo_t *cr;
  const double blue[3] = { 53 / 255.0, 132 / 255.0, 228 / 255.0 };

  style_init (&style);
  style.hover_part = ATTENTION_NEURON_PRODUCT;
  style.hover_row = 1;
  style.hover_dim = 2;
  data_init (&data, 0);
  g_assert_true (attention_neuron_values_init (&values, &data));
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 430, 120);
  cr = cairo_create (surface);
  attention_neuron_draw (cr, &style, &data, &values);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  /* Product cell (row 1, entry 2): x 180..190, y 82..98; its outline runs
   * 1 px outside, 2 px wide: x 179 at mid-height. */
  assert_rgb_near (surface, 179, 90, blue);
  /* q entry 2 in the band: x 130..140, y 32..48. */
  assert_rgb_near (surface, 129, 40, blue);
  cairo_surface_destroy (surface);
  attention_neuron_values_clear (&values);
}

static cairo_surface_t *
draw_data (const AttentionNeuronData *data)
{
  AttentionNeuronStyle style;
  AttentionNeuronValues values;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 430, 120);
  cairo_t *cr = cairo_create (surface);

  style_init (&style);
  g_assert_true (attention_neuron_values_init (&values, data));
  attention_neuron_draw (cr, &style, data, &values);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  attention_neuron_values_clear (&values);
  return surface;
}

/* Pixels of rows y0 … y1 that differ between two pictures. */
static guint
count_different (cairo_surface_t *a, cairo_surface_t *b, int y0, int y1)
{
  int stride = cairo_image_surface_get_stride (a);
  const guchar *pa = cairo_image_surface_get_data (a), *pb = cairo_image_surface_get_data (b);
  guint n = 0;

  for (int y = y0; y < y1; y++)
    for (int x = 0; x < cairo_image_surface_get_width (a); x++)
      if (memcmp (pa + y * stride + 4 * x, pb + y * stride + 4 * x, 3) != 0)
        n++;
  return n;
}

/* A head switched off (a head mask of 0) has the scores of its vectors but
 * the weights the model used, all 0; tokens past the trained length are
 * hatched in their rows only (and the q band for such a query). */
static void
test_head_off_and_hatch (void)
{
  AttentionNeuronData data;
  AttentionNeuronValues values;
  cairo_surface_t *plain, *hatched, *query_hatched;

  data_init (&data, 0);
  data.head_off = TRUE;
  g_assert_true (attention_neuron_values_init (&values, &data));
  g_assert_cmpfloat_with_epsilon (values.scores[1], 1.5f, 1e-6);
  for (guint j = 0; j < 3; j++)
    g_assert_cmpfloat (values.softmax[j], ==, 0);
  attention_neuron_values_clear (&values);

  data_init (&data, 0);
  plain = draw_data (&data);
  data.hatch_from = 2;
  hatched = draw_data (&data);
  /* Header, q band and rows 0 and 1 (y < 100) as before; row 2 striped. */
  g_assert_cmpuint (count_different (plain, hatched, 0, 100), ==, 0);
  g_assert_cmpuint (count_different (plain, hatched, 100, 120), >, 200);
  /* Query 2 lies past it: its q band is hatched too. */
  data_init (&data, 2);
  cairo_surface_destroy (plain);
  plain = draw_data (&data);
  data.hatch_from = 2;
  query_hatched = draw_data (&data);
  g_assert_cmpuint (count_different (plain, query_hatched, 30, 50), >, 50);
  cairo_surface_destroy (plain);
  cairo_surface_destroy (hatched);
  cairo_surface_destroy (query_hatched);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/neuron/values", test_values);
  g_test_add_func ("/neuron/diverging", test_diverging);
  g_test_add_func ("/neuron/geometry", test_geometry);
  g_test_add_func ("/neuron/pixels", test_pixels);
  g_test_add_func ("/neuron/hover-outline", test_hover_outline);
  g_test_add_func ("/neuron/head-off-and-hatch", test_head_off_and_hatch);
  return g_test_run ();
}
