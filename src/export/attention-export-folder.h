/* attention-export-folder.h: the folder an export writes into. Two exports
 * into one folder would mix their sets, so an export holds a lock on the
 * folder while it writes; and diagrams left there by an earlier export of a
 * bigger model (Attention_Layer9_Head9.png beside a 4 × 4 set) are found so
 * the user can be told, or asked. No GTK. */
#pragma once

#include <gio/gio.h>

#include "attention-export.h"

G_BEGIN_DECLS

typedef struct _AttentionExportLock AttentionExportLock;

/* Locks dir (an flock on the folder itself, so no lock file is left behind)
 * against other exports, in this process or another. When another export
 * holds it: wait until it is released if `wait`, else fail with
 * G_IO_ERROR_BUSY and a message that says so. */
AttentionExportLock *attention_export_folder_lock (const char *dir, gboolean wait, GError **error);
void attention_export_folder_unlock (AttentionExportLock *lock);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttentionExportLock, attention_export_folder_unlock)

/* The names of the diagrams (Attention_Layer{L}_Head{H}.png, .svg or .pdf) in
 * dir that lie outside a set of n_layers × n_heads, sorted by layer and head;
 * NULL-terminated, empty when there are none or dir cannot be read. */
char **attention_export_folder_find_stale (const char *dir, guint n_layers, guint n_heads);

/* The sentence the picture name (PNG, SVG or PDF, as format) in dir records
 * (attention_export_kind_sentence_file names the one that stands for a
 * set); NULL when dir holds no such picture or it records none. */
char *attention_export_folder_read_sentence (const char *dir,
                                             const char *name,
                                             AttentionExportFormat format);

/* Deletes those names from dir; FALSE with the first failure's reason. */
gboolean attention_export_folder_remove (const char *dir, char *const *names, GError **error);

/* "Attention_Layer9_Head9.png and 19 more": for messages. */
/* Removes the hidden temporary files (".Attention_Layer5_Head5.png.XXXXXX",
 * ".attention.json.XXXXXX", …) an export killed by SIGKILL left in dir, which
 * no handler could remove. Only while holding dir's lock: no other export is
 * writing them then. Returns how many went. */
guint attention_export_folder_remove_temps (const char *dir);

char *attention_export_folder_describe (char *const *names);

G_END_DECLS
