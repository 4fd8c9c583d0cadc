/* attn-shim.h: the only door to libtorch. Plain C, one opaque handle, no
 * libtorch (or GLib) type crosses it. Every C++ exception is caught inside and
 * becomes an error string. Strings returned through `char **error` are
 * malloc()ed: free them with attn_shim_free_string(). Their first line is
 * the reason; when there is more to tell (the TorchScript traceback of an
 * exception raised by the bundle's own code), the whole text follows after a
 * newline.
 *
 * The shim lives in a shared module loaded on the first call of any of these
 * (attn-shim-module.h); if it cannot be loaded, attn_shim_load says why and
 * the other calls return neutral values. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C"
{
#endif

  typedef struct attn_shim attn_shim;

  typedef struct
  {
    int n_layers;
    int n_heads;
    int vocab_size; /* width of the logits */
  } attn_shim_dims;

  /* Loads a TorchScript bundle, reads its extra files vocab.txt and config.json,
   * and runs one tiny forward to learn (and check) the output shapes and warm up
   * the executor. NULL and *error on failure. */
  attn_shim *attn_shim_load (const char *path, char **error);

  /* Every record's CRC-32 is checked before anything is loaded: a mismatch
   * fails with "the model file is damaged (…)". The weights stay in a private
   * mapping of the file (docs/benchmarks.md, "Model load"). */
  enum
  {
    /* No probe forward: the dimensions are the caller's (attn_shim_set_dims,
     * from config.json) and the first attn_shim_run is the first forward.
     * For one-shot runs; attn_shim_probe diagnoses a failure later. */
    ATTN_SHIM_LOAD_NO_PROBE = 1 << 0,
    /* After the first successful run, copy the weights out of the file's
     * mapping in a background thread, so that a bundle rewritten in place
     * later cannot reach them. For long-lived processes. */
    ATTN_SHIM_LOAD_DETACH = 1 << 1,
  };
  attn_shim *attn_shim_load_with_flags (const char *path, unsigned flags, char **error);
  /* Runs the probe forward of attn_shim_load on a handle loaded without it:
   * 0, or -1 and the message attn_shim_load would have given. */
  int attn_shim_probe (attn_shim *shim, char **error);
  /* Dimensions for a handle loaded with ATTN_SHIM_LOAD_NO_PROBE (ignored once
   * the probe has measured them). */
  void attn_shim_set_dims (attn_shim *shim, attn_shim_dims dims);
  void attn_shim_free (attn_shim *shim);
  void attn_shim_free_string (char *str);

  /* name is "vocab.txt" or "config.json". The bytes stay owned by the shim. */
  const char *attn_shim_get_extra_file (const attn_shim *shim, const char *name, size_t *len);
  attn_shim_dims attn_shim_get_dims (const attn_shim *shim);

  /* Runs one sentence of n_ids ids (no padding). Writes:
   *  - logits: n_positions × vocab_size floats, the MLM logits at the given
   *    token positions (may be NULL when n_positions is 0);
   *  - attentions: n_layers × n_heads × n_ids × n_ids floats, row-major
   *    [layer][head][query][key].
   * Returns 0 on success, -1 and *error otherwise. Safe to call from any one
   * thread at a time per handle. */
  int attn_shim_run (attn_shim *shim,
                     const int64_t *ids,
                     size_t n_ids,
                     const int64_t *positions,
                     size_t n_positions,
                     float *logits,
                     float *attentions,
                     char **error);

  /* The outputs of one run, left in the buffers libtorch wrote them to. */
  typedef struct attn_shim_output attn_shim_output;

  /* Like attn_shim_run, without the copy: *output holds the logits and the
   * attentions until attn_shim_output_free (from any thread). At 512 tokens
   * of a bert-base-sized model the attentions are 151 MB, and copying them
   * into a fresh buffer cost 37k page faults a run (docs/benchmarks.md). */
  int attn_shim_run_output (attn_shim *shim,
                            const int64_t *ids,
                            size_t n_ids,
                            const int64_t *positions,
                            size_t n_positions,
                            attn_shim_output **output,
                            char **error);
  /* n_positions × vocab_size floats; NULL when the run had no positions. */
  const float *attn_shim_output_get_logits (const attn_shim_output *output);
  /* n_layers × n_heads × n_ids × n_ids floats, as attn_shim_run writes them. */
  const float *attn_shim_output_get_attentions (const attn_shim_output *output);
  void attn_shim_output_free (attn_shim_output *output);

  /* Intra-op threads for libtorch (process-wide). */
  void attn_shim_set_num_threads (int n);
  int attn_shim_get_num_threads (void);

  /* Path of the libblas.so.3 (or OpenBLAS) that the process ended up with, and
   * whether it is the slow reference BLAS. Owned by the shim. */
  const char *attn_shim_blas_library (void);
  int attn_shim_blas_is_reference (void);

  /* Where libtorch's float matrix products go, process-wide: "onednn"
   * (oneDNN's GEMM, the default where libtorch links libdnnl) or "blas"
   * (libblas.so.3's sgemm_; the default with ATTN_SHIM_GEMM=blas in the
   * environment). NULL when the module cannot be loaded. */
  const char *attn_shim_gemm_backend (void);
  /* Switches it ("onednn" or "blas"; for comparisons: the shim's choice of
   * threads was made for the default, so a caller that switches sets
   * them too). Returns 0, or -1 when that backend is not available. */
  int attn_shim_gemm_set_backend (const char *backend);
  /* How many of them oneDNN has computed in this process so far. */
  long attn_shim_gemm_onednn_calls (void);

  /* OpenBLAS's own thread count (its threads, not libtorch's): sets it to n and
   * returns the count it had, or -1 (nothing changed) when the BLAS is not
   * OpenBLAS. On OpenBLAS's GEMM (attn_shim_gemm_backend) the shim picks it
   * for each run by input size (one thread for short inputs on two CPUs); on
   * oneDNN's, OpenBLAS has no matrix product to run and is left alone. n >= 1
   * turns the choice off, n == 0 turns it back on. */
  int attn_shim_blas_set_threads (int n);

  /* Loads the module now (it is loaded on first use otherwise): for a worker
   * thread that wants the libraries' start-up cost off the main thread. Returns
   * 0, or -1 and *error. */
  int attn_shim_preload (char **error);

#ifdef __cplusplus
}
#endif
