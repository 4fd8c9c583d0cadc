/* bench-folder.c: opening a Hugging Face folder (the shim maps
 * model.safetensors and compiles its own BERT) against opening the .pt
 * bundle the converter made of the same checkpoint, side by side in one run:
 *  - model load (wall and CPU time): attention_model_new_from_file (shim load with its 3-token
 *    warm-up forward, config.json, vocab, tokenizer), medians of N fresh
 *    loads, folder and bundle alternating run by run so that the shared
 *    machine's load falls on both alike;
 *  - load + the first forward of a 12-token sentence;
 *  - steady forward of that sentence (medians of N);
 *  - the largest difference between the two doors' logits and attentions.
 *
 * Usage: bench-folder FOLDER BUNDLE [--repeats N]
 * bench/run-folder makes a bert-base-sized pair and runs this. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attention-model.h"
#include "attn-shim.h"
#include "bench-common.h"

#define SENTENCE "The quick brown fox jumps over the [MASK] dog." /* 12 tokens */

static AttentionModel *
load_or_die (const char *path)
{
  g_autoptr (GError) error = NULL;
  AttentionModel *model = attention_model_new_from_file (path, &error);

  if (model == NULL)
    {
      g_printerr ("bench-folder: %s: %s\n", path, error->message);
      exit (1);
    }
  return model;
}

static void
run_or_die (AttentionModel *model)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionResult) result = attention_model_run (model, SENTENCE, 5, NULL, &error);

  if (result == NULL)
    {
      g_printerr ("bench-folder: %s\n", error->message);
      exit (1);
    }
}

/* Logits at every position and attentions of the sentence through one door. */
static attn_shim_output *
outputs (const char *path, const gint64 *ids, gsize n)
{
  attn_shim_run_params params = attn_shim_run_params_default ();
  g_autofree gint64 *positions = g_new (gint64, n);
  attn_shim_output *output = NULL;
  char *error = NULL;
  attn_shim *shim = attn_shim_load (path, NULL, &error);

  if (shim == NULL)
    {
      g_printerr ("bench-folder: %s: %s\n", path, error);
      exit (1);
    }
  for (gsize i = 0; i < n; i++)
    positions[i] = (gint64)i;
  params.ids = (const int64_t *)ids;
  params.n_ids = n;
  params.positions = (const int64_t *)positions;
  params.n_positions = n;
  if (attn_shim_run (shim, &params, &output, &error) != 0)
    {
      g_printerr ("bench-folder: %s\n", error);
      exit (1);
    }
  attn_shim_free (shim);
  return output;
}

static double
max_abs_diff (const float *a, const float *b, gsize n)
{
  double worst = 0;

  for (gsize i = 0; i < n; i++)
    worst = MAX (worst, fabs ((double)a[i] - (double)b[i]));
  return worst;
}

/* CPU time of the process (user + system), ms: on a machine shared with
 * other jobs, wall time mostly measures the others; libtorch runs one
 * intra-op thread here, so this is the work the load itself does. */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
row (const char *what, double folder, double bundle)
{
  printf ("| %s | %.1f ms | %.1f ms | %.2f× |\n", what, folder, bundle, bundle / folder);
}

int
main (int argc, char **argv)
{
  const char *paths[2];
  guint repeats = 7;
  double *load[2], *first[2], *steady[2], *load_cpu[2], *first_cpu[2];
  g_autoptr (AttentionModel) model = NULL;
  g_autoptr (BertEncoding) enc = NULL;
  const AttentionModelInfo *info;
  attn_shim_output *out[2];
  gsize n;

  if (argc < 3)
    {
      g_printerr ("usage: bench-folder FOLDER BUNDLE [--repeats N]\n");
      return 2;
    }
  paths[0] = argv[1];
  paths[1] = argv[2];
  if (argc >= 5 && strcmp (argv[3], "--repeats") == 0)
    repeats = MAX (1, atoi (argv[4]));

  for (int d = 0; d < 2; d++)
    {
      load[d] = g_new (double, repeats);
      first[d] = g_new (double, repeats);
      steady[d] = g_new (double, repeats);
      load_cpu[d] = g_new (double, repeats);
      first_cpu[d] = g_new (double, repeats);
    }

  /* One untimed load of each: libtorch's libraries, the page cache. */
  for (int d = 0; d < 2; d++)
    g_object_unref (load_or_die (paths[d]));

  for (guint r = 0; r < repeats; r++)
    for (int d = 0; d < 2; d++)
      {
        int door = (r % 2) ? 1 - d : d; /* alternate which goes first */
        double c0 = cpu_ms (), t0 = bench_now_ms (), t1, t2, c1;
        AttentionModel *m = load_or_die (paths[door]);

        t1 = bench_now_ms ();
        c1 = cpu_ms ();
        run_or_die (m);
        t2 = bench_now_ms ();
        load[door][r] = t1 - t0;
        first[door][r] = t2 - t0;
        load_cpu[door][r] = c1 - c0;
        first_cpu[door][r] = cpu_ms () - c0;
        t1 = bench_now_ms ();
        run_or_die (m);
        steady[door][r] = bench_now_ms () - t1;
        g_object_unref (m);
      }

  model = load_or_die (paths[0]);
  info = attention_model_get_info (model);
  enc = attention_model_encode (model, SENTENCE, -1, NULL);
  n = enc->n_tokens;
  for (int d = 0; d < 2; d++)
    out[d] = outputs (paths[d], enc->ids, n);

  printf ("Model: %s, %u layers × %u heads, hidden %u, vocab %u; %u runs each, alternating\n\n",
          info->name, info->n_layers, info->n_heads, info->hidden_size, info->vocab_size, repeats);
  printf ("| figure | folder (safetensors) | .pt bundle | ratio (.pt ÷ folder) |\n");
  printf ("|---|---|---|---|\n");
  row ("model load (median)", bench_median (load[0], repeats), bench_median (load[1], repeats));
  row ("load + first 12-token forward (median)", bench_median (first[0], repeats),
       bench_median (first[1], repeats));
  row ("model load, CPU time (median)", bench_median (load_cpu[0], repeats),
       bench_median (load_cpu[1], repeats));
  row ("load + first forward, CPU time (median)", bench_median (first_cpu[0], repeats),
       bench_median (first_cpu[1], repeats));
  row ("steady 12-token run (median)", bench_median (steady[0], repeats),
       bench_median (steady[1], repeats));
  printf ("\nmax |folder − bundle|: logits %.3g, attentions %.3g (%zu tokens, every position)\n",
          max_abs_diff (attn_shim_output_get_logits (out[0]), attn_shim_output_get_logits (out[1]),
                        n * info->vocab_size),
          max_abs_diff (attn_shim_output_get_attentions (out[0]),
                        attn_shim_output_get_attentions (out[1]),
                        (gsize)info->n_layers * info->n_heads * n * n),
          n);

  for (int d = 0; d < 2; d++)
    {
      g_free (load[d]);
      g_free (first[d]);
      g_free (steady[d]);
      g_free (load_cpu[d]);
      g_free (first_cpu[d]);
      attn_shim_output_free (out[d]);
    }
  return 0;
}
