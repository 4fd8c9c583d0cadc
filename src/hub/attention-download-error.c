/* attention-download-error.c: the download error domain. */

#include "attention-download-error.h"

G_DEFINE_QUARK (attention - download - error - quark, attention_download_error)

gboolean
attention_download_set_errno_error (GError **error, const char *format, const char *path, int saved)
{
  g_set_error (error, ATTENTION_DOWNLOAD_ERROR, ATTENTION_DOWNLOAD_ERROR_DISK, format, path,
               g_strerror (saved));
  return FALSE;
}
