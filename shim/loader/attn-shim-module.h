/* attn-shim-module.h: how the program reaches the shim. The shim is a shared
 * module (libattention-shim.so) that the program dlopen()s on first use, from
 * whichever thread needs the model first: libtorch's 288 libraries then load
 * while the window starts instead of before main() (docs/benchmarks.md). The
 * module exports one symbol, attn_shim_module_get_api, returning this table;
 * shim/loader/attention-shim-loader.c implements attn-shim.h and
 * attn-shim-tuning.h on top of it. */
#pragma once

#include "attn-shim-tuning.h"
#include "attn-shim.h"
#include "attn-zip.h"

#ifdef __cplusplus
extern "C"
{
#endif

/* Bumped whenever the table or a params struct changes: a module from
 * another build is refused. */
#define ATTN_SHIM_MODULE_ABI 7
#define ATTN_SHIM_MODULE_SYMBOL "attn_shim_module_get_api"
#define ATTN_SHIM_MODULE_NAME "libattention-shim.so"

  typedef struct
  {
    int abi; /* ATTN_SHIM_MODULE_ABI */
    /* attn-shim.h. The loader passes params filled in (never NULL), and
     * zip: the file, mapped and checked by the loader (attn-zip.h) while the
     * module loaded, or NULL to do it here. The shim takes its own
     * reference. */
    attn_shim *(*load) (const char *path,
                        const attn_shim_load_params *params,
                        attn_zip *zip,
                        char **error);
    int (*probe) (attn_shim *shim, char **error);
    void (*free) (attn_shim *shim);
    const char *(*get_extra_file) (const attn_shim *shim, const char *name, size_t *len);
    attn_shim_dims (*get_dims) (const attn_shim *shim);
    int (*run) (attn_shim *shim,
                const attn_shim_run_params *params,
                attn_shim_output **output,
                char **error);
    const float *(*output_get_logits) (const attn_shim_output *output);
    const float *(*output_get_attentions) (const attn_shim_output *output);
    void (*output_free) (attn_shim_output *output);
    /* attn-shim-tuning.h */
    void (*set_num_threads) (int n);
    int (*get_num_threads) (void);
    const char *(*blas_library) (void);
    int (*blas_is_reference) (void);
    int (*blas_set_threads) (int n);
    const char *(*gemm_backend) (void);
    int (*gemm_set_backend) (const char *backend);
    long (*gemm_onednn_calls) (void);
    /* attn-shim.h, the outputs of runs with options */
    size_t (*output_get_n_sequences) (const attn_shim_output *output);
    const float *(*output_get_sequence_attentions) (const attn_shim_output *output, size_t s);
    const float *(*output_get_queries) (const attn_shim_output *output, size_t s);
    const float *(*output_get_keys) (const attn_shim_output *output, size_t s);
    const float *(*output_get_value_norms) (const attn_shim_output *output, size_t s);
    const float *(*output_get_saliency) (const attn_shim_output *output);
    const int64_t *(*output_get_saliency_token_ids) (const attn_shim_output *output);
  } attn_shim_module_api;

  typedef const attn_shim_module_api *(*attn_shim_module_get_api_func) (void);

#ifdef __cplusplus
}
#endif
