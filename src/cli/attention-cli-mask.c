/* attention-cli-mask.c: the mask.py flow of the original exercise: read a
 * text with [MASK], print the model's best completions, optionally dump
 * everything as JSON and draw every layer/head's attention. */

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "attention-cli-private.h"
#include "attention-head-importance.h"
#include "attention-head-mask.h"
#include "attention-result-json.h"
#include "attention-stats.h"

/* Python's input("Text: "): the prompt on stdout, one line from stdin without
 * its newline. NULL at end of input. */
static char *
prompt_text (void)
{
  GString *line = g_string_new (NULL);
  int c;

  fputs (_ ("Text: "), stdout);
  fflush (stdout);
  while ((c = getchar ()) != EOF && c != '\n')
    g_string_append_c (line, (char)c);
  if (c == EOF && line->len == 0)
    {
      g_string_free (line, TRUE);
      return NULL;
    }
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  return g_string_free (line, FALSE);
}

/* One sentence (type 0: the text, 1: a pair's second) with every [MASK]
 * in it replaced by its own candidate of rank c (the original replaced each
 * [MASK] with the first one's candidate; with one mask that is the same).
 * Each word goes in as attention_result_append_word puts it. Masks whose
 * list is shorter than c + 1 keep their last candidate. */
static void
fill_sentence (GString *out, AttentionResult *result, gint64 type, guint c)
{
  const char *text =
      type == 0 ? attention_result_get_text (result) : attention_result_get_pair_text (result);
  const gint64 *types = attention_result_get_token_type_ids (result);
  guint n_predictions = attention_result_get_n_predictions (result);
  gsize from = 0;

  for (guint i = 0; i < n_predictions; i++)
    {
      guint n_candidates, position = attention_result_get_prediction_position (result, i);
      const AttentionCandidate *candidates =
          attention_result_get_shown_candidates (result, i, &n_candidates);
      BertSpan span = attention_result_get_span (result, position);

      if (n_candidates == 0 || types[position] != type)
        continue;
      g_string_append_len (out, text + from, span.start - from);
      attention_result_append_word (out, candidates[MIN (c, n_candidates - 1)].token);
      from = span.end;
    }
  g_string_append (out, text + from);
}

/* The text (and a pair's second sentence after " [SEP] ") with every [MASK]
 * filled by its candidate of rank c. */
static char *
fill_all_masks (AttentionResult *result, guint c)
{
  GString *out = g_string_new (NULL);

  fill_sentence (out, result, 0, c);
  if (attention_result_get_pair_text (result) != NULL)
    {
      g_string_append (out, " [SEP] ");
      fill_sentence (out, result, 1, c);
    }
  return g_string_free (out, FALSE);
}

/* --head-importance: a row per layer, each head's Δp in percentage points
 * (how much the top prediction's probability drops with the head off). */
static void
print_importance (const float *dp, guint n_layers, guint n_heads)
{
  putchar ('\n');
  /* TRANSLATORS: the header of --head-importance's table, then the heads'
   * numbers */
  printf ("%-5s", _ ("Layer"));
  for (guint h = 0; h < n_heads; h++)
    printf (" %7s%-2u", _ ("H"), h + 1);
  putchar ('\n');
  for (guint l = 0; l < n_layers; l++)
    {
      printf ("%-5u", l + 1);
      for (guint h = 0; h < n_heads; h++)
        printf (" %9.2f", 100.0 * dp[l * n_heads + h]);
      putchar ('\n');
    }
  printf ("%s\n", _ ("Δp in percentage points: the full run's top prediction's probability at "
                     "each [MASK] with every head on, less that with the head switched off "
                     "alone (averaged over the [MASK]s)."));
}

/* --all-positions: one row per token, its index, itself and the top-k at
 * its position as "candidate (probability %)", special tokens skipped as
 * the completions skip them (--dump keeps the raw top-k). */
static void
print_positions (AttentionResult *result)
{
  guint n = attention_result_get_n_tokens (result);
  int width = 5;

  for (guint i = 0; i < n; i++)
    width = MAX (width, (int)g_utf8_strlen (attention_result_get_token (result, i), -1));
  if (attention_result_get_n_predictions (result) > 0)
    putchar ('\n');
  /* TRANSLATORS: the header of --all-positions' table: token index, token,
   * the model's best guesses at that position */
  printf ("%5s  %-*s  %s\n", _ ("Index"), width, _ ("Token"), _ ("Top-k at this position"));
  for (guint i = 0; i < n; i++)
    {
      guint n_candidates;
      const AttentionCandidate *candidates =
          attention_result_get_position_shown_candidates (result, i, &n_candidates);
      const char *token = attention_result_get_token (result, i);
      /* printf pads bytes, not characters. */
      int pad = width - (int)g_utf8_strlen (token, -1);

      printf ("%5u  %s%*s ", i, token, pad, "");
      for (guint c = 0; c < n_candidates; c++)
        printf (" %s (%.1f %%)", candidates[c].token, 100.0 * candidates[c].probability);
      putchar ('\n');
    }
}

static gboolean
has_mask (AttentionModel *model, const char *text, GError **error)
{
  g_autoptr (BertEncoding) encoding = NULL;
  gint64 mask_id = attention_model_get_info (model)->mask_id;

  if (text == NULL)
    return FALSE;
  encoding = attention_model_encode (model, text, -1, error);
  if (encoding == NULL)
    return FALSE;
  for (guint i = 0; i < encoding->n_tokens; i++)
    if (encoding->ids[i] == mask_id)
      return TRUE;
  return FALSE;
}

/* Prints a model error as the mask flow does; returns 2. */
static int
model_failed (AttentionModel *model, const GError *error)
{
  /* The bundle's own fault, found on its first run: name the file, as for
   * any other load error. */
  if (g_error_matches (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_LOAD) ||
      g_error_matches (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG))
    g_printerr ("attention-cli: %s: %s\n", attention_model_get_path (model), error->message);
  else
    g_printerr ("attention-cli: %s\n", error->message);
  return 2;
}

/* The model, loaded on a thread of its own while the prompt waits for the
 * user's text: libtorch takes most of a second to load, which the user
 * would otherwise wait through again after pressing Enter. */
typedef struct
{
  const AttentionCliOptions *options;
  AttentionModel *model;
  GError *error;
} Load;

static gpointer
load_in_thread (gpointer data)
{
  Load *load = data;

  load->model = attention_cli_load_model (load->options, &load->error);
  return NULL;
}

/* A text longer than the model was trained on still runs (up to its
 * position table), but its last tokens' attention means nothing: say so,
 * with both lengths and the tokens concerned. */
static void
warn_past_trained_length (AttentionResult *result)
{
  guint n = attention_result_get_n_tokens (result);
  guint limit = attention_result_get_n_trusted (result);
  g_autoptr (GString) tokens = NULL;
  g_autofree char *head = NULL;

  if (limit >= n)
    return;
  tokens = g_string_new (NULL);
  for (guint i = limit; i < n; i++)
    g_string_append_printf (tokens, "%s%s", i > limit ? " " : "",
                            attention_result_get_token (result, i));
  head = g_strdup_printf (
      /* Translators: the model's trained length, the text's token count, then
       * the first and last positions past the limit and their tokens. */
      _ ("warning: this model was trained on at most %u tokens; the text has %u. The attention "
         "of tokens %u–%u is not meaningful:"),
      limit, n, limit + 1, n);
  g_printerr ("attention-cli: %s %s\n", head, tokens->str);
}

int
attention_cli_run_mask (const AttentionCliOptions *options)
{
  g_autofree char *text = NULL;
  g_autoptr (AttentionModel) model = NULL;
  g_autoptr (AttentionResult) result = NULL;
  g_autoptr (GError) error = NULL;
  AttentionRunOptions run_options;
  g_autofree float *head_mask = NULL;
  g_autofree float *importance = NULL;
  guint n_lines = 0;

  if (options->text != NULL)
    {
      text = g_strdup (options->text);
      model = attention_cli_load_model (options, &error);
    }
  else
    {
      Load load = { options, NULL, NULL };
      GThread *thread = g_thread_new ("attention-load", load_in_thread, &load);

      text = prompt_text ();
      /* Joined on every path: no process may exit in the middle of a load. */
      g_thread_join (thread);
      model = load.model;
      error = load.error;
      if (text == NULL)
        {
          g_printerr ("attention-cli: %s\n", _ ("No text was given."));
          return 2;
        }
    }

  if (model == NULL)
    {
      g_printerr ("attention-cli: %s\n", error->message);
      return 2;
    }

  /* As mask.py: check the tokens (not the raw text) before running. With
   * every position asked for, there is something to show without one. */
  if ((!options->all_positions || options->head_importance) && !has_mask (model, text, &error) &&
      (error != NULL || !has_mask (model, options->pair_text, &error)))
    {
      if (error != NULL)
        {
          g_printerr ("attention-cli: %s\n", error->message);
          return 2;
        }
      g_printerr ("%s\n", _ ("Input must include mask token [MASK]."));
      return 1;
    }

  /* Out of range is the user's error, said before anything runs. */
  if (options->neuron_layer > 0)
    {
      const AttentionModelInfo *info = attention_model_get_info (model);

      if (options->neuron_layer > info->n_layers || options->neuron_head > info->n_heads)
        {
          g_autofree char *message = g_strdup_printf (
              _ ("--neuron %u:%u is out of range: this model has layers 1 to %u and heads 1 to "
                 "%u."),
              options->neuron_layer, options->neuron_head, info->n_layers, info->n_heads);

          g_printerr ("attention-cli: %s\n", message);
          return 2;
        }
    }

  /* Once per run: a RoBERTa reads the [MASK] the user typed as <mask>. */
  {
    g_autofree char *note = attention_model_mask_note (model, text);

    if (note == NULL)
      note = attention_model_mask_note (model, options->pair_text);
    if (note != NULL)
      g_printerr ("attention-cli: %s\n", note);
  }

  attention_run_options_init (&run_options);
  run_options.top_k = (guint)options->top_k;
  run_options.all_positions = options->all_positions;
  run_options.pair = options->pair_text;
  /* Only what the dump or the export will hold: a plain run computes none
   * of it. */
  run_options.want_qk = options->neuron_layer > 0;
  run_options.want_value_norms = options->norms || g_strcmp0 (options->show, "norms") == 0;
  /* The best candidate of every [MASK], in the order of the predictions. */
  run_options.saliency = options->saliency;
  if (options->ablate != NULL)
    {
      const AttentionModelInfo *info = attention_model_get_info (model);
      head_mask =
          attention_head_mask_parse (options->ablate, info->n_layers, info->n_heads, &error);
      if (head_mask == NULL)
        {
          g_printerr ("attention-cli: --ablate: %s\n", error->message);
          return 2;
        }
      run_options.head_mask = head_mask;
      run_options.head_mask_layers = info->n_layers;
      run_options.head_mask_heads = info->n_heads;
    }
  result = attention_model_run_with_options (model, text, &run_options, NULL, &error);
  if (result == NULL)
    return model_failed (model, error);
  if (options->head_importance)
    {
      importance = attention_head_importance (model, text, &run_options, 0, NULL, NULL, NULL, NULL,
                                              NULL, &error);
      if (importance == NULL)
        return model_failed (model, error);
    }

  warn_past_trained_length (result);
  if (!attention_model_get_info (model)->has_mlm_head)
    g_printerr ("attention-cli: %s\n",
                _ ("This model has no masked-language-model head: its predictions are "
                   "meaningless, only its attention is real."));

  for (guint i = 0; i < attention_result_get_n_predictions (result); i++)
    {
      guint n_candidates;

      attention_result_get_shown_candidates (result, i, &n_candidates);
      n_lines = MAX (n_lines, n_candidates);
    }
  for (guint c = 0; c < n_lines; c++)
    {
      g_autofree char *line = fill_all_masks (result, c);

      puts (line);
    }
  if (options->all_positions)
    print_positions (result);
  if (importance != NULL)
    print_importance (importance, attention_result_get_n_layers (result),
                      attention_result_get_n_heads (result));
  fflush (stdout);

  if (options->dump_path != NULL)
    {
      gsize len;
      const char *config = attention_model_get_config_json (model, &len);

      AttentionDumpExtras extras = { (int)options->neuron_layer - 1, (int)options->neuron_head - 1,
                                     options->norms, importance };

      if (!attention_result_write_json_full (result, config, len, &extras, options->dump_path,
                                             &error))
        {
          g_printerr ("attention-cli: %s\n", error->message);
          return 2;
        }
    }

  if (options->output_dir != NULL && g_strcmp0 (options->show, "norms") == 0)
    {
      /* Every kind draws or writes the norms in place of the weights. */
      g_autoptr (AttentionResult) norms = attention_stats_norms_result (result);

      if (norms == NULL)
        {
          g_printerr ("attention-cli: %s\n",
                      _ ("--show norms: the model returned no value norms."));
          return 2;
        }
      return attention_cli_write_format (options, norms, attention_model_get_info (model)->name);
    }
  if (options->output_dir != NULL)
    return attention_cli_write_format (options, result, attention_model_get_info (model)->name);

  return 0;
}
