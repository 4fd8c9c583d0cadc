/* attention-json-guard.h: checks untrusted JSON before a parser sees it.
 * json-glib parses recursively, one C stack frame (or more) per nesting
 * level: a config.json nested 100,000 levels deep overflowed the stack. This
 * scan is a loop with a counter, so it has no depth of its own. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Deepest nesting of arrays and objects accepted from a model: a BERT
 * config.json needs 2 (the top object and special_token_ids); Hugging Face
 * configs a handful (id2label, task_specific_params). */
#define ATTENTION_JSON_MAX_DEPTH 64

/* TRUE when no array or object in data (len bytes, or NUL-terminated when
 * len < 0) lies deeper than max_depth; otherwise FALSE and *depth_out (may be
 * NULL) is the first depth past the limit. Brackets inside strings do not
 * count. Validity is left to the parser: this only bounds its recursion. */
gboolean attention_json_depth_ok (const char *data, gssize len, guint max_depth, guint *depth_out);

G_END_DECLS
