/* attention-mask-word.h: "Mask this token": the text of a result with one
 * word replaced by [MASK]s, one per word piece, as exBERT masks a token.
 * Pure: no model run, no GTK. */
#pragma once

#include "attention-result.h"

G_BEGIN_DECLS

/* The word token belongs to: its first token and how many word pieces it
 * has ("##" continuations glued to it). */
void attention_mask_word_find (AttentionResult *result, guint token, guint *first, guint *n_pieces);

/* The text of the sentence token is in (the result's text, or with
 * *in_pair TRUE its pair's second sentence) with token's whole word replaced
 * by n_pieces [MASK]s (written back to back, so that the masked text has the
 * same tokens, the pieces now [MASK]). NULL and a message for [CLS], [SEP],
 * a [MASK] already or a token the result does not have. */
char *attention_mask_word (AttentionResult *result,
                           guint token,
                           guint *first,
                           guint *n_pieces,
                           gboolean *in_pair,
                           GError **error);

G_END_DECLS
