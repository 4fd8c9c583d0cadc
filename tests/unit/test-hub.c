/* test-hub.c: model ids, the hub's URL layout, and the installed models
 * (a folder counts only when complete; staging and removal leftovers never
 * show; removal takes the empty owner folder with it). No network. */

#include <glib/gstdio.h>

#include "attention-hub.h"

static void
test_ids (void)
{
  const char *good[] = { "bert-base-uncased", "google/bert_uncased_L-2_H-128_A-2", "a.b_c-d/E9" };
  const char *bad[] = { "", "..", "../x", "a/../b", "a/b/c", ".hidden", "-rf", "a b", "a//b",
                        "/abs", "a/", "bert..x", "é",
                        /* huggingface_hub's validate_repo_id: no '-' or '.' at
                         * either end ("a-/b" would be models--a---b, which
                         * reads back as "a" + "-b"). */
                        "a-/b", "bert-", "a/b.", "x--y", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (attention_hub_model_id_is_valid (good[i], NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_false (attention_hub_model_id_is_valid (bad[i], &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }
}

/* Folder names of ids, both ways, and the checksums in ETags: hand-written
 * cases from huggingface_hub's cache layout (models--OWNER--NAME) and the
 * hub's ETags (LFS: the sha256 in quotes; git blobs: the sha1). */
static void
test_names (void)
{
  const char *sha256 = "68d45e234eb4a928074dfd868cead0219ab85354cc53d20e772753c6bb9169d3";
  const char *sha1 = "a2d5c1d1f0a3bd8ec4b0c8bb1fcb39ea3bb4d9f5";
  struct
  {
    const char *name, *id;
  } folders[] = {
    { "models--google--bert_uncased_L-2_H-128_A-2", "google/bert_uncased_L-2_H-128_A-2" },
    { "models--bert-base-uncased", "bert-base-uncased" },
    { "models--a---b", NULL },
    { "models--ok--sub--deeper", NULL },
    { "models--mk/sub", NULL },
    { "models--", NULL },
    { "bert-base-uncased", NULL },
    { "models--..--x", NULL },
  };
  struct
  {
    const char *etag, *sha256, *sha1;
  } etags[] = {
    { "\"68d45e234eb4a928074dfd868cead0219ab85354cc53d20e772753c6bb9169d3\"", sha256, NULL },
    { "W/\"68D45E234EB4A928074DFD868CEAD0219AB85354CC53D20E772753C6BB9169D3\"", sha256, NULL },
    { "\"a2d5c1d1f0a3bd8ec4b0c8bb1fcb39ea3bb4d9f5\"", NULL, sha1 },
    { "\"not-a-sha\"", NULL, NULL },
    { "\"", NULL, NULL },
    { "", NULL, NULL },
    { "\"68d45e234eb4a928074dfd868cead0219ab85354cc53d20e772753c6bb9169dz\"", NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *id = attention_hub_folder_id (folders[i].name);

      g_assert_cmpstr (id, ==, folders[i].id);
      if (id != NULL)
        {
          g_autofree char *name = attention_hub_folder_name (id);

          g_assert_cmpstr (name, ==, folders[i].name);
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (etags); i++)
    {
      g_autofree char *a = attention_hub_etag_sha256 (etags[i].etag);
      g_autofree char *b = attention_hub_etag_git_sha1 (etags[i].etag);

      g_assert_cmpstr (a, ==, etags[i].sha256);
      g_assert_cmpstr (b, ==, etags[i].sha1);
    }
}

static void
test_urls (void)
{
  g_autofree char *url = NULL;
  g_autofree char *base = NULL;

  url = attention_hub_file_url ("https://huggingface.co", "google/bert_uncased_L-2_H-128_A-2",
                                "model.safetensors");
  g_assert_cmpstr (url, ==,
                   "https://huggingface.co/google/bert_uncased_L-2_H-128_A-2/resolve/main/"
                   "model.safetensors");
  g_setenv ("ATTENTION_HUB_URL", "http://127.0.0.1:8080/mirror//", TRUE);
  base = attention_hub_get_url ();
  g_assert_cmpstr (base, ==, "http://127.0.0.1:8080/mirror");
  g_unsetenv ("ATTENTION_HUB_URL");
  g_clear_pointer (&base, g_free);
  base = attention_hub_get_url ();
  g_assert_cmpstr (base, ==, "https://huggingface.co");
}

static void
test_timeout (void)
{
  const struct
  {
    const char *value;
    guint seconds;
  } cases[] = { { "20", 20 }, { "1", 1 },    { "3600", 3600 }, { "0", 30 }, { "3601", 30 },
                { "-5", 30 }, { "2.5", 30 }, { "ten", 30 },    { "", 30 },  { " 7", 30 } };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_setenv ("ATTENTION_HUB_TIMEOUT", cases[i].value, TRUE);
      g_assert_cmpuint (attention_hub_get_timeout (), ==, cases[i].seconds);
    }
  g_unsetenv ("ATTENTION_HUB_TIMEOUT");
  g_assert_cmpuint (attention_hub_get_timeout (), ==, 30);
}

static void
write_token (const char *path, const char *contents)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

/* huggingface_hub's order: HF_TOKEN, the file HF_TOKEN_PATH, HF_HOME/token,
 * then XDG_CACHE_HOME/huggingface/token. */
static void
test_token (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("attention-token-XXXXXX", NULL);
  g_autofree char *cache = g_build_filename (tmp, "cache", NULL);
  g_autofree char *cached = g_build_filename (cache, "huggingface", "token", NULL);
  g_autofree char *home = g_build_filename (tmp, "hf-home", NULL);
  g_autofree char *home_token = g_build_filename (home, "token", NULL);
  g_autofree char *path_token = g_build_filename (tmp, "elsewhere", "my-token", NULL);
  char *token;

  g_unsetenv ("HF_TOKEN");
  g_unsetenv ("HF_TOKEN_PATH");
  g_unsetenv ("HF_HOME");
  /* GLib reads XDG_CACHE_HOME once; a child process sees a fresh one. */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess ("/hub/token", 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      g_rmdir (tmp);
      return;
    }
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_assert_null (attention_hub_get_token ());
  write_token (cached, "hf_cached\n");
  token = attention_hub_get_token ();
  g_assert_cmpstr (token, ==, "hf_cached");
  g_free (token);
  write_token (home_token, "  hf_home  \n");
  g_setenv ("HF_HOME", home, TRUE);
  token = attention_hub_get_token ();
  g_assert_cmpstr (token, ==, "hf_home");
  g_free (token);
  write_token (path_token, "hf_path");
  g_setenv ("HF_TOKEN_PATH", path_token, TRUE);
  token = attention_hub_get_token ();
  g_assert_cmpstr (token, ==, "hf_path");
  g_free (token);
  g_setenv ("HF_TOKEN", "hf_env", TRUE);
  token = attention_hub_get_token ();
  g_assert_cmpstr (token, ==, "hf_env");
  g_free (token);
  /* Could not travel in a header: no token rather than a broken request. */
  g_setenv ("HF_TOKEN", "hf_a\r\nX-Evil: 1", TRUE);
  g_assert_null (attention_hub_get_token ());
  g_unsetenv ("HF_TOKEN");
  write_token (path_token, "hf_a b");
  g_assert_null (attention_hub_get_token ());
  write_token (path_token, "");
  g_assert_null (attention_hub_get_token ());
  {
    const char *argv[] = { "rm", "-rf", tmp, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                                 NULL, NULL, NULL));
  }
}

static void
test_catalogue (void)
{
  guint n;
  const AttentionHubEntry *entries = attention_hub_catalogue (&n);
  const AttentionHubEntry *base = NULL;

  g_assert_cmpuint (n, >=, 6);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (attention_hub_model_id_is_valid (entries[i].id, NULL));
      g_assert_cmpint (entries[i].size, >, 10000000);
      g_assert_cmpstr (entries[i].id, !=, "roberta-base");
      if (g_strcmp0 (entries[i].id, "bert-base-uncased") == 0)
        base = &entries[i];
    }
  /* bert-base-uncased's model.safetensors is 440,449,768 bytes on the hub. */
  g_assert_nonnull (base);
  g_assert_cmpint (base->size / 1000000, ==, 440);
}

/* docs/hub-catalogue.md says, for every catalogue entry, which file list it
 * was checked against (the project cannot reach the hub): each id appears,
 * in backquotes, in its "How the entries were checked" table. */
static void
test_catalogue_documented (void)
{
  g_autofree char *path =
      g_test_build_filename (G_TEST_DIST, "..", "..", "docs", "hub-catalogue.md", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  const char *checked;
  guint n;
  const AttentionHubEntry *entries = attention_hub_catalogue (&n);

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  checked = strstr (text, "## How the entries were checked");
  g_assert_nonnull (checked);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *quoted = g_strdup_printf ("| `%s`", entries[i].id);
      g_autofree char *listed = g_strdup_printf (", `%s`", entries[i].id);

      if (strstr (checked, quoted) == NULL && strstr (checked, listed) == NULL)
        g_error ("docs/hub-catalogue.md does not say what %s was checked against", entries[i].id);
    }
}

static void
put (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, "x", 1, NULL));
}

static void
put_model (const char *models, const char *id)
{
  g_autofree char *dir = g_build_filename (models, id, NULL);

  put (dir, "config.json");
  put (dir, "vocab.txt");
  put (dir, "model.safetensors");
}

static void
test_installed (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("attention-hub-XXXXXX", NULL);
  g_autofree char *models = g_build_filename (tmp, "models", NULL);
  g_autofree char *staging = g_build_filename (models, ".downloads", "bert-staged", NULL);
  g_autofree char *incomplete = g_build_filename (models, "bert-incomplete", NULL);
  g_autofree char *owner = g_build_filename (models, "google", NULL);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) ids = NULL;
  g_auto (GStrv) after = NULL;

  g_assert_nonnull (tmp);
  put_model (models, "bert-base-uncased");
  put_model (models, "google/bert_uncased_L-2_H-128_A-2");
  put_model (models, ".downloads/bert-staged");
  put (incomplete, "config.json");
  put (incomplete, "vocab.txt");
  put (incomplete, "model.safetensors.part");
  put (models, "bert-base-uncased.pt"); /* tools/fetch-bert's bundles live here too */
  /* The earlier layout nested "ok/sub" inside "ok". */
  put_model (models, "ok");
  put_model (models, "ok/sub");
  {
    /* Weights as pytorch_model.bin only: installed too. */
    g_autofree char *bin = attention_hub_model_dir (models, "someone/bin-only");

    put (bin, "config.json");
    put (bin, "vocab.txt");
    put (bin, "pytorch_model.bin");
    g_assert_true (attention_hub_is_installed (models, "someone/bin-only"));
    g_assert_cmpint (attention_hub_installed_size (models, "someone/bin-only"), ==, 3);
    g_assert_true (attention_hub_remove_installed (models, "someone/bin-only", NULL));
  }

  ids = attention_hub_list_installed (models);
  g_assert_cmpuint (g_strv_length (ids), ==, 4);
  g_assert_cmpstr (ids[0], ==, "bert-base-uncased");
  g_assert_cmpstr (ids[1], ==, "google/bert_uncased_L-2_H-128_A-2");
  g_assert_cmpstr (ids[2], ==, "ok");
  g_assert_cmpstr (ids[3], ==, "ok/sub");
  /* Listing moved them to one folder per id, huggingface_hub's names. */
  {
    g_autofree char *ok = g_build_filename (models, "models--ok", NULL);
    g_autofree char *sub = g_build_filename (models, "models--ok--sub", "vocab.txt", NULL);
    g_autofree char *nested = g_build_filename (models, "models--ok", "sub", NULL);
    g_autofree char *google =
        g_build_filename (models, "models--google--bert_uncased_L-2_H-128_A-2", NULL);
    g_autofree char *dir = attention_hub_model_dir (models, "ok/sub");
    g_autofree char *expected = g_build_filename (models, "models--ok--sub", NULL);

    g_assert_true (g_file_test (ok, G_FILE_TEST_IS_DIR));
    g_assert_true (g_file_test (sub, G_FILE_TEST_IS_REGULAR));
    g_assert_false (g_file_test (nested, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (google, G_FILE_TEST_IS_DIR));
    g_assert_false (g_file_test (owner, G_FILE_TEST_EXISTS));
    g_assert_cmpstr (dir, ==, expected);
  }
  g_assert_cmpint (attention_hub_installed_size (models, "bert-base-uncased"), ==, 3);
  g_assert_false (attention_hub_is_installed (models, "bert-incomplete"));

  {
    g_autofree char *expected =
        g_build_filename (models, ".downloads", "google--bert_uncased_L-2_H-128_A-2", NULL);
    g_autofree char *dir = attention_hub_staging_dir (models, "google/bert_uncased_L-2_H-128_A-2");

    g_assert_cmpstr (dir, ==, expected);
    g_assert_true (attention_hub_has_partial (models, "bert-staged"));
    g_assert_false (attention_hub_has_partial (models, "bert-base-uncased"));
  }

  g_assert_true (
      attention_hub_remove_installed (models, "google/bert_uncased_L-2_H-128_A-2", &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (owner, G_FILE_TEST_EXISTS));
  g_assert_false (attention_hub_remove_installed (models, "bert-incomplete", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_true (g_file_test (incomplete, G_FILE_TEST_IS_DIR));
  after = attention_hub_list_installed (models);
  g_assert_cmpuint (g_strv_length (after), ==, 3);
  g_assert_true (g_file_test (staging, G_FILE_TEST_IS_DIR));

  {
    const char *argv[] = { "rm", "-rf", tmp, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                                 NULL, NULL, NULL));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hub/ids", test_ids);
  g_test_add_func ("/hub/names", test_names);
  g_test_add_func ("/hub/urls", test_urls);
  g_test_add_func ("/hub/timeout", test_timeout);
  g_test_add_func ("/hub/token", test_token);
  g_test_add_func ("/hub/catalogue", test_catalogue);
  g_test_add_func ("/hub/catalogue-documented", test_catalogue_documented);
  g_test_add_func ("/hub/installed", test_installed);
  return g_test_run ();
}
