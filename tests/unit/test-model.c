/* test-model.c: the model pipeline from C against the Python module.
 *
 * reference.json (written by tools/make-test-model with the Python BERT
 * module) holds the logits and attentions of fixed id sequences; the bundle
 * must give the same numbers through the shim and through
 * attention_model_run. Also: softmax/top-k of the predictions, length limits,
 * async load and run, cancellation, memory over many async runs, and the
 * metadata read from config.json. Odd text (invalid UTF-8, 100 KB, control
 * characters) is in test-robust-text.c. */

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "attention-model.h"
#include "test-shim-run.h"

typedef struct
{
  GPtrArray *tokens;  /* char * */
  GArray *ids;        /* gint64 */
  GArray *positions;  /* gint64 */
  GArray *logits;     /* float, positions × vocab */
  GArray *attentions; /* float, layers × heads × n × n */
  GArray *top5;       /* gint64, positions × 5 */
} RefCase;

static const char *model_path;
static AttentionModel *model; /* shared by the tests that only read */
static attn_shim *shim;       /* a second handle on the same bundle */
static GPtrArray *ref_cases;  /* RefCase * */
static guint ref_layers, ref_heads, ref_vocab;
static double tolerance;

static void
ref_case_free (RefCase *c)
{
  g_ptr_array_unref (c->tokens);
  g_array_unref (c->ids);
  g_array_unref (c->positions);
  g_array_unref (c->logits);
  g_array_unref (c->attentions);
  g_array_unref (c->top5);
  g_free (c);
}

static GArray *
int_array (JsonArray *a)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      gint64 v = json_array_get_int_element (a, i);
      g_array_append_val (out, v);
    }
  return out;
}

/* The floats are float32 values printed as doubles: the cast is exact. */
static GArray *
float_array (JsonArray *a)
{
  GArray *out = g_array_sized_new (FALSE, FALSE, sizeof (float), json_array_get_length (a));

  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      float v = (float)json_array_get_double_element (a, i);
      g_array_append_val (out, v);
    }
  return out;
}

static void
load_reference (const char *path)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *root;
  JsonArray *cases;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, "attention-reference-1");
  ref_layers = json_object_get_int_member (root, "n_layers");
  ref_heads = json_object_get_int_member (root, "n_heads");
  ref_vocab = json_object_get_int_member (root, "vocab_size");
  tolerance = json_object_get_double_member (root, "tolerance");
  g_assert_cmpfloat (tolerance, <=, 1e-5);

  ref_cases = g_ptr_array_new_with_free_func ((GDestroyNotify)ref_case_free);
  cases = json_object_get_array_member (root, "cases");
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *o = json_array_get_object_element (cases, i);
      JsonArray *tokens = json_object_get_array_member (o, "tokens");
      JsonArray *top5 = json_object_get_array_member (o, "top5");
      RefCase *c = g_new0 (RefCase, 1);
      gsize n;

      c->tokens = g_ptr_array_new_with_free_func (g_free);
      for (guint k = 0; k < json_array_get_length (tokens); k++)
        g_ptr_array_add (c->tokens, g_strdup (json_array_get_string_element (tokens, k)));
      c->ids = int_array (json_object_get_array_member (o, "ids"));
      c->positions = int_array (json_object_get_array_member (o, "positions"));
      c->logits = float_array (json_object_get_array_member (o, "logits"));
      c->attentions = float_array (json_object_get_array_member (o, "attentions"));
      c->top5 = g_array_new (FALSE, FALSE, sizeof (gint64));
      for (guint k = 0; k < json_array_get_length (top5); k++)
        {
          g_autoptr (GArray) row = int_array (json_array_get_array_element (top5, k));
          g_array_append_vals (c->top5, row->data, row->len);
        }

      n = c->ids->len;
      g_assert_cmpuint (c->tokens->len, ==, n);
      g_assert_cmpuint (c->logits->len, ==, (gsize)c->positions->len * ref_vocab);
      g_assert_cmpuint (c->attentions->len, ==, (gsize)ref_layers * ref_heads * n * n);
      g_ptr_array_add (ref_cases, c);
    }
  /* The fixture promises these; a test over fewer cases would prove less. */
  g_assert_cmpuint (ref_cases->len, >=, 5);
}

static double
max_abs_diff (const float *a, const float *b, gsize n)
{
  double worst = 0;

  for (gsize i = 0; i < n; i++)
    {
      double d = fabs ((double)a[i] - (double)b[i]);

      /* NaN must not pass as "no difference". */
      if (!(d <= worst))
        worst = isnan (d) ? INFINITY : d;
    }
  return worst;
}

/* Every row of n_rows × n attention weights is a distribution. */
static void
assert_rows_are_distributions (const float *a, gsize n_rows, guint n)
{
  for (gsize r = 0; r < n_rows; r++)
    {
      double sum = 0;

      for (guint k = 0; k < n; k++)
        {
          g_assert_true (a[r * n + k] >= 0.f && a[r * n + k] <= 1.f);
          sum += a[r * n + k];
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-5);
    }
}

/* Runs ids through the test's own shim handle. */
static attn_shim_output *
shim_run (const gint64 *ids, gsize n, const gint64 *positions, gsize n_positions)
{
  return test_shim_run (shim, ids, n, positions, n_positions);
}

static void
test_reference_shim (void)
{
  attn_shim_dims dims = attn_shim_get_dims (shim);

  g_assert_cmpint (dims.n_layers, ==, ref_layers);
  g_assert_cmpint (dims.n_heads, ==, ref_heads);
  g_assert_cmpint (dims.vocab_size, ==, ref_vocab);

  for (guint i = 0; i < ref_cases->len; i++)
    {
      RefCase *c = g_ptr_array_index (ref_cases, i);
      gsize n = c->ids->len;
      g_autoptr (attn_shim_output) output =
          shim_run ((gint64 *)c->ids->data, n, (gint64 *)c->positions->data, c->positions->len);
      const float *logits = attn_shim_output_get_logits (output);
      const float *attentions = attn_shim_output_get_attentions (output);
      g_test_message ("case %u (%zu tokens, %u positions): logits diff %.3g, attentions diff %.3g",
                      i, n, c->positions->len,
                      max_abs_diff (logits, (float *)c->logits->data, c->logits->len),
                      max_abs_diff (attentions, (float *)c->attentions->data, c->attentions->len));
      g_assert_cmpfloat (max_abs_diff (logits, (float *)c->logits->data, c->logits->len), <=,
                         tolerance);
      g_assert_cmpfloat (
          max_abs_diff (attentions, (float *)c->attentions->data, c->attentions->len), <=,
          tolerance);
      assert_rows_are_distributions (attentions, (gsize)ref_layers * ref_heads * n, n);
      assert_rows_are_distributions ((float *)c->attentions->data,
                                     (gsize)ref_layers * ref_heads * n, n);
    }
}

/* The outputs left in the shim's buffers (what attention_model_run keeps)
 * outlive the next runs: read after two more, they are those of a fresh run
 * on the same sentence. */
static void
test_reference_run_output (void)
{
  for (guint i = 0; i < ref_cases->len; i++)
    {
      RefCase *c = g_ptr_array_index (ref_cases, i);
      RefCase *other = g_ptr_array_index (ref_cases, (i + 1) % ref_cases->len);
      gsize n = c->ids->len;
      gsize n_att = (gsize)ref_layers * ref_heads * n * n;
      g_autoptr (attn_shim_output) output =
          shim_run ((gint64 *)c->ids->data, n, (gint64 *)c->positions->data, c->positions->len);
      /* Another sentence runs before this one's outputs are read. */
      g_autoptr (attn_shim_output) other_output =
          shim_run ((gint64 *)other->ids->data, other->ids->len, (gint64 *)other->positions->data,
                    other->positions->len);
      g_autoptr (attn_shim_output) again =
          shim_run ((gint64 *)c->ids->data, n, (gint64 *)c->positions->data, c->positions->len);

      g_assert_true (attn_shim_output_get_attentions (output) !=
                     attn_shim_output_get_attentions (again));
      g_assert_cmpmem (attn_shim_output_get_attentions (output), n_att * sizeof (float),
                       attn_shim_output_get_attentions (again), n_att * sizeof (float));
      if (c->positions->len > 0)
        g_assert_cmpmem (attn_shim_output_get_logits (output),
                         c->positions->len * (gsize)ref_vocab * sizeof (float),
                         attn_shim_output_get_logits (again),
                         c->positions->len * (gsize)ref_vocab * sizeof (float));
      else
        g_assert_null (attn_shim_output_get_logits (output));
    }
}

/* The reference tokens as a sentence: [CLS]/[SEP] dropped, "##" glued. */
static char *
case_text (RefCase *c)
{
  GString *s = g_string_new (NULL);

  for (guint k = 1; k + 1 < c->tokens->len; k++)
    {
      const char *t = g_ptr_array_index (c->tokens, k);

      if (g_str_has_prefix (t, "##"))
        g_string_append (s, t + 2);
      else
        {
          if (s->len > 0)
            g_string_append_c (s, ' ');
          g_string_append (s, t);
        }
    }
  return g_string_free (s, FALSE);
}

/* softmax(logits)[id] in double, as a reader of the logits would compute it. */
static double
softmax_at (const float *logits, guint v, gint64 id)
{
  double max = -INFINITY, sum = 0;

  for (guint i = 0; i < v; i++)
    max = MAX (max, (double)logits[i]);
  for (guint i = 0; i < v; i++)
    sum += exp ((double)logits[i] - max);
  return exp ((double)logits[id] - max) / sum;
}

/* The whole pipeline (tokenizer → shim → top-k) on the reference sentences:
 * same ids, same attentions, and predictions at every [MASK] that are the
 * Python top 5 with the softmax of the Python logits. */
static void
test_reference_run (void)
{
  guint checked = 0, predictions = 0;

  for (guint i = 0; i < ref_cases->len; i++)
    {
      RefCase *c = g_ptr_array_index (ref_cases, i);
      g_autofree char *text = NULL;
      g_autoptr (AttentionResult) result = NULL;
      g_autoptr (GError) error = NULL;
      gsize n = c->ids->len;
      guint p = 0;

      /* A sentence always gets [CLS] … [SEP]; other cases are shim-only. */
      if (n < 2 || g_strcmp0 (g_ptr_array_index (c->tokens, 0), "[CLS]") != 0 ||
          g_strcmp0 (g_ptr_array_index (c->tokens, n - 1), "[SEP]") != 0)
        continue;
      text = case_text (c);
      result = attention_model_run (model, text, 5, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (attention_result_get_n_tokens (result), ==, n);
      for (guint k = 0; k < n; k++)
        g_assert_cmpint (attention_result_get_id (result, k), ==,
                         g_array_index (c->ids, gint64, k));
      g_assert_cmpfloat (max_abs_diff (attention_result_get_attentions (result),
                                       (float *)c->attentions->data, c->attentions->len),
                         <=, tolerance);

      /* Reference positions may include non-[MASK] tokens; the app predicts
       * exactly the [MASK]s, in order. */
      for (guint r = 0; r < c->positions->len; r++)
        {
          gint64 pos = g_array_index (c->positions, gint64, r);
          const float *row = (float *)c->logits->data + (gsize)r * ref_vocab;
          const AttentionCandidate *cand;
          guint n_cand = 0;

          if (g_strcmp0 (g_ptr_array_index (c->tokens, pos), "[MASK]") != 0)
            continue;
          /* Predictions come in token order, the reference in its own. */
          for (p = 0; p < attention_result_get_n_predictions (result); p++)
            if (attention_result_get_prediction_position (result, p) == pos)
              break;
          g_assert_cmpuint (p, <, attention_result_get_n_predictions (result));
          cand = attention_result_get_candidates (result, p, &n_cand);
          g_assert_cmpuint (n_cand, ==, 5);
          for (guint k = 0; k < 5; k++)
            {
              g_assert_cmpint (cand[k].id, ==, g_array_index (c->top5, gint64, r * 5 + k));
              g_assert_cmpfloat_with_epsilon (cand[k].probability,
                                              softmax_at (row, ref_vocab, cand[k].id), 1e-5);
            }
          predictions++;
        }
      {
        guint masks = 0;

        for (guint k = 0; k < n; k++)
          masks += g_strcmp0 (g_ptr_array_index (c->tokens, k), "[MASK]") == 0;
        g_assert_cmpuint (attention_result_get_n_predictions (result), ==, masks);
      }
      checked++;
    }
  /* The fixture has three such sentences with three [MASK]s between them. */
  g_assert_cmpuint (checked, >=, 3);
  g_assert_cmpuint (predictions, >=, 3);
}

static int
compare_logit_desc (gconstpointer a, gconstpointer b, gpointer data)
{
  const float *row = data;
  gint64 ia = *(const gint64 *)a, ib = *(const gint64 *)b;

  if (row[ia] != row[ib])
    return row[ia] > row[ib] ? -1 : 1;
  return ia < ib ? -1 : ia > ib;
}

/* Several [MASK]s, top_k = the whole vocabulary: each mask gets its own
 * ranking, which is the order of the shim's logits for that position, with
 * probabilities that are their softmax and sum to 1. */
static void
test_topk_softmax (void)
{
  const char *text = "[MASK] picked up the [MASK] from a table and [MASK] .";
  g_autoptr (AttentionResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GArray) positions = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (attn_shim_output) output = NULL;
  const float *logits;
  g_autofree gint64 *order = g_new (gint64, ref_vocab);
  guint n;

  result = attention_model_run (model, text, ref_vocab + 10, NULL, &error);
  g_assert_no_error (error);
  n = attention_result_get_n_tokens (result);
  for (guint k = 0; k < n; k++)
    {
      gint64 id = attention_result_get_id (result, k);

      g_array_append_val (ids, id);
      if (id == attention_model_get_info (model)->mask_id)
        {
          gint64 pos = k;
          g_array_append_val (positions, pos);
        }
    }
  g_assert_cmpuint (positions->len, ==, 3);
  g_assert_cmpuint (attention_result_get_n_predictions (result), ==, 3);
  output = shim_run ((gint64 *)ids->data, n, (gint64 *)positions->data, positions->len);
  logits = attn_shim_output_get_logits (output);
  g_assert_cmpfloat (max_abs_diff (attn_shim_output_get_attentions (output),
                                   attention_result_get_attentions (result),
                                   (gsize)ref_layers * ref_heads * n * n),
                     ==, 0);

  for (guint p = 0; p < 3; p++)
    {
      const float *row = logits + (gsize)p * ref_vocab;
      guint n_cand = 0;
      const AttentionCandidate *cand = attention_result_get_candidates (result, p, &n_cand);
      double sum = 0;

      g_assert_cmpuint (attention_result_get_prediction_position (result, p), ==,
                        g_array_index (positions, gint64, p));
      /* top_k larger than the vocabulary gives the whole vocabulary. */
      g_assert_cmpuint (n_cand, ==, ref_vocab);
      for (guint i = 0; i < ref_vocab; i++)
        order[i] = i;
      g_qsort_with_data (order, ref_vocab, sizeof (gint64), compare_logit_desc, (gpointer)row);
      for (guint k = 0; k < n_cand; k++)
        {
          g_assert_cmpint (cand[k].id, ==, order[k]);
          g_assert_cmpfloat_with_epsilon (cand[k].probability,
                                          softmax_at (row, ref_vocab, order[k]), 1e-9);
          if (k > 0)
            g_assert_cmpfloat (cand[k].probability, <=, cand[k - 1].probability);
          sum += cand[k].probability;
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-5);
    }
  /* The three masks see different contexts, so their rankings differ. */
  {
    guint n0, n1;
    const AttentionCandidate *c0 = attention_result_get_candidates (result, 0, &n0);
    const AttentionCandidate *c1 = attention_result_get_candidates (result, 1, &n1);

    g_assert_cmpfloat (c0[0].probability, !=, c1[0].probability);
  }
}

/* No [MASK]: attention, no predictions, and the same attention as the shim. */
static void
test_no_mask (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionResult) result =
      attention_model_run (model, "the cat sat on the table .", 5, NULL, &error);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (attn_shim_output) output = NULL;
  guint n;

  g_assert_no_error (error);
  g_assert_cmpuint (attention_result_get_n_predictions (result), ==, 0);
  n = attention_result_get_n_tokens (result);
  for (guint k = 0; k < n; k++)
    {
      gint64 id = attention_result_get_id (result, k);
      g_array_append_val (ids, id);
    }
  output = shim_run ((gint64 *)ids->data, n, NULL, 0);
  g_assert_cmpfloat (max_abs_diff (attn_shim_output_get_attentions (output),
                                   attention_result_get_attentions (result),
                                   (gsize)ref_layers * ref_heads * n * n),
                     ==, 0);
}

/* words (n) + [CLS]/[SEP] = n + 2 tokens, with a [MASK] in the middle. */
static char *
words (guint n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (s, i == n / 2 ? "[MASK] " : (i % 3 ? "the " : "table "));
  return g_string_free (s, FALSE);
}

static void
test_max_positions (void)
{
  const AttentionModelInfo *info = attention_model_get_info (model);
  g_autofree char *text = NULL;
  g_autoptr (AttentionResult) result = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (info->max_positions, ==, 512);
  text = words (510);
  result = attention_model_run (model, text, 3, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (attention_result_get_n_tokens (result), ==, 512);
  g_assert_cmpuint (attention_result_get_n_predictions (result), ==, 1);
  g_assert_cmpuint (attention_result_get_prediction_position (result, 0), ==, 256);
  assert_rows_are_distributions (attention_result_get_attentions (result),
                                 (gsize)ref_layers * ref_heads * 512, 512);
}

static void
test_too_long (void)
{
  g_autofree char *text = words (511);
  g_autoptr (AttentionResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gint64 *ids = g_new0 (gint64, 513);
  attn_shim_run_params params = attn_shim_run_params_default ();
  attn_shim_output *output = (attn_shim_output *)&params; /* must be cleared */
  char *shim_error = NULL;

  result = attention_model_run (model, text, 3, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_TOO_LONG);
  /* Both counts: how long the text is, and what the model takes. */
  g_assert_nonnull (strstr (error->message, "513"));
  g_assert_nonnull (strstr (error->message, "512"));

  /* The shim on its own refuses too (libtorch's index error, caught), and
   * stays usable afterwards. There is no output on failure. */
  params.ids = (const int64_t *)ids;
  params.n_ids = 513;
  g_assert_cmpint (attn_shim_run (shim, &params, &output, &shim_error), ==, -1);
  g_assert_null (output);
  g_assert_nonnull (shim_error);
  g_assert_cmpuint (strlen (shim_error), >, 0);
  /* attn-shim.h: one line of reason, then (here: libtorch's traceback) the
   * whole text; the reason is the error's own line, not the interpreter's
   * preamble. */
  g_test_message ("shim error: %s", shim_error);
  g_assert_cmpint (shim_error[0], !=, '\n');
  g_assert_false (g_str_has_prefix (shim_error, "The following operation failed"));
  attn_shim_free_string (shim_error);
  {
    RefCase *c = g_ptr_array_index (ref_cases, 0);
    g_autoptr (attn_shim_output) again = shim_run ((gint64 *)c->ids->data, c->ids->len,
                                                   (gint64 *)c->positions->data, c->positions->len);

    g_assert_cmpfloat (max_abs_diff (attn_shim_output_get_logits (again), (float *)c->logits->data,
                                     c->logits->len),
                       <=, tolerance);
  }
}

/* Bad ids, positions and arguments reach the shim as errors, not as
 * crashes, and leave no output. */
static void
test_shim_bad_arguments (void)
{
  const int64_t ids[] = { 101, 103, 102 };
  const int64_t out_of_vocab[] = { 101, (int64_t)ref_vocab, 102 };
  const int64_t bad_position[] = { 3 };
  const struct
  {
    const int64_t *ids;
    size_t n_ids;
    const int64_t *positions;
    size_t n_positions;
    const char *needle; /* in the error, NULL: any error */
  } cases[] = {
    { out_of_vocab, 3, NULL, 0, "vocabulary" },
    { ids, 3, bad_position, 1, "position" },
    { ids, 0, NULL, 0, NULL },
    { NULL, 3, NULL, 0, NULL },
    { ids, 3, NULL, 1, NULL },
  };
  attn_shim_run_params params;
  attn_shim_output *output;
  char *error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      params = attn_shim_run_params_default ();
      params.ids = cases[i].ids;
      params.n_ids = cases[i].n_ids;
      params.positions = cases[i].positions;
      params.n_positions = cases[i].n_positions;
      output = (attn_shim_output *)&error; /* must be cleared */
      g_assert_cmpint (attn_shim_run (shim, &params, &output, &error), ==, -1);
      g_assert_null (output);
      g_assert_nonnull (error);
      if (cases[i].needle != NULL)
        g_assert_nonnull (strstr (error, cases[i].needle));
      attn_shim_free_string (error);
    }
  /* No params, nowhere to put the output. */
  params = attn_shim_run_params_default ();
  params.ids = ids;
  params.n_ids = 3;
  g_assert_cmpint (attn_shim_run (shim, NULL, &output, &error), ==, -1);
  g_assert_nonnull (error);
  attn_shim_free_string (error);
  g_assert_cmpint (attn_shim_run (shim, &params, NULL, &error), ==, -1);
  g_assert_nonnull (error);
  attn_shim_free_string (error);
}

/* Loaded without the probe, a handle knows no dimensions until its first
 * run measures them; that run's outputs are the reference's. Before it, an
 * id outside the vocabulary is left to libtorch's own check: an error. */
static void
test_shim_no_probe (void)
{
  attn_shim_load_params load = attn_shim_load_params_default ();
  attn_shim_run_params params = attn_shim_run_params_default ();
  const int64_t out_of_vocab[] = { 101, (int64_t)ref_vocab, 102 };
  RefCase *c = g_ptr_array_index (ref_cases, 0);
  attn_shim_output *output = NULL;
  attn_shim *unprobed;
  attn_shim_dims dims;
  char *error = NULL;

  load.probe = 0;
  unprobed = attn_shim_load (model_path, &load, &error);
  if (unprobed == NULL)
    g_error ("attn_shim_load: %s", error);
  dims = attn_shim_get_dims (unprobed);
  g_assert_cmpint (dims.n_layers, ==, 0);
  g_assert_cmpint (dims.n_heads, ==, 0);
  g_assert_cmpint (dims.vocab_size, ==, 0);

  params.ids = out_of_vocab;
  params.n_ids = G_N_ELEMENTS (out_of_vocab);
  g_assert_cmpint (attn_shim_run (unprobed, &params, &output, &error), ==, -1);
  g_assert_null (output);
  g_test_message ("out of the vocabulary, unprobed: %s", error);
  g_assert_nonnull (error);
  attn_shim_free_string (error);
  g_assert_cmpint (attn_shim_get_dims (unprobed).vocab_size, ==, 0);

  params.ids = (const int64_t *)c->ids->data;
  params.n_ids = c->ids->len;
  params.positions = (const int64_t *)c->positions->data;
  params.n_positions = c->positions->len;
  g_assert_cmpint (attn_shim_run (unprobed, &params, &output, &error), ==, 0);
  g_assert_null (error);
  dims = attn_shim_get_dims (unprobed);
  g_assert_cmpint (dims.n_layers, ==, ref_layers);
  g_assert_cmpint (dims.n_heads, ==, ref_heads);
  g_assert_cmpint (dims.vocab_size, ==, ref_vocab);
  g_assert_cmpfloat (
      max_abs_diff (attn_shim_output_get_logits (output), (float *)c->logits->data, c->logits->len),
      <=, tolerance);
  g_assert_cmpfloat (max_abs_diff (attn_shim_output_get_attentions (output),
                                   (float *)c->attentions->data, c->attentions->len),
                     <=, tolerance);
  attn_shim_output_free (output);
  attn_shim_free (unprobed);
}

/* --- async -------------------------------------------------------------- */

static void
store_result (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GAsyncResult **out = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  *out = g_object_ref (res);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
test_async (void)
{
  GAsyncResult *res = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionModel) loaded = NULL;
  g_autoptr (AttentionResult) result = NULL;
  g_autoptr (AttentionResult) sync = NULL;
  const char *text = "then i picked up a [MASK] from the table .";
  guint n;

  attention_model_new_from_file_async (model_path, NULL, store_result, &res);
  loaded = attention_model_new_from_file_finish (wait_for (&res), &error);
  g_clear_object (&res);
  g_assert_no_error (error);
  g_assert_true (ATTENTION_IS_MODEL (loaded));
  g_assert_cmpstr (attention_model_get_path (loaded), ==, model_path);

  attention_model_run_async (loaded, text, 5, NULL, store_result, &res);
  result = attention_model_run_finish (loaded, wait_for (&res), &error);
  g_clear_object (&res);
  g_assert_no_error (error);

  /* Same bytes as a run on the caller's thread. */
  sync = attention_model_run (model, text, 5, NULL, &error);
  g_assert_no_error (error);
  n = attention_result_get_n_tokens (result);
  g_assert_cmpuint (n, ==, attention_result_get_n_tokens (sync));
  g_assert_cmpmem (
      attention_result_get_attentions (result), sizeof (float) * ref_layers * ref_heads * n * n,
      attention_result_get_attentions (sync), sizeof (float) * ref_layers * ref_heads * n * n);
  g_assert_cmpuint (attention_result_get_n_predictions (result), ==, 1);
  g_assert_cmpint (attention_result_get_candidates (result, 0, NULL)[0].id, ==,
                   attention_result_get_candidates (sync, 0, NULL)[0].id);

  /* A load that fails reports through the callback too. */
  attention_model_new_from_file_async ("/nonexistent/model.pt", NULL, store_result, &res);
  g_assert_null (attention_model_new_from_file_finish (wait_for (&res), &error));
  g_clear_object (&res);
  g_assert_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_LOAD);
}

static void
test_cancel_before (void)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  GAsyncResult *res = NULL;

  g_cancellable_cancel (cancellable);

  g_assert_null (attention_model_run (model, "a [MASK] .", 5, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  attention_model_run_async (model, "a [MASK] .", 5, cancellable, store_result, &res);
  g_assert_null (attention_model_run_finish (model, wait_for (&res), &error));
  g_clear_object (&res);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  attention_model_new_from_file_async (model_path, cancellable, store_result, &res);
  g_assert_null (attention_model_new_from_file_finish (wait_for (&res), &error));
  g_clear_object (&res);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

typedef struct
{
  guint pending, completed, cancelled;
} CancelCounts;

static void
count_outcome (GObject *source, GAsyncResult *res, gpointer user_data)
{
  CancelCounts *counts = user_data;
  g_autoptr (GError) error = NULL;
  AttentionResult *result = attention_model_run_finish (ATTENTION_MODEL (source), res, &error);

  /* Nothing can cancel a run that has no cancellable. */
  if (g_task_get_cancellable (G_TASK (res)) == NULL)
    g_assert_nonnull (result);
  if (result != NULL)
    {
      g_assert_no_error (error);
      g_assert_cmpuint (attention_result_get_n_tokens (result), ==, 512);
      /* The caller holds the only reference: it must go with this unref. */
      g_object_add_weak_pointer (G_OBJECT (result), (gpointer *)&result);
      g_object_unref (result);
      g_assert_null (result);
      counts->completed++;
    }
  else
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      counts->cancelled++;
    }
  counts->pending--;
}

static void
note_finalized (gpointer data, GObject *where_the_object_was)
{
  g_atomic_int_set ((gint *)data, TRUE);
}

/* Cancels runs while they are queued or computing, at several points. Each
 * ends either with a result or with CANCELLED; nothing stays referenced. */
static void
test_cancel_during (void)
{
  g_autoptr (GError) error = NULL;
  AttentionModel *own = attention_model_new_from_file (model_path, &error);
  g_autofree char *text = words (510);
  CancelCounts counts = { 0 };
  gint finalized = FALSE;

  g_assert_no_error (error);
  for (guint i = 0; i < 16; i++)
    {
      g_autoptr (GCancellable) cancellable = g_cancellable_new ();

      /* Runs without a cancellable must complete; the others may end either
       * way, depending on where the worker is when the cancel comes. */
      if (i % 4 == 0 || i % 4 == 3)
        {
          counts.pending++;
          attention_model_run_async (own, text, 3, NULL, count_outcome, &counts);
        }
      if (i % 4 == 0)
        continue;
      counts.pending++;
      attention_model_run_async (own, text, 3, cancellable, count_outcome, &counts);
      switch (i % 4)
        {
          case 1: /* at once: most likely before the worker starts */
            g_cancellable_cancel (cancellable);
            break;
          case 2: /* a little later: most likely mid-forward */
            g_usleep (3000 * i);
            g_cancellable_cancel (cancellable);
            break;
          default: /* queued behind a run that holds the model */
            g_cancellable_cancel (cancellable);
            break;
        }
    }
  while (counts.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("cancel during: %u completed, %u cancelled", counts.completed, counts.cancelled);
  g_assert_cmpuint (counts.completed + counts.cancelled, ==, 20);
  g_assert_cmpuint (counts.completed, >=, 8);

  /* Still usable, and every task has let go of the model. */
  {
    g_autoptr (AttentionResult) result = attention_model_run (own, "a [MASK] .", 1, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (attention_result_get_n_predictions (result), ==, 1);
  }
  g_object_weak_ref (G_OBJECT (own), note_finalized, &finalized);
  g_object_unref (own);
  /* A worker thread drops its task (and so its model reference) just after
   * the callback is queued: give it up to 10 s, it takes microseconds. */
  for (guint i = 0; i < 10000 && !g_atomic_int_get (&finalized); i++)
    g_usleep (1000);
  g_assert_true (g_atomic_int_get (&finalized));
}

/* --- memory ------------------------------------------------------------- */

static long
vm_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "\nVmRSS:");
  return line != NULL ? strtol (line + 7, NULL, 10) : -1;
}

typedef struct
{
  guint done;
  guint failed;
} RunCounts;

static void
count_run (GObject *source, GAsyncResult *res, gpointer user_data)
{
  RunCounts *counts = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionResult) result =
      attention_model_run_finish (ATTENTION_MODEL (source), res, &error);

  counts->failed += result == NULL;
  counts->done++;
}

static void
run_async_many (const char *const *texts, guint n_texts, guint count)
{
  RunCounts counts = { 0 };

  /* One at a time, as the window does: each edit waits for the last run. */
  for (guint i = 0; i < count; i++)
    {
      attention_model_run_async (model, texts[i % n_texts], 5, NULL, count_run, &counts);
      while (counts.done <= i)
        g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (counts.failed, ==, 0);
}

/* 200 async runs (GTask, worker thread, callback) keep VmRSS flat. The
 * synchronous path is checked over 300 runs by test-robust-endurance. */
static void
test_rss_flat (void)
{
  const char *const texts[] = {
    "then i picked up a [MASK] from the table .",
    "[MASK] .",
    "we turned down a narrow lane and passed through a small [MASK] , then the [MASK] was "
    "nearly over .",
    "the cat sat on the table .",
  };
  long before, after;

#ifdef __SANITIZE_ADDRESS__
  g_test_skip ("RSS is meaningless under AddressSanitizer (LeakSanitizer checks leaks)");
  return;
#endif
  if (vm_rss_kb () < 0)
    {
      g_test_skip ("no VmRSS in /proc/self/status");
      return;
    }
  /* Warm-up: libtorch's and malloc's pools settle on the shapes first. */
  run_async_many (texts, G_N_ELEMENTS (texts), 40);
  before = vm_rss_kb ();
  run_async_many (texts, G_N_ELEMENTS (texts), 200);
  after = vm_rss_kb ();
  g_test_message ("VmRSS %ld kB → %ld kB over 200 async runs", before, after);
  /* A leaked result is ≥ 3 KB a run (600 KB over 200), a leaked task or
   * tensor far more; allocator noise stays under a few MB. */
  g_assert_cmpint (after - before, <, 3 * 1024);
}

/* --- metadata ----------------------------------------------------------- */

static void
test_info (void)
{
  const AttentionModelInfo *info = attention_model_get_info (model);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *size = NULL;
  JsonObject *cfg, *special;
  const char *json;
  gsize len = 0;

  json = attention_model_get_config_json (model, &len);
  g_assert_nonnull (json);
  g_assert_cmpuint (len, >, 0);
  json_parser_load_from_data (parser, json, len, &error);
  g_assert_no_error (error);
  cfg = json_node_get_object (json_parser_get_root (parser));

  /* Each field is what the bundle's own config.json says. */
  g_assert_cmpstr (json_object_get_string_member (cfg, "format"), ==, "attention-bundle-1");
  g_assert_cmpstr (info->name, ==, json_object_get_string_member (cfg, "name"));
  g_assert_cmpstr (info->name, ==, "Attention test model");
  g_assert_cmpstr (info->description, ==, json_object_get_string_member (cfg, "description"));
  g_assert_cmpstr (info->source, ==, json_object_get_string_member (cfg, "source"));
  g_assert_true (g_str_has_prefix (info->source, "tools/make-test-model"));
  g_assert_cmpint (info->lowercase, ==, json_object_get_boolean_member (cfg, "do_lower_case"));
  g_assert_cmpint (info->has_mlm_head, ==, json_object_get_boolean_member (cfg, "has_mlm_head"));
  g_assert_true (info->has_mlm_head);
  g_assert_cmpuint (info->n_layers, ==, json_object_get_int_member (cfg, "num_hidden_layers"));
  g_assert_cmpuint (info->n_heads, ==, json_object_get_int_member (cfg, "num_attention_heads"));
  g_assert_cmpuint (info->hidden_size, ==, json_object_get_int_member (cfg, "hidden_size"));
  g_assert_cmpuint (info->max_positions, ==,
                    json_object_get_int_member (cfg, "max_position_embeddings"));
  g_assert_cmpuint (info->vocab_size, ==, json_object_get_int_member (cfg, "vocab_size"));
  g_assert_cmpstr (info->hidden_act, ==, json_object_get_string_member (cfg, "hidden_act"));
  special = json_object_get_object_member (cfg, "special_token_ids");
  g_assert_cmpint (info->pad_id, ==, json_object_get_int_member (special, "[PAD]"));
  g_assert_cmpint (info->unk_id, ==, json_object_get_int_member (special, "[UNK]"));
  g_assert_cmpint (info->cls_id, ==, json_object_get_int_member (special, "[CLS]"));
  g_assert_cmpint (info->sep_id, ==, json_object_get_int_member (special, "[SEP]"));
  g_assert_cmpint (info->mask_id, ==, json_object_get_int_member (special, "[MASK]"));

  /* … and agrees with the weights (reference.json) and the fixture's doc. */
  g_assert_cmpuint (info->n_layers, ==, ref_layers);
  g_assert_cmpuint (info->n_heads, ==, ref_heads);
  g_assert_cmpuint (info->vocab_size, ==, ref_vocab);
  g_assert_cmpuint (info->hidden_size, ==, 64);
  g_assert_cmpint (info->cls_id, ==, 101);
  g_assert_cmpint (info->mask_id, ==, 103);

  size = attention_model_info_describe_size (info);
  g_assert_nonnull (strstr (size, "3 layers"));
  g_assert_nonnull (strstr (size, "4 heads"));
  g_assert_nonnull (strstr (size, "hidden 64"));
}

int
main (int argc, char **argv)
{
  const char *reference = g_getenv ("ATTENTION_TEST_REFERENCE");
  g_autoptr (GError) error = NULL;
  char *shim_error = NULL;
  int status;

  /* describe_size is checked in English. */
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  model_path = g_getenv ("ATTENTION_TEST_MODEL");
  if (model_path == NULL || reference == NULL)
    {
      g_test_skip ("ATTENTION_TEST_MODEL / ATTENTION_TEST_REFERENCE are not set");
      return g_test_run ();
    }

  load_reference (reference);
  model = attention_model_new_from_file (model_path, &error);
  g_assert_no_error (error);
  shim = attn_shim_load (model_path, NULL, &shim_error);
  if (shim == NULL)
    g_error ("attn_shim_load: %s", shim_error);

  g_test_add_func ("/model/reference/shim", test_reference_shim);
  g_test_add_func ("/model/reference/run", test_reference_run);
  g_test_add_func ("/model/reference/run-output", test_reference_run_output);
  g_test_add_func ("/model/topk-softmax", test_topk_softmax);
  g_test_add_func ("/model/no-mask", test_no_mask);
  g_test_add_func ("/model/max-positions", test_max_positions);
  g_test_add_func ("/model/too-long", test_too_long);
  g_test_add_func ("/model/shim-bad-arguments", test_shim_bad_arguments);
  g_test_add_func ("/model/shim-no-probe", test_shim_no_probe);
  g_test_add_func ("/model/async", test_async);
  g_test_add_func ("/model/cancel/before", test_cancel_before);
  g_test_add_func ("/model/cancel/during", test_cancel_during);
  g_test_add_func ("/model/rss-flat", test_rss_flat);
  g_test_add_func ("/model/info", test_info);
  status = g_test_run ();

  attn_shim_free (shim);
  g_clear_object (&model);
  g_ptr_array_unref (ref_cases);
  return status;
}
