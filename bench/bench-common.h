/* bench-common.h: helpers shared by the bench programs (timing, medians,
 * seeded attention matrices). Header-only: each bench is one small program. */
#pragma once

#include <glib.h>
#include <math.h>
#include <stdlib.h>

static inline int
bench_compare_double (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/* Sorts values in place. */
static inline double
bench_median (double *values, guint n)
{
  qsort (values, n, sizeof *values, bench_compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static inline double
bench_now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* n_matrices row-stochastic n × n matrices, peaked like real attention (a
 * softmax of scaled Gaussian scores), the same for a given seed. */
static inline float *
bench_random_attention (guint n_matrices, guint n, guint32 seed)
{
  GRand *rand = g_rand_new_with_seed (seed);
  float *m = g_new (float, (gsize)n_matrices *n *n);

  for (gsize r = 0; r < (gsize)n_matrices * n; r++)
    {
      float *row = m + r * n;
      double sum = 0;

      for (guint j = 0; j < n; j++)
        {
          row[j] = (float)exp (3.0 * g_rand_double_range (rand, -1, 1));
          sum += row[j];
        }
      for (guint j = 0; j < n; j++)
        row[j] = (float)(row[j] / sum);
    }
  g_rand_free (rand);
  return m;
}
