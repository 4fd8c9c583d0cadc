/* attention-stats.c: aggregates, rollout, hiding and head pattern scores
 * computed from the attention tensor (see attention-stats.h for the maths). */

#include "attention-stats.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

guint
attention_stats_classify_token (const char *token)
{
  gboolean punct = TRUE;

  if (token == NULL || token[0] == '\0')
    return 0;
  /* RoBERTa's <s> and </s> hold BERT's [CLS] and [SEP] places. */
  if (strcmp (token, "[CLS]") == 0 || strcmp (token, "<s>") == 0)
    return ATTENTION_TOKEN_CLS;
  if (strcmp (token, "[SEP]") == 0 || strcmp (token, "</s>") == 0)
    return ATTENTION_TOKEN_SEP;

  /* BERT's _is_punctuation: ASCII non-alphanumeric symbols count too ("$", "`"). */
  for (const char *p = token; *p && punct; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
          (c >= 123 && c <= 126))
        continue;
      switch (g_unichar_type (c))
        {
          case G_UNICODE_CONNECT_PUNCTUATION:
          case G_UNICODE_DASH_PUNCTUATION:
          case G_UNICODE_CLOSE_PUNCTUATION:
          case G_UNICODE_FINAL_PUNCTUATION:
          case G_UNICODE_INITIAL_PUNCTUATION:
          case G_UNICODE_OTHER_PUNCTUATION:
          case G_UNICODE_OPEN_PUNCTUATION:
            break;
          default:
            punct = FALSE;
        }
    }
  return punct ? ATTENTION_TOKEN_PUNCTUATION : 0;
}

guint8 *
attention_stats_classify_tokens (const char *const *tokens, guint n)
{
  guint8 *classes = g_new0 (guint8, MAX (n, 1));

  for (guint i = 0; i < n && tokens != NULL && tokens[i] != NULL; i++)
    classes[i] = (guint8)attention_stats_classify_token (tokens[i]);
  return classes;
}

void
attention_stats_layer_mean (
    const float *attentions, guint n_heads, guint n, guint layer, float *out)
{
  gsize nn = (gsize)n * n;
  const float *base = attentions + (gsize)layer * n_heads * nn;

  g_return_if_fail (out != NULL);

  for (gsize k = 0; k < nn; k++)
    {
      double sum = 0;

      for (guint h = 0; h < n_heads; h++)
        sum += base[h * nn + k];
      out[k] = n_heads > 0 ? (float)(sum / n_heads) : 0.0f;
    }
}

void
attention_stats_all_mean (
    const float *attentions, guint n_layers, guint n_heads, guint n, float *out)
{
  gsize nn = (gsize)n * n;
  gsize count = (gsize)n_layers * n_heads;

  g_return_if_fail (out != NULL);

  for (gsize k = 0; k < nn; k++)
    {
      double sum = 0;

      for (gsize m = 0; m < count; m++)
        sum += attentions[m * nn + k];
      out[k] = count > 0 ? (float)(sum / count) : 0.0f;
    }
}

/* Head mean of one layer plus the identity, each row divided by its sum.
 * Heads are summed row by row so every read is contiguous. */
static void
residual_matrix (const float *attentions, guint n_heads, guint n, guint layer, float *out)
{
  gsize nn = (gsize)n * n;
  const float *base = attentions + (gsize)layer * n_heads * nn;

  memset (out, 0, nn * sizeof (float));
  for (guint h = 0; h < n_heads; h++)
    for (gsize k = 0; k < nn; k++)
      out[k] += base[h * nn + k];
  for (guint i = 0; i < n; i++)
    {
      float *row = out + (gsize)i * n;
      double row_sum = 0;

      for (guint j = 0; j < n; j++)
        {
          row[j] = (n_heads > 0 ? row[j] / n_heads : 0) + (i == j ? 1.0f : 0.0f);
          row_sum += row[j];
        }
      for (guint j = 0; j < n; j++)
        row[j] = (float)(row[j] / (row_sum > 0 ? row_sum : 1.0));
    }
}

void
attention_stats_rollout (
    const float *attentions, guint n_heads, guint n, guint up_to_layer, float *out)
{
  gsize nn = (gsize)n * n;
  g_autofree float *layer_matrix = NULL;
  g_autofree float *product = NULL;

  g_return_if_fail (out != NULL);
  if (n == 0)
    return;

  /* Float throughout: twice the SIMD width of double, and the products of
   * row-stochastic matrices stay within 1e-6 of double here. */
  layer_matrix = g_new (float, nn);
  product = g_new (float, nn);

  residual_matrix (attentions, n_heads, n, 0, out);
  for (guint l = 1; l <= up_to_layer; l++)
    {
      residual_matrix (attentions, n_heads, n, l, layer_matrix);
      /* product = Â(l) · out, i-k-j order for contiguous inner loops. */
      memset (product, 0, nn * sizeof (float));
      for (guint i = 0; i < n; i++)
        {
          float *dst = product + (gsize)i * n;

          for (guint k = 0; k < n; k++)
            {
              float a = layer_matrix[(gsize)i * n + k];
              const float *src = out + (gsize)k * n;

              if (a == 0)
                continue;
              for (guint j = 0; j < n; j++)
                dst[j] += a * src[j];
            }
        }
      memcpy (out, product, nn * sizeof (float));
    }
}

void
attention_stats_hide_tokens (float *matrix, guint n, const guint8 *classes, guint hidden)
{
  g_return_if_fail (matrix != NULL || n == 0);
  g_return_if_fail (classes != NULL || n == 0);

  for (guint i = 0; i < n; i++)
    {
      float *row = matrix + (gsize)i * n;
      double sum = 0;

      if (classes[i] & hidden)
        {
          memset (row, 0, n * sizeof (float));
          continue;
        }
      for (guint j = 0; j < n; j++)
        {
          if (classes[j] & hidden)
            row[j] = 0;
          else
            sum += row[j];
        }
      if (sum > 0)
        for (guint j = 0; j < n; j++)
          row[j] = (float)(row[j] / sum);
    }
}

void
attention_stats_head_scores (const float *matrix,
                             guint n,
                             const guint8 *classes,
                             AttentionHeadScores *scores)
{
  double prev = 0, next = 0, self = 0, cls = 0, sep = 0, punct = 0, entropy = 0;

  g_return_if_fail (scores != NULL);
  memset (scores, 0, sizeof *scores);
  if (n == 0)
    return;

  for (guint i = 0; i < n; i++)
    {
      const float *row = matrix + (gsize)i * n;

      if (i > 0)
        prev += row[i - 1];
      if (i + 1 < n)
        next += row[i + 1];
      self += row[i];
      for (guint j = 0; j < n; j++)
        {
          double a = row[j];

          if (classes != NULL)
            {
              if (classes[j] & ATTENTION_TOKEN_CLS)
                cls += a;
              if (classes[j] & ATTENTION_TOKEN_SEP)
                sep += a;
              if (classes[j] & ATTENTION_TOKEN_PUNCTUATION)
                punct += a;
            }
          if (a > 0)
            entropy -= a * log (a);
        }
    }

  scores->score[ATTENTION_PATTERN_PREVIOUS] = n > 1 ? prev / (n - 1) : 0;
  scores->score[ATTENTION_PATTERN_NEXT] = n > 1 ? next / (n - 1) : 0;
  scores->score[ATTENTION_PATTERN_SELF] = self / n;
  scores->score[ATTENTION_PATTERN_CLS] = cls / n;
  scores->score[ATTENTION_PATTERN_SEP] = sep / n;
  scores->score[ATTENTION_PATTERN_PUNCTUATION] = punct / n;
  scores->score[ATTENTION_PATTERN_ENTROPY] = entropy / n;
}

AttentionPattern
attention_stats_strongest_pattern (const AttentionHeadScores *scores)
{
  AttentionPattern best = ATTENTION_PATTERN_PREVIOUS;

  g_return_val_if_fail (scores != NULL, best);

  /* Ties go to the earlier, more specific pattern (positional before [CLS]). */
  for (int p = ATTENTION_PATTERN_PREVIOUS; p < ATTENTION_PATTERN_ENTROPY; p++)
    if (scores->score[p] > scores->score[best])
      best = p;
  return best;
}

const char *
attention_stats_pattern_name (AttentionPattern pattern)
{
  switch (pattern)
    {
      case ATTENTION_PATTERN_PREVIOUS:
        return _ ("Previous token");
      case ATTENTION_PATTERN_NEXT:
        return _ ("Next token");
      case ATTENTION_PATTERN_SELF:
        return _ ("Same token");
      case ATTENTION_PATTERN_CLS:
        return "[CLS]";
      case ATTENTION_PATTERN_SEP:
        return "[SEP]";
      case ATTENTION_PATTERN_PUNCTUATION:
        return _ ("Punctuation");
      case ATTENTION_PATTERN_ENTROPY:
        return _ ("Entropy");
      case ATTENTION_N_PATTERNS:
      default:
        return "";
    }
}

char *
attention_stats_describe_pattern (const AttentionHeadScores *scores)
{
  AttentionPattern best;
  double value;

  g_return_val_if_fail (scores != NULL, NULL);

  best = attention_stats_strongest_pattern (scores);
  value = scores->score[best];
  /* A weak maximum is no pattern: a head spreading its attention evenly
   * would otherwise "mostly attend to [CLS]: 0.16". */
  if (!(value > ATTENTION_PATTERN_THRESHOLD))
    /* Translators: after "Layer 1, head 2 ". The first %s is a score's name
     * ("Previous token", "[CLS]"); the last number is the threshold, 0.5. */
    return g_strdup_printf (_ ("shows no single pattern (strongest: %s, %.2f; a pattern needs "
                               "more than %.1f)"),
                            attention_stats_pattern_name (best), value,
                            ATTENTION_PATTERN_THRESHOLD);
  switch (best)
    {
      case ATTENTION_PATTERN_PREVIOUS:
        return g_strdup_printf (_ ("mostly attends to the previous token: %.2f"), value);
      case ATTENTION_PATTERN_NEXT:
        return g_strdup_printf (_ ("mostly attends to the next token: %.2f"), value);
      case ATTENTION_PATTERN_SELF:
        return g_strdup_printf (_ ("mostly attends to the same token: %.2f"), value);
      case ATTENTION_PATTERN_CLS:
        return g_strdup_printf (_ ("mostly attends to [CLS]: %.2f"), value);
      case ATTENTION_PATTERN_SEP:
        return g_strdup_printf (_ ("mostly attends to [SEP]: %.2f"), value);
      case ATTENTION_PATTERN_PUNCTUATION:
        return g_strdup_printf (_ ("mostly attends to punctuation: %.2f"), value);
      case ATTENTION_PATTERN_ENTROPY:
      case ATTENTION_N_PATTERNS:
      default:
        g_return_val_if_reached (NULL);
    }
}

void
attention_stats_norms (const float *matrix, const float *norms, guint n, float *out)
{
  for (guint i = 0; i < n; i++)
    {
      double sum = 0;

      for (guint j = 0; j < n; j++)
        sum += (double)matrix[(gsize)i * n + j] * norms[j];
      for (guint j = 0; j < n; j++)
        out[(gsize)i * n + j] =
            sum > 0 ? (float)((double)matrix[(gsize)i * n + j] * norms[j] / sum) : 0.0f;
    }
}

AttentionResult *
attention_stats_without_specials (AttentionResult *result)
{
  guint n;
  g_autofree guint8 *classes = NULL;
  g_autofree guint *keep = NULL;
  guint n_keep = 0;
  AttentionResult *out;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), NULL);

  n = attention_result_get_n_tokens (result);
  classes = attention_stats_classify_tokens (attention_result_get_tokens (result), n);
  keep = g_new (guint, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    if (!(classes[i] & (ATTENTION_TOKEN_CLS | ATTENTION_TOKEN_SEP)))
      keep[n_keep++] = i;
  out = attention_result_new_subset (result, keep, n_keep);
  attention_result_set_specials_hidden (out, TRUE);
  return out;
}

float *
attention_stats_compute (AttentionResult *result,
                         AttentionAggregate aggregate,
                         guint layer,
                         guint head,
                         gboolean hide_special)
{
  guint n, n_layers, n_heads;
  const float *att;
  float *out;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), NULL);

  n = attention_result_get_n_tokens (result);
  n_layers = attention_result_get_n_layers (result);
  n_heads = attention_result_get_n_heads (result);
  att = attention_result_get_attentions (result);
  out = g_new0 (float, MAX ((gsize)n * n, 1));
  if (n_layers == 0 || n_heads == 0)
    return out;
  layer = MIN (layer, n_layers - 1);
  head = MIN (head, n_heads - 1);

  switch (aggregate)
    {
      case ATTENTION_AGGREGATE_LAYER_MEAN:
        attention_stats_layer_mean (att, n_heads, n, layer, out);
        break;
      case ATTENTION_AGGREGATE_ALL_MEAN:
        attention_stats_all_mean (att, n_layers, n_heads, n, out);
        break;
      case ATTENTION_AGGREGATE_ROLLOUT:
        attention_stats_rollout (att, n_heads, n, layer, out);
        break;
      case ATTENTION_AGGREGATE_NORMS:
        {
          const float *norms = attention_result_get_value_norms (result, layer, head);

          /* Without norms the matrix stays zero: the caller asks for a run
           * that computes them (attention_result_get_value_norms). */
          if (norms != NULL)
            attention_stats_norms (attention_result_get_matrix (result, layer, head), norms, n,
                                   out);
        }
        break;
      case ATTENTION_AGGREGATE_HEAD:
      default:
        memcpy (out, attention_result_get_matrix (result, layer, head),
                (gsize)n * n * sizeof (float));
        break;
    }

  if (hide_special)
    {
      g_autofree guint8 *classes =
          attention_stats_classify_tokens (attention_result_get_tokens (result), n);

      attention_stats_hide_tokens (out, n, classes, ATTENTION_TOKEN_CLS | ATTENTION_TOKEN_SEP);
    }
  return out;
}

AttentionHeadScores *
attention_stats_all_head_scores (AttentionResult *result)
{
  guint n, n_layers, n_heads;
  g_autofree guint8 *classes = NULL;
  AttentionHeadScores *scores;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), NULL);

  n = attention_result_get_n_tokens (result);
  n_layers = attention_result_get_n_layers (result);
  n_heads = attention_result_get_n_heads (result);
  classes = attention_stats_classify_tokens (attention_result_get_tokens (result), n);
  scores = g_new0 (AttentionHeadScores, MAX (n_layers * n_heads, 1));
  for (guint l = 0; l < n_layers; l++)
    for (guint h = 0; h < n_heads; h++)
      attention_stats_head_scores (attention_result_get_matrix (result, l, h), n, classes,
                                   &scores[l * n_heads + h]);
  return scores;
}

static void
scores_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  AttentionHeadScores *scores = attention_stats_all_head_scores (ATTENTION_RESULT (source));

  if (g_task_return_error_if_cancelled (task))
    g_free (scores);
  else
    g_task_return_pointer (task, scores, g_free);
}

void
attention_stats_all_head_scores_async (AttentionResult *result,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (ATTENTION_IS_RESULT (result));

  task = g_task_new (result, cancellable, callback, user_data);
  g_task_set_source_tag (task, attention_stats_all_head_scores_async);
  g_task_run_in_thread (task, scores_thread);
}

AttentionHeadScores *
attention_stats_all_head_scores_finish (AttentionResult *result, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, result), NULL);

  return g_task_propagate_pointer (G_TASK (res), error);
}

AttentionHeadScores *
attention_stats_one_head_scores (AttentionResult *result, guint layer, guint head)
{
  guint n;
  g_autofree guint8 *classes = NULL;
  AttentionHeadScores *scores;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), NULL);

  n = attention_result_get_n_tokens (result);
  classes = attention_stats_classify_tokens (attention_result_get_tokens (result), n);
  scores = g_new0 (AttentionHeadScores, 1);
  attention_stats_head_scores (attention_result_get_matrix (result, layer, head), n, classes,
                               scores);
  return scores;
}

typedef struct
{
  AttentionAggregate aggregate;
  guint layer;
  guint head;
  gboolean hide_special;
} ComputeArgs;

static void
compute_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ComputeArgs *args = data;
  float *matrix;

  matrix = attention_stats_compute (ATTENTION_RESULT (source), args->aggregate, args->layer,
                                    args->head, args->hide_special);
  if (g_task_return_error_if_cancelled (task))
    g_free (matrix);
  else
    g_task_return_pointer (task, matrix, g_free);
}

void
attention_stats_compute_async (AttentionResult *result,
                               AttentionAggregate aggregate,
                               guint layer,
                               guint head,
                               gboolean hide_special,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  ComputeArgs *args;

  g_return_if_fail (ATTENTION_IS_RESULT (result));

  args = g_new (ComputeArgs, 1);
  args->aggregate = aggregate;
  args->layer = layer;
  args->head = head;
  args->hide_special = hide_special;

  /* The result is immutable, so the worker may read it while the UI does too. */
  task = g_task_new (result, cancellable, callback, user_data);
  g_task_set_source_tag (task, attention_stats_compute_async);
  g_task_set_task_data (task, args, g_free);
  g_task_run_in_thread (task, compute_thread);
}

float *
attention_stats_compute_finish (AttentionResult *result, GAsyncResult *res, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (res, result), NULL);

  return g_task_propagate_pointer (G_TASK (res), error);
}

AttentionResult *
attention_stats_norms_result (AttentionResult *result)
{
  guint n, n_layers, n_heads;
  float *out;

  g_return_val_if_fail (ATTENTION_IS_RESULT (result), NULL);

  n = attention_result_get_n_tokens (result);
  n_layers = attention_result_get_n_layers (result);
  n_heads = attention_result_get_n_heads (result);
  if (n_layers == 0 || n_heads == 0 || attention_result_get_value_norms (result, 0, 0) == NULL)
    return NULL;
  out = g_new (float, MAX ((gsize)n_layers * n_heads * n * n, 1));
  for (guint l = 0; l < n_layers; l++)
    for (guint h = 0; h < n_heads; h++)
      attention_stats_norms (attention_result_get_matrix (result, l, h),
                             attention_result_get_value_norms (result, l, h), n,
                             out + ((gsize)l * n_heads + h) * n * n);
  /* The same tokens, pair, heads off, trained length and (for a result
   * without [CLS] and [SEP]) subset: only the matrices differ. */
  return attention_result_new_derived (
      result, out, _ ("attention × value norms, rows summing to 1 (Kobayashi et al. 2020)"));
}
