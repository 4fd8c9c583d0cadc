/* attention-corpus-stats.h: what every head does over many sentences
 * (Clark et al. 2019, "What Does BERT Look At?"), without GTK. Each line's
 * attention adds, per layer and head, eight token-weighted sums and the sums
 * of the relations asked for. The sums are 128-bit fixed point, so adding
 * lines (or whole shards) in any order gives the same bits, and a run split
 * by --shard and put back together by --merge equals the single run. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "attention-relation.h"

G_BEGIN_DECLS

typedef enum /*< skip >*/
{
  ATTENTION_CORPUS_PREVIOUS = 0, /* A[i][i−1], queries i ≥ 1 */
  ATTENTION_CORPUS_NEXT,         /* A[i][i+1], queries i ≤ n−2 */
  ATTENTION_CORPUS_SELF,         /* A[i][i] */
  ATTENTION_CORPUS_CLS,          /* A[i][0] */
  ATTENTION_CORPUS_SEP,          /* A[i][n−1] */
  ATTENTION_CORPUS_PUNCTUATION,  /* Σ A[i][j] over punctuation keys j */
  ATTENTION_CORPUS_ENTROPY,      /* −Σ_j A[i][j] ln A[i][j], nats */
  ATTENTION_CORPUS_DISTANCE,     /* Σ_j A[i][j]·|i−j| */
  ATTENTION_CORPUS_N_STATS
} AttentionCorpusStat;

/* Sums are integers in units of 2^−ATTENTION_FIXED_BITS. A row's value is at
 * most 512 (distance at 512 tokens), so 2^60 leaves 2^58 rows of room. */
#define ATTENTION_FIXED_BITS 60
__extension__ typedef __int128 AttentionFixed;

AttentionFixed attention_fixed_from_double (double value);
double attention_fixed_to_double (AttentionFixed value);
/* Decimal text, and back (FALSE when text is not a decimal integer that
 * fits). */
char *attention_fixed_to_string (AttentionFixed value);
gboolean attention_fixed_parse (const char *text, AttentionFixed *value);

/* The JSON key of a statistic: "previous", "next", … */
const char *attention_corpus_stat_id (AttentionCorpusStat stat);
/* Its translated name for the window: "Previous token", … */
const char *attention_corpus_stat_name (AttentionCorpusStat stat);
/* TRUE for a token made only of Unicode punctuation characters (P*); the
 * special tokens and [UNK] never are. */
gboolean attention_corpus_is_punctuation (const char *token);

#define ATTENTION_CORPUS_STATS_ERROR (attention_corpus_stats_error_quark ())
typedef enum
{
  ATTENTION_CORPUS_STATS_ERROR_FORMAT,   /* not a statistics file */
  ATTENTION_CORPUS_STATS_ERROR_MISMATCH, /* another model, shape or relations */
} AttentionCorpusStatsError;
GQuark attention_corpus_stats_error_quark (void);

typedef struct _AttentionCorpusStats AttentionCorpusStats;

/* model_hash identifies config and weights (attention_corpus_model_hash). */
AttentionCorpusStats *attention_corpus_stats_new (const char *model_name,
                                                  const char *model_hash,
                                                  guint n_layers,
                                                  guint n_heads);
void attention_corpus_stats_free (AttentionCorpusStats *self);

/* Takes a relation to score (before any line is added). */
void attention_corpus_stats_add_relation (AttentionCorpusStats *self, AttentionRelation *relation);
guint attention_corpus_stats_get_n_relations (AttentionCorpusStats *self);
AttentionRelation *attention_corpus_stats_get_relation (AttentionCorpusStats *self, guint i);

/* One line that ran (its 1-based physical number and text): attentions n_layers × n_heads × n × n
 * (row = query), tokens its n word pieces (vocab spelling, [CLS] and [SEP] included), special[i]
 * TRUE for the model's special tokens, tags[i] the part-of-speech tag of each token or NULL (then
 * @TAG never matches). */
void attention_corpus_stats_add_line (AttentionCorpusStats *self,
                                      guint64 line,
                                      const char *text,
                                      const float *attentions,
                                      guint n,
                                      const char *const *tokens,
                                      const gboolean *special,
                                      const char *const *tags);
/* A line and its value for one measure and head (per line: the line's own
 * mean). */
typedef struct
{
  double value;
  guint64 line;
  char *text;
} AttentionCorpusLine;

/* Before any line is added (and after the relations): keep, for each
 * measure (the statistics, then the relations in order) and head, the k
 * lines where its value is highest. Not part of the file, nor merged. */
void attention_corpus_stats_keep_top (AttentionCorpusStats *self, guint k);
/* Those lines, best first: their count, and lines pointing into self. */
guint attention_corpus_stats_get_top (AttentionCorpusStats *self,
                                      guint measure,
                                      guint layer,
                                      guint head,
                                      const AttentionCorpusLine **lines);

/* A line that did not run: 1-based physical line number and why. */
void
attention_corpus_stats_skip_line (AttentionCorpusStats *self, guint64 line, const char *reason);
void attention_corpus_stats_add_seconds (AttentionCorpusStats *self, double seconds);

guint64 attention_corpus_stats_get_lines (AttentionCorpusStats *self);
guint64 attention_corpus_stats_get_tokens (AttentionCorpusStats *self);
guint attention_corpus_stats_get_n_skipped (AttentionCorpusStats *self);
guint attention_corpus_stats_get_n_layers (AttentionCorpusStats *self);
guint attention_corpus_stats_get_n_heads (AttentionCorpusStats *self);
double attention_corpus_stats_get_seconds (AttentionCorpusStats *self);
const char *attention_corpus_stats_get_model (AttentionCorpusStats *self);
/* The token-weighted mean (NaN when no query had one); 0-indexed. */
double attention_corpus_stats_get_mean (AttentionCorpusStats *self,
                                        guint layer,
                                        guint head,
                                        AttentionCorpusStat stat);
/* A relation's mean weight per pair (NaN without pairs). */
double attention_corpus_stats_get_relation_score (AttentionCorpusStats *self,
                                                  guint r,
                                                  guint layer,
                                                  guint head);
guint64 attention_corpus_stats_get_relation_pairs (AttentionCorpusStats *self, guint r);

/* Adds other's sums, counts, skipped lines and time into self. FALSE with
 * ATTENTION_CORPUS_STATS_ERROR_MISMATCH when model, hash, shape or relations
 * differ; self is then unchanged. */
gboolean attention_corpus_stats_merge (AttentionCorpusStats *self,
                                       AttentionCorpusStats *other,
                                       GError **error);

/* The file's JSON ({"model", "lines", "tokens", "layers", "heads", "stats",
 * "sums", "skipped", "seconds", "relations", …}), and back. */
JsonNode *attention_corpus_stats_to_json (AttentionCorpusStats *self);
AttentionCorpusStats *attention_corpus_stats_new_from_json (JsonNode *root, GError **error);
AttentionCorpusStats *attention_corpus_stats_new_from_file (const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttentionCorpusStats, attention_corpus_stats_free)

G_END_DECLS
