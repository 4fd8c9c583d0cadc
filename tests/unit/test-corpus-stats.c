/* test-corpus-stats.c: the corpus statistics on matrices whose means are
 * worked out by hand here; the fixed-point sums (exact, order-independent,
 * decimal round trip); punctuation by Unicode category; relation parsing
 * and pairs (nearest: ties to the right); merging and its refusals; the
 * JSON file read back. No model. */

#include <math.h>
#include <string.h>

#include "attention-corpus-stats.h"

/* [CLS] . [SEP] with rows (query) as below. */
static const float matrix[9] = {
  0.5f,  0.25f, 0.25f, /* */
  0.25f, 0.5f,  0.25f, /* */
  0.0f,  0.5f,  0.5f,  /* */
};
static const char *const tokens[] = { "[CLS]", ".", "[SEP]" };
static const gboolean special[] = { TRUE, FALSE, TRUE };

static void
test_hand_means (void)
{
  g_autoptr (AttentionCorpusStats) stats = attention_corpus_stats_new ("m", "h", 1, 1);
  const double expected[ATTENTION_CORPUS_N_STATS] = {
    /* previous: A[1][0], A[2][1] */ (0.25 + 0.5) / 2,
    /* next: A[0][1], A[1][2] */ (0.25 + 0.25) / 2,
    /* self */ 0.5,
    /* cls */ (0.5 + 0.25 + 0) / 3,
    /* sep */ (0.25 + 0.25 + 0.5) / 3,
    /* punctuation: column 1 */ (0.25 + 0.5 + 0.5) / 3,
    /* entropy: 1.5 ln 2, 1.5 ln 2, ln 2 (0 ln 0 = 0) */ 4 * G_LN2 / 3,
    /* distance: 0.25 + 2·0.25, 0.25 + 0.25, 0.5 */ (0.75 + 0.5 + 0.5) / 3,
  };

  attention_corpus_stats_add_line (stats, 1, "x", matrix, 3, tokens, special, NULL);
  g_assert_cmpuint (attention_corpus_stats_get_lines (stats), ==, 1);
  g_assert_cmpuint (attention_corpus_stats_get_tokens (stats), ==, 3);
  for (guint s = 0; s < ATTENTION_CORPUS_N_STATS; s++)
    g_assert_cmpfloat_with_epsilon (attention_corpus_stats_get_mean (stats, 0, 0, s), expected[s],
                                    1e-12);
}

static void
test_fixed (void)
{
  const double values[] = { 0.1, 1e-9, 511.75, 0.3333333, 2.5e-17, 0.7 };
  AttentionFixed forward = 0, backward = 0;
  AttentionFixed parsed;
  g_autofree char *text = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      forward += attention_fixed_from_double (values[i]);
      backward += attention_fixed_from_double (values[G_N_ELEMENTS (values) - 1 - i]);
    }
  g_assert_true (forward == backward);
  g_assert_cmpfloat_with_epsilon (attention_fixed_to_double (forward),
                                  0.1 + 1e-9 + 511.75 + 0.3333333 + 2.5e-17 + 0.7, 1e-12);
  /* 2^60 units a unit: 1.0 is 1152921504606846976. */
  text = attention_fixed_to_string (attention_fixed_from_double (1.0));
  g_assert_cmpstr (text, ==, "1152921504606846976");
  g_clear_pointer (&text, g_free);
  text = attention_fixed_to_string (forward);
  g_assert_true (attention_fixed_parse (text, &parsed));
  g_assert_true (parsed == forward);
  g_assert_false (attention_fixed_parse ("12a", &parsed));
  g_assert_false (attention_fixed_parse ("", &parsed));
  g_assert_false (attention_fixed_parse ("999999999999999999999999999999999999999999", &parsed));
}

static void
test_punctuation (void)
{
  const char *yes[] = { ".", ",", "!?", "«", "—", "#", "¿", "…", "'" };
  const char *no[] = { "$", "+", "a", ".a", "[UNK]", "", "##s", "1", "^" };

  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    g_assert_true (attention_corpus_is_punctuation (yes[i]));
  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    g_assert_false (attention_corpus_is_punctuation (no[i]));
}

static void
test_relations (void)
{
  const char *bad[] = { "x",       ":a->b",     "x:a",       "x:->b",   "x:a->",
                        "x:/a->b", "x:a->@FOO", "x:a,,b->c", "x:/(/->a" };
  /* [CLS] dog a cat the [SEP] */
  const char *const toks[] = { "[CLS]", "dog", "a", "cat", "the", "[SEP]" };
  const char *const tags[] = { NULL, "NOUN", "DET", "NOUN", "DET", NULL };
  const gboolean spec[] = { TRUE, FALSE, FALSE, FALSE, FALSE, TRUE };
  g_autoptr (AttentionRelation) nearest = NULL;
  g_autoptr (AttentionRelation) all = NULL;
  g_autoptr (AttentionRelation) regex = NULL;
  g_autofree guint *pairs = NULL;
  guint n;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_null (attention_relation_parse (bad[i], &error));
      g_assert_error (error, ATTENTION_RELATION_ERROR, ATTENTION_RELATION_ERROR_SYNTAX);
    }

  nearest = attention_relation_parse ("det:@DET->nearest:@NOUN", NULL);
  g_assert_nonnull (nearest);
  g_assert_true (attention_relation_needs_tags (nearest));
  g_assert_cmpstr (attention_relation_get_to (nearest), ==, "nearest:@NOUN");
  /* a(2): dog(1) and cat(3) tie, the right one wins; the(4): cat(3). */
  pairs = attention_relation_find_pairs (nearest, 6, toks, spec, tags, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (pairs[0], ==, 2);
  g_assert_cmpuint (pairs[1], ==, 3);
  g_assert_cmpuint (pairs[2], ==, 4);
  g_assert_cmpuint (pairs[3], ==, 3);
  g_clear_pointer (&pairs, g_free);
  /* Without tags, @TAG matches nothing. */
  pairs = attention_relation_find_pairs (nearest, 6, toks, spec, NULL, &n);
  g_assert_cmpuint (n, ==, 0);
  g_clear_pointer (&pairs, g_free);

  /* Word lists ignore case; specials never match, even by name. */
  all = attention_relation_parse ("x:A,THE,[cls]->DOG,cat,[SEP]", NULL);
  pairs = attention_relation_find_pairs (all, 6, toks, spec, NULL, &n);
  g_assert_cmpuint (n, ==, 4); /* a→dog, a→cat, the→dog, the→cat */
  g_clear_pointer (&pairs, g_free);

  /* A regular expression with "->" inside; i ≠ j. */
  regex = attention_relation_parse ("r:/^(a|c)/->/^[a-z]+$|->/", NULL);
  g_assert_nonnull (regex);
  g_assert_cmpstr (attention_relation_get_from (regex), ==, "/^(a|c)/");
  pairs = attention_relation_find_pairs (regex, 6, toks, spec, NULL, &n);
  g_assert_cmpuint (n, ==, 2 * 3); /* a, cat → each of the other three words */
}

static void
test_merge_and_json (void)
{
  g_autoptr (AttentionCorpusStats) a = attention_corpus_stats_new ("m", "h", 1, 1);
  g_autoptr (AttentionCorpusStats) b = attention_corpus_stats_new ("m", "h", 1, 1);
  g_autoptr (AttentionCorpusStats) both = attention_corpus_stats_new ("m", "h", 1, 1);
  g_autoptr (AttentionCorpusStats) other = attention_corpus_stats_new ("m", "other", 1, 1);
  g_autoptr (AttentionCorpusStats) wide = attention_corpus_stats_new ("m", "h", 1, 2);
  g_autoptr (AttentionCorpusStats) back = NULL;
  g_autoptr (JsonNode) node_both = NULL, node_a = NULL, node_back = NULL;
  g_autoptr (GError) error = NULL;
  const float uniform[4] = { 0.5f, 0.5f, 0.5f, 0.5f };
  const char *const two[] = { "[CLS]", "[SEP]" };
  const gboolean spec2[] = { TRUE, TRUE };

  attention_corpus_stats_add_line (a, 1, "x", matrix, 3, tokens, special, NULL);
  attention_corpus_stats_skip_line (b, 2, "it is empty");
  attention_corpus_stats_add_line (b, 3, "y", uniform, 2, two, spec2, NULL);
  attention_corpus_stats_add_line (both, 3, "y", uniform, 2, two, spec2, NULL);
  attention_corpus_stats_skip_line (both, 2, "it is empty");
  attention_corpus_stats_add_line (both, 1, "x", matrix, 3, tokens, special, NULL);

  g_assert_false (attention_corpus_stats_merge (a, other, &error));
  g_assert_error (error, ATTENTION_CORPUS_STATS_ERROR, ATTENTION_CORPUS_STATS_ERROR_MISMATCH);
  g_clear_error (&error);
  g_assert_false (attention_corpus_stats_merge (a, wide, &error));
  g_assert_error (error, ATTENTION_CORPUS_STATS_ERROR, ATTENTION_CORPUS_STATS_ERROR_MISMATCH);
  g_clear_error (&error);

  g_assert_true (attention_corpus_stats_merge (a, b, &error));
  g_assert_no_error (error);
  /* Except for the time, the same file as the lines added in another order. */
  node_both = attention_corpus_stats_to_json (both);
  node_a = attention_corpus_stats_to_json (a);
  g_assert_true (json_node_equal (node_a, node_both));

  back = attention_corpus_stats_new_from_json (node_a, &error);
  g_assert_no_error (error);
  node_back = attention_corpus_stats_to_json (back);
  g_assert_true (json_node_equal (node_back, node_a));
  g_assert_cmpuint (attention_corpus_stats_get_n_skipped (back), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/corpus-stats/hand-means", test_hand_means);
  g_test_add_func ("/corpus-stats/fixed", test_fixed);
  g_test_add_func ("/corpus-stats/punctuation", test_punctuation);
  g_test_add_func ("/corpus-stats/relations", test_relations);
  g_test_add_func ("/corpus-stats/merge-and-json", test_merge_and_json);
  return g_test_run ();
}
