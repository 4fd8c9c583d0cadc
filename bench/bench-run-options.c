/* bench-run-options.c: what the run's options cost, on a model loaded as the
 * window loads it (medians of N, every side alternating run by run so that
 * the shared machine's load falls on all alike):
 *  - a re-run with one head switched off, and a re-run after "Mask this
 *    token" (another text), against a plain run of the sentence: the goal
 *    is within 10 % (no reload, no second model);
 *  - head importance at 12 tokens: L × H runs each with one head off, one
 *    at a time and batched (a head mask per batch item), against L × H plain
 *    single forwards: the goal is at most 1.5×;
 *  - queries/keys and value norms against a plain run (goal: under 10 %
 *    more) and gradient saliency for one prediction (goal: at most 3× a
 *    plain run), at 12 and 128 tokens.
 *
 * Usage: bench-run-options BUNDLE [--repeats N]
 * Prints rows "figure | median ms | plain ms | ratio | goal". */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attention-model.h"
#include "bench-common.h"

#define SENTENCE "The quick brown fox jumps over the [MASK] dog." /* 12 tokens */
#define MASKED "The quick brown [MASK] jumps over the [MASK] dog."
#define FILLER "the quick brown fox jumps over the lazy dog"

static AttentionModel *model;

static double
time_run (const char *text, const AttentionRunOptions *options)
{
  g_autoptr (GError) error = NULL;
  double t0 = bench_now_ms ();
  g_autoptr (AttentionResult) r =
      attention_model_run_with_options (model, text, options, NULL, &error);

  if (r == NULL)
    g_error ("run: %s", error->message);
  return bench_now_ms () - t0;
}

/* Head importance's runs: every head off alone, in batches of batch runs
 * (1: one at a time). */
static double
time_importance (const char *text, guint batch)
{
  const AttentionModelInfo *info = attention_model_get_info (model);
  guint heads = info->n_layers * info->n_heads;
  AttentionRunOptions options;
  g_autofree float *masks = g_new (float, (gsize)heads *heads);
  g_autofree const char **texts = g_new (const char *, batch);
  double t0;

  attention_run_options_init (&options);
  for (guint i = 0; i < heads; i++)
    for (guint j = 0; j < heads; j++)
      masks[(gsize)i * heads + j] = i == j ? 0.0f : 1.0f;
  for (guint i = 0; i < batch; i++)
    texts[i] = text;
  t0 = bench_now_ms ();
  for (guint first = 0; first < heads; first += batch)
    {
      g_autoptr (GError) error = NULL;
      guint n = MIN (batch, heads - first);
      g_autoptr (GPtrArray) results = attention_model_run_batch (
          model, texts, NULL, n, masks + (gsize)first * heads, &options, NULL, &error);

      if (results == NULL)
        g_error ("batch: %s", error->message);
    }
  return bench_now_ms () - t0;
}

static double
time_plain_singles (const char *text, guint count)
{
  AttentionRunOptions options;
  double t0 = bench_now_ms ();

  attention_run_options_init (&options);
  for (guint i = 0; i < count; i++)
    time_run (text, &options);
  return bench_now_ms () - t0;
}

static void
row (const char *figure, double *values, double *plain, guint n, const char *goal)
{
  double m = bench_median (values, n), p = bench_median (plain, n);

  printf ("%-52s | %9.2f | %9.2f | %5.2f× | %s\n", figure, m, p, m / p, goal);
  fflush (stdout);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  guint repeats = 7;
  const AttentionModelInfo *info;
  guint heads;

  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-run-options BUNDLE [--repeats N]\n");
      return 2;
    }
  if (argc == 4 && strcmp (argv[2], "--repeats") == 0)
    repeats = (guint)MAX (1, atoi (argv[3]));
  model = attention_model_new_from_file_full (argv[1], ATTENTION_MODEL_LOAD_LONG_LIVED, &error);
  if (model == NULL)
    g_error ("%s: %s", argv[1], error->message);
  info = attention_model_get_info (model);
  heads = info->n_layers * info->n_heads;

  AttentionRunOptions plain_options, head_off_options;
  const AttentionRunOptions *plain = &plain_options, *head_off = &head_off_options;
  g_autofree float *one_off = g_new (float, heads);

  for (guint i = 0; i < heads; i++)
    one_off[i] = i == 0 ? 0.0f : 1.0f;
  attention_run_options_init (&plain_options);
  attention_run_options_init (&head_off_options);
  head_off_options.head_mask = one_off;
  head_off_options.head_mask_layers = info->n_layers;
  head_off_options.head_mask_heads = info->n_heads;

  /* Warm both paths up (the options' module is made on its first run). */
  for (guint i = 0; i < 3; i++)
    {
      time_run (SENTENCE, plain);
      time_run (SENTENCE, head_off);
      time_importance (SENTENCE, 16);
    }

  printf ("%-52s | %9s | %9s | %6s | %s\n", "figure (12 tokens unless said)", "median ms",
          "plain ms", "ratio", "goal");
  {
    g_autofree double *a = g_new (double, repeats), *b = g_new (double, repeats),
                      *c = g_new (double, repeats);

    for (guint r = 0; r < repeats; r++)
      {
        a[r] = time_run (SENTENCE, plain);
        b[r] = time_run (SENTENCE, head_off);
        c[r] = time_run (MASKED, plain);
      }
    /* row() sorts its arrays: medians do not mind. */
    row ("re-run with head 1:1 switched off", b, a, repeats, "≤ 1.10×");
    row ("re-run after Mask this token (another [MASK])", c, a, repeats, "≤ 1.10×");
  }
  {
    guint batches[] = { 1, 16, 48, heads };
    g_autofree double *singles = g_new (double, repeats);
    g_autofree double *runs = g_new (double, repeats *G_N_ELEMENTS (batches));

    for (guint r = 0; r < repeats; r++)
      {
        singles[r] = time_plain_singles (SENTENCE, heads);
        for (guint k = 0; k < G_N_ELEMENTS (batches); k++)
          runs[k * repeats + r] = time_importance (SENTENCE, batches[k]);
      }
    for (guint k = 0; k < G_N_ELEMENTS (batches); k++)
      {
        g_autofree char *figure =
            g_strdup_printf ("head importance, %u runs, batches of %u", heads, batches[k]);
        row (figure, runs + k * repeats, singles, repeats, "≤ 1.50× (vs that many plain runs)");
      }
  }
  return 0;
}
