/* bench-ask.c: what asking the model costs. A re-run after "Mask this
 * token", after a head switched off and with every position's guesses,
 * against a plain run of the same sentence on the same loaded model (goal:
 * within 10 %); head importance batched against one forward per head (goal:
 * at most 1.5 × the time of L × H single forwards) and how much batching
 * buys. Medians of interleaved runs, ratios beside them.
 * Usage: bench-ask MODEL [RUNS] */

#include <stdio.h>

#include "attention-head-importance.h"
#include "attention-mask-word.h"
#include "attention-model.h"
#include "bench-common.h"

/* 12 tokens with [CLS] and [SEP], as the issue measures. */
#define SENTENCE "The capital of France is [MASK], a city on the river."

static double
time_run (AttentionModel *model, const char *text, const AttentionRunOptions *options)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionResult) result = NULL;
  double t0 = bench_now_ms ();

  result = attention_model_run_with_options (model, text, options, NULL, &error);
  if (result == NULL)
    g_error ("run: %s", error->message);
  return bench_now_ms () - t0;
}

static double
time_importance (AttentionModel *model, guint batch)
{
  g_autoptr (GError) error = NULL;
  g_autofree float *dp = NULL;
  double t0 = bench_now_ms ();

  dp = attention_head_importance (model, SENTENCE, NULL, batch, NULL, NULL, NULL, NULL, NULL,
                                  &error);
  if (dp == NULL)
    g_error ("head importance: %s", error->message);
  return bench_now_ms () - t0;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionModel) model = NULL;
  g_autoptr (AttentionResult) first = NULL;
  AttentionRunOptions plain, ablated, every;
  g_autofree float *mask = NULL;
  g_autofree char *masked = NULL;
  guint runs = argc > 2 ? (guint)atoi (argv[2]) : 30, L, H, n;
  g_autofree double *t_plain = NULL, *t_masked = NULL, *t_ablated = NULL, *t_every = NULL;
  double imp[4][3];
  const guint batches[] = { 1, 0, 36, 144 };

  if (argc < 2)
    {
      g_printerr ("usage: bench-ask MODEL [RUNS]\n");
      return 2;
    }
  model = attention_model_new_from_file (argv[1], &error);
  if (model == NULL)
    g_error ("%s", error->message);
  attention_run_options_init (&plain);
  attention_run_options_init (&ablated);
  attention_run_options_init (&every);
  first = attention_model_run_with_options (model, SENTENCE, &plain, NULL, &error);
  if (first == NULL)
    g_error ("%s", error->message);
  n = attention_result_get_n_tokens (first);
  L = attention_result_get_n_layers (first);
  H = attention_result_get_n_heads (first);
  /* "Mask this token" on "France". */
  masked = attention_mask_word (first, 4, NULL, NULL, NULL, &error);
  if (masked == NULL)
    g_error ("%s", error->message);
  /* One head off, in the middle of the model. */
  mask = g_new (float, L *H);
  for (guint k = 0; k < L * H; k++)
    mask[k] = k == (L / 2) * H + H / 2 ? 0 : 1;
  ablated.head_mask = mask;
  ablated.head_mask_layers = L;
  ablated.head_mask_heads = H;
  every.all_positions = TRUE;

  t_plain = g_new (double, runs);
  t_masked = g_new (double, runs);
  t_ablated = g_new (double, runs);
  t_every = g_new (double, runs);
  /* Warm-up, then interleaved so that the machine's drift hits all alike. */
  for (guint i = 0; i < 3; i++)
    time_run (model, SENTENCE, &plain);
  for (guint i = 0; i < runs; i++)
    {
      t_plain[i] = time_run (model, SENTENCE, &plain);
      t_masked[i] = time_run (model, masked, &plain);
      t_ablated[i] = time_run (model, SENTENCE, &ablated);
      t_every[i] = time_run (model, SENTENCE, &every);
    }
  {
    double p = bench_median (t_plain, runs), m = bench_median (t_masked, runs);
    double a = bench_median (t_ablated, runs), e = bench_median (t_every, runs);

    printf ("model %s: %u layers x %u heads, %u tokens, %u runs each (medians)\n", argv[1], L, H, n,
            runs);
    printf ("%-34s %9.2f ms  1.00x\n", "plain run", p);
    printf ("%-34s %9.2f ms  %.2fx\n", "after Mask this token", m, m / p);
    printf ("%-34s %9.2f ms  %.2fx\n", "one head switched off", a, a / p);
    printf ("%-34s %9.2f ms  %.2fx\n", "every position's top-k", e, e / p);

    /* Head importance: the full run and L × H ablated ones, in batches of
     * 1 (one forward per head), a layer's heads, 36 and all. */
    for (guint b = 0; b < G_N_ELEMENTS (batches); b++)
      {
        double t[3];

        for (guint i = 0; i < 3; i++)
          t[i] = time_importance (model, batches[b]);
        imp[b][0] = bench_median (t, 3);
      }
    for (guint b = 0; b < G_N_ELEMENTS (batches); b++)
      {
        char label[64];

        g_snprintf (label, sizeof label, "head importance, batch %u", batches[b] ? batches[b] : H);
        printf ("%-34s %9.1f ms  %.2fx of %u single forwards, %.2fx of batch 1\n", label, imp[b][0],
                imp[b][0] / (L * H * p), L * H, imp[b][0] / imp[0][0]);
      }
  }
  return 0;
}
