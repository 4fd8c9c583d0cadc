/* attn-shim-gemm.h: the module's single-precision matrix product. libtorch's
 * calls to BLAS's sgemm_ land in this module (attn-shim-gemm.cpp says why),
 * which runs them on oneDNN's GEMM and falls back to BLAS's own sgemm_.
 * The public calls, attn_shim_gemm_backend and attn_shim_gemm_onednn_calls,
 * are declared in attn-shim-tuning.h. Internal to the module. */
#pragma once

#ifdef __cplusplus
extern "C"
{
#endif

  /* BLAS's Fortran sgemm_, as libtorch declares it (no hidden lengths):
   * the module's own sgemm_ and the one it hides have this type. */
  typedef void (*attn_shim_sgemm_func) (const char *transa,
                                        const char *transb,
                                        const int *m,
                                        const int *n,
                                        const int *k,
                                        const float *alpha,
                                        const float *a,
                                        const int *lda,
                                        const float *b,
                                        const int *ldb,
                                        const float *beta,
                                        float *c,
                                        const int *ldc);

  /* BLAS's own sgemm_ (libblas.so.3's), which this module's sgemm_ hides
   * from libtorch; NULL if none was found. */
  void *attn_shim_gemm_blas_function (void);

  /* oneDNN generates its GEMM code on the first product, about 50 ms on
   * this machine: start that on another thread (once per process, while a
   * model loads; the first product waits for the rest of it), and wait for
   * it before a handle goes, so that no process exits in the middle of it. */
  void attn_shim_gemm_warm_up_start (void);
  void attn_shim_gemm_warm_up_wait (void);

#ifdef __cplusplus
}
#endif
