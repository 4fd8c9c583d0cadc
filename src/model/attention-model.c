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
#include "attention-special-token.h"
#include "attn-shim-tuning.h"
#include "attn-shim.h"

struct _AttentionModel
{
  GObject parent_instance;

  char *path;
  attn_shim *shim;
  attn_shim_dims dims;
  AttentionModelInfo *info;
  AttentionTokenizer *tokenizer;
  char **shown_vocab;       /* each id's token as shown (bpe_token_display), or NULL */
  guint8 *special;          /* per vocabulary id: not text (attention_special_token) */
  gboolean reads_bert_mask; /* "[MASK]" is read as another spelling (<mask>) */
  GMutex run_lock;          /* one forward at a time per handle */
  gboolean verified;        /* dims measured (by the probe or the first run) and checked */
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
  g_clear_pointer (&self->tokenizer, attention_tokenizer_unref);
  g_clear_pointer (&self->shown_vocab, g_strfreev);
  g_clear_pointer (&self->special, g_free);
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
    { info->pad_token, info->pad_id },   { info->unk_token, info->unk_id },
    { info->cls_token, info->cls_id },   { info->sep_token, info->sep_id },
    { info->mask_token, info->mask_id },
  };
  const char *file = info->albert          ? "spiece.model"
                     : info->sentencepiece ? "sentencepiece.bpe.model"
                     : info->bpe           ? "vocab.json"
                                           : "vocab.txt";

  if (!check_dims (self, error))
    return FALSE;
  if (n_vocab != info->vocab_size)
    {
      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                   _ ("The vocabulary size does not match the embeddings: %s has %u "
                      "tokens, the model has %u."),
                   file, n_vocab, info->vocab_size);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (specials); i++)
    if (bert_vocab_lookup (vocab, specials[i].token) != specials[i].id)
      {
        g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                     _ ("config.json gives %s the id %lld, which does not match %s."),
                     specials[i].token, (long long)specials[i].id, file);
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

/* Which ids are not text, for the guesses shown to a reader: the five
 * special ids, WordPiece's [PAD]/[unusedN] and BPE's <|…|> by their
 * spelling, a SentencePiece model's control and unknown pieces as it
 * declares them. */
static void
mark_specials (AttentionModel *self)
{
  BertVocab *vocab = attention_tokenizer_get_vocab (self->tokenizer);
  guint n = bert_vocab_get_size (vocab);

  g_free (self->special);
  self->special = g_new (guint8, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    self->special[i] =
        attention_special_token (self->info, i, bert_vocab_get_token (vocab, (gint)i)) ||
        attention_tokenizer_is_control (self->tokenizer, (gint)i);
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
  g_clear_pointer (&self->tokenizer, attention_tokenizer_unref);
  g_clear_pointer (&self->shown_vocab, g_strfreev);
  g_clear_pointer (&self->special, g_free);

  data = attn_shim_get_extra_file (self->shim, "config.json", &len);
  self->info = attention_model_info_new_from_json (data, len, error);
  if (self->info == NULL)
    return FALSE;

  if (self->info->sentencepiece)
    {
      const AttentionModelInfo *info = self->info;
      const char *file = info->albert ? "spiece.model" : "sentencepiece.bpe.model";

      /* The pieces of the SentencePiece model are the vocabulary. */
      data = attn_shim_get_extra_file (self->shim, "sentencepiece.model", &len);
      if (data == NULL || len == 0)
        self->tokenizer = NULL;
      else if (info->albert)
        self->tokenizer = attention_tokenizer_new_albert (
            data, len, file, info->lowercase, info->remove_space, info->keep_accents, &local_error);
      else
        self->tokenizer =
            attention_tokenizer_new_sentencepiece (data, len, file, TRUE, &local_error);
      if (self->tokenizer == NULL)
        {
          g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                       _ ("The model's %s is not usable: %s"), file,
                       local_error != NULL ? local_error->message : _ ("it is empty"));
          return FALSE;
        }
      if (info->albert)
        {
          /* The model's own ids for its special pieces (the shim does not
           * read the model; the tokenizer checked [CLS], [SEP], [MASK]). */
          BertVocab *pieces = attention_tokenizer_get_vocab (self->tokenizer);
          struct
          {
            const char *token;
            gint64 *id;
          } own[] = {
            { info->pad_token, &self->info->pad_id },   { info->unk_token, &self->info->unk_id },
            { info->cls_token, &self->info->cls_id },   { info->sep_token, &self->info->sep_id },
            { info->mask_token, &self->info->mask_id },
          };

          for (guint i = 0; i < G_N_ELEMENTS (own); i++)
            if (bert_vocab_lookup (pieces, own[i].token) >= 0)
              *own[i].id = bert_vocab_lookup (pieces, own[i].token);
        }
      if (!self->verified)
        {
          self->dims.n_layers = (int)self->info->n_layers;
          self->dims.n_heads = (int)self->info->n_heads;
          self->dims.vocab_size = (int)self->info->vocab_size;
        }
      if (!check_consistency (self, attention_tokenizer_get_vocab (self->tokenizer), error))
        return FALSE;
      self->reads_bert_mask = attention_tokenizer_read_bert_mask (self->tokenizer);
      mark_specials (self);
      return TRUE;
    }
  data = attn_shim_get_extra_file (self->shim, "vocab.txt", &len);
  if (data != NULL && lone_cr_line (data, len) > 0)
    {
      g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                   _ ("vocab.txt has a carriage return that does not end its line (line %u): "
                      "tokenizers disagree on the ids after it. Replace it with a line feed."),
                   lone_cr_line (data, len));
      return FALSE;
    }
  /* A BPE vocabulary (vocab.json, one token a line in id order) has its own
   * special tokens, checked against the config below. */
  vocab = bert_vocab_new_from_data_full (data, len, !self->info->bpe, &local_error);
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

  if (self->info->bpe)
    {
      g_autoptr (GError) merges_error = NULL;
      guint n = bert_vocab_get_size (vocab);

      data = attn_shim_get_extra_file (self->shim, "merges.txt", &len);
      self->tokenizer = data != NULL && len > 0
                            ? attention_tokenizer_new_bpe (vocab, data, len, &merges_error)
                            : NULL;
      if (self->tokenizer == NULL)
        {
          g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG,
                       _ ("The model's merges.txt is not usable: %s"),
                       merges_error != NULL ? merges_error->message : _ ("it is empty"));
          return FALSE;
        }
      /* Ġ-spelled tokens as words with a visible space, everywhere shown. */
      self->shown_vocab = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        self->shown_vocab[i] = bpe_token_display (bert_vocab_get_token (vocab, (gint)i));
    }
  else
    {
      g_autoptr (BertTokenizer) wordpiece = bert_tokenizer_new_full (
          vocab, self->info->lowercase, self->info->strip_accents, self->info->split_chinese);

      self->tokenizer = attention_tokenizer_new_wordpiece (wordpiece);
    }
  /* The user types [MASK] whatever the family. */
  self->reads_bert_mask = attention_tokenizer_read_bert_mask (self->tokenizer);
  mark_specials (self);
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

AttentionTokenizer *
attention_model_get_tokenizer (AttentionModel *self)
{
  g_return_val_if_fail (ATTENTION_IS_MODEL (self), NULL);
  return self->tokenizer;
}

BertEncoding *
attention_model_encode (AttentionModel *self, const char *text, gssize len, GError **error)
{
  g_return_val_if_fail (ATTENTION_IS_MODEL (self), NULL);
  return attention_tokenizer_encode_shown (self->tokenizer, text, len, error);
}

const char *
attention_model_get_token (AttentionModel *self, guint id)
{
  BertVocab *vocab;

  g_return_val_if_fail (ATTENTION_IS_MODEL (self), NULL);
  vocab = attention_tokenizer_get_vocab (self->tokenizer);
  if (id >= bert_vocab_get_size (vocab))
    return NULL;
  return self->shown_vocab != NULL ? self->shown_vocab[id] : bert_vocab_get_token (vocab, (gint)id);
}

char *
attention_model_mask_note (AttentionModel *self, const char *text)
{
  g_return_val_if_fail (ATTENTION_IS_MODEL (self), NULL);
  if (!self->reads_bert_mask || text == NULL || strstr (text, "[MASK]") == NULL)
    return NULL;
  /* TRANSLATORS: %s is the model's own mask token, e.g. <mask> */
  return g_strdup_printf (_ ("[MASK] is read as %s, this model's mask token."),
                          self->info->mask_token);
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

/* An id that is not text ([PAD], [unused7], an id past the vocabulary):
 * never among the candidates shown to a reader. */
static gboolean
is_special (AttentionModel *self, guint id)
{
  BertVocab *vocab = attention_tokenizer_get_vocab (self->tokenizer);

  return id >= bert_vocab_get_size (vocab) || self->special == NULL || self->special[id];
}

/* Softmax over the whole vocabulary and the k best, best first, into
 * candidates (k of them; tokens borrowed from the vocab); with text_only,
 * the k best of the ids that are text. A min-heap of the k best so far keeps
 * this O(V log k). Returns how many. */
static guint
top_candidates (AttentionModel *self,
                const float *logits,
                guint top_k,
                gboolean text_only,
                AttentionCandidate *candidates)
{
  guint v = (guint)self->dims.vocab_size;
  guint k = MIN (top_k, v);
  g_autofree Scored *heap = g_new (Scored, MAX (k, 1));
  double max = -INFINITY, sum = 0;
  guint n = 0;

  for (guint i = 0; i < v; i++)
    max = MAX (max, (double)logits[i]);
  for (guint i = 0; i < v; i++)
    sum += exp ((double)logits[i] - max);

  for (guint i = 0; i < v && k > 0; i++)
    {
      Scored s = { i, logits[i] };

      if (text_only && is_special (self, i))
        continue;
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
      candidates[i].token = (char *)attention_model_get_token (self, heap[i].id);
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
  g_autofree AttentionCandidate *shown = g_new0 (AttentionCandidate, MAX (top_k, 1));
  guint n = top_candidates (self, logits, top_k, FALSE, candidates);
  guint n_shown = top_candidates (self, logits, top_k, TRUE, shown);

  if (every_position)
    {
      attention_result_add_position_candidates (result, position, candidates, n);
      attention_result_set_position_shown_candidates (result, shown, n_shown);
    }
  else
    {
      /* The whole row, for comparing any token's probability across runs
       * (head importance, a head switched off). */
      guint v = (guint)self->dims.vocab_size;
      g_autofree float *row = g_new (float, MAX (v, 1));
      double max = -INFINITY, sum = 0;

      for (guint i = 0; i < v; i++)
        max = MAX (max, (double)logits[i]);
      for (guint i = 0; i < v; i++)
        sum += exp ((double)logits[i] - max);
      for (guint i = 0; i < v; i++)
        row[i] = (float)(exp ((double)logits[i] - max) / sum);
      attention_result_add_prediction (result, position, candidates, n);
      attention_result_set_mask_probabilities (result, row, v);
      attention_result_set_shown_candidates (result, shown, n_shown);
    }
}

/* The shim's output is plain C: freed on every early return below. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (attn_shim_output, attn_shim_output_free)

/* One shim output shared by the results of a batch: each result holds a
 * reference, and the last one frees it. */
typedef struct
{
  attn_shim_output *output;
} SharedOutput;

static void
shared_output_clear (gpointer data)
{
  attn_shim_output_free (((SharedOutput *)data)->output);
}

static void
shared_output_release (gpointer data)
{
  g_atomic_rc_box_release_full (data, shared_output_clear);
}

/* [CLS] A [SEP] B [SEP]: a's encoding followed by b's without its [CLS];
 * types 0 through a's [SEP], 1 after (as Hugging Face's tokenizer(a, b)). */
/* A sentence pair as one input: BERT's [CLS] A [SEP] B [SEP] with token
 * types 0 then 1; RoBERTa's <s> A </s></s> B </s>, all of type 0 (it has
 * one token type), as RobertaTokenizer's build_inputs_with_special_tokens. */
static BertEncoding *
join_pair (BertEncoding *a, BertEncoding *b, gboolean roberta, gint64 **types)
{
  BertEncoding *joined = g_new0 (BertEncoding, 1);
  guint skip = roberta ? 0 : 1; /* b's first token dropped: [CLS] */
  guint n = a->n_tokens + b->n_tokens - skip;

  joined->n_tokens = n;
  joined->ids = g_new (gint64, n);
  joined->tokens = g_new0 (char *, n + 1);
  joined->spans = g_new (BertSpan, n);
  *types = g_new0 (gint64, n);
  for (guint i = 0; i < n; i++)
    {
      gboolean first = i < a->n_tokens;
      BertEncoding *from = first ? a : b;
      guint j = first ? i : i - a->n_tokens + skip;

      joined->ids[i] = from->ids[j];
      joined->tokens[i] = g_strdup (from->tokens[j]);
      joined->spans[i] = from->spans[j];
      (*types)[i] = first || roberta ? 0 : 1;
    }
  /* b's <s> becomes the second </s>. */
  if (roberta)
    {
      joined->ids[a->n_tokens] = a->ids[a->n_tokens - 1];
      g_free (joined->tokens[a->n_tokens]);
      joined->tokens[a->n_tokens] = g_strdup (a->tokens[a->n_tokens - 1]);
    }
  return joined;
}

/* One input of a run: its encoding, types (NULL: all 0) and the token
 * positions whose logits the run asks for. */
typedef struct
{
  const char *text;
  const char *pair;
  BertEncoding *encoding;
  gint64 *types;
  guint offset;         /* its first token among the run's packed ids */
  guint first_position; /* its first row among the run's logits */
  guint n_positions;
  guint first_saliency; /* its first row among the run's saliencies */
  guint n_saliency;
} Item;

static gboolean
encode_item (AttentionModel *self, Item *item, guint index, guint n_items, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (BertEncoding) a = NULL;
  g_autoptr (BertEncoding) b = NULL;

  a = attention_model_encode (self, item->text, -1, &local_error);
  if (a != NULL && item->pair != NULL)
    b = attention_model_encode (self, item->pair, -1, &local_error);
  if (a == NULL || (item->pair != NULL && b == NULL))
    {
      if (n_items > 1)
        g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_INPUT,
                     _ ("Text %u of %u: %s"), index + 1, n_items, local_error->message);
      else
        g_set_error_literal (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_INPUT,
                             local_error->message);
      return FALSE;
    }
  if (b != NULL)
    item->encoding = join_pair (
        a, b, self->info->bpe || (self->info->sentencepiece && !self->info->albert), &item->types);
  else
    item->encoding = g_steal_pointer (&a);
  if (item->encoding->n_tokens > self->info->max_positions)
    {
      guint n = item->encoding->n_tokens, max = self->info->max_positions;

      if (n_items > 1)
        g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_TOO_LONG,
                     _ ("Text %u of %u has %u tokens; this model reads at most %u."), index + 1,
                     n_items, n, max);
      else if (item->pair != NULL)
        g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_TOO_LONG,
                     _ ("The two sentences have %u tokens together; this model reads at most "
                        "%u."),
                     n, max);
      else
        g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_TOO_LONG,
                     _ ("The text has %u tokens; this model reads at most %u."), n, max);
      return FALSE;
    }
  return TRUE;
}

static void
item_clear (Item *item)
{
  g_clear_pointer (&item->encoding, bert_encoding_free);
  g_clear_pointer (&item->types, g_free);
}

/* Runs the shim on run under the model's lock. The first run of a model
 * loaded without the probe measures and checks the dims (diagnosing the
 * bundle if it fails). Returns the output, or NULL and error. */
static attn_shim_output *
run_shim (AttentionModel *self,
          const attn_shim_run_params *run,
          gboolean concurrent,
          GCancellable *cancellable,
          GError **error)
{
  attn_shim_output *output = NULL;
  char *shim_error = NULL;
  int status;

  /* After the first run (which measures the model and builds the shim's
   * batched module), runs that ask for it go beside the others: the shim
   * allows concurrent runs from then on (attn-shim.h). */
  if (concurrent && g_atomic_int_get (&self->verified))
    {
      attention_shutdown_worker_begin ();
      status = attn_shim_run (self->shim, run, &output, &shim_error);
      attention_shutdown_worker_end ();
      if (status != 0)
        {
          set_shim_error (error, ATTENTION_MODEL_ERROR_RUN, shim_error, _ ("The model failed."));
          attn_shim_free_string (shim_error);
          return NULL;
        }
      return output;
    }
  g_mutex_lock (&self->run_lock);
  /* A run queued behind another may have been cancelled meanwhile. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_mutex_unlock (&self->run_lock);
      return NULL;
    }
  attention_shutdown_worker_begin ();
  status = attn_shim_run (self->shim, run, &output, &shim_error);
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
          g_atomic_int_set (&self->verified, TRUE);
          ok = check_dims (self, &load_error);
        }
      else
        ok = diagnose (self, FALSE, &load_error);
      if (!ok)
        {
          attention_shutdown_worker_end ();
          g_mutex_unlock (&self->run_lock);
          attn_shim_free_string (shim_error);
          attn_shim_output_free (output);
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
  return output;
}

static gboolean
check_head_mask (AttentionModel *self, guint n_layers, guint n_heads, GError **error)
{
  if (n_layers == (guint)self->dims.n_layers && n_heads == (guint)self->dims.n_heads)
    return TRUE;
  g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_INPUT,
               _ ("The head mask is for %u layers × %u heads; the model has %d × %d."), n_layers,
               n_heads, self->dims.n_layers, self->dims.n_heads);
  return FALSE;
}

/* The batch behind attention_model_run_with_options and attention_model_run_batch. */
static GPtrArray *
run_items (AttentionModel *self,
           const char *const *texts,
           const char *const *pairs,
           guint n_items,
           const float *head_masks,
           const AttentionRunOptions *options,
           GCancellable *cancellable,
           GError **error)
{
  g_autoptr (GArray) saliency_positions = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) saliency_tokens = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint head_size = self->info->hidden_size / MAX (self->info->n_heads, 1);
  g_autoptr (GArray) items = g_array_sized_new (FALSE, TRUE, sizeof (Item), n_items);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) types = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) positions = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree gsize *lengths = g_new (gsize, MAX (n_items, 1));
  g_autoptr (attn_shim_output) output = NULL;
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  attn_shim_run_params run = attn_shim_run_params_default ();
  guint n_layers, n_heads, mask_layers = 0, mask_heads = 0, top_k;
  const float *options_mask, *logits;
  gboolean any_pair = FALSE, all_positions;
  SharedOutput *shared;

  g_array_set_clear_func (items, (GDestroyNotify)item_clear);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  top_k = options->top_k;
  all_positions = options->all_positions;
  options_mask = options->head_mask;
  mask_layers = options->head_mask_layers;
  mask_heads = options->head_mask_heads;
  n_layers = self->dims.n_layers;
  n_heads = self->dims.n_heads;
  if (options_mask != NULL && head_masks == NULL &&
      !check_head_mask (self, mask_layers, mask_heads, error))
    return NULL;

  g_array_set_size (items, n_items);
  for (guint s = 0; s < n_items; s++)
    {
      Item *item = &g_array_index (items, Item, s);

      item->text = texts[s];
      item->pair = pairs != NULL ? pairs[s] : options->pair;
      if (!encode_item (self, item, s, n_items, error))
        return NULL;
      any_pair = any_pair || item->types != NULL;
    }
  for (guint s = 0; s < n_items; s++)
    {
      Item *item = &g_array_index (items, Item, s);
      BertEncoding *e = item->encoding;

      lengths[s] = e->n_tokens;
      item->offset = ids->len;
      item->first_position = positions->len;
      for (guint i = 0; i < e->n_tokens; i++)
        {
          gint64 p = ids->len, type = item->types != NULL ? item->types[i] : 0;

          /* Without predictions the MLM head has no row to compute. */
          if (all_positions || (top_k > 0 && e->ids[i] == self->info->mask_id))
            g_array_append_val (positions, p);
          g_array_append_val (ids, e->ids[i]);
          g_array_append_val (types, type);
        }
      item->n_positions = positions->len - item->first_position;

      /* Saliency: the top-1 (-1) at every [MASK], then the targets asked. */
      item->first_saliency = saliency_positions->len;
      for (guint i = 0; i < e->n_tokens && options->saliency; i++)
        if (e->ids[i] == self->info->mask_id)
          {
            gint64 p = item->offset + i, top = -1;

            g_array_append_val (saliency_positions, p);
            g_array_append_val (saliency_tokens, top);
          }
      for (guint t = 0; t < options->n_saliency_targets; t++)
        {
          gint64 p = item->offset + options->saliency_positions[t];
          gint64 token = options->saliency_token_ids[t];

          if (options->saliency_positions[t] < 0 || options->saliency_positions[t] >= e->n_tokens)
            {
              g_set_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_INPUT,
                           _ ("Saliency was asked for token %lld, but the input has %u tokens."),
                           (long long)options->saliency_positions[t] + 1, e->n_tokens);
              return NULL;
            }
          g_array_append_val (saliency_positions, p);
          g_array_append_val (saliency_tokens, token);
        }
      item->n_saliency = saliency_positions->len - item->first_saliency;
    }

  /* The outputs stay in the shim's buffers and the results keep them: at
   * long inputs a copy was a large part of a run (docs/benchmarks.md). A
   * single plain sentence asks for nothing more than before the options. */
  run.ids = (const int64_t *)ids->data;
  run.n_ids = ids->len;
  run.positions = (const int64_t *)positions->data;
  run.n_positions = positions->len;
  if (n_items > 1)
    {
      run.n_sequences = n_items;
      run.lengths = lengths;
    }
  if (any_pair)
    run.token_type_ids = (const int64_t *)types->data;
  run.n_threads = (int)MIN (options->threads, (guint)G_MAXINT);
  if (head_masks != NULL)
    {
      run.head_mask = head_masks;
      run.head_mask_per_sequence = 1;
    }
  else
    run.head_mask = options_mask;
  /* Only when asked: a plain run computes none of them, and no gradient. */
  run.want_qk = options->want_qk;
  run.want_value_norms = options->want_value_norms;
  if (saliency_positions->len > 0)
    {
      run.saliency_positions = (const int64_t *)saliency_positions->data;
      run.saliency_token_ids = (const int64_t *)saliency_tokens->data;
      run.n_saliency = saliency_positions->len;
    }

  /* Refused before anything big is allocated: a batch pads every text to
   * the longest, so each costs what the longest does. */
  {
    guint max_len = 0;
    guint64 need, limit = attention_model_memory_limit ();

    for (guint s = 0; s < n_items; s++)
      max_len = MAX (max_len, (guint)lengths[s]);
    need = attention_model_memory_estimate (n_layers, n_heads, max_len, 0, self->info->vocab_size,
                                            self->info->hidden_size) *
               n_items +
           attention_model_memory_estimate (0, 0, 0, positions->len, self->info->vocab_size, 0);
    if (need > limit)
      {
        g_autofree char *need_text = g_format_size (need);
        g_autofree char *limit_text = g_format_size (limit);

        g_set_error (
            error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_TOO_LONG,
            _ ("This run would need about %s of memory (attention: %u layers × %u heads × %u² "
               "tokens; predictions: %u [MASK] × %u vocabulary words), more than the %s "
               "allowed (ATTENTION_MAX_MEMORY). Use a shorter text or fewer [MASK]s."),
            need_text, n_layers, n_heads, max_len, positions->len, self->info->vocab_size,
            limit_text);
        return NULL;
      }
  }

  output = run_shim (self, &run, options->concurrent, cancellable, error);
  if (output == NULL)
    return NULL;
  /* Verified now (the first run of a one-shot model measures them). */
  n_layers = self->dims.n_layers;
  n_heads = self->dims.n_heads;

  logits = positions->len > 0 ? attn_shim_output_get_logits (output) : NULL;
  if (logits != NULL && !all_finite (logits, (gsize)positions->len * self->dims.vocab_size))
    {
      g_set_error_literal (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_NOT_FINITE,
                           _ ("the model produced NaN/inf values"));
      return NULL;
    }
  for (guint s = 0; s < n_items; s++)
    {
      gsize n = lengths[s];
      const float *attentions = attn_shim_output_get_sequence_attentions (output, s);
      const float *q = attn_shim_output_get_queries (output, s);
      const float *k = attn_shim_output_get_keys (output, s);
      const float *norms = attn_shim_output_get_value_norms (output, s);
      gsize block = (gsize)n_layers * n_heads * n;

      if (attentions == NULL || !all_finite (attentions, block * n) ||
          (options->want_qk && (q == NULL || k == NULL || !all_finite (q, block * head_size) ||
                                !all_finite (k, block * head_size))) ||
          (options->want_value_norms && (norms == NULL || !all_finite (norms, block))))
        {
          g_set_error_literal (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_NOT_FINITE,
                               _ ("the model produced NaN/inf values"));
          return NULL;
        }
    }
  if (saliency_positions->len > 0 && (attn_shim_output_get_saliency (output) == NULL ||
                                      !all_finite (attn_shim_output_get_saliency (output),
                                                   (gsize)saliency_positions->len * ids->len)))
    {
      g_set_error_literal (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_NOT_FINITE,
                           _ ("the model produced NaN/inf values"));
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  shared = g_atomic_rc_box_new0 (SharedOutput);
  shared->output = g_steal_pointer (&output);
  for (guint s = 0; s < n_items; s++)
    {
      Item *item = &g_array_index (items, Item, s);
      const float *mask =
          head_masks != NULL ? head_masks + (gsize)s * n_layers * n_heads : options_mask;
      AttentionResult *result;
      guint n_tokens = item->encoding->n_tokens;
      g_autofree gint64 *item_types = g_steal_pointer (&item->types);

      result = attention_result_new_with_owner (
          item->text, g_steal_pointer (&item->encoding), n_layers, n_heads,
          attn_shim_output_get_sequence_attentions (shared->output, s),
          g_atomic_rc_box_acquire (shared), shared_output_release);
      g_ptr_array_add (results, result);
      attention_result_set_trained_length (result, self->info->trained_length);
      if (item_types != NULL)
        attention_result_set_pair (result, item->pair, item_types);
      if (mask != NULL)
        attention_result_set_head_mask (result, mask);
      if (options->want_qk || options->want_value_norms)
        attention_result_set_inside (
            result, head_size,
            options->want_qk ? attn_shim_output_get_queries (shared->output, s) : NULL,
            options->want_qk ? attn_shim_output_get_keys (shared->output, s) : NULL,
            options->want_value_norms ? attn_shim_output_get_value_norms (shared->output, s)
                                      : NULL);
      for (guint k = 0; k < item->n_saliency; k++)
        {
          guint row = item->first_saliency + k;
          const float *scores = attn_shim_output_get_saliency (shared->output);
          const int64_t *tokens = attn_shim_output_get_saliency_token_ids (shared->output);

          attention_result_add_saliency (
              result, (guint)(g_array_index (saliency_positions, gint64, row) - item->offset),
              tokens[row], scores + (gsize)row * ids->len + item->offset);
        }
      if (top_k == 0)
        continue;
      for (guint k = 0; k < item->n_positions; k++)
        {
          guint row = item->first_position + k;
          guint position = (guint)(g_array_index (positions, gint64, row) - item->offset);
          const float *row_logits = logits + (gsize)row * self->dims.vocab_size;

          g_assert (position < n_tokens);
          /* With every position, a [MASK] has both: its row and its prediction. */
          if (all_positions)
            add_prediction (self, result, position, row_logits, top_k, TRUE);
          if (attention_result_get_id (result, position) == self->info->mask_id)
            add_prediction (self, result, position, row_logits, top_k, FALSE);
        }
    }
  shared_output_release (shared);
  return g_steal_pointer (&results);
}

AttentionResult *
attention_model_run_with_options (AttentionModel *self,
                                  const char *text,
                                  const AttentionRunOptions *options,
                                  GCancellable *cancellable,
                                  GError **error)
{
  g_autoptr (GPtrArray) results = NULL;

  g_return_val_if_fail (ATTENTION_IS_MODEL (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);

  results = run_items (self, &text, NULL, 1, NULL, options, cancellable, error);
  return results != NULL ? g_object_ref (g_ptr_array_index (results, 0)) : NULL;
}

GPtrArray *
attention_model_run_batch (AttentionModel *self,
                           const char *const *texts,
                           const char *const *pairs,
                           guint n_texts,
                           const float *head_masks,
                           const AttentionRunOptions *options,
                           GCancellable *cancellable,
                           GError **error)
{
  g_return_val_if_fail (ATTENTION_IS_MODEL (self), NULL);
  g_return_val_if_fail (texts != NULL && n_texts > 0, NULL);
  g_return_val_if_fail (options != NULL, NULL);

  return run_items (self, texts, pairs, n_texts, head_masks, options, cancellable, error);
}

AttentionResult *
attention_model_run (
    AttentionModel *self, const char *text, guint top_k, GCancellable *cancellable, GError **error)
{
  AttentionRunOptions options;

  attention_run_options_init (&options);
  options.top_k = top_k;
  return attention_model_run_with_options (self, text, &options, cancellable, error);
}

/* A run in a thread: the text and the options, with copies of what their
 * pointers borrow. */
typedef struct
{
  char *text;
  AttentionRunOptions options;
  char *pair;
  float *head_mask;
  gint64 *saliency_positions, *saliency_token_ids; /* copies of the options' */
} RunData;

static void
run_data_free (RunData *data)
{
  g_free (data->text);
  g_free (data->pair);
  g_free (data->head_mask);
  g_free (data->saliency_positions);
  g_free (data->saliency_token_ids);
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
  data->pair = g_strdup (options->pair);
  data->options.pair = data->pair;
  if (options->head_mask != NULL)
    data->head_mask = g_memdup2 (options->head_mask, (gsize)options->head_mask_layers *
                                                         options->head_mask_heads * sizeof (float));
  data->options.head_mask = data->head_mask;
  if (options->n_saliency_targets > 0)
    {
      data->saliency_positions =
          g_memdup2 (options->saliency_positions, options->n_saliency_targets * sizeof (gint64));
      data->saliency_token_ids =
          g_memdup2 (options->saliency_token_ids, options->n_saliency_targets * sizeof (gint64));
    }
  data->options.saliency_positions = data->saliency_positions;
  data->options.saliency_token_ids = data->saliency_token_ids;
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
