/* bench-endurance.c: the full endurance run. N sentences (default
 * 1,000) of varied length through one model in one process; prints resident
 * memory after a warm-up of 20 runs and at the end, and the median run time.
 * Usage: bench-endurance BUNDLE [N]
 * Output: "endurance_rss_after_<k>_kb" every 250 runs, "endurance_runs N",
 * "endurance_rss_start_kb", "endurance_rss_end_kb", "endurance_run_ms <median>". */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "attention-model.h"
#include "bench-common.h"

#define WARMUP 20

static long
rss_kb (void)
{
  long pages = 0, resident = -1;
  FILE *f = fopen ("/proc/self/statm", "r");

  if (f == NULL)
    return -1;
  if (fscanf (f, "%ld %ld", &pages, &resident) != 2)
    resident = -1;
  fclose (f);
  return resident < 0 ? -1 : resident * (sysconf (_SC_PAGESIZE) / 1024);
}

static const char *const sentences[] = {
  "The capital of France is [MASK].",
  "[MASK] went to the market to buy some milk.",
  "I think, therefore I [MASK]; or so the philosopher said in his famous book.",
  "[MASK]",
  "There is no mask in this sentence at all.",
  "The [MASK] [MASK] jumped over the lazy dog and ran into the forest.",
};

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionModel) model = NULL;
  g_autofree double *t = NULL;
  guint n;
  long start = 0;

  if (argc < 2)
    {
      g_printerr ("usage: bench-endurance BUNDLE [N]\n");
      return 2;
    }
  n = argc > 2 ? (guint)MAX (1, atoi (argv[2])) : 1000;
  model = attention_model_new_from_file (argv[1], &error);
  if (model == NULL)
    {
      g_printerr ("bench-endurance: %s\n", error->message);
      return 1;
    }
  t = g_new (double, n);
  for (guint i = 0; i < WARMUP + n; i++)
    {
      g_autoptr (AttentionResult) result = NULL;
      g_autoptr (GString) text = g_string_new (sentences[i % G_N_ELEMENTS (sentences)]);
      double t0;

      /* 6 to about 60 tokens, so libtorch sees many shapes. */
      for (guint k = 0; k < i % 13; k++)
        g_string_append (text, " and the cat");
      if (i == WARMUP)
        start = rss_kb ();
      t0 = bench_now_ms ();
      result = attention_model_run (model, text->str, 5, NULL, &error);
      if (result == NULL)
        {
          g_printerr ("bench-endurance: %s\n", error->message);
          return 1;
        }
      if (i >= WARMUP)
        t[i - WARMUP] = bench_now_ms () - t0;
      /* Checkpoints tell a leak (steady climb) from pools settling. */
      if (i + 1 > WARMUP && (i + 1 - WARMUP) % 250 == 0)
        printf ("endurance_rss_after_%u_kb %ld\n", i + 1 - WARMUP, rss_kb ());
    }
  printf ("endurance_runs %u\n", n);
  printf ("endurance_rss_start_kb %ld\n", start);
  printf ("endurance_rss_end_kb %ld\n", rss_kb ());
  printf ("endurance_run_ms %.1f\n", bench_median (t, n));
  return 0;
}
