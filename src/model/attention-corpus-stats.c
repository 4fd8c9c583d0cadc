/* attention-corpus-stats.c: exact sums of the eight head statistics and the
 * relations over many lines; their JSON file; merging shards */

#include "attention-corpus-stats.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK (attention - corpus - stats - error - quark, attention_corpus_stats_error)

static const char *const stat_ids[ATTENTION_CORPUS_N_STATS] = {
  "previous", "next", "self", "cls", "sep", "punctuation", "entropy", "distance",
};

typedef struct
{
  guint64 line;
  char *reason;
} Skipped;

typedef struct
{
  AttentionRelation *relation;
  AttentionFixed *sums; /* n_layers × n_heads */
  guint64 pairs;
} Scored;

struct _AttentionCorpusStats
{
  char *model;
  char *model_hash;
  guint n_layers, n_heads;
  guint64 lines, tokens;
  double seconds;
  AttentionFixed *sums; /* n_layers × n_heads × N_STATS */
  guint64 counts[ATTENTION_CORPUS_N_STATS];
  GArray *skipped;   /* Skipped */
  GArray *relations; /* Scored */
  /* The lines where each head is strongest, for the window: keep_top
   * entries per measure (8 statistics, then the relations) and head. */
  guint keep_top, top_relations;
  AttentionCorpusLine *top;
};

AttentionFixed
attention_fixed_from_double (double value)
{
  /* Scaling by a power of two is exact; the one rounding is to the
   * integer, the same whichever order the lines come in. */
  return (AttentionFixed)nearbyint (ldexp (value, ATTENTION_FIXED_BITS));
}

double
attention_fixed_to_double (AttentionFixed value)
{
  return ldexp ((double)value, -ATTENTION_FIXED_BITS);
}

char *
attention_fixed_to_string (AttentionFixed value)
{
  char digits[48];
  int i = (int)sizeof digits - 1;
  gboolean negative = value < 0;
  unsigned __int128 u = negative ? -(unsigned __int128)value : (unsigned __int128)value;

  digits[i] = '\0';
  do
    {
      digits[--i] = (char)('0' + (int)(u % 10));
      u /= 10;
    }
  while (u != 0);
  if (negative)
    digits[--i] = '-';
  return g_strdup (digits + i);
}

gboolean
attention_fixed_parse (const char *text, AttentionFixed *value)
{
  unsigned __int128 u = 0;
  const unsigned __int128 limit = ((unsigned __int128)1 << 126);
  gboolean negative = FALSE;

  if (text == NULL)
    return FALSE;
  if (*text == '-')
    {
      negative = TRUE;
      text++;
    }
  if (*text == '\0')
    return FALSE;
  for (; *text != '\0'; text++)
    {
      if (!g_ascii_isdigit (*text))
        return FALSE;
      u = u * 10 + (unsigned)(*text - '0');
      if (u >= limit)
        return FALSE;
    }
  *value = negative ? -(AttentionFixed)u : (AttentionFixed)u;
  return TRUE;
}

const char *
attention_corpus_stat_id (AttentionCorpusStat stat)
{
  g_return_val_if_fail (stat < ATTENTION_CORPUS_N_STATS, NULL);
  return stat_ids[stat];
}

const char *
attention_corpus_stat_name (AttentionCorpusStat stat)
{
  switch (stat)
    {
      case ATTENTION_CORPUS_PREVIOUS:
        return _ ("Previous token");
      case ATTENTION_CORPUS_NEXT:
        return _ ("Next token");
      case ATTENTION_CORPUS_SELF:
        return _ ("Same token");
      case ATTENTION_CORPUS_CLS:
        return _ ("[CLS]");
      case ATTENTION_CORPUS_SEP:
        return _ ("Last token ([SEP])");
      case ATTENTION_CORPUS_PUNCTUATION:
        return _ ("Punctuation");
      case ATTENTION_CORPUS_ENTROPY:
        return _ ("Entropy");
      case ATTENTION_CORPUS_DISTANCE:
        return _ ("Mean distance");
      default:
        g_return_val_if_reached (NULL);
    }
}

gboolean
attention_corpus_is_punctuation (const char *token)
{
  if (token == NULL || *token == '\0' || !g_utf8_validate (token, -1, NULL))
    return FALSE;
  for (const char *p = token; *p != '\0'; p = g_utf8_next_char (p))
    switch (g_unichar_type (g_utf8_get_char (p)))
      {
        case G_UNICODE_CONNECT_PUNCTUATION:
        case G_UNICODE_DASH_PUNCTUATION:
        case G_UNICODE_CLOSE_PUNCTUATION:
        case G_UNICODE_FINAL_PUNCTUATION:
        case G_UNICODE_INITIAL_PUNCTUATION:
        case G_UNICODE_OTHER_PUNCTUATION:
        case G_UNICODE_OPEN_PUNCTUATION:
          break;
        default:
          return FALSE;
      }
  return TRUE;
}

static void
skipped_clear (gpointer data)
{
  g_free (((Skipped *)data)->reason);
}

static void
scored_clear (gpointer data)
{
  Scored *scored = data;

  attention_relation_free (scored->relation);
  g_free (scored->sums);
}

AttentionCorpusStats *
attention_corpus_stats_new (const char *model_name,
                            const char *model_hash,
                            guint n_layers,
                            guint n_heads)
{
  AttentionCorpusStats *self = g_new0 (AttentionCorpusStats, 1);

  self->model = g_strdup (model_name != NULL ? model_name : "");
  self->model_hash = g_strdup (model_hash != NULL ? model_hash : "");
  self->n_layers = n_layers;
  self->n_heads = n_heads;
  self->sums = g_new0 (AttentionFixed, (gsize)n_layers * n_heads * ATTENTION_CORPUS_N_STATS);
  self->skipped = g_array_new (FALSE, FALSE, sizeof (Skipped));
  g_array_set_clear_func (self->skipped, skipped_clear);
  self->relations = g_array_new (FALSE, FALSE, sizeof (Scored));
  g_array_set_clear_func (self->relations, scored_clear);
  return self;
}

void
attention_corpus_stats_free (AttentionCorpusStats *self)
{
  if (self == NULL)
    return;
  g_free (self->model);
  g_free (self->model_hash);
  g_free (self->sums);
  g_array_unref (self->skipped);
  g_array_unref (self->relations);
  if (self->top != NULL)
    for (gsize i = 0; i < (gsize)(ATTENTION_CORPUS_N_STATS + self->top_relations) * self->n_layers *
                              self->n_heads * self->keep_top;
         i++)
      g_free (self->top[i].text);
  g_free (self->top);
  g_free (self);
}

void
attention_corpus_stats_add_relation (AttentionCorpusStats *self, AttentionRelation *relation)
{
  Scored scored = { relation, g_new0 (AttentionFixed, (gsize)self->n_layers * self->n_heads), 0 };

  g_array_append_val (self->relations, scored);
}

guint
attention_corpus_stats_get_n_relations (AttentionCorpusStats *self)
{
  return self->relations->len;
}

AttentionRelation *
attention_corpus_stats_get_relation (AttentionCorpusStats *self, guint i)
{
  g_return_val_if_fail (i < self->relations->len, NULL);
  return g_array_index (self->relations, Scored, i).relation;
}

/* The eight row values of one head's matrix, added to sums. */
static void
add_head (AttentionFixed *sums, const float *m, guint n, const gboolean *punctuation)
{
  for (guint i = 0; i < n; i++)
    {
      const float *row = m + (gsize)i * n;
      double punct = 0, entropy = 0, distance = 0;

      for (guint j = 0; j < n; j++)
        {
          double a = row[j];

          if (punctuation[j])
            punct += a;
          if (a > 0)
            entropy -= a * log (a);
          distance += a * (i > j ? i - j : j - i);
        }
      if (i >= 1)
        sums[ATTENTION_CORPUS_PREVIOUS] += attention_fixed_from_double (row[i - 1]);
      if (i + 2 <= n)
        sums[ATTENTION_CORPUS_NEXT] += attention_fixed_from_double (row[i + 1]);
      sums[ATTENTION_CORPUS_SELF] += attention_fixed_from_double (row[i]);
      sums[ATTENTION_CORPUS_CLS] += attention_fixed_from_double (row[0]);
      sums[ATTENTION_CORPUS_SEP] += attention_fixed_from_double (row[n - 1]);
      sums[ATTENTION_CORPUS_PUNCTUATION] += attention_fixed_from_double (punct);
      sums[ATTENTION_CORPUS_ENTROPY] += attention_fixed_from_double (entropy);
      sums[ATTENTION_CORPUS_DISTANCE] += attention_fixed_from_double (distance);
    }
}

/* Keeps the k highest values of one measure and head, best first. */
static void
top_offer (AttentionCorpusLine *top, guint k, double value, guint64 line, const char *text)
{
  guint at = k;

  if (isnan (value))
    return;
  /* Ties go to the earlier line: the same choice whatever order the
   * lines ran in. */
  while (at > 0 && (top[at - 1].text == NULL || top[at - 1].value < value ||
                    (top[at - 1].value == value && top[at - 1].line > line)))
    at--;
  if (at >= k)
    return;
  g_free (top[k - 1].text);
  memmove (top + at + 1, top + at, (k - 1 - at) * sizeof *top);
  top[at] = (AttentionCorpusLine){ value, line, g_strdup (text) };
}

static AttentionCorpusLine *
top_slot (AttentionCorpusStats *self, guint measure, guint h)
{
  return self->top + ((gsize)measure * self->n_layers * self->n_heads + h) * self->keep_top;
}

void
attention_corpus_stats_add_line (AttentionCorpusStats *self,
                                 guint64 line,
                                 const char *text,
                                 const float *attentions,
                                 guint n,
                                 const char *const *tokens,
                                 const gboolean *special,
                                 const char *const *tags)
{
  g_autofree gboolean *punctuation = g_new0 (gboolean, n);
  guint n_heads_total = self->n_layers * self->n_heads;
  g_autofree AttentionFixed *line_sums =
      g_new0 (AttentionFixed, (gsize)n_heads_total * ATTENTION_CORPUS_N_STATS);

  g_return_if_fail (n >= 1);

  for (guint j = 0; j < n; j++)
    punctuation[j] = !special[j] && attention_corpus_is_punctuation (tokens[j]);
  for (guint h = 0; h < n_heads_total; h++)
    add_head (line_sums + (gsize)h * ATTENTION_CORPUS_N_STATS, attentions + (gsize)h * n * n, n,
              punctuation);
  for (gsize i = 0; i < (gsize)n_heads_total * ATTENTION_CORPUS_N_STATS; i++)
    self->sums[i] += line_sums[i];
  if (self->keep_top > 0)
    for (guint h = 0; h < n_heads_total; h++)
      for (guint s = 0; s < ATTENTION_CORPUS_N_STATS; s++)
        {
          guint count = s <= ATTENTION_CORPUS_NEXT ? n - 1 : n;

          if (count > 0)
            top_offer (top_slot (self, s, h), self->keep_top,
                       attention_fixed_to_double (line_sums[h * ATTENTION_CORPUS_N_STATS + s]) /
                           count,
                       line, text);
        }

  self->counts[ATTENTION_CORPUS_PREVIOUS] += n - 1;
  self->counts[ATTENTION_CORPUS_NEXT] += n - 1;
  for (guint s = ATTENTION_CORPUS_SELF; s < ATTENTION_CORPUS_N_STATS; s++)
    self->counts[s] += n;
  self->lines++;
  self->tokens += n;

  for (guint r = 0; r < self->relations->len; r++)
    {
      Scored *scored = &g_array_index (self->relations, Scored, r);
      guint n_pairs;
      g_autofree guint *pairs =
          attention_relation_find_pairs (scored->relation, n, tokens, special, tags, &n_pairs);

      for (guint h = 0; h < n_heads_total; h++)
        {
          const float *m = attentions + (gsize)h * n * n;
          AttentionFixed sum = 0;

          for (guint p = 0; p < n_pairs; p++)
            sum += attention_fixed_from_double (m[(gsize)pairs[2 * p] * n + pairs[2 * p + 1]]);
          scored->sums[h] += sum;
          if (self->keep_top > 0 && n_pairs > 0 && r < self->top_relations)
            top_offer (top_slot (self, ATTENTION_CORPUS_N_STATS + r, h), self->keep_top,
                       attention_fixed_to_double (sum) / n_pairs, line, text);
        }
      scored->pairs += n_pairs;
    }
}

void
attention_corpus_stats_keep_top (AttentionCorpusStats *self, guint k)
{
  g_return_if_fail (self->top == NULL && self->lines == 0);
  self->keep_top = k;
  self->top_relations = self->relations->len;
  if (k > 0)
    self->top =
        g_new0 (AttentionCorpusLine, (gsize)(ATTENTION_CORPUS_N_STATS + self->top_relations) *
                                         self->n_layers * self->n_heads * k);
}

guint
attention_corpus_stats_get_top (AttentionCorpusStats *self,
                                guint measure,
                                guint layer,
                                guint head,
                                const AttentionCorpusLine **lines)
{
  AttentionCorpusLine *top;
  guint n = 0;

  *lines = NULL;
  if (self->top == NULL || measure >= ATTENTION_CORPUS_N_STATS + self->top_relations ||
      layer >= self->n_layers || head >= self->n_heads)
    return 0;
  top = top_slot (self, measure, layer * self->n_heads + head);
  while (n < self->keep_top && top[n].text != NULL)
    n++;
  *lines = top;
  return n;
}

void
attention_corpus_stats_skip_line (AttentionCorpusStats *self, guint64 line, const char *reason)
{
  Skipped skipped = { line, g_strdup (reason) };
  guint at = self->skipped->len;

  /* In line order, whatever order the batches ran in. */
  while (at > 0 && g_array_index (self->skipped, Skipped, at - 1).line > line)
    at--;
  g_array_insert_val (self->skipped, at, skipped);
}

void
attention_corpus_stats_add_seconds (AttentionCorpusStats *self, double seconds)
{
  self->seconds += seconds;
}

guint64
attention_corpus_stats_get_lines (AttentionCorpusStats *self)
{
  return self->lines;
}

guint64
attention_corpus_stats_get_tokens (AttentionCorpusStats *self)
{
  return self->tokens;
}

guint
attention_corpus_stats_get_n_skipped (AttentionCorpusStats *self)
{
  return self->skipped->len;
}

guint
attention_corpus_stats_get_n_layers (AttentionCorpusStats *self)
{
  return self->n_layers;
}

guint
attention_corpus_stats_get_n_heads (AttentionCorpusStats *self)
{
  return self->n_heads;
}

double
attention_corpus_stats_get_seconds (AttentionCorpusStats *self)
{
  return self->seconds;
}

const char *
attention_corpus_stats_get_model (AttentionCorpusStats *self)
{
  return self->model;
}

double
attention_corpus_stats_get_mean (AttentionCorpusStats *self,
                                 guint layer,
                                 guint head,
                                 AttentionCorpusStat stat)
{
  g_return_val_if_fail (layer < self->n_layers && head < self->n_heads, NAN);
  g_return_val_if_fail (stat < ATTENTION_CORPUS_N_STATS, NAN);
  if (self->counts[stat] == 0)
    return NAN;
  return attention_fixed_to_double (
             self->sums[((gsize)layer * self->n_heads + head) * ATTENTION_CORPUS_N_STATS + stat]) /
         (double)self->counts[stat];
}

double
attention_corpus_stats_get_relation_score (AttentionCorpusStats *self,
                                           guint r,
                                           guint layer,
                                           guint head)
{
  Scored *scored;

  g_return_val_if_fail (r < self->relations->len, NAN);
  scored = &g_array_index (self->relations, Scored, r);
  if (scored->pairs == 0)
    return NAN;
  return attention_fixed_to_double (scored->sums[layer * self->n_heads + head]) /
         (double)scored->pairs;
}

guint64
attention_corpus_stats_get_relation_pairs (AttentionCorpusStats *self, guint r)
{
  g_return_val_if_fail (r < self->relations->len, 0);
  return g_array_index (self->relations, Scored, r).pairs;
}

static gboolean
mismatch (GError **error, const char *what, const char *mine, const char *theirs)
{
  g_set_error (error, ATTENTION_CORPUS_STATS_ERROR, ATTENTION_CORPUS_STATS_ERROR_MISMATCH,
               _ ("The parts come from different runs: %s differs (%s, %s)."), what, mine, theirs);
  return FALSE;
}

gboolean
attention_corpus_stats_merge (AttentionCorpusStats *self,
                              AttentionCorpusStats *other,
                              GError **error)
{
  gsize n_sums = (gsize)self->n_layers * self->n_heads;

  if (strcmp (self->model, other->model) != 0)
    return mismatch (error, _ ("the model"), self->model, other->model);
  if (strcmp (self->model_hash, other->model_hash) != 0)
    return mismatch (error, _ ("the model's configuration and weights (hash)"), self->model_hash,
                     other->model_hash);
  if (self->n_layers != other->n_layers || self->n_heads != other->n_heads)
    {
      g_autofree char *mine = g_strdup_printf ("%u × %u", self->n_layers, self->n_heads);
      g_autofree char *theirs = g_strdup_printf ("%u × %u", other->n_layers, other->n_heads);

      return mismatch (error, _ ("the shape (layers × heads)"), mine, theirs);
    }
  if (self->relations->len != other->relations->len)
    {
      g_autofree char *mine = g_strdup_printf ("%u", self->relations->len);
      g_autofree char *theirs = g_strdup_printf ("%u", other->relations->len);

      return mismatch (error, _ ("the number of relations"), mine, theirs);
    }
  for (guint r = 0; r < self->relations->len; r++)
    {
      const char *mine =
          attention_relation_get_spec (g_array_index (self->relations, Scored, r).relation);
      const char *theirs =
          attention_relation_get_spec (g_array_index (other->relations, Scored, r).relation);

      if (strcmp (mine, theirs) != 0)
        return mismatch (error, _ ("a relation"), mine, theirs);
    }

  for (gsize i = 0; i < n_sums * ATTENTION_CORPUS_N_STATS; i++)
    self->sums[i] += other->sums[i];
  for (guint s = 0; s < ATTENTION_CORPUS_N_STATS; s++)
    self->counts[s] += other->counts[s];
  for (guint r = 0; r < self->relations->len; r++)
    {
      Scored *mine = &g_array_index (self->relations, Scored, r);
      Scored *theirs = &g_array_index (other->relations, Scored, r);

      for (gsize i = 0; i < n_sums; i++)
        mine->sums[i] += theirs->sums[i];
      mine->pairs += theirs->pairs;
    }
  for (guint i = 0; i < other->skipped->len; i++)
    {
      Skipped *s = &g_array_index (other->skipped, Skipped, i);

      attention_corpus_stats_skip_line (self, s->line, s->reason);
    }
  self->lines += other->lines;
  self->tokens += other->tokens;
  self->seconds += other->seconds;
  return TRUE;
}

/* ---- JSON ---------------------------------------------------------------- */

static void
add_number (JsonBuilder *b, const char *key, double value)
{
  json_builder_set_member_name (b, key);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_fixed (JsonBuilder *b, AttentionFixed value)
{
  g_autofree char *text = attention_fixed_to_string (value);

  json_builder_add_string_value (b, text);
}

static int
compare_skipped (gconstpointer a, gconstpointer b)
{
  guint64 x = ((const Skipped *)a)->line, y = ((const Skipped *)b)->line;

  return x < y ? -1 : x > y;
}

typedef struct
{
  guint layer, head;
  double score;
} Ranked;

static int
compare_ranked (gconstpointer a, gconstpointer b)
{
  const Ranked *x = a, *y = b;

  /* Best first; heads without a score last; then layer and head order. */
  if (isnan (x->score) != isnan (y->score))
    return isnan (x->score) ? 1 : -1;
  if (!isnan (x->score) && x->score != y->score)
    return x->score > y->score ? -1 : 1;
  if (x->layer != y->layer)
    return x->layer < y->layer ? -1 : 1;
  return x->head < y->head ? -1 : x->head > y->head;
}

/* Every head, best first. g_malloc'd, n_layers × n_heads entries. */
static Ranked *
rank_relation (AttentionCorpusStats *self, guint r)
{
  Ranked *ranked = g_new (Ranked, (gsize)self->n_layers * self->n_heads);

  for (guint l = 0; l < self->n_layers; l++)
    for (guint h = 0; h < self->n_heads; h++)
      ranked[l * self->n_heads + h] =
          (Ranked){ l, h, attention_corpus_stats_get_relation_score (self, r, l, h) };
  qsort (ranked, (gsize)self->n_layers * self->n_heads, sizeof (Ranked), compare_ranked);
  return ranked;
}

JsonNode *
attention_corpus_stats_to_json (AttentionCorpusStats *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  g_array_sort (self->skipped, compare_skipped);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, self->model);
  json_builder_set_member_name (b, "model_hash");
  json_builder_add_string_value (b, self->model_hash);
  json_builder_set_member_name (b, "lines");
  json_builder_add_int_value (b, (gint64)self->lines);
  json_builder_set_member_name (b, "tokens");
  json_builder_add_int_value (b, (gint64)self->tokens);
  json_builder_set_member_name (b, "layers");
  json_builder_add_int_value (b, self->n_layers);
  json_builder_set_member_name (b, "heads");
  json_builder_add_int_value (b, self->n_heads);

  json_builder_set_member_name (b, "stats");
  json_builder_begin_array (b);
  for (guint l = 0; l < self->n_layers; l++)
    for (guint h = 0; h < self->n_heads; h++)
      {
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "layer");
        json_builder_add_int_value (b, l + 1);
        json_builder_set_member_name (b, "head");
        json_builder_add_int_value (b, h + 1);
        for (guint s = 0; s < ATTENTION_CORPUS_N_STATS; s++)
          add_number (b, stat_ids[s], attention_corpus_stats_get_mean (self, l, h, s));
        json_builder_end_object (b);
      }
  json_builder_end_array (b);

  /* Sums are decimal integers in units of 2^-fraction_bits: JSON numbers
   * (doubles) could not hold them exactly. */
  json_builder_set_member_name (b, "sums");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "fraction_bits");
  json_builder_add_int_value (b, ATTENTION_FIXED_BITS);
  json_builder_set_member_name (b, "heads");
  json_builder_begin_array (b);
  for (guint l = 0; l < self->n_layers; l++)
    for (guint h = 0; h < self->n_heads; h++)
      {
        const AttentionFixed *sums =
            self->sums + ((gsize)l * self->n_heads + h) * ATTENTION_CORPUS_N_STATS;

        json_builder_begin_object (b);
        json_builder_set_member_name (b, "layer");
        json_builder_add_int_value (b, l + 1);
        json_builder_set_member_name (b, "head");
        json_builder_add_int_value (b, h + 1);
        for (guint s = 0; s < ATTENTION_CORPUS_N_STATS; s++)
          {
            json_builder_set_member_name (b, stat_ids[s]);
            json_builder_begin_object (b);
            json_builder_set_member_name (b, "sum");
            add_fixed (b, sums[s]);
            json_builder_set_member_name (b, "count");
            json_builder_add_int_value (b, (gint64)self->counts[s]);
            json_builder_end_object (b);
          }
        json_builder_end_object (b);
      }
  json_builder_end_array (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "skipped");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->skipped->len; i++)
    {
      Skipped *s = &g_array_index (self->skipped, Skipped, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "line");
      json_builder_add_int_value (b, (gint64)s->line);
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, s->reason);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  add_number (b, "seconds", self->seconds);

  json_builder_set_member_name (b, "relations");
  json_builder_begin_array (b);
  for (guint r = 0; r < self->relations->len; r++)
    {
      Scored *scored = &g_array_index (self->relations, Scored, r);
      g_autofree Ranked *ranked = rank_relation (self, r);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, attention_relation_get_name (scored->relation));
      json_builder_set_member_name (b, "from");
      json_builder_add_string_value (b, attention_relation_get_from (scored->relation));
      json_builder_set_member_name (b, "to");
      json_builder_add_string_value (b, attention_relation_get_to (scored->relation));
      json_builder_set_member_name (b, "spec");
      json_builder_add_string_value (b, attention_relation_get_spec (scored->relation));
      json_builder_set_member_name (b, "pairs");
      json_builder_add_int_value (b, (gint64)scored->pairs);
      json_builder_set_member_name (b, "scores");
      json_builder_begin_array (b);
      for (guint l = 0; l < self->n_layers; l++)
        {
          json_builder_begin_array (b);
          for (guint h = 0; h < self->n_heads; h++)
            {
              double score = attention_corpus_stats_get_relation_score (self, r, l, h);

              if (isfinite (score))
                json_builder_add_double_value (b, score);
              else
                json_builder_add_null_value (b);
            }
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "ranked");
      json_builder_begin_array (b);
      for (guint i = 0; i < self->n_layers * self->n_heads; i++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "layer");
          json_builder_add_int_value (b, ranked[i].layer + 1);
          json_builder_set_member_name (b, "head");
          json_builder_add_int_value (b, ranked[i].head + 1);
          add_number (b, "score", ranked[i].score);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "sums");
      json_builder_begin_array (b);
      for (guint l = 0; l < self->n_layers; l++)
        {
          json_builder_begin_array (b);
          for (guint h = 0; h < self->n_heads; h++)
            add_fixed (b, scored->sums[l * self->n_heads + h]);
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
format_error (GError **error, const char *what)
{
  g_set_error (error, ATTENTION_CORPUS_STATS_ERROR, ATTENTION_CORPUS_STATS_ERROR_FORMAT,
               _ ("This is not a statistics file of attention-cli --stats: %s."), what);
  return FALSE;
}

static gboolean
get_uint (JsonObject *o, const char *key, guint64 max, guint64 *value, GError **error)
{
  JsonNode *node = json_object_get_member (o, key);
  gint64 v;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_autofree char *what = g_strdup_printf (_ ("“%s” is missing or not an integer"), key);

      return format_error (error, what);
    }
  v = json_node_get_int (node);
  if (v < 0 || (guint64)v > max)
    {
      g_autofree char *what = g_strdup_printf (_ ("“%s” is out of range"), key);

      return format_error (error, what);
    }
  *value = (guint64)v;
  return TRUE;
}

static const char *
get_string (JsonObject *o, const char *key)
{
  JsonNode *node = json_object_get_member (o, key);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
get_fixed (JsonNode *node, AttentionFixed *value, GError **error)
{
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING ||
      !attention_fixed_parse (json_node_get_string (node), value))
    return format_error (error, _ ("a sum is not a decimal integer"));
  return TRUE;
}

AttentionCorpusStats *
attention_corpus_stats_new_from_json (JsonNode *root, GError **error)
{
  g_autoptr (AttentionCorpusStats) self = NULL;
  JsonObject *o, *sums;
  JsonArray *heads, *skipped, *relations;
  guint64 layers, heads_n, lines, tokens, bits;
  const char *model, *hash;
  JsonNode *node;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      format_error (error, _ ("it is not a JSON object"));
      return NULL;
    }
  o = json_node_get_object (root);
  model = get_string (o, "model");
  hash = get_string (o, "model_hash");
  if (model == NULL || hash == NULL)
    {
      format_error (error, _ ("“model” or “model_hash” is missing"));
      return NULL;
    }
  if (!get_uint (o, "layers", 4096, &layers, error) ||
      !get_uint (o, "heads", 4096, &heads_n, error) ||
      !get_uint (o, "lines", G_MAXINT64, &lines, error) ||
      !get_uint (o, "tokens", G_MAXINT64, &tokens, error))
    return NULL;
  if (layers == 0 || heads_n == 0)
    {
      format_error (error, _ ("it has no heads"));
      return NULL;
    }
  self = attention_corpus_stats_new (model, hash, (guint)layers, (guint)heads_n);
  self->lines = lines;
  self->tokens = tokens;
  node = json_object_get_member (o, "seconds");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    self->seconds = json_node_get_double (node);

  node = json_object_get_member (o, "sums");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      format_error (error, _ ("“sums” is missing"));
      return NULL;
    }
  sums = json_node_get_object (node);
  if (!get_uint (sums, "fraction_bits", 1024, &bits, error))
    return NULL;
  if (bits != ATTENTION_FIXED_BITS)
    {
      format_error (error, _ ("its sums have another fixed-point scale"));
      return NULL;
    }
  node = json_object_get_member (sums, "heads");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (heads = json_node_get_array (node)) != layers * heads_n)
    {
      format_error (error, _ ("“sums” does not hold one entry per head"));
      return NULL;
    }
  for (guint i = 0; i < layers * heads_n; i++)
    {
      JsonNode *entry = json_array_get_element (heads, i);
      JsonObject *e;
      guint64 l, h;

      if (!JSON_NODE_HOLDS_OBJECT (entry))
        {
          format_error (error, _ ("a head's sums are not an object"));
          return NULL;
        }
      e = json_node_get_object (entry);
      if (!get_uint (e, "layer", layers, &l, error) || !get_uint (e, "head", heads_n, &h, error))
        return NULL;
      if (l == 0 || h == 0)
        {
          format_error (error, _ ("layers and heads count from 1"));
          return NULL;
        }
      for (guint s = 0; s < ATTENTION_CORPUS_N_STATS; s++)
        {
          JsonNode *stat = json_object_get_member (e, stat_ids[s]);
          JsonObject *so;
          guint64 count;

          if (stat == NULL || !JSON_NODE_HOLDS_OBJECT (stat))
            {
              format_error (error, _ ("a head's sums lack a statistic"));
              return NULL;
            }
          so = json_node_get_object (stat);
          if (!get_fixed (json_object_get_member (so, "sum"),
                          &self->sums[((l - 1) * heads_n + (h - 1)) * ATTENTION_CORPUS_N_STATS + s],
                          error) ||
              !get_uint (so, "count", G_MAXINT64, &count, error))
            return NULL;
          self->counts[s] = count;
        }
    }

  node = json_object_get_member (o, "skipped");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      skipped = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (skipped); i++)
        {
          JsonNode *entry = json_array_get_element (skipped, i);
          guint64 line;
          const char *reason;

          if (!JSON_NODE_HOLDS_OBJECT (entry) ||
              !get_uint (json_node_get_object (entry), "line", G_MAXINT64, &line, error))
            {
              g_clear_error (error);
              format_error (error, _ ("a skipped line has no number"));
              return NULL;
            }
          reason = get_string (json_node_get_object (entry), "reason");
          attention_corpus_stats_skip_line (self, line, reason != NULL ? reason : "");
        }
    }

  node = json_object_get_member (o, "relations");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      relations = json_node_get_array (node);
      for (guint r = 0; r < json_array_get_length (relations); r++)
        {
          JsonNode *entry = json_array_get_element (relations, r);
          JsonObject *e;
          const char *spec;
          AttentionRelation *relation;
          Scored *scored;
          guint64 pairs;
          JsonArray *rows;

          if (!JSON_NODE_HOLDS_OBJECT (entry) ||
              (spec = get_string (e = json_node_get_object (entry), "spec")) == NULL)
            {
              format_error (error, _ ("a relation has no “spec”"));
              return NULL;
            }
          relation = attention_relation_parse (spec, error);
          if (relation == NULL)
            return NULL;
          attention_corpus_stats_add_relation (self, relation);
          scored = &g_array_index (self->relations, Scored, r);
          if (!get_uint (e, "pairs", G_MAXINT64, &pairs, error))
            return NULL;
          scored->pairs = pairs;
          node = json_object_get_member (e, "sums");
          if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
              json_array_get_length (rows = json_node_get_array (node)) != layers)
            {
              format_error (error, _ ("a relation's sums do not have one row per layer"));
              return NULL;
            }
          for (guint l = 0; l < layers; l++)
            {
              JsonNode *row = json_array_get_element (rows, l);
              JsonArray *cells;

              if (!JSON_NODE_HOLDS_ARRAY (row) ||
                  json_array_get_length (cells = json_node_get_array (row)) != heads_n)
                {
                  format_error (error, _ ("a relation's sums do not have one entry per head"));
                  return NULL;
                }
              for (guint h = 0; h < heads_n; h++)
                if (!get_fixed (json_array_get_element (cells, h), &scored->sums[l * heads_n + h],
                                error))
                  return NULL;
            }
        }
    }
  return g_steal_pointer (&self);
}

AttentionCorpusStats *
attention_corpus_stats_new_from_file (const char *path, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local_error = NULL;
  AttentionCorpusStats *stats;

  if (!json_parser_load_from_mapped_file (parser, path, &local_error))
    {
      g_set_error (error, ATTENTION_CORPUS_STATS_ERROR, ATTENTION_CORPUS_STATS_ERROR_FORMAT,
                   "%s: %s", path, local_error->message);
      return NULL;
    }
  stats = attention_corpus_stats_new_from_json (json_parser_get_root (parser), &local_error);
  if (stats == NULL)
    g_set_error (error, local_error->domain, local_error->code, "%s: %s", path,
                 local_error->message);
  return stats;
}
