/* bench-stats.c: how long the analysis numbers take at bert-base size
 * (12 layers × 12 heads) for 12, 64, 128 and 512 tokens, and drawing the
 * 144-thumbnail overview — to decide what must leave the main thread (a frame
 * is 16.7 ms). Prints medians of 7 runs. */

#include <cairo.h>
#include <stdio.h>

#include "attention-grid.h"
#include "attention-stats.h"
#include "bench-common.h"

#define LAYERS 12
#define HEADS 12
#define RUNS 7

int
main (void)
{
  const guint lengths[] = { 12, 64, 128, 512 };

  printf ("%-6s %12s %12s %12s %12s %14s\n", "tokens", "layer mean", "all mean", "rollout L12",
          "head scores", "overview draw");
  for (guint k = 0; k < G_N_ELEMENTS (lengths); k++)
    {
      guint n = lengths[k];
      g_autofree float *att = bench_random_attention (LAYERS * HEADS, n, 42);
      g_autofree float *out = g_new (float, (gsize)n *n);
      g_autofree guint8 *classes = g_new0 (guint8, n);
      double t[5][RUNS];
      AttentionGridStyle style;
      double width, height;
      cairo_surface_t *surface;

      attention_grid_style_init (&style);
      attention_grid_get_size (&style, LAYERS, HEADS, &width, &height);
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int)width, (int)height);
      classes[0] = ATTENTION_TOKEN_CLS;
      classes[n - 1] = ATTENTION_TOKEN_SEP;

      for (guint r = 0; r < RUNS; r++)
        {
          double t0 = bench_now_ms ();
          AttentionHeadScores s;
          cairo_t *cr;

          attention_stats_layer_mean (att, HEADS, n, LAYERS - 1, out);
          t[0][r] = bench_now_ms () - t0;
          t0 = bench_now_ms ();
          attention_stats_all_mean (att, LAYERS, HEADS, n, out);
          t[1][r] = bench_now_ms () - t0;
          t0 = bench_now_ms ();
          attention_stats_rollout (att, HEADS, n, LAYERS - 1, out);
          t[2][r] = bench_now_ms () - t0;
          t0 = bench_now_ms ();
          for (guint m = 0; m < LAYERS * HEADS; m++)
            attention_stats_head_scores (att + (gsize)m * n * n, n, classes, &s);
          t[3][r] = bench_now_ms () - t0;
          t0 = bench_now_ms ();
          cr = cairo_create (surface);
          attention_grid_draw (cr, &style, att, LAYERS, HEADS, n);
          cairo_destroy (cr);
          cairo_surface_flush (surface);
          t[4][r] = bench_now_ms () - t0;
        }
      cairo_surface_destroy (surface);
      printf ("%-6u %9.2f ms %9.2f ms %9.2f ms %9.2f ms %11.2f ms\n", n, bench_median (t[0], RUNS),
              bench_median (t[1], RUNS), bench_median (t[2], RUNS), bench_median (t[3], RUNS),
              bench_median (t[4], RUNS));
    }
  return 0;
}
