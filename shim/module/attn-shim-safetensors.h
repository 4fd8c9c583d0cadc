/* attn-shim-safetensors.h: a safetensors file, its header checked and its
 * bytes read into private memory (never a mapping of the file, which a
 * truncation turns into SIGBUS). No libtorch here: attn-shim-hfbert.cpp
 * wraps those bytes in tensors without copying them again.
 *
 * The format: an 8-byte little-endian header length N, N bytes of JSON
 * ({"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
 * "__metadata__": {..}}), then the data; offsets count from the end of the
 * header. Nothing in the file is trusted: lengths, offsets, dtypes and
 * shapes are checked against each other and the file size before any
 * tensor is handed out. */
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace attn_st
{

/* A whole file's bytes in anonymous memory (read-only once filled), unmapped
 * when the last owner goes: every tensor made on it holds a reference. */
struct Mapping
{
  void *addr = nullptr;
  size_t length = 0;
  Mapping () = default;
  Mapping (const Mapping &) = delete;
  Mapping &operator= (const Mapping &) = delete;
  ~Mapping ();
};

struct Entry
{
  std::string dtype;          /* "F32", "F16", "BF16", "I64", … */
  size_t element_size = 0;    /* bytes */
  std::vector<int64_t> shape; /* may be empty (a scalar) */
  uint64_t count = 0;         /* elements */
  const unsigned char *data = nullptr;
  uint64_t nbytes = 0;
};

struct File
{
  std::shared_ptr<Mapping> mapping;
  std::map<std::string, Entry> entries;
  uint64_t header_length = 0;
};

/* Headers are a few hundred bytes a tensor (bert-large: 400 tensors, under
 * 100 KB), and no encoder's comes near a megabyte. Parsed
 * into a JSON tree at about 150 bytes a value, a 16 MiB header of "[0,0,…]"
 * took 1.3 GB; 1 MiB bounds that to some 80 MB. */
constexpr uint64_t MAX_HEADER = 1024u * 1024;

/* Checks the header of the bytes [data, data + size) and fills entries with
 * pointers into them. Returns "" or a translated reason. */
std::string parse (const unsigned char *data, uint64_t size, File &out);

/* Opens path (a regular file), reads its header, checks it, then reads the
 * rest (only then: a lying header costs no memory). Returns "" or a
 * translated reason that does not repeat the path. */
std::string open (const std::string &path, File &out);

} /* namespace attn_st */
