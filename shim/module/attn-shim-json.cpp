/* attn-shim-json.cpp: see attn-shim-json.h. RFC 8259, strict: no comments,
 * no trailing commas, no NaN; numbers are read with std::from_chars, which
 * (unlike strtod) ignores the locale the application set. */

#include "attn-shim-json.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace attn_json
{

const Value *
Value::get (const std::string &key) const
{
  const Value *found = nullptr;

  if (type != Type::Object)
    return nullptr;
  for (const auto &member : object)
    if (member.first == key)
      found = &member.second;
  return found;
}

namespace
{

struct Parser
{
  const char *p;
  const char *end;
  const char *start;
  int max_depth;
  std::string error;

  bool fail (const std::string &what)
  {
    if (error.empty ())
      {
        size_t line = 1;

        for (const char *q = start; q < p && q < end; q++)
          line += *q == '\n';
        error = "line " + std::to_string (line) + ": " + what;
      }
    return false;
  }

  void skip_space ()
  {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
      p++;
  }

  bool literal (const char *word)
  {
    size_t n = strlen (word);

    if ((size_t)(end - p) < n || memcmp (p, word, n) != 0)
      return fail ("unexpected character");
    p += n;
    return true;
  }

  static void append_utf8 (std::string &out, uint32_t c)
  {
    if (c < 0x80)
      out += (char)c;
    else if (c < 0x800)
      {
        out += (char)(0xC0 | (c >> 6));
        out += (char)(0x80 | (c & 0x3F));
      }
    else if (c < 0x10000)
      {
        out += (char)(0xE0 | (c >> 12));
        out += (char)(0x80 | ((c >> 6) & 0x3F));
        out += (char)(0x80 | (c & 0x3F));
      }
    else
      {
        out += (char)(0xF0 | (c >> 18));
        out += (char)(0x80 | ((c >> 12) & 0x3F));
        out += (char)(0x80 | ((c >> 6) & 0x3F));
        out += (char)(0x80 | (c & 0x3F));
      }
  }

  bool hex4 (uint32_t &out)
  {
    out = 0;
    if (end - p < 4)
      return fail ("truncated \\u escape");
    for (int i = 0; i < 4; i++, p++)
      {
        char c = *p;

        out <<= 4;
        if (c >= '0' && c <= '9')
          out |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
          out |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
          out |= (uint32_t)(c - 'A' + 10);
        else
          return fail ("bad \\u escape");
      }
    return true;
  }

  /* One UTF-8 sequence starting at p, checked (no overlongs, no surrogates). */
  bool utf8_char (std::string &out)
  {
    unsigned char b = (unsigned char)*p;
    int n;
    uint32_t c, min;

    if (b < 0x80)
      n = 1, c = b, min = 0;
    else if ((b & 0xE0) == 0xC0)
      n = 2, c = b & 0x1F, min = 0x80;
    else if ((b & 0xF0) == 0xE0)
      n = 3, c = b & 0x0F, min = 0x800;
    else if ((b & 0xF8) == 0xF0)
      n = 4, c = b & 0x07, min = 0x10000;
    else
      return fail ("invalid UTF-8");
    if (end - p < n)
      return fail ("invalid UTF-8");
    for (int i = 1; i < n; i++)
      {
        unsigned char cont = (unsigned char)p[i];

        if ((cont & 0xC0) != 0x80)
          return fail ("invalid UTF-8");
        c = (c << 6) | (cont & 0x3F);
      }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
      return fail ("invalid UTF-8");
    out.append (p, (size_t)n);
    p += n;
    return true;
  }

  bool string (std::string &out)
  {
    p++; /* the opening quote */
    while (true)
      {
        if (p >= end)
          return fail ("unterminated string");
        char c = *p;

        if (c == '"')
          {
            p++;
            return true;
          }
        if ((unsigned char)c < 0x20)
          return fail ("control character in a string");
        if (c != '\\')
          {
            if (!utf8_char (out))
              return false;
            continue;
          }
        p++;
        if (p >= end)
          return fail ("unterminated string");
        c = *p++;
        switch (c)
          {
            case '"':
            case '\\':
            case '/':
              out += c;
              break;
            case 'b':
              out += '\b';
              break;
            case 'f':
              out += '\f';
              break;
            case 'n':
              out += '\n';
              break;
            case 'r':
              out += '\r';
              break;
            case 't':
              out += '\t';
              break;
            case 'u':
              {
                uint32_t u, low;

                if (!hex4 (u))
                  return false;
                if (u >= 0xDC00 && u <= 0xDFFF)
                  return fail ("lone low surrogate");
                if (u >= 0xD800 && u <= 0xDBFF)
                  {
                    if (end - p < 2 || p[0] != '\\' || p[1] != 'u')
                      return fail ("lone high surrogate");
                    p += 2;
                    if (!hex4 (low))
                      return false;
                    if (low < 0xDC00 || low > 0xDFFF)
                      return fail ("bad surrogate pair");
                    u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
                  }
                append_utf8 (out, u);
                break;
              }
            default:
              return fail ("bad escape");
          }
      }
  }

  bool number (Value &v)
  {
    const char *s = p;
    bool integer = true;

    if (p < end && *p == '-')
      p++;
    if (p >= end || !(*p >= '0' && *p <= '9'))
      return fail ("bad number");
    if (*p == '0')
      p++;
    else
      while (p < end && *p >= '0' && *p <= '9')
        p++;
    if (p < end && *p == '.')
      {
        integer = false;
        p++;
        if (p >= end || !(*p >= '0' && *p <= '9'))
          return fail ("bad number");
        while (p < end && *p >= '0' && *p <= '9')
          p++;
      }
    if (p < end && (*p == 'e' || *p == 'E'))
      {
        integer = false;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
          p++;
        if (p >= end || !(*p >= '0' && *p <= '9'))
          return fail ("bad number");
        while (p < end && *p >= '0' && *p <= '9')
          p++;
      }
    v.type = Type::Number;
    if (std::from_chars (s, p, v.number).ec != std::errc () || !std::isfinite (v.number))
      return fail ("number out of range");
    if (integer)
      {
        auto r = std::from_chars (s, p, v.integer);

        v.is_integer = r.ec == std::errc () && r.ptr == p;
      }
    return true;
  }

  bool value (Value &v, int depth)
  {
    skip_space ();
    if (p >= end)
      return fail ("unexpected end of text");
    switch (*p)
      {
        case 'n':
          v.type = Type::Null;
          return literal ("null");
        case 't':
          v.type = Type::Bool;
          v.boolean = true;
          return literal ("true");
        case 'f':
          v.type = Type::Bool;
          v.boolean = false;
          return literal ("false");
        case '"':
          v.type = Type::String;
          return string (v.string);
        case '[':
          if (depth >= max_depth)
            return fail ("nested too deeply");
          p++;
          v.type = Type::Array;
          skip_space ();
          if (p < end && *p == ']')
            {
              p++;
              return true;
            }
          while (true)
            {
              v.array.emplace_back ();
              if (!value (v.array.back (), depth + 1))
                return false;
              skip_space ();
              if (p < end && *p == ',')
                {
                  p++;
                  continue;
                }
              if (p < end && *p == ']')
                {
                  p++;
                  return true;
                }
              return fail ("expected ',' or ']'");
            }
        case '{':
          if (depth >= max_depth)
            return fail ("nested too deeply");
          p++;
          v.type = Type::Object;
          skip_space ();
          if (p < end && *p == '}')
            {
              p++;
              return true;
            }
          while (true)
            {
              std::string key;

              skip_space ();
              if (p >= end || *p != '"')
                return fail ("expected a string key");
              if (!string (key))
                return false;
              skip_space ();
              if (p >= end || *p != ':')
                return fail ("expected ':'");
              p++;
              v.object.emplace_back (std::move (key), Value ());
              if (!value (v.object.back ().second, depth + 1))
                return false;
              skip_space ();
              if (p < end && *p == ',')
                {
                  p++;
                  continue;
                }
              if (p < end && *p == '}')
                {
                  p++;
                  return true;
                }
              return fail ("expected ',' or '}'");
            }
        default:
          if (*p == '-' || (*p >= '0' && *p <= '9'))
            return number (v);
          return fail ("unexpected character");
      }
  }
};

void
write_string (std::string &out, const std::string &s)
{
  static const char hex[] = "0123456789abcdef";

  out += '"';
  for (unsigned char c : s)
    {
      if (c == '"' || c == '\\')
        {
          out += '\\';
          out += (char)c;
        }
      else if (c == '\n')
        out += "\\n";
      else if (c == '\t')
        out += "\\t";
      else if (c == '\r')
        out += "\\r";
      else if (c < 0x20)
        {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        }
      else
        out += (char)c;
    }
  out += '"';
}

void
write_value (std::string &out, const Value &v, bool indent, int level)
{
  std::string pad = indent ? "\n" + std::string ((size_t)(level + 1) * 2, ' ') : "";
  std::string close = indent ? "\n" + std::string ((size_t)level * 2, ' ') : "";

  switch (v.type)
    {
      case Type::Null:
        out += "null";
        break;
      case Type::Bool:
        out += v.boolean ? "true" : "false";
        break;
      case Type::Number:
        {
          char buf[64];
          auto r = v.is_integer ? std::to_chars (buf, buf + sizeof buf, v.integer)
                                : std::to_chars (buf, buf + sizeof buf, v.number);

          out.append (buf, r.ptr);
          /* A whole double must stay a float for readers that care. */
          if (!v.is_integer && strpbrk (std::string (buf, r.ptr).c_str (), ".eE") == nullptr)
            out += ".0";
          break;
        }
      case Type::String:
        write_string (out, v.string);
        break;
      case Type::Array:
        out += '[';
        for (size_t i = 0; i < v.array.size (); i++)
          {
            out += i ? "," : "";
            out += pad;
            write_value (out, v.array[i], indent, level + 1);
          }
        if (!v.array.empty ())
          out += close;
        out += ']';
        break;
      case Type::Object:
        out += '{';
        for (size_t i = 0; i < v.object.size (); i++)
          {
            out += i ? "," : "";
            out += pad;
            write_string (out, v.object[i].first);
            out += indent ? ": " : ":";
            write_value (out, v.object[i].second, indent, level + 1);
          }
        if (!v.object.empty ())
          out += close;
        out += '}';
        break;
    }
}

} /* namespace */

bool
parse (const char *text, size_t len, Value &out, std::string &error, int max_depth)
{
  Parser parser{ text, text + len, text, max_depth, std::string () };

  out = Value ();
  /* A UTF-8 byte order mark, as some editors write. */
  if (len >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    parser.p += 3;
  if (!parser.value (out, 0))
    {
      error = parser.error;
      return false;
    }
  parser.skip_space ();
  if (parser.p != parser.end)
    {
      parser.fail ("text after the JSON value");
      error = parser.error;
      return false;
    }
  return true;
}

std::string
write (const Value &v, bool indent)
{
  std::string out;

  write_value (out, v, indent, 0);
  if (indent)
    out += '\n';
  return out;
}

Value
make_string (const std::string &s)
{
  Value v;

  v.type = Type::String;
  v.string = s;
  return v;
}

Value
make_bool (bool b)
{
  Value v;

  v.type = Type::Bool;
  v.boolean = b;
  return v;
}

Value
make_int (int64_t i)
{
  Value v;

  v.type = Type::Number;
  v.is_integer = true;
  v.integer = i;
  v.number = (double)i;
  return v;
}

} /* namespace attn_json */
