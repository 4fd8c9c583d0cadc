/* attn-shim-alloc.cpp: see attn-shim-alloc.h.
 *
 * Why: the loader tells malloc to keep buffers up to 128 MB in its heap
 * (shim/loader/attention-load-heap.c), where later runs find them without page
 * faults. The biggest ones still come from a fresh mmap each time: at 512
 * tokens of a bert-base-sized model the stack of every layer's attentions
 * is 151 MB, 37,000 pages of 4 KiB to fault in again on every run, and on
 * these VMs a page fault costs several microseconds (faulting 151 MB in
 * took 770-910 ms under load, against 15-40 ms with huge pages;
 * docs/benchmarks.md, "Large buffers"). So buffers from 32 MiB on get a
 * mapping that starts on a 2 MiB boundary with MADV_HUGEPAGE (transparent
 * huge pages are "madvise" on Debian 12): about 75 faults instead.
 *
 * Every buffer carries a 64-byte header in front of it (64 keeps libtorch's
 * alignment), so that one deleter frees both kinds: libtorch's raw
 * interface needs a single deleter whose context is the data pointer. */

#include "attn-shim-alloc.h"

#include <c10/core/CPUAllocator.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <mutex>
#include <new>

namespace
{

constexpr size_t HEADER = 64;                           /* libtorch's own alignment */
constexpr size_t HUGE_PAGE = 2u << 20;                  /* x86-64's transparent huge page */
constexpr size_t LARGE = 32u << 20;                     /* from here on, a mapping of its own */
constexpr uint64_t MAGIC_SMALL = 0x6174746e736d6c6cull; /* "attnsmll" */
constexpr uint64_t MAGIC_LARGE = 0x6174746e6c617267ull; /* "attnlarg" */

struct Header
{
  uint64_t magic;
  size_t length; /* of the mapping, for MAGIC_LARGE */
};
static_assert (sizeof (Header) <= HEADER, "the header fits in front of the data");

size_t
round_up (size_t n, size_t to)
{
  return (n + to - 1) / to * to;
}

/* A mapping of at least n bytes that starts on a huge-page boundary, so that
 * every whole 2 MiB of it can be a huge page. The tail is rounded to 4 KiB
 * pages only: huge pages there would count untouched memory in the RSS. */
void *
map_large (size_t n, size_t *length)
{
  size_t page = 4096;
  size_t want = round_up (n, page);
  size_t slack = want + HUGE_PAGE;
  unsigned char *raw, *start;

  if (want < n)
    return nullptr; /* overflow */
  raw = (unsigned char *)mmap (nullptr, slack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                               -1, 0);
  if (raw == MAP_FAILED)
    return nullptr;
  start = (unsigned char *)round_up ((uintptr_t)raw, HUGE_PAGE);
  if (start > raw)
    munmap (raw, (size_t)(start - raw));
  if (raw + slack > start + want)
    munmap (start + want, (size_t)(raw + slack - (start + want)));
  /* Without THP (or with it off) this fails and the pages are small: no harm. */
  madvise (start, want, MADV_HUGEPAGE);
  *length = want;
  return start;
}

void
release (void *data)
{
  Header *h;

  if (data == nullptr)
    return;
  h = (Header *)((unsigned char *)data - HEADER);
  if (h->magic == MAGIC_LARGE)
    {
      size_t length = h->length;

      h->magic = 0;
      munmap (h, length);
    }
  else
    {
      h->magic = 0;
      free (h);
    }
}

/* LARGE, or ATTN_SHIM_LARGE_BYTES for the tests: the test models are too
 * small to reach 32 MiB, and the mapped path must run under them too. */
size_t large_from = LARGE;

class HugePageAllocator final : public c10::Allocator
{
public:
  c10::DataPtr allocate (size_t n) const override
  {
    unsigned char *block = nullptr;
    Header header = { MAGIC_SMALL, 0 };

    if (n == 0)
      return { nullptr, nullptr, release, c10::Device (c10::DeviceType::CPU) };
    if (n > SIZE_MAX - HUGE_PAGE - HEADER)
      throw std::bad_alloc ();
    if (n + HEADER >= large_from)
      {
        block = (unsigned char *)map_large (n + HEADER, &header.length);
        header.magic = MAGIC_LARGE;
      }
    else if (posix_memalign ((void **)&block, HEADER, n + HEADER) != 0)
      block = nullptr;
    if (block == nullptr)
      throw std::bad_alloc ();
    memcpy (block, &header, sizeof header);
    return { block + HEADER, block + HEADER, release, c10::Device (c10::DeviceType::CPU) };
  }

  c10::DeleterFnPtr raw_deleter () const override
  {
    return release;
  }
};

} // namespace

void
attn_shim_alloc_install (void)
{
  static std::once_flag once;

  std::call_once (once, [] {
    static HugePageAllocator allocator;
    const char *env = getenv ("ATTN_SHIM_ALLOCATOR");
    const char *large = getenv ("ATTN_SHIM_LARGE_BYTES");
    unsigned long long from = large != nullptr ? strtoull (large, nullptr, 10) : 0;

    if (env != nullptr && strcmp (env, "default") == 0)
      return;
    if (from >= 4096)
      large_from = (size_t)from;
    c10::SetCPUAllocator (&allocator, 0);
  });
}
