/* test-robust-text.c: odd text through a real model:
 * no [MASK], several, only [MASK], far too long (refused with the token count
 * before any work), exactly max_positions tokens, one more, invalid UTF-8,
 * control and zero-width characters. Runs the seeded test model
 * ($ATTENTION_TEST_MODEL, made by tools/make-test-model). */

#include <math.h>
#include <string.h>

#include "attention-model.h"

static AttentionModel *model;

/* Every attention row is a probability distribution. */
static void
assert_rows_sum_to_one (AttentionResult *result)
{
  guint n = attention_result_get_n_tokens (result);
  gsize n_rows =
      (gsize)attention_result_get_n_layers (result) * attention_result_get_n_heads (result) * n;
  const float *a = attention_result_get_attentions (result);

  for (gsize r = 0; r < n_rows; r++)
    {
      double sum = 0;

      for (guint k = 0; k < n; k++)
        {
          g_assert_true (isfinite (a[r * n + k]));
          sum += a[r * n + k];
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-4);
    }
}

static AttentionResult *
run_ok (const char *text, guint top_k)
{
  g_autoptr (GError) error = NULL;
  AttentionResult *result = attention_model_run (model, text, top_k, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  assert_rows_sum_to_one (result);
  return result;
}

static void
test_no_mask (void)
{
  g_autoptr (AttentionResult) result = run_ok ("The cat sat on the mat.", 3);

  /* Attention is still worth seeing; there is just nothing to predict. */
  g_assert_cmpuint (attention_result_get_n_predictions (result), ==, 0);
  g_assert_cmpuint (attention_result_get_n_tokens (result), ==, 9);
}

static void
test_several_masks (void)
{
  g_autoptr (AttentionResult) result = run_ok ("[MASK] is the [MASK] of [MASK].", 4);
  const guint positions[] = { 1, 4, 6 };

  g_assert_cmpuint (attention_result_get_n_predictions (result), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      guint n_candidates = 0;
      const AttentionCandidate *c = attention_result_get_candidates (result, i, &n_candidates);
      g_autofree char *filled = attention_result_fill_mask (result, i, 0);

      g_assert_cmpuint (attention_result_get_prediction_position (result, i), ==, positions[i]);
      g_assert_cmpuint (n_candidates, ==, 4);
      for (guint k = 0; k < n_candidates; k++)
        {
          g_assert_nonnull (c[k].token);
          g_assert_cmpfloat (c[k].probability, >=, 0);
          g_assert_cmpfloat (c[k].probability, <=, 1);
          if (k > 0)
            g_assert_cmpfloat (c[k].probability, <=, c[k - 1].probability);
        }
      /* Each mask gets its own list: only the i-th one is filled here. */
      g_assert_nonnull (strstr (filled, "[MASK]"));
    }
}

static void
test_only_mask (void)
{
  g_autoptr (AttentionResult) result = run_ok ("[MASK]", 2);

  g_assert_cmpuint (attention_result_get_n_tokens (result), ==, 3);
  g_assert_cmpuint (attention_result_get_n_predictions (result), ==, 1);
  g_assert_cmpuint (attention_result_get_prediction_position (result, 0), ==, 1);
}

/* n words of one token each, with a [MASK] in the middle: n + 2 tokens. */
static char *
words (guint n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (s, i == n / 2 ? "[MASK] " : "the ");
  return g_string_free (s, FALSE);
}

static void
test_exactly_max_positions (void)
{
  guint max = attention_model_get_info (model)->max_positions;
  g_autofree char *text = words (max - 2);
  g_autoptr (AttentionResult) result = run_ok (text, 1);

  g_assert_cmpuint (attention_result_get_n_tokens (result), ==, max);
  g_assert_cmpuint (attention_result_get_n_predictions (result), ==, 1);
}

static void
test_one_token_too_many (void)
{
  guint max = attention_model_get_info (model)->max_positions;
  g_autofree char *text = words (max - 1);
  g_autofree char *count = g_strdup_printf ("%u", max + 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionResult) result = attention_model_run (model, text, 1, NULL, &error);

  g_assert_null (result);
  g_assert_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_TOO_LONG);
  g_assert_nonnull (strstr (error->message, count));
}

/* 100 KB of prose: refused with its exact token count. */
static void
test_100kb (void)
{
  const char *sentence = "The queen of France sat in the cat's bank, 42 times! ";
  GString *s = g_string_new (NULL);
  g_autofree char *text = NULL;
  g_autofree char *count = NULL;
  g_autoptr (BertEncoding) enc = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionResult) result = NULL;

  while (s->len < 100 * 1024)
    g_string_append (s, sentence);
  text = g_string_free (s, FALSE);
  enc = attention_model_encode (model, text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (enc->n_tokens, >, 10000);
  count = g_strdup_printf ("%u", enc->n_tokens);

  result = attention_model_run (model, text, 3, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_TOO_LONG);
  g_assert_nonnull (strstr (error->message, count));
}

static void
test_invalid_utf8 (void)
{
  const char *cases[] = { "The [MASK] \xff is here.", "caf\xc3", "\xed\xa0\x80 [MASK]",
                          "\xc0\xaf [MASK]" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AttentionResult) result = attention_model_run (model, cases[i], 3, NULL, &error);

      g_assert_null (result);
      g_assert_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_INPUT);
      g_assert_nonnull (strstr (error->message, "UTF-8"));
      /* The message is shown to the user as is: it must be valid itself. */
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}

/* Control characters are dropped and zero-width ones are not words: the run
 * sees the same tokens as for the clean text. */
static void
test_control_and_zero_width (void)
{
  g_autoptr (AttentionResult) clean = run_ok ("the cat sat on the [MASK].", 3);
  g_autoptr (AttentionResult) odd = run_ok ("\x01the\xe2\x80\x8b cat\x7f sat\xe2\x80\x8d on "
                                            "\xef\xbb\xbfthe\x1b [MASK]\xc2\xad.\r\n",
                                            3);
  guint n = attention_result_get_n_tokens (clean);

  g_assert_cmpuint (attention_result_get_n_tokens (odd), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (attention_result_get_id (odd, i), ==, attention_result_get_id (clean, i));
  g_assert_cmpuint (attention_result_get_n_predictions (odd), ==, 1);

  /* Nothing but invisible characters is an empty sentence, not a crash. */
  {
    g_autoptr (AttentionResult) empty = run_ok ("\xe2\x80\x8b\x01\xef\xbb\xbf", 3);

    g_assert_cmpuint (attention_result_get_n_tokens (empty), ==, 2);
  }
}

int
main (int argc, char **argv)
{
  const char *path = g_getenv ("ATTENTION_TEST_MODEL");
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  if (path == NULL)
    {
      g_test_skip ("ATTENTION_TEST_MODEL is not set");
      return g_test_run ();
    }
  model = attention_model_new_from_file (path, &error);
  g_assert_no_error (error);

  g_test_add_func ("/robust/text/no-mask", test_no_mask);
  g_test_add_func ("/robust/text/several-masks", test_several_masks);
  g_test_add_func ("/robust/text/only-mask", test_only_mask);
  g_test_add_func ("/robust/text/exactly-max-positions", test_exactly_max_positions);
  g_test_add_func ("/robust/text/one-token-too-many", test_one_token_too_many);
  g_test_add_func ("/robust/text/100kb", test_100kb);
  g_test_add_func ("/robust/text/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/robust/text/control-and-zero-width", test_control_and_zero_width);
  status = g_test_run ();
  g_clear_object (&model);
  return status;
}
