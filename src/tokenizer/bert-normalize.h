/* bert-normalize.h: the character rules of BERT's BasicTokenizer (Hugging Face
 * tokenization_bert.py), on characters that remember which bytes of the
 * original input they came from. Private to the tokenizer. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A character of normalized text and the input bytes [start, end) it came from. */
typedef struct
{
  gunichar c;
  gsize start;
  gsize end;
} BertChar;

/* _is_whitespace: space, \t, \n, \r and category Zs. */
gboolean bert_char_is_whitespace (gunichar c);
/* _is_control: every category C* except \t, \n and \r. */
gboolean bert_char_is_control (gunichar c);
/* _is_punctuation: ASCII 33-47, 58-64, 91-96, 123-126 and category P*. */
gboolean bert_char_is_punctuation (gunichar c);
/* _is_chinese_char: the CJK ideograph blocks. */
gboolean bert_char_is_chinese (gunichar c);
/* Characters that Python's str.split() splits on although cleaning kept them
 * (U+2028 and U+2029 are neither Zs nor C*). */
gboolean bert_char_is_split_space (gunichar c);

/* Appends c lowercased as Python's str.lower() lowercases a string of that one
 * character (full mapping: U+0130 becomes two characters), with c's span. */
void bert_chars_append_lower (GArray *chars, gunichar c, gsize start, gsize end);

/* Unicode NFD (canonical decomposition and ordering) in place; every
 * decomposed character keeps the span of the character it came from. */
void bert_chars_nfd (GArray *chars);
/* Unicode NFC in place; a composed character covers the spans of its parts. */
void bert_chars_nfc (GArray *chars);
/* Drops nonspacing marks (Mn); a dropped mark's bytes join the span of the
 * character before it, so an accent stays highlighted with its letter. */
void bert_chars_strip_marks (GArray *chars);

G_END_DECLS
