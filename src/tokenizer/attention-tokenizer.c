/* attention-tokenizer.c: see attention-tokenizer.h. */

#include "attention-tokenizer.h"

struct _AttentionTokenizer
{
  gatomicrefcount ref_count;
  BertTokenizer *wordpiece; /* one of the three */
  BpeTokenizer *bpe;
  SpmTokenizer *spm;
  BertVocab *vocab;
  gint mask_id; /* BPE's <mask>, or -1 */
};

AttentionTokenizer *
attention_tokenizer_new_wordpiece (BertTokenizer *wordpiece)
{
  AttentionTokenizer *self = g_new0 (AttentionTokenizer, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->wordpiece = bert_tokenizer_ref (wordpiece);
  self->vocab = bert_vocab_ref (bert_tokenizer_get_vocab (wordpiece));
  self->mask_id = -1;
  return self;
}

AttentionTokenizer *
attention_tokenizer_new_bpe (BertVocab *vocab, const char *merges, gsize merges_len, GError **error)
{
  static const char *const specials[] = { "<s>", "</s>", "<unk>", "<pad>", "<mask>" };
  BpeTokenizer *bpe = bpe_tokenizer_new (vocab, merges, merges_len, "<s>", "</s>", error);
  AttentionTokenizer *self;

  if (bpe == NULL)
    return NULL;
  self = g_new0 (AttentionTokenizer, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->bpe = bpe;
  self->vocab = bert_vocab_ref (vocab);
  /* RobertaTokenizer's special tokens, split off the text before anything
   * else; <mask> takes the spaces before it (AddedToken lstrip). */
  for (guint i = 0; i < G_N_ELEMENTS (specials); i++)
    {
      gint id = bert_vocab_lookup (vocab, specials[i]);

      if (id >= 0)
        bpe_tokenizer_add_special (bpe, specials[i], id, g_str_equal (specials[i], "<mask>"));
    }
  self->mask_id = bert_vocab_lookup (vocab, "<mask>");
  return self;
}

AttentionTokenizer *
attention_tokenizer_new_sentencepiece (
    const char *model, gsize len, const char *name, gboolean fairseq, GError **error)
{
  SpmTokenizer *spm = fairseq ? spm_tokenizer_new_fairseq (model, len, name, error)
                              : spm_tokenizer_new (model, len, name, error);
  AttentionTokenizer *self;

  if (spm == NULL)
    return NULL;
  self = g_new0 (AttentionTokenizer, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->spm = spm;
  self->vocab = bert_vocab_ref (spm_tokenizer_get_vocab (spm));
  self->mask_id = fairseq ? bert_vocab_lookup (self->vocab, "<mask>") : -1;
  return self;
}

AttentionTokenizer *
attention_tokenizer_new_albert (const char *model,
                                gsize len,
                                const char *name,
                                gboolean lower,
                                gboolean remove_space,
                                gboolean keep_accents,
                                GError **error)
{
  SpmTokenizer *spm =
      spm_tokenizer_new_albert (model, len, name, lower, remove_space, keep_accents, error);
  AttentionTokenizer *self;

  if (spm == NULL)
    return NULL;
  self = g_new0 (AttentionTokenizer, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->spm = spm;
  self->vocab = bert_vocab_ref (spm_tokenizer_get_vocab (spm));
  self->mask_id = -1; /* [MASK] is ALBERT's own */
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
  g_clear_pointer (&self->spm, spm_tokenizer_free);
  g_clear_pointer (&self->vocab, bert_vocab_unref);
  g_free (self);
}

BertEncoding *
attention_tokenizer_encode (AttentionTokenizer *self, const char *text, gssize len, GError **error)
{
  if (self->bpe != NULL)
    return bpe_tokenizer_encode (self->bpe, text, len, error);
  if (self->spm != NULL)
    return spm_tokenizer_encode (self->spm, text, len, error);
  return bert_tokenizer_encode (self->wordpiece, text, len, error);
}

char *
attention_tokenizer_display (AttentionTokenizer *self, const char *token)
{
  if (self->bpe != NULL)
    return bpe_token_display (token);
  return g_strdup (token);
}

gboolean
attention_tokenizer_read_bert_mask (AttentionTokenizer *self)
{
  if (self->mask_id < 0)
    return FALSE;
  if (self->spm != NULL)
    spm_tokenizer_add_special (self->spm, "[MASK]", self->mask_id, TRUE);
  else if (self->bpe != NULL)
    bpe_tokenizer_add_special (self->bpe, "[MASK]", self->mask_id, TRUE);
  else
    return FALSE;
  return TRUE;
}

BertEncoding *
attention_tokenizer_encode_shown (AttentionTokenizer *self,
                                  const char *text,
                                  gssize len,
                                  GError **error)
{
  BertEncoding *encoding = attention_tokenizer_encode (self, text, len, error);

  if (encoding == NULL || self->bpe == NULL)
    return encoding;
  for (guint i = 0; i < encoding->n_tokens; i++)
    {
      char *shown = bpe_token_display (encoding->tokens[i]);

      g_free (encoding->tokens[i]);
      encoding->tokens[i] = shown;
    }
  return encoding;
}

BertVocab *
attention_tokenizer_get_vocab (AttentionTokenizer *self)
{
  return self->vocab;
}

gboolean
attention_tokenizer_is_bpe (AttentionTokenizer *self)
{
  return self->bpe != NULL;
}

gboolean
attention_tokenizer_is_control (AttentionTokenizer *self, gint id)
{
  return self->spm != NULL && spm_tokenizer_is_control (self->spm, id);
}
