/* attention-hub-names.h: the hub's names as text, without files or network:
 * model ids, the cache folder name of an id, and the checksums an ETag
 * carries. Pure functions (fuzzed: tests/fuzz/fuzz-hub-names.c). */
#pragma once

#include <gio/gio.h> /* errors are G_IO_ERROR */

G_BEGIN_DECLS

/* Every model's folder name starts with it. */
#define ATTENTION_HUB_FOLDER_PREFIX "models--"

/* "NAME" or "OWNER/NAME", each part [A-Za-z0-9._-], not starting or ending
 * with '.' or '-', at most 96 characters, no ".." or "--" (huggingface_hub's
 * validate_repo_id): a hub id that is also a safe relative path. */
gboolean attention_hub_model_id_is_valid (const char *model_id, GError **error);

/* "models--OWNER--NAME" or "models--NAME" for a valid id. */
char *attention_hub_folder_name (const char *model_id);

/* The id a folder name stands for, or NULL when NAME is no valid id's
 * folder name. attention_hub_folder_name () of the result is NAME again. */
char *attention_hub_folder_id (const char *name);

/* The sha256 an ETag or X-Linked-ETag value carries ("…", W/"…"; 64 hex
 * digits), in lower case, or NULL: only LFS files have one. */
char *attention_hub_etag_sha256 (const char *etag);

/* The git blob sha1 of a non-LFS file's ETag (40 hex digits), in lower
 * case, or NULL. */
char *attention_hub_etag_git_sha1 (const char *etag);

/* An ETag's value without W/ and the quotes, or NULL for NULL. */
char *attention_hub_etag_value (const char *etag);

G_END_DECLS
