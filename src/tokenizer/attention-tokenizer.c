/* attention-tokenizer.c: see attention-tokenizer.h. */

#include "attention-tokenizer.h"

struct _AttentionTokenizer
{
  gatomicrefcount ref_count;
  BertTokenizer *wordpiece; /* one of the two */
  BpeTokenizer *bpe;
};

AttentionTokenizer *
attention_tokenizer_new_wordpiece (BertTokenizer *wordpiece)
{
  AttentionTokenizer *self = g_new0 (AttentionTokenizer, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->wordpiece = bert_tokenizer_ref (wordpiece);
  return self;
}

AttentionTokenizer *
attention_tokenizer_new_bpe (BertVocab *vocab, const char *merges, gsize merges_len, GError **error)
{
  BpeTokenizer *bpe = bpe_tokenizer_new (vocab, merges, merges_len, "<s>", "</s>", error);
  AttentionTokenizer *self;

  if (bpe == NULL)
    return NULL;
  self = g_new0 (AttentionTokenizer, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->bpe = bpe;
  return self;
}

AttentionTokenizer *
attention_tokenizer_ref (AttentionTokenizer *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
attention_tokenizer_unref (AttentionTokenizer *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_clear_pointer (&self->wordpiece, bert_tokenizer_unref);
  g_clear_pointer (&self->bpe, bpe_tokenizer_free);
  g_free (self);
}

BertEncoding *
attention_tokenizer_encode (AttentionTokenizer *self, const char *text, gssize len, GError **error)
{
  if (self->bpe != NULL)
    return bpe_tokenizer_encode (self->bpe, text, len, error);
  return bert_tokenizer_encode (self->wordpiece, text, len, error);
}

char *
attention_tokenizer_display (AttentionTokenizer *self, const char *token)
{
  if (self->bpe != NULL)
    return bpe_token_display (token);
  return g_strdup (token);
}
