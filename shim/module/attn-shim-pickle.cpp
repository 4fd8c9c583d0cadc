/* attn-shim-pickle.cpp: see attn-shim-pickle.h. The opcodes are those of
 * Python's pickletools (protocol 2, the one torch.save writes and libtorch
 * reads); any other opcode is refused. */

#include "attn-shim-pickle.h"

#include "attn-shim-i18n.h"

#include <cstdint>
#include <cstring>
#include <map>
#include <vector>

namespace attn_pickle
{

namespace
{

/* The callables a state dict of tensors needs. */
bool
allowed_global (const std::string &module, const std::string &name)
{
  static const char *const storages[] = {
    "FloatStorage", "HalfStorage",  "BFloat16Storage", "DoubleStorage", "LongStorage",
    "IntStorage",   "ShortStorage", "CharStorage",     "ByteStorage",   "BoolStorage",
  };

  if (module == "torch._utils" && name == "_rebuild_tensor_v2")
    return true;
  if (module == "torch")
    for (const char *s : storages)
      if (name == s)
        return true;
  return false;
}

bool
is_ordered_dict (const std::string &module, const std::string &name)
{
  return module == "collections" && name == "OrderedDict";
}

/* Printable for a message: a hostile name may hold anything. */
std::string
shown (const std::string &s)
{
  std::string out;

  for (unsigned char c : s.substr (0, 80))
    out += (c >= 0x20 && c < 0x7f) ? (char)c : '?';
  return out;
}

/* What the check knows of a stack item: where its bytes start in the
 * rewritten program, and whether it is a mark or the OrderedDict class. */
enum class Kind
{
  Mark,
  OdClass,
  OdArgs, /* the () after the class, not written: the REDUCE must follow */
  Other,
};

struct Item
{
  size_t start;
  Kind kind;
};

class Scanner
{
public:
  Scanner (const unsigned char *data, size_t size) : p_ (data), end_ (data + size)
  {
  }

  std::string run (std::string &out);

private:
  const unsigned char *p_, *end_;
  std::vector<Item> stack_;
  std::map<uint64_t, Kind> memo_;

  bool take (size_t n, const unsigned char *&at)
  {
    if ((size_t)(end_ - p_) < n)
      return false;
    at = p_;
    p_ += n;
    return true;
  }

  uint64_t le (const unsigned char *at, size_t n)
  {
    uint64_t v = 0;

    for (size_t i = 0; i < n; i++)
      v |= (uint64_t)at[i] << (8 * i);
    return v;
  }

  bool line (std::string &s)
  {
    const unsigned char *nl = (const unsigned char *)memchr (p_, '\n', end_ - p_);

    if (nl == nullptr)
      return false;
    s.assign ((const char *)p_, nl - p_);
    p_ = nl + 1;
    return true;
  }

  /* Pops n items (false if there are fewer, or a mark among them); the
   * first popped item's start is returned in start. */
  bool pop (size_t n, size_t &start)
  {
    if (stack_.size () < n)
      return false;
    for (size_t i = stack_.size () - n; i < stack_.size (); i++)
      if (stack_[i].kind == Kind::Mark)
        return false;
    if (n > 0)
      start = stack_[stack_.size () - n].start;
    stack_.resize (stack_.size () - n);
    return true;
  }

  /* Pops everything down to and with the topmost mark. */
  bool pop_mark (size_t &start)
  {
    while (!stack_.empty () && stack_.back ().kind != Kind::Mark)
      stack_.pop_back ();
    if (stack_.empty ())
      return false;
    start = stack_.back ().start;
    stack_.pop_back ();
    return true;
  }
};

std::string
truncated ()
{
  return _ ("its pickle is cut short or damaged");
}

std::string
malformed ()
{
  return _ ("its pickle does not build a state dict the way torch.save writes one");
}

void
append_unicode (std::string &out, const std::string &s)
{
  uint32_t n = (uint32_t)s.size ();

  out += 'X';
  for (int i = 0; i < 4; i++)
    out += (char)((n >> (8 * i)) & 0xff);
  out += s;
}

std::string
Scanner::run (std::string &out)
{
  const unsigned char *at;

  out.clear ();
  out.reserve (end_ - p_);
  if (!take (2, at))
    return truncated ();
  if (at[0] != 0x80)
    return _ ("it is not a pickle of torch.save");
  if (at[1] != 2)
    return attn_format (_ ("its pickle uses protocol %d; torch.save writes protocol 2"), at[1]);
  out.append ((const char *)at, 2);

  while (p_ < end_)
    {
      size_t here = out.size ();
      unsigned char op = *p_++;
      size_t arg = 0;       /* fixed argument bytes copied as they are */
      size_t len_bytes = 0; /* a length prefix of this many bytes, then the data */
      size_t start = here;
      int pops = 0; /* items taken before the one pushed, if any */

      /* The () after the OrderedDict class was not written: only its
       * REDUCE may follow. */
      if (!stack_.empty () && stack_.back ().kind == Kind::OdArgs && op != 'R')
        return malformed ();

      switch (op)
        {
          case '.': /* STOP */
            if (stack_.size () != 1 || stack_[0].kind != Kind::Other)
              return malformed ();
            out += (char)op;
            if (p_ != end_)
              return _ ("its pickle has bytes after its end");
            return "";
          case '(': /* MARK */
            out += (char)op;
            stack_.push_back ({ here, Kind::Mark });
            continue;
          case ']':  /* EMPTY_LIST */
          case '}':  /* EMPTY_DICT */
          case 'N':  /* NONE */
          case 0x88: /* NEWTRUE */
          case 0x89: /* NEWFALSE */
            break;
          case ')': /* EMPTY_TUPLE */
            if (!stack_.empty () && stack_.back ().kind == Kind::OdClass)
              {
                stack_.push_back ({ here, Kind::OdArgs });
                continue;
              }
            break;
          case 't': /* TUPLE */
            if (!pop_mark (start))
              return malformed ();
            out += (char)op;
            stack_.push_back ({ start, Kind::Other });
            continue;
          case 'e': /* APPENDS */
          case 'u': /* SETITEMS */
            if (!pop_mark (start) || stack_.empty () || stack_.back ().kind == Kind::Mark)
              return malformed ();
            out += (char)op;
            continue;
          case 0x85: /* TUPLE1 */
            pops = 1;
            break;
          case 0x86: /* TUPLE2 */
            pops = 2;
            break;
          case 0x87: /* TUPLE3 */
            pops = 3;
            break;
          case 'a': /* APPEND */
          case 's': /* SETITEM */
            /* As APPENDS/SETITEMS of one item (a MARK before it), the forms
             * every libtorch reads. */
            if (!pop (op == 'a' ? 1 : 2, start) || stack_.empty () ||
                stack_.back ().kind == Kind::Mark)
              return malformed ();
            out.insert (start, "(");
            out += op == 'a' ? 'e' : 'u';
            continue;
          case 'Q': /* BINPERSID: a storage record, resolved by the reader */
            pops = 1;
            break;
          case 'R': /* REDUCE */
            if (stack_.size () >= 2 && stack_.back ().kind == Kind::OdArgs)
              {
                /* OrderedDict(): the {} written for the class is the instance. */
                start = stack_[stack_.size () - 2].start;
                stack_.resize (stack_.size () - 2);
                stack_.push_back ({ start, Kind::Other });
                continue;
              }
            if (stack_.size () >= 2 && stack_[stack_.size () - 2].kind == Kind::OdClass)
              return malformed ();
            pops = 2;
            break;
          case 'b': /* BUILD */
            {
              /* Only an OrderedDict's instance dict (its _metadata): kept
               * under a key the reader skips, as libtorch 1.13 has no BUILD
               * for a dict. */
              std::string key;

              if (!pop (1, start) || stack_.empty () || stack_.back ().kind == Kind::Mark)
                return malformed ();
              append_unicode (key, BUILD_STATE_KEY);
              out.insert (start, "(" + key);
              out += 'u';
              continue;
            }
          case 'J': /* BININT */
            arg = 4;
            break;
          case 'K': /* BININT1 */
            arg = 1;
            break;
          case 'M': /* BININT2 */
            arg = 2;
            break;
          case 'G': /* BINFLOAT */
            arg = 8;
            break;
          case 0x8a: /* LONG1 */
            len_bytes = 1;
            break;
          case 'X': /* BINUNICODE */
          case 'T': /* BINSTRING */
          case 'B': /* BINBYTES */
            len_bytes = 4;
            break;
          case 'U': /* SHORT_BINSTRING */
          case 'C': /* SHORT_BINBYTES */
            len_bytes = 1;
            break;
          case 'q': /* BINPUT */
          case 'r': /* LONG_BINPUT */
            {
              if (!take (op == 'q' ? 1 : 4, at))
                return truncated ();
              if (stack_.empty () || stack_.back ().kind == Kind::Mark)
                return malformed ();
              memo_[le (at, op == 'q' ? 1 : 4)] = stack_.back ().kind;
              out += (char)op;
              out.append ((const char *)at, op == 'q' ? 1 : 4);
              continue;
            }
          case 'h': /* BINGET */
          case 'j': /* LONG_BINGET */
            {
              size_t n = op == 'h' ? 1 : 4;
              auto found = memo_.end ();

              if (!take (n, at))
                return truncated ();
              found = memo_.find (le (at, n));
              if (found == memo_.end ())
                return malformed ();
              if (found->second == Kind::OdClass)
                {
                  /* A fresh {} for each use of the class. */
                  out += '}';
                  stack_.push_back ({ here, Kind::OdClass });
                  continue;
                }
              out += (char)op;
              out.append ((const char *)at, n);
              stack_.push_back ({ here, Kind::Other });
              continue;
            }
          case 'c': /* GLOBAL */
            {
              std::string module, name;

              if (!line (module) || !line (name))
                return truncated ();
              if (is_ordered_dict (module, name))
                {
                  /* The {} that becomes the instance at its REDUCE. */
                  out += '}';
                  stack_.push_back ({ here, Kind::OdClass });
                  continue;
                }
              if (!allowed_global (module, name))
                return attn_format (_ ("it calls %s.%s, which is not a tensor or a container of "
                                       "tensors"),
                                    shown (module).c_str (), shown (name).c_str ());
              out += (char)op;
              out += module + "\n" + name + "\n";
              stack_.push_back ({ here, Kind::Other });
              continue;
            }
          default:
            return attn_format (_ ("its pickle uses the opcode 0x%02x, which a state dict of "
                                   "tensors does not need"),
                                op);
        }

      if (pops > 0 && !pop ((size_t)pops, start))
        return malformed ();
      out += (char)op;
      if (len_bytes > 0)
        {
          uint64_t n;

          if (!take (len_bytes, at))
            return truncated ();
          out.append ((const char *)at, len_bytes);
          n = le (at, len_bytes);
          if (n > (uint64_t)(end_ - p_))
            return truncated ();
          arg = (size_t)n;
        }
      if (arg > 0)
        {
          if (!take (arg, at))
            return truncated ();
          out.append ((const char *)at, arg);
        }
      stack_.push_back ({ start, Kind::Other });
    }
  return truncated ();
}

} /* namespace */

std::string
sanitize (const unsigned char *data, size_t size, std::string &out)
{
  return Scanner (data, size).run (out);
}

} /* namespace attn_pickle */
