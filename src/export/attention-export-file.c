/* attention-export-file.c: the atomic file writer (see the header) and its
 * fault injection for tests (attention-export-private.h). */

#include "attention-export-file.h"
#include "attention-export-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attention-tempfiles.h"

struct _AttentionExportFile
{
  char *path;
  char *tmp; /* NULL when writing in place (not a regular file) */
  FILE *stream;
  int slot;       /* in attention-tempfiles.h */
  int err;        /* the first failure's errno */
  int inject_err; /* tests: fail part-way with this errno */
};

/* Fault injection for tests: files begun after `inject_after` fail. */
static int inject_after = -1;
static int inject_errno = 0;
static int inject_started = 0;

void
attention_export_inject_write_failure (int after, int error_code)
{
  g_atomic_int_set (&inject_started, 0);
  inject_errno = error_code;
  g_atomic_int_set (&inject_after, after);
}

static int
inject_begin_file (void)
{
  if (g_atomic_int_get (&inject_after) < 0)
    return 0;
  if (g_atomic_int_add (&inject_started, 1) < g_atomic_int_get (&inject_after))
    return 0;
  return inject_errno;
}

static void
set_errno_error (GError **error, int err, const char *format, const char *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), format, path, g_strerror (err));
}

/* Where an existing path leads. A regular file is replaced by a rename, and
 * through a symbolic link it is the link's target that is replaced, so the
 * link stays. Anything else (a device, a FIFO, a terminal, /dev/stdout) is
 * written into as it is: renaming over it would put a regular file in place
 * of /dev/null. Returns the path to replace (free it), or NULL with *in_place
 * set when path must be opened and written as it is. */
static char *
replace_target (const char *path, gboolean *in_place)
{
  struct stat link_st, st;
  char *real;

  *in_place = FALSE;
  if (lstat (path, &link_st) != 0 || S_ISREG (link_st.st_mode))
    return g_strdup (path);
  if (stat (path, &st) != 0)
    return g_strdup (path); /* a dangling link: nothing is there to keep */
  if (S_ISLNK (link_st.st_mode) && S_ISREG (st.st_mode))
    {
      real = realpath (path, NULL);
      /* /proc/self/fd/1 names a file someone else holds open: the shell's
       * redirection would lose it to a rename. */
      if (real != NULL && !g_str_has_prefix (real, "/proc/"))
        {
          char *copy = g_strdup (real);

          free (real);
          return copy;
        }
      free (real);
    }
  *in_place = TRUE;
  return NULL;
}

/* Opens a device, a FIFO or a file behind /proc as it is. O_NONBLOCK so that
 * a FIFO nobody reads fails (ENXIO) instead of hanging; cleared afterwards. */
static int
open_in_place (const char *path)
{
  struct stat st;
  int fd = open (path, O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  int flags;

  if (fd < 0)
    return -1;
  if (fstat (fd, &st) != 0 || S_ISDIR (st.st_mode))
    {
      close (fd);
      errno = EISDIR;
      return -1;
    }
  if (S_ISREG (st.st_mode) && ftruncate (fd, 0) != 0)
    {
      int err = errno;

      close (fd);
      errno = err;
      return -1;
    }
  flags = fcntl (fd, F_GETFL);
  if (flags < 0 || fcntl (fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
    {
      int err = errno;

      close (fd);
      errno = err;
      return -1;
    }
  return fd;
}

AttentionExportFile *
attention_export_file_open (const char *path, GError **error)
{
  AttentionExportFile *file;
  g_autofree char *target = NULL;
  char *tmp = NULL;
  gboolean in_place;
  int fd, slot = -1;

  g_return_val_if_fail (path != NULL, NULL);

  target = replace_target (path, &in_place);
  if (in_place)
    fd = open_in_place (path);
  else
    fd = attention_tempfiles_create (target, &tmp, &slot);
  if (fd < 0)
    {
      set_errno_error (error, errno, _ ("Could not create “%s”: %s"), path);
      return NULL;
    }
  file = g_new0 (AttentionExportFile, 1);
  file->path = in_place ? g_strdup (path) : g_steal_pointer (&target);
  file->tmp = tmp;
  file->slot = slot;
  /* Buffered: Cairo's SVG and PDF streams come in many small pieces. */
  file->stream = fdopen (fd, "wb");
  if (file->stream == NULL)
    {
      int err = errno;

      close (fd);
      attention_export_file_discard (file);
      set_errno_error (error, err, _ ("Could not write “%s”: %s"), path);
      return NULL;
    }
  file->inject_err = inject_begin_file ();
  return file;
}

void
attention_export_file_write (AttentionExportFile *file, const void *data, gsize length)
{
  gsize part = length;

  if (file->err != 0 || length == 0)
    return;
  /* An injected failure strikes after part of the file is out, as a full
   * disk does. */
  if (file->inject_err != 0)
    part = length / 2;
  if (fwrite (data, 1, part, file->stream) != part)
    file->err = errno != 0 ? errno : EIO;
  else if (file->inject_err != 0)
    file->err = file->inject_err;
}

void
attention_export_file_flush_text (GString *text, gpointer file)
{
  if (text->len < 1024 * 1024)
    return;
  attention_export_file_write (file, text->str, text->len);
  g_string_truncate (text, 0);
}

gboolean
attention_export_file_write_text (const char *path,
                                  void (*fill) (GString *out,
                                                AttentionExportFile *file,
                                                gpointer data),
                                  gpointer data,
                                  GError **error)
{
  AttentionExportFile *file = attention_export_file_open (path, error);
  g_autoptr (GString) out = NULL;

  if (file == NULL)
    return FALSE;
  out = g_string_sized_new (2 * 1024 * 1024);
  fill (out, file, data);
  attention_export_file_write (file, out->str, out->len);
  return attention_export_file_close (file, NULL, error);
}

gboolean
attention_export_file_failed (AttentionExportFile *file)
{
  return file->err != 0;
}

/* Closes the stream; removes the temporary file unless it was renamed. */
static void
file_free (AttentionExportFile *file, gboolean renamed)
{
  if (!renamed && file->tmp != NULL)
    g_unlink (file->tmp);
  attention_tempfiles_forget (file->slot);
  g_free (file->path);
  g_free (file->tmp);
  g_free (file);
}

gboolean
attention_export_file_close (AttentionExportFile *file, const char *failure, GError **error)
{
  int err = file->err;
  gboolean ok = FALSE;

  if (fclose (file->stream) != 0 && err == 0)
    err = errno != 0 ? errno : EIO;
  /* No fsync: the rename keeps a crash of the app from leaving a torn file,
   * and 144 fsyncs would triple the export time. */
  if (err == 0 && failure == NULL && file->tmp != NULL && g_rename (file->tmp, file->path) != 0)
    err = errno;

  if (err != 0)
    set_errno_error (error, err, _ ("Could not write “%s”: %s"), file->path);
  else if (failure != NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _ ("Could not write “%s”: %s"), file->path,
                 failure);
  else
    ok = TRUE;
  file_free (file, ok);
  return ok;
}

void
attention_export_file_discard (AttentionExportFile *file)
{
  if (file->stream != NULL)
    fclose (file->stream);
  file_free (file, FALSE);
}

gboolean
attention_export_file_set_contents (const char *path,
                                    const void *data,
                                    gsize length,
                                    GError **error)
{
  AttentionExportFile *file = attention_export_file_open (path, error);

  if (file == NULL)
    return FALSE;
  attention_export_file_write (file, data, length);
  return attention_export_file_close (file, NULL, error);
}
