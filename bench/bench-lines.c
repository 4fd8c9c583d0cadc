/* bench-lines.c: a frame of the lines view. Draws 128 tokens with
 * all 12 heads of a layer overlaid into an 800×800 image surface, the way
 * AttentionLinesCanvas does (13 px labels on 24 px rows, 32 px sticky header,
 * 1.5 px lines), scrolled to a different place each frame, and prints the
 * median time per frame. Goal: under 16 ms (one frame at 60 Hz).
 * The weights are BERT-like (after Clark et al. 2019): each head puts most
 * of a row on one pattern (previous, next or same token, [CLS], [SEP]) and
 * spreads the rest as a softmax of Gaussian scores, sharper for some heads
 * than others. Cases: 12 heads at the view's default threshold (0.05) and
 * at 0.01 (more lines), one head, a hovered token (its lines only,
 * labelled), and a worst case of diffuse attention (bench_random_attention)
 * at 0.01, where a third of all 196,608 weights are drawn.
 * Usage: bench-lines [REPEATS]; output: "lines_<case>_ms <median wall>",
 * "lines_<case>_cpu_ms <median of this thread's CPU time>" and
 * "lines_<case>_count <lines drawn in the whole picture>". */

#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "attention-lines-render.h"
#include "bench-common.h"

#define SIZE 800
#define N 128
#define HEADS 12

static const char *const words[] = {
  "the",   "attention", "##s",   "of", "bert", "[MASK]",  "transformer", "head",  ",",     "layer",
  "##ing", "europe",    "paris", "is", "a",    "capital", "city",        "[CLS]", "[SEP]", "un",
};

typedef struct
{
  const char *name;
  guint n_heads_shown;
  float threshold;
  gboolean hover;
  gboolean diffuse;
} Case;

/* HEADS × N × N rows of BERT-like attention (see the top of the file). */
static float *
bert_like_attention (guint32 seed)
{
  GRand *rand = g_rand_new_with_seed (seed);
  float *m = g_new (float, (gsize)HEADS *N *N);

  for (guint h = 0; h < HEADS; h++)
    {
      double sharpness = 1.0 + h % 4;      /* 1..4: how peaked the rest is */
      double share = 0.3 + 0.05 * (h % 7); /* 0.3..0.6 on the pattern */
      guint pattern = h % 5;

      for (guint i = 0; i < N; i++)
        {
          float *row = m + ((gsize)h * N + i) * N;
          guint target = pattern == 0   ? (i > 0 ? i - 1 : 0)
                         : pattern == 1 ? MIN (i + 1, N - 1)
                         : pattern == 2 ? i
                         : pattern == 3 ? 0
                                        : N - 1;
          double sum = 0;

          for (guint j = 0; j < N; j++)
            {
              row[j] = (float)exp (sharpness * g_rand_double_range (rand, -1.5, 1.5));
              sum += row[j];
            }
          for (guint j = 0; j < N; j++)
            row[j] = (float)((1 - share) * row[j] / sum);
          row[target] += (float)share;
        }
    }
  g_rand_free (rand);
  return m;
}

/* This thread's CPU time: on a machine shared with other work, wall time
 * also counts the time the scheduler gave to others. */
static double
cpu_now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double
frame_ms (cairo_surface_t *surface,
          const AttentionLinesStyle *base,
          const float *const *matrices,
          const guint *heads,
          const Case *c,
          const char *const *labels,
          double scroll,
          double *cpu_ms)
{
  AttentionLinesStyle style = *base;
  cairo_t *cr;
  double t0, c0;

  style.threshold = c->threshold;
  style.scroll = scroll;
  if (c->hover)
    {
      style.focus_side = ATTENTION_LINES_QUERY;
      style.focus = (guint)(scroll / style.row_height) + 10;
    }
  /* One head: the colour map on its zero; several: head colours on black. */
  t0 = bench_now_ms ();
  c0 = cpu_now_ms ();
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_paint (cr);
  attention_lines_draw (cr, &style, matrices, heads, c->n_heads_shown, HEADS, N, labels);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  *cpu_ms = cpu_now_ms () - c0;
  return bench_now_ms () - t0;
}

int
main (int argc, char **argv)
{
  const Case cases[] = {
    { "12heads", HEADS, 0.05f, FALSE, FALSE },
    { "12heads_t001", HEADS, 0.01f, FALSE, FALSE },
    { "1head", 1, 0.05f, FALSE, FALSE },
    { "12heads_hover", HEADS, 0.05f, TRUE, FALSE },
    { "12heads_diffuse_t001", HEADS, 0.01f, FALSE, TRUE },
  };
  guint repeats = argc > 1 ? (guint)atoi (argv[1]) : 60;
  float *attn = bert_like_attention (17);
  float *diffuse = bench_random_attention (HEADS, N, 17);
  const float *matrices[HEADS], *diffuse_matrices[HEADS];
  guint heads[HEADS];
  const char *labels[N + 1];
  AttentionLinesStyle style;
  cairo_surface_t *surface;
  double content, *times, *cpu, unused;

  if (repeats < 1)
    repeats = 1;
  for (guint h = 0; h < HEADS; h++)
    {
      matrices[h] = attn + (gsize)h * N * N;
      diffuse_matrices[h] = diffuse + (gsize)h * N * N;
      heads[h] = h;
    }
  for (guint i = 0; i < N; i++)
    labels[i] = words[i % G_N_ELEMENTS (words)];
  labels[N] = NULL;

  attention_lines_style_init_export (&style);
  style.font_size = 13;
  style.row_height = 24;
  style.header = 32;
  style.line_width = 1.5;
  style.raster_scale = 1; /* as the view draws */
  style.fg[0] = style.fg[1] = style.fg[2] = 0.92;
  style.label_width = attention_lines_measure_labels (&style, labels, N, 220);
  style.gap = SIZE - 2 * style.label_width;
  content = style.header + style.row_height * N;

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, SIZE, SIZE);
  times = g_new (double, repeats);
  cpu = g_new (double, repeats);
  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      const float *const *m = cases[k].diffuse ? diffuse_matrices : matrices;
      guint lines = 0;

      for (guint h = 0; h < cases[k].n_heads_shown; h++)
        for (gsize x = 0; x < (gsize)N * N; x++)
          lines += m[h][x] >= cases[k].threshold;
      /* One untimed frame: fonts and glyph caches are warm in a live view. */
      frame_ms (surface, &style, m, heads, &cases[k], labels, 0, &unused);
      for (guint r = 0; r < repeats; r++)
        {
          /* Scrolled through the sentence, as a reader does. */
          double scroll = (content - SIZE) * r / MAX (repeats - 1, 1);

          times[r] = frame_ms (surface, &style, m, heads, &cases[k], labels, scroll, &cpu[r]);
        }
      printf ("lines_%s_ms %.2f\n", cases[k].name, bench_median (times, repeats));
      printf ("lines_%s_cpu_ms %.2f\n", cases[k].name, bench_median (cpu, repeats));
      printf ("lines_%s_count %u\n", cases[k].name, lines);
      fflush (stdout);
    }
  g_free (times);
  g_free (cpu);
  cairo_surface_destroy (surface);
  g_free (attn);
  g_free (diffuse);
  return 0;
}
