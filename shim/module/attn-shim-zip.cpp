/* attn-shim-zip.cpp: see attn-shim-zip.h.
 *
 * libtorch reads a record by allocating a buffer of its size from the CPU
 * allocator and asking the read adapter to fill it. Filling 437 MB of fresh
 * pages costs 107k page faults, about 180 ms on these VMs; the file itself is
 * already in the mapping, page tables filled (attn_zip_open). So, while this
 * thread loads, the CPU allocator hands out, for a request of a record's
 * size, that record's place in the mapping (records of one size in file
 * order, which is the order torch.jit.save wrote and libtorch reads them),
 * and the read adapter, asked to fill a buffer that already is the record's
 * place, has nothing to do. A guess that turns out wrong costs a copy, never
 * a wrong byte: the adapter then reads the file's own bytes (pread, not the
 * mapping, which this process may have written to). */

#include "attn-shim-zip.h"

#include "attn-shim-alloc.h"

#include <c10/core/CPUAllocator.h>
#include <caffe2/serialize/read_adapter_interface.h>

#include <errno.h>
#include <unistd.h>

#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace
{

/* Records that may become tensors in place, by size, in file order. */
struct Plan
{
  attn_zip *zip;
  std::unordered_map<size_t, std::deque<unsigned char *> > by_size;
};

/* Set only on the thread that is loading, only while it loads. */
thread_local Plan *current_plan = nullptr;

void
release_zip (void *zip)
{
  attn_zip_unref ((attn_zip *)zip);
}

/* The process's CPU allocator, unchanged except on a loading thread. */
class MappedAllocator final : public c10::Allocator
{
public:
  explicit MappedAllocator (c10::Allocator *base) : base_ (base)
  {
  }

  c10::DataPtr allocate (size_t n) const override
  {
    Plan *plan = current_plan;

    if (plan != nullptr && n > 0)
      {
        auto it = plan->by_size.find (n);

        if (it != plan->by_size.end () && !it->second.empty ())
          {
            unsigned char *p = it->second.front ();

            it->second.pop_front ();
            return { p, attn_zip_ref (plan->zip), release_zip, c10::Device (c10::DeviceType::CPU) };
          }
      }
    return base_->allocate (n);
  }

  c10::DeleterFnPtr raw_deleter () const override
  {
    return base_->raw_deleter ();
  }

private:
  c10::Allocator *base_;
};

void
install_allocator (void)
{
  static std::once_flag once;

  std::call_once (once, [] {
    attn_shim_alloc_install (); /* the base, before it is wrapped */
    static MappedAllocator allocator (c10::GetCPUAllocator ());

    c10::SetCPUAllocator (&allocator, 0);
  });
}

class ZipAdapter final : public caffe2::serialize::ReadAdapterInterface
{
public:
  explicit ZipAdapter (attn_zip *zip) : zip_ (attn_zip_ref (zip))
  {
  }
  ~ZipAdapter () override
  {
    attn_zip_unref (zip_);
  }

  size_t size () const override
  {
    return (size_t)attn_zip_size (zip_);
  }

  size_t read (uint64_t pos, void *buf, size_t n, const char *what) const override
  {
    uint64_t size = attn_zip_size (zip_);
    size_t done = 0;

    if (pos >= size)
      return 0;
    if (n > size - pos)
      n = (size_t)(size - pos);
    if (buf == attn_zip_data (zip_) + pos)
      return n; /* the buffer is the record's place in the mapping */
    while (done < n)
      {
        ssize_t got = pread (attn_zip_fd (zip_), (char *)buf + done, n - done, (off_t)(pos + done));

        if (got < 0 && errno == EINTR)
          continue;
        if (got <= 0)
          break;
        done += (size_t)got;
      }
    return done;
  }

private:
  attn_zip *zip_;
};

} // namespace

torch::jit::Module
attn_shim_zip_load (attn_zip *zip, torch::jit::ExtraFilesMap &extra)
{
  Plan plan;
  unsigned char *data = attn_zip_data (zip);
  std::string prefix;

  plan.zip = zip;
  for (size_t i = 0; i < attn_zip_n_records (zip); i++)
    {
      const attn_zip_record *r = attn_zip_get_record (zip, i);
      std::string name (r->name);
      size_t slash = name.find ('/');

      /* Tensor records (<archive>/data/N, <archive>/constants/N), stored,
       * at libtorch's 64-byte alignment. */
      if (slash == std::string::npos || r->method != 0 || r->size == 0 || r->data_offset % 64 != 0)
        continue;
      name = name.substr (slash + 1);
      if (name.compare (0, 5, "data/") == 0 || name.compare (0, 10, "constants/") == 0)
        plan.by_size[(size_t)r->size].push_back (data + r->data_offset);
    }

  install_allocator ();
  current_plan = &plan;
  try
    {
      torch::jit::Module module =
          torch::jit::load (std::make_shared<ZipAdapter> (zip), torch::kCPU, extra);

      current_plan = nullptr;
      return module;
    }
  catch (...)
    {
      current_plan = nullptr;
      throw;
    }
}
