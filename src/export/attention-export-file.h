/* attention-export-file.h: every file an export writes is written under a
 * hidden temporary name beside its place and renamed into place only when
 * complete, so no half-written file is ever left under the real name; until
 * then attention-tempfiles.h knows it, so a signal or a quit removes it. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _AttentionExportFile AttentionExportFile;

/* Creates the temporary file of path; NULL with the reason on failure. */
AttentionExportFile *attention_export_file_open (const char *path, GError **error);

/* Appends; a failure is kept and reported by close. */
void attention_export_file_write (AttentionExportFile *file, const void *data, gsize length);

/* A text file written as it is made: fill appends to out, and may hand it
 * to attention_export_file_flush_text (out, file) whenever it likes, so a
 * text of hundreds of megabytes (the JSON of a long sentence's tensor) need
 * not sit whole in memory. */
gboolean attention_export_file_write_text (const char *path,
                                           void (*fill) (GString *out,
                                                         AttentionExportFile *file,
                                                         gpointer data),
                                           gpointer data,
                                           GError **error);

/* Writes and empties text once it holds a megabyte; file is an
 * AttentionExportFile (a gpointer, to serve as a callback). */
void attention_export_file_flush_text (GString *text, gpointer file);

/* TRUE once a write has failed: the rest is not worth drawing. */
gboolean attention_export_file_failed (AttentionExportFile *file);

/* Closes and frees file, and renames it into place if every write went well
 * and failure is NULL; else removes it and says why (failure: a reason the
 * caller found, e.g. a Cairo status). */
gboolean
attention_export_file_close (AttentionExportFile *file, const char *failure, GError **error);

/* Closes and frees file and removes it: a cancelled export leaves nothing. */
void attention_export_file_discard (AttentionExportFile *file);

/* The whole contents at once. */
gboolean attention_export_file_set_contents (const char *path,
                                             const void *data,
                                             gsize length,
                                             GError **error);

G_END_DECLS
