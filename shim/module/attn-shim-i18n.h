/* attn-shim-i18n.h: messages of the shim's folder door. The shim never sees
 * GLib, but its messages reach the user: they are translated with libc's
 * gettext in the application's domain, as in attn-shim.cpp. */
#pragma once

#include <libintl.h>
#include <stdarg.h>
#include <stdio.h>

#include <string>

#ifndef _
#define _(s) dgettext (GETTEXT_PACKAGE, s)
#endif

static inline std::string attn_format (const char *fmt, ...)
    __attribute__ ((format (printf, 1, 2)));

static inline std::string
attn_format (const char *fmt, ...)
{
  va_list ap;
  va_list ap2;
  int n;
  std::string out;

  va_start (ap, fmt);
  va_copy (ap2, ap);
  n = vsnprintf (NULL, 0, fmt, ap);
  va_end (ap);
  if (n > 0)
    {
      out.resize ((size_t)n + 1);
      vsnprintf (&out[0], out.size (), fmt, ap2);
      out.resize ((size_t)n);
    }
  va_end (ap2);
  return out;
}
