/* attention-model.c: a loaded bundle (shim + config + tokenizer) and its runs */

#include "attention-model.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "attention-escape.h"
#include "attention-model-memory.h"
#include "attention-shutdown.h"
#include "attn-shim-tuning.h"
#include "attn-shim.h"

struct _AttentionModel
{
  GObject parent_instance;

  char *path;
  attn_shim *shim;
  attn_shim_dims dims;
  AttentionModelInfo *info;
  BertTokenizer *tokenizer;
  GMutex run_lock;   /* one forward at a time per handle */
  gboolean verified; /* dims measured (by the probe or the first run) and checked */
};

G_DEFINE_FINAL_TYPE (AttentionModel, attention_model, G_TYPE_OBJECT)

/* The error domain carries the details (attention_model_error_get_details)
 * along with every copy of the GError, across GTask and g_prefix_error. */
typedef struct
{
  char *details;
} AttentionModelErrorPrivate;

static void
attention_model_error_private_init (AttentionModelErrorPrivate *priv)
{
  priv->details = NULL;
}

static void
attention_model_error_private_copy (const AttentionModelErrorPrivate *src,
                                    AttentionModelErrorPrivate *dest)
{
  dest->details = g_strdup (src->details);
}

static void
attention_model_error_private_clear (AttentionModelErrorPrivate *priv)
{
  g_clear_pointer (&priv->details, g_free);
}

G_DEFINE_EXTENDED_ERROR (AttentionModelError, attention_model_error)

const char *
attention_model_error_get_details (const GError *error)
{
  AttentionModelErrorPrivate *priv;

  if (error == NULL || error->domain != ATTENTION_MODEL_ERROR)
    return NULL;
  priv = attention_model_error_get_private (error);
  return priv != NULL ? priv->details : NULL;
}

/* The shim's errors are one line of reason, then (for an error raised by the
 * bundle's own code) the whole TorchScript traceback. */
static void
set_shim_error (GError **error, int code, const char *shim_error, const char *fallback)
{
  const char *text = shim_error != NULL && shim_error[0] != '\0' ? shim_error : fallback;
  const char *newline = strchr (text, '\n');
  /* The reason quotes the folder's files (tensor names, config values):
   * their control characters are shown, never obeyed by a terminal. */
  g_autofree char *first =
      attention_escape_bytes (text, newline != NULL ? newline - text : -1, FALSE);
  GError *e = g_error_new_literal (ATTENTION_MODEL_ERROR, code, first);

  if (newline != NULL)
    {
      const char *rest = newline + 1;

      while (*rest == '\n')
        rest++;
      if (*rest != '\0')
        attention_model_error_get_private (e)->details = attention_escape_text (rest, TRUE);
    }
  g_propagate_error (error, e);
}

/* A FIFO or a device would block the first read forever (or never end):
 * refuse whatever is not a regular file or a folder before anything opens
 * it. Folders are the loader's to judge. */
static gboolean
check_file_type (const char *path, GError **error)
{
  GStatBuf st;
  const char *what;

  if (g_stat (path, &st) != 0)
    return TRUE; /* missing or unreadable: the loader says which */
  if (S_ISREG (st.st_mode) || S_ISDIR (st.st_mode))
    return TRUE;
  if (S_ISFIFO (st.st_mode))
    what = _ ("it is a named pipe (FIFO), not a model file");
  else if (S_ISSOCK (st.st_mode))
    what = _ ("it is a socket, not a model file");
  else if (S_ISCHR (st.st_mode) || S_ISBLK (st.st_mode))
    what = _ ("it is a device, not a model file");
  else
    what = _ ("it is not a regular file");
  g_set_error_literal (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_LOAD, what);
  return FALSE;
}

/* NaN or infinity anywhere: weights gone bad, or a bundle that divides by
 * zero. Drawn, they would pass for a black matrix and "[PAD] nan%". The test
 * is on the bits (exponent all ones), which the compiler vectorises; -ffast-
 * math could not fold it away as it may isfinite(). */
static gboolean
all_finite (const float *values, gsize n)
{
  guint32 bad = 0;

  for (gsize i = 0; i < n; i++)
    {
      guint32 bits;

      memcpy (&bits, &values[i], sizeof bits);
      bad |= (guint32)((bits & 0x7f800000u) == 0x7f800000u);
    }
  return bad == 0;
}

static void
attention_model_finalize (GObject *object)
{
  AttentionModel *self = ATTENTION_MODEL (object);

  g_free (self->path);
  /* Freeing a module is libtorch work too: a quit must not cut it short. */
  attention_shutdown_worker_begin ();
  g_clear_pointer (&self->shim, attn_shim_free);
  attention_shutdown_worker_end ();
  g_clear_pointer (&self->info, attention_model_info_free);
  g_clear_pointer (&self->tokenizer, bert_tokenizer_unref);
  g_mutex_clear (&self->run_lock);

  G_OBJECT_CLASS (attention_model_parent_class)->finalize (object);
}

static void
attention_model_class_init (AttentionModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = attention_model_finalize;
}

static void
attention_model_init (AttentionModel *self)
{
  g_mutex_init (&self->run_lock);
}

char *
attention_model_default_path (void)
{
  const char *env = g_getenv ("ATTENTION_MODEL");
  g_autofree char *installed = NULL;

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  installed = g_build_filename (PKGDATADIR, "models", "demo-bert.pt", NULL);
  if (g_file_test (installed, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&installed);
  return g_build_filename (SOURCE_ROOT, "data", "models", "demo-bert.pt", NULL);
}

int
attention_model_set_blas_threads (int n)
{
  return attn_shim_blas_set_threads (n);
}

/* config.json must agree with the weights' dimensions. */
static gboolean
check_dims (AttentionModel *self, GError **error)
{
  const AttentionModelInfo *info = self->info;

  if ((guint)self->dims.vocab_size != info->vocab_size)
    {
      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                   _ ("The vocabulary size does not match the embeddings: config.json says %u "
                      "tokens, the model's output has %d."),
                   info->vocab_size, self->dims.vocab_size);
      return FALSE;
    }
  if ((guint)self->dims.n_layers != info->n_layers || (guint)self->dims.n_heads != info->n_heads)
    {
      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                   _ ("config.json says %u layers × %u heads, the model returns %d × %d."),
                   info->n_layers, info->n_heads, self->dims.n_layers, self->dims.n_heads);
      return FALSE;
    }
  return TRUE;
}

/* The bundle's parts must agree with each other and with the weights. */
static gboolean
check_consistency (AttentionModel *self, BertVocab *vocab, GError **error)
{
  const AttentionModelInfo *info = self->info;
  guint n_vocab = bert_vocab_get_size (vocab);
  struct
  {
    const char *token;
    gint64 id;
  } specials[] = {
    { "[PAD]", info->pad_id }, { "[UNK]", info->unk_id },   { "[CLS]", info->cls_id },
    { "[SEP]", info->sep_id }, { "[MASK]", info->mask_id },
  };

  if (!check_dims (self, error))
    return FALSE;
  if (n_vocab != info->vocab_size)
    {
      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                   _ ("The vocabulary size does not match the embeddings: vocab.txt has %u "
                      "tokens, the model has %u."),
                   n_vocab, info->vocab_size);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (specials); i++)
    if (bert_vocab_lookup (vocab, specials[i].token) != specials[i].id)
      {
        g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                     _ ("config.json gives %s the id %lld, which does not match vocab.txt."),
                     specials[i].token, (long long)specials[i].id);
        return FALSE;
      }
  return TRUE;
}

/* The 1-based line of vocab.txt (split at \n) holding a carriage return not
 * followed by \n, or 0. Python's slow tokenizer starts a new token there,
 * Hugging Face's tokenizers library and the folder loader keep it inside the
 * token: the ids after it would differ by reader. */
static guint
lone_cr_line (const char *data, gsize len)
{
  guint line = 1;

  for (gsize i = 0; i < len; i++)
    if (data[i] == '\n')
      line++;
    else if (data[i] == '\r' && (i + 1 == len || data[i + 1] != '\n'))
      return line;
  return 0;
}

/* config.json, vocab.txt and their agreement with the weights' dims. */
static gboolean
read_bundle_files (AttentionModel *self, GError **error)
{
  g_autoptr (BertVocab) vocab = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *data;
  size_t len;

  g_clear_pointer (&self->info, attention_model_info_free);
  g_clear_pointer (&self->tokenizer, bert_tokenizer_unref);

  data = attn_shim_get_extra_file (self->shim, "config.json", &len);
  self->info = attention_model_info_new_from_json (data, len, error);
  if (self->info == NULL)
    return FALSE;

  data = attn_shim_get_extra_file (self->shim, "vocab.txt", &len);
  if (data != NULL && lone_cr_line (data, len) > 0)
    {
      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                   _ ("vocab.txt has a carriage return that does not end its line (line %u): "
                      "tokenizers disagree on the ids after it. Replace it with a line feed."),
                   lone_cr_line (data, len));
      return FALSE;
    }
  vocab = bert_vocab_new_from_data (data, len, &local_error);
  if (vocab == NULL)
    {
      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                   _ ("The bundle's vocab.txt is not usable: %s"), local_error->message);
      return FALSE;
    }
  if (!self->verified)
    {
      /* Taken on trust until the first run (ATTENTION_MODEL_LOAD_ONE_SHOT). */
      self->dims.n_layers = (int)self->info->n_layers;
      self->dims.n_heads = (int)self->info->n_heads;
      self->dims.vocab_size = (int)self->info->vocab_size;
    }
  if (!check_consistency (self, vocab, error))
    return FALSE;

  self->tokenizer = bert_tokenizer_new_full (vocab, self->info->lowercase,
                                             self->info->strip_accents, self->info->split_chinese);
  return TRUE;
}

/* A model loaded without the probe failed (reading its files or its first
 * run): run the probe now, and say what a normal load would have said. FALSE
 * and that error when the probe or the checks after it fail; TRUE when the
 * model passes them all (the first failure was the input's, not the
 * bundle's). */
static gboolean
diagnose (AttentionModel *self, gboolean reread, GError **error)
{
  char *shim_error = NULL;

  if (attn_shim_probe (self->shim, &shim_error) != 0)
    {
      set_shim_error (error, ATTENTION_MODEL_ERROR_LOAD, shim_error,
                      _ ("The model could not be loaded."));
      attn_shim_free_string (shim_error);
      return FALSE;
    }
  self->dims = attn_shim_get_dims (self->shim);
  self->verified = TRUE;
  /* During a run the files were read already: only the dims are new. */
  return reread ? read_bundle_files (self, error) : check_dims (self, error);
}

AttentionModel *
attention_model_new_from_file_full (const char *path, AttentionModelLoadFlags flags, GError **error)
{
  g_autoptr (AttentionModel) self = NULL;
  g_autoptr (GError) local_error = NULL;
  attn_shim_load_params params = attn_shim_load_params_default ();
  char *shim_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  params.probe = !(flags & ATTENTION_MODEL_LOAD_ONE_SHOT);
  params.detach = (flags & ATTENTION_MODEL_LOAD_LONG_LIVED) != 0;

  /* Before anything opens it: a FIFO would block the reader for ever. */
  if (!check_file_type (path, error))
    return NULL;

  self = g_object_new (ATTENTION_TYPE_MODEL, NULL);
  self->path = g_strdup (path);
  /* A quitting app waits for this (attention-shutdown.h). */
  attention_shutdown_worker_begin ();
  self->shim = attn_shim_load (path, &params, &shim_error);
  attention_shutdown_worker_end ();
  if (self->shim == NULL)
    {
      set_shim_error (error, ATTENTION_MODEL_ERROR_LOAD, shim_error,
                      _ ("The model could not be loaded."));
      attn_shim_free_string (shim_error);
      return NULL;
    }
  self->verified = !(flags & ATTENTION_MODEL_LOAD_ONE_SHOT);
  if (self->verified)
    self->dims = attn_shim_get_dims (self->shim);

  if (!read_bundle_files (self, &local_error))
    {
      /* Without the probe, what a normal load would have said (which may be
       * the probe's failure rather than this one). */
      if (self->verified || diagnose (self, TRUE, error))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&self);
}

AttentionModel *
attention_model_new_from_file (const char *path, GError **error)
{
  return attention_model_new_from_file_full (path, ATTENTION_MODEL_LOAD_DEFAULT, error);
}

static void
load_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  AttentionModel *model;

  if (g_task_return_error_if_cancelled (task))
    return;
  model = attention_model_new_from_file_full (task_data, ATTENTION_MODEL_LOAD_LONG_LIVED, &error);
  if (model == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, model, g_object_unref);
}

void
attention_model_new_from_file_async (const char *path,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, attention_model_new_from_file_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, load_thread);
}

AttentionModel *
attention_model_new_from_file_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
attention_model_get_path (AttentionModel *self)
{
  g_return_val_if_fail (ATTENTION_IS_MODEL (self), NULL);
  return self->path;
}

const AttentionModelInfo *
attention_model_get_info (AttentionModel *self)
{
  g_return_val_if_fail (ATTENTION_IS_MODEL (self), NULL);
  return self->info;
}

BertTokenizer *
attention_model_get_tokenizer (AttentionModel *self)
{
  g_return_val_if_fail (ATTENTION_IS_MODEL (self), NULL);
  return self->tokenizer;
}

typedef struct
{
  guint id;
  double logit;
} Scored;

/* "a ranks below b": lower logit, or equal logit and higher id. */
static inline gboolean
ranks_below (const Scored *a, const Scored *b)
{
  return a->logit < b->logit || (a->logit == b->logit && a->id > b->id);
}

static void
sift_down (Scored *heap, guint n, guint i)
{
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, m = i;

      if (l < n && ranks_below (&heap[l], &heap[m]))
        m = l;
      if (r < n && ranks_below (&heap[r], &heap[m]))
        m = r;
      if (m == i)
        return;
      Scored t = heap[i];
      heap[i] = heap[m];
      heap[m] = t;
      i = m;
    }
}

static int
compare_best_first (const void *pa, const void *pb)
{
  const Scored *a = pa, *b = pb;

  if (ranks_below (a, b))
    return 1;
  if (ranks_below (b, a))
    return -1;
  return 0;
}

/* Softmax over the whole vocabulary and the k best, best first, into
 * candidates (k of them; tokens borrowed from the vocab). A min-heap of the k
 * best so far keeps this O(V log k). Returns how many. */
static guint
top_candidates (AttentionModel *self,
                const float *logits,
                guint top_k,
                AttentionCandidate *candidates)
{
  guint v = (guint)self->dims.vocab_size;
  guint k = MIN (top_k, v);
  BertVocab *vocab = bert_tokenizer_get_vocab (self->tokenizer);
  g_autofree Scored *heap = g_new (Scored, k);
  double max = -INFINITY, sum = 0;
  guint n = 0;

  for (guint i = 0; i < v; i++)
    max = MAX (max, (double)logits[i]);
  for (guint i = 0; i < v; i++)
    sum += exp ((double)logits[i] - max);

  for (guint i = 0; i < v; i++)
    {
      Scored s = { i, logits[i] };

      if (n < k)
        {
          /* Sift up. */
          guint j = n++;
          heap[j] = s;
          while (j > 0 && ranks_below (&heap[j], &heap[(j - 1) / 2]))
            {
              Scored t = heap[j];
              heap[j] = heap[(j - 1) / 2];
              heap[(j - 1) / 2] = t;
              j = (j - 1) / 2;
            }
        }
      else if (ranks_below (&heap[0], &s))
        {
          heap[0] = s;
          sift_down (heap, n, 0);
        }
    }
  qsort (heap, n, sizeof (Scored), compare_best_first);

  for (guint i = 0; i < n; i++)
    {
      candidates[i].token = (char *)bert_vocab_get_token (vocab, heap[i].id);
      candidates[i].id = heap[i].id;
      candidates[i].probability = exp (heap[i].logit - max) / sum;
    }
  return n;
}

static void
add_prediction (AttentionModel *self,
                AttentionResult *result,
                guint position,
                const float *logits,
                guint top_k,
                gboolean every_position)
{
  g_autofree AttentionCandidate *candidates = g_new0 (AttentionCandidate, MAX (top_k, 1));
  guint n = top_candidates (self, logits, top_k, candidates);

  if (every_position)
    attention_result_add_position_candidates (result, position, candidates, n);
  else
    attention_result_add_prediction (result, position, candidates, n);
}

void
attention_run_options_init (AttentionRunOptions *options)
{
  g_return_if_fail (options != NULL);
  memset (options, 0, sizeof *options);
  options->top_k = 3;
}

/* The shim's output is plain C: freed on every early return below. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (attn_shim_output, attn_shim_output_free)

AttentionResult *
attention_model_run (
    AttentionModel *self, const char *text, guint top_k, GCancellable *cancellable, GError **error)
{
  AttentionRunOptions options;

  attention_run_options_init (&options);
  options.top_k = top_k;
  return attention_model_run_with_options (self, text, &options, cancellable, error);
}

AttentionResult *
attention_model_run_with_options (AttentionModel *self,
                                  const char *text,
                                  const AttentionRunOptions *options,
                                  GCancellable *cancellable,
                                  GError **error)
{
  g_autoptr (BertEncoding) encoding = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GArray) positions = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) masks = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (attn_shim_output) output = NULL;
  attn_shim_run_params run = attn_shim_run_params_default ();
  const float *attentions, *logits;
  g_autoptr (AttentionResult) result = NULL;
  char *shim_error = NULL;
  guint n, n_layers, n_heads;
  int status;

  g_return_val_if_fail (ATTENTION_IS_MODEL (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  encoding = bert_tokenizer_encode (self->tokenizer, text, -1, &local_error);
  if (encoding == NULL)
    {
      g_set_error_literal (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_INPUT,
                           local_error->message);
      return NULL;
    }
  n = encoding->n_tokens;
  if (n > self->info->max_positions)
    {
      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_TOO_LONG,
                   _ ("The text has %u tokens; this model reads at most %u."), n,
                   self->info->max_positions);
      return NULL;
    }
  /* Logits at the [MASK]s only, the biggest saving of a run
   * (PLATFORM-NOTES); at every position when asked: the [MASK]s' rows are
   * then among them. */
  for (guint i = 0; i < n; i++)
    {
      gint64 p = i;

      if (encoding->ids[i] == self->info->mask_id)
        g_array_append_val (masks, i);
      if (options->all_positions || encoding->ids[i] == self->info->mask_id)
        g_array_append_val (positions, p);
    }

  n_layers = self->dims.n_layers;
  n_heads = self->dims.n_heads;

  {
    guint64 need = attention_model_memory_estimate (
        n_layers, n_heads, n, positions->len, self->info->vocab_size, self->info->hidden_size);
    guint64 limit = attention_model_memory_limit ();

    if (need > limit)
      {
        g_autofree char *need_text = g_format_size (need);
        g_autofree char *limit_text = g_format_size (limit);

        g_set_error (
            error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_TOO_LONG,
            _ ("This run would need about %s of memory (attention: %u layers × %u heads × %u² "
               "tokens; predictions: %u [MASK] × %u vocabulary words), more than the %s "
               "allowed (ATTENTION_MAX_MEMORY). Use a shorter text or fewer [MASK]s."),
            need_text, n_layers, n_heads, n, positions->len, self->info->vocab_size, limit_text);
        return NULL;
      }
  }

  g_mutex_lock (&self->run_lock);
  /* A run queued behind another may have been cancelled meanwhile. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_mutex_unlock (&self->run_lock);
      return NULL;
    }
  attention_shutdown_worker_begin ();
  /* The outputs stay in the shim's buffers and the result keeps them: at
   * long inputs a copy was a large part of a run (docs/benchmarks.md). */
  run.ids = encoding->ids;
  run.n_ids = n;
  run.positions = (const int64_t *)positions->data;
  run.n_positions = positions->len;
  status = attn_shim_run (self->shim, &run, &output, &shim_error);
  if (!self->verified)
    {
      /* The first run of a model loaded without the probe. Done, it has
       * measured the dims, which must match config.json's before its outputs
       * are read; failed, if the bundle is to blame, say so as a load would
       * have. */
      g_autoptr (GError) load_error = NULL;
      gboolean ok;

      if (status == 0)
        {
          self->dims = attn_shim_get_dims (self->shim);
          self->verified = TRUE;
          ok = check_dims (self, &load_error);
        }
      else
        ok = diagnose (self, FALSE, &load_error);
      if (!ok)
        {
          attention_shutdown_worker_end ();
          g_mutex_unlock (&self->run_lock);
          attn_shim_free_string (shim_error);
          g_propagate_error (error, g_steal_pointer (&load_error));
          return NULL;
        }
    }
  attention_shutdown_worker_end ();
  g_mutex_unlock (&self->run_lock);

  if (status != 0)
    {
      set_shim_error (error, ATTENTION_MODEL_ERROR_RUN, shim_error, _ ("The model failed."));
      attn_shim_free_string (shim_error);
      return NULL;
    }
  attentions = attn_shim_output_get_attentions (output);
  logits = positions->len > 0 ? attn_shim_output_get_logits (output) : NULL;
  if (!all_finite (attentions, (gsize)n_layers * n_heads * n * n) ||
      (logits != NULL && !all_finite (logits, (gsize)positions->len * self->dims.vocab_size)))
    {
      g_set_error_literal (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_NOT_FINITE,
                           _ ("the model produced NaN/inf values"));
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  result = attention_result_new_with_owner (text, g_steal_pointer (&encoding), n_layers, n_heads,
                                            attentions, g_steal_pointer (&output),
                                            (GDestroyNotify)attn_shim_output_free);
  if (options->top_k > 0)
    {
      gsize v = (gsize)self->dims.vocab_size;

      for (guint i = 0; i < masks->len; i++)
        {
          guint p = g_array_index (masks, guint, i);
          /* With every position, row p is token p's; else the i-th [MASK]'s. */
          gsize row = options->all_positions ? p : i;

          add_prediction (self, result, p, logits + row * v, options->top_k, FALSE);
        }
      if (options->all_positions)
        for (guint p = 0; p < n; p++)
          add_prediction (self, result, p, logits + (gsize)p * v, options->top_k, TRUE);
    }
  return g_steal_pointer (&result);
}

typedef struct
{
  char *text;
  AttentionRunOptions options;
} RunData;

static void
run_data_free (RunData *data)
{
  g_free (data->text);
  g_free (data);
}

static void
run_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  RunData *data = task_data;
  GError *error = NULL;
  AttentionResult *result;

  result =
      attention_model_run_with_options (source, data->text, &data->options, cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, g_object_unref);
}

void
attention_model_run_async (AttentionModel *self,
                           const char *text,
                           guint top_k,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  AttentionRunOptions options;

  attention_run_options_init (&options);
  options.top_k = top_k;
  attention_model_run_with_options_async (self, text, &options, cancellable, callback, user_data);
}

void
attention_model_run_with_options_async (AttentionModel *self,
                                        const char *text,
                                        const AttentionRunOptions *options,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  RunData *data;

  g_return_if_fail (ATTENTION_IS_MODEL (self));
  g_return_if_fail (text != NULL);
  g_return_if_fail (options != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  /* One source tag for both: run_finish checks only the task. */
  g_task_set_source_tag (task, attention_model_run_async);
  data = g_new0 (RunData, 1);
  data->text = g_strdup (text);
  data->options = *options;
  g_task_set_task_data (task, data, (GDestroyNotify)run_data_free);
  g_task_run_in_thread (task, run_thread);
}

AttentionResult *
attention_model_run_finish (AttentionModel *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
attention_model_get_config_json (AttentionModel *self, gsize *len)
{
  size_t n = 0;
  const char *data;

  g_return_val_if_fail (ATTENTION_IS_MODEL (self), NULL);
  data = attn_shim_get_extra_file (self->shim, "config.json", &n);
  if (len != NULL)
    *len = n;
  return data;
}
