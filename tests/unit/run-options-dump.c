/* run-options-dump.c: runs a model with AttentionRunOptions as a request on
 * stdin asks, and prints every result as JSON, for test_run_options.py to
 * check against its own reference forward.
 *
 *   run-options-dump MODEL < request.json
 *
 * The request: {"texts": [...], "pairs": [...|null] or absent, "pair": str,
 * "head_mask": [L*H floats], "head_masks": [[L*H floats] per text],
 * "top_k": k, "all_positions": bool, "batch": bool (one batched run rather
 * than a run per text), "want_qk", "want_value_norms", "saliency": bool,
 * "saliency_each": [bool per text] (without "batch": each run's own
 * saliency, in the order of the texts, on the one loaded model),
 * "concurrent": bool (without "batch": after one run of the first text
 * with queries and keys only, every text on a thread of its own, all
 * started together, as concurrent runs of the one model)}. A failed run
 * prints {"error": message} and exits 1. */

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attention-model.h"

static float *
floats (JsonArray *array, guint *n)
{
  float *out = g_new (float, json_array_get_length (array));

  *n = json_array_get_length (array);
  for (guint i = 0; i < *n; i++)
    out[i] = (float)json_array_get_double_element (array, i);
  return out;
}

static void
add_candidates (JsonBuilder *b, const AttentionCandidate *c, guint n)
{
  json_builder_begin_array (b);
  for (guint k = 0; k < n; k++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, c[k].id);
      json_builder_set_member_name (b, "probability");
      json_builder_add_double_value (b, c[k].probability);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_floats (JsonBuilder *b, const char *name, const float *values, gsize n)
{
  json_builder_set_member_name (b, name);
  if (values == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_array (b);
  for (gsize i = 0; i < n; i++)
    json_builder_add_double_value (b, values[i]);
  json_builder_end_array (b);
}

/* Queries, keys and value norms ([layer][head][token](…) flat, null when
 * absent) and the saliencies, when the request asked for them. */
static void
add_inside (JsonBuilder *b, AttentionResult *r)
{
  guint n = attention_result_get_n_tokens (r);
  guint l = attention_result_get_n_layers (r), h = attention_result_get_n_heads (r);
  guint d = attention_result_get_head_size (r);
  g_autofree float *q = NULL, *k = NULL, *norms = NULL;

  json_builder_set_member_name (b, "head_size");
  json_builder_add_int_value (b, d);
  if (d > 0)
    {
      q = g_new (float, (gsize)l *h *n *d);
      k = g_new (float, (gsize)l *h *n *d);
      for (guint m = 0; m < l * h; m++)
        {
          memcpy (q + (gsize)m * n * d, attention_result_get_queries (r, m / h, m % h),
                  (gsize)n * d * sizeof (float));
          memcpy (k + (gsize)m * n * d, attention_result_get_keys (r, m / h, m % h),
                  (gsize)n * d * sizeof (float));
        }
    }
  if (attention_result_get_value_norms (r, 0, 0) != NULL)
    {
      norms = g_new (float, (gsize)l *h *n);
      for (guint m = 0; m < l * h; m++)
        memcpy (norms + (gsize)m * n, attention_result_get_value_norms (r, m / h, m % h),
                n * sizeof (float));
    }
  add_floats (b, "queries", q, (gsize)l * h * n * d);
  add_floats (b, "keys", k, (gsize)l * h * n * d);
  add_floats (b, "value_norms", norms, (gsize)l * h * n);
  json_builder_set_member_name (b, "saliency");
  json_builder_begin_array (b);
  for (guint i = 0; i < attention_result_get_n_saliency (r); i++)
    {
      guint position;
      gint64 token;

      attention_result_get_saliency_target (r, i, &position, &token);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "position");
      json_builder_add_int_value (b, position);
      json_builder_set_member_name (b, "token_id");
      json_builder_add_int_value (b, token);
      add_floats (b, "scores", attention_result_get_saliency (r, i), n);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_result (JsonBuilder *b, AttentionResult *r)
{
  guint n = attention_result_get_n_tokens (r);
  guint l = attention_result_get_n_layers (r), h = attention_result_get_n_heads (r);
  const float *att = attention_result_get_attentions (r);
  const gint64 *types = attention_result_get_token_type_ids (r);
  const float *mask = attention_result_get_head_mask (r);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ids");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    json_builder_add_int_value (b, attention_result_get_id (r, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "tokens");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    json_builder_add_string_value (b, attention_result_get_token (r, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "token_type_ids");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    json_builder_add_int_value (b, types[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "pair_text");
  if (attention_result_get_pair_text (r) != NULL)
    json_builder_add_string_value (b, attention_result_get_pair_text (r));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "head_mask");
  if (mask != NULL)
    {
      json_builder_begin_array (b);
      for (guint i = 0; i < l * h; i++)
        json_builder_add_double_value (b, mask[i]);
      json_builder_end_array (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "layers");
  json_builder_add_int_value (b, l);
  json_builder_set_member_name (b, "heads");
  json_builder_add_int_value (b, h);
  json_builder_set_member_name (b, "attentions");
  json_builder_begin_array (b);
  for (gsize i = 0; i < (gsize)l * h * n * n; i++)
    json_builder_add_double_value (b, att[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "predictions");
  json_builder_begin_array (b);
  for (guint i = 0; i < attention_result_get_n_predictions (r); i++)
    {
      guint nc;
      const AttentionCandidate *c = attention_result_get_candidates (r, i, &nc);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "position");
      json_builder_add_int_value (b, attention_result_get_prediction_position (r, i));
      json_builder_set_member_name (b, "candidates");
      add_candidates (b, c, nc);
      json_builder_set_member_name (b, "filled");
      if (nc > 0)
        {
          g_autofree char *filled = attention_result_fill_mask (r, i, 0);
          json_builder_add_string_value (b, filled);
        }
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "positions");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      guint nc;
      const AttentionCandidate *c = attention_result_get_position_candidates (r, i, &nc);

      if (c == NULL)
        json_builder_add_null_value (b);
      else
        add_candidates (b, c, nc);
    }
  json_builder_end_array (b);
  add_inside (b, r);
  json_builder_end_object (b);
}

/* One run of the "concurrent" request, on its own thread. */
typedef struct
{
  AttentionModel *model;
  const char *text;
  AttentionRunOptions options;
  gint *go; /* 0 until every thread is started */
  AttentionResult *result;
  GError *error;
} Job;

static gpointer
run_job (gpointer data)
{
  Job *job = data;

  while (!g_atomic_int_get (job->go))
    g_thread_yield ();
  job->result =
      attention_model_run_with_options (job->model, job->text, &job->options, NULL, &job->error);
  return NULL;
}

static void
run_concurrently (AttentionModel *model,
                  GPtrArray *texts,
                  const AttentionRunOptions *options,
                  GPtrArray *results,
                  GError **error)
{
  AttentionRunOptions first = *options;
  g_autoptr (AttentionResult) warm = NULL;
  g_autofree Job *jobs = g_new0 (Job, texts->len);
  g_autofree GThread **threads = g_new (GThread *, texts->len);
  gint go = 0;

  /* Runs may go side by side once a run with options has returned. */
  first.want_value_norms = FALSE;
  first.saliency = FALSE;
  first.want_qk = TRUE;
  warm =
      attention_model_run_with_options (model, g_ptr_array_index (texts, 0), &first, NULL, error);
  if (warm == NULL)
    return;
  for (guint i = 0; i < texts->len; i++)
    {
      jobs[i].model = model;
      jobs[i].text = g_ptr_array_index (texts, i);
      jobs[i].options = *options;
      jobs[i].options.concurrent = TRUE;
      jobs[i].go = &go;
      threads[i] = g_thread_new ("run", run_job, &jobs[i]);
    }
  g_atomic_int_set (&go, 1);
  for (guint i = 0; i < texts->len; i++)
    {
      g_thread_join (threads[i]);
      if (jobs[i].result != NULL)
        g_ptr_array_add (results, jobs[i].result);
      else if (*error == NULL)
        g_propagate_error (error, jobs[i].error);
      else
        g_clear_error (&jobs[i].error);
    }
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (AttentionModel) model = NULL;
  AttentionRunOptions options;
  g_autofree float *head_mask = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) texts = g_ptr_array_new ();
  g_autoptr (GPtrArray) pairs = NULL;
  g_autofree float *head_masks = NULL;
  g_autofree char *input = NULL;
  g_autofree char *text = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonObject *request;
  gsize len;

  if (argc != 2)
    {
      fprintf (stderr, "usage: run-options-dump MODEL < request.json\n");
      return 2;
    }
  {
    g_autoptr (GIOChannel) in = g_io_channel_unix_new (0);
    if (g_io_channel_read_to_end (in, &input, &len, &error) != G_IO_STATUS_NORMAL ||
        !json_parser_load_from_data (parser, input, (gssize)len, &error))
      g_error ("request: %s", error->message);
  }
  request = json_node_get_object (json_parser_get_root (parser));
  model = attention_model_new_from_file (argv[1], &error);
  if (model == NULL)
    g_error ("%s: %s", argv[1], error->message);

  JsonArray *list = json_object_get_array_member (request, "texts");
  for (guint i = 0; i < json_array_get_length (list); i++)
    g_ptr_array_add (texts, (gpointer)json_array_get_string_element (list, i));
  if (json_object_has_member (request, "pairs"))
    {
      JsonArray *p = json_object_get_array_member (request, "pairs");

      pairs = g_ptr_array_new ();
      for (guint i = 0; i < json_array_get_length (p); i++)
        g_ptr_array_add (pairs, json_array_get_null_element (p, i)
                                    ? NULL
                                    : (gpointer)json_array_get_string_element (p, i));
    }
  attention_run_options_init (&options);
  if (json_object_has_member (request, "pair"))
    options.pair = json_object_get_string_member (request, "pair");
  if (json_object_has_member (request, "top_k"))
    options.top_k = (guint)json_object_get_int_member (request, "top_k");
  if (json_object_has_member (request, "all_positions"))
    options.all_positions = json_object_get_boolean_member (request, "all_positions");
  options.want_qk = json_object_get_boolean_member_with_default (request, "want_qk", FALSE);
  options.want_value_norms =
      json_object_get_boolean_member_with_default (request, "want_value_norms", FALSE);
  options.saliency = json_object_get_boolean_member_with_default (request, "saliency", FALSE);
  if (json_object_has_member (request, "head_mask"))
    {
      guint n;
      const AttentionModelInfo *info = attention_model_get_info (model);

      head_mask = floats (json_object_get_array_member (request, "head_mask"), &n);
      options.head_mask = head_mask;
      options.head_mask_layers = info->n_layers;
      options.head_mask_heads = n / info->n_layers;
    }
  if (json_object_has_member (request, "head_masks"))
    {
      JsonArray *masks = json_object_get_array_member (request, "head_masks");
      const AttentionModelInfo *info = attention_model_get_info (model);
      gsize block = (gsize)info->n_layers * info->n_heads;

      head_masks = g_new (float, block *json_array_get_length (masks));
      for (guint i = 0; i < json_array_get_length (masks); i++)
        {
          guint n;
          g_autofree float *one = floats (json_array_get_array_element (masks, i), &n);

          g_assert_cmpuint (n, ==, block);
          memcpy (head_masks + i * block, one, block * sizeof (float));
        }
    }

  if (json_object_get_boolean_member_with_default (request, "batch", FALSE))
    {
      g_autoptr (GPtrArray) batch =
          attention_model_run_batch (model, (const char *const *)texts->pdata,
                                     pairs != NULL ? (const char *const *)pairs->pdata : NULL,
                                     texts->len, head_masks, &options, NULL, &error);

      if (batch != NULL)
        for (guint i = 0; i < batch->len; i++)
          g_ptr_array_add (results, g_object_ref (g_ptr_array_index (batch, i)));
    }
  else if (json_object_get_boolean_member_with_default (request, "concurrent", FALSE))
    run_concurrently (model, texts, &options, results, &error);
  else
    for (guint i = 0; i < texts->len && error == NULL; i++)
      {
        AttentionResult *r;

        if (pairs != NULL)
          options.pair = g_ptr_array_index (pairs, i);
        if (json_object_has_member (request, "saliency_each"))
          options.saliency = json_array_get_boolean_element (
              json_object_get_array_member (request, "saliency_each"), i);
        r = attention_model_run_with_options (model, g_ptr_array_index (texts, i), &options, NULL,
                                              &error);
        if (r != NULL)
          g_ptr_array_add (results, r);
      }

  json_builder_begin_object (b);
  if (error != NULL)
    {
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, error->message);
    }
  else
    {
      json_builder_set_member_name (b, "results");
      json_builder_begin_array (b);
      for (guint i = 0; i < results->len; i++)
        add_result (b, g_ptr_array_index (results, i));
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  puts (text);
  return error != NULL ? 1 : 0;
}
