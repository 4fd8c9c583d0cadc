/* attention-corpus-sample.h: the bundled tagged sample (2,000 sentences of
 * the Brown corpus, universal part-of-speech tags; data/corpus/README.md):
 * one sentence a line, and beside it a file with one tag per space-separated
 * word of each line. */
#pragma once

#include <glib.h>

#include "bert-tokenizer.h"

G_BEGIN_DECLS

/* The installed files, else the source tree's (running uninstalled). */
char *attention_corpus_sample_path (void);
char *attention_corpus_sample_tags_path (void);

/* Each token's tag: the tag of the space-separated word of text its span
 * starts in (tokens with an empty span, [CLS]/[SEP], get NULL). tags_line
 * holds one tag per word. NULL and the translated reason when the counts
 * differ. */
char **attention_corpus_token_tags (
    const char *text, const char *tags_line, guint n_tokens, const BertSpan *spans, char **reason);
void attention_corpus_token_tags_free (char **tags, guint n_tokens);

G_END_DECLS
