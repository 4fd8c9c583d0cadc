/* attention-combine.c: several tokens' attention as one, a pair's filter
 * (see the header) */

#include "attention-combine.h"

void
attention_combine_tokens (const float *matrix,
                          guint n,
                          const guint *tokens,
                          guint n_tokens,
                          gboolean by_column,
                          AttentionCombine combine,
                          float *out)
{
  guint counted = 0;

  g_return_if_fail (matrix != NULL || n == 0);
  g_return_if_fail (tokens != NULL || n_tokens == 0);
  g_return_if_fail (out != NULL || n == 0);

  for (guint k = 0; k < n; k++)
    out[k] = 0;
  /* Summed in double, token after token: the order the user sees them in. */
  for (guint k = 0; k < n; k++)
    {
      double sum = 0;

      counted = 0;
      for (guint p = 0; p < n_tokens; p++)
        {
          guint t = tokens[p];

          if (t >= n)
            continue;
          sum += by_column ? matrix[(gsize)k * n + t] : matrix[(gsize)t * n + k];
          counted++;
        }
      out[k] = (float)(combine == ATTENTION_COMBINE_MEAN && counted > 0 ? sum / counted : sum);
    }
}

void
attention_filter_pair (
    const float *matrix, guint n, const gint64 *types, int from_type, int to_type, float *out)
{
  g_return_if_fail (matrix != NULL || n == 0);
  g_return_if_fail (out != NULL || n == 0);

  for (guint q = 0; q < n; q++)
    for (guint k = 0; k < n; k++)
      {
        gboolean keep = types == NULL || ((from_type < 0 || types[q] == from_type) &&
                                          (to_type < 0 || types[k] == to_type));

        out[(gsize)q * n + k] = keep ? matrix[(gsize)q * n + k] : 0;
      }
}
