/* bench-render.c: the view's redraw. Draws an n-token
 * matrix with its labels into an 800×800 image surface the way AttentionView
 * lays it out, and prints the median time per frame for 128 and 512 tokens.
 * Two layouts: "fit" squeezes the whole diagram into the surface (every
 * label drawn, the worst case for text) and "view" uses the view's smallest
 * readable cell (14 px), clipped to the surface as when scrolled.
 * Usage: bench-render [REPEATS]; output: "render_<layout>_<n>_ms <median>". */

#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>

#include "attention-render.h"
#include "bench-common.h"

#define SIZE 800
#define PADDING 12.0

static const char *const words[] = {
  "the",   "attention", "##s",   "of", "bert", "[MASK]",  "transformer", "head",  ",",     "layer",
  "##ing", "europe",    "paris", "is", "a",    "capital", "city",        "[CLS]", "[SEP]", "un",
};

static double
frame_ms (
    cairo_surface_t *surface, const float *matrix, guint n, const char *const *labels, gboolean fit)
{
  AttentionRenderStyle style;
  cairo_t *cr;
  double t0, margin, cell, font;

  /* As AttentionView: font from the cell, margin from the widest label. */
  if (fit)
    {
      font = 9;
      margin = 120;
      cell = (SIZE - margin - 2 * PADDING) / n;
    }
  else
    {
      cell = 14;
      font = 9;
      margin = 120;
    }
  attention_render_style_init_export (&style);
  style.cell = cell;
  style.margin = margin;
  style.font_size = font;
  style.draw_background = FALSE;
  style.highlight_row = (int)n / 2;
  style.highlight_col = (int)n / 3;

  t0 = bench_now_ms ();
  cr = cairo_create (surface);
  /* The widget's background, then the diagram. */
  cairo_set_source_rgb (cr, 0.98, 0.98, 0.98);
  cairo_paint (cr);
  cairo_translate (cr, PADDING, PADDING);
  attention_render_matrix (cr, &style, matrix, n, labels);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return bench_now_ms () - t0;
}

int
main (int argc, char **argv)
{
  guint repeats = argc > 1 ? (guint)atoi (argv[1]) : 30;
  const guint sizes[] = { 128, 512 };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, SIZE, SIZE);

  if (repeats < 1)
    repeats = 1;
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      guint n = sizes[s];
      g_autofree float *matrix = bench_random_attention (1, n, 7 + n);
      g_autofree const char **labels = g_new0 (const char *, n + 1);

      for (guint i = 0; i < n; i++)
        labels[i] = words[i % G_N_ELEMENTS (words)];
      for (int fit = 1; fit >= 0; fit--)
        {
          g_autofree double *t = g_new (double, repeats);

          /* The first frame loads fonts and fills glyph caches, as the
           * window's first paint does; redraws are what this measures. */
          frame_ms (surface, matrix, n, labels, fit);
          for (guint r = 0; r < repeats; r++)
            t[r] = frame_ms (surface, matrix, n, labels, fit);
          printf ("render_%s_%u_ms %.3f\n", fit ? "fit" : "view", n, bench_median (t, repeats));
        }
    }
  cairo_surface_destroy (surface);
  return 0;
}
