/* attn-shim-tuning.h: the shim's process-wide calls, beside the per-handle
 * API of attn-shim.h: libtorch's threads, the BLAS and where the matrix
 * products run, and loading the shim module early. The shim chooses all of
 * these itself by measurement (docs/benchmarks.md); the calls are for
 * benchmarks, tests and diagnostics. */
#pragma once

#ifdef __cplusplus
extern "C"
{
#endif

  /* Intra-op threads for libtorch. */
  void attn_shim_set_num_threads (int n);
  int attn_shim_get_num_threads (void);

  /* Path of the libblas.so.3 (or OpenBLAS) that the process ended up with, and
   * whether it is the slow reference BLAS. Owned by the shim. */
  const char *attn_shim_blas_library (void);
  int attn_shim_blas_is_reference (void);

  /* OpenBLAS's own thread count (its threads, not libtorch's): sets it to n and
   * returns the count it had, or -1 (nothing changed) when the BLAS is not
   * OpenBLAS. On OpenBLAS's GEMM (attn_shim_gemm_backend) the shim picks it
   * for each run by input size (one thread for short inputs on two CPUs); on
   * oneDNN's, OpenBLAS has no matrix product to run and is left alone. n >= 1
   * turns the choice off, n == 0 turns it back on. */
  int attn_shim_blas_set_threads (int n);

  /* Where libtorch's float matrix products go: "onednn" (oneDNN's GEMM, the
   * default where libtorch links libdnnl) or "blas" (libblas.so.3's sgemm_;
   * the default with ATTN_SHIM_GEMM=blas in the environment). NULL when the
   * module cannot be loaded. */
  const char *attn_shim_gemm_backend (void);
  /* Switches it ("onednn" or "blas"; for comparisons: the shim's choice of
   * threads was made for the default, so a caller that switches sets
   * them too). Returns 0, or -1 when that backend is not available. */
  int attn_shim_gemm_set_backend (const char *backend);
  /* How many of them oneDNN has computed in this process so far. */
  long attn_shim_gemm_onednn_calls (void);

  /* Loads the module now (it is loaded on first use otherwise): for a worker
   * thread that wants the libraries' start-up cost off the main thread. Returns
   * 0, or -1 and *error (free it with attn_shim_free_string). */
  int attn_shim_preload (char **error);

#ifdef __cplusplus
}
#endif
