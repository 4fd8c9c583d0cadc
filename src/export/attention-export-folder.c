/* attention-export-folder.c: the export folder's lock and its stale diagrams */

#include "attention-export-folder.h"

#include "attention-export-names.h"
#include "attention-export-sentence.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct _AttentionExportLock
{
  int fd;
};

AttentionExportLock *
attention_export_folder_lock (const char *dir, gboolean wait, GError **error)
{
  g_autofree char *display = g_filename_display_name (dir);
  AttentionExportLock *lock;
  int fd, status;

  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    {
      int err = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
                   _ ("Cannot open the folder “%s”: %s"), display, g_strerror (err));
      return NULL;
    }
  do
    status = flock (fd, LOCK_EX | (wait ? 0 : LOCK_NB));
  while (status != 0 && errno == EINTR);
  if (status != 0)
    {
      int err = errno;

      close (fd);
      if (err == EWOULDBLOCK)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                     _ ("Another export is writing into “%s”: wait until it has finished, or "
                        "choose another folder."),
                     display);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
                     _ ("Cannot lock the folder “%s”: %s"), display, g_strerror (err));
      return NULL;
    }
  lock = g_new (AttentionExportLock, 1);
  lock->fd = fd;
  return lock;
}

void
attention_export_folder_unlock (AttentionExportLock *lock)
{
  if (lock == NULL)
    return;
  close (lock->fd); /* releases the flock */
  g_free (lock);
}

/* A positive decimal without leading zeros at *p, up to `end`; advances p. */
static gboolean
parse_index (const char **p, guint *out)
{
  const char *s = *p;
  guint64 v = 0;

  if (!g_ascii_isdigit (*s) || *s == '0')
    return FALSE;
  while (g_ascii_isdigit (*s))
    {
      v = v * 10 + (guint64)(*s - '0');
      if (v > G_MAXUINT)
        return FALSE;
      s++;
    }
  *out = (guint)v;
  *p = s;
  return TRUE;
}

/* Attention_Layer{L}_Head{H}.{png,svg,pdf} and Lines_Layer{L}_Head{H}.…, as
 * attention_export_file_name writes them. */
static gboolean
parse_diagram_name (const char *name, guint *layer, guint *head)
{
  const char *p = name;

  if (g_str_has_prefix (p, "Attention_Layer"))
    p += strlen ("Attention_Layer");
  else if (g_str_has_prefix (p, "Lines_Layer"))
    p += strlen ("Lines_Layer");
  else
    return FALSE;
  if (!parse_index (&p, layer) || !g_str_has_prefix (p, "_Head"))
    return FALSE;
  p += strlen ("_Head");
  if (!parse_index (&p, head))
    return FALSE;
  return strcmp (p, ".png") == 0 || strcmp (p, ".svg") == 0 || strcmp (p, ".pdf") == 0;
}

static int
compare_diagrams (gconstpointer a, gconstpointer b)
{
  const char *x = *(const char *const *)a, *y = *(const char *const *)b;
  guint lx = 0, hx = 0, ly = 0, hy = 0;

  parse_diagram_name (x, &lx, &hx);
  parse_diagram_name (y, &ly, &hy);
  if (lx != ly)
    return lx < ly ? -1 : 1;
  if (hx != hy)
    return hx < hy ? -1 : 1;
  return strcmp (x, y);
}

char **
attention_export_folder_find_stale (const char *dir, guint n_layers, guint n_heads)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d != NULL)
    while ((name = g_dir_read_name (d)) != NULL)
      {
        guint layer, head;

        if (parse_diagram_name (name, &layer, &head) && (layer > n_layers || head > n_heads))
          g_ptr_array_add (names, g_strdup (name));
      }
  g_ptr_array_sort (names, compare_diagrams);
  g_ptr_array_add (names, NULL);
  return (char **)g_ptr_array_steal (names, NULL);
}

gboolean
attention_export_folder_remove (const char *dir, char *const *names, GError **error)
{
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int err = errno;
          g_autofree char *display = g_filename_display_name (path);

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
                       _ ("Could not delete “%s”: %s"), display, g_strerror (err));
          return FALSE;
        }
    }
  return TRUE;
}

/* The names an export writes that are not diagrams (attention-export-data.c,
 * attention-export-overview.c, the PDF set). */
static const char *const single_names[] = {
  "attention.pdf",          "attention.json",         "attention.npy",
  "attention.npy.json",     "attention-overview.png", "attention-overview.svg",
  "attention-overview.pdf",
};

/* ".NAME.XXXXXX" as attention_tempfiles_create makes it for a file an
 * export writes. */
static gboolean
is_export_temp (const char *name)
{
  gsize len = strlen (name);
  g_autofree char *base = NULL;

  if (name[0] != '.' || len < 1 + 1 + 7 || name[len - 7] != '.')
    return FALSE;
  for (gsize i = len - 6; i < len; i++)
    if (!g_ascii_isalnum (name[i]))
      return FALSE;
  base = g_strndup (name + 1, len - 1 - 7);
  if (parse_diagram_name (base, &(guint){ 0 }, &(guint){ 0 }))
    return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (single_names); i++)
    if (strcmp (base, single_names[i]) == 0)
      return TRUE;
  return FALSE;
}

guint
attention_export_folder_remove_temps (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (is_export_temp (name))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        GStatBuf st;

        /* Only files: a folder or a link of that name is not ours. */
        if (g_lstat (path, &st) == 0 && S_ISREG (st.st_mode) && g_unlink (path) == 0)
          n++;
      }
  return n;
}

char *
attention_export_folder_read_sentence (const char *dir,
                                       const char *name,
                                       AttentionExportFormat format)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (dir != NULL && name != NULL, NULL);

  path = g_build_filename (dir, name, NULL);
  return attention_export_sentence_read (path, format);
}

char *
attention_export_folder_describe (char *const *names)
{
  guint n = names != NULL ? g_strv_length ((char **)names) : 0;
  g_autofree char *last = NULL;

  if (n == 0)
    return g_strdup ("");
  last = g_filename_display_name (names[n - 1]);
  if (n == 1)
    return g_steal_pointer (&last);
  /* Translators: "Attention_Layer9_Head9.png and 19 more". */
  return g_strdup_printf (ngettext ("%s and %u more", "%s and %u more", n - 1), last, n - 1);
}
