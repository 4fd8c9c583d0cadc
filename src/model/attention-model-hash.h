/* attention-model-hash.h: a model's identity for statistics files, so that
 * --merge refuses parts of another model: "sha256:" and the digest of the
 * bundle file (its config.json, vocabulary and weights), or of a Hugging
 * Face folder's config.json and weight files in name order. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char *attention_model_hash_path (const char *path, GCancellable *cancellable, GError **error);

G_END_DECLS
