/* bench-model.c: the model pipeline's speed against python3-torch on the
 * same bundle and the same token ids, in one run:
 *  - model load (attention_model_new_from_file: jit.load, config, vocab,
 *    the shim's 3-token warm-up) and the first forward of a 12-token
 *    sentence after it; medians of N fresh loads;
 *  - steady inference at 12, 128 and 512 tokens (attention_model_run:
 *    tokenize, forward, softmax and top 5 at the [MASK]) on a model loaded
 *    as the window loads it, medians of N;
 *  - the same with OpenBLAS's thread count fixed at 1 and at 2 instead of
 *    the shim's choice by input size (C side only), which is how that
 *    choice was made;
 *  - the same with 2 intra-op threads instead of the default, and with the
 *    optimizing graph executor (ATTN_SHIM_OPTIMIZE=1), C side only.
 * Every side alternates run by run, so that the shared machine's other load
 * falls on all of them alike, with a quiet pause before each timed step so
 * that no side runs beside the other's spinning OpenBLAS threads.
 * The Python side is bench/bench-model.py, started from here with the ids
 * this program's tokenizer made and driven step by step, so that C and
 * Python runs alternate.
 *
 * Usage: bench-model BUNDLE [--repeats N] [--values] [--no-python]
 * Prints table rows "figure | C | Python | ratio | goal" (what bench/run-all
 * shows), or "name value" lines with --values. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "attention-load-heap.h"
#include "attention-model.h"
#include "attn-shim-tuning.h"
#include "bench-common.h"

#define SENTENCE "The quick brown fox jumps over the [MASK] dog." /* 12 tokens */
#define FILLER "the quick brown fox jumps over the lazy dog"

typedef struct
{
  double load, first, load_first; /* medians, ms */
} LoadTimes;

/* A steady figure: median and spread of N runs, ms. */
typedef struct
{
  double med, lo, hi;
} Stat;

static Stat
stat_of (double *values, guint n)
{
  Stat st;

  st.med = bench_median (values, n); /* sorts them */
  st.lo = values[0];
  st.hi = values[n - 1];
  return st;
}

static AttentionModel *
load_or_die (const char *path)
{
  g_autoptr (GError) error = NULL;
  AttentionModel *model = attention_model_new_from_file (path, &error);

  if (model == NULL)
    {
      g_printerr ("bench-model: %s\n", error->message);
      exit (1);
    }
  return model;
}

/* As the window loads its model: after the first run the shim copies the
 * weights out of the file's mapping in the background (attn_shim_load_params's
 * detach).
 * That matters for steady runs: read from the page cache's pages, the
 * weights made a 12-token run after a pause of a quarter second 1.5-2x
 * slower (about 100 against 62 ms, docs/benchmarks.md), read from the
 * process's own copy they did not. */
static AttentionModel *
load_long_lived_or_die (const char *path)
{
  g_autoptr (GError) error = NULL;
  AttentionModel *model =
      attention_model_new_from_file_full (path, ATTENTION_MODEL_LOAD_LONG_LIVED, &error);

  if (model == NULL)
    {
      g_printerr ("bench-model: %s\n", error->message);
      exit (1);
    }
  return model;
}

static AttentionResult *
run_or_die (AttentionModel *model, const char *text)
{
  g_autoptr (GError) error = NULL;
  AttentionResult *result = attention_model_run (model, text, 5, NULL, &error);

  if (result == NULL)
    {
      g_printerr ("bench-model: %s\n", error->message);
      exit (1);
    }
  return result;
}

static guint
count_tokens (AttentionModel *model, const char *text)
{
  g_autoptr (BertEncoding) enc = attention_model_encode (model, text, -1, NULL);

  return enc != NULL ? enc->n_tokens : 0;
}

/* SENTENCE followed by filler words until the text is `want` tokens long
 * (or just over, with a vocabulary that splits the filler). */
static char *
text_of_length (AttentionModel *model, guint want)
{
  g_auto (GStrv) words = g_strsplit (FILLER, " ", -1);
  GString *s = g_string_new (SENTENCE);

  for (guint i = 0; count_tokens (model, s->str) < want; i++)
    g_string_append_printf (s, " %s", words[i % g_strv_length (words)]);
  return g_string_free (s, FALSE);
}

static char *
ids_csv (AttentionModel *model, const char *text)
{
  g_autoptr (BertEncoding) enc = attention_model_encode (model, text, -1, NULL);
  GString *s = g_string_new (NULL);

  for (guint i = 0; enc != NULL && i < enc->n_tokens; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? "," : "", enc->ids[i]);
  return g_string_free (s, FALSE);
}

/* How the C side runs: graph executor optimisation, intra-op threads and
 * whose GEMM runs the matrix products (oneDNN's, or OpenBLAS's). */
typedef struct
{
  gboolean optimize;
  int threads;
  gboolean blas_gemm;
} Mode;

static void
set_mode (const Mode *mode)
{
  /* The shim reads ATTN_SHIM_OPTIMIZE at every forward. */
  if (mode->optimize)
    g_setenv ("ATTN_SHIM_OPTIMIZE", "1", TRUE);
  else
    g_unsetenv ("ATTN_SHIM_OPTIMIZE");
  attn_shim_set_num_threads (mode->threads);
  if (attn_shim_gemm_set_backend (mode->blas_gemm ? "blas" : "onednn") != 0)
    {
      g_printerr ("bench-model: the %s GEMM is not available\n",
                  mode->blas_gemm ? "BLAS" : "oneDNN");
      exit (1);
    }
}

/* bench-model.py, driven one step at a time through its standard input. */
typedef struct
{
  GPid pid;
  FILE *in, *out;
  int threads;
  char version[64];
} Python;

static char *
ask (Python *py, const char *command)
{
  char line[256];

  fprintf (py->in, "%s\n", command);
  fflush (py->in);
  if (fgets (line, sizeof line, py->out) == NULL)
    {
      g_printerr ("bench-model: bench-model.py stopped (see its message above)\n");
      exit (1);
    }
  return g_strdup (line);
}

static Python *
python_start (
    const char *bundle, int threads, const char *ids12, const char *ids128, const char *ids512)
{
  g_autofree char *threads_s = g_strdup_printf ("%d", threads);
  const char *argv[] = { BENCH_PYTHON, BENCH_SOURCE_DIR "/bench-model.py",
                         bundle,       "--threads",
                         threads_s,    "--ids12",
                         ids12,        "--ids128",
                         ids128,       "--ids512",
                         ids512,       NULL };
  g_autoptr (GError) error = NULL;
  Python *py = g_new0 (Python, 1);
  char line[256];
  int in_fd, out_fd;

  if (!g_spawn_async_with_pipes (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                 &py->pid, &in_fd, &out_fd, NULL, &error))
    {
      g_printerr ("bench-model: %s: %s\n", BENCH_PYTHON, error->message);
      exit (1);
    }
  py->in = fdopen (in_fd, "w");
  py->out = fdopen (out_fd, "r");
  if (fgets (line, sizeof line, py->out) == NULL ||
      sscanf (line, "ready %d %63s", &py->threads, py->version) != 2)
    {
      g_printerr ("bench-model: bench-model.py did not start\n");
      exit (1);
    }
  return py;
}

static void
python_stop (Python *py)
{
  int status;

  fclose (py->in); /* end of input: it exits */
  fclose (py->out);
  waitpid (py->pid, &status, 0);
  g_spawn_close_pid (py->pid);
  g_free (py);
}

/* Before every timed step: after a run, OpenBLAS's threads spin for about a
 * tenth of a second waiting for more work, and the other process's run would
 * share the cores with them. Measured interleaved without this pause, the
 * side that runs right after a 2-thread OpenBLAS run lost up to 40 %
 * (docs/benchmarks.md, "Steady inference"). */
#define QUIET_PAUSE_US 250000

static void
quiet_pause (void)
{
  g_usleep (QUIET_PAUSE_US);
}

/* Medians of N rounds; in each round every side in turn (C default, C with
 * the optimizing executor, Python) loads the bundle afresh and runs the
 * first forward on text, so that the shared machine's load falls on all
 * sides alike. Leaves the last C model of each mode in models[]. */
static void
time_loads (const char *path,
            const char *text,
            guint repeats,
            const Mode *modes,
            AttentionModel **models,
            Python *py,
            LoadTimes *out /* [3] */)
{
  g_autofree double *load = g_new (double, repeats * 3);
  g_autofree double *first = g_new (double, repeats * 3);
  g_autofree double *both = g_new (double, repeats * 3);
  guint sides = py != NULL ? 3 : 2;

  for (guint i = 0; i < repeats; i++)
    for (guint m = 0; m < sides; m++)
      {
        gsize k = (gsize)m * repeats + i;

        if (m < 2)
          {
            double t0, t1, t2;

            set_mode (&modes[m]);
            g_clear_object (&models[m]); /* free the previous one first, as Python does */
            quiet_pause ();
            t0 = bench_now_ms ();
            models[m] = load_or_die (path);
            t1 = bench_now_ms ();
            g_object_unref (run_or_die (models[m], text));
            t2 = bench_now_ms ();
            load[k] = t1 - t0;
            first[k] = t2 - t1;
          }
        else
          {
            g_autofree char *answer = NULL;

            quiet_pause ();
            answer = ask (py, "load");

            if (sscanf (answer, "%lf %lf", &load[k], &first[k]) != 2)
              exit (1);
          }
        both[k] = load[k] + first[k];
      }
  for (guint m = 0; m < 3; m++)
    if (m < sides)
      {
        out[m].load = bench_median (load + (gsize)m * repeats, repeats);
        out[m].first = bench_median (first + (gsize)m * repeats, repeats);
        out[m].load_first = bench_median (both + (gsize)m * repeats, repeats);
      }
    else
      out[m].load = out[m].first = out[m].load_first = -1;
}

/* Steady runs, one per side in turn: C in each mode on models[m], then
 * Python (command py_command) if py. Medians in out[]. */
static void
time_steady (AttentionModel **models,
             const Mode *modes,
             guint n_modes,
             const char *text,
             Python *py,
             const char *py_command,
             guint repeats,
             Stat *out)
{
  guint sides = n_modes + (py != NULL);
  g_autofree double *t = g_new (double, repeats *sides);

  for (guint w = 0; w < 2; w++)
    for (guint m = 0; m < sides; m++)
      {
        if (m < n_modes)
          {
            set_mode (&modes[m]);
            g_object_unref (run_or_die (models[m], text));
          }
        else
          g_free (ask (py, py_command));
      }
  for (guint i = 0; i < repeats; i++)
    for (guint m = 0; m < sides; m++)
      {
        if (m < n_modes)
          {
            double t0;

            set_mode (&modes[m]);
            quiet_pause ();
            t0 = bench_now_ms ();
            g_object_unref (run_or_die (models[m], text));
            t[(gsize)m * repeats + i] = bench_now_ms () - t0;
          }
        else
          {
            g_autofree char *answer = NULL;

            quiet_pause ();
            answer = ask (py, py_command);

            t[(gsize)m * repeats + i] = g_ascii_strtod (answer, NULL);
          }
      }
  for (guint m = 0; m < sides; m++)
    out[m] = stat_of (t + (gsize)m * repeats, repeats);
  if (py == NULL)
    out[n_modes].med = out[n_modes].lo = out[n_modes].hi = -1;
}

/* Milliseconds with about three significant digits. */
static char *
fmt_ms (double ms)
{
  return g_strdup_printf (ms < 10 ? "%.2f ms" : ms < 100 ? "%.1f ms" : "%.0f ms", ms);
}

static void
row (const char *figure, double c, double py, const char *goal)
{
  g_autofree char *c_s = fmt_ms (c);
  g_autofree char *py_s = py > 0 ? fmt_ms (py) : g_strdup ("–");
  g_autofree char *ratio = py > 0 ? g_strdup_printf ("%.2f×", py / c) : g_strdup ("–");

  printf ("%s | %s | %s | %s | %s\n", figure, c_s, py_s, ratio, goal);
}

/* A steady figure with its spread: "median (min–max)". */
static char *
fmt_stat (Stat st)
{
  g_autofree char *med = fmt_ms (st.med);
  g_autofree char *lo = fmt_ms (st.lo);
  g_autofree char *hi = fmt_ms (st.hi);

  return g_strdup_printf ("%s (%s – %s)", med, lo, hi);
}

static void
stat_row (const char *figure, Stat c, Stat py, const char *goal)
{
  g_autofree char *c_s = fmt_stat (c);
  g_autofree char *py_s = py.med > 0 ? fmt_stat (py) : g_strdup ("–");
  g_autofree char *ratio = py.med > 0 ? g_strdup_printf ("%.2f×", py.med / c.med) : g_strdup ("–");

  printf ("%s | %s | %s | %s | %s\n", figure, c_s, py_s, ratio, goal);
}

/* A C-side variant against the default: ratio = default ÷ variant. */
static void
variant_row (const char *figure, double variant, double base)
{
  g_autofree char *v = fmt_ms (variant);

  printf ("%s | %s | – | default ÷ this: %.2f× | report\n", figure, v, base / variant);
}

int
main (int argc, char **argv)
{
  const char *bundle = NULL;
  guint repeats = 7;
  gboolean values = FALSE, python = TRUE;
  g_autoptr (AttentionModel) probe = NULL;
  g_autofree char *text12 = NULL;
  g_autofree char *text128 = NULL;
  g_autofree char *ids12 = NULL;
  g_autofree char *ids128 = NULL;
  g_autofree char *text512 = NULL;
  g_autofree char *ids512 = NULL;
  Stat s512[2];
  Stat blas[3][3]; /* OpenBLAS's GEMM: [size][OpenBLAS threads by size, 1, 2] */
  Stat py_other[2];
  int py_other_threads = 0;
  guint n512;
  Python *py = NULL;
  AttentionModel *models[2] = { NULL, NULL };
  LoadTimes lt[3];
  Stat s12[3], s128[3], s12_other[2], s128_other[2];
  guint n12, n128, layers, heads;
  int threads, other;

  attention_load_heap_init (); /* one malloc arena, as in the app and the CLI */
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--repeats") == 0 && i + 1 < argc)
        {
          int n = atoi (argv[++i]);

          repeats = (guint)MAX (1, n);
        }
      else if (strcmp (argv[i], "--values") == 0)
        values = TRUE;
      else if (strcmp (argv[i], "--no-python") == 0)
        python = FALSE;
      else if (bundle == NULL && argv[i][0] != '-')
        bundle = argv[i];
      else
        {
          bundle = NULL;
          break;
        }
    }
  if (bundle == NULL)
    {
      g_printerr ("usage: bench-model BUNDLE [--repeats N] [--values] [--no-python]\n");
      return 2;
    }

  /* One untimed load: the bundle comes from the page cache from now on, and
   * its tokenizer makes the texts and the ids for Python. */
  probe = load_or_die (bundle);
  text12 = g_strdup (SENTENCE);
  text128 = text_of_length (probe, 128);
  n12 = count_tokens (probe, text12);
  n128 = count_tokens (probe, text128);
  ids12 = ids_csv (probe, text12);
  ids128 = ids_csv (probe, text128);
  text512 = text_of_length (probe, MIN (512, attention_model_get_info (probe)->max_positions));
  n512 = count_tokens (probe, text512);
  ids512 = ids_csv (probe, text512);
  layers = attention_model_get_info (probe)->n_layers;
  heads = attention_model_get_info (probe)->n_heads;
  g_clear_object (&probe);

  threads = attn_shim_get_num_threads ();
  other = threads == 1 ? 2 : 1;
  /* Python as mask.py runs it: torch's own thread count. */
  if (python)
    py = python_start (bundle, 0, ids12, ids128, ids512);

  {
    const Mode modes[] = { { FALSE, threads, FALSE }, { TRUE, threads, FALSE } };
    const Mode other_mode = { FALSE, other, FALSE };
    /* The shim's earlier path: OpenBLAS's GEMM, on 1 intra-op thread (what
     * the shim chose for it on 2 CPUs). */
    const Mode blas_mode = { FALSE, 1, TRUE };

    time_loads (bundle, text12, repeats, modes, models, py, lt);
    /* Steady runs on models loaded as the window loads them, once the
     * background copy of their weights (started by a first run) is done. */
    for (guint m = 0; m < 2; m++)
      {
        g_clear_object (&models[m]);
        models[m] = load_long_lived_or_die (bundle);
        g_object_unref (run_or_die (models[m], text12));
      }
    g_usleep (3 * G_USEC_PER_SEC);
    time_steady (models, modes, 2, text12, py, "run12", repeats, s12);
    time_steady (models, modes, 2, text128, py, "run128", repeats, s128);
    /* The other thread count as a block of its own: switching the pool size
     * at every run would add a cost of its own. */
    time_steady (models, &other_mode, 1, text12, NULL, NULL, repeats, s12_other);
    time_steady (models, &other_mode, 1, text128, NULL, NULL, repeats, s128_other);
    set_mode (&modes[0]);
    time_steady (models, modes, 1, text512, py, "run512", repeats, s512);
    /* Python with C's thread count (or the other one, if that is its
     * default too), each size as a block. */
    if (py != NULL)
      {
        const char *run[2] = { "run12", "run128" };
        g_autofree char *cmd = NULL;

        py_other_threads = py->threads != threads ? threads : other;
        cmd = g_strdup_printf ("threads %d", py_other_threads);

        g_free (ask (py, cmd));
        for (guint k = 0; k < 2; k++)
          {
            Stat t[2]; /* [0]: C, not run */

            time_steady (models, modes, 0, NULL, py, run[k], repeats, t);
            py_other[k] = t[0];
          }
      }
    /* OpenBLAS's GEMM: with the shim's choice of OpenBLAS's count by size,
     * then with it fixed at 1 and at 2, each as a block of its own. */
    {
      const char *texts[3] = { text12, text128, text512 };

      for (guint b = 0; b < 3; b++)
        {
          attention_model_set_blas_threads ((int)b);
          for (guint k = 0; k < 3; k++)
            {
              Stat t[2]; /* time_steady writes a Python slot too (-1) */

              time_steady (models, &blas_mode, 1, texts[k], NULL, NULL, repeats, t);
              blas[k][b] = t[0];
            }
        }
      attention_model_set_blas_threads (0);
      set_mode (&modes[0]);
    }
    g_clear_object (&models[0]);
    g_clear_object (&models[1]);
  }

  if (values)
    {
      printf ("model_layers %u\nmodel_heads %u\nrepeats %u\n", layers, heads, repeats);
      printf ("tokens_short %u\ntokens_long %u\n", n12, n128);
      printf ("c_threads %d\nc_other_threads %d\n", threads, other);
      printf ("c_load_ms %.1f\nc_first_ms %.1f\nc_load_first_ms %.1f\n", lt[0].load, lt[0].first,
              lt[0].load_first);
      printf ("c_steady_12_ms %.2f\nc_steady_128_ms %.2f\n", s12[0].med, s128[0].med);
      printf ("c_steady_12_other_threads_ms %.2f\nc_steady_128_other_threads_ms %.2f\n",
              s12_other[0].med, s128_other[0].med);
      printf ("c_opt_load_ms %.1f\nc_opt_first_ms %.1f\nc_opt_load_first_ms %.1f\n", lt[1].load,
              lt[1].first, lt[1].load_first);
      printf ("c_opt_steady_12_ms %.2f\nc_opt_steady_128_ms %.2f\n", s12[1].med, s128[1].med);
      printf ("tokens_512 %u\nc_steady_512_ms %.2f\n", n512, s512[0].med);
      for (guint k = 0; k < 3; k++)
        for (guint b = 0; b < 3; b++)
          printf ("c_blas_gemm_steady_%u_%s_ms %.2f\n",
                  k == 0   ? n12
                  : k == 1 ? n128
                           : n512,
                  b == 0   ? "by_size"
                  : b == 1 ? "blas1"
                           : "blas2",
                  blas[k][b].med);
      if (py != NULL)
        {
          printf ("py_threads %d\n", py->threads);
          printf ("py_load_ms %.1f\npy_first_ms %.1f\npy_load_first_ms %.1f\n", lt[2].load,
                  lt[2].first, lt[2].load_first);
          printf ("py_steady_12_ms %.2f\npy_steady_128_ms %.2f\n", s12[2].med, s128[2].med);
          printf ("py_steady_512_ms %.2f\n", s512[1].med);
          printf ("py_other_threads %d\npy_steady_12_other_threads_ms %.2f\n"
                  "py_steady_128_other_threads_ms %.2f\n",
                  py_other_threads, py_other[0].med, py_other[1].med);
        }
    }
  else
    {
      g_autofree char *f1 = g_strdup_printf ("Model load, %u×%u bundle (C: jit.load + config + "
                                             "vocab + 3-token warm-up; Python: jit.load)",
                                             layers, heads);
      g_autofree char *f2 =
          g_strdup_printf ("First forward after load, %u tokens (+ softmax, top 5)", n12);
      g_autofree char *f3 = g_strdup_printf ("Load + first forward, %u tokens", n12);
      g_autofree char *f4 = g_strdup_printf ("Steady inference, %u tokens (%d thread%s)", n12,
                                             threads, threads == 1 ? "" : "s");
      g_autofree char *f5 = g_strdup_printf ("Steady inference, %u tokens (%d thread%s)", n128,
                                             threads, threads == 1 ? "" : "s");
      g_autofree char *v1 = g_strdup_printf ("Steady inference, %u tokens, C with %d thread%s", n12,
                                             other, other == 1 ? "" : "s");
      g_autofree char *v2 = g_strdup_printf ("Steady inference, %u tokens, C with %d thread%s",
                                             n128, other, other == 1 ? "" : "s");
      g_autofree char *v3 = g_strdup_printf (
          "Load + first forward, %u tokens, C with the optimizing executor (ATTN_SHIM_OPTIMIZE=1)",
          n12);
      g_autofree char *v4 =
          g_strdup_printf ("Steady inference, %u tokens, C with the optimizing executor", n12);
      g_autofree char *v5 =
          g_strdup_printf ("Steady inference, %u tokens, C with the optimizing executor", n128);

      row (f1, lt[0].load, lt[2].load, "report");
      row (f2, lt[0].first, lt[2].first, "report");
      row (f3, lt[0].load_first, lt[2].load_first, "report");
      stat_row (f4, s12[0], s12[2], "≥ 1.5×");
      stat_row (f5, s128[0], s128[2], "≥ 1×");
      {
        g_autofree char *f6 = g_strdup_printf ("Steady inference, %u tokens (%d thread%s)", n512,
                                               threads, threads == 1 ? "" : "s");

        stat_row (f6, s512[0], s512[1], "≥ 1×");
      }
      /* C-side variants: the ratio column compares with the default above. */
      variant_row (v1, s12_other[0].med, s12[0].med);
      variant_row (v2, s128_other[0].med, s128[0].med);
      variant_row (v3, lt[1].load_first, lt[0].load_first);
      variant_row (v4, s12[1].med, s12[0].med);
      variant_row (v5, s128[1].med, s128[0].med);
      for (guint k = 0; k < 3; k++)
        for (guint b = 0; b < 3; b++)
          {
            guint n = k == 0 ? n12 : k == 1 ? n128 : n512;
            double base = k == 0 ? s12[0].med : k == 1 ? s128[0].med : s512[0].med;
            g_autofree char *f =
                b == 0 ? g_strdup_printf ("Steady inference, %u tokens, C on OpenBLAS's GEMM "
                                          "(1 thread, OpenBLAS's threads by size)",
                                          n)
                       : g_strdup_printf ("Steady inference, %u tokens, C on OpenBLAS's GEMM, "
                                          "OpenBLAS threads fixed at %u",
                                          n, b);

            variant_row (f, blas[k][b].med, base);
          }
      if (py != NULL)
        for (guint k = 0; k < 2; k++)
          {
            g_autofree char *f = g_strdup_printf (
                "Steady inference, %u tokens, Python with %d thread%s", k == 0 ? n12 : n128,
                py_other_threads, py_other_threads == 1 ? "" : "s");
            g_autofree char *v = fmt_ms (py_other[k].med);

            /* Python's slot in s12 and s128 is 2, after the two C modes. */
            printf ("%s | – | %s | Python's default ÷ this: %.2f× | report\n", f, v,
                    (k == 0 ? s12 : s128)[2].med / py_other[k].med);
          }
      if (py != NULL)
        printf ("Medians of %u, C and Python alternating run by run, 250 ms apart; C: %s's GEMM; "
                "Python: torch %s, its default of %d thread(s), the same ids | | | |\n",
                repeats, strcmp (attn_shim_gemm_backend (), "onednn") == 0 ? "oneDNN" : "OpenBLAS",
                py->version, py->threads);
    }
  if (py != NULL)
    python_stop (py);
  return 0;
}
