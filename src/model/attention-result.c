/* attention-result.c: the immutable outcome of one model run */

#include "attention-result.h"

#include <string.h>

typedef struct
{
  guint position;
  AttentionCandidate *candidates;
  guint n_candidates;
  float *probabilities; /* a [MASK]'s over the vocabulary, or NULL */
  guint vocab_size;
  /* The best candidates that are text, as shown to a reader; NULL: the
   * candidates themselves (a result built without them). */
  AttentionCandidate *shown;
  guint n_shown;
} Prediction;

struct _AttentionResult
{
  GObject parent_instance;

  char *text;
  BertEncoding *encoding;
  guint n_layers;
  guint n_heads;
  const float *attentions;
  gpointer attentions_owner; /* frees them: the g_malloc'd block, or the shim's output */
  GDestroyNotify attentions_free;
  GArray *predictions; /* of Prediction */
  /* of Prediction, one per token in order, when the run asked for every
   * position (exBERT's view); NULL otherwise */
  GArray *positions;
  guint trained_length;
  gboolean specials_hidden;
  char *pair_text;  /* NULL for a single sentence */
  gint64 *types;    /* n_tokens */
  float *head_mask; /* n_layers × n_heads, or NULL */
  guint head_size;
  const float *queries, *keys, *value_norms; /* in the attentions' owner, or NULL */
  GArray *saliency;                          /* of Saliency */
  char *quantity;
  /* A subset's own copies of queries, keys and value norms, or NULL. */
  float *owned_queries, *owned_keys, *owned_value_norms;
};

typedef struct
{
  guint position;
  gint64 token_id;
  float *scores; /* n_tokens */
} Saliency;

static void
saliency_clear (gpointer data)
{
  g_free (((Saliency *)data)->scores);
}

G_DEFINE_FINAL_TYPE (AttentionResult, attention_result, G_TYPE_OBJECT)

static void
candidates_free (AttentionCandidate *candidates, guint n)
{
  for (guint i = 0; i < n; i++)
    g_free (candidates[i].token);
  g_free (candidates);
}

static AttentionCandidate *
candidates_copy (const AttentionCandidate *candidates, guint n)
{
  AttentionCandidate *copy = g_new0 (AttentionCandidate, n);

  for (guint i = 0; i < n; i++)
    {
      copy[i].token = g_strdup (candidates[i].token);
      copy[i].id = candidates[i].id;
      copy[i].probability = candidates[i].probability;
    }
  return copy;
}

static void
prediction_clear (gpointer data)
{
  Prediction *p = data;

  candidates_free (p->candidates, p->n_candidates);
  candidates_free (p->shown, p->n_shown);
  g_free (p->probabilities);
}

static void
attention_result_finalize (GObject *object)
{
  AttentionResult *self = ATTENTION_RESULT (object);

  g_free (self->text);
  g_clear_pointer (&self->encoding, bert_encoding_free);
  if (self->attentions_free != NULL)
    self->attentions_free (self->attentions_owner);
  g_array_unref (self->predictions);
  g_clear_pointer (&self->positions, g_array_unref);
  g_free (self->pair_text);
  g_free (self->types);
  g_free (self->head_mask);

  g_array_unref (self->saliency);
  g_free (self->quantity);
  g_free (self->owned_queries);
  g_free (self->owned_keys);
  g_free (self->owned_value_norms);

  G_OBJECT_CLASS (attention_result_parent_class)->finalize (object);
}

static void
attention_result_class_init (AttentionResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = attention_result_finalize;
}

static void
attention_result_init (AttentionResult *self)
{
  self->saliency = g_array_new (FALSE, TRUE, sizeof (Saliency));
  g_array_set_clear_func (self->saliency, saliency_clear);
  self->predictions = g_array_new (FALSE, TRUE, sizeof (Prediction));
  g_array_set_clear_func (self->predictions, prediction_clear);
  self->trained_length = G_MAXUINT;
}

AttentionResult *
attention_result_new (
    const char *text, BertEncoding *encoding, guint n_layers, guint n_heads, float *attentions)
{
  return attention_result_new_with_owner (text, encoding, n_layers, n_heads, attentions, attentions,
                                          g_free);
}

AttentionResult *
attention_result_new_with_owner (const char *text,
                                 BertEncoding *encoding,
                                 guint n_layers,
                                 guint n_heads,
                                 const float *attentions,
                                 gpointer owner,
                                 GDestroyNotify free_owner)
{
  AttentionResult *self;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (encoding != NULL, NULL);
  g_return_val_if_fail (attentions != NULL || n_layers * n_heads == 0, NULL);

  self = g_object_new (ATTENTION_TYPE_RESULT, NULL);
  self->text = g_strdup (text);
  self->encoding = encoding;
  self->n_layers = n_layers;
  self->n_heads = n_heads;
  self->attentions = attentions;
  self->attentions_owner = owner;
  self->attentions_free = free_owner;
  self->types = g_new0 (gint64, encoding->n_tokens);

  return self;
}

void
attention_result_set_pair (AttentionResult *self, const char *text_b, const gint64 *types)
{
  g_return_if_fail (ATTENTION_IS_RESULT (self));
  g_return_if_fail (types != NULL);

  g_free (self->pair_text);
  self->pair_text = g_strdup (text_b);
  memcpy (self->types, types, self->encoding->n_tokens * sizeof (gint64));
}

void
attention_result_set_head_mask (AttentionResult *self, const float *mask)
{
  g_return_if_fail (ATTENTION_IS_RESULT (self));

  g_clear_pointer (&self->head_mask, g_free);
  if (mask != NULL)
    self->head_mask = g_memdup2 (mask, (gsize)self->n_layers * self->n_heads * sizeof (float));
}

const char *
attention_result_get_pair_text (AttentionResult *self)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), NULL);
  return self->pair_text;
}

const gint64 *
attention_result_get_token_type_ids (AttentionResult *self)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), NULL);
  return self->types;
}

const float *
attention_result_get_head_mask (AttentionResult *self)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), NULL);
  return self->head_mask;
}

static Prediction
prediction_copy (guint position, const AttentionCandidate *candidates, guint n_candidates)
{
  Prediction p = {
    position, candidates_copy (candidates, n_candidates), n_candidates, NULL, 0, NULL, 0
  };

  return p;
}

void
attention_result_add_prediction (AttentionResult *self,
                                 guint position,
                                 const AttentionCandidate *candidates,
                                 guint n_candidates)
{
  Prediction p;

  g_return_if_fail (ATTENTION_IS_RESULT (self));
  g_return_if_fail (position < self->encoding->n_tokens);

  p = prediction_copy (position, candidates, n_candidates);
  g_array_append_val (self->predictions, p);
}

/* Rows r of a [matrix][token][width] array for the kept tokens, each
 * matrix's rows in keep's order (n tokens in, n_keep out). */
static float *
keep_rows (
    const float *from, guint n_matrices, guint n, gsize width, const guint *keep, guint n_keep)
{
  float *to = g_new (float, MAX ((gsize)n_matrices * n_keep * width, 1));

  for (guint m = 0; m < n_matrices; m++)
    for (guint r = 0; r < n_keep; r++)
      memcpy (to + ((gsize)m * n_keep + r) * width, from + ((gsize)m * n + keep[r]) * width,
              width * sizeof (float));
  return to;
}

/* new_subset, with attentions (owned, n_keep × n_keep per head) in place
 * of the renormalised copy when not NULL. */
static AttentionResult *
subset_with (AttentionResult *source, const guint *keep, guint n_keep, float *attentions)
{
  BertEncoding *encoding;
  AttentionResult *self;
  guint n, n_matrices, trusted = 0;

  n = source->encoding->n_tokens;
  encoding = g_new0 (BertEncoding, 1);
  encoding->n_tokens = n_keep;
  encoding->ids = g_new (gint64, MAX (n_keep, 1));
  encoding->tokens = g_new0 (char *, n_keep + 1);
  encoding->spans = g_new (BertSpan, MAX (n_keep, 1));
  for (guint k = 0; k < n_keep; k++)
    {
      g_return_val_if_fail (keep[k] < n && (k == 0 || keep[k] > keep[k - 1]), NULL);
      encoding->ids[k] = source->encoding->ids[keep[k]];
      encoding->tokens[k] = g_strdup (source->encoding->tokens[keep[k]]);
      encoding->spans[k] = source->encoding->spans[keep[k]];
      if (keep[k] < source->trained_length)
        trusted++;
    }

  n_matrices = source->n_layers * source->n_heads;
  if (attentions == NULL)
    {
      attentions = g_new0 (float, MAX ((gsize)n_matrices * n_keep * n_keep, 1));
      for (guint m = 0; m < n_matrices; m++)
        for (guint r = 0; r < n_keep; r++)
          {
            const float *from = source->attentions + ((gsize)m * n + keep[r]) * n;
            float *to = attentions + ((gsize)m * n_keep + r) * n_keep;
            double sum = 0;

            for (guint c = 0; c < n_keep; c++)
              sum += from[keep[c]];
            if (sum > 0)
              for (guint c = 0; c < n_keep; c++)
                to[c] = (float)(from[keep[c]] / sum);
          }
    }

  self =
      attention_result_new (source->text, encoding, source->n_layers, source->n_heads, attentions);
  self->trained_length = trusted < n_keep ? trusted : G_MAXUINT;
  self->specials_hidden = source->specials_hidden;
  for (guint i = 0; i < source->predictions->len; i++)
    {
      const Prediction *p = &g_array_index (source->predictions, Prediction, i);

      for (guint k = 0; k < n_keep; k++)
        if (keep[k] == p->position)
          {
            attention_result_add_prediction (self, k, p->candidates, p->n_candidates);
            if (p->probabilities != NULL)
              attention_result_set_mask_probabilities (self, p->probabilities, p->vocab_size);
            if (p->shown != NULL)
              attention_result_set_shown_candidates (self, p->shown, p->n_shown);
          }
    }
  if (attention_result_has_position_candidates (source))
    for (guint k = 0; k < n_keep; k++)
      {
        guint n_candidates;
        const AttentionCandidate *candidates =
            attention_result_get_position_candidates (source, keep[k], &n_candidates);
        const Prediction *p = &g_array_index (source->positions, Prediction, keep[k]);

        attention_result_add_position_candidates (self, k, candidates, n_candidates);
        if (p->shown != NULL)
          attention_result_set_position_shown_candidates (self, p->shown, p->n_shown);
      }
  /* The kept tokens stay in their sentences, and the heads switched off stay off. */
  if (source->pair_text != NULL)
    {
      g_autofree gint64 *types = g_new (gint64, MAX (n_keep, 1));

      for (guint k = 0; k < n_keep; k++)
        types[k] = source->types[keep[k]];
      attention_result_set_pair (self, source->pair_text, types);
    }
  attention_result_set_head_mask (self, source->head_mask);

  /* The same tokens' queries, keys and value norms: a head's softmax over
   * the kept keys is then the renormalised row, and the norms view of the
   * subset is the full one's with those columns gone and rows rescaled. */
  if (source->queries != NULL)
    {
      self->owned_queries =
          keep_rows (source->queries, n_matrices, n, source->head_size, keep, n_keep);
      self->owned_keys = keep_rows (source->keys, n_matrices, n, source->head_size, keep, n_keep);
      self->queries = self->owned_queries;
      self->keys = self->owned_keys;
      self->head_size = source->head_size;
    }
  if (source->value_norms != NULL)
    self->value_norms = self->owned_value_norms =
        keep_rows (source->value_norms, n_matrices, n, 1, keep, n_keep);
  /* A saliency's scores of the kept tokens; one whose [MASK] is gone goes. */
  for (guint i = 0; i < source->saliency->len; i++)
    {
      const Saliency *from = &g_array_index (source->saliency, Saliency, i);

      for (guint k = 0; k < n_keep; k++)
        if (keep[k] == from->position)
          {
            g_autofree float *scores = keep_rows (from->scores, 1, n, 1, keep, n_keep);

            attention_result_add_saliency (self, k, from->token_id, scores);
          }
    }
  self->quantity = g_strdup (source->quantity);
  return self;
}

AttentionResult *
attention_result_new_subset (AttentionResult *source, const guint *keep, guint n_keep)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (source), NULL);
  g_return_val_if_fail (keep != NULL || n_keep == 0, NULL);

  return subset_with (source, keep, n_keep, NULL);
}

AttentionResult *
attention_result_new_derived (AttentionResult *source, float *attentions, const char *quantity)
{
  g_autofree guint *all = NULL;
  AttentionResult *self;
  guint n;

  g_return_val_if_fail (ATTENTION_IS_RESULT (source), NULL);
  g_return_val_if_fail (attentions != NULL, NULL);

  n = source->encoding->n_tokens;
  all = g_new (guint, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    all[i] = i;
  self = subset_with (source, all, n, attentions);
  /* Every token is kept: the trained length is the source's own. */
  self->trained_length = source->trained_length;
  g_free (self->quantity);
  self->quantity = g_strdup (quantity);
  return self;
}

void
attention_result_set_specials_hidden (AttentionResult *self, gboolean hidden)
{
  g_return_if_fail (ATTENTION_IS_RESULT (self));
  self->specials_hidden = hidden;
}

gboolean
attention_result_get_specials_hidden (AttentionResult *self)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), FALSE);
  return self->specials_hidden;
}

void
attention_result_set_mask_probabilities (AttentionResult *self,
                                         const float *probabilities,
                                         guint vocab_size)
{
  Prediction *p;

  g_return_if_fail (ATTENTION_IS_RESULT (self));
  g_return_if_fail (self->predictions->len > 0);

  p = &g_array_index (self->predictions, Prediction, self->predictions->len - 1);
  g_free (p->probabilities);
  p->probabilities = g_memdup2 (probabilities, (gsize)vocab_size * sizeof (float));
  p->vocab_size = vocab_size;
}

void
attention_result_set_shown_candidates (AttentionResult *self,
                                       const AttentionCandidate *candidates,
                                       guint n_candidates)
{
  Prediction *p;

  g_return_if_fail (ATTENTION_IS_RESULT (self));
  g_return_if_fail (self->predictions->len > 0);

  p = &g_array_index (self->predictions, Prediction, self->predictions->len - 1);
  candidates_free (p->shown, p->n_shown);
  p->shown = candidates_copy (candidates, n_candidates);
  p->n_shown = n_candidates;
}

const AttentionCandidate *
attention_result_get_shown_candidates (AttentionResult *self, guint i, guint *n_candidates)
{
  Prediction *p;

  g_return_val_if_fail (ATTENTION_IS_RESULT (self), NULL);
  g_return_val_if_fail (i < self->predictions->len, NULL);

  p = &g_array_index (self->predictions, Prediction, i);
  if (p->shown == NULL)
    return attention_result_get_candidates (self, i, n_candidates);
  if (n_candidates)
    *n_candidates = p->n_shown;
  return p->shown;
}

double
attention_result_get_mask_probability (AttentionResult *self, guint i, gint64 id)
{
  Prediction *p;

  g_return_val_if_fail (ATTENTION_IS_RESULT (self), -1);
  g_return_val_if_fail (i < self->predictions->len, -1);

  p = &g_array_index (self->predictions, Prediction, i);
  if (p->probabilities != NULL && id >= 0 && (guint64)id < p->vocab_size)
    return p->probabilities[id];
  /* Without the row, the top-k still know theirs. */
  for (guint c = 0; c < p->n_candidates; c++)
    if (p->candidates[c].id == id)
      return p->candidates[c].probability;
  return -1;
}

void
attention_result_add_position_candidates (AttentionResult *self,
                                          guint position,
                                          const AttentionCandidate *candidates,
                                          guint n_candidates)
{
  Prediction p;

  g_return_if_fail (ATTENTION_IS_RESULT (self));
  g_return_if_fail (self->positions == NULL ? position == 0 : position == self->positions->len);
  g_return_if_fail (position < self->encoding->n_tokens);

  if (self->positions == NULL)
    {
      self->positions = g_array_new (FALSE, TRUE, sizeof (Prediction));
      g_array_set_clear_func (self->positions, prediction_clear);
    }
  p = prediction_copy (position, candidates, n_candidates);
  g_array_append_val (self->positions, p);
}

void
attention_result_set_position_shown_candidates (AttentionResult *self,
                                                const AttentionCandidate *candidates,
                                                guint n_candidates)
{
  Prediction *p;

  g_return_if_fail (ATTENTION_IS_RESULT (self));
  g_return_if_fail (self->positions != NULL && self->positions->len > 0);

  p = &g_array_index (self->positions, Prediction, self->positions->len - 1);
  candidates_free (p->shown, p->n_shown);
  p->shown = candidates_copy (candidates, n_candidates);
  p->n_shown = n_candidates;
}

gboolean
attention_result_has_position_candidates (AttentionResult *self)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), FALSE);
  return self->positions != NULL && self->positions->len == self->encoding->n_tokens;
}

const AttentionCandidate *
attention_result_get_position_candidates (AttentionResult *self, guint index, guint *n_candidates)
{
  const Prediction *p;

  g_return_val_if_fail (ATTENTION_IS_RESULT (self), NULL);
  if (n_candidates != NULL)
    *n_candidates = 0;
  if (self->positions == NULL || index >= self->positions->len)
    return NULL;
  p = &g_array_index (self->positions, Prediction, index);
  if (n_candidates != NULL)
    *n_candidates = p->n_candidates;
  return p->candidates;
}

const AttentionCandidate *
attention_result_get_position_shown_candidates (AttentionResult *self,
                                                guint index,
                                                guint *n_candidates)
{
  const Prediction *p;

  g_return_val_if_fail (ATTENTION_IS_RESULT (self), NULL);
  if (self->positions == NULL || index >= self->positions->len)
    return attention_result_get_position_candidates (self, index, n_candidates);
  p = &g_array_index (self->positions, Prediction, index);
  if (p->shown == NULL)
    return attention_result_get_position_candidates (self, index, n_candidates);
  if (n_candidates != NULL)
    *n_candidates = p->n_shown;
  return p->shown;
}

void
attention_result_set_trained_length (AttentionResult *self, guint length)
{
  g_return_if_fail (ATTENTION_IS_RESULT (self));
  self->trained_length = length;
}

guint
attention_result_get_trained_length (AttentionResult *self)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), G_MAXUINT);
  return self->trained_length;
}

guint
attention_result_get_n_trusted (AttentionResult *self)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), 0);
  return MIN (self->trained_length, self->encoding->n_tokens);
}

guint
attention_result_get_hatch_from (AttentionResult *self)
{
  guint trusted = attention_result_get_n_trusted (self);

  return trusted < attention_result_get_n_tokens (self) ? trusted : 0;
}

const char *
attention_result_get_text (AttentionResult *self)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), NULL);
  return self->text;
}

guint
attention_result_get_n_tokens (AttentionResult *self)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), 0);
  return self->encoding->n_tokens;
}

const char *
attention_result_get_token (AttentionResult *self, guint index)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), NULL);
  g_return_val_if_fail (index < self->encoding->n_tokens, NULL);
  return self->encoding->tokens[index];
}

const char *const *
attention_result_get_tokens (AttentionResult *self)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), NULL);
  return (const char *const *)self->encoding->tokens;
}

gint64
attention_result_get_id (AttentionResult *self, guint index)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), -1);
  g_return_val_if_fail (index < self->encoding->n_tokens, -1);
  return self->encoding->ids[index];
}

BertSpan
attention_result_get_span (AttentionResult *self, guint index)
{
  BertSpan none = { 0, 0 };

  g_return_val_if_fail (ATTENTION_IS_RESULT (self), none);
  g_return_val_if_fail (index < self->encoding->n_tokens, none);
  return self->encoding->spans[index];
}

guint
attention_result_get_n_layers (AttentionResult *self)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), 0);
  return self->n_layers;
}

guint
attention_result_get_n_heads (AttentionResult *self)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), 0);
  return self->n_heads;
}

const float *
attention_result_get_matrix (AttentionResult *self, guint layer, guint head)
{
  gsize n;

  g_return_val_if_fail (ATTENTION_IS_RESULT (self), NULL);
  g_return_val_if_fail (layer < self->n_layers && head < self->n_heads, NULL);

  n = self->encoding->n_tokens;
  return self->attentions + ((gsize)layer * self->n_heads + head) * n * n;
}

const float *
attention_result_get_attentions (AttentionResult *self)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), NULL);
  return self->attentions;
}

guint
attention_result_get_n_predictions (AttentionResult *self)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), 0);
  return self->predictions->len;
}

guint
attention_result_get_prediction_position (AttentionResult *self, guint i)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), 0);
  g_return_val_if_fail (i < self->predictions->len, 0);
  return g_array_index (self->predictions, Prediction, i).position;
}

const AttentionCandidate *
attention_result_get_candidates (AttentionResult *self, guint i, guint *n_candidates)
{
  Prediction *p;

  g_return_val_if_fail (ATTENTION_IS_RESULT (self), NULL);
  g_return_val_if_fail (i < self->predictions->len, NULL);

  p = &g_array_index (self->predictions, Prediction, i);
  if (n_candidates)
    *n_candidates = p->n_candidates;
  return p->candidates;
}

void
attention_result_append_word (GString *out, const char *word)
{
  /* A "##" piece continues the word before the mask: glue it on. */
  if (g_str_has_prefix (word, "##"))
    {
      while (out->len > 0 && g_ascii_isspace (out->str[out->len - 1]))
        g_string_truncate (out, out->len - 1);
      word += 2;
    }
  /* A byte-level BPE word ("␣word", shown so) or a SentencePiece one
   * ("▁word") brings its own space: the mask took the spaces before it. */
  else if (g_str_has_prefix (word, "␣") || g_str_has_prefix (word, "▁"))
    {
      while (out->len > 0 && g_ascii_isspace (out->str[out->len - 1]))
        g_string_truncate (out, out->len - 1);
      if (out->len > 0)
        g_string_append_c (out, ' ');
      word += strlen ("␣"); /* as long as "▁" */
    }
  g_string_append (out, word);
}

char *
attention_result_fill_mask (AttentionResult *self, guint i, guint c)
{
  const AttentionCandidate *candidates;
  guint n_candidates;
  BertSpan span;
  const char *text;
  guint position;
  GString *out;

  g_return_val_if_fail (ATTENTION_IS_RESULT (self), NULL);
  g_return_val_if_fail (i < self->predictions->len, NULL);

  candidates = attention_result_get_shown_candidates (self, i, &n_candidates);
  g_return_val_if_fail (c < n_candidates, NULL);

  position = attention_result_get_prediction_position (self, i);
  span = attention_result_get_span (self, position);
  text = self->types[position] == 1 && self->pair_text != NULL ? self->pair_text : self->text;
  out = g_string_new_len (text, span.start);

  attention_result_append_word (out, candidates[c].token);
  g_string_append (out, text + span.end);

  return g_string_free (out, FALSE);
}

void
attention_result_set_inside (AttentionResult *self,
                             guint head_size,
                             const float *queries,
                             const float *keys,
                             const float *value_norms)
{
  g_return_if_fail (ATTENTION_IS_RESULT (self));

  self->head_size = queries != NULL ? head_size : 0;
  self->queries = queries;
  self->keys = keys;
  self->value_norms = value_norms;
}

void
attention_result_add_saliency (AttentionResult *self,
                               guint position,
                               gint64 token_id,
                               const float *scores)
{
  Saliency s = { position, token_id, NULL };

  g_return_if_fail (ATTENTION_IS_RESULT (self));
  g_return_if_fail (scores != NULL);

  s.scores = g_memdup2 (scores, self->encoding->n_tokens * sizeof (float));
  g_array_append_val (self->saliency, s);
}

guint
attention_result_get_head_size (AttentionResult *self)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), 0);
  return self->head_size;
}

/* Head (layer, head)'s block of a [layer][head][token][width] array. */
static const float *
head_block (AttentionResult *self, const float *base, guint layer, guint head, gsize width)
{
  if (base == NULL)
    return NULL;
  g_return_val_if_fail (layer < self->n_layers && head < self->n_heads, NULL);
  return base + ((gsize)layer * self->n_heads + head) * self->encoding->n_tokens * width;
}

const float *
attention_result_get_queries (AttentionResult *self, guint layer, guint head)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), NULL);
  return head_block (self, self->queries, layer, head, self->head_size);
}

const float *
attention_result_get_keys (AttentionResult *self, guint layer, guint head)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), NULL);
  return head_block (self, self->keys, layer, head, self->head_size);
}

const float *
attention_result_get_value_norms (AttentionResult *self, guint layer, guint head)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), NULL);
  return head_block (self, self->value_norms, layer, head, 1);
}

guint
attention_result_get_n_saliency (AttentionResult *self)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), 0);
  return self->saliency->len;
}

const float *
attention_result_get_saliency (AttentionResult *self, guint i)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), NULL);
  if (i >= self->saliency->len)
    return NULL;
  return g_array_index (self->saliency, Saliency, i).scores;
}

void
attention_result_get_saliency_target (AttentionResult *self,
                                      guint i,
                                      guint *position,
                                      gint64 *token_id)
{
  g_return_if_fail (ATTENTION_IS_RESULT (self));
  g_return_if_fail (i < self->saliency->len);

  if (position != NULL)
    *position = g_array_index (self->saliency, Saliency, i).position;
  if (token_id != NULL)
    *token_id = g_array_index (self->saliency, Saliency, i).token_id;
}

void
attention_result_set_quantity (AttentionResult *self, const char *quantity)
{
  g_return_if_fail (ATTENTION_IS_RESULT (self));

  g_free (self->quantity);
  self->quantity = g_strdup (quantity);
}

const char *
attention_result_get_quantity (AttentionResult *self)
{
  g_return_val_if_fail (ATTENTION_IS_RESULT (self), NULL);

  return self->quantity;
}
