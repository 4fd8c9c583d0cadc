/* attention-corpus-run.c: a file's lines through the model into statistics */

#include "attention-corpus-run.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "attention-corpus-sample.h"
#include "attention-model-hash.h"

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

/* One physical line of in, without its "\n" (and a "\r" before it): its
 * length, or -1 at the end or on a read error (ferror tells). */
static gssize
read_line (FILE *in, char **buffer, size_t *size)
{
  gssize len;

  errno = 0;
  len = getline (buffer, size, in);
  if (len < 0)
    return -1;
  if (len > 0 && (*buffer)[len - 1] == '\n')
    (*buffer)[--len] = '\0';
  if (len > 0 && (*buffer)[len - 1] == '\r')
    (*buffer)[--len] = '\0';
  return len;
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

typedef struct
{
  AttentionModel *model;
  AttentionCorpusStats *stats;
  const AttentionModelInfo *info;
  gboolean with_tags;
  GCancellable *cancellable;
} Run;

/* Runs one line and adds it; a reason (g_malloc'd) when it was skipped. */
static char *
run_line (Run *run, guint64 line, const char *text, const char *tags_line)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (BertEncoding) encoding = NULL;
  g_autoptr (AttentionResult) result = NULL;
  g_autofree gboolean *special = NULL;
  char **tags = NULL;
  char *reason = NULL;
  guint n;

  encoding = bert_tokenizer_encode (attention_model_get_tokenizer (run->model), text, -1, &error);
  if (encoding == NULL)
    return g_strdup (error->message);
  n = encoding->n_tokens;
  /* Specials included, as the model counts them. */
  if (n > run->info->max_positions)
    return g_strdup_printf (_ ("it has %u tokens; the model reads at most %u"), n,
                            run->info->max_positions);
  if (run->with_tags)
    {
      if (tags_line == NULL)
        return g_strdup (_ ("the tags file has no line for it"));
      tags = attention_corpus_token_tags (text, tags_line, n, encoding->spans, &reason);
      if (tags == NULL)
        return reason;
    }

  result = attention_model_run (run->model, text, 0, NULL, &error);
  if (result == NULL)
    {
      attention_corpus_token_tags_free (tags, n);
      return g_strdup (error->message);
    }
  special = g_new0 (gboolean, n);
  for (guint i = 0; i < n; i++)
    {
      gint64 id = attention_result_get_id (result, i);

      special[i] = id == run->info->cls_id || id == run->info->sep_id || id == run->info->pad_id ||
                   id == run->info->mask_id || id == run->info->unk_id;
    }
  attention_corpus_stats_add_line (run->stats, line, text, attention_result_get_attentions (result),
                                   n, attention_result_get_tokens (result), special,
                                   (const char *const *)tags);
  attention_corpus_token_tags_free (tags, n);
  return NULL;
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

gboolean
attention_corpus_run (AttentionModel *model,
                      AttentionCorpusStats *stats,
                      const AttentionCorpusRunOptions *options,
                      guint64 *lines_tried,
                      GCancellable *cancellable,
                      GError **error)
{
  g_autofree char *buffer = NULL, *tags_buffer = NULL;
  size_t size = 0, tags_size = 0;
  FILE *in, *tags_in = NULL;
  gint64 file_size, tags_file_size, bytes = 0;
  guint64 line = 0, tried = 0;
  gint64 start = g_get_monotonic_time (), last_progress = start;
  Run run = { model, stats, attention_model_get_info (model), FALSE, cancellable };
  gboolean ok = TRUE;

  g_return_val_if_fail (
      options->n_shards >= 1 && options->shard >= 1 && options->shard <= options->n_shards, FALSE);

  if (lines_tried != NULL)
    *lines_tried = 0;
  in = open_input (options->path, &file_size, error);
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
    }

  for (;;)
    {
      gssize len;
      const char *tags_line = NULL;
      g_autofree char *reason = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      len = read_line (in, &buffer, &size);
      if (len < 0)
        {
          if (ferror (in))
            {
              int saved = errno != 0 ? errno : EIO;

              /* What ran so far stays counted: nothing is lost. */
              g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                           _ ("%s: %s (the lines read until then are counted)"), options->path,
                           g_strerror (saved));
              ok = FALSE;
            }
          break;
        }
      line++;
      bytes += len + 1;
      if (tags_in != NULL && read_line (tags_in, &tags_buffer, &tags_size) >= 0)
        tags_line = tags_buffer;
      if ((line - 1) % options->n_shards != options->shard - 1)
        continue;

      tried++;
      reason = check_text (buffer, len);
      if (reason == NULL)
        reason = run_line (&run, line, buffer, tags_line);
      if (reason != NULL)
        attention_corpus_stats_skip_line (stats, line, reason);
      if (options->progress != NULL && g_get_monotonic_time () - last_progress > G_USEC_PER_SEC / 4)
        {
          last_progress = g_get_monotonic_time ();
          options->progress (attention_corpus_stats_get_lines (stats), tried,
                             file_size > 0 ? MIN (1.0, bytes / (double)file_size) : -1,
                             (last_progress - start) / (double)G_USEC_PER_SEC,
                             options->progress_data);
        }
    }
  close_input (in);
  close_input (tags_in);

  attention_corpus_stats_add_seconds (stats,
                                      (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC);
  if (options->progress != NULL)
    options->progress (attention_corpus_stats_get_lines (stats), tried, ok ? 1.0 : -1,
                       (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC,
                       options->progress_data);
  if (lines_tried != NULL)
    *lines_tried = tried;
  return ok;
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
