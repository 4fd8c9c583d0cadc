/* spm-tokenizer.h: a SentencePiece model (ALBERT's spiece.model,
 * XLM-RoBERTa's sentencepiece.bpe.model) run by Debian's libsentencepiece
 * through shim/spm/attn-spm.h: the model file's own normaliser and its
 * unigram or BPE segmentation, pieces in the model's spelling ("▁the").
 * GLib only on this side. */
#pragma once

#include <glib.h>

#include "bert-tokenizer.h"
#include "bert-vocab.h"

G_BEGIN_DECLS

typedef struct _SpmTokenizer SpmTokenizer;

/* MODEL: the bytes of a .model file. NAME names it in messages. */
SpmTokenizer *spm_tokenizer_new (const char *model, gsize len, const char *name, GError **error);
/* The same with fairseq's ids, as XLMRobertaTokenizer numbers them: <s> 0,
 * <pad> 1, </s> 2, <unk> 3 (also for the model's own unknown piece), every
 * other piece its id + 1, <mask> last; <s> … </s> around every encoding,
 * and the five split off the text first (<mask> with the spaces before it). */
SpmTokenizer *
spm_tokenizer_new_fairseq (const char *model, gsize len, const char *name, GError **error);
/* The same with AlbertTokenizer's ids and text preparation: the model's own
 * ids; [CLS] … [SEP] around every encoding; [CLS], [SEP], [MASK] (with the
 * spaces before it), <pad> and <unk> split off the text first; each part
 * then prepared as its preprocess_text does (REMOVE_SPACE: white space
 * collapsed and stripped; `` and '' read as "; unless KEEP_ACCENTS, NFKD
 * without combining marks; LOWER: lowercased), and a piece ending in a
 * digit and a comma split before the comma, as its _tokenize does. The
 * model must have [CLS], [SEP] and [MASK] pieces. */
SpmTokenizer *spm_tokenizer_new_albert (const char *model,
                                        gsize len,
                                        const char *name,
                                        gboolean lower,
                                        gboolean remove_space,
                                        gboolean keep_accents,
                                        GError **error);
void spm_tokenizer_free (SpmTokenizer *tokenizer);

/* The pieces in id order, one a vocabulary entry. */
BertVocab *spm_tokenizer_get_vocab (SpmTokenizer *tokenizer);

/* TRUE for an id that stands for no text: the model's control pieces
 * (<s>, </s>, <pad>; ALBERT's [CLS], [SEP], [MASK]) and its unknown piece;
 * with fairseq's ids the four first and <mask>; an id past the pieces. */
gboolean spm_tokenizer_is_control (SpmTokenizer *tokenizer, gint id);

/* Ids added before and after every encoding (a family's [CLS] … [SEP] or
 * <s> … </s>), -1 for none: none at first, as SentencePiece itself. */
void spm_tokenizer_set_ends (SpmTokenizer *tokenizer, gint bos, gint eos);

/* TEXT written in the input stands for the token ID, split off before the
 * rest is encoded; with LSTRIP it also takes the white space before it. */
void
spm_tokenizer_add_special (SpmTokenizer *tokenizer, const char *text, gint id, gboolean lstrip);

/* Like bert_tokenizer_encode: ids, each piece's spelling and its byte span
 * in TEXT (the ends' spans are empty, at 0 and at the end). */
BertEncoding *
spm_tokenizer_encode (SpmTokenizer *tokenizer, const char *text, gssize len, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpmTokenizer, spm_tokenizer_free)

G_END_DECLS
