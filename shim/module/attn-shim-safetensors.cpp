/* attn-shim-safetensors.cpp: see attn-shim-safetensors.h. */

#include "attn-shim-safetensors.h"

#include "attn-shim-i18n.h"
#include "attn-shim-json.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors data is little-endian: the tensors are used in place"
#endif

namespace attn_st
{

Mapping::~Mapping ()
{
  if (addr != nullptr)
    munmap (addr, length);
}

namespace
{

struct DType
{
  const char *name;
  size_t size;
};

/* The dtypes of the safetensors specification that a BERT file may hold
 * beside its weights (position_ids are I64). */
const DType dtypes[] = {
  { "F64", 8 }, { "F32", 4 }, { "F16", 2 }, { "BF16", 2 }, { "I64", 8 },
  { "I32", 4 }, { "I16", 2 }, { "I8", 1 },  { "U8", 1 },   { "BOOL", 1 },
  { "U16", 2 }, { "U32", 4 }, { "U64", 8 },
};

bool
count_value (const attn_json::Value *v, uint64_t &out)
{
  if (v == nullptr || v->type != attn_json::Type::Number || !v->is_integer || v->integer < 0)
    return false;
  out = (uint64_t)v->integer;
  return true;
}

} /* namespace */

std::string
parse (const unsigned char *data, uint64_t size, File &out)
{
  uint64_t n = 0;
  uint64_t data_start, data_len;
  attn_json::Value header;
  std::string json_error;
  std::vector<const Entry *> ordered;

  if (size < 8)
    return attn_format (_ ("model.safetensors is truncated: %llu bytes, too short for a header"),
                        (unsigned long long)size);
  for (int i = 7; i >= 0; i--)
    n = (n << 8) | data[i];
  if (n > size - 8)
    return attn_format (_ ("model.safetensors is truncated or damaged: its header says %llu "
                           "bytes, the file has %llu"),
                        (unsigned long long)n, (unsigned long long)(size - 8));
  if (n > MAX_HEADER)
    return attn_format (_ ("model.safetensors is damaged: a header of %llu bytes"),
                        (unsigned long long)n);
  /* Arrays and objects of tensor entries nest three deep; 8 is plenty. */
  if (!attn_json::parse ((const char *)data + 8, (size_t)n, header, json_error, 8))
    return attn_format (_ ("model.safetensors has a damaged header (%s)"), json_error.c_str ());
  if (header.type != attn_json::Type::Object)
    return _ ("model.safetensors has a damaged header (not a JSON object)");

  data_start = 8 + n;
  data_len = size - data_start;
  out.entries.clear ();
  out.header_length = n;

  for (const auto &member : header.object)
    {
      const std::string &name = member.first;
      const attn_json::Value &info = member.second;
      const attn_json::Value *dtype, *shape, *offsets;
      const DType *type = nullptr;
      uint64_t begin, end, count = 1;
      Entry entry;

      if (name == "__metadata__")
        {
          if (info.type != attn_json::Type::Object)
            return _ ("model.safetensors: __metadata__ is not a JSON object");
          continue;
        }
      if (out.entries.count (name) != 0)
        return attn_format (_ ("model.safetensors names tensor %s twice"), name.c_str ());
      dtype = info.get ("dtype");
      shape = info.get ("shape");
      offsets = info.get ("data_offsets");
      if (dtype == nullptr || dtype->type != attn_json::Type::String)
        return attn_format (_ ("model.safetensors: tensor %s has no dtype"), name.c_str ());
      for (const DType &t : dtypes)
        if (dtype->string == t.name)
          type = &t;
      if (type == nullptr)
        return attn_format (_ ("model.safetensors: tensor %s has the unknown dtype “%s”"),
                            name.c_str (), dtype->string.c_str ());
      if (shape == nullptr || shape->type != attn_json::Type::Array || shape->array.size () > 8)
        return attn_format (_ ("model.safetensors: tensor %s has a bad shape"), name.c_str ());
      for (const auto &dim : shape->array)
        {
          uint64_t d;

          /* Dimensions past 2^40 cannot be in a file that fits on a disk;
           * the bound keeps the product from overflowing. */
          if (!count_value (&dim, d) || d > (1ull << 40) ||
              (d != 0 && count > (UINT64_MAX / 8) / d))
            return attn_format (_ ("model.safetensors: tensor %s has a bad shape"), name.c_str ());
          count *= d;
          entry.shape.push_back ((int64_t)d);
        }
      if (offsets == nullptr || offsets->type != attn_json::Type::Array ||
          offsets->array.size () != 2 || !count_value (&offsets->array[0], begin) ||
          !count_value (&offsets->array[1], end) || begin > end)
        return attn_format (_ ("model.safetensors: tensor %s has bad data offsets"), name.c_str ());
      if (end > data_len)
        return attn_format (_ ("model.safetensors is truncated or damaged: tensor %s lies "
                               "outside the file"),
                            name.c_str ());
      if (end - begin != count * type->size)
        return attn_format (_ ("model.safetensors: tensor %s is %s with %llu elements but "
                               "takes %llu bytes"),
                            name.c_str (), type->name, (unsigned long long)count,
                            (unsigned long long)(end - begin));
      entry.dtype = type->name;
      entry.element_size = type->size;
      entry.count = count;
      entry.nbytes = end - begin;
      entry.data = data + data_start + begin;
      out.entries.emplace (name, std::move (entry));
    }

  {
    uint64_t last = 0;

    for (const auto &e : out.entries)
      last = std::max (last, (uint64_t)(e.second.data - (data + data_start)) + e.second.nbytes);
    /* The format ends the file with the last tensor; bytes after it (a
     * sparse tail of gigabytes) would be read for nothing. */
    if (last != data_len)
      return attn_format (_ ("model.safetensors has %llu bytes after the last tensor, where the "
                             "format ends the file"),
                          (unsigned long long)(data_len - last));
  }
  for (const auto &e : out.entries)
    if (e.second.nbytes > 0)
      ordered.push_back (&e.second);
  std::sort (ordered.begin (), ordered.end (),
             [] (const Entry *a, const Entry *b) { return a->data < b->data; });
  for (size_t i = 1; i < ordered.size (); i++)
    if (ordered[i - 1]->data + ordered[i - 1]->nbytes > ordered[i]->data)
      return _ ("model.safetensors is damaged: two tensors overlap");
  return "";
}

namespace
{

/* Reads n bytes at offset into buf + offset. A file that ends early has been
 * truncated since fstat: said so, never a short model. */
std::string
read_fully (int fd, unsigned char *buf, size_t offset, size_t n)
{
  while (n > 0)
    {
      ssize_t got = pread (fd, buf + offset, std::min (n, (size_t)1 << 30), (off_t)offset);

      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        return attn_format (_ ("cannot read model.safetensors: %s"), strerror (errno));
      if (got == 0)
        return _ ("model.safetensors changed while it was read (it became shorter)");
      offset += (size_t)got;
      n -= (size_t)got;
    }
  return "";
}

} /* namespace */

std::string
open (const std::string &path, File &out)
{
  struct stat st;
  int fd;
  void *addr;
  size_t length;
  std::string problem;

  /* O_NONBLOCK: a FIFO named model.safetensors must not hang the load. */
  fd = ::open (path.c_str (), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    {
      int saved = errno;

      if (saved == ENOENT)
        return _ ("the folder has no model.safetensors");
      if (saved == EACCES || saved == EPERM)
        return _ ("no permission to read model.safetensors");
      return attn_format (_ ("cannot open model.safetensors: %s"), strerror (saved));
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      return _ ("model.safetensors is not a regular file");
    }
  if (st.st_size < 8)
    {
      close (fd);
      return attn_format (_ ("model.safetensors is truncated: %llu bytes, too short for a header"),
                          (unsigned long long)st.st_size);
    }
  /* The weights are a private copy, not a mapping of the file: a mapped
   * file truncated under a loaded model kills the process with SIGBUS at the
   * next run, and one rewritten in place changes its predictions. The copy
   * starts as untouched anonymous memory: the header is read and checked
   * first, so a lying header costs nothing, and the rest is read only if
   * the header accounts for every byte. */
  length = (size_t)st.st_size;
  addr = mmap (nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (addr == MAP_FAILED)
    {
      int saved = errno;

      close (fd);
      return attn_format (_ ("not enough memory for model.safetensors: %s"), strerror (saved));
    }
  out.mapping = std::make_shared<Mapping> ();
  out.mapping->addr = addr;
  out.mapping->length = length;
  problem = read_fully (fd, (unsigned char *)addr, 0, 8);
  if (problem.empty ())
    {
      uint64_t n = 0;

      for (int i = 7; i >= 0; i--)
        n = (n << 8) | ((unsigned char *)addr)[i];
      /* parse () refuses these before it reads past the 8 bytes. */
      if (n <= length - 8 && n <= MAX_HEADER)
        problem = read_fully (fd, (unsigned char *)addr, 8, (size_t)n);
      if (problem.empty ())
        problem = parse ((const unsigned char *)addr, (uint64_t)st.st_size, out);
      if (problem.empty ())
        {
          size_t start = 8 + (size_t)out.header_length;

          /* In 2 MiB pages where the kernel allows, populated in bulk: this
           * VM's page faults are slow (PLATFORM-NOTES). */
          madvise (addr, length, MADV_HUGEPAGE);
#ifdef MADV_POPULATE_WRITE
          madvise ((unsigned char *)addr + start, length - start, MADV_POPULATE_WRITE);
#endif
          problem = read_fully (fd, (unsigned char *)addr, start, length - start);
        }
    }
  close (fd);
  if (problem.empty ())
    mprotect (addr, length, PROT_READ);
  else
    {
      out.entries.clear ();
      out.mapping.reset ();
    }
  return problem;
}

} /* namespace attn_st */
