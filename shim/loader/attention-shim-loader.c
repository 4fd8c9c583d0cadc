/* attention-shim-loader.c: attn-shim.h and attn-shim-tuning.h on top of the
 * shim module. The program is not linked against libtorch: the first call
 * (normally a model load in a worker thread) dlopen()s libattention-shim.so,
 * so that libtorch's libraries load and initialise beside the window's
 * start-up instead of before main(). See attn-shim-module.h. */

#include <dlfcn.h>
#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "attention-load-heap.h"
#include "attn-shim-module.h"

static const attn_shim_module_api *api;
static char *load_error; /* why the module could not be loaded */

/* Where the module is: $ATTENTION_SHIM_MODULE; the build tree when this
 * program runs from it; else where `meson install` put it. */
static char *
module_path (void)
{
  const char *env = g_getenv ("ATTENTION_SHIM_MODULE");
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *build_root = g_canonicalize_filename (BUILD_ROOT, NULL);
  g_autofree char *installed = g_build_filename (PKGLIBDIR, ATTN_SHIM_MODULE_NAME, NULL);

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if ((exe != NULL && g_str_has_prefix (exe, build_root) && exe[strlen (build_root)] == '/') ||
      !g_file_test (installed, G_FILE_TEST_EXISTS))
    return g_build_filename (BUILD_ROOT, "shim", "module", ATTN_SHIM_MODULE_NAME, NULL);
  return g_steal_pointer (&installed);
}

static gpointer
load_module (gpointer unused)
{
  g_autofree char *path = module_path ();
  attn_shim_module_get_api_func get_api;
  const attn_shim_module_api *table;
  void *handle;

  /* RTLD_LOCAL: libtorch's thousands of symbols stay out of the global scope
   * (GTK's own module loading never resolves against them). RTLD_LAZY:
   * the calls of the 280-odd libraries libtorch pulls in (OpenCV, FFmpeg,
   * GDAL…) are bound when first made, as in any program linked to them,
   * instead of all up front: the load took 20 ms less (645 against 667 ms,
   * medians of 10). The module and libtorch_cpu are linked with -z now, so
   * a symbol missing from either still fails here. */
  attention_load_heap_prepare ();
  handle = dlopen (path, RTLD_LAZY | RTLD_LOCAL);
  attention_load_heap_finish ();
  if (handle == NULL)
    {
      load_error = g_strdup_printf (_ ("cannot load the libtorch shim: %s"), dlerror ());
      return NULL;
    }
  get_api = (attn_shim_module_get_api_func)dlsym (handle, ATTN_SHIM_MODULE_SYMBOL);
  table = get_api != NULL ? get_api () : NULL;
  if (table == NULL || table->abi != ATTN_SHIM_MODULE_ABI)
    {
      /* Kept loaded: unloading libtorch is not safe. */
      load_error = g_strdup_printf (_ ("cannot load the libtorch shim: %s is from another "
                                       "version of Attention"),
                                    path);
      return NULL;
    }
  g_atomic_pointer_set ((gpointer *)&api, (gpointer)table);
  return NULL;
}

/* Loads the module once; TRUE when it is usable. Every caller after the
 * first waits for the first one to finish. */
static gboolean
ensure_module (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, load_module, NULL);
  return api != NULL;
}

static void
set_error (char **error)
{
  if (error != NULL)
    *error = strdup (load_error);
}

int
attn_shim_preload (char **error)
{
  if (error != NULL)
    *error = NULL;
  if (ensure_module ())
    return 0;
  set_error (error);
  return -1;
}

static gpointer
open_zip_thread (gpointer path)
{
  return attn_zip_open (path, NULL, NULL);
}

attn_shim_load_params
attn_shim_load_params_default (void)
{
  attn_shim_load_params params = {
    .probe = 1,
    .detach = 0,
  };

  return params;
}

attn_shim *
attn_shim_load (const char *path, const attn_shim_load_params *params, char **error)
{
  attn_shim_load_params defaults = attn_shim_load_params_default ();
  GThread *reader = NULL;
  attn_zip *zip = NULL;
  attn_shim *shim;

  if (error != NULL)
    *error = NULL;
  /* The first load also loads libtorch (a third of a second): map the file
   * and check its CRCs meanwhile, on the other core. Failures are diagnosed
   * by the shim's own checks, which run anyway. */
  if (path != NULL && g_atomic_pointer_get ((gpointer *)&api) == NULL)
    reader = g_thread_try_new ("attention-read", open_zip_thread, (gpointer)path, NULL);
  if (!ensure_module ())
    {
      if (reader != NULL)
        attn_zip_unref (g_thread_join (reader));
      set_error (error);
      return NULL;
    }
  zip = reader != NULL ? g_thread_join (reader) : NULL;
  shim = api->load (path, params != NULL ? params : &defaults, zip, error);
  attn_zip_unref (zip);
  return shim;
}

int
attn_shim_probe (attn_shim *shim, char **error)
{
  if (error != NULL)
    *error = NULL;
  if (ensure_module ())
    return api->probe (shim, error);
  set_error (error);
  return -1;
}

void
attn_shim_free (attn_shim *shim)
{
  /* A handle exists only if the module loaded. */
  if (shim != NULL && ensure_module ())
    api->free (shim);
}

void
attn_shim_free_string (char *str)
{
  /* Both sides use the same malloc: the loader's own strings (strdup) and
   * the module's free alike. */
  free (str);
}

const char *
attn_shim_get_extra_file (const attn_shim *shim, const char *name, size_t *len)
{
  if (ensure_module ())
    return api->get_extra_file (shim, name, len);
  if (len != NULL)
    *len = 0;
  return NULL;
}

attn_shim_dims
attn_shim_get_dims (const attn_shim *shim)
{
  attn_shim_dims none = { 0, 0, 0, 0 };

  return ensure_module () ? api->get_dims (shim) : none;
}

attn_shim_run_params
attn_shim_run_params_default (void)
{
  attn_shim_run_params params = {
    .ids = NULL,
    .n_ids = 0,
    .positions = NULL,
    .n_positions = 0,
    .n_sequences = 0,
    .lengths = NULL,
    .token_type_ids = NULL,
    .head_mask = NULL,
    .head_mask_per_sequence = 0,
    .want_qk = 0,
    .want_value_norms = 0,
    .saliency_positions = NULL,
    .saliency_token_ids = NULL,
    .n_saliency = 0,
    .n_threads = 0,
  };

  return params;
}

int
attn_shim_run (attn_shim *shim,
               const attn_shim_run_params *params,
               attn_shim_output **output,
               char **error)
{
  if (error != NULL)
    *error = NULL;
  if (output != NULL)
    *output = NULL;
  if (ensure_module ())
    return api->run (shim, params, output, error);
  set_error (error);
  return -1;
}

const float *
attn_shim_output_get_logits (const attn_shim_output *output)
{
  /* An output exists only if the module loaded. */
  return output != NULL && ensure_module () ? api->output_get_logits (output) : NULL;
}

const float *
attn_shim_output_get_attentions (const attn_shim_output *output)
{
  return output != NULL && ensure_module () ? api->output_get_attentions (output) : NULL;
}

size_t
attn_shim_output_get_n_sequences (const attn_shim_output *output)
{
  return output != NULL && ensure_module () ? api->output_get_n_sequences (output) : 0;
}

const float *
attn_shim_output_get_sequence_attentions (const attn_shim_output *output, size_t s)
{
  return output != NULL && ensure_module () ? api->output_get_sequence_attentions (output, s)
                                            : NULL;
}

const float *
attn_shim_output_get_queries (const attn_shim_output *output, size_t s)
{
  return output != NULL && ensure_module () ? api->output_get_queries (output, s) : NULL;
}

const float *
attn_shim_output_get_keys (const attn_shim_output *output, size_t s)
{
  return output != NULL && ensure_module () ? api->output_get_keys (output, s) : NULL;
}

const float *
attn_shim_output_get_value_norms (const attn_shim_output *output, size_t s)
{
  return output != NULL && ensure_module () ? api->output_get_value_norms (output, s) : NULL;
}

const float *
attn_shim_output_get_saliency (const attn_shim_output *output)
{
  return output != NULL && ensure_module () ? api->output_get_saliency (output) : NULL;
}

const int64_t *
attn_shim_output_get_saliency_token_ids (const attn_shim_output *output)
{
  return output != NULL && ensure_module () ? api->output_get_saliency_token_ids (output) : NULL;
}

void
attn_shim_output_free (attn_shim_output *output)
{
  if (output != NULL && ensure_module ())
    api->output_free (output);
}

void
attn_shim_set_num_threads (int n)
{
  if (ensure_module ())
    api->set_num_threads (n);
}

int
attn_shim_get_num_threads (void)
{
  return ensure_module () ? api->get_num_threads () : 1;
}

const char *
attn_shim_blas_library (void)
{
  return ensure_module () ? api->blas_library () : NULL;
}

int
attn_shim_blas_is_reference (void)
{
  return ensure_module () ? api->blas_is_reference () : 0;
}

int
attn_shim_blas_set_threads (int n)
{
  return ensure_module () ? api->blas_set_threads (n) : -1;
}

const char *
attn_shim_gemm_backend (void)
{
  return ensure_module () ? api->gemm_backend () : NULL;
}

int
attn_shim_gemm_set_backend (const char *backend)
{
  return ensure_module () ? api->gemm_set_backend (backend) : -1;
}

long
attn_shim_gemm_onednn_calls (void)
{
  return ensure_module () ? api->gemm_onednn_calls () : 0;
}
