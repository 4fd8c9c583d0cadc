/* attention-tokenizer.h: one interface over the tokenizers of the model
 * families: WordPiece (BERT, DistilBERT, ELECTRA: bert-tokenizer.h), GPT-2's
 * byte-level BPE (RoBERTa: bpe-tokenizer.h) and SentencePiece (XLM-RoBERTa,
 * ALBERT: spm-tokenizer.h). Callers see ids, the vocabulary's own spelling of each
 * token and byte spans. GLib only. */
#pragma once

#include <glib.h>

#include "bert-tokenizer.h"
#include "bpe-tokenizer.h"
#include "spm-tokenizer.h"

G_BEGIN_DECLS

typedef struct _AttentionTokenizer AttentionTokenizer;

AttentionTokenizer *attention_tokenizer_new_wordpiece (BertTokenizer *wordpiece);
/* RoBERTa's: VOCAB in id order, MERGES as merges.txt, <s> … </s>. */
AttentionTokenizer *attention_tokenizer_new_bpe (BertVocab *vocab,
                                                 const char *merges,
                                                 gsize merges_len,
                                                 GError **error);
/* A SentencePiece model file's bytes (NAME for messages), pieces as the
 * model spells them, nothing added around them. */
AttentionTokenizer *attention_tokenizer_new_sentencepiece (
    const char *model, gsize len, const char *name, gboolean fairseq, GError **error);
/* ALBERT's (spm_tokenizer_new_albert): [MASK] is the model's own. */
AttentionTokenizer *attention_tokenizer_new_albert (const char *model,
                                                    gsize len,
                                                    const char *name,
                                                    gboolean lower,
                                                    gboolean remove_space,
                                                    gboolean keep_accents,
                                                    GError **error);
AttentionTokenizer *attention_tokenizer_ref (AttentionTokenizer *tokenizer);
void attention_tokenizer_unref (AttentionTokenizer *tokenizer);

/* With the family's own start and end tokens; see bert_tokenizer_encode. */
BertEncoding *attention_tokenizer_encode (AttentionTokenizer *tokenizer,
                                          const char *text,
                                          gssize len,
                                          GError **error);
/* A token as a reader sees it: BPE's "Ġthe" as "␣the" (bpe_token_display),
 * WordPiece's as it is. */
char *attention_tokenizer_display (AttentionTokenizer *tokenizer, const char *token);

/* As attention_tokenizer_encode, with every token in its display form:
 * what the app shows (matrix, Lines, exports, the CLI's dump). */
BertEncoding *attention_tokenizer_encode_shown (AttentionTokenizer *tokenizer,
                                                const char *text,
                                                gssize len,
                                                GError **error);

/* Makes "[MASK]" in the text read as the model's own mask token (BPE's
 * <mask>, taking the spaces before it as <mask> does), so that a user types
 * [MASK] for every family. FALSE when nothing changes: WordPiece's mask is
 * [MASK] already. */
gboolean attention_tokenizer_read_bert_mask (AttentionTokenizer *tokenizer);

/* The vocabulary, ids to the tokens' own spelling. */
BertVocab *attention_tokenizer_get_vocab (AttentionTokenizer *tokenizer);
gboolean attention_tokenizer_is_bpe (AttentionTokenizer *tokenizer);
/* TRUE for an id that a SentencePiece model says stands for no text (its
 * control and unknown pieces, spm_tokenizer_is_control); FALSE for every id
 * of WordPiece and BPE, whose special entries are told by their spelling
 * (attention_special_token). */
gboolean attention_tokenizer_is_control (AttentionTokenizer *tokenizer, gint id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttentionTokenizer, attention_tokenizer_unref)

G_END_DECLS
