/* attention-hub.c: hub ids, URLs, the catalogue and the installed models. */

#include "attention-hub.h"

#include "attention-hub-names.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#define DEFAULT_URL "https://huggingface.co"
#define DEFAULT_TIMEOUT 30
#define MAX_TIMEOUT 3600

/* Sizes of model.safetensors: parameters × 4 bytes, from each config
 * (vocabulary, layers, hidden size); the hub's figures agree to 0.1 %.
 * docs/hub-catalogue.md says what each entry was checked against. */
static const AttentionHubEntry catalogue[] = {
  { "bert-base-uncased", 440425712, N_ ("Google's BERT base, English, lowercase") },
  { "bert-base-cased", 435731736, N_ ("Google's BERT base, English, keeps case") },
  { "bert-large-uncased", 1344904432, N_ ("Google's BERT large, English, lowercase") },
  { "bert-large-cased", 1338647832, N_ ("Google's BERT large, English, keeps case") },
  { "bert-base-multilingual-cased", 714266612, N_ ("Google's BERT base, 104 languages") },
  { "bert-base-chinese", 411529768, N_ ("Google's BERT base, Chinese") },
  { "google/bert_uncased_L-2_H-128_A-2", 17733872, N_ ("BERT tiny: 2 layers, 2 heads") },
  { "google/bert_uncased_L-4_H-256_A-4", 45071600, N_ ("BERT mini: 4 layers, 4 heads") },
  { "google/bert_uncased_L-4_H-512_A-8", 116235504, N_ ("BERT small: 4 layers, 8 heads") },
  { "google/bert_uncased_L-8_H-512_A-8", 166673648, N_ ("BERT medium: 8 layers, 8 heads") },
  { "distilbert-base-uncased", 267942120,
    N_ ("DistilBERT base, English, lowercase: BERT distilled to 6 layers") },
  { "distilroberta-base", 328680804,
    N_ ("DistilRoBERTa base, English, keeps case: RoBERTa distilled to 6 layers") },
  { "xlm-roberta-base", 1113180744,
    N_ ("XLM-RoBERTa base, 100 languages, keeps case: RoBERTa with a SentencePiece tokenizer") },
  { "albert-base-v2", 47249088,
    N_ ("ALBERT base v2, English, lowercase: one layer's weights shared by all 12 layers") },
  { "google/electra-small-generator", 54186728,
    N_ ("ELECTRA small generator, English, lowercase: 12 layers, 4 heads") },
  { "google/electra-base-generator", 134962408,
    N_ ("ELECTRA base generator, English, lowercase: 12 layers, 4 heads, 768-wide embeddings") },
};

/* Many checkpoints on the hub, fine-tuned ones above all, ship only
 * pytorch_model.bin; the shim reads it as data (attn-shim-torchbin.h). */
static const AttentionHubFile files[] = {
  { "config.json", FALSE, NULL },
  { "vocab.txt", FALSE, NULL },
  { "tokenizer_config.json", TRUE, NULL },
  { "model.safetensors", FALSE, "pytorch_model.bin" },
};

/* RoBERTa's byte-level BPE instead of vocab.txt. */
static const AttentionHubFile roberta_files[] = {
  { "config.json", FALSE, NULL },
  { "vocab.json", FALSE, NULL },
  { "merges.txt", FALSE, NULL },
  { "tokenizer_config.json", TRUE, NULL },
  { "model.safetensors", FALSE, "pytorch_model.bin" },
};

/* XLM-RoBERTa's SentencePiece model instead of vocab.txt. */
static const AttentionHubFile xlmr_files[] = {
  { "config.json", FALSE, NULL },
  { "sentencepiece.bpe.model", FALSE, NULL },
  { "tokenizer_config.json", TRUE, NULL },
  { "model.safetensors", FALSE, "pytorch_model.bin" },
};

/* ALBERT's SentencePiece model instead of vocab.txt. */
static const AttentionHubFile albert_files[] = {
  { "config.json", FALSE, NULL },
  { "spiece.model", FALSE, NULL },
  { "tokenizer_config.json", TRUE, NULL },
  { "model.safetensors", FALSE, "pytorch_model.bin" },
};

static gboolean
has_file (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

const AttentionHubEntry *
attention_hub_catalogue (guint *n_entries)
{
  *n_entries = G_N_ELEMENTS (catalogue);
  return catalogue;
}

const AttentionHubFile *
attention_hub_files (guint *n_files)
{
  *n_files = G_N_ELEMENTS (files);
  return files;
}

const AttentionHubFile *
attention_hub_files_for (const char *model_type, guint *n_files)
{
  if (g_strcmp0 (model_type, "roberta") == 0)
    {
      *n_files = G_N_ELEMENTS (roberta_files);
      return roberta_files;
    }
  if (g_strcmp0 (model_type, "xlm-roberta") == 0)
    {
      *n_files = G_N_ELEMENTS (xlmr_files);
      return xlmr_files;
    }
  if (g_strcmp0 (model_type, "albert") == 0)
    {
      *n_files = G_N_ELEMENTS (albert_files);
      return albert_files;
    }
  return attention_hub_files (n_files);
}

char *
attention_hub_get_url (void)
{
  const char *env = g_getenv ("ATTENTION_HUB_URL");
  g_autofree char *url = g_strdup (env != NULL && env[0] != '\0' ? env : DEFAULT_URL);
  gsize len = strlen (url);

  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';
  return g_steal_pointer (&url);
}

guint
attention_hub_get_timeout (void)
{
  const char *env = g_getenv ("ATTENTION_HUB_TIMEOUT");
  guint64 seconds;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, MAX_TIMEOUT, &seconds, NULL))
    return seconds;
  return DEFAULT_TIMEOUT;
}

/* Tokens are short; a larger file is not one. */
#define TOKEN_MAX 1024

static char *
token_from (const char *value)
{
  g_autofree char *token = g_strstrip (g_strdup (value));

  if (token[0] == '\0')
    return NULL;
  for (const char *c = token; *c != '\0'; c++)
    if (g_ascii_iscntrl (*c) || *c == ' ' || (guchar)*c >= 0x80)
      return NULL;
  return g_steal_pointer (&token);
}

char *
attention_hub_get_token (void)
{
  const char *env = g_getenv ("HF_TOKEN");
  const char *token_path = g_getenv ("HF_TOKEN_PATH");
  const char *hf_home = g_getenv ("HF_HOME");
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (env != NULL && env[0] != '\0')
    return token_from (env);
  if (token_path != NULL && token_path[0] != '\0')
    path = g_strdup (token_path);
  else if (hf_home != NULL && hf_home[0] != '\0')
    path = g_build_filename (hf_home, "token", NULL);
  else
    path = g_build_filename (g_get_user_cache_dir (), "huggingface", "token", NULL);
  if (!g_file_get_contents (path, &contents, &len, NULL) || len > TOKEN_MAX ||
      memchr (contents, '\0', len) != NULL)
    return NULL;
  return token_from (contents);
}

char *
attention_hub_file_url (const char *base, const char *model_id, const char *file)
{
  return g_strdup_printf ("%s/%s/resolve/main/%s", base, model_id, file);
}

char *
attention_hub_get_models_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "attention", "models", NULL);
}

char *
attention_hub_model_dir (const char *models_dir, const char *model_id)
{
  g_autofree char *name = attention_hub_folder_name (model_id);

  return g_build_filename (models_dir, name, NULL);
}

static gboolean
has_all (const char *dir, const AttentionHubFile *list, guint n)
{
  for (guint i = 0; i < n; i++)
    if (!list[i].optional && !has_file (dir, list[i].name) &&
        (list[i].fallback == NULL || !has_file (dir, list[i].fallback)))
      return FALSE;
  return TRUE;
}

/* Holds a model's files (a WordPiece family's or RoBERTa's), by the legacy
 * layout's rule. */
static gboolean
legacy_is_installed (const char *dir)
{
  return has_all (dir, files, G_N_ELEMENTS (files)) ||
         has_all (dir, roberta_files, G_N_ELEMENTS (roberta_files)) ||
         has_all (dir, xlmr_files, G_N_ELEMENTS (xlmr_files)) ||
         has_all (dir, albert_files, G_N_ELEMENTS (albert_files));
}

/* MODELS_DIR/ID (a folder per id part) to MODELS_DIR/models--…, unless that
 * exists already. Nested ones first: "ok/sub" lived inside "ok". */
static void
migrate_one (const char *models_dir, const char *id)
{
  g_autofree char *old = g_build_filename (models_dir, id, NULL);
  g_autofree char *new_dir = attention_hub_model_dir (models_dir, id);
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (strchr (id, '/') == NULL && (dir = g_dir_open (old, 0, NULL)) != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child_id = g_strdup_printf ("%s/%s", id, name);
        g_autofree char *child = g_build_filename (old, name, NULL);

        if (attention_hub_model_id_is_valid (child_id, NULL) &&
            g_file_test (child, G_FILE_TEST_IS_DIR))
          migrate_one (models_dir, child_id);
      }
  if (legacy_is_installed (old) && !g_file_test (new_dir, G_FILE_TEST_EXISTS))
    g_rename (old, new_dir);
  /* An owner's folder goes with its last model; one with other things
   * in it stays. */
  if (strchr (id, '/') == NULL)
    g_rmdir (old);
}

void
attention_hub_migrate (const char *models_dir)
{
  g_autoptr (GDir) dir = g_dir_open (models_dir, 0, NULL);
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return;
  /* Names first, renames after: a directory being read is not changed. */
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (models_dir, name, NULL);

      if (!g_str_has_prefix (name, ATTENTION_HUB_FOLDER_PREFIX) &&
          attention_hub_model_id_is_valid (name, NULL) && g_file_test (path, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (ids, g_strdup (name));
    }
  for (guint i = 0; i < ids->len; i++)
    migrate_one (models_dir, g_ptr_array_index (ids, i));
}

char *
attention_hub_staging_dir (const char *models_dir, const char *model_id)
{
  g_auto (GStrv) parts = g_strsplit (model_id, "/", 2);
  g_autofree char *escaped = g_strjoinv ("--", parts);

  return g_build_filename (models_dir, ".downloads", escaped, NULL);
}

gboolean
attention_hub_has_partial (const char *models_dir, const char *model_id)
{
  g_autofree char *staging = attention_hub_staging_dir (models_dir, model_id);
  g_autoptr (GDir) dir = g_dir_open (staging, 0, NULL);

  return dir != NULL && g_dir_read_name (dir) != NULL;
}

gboolean
attention_hub_is_installed (const char *models_dir, const char *model_id)
{
  g_autofree char *dir = attention_hub_model_dir (models_dir, model_id);

  return legacy_is_installed (dir);
}

static void
scan (const char *models_dir, GPtrArray *ids)
{
  g_autoptr (GDir) dir = g_dir_open (models_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *id = attention_hub_folder_id (name);

      if (id != NULL && attention_hub_is_installed (models_dir, id))
        g_ptr_array_add (ids, g_steal_pointer (&id));
    }
}

static int
compare_ids (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *)a, *(char *const *)b);
}

GStrv
attention_hub_list_installed (const char *models_dir)
{
  GPtrArray *ids = g_ptr_array_new ();

  attention_hub_migrate (models_dir);
  scan (models_dir, ids);
  g_ptr_array_sort (ids, compare_ids);
  g_ptr_array_add (ids, NULL);
  return (GStrv)g_ptr_array_free (ids, FALSE);
}

gint64
attention_hub_installed_size (const char *models_dir, const char *model_id)
{
  g_autofree char *dir = attention_hub_model_dir (models_dir, model_id);
  gint64 total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    for (int k = 0; k < 2; k++)
      {
        const char *name = k == 0 ? files[i].name : files[i].fallback;
        g_autofree char *path = name != NULL ? g_build_filename (dir, name, NULL) : NULL;
        GStatBuf st;

        if (path != NULL && g_stat (path, &st) == 0)
          total += st.st_size;
      }
  /* RoBERTa's, XLM-RoBERTa's and ALBERT's tokenizer files. */
  for (guint i = 1; i < 5; i++)
    {
      g_autofree char *path = g_build_filename (dir,
                                                i < 3   ? roberta_files[i].name
                                                : i < 4 ? xlmr_files[1].name
                                                        : albert_files[1].name,
                                                NULL);
      GStatBuf st;

      if (g_stat (path, &st) == 0)
        total += st.st_size;
    }
  return total;
}

gboolean
attention_hub_remove_installed (const char *models_dir, const char *model_id, GError **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *doomed = NULL;
  g_autofree char *doomed_name = NULL;
  g_autofree char *escaped = NULL;
  g_autoptr (GDir) contents = NULL;
  const char *name;

  if (!attention_hub_model_id_is_valid (model_id, error))
    return FALSE;
  dir = attention_hub_model_dir (models_dir, model_id);
  if (!attention_hub_is_installed (models_dir, model_id))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _ ("%s is not installed"), model_id);
      return FALSE;
    }
  escaped = g_strdelimit (g_strdup (model_id), "/", '-');
  doomed_name = g_strdup_printf (".removing-%s-%u", escaped, g_random_int ());
  doomed = g_build_filename (models_dir, doomed_name, NULL);
  if (g_rename (dir, doomed) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _ ("Could not remove %s: %s"),
                   dir, g_strerror (saved));
      return FALSE;
    }
  /* The folder holds only the files this app downloaded, no subfolders. */
  contents = g_dir_open (doomed, 0, error);
  if (contents == NULL)
    return FALSE;
  while ((name = g_dir_read_name (contents)) != NULL)
    {
      g_autofree char *path = g_build_filename (doomed, name, NULL);

      if (g_unlink (path) != 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _ ("Could not remove %s: %s"), path, g_strerror (saved));
          return FALSE;
        }
    }
  if (g_rmdir (doomed) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _ ("Could not remove %s: %s"),
                   doomed, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
