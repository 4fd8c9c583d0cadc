/* attn-spm-loader.c: attn-spm.h on top of libattention-spm.so, opened on
 * first use with RTLD_LOCAL (attn-spm-module.h says why). */

#include <dlfcn.h>
#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "attn-spm-module.h"

static const AttnSpmModuleApi *api;
static char *load_error;

/* $ATTENTION_SPM_MODULE; the build tree when this program runs from it;
 * else where `meson install` put it (as the libtorch shim's). */
static char *
module_path (void)
{
  const char *env = g_getenv ("ATTENTION_SPM_MODULE");
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *build_root = g_canonicalize_filename (BUILD_ROOT, NULL);
  g_autofree char *installed = g_build_filename (PKGLIBDIR, ATTN_SPM_MODULE_NAME, NULL);

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if ((exe != NULL && g_str_has_prefix (exe, build_root) && exe[strlen (build_root)] == '/') ||
      !g_file_test (installed, G_FILE_TEST_EXISTS))
    return g_build_filename (BUILD_ROOT, "shim", "spm", ATTN_SPM_MODULE_NAME, NULL);
  return g_steal_pointer (&installed);
}

static gpointer
load_module (gpointer unused)
{
  g_autofree char *path = module_path ();
  AttnSpmModuleGetApi get_api;
  const AttnSpmModuleApi *table;
  void *handle = dlopen (path, RTLD_NOW | RTLD_LOCAL);

  if (handle == NULL)
    {
      load_error = g_strdup_printf (_ ("cannot load the SentencePiece module: %s"), dlerror ());
      return NULL;
    }
  get_api = (AttnSpmModuleGetApi)dlsym (handle, ATTN_SPM_MODULE_SYMBOL);
  table = get_api != NULL ? get_api () : NULL;
  if (table == NULL || table->abi != ATTN_SPM_MODULE_ABI)
    {
      load_error = g_strdup_printf (_ ("cannot load the SentencePiece module: %s is from "
                                       "another version of Attention"),
                                    path);
      return NULL;
    }
  g_atomic_pointer_set ((gpointer *)&api, (gpointer)table);
  return NULL;
}

static gboolean
ensure_module (char **error)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, load_module, NULL);
  if (api != NULL)
    return TRUE;
  if (error != NULL)
    *error = strdup (load_error != NULL ? load_error : "?");
  return FALSE;
}

AttnSpm *
attn_spm_load (const char *data, size_t len, char **error)
{
  return ensure_module (error) ? api->load (data, len, error) : NULL;
}

/* The others take a model that attn_spm_load gave: the module is there. */
void
attn_spm_free (AttnSpm *spm)
{
  if (spm != NULL)
    api->free (spm);
}

int
attn_spm_size (const AttnSpm *spm)
{
  return api->size (spm);
}

const char *
attn_spm_piece (const AttnSpm *spm, int id)
{
  return api->piece (spm, id);
}

int
attn_spm_is_control (const AttnSpm *spm, int id)
{
  return api->is_control (spm, id);
}

int
attn_spm_unk_id (const AttnSpm *spm)
{
  return api->unk_id (spm);
}

AttnSpmPiece *
attn_spm_encode (const AttnSpm *spm, const char *text, size_t len, size_t *n_pieces, char **error)
{
  return api->encode (spm, text, len, n_pieces, error);
}
