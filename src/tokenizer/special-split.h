/* special-split.h: the special tokens written in a text, split off before
 * anything else is tokenized, as Hugging Face's slow tokenizers split a
 * text at their added tokens (RobertaTokenizer's <mask>, the app's [MASK],
 * AlbertTokenizer's [CLS]…). Shared by the BPE and SentencePiece
 * tokenizers. GLib only. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SpecialSplit SpecialSplit;

/* The next special in a text: the plain text before it ends at plain_end
 * (before the white space it takes, for an lstrip one), it is the bytes
 * [at, after), and it stands for the token id. */
typedef struct
{
  const char *plain_end;
  const char *at;
  const char *after;
  gint id;
} SpecialMatch;

SpecialSplit *special_split_new (void);
void special_split_free (SpecialSplit *split);

/* TEXT written in the input stands for the token ID; with LSTRIP it also
 * takes the white space before it (Python's str.rstrip() of the text
 * before). TEXT must not be empty. */
void special_split_add (SpecialSplit *split, const char *text, gint id, gboolean lstrip);

/* The first special in [from, end), the longest of those starting there:
 * TRUE and *match. FALSE when there is none, with plain_end, at and after
 * all end. */
gboolean special_split_next (const SpecialSplit *split,
                             const char *from,
                             const char *end,
                             SpecialMatch *match);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SpecialSplit, special_split_free)

G_END_DECLS
