/* test-gemm.c: the shim module's sgemm_ (shim/module/attn-shim-gemm.cpp), which
 * takes libtorch's matrix products to oneDNN's GEMM:
 *  - it computes what BLAS's sgemm_ defines (column-major, both transposes,
 *    leading dimensions larger than the matrices, alpha and beta, and a C
 *    full of NaN that beta = 0 must not read), on either backend;
 *  - libtorch's calls do bind to it: a model run adds to oneDNN's count;
 *  - the same model run on OpenBLAS's GEMM gives the same numbers to float
 *    rounding, and the switch refuses a backend it does not know. */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <glib.h>
#include <link.h>
#include <math.h>
#include <string.h>

#include "attn-shim-gemm.h"
#include "attn-shim-module.h"
#include "test-shim-run.h"

static int
find_module_cb (struct dl_phdr_info *info, size_t size, void *data)
{
  char **found = data;

  (void)size;
  if (info->dlpi_name != NULL && g_str_has_suffix (info->dlpi_name, "/" ATTN_SHIM_MODULE_NAME))
    {
      *found = g_strdup (info->dlpi_name);
      return 1;
    }
  return 0;
}

/* The module's own sgemm_, found in the loaded module (not by name in the
 * global scope, which the module, loaded RTLD_LOCAL, is not part of). */
static attn_shim_sgemm_func
module_sgemm (void)
{
  g_autofree char *path = NULL;
  char *error = NULL;
  void *handle;
  attn_shim_sgemm_func fn;

  if (attn_shim_preload (&error) != 0)
    g_error ("the shim module did not load: %s", error);
  dl_iterate_phdr (find_module_cb, &path);
  g_assert_nonnull (path);
  handle = dlopen (path, RTLD_LAZY | RTLD_NOLOAD);
  g_assert_nonnull (handle);
  fn = (attn_shim_sgemm_func)dlsym (handle, "sgemm_");
  g_assert_nonnull (fn);
  dlclose (handle); /* the loader keeps its own reference */
  return fn;
}

/* Element (i, j) of op(X), X column-major with leading dimension ld. */
static double
op_at (const float *x, int ld, char trans, int i, int j)
{
  return trans == 'N' ? x[i + (gsize)j * ld] : x[j + (gsize)i * ld];
}

static void
check_products (attn_shim_sgemm_func sgemm)
{
  const char trans[2] = { 'N', 'T' };
  /* Sizes that fit no SIMD width; 1 as the one-token case. */
  const int shapes[][3] = { { 7, 13, 5 }, { 1, 30, 17 }, { 33, 1, 9 }, { 12, 40, 64 } };

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    for (guint ta = 0; ta < 2; ta++)
      for (guint tb = 0; tb < 2; tb++)
        for (guint with_beta = 0; with_beta < 2; with_beta++)
          {
            const int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
            const char a_t = trans[ta], b_t = trans[tb];
            /* Stored shapes: op(A) is m×k, op(B) is k×n; 3 spare rows each. */
            const int a_rows = a_t == 'N' ? m : k, a_cols = a_t == 'N' ? k : m;
            const int b_rows = b_t == 'N' ? k : n, b_cols = b_t == 'N' ? n : k;
            const int lda = a_rows + 3, ldb = b_rows + 3, ldc = m + 3;
            const float alpha = 0.5f, beta = with_beta ? 2.0f : 0.0f;
            g_autofree float *a = g_new (float, (gsize)lda *a_cols);
            g_autofree float *b = g_new (float, (gsize)ldb *b_cols);
            g_autofree float *c = g_new (float, (gsize)ldc *n);
            g_autofree float *c0 = g_new (float, (gsize)ldc *n);
            GRand *rand = g_rand_new_with_seed (s * 8 + ta * 4 + tb * 2 + with_beta);

            for (gsize i = 0; i < (gsize)lda * a_cols; i++)
              a[i] = (float)g_rand_double_range (rand, -1, 1);
            for (gsize i = 0; i < (gsize)ldb * b_cols; i++)
              b[i] = (float)g_rand_double_range (rand, -1, 1);
            for (gsize i = 0; i < (gsize)ldc * n; i++)
              c0[i] = with_beta ? (float)g_rand_double_range (rand, -1, 1) : NAN;
            memcpy (c, c0, sizeof (float) * ldc * n);
            g_rand_free (rand);

            sgemm (&a_t, &b_t, &m, &n, &k, &alpha, a, &lda, b, &ldb, &beta, c, &ldc);

            for (int j = 0; j < n; j++)
              for (int i = 0; i < ldc; i++)
                {
                  float got = c[i + (gsize)j * ldc];

                  if (i >= m)
                    {
                      /* Rows past m belong to the caller: untouched. */
                      g_assert_true (memcmp (&got, &c0[i + (gsize)j * ldc], sizeof got) == 0);
                      continue;
                    }
                  double want = 0;

                  for (int l = 0; l < k; l++)
                    want += op_at (a, lda, a_t, i, l) * op_at (b, ldb, b_t, l, j);
                  want *= alpha;
                  if (with_beta)
                    want += beta * c0[i + (gsize)j * ldc];
                  if (!(fabs (got - want) <= 1e-5 * (1 + fabs (want))))
                    g_error ("%c%c m=%d n=%d k=%d beta=%g: C(%d,%d) = %g, want %g", a_t, b_t, m, n,
                             k, beta, i, j, got, want);
                }
          }
}

static void
test_products (void)
{
  attn_shim_sgemm_func sgemm = module_sgemm ();

  for (guint i = 0; i < 2; i++)
    {
      const char *backend = i == 0 ? "onednn" : "blas";
      long before;

      g_assert_cmpint (attn_shim_gemm_set_backend (backend), ==, 0);
      g_assert_cmpstr (attn_shim_gemm_backend (), ==, backend);
      before = attn_shim_gemm_onednn_calls ();
      check_products (sgemm);
      /* 4 shapes × 4 transposes × 2 betas, each counted on oneDNN only. */
      g_assert_cmpint (attn_shim_gemm_onednn_calls () - before, ==, i == 0 ? 32 : 0);
    }
  g_assert_cmpint (attn_shim_gemm_set_backend ("onednn"), ==, 0);
}

/* One run of the test model: n_layers × n_heads × n × n attentions and the
 * logits at one position. */
static const gint64 run_ids[] = { 2, 7, 11, 5, 3 };
static const gint64 run_position = 3;

static attn_shim_output *
run_model (attn_shim *shim)
{
  return test_shim_run (shim, run_ids, G_N_ELEMENTS (run_ids), &run_position, 1);
}

/* The two runs' outputs agree to float rounding. */
static void
assert_close (const float *a, const float *b, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (!(fabsf (a[i] - b[i]) <= 1e-4f * (1 + fabsf (b[i]))))
      g_error ("output %zu: %g on oneDNN, %g on BLAS", i, a[i], b[i]);
}

static void
test_model_binds (void)
{
  const char *path = g_getenv ("ATTENTION_TEST_MODEL");
  g_autoptr (attn_shim_output) onednn = NULL;
  g_autoptr (attn_shim_output) blas = NULL;
  gsize n = G_N_ELEMENTS (run_ids);
  attn_shim_dims dims;
  char *error = NULL;
  attn_shim *shim;
  long before;

  if (path == NULL)
    {
      g_test_skip ("ATTENTION_TEST_MODEL is not set");
      return;
    }
  shim = attn_shim_load (path, NULL, &error);
  if (shim == NULL)
    g_error ("%s: %s", path, error);
  dims = attn_shim_get_dims (shim);

  g_assert_cmpint (attn_shim_gemm_set_backend ("onednn"), ==, 0);
  before = attn_shim_gemm_onednn_calls ();
  onednn = run_model (shim);
  /* Every linear layer and attention product of every layer went there. */
  g_assert_cmpint (attn_shim_gemm_onednn_calls () - before, >=, 6 * dims.n_layers);

  g_assert_cmpint (attn_shim_gemm_set_backend ("blas"), ==, 0);
  before = attn_shim_gemm_onednn_calls ();
  blas = run_model (shim);
  g_assert_cmpint (attn_shim_gemm_onednn_calls (), ==, before);
  assert_close (attn_shim_output_get_attentions (onednn), attn_shim_output_get_attentions (blas),
                (gsize)dims.n_layers * dims.n_heads * n * n);
  assert_close (attn_shim_output_get_logits (onednn), attn_shim_output_get_logits (blas),
                dims.vocab_size);

  g_assert_cmpint (attn_shim_gemm_set_backend ("onednn"), ==, 0);
  attn_shim_free (shim);
}

static void
test_default_and_unknown (void)
{
  /* Debian's libtorch links libdnnl: without it the speed is gone, which no
   * other test would notice (test-blas does the same for BLAS). */
  const char *env = g_getenv ("ATTN_SHIM_GEMM");
  const char *want = env != NULL && strcmp (env, "blas") == 0 ? "blas" : "onednn";

  g_assert_cmpstr (attn_shim_gemm_backend (), ==, want);
  g_assert_cmpint (attn_shim_gemm_set_backend ("mkl"), ==, -1);
  g_assert_cmpint (attn_shim_gemm_set_backend (NULL), ==, -1);
  g_assert_cmpstr (attn_shim_gemm_backend (), ==, want);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* First: it checks the backend the environment chose. */
  g_test_add_func ("/gemm/default-and-unknown", test_default_and_unknown);
  g_test_add_func ("/gemm/products", test_products);
  g_test_add_func ("/gemm/model-binds", test_model_binds);
  return g_test_run ();
}
