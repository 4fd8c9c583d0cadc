/* test-inside-subset.c: the inside quantities follow the window's other run
 * options and views. A result built by hand (5 tokens, 1 layer, 2 heads,
 * queries, keys, value norms, a saliency, a pair, a head switched off, a
 * trained length), then:
 *   - "Hide [CLS] and [SEP]" keeps each kept token's queries, keys, norms and
 *     saliency score, and the [MASK]'s saliency at its new index;
 *   - attention × value norms of the subset are N_ij = a_ij ||f_j|| over the
 *     kept keys only, each row scaled to sum 1 (computed here in double from
 *     the hand-written numbers), whichever comes first (hide, then norms, or
 *     norms, then hide);
 *   - the norms result keeps the pair's token types, the head mask (a head
 *     that is off has all-zero norms), the predictions and the trained
 *     length (hatching), and names its quantity. */

#include <math.h>
#include <string.h>

#include "attention-result.h"
#include "attention-stats.h"

#define N 5
#define L 1
#define H 2
#define D 2

static const char *const tokens[N] = { "[CLS]", "paris", "is", "[MASK]", "[SEP]" };

/* Rows sum to 1; head 1 (0-indexed) is the one switched off, all zero. */
static const float attentions[L * H * N * N] = {
  0.40f, 0.10f, 0.20f, 0.10f, 0.20f, /* head 0 */
  0.05f, 0.30f, 0.25f, 0.15f, 0.25f, /**/
  0.10f, 0.20f, 0.30f, 0.20f, 0.20f, /**/
  0.30f, 0.30f, 0.10f, 0.10f, 0.20f, /**/
  0.50f, 0.10f, 0.10f, 0.10f, 0.20f, /**/
  0,     0,     0,     0,     0,     /* head 1: off */
  0,     0,     0,     0,     0,     /**/
  0,     0,     0,     0,     0,     /**/
  0,     0,     0,     0,     0,     /**/
  0,     0,     0,     0,     0,
};
static const float norms[L * H * N] = { 3.0f, 1.0f, 0.5f, 2.0f, 4.0f, 1, 1, 1, 1, 1 };
static const float saliency[N] = { 0.1f, 0.7f, -0.3f, 0.05f, -0.2f };
static const gint64 types[N] = { 0, 0, 0, 1, 1 };
static const float head_mask[L * H] = { 1, 0 };

/* queries[m][t][e] = 100 m + 10 t + e, keys the same negated: any row in
 * the wrong place shows. */
static float queries[L * H * N * D], keys[L * H * N * D];

static AttentionResult *
build (void)
{
  BertEncoding *encoding = g_new0 (BertEncoding, 1);
  AttentionResult *r;
  AttentionCandidate candidate = { (char *)"capital", 7, 0.5 };
  float *inside = g_new (float, 2 * L * H * N * D + L * H * N);

  encoding->n_tokens = N;
  encoding->ids = g_new (gint64, N);
  encoding->tokens = g_new0 (char *, N + 1);
  encoding->spans = g_new0 (BertSpan, N);
  for (guint t = 0; t < N; t++)
    {
      encoding->ids[t] = t + 100;
      encoding->tokens[t] = g_strdup (tokens[t]);
    }
  for (guint m = 0; m < L * H; m++)
    for (guint t = 0; t < N; t++)
      for (guint e = 0; e < D; e++)
        {
          queries[(m * N + t) * D + e] = 100.0f * m + 10.0f * t + e;
          keys[(m * N + t) * D + e] = -queries[(m * N + t) * D + e];
        }
  r = attention_result_new ("paris is [MASK]", encoding, L, H,
                            g_memdup2 (attentions, sizeof attentions));
  attention_result_add_prediction (r, 3, &candidate, 1);
  attention_result_set_pair (r, "[MASK]", types);
  attention_result_set_head_mask (r, head_mask);
  /* Tokens 3 and 4 lie past the trained length. */
  attention_result_set_trained_length (r, 3);
  /* The inside vectors live as long as the result: kept in its data. */
  memcpy (inside, queries, sizeof queries);
  memcpy (inside + L * H * N * D, keys, sizeof keys);
  memcpy (inside + 2 * L * H * N * D, norms, sizeof norms);
  g_object_set_data_full (G_OBJECT (r), "inside", inside, g_free);
  attention_result_set_inside (r, D, inside, inside + L * H * N * D, inside + 2 * L * H * N * D);
  attention_result_add_saliency (r, 3, 7, saliency);
  return r;
}

/* The reference: norms of head 0 over the tokens keep[0 … n_keep), rows
 * scaled to sum 1, in double. */
static void
reference_norms (const guint *keep, guint n_keep, double *out)
{
  for (guint i = 0; i < n_keep; i++)
    {
      double sum = 0;

      for (guint j = 0; j < n_keep; j++)
        sum += (double)attentions[keep[i] * N + keep[j]] * norms[keep[j]];
      for (guint j = 0; j < n_keep; j++)
        out[i * n_keep + j] = (double)attentions[keep[i] * N + keep[j]] * norms[keep[j]] / sum;
    }
}

static void
check_norms (AttentionResult *shown, const guint *keep, guint n_keep)
{
  double want[N * N];
  const float *got = attention_result_get_matrix (shown, 0, 0);
  const float *off = attention_result_get_matrix (shown, 0, 1);

  g_assert_cmpuint (attention_result_get_n_tokens (shown), ==, n_keep);
  reference_norms (keep, n_keep, want);
  for (guint k = 0; k < n_keep * n_keep; k++)
    g_assert_cmpfloat_with_epsilon (got[k], want[k], 1e-6);
  for (guint k = 0; k < n_keep * n_keep; k++)
    g_assert_cmpfloat (off[k], ==, 0);
  g_assert_nonnull (attention_result_get_quantity (shown));
  g_assert_nonnull (g_strstr_len (attention_result_get_quantity (shown), -1, "norms"));
}

static void
test_subset_keeps_inside (void)
{
  g_autoptr (AttentionResult) r = build ();
  g_autoptr (AttentionResult) hidden = attention_stats_without_specials (r);
  static const guint keep[] = { 1, 2, 3 };
  guint position;
  gint64 token;

  g_assert_cmpuint (attention_result_get_n_tokens (hidden), ==, 3);
  g_assert_true (attention_result_get_specials_hidden (hidden));
  g_assert_cmpuint (attention_result_get_head_size (hidden), ==, D);
  for (guint m = 0; m < L * H; m++)
    for (guint k = 0; k < 3; k++)
      {
        const float *q = attention_result_get_queries (hidden, 0, m);
        const float *kk = attention_result_get_keys (hidden, 0, m);

        for (guint e = 0; e < D; e++)
          {
            g_assert_cmpfloat (q[k * D + e], ==, 100.0f * m + 10.0f * keep[k] + e);
            g_assert_cmpfloat (kk[k * D + e], ==, -(100.0f * m + 10.0f * keep[k] + e));
          }
        g_assert_cmpfloat (attention_result_get_value_norms (hidden, 0, m)[k], ==,
                           norms[m * N + keep[k]]);
      }
  g_assert_cmpuint (attention_result_get_n_saliency (hidden), ==, 1);
  attention_result_get_saliency_target (hidden, 0, &position, &token);
  g_assert_cmpuint (position, ==, 2);
  g_assert_cmpint (token, ==, 7);
  for (guint k = 0; k < 3; k++)
    g_assert_cmpfloat (attention_result_get_saliency (hidden, 0)[k], ==, saliency[keep[k]]);
  /* Only "paris" and "is" lie within the trained length of 3. */
  g_assert_cmpuint (attention_result_get_hatch_from (hidden), ==, 2);
}

static void
test_norms_of_subset (void)
{
  g_autoptr (AttentionResult) r = build ();
  g_autoptr (AttentionResult) hidden = attention_stats_without_specials (r);
  g_autoptr (AttentionResult) hide_then_norms = attention_stats_norms_result (hidden);
  g_autoptr (AttentionResult) full_norms = attention_stats_norms_result (r);
  g_autoptr (AttentionResult) norms_then_hide = attention_stats_without_specials (full_norms);
  static const guint keep[] = { 1, 2, 3 };
  static const guint all[] = { 0, 1, 2, 3, 4 };

  check_norms (full_norms, all, N);
  check_norms (hide_then_norms, keep, 3);
  check_norms (norms_then_hide, keep, 3);
  g_assert_true (attention_result_get_specials_hidden (hide_then_norms));
  g_assert_true (attention_result_get_specials_hidden (norms_then_hide));
}

static void
test_norms_keep_run_options (void)
{
  g_autoptr (AttentionResult) r = build ();
  g_autoptr (AttentionResult) shown = attention_stats_norms_result (r);
  guint n_candidates;

  g_assert_cmpstr (attention_result_get_pair_text (shown), ==, "[MASK]");
  for (guint t = 0; t < N; t++)
    g_assert_cmpint (attention_result_get_token_type_ids (shown)[t], ==, types[t]);
  g_assert_nonnull (attention_result_get_head_mask (shown));
  g_assert_cmpfloat (attention_result_get_head_mask (shown)[1], ==, 0);
  g_assert_cmpuint (attention_result_get_hatch_from (shown), ==, 3);
  g_assert_cmpuint (attention_result_get_n_predictions (shown), ==, 1);
  g_assert_cmpuint (attention_result_get_prediction_position (shown, 0), ==, 3);
  g_assert_cmpstr (attention_result_get_candidates (shown, 0, &n_candidates)[0].token, ==,
                   "capital");
  g_assert_cmpuint (attention_result_get_n_saliency (shown), ==, 1);
  /* The weights themselves have no quantity; a result without norms has no
   * norms result. */
  g_assert_null (attention_result_get_quantity (r));
  {
    BertEncoding *e = g_new0 (BertEncoding, 1);
    g_autoptr (AttentionResult) plain = NULL;

    e->n_tokens = 1;
    e->ids = g_new0 (gint64, 1);
    e->tokens = g_new0 (char *, 2);
    e->tokens[0] = g_strdup ("a");
    e->spans = g_new0 (BertSpan, 1);
    plain = attention_result_new ("a", e, 1, 1, g_new0 (float, 1));
    g_assert_null (attention_stats_norms_result (plain));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/inside/subset-keeps-inside", test_subset_keeps_inside);
  g_test_add_func ("/inside/norms-of-subset", test_norms_of_subset);
  g_test_add_func ("/inside/norms-keep-run-options", test_norms_keep_run_options);
  return g_test_run ();
}
