/* attn-shim.cpp: the libtorch side of attn-shim.h and attn-shim-tuning.h.
 * Everything that can throw stays behind the module's functions
 * (attn-shim-module.h); errors leave as one translated line. */

#include "attn-shim-alloc.h"
#include "attn-shim-full.h"
#include "attn-shim-gemm.h"
#include "attn-shim-hfbert.h"
#include "attn-shim-i18n.h"
#include "attn-shim-module.h"
#include "attn-shim-zip.h"

#include <ATen/Parallel.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/script.h>

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>

/* Bundles store their vocabulary and configuration under these names. */
/* Every bundle has the first two; merges.txt only a byte-level BPE model's
 * (a RoBERTa folder), empty otherwise. */
static const char *const extra_names[] = { "vocab.txt", "config.json", "merges.txt",
                                           "sentencepiece.model" };
static const size_t n_required_extra = 2;

namespace
{
struct ZipUnref
{
  void operator() (attn_zip *zip) const
  {
    attn_zip_unref (zip);
  }
};
} // namespace

/* A reference to a mapped, checked bundle (attn-zip.h). */
typedef std::unique_ptr<attn_zip, ZipUnref> ZipRef;

struct attn_shim
{
  torch::jit::Module module;
  bool has_forward_at = false;
  bool measured = false;       /* dims measured, by the probe or the first run */
  bool detach_pending = false; /* attn_shim_load_params.detach, not done yet */
  attn_shim_dims dims = { 0, 0, 0, 0 };
  std::string extra[4]; /* vocab.txt, config.json, merges.txt, sentencepiece.model */
  /* The weights under the current source, for runs with options
   * (attn-shim-full.h): built on the first such run. full_state 0: not
   * tried, 1: built, -1: impossible, full_problem says why. The app may
   * start runs with options from two threads at once (a corpus run beside
   * the window's): full_lock makes one of them build, and full_state is
   * read without it once set. */
  torch::jit::Module full;
  std::mutex full_lock;
  std::atomic<int> full_state{ 0 };
  std::string full_problem;
  /* The value norms' per-head factors (attn_shim_full_norm_factors), made
   * on the first run that asks for value norms, not at load: plain runs
   * never pay for them. Runs may be concurrent by then (attn_shim_run):
   * norm_lock guards them. */
  std::mutex norm_lock;
  at::Tensor norm_factors;
  ZipRef zip; /* the mapped file the weights live in; none for a folder */

  ~attn_shim ()
  {
    attn_shim_gemm_warm_up_wait ();
  }
};

/* Whether the environment variable NAME is set to 1: the switches that
 * keep an earlier way of working, for comparison in bench/. */
static bool
env_switch (const char *name)
{
  const char *env = getenv (name);

  return env != NULL && env[0] == '1';
}

/* The optimizing executor is off: with it, load + first forward of bert-base
 * took 0.3 s longer and steady runs were within noise (bench/bench-model,
 * docs/benchmarks.md). ATTN_SHIM_OPTIMIZE=1 turns it back on for comparison. */
static bool
executor_optimize (void)
{
  return env_switch ("ATTN_SHIM_OPTIMIZE");
}

/* The value norms go through each head's factors (attn_shim_full_norm_factors)
 * unless ATTN_SHIM_NORMS_DIRECT=1, which keeps the direct form, the value
 * vectors through the output projection's slices, for comparison
 * (bench/bench-inside). Read at every run that asks for value norms. */
static bool
norms_direct (void)
{
  return env_switch ("ATTN_SHIM_NORMS_DIRECT");
}

/* Whether libtorch's matrix products run on oneDNN (attn-shim-gemm.cpp). */
static bool
gemm_is_onednn (void)
{
  return strcmp (attn_shim_gemm_backend (), "onednn") == 0;
}

/* libtorch's intra-op threads, decided by measurement on 2 cores
 * (docs/benchmarks.md). With oneDNN's GEMM every thread is libtorch's own
 * OpenMP pool, and one per CPU made steady runs 1.05-1.8x as fast as one
 * thread, so 2 there. On OpenBLAS's GEMM a second OpenMP thread made them
 * 0.66-0.84x as fast (it spins beside OpenBLAS's own threads), so 1 there.
 * With more cores libtorch's default stays: not measured here.
 * OMP_NUM_THREADS, or a caller's attn_shim_set_num_threads, wins. */
static std::atomic<bool> threads_chosen{ false };
/* The count each forward sets on its own thread, 0: libtorch's. Not
 * at::set_num_threads: that also rebuilds libtorch's pthreadpool, whose
 * new worker spins for tens of milliseconds beside a one-shot run's load
 * and first forward (they took 30 ms longer). */
static std::atomic<int> forward_threads{ 0 };

static void
choose_threads (void)
{
  static std::once_flag once;

  std::call_once (once, [] {
    unsigned cpus = std::thread::hardware_concurrency ();

    if (threads_chosen || getenv ("OMP_NUM_THREADS") != NULL || cpus > 2)
      return;
    try
      {
        /* libtorch's own default here is 1 (Python's too). */
        if (gemm_is_onednn ())
          forward_threads = (int)std::max (cpus, 1u);
        else
          at::set_num_threads (1);
      }
    catch (...)
      {
      }
  });
}

static char *
dup_string (const std::string &s)
{
  char *out = (char *)malloc (s.size () + 1);

  if (out == NULL)
    return NULL;
  memcpy (out, s.data (), s.size ());
  out[s.size ()] = '\0';
  return out;
}

static void
set_error (char **error, const std::string &message)
{
  if (error != NULL)
    *error = dup_string (message);
}

/* c10::Error messages run to many lines (and a C++ backtrace): keep the
 * first line that says something. */
static std::string
first_line (const char *what)
{
  std::string s (what != NULL ? what : "");
  size_t start = s.find_first_not_of (" \t\r\n");
  size_t end;

  if (start == std::string::npos)
    return _ ("unknown libtorch error");
  end = s.find ('\n', start);
  return s.substr (start, end == std::string::npos ? std::string::npos : end - start);
}

/* --- the bundle's own error ------------------------------------------------
 * When code in a bundle raises (or an operator in it fails), libtorch's
 * message starts "The following operation failed in the TorchScript
 * interpreter.", then two tracebacks, and only at the end the exception the
 * bundle raised: "builtins.RuntimeError: <its message>". That last part is
 * what the user needs. */

static const char torchscript_marker[] =
    "The following operation failed in the TorchScript interpreter.";

/* The exception line of a TorchScript error: the first unindented line after
 * the last "Traceback of TorchScript" header, without Python's "builtins."
 * prefix. "" when the text is not such an error. */
static std::string
torchscript_error_line (const std::string &text)
{
  size_t start = text.find_first_not_of (" \t\r\n");
  size_t header, pos;

  if (start == std::string::npos ||
      text.compare (start, sizeof torchscript_marker - 1, torchscript_marker) != 0)
    return "";
  header = text.rfind ("\nTraceback of TorchScript");
  /* Without the header, the lines after the marker's own. */
  pos = text.find ('\n', header == std::string::npos ? start : header + 1);
  /* The traceback quotes the code around each call, with its own
   * indentation: a function defined at the top level ("def forward_at(…")
   * is unindented too. The exception comes after the last excerpt. */
  {
    size_t here = text.rfind ("<--- HERE");

    if (here != std::string::npos && (pos == std::string::npos || here > pos))
      pos = text.find ('\n', here);
  }
  while (pos != std::string::npos && pos < text.size ())
    {
      size_t begin = pos + 1;
      size_t end = text.find ('\n', begin);
      std::string line =
          text.substr (begin, end == std::string::npos ? std::string::npos : end - begin);

      if (!line.empty () && line[0] != ' ' && line[0] != '\t' && line[0] != '\r')
        {
          if (line.compare (0, 9, "builtins.") == 0)
            line.erase (0, 9);
          return line;
        }
      pos = end;
    }
  return "";
}

/* One line to show, then (after a newline) the whole text when it has more
 * to tell: attn-shim.h's error format. */
static std::string
describe_error_text (const char *what)
{
  std::string text (what != NULL ? what : "");
  std::string line = torchscript_error_line (text);
  size_t last;

  if (line.empty ())
    line = first_line (what);
  /* Out of memory inside the model's code reaches here as a TorchScript
   * error ("RuntimeError: std::bad_alloc", or the CPU allocator's "can't
   * allocate memory"): say it in the user's words, the rest in details. */
  if (line.find ("std::bad_alloc") != std::string::npos ||
      line.find ("can't allocate memory") != std::string::npos)
    line = _ ("not enough memory to run the model on this text");
  last = text.find_last_not_of (" \t\r\n");
  if (last != std::string::npos)
    text.erase (last + 1);
  if (text.find ('\n') == std::string::npos)
    return line;
  return line + "\n" + text;
}

static std::string
exception_message (const std::exception &e)
{
  const c10::Error *c10_error = dynamic_cast<const c10::Error *> (&e);

  if (c10_error != NULL)
    return describe_error_text (c10_error->what_without_backtrace ());
  return describe_error_text (e.what ());
}

/* A FIFO (or a device, or a socket) would make the first open() or read()
 * block forever: look at the file with stat() before anything opens it.
 * Returns "" for a regular file, a folder or a missing file (open_bundle says
 * what is wrong with those). */
static std::string
refuse_special_file (const char *path)
{
  struct stat st;

  if (stat (path, &st) != 0 || S_ISREG (st.st_mode) || S_ISDIR (st.st_mode))
    return "";
  if (S_ISFIFO (st.st_mode))
    return _ ("it is a named pipe (FIFO), not a model file");
  if (S_ISSOCK (st.st_mode))
    return _ ("it is a socket, not a model file");
  if (S_ISCHR (st.st_mode) || S_ISBLK (st.st_mode))
    return _ ("it is a device, not a model file");
  return _ ("it is not a regular file");
}

/* What a user is told about a file attn_zip_open refused (saved_errno: its
 * errno, why: its reason). */
static std::string
unopened_problem (attn_zip_status status, int saved_errno, const char *why)
{
  switch (status)
    {
      case ATTN_ZIP_CANNOT_OPEN:
        if (saved_errno == ENOENT || saved_errno == ENOTDIR)
          return _ ("the file does not exist");
        if (saved_errno == EACCES || saved_errno == EPERM)
          return _ ("no permission to read the file");
        return attn_format (_ ("cannot open the file: %s"), strerror (saved_errno));
      case ATTN_ZIP_NOT_REGULAR:
        return _ ("it is not a regular file");
      case ATTN_ZIP_EMPTY:
        return _ ("the file is empty");
      case ATTN_ZIP_NOT_ZIP:
        return _ ("not a TorchScript archive (the file is not a zip archive)");
      case ATTN_ZIP_NO_DIRECTORY:
        /* A zip ends with its central directory; a truncated download does not. */
        return _ ("not a TorchScript archive (the zip archive is truncated or damaged)");
      default:
        return attn_format (_ ("the model file is damaged (%s)"),
                            why != NULL ? why : strerror (ENOMEM));
    }
}

/* What torch::jit::load would report badly, read off the archive's table of
 * contents before the (slow) full load: PyTorch archives keep every entry
 * under one folder, with a "version" record in it (libtorch's reader checks
 * that in its constructor and throws without freeing its zip state, a leak
 * per bad file in libtorch 1.13); a TorchScript module has data.pkl and
 * constants.pkl, a bundle its extra files. "" when all are there. */
static std::string
check_records (const attn_zip *zip)
{
  const char *not_torchscript = _ ("a zip archive, but not a TorchScript module");
  std::unordered_set<std::string> names;
  const char *first, *slash;
  std::string prefix;

  if (attn_zip_n_records (zip) == 0)
    return not_torchscript;
  first = attn_zip_get_record (zip, 0)->name;
  slash = strchr (first, '/');
  if (slash == NULL || slash == first)
    return not_torchscript;
  prefix.assign (first, (size_t)(slash + 1 - first));
  for (size_t i = 0; i < attn_zip_n_records (zip); i++)
    names.insert (attn_zip_get_record (zip, i)->name);

  auto has = [&] (const std::string &name) { return names.count (prefix + name) != 0; };
  if ((!has ("version") && !has (".data/version")) || !has ("data.pkl"))
    return not_torchscript;
  if (!has ("constants.pkl"))
    return _ ("a PyTorch checkpoint saved with torch.save, not a TorchScript "
              "module: convert it with tools/convert-checkpoint");
  for (size_t i = 0; i < n_required_extra; i++)
    if (const char *name = extra_names[i]; !has (std::string ("extra/") + name))
      return attn_format (_ ("the TorchScript archive has no %s: it is not an Attention "
                             "model bundle (make one with tools/convert-checkpoint)"),
                          name);
  return "";
}

/* Takes a reference to the bundle at path into zip: given (the loader's, see
 * attn-shim-module.h) or opened here. Returns what is wrong with it, or ""
 * for an intact TorchScript bundle. */
static std::string
open_bundle (const char *path, attn_zip *given, ZipRef &zip)
{
  std::string problem;

  if (given != NULL)
    zip.reset (attn_zip_ref (given));
  else
    {
      attn_zip_status status;
      char *why = NULL;

      zip.reset (attn_zip_open (path, &status, &why));
      if (zip == nullptr)
        {
          problem = unopened_problem (status, errno, why);
          free (why);
          return problem;
        }
    }
  problem = check_records (zip.get ());
  if (problem.empty () && attn_zip_damage (zip.get ()) != NULL)
    problem = attn_format (_ ("the model file is damaged (%s)"), attn_zip_damage (zip.get ()));
  return problem;
}

/* The threads asked for by the run in progress on this thread
 * (attn_shim_run_params.n_threads), 0: the shim's choice. */
static thread_local int run_threads = 0;

/* oneDNN's GEMM takes this thread's OpenMP count, which libtorch sets only
 * at the thread's first parallel op: set it before the first GEMM. */
static void
prepare_forward_thread (void)
{
  int want = run_threads > 0 ? run_threads : forward_threads.load ();

  at::internal::lazy_init_num_threads ();
  if (want > 0 && omp_get_max_threads () != want)
    omp_set_num_threads (want);
}

/* A run's own thread count for its duration; the calling thread's count
 * is put back after it, so that the next run without one gets the
 * shim's. */
struct RunThreads
{
  int saved;

  explicit RunThreads (int n) : saved (omp_get_max_threads ())
  {
    run_threads = n > 0 ? n : 0;
  }
  ~RunThreads ()
  {
    if (run_threads > 0 && omp_get_max_threads () != saved)
      omp_set_num_threads (saved);
    run_threads = 0;
  }
  RunThreads (const RunThreads &) = delete;
  RunThreads &operator= (const RunThreads &) = delete;
};

/* Runs the module on one sentence; returns logits (rows of item 0 at the
 * positions, [P, V]) and attentions [L, 1, H, s, s]. Throws. */
static void
forward (attn_shim *shim,
         const int64_t *ids,
         size_t n_ids,
         const int64_t *positions,
         size_t n_positions,
         at::Tensor &logits,
         at::Tensor &attentions)
{
  c10::InferenceMode guard;
  torch::jit::GraphOptimizerEnabledGuard optimize (executor_optimize ());

  prepare_forward_thread ();
  auto options = torch::TensorOptions ().dtype (torch::kInt64);
  at::Tensor input = torch::from_blob ((void *)ids, { 1, (int64_t)n_ids }, options).clone ();
  at::Tensor mask = torch::ones ({ 1, (int64_t)n_ids }, options);
  at::Tensor where =
      torch::from_blob ((void *)positions, { (int64_t)n_positions }, options).clone ();
  c10::IValue out;
  at::Tensor raw_logits;

  if (shim->has_forward_at)
    out = shim->module.get_method ("forward_at") ({ input, mask, where });
  else
    out = shim->module.forward ({ input, mask });

  if (!out.isTuple () || out.toTuple ()->elements ().size () < 2)
    throw std::runtime_error (_ ("the model does not return (logits, attentions)"));
  const auto &elements = out.toTuple ()->elements ();
  if (!elements[0].isTensor () || !elements[1].isTensor ())
    throw std::runtime_error (_ ("the model does not return (logits, attentions)"));

  raw_logits = elements[0].toTensor ();
  attentions = elements[1].toTensor ();

  if (!shim->has_forward_at)
    {
      /* forward gives [b, s, V]: pick the rows ourselves. */
      if (raw_logits.dim () != 3 || raw_logits.size (0) != 1 ||
          raw_logits.size (1) != (int64_t)n_ids)
        throw std::runtime_error (attn_format (_ ("the model's logits have the wrong shape %s "
                                                  "(expected [1, %zu, vocabulary])"),
                                               c10::str (raw_logits.sizes ()).c_str (), n_ids));
      raw_logits = raw_logits[0].index_select (0, where);
    }
  logits = raw_logits;

  if (logits.dim () != 2 || logits.size (0) != (int64_t)n_positions || logits.size (1) < 1)
    throw std::runtime_error (attn_format (_ ("the model's logits have the wrong shape %s "
                                              "(expected [%zu, vocabulary])"),
                                           c10::str (logits.sizes ()).c_str (), n_positions));
  if (attentions.dim () != 5 || attentions.size (1) != 1 || attentions.size (3) != (int64_t)n_ids ||
      attentions.size (4) != (int64_t)n_ids || attentions.size (0) < 1 || attentions.size (2) < 1)
    throw std::runtime_error (attn_format (_ ("the model's attentions have the wrong shape %s "
                                              "(expected [layers, 1, heads, %zu, %zu])"),
                                           c10::str (attentions.sizes ()).c_str (), n_ids, n_ids));

  logits = logits.to (torch::kFloat32).contiguous ();
  attentions = attentions.to (torch::kFloat32).contiguous ();
}

/* After the first result, a long-lived process makes the mapped weights its
 * own (attn_zip_detach), so that a bundle rewritten in place later cannot
 * pull pages from under it; in the background, as it costs the page faults
 * that mapping the file saved at load. */
static void
detach_in_background (attn_zip *zip)
{
  attn_zip *ref = attn_zip_ref (zip);

  try
    {
      std::thread ([ref] {
        attn_zip_detach (ref);
        attn_zip_unref (ref);
      }).detach ();
    }
  catch (...)
    {
      attn_zip_detach (ref);
      attn_zip_unref (ref);
    }
}

/* Looks a symbol up among this module's dependencies. The module is loaded
 * with RTLD_LOCAL, so RTLD_DEFAULT (the global scope) would not see them. */
static void *
own_symbol (const char *name)
{
  static std::once_flag once;
  static void *self;

  std::call_once (once, [] {
    Dl_info info;

    if (dladdr ((void *)&own_symbol, &info) != 0 && info.dli_fname != NULL)
      self = dlopen (info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
  });
  if (self != NULL)
    return dlsym (self, name);
  return dlsym (RTLD_DEFAULT, name);
}

/* OpenBLAS's thread count, -1 without OpenBLAS. */
static int
blas_get_threads (void)
{
  typedef int (*GetThreads) (void);
  GetThreads get = (GetThreads)own_symbol ("openblas_get_num_threads");

  return get != NULL ? get () : -1;
}

static int
own_blas_threads (int n)
{
  typedef void (*SetThreads) (int);
  typedef int (*GetThreads) (void);
  SetThreads set = (SetThreads)own_symbol ("openblas_set_num_threads");
  GetThreads get = (GetThreads)own_symbol ("openblas_get_num_threads");
  int old;

  if (set == NULL || get == NULL || n < 1)
    return -1;
  old = get ();
  set (n);
  return old;
}

/* OpenBLAS's own threads, by input size, when libtorch's matrix products
 * run on OpenBLAS's GEMM (bench/bench-model, rows "C on OpenBLAS's GEMM"):
 * on 2 CPUs its second thread fights libtorch's for the cores and made a
 * 12-token forward about twice as slow; from BLAS_MANY_TOKENS tokens on, the
 * matrices are big enough for OpenBLAS's own count to pay. With more CPUs
 * OpenBLAS's default stays (not measured here). ATTN_SHIM_BLAS_THREADS,
 * OMP_NUM_THREADS or OPENBLAS_NUM_THREADS (which OpenBLAS reads), or a
 * caller's attn_shim_blas_set_threads (n >= 1) win. */
#define BLAS_MANY_TOKENS 96

static std::atomic<bool> blas_chosen{ false }; /* by the caller: hands off */
static std::atomic<int> blas_current{ 0 };     /* what we set last, 0: nothing */
/* OpenBLAS's count is process-wide: two models running at once (two
 * windows) would change it under each other's forward, so while the shim
 * chooses it, the choice and the forward it is for go one run at a time.
 * One model's runs are serialised by its caller anyway. */
static std::mutex blas_forward_lock;

/* Locks hold (blas_forward_lock) when the count is chosen here; keep it
 * until the forward is done. */
static void
choose_blas_threads (size_t n_ids, std::unique_lock<std::mutex> &hold)
{
  static std::once_flag once;
  static int fixed = 0; /* a count to keep whatever the size, 0: by size */
  static int own = 0;   /* OpenBLAS's count at start; 0: not OpenBLAS, or hands off */
  int want;

  std::call_once (once, [] {
    const char *env = getenv ("ATTN_SHIM_BLAS_THREADS");

    if (env != NULL && atoi (env) >= 1)
      fixed = atoi (env);
    else if (getenv ("OMP_NUM_THREADS") == NULL && getenv ("OPENBLAS_NUM_THREADS") == NULL &&
             std::thread::hardware_concurrency () <= 2)
      own = blas_get_threads ();
  });
  if (blas_chosen || (fixed == 0 && own <= 1))
    return;
  /* With oneDNN's GEMM, OpenBLAS has no product to compute: one thread,
   * so that no thread of its spins beside oneDNN's. */
  if (fixed == 0 && gemm_is_onednn ())
    {
      if (blas_current.exchange (1) != 1)
        own_blas_threads (1);
      return;
    }
  hold = std::unique_lock<std::mutex> (blas_forward_lock);
  want = fixed > 0 ? fixed : n_ids < BLAS_MANY_TOKENS ? 1 : own;
  if (blas_current.exchange (want) != want)
    own_blas_threads (want);
}

extern "C"
{

  /* Runs the 3-token probe: learns the dimensions and warms up the executor
   * (the first call on a freshly loaded module is the slow one). Throws. */
  static void probe (attn_shim *shim)
  {
    at::Tensor logits;
    at::Tensor attentions;
    /* The smallest probe that has a [CLS]-like start, a middle and an end:
     * id 0 exists in every vocabulary. */
    const int64_t probe_ids[3] = { 0, 0, 0 };
    const int64_t probe_positions[1] = { 1 };

    try
      {
        std::unique_lock<std::mutex> blas_hold;

        /* Its 3 tokens get the count for 3 tokens, as a run would. */
        choose_blas_threads (3, blas_hold);
        forward (shim, probe_ids, 3, probe_positions, 1, logits, attentions);
      }
    catch (const std::exception &e)
      {
        throw std::runtime_error (attn_format (_ ("the model failed on a test input: %s"),
                                               exception_message (e).c_str ()));
      }
    shim->dims.n_layers = (int)attentions.size (0);
    shim->dims.n_heads = (int)attentions.size (2);
    shim->dims.vocab_size = (int)logits.size (1);
    shim->measured = true;
  }

  static attn_shim *
  shim_load (const char *path, const attn_shim_load_params *params, attn_zip *given, char **error)
  {
    std::unique_ptr<attn_shim> shim;
    std::string problem;
    ZipRef zip;
    bool folder = false;

    if (error != NULL)
      *error = NULL;
    choose_threads ();
    if (path == NULL || path[0] == '\0')
      {
        set_error (error, _ ("no model file given"));
        return NULL;
      }
    if (params == NULL)
      {
        set_error (error, _ ("invalid arguments"));
        return NULL;
      }

    /* A FIFO, socket or device is refused before anything opens it. A
     * folder is the Hugging Face door (attn-shim-hfbert.cpp), which checks
     * its own files. */
    try
      {
        problem = refuse_special_file (path);
        folder = problem.empty () && attn_shim_hf_is_folder (path);
        if (problem.empty () && !folder)
          problem = open_bundle (path, given, zip);
      }
    catch (const std::exception &e)
      {
        /* bad_alloc and the like must not cross into C. */
        problem = e.what ();
      }
    if (!problem.empty ())
      {
        set_error (error, problem);
        return NULL;
      }

    try
      {
        torch::jit::ExtraFilesMap extra;

        shim = std::make_unique<attn_shim> ();
        /* The file looks like a model: generate oneDNN's code meanwhile. */
        attn_shim_gemm_warm_up_start ();
        shim->zip = std::move (zip);
        for (const char *name : extra_names)
          extra[name] = "";
        attn_shim_alloc_install ();

        {
          c10::InferenceMode guard;

          /* A folder has no archive: its weights are mapped by the HF door. */
          if (folder)
            shim->module = attn_shim_hf_load (path, extra);
          else
            shim->module = attn_shim_zip_load (shim->zip.get (), extra);
        }
        shim->module.eval ();

        for (size_t i = 0; i < std::size (extra_names); i++)
          {
            shim->extra[i] = extra[extra_names[i]];
            /* A SentencePiece model's pieces are its vocabulary. */
            if (shim->extra[i].empty () && i < n_required_extra &&
                !(i == 0 && !extra["sentencepiece.model"].empty ()))
              throw std::runtime_error (
                  attn_format (_ ("the bundle's %s is empty"), extra_names[i]));
          }

        /* The head size the options' queries and keys have; a config the
         * options cannot read leaves it unknown (0). */
        try
          {
            AttnBertShape shape = attn_shim_hf_shape (shim->extra[1]);

            shim->dims.head_size = (int)(shape.hidden_size / shape.num_heads);
          }
        catch (const std::exception &)
          {
          }
        shim->has_forward_at = shim->module.find_method ("forward_at").has_value ();
        if (!shim->has_forward_at && !shim->module.find_method ("forward").has_value ())
          throw std::runtime_error (_ ("the TorchScript module has no forward method"));

        if (params->probe)
          probe (shim.get ());
        /* Only a bundle's weights live in its archive's mapping. */
        shim->detach_pending = params->detach && shim->zip != nullptr;
      }
    catch (const std::exception &e)
      {
        set_error (error, exception_message (e));
        return NULL;
      }
    catch (...)
      {
        set_error (error, _ ("unknown libtorch error"));
        return NULL;
      }

    return shim.release ();
  }

  int attn_shim_probe (attn_shim *shim, char **error)
  {
    if (error != NULL)
      *error = NULL;
    if (shim == NULL)
      {
        set_error (error, _ ("invalid arguments"));
        return -1;
      }
    try
      {
        probe (shim);
      }
    catch (const std::exception &e)
      {
        set_error (error, exception_message (e));
        return -1;
      }
    catch (...)
      {
        set_error (error, _ ("unknown libtorch error"));
        return -1;
      }
    return 0;
  }

  void attn_shim_free (attn_shim *shim)
  {
    try
      {
        std::unique_ptr<attn_shim> owned (shim);
      }
    catch (...)
      {
      }
  }

  const char *attn_shim_get_extra_file (const attn_shim *shim, const char *name, size_t *len)
  {
    if (shim == NULL || name == NULL)
      return NULL;
    for (size_t i = 0; i < std::size (extra_names); i++)
      if (strcmp (name, extra_names[i]) == 0)
        {
          if (len != NULL)
            *len = shim->extra[i].size ();
          return shim->extra[i].data ();
        }
    return NULL;
  }

  attn_shim_dims attn_shim_get_dims (const attn_shim *shim)
  {
    attn_shim_dims none = { 0, 0, 0, 0 };

    return shim != NULL ? shim->dims : none;
  }

  struct attn_shim_output
  {
    at::Tensor logits;     /* [P, V] float32, contiguous */
    at::Tensor attentions; /* [L, 1, H, s, s] float32, contiguous: sequence 0's */
    /* Per sequence, contiguous: attentions [L, H, n, n], queries and keys
     * [L, H, n, d] and norms [L, H, n] (undefined when not asked). */
    std::vector<at::Tensor> sequence_attentions, queries, keys, norms;
    at::Tensor saliency;           /* [n_saliency, n_ids] */
    at::Tensor saliency_token_ids; /* [n_saliency] int64 */
  };

  /* Whether params asks for more than today's one plain sequence. */
  static bool wants_options (const attn_shim_run_params *params)
  {
    return params->n_sequences > 1 || params->token_type_ids != NULL || params->head_mask != NULL ||
           params->want_qk || params->want_value_norms || params->n_saliency > 0;
  }

  /* What a run asks for that only the current source can give, for "this
   * model does not expose …"; NULL for a batch alone. */
  static const char *option_needing_source (const attn_shim_run_params *params)
  {
    if (params->token_type_ids != NULL)
      return _ ("token types (sentence pairs)");
    if (params->head_mask != NULL)
      return _ ("a head mask");
    if (params->want_qk)
      return _ ("queries and keys");
    if (params->want_value_norms)
      return _ ("value norms");
    if (params->n_saliency > 0)
      return _ ("gradients (saliency)");
    return NULL;
  }

  /* A batch on a module without the current source: one sequence at a
   * time through its own code. Throws. */
  static void run_one_by_one (attn_shim *shim,
                              const attn_shim_run_params *params,
                              const AttnBatch &batch,
                              attn_shim_output *out)
  {
    std::vector<at::Tensor> rows (params->n_positions);
    int64_t vocab = 0;

    for (size_t s = 0; s < batch.lengths.size (); s++)
      {
        int64_t offset = batch.offsets[s], len = batch.lengths[s];
        std::vector<int64_t> local;
        std::vector<size_t> which;
        at::Tensor logits, attentions;

        for (size_t i = 0; i < params->n_positions; i++)
          if (params->positions[i] >= offset && params->positions[i] < offset + len)
            {
              local.push_back (params->positions[i] - offset);
              which.push_back (i);
            }
        if (local.empty ())
          local.push_back (0); /* from_blob needs a pointer; no row is read */
        forward (shim, params->ids + offset, (size_t)len, local.data (), which.size (), logits,
                 attentions);
        vocab = logits.size (1);
        for (size_t k = 0; k < which.size (); k++)
          rows[which[k]] = logits[(int64_t)k];
        out->sequence_attentions.push_back (
            attentions.view ({ attentions.size (0), attentions.size (2), attentions.size (3),
                               attentions.size (4) }));
        if (s == 0)
          out->attentions = attentions;
      }
    out->logits =
        params->n_positions > 0 ? torch::stack (rows).contiguous () : torch::empty ({ 0, vocab });
  }

  /* A run with options (attn-shim-full.h). Throws. */
  static void run_with_options (attn_shim *shim,
                                const attn_shim_run_params *params,
                                const AttnBatch &batch,
                                attn_shim_output *out)
  {
    const char *needs = option_needing_source (params);
    AttnFullOutputs full;
    int64_t b = (int64_t)batch.lengths.size ();

    if (shim->full_state.load (std::memory_order_acquire) == 0)
      {
        std::lock_guard<std::mutex> lock (shim->full_lock);

        if (shim->full_state.load (std::memory_order_relaxed) == 0)
          try
            {
              shim->full = attn_shim_full_build (shim->module, shim->extra[1]);
              shim->full_state.store (1, std::memory_order_release);
            }
          catch (const std::exception &e)
            {
              shim->full_problem = first_line (e.what ());
              shim->full_state.store (-1, std::memory_order_release);
            }
      }
    if (shim->full_state.load (std::memory_order_acquire) < 0)
      {
        if (needs != NULL)
          throw std::runtime_error (attn_format (_ ("this model does not expose %s: %s"), needs,
                                                 shim->full_problem.c_str ()));
        run_one_by_one (shim, params, batch, out);
        return;
      }
    if (params->token_type_ids != NULL)
      {
        int64_t types = shim->full.attr ("token_type_embeddings").toTensor ().size (0);

        for (size_t i = 0; i < params->n_ids; i++)
          if (params->token_type_ids[i] < 0 || params->token_type_ids[i] >= types)
            throw std::runtime_error (
                attn_format (_ ("token type %lld is outside the model's %lld types"),
                             (long long)params->token_type_ids[i], (long long)types));
      }

    {
      torch::jit::GraphOptimizerEnabledGuard optimize (executor_optimize ());
      at::Tensor factors;

      prepare_forward_thread ();
      if (params->want_value_norms && !norms_direct ())
        {
          std::lock_guard<std::mutex> lock (shim->norm_lock);

          if (!shim->norm_factors.defined ())
            shim->norm_factors = attn_shim_full_norm_factors (shim->full);
          factors = shim->norm_factors;
        }
      attn_shim_full_run (shim->full, params, batch, factors, full);
    }
    out->logits = full.logits.to (torch::kFloat32).contiguous ();
    for (int64_t s = 0; s < b; s++)
      {
        int64_t len = batch.lengths[s];
        auto one = [&] (const at::Tensor &t, bool square) {
          at::Tensor x = t.select (1, s).narrow (2, 0, len);

          if (square)
            x = x.narrow (3, 0, len);
          return x.to (torch::kFloat32).contiguous ();
        };

        out->sequence_attentions.push_back (one (full.attentions, true));
        if (full.queries.defined ())
          {
            out->queries.push_back (one (full.queries, false));
            out->keys.push_back (one (full.keys, false));
          }
        if (full.norms.defined ())
          out->norms.push_back (one (full.norms, false));
      }
    /* Today's getter reads [L, 1, H, n, n]: sequence 0's, viewed so. */
    at::Tensor first = out->sequence_attentions[0];
    out->attentions =
        first.view ({ first.size (0), 1, first.size (1), first.size (2), first.size (3) });
    if (full.saliency.defined ())
      {
        out->saliency = full.saliency.contiguous ();
        out->saliency_token_ids = full.saliency_token_ids;
      }
  }

  int attn_shim_run (attn_shim *shim,
                     const attn_shim_run_params *params,
                     attn_shim_output **output,
                     char **error)
  {
    if (error != NULL)
      *error = NULL;
    if (output != NULL)
      *output = NULL;
    if (shim == NULL || params == NULL || params->ids == NULL || params->n_ids == 0 ||
        output == NULL || (params->n_positions > 0 && params->positions == NULL))
      {
        set_error (error, _ ("invalid arguments"));
        return -1;
      }
    const int64_t *ids = params->ids, *positions = params->positions;
    size_t n_ids = params->n_ids, n_positions = params->n_positions;

    for (size_t i = 0; i < n_positions; i++)
      if (positions[i] < 0 || (size_t)positions[i] >= n_ids)
        {
          set_error (error, attn_format (_ ("position %lld is outside the %zu tokens"),
                                         (long long)positions[i], n_ids));
          return -1;
        }
    /* Before the first run of a handle loaded without the probe, the
     * vocabulary's size is unknown: libtorch's own index check is left. */
    for (size_t i = 0; i < n_ids && shim->measured; i++)
      if (ids[i] < 0 || ids[i] >= shim->dims.vocab_size)
        {
          set_error (error, attn_format (_ ("token id %lld is outside the vocabulary of %d"),
                                         (long long)ids[i], shim->dims.vocab_size));
          return -1;
        }
    if (params->n_saliency > 0 &&
        (params->saliency_positions == NULL || params->saliency_token_ids == NULL))
      {
        set_error (error, _ ("invalid arguments"));
        return -1;
      }
    for (size_t i = 0; i < params->n_saliency; i++)
      if (params->saliency_positions[i] < 0 || (size_t)params->saliency_positions[i] >= n_ids ||
          params->saliency_token_ids[i] < -1 ||
          (shim->measured && params->saliency_token_ids[i] >= shim->dims.vocab_size))
        {
          set_error (error,
                     attn_format (_ ("saliency for token %lld at position %lld is outside the "
                                     "input or the vocabulary"),
                                  (long long)params->saliency_token_ids[i],
                                  (long long)params->saliency_positions[i]));
          return -1;
        }
    AttnBatch batch;
    bool options = wants_options (params);

    if (options)
      {
        std::string problem;

        try
          {
            problem = attn_shim_full_batch (params, batch);
          }
        catch (const std::exception &e)
          {
            problem = e.what ();
          }
        if (!problem.empty ())
          {
            set_error (error, problem);
            return -1;
          }
      }

    try
      {
        std::unique_ptr<attn_shim_output> out = std::make_unique<attn_shim_output> ();
        /* from_blob needs a non-null pointer even for zero positions. */
        const int64_t no_position = 0;

        std::unique_lock<std::mutex> blas_hold;
        RunThreads threads (params->n_threads);

        if (options)
          {
            choose_blas_threads ((size_t)(batch.width * (int64_t)batch.lengths.size ()), blas_hold);
            run_with_options (shim, params, batch, out.get ());
          }
        else
          {
            choose_blas_threads (n_ids, blas_hold);
            forward (shim, ids, n_ids, n_positions > 0 ? positions : &no_position, n_positions,
                     out->logits, out->attentions);
          }
        if (blas_hold.owns_lock ())
          blas_hold.unlock ();

        if (!shim->measured)
          {
            shim->dims.n_layers = (int)out->attentions.size (0);
            shim->dims.n_heads = (int)out->attentions.size (2);
            shim->dims.vocab_size = (int)out->logits.size (1);
            shim->measured = true;
          }
        else if (out->logits.size (1) != shim->dims.vocab_size ||
                 out->attentions.size (0) != shim->dims.n_layers ||
                 out->attentions.size (2) != shim->dims.n_heads)
          throw std::runtime_error (_ ("the model's output shape changed between runs"));
        if (shim->detach_pending)
          {
            shim->detach_pending = false;
            detach_in_background (shim->zip.get ());
          }
        *output = out.release ();
      }
    catch (const std::bad_alloc &)
      {
        set_error (error, _ ("not enough memory to run the model on this text"));
        return -1;
      }
    catch (const std::exception &e)
      {
        set_error (error, exception_message (e));
        return -1;
      }
    catch (...)
      {
        set_error (error, _ ("unknown libtorch error"));
        return -1;
      }
    return 0;
  }

  const float *attn_shim_output_get_logits (const attn_shim_output *output)
  {
    if (output == NULL || output->logits.numel () == 0)
      return NULL;
    return output->logits.data_ptr<float> ();
  }

  const float *attn_shim_output_get_attentions (const attn_shim_output *output)
  {
    return output != NULL ? output->attentions.data_ptr<float> () : NULL;
  }

  size_t attn_shim_output_get_n_sequences (const attn_shim_output *output)
  {
    if (output == NULL)
      return 0;
    return output->sequence_attentions.empty () ? 1 : output->sequence_attentions.size ();
  }

  /* Sequence s's tensor of a per-sequence list, or NULL. */
  static const float *sequence_data (const std::vector<at::Tensor> &list, size_t s)
  {
    return s < list.size () ? list[s].data_ptr<float> () : NULL;
  }

  const float *attn_shim_output_get_sequence_attentions (const attn_shim_output *output, size_t s)
  {
    if (output == NULL)
      return NULL;
    if (output->sequence_attentions.empty ())
      return s == 0 ? output->attentions.data_ptr<float> () : NULL;
    return sequence_data (output->sequence_attentions, s);
  }

  const float *attn_shim_output_get_queries (const attn_shim_output *output, size_t s)
  {
    return output != NULL ? sequence_data (output->queries, s) : NULL;
  }

  const float *attn_shim_output_get_keys (const attn_shim_output *output, size_t s)
  {
    return output != NULL ? sequence_data (output->keys, s) : NULL;
  }

  const float *attn_shim_output_get_value_norms (const attn_shim_output *output, size_t s)
  {
    return output != NULL ? sequence_data (output->norms, s) : NULL;
  }

  const float *attn_shim_output_get_saliency (const attn_shim_output *output)
  {
    if (output == NULL || !output->saliency.defined ())
      return NULL;
    return output->saliency.data_ptr<float> ();
  }

  const int64_t *attn_shim_output_get_saliency_token_ids (const attn_shim_output *output)
  {
    if (output == NULL || !output->saliency_token_ids.defined ())
      return NULL;
    return output->saliency_token_ids.data_ptr<int64_t> ();
  }

  void attn_shim_output_free (attn_shim_output *output)
  {
    std::unique_ptr<attn_shim_output> owned (output);
  }

  void attn_shim_set_num_threads (int n)
  {
    try
      {
        threads_chosen = true;
        if (n >= 1)
          {
            at::set_num_threads (n);
            forward_threads = n;
          }
      }
    catch (...)
      {
      }
  }

  int attn_shim_get_num_threads (void)
  {
    try
      {
        return forward_threads > 0 ? forward_threads.load () : at::get_num_threads ();
      }
    catch (...)
      {
        return 1;
      }
  }

  int attn_shim_blas_set_threads (int n)
  {
    if (n == 0)
      {
        /* Back to the choice by input size. */
        blas_chosen = false;
        blas_current = 0;
        return blas_get_threads ();
      }
    blas_chosen = true;
    return own_blas_threads (n);
  }

  static int find_blas_cb (struct dl_phdr_info *info, size_t size, void *data)
  {
    std::string *found = (std::string *)data;
    const char *name = info->dlpi_name;
    const char *base;

    if (name == NULL || name[0] == '\0')
      return 0;
    base = strrchr (name, '/');
    base = base != NULL ? base + 1 : name;
    if (strncmp (base, "libblas.so", 10) == 0 || strncmp (base, "libopenblas", 11) == 0)
      {
        /* libblas.so.3 is the one that answers sgemm_ first: prefer it. */
        if (found->empty () || strncmp (base, "libblas.so", 10) == 0)
          *found = name;
        if (strncmp (base, "libblas.so", 10) == 0)
          return 1;
      }
    return 0;
  }

  static const std::string &blas_path (void)
  {
    static std::once_flag once;
    static std::string path;

    std::call_once (once, [] {
      std::string name;
      Dl_info dl;
      /* The library that provides BLAS's sgemm_ (this module's own sgemm_
       * sits in front of it, attn-shim-gemm.h). */
      void *sgemm = attn_shim_gemm_blas_function ();
      char real[PATH_MAX];

      if (sgemm != NULL && dladdr (sgemm, &dl) != 0 && dl.dli_fname != NULL)
        name = dl.dli_fname;
      else
        dl_iterate_phdr (find_blas_cb, &name);
      if (!name.empty () && realpath (name.c_str (), real) != NULL)
        path = real;
      else
        path = name;
    });
    return path;
  }

  const char *attn_shim_blas_library (void)
  {
    try
      {
        const std::string &path = blas_path ();

        return path.empty () ? NULL : path.c_str ();
      }
    catch (...)
      {
        return NULL;
      }
  }

  int attn_shim_blas_is_reference (void)
  {
    const char *path = attn_shim_blas_library ();
    const char *base;
    std::string dir;

    if (path == NULL)
      return 0;
    /* Debian's reference BLAS lives in …/blas/libblas.so.3.x; OpenBLAS, BLIS
     * and ATLAS have their own directories (openblas-pthread/, blis-openmp/…). */
    base = strrchr (path, '/');
    if (base == NULL || strncmp (base + 1, "libblas.so", 10) != 0)
      return 0;
    dir = std::string (path, (size_t)(base - path));
    return dir.size () >= 5 && dir.compare (dir.size () - 5, 5, "/blas") == 0;
  }

  /* The one exported symbol (attn-shim-module.h). */
  __attribute__ ((visibility ("default"))) const attn_shim_module_api *
  attn_shim_module_get_api (void)
  {
    static const attn_shim_module_api api = {
      ATTN_SHIM_MODULE_ABI,
      shim_load,
      attn_shim_probe,
      attn_shim_free,
      attn_shim_get_extra_file,
      attn_shim_get_dims,
      attn_shim_run,
      attn_shim_output_get_logits,
      attn_shim_output_get_attentions,
      attn_shim_output_free,
      attn_shim_set_num_threads,
      attn_shim_get_num_threads,
      attn_shim_blas_library,
      attn_shim_blas_is_reference,
      attn_shim_blas_set_threads,
      attn_shim_gemm_backend,
      attn_shim_gemm_set_backend,
      attn_shim_gemm_onednn_calls,
      attn_shim_output_get_n_sequences,
      attn_shim_output_get_sequence_attentions,
      attn_shim_output_get_queries,
      attn_shim_output_get_keys,
      attn_shim_output_get_value_norms,
      attn_shim_output_get_saliency,
      attn_shim_output_get_saliency_token_ids,
    };

    return &api;
  }

} /* extern "C" */
