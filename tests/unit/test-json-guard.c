/* test-json-guard.c: untrusted JSON is never parsed recursively without a
 * bound. A config.json nested 100,000 levels deep used to overflow
 * json-glib's recursion; now the non-recursive depth scan refuses it with a
 * clear message before the parser sees it. The vocab reader, which takes
 * lines and no nesting, reads the same brackets as tokens. */

#include <string.h>

#include "attention-json-guard.h"
#include "attention-model.h"
#include "bert-vocab.h"

#define DEEP 100000

static char *
nested (const char *open, const char *close, guint depth, const char *inner)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (s, open);
  g_string_append (s, inner);
  for (guint i = 0; i < depth; i++)
    g_string_append (s, close);
  return g_string_free (s, FALSE);
}

static void
test_depth_scan (void)
{
  g_autofree char *at_limit = nested ("[", "]", ATTENTION_JSON_MAX_DEPTH, "1");
  g_autofree char *past_limit = nested ("[", "]", ATTENTION_JSON_MAX_DEPTH + 1, "1");
  g_autofree char *objects = nested ("{\"a\":", "}", DEEP, "1");
  guint depth = 0;

  g_assert_true (attention_json_depth_ok ("", -1, 1, NULL));
  g_assert_true (attention_json_depth_ok ("{\"a\": [1, {\"b\": []}]}", -1, 4, NULL));
  g_assert_false (attention_json_depth_ok ("{\"a\": [1, {\"b\": []}]}", -1, 3, &depth));
  g_assert_cmpuint (depth, ==, 4);
  g_assert_true (attention_json_depth_ok (at_limit, -1, ATTENTION_JSON_MAX_DEPTH, NULL));
  g_assert_false (attention_json_depth_ok (past_limit, -1, ATTENTION_JSON_MAX_DEPTH, NULL));
  g_assert_false (attention_json_depth_ok (objects, -1, ATTENTION_JSON_MAX_DEPTH, NULL));
  /* Brackets in strings, escaped quotes included, are text. */
  g_assert_true (attention_json_depth_ok ("{\"a\": \"[[[[{{{{\\\"[[[[\"}", -1, 1, NULL));
  g_assert_false (attention_json_depth_ok ("{\"a\": \"\\\\\"[[}", -1, 2, NULL));
  /* Closers without openers are the parser's to report, not a depth. */
  g_assert_true (attention_json_depth_ok ("]]]]}}}}[", -1, 1, NULL));
  /* len bounds the scan: the rest is not looked at. */
  g_assert_true (attention_json_depth_ok ("[[[", 1, 1, NULL));
}

static const char config_head[] =
    "{\"num_hidden_layers\": 2, \"num_attention_heads\": 2, \"hidden_size\": 8, "
    "\"max_position_embeddings\": 16, \"vocab_size\": 6, \"hidden_act\": \"gelu\", "
    "\"special_token_ids\": {\"[PAD]\": 0, \"[UNK]\": 1, \"[CLS]\": 2, \"[SEP]\": 3, "
    "\"[MASK]\": 4}";

static void
check_config (const char *deep_value, gboolean loads)
{
  g_autofree char *json = g_strdup_printf ("%s, \"extra\": %s}", config_head, deep_value);
  g_autoptr (GError) error = NULL;
  AttentionModelInfo *info = attention_model_info_new_from_json (json, -1, &error);

  if (loads)
    {
      g_assert_no_error (error);
      g_assert_nonnull (info);
      attention_model_info_free (info);
      return;
    }
  g_assert_null (info);
  g_assert_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "config.json"));
  g_assert_nonnull (strstr (error->message, "more than 64 levels deep"));
}

static void
test_deep_config (void)
{
  g_autofree char *arrays = nested ("[", "]", DEEP, "");
  g_autofree char *objects = nested ("{\"a\":", "}", DEEP, "null");
  g_autofree char *mixed = nested ("[{\"a\":", "}]", DEEP / 2, "0");
  g_autofree char *fine = nested ("[", "]", 10, "");
  g_autofree char *in_string = g_strdup_printf ("\"%s\"", arrays);

  check_config (arrays, FALSE);
  check_config (objects, FALSE);
  check_config (mixed, FALSE);
  /* Moderate nesting and brackets inside a string still load. */
  check_config (fine, TRUE);
  check_config (in_string, TRUE);
}

/* vocab.txt has no nesting: brackets are characters of tokens. */
static void
test_deep_vocab (void)
{
  g_autofree char *brackets = nested ("[", "]", DEEP, "");
  g_autofree char *data =
      g_strdup_printf ("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n%s\n{{{{\n", brackets);
  g_autoptr (GError) error = NULL;
  g_autoptr (BertVocab) vocab = bert_vocab_new_from_data (data, strlen (data), &error);

  g_assert_no_error (error);
  g_assert_cmpuint (bert_vocab_get_size (vocab), ==, 7);
  g_assert_cmpint (bert_vocab_lookup (vocab, brackets), ==, 5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-guard/depth-scan", test_depth_scan);
  g_test_add_func ("/json-guard/deep-config", test_deep_config);
  g_test_add_func ("/json-guard/deep-vocab", test_deep_vocab);
  return g_test_run ();
}
