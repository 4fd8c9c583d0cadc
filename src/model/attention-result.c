/* attention-result.c: the immutable outcome of one model run */

#include "attention-result.h"

#include <string.h>

typedef struct
{
  guint position;
  AttentionCandidate *candidates;
  guint n_candidates;
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
  char *pair_text;  /* NULL for a single sentence */
  gint64 *types;    /* n_tokens */
  float *head_mask; /* n_layers × n_heads, or NULL */
  guint head_size;
  const float *queries, *keys, *value_norms; /* in the attentions' owner, or NULL */
  GArray *saliency;                          /* of Saliency */
  char *quantity;
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
prediction_clear (gpointer data)
{
  Prediction *p = data;

  for (guint i = 0; i < p->n_candidates; i++)
    g_free (p->candidates[i].token);
  g_free (p->candidates);
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
  Prediction p = { position, g_new0 (AttentionCandidate, n_candidates), n_candidates };

  for (guint i = 0; i < n_candidates; i++)
    {
      p.candidates[i].token = g_strdup (candidates[i].token);
      p.candidates[i].id = candidates[i].id;
      p.candidates[i].probability = candidates[i].probability;
    }
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

char *
attention_result_fill_mask (AttentionResult *self, guint i, guint c)
{
  const AttentionCandidate *candidates;
  guint n_candidates;
  BertSpan span;
  const char *word, *text;
  guint position;
  GString *out;

  g_return_val_if_fail (ATTENTION_IS_RESULT (self), NULL);
  g_return_val_if_fail (i < self->predictions->len, NULL);

  candidates = attention_result_get_candidates (self, i, &n_candidates);
  g_return_val_if_fail (c < n_candidates, NULL);

  position = attention_result_get_prediction_position (self, i);
  span = attention_result_get_span (self, position);
  text = self->types[position] == 1 && self->pair_text != NULL ? self->pair_text : self->text;
  word = candidates[c].token;
  out = g_string_new_len (text, span.start);

  /* A "##" piece continues the word before the mask: glue it on. */
  if (g_str_has_prefix (word, "##"))
    {
      while (out->len > 0 && g_ascii_isspace (out->str[out->len - 1]))
        g_string_truncate (out, out->len - 1);
      word += 2;
    }
  g_string_append (out, word);
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
