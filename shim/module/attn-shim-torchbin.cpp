/* attn-shim-torchbin.cpp: see attn-shim-torchbin.h. */

#include "attn-shim-torchbin.h"

#include "attn-shim-i18n.h"
#include "attn-shim-pickle.h"

#include "attn-zip.h"

#include <torch/csrc/jit/serialization/unpickler.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <functional>
#include <memory>

namespace attn_bin
{

namespace
{

/* bert-large's data.pkl is about 40 KB; a pickle this large is no state dict. */
constexpr uint64_t MAX_PICKLE = 64u * 1024 * 1024;
/* Nested dicts of a checkpoint go a few levels deep at most. */
constexpr int MAX_DEPTH = 32;

void
release_zip (void *zip)
{
  attn_zip_unref ((attn_zip *)zip);
}

std::string
shown (const std::string &s)
{
  std::string out;

  for (unsigned char c : s.substr (0, 120))
    out += (c >= 0x20 && c != 0x7f) ? (char)c : '?';
  return out;
}

/* The first bytes: a zip archive, torch's legacy format (a pickle), or
 * neither. */
std::string
check_magic (const std::string &path)
{
  unsigned char head[4] = { 0 };
  int fd = ::open (path.c_str (), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  ssize_t n;

  if (fd < 0)
    return attn_format (_ ("cannot read pytorch_model.bin: %s"), strerror (errno));
  n = ::read (fd, head, sizeof head);
  close (fd);
  if (n == 4 && memcmp (head, "PK\x03\x04", 4) == 0)
    return "";
  if (n >= 2 && head[0] == 0x80)
    return _ ("pytorch_model.bin is in torch's old (before 1.6) format, which the app does not "
              "read: convert it with tools/convert-checkpoint");
  return _ ("pytorch_model.bin is neither a zip archive nor a pickle: not a PyTorch checkpoint");
}

struct Reader
{
  attn_zip *zip;
  std::map<std::string, const attn_zip_record *> records; /* names without ARCHIVE/ */
  std::map<const void *, uint64_t> record_bytes;          /* storages handed out */
  std::map<std::string, at::Tensor> *out;
  std::string problem;

  /* A tensor's view stays inside its storage, and its storage inside the
   * record: the pickle says both, and a hostile one could say anything. */
  bool check_tensor (const std::string &name, const at::Tensor &t)
  {
    const c10::Storage &storage = t.storage ();
    auto rec = record_bytes.find (storage.data ());
    int64_t last = t.storage_offset ();
    uint64_t need;

    if (rec == record_bytes.end () || storage.nbytes () > rec->second)
      {
        problem = attn_format (_ ("pytorch_model.bin: the tensor %s claims more bytes than "
                                  "its record holds"),
                               shown (name).c_str ());
        return false;
      }
    if (t.numel () == 0)
      return true;
    for (int64_t d = 0; d < t.dim (); d++)
      {
        int64_t step;

        if (t.stride (d) < 0 || __builtin_mul_overflow (t.size (d) - 1, t.stride (d), &step) ||
            __builtin_add_overflow (last, step, &last))
          last = -1;
        if (last < 0)
          break;
      }
    if (last < 0 || __builtin_mul_overflow ((uint64_t)last + 1, t.element_size (), &need) ||
        need > storage.nbytes ())
      {
        problem = attn_format (_ ("pytorch_model.bin: the tensor %s lies outside its storage"),
                               shown (name).c_str ());
        return false;
      }
    return true;
  }

  bool walk (const c10::IValue &v, const std::string &name, int depth)
  {
    if (depth > MAX_DEPTH)
      {
        problem = _ ("pytorch_model.bin nests its containers too deeply");
        return false;
      }
    if (v.isTensor ())
      {
        if (!check_tensor (name, v.toTensor ()))
          return false;
        (*out)[name] = v.toTensor ();
        return true;
      }
    if (v.isGenericDict ())
      {
        for (const auto &item : v.toGenericDict ())
          {
            std::string key;

            if (item.key ().isString ())
              key = item.key ().toStringRef ();
            else if (item.key ().isInt ())
              key = std::to_string (item.key ().toInt ());
            else
              {
                problem = _ ("pytorch_model.bin has a dict key that is not a name");
                return false;
              }
            /* An OrderedDict's _metadata (attn-shim-pickle.h): no tensors. */
            if (key == BUILD_STATE_KEY)
              continue;
            if (!walk (item.value (), name.empty () ? key : name + "." + key, depth + 1))
              return false;
          }
        return true;
      }
    if (v.isList () || v.isTuple ())
      {
        std::vector<c10::IValue> items;

        if (v.isList ())
          for (const c10::IValue &item : v.toListRef ())
            items.push_back (item);
        else
          items = v.toTupleRef ().elements ().vec ();
        for (size_t i = 0; i < items.size (); i++)
          if (!walk (items[i], name.empty () ? std::to_string (i) : name + "." + std::to_string (i),
                     depth + 1))
            return false;
        return true;
      }
    problem = attn_format (_ ("pytorch_model.bin holds something other than a tensor at “%s” "
                              "(%s): only tensors and their containers are read"),
                           shown (name).c_str (), v.tagKind ().c_str ());
    return false;
  }
};

} /* namespace */

std::string
open (const std::string &path, std::map<std::string, at::Tensor> &out)
{
  std::string problem = check_magic (path);
  attn_zip_status status;
  char *error = nullptr;
  attn_zip *zip;
  std::string prefix, clean;
  const attn_zip_record *pkl;
  Reader reader;
  size_t pos = 0;

  out.clear ();
  if (!problem.empty ())
    return problem;
  zip = attn_zip_open (path.c_str (), &status, &error);
  if (zip == nullptr)
    {
      problem = attn_format (_ ("pytorch_model.bin cannot be read: %s"), error ? error : "?");
      free (error);
      return problem;
    }
  std::unique_ptr<attn_zip, void (*) (attn_zip *)> ref (zip, attn_zip_unref);
  if (attn_zip_damage (zip) != nullptr)
    return attn_format (_ ("pytorch_model.bin is damaged (%s)"), attn_zip_damage (zip));

  for (size_t i = 0; i < attn_zip_n_records (zip); i++)
    {
      const attn_zip_record *r = attn_zip_get_record (zip, i);
      std::string name = r->name;
      size_t slash = name.find ('/');

      if (slash != std::string::npos && name.compare (slash, std::string::npos, "/data.pkl") == 0)
        prefix = name.substr (0, slash + 1);
    }
  if (prefix.empty ())
    return _ ("pytorch_model.bin has no data.pkl: it was not written by torch.save");
  for (size_t i = 0; i < attn_zip_n_records (zip); i++)
    {
      const attn_zip_record *r = attn_zip_get_record (zip, i);

      if (strncmp (r->name, prefix.c_str (), prefix.size ()) == 0)
        reader.records[r->name + prefix.size ()] = r;
    }
  pkl = reader.records["data.pkl"];
  if (pkl->method != 0 || pkl->size > MAX_PICKLE)
    return _ ("pytorch_model.bin: its data.pkl is compressed or too large for a state dict");
  problem = attn_pickle::sanitize (attn_zip_data (zip) + pkl->data_offset, pkl->size, clean);
  if (!problem.empty ())
    return attn_format (_ ("pytorch_model.bin is refused before any tensor is read: %s"),
                        problem.c_str ());

  reader.zip = zip;
  reader.out = &out;
  try
    {
      torch::jit::Unpickler unpickler (
          [&] (char *buffer, size_t n) -> size_t {
            n = std::min (n, clean.size () - pos);
            memcpy (buffer, clean.data () + pos, n);
            pos += n;
            return n;
          },
          nullptr, nullptr,
          [&] (const std::string &key) -> at::DataPtr {
            auto found = reader.records.find ("data/" + key);
            unsigned char *bytes;

            if (found == reader.records.end () || found->second->method != 0)
              throw std::runtime_error (attn_format (
                  _ ("pytorch_model.bin has no stored record data/%s"), shown (key).c_str ()));
            bytes = attn_zip_data (zip) + found->second->data_offset;
            reader.record_bytes[bytes] = found->second->size;
            return at::DataPtr (bytes, attn_zip_ref (zip), release_zip,
                                c10::Device (c10::DeviceType::CPU));
          },
          c10::nullopt);
      c10::IValue value = unpickler.parse_ivalue ();

      if (!reader.walk (value, "", 0))
        {
          out.clear ();
          return reader.problem;
        }
    }
  catch (const std::exception &e)
    {
      out.clear ();
      std::string what = e.what ();

      return attn_format (_ ("pytorch_model.bin cannot be read: %s"),
                          shown (what.substr (0, what.find ('\n'))).c_str ());
    }
  return "";
}

} /* namespace attn_bin */
