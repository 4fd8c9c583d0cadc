/* attention-corpus-run.c: a file's lines through the model into statistics */

#include "attention-corpus-run.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "attention-corpus-sample.h"
#include "attention-model-hash.h"
#include "attention-run-options.h"

void
attention_corpus_run_options_init (AttentionCorpusRunOptions *options)
{
  memset (options, 0, sizeof *options);
  options->shard = 1;
  options->n_shards = 1;
}

AttentionCorpusStats *
attention_corpus_stats_new_for_model (AttentionModel *model,
                                      GCancellable *cancellable,
                                      GError **error)
{
  const AttentionModelInfo *info = attention_model_get_info (model);
  g_autofree char *hash =
      attention_model_hash_path (attention_model_get_path (model), cancellable, error);

  if (hash == NULL)
    return NULL;
  return attention_corpus_stats_new (info->name, hash, info->n_layers, info->n_heads);
}

/* Lines longer than this are skipped unread: a 10 MB line would be held
 * and tokenized whole only to be refused for its length. */
#define MAX_LINE_BYTES (1024 * 1024)
#define READ_CHUNK 65536

/* Physical lines of a file, read a chunk at a time: memory stays bounded
 * whatever a line's length. */
typedef struct
{
  FILE *in;
  char *chunk;
  gsize chunk_len, chunk_pos;
  GString *line;
} LineReader;

static void
reader_init (LineReader *r, FILE *in)
{
  r->in = in;
  r->chunk = g_malloc (READ_CHUNK);
  r->chunk_len = r->chunk_pos = 0;
  r->line = g_string_sized_new (256);
}

static void
reader_clear (LineReader *r)
{
  g_free (r->chunk);
  g_string_free (r->line, TRUE);
}

/* The next line in r->line, without its "\n" (and a "\r" before it): its
 * length in the file, or -1 at the end or on a read error (ferror tells).
 * A line past MAX_LINE_BYTES is read past, not kept: *too_long, and r->line
 * holds only its start. */
static gint64
reader_next (LineReader *r, gboolean *too_long)
{
  gint64 total = 0;
  gboolean any = FALSE;

  *too_long = FALSE;
  g_string_truncate (r->line, 0);
  errno = 0;
  for (;;)
    {
      const char *start, *newline;
      gsize n;

      if (r->chunk_pos == r->chunk_len)
        {
          r->chunk_len = fread (r->chunk, 1, READ_CHUNK, r->in);
          r->chunk_pos = 0;
          if (r->chunk_len == 0)
            break;
        }
      any = TRUE;
      start = r->chunk + r->chunk_pos;
      newline = memchr (start, '\n', r->chunk_len - r->chunk_pos);
      n = newline != NULL ? (gsize)(newline - start) : r->chunk_len - r->chunk_pos;
      if (!*too_long && total + n > MAX_LINE_BYTES)
        *too_long = TRUE;
      if (!*too_long)
        g_string_append_len (r->line, start, n);
      total += n;
      r->chunk_pos += n + (newline != NULL);
      if (newline != NULL)
        break;
    }
  if (!any || (total == 0 && ferror (r->in)))
    return -1;
  if (r->line->len > 0 && r->line->str[r->line->len - 1] == '\r')
    g_string_truncate (r->line, r->line->len - 1);
  return total;
}

static gboolean
only_spaces (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* Why the line cannot run before it reaches the model, or NULL. */
static char *
check_text (const char *text, gssize len)
{
  const char *end;

  if ((gsize)len != strlen (text))
    return g_strdup (_ ("it holds a NUL byte (binary data)"));
  if (!g_utf8_validate (text, len, &end))
    return g_strdup_printf (_ ("it is not valid UTF-8 (byte %llu)"),
                            (unsigned long long)(end - text) + 1);
  if (only_spaces (text))
    return g_strdup (_ ("it is empty"));
  return NULL;
}

/* Lines are read ahead, WINDOW_LINES at a time, sorted by their token
 * count and run in batches of lines of the same count (no padding: the
 * softmax and the products of a padded row round by the padded width). */
#define WINDOW_LINES 1024
#define WINDOW_BYTES (8 * 1024 * 1024) /* and at most this much text */
/* Tokens of one forward where a line has a fixed place (plan_fixed): a
 * forward costs a fixed part (every weight read once: about 4 ms a
 * bert-base layer on a machine without AVX-512) and a part per row
 * (0.2 ms), and a fixed place leaves free places, filled with copies, when
 * few lines share its length. Measured with oneDNN's GEMM on one thread
 * (docs/benchmarks.md): 22 rows cost 392 us a row a layer, 44 rows 253,
 * 128 rows 222, so past about 48 rows a wider forward saves little and
 * wastes more places. Under the shim's BLAS_MANY_TOKENS (96), so that on
 * OpenBLAS's GEMM a forward keeps it to one thread on 2 CPUs. */
#define BATCH_TOKENS 64
#define BATCH_LINES 8
/* Rows of one forward where places are free (plan_free): at least
 * FREE_MIN_ROWS, since oneDNN's GEMM rounds a product of 1 row, of 2-15
 * rows and of 16 or more each its own way (measured on bert-base's shapes:
 * from 16 rows on, a row's result is the same at every place and row
 * count up to 2,048), filled with copies below it; at most FREE_MAX_ROWS,
 * past which a wider forward saves little (400 sample lines on a
 * bert-base-sized model, one worker: 64 rows 14.1 s, 128 11.5, 192 10.9,
 * 256 10.6, 384 10.4). */
#define FREE_MIN_ROWS 16
#define FREE_MAX_ROWS 256
#define MAX_WORKERS 8

typedef struct
{
  guint64 line;
  char *text;
  char **tags;
  guint n;
  gsize bytes; /* of the file, for the progress */
} Pending;

static void
pending_clear (gpointer data)
{
  Pending *p = data;

  g_free (p->text);
  attention_corpus_token_tags_free (p->tags, p->n);
}

static int
compare_pending (gconstpointer a, gconstpointer b)
{
  const Pending *x = a, *y = b;

  if (x->n != y->n)
    return x->n < y->n ? -1 : 1;
  return x->line < y->line ? -1 : x->line > y->line;
}

typedef struct
{
  AttentionModel *model;
  AttentionCorpusStats *stats;
  const AttentionModelInfo *info;
  gboolean with_tags;
  GCancellable *cancellable;
  AttentionRunOptions options;
  guint batch_lines; /* at most this many lines in one forward */
  /* A line's numbers do not depend on the lines beside it in a forward
   * (see probe_free_places): forwards take any lines of one length. */
  gboolean free_places;
  GArray *pending; /* Pending, at most WINDOW_LINES */
  /* Progress: bytes read, of which still queued; the file's size (−1 for
   * a pipe); lines of the shard read. */
  const AttentionCorpusRunOptions *progress;
  gint64 start, last_report, file_size, bytes_read, bytes_pending;
  guint64 tried;
  /* Forwards go on `workers` threads at once (this one and helpers), each
   * forward on one intra-op thread; lock guards stats and bytes_pending
   * while they do. */
  guint workers;
  gboolean first_done; /* the model's first forward ran alone */
  gboolean probed;     /* free_places is known */
  GMutex lock;
  GPtrArray *jobs; /* Job, of one flush */
  guint next_job;  /* under lock */
  gboolean stop;   /* under lock: cancelled */
} Run;

/* One forward: width places, each a queued line or NULL (a copy). */
typedef struct
{
  Pending **slots;
  guint width;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->slots);
  g_free (job);
}

static void
report (Run *run, gboolean last)
{
  gint64 now = g_get_monotonic_time ();
  double fraction = -1;
  guint64 lines;

  if (run->progress->progress == NULL || (!last && now - run->last_report < G_USEC_PER_SEC / 4))
    return;
  run->last_report = now;
  g_mutex_lock (&run->lock);
  if (run->file_size > 0)
    fraction = MIN (1.0, (run->bytes_read - run->bytes_pending) / (double)run->file_size);
  lines = attention_corpus_stats_get_lines (run->stats);
  g_mutex_unlock (&run->lock);
  run->progress->progress (lines, run->tried, fraction, (now - run->start) / (double)G_USEC_PER_SEC,
                           run->progress->progress_data);
}

/* Tokenizes a line and queues it; a reason (g_malloc'd) when it cannot
 * run. */
static char *
queue_line (Run *run, guint64 line, const char *text, gsize bytes, const char *tags_line)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BertEncoding) encoding = NULL;
  Pending pending = { line, NULL, NULL, 0, bytes };
  char *reason = NULL;

  encoding = attention_model_encode (run->model, text, -1, &error);
  if (encoding == NULL)
    return g_strdup (error->message);
  pending.n = encoding->n_tokens;
  /* Specials included, as the model counts them. */
  if (pending.n > run->info->max_positions)
    return g_strdup_printf (_ ("it has %u tokens; the model reads at most %u"), pending.n,
                            run->info->max_positions);
  if (run->with_tags)
    {
      if (tags_line == NULL)
        return g_strdup (_ ("the tags file has no line for it"));
      pending.tags =
          attention_corpus_token_tags (text, tags_line, pending.n, encoding->spans, &reason);
      if (pending.tags == NULL)
        return reason;
    }
  pending.text = g_strdup (text);
  g_array_append_val (run->pending, pending);
  run->bytes_pending += bytes;
  return NULL;
}

static void
add_result (Run *run, const Pending *pending, AttentionResult *result)
{
  guint n = attention_result_get_n_tokens (result);
  g_autofree gboolean *special = g_new0 (gboolean, n);

  for (guint i = 0; i < n; i++)
    {
      gint64 id = attention_result_get_id (result, i);

      special[i] = id == run->info->cls_id || id == run->info->sep_id || id == run->info->pad_id ||
                   id == run->info->mask_id || id == run->info->unk_id;
    }
  g_mutex_lock (&run->lock);
  attention_corpus_stats_add_line (
      run->stats, pending->line, pending->text, attention_result_get_attentions (result), n,
      attention_result_get_tokens (result), special, (const char *const *)pending->tags);
  run->bytes_pending -= pending->bytes;
  g_mutex_unlock (&run->lock);
}

static void
skip_pending (Run *run, const Pending *pending, const char *reason)
{
  g_mutex_lock (&run->lock);
  attention_corpus_stats_skip_line (run->stats, pending->line, reason);
  run->bytes_pending -= pending->bytes;
  g_mutex_unlock (&run->lock);
}

/* The results of one forward of texts[0..width), or NULL and error. Every
 * head on (× 1, exact), given per text, so that every forward takes the
 * same batched engine. concurrent: the model's first forward is done. */
static GPtrArray *
forward_texts (Run *run, const char **texts, guint width, gboolean concurrent, GError **error)
{
  gsize per_text = (gsize)run->info->n_layers * run->info->n_heads;
  g_autofree float *keep = g_new (float, per_text *width);
  AttentionRunOptions options = run->options;

  for (gsize k = 0; k < per_text * width; k++)
    keep[k] = 1.0f;
  options.concurrent = concurrent;
  return attention_model_run_batch (run->model, texts, NULL, width, keep, &options,
                                    run->cancellable, error);
}

/* One forward of width sequences of n tokens: slots[p] the queued line in
 * place p, or NULL (filled with a copy of another line, its result
 * dropped). If it fails, each line alone, so that only the culprit is
 * skipped. FALSE when cancelled. */
static gboolean
run_forward (Run *run, Pending **slots, guint width)
{
  g_autofree const char **texts = g_new (const char *, width);
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *filler = NULL;
  guint real = 0;

  for (guint p = 0; p < width; p++)
    if (slots[p] != NULL)
      filler = slots[p]->text, real++;
  if (real == 0)
    return TRUE;
  for (guint p = 0; p < width; p++)
    texts[p] = slots[p] != NULL ? slots[p]->text : filler;
  results = forward_texts (run, texts, width, run->first_done, &local_error);
  if (results != NULL)
    {
      for (guint p = 0; p < width; p++)
        if (slots[p] != NULL)
          add_result (run, slots[p], g_ptr_array_index (results, p));
      return TRUE;
    }
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  if (real == 1)
    {
      for (guint p = 0; p < width; p++)
        if (slots[p] != NULL)
          skip_pending (run, slots[p], local_error->message);
      return TRUE;
    }
  for (guint p = 0; p < width; p++)
    if (slots[p] != NULL)
      {
        g_autofree Pending **alone = g_new0 (Pending *, width);

        alone[p] = slots[p];
        if (!run_forward (run, alone, width))
          return FALSE;
      }
  return TRUE;
}

/* Plans the queued lines of one token count n, all[0..count), where a
 * product's rounding may depend on its shape and on a row's place in it
 * (measured on a GEMM: up to 3e-9 in a mean). A line goes in place (line
 * number mod width) of a forward of width sequences, width set by n alone,
 * so a line gets the same numbers in every run, whichever lines share its
 * forward, and shards sum bit for bit to what the single run sums. */
static void
plan_fixed (Run *run, Pending *all, guint count, guint n)
{
  guint width = CLAMP (BATCH_TOKENS / MAX (n, 1u), 1u, BATCH_LINES);
  g_autofree gboolean *done = g_new0 (gboolean, count);
  guint left = count;

  while (left > 0)
    {
      Job *job = g_new (Job, 1);
      guint real = 0;

      job->width = width;
      job->slots = g_new0 (Pending *, width);
      for (guint i = 0; i < count && real < (run->batch_lines > 0 ? run->batch_lines : BATCH_LINES);
           i++)
        {
          guint p = (guint)(all[i].line % width);

          if (done[i] || job->slots[p] != NULL)
            continue;
          job->slots[p] = &all[i];
          done[i] = TRUE;
          real++;
        }
      left -= real;
      g_ptr_array_add (run->jobs, job);
    }
}

/* Lines of n tokens a forward with free places takes at least: copies
 * fill it up to FREE_MIN_ROWS. */
static guint
free_min_lines (guint n)
{
  return (FREE_MIN_ROWS + MAX (n, 1u) - 1) / MAX (n, 1u);
}

/* ... and at most: FREE_MAX_ROWS rows and run->batch_lines lines, never
 * fewer than free_min_lines. */
static guint
free_max_lines (Run *run, guint n)
{
  guint max_lines = FREE_MAX_ROWS / MAX (n, 1u);

  if (run->batch_lines > 0)
    max_lines = MIN (max_lines, run->batch_lines);
  return MAX (max_lines, free_min_lines (n));
}

/* Plans the queued lines of one token count n, all[0..count), where a
 * line's numbers are the same in any forward of at least FREE_MIN_ROWS
 * rows (probe_free_places): forwards of about equal size, each at most
 * FREE_MAX_ROWS rows (and run->batch_lines lines), copies of its first
 * line filling it up to FREE_MIN_ROWS. */
static void
plan_free (Run *run, Pending *all, guint count, guint n)
{
  guint min_lines = free_min_lines (n), max_lines = free_max_lines (run, n);
  guint n_jobs = (count + max_lines - 1) / max_lines;

  for (guint j = 0, start = 0; j < n_jobs; j++)
    {
      Job *job = g_new (Job, 1);
      /* Spread the lines evenly: 9 lines at most 8 a forward go 5 + 4,
       * not 8 + 1 (and 7 copies). */
      guint real = (count - start + (n_jobs - j) - 1) / (n_jobs - j);

      job->width = MAX (real, min_lines);
      job->slots = g_new0 (Pending *, job->width);
      for (guint i = 0; i < real; i++)
        job->slots[i] = &all[start + i];
      start += real;
      g_ptr_array_add (run->jobs, job);
    }
}

/* Whether a line gets the same numbers whichever lines share its forward,
 * on this machine, for this model, in forwards of FREE_MIN_ROWS to
 * widest_rows rows: the line's attentions alone-with-copies at the fewest
 * rows, against every copy's in a forward of one line more (which moves
 * where a vectorised loop's scalar tail falls) and in one of at least
 * widest_rows. Each forward holds copies of one line, so that any
 * difference is the place's or the shape's, not the data's. It runs the
 * model's first forwards, alone: 0.35-0.5 s more than a run without it on
 * bert-base (200 sample lines: 3.4 s against 3.0 s), hence widest_rows.
 * ATTENTION_STATS_PLACES=fixed or =free skips it. */
static gboolean
probe_free_places (Run *run, const Pending *line, guint widest_rows)
{
  const char *env = g_getenv ("ATTENTION_STATS_PLACES");
  guint n = MAX (line->n, 1u);
  guint min_lines = free_min_lines (n);
  guint max_lines = MAX (min_lines, (widest_rows + n - 1) / n);
  guint widths[] = { min_lines, min_lines + 1, max_lines };
  gsize floats = (gsize)run->info->n_layers * run->info->n_heads * line->n * line->n;
  g_autofree float *first = NULL;

  if (g_strcmp0 (env, "fixed") == 0)
    return FALSE;
  if (g_strcmp0 (env, "free") == 0)
    return TRUE;
  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    {
      g_autofree const char **texts = NULL;
      g_autoptr (GPtrArray) results = NULL;
      gboolean seen = FALSE;

      for (guint v = 0; v < w; v++)
        seen = seen || widths[v] == widths[w];
      if (seen)
        continue;
      texts = g_new (const char *, widths[w]);
      for (guint p = 0; p < widths[w]; p++)
        texts[p] = line->text;
      /* run_forward's own call, so that the probe takes its engine. */
      results = forward_texts (run, texts, widths[w], FALSE, NULL);
      /* A failing line is the run's to report, where places are fixed. */
      if (results == NULL)
        return FALSE;
      run->first_done = TRUE;
      for (guint p = 0; p < widths[w]; p++)
        {
          AttentionResult *result = g_ptr_array_index (results, p);

          if (attention_result_get_n_tokens (result) != line->n)
            return FALSE;
          if (first == NULL)
            first = g_memdup2 (attention_result_get_attentions (result), floats * sizeof (float));
          else if (memcmp (first, attention_result_get_attentions (result),
                           floats * sizeof (float)) != 0)
            return FALSE;
        }
    }
  return TRUE;
}

/* Takes the next forward of the flush and runs it, until none is left or
 * the run is cancelled. FALSE when cancelled. */
static gboolean
run_jobs (Run *run, gboolean reports)
{
  for (;;)
    {
      Job *job = NULL;

      g_mutex_lock (&run->lock);
      if (!run->stop && run->next_job < run->jobs->len)
        job = g_ptr_array_index (run->jobs, run->next_job++);
      g_mutex_unlock (&run->lock);
      if (job == NULL)
        break;
      if (!run_forward (run, job->slots, job->width))
        {
          g_mutex_lock (&run->lock);
          run->stop = TRUE;
          g_mutex_unlock (&run->lock);
          break;
        }
      if (reports)
        report (run, FALSE);
    }
  g_mutex_lock (&run->lock);
  {
    gboolean stopped = run->stop;

    g_mutex_unlock (&run->lock);
    return !stopped;
  }
}

static gpointer
helper_thread (gpointer data)
{
  run_jobs (data, FALSE);
  return NULL;
}

/* The most rows a forward of plan_free takes for the queued lines (sorted). */
static guint
widest_free_forward (Run *run, const Pending *all, guint total)
{
  guint widest = 0;

  for (guint start = 0; start < total;)
    {
      guint n = MAX (all[start].n, 1u), count = 1;

      while (start + count < total && all[start + count].n == all[start].n)
        count++;
      widest = MAX (widest, MAX (MIN (count, free_max_lines (run, n)), free_min_lines (n)) * n);
      start += count;
    }
  return widest;
}

/* Runs every queued line, shortest first, and empties the queue; last: no
 * line comes after them. FALSE when cancelled (the lines run until then
 * are counted). */
static gboolean
flush (Run *run, gboolean last)
{
  Pending *all = (Pending *)(void *)run->pending->data;
  guint total = run->pending->len;
  gboolean ok = TRUE;

  g_array_sort (run->pending, compare_pending);
  g_ptr_array_set_size (run->jobs, 0);
  run->next_job = 0;
  /* The model's first forwards run alone: they measure the model and
   * build the shim's batched module, after which forwards may go side by
   * side. */
  if (!run->probed && total > 0)
    {
      /* Where these are all the lines, no forward will be wider than theirs. */
      guint widest = last ? widest_free_forward (run, all, total) : FREE_MAX_ROWS;

      run->free_places = probe_free_places (run, &all[0], widest);
      run->probed = TRUE;
      g_debug ("corpus run: a line's place in its forward is %s",
               run->free_places ? "free" : "fixed");
    }
  for (guint start = 0; start < total;)
    {
      guint n = all[start].n, count = 1;

      while (start + count < total && all[start + count].n == n)
        count++;
      if (run->free_places)
        plan_free (run, all + start, count, n);
      else
        plan_fixed (run, all + start, count, n);
      start += count;
    }
  if (!run->first_done && run->jobs->len > 0)
    {
      Job *first = g_ptr_array_index (run->jobs, 0);

      run->next_job = 1;
      ok = run_forward (run, first->slots, first->width);
      run->first_done = TRUE;
      run->stop = !ok;
    }
  if (ok)
    {
      GThread *helpers[MAX_WORKERS];
      guint n_helpers = MIN (run->workers, (guint)MAX_WORKERS) - 1;

      /* A forward is the same computation on whichever thread runs it, and
       * the sums are exact, so the results do not depend on the order. */
      n_helpers = MIN (n_helpers, run->jobs->len - MIN (run->next_job, run->jobs->len));
      for (guint i = 0; i < n_helpers; i++)
        helpers[i] = g_thread_new ("corpus-forward", helper_thread, run);
      ok = run_jobs (run, TRUE);
      for (guint i = 0; i < n_helpers; i++)
        g_thread_join (helpers[i]);
      ok = ok && !run->stop;
    }
  g_ptr_array_set_size (run->jobs, 0);
  g_array_set_size (run->pending, 0);
  run->bytes_pending = 0;
  return ok;
}

static FILE *
open_input (const char *path, gint64 *size, GError **error)
{
  FILE *in;
  GStatBuf st;

  *size = -1;
  if (strcmp (path, "-") == 0)
    return stdin;
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, _ ("%s: it is a folder, not a file"),
                   path);
      return NULL;
    }
  in = g_fopen (path, "rb");
  if (in == NULL)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      return NULL;
    }
  if (g_stat (path, &st) == 0 && S_ISREG (st.st_mode))
    *size = st.st_size;
  return in;
}

static void
close_input (FILE *in)
{
  if (in != NULL && in != stdin)
    fclose (in);
}

/* Forwards at once: ATTENTION_STATS_WORKERS, else one a processor (at
 * most MAX_WORKERS). */

static guint
n_workers (void)
{
  const char *env = g_getenv ("ATTENTION_STATS_WORKERS");
  guint64 value;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, MAX_WORKERS, &value, NULL))
    return (guint)value;
  return CLAMP (g_get_num_processors (), 1u, (guint)MAX_WORKERS);
}

/* Lines per forward at most: ATTENTION_STATS_BATCH (1: each line alone in
 * its forward, the other places filled, as the tests compare), else
 * BATCH_LINES where places are fixed; where they are free, FREE_MAX_ROWS
 * rows set the number. */
static guint
batch_lines (void)
{
  const char *env = g_getenv ("ATTENTION_STATS_BATCH");
  guint64 value;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 1024, &value, NULL))
    return (guint)value;
  return 0;
}

/* Intra-op threads of a forward: ATTENTION_STATS_THREADS, else 1. With
 * two, every operation of a forward ends at a barrier where one thread
 * waits for the other; on a busy machine the scheduler keeps taking one of
 * them off its core, and 40 lines took 462 s against 32 s with one
 * (docs/benchmarks.md). */
static guint
forward_threads (void)
{
  const char *env = g_getenv ("ATTENTION_STATS_THREADS");
  guint64 value;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 64, &value, NULL))
    return (guint)value;
  return 1;
}

gboolean
attention_corpus_run (AttentionModel *model,
                      AttentionCorpusStats *stats,
                      const AttentionCorpusRunOptions *options,
                      guint64 *lines_tried,
                      GCancellable *cancellable,
                      GError **error)
{
  LineReader reader, tags_reader;
  FILE *in, *tags_in = NULL;
  gint64 tags_file_size;
  guint64 line = 0;
  g_autoptr (GArray) pending = g_array_new (FALSE, FALSE, sizeof (Pending));
  g_autoptr (GPtrArray) jobs = g_ptr_array_new_with_free_func (job_free);
  g_autoptr (GError) read_error = NULL;
  Run run = { 0 };
  gboolean cancelled = FALSE;

  g_return_val_if_fail (
      options->n_shards >= 1 && options->shard >= 1 && options->shard <= options->n_shards, FALSE);

  run.model = model;
  run.stats = stats;
  run.info = attention_model_get_info (model);
  run.cancellable = cancellable;
  attention_run_options_init (&run.options);
  run.options.top_k = 0;
  run.options.threads = forward_threads ();
  run.workers = n_workers ();
  run.batch_lines = batch_lines ();
  run.pending = pending;
  run.jobs = jobs;
  run.progress = options;
  run.start = g_get_monotonic_time ();
  g_array_set_clear_func (pending, pending_clear);
  if (lines_tried != NULL)
    *lines_tried = 0;
  in = open_input (options->path, &run.file_size, error);
  if (in == NULL)
    return FALSE;
  if (options->tags_path != NULL)
    {
      tags_in = open_input (options->tags_path, &tags_file_size, error);
      if (tags_in == NULL)
        {
          close_input (in);
          return FALSE;
        }
      run.with_tags = TRUE;
      reader_init (&tags_reader, tags_in);
    }
  reader_init (&reader, in);
  g_mutex_init (&run.lock);

  for (;;)
    {
      gint64 len;
      gboolean too_long = FALSE, tags_too_long = FALSE;
      const char *tags_line = NULL;
      g_autofree char *reason = NULL;

      if (g_cancellable_is_cancelled (cancellable))
        {
          cancelled = TRUE;
          break;
        }
      len = reader_next (&reader, &too_long);
      if (len < 0)
        {
          if (ferror (in))
            {
              int saved = errno != 0 ? errno : EIO;

              /* What was read until then still runs: nothing is lost. */
              g_set_error (&read_error, G_FILE_ERROR, g_file_error_from_errno (saved),
                           _ ("%s: %s (the lines read until then are counted)"), options->path,
                           g_strerror (saved));
            }
          break;
        }
      line++;
      run.bytes_read += len + 1;
      if (tags_in != NULL && reader_next (&tags_reader, &tags_too_long) >= 0 && !tags_too_long)
        tags_line = tags_reader.line->str;
      if ((line - 1) % options->n_shards != options->shard - 1)
        continue;

      run.tried++;
      if (too_long)
        reason = g_strdup_printf (_ ("it is %llu bytes long; lines over %u bytes are skipped "
                                     "unread"),
                                  (unsigned long long)len, (guint)MAX_LINE_BYTES);
      else
        reason = check_text (reader.line->str, (gssize)reader.line->len);
      if (reason == NULL)
        reason = queue_line (&run, line, reader.line->str, len + 1, tags_line);
      if (reason != NULL)
        attention_corpus_stats_skip_line (stats, line, reason);
      if ((pending->len >= WINDOW_LINES || run.bytes_pending >= WINDOW_BYTES) &&
          !flush (&run, FALSE))
        {
          cancelled = TRUE;
          break;
        }
      report (&run, FALSE);
    }
  if (!cancelled && !flush (&run, TRUE))
    cancelled = TRUE;
  reader_clear (&reader);
  if (tags_in != NULL)
    reader_clear (&tags_reader);
  close_input (in);
  close_input (tags_in);

  attention_corpus_stats_add_seconds (stats, (g_get_monotonic_time () - run.start) /
                                                 (double)G_USEC_PER_SEC);
  report (&run, TRUE);
  g_mutex_clear (&run.lock);
  if (lines_tried != NULL)
    *lines_tried = run.tried;
  if (cancelled)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("Cancelled"));
      return FALSE;
    }
  if (read_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&read_error));
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  GPtrArray *relations;
  guint keep_top;
  AttentionCorpusRunOptions options;
  char *path, *tags_path;
  /* The outcome, read by finish once the thread is done. */
  AttentionCorpusStats *stats;
  GError *error;
  GCancellable *cancellable;
} RunData;

static void
run_data_free (RunData *data)
{
  if (data->relations != NULL)
    g_ptr_array_unref (data->relations);
  g_free (data->path);
  g_free (data->tags_path);
  g_clear_pointer (&data->stats, attention_corpus_stats_free);
  g_clear_error (&data->error);
  g_clear_object (&data->cancellable);
  g_free (data);
}

static void
run_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *unused)
{
  RunData *data = task_data;
  GCancellable *cancellable = data->cancellable;

  data->stats = attention_corpus_stats_new_for_model (source, cancellable, &data->error);
  if (data->stats != NULL)
    {
      for (guint i = 0; data->relations != NULL && i < data->relations->len; i++)
        attention_corpus_stats_add_relation (data->stats,
                                             g_ptr_array_steal_index (data->relations, i--));
      attention_corpus_stats_keep_top (data->stats, data->keep_top);
      attention_corpus_run (source, data->stats, &data->options, NULL, cancellable, &data->error);
    }
  g_task_return_boolean (task, TRUE);
}

void
attention_corpus_run_async (AttentionModel *model,
                            GPtrArray *relations,
                            guint keep_top,
                            const AttentionCorpusRunOptions *options,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (model, NULL, callback, user_data);
  RunData *data = g_new0 (RunData, 1);

  data->relations = relations;
  data->keep_top = keep_top;
  data->options = *options;
  data->path = g_strdup (options->path);
  data->tags_path = g_strdup (options->tags_path);
  data->options.path = data->path;
  data->options.tags_path = data->tags_path;
  g_task_set_source_tag (task, attention_corpus_run_async);
  g_task_set_task_data (task, data, (GDestroyNotify)run_data_free);
  /* The task has no cancellable of its own: a cancel stops the loop, whose
   * partial statistics still come back. */
  data->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  g_task_run_in_thread (task, run_thread);
}

AttentionCorpusStats *
attention_corpus_run_finish (AttentionModel *model, GAsyncResult *result, GError **error)
{
  RunData *data;

  g_return_val_if_fail (g_task_is_valid (result, model), NULL);
  data = g_task_get_task_data (G_TASK (result));
  if (data->error != NULL)
    g_propagate_error (error, g_steal_pointer (&data->error));
  return g_steal_pointer (&data->stats);
}
