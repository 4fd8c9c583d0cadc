/* bert-vocab.h: a WordPiece vocabulary (vocab.txt: one token per line, id = line number) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BERT_VOCAB_ERROR (bert_vocab_error_quark ())

typedef enum
{
  BERT_VOCAB_ERROR_INVALID,         /* not UTF-8, empty, duplicate token, … */
  BERT_VOCAB_ERROR_MISSING_SPECIAL, /* [UNK] / [CLS] / [SEP] absent */
} BertVocabError;

typedef struct _BertVocab BertVocab;

GQuark bert_vocab_error_quark (void);

BertVocab *bert_vocab_new_from_file (const char *path, GError **error);
/* data need not be NUL-terminated; it is copied. */
BertVocab *bert_vocab_new_from_data (const char *data, gsize len, GError **error);
/* The same for any vocabulary in id order (a BPE one's tokens); BERT_SPECIALS
 * asks for [UNK], [CLS] and [SEP]. */
BertVocab *
bert_vocab_new_from_data_full (const char *data, gsize len, gboolean bert_specials, GError **error);
BertVocab *bert_vocab_ref (BertVocab *vocab);
void bert_vocab_unref (BertVocab *vocab);

guint bert_vocab_get_size (const BertVocab *vocab);
/* Returns -1 when the token is not in the vocabulary. */
gint bert_vocab_lookup (const BertVocab *vocab, const char *token);
gint bert_vocab_lookup_len (const BertVocab *vocab, const char *token, gsize len);
/* The id of "##" followed by the len bytes of piece (a WordPiece continuation),
 * looked up without building the prefixed string; -1 when absent. */
gint bert_vocab_lookup_continuation_len (const BertVocab *vocab, const char *piece, gsize len);
/* NULL when id is out of range. */
const char *bert_vocab_get_token (const BertVocab *vocab, guint id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BertVocab, bert_vocab_unref)

G_END_DECLS
