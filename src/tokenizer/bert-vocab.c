/* bert-vocab.c: a WordPiece vocabulary read as Hugging Face's load_vocab reads
 * vocab.txt: the file is decoded as UTF-8 text with universal newlines (\n,
 * \r\n and a lone \r all end a line), each line minus its line end is a token,
 * and its id is its line number counted from 0. Empty lines are lines too;
 * other whitespace is part of the token. */

#include "bert-vocab.h"

#include <glib/gi18n.h>
#include <string.h>

/* Open addressing over token ids; the strings live in the vocab's buffer. */
typedef struct
{
  gint32 *slots; /* token id, or -1 for an empty slot */
  guint32 *hashes;
  guint mask;
} VocabTable;

struct _BertVocab
{
  gatomicrefcount ref_count;
  char *data; /* the file's bytes, each line end overwritten with NUL */
  guint n_tokens;
  char **tokens;    /* n_tokens pointers into data */
  guint32 *lengths; /* n_tokens byte lengths */
  gint empty_id;    /* the last empty line, as HF's dict keeps it; -1 if none */
  VocabTable table; /* whole tokens */
  /* "##piece" stored under "piece", so WordPiece looks up a slice of the word
   * without building the prefixed string. */
  VocabTable continuation;
};

GQuark
bert_vocab_error_quark (void)
{
  return g_quark_from_static_string ("bert-vocab-error-quark");
}

static guint32
hash_bytes (const char *s, gsize len)
{
  /* FNV-1a: short keys, good spread, no allocation. */
  guint32 h = 2166136261u;

  for (gsize i = 0; i < len; i++)
    {
      h ^= (guchar)s[i];
      h *= 16777619u;
    }
  return h;
}

static void
table_init (VocabTable *table, guint n_keys)
{
  guint capacity = 16;

  while (capacity < n_keys * 2)
    capacity *= 2;
  table->slots = g_new (gint32, capacity);
  memset (table->slots, 0xff, capacity * sizeof (gint32));
  table->hashes = g_new0 (guint32, capacity);
  table->mask = capacity - 1;
}

static void
table_clear (VocabTable *table)
{
  g_clear_pointer (&table->slots, g_free);
  g_clear_pointer (&table->hashes, g_free);
}

/* skip: bytes of the stored token before the key ("##" for continuations). */
static gint
table_find (const BertVocab *vocab,
            const VocabTable *table,
            gsize skip,
            const char *key,
            gsize len,
            guint32 hash)
{
  for (guint i = hash & table->mask;; i = (i + 1) & table->mask)
    {
      gint32 id = table->slots[i];

      if (id < 0)
        return -1;
      if (table->hashes[i] == hash && vocab->lengths[id] == len + skip &&
          memcmp (vocab->tokens[id] + skip, key, len) == 0)
        return id;
    }
}

static void
table_insert (VocabTable *table, guint32 hash, gint32 id)
{
  guint i = hash & table->mask;

  while (table->slots[i] >= 0)
    i = (i + 1) & table->mask;
  table->slots[i] = id;
  table->hashes[i] = hash;
}

/* 1-based line number of byte offset in data, for messages. */
static guint
line_of_offset (const char *data, gsize offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    if (data[i] == '\n' || (data[i] == '\r' && (i + 1 >= offset || data[i + 1] != '\n')))
      line++;
  return line;
}

static gboolean
check_text (const char *data, gsize len, GError **error)
{
  const char *nul = memchr (data, '\0', len);
  const char *end = NULL;

  if (nul != NULL)
    {
      g_set_error (error, BERT_VOCAB_ERROR, BERT_VOCAB_ERROR_INVALID,
                   _ ("The vocabulary contains a NUL byte on line %u."),
                   line_of_offset (data, nul - data));
      return FALSE;
    }
  if (!g_utf8_validate_len (data, len, &end))
    {
      g_set_error (error, BERT_VOCAB_ERROR, BERT_VOCAB_ERROR_INVALID,
                   _ ("The vocabulary is not valid UTF-8 (line %u, byte offset %lu)."),
                   line_of_offset (data, end - data), (gulong)(end - data));
      return FALSE;
    }
  return TRUE;
}

/* Cuts data into lines in place; returns the tokens (pointers into data). */
static GPtrArray *
split_lines (char *data, gsize len)
{
  GPtrArray *lines = g_ptr_array_new ();
  gsize p = 0;

  while (p < len)
    {
      gsize q = p;

      while (q < len && data[q] != '\n' && data[q] != '\r')
        q++;
      g_ptr_array_add (lines, data + p);
      if (q == len)
        break; /* a last line without a line end: data[len] is already NUL */
      p = (data[q] == '\r' && q + 1 < len && data[q + 1] == '\n') ? q + 2 : q + 1;
      data[q] = '\0';
    }
  return lines;
}

static gboolean
build_tables (BertVocab *vocab, GError **error)
{
  guint n_continuations = 0;

  for (guint id = 0; id < vocab->n_tokens; id++)
    if (vocab->lengths[id] > 2 && strncmp (vocab->tokens[id], "##", 2) == 0)
      n_continuations++;

  table_init (&vocab->table, vocab->n_tokens);
  table_init (&vocab->continuation, n_continuations);

  for (guint id = 0; id < vocab->n_tokens; id++)
    {
      const char *token = vocab->tokens[id];
      gsize len = vocab->lengths[id];
      guint32 hash;
      gint other;

      if (len == 0)
        {
          vocab->empty_id = id;
          continue;
        }
      hash = hash_bytes (token, len);
      other = table_find (vocab, &vocab->table, 0, token, len, hash);
      if (other >= 0)
        {
          /* HF would silently keep the later id and lose the earlier one. */
          g_set_error (error, BERT_VOCAB_ERROR, BERT_VOCAB_ERROR_INVALID,
                       _ ("The token “%s” appears twice in the vocabulary (lines %u and %u)."),
                       token, (guint)other + 1, id + 1);
          return FALSE;
        }
      table_insert (&vocab->table, hash, id);
      if (len > 2 && strncmp (token, "##", 2) == 0)
        table_insert (&vocab->continuation, hash_bytes (token + 2, len - 2), id);
    }
  return TRUE;
}

static gboolean
check_specials (const BertVocab *vocab, GError **error)
{
  static const char *const required[] = { "[UNK]", "[CLS]", "[SEP]" };

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    if (bert_vocab_lookup (vocab, required[i]) < 0)
      {
        g_set_error (error, BERT_VOCAB_ERROR, BERT_VOCAB_ERROR_MISSING_SPECIAL,
                     _ ("The vocabulary has no %s token; a BERT vocabulary needs [UNK], [CLS] "
                        "and [SEP]."),
                     required[i]);
        return FALSE;
      }
  return TRUE;
}

BertVocab *
bert_vocab_new_from_data (const char *data, gsize len, GError **error)
{
  return bert_vocab_new_from_data_full (data, len, TRUE, error);
}

BertVocab *
bert_vocab_new_from_data_full (const char *data, gsize len, gboolean bert_specials, GError **error)
{
  g_autoptr (BertVocab) vocab = NULL;
  g_autoptr (GPtrArray) lines = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_text (data, len, error))
    return NULL;

  vocab = g_new0 (BertVocab, 1);
  g_atomic_ref_count_init (&vocab->ref_count);
  vocab->empty_id = -1;
  vocab->data = g_malloc (len + 1);
  if (len > 0)
    memcpy (vocab->data, data, len);
  vocab->data[len] = '\0';

  lines = split_lines (vocab->data, len);
  if (lines->len == 0)
    {
      g_set_error_literal (error, BERT_VOCAB_ERROR, BERT_VOCAB_ERROR_INVALID,
                           _ ("The vocabulary is empty."));
      return NULL;
    }
  if (lines->len > G_MAXINT32)
    {
      g_set_error_literal (error, BERT_VOCAB_ERROR, BERT_VOCAB_ERROR_INVALID,
                           _ ("The vocabulary has too many lines."));
      return NULL;
    }

  vocab->n_tokens = lines->len;
  vocab->tokens = (char **)g_ptr_array_free (g_steal_pointer (&lines), FALSE);
  vocab->lengths = g_new (guint32, vocab->n_tokens);
  for (guint id = 0; id < vocab->n_tokens; id++)
    vocab->lengths[id] = strlen (vocab->tokens[id]);

  if (!build_tables (vocab, error) || (bert_specials && !check_specials (vocab, error)))
    return NULL;

  return g_steal_pointer (&vocab);
}

BertVocab *
bert_vocab_new_from_file (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  BertVocab *vocab;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  vocab = bert_vocab_new_from_data (contents, len, error);
  if (vocab == NULL)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_prefix_error (error, _ ("Cannot use the vocabulary “%s”: "), display);
    }
  return vocab;
}

BertVocab *
bert_vocab_ref (BertVocab *vocab)
{
  g_return_val_if_fail (vocab != NULL, NULL);

  g_atomic_ref_count_inc (&vocab->ref_count);
  return vocab;
}

void
bert_vocab_unref (BertVocab *vocab)
{
  g_return_if_fail (vocab != NULL);

  if (!g_atomic_ref_count_dec (&vocab->ref_count))
    return;
  table_clear (&vocab->table);
  table_clear (&vocab->continuation);
  g_free (vocab->lengths);
  g_free (vocab->tokens);
  g_free (vocab->data);
  g_free (vocab);
}

guint
bert_vocab_get_size (const BertVocab *vocab)
{
  g_return_val_if_fail (vocab != NULL, 0);

  return vocab->n_tokens;
}

gint
bert_vocab_lookup_len (const BertVocab *vocab, const char *token, gsize len)
{
  g_return_val_if_fail (vocab != NULL, -1);
  g_return_val_if_fail (token != NULL || len == 0, -1);

  if (len == 0)
    return vocab->empty_id;
  return table_find (vocab, &vocab->table, 0, token, len, hash_bytes (token, len));
}

gint
bert_vocab_lookup (const BertVocab *vocab, const char *token)
{
  g_return_val_if_fail (token != NULL, -1);

  return bert_vocab_lookup_len (vocab, token, strlen (token));
}

gint
bert_vocab_lookup_continuation_len (const BertVocab *vocab, const char *piece, gsize len)
{
  g_return_val_if_fail (vocab != NULL, -1);
  g_return_val_if_fail (piece != NULL || len == 0, -1);

  if (len == 0)
    return bert_vocab_lookup_len (vocab, "##", 2);
  return table_find (vocab, &vocab->continuation, 2, piece, len, hash_bytes (piece, len));
}

const char *
bert_vocab_get_token (const BertVocab *vocab, guint id)
{
  g_return_val_if_fail (vocab != NULL, NULL);

  if (id >= vocab->n_tokens)
    return NULL;
  return vocab->tokens[id];
}
