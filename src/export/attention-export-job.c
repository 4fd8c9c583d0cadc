/* attention-export-job.c: an export and its folder (see the header) */

#include "attention-export-job.h"

#include "attention-export-folder.h"
#include "attention-shutdown.h"

#include <string.h>

struct _AttentionExportJob
{
  GObject parent_instance;

  AttentionResult *result;
  const AttentionExportKind *kind;
  char *dir;
  char *model_name;
  char **remove;
  guint n_written;

  /* Progress of an async run, handed to the main context: */
  GMainContext *context;
  guint done;  /* atomic */
  guint total; /* atomic */
  int pending; /* atomic: an update is queued */
};

G_DEFINE_FINAL_TYPE (AttentionExportJob, attention_export_job, G_TYPE_OBJECT)

enum
{
  PROGRESS,
  WAITING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
attention_export_job_finalize (GObject *object)
{
  AttentionExportJob *self = ATTENTION_EXPORT_JOB (object);

  g_object_unref (self->result);
  g_free (self->dir);
  g_free (self->model_name);
  g_strfreev (self->remove);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (attention_export_job_parent_class)->finalize (object);
}

static void
attention_export_job_class_init (AttentionExportJobClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = attention_export_job_finalize;

  /* ::progress (done, total): files written so far, in an async run. */
  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  /* ::waiting (message): a sync run found the folder busy and waits for it;
   * message says who holds it. */
  signals[WAITING] = g_signal_new ("waiting", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
attention_export_job_init (AttentionExportJob *self)
{
}

AttentionExportJob *
attention_export_job_new (AttentionResult *result,
                          const AttentionExportKind *kind,
                          const char *dir,
                          const char *model_name)
{
  AttentionExportJob *self;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), NULL);
  g_return_val_if_fail (kind != NULL, NULL);
  g_return_val_if_fail (dir != NULL, NULL);

  self = g_object_new (ATTENTION_TYPE_EXPORT_JOB, NULL);
  self->result = g_object_ref (result);
  self->kind = kind;
  self->dir = g_strdup (dir);
  self->model_name = g_strdup (model_name);
  return self;
}

const char *
attention_export_job_get_dir (AttentionExportJob *self)
{
  g_return_val_if_fail (ATTENTION_IS_EXPORT_JOB (self), NULL);
  return self->dir;
}

char **
attention_export_job_find_stale (AttentionExportJob *self)
{
  g_return_val_if_fail (ATTENTION_IS_EXPORT_JOB (self), NULL);

  if (self->kind->files != ATTENTION_EXPORT_DIAGRAMS)
    return g_new0 (char *, 1);
  return attention_export_folder_find_stale (self->dir,
                                             attention_result_get_n_layers (self->result),
                                             attention_result_get_n_heads (self->result));
}

char *
attention_export_job_find_other_sentence (AttentionExportJob *self)
{
  g_autofree char *sentence = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (ATTENTION_IS_EXPORT_JOB (self), NULL);

  name = attention_export_kind_sentence_file (self->kind);
  if (name == NULL)
    return NULL;
  sentence = attention_export_folder_read_sentence (self->dir, name, self->kind->format);
  if (sentence == NULL || strcmp (sentence, attention_result_get_text (self->result)) == 0)
    return NULL;
  return g_steal_pointer (&sentence);
}

void
attention_export_job_set_remove (AttentionExportJob *self, char *const *names)
{
  g_return_if_fail (ATTENTION_IS_EXPORT_JOB (self));

  g_strfreev (self->remove);
  self->remove = g_strdupv ((char **)names);
}

guint
attention_export_job_get_n_written (AttentionExportJob *self)
{
  g_return_val_if_fail (ATTENTION_IS_EXPORT_JOB (self), 0);
  return self->n_written;
}

static gboolean
emit_progress (gpointer data)
{
  AttentionExportJob *self = data;

  g_atomic_int_set (&self->pending, 0);
  g_signal_emit (self, signals[PROGRESS], 0, (guint)g_atomic_int_get (&self->done),
                 (guint)g_atomic_int_get (&self->total));
  return G_SOURCE_REMOVE;
}

/* Worker threads: coalesce updates into at most one queued main-loop call. */
static void
progress_cb (guint done, guint total, gpointer data)
{
  AttentionExportJob *self = data;

  g_atomic_int_set (&self->done, done);
  g_atomic_int_set (&self->total, total);
  if (g_atomic_int_compare_and_exchange (&self->pending, 0, 1))
    g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, emit_progress,
                                g_object_ref (self), g_object_unref);
}

/* The lock, on a sync run after waiting for another export; NULL with the
 * reason. */
static AttentionExportLock *
lock_folder (AttentionExportJob *self, gboolean wait, GError **error)
{
  g_autoptr (GError) busy = NULL;
  AttentionExportLock *lock = attention_export_folder_lock (self->dir, FALSE, &busy);

  if (lock == NULL && wait && g_error_matches (busy, G_IO_ERROR, G_IO_ERROR_BUSY))
    {
      g_signal_emit (self, signals[WAITING], 0, busy->message);
      return attention_export_folder_lock (self->dir, TRUE, error);
    }
  if (lock == NULL)
    g_propagate_error (error, g_steal_pointer (&busy));
  return lock;
}

static gboolean
run (AttentionExportJob *self, gboolean sync, GCancellable *cancellable, GError **error)
{
  AttentionExportRequest request = {
    .result = self->result,
    .dir = self->dir,
    .model_name = self->model_name,
    .progress = sync ? NULL : progress_cb,
    .progress_data = self,
    .cancellable = cancellable,
  };
  AttentionExportLock *lock;
  gboolean ok;

  self->n_written = 0;
  /* Counted, so that quitting waits for its files (the lock and the stale
   * files' removal alike). */
  attention_shutdown_worker_begin ();
  lock = lock_folder (self, sync, error);
  if (lock != NULL)
    attention_export_folder_remove_temps (self->dir);
  ok = lock != NULL && attention_export_folder_remove (self->dir, self->remove, error);
  if (ok)
    ok = attention_export_kind_write (self->kind, &request, &self->n_written, error);
  attention_export_folder_unlock (lock);
  attention_shutdown_worker_end ();
  return ok;
}

gboolean
attention_export_job_run (AttentionExportJob *self, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (ATTENTION_IS_EXPORT_JOB (self), FALSE);
  return run (self, TRUE, cancellable, error);
}

static void
run_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;

  if (run (source, FALSE, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
attention_export_job_run_async (AttentionExportJob *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (ATTENTION_IS_EXPORT_JOB (self));

  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, attention_export_job_run_async);
  /* Keep the exporter's error on cancel, not GTask's generic one. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, run_thread);
}

gboolean
attention_export_job_run_finish (AttentionExportJob *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
