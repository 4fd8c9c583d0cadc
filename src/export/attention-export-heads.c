/* attention-export-heads.c: the per-head set (see the header) */

#include "attention-export-heads.h"

#include <glib/gi18n.h>

#include "attention-export-names.h"

typedef struct
{
  const AttentionExportRequest *request;
  const AttentionExportHeads *heads;
  guint total;
  int next; /* atomic: the next file to take */

  GMutex lock;
  guint done;    /* under lock */
  GError *error; /* under lock: the first failure */
} Set;

static gboolean
set_stopped (Set *set)
{
  gboolean stop;

  g_mutex_lock (&set->lock);
  stop = set->error != NULL;
  g_mutex_unlock (&set->lock);
  return stop || g_cancellable_is_cancelled (set->request->cancellable);
}

static gpointer
worker (gpointer data)
{
  Set *set = data;
  const AttentionExportRequest *request = set->request;
  guint n_heads = attention_result_get_n_heads (request->result);
  gpointer scratch = set->heads->scratch_new != NULL ? set->heads->scratch_new () : NULL;
  const char *extension = attention_export_format_extension (request->format);

  while (!set_stopped (set))
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *caption = NULL;
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;
      guint k = (guint)g_atomic_int_add (&set->next, 1), layer, head;

      if (k >= set->total)
        break;
      layer = k / n_heads;
      head = k % n_heads;

      caption = attention_export_caption (request->result, layer, &head, 1, request->model_name);
      name = set->heads->file_name (layer, head, extension);
      path = g_build_filename (request->dir, name, NULL);
      if (!set->heads->write (request, scratch, layer, head, caption, path, &error))
        {
          /* A cancellation is told by the set as a whole. */
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_mutex_lock (&set->lock);
              if (set->error == NULL)
                set->error = g_steal_pointer (&error);
              g_mutex_unlock (&set->lock);
            }
          break;
        }

      g_mutex_lock (&set->lock);
      set->done++;
      if (request->progress != NULL)
        request->progress (set->done, set->total, request->progress_data);
      g_mutex_unlock (&set->lock);
    }

  if (scratch != NULL)
    set->heads->scratch_free (scratch);
  return NULL;
}

gboolean
attention_export_heads (const AttentionExportRequest *request,
                        const AttentionExportHeads *heads,
                        guint *n_written,
                        GError **error)
{
  Set set = { 0 };
  GThread *threads[8];
  guint n_threads = 1;
  gboolean ok = TRUE;

  g_return_val_if_fail (ATTENTION_IS_RESULT (request->result), FALSE);
  g_return_val_if_fail (request->dir != NULL, FALSE);

  set.request = request;
  set.heads = heads;
  set.total = attention_result_get_n_layers (request->result) *
              attention_result_get_n_heads (request->result);
  g_mutex_init (&set.lock);

  /* Every core draws and encodes its own files; this thread is one of them. */
  if (heads->parallel)
    n_threads = CLAMP (g_get_num_processors (), 1, G_N_ELEMENTS (threads) + 1);
  n_threads = MIN (n_threads, MAX (set.total, 1));
  for (guint i = 0; i + 1 < n_threads; i++)
    threads[i] = g_thread_new ("attention-export", worker, &set);
  worker (&set);
  for (guint i = 0; i + 1 < n_threads; i++)
    g_thread_join (threads[i]);

  if (set.error != NULL)
    {
      g_set_error (error, set.error->domain, set.error->code,
                   _ ("Wrote %u of %u diagrams to “%s”: %s"), set.done, set.total, request->dir,
                   set.error->message);
      g_clear_error (&set.error);
      ok = FALSE;
    }
  else if (set.done < set.total && g_cancellable_is_cancelled (request->cancellable))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   _ ("Cancelled after writing %u of %u diagrams to “%s”."), set.done, set.total,
                   request->dir);
      ok = FALSE;
    }

  if (n_written != NULL)
    *n_written = set.done;
  g_mutex_clear (&set.lock);
  return ok;
}
