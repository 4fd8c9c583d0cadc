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
 *    so plain runs stay as fast).
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

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  guint repeats = 7;
  const guint sizes[] = { 12, 128 };

  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-inside BUNDLE [--repeats N]\n");
      return 2;
    }
  if (argc == 4 && strcmp (argv[2], "--repeats") == 0)
    repeats = (guint)MAX (1, atoi (argv[3]));
  model = attention_model_new_from_file_full (argv[1], ATTENTION_MODEL_LOAD_LONG_LIVED, &error);
  if (model == NULL)
    g_error ("%s: %s", argv[1], error->message);

  printf ("%-46s | %9s | %9s | %6s | %s\n", "figure", "median ms", "plain ms", "ratio", "goal");
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autofree char *text = sentence (sizes[s]);
      AttentionRunOptions plain, inside, saliency;
      g_autofree double *a = g_new (double, repeats), *b = g_new (double, repeats),
                        *c = g_new (double, repeats), *d = g_new (double, repeats),
                        *e = g_new (double, repeats);
      guint n = 0;
      char figure[128];

      attention_run_options_init (&plain);
      inside = plain;
      inside.want_qk = TRUE;
      inside.want_value_norms = TRUE;
      saliency = plain;
      saliency.saliency = TRUE; /* the one [MASK]'s top-1 */
      /* Warm every path up (the options' module is made on its first run). */
      for (guint i = 0; i < 2; i++)
        {
          time_run (text, &plain, &n);
          time_run (text, &inside, NULL);
          time_run (text, &saliency, NULL);
        }
      for (guint r = 0; r < repeats; r++)
        {
          a[r] = time_run (text, &plain, NULL);
          e[r] = time_run (text, &plain, NULL);
          b[r] = time_run (text, &inside, NULL);
          c[r] = time_run (text, &saliency, NULL);
          d[r] = time_run (text, &plain, NULL);
        }
      /* row() sorts its arrays: medians do not mind, but b and c each go
       * against a copy of the plain runs. */
      {
        g_autofree double *p1 = g_memdup2 (a, repeats * sizeof (double));

        g_snprintf (figure, sizeof figure, "q/k + value norms, %u tokens", n);
        row (figure, b, p1, repeats, "≤ 1.10×");
        g_snprintf (figure, sizeof figure, "saliency of one prediction, %u tokens", n);
        row (figure, c, a, repeats, "≤ 3.00×");
        g_snprintf (figure, sizeof figure, "plain after saliency vs after plain, %u tok.", n);
        row (figure, d, e, repeats, "≈ 1.00×");
      }
    }
  return 0;
}
