/* attention-relation.h: a relation between tokens, NAME:FROM->TO, whose mean
 * attention weight ranks the heads (determiner → noun, object → verb, …).
 * FROM and TO are word lists ("the,a,an"), regular expressions ("/ing$/") or
 * part-of-speech tags ("@NOUN", on a tagged corpus); "nearest:" before TO
 * keeps, for each FROM token, only the closest TO token (on a tie, the one
 * to the right). Matching is on word pieces, regardless of case; special
 * tokens never match. Pure GLib. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ATTENTION_RELATION_ERROR (attention_relation_error_quark ())
typedef enum
{
  ATTENTION_RELATION_ERROR_SYNTAX,
} AttentionRelationError;
GQuark attention_relation_error_quark (void);

typedef struct _AttentionRelation AttentionRelation;

/* NULL and a message naming what is wrong when spec is malformed. */
AttentionRelation *attention_relation_parse (const char *spec, GError **error);
void attention_relation_free (AttentionRelation *self);

const char *attention_relation_get_spec (AttentionRelation *self); /* as given */
const char *attention_relation_get_name (AttentionRelation *self);
const char *attention_relation_get_from (AttentionRelation *self); /* as written */
const char *attention_relation_get_to (AttentionRelation *self);   /* with "nearest:" */
/* TRUE when FROM or TO is a @TAG. */
gboolean attention_relation_needs_tags (AttentionRelation *self);

/* The pairs (i, j), i ≠ j, of one line of n tokens: a g_malloc'd array of
 * 2 × *n_pairs token indices, query first. tags may be NULL. */
guint *attention_relation_find_pairs (AttentionRelation *self,
                                      guint n,
                                      const char *const *tokens,
                                      const gboolean *special,
                                      const char *const *tags,
                                      guint *n_pairs);

/* The universal part-of-speech tags a @TAG may name (Petrov et al. 2012). */
gboolean attention_relation_is_known_tag (const char *tag);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttentionRelation, attention_relation_free)

G_END_DECLS
