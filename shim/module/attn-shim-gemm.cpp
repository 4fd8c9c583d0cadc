/* attn-shim-gemm.cpp: see attn-shim-gemm.h.
 *
 * Why: libtorch computes every linear layer and batched matmul through
 * BLAS's sgemm_, and Debian 12's OpenBLAS (0.3.21) runs this machine's
 * AVX-512 CPU on its AVX2 kernels and packs the whole weight matrix on every
 * call: at 12 tokens 90 % of a forward was in sgemm, 40 % of it packing.
 * oneDNN (libdnnl.so.2), which libtorch links anyway, has its own JIT GEMM
 * for the CPU it finds and runs it on libtorch's OpenMP threads, so it does
 * not fight OpenBLAS's pool for the two cores. Measured on bert-base's
 * shapes (docs/benchmarks.md): 2.8-3.8x OpenBLAS at 12 rows on one thread,
 * 5-10x on two, 1.6-1.8x at 128 and 512 rows on two.
 *
 * How: the module defines sgemm_ itself. It is the root of its own dlopen
 * group, so libtorch's reference to sgemm_ binds here before libblas.so.3;
 * the call goes to dnnl_sgemm, and to BLAS's own sgemm_ where oneDNN is
 * missing, refuses the call, or ATTN_SHIM_GEMM=blas (or a caller's
 * attn_shim_gemm_set_backend) asks for it. Only this process is affected:
 * python3-torch keeps its BLAS.
 *
 * oneDNN generates its GEMM code on its first product, about 50 ms here,
 * which a one-shot run would pay on its critical path. So a model load
 * starts that on a thread of its own, and the first product waits for what
 * is left of it. It waits rather than going to BLAS meanwhile: the same
 * input must give the same bytes in every run (two exports of one sentence
 * are compared bit for bit), and the two GEMMs round differently. */

#include "attn-shim-gemm.h"

#include "attn-shim-tuning.h"

#include <dlfcn.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace
{

/* oneDNN's C API (dnnl.h), row-major; 0 is dnnl_success. */
typedef int (*DnnlSgemm) (char transa,
                          char transb,
                          int64_t m,
                          int64_t n,
                          int64_t k,
                          float alpha,
                          const float *a,
                          int64_t lda,
                          const float *b,
                          int64_t ldb,
                          float beta,
                          float *c,
                          int64_t ldc);

attn_shim_sgemm_func blas_sgemm;
DnnlSgemm dnnl_sgemm;
std::atomic<bool> use_onednn{ false };
std::atomic<long> dnnl_calls{ 0 };

void *
library_symbol (const char *soname, const char *name)
{
  /* Both libraries are already loaded as libtorch's dependencies: never
   * load a second copy. */
  void *handle = dlopen (soname, RTLD_LAZY | RTLD_NOLOAD);
  void *sym;

  if (handle == NULL)
    return NULL;
  sym = dlsym (handle, name);
  dlclose (handle); /* drops only the reference NOLOAD took */
  return sym;
}

void
resolve (void)
{
  static std::once_flag once;

  std::call_once (once, [] {
    const char *env = getenv ("ATTN_SHIM_GEMM");

    /* libtorch_cpu needs libblas.so.3, so the module would not have
     * loaded without one; RTLD_NEXT finds it under another name. */
    blas_sgemm = (attn_shim_sgemm_func)library_symbol ("libblas.so.3", "sgemm_");
    if (blas_sgemm == NULL)
      blas_sgemm = (attn_shim_sgemm_func)dlsym (RTLD_NEXT, "sgemm_");
    dnnl_sgemm = (DnnlSgemm)library_symbol ("libdnnl.so.2", "dnnl_sgemm");
    use_onednn = dnnl_sgemm != NULL && (env == NULL || strcmp (env, "blas") != 0);
  });
}

/* The warm-up thread (attn_shim_gemm_warm_up_start), joined once. */
enum
{
  WARM_NONE,    /* not started: oneDNN generates its code on first use */
  WARM_RUNNING, /* the first product waits for it */
  WARM_DONE,
};
/* Joined at the latest when the module's statics go at exit, before
 * oneDNN's own: a process may end without freeing its models, and a
 * joinable std::thread would then call terminate. */
struct WarmThread
{
  std::thread thread;

  ~WarmThread ()
  {
    if (thread.joinable ())
      thread.join ();
  }
};
std::mutex warm_lock;
WarmThread warm;
std::atomic<int> warm_state{ WARM_NONE };

void
warm_up (void)
{
  const int64_t n = 64;
  std::vector<float> a (n * n, 1.0f), b (n * n, 1.0f), c (n * n);

  /* One thread: this is for the code generation, not the arithmetic, and
   * a team of OpenMP threads of its own would only compete. */
  omp_set_num_threads (1);
  dnnl_sgemm ('N', 'T', n, n, n, 1.0f, a.data (), n, b.data (), n, 0.0f, c.data (), n);
  warm_state.store (WARM_DONE, std::memory_order_release);
}

} // namespace

extern "C"
{
  /* The definition libtorch's sgemm_ calls bind to (see the top). */
  __attribute__ ((visibility ("default"))) void sgemm_ (const char *transa,
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
                                                        const int *ldc)
  {
    resolve ();
    if (warm_state.load (std::memory_order_acquire) == WARM_RUNNING)
      attn_shim_gemm_warm_up_wait ();
    /* Column-major C = op(A) op(B) is row-major C' = op(B)' op(A)': swap
     * the operands and the sizes, keep the leading dimensions. */
    if (use_onednn.load (std::memory_order_relaxed) &&
        dnnl_sgemm (*transb, *transa, *n, *m, *k, *alpha, b, *ldb, a, *lda, *beta, c, *ldc) == 0)
      {
        dnnl_calls.fetch_add (1, std::memory_order_relaxed);
        return;
      }
    blas_sgemm (transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }

  const char *attn_shim_gemm_backend (void)
  {
    resolve ();
    return use_onednn ? "onednn" : "blas";
  }

  int attn_shim_gemm_set_backend (const char *backend)
  {
    resolve ();
    if (backend != NULL && strcmp (backend, "blas") == 0)
      use_onednn = false;
    else if (backend != NULL && strcmp (backend, "onednn") == 0 && dnnl_sgemm != NULL)
      {
        /* From now on every product is oneDNN's (callers count them). */
        attn_shim_gemm_warm_up_wait ();
        use_onednn = true;
      }
    else
      return -1;
    return 0;
  }

  long attn_shim_gemm_onednn_calls (void)
  {
    return dnnl_calls.load (std::memory_order_relaxed);
  }

  void attn_shim_gemm_warm_up_start (void)
  {
    static std::once_flag once;

    resolve ();
    if (!use_onednn)
      return;
    std::call_once (once, [] {
      std::lock_guard<std::mutex> hold (warm_lock);

      warm_state = WARM_RUNNING;
      try
        {
          warm.thread = std::thread (warm_up);
        }
      catch (...)
        {
          /* No thread: the first product generates the code itself. */
          warm_state = WARM_NONE;
        }
    });
  }

  void attn_shim_gemm_warm_up_wait (void)
  {
    if (warm_state.load (std::memory_order_acquire) == WARM_NONE)
      return;
    std::lock_guard<std::mutex> hold (warm_lock);
    if (warm.thread.joinable ())
      warm.thread.join ();
  }

  void *attn_shim_gemm_blas_function (void)
  {
    resolve ();
    return (void *)blas_sgemm;
  }
}
