/* bench-inside.c: what looking inside the head costs, on a model loaded as
 * the window loads it, at 12 and 128 tokens (medians of N; the sides
 * alternate run by run so that the shared machine's load falls on all
 * alike):
 *  - the Neuron page's queries and keys together with Show's value norms,
 *    against a plain run: goal under 10 % more (they are asked only when a
 *    page needs them; a plain run computes neither);
 *  - gradient × input saliency of one prediction (the [MASK]'s top-1),
 *    against a plain run: goal at most 3×;
 *  - a plain run right after a saliency run, against a plain run right
 *    after a plain run: goal 1.00× (autograd is off for everything else,
 *    so plain runs stay as fast);
 *  - where the first figure's time goes, each against the same plain
 *    runs: the options' path alone (run_full with a head mask that keeps
 *    every head), queries and keys alone, value norms alone, and queries,
 *    keys and norms with the norms in their direct form
 *    (ATTN_SHIM_NORMS_DIRECT=1: the value vectors through the output
 *    projection's slices, as before the per-head factors);
 *  - the first run that asks for value norms, which makes the per-head
 *    factors once a model, against the steady norms runs.
 *
 * Usage: bench-inside BUNDLE [--repeats N]
 * Prints rows "figure | median ms | plain ms | ratio | goal". */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attention-model.h"
#include "bench-common.h"

#define FILLER "the quick brown fox jumps over the lazy dog"

static AttentionModel *model;
static double first_norms;

static double
time_run (const char *text, const AttentionRunOptions *options, guint *n_tokens)
{
  g_autoptr (GError) error = NULL;
  double t0 = bench_now_ms ();
  g_autoptr (AttentionResult) r =
      attention_model_run_with_options (model, text, options, NULL, &error);
  double t = bench_now_ms () - t0;

  if (r == NULL)
    g_error ("run: %s", error->message);
  if (n_tokens != NULL)
    *n_tokens = attention_result_get_n_tokens (r);
  return t;
}

/* A sentence of n tokens (n ≥ 12) with one [MASK] near its start. */
static char *
sentence (guint n)
{
  GString *s = g_string_new ("The quick brown fox jumps over the [MASK] dog.");

  guint have = 12; /* with [CLS] and [SEP] */

  /* FILLER and its full stop are 10 tokens, "dog" one. */
  for (; have + 10 <= n; have += 10)
    g_string_append (s, " " FILLER ".");
  for (; have < n; have++)
    g_string_append (s, " dog");
  return g_string_free (s, FALSE);
}

static void
row (const char *figure, double *values, double *plain, guint n, const char *goal)
{
  double m = bench_median (values, n), p = bench_median (plain, n);

  printf ("%-46s | %9.2f | %9.2f | %5.2f× | %s\n", figure, m, p, m / p, goal);
  fflush (stdout);
}

/* What one run asks for, and whether its value norms take the direct form
 * (ATTN_SHIM_NORMS_DIRECT=1, read by the shim at each run). */
typedef struct
{
  AttentionRunOptions options;
  gboolean direct;
} Kind;

static double
time_kind (const char *text, const Kind *kind, guint *n_tokens)
{
  double t;

  if (kind->direct)
    g_setenv ("ATTN_SHIM_NORMS_DIRECT", "1", TRUE);
  t = time_run (text, &kind->options, n_tokens);
  if (kind->direct)
    g_unsetenv ("ATTN_SHIM_NORMS_DIRECT");
  return t;
}

enum
{
  PLAIN,
  PLAIN_AFTER_PLAIN,
  INSIDE,
  SALIENCY,
  PLAIN_AFTER_SALIENCY,
  QK,
  NORMS,
  INSIDE_DIRECT,
  FULL_PATH,
  N_KINDS
};

/* The rows printed for each length: kind against kind, and the goal. */
static const struct
{
  const char *label; /* a format of the token count */
  int kind, against;
  const char *goal;
} figures[] = {
  { "q/k + value norms, %u tokens", INSIDE, PLAIN, "≤ 1.10×" },
  { "saliency of one prediction, %u tokens", SALIENCY, PLAIN, "≤ 3.00×" },
  { "plain after saliency vs after plain, %u tok.", PLAIN_AFTER_SALIENCY, PLAIN_AFTER_PLAIN,
    "≈ 1.00×" },
  { "  of which: run_full, all-ones mask, %u tok.", FULL_PATH, PLAIN, "" },
  { "  of which: q/k alone, %u tokens", QK, PLAIN, "" },
  { "  of which: value norms alone, %u tokens", NORMS, PLAIN, "" },
  { "q/k + norms, direct form (before), %u tok.", INSIDE_DIRECT, PLAIN, "" },
};

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  guint repeats = 7;
  const guint sizes[] = { 12, 128 };
  float *ones;
  const AttentionModelInfo *info;

  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-inside BUNDLE [--repeats N]\n");
      return 2;
    }
  if (argc == 4 && strcmp (argv[2], "--repeats") == 0)
    repeats = (guint)MAX (1, atoi (argv[3]));
  g_unsetenv ("ATTN_SHIM_NORMS_DIRECT");
  model = attention_model_new_from_file_full (argv[1], ATTENTION_MODEL_LOAD_LONG_LIVED, &error);
  if (model == NULL)
    g_error ("%s: %s", argv[1], error->message);
  info = attention_model_get_info (model);
  ones = g_new (float, (gsize)info->n_layers * info->n_heads);
  for (gsize i = 0; i < (gsize)info->n_layers * info->n_heads; i++)
    ones[i] = 1.0f;

  printf ("%-46s | %9s | %9s | %6s | %s\n", "figure", "median ms", "plain ms", "ratio", "goal");
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autofree char *text = sentence (sizes[s]);
      Kind kinds[N_KINDS];
      double *t[N_KINDS];
      guint n = 0;
      char figure[128];

      memset (kinds, 0, sizeof kinds);
      for (guint k = 0; k < N_KINDS; k++)
        {
          attention_run_options_init (&kinds[k].options);
          t[k] = g_new (double, repeats);
        }
      kinds[INSIDE].options.want_qk = TRUE;
      kinds[INSIDE].options.want_value_norms = TRUE;
      kinds[SALIENCY].options.saliency = TRUE; /* the one [MASK]'s top-1 */
      kinds[QK].options.want_qk = TRUE;
      kinds[NORMS].options.want_value_norms = TRUE;
      kinds[INSIDE_DIRECT] = kinds[INSIDE];
      kinds[INSIDE_DIRECT].direct = TRUE;
      /* run_full (the options' path) asked for nothing but a head mask
       * that keeps every head. */
      kinds[FULL_PATH].options.head_mask = ones;
      kinds[FULL_PATH].options.head_mask_layers = info->n_layers;
      kinds[FULL_PATH].options.head_mask_heads = info->n_heads;

      if (s == 0)
        {
          /* The options' module is made on the first run with options, the
           * value norms' factors on the first run that asks for them:
           * that one, once a model, against the steady norms runs below. */
          time_kind (text, &kinds[FULL_PATH], &n);
          time_kind (text, &kinds[FULL_PATH], NULL);
          time_kind (text, &kinds[QK], NULL);
          first_norms = time_kind (text, &kinds[NORMS], NULL);
        }
      /* Warm every path up. */
      for (guint i = 0; i < 2; i++)
        for (guint k = 0; k < N_KINDS; k++)
          time_kind (text, &kinds[k], &n);
      for (guint r = 0; r < repeats; r++)
        for (guint k = 0; k < N_KINDS; k++)
          t[k][r] = time_kind (text, &kinds[k], NULL);
      /* row() sorts its arrays: medians do not mind. */
      for (guint f = 0; f < G_N_ELEMENTS (figures); f++)
        {
          g_snprintf (figure, sizeof figure, figures[f].label, n);
          row (figure, t[figures[f].kind], t[figures[f].against], repeats, figures[f].goal);
        }
      if (s == 0)
        {
          printf ("%-46s | %9.2f | %9.2f | %5.2f× | %s\n", "first norms run (makes the factors)",
                  first_norms, bench_median (t[NORMS], repeats),
                  first_norms / bench_median (t[NORMS], repeats), "once a model");
          fflush (stdout);
        }
      for (guint k = 0; k < N_KINDS; k++)
        g_free (t[k]);
    }
  g_free (ones);
  return 0;
}
