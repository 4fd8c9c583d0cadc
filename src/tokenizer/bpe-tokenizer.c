/* bpe-tokenizer.c: see bpe-tokenizer.h. Follows transformers'
 * tokenization_roberta.py (bytes_to_unicode, bpe, _tokenize) and the
 * `regex` module's reading of GPT-2's pattern. */

#include "bpe-tokenizer.h"

#include "special-split.h"

#include <glib/gi18n.h>
#include <string.h>

/* Characters GPT-2's table spells bytes with: 256 + 68 at most. */
#define TABLE_CHARS 324

struct _BpeTokenizer
{
  BertVocab *vocab;
  GHashTable *ranks; /* "A B" -> rank + 1 */
  GHashTable *cache; /* byte-level piece -> GPtrArray of symbols */
  gunichar byte_char[256];
  char byte_utf8[256][4]; /* byte_char as UTF-8, NUL-terminated */
  gint char_byte[TABLE_CHARS];
  gint bos_id, eos_id;
  /* RobertaTokenizer splits the text at its added tokens first, and <mask>
   * (lstrip) takes the spaces before it. */
  SpecialSplit *specials;
};

/* GPT-2's bytes_to_unicode: printable bytes stand for themselves, the rest
 * take the characters from 256 on, in byte order. */
static void
build_table (BpeTokenizer *self)
{
  guint n = 0;

  for (guint i = 0; i < TABLE_CHARS; i++)
    self->char_byte[i] = -1;
  for (guint b = 0; b < 256; b++)
    {
      gboolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      gunichar c = printable ? b : 256 + n++;
      int len;

      self->byte_char[b] = c;
      len = g_unichar_to_utf8 (c, self->byte_utf8[b]);
      self->byte_utf8[b][len] = '\0';
      self->char_byte[c] = (gint)b;
    }
}

BpeTokenizer *
bpe_tokenizer_new (BertVocab *vocab,
                   const char *merges,
                   gsize merges_len,
                   const char *bos,
                   const char *eos,
                   GError **error)
{
  g_autoptr (BpeTokenizer) self = g_new0 (BpeTokenizer, 1);
  g_autofree char *text = g_strndup (merges, merges_len);
  g_auto (GStrv) lines = NULL;
  guint n_lines, rank = 0;

  self->vocab = bert_vocab_ref (vocab);
  self->specials = special_split_new ();
  self->ranks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cache =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
  build_table (self);
  if (strlen (text) != merges_len || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, BERT_VOCAB_ERROR, BERT_VOCAB_ERROR_INVALID,
                   _ ("merges.txt is not UTF-8 text"));
      return NULL;
    }
  /* As transformers reads it: split("\n")[1:-1], the "#version" line and
   * what follows the last newline dropped; later duplicates win. */
  lines = g_strsplit (text, "\n", -1);
  n_lines = g_strv_length (lines);
  for (guint i = 1; i + 1 < n_lines; i++)
    {
      g_auto (GStrv) parts = g_strsplit_set (g_strstrip (lines[i]), " \t\r", -1);
      GPtrArray *words = g_ptr_array_new ();

      for (guint k = 0; parts[k] != NULL; k++)
        if (parts[k][0] != '\0')
          g_ptr_array_add (words, parts[k]);
      if (words->len == 2)
        g_hash_table_insert (self->ranks, g_strconcat (words->pdata[0], " ", words->pdata[1], NULL),
                             GUINT_TO_POINTER (rank + 1));
      else if (words->len != 0)
        {
          g_ptr_array_unref (words);
          g_set_error (error, BERT_VOCAB_ERROR, BERT_VOCAB_ERROR_INVALID,
                       _ ("merges.txt line %u is not two tokens separated by a space"), i + 1);
          return NULL;
        }
      g_ptr_array_unref (words);
      rank++;
    }
  self->bos_id = bert_vocab_lookup (vocab, bos);
  self->eos_id = bert_vocab_lookup (vocab, eos);
  if (self->bos_id < 0 || self->eos_id < 0)
    {
      g_set_error (error, BERT_VOCAB_ERROR, BERT_VOCAB_ERROR_MISSING_SPECIAL,
                   _ ("The vocabulary has no %s token"), self->bos_id < 0 ? bos : eos);
      return NULL;
    }
  return g_steal_pointer (&self);
}

void
bpe_tokenizer_free (BpeTokenizer *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->vocab, bert_vocab_unref);
  g_clear_pointer (&self->ranks, g_hash_table_unref);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->specials, special_split_free);
  g_free (self);
}

void
bpe_tokenizer_add_special (BpeTokenizer *self, const char *text, gint id, gboolean lstrip)
{
  special_split_add (self->specials, text, id, lstrip);
}

/* --- the pre-tokenising pattern ------------------------------------------- */

typedef enum
{
  CLASS_SPACE,
  CLASS_LETTER,
  CLASS_NUMBER,
  CLASS_OTHER,
} CharClass;

/* The `regex` module's \s: Unicode's White_Space. */
static gboolean
is_space (gunichar c)
{
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

static CharClass
classify (gunichar c)
{
  if (is_space (c))
    return CLASS_SPACE;
  switch (g_unichar_type (c))
    {
      case G_UNICODE_LOWERCASE_LETTER:
      case G_UNICODE_MODIFIER_LETTER:
      case G_UNICODE_OTHER_LETTER:
      case G_UNICODE_TITLECASE_LETTER:
      case G_UNICODE_UPPERCASE_LETTER:
        return CLASS_LETTER;
      case G_UNICODE_DECIMAL_NUMBER:
      case G_UNICODE_LETTER_NUMBER:
      case G_UNICODE_OTHER_NUMBER:
        return CLASS_NUMBER;
      default:
        return CLASS_OTHER;
    }
}

/* The end of the run of CLASS characters from byte P. */
static const char *
run_end (const char *p, const char *end, CharClass cls)
{
  while (p < end && classify (g_utf8_get_char (p)) == cls)
    p = g_utf8_next_char (p);
  return p;
}

/* The end of the piece the pattern matches at P (P < END). */
static const char *
next_piece (const char *p, const char *end)
{
  static const char *const contractions[] = { "s", "t", "re", "ve", "m", "ll", "d" };
  gunichar c = g_utf8_get_char (p);
  const char *after = g_utf8_next_char (p);
  CharClass cls = classify (c);

  if (c == '\'')
    for (guint i = 0; i < G_N_ELEMENTS (contractions); i++)
      {
        gsize n = strlen (contractions[i]);

        if ((gsize)(end - after) >= n && memcmp (after, contractions[i], n) == 0)
          return after + n;
      }
  /* " ?X+" for letters, numbers and the rest, in that order. */
  if (c == ' ' && after < end)
    {
      CharClass next = classify (g_utf8_get_char (after));

      if (next != CLASS_SPACE)
        return run_end (after, end, next);
    }
  if (cls != CLASS_SPACE)
    return run_end (p, end, cls);
  /* \s+(?!\S) and \s+: a run of spaces, less its last one when a non-space
   * follows (that one goes with the next piece), unless it is alone. */
  {
    const char *stop = run_end (p, end, CLASS_SPACE);
    const char *last;

    if (stop == end)
      return stop;
    last = g_utf8_prev_char (stop);
    return last > p ? last : stop;
  }
}

/* --- BPE ------------------------------------------------------------------ */

/* The symbols of the byte-level WORD after the merges (cached). */
static GPtrArray *
bpe (BpeTokenizer *self, const char *word)
{
  GPtrArray *symbols = g_hash_table_lookup (self->cache, word);
  g_autoptr (GString) key = g_string_new (NULL);

  if (symbols != NULL)
    return symbols;
  symbols = g_ptr_array_new_with_free_func (g_free);
  for (const char *p = word; *p != '\0'; p = g_utf8_next_char (p))
    g_ptr_array_add (symbols, g_strndup (p, g_utf8_next_char (p) - p));
  while (symbols->len > 1)
    {
      guint best_rank = G_MAXUINT, best = 0;
      GPtrArray *merged;
      const char *first, *second;

      for (guint i = 0; i + 1 < symbols->len; i++)
        {
          guint rank;

          g_string_assign (key, symbols->pdata[i]);
          g_string_append_c (key, ' ');
          g_string_append (key, symbols->pdata[i + 1]);
          rank = GPOINTER_TO_UINT (g_hash_table_lookup (self->ranks, key->str));
          if (rank != 0 && rank < best_rank)
            {
              best_rank = rank;
              best = i;
            }
        }
      if (best_rank == G_MAXUINT)
        break;
      /* Every occurrence of the pair, left to right. */
      first = symbols->pdata[best];
      second = symbols->pdata[best + 1];
      merged = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < symbols->len;)
        {
          if (i + 1 < symbols->len && strcmp (symbols->pdata[i], first) == 0 &&
              strcmp (symbols->pdata[i + 1], second) == 0)
            {
              g_ptr_array_add (merged, g_strconcat (first, second, NULL));
              i += 2;
            }
          else
            {
              g_ptr_array_add (merged, g_strdup (symbols->pdata[i]));
              i++;
            }
        }
      g_ptr_array_unref (symbols);
      symbols = merged;
    }
  g_hash_table_insert (self->cache, g_strdup (word), symbols);
  return symbols;
}

static void
add_token (GArray *ids, GPtrArray *tokens, GArray *spans, BertVocab *vocab, gint id, BertSpan span)
{
  gint64 id64 = id;

  g_array_append_val (ids, id64);
  g_ptr_array_add (tokens, g_strdup (bert_vocab_get_token (vocab, id)));
  g_array_append_val (spans, span);
}

/* The byte-level BPE tokens of text[from, to), appended. */
static gboolean
encode_plain (BpeTokenizer *self,
              const char *text,
              gsize len,
              const char *from,
              const char *to,
              GArray *ids,
              GPtrArray *tokens,
              GArray *spans,
              GError **error)
{
  g_autoptr (GString) word = g_string_new (NULL);
  gint unk = bert_vocab_lookup (self->vocab, "<unk>");

  for (const char *p = from; p < to;)
    {
      const char *stop = next_piece (p, to);
      GPtrArray *symbols;
      gsize offset = p - text;

      g_string_truncate (word, 0);
      for (const char *b = p; b < stop; b++)
        g_string_append (word, self->byte_utf8[(guchar)*b]);
      symbols = bpe (self, word->str);
      for (guint i = 0; i < symbols->len; i++)
        {
          const char *symbol = symbols->pdata[i];
          gint id = bert_vocab_lookup (self->vocab, symbol);
          gsize n_bytes = g_utf8_strlen (symbol, -1);
          BertSpan span = { offset, offset + n_bytes };

          /* A piece of one character covers the whole character. */
          while (span.start > 0 && ((guchar)text[span.start] & 0xC0) == 0x80)
            span.start--;
          while (span.end < len && ((guchar)text[span.end] & 0xC0) == 0x80)
            span.end++;
          offset += n_bytes;
          if (id < 0)
            id = unk;
          if (id < 0)
            {
              g_set_error (error, BERT_VOCAB_ERROR, BERT_VOCAB_ERROR_MISSING_SPECIAL,
                           _ ("The vocabulary has neither “%s” nor <unk>"), symbol);
              return FALSE;
            }
          add_token (ids, tokens, spans, self->vocab, id, span);
        }
      p = stop;
    }
  return TRUE;
}

BertEncoding *
bpe_tokenizer_encode (BpeTokenizer *self, const char *text, gssize len, GError **error)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (BertSpan));
  const char *bad = NULL;
  const char *end;
  BertEncoding *encoding;

  if (len < 0)
    len = strlen (text);
  if (!g_utf8_validate_len (text, len, &bad))
    {
      g_set_error (error, BERT_TOKENIZER_ERROR, BERT_TOKENIZER_ERROR_INVALID_UTF8,
                   _ ("The text is not valid UTF-8 at byte offset %lu (byte 0x%02X)."),
                   (gulong)(bad - text), (guchar)*bad);
      return NULL;
    }
  end = text + len;
  add_token (ids, tokens, spans, self->vocab, self->bos_id, (BertSpan){ 0, 0 });
  for (const char *p = text; p < end;)
    {
      SpecialMatch special;
      gboolean found = special_split_next (self->specials, p, end, &special);

      if (!encode_plain (self, text, len, p, special.plain_end, ids, tokens, spans, error))
        return NULL;
      if (!found)
        break;
      add_token (ids, tokens, spans, self->vocab, special.id,
                 (BertSpan){ special.at - text, special.after - text });
      p = special.after;
    }
  add_token (ids, tokens, spans, self->vocab, self->eos_id, (BertSpan){ len, len });

  encoding = g_new0 (BertEncoding, 1);
  encoding->n_tokens = ids->len;
  encoding->ids = (gint64 *)g_array_free (g_steal_pointer (&ids), FALSE);
  g_ptr_array_add (tokens, NULL);
  encoding->tokens = (char **)g_ptr_array_free (g_steal_pointer (&tokens), FALSE);
  encoding->spans = (BertSpan *)g_array_free (g_steal_pointer (&spans), FALSE);
  return encoding;
}

char *
bpe_token_display (const char *token)
{
  static BpeTokenizer table;
  static gsize once = 0;
  g_autoptr (GString) bytes = g_string_new (NULL);

  if (g_once_init_enter (&once))
    {
      build_table (&table);
      g_once_init_leave (&once, 1);
    }
  for (const char *p = token; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= TABLE_CHARS || table.char_byte[c] < 0)
        return g_strdup (token);
      g_string_append_c (bytes, (char)table.char_byte[c]);
    }
  if (!g_utf8_validate_len (bytes->str, bytes->len, NULL))
    return g_strdup (token);
  for (const char *p = bytes->str; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isprint (g_utf8_get_char (p)) && *p != ' ')
      return g_strdup (token);
  /* The space a piece starts with, made visible. */
  if (bytes->str[0] == ' ')
    {
      g_string_erase (bytes, 0, 1);
      g_string_prepend (bytes, "␣");
    }
  return g_string_free (g_steal_pointer (&bytes), FALSE);
}
