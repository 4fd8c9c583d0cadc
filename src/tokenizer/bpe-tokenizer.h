/* bpe-tokenizer.h: GPT-2's byte-level BPE, as Hugging Face's
 * RobertaTokenizer runs it (vocab.json + merges.txt): the text is split with
 * GPT-2's pre-tokenising pattern
 *   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 * each piece's UTF-8 bytes are spelled with GPT-2's byte-to-character table
 * (a space is "Ġ"), and the merges are applied lowest rank first. Pure GLib. */
#pragma once

#include <glib.h>

#include "bert-tokenizer.h"
#include "bert-vocab.h"

G_BEGIN_DECLS

typedef struct _BpeTokenizer BpeTokenizer;

/* VOCAB holds the tokens in id order (vocab.json's values are the ids);
 * MERGES is merges.txt (a "#version" line, then "A B" a line, best first).
 * BOS and EOS are added around every encoding ("<s>", "</s>" for RoBERTa). */
BpeTokenizer *bpe_tokenizer_new (BertVocab *vocab,
                                 const char *merges,
                                 gsize merges_len,
                                 const char *bos,
                                 const char *eos,
                                 GError **error);
void bpe_tokenizer_free (BpeTokenizer *tokenizer);

/* TEXT written in the input stands for the token ID, as RobertaTokenizer's
 * added tokens do: the text is split at it before anything else; with
 * LSTRIP (<mask>'s) it also takes the white space before it. */
void
bpe_tokenizer_add_special (BpeTokenizer *tokenizer, const char *text, gint id, gboolean lstrip);

/* Like bert_tokenizer_encode: ids, the vocabulary's spelling of each token
 * and its byte span in TEXT (a token inside one multi-byte character covers
 * that character). */
BertEncoding *
bpe_tokenizer_encode (BpeTokenizer *tokenizer, const char *text, gssize len, GError **error);

/* A token as a reader sees it: its bytes decoded back to text when they are
 * valid UTF-8, with a leading space shown as "␣"; else the vocabulary's own
 * spelling. */
char *bpe_token_display (const char *token);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BpeTokenizer, bpe_tokenizer_free)

G_END_DECLS
