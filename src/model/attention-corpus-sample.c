/* attention-corpus-sample.c: where the tagged sample lives, and its tags
 * spread over word pieces */

#include "attention-corpus-sample.h"

#include <glib/gi18n.h>
#include <string.h>

static char *
data_file (const char *name)
{
  g_autofree char *installed = g_build_filename (PKGDATADIR, "corpus", name, NULL);

  if (g_file_test (installed, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&installed);
  return g_build_filename (SOURCE_ROOT, "data", "corpus", name, NULL);
}

char *
attention_corpus_sample_path (void)
{
  return data_file ("brown-sample.txt");
}

char *
attention_corpus_sample_tags_path (void)
{
  return data_file ("brown-sample.tags");
}

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

char **
attention_corpus_token_tags (
    const char *text, const char *tags_line, guint n_tokens, const BertSpan *spans, char **reason)
{
  g_auto (GStrv) fields = g_strsplit_set (tags_line, " \t\r", -1);
  g_autoptr (GPtrArray) tags = g_ptr_array_new (); /* points into fields */
  g_autoptr (GArray) starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  char **out;
  gsize len = strlen (text);
  guint w = 0;

  /* Empty fields from repeated spaces are not tags. */
  for (guint i = 0; fields[i] != NULL; i++)
    if (fields[i][0] != '\0')
      g_ptr_array_add (tags, fields[i]);
  for (gsize i = 0; i < len;)
    {
      while (i < len && is_space (text[i]))
        i++;
      if (i < len)
        g_array_append_val (starts, i);
      while (i < len && !is_space (text[i]))
        i++;
    }
  if (starts->len != tags->len)
    {
      *reason = g_strdup_printf (_ ("its tags do not match its words (%u words, %u tags)"),
                                 starts->len, tags->len);
      return NULL;
    }

  out = g_new0 (char *, n_tokens + 1);
  for (guint t = 0; t < n_tokens; t++)
    {
      if (spans[t].start == spans[t].end)
        continue;
      while (w + 1 < starts->len && g_array_index (starts, gsize, w + 1) <= spans[t].start)
        w++;
      out[t] = g_strdup (g_ptr_array_index (tags, w));
    }
  return out;
}

void
attention_corpus_token_tags_free (char **tags, guint n_tokens)
{
  if (tags == NULL)
    return;
  for (guint t = 0; t < n_tokens; t++)
    g_free (tags[t]);
  g_free (tags);
}
