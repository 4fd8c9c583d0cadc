/* attention-relation.c: parsing NAME:FROM->TO and finding its token pairs */

#include "attention-relation.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_QUARK (attention - relation - error - quark, attention_relation_error)

typedef enum
{
  SIDE_WORDS,
  SIDE_REGEX,
  SIDE_TAG,
} SideKind;

typedef struct
{
  SideKind kind;
  char *text;        /* as written, without "nearest:" */
  GHashTable *words; /* casefolded words (SIDE_WORDS) */
  GRegex *regex;     /* SIDE_REGEX */
  char *tag;         /* SIDE_TAG, without the @ */
} Side;

struct _AttentionRelation
{
  char *spec;
  char *name;
  char *to_text; /* with "nearest:" */
  gboolean nearest;
  Side from, to;
};

/* The universal tag set (Petrov, Das and McDonald 2012): "." is
 * punctuation. */
static const char *const universal_tags[] = {
  "ADJ", "ADP", "ADV", "CONJ", "DET", "NOUN", "NUM", "PRON", "PRT", "VERB", "X", ".", NULL,
};

gboolean
attention_relation_is_known_tag (const char *tag)
{
  return tag != NULL && g_strv_contains (universal_tags, tag);
}

static void
side_clear (Side *side)
{
  g_clear_pointer (&side->text, g_free);
  g_clear_pointer (&side->words, g_hash_table_unref);
  g_clear_pointer (&side->regex, g_regex_unref);
  g_clear_pointer (&side->tag, g_free);
}

void
attention_relation_free (AttentionRelation *self)
{
  if (self == NULL)
    return;
  g_free (self->spec);
  g_free (self->name);
  g_free (self->to_text);
  side_clear (&self->from);
  side_clear (&self->to);
  g_free (self);
}

static gboolean
syntax_error (GError **error, const char *spec, const char *why)
{
  g_set_error (error, ATTENTION_RELATION_ERROR, ATTENTION_RELATION_ERROR_SYNTAX,
               _ ("The relation “%s” is malformed: %s. Write NAME:FROM->TO, for example "
                  "det:the,a,an->nearest:@NOUN or ing:/ing$/->/^[a-z]+$/."),
               spec, why);
  return FALSE;
}

/* One side: "/regex/", "@TAG" or "word,word". */
static gboolean
side_parse (Side *side, const char *spec, const char *text, GError **error)
{
  gsize len = strlen (text);

  side->text = g_strdup (text);
  if (len == 0)
    return syntax_error (error, spec, _ ("a side is empty"));
  if (text[0] == '/')
    {
      g_autofree char *pattern = NULL;
      g_autoptr (GError) regex_error = NULL;

      if (len < 2 || text[len - 1] != '/')
        return syntax_error (error, spec, _ ("a regular expression must end with “/”"));
      pattern = g_strndup (text + 1, len - 2);
      if (pattern[0] == '\0')
        return syntax_error (error, spec, _ ("the regular expression is empty"));
      side->kind = SIDE_REGEX;
      side->regex = g_regex_new (pattern, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, &regex_error);
      if (side->regex == NULL)
        return syntax_error (error, spec, regex_error->message);
      return TRUE;
    }
  if (text[0] == '@')
    {
      side->kind = SIDE_TAG;
      side->tag = g_ascii_strup (text + 1, -1);
      if (!attention_relation_is_known_tag (side->tag))
        {
          g_autofree char *known = g_strjoinv (", @", (char **)universal_tags);
          g_autofree char *why =
              g_strdup_printf (_ ("“%s” is not a universal part-of-speech tag (@%s)"), text, known);

          return syntax_error (error, spec, why);
        }
      return TRUE;
    }

  side->kind = SIDE_WORDS;
  side->words = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  {
    g_auto (GStrv) words = g_strsplit (text, ",", -1);

    for (guint i = 0; words[i] != NULL; i++)
      {
        char *word = g_strstrip (words[i]);

        if (word[0] == '\0')
          return syntax_error (error, spec, _ ("a word list has an empty word"));
        g_hash_table_add (side->words, g_utf8_casefold (word, -1));
      }
  }
  return TRUE;
}

AttentionRelation *
attention_relation_parse (const char *spec, GError **error)
{
  g_autoptr (AttentionRelation) self = g_new0 (AttentionRelation, 1);
  const char *colon, *rest, *arrow, *to;
  g_autofree char *from_text = NULL;

  g_return_val_if_fail (spec != NULL, NULL);

  self->spec = g_strdup (spec);
  if (!g_utf8_validate (spec, -1, NULL))
    {
      syntax_error (error, "…", _ ("it is not valid UTF-8"));
      return NULL;
    }
  colon = strchr (spec, ':');
  if (colon == NULL || colon == spec)
    {
      syntax_error (error, spec, _ ("it needs a name before “:”"));
      return NULL;
    }
  self->name = g_strndup (spec, colon - spec);
  rest = colon + 1;
  /* A regular expression may hold "->" itself: it ends at "/->". */
  arrow = rest[0] == '/' ? strstr (rest + 1, "/->") : strstr (rest, "->");
  if (arrow != NULL && rest[0] == '/')
    arrow++;
  if (arrow == NULL)
    {
      syntax_error (error, spec, _ ("it needs “->” between FROM and TO"));
      return NULL;
    }
  from_text = g_strndup (rest, arrow - rest);
  to = arrow + 2;
  self->to_text = g_strdup (to);
  if (g_str_has_prefix (to, "nearest:"))
    {
      self->nearest = TRUE;
      to += strlen ("nearest:");
    }
  if (!side_parse (&self->from, spec, from_text, error) || !side_parse (&self->to, spec, to, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
attention_relation_get_spec (AttentionRelation *self)
{
  return self->spec;
}

const char *
attention_relation_get_name (AttentionRelation *self)
{
  return self->name;
}

const char *
attention_relation_get_from (AttentionRelation *self)
{
  return self->from.text;
}

const char *
attention_relation_get_to (AttentionRelation *self)
{
  return self->to_text;
}

gboolean
attention_relation_needs_tags (AttentionRelation *self)
{
  return self->from.kind == SIDE_TAG || self->to.kind == SIDE_TAG;
}

static gboolean
side_matches (Side *side, const char *token, const char *tag)
{
  switch (side->kind)
    {
      case SIDE_WORDS:
        {
          g_autofree char *folded = g_utf8_casefold (token, -1);

          return g_hash_table_contains (side->words, folded);
        }
      case SIDE_REGEX:
        return g_regex_match (side->regex, token, 0, NULL);
      case SIDE_TAG:
        return tag != NULL && strcmp (tag, side->tag) == 0;
      default:
        g_assert_not_reached ();
    }
}

guint *
attention_relation_find_pairs (AttentionRelation *self,
                               guint n,
                               const char *const *tokens,
                               const gboolean *special,
                               const char *const *tags,
                               guint *n_pairs)
{
  g_autoptr (GArray) pairs = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree gboolean *is_from = g_new0 (gboolean, n);
  g_autofree gboolean *is_to = g_new0 (gboolean, n);

  for (guint i = 0; i < n; i++)
    {
      const char *tag = tags != NULL ? tags[i] : NULL;

      if (special[i])
        continue;
      is_from[i] = side_matches (&self->from, tokens[i], tag);
      is_to[i] = side_matches (&self->to, tokens[i], tag);
    }

  for (guint i = 0; i < n; i++)
    {
      if (!is_from[i])
        continue;
      if (self->nearest)
        {
          /* Right first at each distance: on a tie the right one wins. */
          for (guint d = 1; d < n; d++)
            {
              guint j;

              if (i + d < n && is_to[i + d])
                j = i + d;
              else if (d <= i && is_to[i - d])
                j = i - d;
              else
                continue;
              g_array_append_val (pairs, i);
              g_array_append_val (pairs, j);
              break;
            }
          continue;
        }
      for (guint j = 0; j < n; j++)
        if (j != i && is_to[j])
          {
            g_array_append_val (pairs, i);
            g_array_append_val (pairs, j);
          }
    }
  *n_pairs = pairs->len / 2;
  return (guint *)g_array_free (g_steal_pointer (&pairs), FALSE);
}
