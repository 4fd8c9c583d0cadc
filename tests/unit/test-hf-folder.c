/* test-hf-folder.c: the shim's folder door (attn-shim-hfbert.cpp) against
 * the converter's bundles of the same checkpoints.
 *
 *  - test-model/hf-safetensors must reproduce reference.json (the Python
 *    module's outputs) and the test-model.pt bundle to 1e-5;
 *  - every variant folder of tests/fixtures/make_hf_folders.py (a google mini, cased,
 *    bert-large's shape, multilingual in float16, lowercase keeping accents
 *    in bfloat16, a bare legacy BertModel, an unaligned file) must match its
 *    converted .pt on random inputs, with the casing, accents and CJK rules
 *    its tokenizer_config.json asks for;
 *  - broken or foreign folders (RoBERTa, damaged safetensors, a FIFO…) are
 *    refused with a message naming the problem;
 *  - the weights are mapped, not copied, and unmapped with the model. */

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "attention-model-trust.h"
#include "attention-model.h"
#include "test-shim-run.h"

static const char *folders_dir;    /* build/tests/hf-folders */
static const char *test_model_dir; /* build/tests/test-model */
static JsonObject *manifest;

static double
max_abs_diff (const float *a, const float *b, gsize n)
{
  double worst = 0;

  for (gsize i = 0; i < n; i++)
    {
      double d = fabs ((double)a[i] - (double)b[i]);

      if (!(d <= worst))
        worst = isnan (d) ? INFINITY : d;
    }
  return worst;
}

static attn_shim *
load_or_fail (const char *path)
{
  char *error = NULL;
  attn_shim *shim = attn_shim_load (path, NULL, &error);

  if (shim == NULL)
    g_error ("%s: %s", path, error);
  return shim;
}

/* Both handles on the same ids: logits and attentions within 1e-5. Returns
 * the largest difference seen. */
static double
compare_runs (attn_shim *a, attn_shim *b, const gint64 *ids, gsize n, const gint64 *pos, gsize np)
{
  attn_shim_dims dims = attn_shim_get_dims (a);
  g_autoptr (attn_shim_output) x = test_shim_run (a, ids, n, pos, np);
  g_autoptr (attn_shim_output) y = test_shim_run (b, ids, n, pos, np);
  double d_logits = max_abs_diff (attn_shim_output_get_logits (x), attn_shim_output_get_logits (y),
                                  np * dims.vocab_size);
  double d_att =
      max_abs_diff (attn_shim_output_get_attentions (x), attn_shim_output_get_attentions (y),
                    (gsize)dims.n_layers * dims.n_heads * n * n);

  g_assert_cmpfloat (d_logits, <=, 1e-5);
  g_assert_cmpfloat (d_att, <=, 1e-5);
  return MAX (d_logits, d_att);
}

/* Mappings of files named model.safetensors in this process. */
static guint
count_mappings (void)
{
  g_autofree char *maps = NULL;
  guint count = 0;
  const char *p;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  for (p = maps; (p = strstr (p, "/model.safetensors\n")) != NULL; p++)
    count++;
  return count;
}

static void
test_reference (void)
{
  g_autofree char *folder = g_build_filename (test_model_dir, "hf-safetensors", NULL);
  g_autofree char *bundle = g_build_filename (test_model_dir, "test-model.pt", NULL);
  g_autofree char *reference = g_build_filename (test_model_dir, "reference.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  attn_shim *a = load_or_fail (folder);
  attn_shim *b = load_or_fail (bundle);
  attn_shim_dims dims = attn_shim_get_dims (a);
  JsonArray *cases;
  double worst_ref = 0, worst_pt = 0;

  json_parser_load_from_file (parser, reference, &error);
  g_assert_no_error (error);
  cases =
      json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "cases");
  g_assert_cmpuint (json_array_get_length (cases), >=, 5);
  g_assert_cmpint (dims.vocab_size, ==, attn_shim_get_dims (b).vocab_size);

  for (guint c = 0; c < json_array_get_length (cases); c++)
    {
      JsonObject *o = json_array_get_object_element (cases, c);
      JsonArray *ids_json = json_object_get_array_member (o, "ids");
      JsonArray *pos_json = json_object_get_array_member (o, "positions");
      JsonArray *logits_json = json_object_get_array_member (o, "logits");
      JsonArray *att_json = json_object_get_array_member (o, "attentions");
      gsize n = json_array_get_length (ids_json), np = json_array_get_length (pos_json);
      g_autofree gint64 *ids = g_new (gint64, n);
      g_autofree gint64 *pos = g_new (gint64, MAX (np, 1));
      g_autoptr (attn_shim_output) out = NULL;
      const float *logits, *attentions;

      for (gsize i = 0; i < n; i++)
        ids[i] = json_array_get_int_element (ids_json, i);
      for (gsize i = 0; i < np; i++)
        pos[i] = json_array_get_int_element (pos_json, i);
      out = test_shim_run (a, ids, n, pos, np);
      logits = attn_shim_output_get_logits (out);
      attentions = attn_shim_output_get_attentions (out);
      g_assert_cmpuint (json_array_get_length (logits_json), ==, np * dims.vocab_size);
      g_assert_cmpuint (json_array_get_length (att_json), ==,
                        (gsize)dims.n_layers * dims.n_heads * n * n);
      for (gsize i = 0; i < np * dims.vocab_size; i++)
        worst_ref = MAX (worst_ref,
                         fabs (logits[i] - (float)json_array_get_double_element (logits_json, i)));
      for (gsize i = 0; i < json_array_get_length (att_json); i++)
        worst_ref = MAX (worst_ref,
                         fabs (attentions[i] - (float)json_array_get_double_element (att_json, i)));
      worst_pt = MAX (worst_pt, compare_runs (a, b, ids, n, pos, np));
    }
  g_assert_cmpfloat (worst_ref, <=, 1e-5);
  g_test_message ("hf-safetensors: max |diff| %.3g vs reference.json, %.3g vs test-model.pt",
                  worst_ref, worst_pt);
  attn_shim_free (a);
  attn_shim_free (b);
}

static char **
tokens_of (AttentionModel *model, const char *text)
{
  g_autoptr (GError) error = NULL;
  BertEncoding *encoding = attention_model_encode (model, text, -1, &error);
  char **tokens;

  g_assert_no_error (error);
  tokens = g_strdupv (encoding->tokens);
  bert_encoding_free (encoding);
  return tokens;
}

static void
assert_tokens (AttentionModel *model, const char *text, const char *expected)
{
  g_auto (GStrv) tokens = tokens_of (model, text);
  g_autofree char *joined = g_strjoinv (" ", tokens);

  g_assert_cmpstr (joined, ==, expected);
}

static void
test_variant (gconstpointer data)
{
  JsonObject *entry = (JsonObject *)data;
  const char *name = json_object_get_string_member (entry, "name");
  g_autofree char *folder = g_build_filename (folders_dir, name, NULL);
  g_autofree char *bundle_name = g_strconcat (name, ".pt", NULL);
  g_autofree char *bundle = g_build_filename (folders_dir, bundle_name, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionModel) model = attention_model_new_from_file (folder, &error);
  const AttentionModelInfo *info;
  attn_shim *a, *b;
  attn_shim_dims dims;
  GRand *rand = g_rand_new_with_seed (g_str_hash (name));
  const gsize lengths[] = { 1, 3, 9, 24 };
  double worst = 0;

  g_assert_no_error (error);
  info = attention_model_get_info (model);
  g_assert_cmpuint (info->n_layers, ==, json_object_get_int_member (entry, "layers"));
  g_assert_cmpuint (info->n_heads, ==, json_object_get_int_member (entry, "heads"));
  g_assert_cmpint (info->lowercase, ==, json_object_get_boolean_member (entry, "lowercase"));
  g_assert_cmpint (info->strip_accents, ==,
                   json_object_get_boolean_member (entry, "strip_accents"));
  g_assert_cmpint (info->has_mlm_head, ==, json_object_get_boolean_member (entry, "has_mlm_head"));
  g_assert_true (info->split_chinese);

  a = load_or_fail (folder);
  b = load_or_fail (bundle);
  dims = attn_shim_get_dims (a);
  g_assert_cmpint (dims.n_layers, ==, attn_shim_get_dims (b).n_layers);
  g_assert_cmpint (dims.n_heads, ==, attn_shim_get_dims (b).n_heads);
  g_assert_cmpint (dims.vocab_size, ==, attn_shim_get_dims (b).vocab_size);
  for (gsize l = 0; l < G_N_ELEMENTS (lengths); l++)
    {
      gsize n = lengths[l];
      g_autofree gint64 *ids = g_new (gint64, n);
      gint64 pos[3] = { 0, (gint64)n / 2, (gint64)n - 1 };

      for (gsize i = 0; i < n; i++)
        ids[i] = g_rand_int_range (rand, 0, dims.vocab_size);
      worst = MAX (worst, compare_runs (a, b, ids, n, pos, 3));
    }
  g_test_message ("%s: max |diff| %.3g vs the converted bundle", name, worst);
  attn_shim_free (a);
  attn_shim_free (b);
  g_rand_free (rand);

  /* The tokenizer follows tokenizer_config.json (HF BertTokenizer). */
  if (strcmp (name, "bert-multilingual-cased") == 0)
    assert_tokens (model, "Café über 中上, São [MASK].",
                   "[CLS] Café über 中 上 , São [MASK] . [SEP]");
  else if (strcmp (name, "bert-uncased-keep-accents") == 0)
    assert_tokens (model, "CAFÉ Niño [MASK]", "[CLS] café niño [MASK] [SEP]");
  else if (strcmp (name, "bert-cased") == 0)
    assert_tokens (model, "The Queen of France [MASK]", "[CLS] The Queen of France [MASK] [SEP]");
  else if (info->lowercase)
    assert_tokens (model, "The Café [MASK]", "[CLS] the c ##a ##f ##e [MASK] [SEP]");
}

static void
test_refused (gconstpointer data)
{
  JsonObject *entry = (JsonObject *)data;
  g_autofree char *folder =
      g_build_filename (folders_dir, json_object_get_string_member (entry, "name"), NULL);
  JsonArray *words = json_object_get_array_member (entry, "message");
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionModel) model = attention_model_new_from_file (folder, &error);

  g_assert_null (model);
  if (json_object_has_member (entry, "code"))
    g_assert_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_CONFIG);
  else
    g_assert_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_LOAD);
  /* Every message shows the files' control characters, never holds them. */
  for (const char *p = error->message; *p != '\0'; p++)
    g_assert_false ((guchar)*p < 0x20 || *p == 0x7f);
  for (guint i = 0; i < json_array_get_length (words); i++)
    if (strstr (error->message, json_array_get_string_element (words, i)) == NULL)
      g_error ("“%s” does not say “%s”", error->message, json_array_get_string_element (words, i));
  g_test_message ("%s", error->message);
  /* A refused folder leaves nothing mapped. */
  g_assert_cmpuint (count_mappings (), ==, 0);
}

/* A copy of src (a file) at dst. */
static void
copy_file (const char *src, const char *dst)
{
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (src, &data, &len, NULL));
  g_assert_true (g_file_set_contents (dst, data, len, NULL));
}

/* The run's attentions and first candidates, kept for comparison. */
static GBytes *
run_summary (AttentionModel *model)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionResult) result =
      attention_model_run (model, "the queen of [MASK] sat in the bank .", 3, NULL, &error);
  GByteArray *out = g_byte_array_new ();
  guint n, n_candidates;
  const AttentionCandidate *candidates;

  g_assert_no_error (error);
  n = attention_result_get_n_tokens (result);
  g_byte_array_append (out, (const guint8 *)attention_result_get_attentions (result),
                       attention_result_get_n_layers (result) *
                           attention_result_get_n_heads (result) * n * n * sizeof (float));
  candidates = attention_result_get_candidates (result, 0, &n_candidates);
  for (guint c = 0; c < n_candidates; c++)
    {
      g_byte_array_append (out, (const guint8 *)&candidates[c].id, sizeof candidates[c].id);
      g_byte_array_append (out, (const guint8 *)&candidates[c].probability,
                           sizeof candidates[c].probability);
    }
  return g_byte_array_free_to_bytes (out);
}

/* Overwrites the second half of path in place, the size kept: other
 * weights, the same header. */
static void
rewrite_in_place (const char *path)
{
  GStatBuf st;
  g_autofree guchar *junk = NULL;
  int fd;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  junk = g_malloc (st.st_size / 2);
  memset (junk, 0x3c, st.st_size / 2); /* floats of about 0.0115 */
  fd = open (path, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, junk, st.st_size / 2, st.st_size - st.st_size / 2), ==,
                   st.st_size / 2);
  g_assert_cmpint (close (fd), ==, 0);
}

/* A model file rewritten in place or truncated after loading: the loaded
 * model goes on with the weights it read, with the same results. A mapping
 * of the file would change its predictions, or die of SIGBUS at the next
 * run. Nothing of the file stays mapped while the model lives. */
static void
check_file_changes (const char *source, const char *name, gboolean folder)
{
  g_autofree char *tmp = g_dir_make_tmp ("attention-changes-XXXXXX", NULL);
  g_autofree char *weights = g_build_filename (tmp, name, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionModel) model = NULL;
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) rewritten = NULL;
  g_autoptr (GBytes) truncated = NULL;
  const char *folder_files[] = { "config.json", "vocab.txt", "tokenizer_config.json",
                                 "model.safetensors" };

  g_assert_nonnull (tmp);
  if (folder)
    for (guint i = 0; i < G_N_ELEMENTS (folder_files); i++)
      {
        g_autofree char *src = g_build_filename (source, folder_files[i], NULL);
        g_autofree char *dst = g_build_filename (tmp, folder_files[i], NULL);

        copy_file (src, dst);
      }
  else
    copy_file (source, weights);

  model = attention_model_new_from_file (folder ? tmp : weights, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_mappings (), ==, 0);
  before = run_summary (model);

  rewrite_in_place (weights);
  rewritten = run_summary (model);
  g_assert_true (g_bytes_equal (before, rewritten));

  g_assert_cmpint (truncate (weights, 1000), ==, 0);
  truncated = run_summary (model);
  g_assert_true (g_bytes_equal (before, truncated));

  g_clear_object (&model);
  if (folder)
    for (guint i = 0; i < G_N_ELEMENTS (folder_files); i++)
      {
        g_autofree char *path = g_build_filename (tmp, folder_files[i], NULL);

        g_unlink (path);
      }
  else
    g_unlink (weights);
  g_assert_cmpint (g_rmdir (tmp), ==, 0);
}

static void
test_file_changes (void)
{
  g_autofree char *folder = g_build_filename (test_model_dir, "hf-safetensors", NULL);
  g_autofree char *bundle = g_build_filename (test_model_dir, "test-model.pt", NULL);

  check_file_changes (folder, "model.safetensors", TRUE);
  check_file_changes (bundle, "test-model.pt", FALSE);
}

/* The shim's config.json says what the rest of the app needs. */
static void
test_config (void)
{
  g_autofree char *folder = g_build_filename (folders_dir, "bert_uncased_L-2_H-128_A-2", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionModel) model = attention_model_new_from_file (folder, &error);
  const AttentionModelInfo *info;
  gsize len;
  const char *json;

  g_assert_no_error (error);
  info = attention_model_get_info (model);
  g_assert_cmpstr (info->name, ==, "bert_uncased_L-2_H-128_A-2");
  g_assert_cmpuint (info->hidden_size, ==, 128);
  g_assert_cmpuint (info->max_positions, ==, 512);
  g_assert_cmpstr (info->hidden_act, ==, "gelu");
  g_assert_true (g_str_has_suffix (info->source, "/bert_uncased_L-2_H-128_A-2"));
  g_assert_cmpint (info->mask_id, ==, 103);
  json = attention_model_get_config_json (model, &len);
  g_assert_nonnull (g_strstr_len (json, len, "\"format\": \"attention-bundle-1\""));
  g_assert_nonnull (g_strstr_len (json, len, "\"layer_norm_eps\": 1e-12"));
}

/* Which opened paths ran code from elsewhere (the window's notice), and
 * which model a file inside a folder stands for (Open, drag and drop). */
static void
test_trust (void)
{
  g_autofree char *folder = g_build_filename (test_model_dir, "hf-safetensors", NULL);
  g_autofree char *bundle = g_build_filename (test_model_dir, "test-model.pt", NULL);
  g_autofree char *demo = g_build_filename (SOURCE_ROOT, "data", "models", "demo-bert.pt", NULL);
  g_autofree char *models =
      g_build_filename (g_get_user_data_dir (), "attention", "models", "org", NULL);
  g_autofree char *mine = g_build_filename (models, "mine.pt", NULL);
  g_autofree char *link = g_build_filename (models, "elsewhere.pt", NULL);
  g_autofree char *lonely = g_build_filename (models, "config.json", NULL);
  const char *inside[] = { "model.safetensors", "config.json", "vocab.txt" };

  g_assert_true (g_str_has_prefix (g_get_user_data_dir (), g_get_tmp_dir ()));
  g_assert_cmpint (g_mkdir_with_parents (models, 0700), ==, 0);
  g_assert_true (g_file_set_contents (mine, "PK", -1, NULL));
  g_assert_cmpint (symlink (bundle, link), ==, 0);
  g_assert_true (g_file_set_contents (lonely, "{}", -1, NULL));

  g_assert_false (attention_model_path_runs_foreign_code (folder));
  g_assert_true (attention_model_path_runs_foreign_code (bundle));
  g_assert_false (attention_model_path_runs_foreign_code (demo));
  g_assert_false (attention_model_path_runs_foreign_code (mine));
  /* A link in the app's folder to a bundle elsewhere is from elsewhere. */
  g_assert_true (attention_model_path_runs_foreign_code (link));

  for (guint i = 0; i < G_N_ELEMENTS (inside); i++)
    {
      g_autofree char *path = g_build_filename (folder, inside[i], NULL);
      g_autoptr (GFile) file = g_file_new_for_path (path);
      g_autoptr (GFile) model = attention_model_file_for (file);
      g_autofree char *model_path = g_file_get_path (model);

      g_assert_cmpstr (model_path, ==, folder);
    }
  /* A folder with PyTorch weights (pytorch_model.bin, no safetensors): its
   * config.json, as the Open dialog's filter shows it, opens the folder. */
  {
    g_autofree char *bin_folder = g_build_filename (test_model_dir, "hf-bin", NULL);
    const char *bin_inside[] = { "config.json", "pytorch_model.bin", "vocab.txt" };

    for (guint i = 0; i < G_N_ELEMENTS (bin_inside); i++)
      {
        g_autofree char *path = g_build_filename (bin_folder, bin_inside[i], NULL);
        g_autoptr (GFile) file = g_file_new_for_path (path);
        g_autoptr (GFile) model = attention_model_file_for (file);
        g_autofree char *model_path = g_file_get_path (model);

        g_assert_cmpstr (model_path, ==, bin_folder);
      }
  }
  {
    g_autoptr (GFile) file = g_file_new_for_path (bundle);
    g_autoptr (GFile) model = attention_model_file_for (file);
    g_autoptr (GFile) other = g_file_new_for_path (lonely);
    g_autoptr (GFile) same = attention_model_file_for (other);

    g_assert_true (g_file_equal (model, file));
    g_assert_true (g_file_equal (same, other));
  }
  g_unlink (mine);
  g_unlink (link);
  g_unlink (lonely);
  for (int up = 0; up < 3; up++)
    {
      char *parent = g_path_get_dirname (models);

      g_rmdir (models);
      g_free (models);
      models = parent;
    }
}

int
main (int argc, char **argv)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *manifest_path = NULL;
  g_autoptr (GError) error = NULL;
  JsonArray *good, *bad;
  int status;

  g_autofree char *data_home = g_dir_make_tmp ("attention-hf-data-XXXXXX", NULL);

  /* A private $XDG_DATA_HOME, before GLib reads it. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);
  folders_dir = g_getenv ("ATTENTION_TEST_HF_FOLDERS");
  test_model_dir = g_getenv ("ATTENTION_TEST_MODEL_DIR");
  g_assert_nonnull (folders_dir);
  g_assert_nonnull (test_model_dir);
  manifest_path = g_build_filename (folders_dir, "manifest.json", NULL);
  json_parser_load_from_file (parser, manifest_path, &error);
  g_assert_no_error (error);
  manifest = json_node_get_object (json_parser_get_root (parser));
  good = json_object_get_array_member (manifest, "good");
  bad = json_object_get_array_member (manifest, "bad");
  g_assert_cmpuint (json_array_get_length (good), >=, 8);
  g_assert_cmpuint (json_array_get_length (bad), >=, 15);

  g_test_add_func ("/hf-folder/reference", test_reference);
  g_test_add_func ("/hf-folder/file-changes", test_file_changes);
  g_test_add_func ("/hf-folder/config", test_config);
  g_test_add_func ("/hf-folder/trust", test_trust);
  for (guint i = 0; i < json_array_get_length (good); i++)
    {
      JsonObject *o = json_array_get_object_element (good, i);
      g_autofree char *path =
          g_strconcat ("/hf-folder/variant/", json_object_get_string_member (o, "name"), NULL);

      g_test_add_data_func (path, o, test_variant);
    }
  for (guint i = 0; i < json_array_get_length (bad); i++)
    {
      JsonObject *o = json_array_get_object_element (bad, i);
      g_autofree char *path =
          g_strconcat ("/hf-folder/refused/", json_object_get_string_member (o, "name"), NULL);

      g_test_add_data_func (path, o, test_refused);
    }
  status = g_test_run ();
  g_rmdir (data_home);
  return status;
}
