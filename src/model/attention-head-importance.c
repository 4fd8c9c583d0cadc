/* attention-head-importance.c: every head switched off alone, in batches
 * (see the header) */

#include "attention-head-importance.h"

#include <glib/gi18n.h>

float *
attention_head_importance (AttentionModel *model,
                           const char *text,
                           const AttentionRunOptions *options,
                           guint batch,
                           AttentionHeadImportanceProgress progress,
                           gpointer user_data,
                           guint *n_layers,
                           guint *n_heads,
                           GCancellable *cancellable,
                           GError **error)
{
  AttentionRunOptions base;
  g_autoptr (AttentionResult) full = NULL;
  g_autoptr (GArray) todo = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree gint64 *top = NULL;
  g_autofree double *p_full = NULL;
  g_autofree float *out = NULL;
  g_autofree float *masks = NULL;
  g_autofree const char **texts = NULL;
  g_autofree const char **pairs = NULL;
  const float *off_already;
  const char *pair;
  guint L, H, n_masks;

  g_return_val_if_fail (ATTENTION_IS_MODEL (model), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (options != NULL)
    base = *options;
  else
    attention_run_options_init (&base);
  base.top_k = 1;
  base.all_positions = FALSE;
  /* Only the predictions matter here: none of the run's extras, for every
   * head's run (each would cost a pass of its own). */
  base.want_qk = FALSE;
  base.want_value_norms = FALSE;
  base.saliency = FALSE;
  base.saliency_positions = base.saliency_token_ids = NULL;
  base.n_saliency_targets = 0;
  full = attention_model_run_with_options (model, text, &base, cancellable, error);
  if (full == NULL)
    return NULL;
  n_masks = attention_result_get_n_predictions (full);
  if (n_masks == 0)
    {
      g_set_error_literal (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_NO_MASK,
                           _ ("There is no [MASK] in the sentence: head importance measures how "
                              "the prediction at a [MASK] changes."));
      return NULL;
    }
  L = attention_result_get_n_layers (full);
  H = attention_result_get_n_heads (full);
  top = g_new (gint64, n_masks);
  p_full = g_new (double, n_masks);
  for (guint i = 0; i < n_masks; i++)
    {
      guint n_candidates = 0;
      const AttentionCandidate *c = attention_result_get_candidates (full, i, &n_candidates);

      g_assert (n_candidates > 0);
      top[i] = c[0].id;
      p_full[i] = attention_result_get_mask_probability (full, i, top[i]);
    }

  /* A head the options switch off already is off in both runs: Δp 0. */
  off_already = attention_result_get_head_mask (full);
  for (guint k = 0; k < L * H; k++)
    if (off_already == NULL || off_already[k] != 0)
      g_array_append_val (todo, k);

  out = g_new0 (float, (gsize)L *H);
  if (batch == 0)
    batch = H;
  batch = MIN (batch, MAX (todo->len, 1));
  masks = g_new (float, (gsize)batch *L *H);
  texts = g_new (const char *, batch);
  pairs = g_new (const char *, batch);
  pair = base.pair;
  for (guint j = 0; j < batch; j++)
    {
      texts[j] = text;
      pairs[j] = pair;
    }

  for (guint start = 0; start < todo->len; start += batch)
    {
      guint k = MIN (batch, todo->len - start);
      g_autoptr (GPtrArray) results = NULL;

      for (guint j = 0; j < k; j++)
        {
          float *m = masks + (gsize)j * L * H;

          for (guint c = 0; c < L * H; c++)
            m[c] = off_already != NULL ? off_already[c] : 1;
          m[g_array_index (todo, guint, start + j)] = 0;
        }
      results = attention_model_run_batch (model, texts, pair != NULL ? pairs : NULL, k, masks,
                                           &base, cancellable, error);
      if (results == NULL)
        return NULL;
      for (guint j = 0; j < k; j++)
        {
          AttentionResult *r = g_ptr_array_index (results, j);
          double drop = 0;

          for (guint i = 0; i < n_masks; i++)
            drop += p_full[i] - attention_result_get_mask_probability (r, i, top[i]);
          out[g_array_index (todo, guint, start + j)] = (float)(drop / n_masks);
        }
      if (progress != NULL)
        progress (start + k, todo->len, user_data);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
    }
  if (n_layers != NULL)
    *n_layers = L;
  if (n_heads != NULL)
    *n_heads = H;
  return g_steal_pointer (&out);
}

/* --- in a worker, for the window ------------------------------------------ */

typedef struct
{
  char *text;
  AttentionRunOptions options; /* pair and head_mask point into the job */
  char *pair;
  float *head_mask;
  guint batch;
  AttentionHeadImportanceProgress progress;
  gpointer user_data;
  GMainContext *context; /* where progress is called */
  guint n_layers, n_heads;
} Job;

static void
job_free (Job *job)
{
  g_free (job->text);
  g_free (job->pair);
  g_free (job->head_mask);
  g_main_context_unref (job->context);
  g_free (job);
}

typedef struct
{
  Job *job;
  guint done, total;
} Tick;

static gboolean
tick_cb (gpointer data)
{
  Tick *tick = data;

  tick->job->progress (tick->done, tick->total, tick->job->user_data);
  return G_SOURCE_REMOVE;
}

/* Called in the worker: hands progress to the caller's context. The job
 * outlives every tick: the task's data goes only after its callback ran in
 * that same context, after the ticks queued before it. */
static void
worker_progress (guint done, guint total, gpointer data)
{
  Job *job = data;
  Tick *tick = g_new (Tick, 1);

  tick->job = job;
  tick->done = done;
  tick->total = total;
  g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, tick_cb, tick, g_free);
}

static void
job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  float *dp;

  dp = attention_head_importance (source, job->text, &job->options, job->batch,
                                  job->progress != NULL ? worker_progress : NULL, job,
                                  &job->n_layers, &job->n_heads, cancellable, &error);
  if (dp == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, dp, g_free);
}

void
attention_head_importance_async (AttentionModel *model,
                                 const char *text,
                                 const AttentionRunOptions *options,
                                 guint batch,
                                 AttentionHeadImportanceProgress progress,
                                 gpointer progress_data,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (model, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  job->text = g_strdup (text);
  /* The caller's strings and mask need not outlive the call. */
  if (options != NULL)
    job->options = *options;
  else
    attention_run_options_init (&job->options);
  /* The extras' pointers are not copied: attention_head_importance drops them. */
  job->options.saliency_positions = job->options.saliency_token_ids = NULL;
  job->options.n_saliency_targets = 0;
  job->pair = g_strdup (job->options.pair);
  job->options.pair = job->pair;
  if (job->options.head_mask != NULL)
    job->head_mask =
        g_memdup2 (job->options.head_mask, (gsize)job->options.head_mask_layers *
                                               job->options.head_mask_heads * sizeof (float));
  job->options.head_mask = job->head_mask;
  job->batch = batch;
  job->progress = progress;
  job->user_data = progress_data;
  job->context = g_main_context_ref_thread_default ();
  g_task_set_source_tag (task, attention_head_importance_async);
  g_task_set_task_data (task, job, (GDestroyNotify)job_free);
  g_task_run_in_thread (task, job_thread);
}

float *
attention_head_importance_finish (
    AttentionModel *model, GAsyncResult *result, guint *n_layers, guint *n_heads, GError **error)
{
  Job *job;

  g_return_val_if_fail (g_task_is_valid (result, model), NULL);
  job = g_task_get_task_data (G_TASK (result));
  if (n_layers != NULL)
    *n_layers = job->n_layers;
  if (n_heads != NULL)
    *n_heads = job->n_heads;
  return g_task_propagate_pointer (G_TASK (result), error);
}
