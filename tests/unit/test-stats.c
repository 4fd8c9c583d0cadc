/* test-stats.c: aggregates, rollout, hiding and head scores against small
 * matrices computed by hand (the working is in the comments). */

#include <locale.h>
#include <math.h>
#include <string.h>

#include "attention-stats.h"

#define EPS 1e-6

static void
assert_matrix (const float *got, const double *want, guint n)
{
  for (guint k = 0; k < n * n; k++)
    {
      if (fabs (got[k] - want[k]) > EPS)
        g_error ("cell (%u, %u): got %.7f, want %.7f", k / n, k % n, got[k], want[k]);
    }
}

static void
test_classify (void)
{
  g_assert_cmpuint (attention_stats_classify_token ("[CLS]"), ==, ATTENTION_TOKEN_CLS);
  g_assert_cmpuint (attention_stats_classify_token ("[SEP]"), ==, ATTENTION_TOKEN_SEP);
  g_assert_cmpuint (attention_stats_classify_token ("."), ==, ATTENTION_TOKEN_PUNCTUATION);
  g_assert_cmpuint (attention_stats_classify_token ("..."), ==, ATTENTION_TOKEN_PUNCTUATION);
  g_assert_cmpuint (attention_stats_classify_token ("$"), ==, ATTENTION_TOKEN_PUNCTUATION);
  g_assert_cmpuint (attention_stats_classify_token ("«"), ==, ATTENTION_TOKEN_PUNCTUATION);
  g_assert_cmpuint (attention_stats_classify_token ("—"), ==, ATTENTION_TOKEN_PUNCTUATION);
  g_assert_cmpuint (attention_stats_classify_token ("the"), ==, 0);
  g_assert_cmpuint (attention_stats_classify_token ("##s"), ==, 0);
  g_assert_cmpuint (attention_stats_classify_token ("[MASK]"), ==, 0);
  g_assert_cmpuint (attention_stats_classify_token ("a."), ==, 0);
  g_assert_cmpuint (attention_stats_classify_token (""), ==, 0);
}

static void
test_layer_mean (void)
{
  /* 2 layers × 2 heads × 2 × 2. Layer 1: H0 = [1 0; .5 .5], H1 = [0 1; .5 .5]
   * → mean [.5 .5; .5 .5]. Layer 0 must not leak in. */
  const float att[] = {
    9, 9, 9,  9,  /* L0 H0 */
    9, 9, 9,  9,  /* L0 H1 */
    1, 0, .5, .5, /* L1 H0 */
    0, 1, .5, .5, /* L1 H1 */
  };
  const double want[] = { .5, .5, .5, .5 };
  float out[4];

  attention_stats_layer_mean (att, 2, 2, 1, out);
  assert_matrix (out, want, 2);
}

static void
test_all_mean (void)
{
  /* Sum of the four = [3 1; 1 3], divided by 4. */
  const float att[] = {
    1, 0, 1, 0, /* L0 H0 */
    0, 1, 0, 1, /* L0 H1 */
    1, 0, 0, 1, /* L1 H0 */
    1, 0, 0, 1, /* L1 H1 */
  };
  const double want[] = { .75, .25, .25, .75 };
  float out[4];

  attention_stats_all_mean (att, 2, 2, 2, out);
  assert_matrix (out, want, 2);
}

/* Layer 0: both heads [1 0; 1 0]; mean + I = [2 0; 1 1] → Â0 = [1 0; .5 .5].
 * Layer 1: H0 = [0 1; 0 1], H1 = [1 0; 0 1]; mean [.5 .5; 0 1];
 * + I = [1.5 .5; 0 2] → Â1 = [.75 .25; 0 1].
 * Rollout to layer 1 = Â1 · Â0 = [.75 + .125, .125; .5, .5] = [.875 .125; .5 .5]
 * (the other order, Â0 · Â1, would be [.75 .25; .375 .625]). */
static const float rollout_att[] = {
  1, 0, 1, 0, /* L0 H0 */
  1, 0, 1, 0, /* L0 H1 */
  0, 1, 0, 1, /* L1 H0 */
  1, 0, 0, 1, /* L1 H1 */
};

static void
test_rollout (void)
{
  const double want0[] = { 1, 0, .5, .5 };
  const double want1[] = { .875, .125, .5, .5 };
  float out[4];

  attention_stats_rollout (rollout_att, 2, 2, 0, out);
  assert_matrix (out, want0, 2);
  attention_stats_rollout (rollout_att, 2, 2, 1, out);
  assert_matrix (out, want1, 2);
}

static void
test_rollout_rows_sum_to_one (void)
{
  /* Three layers, one head, n = 3, arbitrary stochastic rows: every rolled-out
   * row must still sum to 1 (a product of row-stochastic matrices). */
  const float att[] = {
    .2, .3,  .5,  .1,  .8,  .1, .6, .2, .2, /* L0 */
    .9, .05, .05, .3,  .3,  .4, 0,  0,  1,  /* L1 */
    .5, .5,  0,   .25, .25, .5, .1, .7, .2, /* L2 */
  };
  float out[9];

  attention_stats_rollout (att, 1, 3, 2, out);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpfloat_with_epsilon (out[i * 3] + out[i * 3 + 1] + out[i * 3 + 2], 1.0, EPS);
}

static void
test_hide (void)
{
  /* Tokens [CLS] a b [SEP]. Row 1 [.4 .3 .1 .2] keeps .3 and .1 → [0 .75 .25 0].
   * Row 2 [.5 0 0 .5] has nothing left → zeros. Rows 0 and 3 are hidden. */
  const guint8 classes[] = { ATTENTION_TOKEN_CLS, 0, 0, ATTENTION_TOKEN_SEP };
  float m[] = {
    .7,  .1,  .1,  .1, /* */
    .4,  .3,  .1,  .2, /* */
    .5,  0,   0,   .5, /* */
    .25, .25, .25, .25,
  };
  const double want[] = {
    0, 0,   0,   0, /* */
    0, .75, .25, 0, /* */
    0, 0,   0,   0, /* */
    0, 0,   0,   0,
  };

  attention_stats_hide_tokens (m, 4, classes, ATTENTION_TOKEN_CLS | ATTENTION_TOKEN_SEP);
  assert_matrix (m, want, 4);
}

/* Tokens: [CLS] word , [SEP] */
static const guint8 score_classes[] = { ATTENTION_TOKEN_CLS, 0, ATTENTION_TOKEN_PUNCTUATION,
                                        ATTENTION_TOKEN_SEP };

static void
test_scores_previous (void)
{
  /* Row 0 → itself ([CLS]); row i → i − 1. prev = 3/3, next = 0,
   * self = 1/4, [CLS] = (row 0 + row 1)/4 = .5, "," = row 3 / 4 = .25, [SEP] = 0,
   * entropy 0 (one-hot rows). */
  const float m[] = {
    1, 0, 0, 0, /* */
    1, 0, 0, 0, /* */
    0, 1, 0, 0, /* */
    0, 0, 1, 0,
  };
  AttentionHeadScores s;
  g_autofree char *text = NULL;

  attention_stats_head_scores (m, 4, score_classes, &s);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_PREVIOUS], 1.0, EPS);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_NEXT], 0.0, EPS);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_SELF], 0.25, EPS);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_CLS], 0.5, EPS);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_SEP], 0.0, EPS);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_PUNCTUATION], 0.25, EPS);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_ENTROPY], 0.0, EPS);
  g_assert_cmpint (attention_stats_strongest_pattern (&s), ==, ATTENTION_PATTERN_PREVIOUS);
  text = attention_stats_describe_pattern (&s);
  g_assert_cmpstr (text, ==, "mostly attends to the previous token: 1.00");
}

static void
test_scores_next (void)
{
  /* Row i → i + 1; the last row → itself ([SEP]). next = 3/3, self = 1/4,
   * [SEP] = (row 2 + row 3)/4 = .5, "," = row 1 / 4 = .25, [CLS] = 0. */
  const float m[] = {
    0, 1, 0, 0, /* */
    0, 0, 1, 0, /* */
    0, 0, 0, 1, /* */
    0, 0, 0, 1,
  };
  AttentionHeadScores s;

  attention_stats_head_scores (m, 4, score_classes, &s);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_NEXT], 1.0, EPS);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_PREVIOUS], 0.0, EPS);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_SELF], 0.25, EPS);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_SEP], 0.5, EPS);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_PUNCTUATION], 0.25, EPS);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_CLS], 0.0, EPS);
  g_assert_cmpint (attention_stats_strongest_pattern (&s), ==, ATTENTION_PATTERN_NEXT);
}

static void
test_scores_self_cls_sep_punct (void)
{
  const float identity[] = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
  const float to_cls[] = { 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 };
  const float to_sep[] = { 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  /* Every row: .8 on "," and .2 on [SEP]. */
  const float to_punct[] = { 0, 0, .8, .2, 0, 0, .8, .2, 0, 0, .8, .2, 0, 0, .8, .2 };
  AttentionHeadScores s;
  g_autofree char *text = NULL;

  attention_stats_head_scores (identity, 4, score_classes, &s);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_SELF], 1.0, EPS);
  g_assert_cmpint (attention_stats_strongest_pattern (&s), ==, ATTENTION_PATTERN_SELF);

  /* [CLS] = 1; previous = row 1 only → 1/3; self = row 0 → 1/4. */
  attention_stats_head_scores (to_cls, 4, score_classes, &s);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_CLS], 1.0, EPS);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_PREVIOUS], 1.0 / 3, EPS);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_SELF], 0.25, EPS);
  g_assert_cmpint (attention_stats_strongest_pattern (&s), ==, ATTENTION_PATTERN_CLS);

  attention_stats_head_scores (to_sep, 4, score_classes, &s);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_SEP], 1.0, EPS);
  g_assert_cmpint (attention_stats_strongest_pattern (&s), ==, ATTENTION_PATTERN_SEP);

  /* punct = .8; entropy per row = −(.8 ln .8 + .2 ln .2) = 0.500402. */
  attention_stats_head_scores (to_punct, 4, score_classes, &s);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_PUNCTUATION], 0.8, EPS);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_ENTROPY],
                                  -(0.8 * log (0.8) + 0.2 * log (0.2)), 1e-5);
  g_assert_cmpint (attention_stats_strongest_pattern (&s), ==, ATTENTION_PATTERN_PUNCTUATION);
  text = attention_stats_describe_pattern (&s);
  g_assert_cmpstr (text, ==, "mostly attends to punctuation: 0.80");
}

/* Below the threshold no pattern is claimed: rows that give 0.4
 * to [CLS] and spread the rest. */
static void
test_describe_weak_pattern (void)
{
  const float weak[] = { .4, .2, .2, .2, .4, .2, .2, .2, .4, .2, .2, .2, .4, .2, .2, .2 };
  const float half[] = { .5, .5, 0, 0, .5, 0, .5, 0, .5, 0, 0, .5, .5, 0, 0, .5 };
  AttentionHeadScores s;
  g_autofree char *text = NULL;
  g_autofree char *at_half = NULL;

  attention_stats_head_scores (weak, 4, score_classes, &s);
  g_assert_cmpint (attention_stats_strongest_pattern (&s), ==, ATTENTION_PATTERN_CLS);
  text = attention_stats_describe_pattern (&s);
  g_assert_cmpstr (
      text, ==, "shows no single pattern (strongest: [CLS], 0.40; a pattern needs more than 0.5)");
  /* Exactly one half is not "mostly". */
  attention_stats_head_scores (half, 4, score_classes, &s);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_CLS], 0.5, EPS);
  at_half = attention_stats_describe_pattern (&s);
  g_assert_true (g_str_has_prefix (at_half, "shows no single pattern"));
}

static void
test_scores_uniform_entropy (void)
{
  /* Uniform rows of 4: every weight score is 1/4, entropy ln 4; a tie goes to
   * the first pattern. */
  float m[16];
  AttentionHeadScores s;

  for (guint k = 0; k < 16; k++)
    m[k] = 0.25f;
  attention_stats_head_scores (m, 4, score_classes, &s);
  for (int p = 0; p < ATTENTION_PATTERN_ENTROPY; p++)
    g_assert_cmpfloat_with_epsilon (s.score[p], 0.25, EPS);
  g_assert_cmpfloat_with_epsilon (s.score[ATTENTION_PATTERN_ENTROPY], log (4.0), 1e-6);
  g_assert_cmpint (attention_stats_strongest_pattern (&s), ==, ATTENTION_PATTERN_PREVIOUS);
}

/* A 2-token result ([CLS] [SEP]) carrying the rollout tensor above. */
static AttentionResult *
make_result (void)
{
  static const char *tokens[] = { "[CLS]", "[SEP]" };
  BertEncoding *enc = g_new0 (BertEncoding, 1);
  float *att = g_memdup2 (rollout_att, sizeof rollout_att);

  enc->n_tokens = 2;
  enc->ids = g_new0 (gint64, 2);
  enc->tokens = g_new0 (char *, 3);
  enc->spans = g_new0 (BertSpan, 2);
  for (guint i = 0; i < 2; i++)
    enc->tokens[i] = g_strdup (tokens[i]);
  return attention_result_new ("", enc, 2, 2, att);
}

static void
test_compute_on_result (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autofree float *head = NULL;
  g_autofree float *mean = NULL;
  g_autofree float *roll = NULL;
  g_autofree float *hidden = NULL;
  g_autofree AttentionHeadScores *scores = NULL;
  const double want_head[] = { 0, 1, 0, 1 };
  const double want_mean[] = { .5, .5, 0, 1 };
  const double want_roll[] = { .875, .125, .5, .5 };
  const double zeros[] = { 0, 0, 0, 0 };

  head = attention_stats_compute (result, ATTENTION_AGGREGATE_HEAD, 1, 0, FALSE);
  assert_matrix (head, want_head, 2);
  mean = attention_stats_compute (result, ATTENTION_AGGREGATE_LAYER_MEAN, 1, 0, FALSE);
  assert_matrix (mean, want_mean, 2);
  roll = attention_stats_compute (result, ATTENTION_AGGREGATE_ROLLOUT, 1, 0, FALSE);
  assert_matrix (roll, want_roll, 2);
  /* Both tokens special: hiding leaves nothing. */
  hidden = attention_stats_compute (result, ATTENTION_AGGREGATE_HEAD, 1, 0, TRUE);
  assert_matrix (hidden, zeros, 2);

  /* L1 H0 puts everything on [SEP]. */
  scores = attention_stats_all_head_scores (result);
  g_assert_cmpfloat_with_epsilon (scores[2].score[ATTENTION_PATTERN_SEP], 1.0, EPS);
  g_assert_cmpfloat_with_epsilon (scores[0].score[ATTENTION_PATTERN_CLS], 1.0, EPS);
}

static void
on_computed (GObject *source, GAsyncResult *res, gpointer data)
{
  float **out = data;
  g_autoptr (GError) error = NULL;

  *out = attention_stats_compute_finish (ATTENTION_RESULT (source), res, &error);
  g_assert_no_error (error);
}

static void
test_compute_async (void)
{
  g_autoptr (AttentionResult) result = make_result ();
  g_autofree float *roll = NULL;
  const double want_roll[] = { .875, .125, .5, .5 };

  attention_stats_compute_async (result, ATTENTION_AGGREGATE_ROLLOUT, 1, 0, FALSE, NULL,
                                 on_computed, &roll);
  while (roll == NULL)
    g_main_context_iteration (NULL, TRUE);
  assert_matrix (roll, want_roll, 2);
}

int
main (int argc, char **argv)
{
  /* The pattern sentences are checked in the untranslated form. */
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stats/classify", test_classify);
  g_test_add_func ("/stats/layer-mean", test_layer_mean);
  g_test_add_func ("/stats/all-mean", test_all_mean);
  g_test_add_func ("/stats/rollout", test_rollout);
  g_test_add_func ("/stats/rollout-stochastic", test_rollout_rows_sum_to_one);
  g_test_add_func ("/stats/hide-special", test_hide);
  g_test_add_func ("/stats/scores/previous", test_scores_previous);
  g_test_add_func ("/stats/scores/next", test_scores_next);
  g_test_add_func ("/stats/scores/self-cls-sep-punct", test_scores_self_cls_sep_punct);
  g_test_add_func ("/stats/scores/uniform", test_scores_uniform_entropy);
  g_test_add_func ("/stats/scores/describe-weak", test_describe_weak_pattern);
  g_test_add_func ("/stats/result", test_compute_on_result);
  g_test_add_func ("/stats/async", test_compute_async);
  return g_test_run ();
}
