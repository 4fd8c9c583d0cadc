/* attention-special-token.c: vocabulary entries that are not text (see the
 * header) */

#include "attention-special-token.h"

#include <string.h>

static gboolean
enclosed (const char *token, const char *open, const char *close)
{
  gsize len = strlen (token), lo = strlen (open), lc = strlen (close);

  return len > lo + lc && strncmp (token, open, lo) == 0 && strcmp (token + len - lc, close) == 0;
}

gboolean
attention_special_token (const AttentionModelInfo *info, gint64 id, const char *token)
{
  g_return_val_if_fail (info != NULL, TRUE);

  if (token == NULL || id == info->pad_id || id == info->unk_id || id == info->cls_id ||
      id == info->sep_id || id == info->mask_id)
    return TRUE;
  /* A SentencePiece model says itself which of its pieces are not text
   * (attention_tokenizer_is_control); a piece spelled "[1]" may well be. */
  if (info->sentencepiece)
    return FALSE;
  if (info->bpe)
    return enclosed (token, "<|", "|>");
  return enclosed (token, "[", "]");
}
