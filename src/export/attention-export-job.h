/* attention-export-job.h: one export of a result into a folder, as the
 * window and attention-cli both run it: it holds the folder's lock while it
 * writes (attention-export-folder.h), finds the diagrams an earlier, bigger
 * set left there, reports its progress, and counts itself as a worker a
 * quitting app waits for (attention-shutdown.h). GTK-free. */
#pragma once

#include "attention-export-registry.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_EXPORT_JOB (attention_export_job_get_type ())
G_DECLARE_FINAL_TYPE (AttentionExportJob, attention_export_job, ATTENTION, EXPORT_JOB, GObject)

/* kind of the registry into dir; model_name goes into the captions (may be
 * NULL). */
AttentionExportJob *attention_export_job_new (AttentionResult *result,
                                              const AttentionExportKind *kind,
                                              const char *dir,
                                              const char *model_name);

const char *attention_export_job_get_dir (AttentionExportJob *self);

/* For the kinds that write the diagram set (ATTENTION_EXPORT_DIAGRAMS): the
 * diagrams in the folder outside this result's layers × heads, left by an
 * earlier export of a bigger model, that would pass for part of the new
 * set; the window asks whether to delete them, the command line warns and
 * keeps them. Empty for every other kind. NULL-terminated. */
char **attention_export_job_find_stale (AttentionExportJob *self);

/* For the kinds that write pictures (the diagram set, the lines set, All
 * Heads, the multi-page PDF): the sentence of the pictures of the same kind
 * the folder already holds when it is another than this result's (the
 * window asks before replacing them); NULL when there are none, they are
 * the same sentence's, or the kind writes data files. */
char *attention_export_job_find_other_sentence (AttentionExportJob *self);

/* Names to delete from the folder once the lock is held, before writing. */
void attention_export_job_set_remove (AttentionExportJob *self, char *const *names);

/* Runs the job here. Another export holding the folder is waited for,
 * after ::waiting says so: a terminal user sees why nothing happens. No
 * ::progress. */
gboolean
attention_export_job_run (AttentionExportJob *self, GCancellable *cancellable, GError **error);

/* Runs the job in a thread. Another export holding the folder fails it
 * with G_IO_ERROR_BUSY: a window does not hang on another program's
 * export. ::progress is emitted in the caller's main context. */
void attention_export_job_run_async (AttentionExportJob *self,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
/* On cancellation the error is the exporter's (G_IO_ERROR_CANCELLED), which
 * says how many files were written. */
gboolean
attention_export_job_run_finish (AttentionExportJob *self, GAsyncResult *result, GError **error);

/* Files written by the last run, on failure too. */
guint attention_export_job_get_n_written (AttentionExportJob *self);

G_END_DECLS
