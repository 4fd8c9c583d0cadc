/* attention-special-token.h: which vocabulary entries are not text, so that
 * the completions shown to a reader (the window's chips, the CLI's printed
 * sentences) skip them while the raw top-k stays as the model gave it. */
#pragma once

#include <glib.h>

#include "attention-model-info.h"

G_BEGIN_DECLS

/* TRUE for id's entry `token` (the vocabulary's own spelling, NULL for an id
 * past the vocabulary): the model's pad, unk, cls, sep and mask ids;
 * WordPiece's bracketed entries ([PAD], [unused7], [UNK], …), which no text
 * can produce since brackets are split off as punctuation; byte-level BPE's
 * <|…|> entries (<|endoftext|>); and an id with no entry. A SentencePiece
 * model's other pieces are judged by the model itself, not by their
 * spelling: see attention_tokenizer_is_control. */
gboolean attention_special_token (const AttentionModelInfo *info, gint64 id, const char *token);

G_END_DECLS
