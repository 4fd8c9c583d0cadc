/* attention-download.h: downloads a BERT folder from the Hugging Face hub
 * with libsoup 3 (no GTK). config.json, vocab.txt, tokenizer_config.json (if
 * the hub has it) and model.safetensors go into a hidden staging folder under
 * MODELS_DIR/.downloads/; each file is fetched into NAME.part, resumed with an
 * HTTP Range request when a retry finds one, checked against the hub's size
 * (X-Linked-Size, Content-Length) and sha256 (X-Linked-ETag/ETag of LFS
 * files), then renamed; when every file is there the staging folder is
 * renamed to MODELS_DIR/MODEL_ID, so a partial download never looks like a
 * model. */
#pragma once

#include <gio/gio.h>

#include "attention-download-error.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_DOWNLOAD (attention_download_get_type ())
G_DECLARE_FINAL_TYPE (AttentionDownload, attention_download, ATTENTION, DOWNLOAD, GObject)

/* MODEL_ID is checked when the download runs. */
AttentionDownload *attention_download_new (const char *model_id);
const char *attention_download_get_model_id (AttentionDownload *self);
/* Default: attention_hub_get_models_dir(). */
void attention_download_set_models_dir (AttentionDownload *self, const char *models_dir);

/* Downloads (or finds already installed) the model in a worker thread;
 * run_finish returns its folder. ::progress is emitted in the caller's
 * thread-default main context. Cancelling keeps the partial file for the
 * next run to resume. */
void attention_download_run_async (AttentionDownload *self,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
char *attention_download_run_finish (AttentionDownload *self, GAsyncResult *result, GError **error);

typedef struct
{
  const char *file; /* the file being fetched, NULL before the first */
  gint64 received;  /* bytes of this file on disk, resumed part included */
  gint64 total;     /* its size, -1 while unknown */
  gboolean resumed; /* the file continues a partial one */
} AttentionDownloadProgress;

/* A snapshot of the progress (valid until the next main-context iteration
 * in the signal's thread); for ::progress handlers. */
void attention_download_get_progress (AttentionDownload *self, AttentionDownloadProgress *progress);

G_END_DECLS
