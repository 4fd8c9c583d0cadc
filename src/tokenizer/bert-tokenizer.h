/* bert-tokenizer.h: BERT BasicTokenizer + WordpieceTokenizer, as in
 * google-research/bert tokenization.py and Hugging Face BertTokenizer. Pure GLib. */
#pragma once

#include <glib.h>

#include "bert-vocab.h"

G_BEGIN_DECLS

#define BERT_TOKENIZER_ERROR (bert_tokenizer_error_quark ())

typedef enum
{
  BERT_TOKENIZER_ERROR_INVALID_UTF8,
} BertTokenizerError;

typedef struct _BertTokenizer BertTokenizer;

/* A token's origin in the input: bytes [start, end). [CLS] and [SEP] have
 * start == end (0 and the input length respectively). */
typedef struct
{
  gsize start;
  gsize end;
} BertSpan;

typedef struct
{
  guint n_tokens;
  gint64 *ids;     /* n_tokens */
  char **tokens;   /* n_tokens, NULL-terminated strv, vocab spelling */
  BertSpan *spans; /* n_tokens */
} BertEncoding;

GQuark bert_tokenizer_error_quark (void);

/* lowercase = TRUE for uncased models (also strips accents). */
BertTokenizer *bert_tokenizer_new (BertVocab *vocab, gboolean lowercase);
/* BertTokenizer's three switches: do_lower_case, strip_accents (HF's None
 * means "= do_lower_case") and tokenize_chinese_chars. */
BertTokenizer *bert_tokenizer_new_full (BertVocab *vocab,
                                        gboolean lowercase,
                                        gboolean strip_accents,
                                        gboolean split_chinese);
BertTokenizer *bert_tokenizer_ref (BertTokenizer *tokenizer);
void bert_tokenizer_unref (BertTokenizer *tokenizer);
BertVocab *bert_tokenizer_get_vocab (BertTokenizer *tokenizer);
gboolean bert_tokenizer_get_lowercase (BertTokenizer *tokenizer);

/* len may be -1 for NUL-terminated text. Adds [CLS] … [SEP]. Invalid UTF-8 is
 * BERT_TOKENIZER_ERROR_INVALID_UTF8 with the byte offset in the message. */
BertEncoding *
bert_tokenizer_encode (BertTokenizer *tokenizer, const char *text, gssize len, GError **error);
void bert_encoding_free (BertEncoding *encoding);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BertTokenizer, bert_tokenizer_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BertEncoding, bert_encoding_free)

G_END_DECLS
