/* attention-corpus-run.h: runs a file of one text a line through a model into
 * AttentionCorpusStats, streaming it (one line in memory at a time), for the
 * CLI's --stats and the window's Heads page. Lines that cannot run are
 * skipped with their reason; a read error or a cancel keeps what ran. */
#pragma once

#include <gio/gio.h>

#include "attention-corpus-stats.h"
#include "attention-model.h"

G_BEGIN_DECLS

/* Called from the running thread about four times a second and once at the
 * end: lines run and read so far, the share of the file's bytes read (−1
 * when its size is not known: standard input), seconds since the start. */
typedef void (*AttentionCorpusProgress) (
    guint64 lines_run, guint64 lines_read, double fraction, double seconds, gpointer data);

typedef struct
{
  const char *path;      /* "-": standard input */
  const char *tags_path; /* part-of-speech tags, line by line, or NULL */
  guint64 shard;         /* run the lines k with (k − 1) mod n_shards = shard − 1 */
  guint64 n_shards;
  AttentionCorpusProgress progress;
  gpointer progress_data;
} AttentionCorpusRunOptions;

/* Everything, no tags, no progress: shard 1 of 1. */
void attention_corpus_run_options_init (AttentionCorpusRunOptions *options);

/* Empty statistics for model: its name, shape and the hash of its files. */
AttentionCorpusStats *attention_corpus_stats_new_for_model (AttentionModel *model,
                                                            GCancellable *cancellable,
                                                            GError **error);

/* Runs the lines into stats (which already holds the relations to score).
 * *lines_tried (may be NULL): the lines of the shard that were read. FALSE
 * and the reason when the file cannot be opened (nothing ran), when reading
 * fails, or when cancelled (G_IO_ERROR_CANCELLED); stats then keep every
 * line that ran. */
gboolean attention_corpus_run (AttentionModel *model,
                               AttentionCorpusStats *stats,
                               const AttentionCorpusRunOptions *options,
                               guint64 *lines_tried,
                               GCancellable *cancellable,
                               GError **error);

/* The same in a worker thread, from making the statistics (the model's
 * hash reads its files) to the last line: relations (taken, may be NULL)
 * are scored, and the keep_top strongest lines of every head kept
 * (attention_corpus_stats_keep_top). The options' strings are copied. */
void attention_corpus_run_async (AttentionModel *model,
                                 GPtrArray *relations,
                                 guint keep_top,
                                 const AttentionCorpusRunOptions *options,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
/* The statistics, also after a cancel or a read error (with the error set:
 * what ran until then); NULL only when none could be made. */
AttentionCorpusStats *
attention_corpus_run_finish (AttentionModel *model, GAsyncResult *result, GError **error);

G_END_DECLS
