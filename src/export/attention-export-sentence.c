/* attention-export-sentence.c: the sentence a diagram records, per format
 * (see the header) */

#include "attention-export-sentence.h"

#include <cairo-pdf.h>
#include <gio/gio.h>
#include <string.h>

#include "attention-export-names.h"
#include "attention-png.h"

/* The <desc> is right after the <svg> start tag, and the Subject in the
 * information dictionary near a PDF's end: these bound what is read. */
#define SVG_HEAD_BYTES (4 * 1024 * 1024)
#define PDF_TAIL_BYTES (4 * 1024 * 1024)

typedef struct
{
  cairo_write_func_t write;
  gpointer closure;
  char *element; /* "\n<desc>…</desc>", until written */
  guint matched; /* of "<svg" */
  gboolean in_tag;
} SvgStream;

static cairo_status_t
write_svg (void *data, const unsigned char *bytes, unsigned int length)
{
  SvgStream *s = data;
  cairo_status_t status;
  unsigned int i;

  if (s->element == NULL)
    return s->write (s->closure, bytes, length);
  for (i = 0; i < length; i++)
    {
      if (s->in_tag)
        {
          if (bytes[i] == '>')
            break;
        }
      else if (bytes[i] == (unsigned char)"<svg"[s->matched])
        s->in_tag = ++s->matched == 4;
      else
        s->matched = bytes[i] == '<' ? 1 : 0;
    }
  if (i == length)
    return s->write (s->closure, bytes, length);
  /* The start tag ends at i: the description is the root's first child. */
  status = s->write (s->closure, bytes, i + 1);
  if (status == CAIRO_STATUS_SUCCESS)
    status = s->write (s->closure, (const unsigned char *)s->element, strlen (s->element));
  g_clear_pointer (&s->element, g_free);
  if (status == CAIRO_STATUS_SUCCESS && i + 1 < length)
    status = s->write (s->closure, bytes + i + 1, length - i - 1);
  return status;
}

void
attention_export_sentence_svg_stream_free (gpointer data)
{
  SvgStream *s = data;

  g_free (s->element);
  g_free (s);
}

gpointer
attention_export_sentence_svg_stream (cairo_write_func_t write,
                                      gpointer closure,
                                      const char *sentence,
                                      cairo_write_func_t *write_out)
{
  SvgStream *s = g_new0 (SvgStream, 1);
  g_autofree char *escaped = g_markup_escape_text (sentence, -1);

  s->write = write;
  s->closure = closure;
  s->element = g_strdup_printf ("\n<desc>%s</desc>", escaped);
  *write_out = write_svg;
  return s;
}

void
attention_export_sentence_set_pdf (cairo_surface_t *surface, const char *sentence)
{
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_SUBJECT, sentence);
}

/* Up to max bytes of path: its head, or its tail when `tail`. */
static GBytes *
read_part (const char *path, gsize max, gboolean tail)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInputStream) in = g_file_read (file, NULL, NULL);
  g_autoptr (GFileInfo) info = NULL;
  goffset size;

  if (in == NULL)
    return NULL;
  info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL);
  if (info == NULL)
    return NULL;
  size = g_file_info_get_size (info);
  if (tail && size > (goffset)max &&
      !g_seekable_seek (G_SEEKABLE (in), size - (goffset)max, G_SEEK_SET, NULL, NULL))
    return NULL;
  return g_input_stream_read_bytes (G_INPUT_STREAM (in), max, NULL, NULL);
}

static const char *
find (const char *data, gsize len, const char *needle, gboolean last)
{
  gsize n = strlen (needle);
  const char *found = NULL;

  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      {
        found = data + i;
        if (!last)
          break;
      }
  return found;
}

typedef struct
{
  GString *text;
  gboolean inside;
} DescParse;

static void
desc_start (GMarkupParseContext *context,
            const char *element,
            const char **names,
            const char **values,
            gpointer data,
            GError **error)
{
  ((DescParse *)data)->inside = strcmp (element, "desc") == 0;
}

static void
desc_text (GMarkupParseContext *context, const char *text, gsize len, gpointer data, GError **error)
{
  DescParse *parse = data;

  if (parse->inside)
    g_string_append_len (parse->text, text, (gssize)len);
}

/* The root's <desc>: the first one, before any drawing. */
static char *
read_svg (const char *data, gsize len)
{
  static const GMarkupParser parser = { desc_start, NULL, desc_text, NULL, NULL };
  const char *start = find (data, len, "<desc>", FALSE), *end;
  g_autoptr (GMarkupParseContext) context = NULL;
  DescParse parse = { NULL, FALSE };

  if (start == NULL)
    return NULL;
  end = find (start, len - (gsize)(start - data), "</desc>", FALSE);
  if (end == NULL)
    return NULL;
  end += strlen ("</desc>");
  parse.text = g_string_new (NULL);
  context = g_markup_parse_context_new (&parser, 0, &parse, NULL);
  if (!g_markup_parse_context_parse (context, start, end - start, NULL) ||
      !g_markup_parse_context_end_parse (context, NULL))
    {
      g_string_free (parse.text, TRUE);
      return NULL;
    }
  return g_string_free (parse.text, FALSE);
}

static int
hex_value (char c)
{
  return g_ascii_isxdigit (c) ? g_ascii_xdigit_value (c) : -1;
}

static char *
pdf_bytes_to_utf8 (const guint8 *bytes, gsize len)
{
  char *text;

  if (len >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF)
    text =
        g_convert ((const char *)bytes + 2, (gssize)len - 2, "UTF-8", "UTF-16BE", NULL, NULL, NULL);
  else if (len >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
    text = g_utf8_validate ((const char *)bytes + 3, (gssize)len - 3, NULL)
               ? g_strndup ((const char *)bytes + 3, len - 3)
               : NULL;
  else
    text = g_convert ((const char *)bytes, (gssize)len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  return text;
}

char *
attention_export_sentence_pdf_string (const char *text, gsize len)
{
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  gsize i = 1;

  if (len == 0)
    return NULL;
  if (text[0] == '<')
    {
      int high = -1;

      for (; i < len && text[i] != '>'; i++)
        {
          int v = hex_value (text[i]);

          if (v < 0)
            {
              if (g_ascii_isspace (text[i]))
                continue;
              return NULL;
            }
          if (high < 0)
            high = v;
          else
            {
              guint8 b = (guint8)(high << 4 | v);

              g_byte_array_append (bytes, &b, 1);
              high = -1;
            }
        }
      if (i == len)
        return NULL;
      /* An odd last digit stands for its high half. */
      if (high >= 0)
        {
          guint8 b = (guint8)(high << 4);

          g_byte_array_append (bytes, &b, 1);
        }
    }
  else if (text[0] == '(')
    {
      guint depth = 1;

      for (; i < len; i++)
        {
          guint8 b = (guint8)text[i];

          if (b == '\\' && i + 1 < len)
            {
              char e = text[++i];

              switch (e)
                {
                  case 'n':
                    b = '\n';
                    break;
                  case 'r':
                    b = '\r';
                    break;
                  case 't':
                    b = '\t';
                    break;
                  case 'b':
                    b = '\b';
                    break;
                  case 'f':
                    b = '\f';
                    break;
                  case '\r':
                    /* A line continued: the end of line is not part of it. */
                    if (i + 1 < len && text[i + 1] == '\n')
                      i++;
                    continue;
                  case '\n':
                    continue;
                  default:
                    if (e >= '0' && e <= '7')
                      {
                        guint v = (guint)(e - '0');

                        for (int k = 0;
                             k < 2 && i + 1 < len && text[i + 1] >= '0' && text[i + 1] <= '7'; k++)
                          v = v * 8 + (guint)(text[++i] - '0');
                        b = (guint8)v;
                      }
                    else
                      b = (guint8)e; /* \( \) \\, and any other the character itself */
                    break;
                }
            }
          else if (b == '(')
            depth++;
          else if (b == ')' && --depth == 0)
            break;
          g_byte_array_append (bytes, &b, 1);
        }
      if (i == len)
        return NULL;
    }
  else
    return NULL;
  return pdf_bytes_to_utf8 (bytes->data, bytes->len);
}

/* The last /Subject: the information dictionary comes after the pages, and
 * the pages' own streams are compressed. */
static char *
read_pdf (const char *data, gsize len)
{
  const char *key = find (data, len, "/Subject", TRUE);
  gsize at;

  if (key == NULL)
    return NULL;
  at = (gsize)(key - data) + strlen ("/Subject");
  while (at < len && (g_ascii_isspace (data[at]) || data[at] == '\0'))
    at++;
  return attention_export_sentence_pdf_string (data + at, len - at);
}

char *
attention_export_sentence_read (const char *path, AttentionExportFormat format)
{
  g_autoptr (GBytes) bytes = NULL;
  gconstpointer data;
  gsize len;

  g_return_val_if_fail (path != NULL, NULL);

  switch (format)
    {
      case ATTENTION_EXPORT_PNG:
        return attention_png_read_text (path, ATTENTION_EXPORT_SENTENCE_KEY);
      case ATTENTION_EXPORT_SVG:
        bytes = read_part (path, SVG_HEAD_BYTES, FALSE);
        break;
      case ATTENTION_EXPORT_PDF:
        bytes = read_part (path, PDF_TAIL_BYTES, TRUE);
        break;
      case ATTENTION_EXPORT_NPY:
      case ATTENTION_EXPORT_JSON:
      default:
        return NULL;
    }
  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  return format == ATTENTION_EXPORT_SVG ? read_svg (data, len) : read_pdf (data, len);
}
