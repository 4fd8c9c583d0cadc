/* bert-normalize.c: BasicTokenizer's character classes, Python's lowercasing
 * and Unicode normalization, tracking each character's original bytes.
 *
 * GLib's tables (Unicode 15.0 in GLib 2.74) are the source of truth here.
 * Compared over every code point with Python 3.11's unicodedata (Unicode
 * 14.0), the categories differ only for the characters Unicode 15.0 added
 * (Cn, hence dropped as control, in Python), and lowercasing differs only where
 * bert_chars_append_lower() handles it by hand. */

#include "bert-normalize.h"

gboolean
bert_char_is_whitespace (gunichar c)
{
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
    return TRUE;
  if (c < 0x80)
    return FALSE;
  return g_unichar_type (c) == G_UNICODE_SPACE_SEPARATOR;
}

gboolean
bert_char_is_control (gunichar c)
{
  if (c == '\t' || c == '\n' || c == '\r')
    return FALSE;
  switch (g_unichar_type (c))
    {
      case G_UNICODE_CONTROL:
      case G_UNICODE_FORMAT:
      case G_UNICODE_UNASSIGNED:
      case G_UNICODE_PRIVATE_USE:
      case G_UNICODE_SURROGATE:
        return TRUE;
      default:
        return FALSE;
    }
}

gboolean
bert_char_is_punctuation (gunichar c)
{
  if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
      (c >= 123 && c <= 126))
    return TRUE;
  if (c < 0x80)
    return FALSE;
  switch (g_unichar_type (c))
    {
      case G_UNICODE_CONNECT_PUNCTUATION:
      case G_UNICODE_DASH_PUNCTUATION:
      case G_UNICODE_OPEN_PUNCTUATION:
      case G_UNICODE_CLOSE_PUNCTUATION:
      case G_UNICODE_INITIAL_PUNCTUATION:
      case G_UNICODE_FINAL_PUNCTUATION:
      case G_UNICODE_OTHER_PUNCTUATION:
        return TRUE;
      default:
        return FALSE;
    }
}

gboolean
bert_char_is_chinese (gunichar c)
{
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

gboolean
bert_char_is_split_space (gunichar c)
{
  return c == 0x2028 || c == 0x2029;
}

static void
append_char (GArray *chars, gunichar c, gsize start, gsize end)
{
  BertChar ch = { c, start, end };

  g_array_append_val (chars, ch);
}

void
bert_chars_append_lower (GArray *chars, gunichar c, gsize start, gsize end)
{
  if (c < 0x80)
    {
      append_char (chars, (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c, start, end);
    }
  else if (c == 0x0130)
    {
      /* Python uses the full mapping of SpecialCasing.txt; GLib's
       * g_unichar_tolower() keeps only its first character. */
      append_char (chars, 'i', start, end);
      append_char (chars, 0x0307, start, end);
    }
  else if (c >= 0x2160 && c <= 0x216F)
    {
      /* Roman numerals and circled letters are cased but not Lu, and
       * g_unichar_tolower() maps only Lu and Lt. */
      append_char (chars, c + 0x10, start, end);
    }
  else if (c >= 0x24B6 && c <= 0x24CF)
    {
      append_char (chars, c + 26, start, end);
    }
  else
    {
      append_char (chars, g_unichar_tolower (c), start, end);
    }
}

static inline BertChar *
char_at (GArray *chars, guint i)
{
  return &g_array_index (chars, BertChar, i);
}

static gint
compare_combining_class (gconstpointer a, gconstpointer b, gpointer user_data)
{
  return g_unichar_combining_class (((const BertChar *)a)->c) -
         g_unichar_combining_class (((const BertChar *)b)->c);
}

static void
canonical_order (GArray *chars)
{
  guint i = 0;

  /* Each run of non-starters is sorted by combining class, keeping the order
   * of equal classes. g_qsort_with_data() is a stable merge sort, so even a
   * long run of marks costs n log n, not the n² of a bubble sort. */
  while (i < chars->len)
    {
      guint end = i;

      while (end < chars->len && g_unichar_combining_class (char_at (chars, end)->c) != 0)
        end++;
      if (end - i > 1)
        g_qsort_with_data (char_at (chars, i), end - i, sizeof (BertChar), compare_combining_class,
                           NULL);
      i = end + 1;
    }
}

void
bert_chars_nfd (GArray *chars)
{
  g_autoptr (GArray) out = NULL;
  gboolean plain = TRUE;

  /* Nothing below U+00C0 decomposes or has a combining class. */
  for (guint i = 0; i < chars->len && plain; i++)
    plain = char_at (chars, i)->c < 0xC0;
  if (plain)
    return;

  out = g_array_sized_new (FALSE, FALSE, sizeof (BertChar), chars->len + 8);
  for (guint i = 0; i < chars->len; i++)
    {
      const BertChar *ch = char_at (chars, i);
      gunichar parts[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
      gsize n = g_unichar_fully_decompose (ch->c, FALSE, parts, G_N_ELEMENTS (parts));

      for (gsize k = 0; k < n; k++)
        append_char (out, parts[k], ch->start, ch->end);
    }
  canonical_order (out);

  g_array_set_size (chars, 0);
  g_array_append_vals (chars, out->data, out->len);
}

static void
join_span (BertChar *into, const BertChar *from)
{
  into->start = MIN (into->start, from->start);
  into->end = MAX (into->end, from->end);
}

void
bert_chars_nfc (GArray *chars)
{
  gboolean plain = TRUE;
  guint starter, kept;
  gint last_cc;

  /* Below U+0300 every character is already composed and none combines
   * with another character below U+0300. */
  for (guint i = 0; i < chars->len && plain; i++)
    plain = char_at (chars, i)->c < 0x300;
  if (plain)
    return;

  bert_chars_nfd (chars);

  /* The canonical composition algorithm of UAX #15: a character combines
   * with the last starter unless a character in between blocks it. */
  starter = 0;
  last_cc = g_unichar_combining_class (char_at (chars, 0)->c);
  if (last_cc != 0)
    last_cc = 256; /* no starter yet: nothing may combine */
  kept = 1;
  for (guint i = 1; i < chars->len; i++)
    {
      BertChar ch = *char_at (chars, i);
      gint cc = g_unichar_combining_class (ch.c);
      gunichar composed;

      if ((last_cc < cc || last_cc == 0) &&
          g_unichar_compose (char_at (chars, starter)->c, ch.c, &composed))
        {
          BertChar *s = char_at (chars, starter);

          s->c = composed;
          join_span (s, &ch);
          continue;
        }
      if (cc == 0)
        starter = kept;
      last_cc = cc;
      *char_at (chars, kept++) = ch;
    }
  g_array_set_size (chars, kept);
}

void
bert_chars_strip_marks (GArray *chars)
{
  guint kept = 0;

  for (guint i = 0; i < chars->len; i++)
    {
      BertChar ch = *char_at (chars, i);

      if (ch.c >= 0x300 && g_unichar_type (ch.c) == G_UNICODE_NON_SPACING_MARK)
        {
          if (kept > 0)
            join_span (char_at (chars, kept - 1), &ch);
          continue;
        }
      *char_at (chars, kept++) = ch;
    }
  g_array_set_size (chars, kept);
}
