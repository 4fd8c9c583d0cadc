/* attention-mask-word.c: a word of a result's text replaced by [MASK]s (see
 * the header) */

#include "attention-mask-word.h"

#include <glib/gi18n.h>

#include "attention-model.h"

static gboolean
is_piece (AttentionResult *result, guint token)
{
  return g_str_has_prefix (attention_result_get_token (result, token), "##");
}

void
attention_mask_word_find (AttentionResult *result, guint token, guint *first, guint *n_pieces)
{
  guint n = attention_result_get_n_tokens (result);
  guint a = token, b = token;

  g_return_if_fail (token < n);

  while (a > 0 && is_piece (result, a))
    a--;
  while (b + 1 < n && is_piece (result, b + 1))
    b++;
  *first = a;
  *n_pieces = b - a + 1;
}

char *
attention_mask_word (AttentionResult *result,
                     guint token,
                     guint *first,
                     guint *n_pieces,
                     gboolean *in_pair,
                     GError **error)
{
  const char *text, *spelled;
  GString *out;
  BertSpan from, to;
  gboolean pair;
  guint a, n;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), NULL);

  if (token >= attention_result_get_n_tokens (result))
    {
      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_INPUT,
                   _ ("There is no token %u in this sentence."), token + 1);
      return NULL;
    }
  spelled = attention_result_get_token (result, token);
  from = attention_result_get_span (result, token);
  /* [CLS] and [SEP] have no text of their own (an empty span). */
  if (from.start == from.end || g_str_equal (spelled, "[MASK]"))
    {
      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_INPUT,
                   _ ("“%s” cannot be masked: only the sentence's own words can."), spelled);
      return NULL;
    }

  attention_mask_word_find (result, token, &a, &n);
  from = attention_result_get_span (result, a);
  to = attention_result_get_span (result, a + n - 1);
  /* A pair's second sentence: its tokens' spans are in the pair text. */
  pair = attention_result_get_pair_text (result) != NULL &&
         attention_result_get_token_type_ids (result)[token] == 1;
  text = pair ? attention_result_get_pair_text (result) : attention_result_get_text (result);
  out = g_string_new_len (text, (gssize)from.start);
  for (guint i = 0; i < n; i++)
    g_string_append (out, "[MASK]");
  g_string_append (out, text + to.end);
  if (first != NULL)
    *first = a;
  if (n_pieces != NULL)
    *n_pieces = n;
  if (in_pair != NULL)
    *in_pair = pair;
  return g_string_free (out, FALSE);
}
